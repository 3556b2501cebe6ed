// tests/guest/syscalls/sockets.c — sockets: socketpair, AF_UNIX stream and
// datagram with relative paths (resolved in the cwd), names, SCM_RIGHTS both
// ways, sendmsg/recvmsg, sendmmsg/recvmmsg, options, shutdown, EPIPE and
// SIGPIPE, TCP and UDP on the loopback.
#include "sc.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>

static volatile int got_pipe;
static void on_pipe(int s) { (void)s; got_pipe++; }

static int send_fd(int sock, int fd) {
  char c = 'F';
  struct iovec iov = {&c, 1};
  union {
    struct cmsghdr h;
    char b[CMSG_SPACE(sizeof(int))];
  } u;
  memset(&u, 0, sizeof u);
  struct msghdr m = {0};
  m.msg_iov = &iov;
  m.msg_iovlen = 1;
  m.msg_control = u.b;
  m.msg_controllen = sizeof u.b;
  struct cmsghdr* c2 = CMSG_FIRSTHDR(&m);
  c2->cmsg_level = SOL_SOCKET;
  c2->cmsg_type = SCM_RIGHTS;
  c2->cmsg_len = CMSG_LEN(sizeof(int));
  memcpy(CMSG_DATA(c2), &fd, sizeof fd);
  return (int)sendmsg(sock, &m, 0);
}

static int recv_fd(int sock, int flags) {
  char c;
  struct iovec iov = {&c, 1};
  union {
    struct cmsghdr h;
    char b[CMSG_SPACE(sizeof(int))];
  } u;
  struct msghdr m = {0};
  m.msg_iov = &iov;
  m.msg_iovlen = 1;
  m.msg_control = u.b;
  m.msg_controllen = sizeof u.b;
  if (recvmsg(sock, &m, flags) < 0) return -1;
  struct cmsghdr* c2 = CMSG_FIRSTHDR(&m);
  if (!c2 || c2->cmsg_type != SCM_RIGHTS) return -2;
  int fd;
  memcpy(&fd, CMSG_DATA(c2), sizeof fd);
  return fd;
}

