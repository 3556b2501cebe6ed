// tests/guest/syscalls/umask.c — the guest's umask applies to every call
// that creates a file: open/openat/openat2 with O_CREAT and O_TMPFILE,
// mkdir, mknod (regular, FIFO), mkfifo, bind of an AF_UNIX socket; it is
// shared by the threads of a process, inherited by fork, and shown in
// /proc/self/status. Modes are printed in octal, the same natively and
// under hart-run.
#include "sc.h"

#include <fcntl.h>
#include <linux/openat2.h>
#include <pthread.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/un.h>
#include <sys/wait.h>

static void mode_of(const char* label, const char* path) {
  struct stat st;
  if (lstat(path, &st) != 0) SAY("%s: %s", label, sc_errname(errno));
  else SAY("%s: %04o", label, st.st_mode & 07777);
}

static void fd_mode(const char* label, int fd) {
  struct stat st;
  if (fd < 0) SAY("%s: %s", label, sc_errname(errno));
  else if (fstat(fd, &st) == 0) SAY("%s: %04o", label, st.st_mode & 07777);
  if (fd >= 0) close(fd);
}

static void umask_line(void) {
  FILE* f = fopen("/proc/self/status", "r");
  char line[256];
  while (f && fgets(line, sizeof line, f))
    if (!strncmp(line, "Umask:", 6)) printf("status %s", line);
  if (f) fclose(f);
  fflush(stdout);
}

static void create_all(const char* tag) {
  char p[64];
  snprintf(p, sizeof p, "dir-%s", tag);
  mkdir(p, 0777);
  mode_of("mkdir 0777", p);
  snprintf(p, sizeof p, "file-%s", tag);
  fd_mode("open O_CREAT 0666", open(p, O_CREAT | O_WRONLY, 0666));
  snprintf(p, sizeof p, "exec-%s", tag);
  fd_mode("openat O_CREAT 0777", openat(AT_FDCWD, p, O_CREAT | O_WRONLY, 0777));
  snprintf(p, sizeof p, "o2-%s", tag);
  struct open_how how = {.flags = O_CREAT | O_WRONLY, .mode = 0666};
  fd_mode("openat2 O_CREAT 0666", syscall(SYS_openat2, AT_FDCWD, p, &how, sizeof how));
  fd_mode("O_TMPFILE 0666", open(".", O_TMPFILE | O_RDWR, 0666));
  snprintf(p, sizeof p, "fifo-%s", tag);
  mkfifo(p, 0666);
  mode_of("mkfifo 0666", p);
  snprintf(p, sizeof p, "node-%s", tag);
  mknod(p, S_IFREG | 0666, 0);
  mode_of("mknod regular 0666", p);
  snprintf(p, sizeof p, "sock-%s", tag);
  struct sockaddr_un a = {.sun_family = AF_UNIX};
  snprintf(a.sun_path, sizeof a.sun_path, "%s", p);
  int s = socket(AF_UNIX, SOCK_STREAM, 0);
  OK("bind", bind(s, (struct sockaddr*)&a, sizeof a));
  close(s);
  mode_of("AF_UNIX socket", p);
}

static void* in_thread(void* arg) {
  (void)arg;
  create_all("thread");
  return NULL;
}

int main(void) {
  VAL("umask(02) was", umask(02) != 0);
  umask_line();
  create_all("02");
  VAL("umask(0) was", umask(0));
  create_all("0");
  umask(077);
  umask_line();
  pthread_t t;
  pthread_create(&t, NULL, in_thread, NULL);
  pthread_join(t, NULL);
  umask(027);
  pid_t c = fork();
  if (c == 0) {
    umask_line();
    create_all("child");
    umask(0);
    _exit(0);
  }
  waitpid(c, NULL, 0);
  VAL("parent umask after the child changed its own", umask(027));
  // A thread's umask change is the process's.
  pthread_create(&t, NULL, (void* (*)(void*))(void*)umask, (void*)(long)0002);
  pthread_join(t, NULL);
  VAL("umask set by a thread", umask(022));
  return 0;
}
