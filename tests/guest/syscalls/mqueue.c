// tests/guest/syscalls/mqueue.c — POSIX message queues: names, creation
// attributes and limits, priorities, O_NONBLOCK, timeouts, EMSGSIZE,
// EBADF, mq_getsetattr, poll/epoll readiness, the status line read() gives,
// mq_notify with SIGEV_SIGNAL (and SIGEV_THREAD, which hart refuses),
// sharing with a forked child, a blocked receiver woken by another thread,
// and permissions seen by an unprivileged user. Queue names carry no pid:
// each run unlinks its queues first. Same lines natively and under hart-run.
#include "sc.h"

#include <fcntl.h>
#include <mqueue.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <time.h>

// Names of this run's own (natively the host's queues are shared by every
// process: a run as root and one as nobody at once must not meet).
static char QA[64], QB[64], QC[64];

static void show_attr(const char* label, mqd_t q) {
  struct mq_attr a;
  if (mq_getattr(q, &a) != 0) {
    SAY("%s: %s", label, sc_errname(errno));
    return;
  }
  SAY("%s: flags %s maxmsg %ld msgsize %ld curmsgs %ld", label,
      a.mq_flags & O_NONBLOCK ? "O_NONBLOCK" : "0", a.mq_maxmsg, a.mq_msgsize, a.mq_curmsgs);
}

static void show_poll(const char* label, mqd_t q) {
  struct pollfd p = {q, POLLIN | POLLOUT, 0};
  int n = poll(&p, 1, 0);
  SAY("%s: poll %d%s%s", label, n, p.revents & POLLIN ? " IN" : "", p.revents & POLLOUT ? " OUT" : "");
}

static volatile sig_atomic_t got_sig, got_code, got_value;
static void on_usr1(int sig, siginfo_t* si, void* uc) {
  (void)uc;
  got_sig = sig;
  got_code = si->si_code;
  got_value = si->si_value.sival_int;
}

static mqd_t blocked_q;
static void* sender(void* arg) {
  (void)arg;
  usleep(100000);
  mq_send(blocked_q, "late", 4, 3);
  return NULL;
}

static void unprivileged(void) {
  mqd_t q = mq_open(QA, O_RDONLY);
  SAY("open root's 0600 queue: %s", q == (mqd_t)-1 ? sc_errname(errno) : "ok");
  OK("unlink root's queue", mq_unlink(QA));
  q = mq_open(QC, O_RDWR);
  SAY("open root's 0666 queue: %s", q == (mqd_t)-1 ? sc_errname(errno) : "ok");
  if (q != (mqd_t)-1) {
    OK("send to it", mq_send(q, "x", 1, 0));
    mq_close(q);
  }
}