int main(void) {
  int sv[2];
  OK("socketpair", socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv));
  ERR("socketpair EFAULT", socketpair(AF_UNIX, SOCK_STREAM, 0, BAD_PTR));
  { int sv2[2]; ERR("socketpair inet", socketpair(AF_INET, SOCK_STREAM, 0, sv2)); }
  ERR("socket bad family", socket(12345, SOCK_STREAM, 0));
  ERR("socket bad type flags", socket(AF_UNIX, SOCK_STREAM | 0x100, 0));
  VAL("send", send(sv[0], "hello", 5, 0));
  char buf[64] = {0};
  VAL("recv", recv(sv[1], buf, sizeof buf, 0));
  SAY("got %s", buf);
  send(sv[0], "abc", 3, 0);
  ERR("recv EFAULT", recv(sv[1], BAD_PTR, 4, MSG_DONTWAIT));
  VAL("recv after EFAULT", recv(sv[1], buf, sizeof buf, 0));
  ERR("recv EAGAIN", recv(sv[1], buf, 4, MSG_DONTWAIT));
  ERR("send EBADF", send(99, "x", 1, 0));
  ERR("send ENOTSOCK", send(open("/dev/null", O_RDONLY), "x", 1, 0));

  // SCM_RIGHTS: pass a pipe's read end, read through the received fd.
  int p[2];
  pipe(p);
  write(p[1], "via-fd", 6);
  OK("sendmsg SCM_RIGHTS", send_fd(sv[0], p[0]));
  int rfd = recv_fd(sv[1], MSG_CMSG_CLOEXEC);
  BOOL("received an fd", rfd >= 0);
  BOOL("received fd is new", rfd != p[0]);
  BOOL("received fd cloexec", (fcntl(rfd, F_GETFD) & FD_CLOEXEC) != 0);
  memset(buf, 0, sizeof buf);
  VAL("read via received fd", read(rfd, buf, sizeof buf));
  SAY("got %s", buf);
  ERR("sendmsg SCM_RIGHTS EBADF", send_fd(sv[0], 98));
  // across processes: a child passes its own new pipe to the parent.
  int xs[2];
  socketpair(AF_UNIX, SOCK_STREAM, 0, xs);
  pid_t kid = fork();
  if (kid == 0) {
    int cp[2];
    pipe(cp);
    write(cp[1], "from-child", 10);
    _exit(send_fd(xs[1], cp[0]) == 1 ? 0 : 1);
  }
  int kfd = recv_fd(xs[0], 0);
  memset(buf, 0, sizeof buf);
  VAL("read child's pipe", read(kfd, buf, sizeof buf));
  SAY("got %s", buf);
  int kst;
  waitpid(kid, &kst, 0);
  SAY("child status %d", WEXITSTATUS(kst));

  // credentials
  struct ucred cr;
  socklen_t cl = sizeof cr;
  OK("SO_PEERCRED", getsockopt(sv[0], SOL_SOCKET, SO_PEERCRED, &cr, &cl));
  BOOL("peer pid is me", cr.pid == getpid());
  BOOL("peer uid is me", cr.uid == getuid());

  // options
  int v = 0;
  socklen_t vl = sizeof v;
  OK("SO_TYPE", getsockopt(sv[0], SOL_SOCKET, SO_TYPE, &v, &vl));
  SAY("SO_TYPE = %d len %u", v, vl);
  v = 1;
  OK("SO_KEEPALIVE set", setsockopt(sv[0], SOL_SOCKET, SO_KEEPALIVE, &v, sizeof v));
  v = 0;
  vl = sizeof v;
  getsockopt(sv[0], SOL_SOCKET, SO_KEEPALIVE, &v, &vl);
  SAY("SO_KEEPALIVE = %d", v);
  ERR("setsockopt EFAULT", setsockopt(sv[0], SOL_SOCKET, SO_KEEPALIVE, BAD_PTR, 4));
  ERR("setsockopt short", setsockopt(sv[0], SOL_SOCKET, SO_KEEPALIVE, &v, 2));
  ERR("setsockopt bad level", setsockopt(sv[0], 9999, 1, &v, sizeof v));
  ERR("getsockopt EFAULT len", getsockopt(sv[0], SOL_SOCKET, SO_TYPE, &v, BAD_PTR));
  struct timeval tv = {0, 10000};
  OK("SO_RCVTIMEO", setsockopt(sv[1], SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv));
  ERR("recv timeout", recv(sv[1], buf, 4, 0));

  // shutdown, EPIPE, SIGPIPE
  OK("shutdown", shutdown(sv[1], SHUT_RDWR));
  ERR("shutdown bad how", shutdown(sv[0], 7));
  signal(SIGPIPE, on_pipe);
  ERR("send after shutdown", send(sv[0], "x", 1, 0));
  SAY("SIGPIPE count %d", got_pipe);
  ERR("send MSG_NOSIGNAL", send(sv[0], "x", 1, MSG_NOSIGNAL));
  SAY("SIGPIPE count %d", got_pipe);

  // AF_UNIX with a relative path (in the cwd).
  mkdir("sockdir", 0700);
  int ls = socket(AF_UNIX, SOCK_STREAM, 0);
  struct sockaddr_un un = {0};
  un.sun_family = AF_UNIX;
  strcpy(un.sun_path, "sockdir/s1");
  OK("bind relative", bind(ls, (struct sockaddr*)&un, sizeof un));
  ERR("bind again", bind(ls, (struct sockaddr*)&un, sizeof un));
  struct stat st;
  OK("socket file exists", stat("sockdir/s1", &st));
  BOOL("is a socket", S_ISSOCK(st.st_mode));
  OK("listen", listen(ls, 4));
  struct sockaddr_un got = {0};
  socklen_t gl = sizeof got;
  OK("getsockname", getsockname(ls, (struct sockaddr*)&got, &gl));
  SAY("name %s len %u", got.sun_path, gl);
  int cs = socket(AF_UNIX, SOCK_STREAM, 0);
  OK("connect relative", connect(cs, (struct sockaddr*)&un, sizeof un));
  gl = sizeof got;
  memset(&got, 0, sizeof got);
  OK("getpeername", getpeername(cs, (struct sockaddr*)&got, &gl));
  SAY("peer %s", got.sun_path);
  gl = sizeof got;
  int as = accept4(ls, (struct sockaddr*)&got, &gl, SOCK_CLOEXEC);
  OK("accept4", as);
  SAY("accepted peer len %u", gl);
  ERR("accept4 bad flags", accept4(ls, NULL, NULL, 0x1));
  fcntl(ls, F_SETFL, O_NONBLOCK);
  ERR("accept EAGAIN", accept(ls, NULL, NULL));
  VAL("write stream", write(cs, "ping", 4));
  memset(buf, 0, sizeof buf);
  VAL("read stream", read(as, buf, sizeof buf));
  SAY("got %s", buf);
  strcpy(un.sun_path, "nosuchdir/s");
  ERR("connect ENOENT", connect(socket(AF_UNIX, SOCK_STREAM, 0), (struct sockaddr*)&un, sizeof un));
  ERR("connect EFAULT", connect(cs, BAD_PTR, sizeof un));
  ERR("bind EINVAL len", bind(cs, (struct sockaddr*)&un, 1000));
  OK("unlink socket", unlink("sockdir/s1"));

  // datagrams: sendmmsg/recvmmsg, sendto/recvfrom with names.
  int dv[2];
  OK("socketpair dgram", socketpair(AF_UNIX, SOCK_DGRAM, 0, dv));
  struct mmsghdr mm[3];
  struct iovec io[3];
  char* msgs[3] = {"one", "three", "seven!!"};
  memset(mm, 0, sizeof mm);
  for (int i = 0; i < 3; ++i) {
    io[i].iov_base = msgs[i];
    io[i].iov_len = strlen(msgs[i]);
    mm[i].msg_hdr.msg_iov = &io[i];
    mm[i].msg_hdr.msg_iovlen = 1;
  }
  VAL("sendmmsg", sendmmsg(dv[0], mm, 3, 0));
  SAY("msg_len %u %u %u", mm[0].msg_len, mm[1].msg_len, mm[2].msg_len);
  char rb[3][16];
  memset(mm, 0, sizeof mm);
  for (int i = 0; i < 3; ++i) {
    io[i].iov_base = rb[i];
    io[i].iov_len = 16;
    mm[i].msg_hdr.msg_iov = &io[i];
    mm[i].msg_hdr.msg_iovlen = 1;
  }
  VAL("recvmmsg", recvmmsg(dv[1], mm, 3, MSG_DONTWAIT, NULL));
  SAY("recv lens %u %u %u", mm[0].msg_len, mm[1].msg_len, mm[2].msg_len);
  ERR("recvmmsg empty", recvmmsg(dv[1], mm, 3, MSG_DONTWAIT, NULL));
  struct msghdr mh = {0};
  char big[4];
  struct iovec bio = {big, sizeof big};
  mh.msg_iov = &bio;
  mh.msg_iovlen = 1;
  send(dv[0], "truncated", 9, 0);
  VAL("recvmsg trunc", recvmsg(dv[1], &mh, 0));
  BOOL("MSG_TRUNC", mh.msg_flags & MSG_TRUNC);
  mh.msg_iovlen = 5000;
  ERR("recvmsg EMSGSIZE", recvmsg(dv[1], &mh, MSG_DONTWAIT));
  ERR("recvmsg EFAULT", recvmsg(dv[1], BAD_PTR, MSG_DONTWAIT));

  // loopback TCP and UDP
  int t = socket(AF_INET, SOCK_STREAM, 0);
  struct sockaddr_in in = {0};
  in.sin_family = AF_INET;
  in.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  OK("tcp bind", bind(t, (struct sockaddr*)&in, sizeof in));
  socklen_t il = sizeof in;
  OK("tcp getsockname", getsockname(t, (struct sockaddr*)&in, &il));
  BOOL("port assigned", in.sin_port != 0);
  OK("tcp listen", listen(t, 1));
  int c = socket(AF_INET, SOCK_STREAM, 0);
  OK("tcp connect", connect(c, (struct sockaddr*)&in, sizeof in));
  int a = accept(t, NULL, NULL);
  OK("tcp accept", a);
  v = 1;
  OK("TCP_NODELAY", setsockopt(c, IPPROTO_TCP, TCP_NODELAY, &v, sizeof v));
  VAL("tcp send", send(c, "tcpdata", 7, 0));
  memset(buf, 0, sizeof buf);
  VAL("tcp recv", recv(a, buf, sizeof buf, MSG_WAITALL & 0));
  SAY("got %s", buf);
  close(c);
  VAL("tcp eof", recv(a, buf, sizeof buf, 0));
  int u1 = socket(AF_INET, SOCK_DGRAM, 0), u2 = socket(AF_INET, SOCK_DGRAM, 0);
  struct sockaddr_in ua = {0};
  ua.sin_family = AF_INET;
  ua.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  bind(u1, (struct sockaddr*)&ua, sizeof ua);
  il = sizeof ua;
  getsockname(u1, (struct sockaddr*)&ua, &il);
  VAL("udp sendto", sendto(u2, "dgram", 5, 0, (struct sockaddr*)&ua, sizeof ua));
  struct sockaddr_in from = {0};
  socklen_t fl = sizeof from;
  memset(buf, 0, sizeof buf);
  VAL("udp recvfrom", recvfrom(u1, buf, sizeof buf, 0, (struct sockaddr*)&from, &fl));
  SAY("got %s from loopback %d len %u", buf, from.sin_addr.s_addr == htonl(INADDR_LOOPBACK), fl);
  fl = 2;
  sendto(u2, "x", 1, 0, (struct sockaddr*)&ua, sizeof ua);
  VAL("recvfrom short addrlen", recvfrom(u1, buf, sizeof buf, 0, (struct sockaddr*)&from, &fl));
  SAY("addrlen now %u", fl);
  // msg_flags shows MSG_CMSG_CLOEXEC only when the caller passed it.
  {
    int sp[2];
    socketpair(AF_UNIX, SOCK_STREAM, 0, sp);
    for (int pass = 0; pass < 2; ++pass) {
      write(sp[0], "x", 1);
      char c;
      struct iovec io = {&c, 1};
      struct msghdr mh2;
      memset(&mh2, 0, sizeof mh2);
      mh2.msg_iov = &io;
      mh2.msg_iovlen = 1;
      recvmsg(sp[1], &mh2, pass ? MSG_CMSG_CLOEXEC : 0);
      printf("recvmsg msg_flags %s MSG_CMSG_CLOEXEC: %#x\n", pass ? "with" : "without", mh2.msg_flags);
    }
    close(sp[0]);
    close(sp[1]);
  }
  return 0;
}
