// linux-abi/syscalls/sys_mqueue.cpp — POSIX message queues: mq_open, mq_unlink,
// mq_timedsend, mq_timedreceive, mq_notify, mq_getsetattr.
//
// A launch is one IPC namespace (like SysV IPC, sys_ipc.cpp): its queues
// hang off ProcessTree::mq and two launches never share a name. A queue
// keeps its messages by priority (highest first, FIFO within one), its
// attributes (mq_maxmsg, mq_msgsize; defaults 10 and 8192, the limits of
// an unprivileged caller 10 and 8192, with CAP_SYS_RESOURCE 65536 and
// 16 MiB), its owner and mode, and one notification registration.
//
// Queue descriptors: each mq_open is an open file description, a HostFd
// whose EmuFile is an MqFile (read() gives Linux's status line) and whose
// host fd is an eventfd of its own, so poll, select and epoll work on the
// host: hartd keeps every eventfd of a queue at 0 while it is empty
// (writable only), 1 while it holds messages and has room (readable and
// writable) and 2^64 - 2 while it is full (readable only). O_NONBLOCK
// lives in the description (mq_open, mq_getsetattr).
//
// Blocking send/receive sleep on the queue's generation word (a host
// futex, CLOCK_REALTIME absolute deadline) through safe_syscall: a guest
// signal restarts them with SA_RESTART (-ERESTARTSYS, as Linux).
// mq_notify: SIGEV_SIGNAL and SIGEV_NONE as Linux (the signal goes to the
// registered process when a message arrives in an empty queue nobody is
// waiting on, with si_code SI_MESGQ); SIGEV_THREAD needs the kernel to
// write into glibc's netlink socket, which hartd cannot do: after Linux's
// checks of the cookie and the socket it fails with EOPNOTSUPP, so glibc's
// mq_notify returns -1 cleanly. A registration ends when its process has
// ended (Linux also ends it when that process closes any descriptor of the
// queue: hart does not). No /dev/mqueue file system is offered.
// Owns: the namespace and these handlers. Lock order: MqNamespace::mutex
// before Mqueue::mutex; a process's mutex (signals) only with neither held.
#include <fcntl.h>
#include <linux/futex.h>
#include <sys/eventfd.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cerrno>
#include <climits>
#include <cstring>
#include <deque>
#include <functional>
#include <map>

#include "linux-abi/process/process.h"
#include "linux-abi/syscalls/safe_syscall.h"
#include "linux-abi/process/signals.h"
#include "linux-abi/syscalls/sys_util.h"