int main(void) {
  snprintf(QA, sizeof QA, "/hart-test-mq-a-%d", (int)getpid());
  snprintf(QB, sizeof QB, "/hart-test-mq-b-%d", (int)getpid());
  snprintf(QC, sizeof QC, "/hart-test-mq-c-%d", (int)getpid());
  mq_unlink(QA);
  mq_unlink(QB);
  mq_unlink(QC);
  umask(022);
  ERR("open without slash", mq_open("hart-test-mq", O_RDWR | O_CREAT, 0600, NULL));
  ERR("open missing", mq_open(QA, O_RDWR));
  ERR("open name with slash", mq_open("/a/b", O_RDWR | O_CREAT, 0600, NULL));
  struct mq_attr at = {0, 0, 64, 0, {0}};
  ERR("maxmsg 0", mq_open(QA, O_RDWR | O_CREAT, 0600, &at));
  at.mq_maxmsg = 11;
  ERR("maxmsg 11", mq_open(QA, O_RDWR | O_CREAT, 0600, &at));
  at.mq_maxmsg = 4, at.mq_msgsize = 8193;
  ERR("msgsize 8193", mq_open(QA, O_RDWR | O_CREAT, 0600, &at));
  at.mq_msgsize = 0;
  ERR("msgsize 0", mq_open(QA, O_RDWR | O_CREAT, 0600, &at));
  ERR("bad attr pointer", syscall(SYS_mq_open, QA + 1, O_RDWR | O_CREAT, 0600, BAD_PTR));
  at.mq_maxmsg = 3, at.mq_msgsize = 16;
  mqd_t q = mq_open(QA, O_RDWR | O_CREAT | O_EXCL, 0600, &at);
  OK("create", q);
  BOOL("close-on-exec", fcntl(q, F_GETFD) == FD_CLOEXEC);
  ERR("create exclusive again", mq_open(QA, O_RDWR | O_CREAT | O_EXCL, 0600, &at));
  ERR("access mode 3", mq_open(QA, O_RDWR | O_WRONLY));
  show_attr("new", q);
  show_poll("empty", q);
  OK("send prio 1", mq_send(q, "one", 3, 1));
  show_poll("one message", q);
  OK("send prio 5", mq_send(q, "five", 4, 5));
  OK("send prio 1 again", mq_send(q, "uno", 3, 1));
  show_poll("full", q);
  show_attr("full", q);
  char line[128] = {0};
  ssize_t n = read(q, line, sizeof line - 1);
  SAY("read status: %zd bytes, starts %.16s", n, line);
  ERR("write to the descriptor", write(q, "x", 1));
  struct timespec past = {0, 0};
  ERR("send full, deadline passed", mq_timedsend(q, "x", 1, 0, &past));
  struct timespec soon;
  clock_gettime(CLOCK_REALTIME, &soon);
  soon.tv_nsec += 50000000;
  if (soon.tv_nsec >= 1000000000) soon.tv_sec++, soon.tv_nsec -= 1000000000;
  ERR("send full, 50 ms", mq_timedsend(q, "x", 1, 0, &soon));
  struct timespec bad = {0, 1000000000};
  ERR("send bad deadline", mq_timedsend(q, "x", 1, 0, &bad));
  ERR("send prio 32768", mq_send(q, "x", 1, 32768));
  ERR("send too long", mq_send(q, "0123456789abcdefg", 17, 0));
  char buf[64];
  unsigned prio;
  ERR("receive small buffer", mq_receive(q, buf, 15, &prio));
  for (int i = 0; i < 3; ++i) {
    memset(buf, 0, sizeof buf);
    n = mq_receive(q, buf, sizeof buf, &prio);
    SAY("receive: %zd \"%s\" prio %u", n, buf, prio);
  }
  show_poll("drained", q);
  struct mq_attr nb = {O_NONBLOCK, 0, 0, 0, {0}}, old;
  OK("set O_NONBLOCK", mq_setattr(q, &nb, &old));
  SAY("old flags %ld", old.mq_flags);
  ERR("receive empty nonblocking", mq_receive(q, buf, sizeof buf, &prio));
  nb.mq_flags = O_APPEND;
  ERR("setattr bad flags", mq_setattr(q, &nb, NULL));
  ERR("receive on stdin", mq_receive(0, buf, sizeof buf, &prio));
  ERR("getattr on closed fd", mq_getattr(99, &old));
  nb.mq_flags = 0;
  mq_setattr(q, &nb, NULL);
  ERR("receive empty, deadline passed", mq_timedreceive(q, buf, sizeof buf, &prio, &past));

  int ep = epoll_create1(0);
  struct epoll_event ev = {EPOLLIN, {.fd = q}};
  epoll_ctl(ep, EPOLL_CTL_ADD, q, &ev);
  VAL("epoll empty", epoll_wait(ep, &ev, 1, 0));
  mq_send(q, "e", 1, 0);
  VAL("epoll with a message", epoll_wait(ep, &ev, 1, 0));
  mq_receive(q, buf, sizeof buf, &prio);
  close(ep);

  mqd_t w = mq_open(QA, O_WRONLY);
  OK("open write-only", w);
  ERR("receive on write-only", mq_receive(w, buf, sizeof buf, &prio));
  mqd_t r = mq_open(QA, O_RDONLY);
  ERR("send on read-only", mq_send(r, "x", 1, 0));
  mq_close(r);

  struct sigaction sa;
  memset(&sa, 0, sizeof sa);
  sa.sa_sigaction = on_usr1;
  sa.sa_flags = SA_SIGINFO;
  sigaction(SIGUSR1, &sa, NULL);
  struct sigevent se;
  memset(&se, 0, sizeof se);
  se.sigev_notify = SIGEV_SIGNAL;
  se.sigev_signo = SIGUSR1;
  se.sigev_value.sival_int = 42;
  OK("notify", mq_notify(q, &se));
  ERR("notify again", mq_notify(q, &se));
  se.sigev_notify = 7;
  ERR("notify bad kind", mq_notify(q, &se));
  se.sigev_notify = SIGEV_SIGNAL;
  OK("send to the empty queue", mq_send(w, "n", 1, 0));
  SAY("signal %d code %s value %d", got_sig, got_code == SI_MESGQ ? "SI_MESGQ" : "other", got_value);
  OK("notify once more", mq_notify(q, &se));
  got_sig = 0;
  OK("send to a non-empty queue", mq_send(w, "m", 1, 0));
  SAY("signal %d", got_sig);
  OK("unregister", mq_notify(q, NULL));
  mq_receive(q, buf, sizeof buf, &prio);
  mq_receive(q, buf, sizeof buf, &prio);
  memset(&se, 0, sizeof se);
  se.sigev_notify = SIGEV_THREAD;
  int t = mq_notify(q, &se);
  SAY("SIGEV_THREAD: %s", t == 0 || errno == EOPNOTSUPP ? "works-or-EOPNOTSUPP" : sc_errname(errno));
  if (t == 0) mq_notify(q, NULL);

  pid_t c = fork();
  if (c == 0) {
    mqd_t cq = mq_open(QA, O_RDONLY);
    n = mq_receive(cq, buf, sizeof buf, &prio);
    SAY("child received %zd bytes prio %u", n, prio);
    _exit(0);
  }
  usleep(50000);
  int sent = mq_send(w, "kid", 3, 9) ? errno : 0;
  waitpid(c, NULL, 0);  // the child prints first
  SAY("send to the child: %s", sent ? sc_errname(sent) : "ok");

  blocked_q = w;
  pthread_t th;
  pthread_create(&th, NULL, sender, NULL);
  memset(buf, 0, sizeof buf);
  n = mq_receive(q, buf, sizeof buf, &prio);
  SAY("blocked receive woken: %zd \"%s\" prio %u", n, buf, prio);
  pthread_join(th, NULL);

  OK("unlink", mq_unlink(QA));
  ERR("unlink again", mq_unlink(QA));
  OK("send after unlink", mq_send(w, "z", 1, 0));
  show_attr("unlinked queue", q);
  mq_close(w);
  mq_close(q);

  at.mq_maxmsg = 10, at.mq_msgsize = 8192;
  c = fork();
  if (c == 0) {
    struct rlimit rl = {1000, 1000};
    setrlimit(RLIMIT_MSGQUEUE, &rl);
    ERR("queue past RLIMIT_MSGQUEUE", mq_open(QB, O_RDWR | O_CREAT, 0600, &at));
    _exit(0);
  }
  waitpid(c, NULL, 0);

  q = mq_open(QA, O_RDWR | O_CREAT, 0600, NULL);
  show_attr("default attributes", q);
  mqd_t q2 = mq_open(QC, O_RDWR | O_CREAT, 0666, NULL);
  if (geteuid() == 0) sc_unprivileged(unprivileged);
  mq_close(q2);
  mq_close(q);
  mq_unlink(QA);
  mq_unlink(QC);
  return 0;
}
