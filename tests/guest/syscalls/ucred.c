// tests/guest/syscalls/ucred.c — credentials on Unix sockets. Sending
// SCM_CREDENTIALS: the sender's own pid, uid and gid pass (the receiver with
// SO_PASSCRED sees them); another process's pid needs CAP_SYS_ADMIN (EPERM
// without, as user nobody in the .unprivileged run; ESRCH for a pid that no
// longer exists); another uid needs CAP_SETUID and another gid CAP_SETGID
// (EPERM). Between processes: SO_PEERCRED of a socketpair's end in a fork
// child names the creator; a client connected to a listener sees the
// listener's pid, the accepted socket the client's, and the client's
// SCM_CREDENTIALS (explicit or filled in for SO_PASSCRED) arrive with its pid.
#include "sc.h"

#include <signal.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>

static int sv[2];

static const char* send_creds(pid_t pid, uid_t uid, gid_t gid) {
  struct ucred uc = {pid, uid, gid};
  char cbuf[CMSG_SPACE(sizeof uc)];
  memset(cbuf, 0, sizeof cbuf);
  char byte = 'x';
  struct iovec io = {&byte, 1};
  struct msghdr m = {0};
  m.msg_iov = &io;
  m.msg_iovlen = 1;
  m.msg_control = cbuf;
  m.msg_controllen = sizeof cbuf;
  struct cmsghdr* c = CMSG_FIRSTHDR(&m);
  c->cmsg_level = SOL_SOCKET;
  c->cmsg_type = SCM_CREDENTIALS;
  c->cmsg_len = CMSG_LEN(sizeof uc);
  memcpy(CMSG_DATA(c), &uc, sizeof uc);
  return sendmsg(sv[0], &m, 0) < 0 ? sc_errname(errno) : "ok";
}

// Receives one byte from fd: 1 with the credentials that came with it in
// *uc, 0 if none came, -errno.
static int recv_creds(int fd, int flags, struct ucred* uc) {
  char byte;
  char cbuf[256];
  struct iovec io = {&byte, 1};
  struct msghdr m = {0};
  m.msg_iov = &io;
  m.msg_iovlen = 1;
  m.msg_control = cbuf;
  m.msg_controllen = sizeof cbuf;
  if (recvmsg(fd, &m, flags) < 0) return -errno;
  struct cmsghdr* c = CMSG_FIRSTHDR(&m);
  if (!c || c->cmsg_type != SCM_CREDENTIALS) return 0;
  memcpy(uc, CMSG_DATA(c), sizeof *uc);
  return 1;
}

// Receives one datagram and tells whether its credentials are ours (with
// pid false, not the pid: credentials naming another guest's pid arrive
// with the peer's, docs/SYSCALLS.md).
static void receive(const char* label, int pid) {
  struct ucred uc;
  int r = recv_creds(sv[1], MSG_DONTWAIT, &uc);
  if (r <= 0) {
    SAY("%s: %s", label, r < 0 ? sc_errname(-r) : "no credentials");
    return;
  }
  if (pid) SAY("%s: pid ours %d", label, uc.pid == getpid());
  SAY("%s: uid ours %d, gid ours %d", label, uc.uid == getuid(), uc.gid == getgid());
}

int main(void) {
  socketpair(AF_UNIX, SOCK_DGRAM, 0, sv);
  int on = 1;
  setsockopt(sv[1], SOL_SOCKET, SO_PASSCRED, &on, sizeof on);
  SAY("own pid, uid, gid: %s", send_creds(getpid(), getuid(), getgid()));
  receive("received", 1);

  pid_t child = fork();
  if (child == 0) {
    pause();
    _exit(0);
  }
  SAY("a child's pid: %s", send_creds(child, getuid(), getgid()));
  receive("after a child's pid", 0);
  kill(child, SIGKILL);
  waitpid(child, NULL, 0);
  SAY("a reaped child's pid: %s", send_creds(child, getuid(), getgid()));
  SAY("another uid: %s", send_creds(getpid(), getuid() + 1, getgid()));
  receive("after another uid", 1);
  SAY("another gid: %s", send_creds(getpid(), getuid(), getgid() + 1));
  receive("after another gid", 1);
  SAY("pid 0: %s", send_creds(0, getuid(), getgid()));

  // A socketpair's ends carry the creator's credentials, also in a child.
  pid_t parent = getpid();
  int pair[2];
  socketpair(AF_UNIX, SOCK_STREAM, 0, pair);
  child = fork();
  if (child == 0) {
    struct ucred uc;
    socklen_t len = sizeof uc;
    getsockopt(pair[1], SOL_SOCKET, SO_PEERCRED, &uc, &len);
    SAY("child: socketpair peer is the creator %d, uid ours %d", uc.pid == parent,
        uc.uid == getuid());
    _exit(0);
  }
  waitpid(child, NULL, 0);

  // A listener and a client in a child.
  struct sockaddr_un addr = {.sun_family = AF_UNIX, .sun_path = "sock"};
  int ls = socket(AF_UNIX, SOCK_STREAM, 0);
  bind(ls, (struct sockaddr*)&addr, sizeof addr);
  listen(ls, 1);
  child = fork();
  if (child == 0) {
    int s = socket(AF_UNIX, SOCK_STREAM, 0);
    connect(s, (struct sockaddr*)&addr, sizeof addr);
    char go;
    read(s, &go, 1);  // accepted by now
    struct ucred uc;
    socklen_t len = sizeof uc;
    getsockopt(s, SOL_SOCKET, SO_PEERCRED, &uc, &len);
    // Results as exit status bits, printed by the parent (one writer).
    int bits = uc.pid == parent;
    sv[0] = s;
    bits |= !strcmp(send_creds(getpid(), getuid(), getgid()), "ok") << 1;
    write(s, "y", 1);  // no credentials: SO_PASSCRED fills them in
    read(s, &go, 1);
    _exit(bits);
  }
  int as = accept(ls, NULL, NULL);
  int on1 = 1;
  setsockopt(as, SOL_SOCKET, SO_PASSCRED, &on1, sizeof on1);
  struct ucred uc;
  socklen_t len = sizeof uc;
  getsockopt(as, SOL_SOCKET, SO_PEERCRED, &uc, &len);
  SAY("server: peer is the client %d", uc.pid == child);
  write(as, "g", 1);
  for (int i = 0; i < 2; ++i) {
    if (recv_creds(as, 0, &uc) == 1)
      SAY("server: message %d from the client's pid %d", i, uc.pid == child);
    else
      SAY("server: message %d without credentials", i);
  }
  write(as, "q", 1);
  int st;
  waitpid(child, &st, 0);
  SAY("client: peer is the listener %d, sent its credentials %d", WEXITSTATUS(st) & 1,
      (WEXITSTATUS(st) >> 1) & 1);
  return 0;
}
