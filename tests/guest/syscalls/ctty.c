// tests/guest/syscalls/ctty.c — a controlling terminal, as login_tty
// (forkpty, Python's pty.fork and pty.spawn) takes one: TIOCSCTTY refused
// to a process that leads no session (EPERM), granted to a session leader
// (setsid, then TIOCSCTTY on a pseudo-terminal's slave), granted again for
// the same terminal, refused for a file that is no terminal (ENOTTY); then
// forkpty itself, with the child writing through its terminal.
#include "sc.h"

#include <fcntl.h>
#include <pty.h>
#include <sys/ioctl.h>
#include <sys/wait.h>

static int child_ctty(int s) {
  ERR("TIOCSCTTY before setsid", ioctl(s, TIOCSCTTY, 0));
  BOOL("setsid made a session", setsid() == getpid());
  OK("TIOCSCTTY as session leader", ioctl(s, TIOCSCTTY, 0));
  OK("TIOCSCTTY again, same terminal", ioctl(s, TIOCSCTTY, 0));
  int f = open("plain", O_RDWR | O_CREAT, 0600);
  ERR("TIOCSCTTY on a regular file", ioctl(f, TIOCSCTTY, 0));
  return 0;
}

int main(void) {
  int m = posix_openpt(O_RDWR | O_NOCTTY);
  if (m < 0 || grantpt(m) != 0 || unlockpt(m) != 0) return 1;
  int s = open(ptsname(m), O_RDWR | O_NOCTTY);
  if (s < 0) return 1;
  pid_t pid = fork();
  if (pid == 0) _exit(child_ctty(s));
  int st;
  waitpid(pid, &st, 0);
  SAY("child status %d", WIFEXITED(st) ? WEXITSTATUS(st) : -1);
  close(s);
  close(m);

  int fdm;
  pid = forkpty(&fdm, NULL, NULL, NULL);
  if (pid < 0) {
    SAY("forkpty: %s", sc_errname(errno));
    return 1;
  }
  if (pid == 0) {
    // login_tty already made a session: setsid must fail now.
    int r = setsid();
    printf("in child: isatty %d, setsid %s\n", isatty(1), r < 0 ? sc_errname(errno) : "succeeded");
    fflush(stdout);
    _exit(7);
  }
  char buf[256];
  size_t n = 0;
  for (;;) {
    ssize_t r = read(fdm, buf + n, sizeof buf - 1 - n);
    if (r <= 0) break;  // EIO once the child's side is closed
    n += (size_t)r;
  }
  buf[n] = 0;
  waitpid(pid, &st, 0);
  printf("forkpty child said: %s", buf);
  SAY("forkpty child status %d", WIFEXITED(st) ? WEXITSTATUS(st) : -1);
  return 0;
}
