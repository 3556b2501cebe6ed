// tests/guest/syscalls/ucred.c — sending SCM_CREDENTIALS over a Unix socket:
// the sender's own pid, uid and gid pass (the receiver with SO_PASSCRED sees
// them); another process's pid needs CAP_SYS_ADMIN (EPERM without, as user
// nobody in the .unprivileged run; ESRCH for a pid that no longer exists);
// another uid needs CAP_SETUID and another gid CAP_SETGID (EPERM).
#include "sc.h"

#include <signal.h>
#include <sys/socket.h>
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

// Receives one datagram and tells whether its credentials are ours (with
// pid false, not the pid: hart shows the receiver's own pid for credentials
// another guest process named, docs/SYSCALLS.md).
static void receive(const char* label, int pid) {
  char byte;
  char cbuf[256];
  struct iovec io = {&byte, 1};
  struct msghdr m = {0};
  m.msg_iov = &io;
  m.msg_iovlen = 1;
  m.msg_control = cbuf;
  m.msg_controllen = sizeof cbuf;
  if (recvmsg(sv[1], &m, MSG_DONTWAIT) < 0) {
    SAY("%s: recv %s", label, sc_errname(errno));
    return;
  }
  struct cmsghdr* c = CMSG_FIRSTHDR(&m);
  if (!c || c->cmsg_type != SCM_CREDENTIALS) {
    SAY("%s: no credentials", label);
    return;
  }
  struct ucred uc;
  memcpy(&uc, CMSG_DATA(c), sizeof uc);
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
  return 0;
}
