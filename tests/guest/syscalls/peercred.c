// tests/guest/syscalls/peercred.c — who is at the other end of a Unix
// socket, before accept and without it: SO_PEERCRED of a listener (its own
// credentials of listen(), also in a fork child that inherited it), of a
// client connected but not accepted (the listener's credentials of
// listen(), in this process and in a child, which as root first became
// user nobody: the accepted socket then names nobody), of an unconnected
// socket (pid 0, the overflow ids), of a connection whose peer process has
// exited since the server asked (still that process); SO_PEERPIDFD (Linux 6.5+) of those
// (ENODATA without a peer; a pidfd whose fdinfo names the peer, never the
// emulator), SO_PEERGROUPS (ENODATA without a peer, ERANGE and the length
// for a short buffer, the peer's groups) and SCM_PIDFD with SO_PASSPIDFD. Run with --host-release (a
// kernel older than 6.5 is reported and nothing is called).
#include "sc.h"

#include <fcntl.h>
#include <grp.h>
#include <stddef.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>

#ifndef SO_PASSPIDFD
#define SO_PASSPIDFD 76
#endif
#ifndef SO_PEERPIDFD
#define SO_PEERPIDFD 77
#endif
#ifndef SCM_PIDFD
#define SCM_PIDFD 4
#endif

// An abstract name (no file whose permissions user nobody would need).
static struct sockaddr_un addr = {AF_UNIX, ""};
static socklen_t addr_len;

// The pid /proc/self/fdinfo shows for pidfd fd, -1 if none.
static int pidfd_pid(int fd) {
  char path[64], buf[4096];
  snprintf(path, sizeof path, "/proc/self/fdinfo/%d", fd);
  int f = open(path, O_RDONLY);
  ssize_t n = f >= 0 ? read(f, buf, sizeof buf - 1) : -1;
  if (f >= 0) close(f);
  if (n <= 0) return -1;
  buf[n] = 0;
  char* p = strstr(buf, "\nPid:");
  return p ? atoi(p + 5) : -1;
}

static struct ucred peer(int s) {
  struct ucred uc = {-1, (uid_t)-1, (gid_t)-1};
  socklen_t len = sizeof uc;
  if (getsockopt(s, SOL_SOCKET, SO_PEERCRED, &uc, &len)) uc.pid = -errno;
  return uc;
}

// SO_PEERGROUPS equals this process's groups: "yes"/"no", or the errno;
// with optlen 0 first (ERANGE and the length needed when there are groups).
static void show_groups(const char* label, int s) {
  gid_t mine[256], got[256];
  int n = getgroups(256, mine);
  socklen_t len = 0;
  int r = getsockopt(s, SOL_SOCKET, SO_PEERGROUPS, got, &len);
  const char* first = r == 0 ? "ok" : sc_errname(errno);
  if (r != 0 && errno != ERANGE) {
    SAY("%s: %s", label, first);
    return;
  }
  int need_ok = len == n * sizeof(gid_t);
  len = sizeof got;
  r = getsockopt(s, SOL_SOCKET, SO_PEERGROUPS, got, &len);
  SAY("%s: empty buffer %s, length %d, ours %s", label, first, need_ok,
      r != 0 ? sc_errname(errno) : len == n * sizeof(gid_t) && !memcmp(got, mine, len) ? "yes" : "no");
}

// SO_PEERPIDFD: the pid its pidfd names, or -errno.
static int peer_pidfd(int s) {
  int fd = -1;
  socklen_t len = sizeof fd;
  if (getsockopt(s, SOL_SOCKET, SO_PEERPIDFD, &fd, &len)) return -errno;
  int pid = pidfd_pid(fd);
  close(fd);
  return pid;
}

static void show_pidfd(const char* label, int s, pid_t expect) {
  int r = peer_pidfd(s);
  if (r < 0) SAY("%s: %s", label, sc_errname(-r));
  else SAY("%s: names the peer %s", label, r == expect ? "yes" : "no");
}

static int connected(void) {
  int c = socket(AF_UNIX, SOCK_STREAM, 0);
  if (connect(c, (struct sockaddr*)&addr, addr_len)) SAY("connect: %s", sc_errname(errno));
  return c;
}

