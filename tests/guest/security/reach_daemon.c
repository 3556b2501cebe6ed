// tests/guest/security/reach_daemon.c — an attacker: a guest that tries to
// talk to the hartd it runs in. For each target ("unix:PATH" or
// "tcp:PORT" on 127.0.0.1) it connects, sends a request (argv[1]:
// "control" sends a JSON hello line, "gdb" a '?' packet) and prints one
// line: "TARGET: answered", "TARGET: refused" (the daemon closed the
// connection without a word) or "TARGET: connect failed: ERR".
// Exit status 0; the verdict is the output (tests/daemon/hartd_test.py).
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

static int connect_to(const char* target) {
  if (strncmp(target, "unix:", 5) == 0) {
    struct sockaddr_un a;
    memset(&a, 0, sizeof a);
    a.sun_family = AF_UNIX;
    snprintf(a.sun_path, sizeof a.sun_path, "%s", target + 5);
    int fd = socket(AF_UNIX, SOCK_STREAM, 0);
    if (fd >= 0 && connect(fd, (struct sockaddr*)&a, sizeof a) != 0) {
      close(fd);
      return -1;
    }
    return fd;
  }
  if (strncmp(target, "tcp:", 4) == 0) {
    struct sockaddr_in a;
    memset(&a, 0, sizeof a);
    a.sin_family = AF_INET;
    a.sin_port = htons((unsigned short)atoi(target + 4));
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    if (fd >= 0 && connect(fd, (struct sockaddr*)&a, sizeof a) != 0) {
      close(fd);
      return -1;
    }
    return fd;
  }
  errno = EINVAL;
  return -1;
}

int main(int argc, char** argv) {
  if (argc < 3) {
    fprintf(stderr, "usage: reach_daemon control|gdb TARGET...\n");
    return 2;
  }
  signal(SIGPIPE, SIG_IGN);  // a refused connection may be closed before the write
  const char* msg = strcmp(argv[1], "gdb") == 0 ? "$?#3f" : "{\"id\":1,\"op\":\"hello\"}\n";
  for (int i = 2; i < argc; ++i) {
    int fd = connect_to(argv[i]);
    if (fd < 0) {
      printf("%s: connect failed: %s\n", argv[i], strerror(errno));
      continue;
    }
    ssize_t w = write(fd, msg, strlen(msg));
    (void)w;
    char buf[256];
    struct pollfd p = {fd, POLLIN, 0};
    ssize_t n = poll(&p, 1, 5000) == 1 ? read(fd, buf, sizeof buf) : -2;
    if (n > 0)
      printf("%s: answered\n", argv[i]);
    else if (n == -2)
      printf("%s: no answer (timeout)\n", argv[i]);
    else
      printf("%s: refused\n", argv[i]);
    close(fd);
  }
  fflush(stdout);
  return 0;
}