namespace hart::linux {

namespace {
constexpr int64_t kMsgMax = 10, kMsgSizeMax = 8192;  // fs.mqueue.msg_max, msgsize_max
constexpr int64_t kHardMsgMax = 65536, kHardMsgSizeMax = 16 << 20;
constexpr int kQueuesMax = 256;  // fs.mqueue.queues_max
constexpr uint32_t kPrioMax = 32768;
constexpr int kSigevSignal = 0, kSigevNone = 1, kSigevThread = 2;
constexpr int kSiMesgq = -3;
constexpr uint64_t kFull = 0xfffffffffffffffeull;
}  // namespace

struct MqFile;

struct Mqueue {
  std::mutex mutex;
  std::weak_ptr<MqNamespace> ns;
  uint32_t uid = 0, gid = 0, mode = 0;
  int64_t maxmsg = 0, msgsize = 0, curmsgs = 0;
  uint64_t qsize = 0;  // message bytes
  uint32_t charged_uid = 0;  // RLIMIT_MSGQUEUE: `accounted` bytes charged to this real uid
  uint64_t accounted = 0;
  std::map<uint32_t, std::deque<std::string>, std::greater<uint32_t>> msgs;
  int recv_waiters = 0;
  // The registration: owner (a process of the launch), what to send.
  std::weak_ptr<Process> notify_owner;
  int notify_pid = 0, notify_kind = 0, notify_signo = 0;
  uint64_t notify_value = 0;
  std::vector<std::weak_ptr<MqFile>> opens;
  std::atomic<uint32_t> gen{0};  // bumped (and futex-woken) on every change
  ~Mqueue();
};

struct MqNamespace {
  std::mutex mutex;
  std::map<std::string, std::shared_ptr<Mqueue>> names;
  std::map<uint32_t, uint64_t> bytes;  // RLIMIT_MSGQUEUE accounting per uid
};

Mqueue::~Mqueue() {
  if (std::shared_ptr<MqNamespace> n = ns.lock()) {
    std::lock_guard<std::mutex> lock(n->mutex);
    n->bytes[charged_uid] -= accounted;
  }
}

// One open description of a queue.
struct MqFile : EmuFile {
  std::shared_ptr<Mqueue> q;
  int acc = O_RDONLY;  // the access mode it was opened with
  int efd = -1;        // our own fd on the description's eventfd
  uint64_t level = 0;  // the eventfd's value (q->mutex)
  ~MqFile() override {
    if (efd >= 0) close(efd);
  }
  int64_t pread(uint8_t* buf, uint64_t len, uint64_t off) override {
    char line[128];
    {
      std::lock_guard<std::mutex> lock(q->mutex);
      bool reg = !q->notify_owner.expired();
      snprintf(line, sizeof line, "QSIZE:%-10lu NOTIFY:%-5d SIGNO:%-5d NOTIFY_PID:%-6d\n",
               static_cast<unsigned long>(q->qsize), reg ? q->notify_kind : 0,
               reg && q->notify_kind == kSigevSignal ? q->notify_signo : 0,
               reg ? q->notify_pid : 0);
    }
    uint64_t n = strlen(line);
    if (off >= n) return 0;
    uint64_t k = std::min(len, n - off);
    memcpy(buf, line + off, k);
    return static_cast<int64_t>(k);
  }
  int64_t pwrite(const uint8_t*, uint64_t, uint64_t) override { return -EINVAL; }
};

namespace {

// Brings every description's eventfd to the queue's state. q->mutex held.
void update_levels(Mqueue& q) {
  uint64_t want = q.curmsgs == 0 ? 0 : q.curmsgs >= q.maxmsg ? kFull : 1;
  for (auto it = q.opens.begin(); it != q.opens.end();) {
    std::shared_ptr<MqFile> f = it->lock();
    if (!f) {
      it = q.opens.erase(it);
      continue;
    }
    if (f->level != want) {
      uint64_t v;
      if (f->level > want) {
        if (read(f->efd, &v, 8) != 8) {}  // never blocks: the counter is > 0
        f->level = 0;
      }
      if (want > f->level) {
        v = want - f->level;
        if (write(f->efd, &v, 8) != 8) {}
      }
      f->level = want;
    }
    ++it;
  }
}

void bump(Mqueue& q) {
  q.gen.fetch_add(1);
  syscall(SYS_futex, &q.gen, FUTEX_WAKE | FUTEX_PRIVATE_FLAG, INT_MAX, nullptr, nullptr, 0);
}

std::shared_ptr<MqNamespace> mq_namespace(Process& p) {
  ProcessTree& t = p.tree();
  std::lock_guard<std::mutex> lock(t.mutex);
  if (!t.mq) t.mq = std::make_shared<MqNamespace>();
  return t.mq;
}

// The queue behind guest fd `fd` (EBADF if none or not a queue).
int mq_of(SyscallCtx& ctx, uint64_t fd, std::shared_ptr<HostFd>* keep, MqFile** out) {
  *keep = ctx.proc.fds().get(static_cast<int>(fd));
  *out = *keep ? dynamic_cast<MqFile*>((*keep)->emu()) : nullptr;
  return *out ? 0 : -EBADF;
}

// A queue name as Linux's lookup_one_len takes it (glibc strips the '/').
int read_name(SyscallCtx& ctx, uint64_t addr, std::string* name) {
  if (!ctx.proc.as().read_string(addr, name, 4096)) {
    std::string probe;
    return ctx.proc.as().read_string(addr, &probe, 1 << 20) ? -ENAMETOOLONG : -EFAULT;
  }
  if (name->empty() || *name == "." || *name == ".." || name->find('/') != std::string::npos)
    return -EACCES;
  if (name->size() > 255) return -ENAMETOOLONG;
  return 0;
}

// The deadline argument: 0 (none: *has = false), -EFAULT or -EINVAL.
int read_deadline(SyscallCtx& ctx, uint64_t addr, timespec* ts, bool* has) {
  *has = addr != 0;
  if (!addr) return 0;
  GuestTimespec g;
  if (!ctx.proc.as().read(addr, &g, sizeof g)) return -EFAULT;
  if (g.tv_sec < 0 || g.tv_nsec < 0 || g.tv_nsec >= 1000000000) return -EINVAL;
  ts->tv_sec = g.tv_sec;
  ts->tv_nsec = g.tv_nsec;
  return 0;
}

// Sleeps until the queue changes, a signal or the deadline: 0, -EINTR,
// -ETIMEDOUT. lock (on q.mutex) is released meanwhile.
int wait_change(SyscallCtx& ctx, Mqueue& q, std::unique_lock<std::mutex>& lock,
                const timespec* deadline) {
  uint32_t seen = q.gen.load();
  lock.unlock();
  int64_t r = safe_syscall(&ctx.vcpu.state.exit_request, SYS_futex, reinterpret_cast<long>(&q.gen),
                           FUTEX_WAIT_BITSET | FUTEX_PRIVATE_FLAG | FUTEX_CLOCK_REALTIME, seen,
                           reinterpret_cast<long>(deadline), 0, FUTEX_BITSET_MATCH_ANY);
  lock.lock();
  if (r == -EINTR || r == -ETIMEDOUT) return static_cast<int>(r);
  return 0;
}

bool may_open(const Credentials& c, const Mqueue& q, int acc) {
  if (c.capable(kCapDacOverride)) return true;
  uint32_t bits = c.fsuid == q.uid ? q.mode >> 6 : c.in_group(q.gid) ? q.mode >> 3 : q.mode;
  if ((acc & 4) && !(bits & 4) && !c.capable(kCapDacReadSearch)) return false;
  return !(acc & 2) || (bits & 2);
}

}  // namespace

int64_t sys_mq_open(SyscallCtx& ctx) {
  int oflag = static_cast<int>(ctx.a[1]);
  uint32_t mode = static_cast<uint32_t>(ctx.a[2]);
  struct {
    int64_t flags, maxmsg, msgsize, curmsgs, reserved[4];
  } attr{};
  bool has_attr = ctx.a[3] != 0;
  if (has_attr && !ctx.proc.as().read(ctx.a[3], &attr, sizeof attr)) return -EFAULT;
  std::string name;
  if (int r = read_name(ctx, ctx.a[0], &name)) return r;
  const Credentials& me = Process::thread_of(ctx.vcpu).cred;
  std::shared_ptr<MqNamespace> ns = mq_namespace(ctx.proc);
  std::shared_ptr<Mqueue> q;
  {
    std::lock_guard<std::mutex> lock(ns->mutex);
    auto it = ns->names.find(name);
    if (it == ns->names.end()) {
      if (!(oflag & O_CREAT)) return -ENOENT;
      bool res = me.capable(kCapSysResource);
      if (static_cast<int>(ns->names.size()) >= kQueuesMax && !res) return -ENOSPC;
      int64_t maxmsg = kMsgMax, msgsize = kMsgSizeMax;
      if (has_attr) {
        maxmsg = attr.maxmsg, msgsize = attr.msgsize;
        if (maxmsg <= 0 || msgsize <= 0) return -EINVAL;
        if (maxmsg > (res ? kHardMsgMax : kMsgMax) || msgsize > (res ? kHardMsgSizeMax : kMsgSizeMax))
          return -EINVAL;
      }
      // mqueue_get_inode's charge: the messages and their tree nodes.
      uint64_t bytes = static_cast<uint64_t>(maxmsg) * msgsize +
                       static_cast<uint64_t>(maxmsg) * 48 +
                       static_cast<uint64_t>(std::min<int64_t>(maxmsg, kPrioMax)) * 48;
      uint64_t& used = ns->bytes[me.ruid];
      if (used + bytes > ctx.proc.rlimits[RLIMIT_MSGQUEUE].rlim_cur) return -EMFILE;
      used += bytes;
      q = std::make_shared<Mqueue>();
      q->ns = ns;
      q->uid = me.fsuid;
      q->gid = me.fsgid;
      q->mode = mode & 07777 & ~ctx.proc.umask();
      q->maxmsg = maxmsg;
      q->msgsize = msgsize;
      q->accounted = bytes;
      q->charged_uid = me.ruid;
      ns->names[name] = q;
    } else {
      if ((oflag & (O_CREAT | O_EXCL)) == (O_CREAT | O_EXCL)) return -EEXIST;
      if ((oflag & O_ACCMODE) == O_ACCMODE) return -EINVAL;
      q = it->second;
      static const int kAcc[3] = {4, 2, 6};
      if (!may_open(me, *q, kAcc[oflag & O_ACCMODE])) return -EACCES;
    }
  }
  int efd = eventfd(0, EFD_CLOEXEC | ((oflag & O_NONBLOCK) ? EFD_NONBLOCK : 0));
  if (efd < 0) return -errno;
  int own = fcntl(efd, F_DUPFD_CLOEXEC, 0);
  if (own < 0) {
    close(efd);
    return -ENFILE;
  }
  auto f = std::make_shared<MqFile>();
  f->q = q;
  f->efd = own;
  f->acc = oflag & O_ACCMODE;
  f->readable = f->acc != O_WRONLY;
  f->writable = f->acc != O_RDONLY;  // write(2) then gives EINVAL (pwrite)
  {
    std::lock_guard<std::mutex> lock(q->mutex);
    q->opens.push_back(f);
    update_levels(*q);
  }
  auto file = std::make_shared<HostFd>(efd, std::static_pointer_cast<EmuFile>(f));
  return ctx.proc.fds().install(std::move(file), true);  // always close-on-exec
}

int64_t sys_mq_unlink(SyscallCtx& ctx) {
  std::string name;
  if (int r = read_name(ctx, ctx.a[0], &name)) return r;
  std::shared_ptr<MqNamespace> ns = mq_namespace(ctx.proc);
  const Credentials& me = Process::thread_of(ctx.vcpu).cred;
  std::shared_ptr<Mqueue> q;
  {
    std::lock_guard<std::mutex> lock(ns->mutex);
    auto it = ns->names.find(name);
    if (it == ns->names.end()) return -ENOENT;
    // The mqueue root is a sticky 1777 directory owned by root.
    if (it->second->uid != me.fsuid && me.fsuid != 0 && !me.capable(kCapFowner)) return -EPERM;
    q = std::move(it->second);
    ns->names.erase(it);
  }
  return 0;  // q (and its messages) live on while descriptors name it
}

int64_t sys_mq_timedsend(SyscallCtx& ctx) {
  timespec deadline;
  bool has_deadline;
  if (int r = read_deadline(ctx, ctx.a[4], &deadline, &has_deadline)) return r;
  uint64_t len = ctx.a[2];
  if (static_cast<uint32_t>(ctx.a[3]) >= kPrioMax) return -EINVAL;  // msg_prio is an unsigned int
  uint32_t prio = static_cast<uint32_t>(ctx.a[3]);
  std::shared_ptr<HostFd> keep;
  MqFile* f;
  if (int r = mq_of(ctx, ctx.a[0], &keep, &f)) return r;
  if (f->acc == O_RDONLY) return -EBADF;
  Mqueue& q = *f->q;
  if (len > static_cast<uint64_t>(q.msgsize)) return -EMSGSIZE;
  std::string msg(len, '\0');
  if (len && !ctx.proc.as().read(ctx.a[1], msg.data(), len)) return -EFAULT;
  std::shared_ptr<Process> notify;
  GuestSiginfo info{};
  {
    std::unique_lock<std::mutex> lock(q.mutex);
    while (q.curmsgs >= q.maxmsg) {
      if (fcntl(keep->fd(), F_GETFL) & O_NONBLOCK) return -EAGAIN;
      int w = wait_change(ctx, q, lock, has_deadline ? &deadline : nullptr);
      if (w == -ETIMEDOUT) return -ETIMEDOUT;
      if (w == -EINTR) return kERESTARTSYS;
    }
    q.msgs[prio].push_back(std::move(msg));
    ++q.curmsgs;
    q.qsize += len;
    if (q.curmsgs == 1 && q.recv_waiters == 0) {
      if (std::shared_ptr<Process> owner = q.notify_owner.lock()) {
        if (q.notify_kind == kSigevSignal && q.notify_signo && !owner->exited()) {
          notify = owner;
          info.si_signo = q.notify_signo;
          info.si_code = kSiMesgq;
          info.f.kill.pid = ctx.proc.pid();
          info.f.kill.uid = Process::thread_of(ctx.vcpu).cred.ruid;
          info.f.kill.value = q.notify_value;
        }
      }
      q.notify_owner.reset();
      q.notify_pid = 0;
    }
    update_levels(q);
    bump(q);
  }
  if (notify) send_signal(*notify, nullptr, info, &ctx.vcpu);
  return 0;
}

int64_t sys_mq_timedreceive(SyscallCtx& ctx) {
  timespec deadline;
  bool has_deadline;
  if (int r = read_deadline(ctx, ctx.a[4], &deadline, &has_deadline)) return r;
  std::shared_ptr<HostFd> keep;
  MqFile* f;
  if (int r = mq_of(ctx, ctx.a[0], &keep, &f)) return r;
  if (f->acc == O_WRONLY) return -EBADF;
  Mqueue& q = *f->q;
  if (ctx.a[2] < static_cast<uint64_t>(q.msgsize)) return -EMSGSIZE;
  std::string msg;
  uint32_t prio;
  {
    std::unique_lock<std::mutex> lock(q.mutex);
    while (q.curmsgs == 0) {
      if (fcntl(keep->fd(), F_GETFL) & O_NONBLOCK) return -EAGAIN;
      ++q.recv_waiters;
      int w = wait_change(ctx, q, lock, has_deadline ? &deadline : nullptr);
      --q.recv_waiters;
      if (w == -ETIMEDOUT) return -ETIMEDOUT;
      if (w == -EINTR) return kERESTARTSYS;
    }
    auto it = q.msgs.begin();
    prio = it->first;
    msg = std::move(it->second.front());
    it->second.pop_front();
    if (it->second.empty()) q.msgs.erase(it);
    --q.curmsgs;
    q.qsize -= msg.size();
    update_levels(q);
    bump(q);
  }
  // The message is gone even if it cannot be stored (as Linux).
  if ((ctx.a[3] && !ctx.proc.as().write(ctx.a[3], &prio, 4)) ||
      (!msg.empty() && !ctx.proc.as().write(ctx.a[1], msg.data(), msg.size())))
    return -EFAULT;
  return static_cast<int64_t>(msg.size());
}

int64_t sys_mq_notify(SyscallCtx& ctx) {
  struct {
    uint64_t value;
    int32_t signo, notify;
    uint8_t rest[48];
  } ev{};
  bool has = ctx.a[1] != 0;
  if (has) {
    if (!ctx.proc.as().read(ctx.a[1], &ev, sizeof ev)) return -EFAULT;
    if (ev.notify != kSigevNone && ev.notify != kSigevSignal && ev.notify != kSigevThread)
      return -EINVAL;
    if (ev.notify == kSigevSignal && (ev.signo < 0 || ev.signo > 64)) return -EINVAL;
    if (ev.notify == kSigevThread) {
      uint8_t cookie[32];
      if (!ctx.proc.as().read(ev.value, cookie, sizeof cookie)) return -EFAULT;
      std::shared_ptr<HostFd> s = ctx.proc.fds().get(ev.signo);
      if (!s) return -EBADF;
      int domain = 0;
      socklen_t dl = sizeof domain;
      if (getsockopt(s->fd(), SOL_SOCKET, SO_DOMAIN, &domain, &dl) != 0) return -ENOTSOCK;
      if (domain != AF_NETLINK) return -EINVAL;
      return -EOPNOTSUPP;  // hartd cannot write into a netlink socket
    }
  }
  std::shared_ptr<HostFd> keep;
  MqFile* f;
  if (int r = mq_of(ctx, ctx.a[0], &keep, &f)) return r;
  Mqueue& q = *f->q;
  std::lock_guard<std::mutex> lock(q.mutex);
  std::shared_ptr<Process> owner = q.notify_owner.lock();
  if (owner && (owner->exited() || owner->zombie())) owner.reset();
  if (!has) {
    if (owner.get() == &ctx.proc) q.notify_owner.reset(), q.notify_pid = 0;
    return 0;
  }
  if (owner) return -EBUSY;
  q.notify_owner = ctx.proc.shared_from_this();
  q.notify_pid = ctx.proc.pid();
  q.notify_kind = ev.notify;
  q.notify_signo = ev.signo;
  q.notify_value = ev.value;
  return 0;
}

int64_t sys_mq_getsetattr(SyscallCtx& ctx) {
  struct {
    int64_t flags, maxmsg, msgsize, curmsgs, reserved[4];
  } nw{}, old{};
  if (ctx.a[1]) {
    if (!ctx.proc.as().read(ctx.a[1], &nw, sizeof nw)) return -EFAULT;
    if (nw.flags & ~int64_t{O_NONBLOCK}) return -EINVAL;
  }
  std::shared_ptr<HostFd> keep;
  MqFile* f;
  if (int r = mq_of(ctx, ctx.a[0], &keep, &f)) return r;
  {
    std::lock_guard<std::mutex> lock(f->q->mutex);
    int fl = fcntl(keep->fd(), F_GETFL);
    old.flags = fl & O_NONBLOCK;
    old.maxmsg = f->q->maxmsg;
    old.msgsize = f->q->msgsize;
    old.curmsgs = f->q->curmsgs;
    if (ctx.a[1]) fcntl(keep->fd(), F_SETFL, (fl & ~O_NONBLOCK) | (nw.flags & O_NONBLOCK));
  }
  if (ctx.a[2] && !ctx.proc.as().write(ctx.a[2], &old, sizeof old)) return -EFAULT;
  return 0;
}

}  // namespace hart::linux