int main(void) {
  if (sc_kernel_before(6, 5)) return 0;
  // Some supplementary groups for SO_PEERGROUPS to carry (as root).
  gid_t some[2] = {1234, 5678};
  if (geteuid() == 0) setgroups(2, some);
  pid_t me = getpid();
  int n0 = snprintf(addr.sun_path + 1, sizeof addr.sun_path - 1, "hart-peercred-%d-%ld", me, (long)&addr);
  addr_len = offsetof(struct sockaddr_un, sun_path) + 1 + n0;
  int ls = socket(AF_UNIX, SOCK_STREAM, 0);
  if (bind(ls, (struct sockaddr*)&addr, addr_len)) SAY("bind: %s", sc_errname(errno));

  struct ucred u = peer(ls);
  SAY("unconnected: pid %d uid %d gid %d", u.pid, (int)u.uid, (int)u.gid);
  show_pidfd("unconnected pidfd", ls, 0);
  show_groups("unconnected groups", ls);

  listen(ls, 8);
  u = peer(ls);
  BOOL("listener: itself", u.pid == me && u.uid == geteuid() && u.gid == getegid());
  show_pidfd("listener pidfd", ls, me);

  int c1 = connected();
  u = peer(c1);
  BOOL("client before accept: the listener", u.pid == me && u.uid == geteuid());
  show_pidfd("client before accept pidfd", c1, me);

  int p2[2], go[2];
  if (pipe(p2) || pipe(go)) return 1;
  pid_t child = fork();
  if (child == 0) {
    // The inherited listener still names its listen() caller.
    struct ucred l = peer(ls);
    int bits = (l.pid == me) | (peer_pidfd(ls) == me) << 1;
    if (geteuid() == 0 && (setresgid(65534, 65534, 65534) || setresuid(65534, 65534, 65534))) _exit(99);
    int c = connected();
    struct ucred k = peer(c);
    bits |= (k.pid == me) << 2 | (k.uid == 0 || k.uid == getuid()) << 3 | (peer_pidfd(c) == me) << 4;
    // Send one byte with the pidfd the receiver asked for (once it has).
    char b = 'x';
    close(go[1]);
    read(go[0], &b, 1);
    write(c, &b, 1);
    close(p2[1]);
    read(p2[0], &b, 1);  // until the parent has read it
    _exit(bits);
  }
  close(p2[0]);
  close(go[0]);
  int as1 = accept(ls, NULL, NULL);  // c1's
  int as2 = accept(ls, NULL, NULL);  // the child's
  u = peer(c1);
  BOOL("client after accept: the listener", u.pid == me);
  u = peer(as1);
  BOOL("accepted own client: this process", u.pid == me);
  u = peer(as2);
  BOOL("accepted child: the child", u.pid == child);
  SAY("accepted child uid: %s", u.uid == getuid() ? "ours" : u.uid == 65534 ? "nobody" : "other");
  show_pidfd("accepted child pidfd", as2, child);

  // SCM_PIDFD: the sender's pidfd with each message.
  int on = 1;
  OK("SO_PASSPIDFD", setsockopt(as2, SOL_SOCKET, SO_PASSPIDFD, &on, sizeof on));
  close(go[1]);
  char byte, cbuf[CMSG_SPACE(sizeof(int))];
  struct iovec io = {&byte, 1};
  struct msghdr m = {.msg_iov = &io, .msg_iovlen = 1, .msg_control = cbuf, .msg_controllen = sizeof cbuf};
  ssize_t n = recvmsg(as2, &m, 0);
  struct cmsghdr* c = n > 0 ? CMSG_FIRSTHDR(&m) : NULL;
  if (c && c->cmsg_level == SOL_SOCKET && c->cmsg_type == SCM_PIDFD) {
    int fd;
    memcpy(&fd, CMSG_DATA(c), sizeof fd);
    BOOL("SCM_PIDFD names the sender", fd >= 0 && pidfd_pid(fd) == child);
    if (fd >= 0) close(fd);
  } else {
    SAY("SCM_PIDFD: none");
  }
  close(p2[1]);
  int st;
  waitpid(child, &st, 0);
  int bits = WIFEXITED(st) ? WEXITSTATUS(st) : -1;
  SAY("child: listener %d, listener pidfd %d, peer the listener %d, its uid %d, pidfd %d", bits & 1,
      bits >> 1 & 1, bits >> 2 & 1, bits >> 3 & 1, bits >> 4 & 1);

  // socketpair: both ends name the creator.
  int sv[2];
  socketpair(AF_UNIX, SOCK_STREAM, 0, sv);
  u = peer(sv[0]);
  BOOL("socketpair: the creator", u.pid == me && u.uid == geteuid());
  show_pidfd("socketpair pidfd", sv[1], me);
  show_groups("socketpair groups", sv[1]);
  int cg = connected();
  show_groups("client before accept groups", cg);
  close(accept(ls, NULL, NULL));
  close(cg);

  // A peer that went away: its end is gone, the connection stays.
  int c3 = connected();
  int as3 = accept(ls, NULL, NULL);
  close(c3);
  u = peer(as3);
  BOOL("closed peer: still the client", u.pid == me);

  // A peer process that exited after the server asked: still named.
  pid_t c2 = fork();
  if (c2 == 0) {
    int s = connected();
    char b = 'y';
    write(s, &b, 1);
    read(s, &b, 1);  // until the server has asked
    _exit(0);
  }
  int as4 = accept(ls, NULL, NULL);
  u = peer(as4);
  BOOL("peer process: named", u.pid == c2);
  char b4;
  read(as4, &b4, 1);
  write(as4, &b4, 1);
  waitpid(c2, &st, 0);
  u = peer(as4);
  BOOL("peer process exited: still named", u.pid == c2);

  // Not a Unix socket (no peer pid): ENODATA.
  int ds = socket(AF_INET, SOCK_DGRAM, 0);
  show_pidfd("inet pidfd", ds, 0);
  int bad = 0;
  socklen_t bl = 2;
  OK("short optlen", getsockopt(sv[0], SOL_SOCKET, SO_PEERPIDFD, &bad, &bl));
  SAY("short optlen: len %u", bl);
  ERR("pidfd EFAULT", getsockopt(sv[0], SOL_SOCKET, SO_PEERPIDFD, BAD_PTR, &bl));
  return 0;
}
