// linux-abi/syscalls/sys_ipc.cpp — System V IPC emulated inside hartd: shared memory
// (shmget/shmat/shmdt/shmctl), semaphores (semget/semop/semtimedop/semctl)
// and message queues (msgget/msgsnd/msgrcv/msgctl).
//
// Design. Guests of one launch (ProcessTree) share one IpcNamespace, made
// on first use; guests of different launches never see each other's keys
// or ids, as with separate IPC namespaces (hart-run has one). Ids are
// Linux's: seq * 32768 + index, lowest free index, seq bumped per reuse.
// Permissions are Linux's ipcperms() on IpcCred (sys_ipc.h: today hartd's
// host ids). Limits are Linux's defaults (kLimits table).
// - shm: a segment is a memfd of shm_segsz bytes; shmat maps it MAP_SHARED
//   into the guest with AddressSpace::map (VMA name "/SYSV<key> (deleted)",
//   as Linux's maps shows), so fork shares it and munmap, shmdt, execve and
//   exit detach it. shm_nattch is counted, as Linux counts it (one per
//   VMA), by walking the mappings of the launch's live processes; a
//   segment removed with IPC_RMID is freed once that count is 0 (checked
//   by shmdt, shmctl, shmget and every process exit).
// - sem/msg blocking: every change bumps the namespace's generation word
//   and wakes its host futex; a waiter re-checks its condition and sleeps
//   on the word through safe_syscall, so guest signals interrupt it
//   (-ERESTARTNOHAND: EINTR after a handler, restarted otherwise, as
//   Linux's semop/msgsnd/msgrcv) and semtimedop's deadline is an absolute
//   CLOCK_MONOTONIC one (EAGAIN when it passes). An object removed while
//   waiting gives EIDRM.
// - SEM_UNDO adjustments are kept per (pid, set) and applied by
//   ipc_process_exit; fork children start without any, threads share them.
// Struct layouts: ipc64_perm, shmid64_ds, semid64_ds, msqid64_ds and the
// *info structs are asm-generic on riscv64 and the same on x86-64, so the
// Guest* structs below are both (static_asserts on sizes).
// Owns: the namespaces and their objects. Does not own: address spaces
// (core), the exit path (process.cpp calls ipc_process_exit).
//
// Locking: IpcNamespace::mutex, taken alone or before a Process's mutex
// and AddressSpace locks (nattch walks); never while holding those.
#include "linux-abi/syscalls/sys_ipc.h"

#include <fcntl.h>
#include <linux/futex.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <climits>
#include <cstring>
#include <ctime>
#include <deque>
#include <map>
#include <optional>
#include <set>
#include <vector>

#include "linux-abi/syscalls/safe_syscall.h"
#include "linux-abi/syscalls/sys_util.h"

namespace hart::linux {

// ---- ABI constants and layouts ---------------------------------------------------------

namespace {

constexpr int kIpcPrivate = 0;
constexpr int kIpcCreat = 01000, kIpcExcl = 02000, kIpcNowait = 04000;
constexpr int kIpcRmid = 0, kIpcSet = 1, kIpcStat = 2, kIpcInfo = 3;
constexpr int kShmStat = 13, kShmInfo = 14, kShmStatAny = 15, kShmLock = 11, kShmUnlock = 12;
constexpr int kSemStat = 18, kSemInfo = 19, kSemStatAny = 20;
constexpr int kGetPid = 11, kGetVal = 12, kGetAll = 13, kGetNcnt = 14, kGetZcnt = 15,
              kSetVal = 16, kSetAll = 17;
constexpr int kMsgStat = 11, kMsgInfo = 12, kMsgStatAny = 13;
constexpr int kShmRdonly = 010000, kShmRnd = 020000, kShmRemap = 040000, kShmExec = 0100000;
constexpr int kSemUndo = 0x1000;
constexpr int kMsgNoerror = 010000, kMsgExcept = 020000, kMsgCopy = 040000;
constexpr int kShmDest = 01000;   // shm_perm.mode: removed, waiting for the last detach
constexpr uint32_t kShmLocked = 02000;  // shm_perm.mode: SHM_LOCK
constexpr uint32_t kSeqMultiplier = 32768;  // Linux's IPCMNI

// Linux's default limits (include/uapi/linux/{shm,sem,msg}.h).
struct Limits {
  uint64_t shmmax = ULONG_MAX - (1UL << 24), shmmin = 1, shmmni = 4096,
           shmall = ULONG_MAX - (1UL << 24);
  int semmni = 32000, semmsl = 32000, semmns = 32000 * 32000, semopm = 500, semvmx = 32767;
  int msgmni = 32000, msgmax = 8192, msgmnb = 16384;
};
constexpr Limits kLimits{};

struct GuestIpcPerm {  // struct ipc64_perm
  int32_t key;
  uint32_t uid, gid, cuid, cgid, mode;
  uint16_t seq, pad2;
  uint32_t pad3;
  uint64_t unused1, unused2;
};
static_assert(sizeof(GuestIpcPerm) == 48);
struct GuestShmidDs {  // struct shmid64_ds
  GuestIpcPerm perm;
  uint64_t segsz;
  int64_t atime, dtime, ctime;
  int32_t cpid, lpid;
  uint64_t nattch, unused4, unused5;
};
static_assert(sizeof(GuestShmidDs) == 112);
struct GuestSemidDs {  // struct semid64_ds
  GuestIpcPerm perm;
  int64_t otime, ctime;
  uint64_t nsems, unused3, unused4;
};
static_assert(sizeof(GuestSemidDs) == 88);
struct GuestMsqidDs {  // struct msqid64_ds
  GuestIpcPerm perm;
  int64_t stime, rtime, ctime;
  uint64_t cbytes, qnum, qbytes;
  int32_t lspid, lrpid;
  uint64_t unused4, unused5;
};
static_assert(sizeof(GuestMsqidDs) == 120);
struct GuestShminfo {  // struct shminfo64
  uint64_t shmmax, shmmin, shmmni, shmseg, shmall, unused[4];
};
struct GuestShmInfo {  // struct shm_info
  int32_t used_ids, pad;
  uint64_t shm_tot, shm_rss, shm_swp, swap_attempts, swap_successes;
};
struct GuestSeminfo {  // struct seminfo
  int32_t semmap, semmni, semmns, semmnu, semmsl, semopm, semume, semusz, semvmx, semaem;
};
struct GuestMsginfo {  // struct msginfo
  int32_t msgpool, msgmap, msgmax, msgmnb, msgmni, msgssz, msgtql;
  uint16_t msgseg;
};
struct GuestSembuf {  // struct sembuf
  uint16_t num;
  int16_t op;
  int16_t flg;
};
static_assert(sizeof(GuestSembuf) == 6 && sizeof(GuestMsginfo) == 32);

int64_t now_seconds() { return static_cast<int64_t>(time(nullptr)); }

// ---- objects ---------------------------------------------------------------------------

struct IpcObject {
  int key = kIpcPrivate;
  uint32_t uid = 0, gid = 0, cuid = 0, cgid = 0, mode = 0;
  uint16_t seq = 0;
  int id = 0;
  bool removed = false;  // IPC_RMID: waiters get EIDRM
  int64_t ctime = 0;
  virtual ~IpcObject() = default;
};

struct ShmSeg : IpcObject {
  int memfd = -1;
  uint64_t size = 0;
  int64_t atime = 0, dtime = 0;
  int cpid = 0, lpid = 0;
  ~ShmSeg() override {
    if (memfd >= 0) close(memfd);
  }
};

struct Sem {
  int val = 0, pid = 0;
  int ncnt = 0, zcnt = 0;  // waiters for an increase / for zero
};
struct SemSet : IpcObject {
  std::vector<Sem> sems;
  int64_t otime = 0;
};

struct Msg {
  int64_t type;
  std::vector<char> text;
};
struct MsgQueue : IpcObject {
  std::deque<Msg> msgs;
  uint64_t cbytes = 0, qbytes = kLimits.msgmnb;
  int lspid = 0, lrpid = 0;
  int64_t stime = 0, rtime = 0;
};

// One kind's table: index → object, and the next seq per index.
template <class T>
struct Table {
  std::map<int, std::shared_ptr<T>> by_index;
  std::map<int, uint16_t> next_seq;
  int max_index() const { return by_index.empty() ? 0 : by_index.rbegin()->first; }
  std::shared_ptr<T> by_key(int key) const {
    for (auto& [i, o] : by_index)
      if (o->key == key && key != kIpcPrivate) return o;
    return nullptr;
  }
  // The object with this id: nullptr with *err = -EINVAL when there is none.
  std::shared_ptr<T> find(int id, int* err) const {
    *err = -EINVAL;
    if (id < 0) return nullptr;
    auto it = by_index.find(static_cast<int>(static_cast<uint32_t>(id) % kSeqMultiplier));
    if (it == by_index.end() || it->second->id != id) return nullptr;
    return it->second;
  }
  // *_STAT and *_STAT_ANY name an index (stat_form), the other commands an id.
  std::shared_ptr<T> lookup(int id, bool stat_form, int* err) const {
    if (!stat_form) return find(id, err);
    *err = -EINVAL;
    auto it = by_index.find(id);
    return it == by_index.end() ? nullptr : it->second;
  }
  // Inserts o at the lowest free index: its id, or -ENOSPC past max.
  int insert(std::shared_ptr<T> o, int max) {
    int idx = 0;
    for (auto& [i, x] : by_index) {
      if (i != idx) break;
      ++idx;
    }
    if (idx >= max) return -ENOSPC;
    uint16_t& s = next_seq[idx];
    o->seq = s;
    s = static_cast<uint16_t>((s + 1) % (INT_MAX / kSeqMultiplier));
    o->id = static_cast<int>(o->seq * kSeqMultiplier + static_cast<uint32_t>(idx));
    by_index[idx] = std::move(o);
    return by_index[idx]->id;
  }
  void erase(const IpcObject& o) { by_index.erase(static_cast<int>(static_cast<uint32_t>(o.id) % kSeqMultiplier)); }
};

}  // namespace

struct IpcNamespace {
  std::mutex mutex;
  Table<ShmSeg> shm;
  Table<SemSet> sem;
  Table<MsgQueue> msg;
  // SEM_UNDO: pid → set id → adjustment per semaphore.
  std::map<int, std::map<int, std::vector<int>>> undo;
  // Bumped (and its futex woken) by every sem/msg change.
  std::atomic<uint32_t> gen{0};
  void wake() {
    gen.fetch_add(1);
    syscall(SYS_futex, &gen, FUTEX_WAKE_PRIVATE, INT_MAX, nullptr, nullptr, 0);
  }
};

IpcCred ipc_caller_cred(const Process&) {
  IpcCred c;
  c.uid = getuid();
  c.gid = getgid();
  c.euid = geteuid();
  c.egid = getegid();
  c.ipc_owner = c.sys_admin = c.euid == 0;
  return c;
}

namespace {

IpcNamespace& ns_of(Process& p) {
  ProcessTree& t = p.tree();
  std::lock_guard<std::mutex> lock(t.mutex);
  if (!t.ipc) t.ipc = std::make_shared<IpcNamespace>();
  return *t.ipc;
}

// What every handler starts from: the launch's namespace, the caller's
// credentials and address space.
struct Caller {
  explicit Caller(Process& p) : ns(ns_of(p)), cred(ipc_caller_cred(p)), as(p.as()) {}
  IpcNamespace& ns;
  const IpcCred cred;
  AddressSpace& as;
};

// Linux's ipcperms(): flag's S_IRUGO/S_IWUGO/S_IXUGO bits against the
// object's mode for the caller's class. 0 or -EACCES.
int ipcperms(const IpcCred& c, const IpcObject& o, int flag) {
  int requested = (flag >> 6 | flag >> 3 | flag) & 7;
  int granted = static_cast<int>(o.mode);
  if (c.euid == o.cuid || c.euid == o.uid) granted >>= 6;
  else if (c.egid == o.cgid || c.egid == o.gid) granted >>= 3;
  if ((requested & ~granted & 7) && !c.ipc_owner) return -EACCES;
  return 0;
}
// IPC_SET / IPC_RMID: the owner, the creator or CAP_SYS_ADMIN. 0 or -EPERM.
int may_change(const IpcCred& c, const IpcObject& o) {
  return c.euid == o.cuid || c.euid == o.uid || c.sys_admin ? 0 : -EPERM;
}

void init_object(IpcObject& o, const IpcCred& c, int key, int flag) {
  o.key = key;
  o.uid = o.cuid = c.euid;
  o.gid = o.cgid = c.egid;
  o.mode = static_cast<uint32_t>(flag) & 0777;
  o.ctime = now_seconds();
}

GuestIpcPerm perm_of(const IpcObject& o) {
  return GuestIpcPerm{o.key, o.uid, o.gid, o.cuid, o.cgid, o.mode, o.seq, 0, 0, 0, 0};
}

// IPC_SET's common part: uid, gid and the mode's permission bits.
void set_perm(IpcObject& o, const GuestIpcPerm& g) {
  o.uid = g.uid;
  o.gid = g.gid;
  o.mode = (o.mode & ~0777u) | (g.mode & 0777);
  o.ctime = now_seconds();
}

// The object with this id if the caller may access it for acc (ipcperms
// bits), else nullptr with *err (EINVAL, EACCES). ns.mutex held.
template <class T>
std::shared_ptr<T> find_checked(const Table<T>& table, const IpcCred& c, int id, int acc, int* err) {
  std::shared_ptr<T> o = table.find(id, err);
  if (o && (*err = ipcperms(c, *o, acc)) < 0) return nullptr;
  return o;
}

// IPC_STAT (0) and the *_STAT forms (the id; stat_any skips the read
// permission check): fill() gives the guest struct, perm_of() its perm.
template <class T, class Fill>
int64_t stat_object(const IpcCred& c, AddressSpace& as, const T& o, int cmd, int stat_any,
                    uint64_t buf, Fill fill) {
  if (cmd != stat_any)
    if (int r = ipcperms(c, o, 0444); r < 0) return r;
  auto g = fill();
  g.perm = perm_of(o);
  if (!as.write(buf, &g, sizeof g)) return -EFAULT;
  return cmd == kIpcStat ? 0 : o.id;
}

// The get half shared by shmget/semget/msgget (Linux's ipcget): the
// existing object's id (after `check` and the permission check), a new
// one from `make`, or -errno.
template <class T, class Check, class Make>
int64_t ipcget(Table<T>& table, const IpcCred& c, int key, int flag, Check check, Make make) {
  if (key != kIpcPrivate) {
    if (std::shared_ptr<T> o = table.by_key(key)) {
      if ((flag & kIpcCreat) && (flag & kIpcExcl)) return -EEXIST;
      if (int r = check(*o); r < 0) return r;
      if (int r = ipcperms(c, *o, flag); r < 0) return r;
      return o->id;
    }
    if (!(flag & kIpcCreat)) return -ENOENT;
  }
  return make();
}

// Sleeps (lock released) until the namespace changes, a signal, or the
// absolute CLOCK_MONOTONIC deadline: 0, -EINTR or -ETIMEDOUT. The caller
// checked its condition under `lock` just before, so no change is missed.
int wait_change(SyscallCtx& ctx, IpcNamespace& ns, std::unique_lock<std::mutex>& lock,
                const timespec* deadline) {
  const uint32_t seen = ns.gen.load();
  lock.unlock();
  int64_t r = safe_syscall(&ctx.vcpu.state.exit_request, SYS_futex, reinterpret_cast<long>(&ns.gen),
                           FUTEX_WAIT_BITSET | FUTEX_PRIVATE_FLAG, seen,
                           reinterpret_cast<long>(deadline), 0, FUTEX_BITSET_MATCH_ANY);
  lock.lock();
  if (r == -EINTR || r == -ETIMEDOUT) return static_cast<int>(r);
  return 0;  // woken, or the word had changed already (EAGAIN)
}

// ---- shared memory -----------------------------------------------------------------------

std::string shm_vma_name(int key) {
  char buf[32];
  snprintf(buf, sizeof buf, "/SYSV%08x (deleted)", static_cast<unsigned>(key));
  return buf;
}

// VMAs mapping each segment's memfd, over every live process of the launch
// (Linux's shm_nattch). Called without ns.mutex.
using AttachCounts = std::map<int, uint64_t>;
AttachCounts count_attaches(Process& self) {
  AttachCounts n;
  std::set<AddressSpace*> seen;
  for (auto& p : Process::members(self.tree())) {
    std::shared_ptr<AddressSpace> as = p->as_if_alive();
    if (!as || !seen.insert(as.get()).second) continue;
    for (const Vma& v : as->vmas())
      if (v.shared && v.host_fd >= 0 && v.name.compare(0, 5, "/SYSV") == 0) ++n[v.host_fd];
  }
  return n;
}

// count_attaches() when some segment waits for its last detach (the walk
// is not free: shmget and every exit would pay it), else nothing.
std::optional<AttachCounts> counts_if_removed(Process& self, IpcNamespace& ns) {
  {
    std::lock_guard<std::mutex> lock(ns.mutex);
    if (std::none_of(ns.shm.by_index.begin(), ns.shm.by_index.end(),
                     [](auto& e) { return (e.second->mode & kShmDest) != 0; }))
      return std::nullopt;
  }
  return count_attaches(self);
}

// Frees removed segments nobody maps (none without counts: a segment
// removed since counts_if_removed looked waits for the next call).
// ns.mutex held.
void reap_segments(IpcNamespace& ns, const std::optional<AttachCounts>& counts) {
  if (!counts) return;
  for (auto it = ns.shm.by_index.begin(); it != ns.shm.by_index.end();) {
    const ShmSeg& s = *it->second;
    if ((s.mode & kShmDest) && !counts->count(s.memfd)) it = ns.shm.by_index.erase(it);
    else ++it;
  }
}

uint64_t nattch(const AttachCounts& counts, const ShmSeg& s) {
  auto it = counts.find(s.memfd);
  return it == counts.end() ? 0 : it->second;
}

}  // namespace

int64_t sys_shmget(SyscallCtx& ctx) {
  const int key = static_cast<int>(ctx.a[0]);
  const uint64_t size = ctx.a[1];
  const int flag = static_cast<int>(ctx.a[2]);
  Caller k(ctx.proc);
  auto& [ns, c, as] = k;
  auto counts = counts_if_removed(ctx.proc, ns);
  std::lock_guard<std::mutex> lock(ns.mutex);
  reap_segments(ns, counts);
  return ipcget(
      ns.shm, c, key, flag,
      [&](ShmSeg& s) { return s.size < size ? -EINVAL : 0; },
      [&]() -> int64_t {
        if (size < kLimits.shmmin || size > kLimits.shmmax) return -EINVAL;
        if (ns.shm.by_index.size() >= kLimits.shmmni) return -ENOSPC;
        auto s = std::make_shared<ShmSeg>();
        init_object(*s, c, key, flag);
        s->size = size;
        s->cpid = ctx.proc.pid();
        s->memfd = static_cast<int>(syscall(SYS_memfd_create, "SYSV", MFD_CLOEXEC));
        if (s->memfd < 0) return -ENOMEM;
        if (ftruncate(s->memfd, static_cast<off_t>(size)) != 0) return -ENOMEM;
        return ns.shm.insert(std::move(s), static_cast<int>(kLimits.shmmni));
      });
}

int64_t sys_shmat(SyscallCtx& ctx) {
  const int id = static_cast<int>(ctx.a[0]);
  uint64_t addr = ctx.a[1];
  const int flag = static_cast<int>(ctx.a[2]);
  if (addr & (kPageSize - 1)) {
    if (!(flag & kShmRnd)) return -EINVAL;
    addr = page_down(addr);  // SHMLBA is the page size on riscv64
    if (addr == 0 && (flag & kShmRemap)) return -EINVAL;
  }
  int prot = PROT_READ, acc = 0444;
  if (!(flag & kShmRdonly)) prot |= PROT_WRITE, acc |= 0222;
  if (flag & kShmExec) prot |= PROT_EXEC, acc |= 0111;
  Caller k(ctx.proc);
  auto& [ns, c, as] = k;
  std::shared_ptr<ShmSeg> s;
  {
    std::lock_guard<std::mutex> lock(ns.mutex);
    int err;
    if (!(s = find_checked(ns.shm, c, id, acc, &err))) return err;
  }
  const uint64_t len = page_up(s->size);
  unsigned mflags = kMapShared;
  if (addr) {
    if (addr >= as.limit() || len > as.limit() - addr) return -EINVAL;
    if (!(flag & kShmRemap))  // Linux: EINVAL if anything is mapped in the range
      for (const Vma& v : as.vmas())
        if (v.start < addr + len && v.end > addr) return -EINVAL;
    mflags |= kMapFixed;
  }
  int64_t r = as.map(addr, len, prot, mflags, s->memfd, 0, shm_vma_name(s->key));
  if (r < 0) return r;
  std::lock_guard<std::mutex> lock(ns.mutex);
  s->atime = now_seconds();
  s->lpid = ctx.proc.pid();
  return r;
}

int64_t sys_shmdt(SyscallCtx& ctx) {
  const uint64_t addr = ctx.a[0];
  if (addr & (kPageSize - 1)) return -EINVAL;
  AddressSpace& as = ctx.proc.as();
  // The segment attached at addr: unmap its VMAs from addr to addr + size.
  int memfd = -1;
  std::vector<Vma> vmas = as.vmas();
  for (const Vma& v : vmas)
    if (v.start == addr && v.shared && v.offset == 0 && v.name.compare(0, 5, "/SYSV") == 0)
      memfd = v.host_fd;
  if (memfd < 0) return -EINVAL;
  IpcNamespace& ns = ns_of(ctx.proc);
  uint64_t size = 0;
  std::shared_ptr<ShmSeg> seg;
  {
    std::lock_guard<std::mutex> lock(ns.mutex);
    for (auto& [i, s] : ns.shm.by_index)
      if (s->memfd == memfd) seg = s;
    if (!seg) return -EINVAL;
    size = page_up(seg->size);
  }
  for (const Vma& v : vmas)
    if (v.host_fd == memfd && v.start >= addr && v.start < addr + size)
      as.unmap(v.start, std::min(v.end, addr + size) - v.start);
  auto counts = count_attaches(ctx.proc);
  std::lock_guard<std::mutex> lock(ns.mutex);
  seg->dtime = now_seconds();
  seg->lpid = ctx.proc.pid();
  reap_segments(ns, counts);
  return 0;
}

int64_t sys_shmctl(SyscallCtx& ctx) {
  const int id = static_cast<int>(ctx.a[0]);
  const int cmd = static_cast<int>(ctx.a[1]);
  const uint64_t buf = ctx.a[2];
  Caller k(ctx.proc);
  auto& [ns, c, as] = k;
  auto counts = count_attaches(ctx.proc);
  std::lock_guard<std::mutex> lock(ns.mutex);
  reap_segments(ns, counts);
  switch (cmd) {
    case kIpcInfo: {
      GuestShminfo g{};
      g.shmmax = kLimits.shmmax;
      g.shmmin = kLimits.shmmin;
      g.shmmni = g.shmseg = kLimits.shmmni;
      g.shmall = kLimits.shmall;
      return as.write(buf, &g, sizeof g) ? ns.shm.max_index() : -EFAULT;
    }
    case kShmInfo: {
      GuestShmInfo g{};
      g.used_ids = static_cast<int32_t>(ns.shm.by_index.size());
      for (auto& [i, s] : ns.shm.by_index) g.shm_tot += page_up(s->size) / kPageSize;
      g.shm_rss = g.shm_tot;
      return as.write(buf, &g, sizeof g) ? ns.shm.max_index() : -EFAULT;
    }
    case kIpcStat:
    case kShmStat:
    case kShmStatAny: {
      int err;
      std::shared_ptr<ShmSeg> s = ns.shm.lookup(id, cmd != kIpcStat, &err);
      if (!s) return err;
      return stat_object(c, as, *s, cmd, kShmStatAny, buf, [&] {
        GuestShmidDs g{};
        g.segsz = s->size;
        g.atime = s->atime;
        g.dtime = s->dtime;
        g.ctime = s->ctime;
        g.cpid = s->cpid;
        g.lpid = s->lpid;
        g.nattch = nattch(counts, *s);
        return g;
      });
    }
    case kIpcSet:
    case kIpcRmid:
    case kShmLock:
    case kShmUnlock: {
      int err;
      std::shared_ptr<ShmSeg> s = ns.shm.find(id, &err);
      if (!s) return err;
      GuestShmidDs g{};
      if (cmd == kIpcSet && !as.read(buf, &g, sizeof g)) return -EFAULT;
      if (int r = may_change(c, *s); r < 0) return r;
      if (cmd == kIpcSet) {
        set_perm(*s, g.perm);
      } else if (cmd == kIpcRmid) {
        s->mode |= kShmDest;
        s->key = kIpcPrivate;
        reap_segments(ns, counts);
      } else {  // the pages are never swapped out by hartd: only the flag changes
        s->mode = cmd == kShmLock ? s->mode | kShmLocked : s->mode & ~kShmLocked;
      }
      return 0;
    }
    default:
      return -EINVAL;
  }
}

// ---- semaphores ----------------------------------------------------------------------------

namespace {

// Applies sops to set s all at once if none would block: 0, a positive
// index + 1 of the first operation that would block, or -errno (ERANGE).
int try_semop(SemSet& s, const std::vector<GuestSembuf>& sops, int pid) {
  std::vector<int> vals(s.sems.size());
  for (size_t i = 0; i < vals.size(); ++i) vals[i] = s.sems[i].val;
  for (size_t i = 0; i < sops.size(); ++i) {
    int& v = vals[sops[i].num];
    const int op = sops[i].op;
    if (op == 0) {
      if (v != 0) return static_cast<int>(i) + 1;
    } else if (op < 0) {
      if (v + op < 0) return static_cast<int>(i) + 1;
      v += op;
    } else {
      if (v + op > kLimits.semvmx) return -ERANGE;
      v += op;
    }
  }
  for (size_t i = 0; i < vals.size(); ++i) s.sems[i].val = vals[i];
  for (const GuestSembuf& b : sops) s.sems[b.num].pid = pid;
  s.otime = now_seconds();
  return 0;
}

// SETVAL/SETALL/IPC_RMID: drop the undo adjustments of set id (sem -1: all of them).
void clear_undo(IpcNamespace& ns, int id, int sem) {
  for (auto& [pid, sets] : ns.undo) {
    auto it = sets.find(id);
    if (it == sets.end()) continue;
    if (sem < 0) sets.erase(it);
    else it->second[static_cast<size_t>(sem)] = 0;
  }
}

void remove_object(IpcNamespace& ns, IpcObject& o) {
  o.removed = true;
  if (auto* s = dynamic_cast<SemSet*>(&o)) {
    clear_undo(ns, s->id, -1);
    ns.sem.erase(o);
  } else {
    ns.msg.erase(o);
  }
  ns.wake();
}

}  // namespace

int64_t sys_semget(SyscallCtx& ctx) {
  const int key = static_cast<int>(ctx.a[0]);
  const int nsems = static_cast<int>(ctx.a[1]);
  const int flag = static_cast<int>(ctx.a[2]);
  if (nsems < 0 || nsems > kLimits.semmsl) return -EINVAL;
  Caller k(ctx.proc);
  auto& [ns, c, as] = k;
  std::lock_guard<std::mutex> lock(ns.mutex);
  return ipcget(
      ns.sem, c, key, flag,
      [&](SemSet& s) { return nsems > static_cast<int>(s.sems.size()) ? -EINVAL : 0; },
      [&]() -> int64_t {
        if (nsems == 0) return -EINVAL;
        auto s = std::make_shared<SemSet>();
        init_object(*s, c, key, flag);
        s->sems.resize(static_cast<size_t>(nsems));
        return ns.sem.insert(std::move(s), kLimits.semmni);
      });
}

namespace {

int64_t do_semop(SyscallCtx& ctx, uint64_t timeout_addr) {
  const int id = static_cast<int>(ctx.a[0]);
  const uint64_t nsops = ctx.a[2];
  // Linux's order: the timeout is copied first, checked after the sops.
  GuestTimespec t{};
  if (timeout_addr && !ctx.proc.as().read(timeout_addr, &t, sizeof t)) return -EFAULT;
  if (nsops < 1 || nsops > static_cast<uint64_t>(INT_MAX) || id < 0) return -EINVAL;
  if (nsops > static_cast<uint64_t>(kLimits.semopm)) return -E2BIG;
  std::vector<GuestSembuf> sops(nsops);
  if (!ctx.proc.as().read(ctx.a[1], sops.data(), nsops * sizeof(GuestSembuf))) return -EFAULT;
  timespec deadline{};
  if (timeout_addr) {
    if (t.tv_sec < 0 || t.tv_nsec < 0 || t.tv_nsec >= 1000000000) return -EINVAL;
    deadline = deadline_after(CLOCK_MONOTONIC, t);
  }
  int max_num = 0;
  bool undo = false, alter = false;
  for (const GuestSembuf& b : sops) {
    max_num = std::max<int>(max_num, b.num);
    undo |= (b.flg & kSemUndo) != 0;
    alter |= b.op != 0;
  }
  Caller k(ctx.proc);
  auto& [ns, c, as] = k;
  const int pid = ctx.proc.pid();
  std::unique_lock<std::mutex> lock(ns.mutex);
  int err;
  std::shared_ptr<SemSet> s = ns.sem.find(id, &err);
  if (!s) return err;
  if (max_num >= static_cast<int>(s->sems.size())) return -EFBIG;
  if (int r = ipcperms(c, *s, alter ? 0222 : 0444); r < 0) return r;
  for (;;) {
    if (s->removed) return -EIDRM;
    const int r = try_semop(*s, sops, pid);
    if (r < 0) return r;
    if (r == 0) {
      if (undo) {
        std::vector<int>& adj = ns.undo[pid][s->id];
        adj.resize(s->sems.size());
        for (const GuestSembuf& b : sops)
          if (b.flg & kSemUndo) adj[b.num] -= b.op;
      }
      ns.wake();
      return 0;
    }
    const GuestSembuf& blocker = sops[static_cast<size_t>(r - 1)];
    if (blocker.flg & kIpcNowait) return -EAGAIN;
    Sem& sem = s->sems[blocker.num];
    int& count = blocker.op == 0 ? sem.zcnt : sem.ncnt;
    ++count;
    const int w = wait_change(ctx, ns, lock, timeout_addr ? &deadline : nullptr);
    --count;
    if (w == -EINTR) return kERESTARTNOHAND;
    if (w == -ETIMEDOUT) {
      if (s->removed) return -EIDRM;
      return try_semop(*s, sops, pid) == 0 ? (ns.wake(), 0) : -EAGAIN;
    }
  }
}

}  // namespace

int64_t sys_semop(SyscallCtx& ctx) { return do_semop(ctx, 0); }
int64_t sys_semtimedop(SyscallCtx& ctx) { return do_semop(ctx, ctx.a[3]); }

int64_t sys_semctl(SyscallCtx& ctx) {
  const int id = static_cast<int>(ctx.a[0]);
  const int num = static_cast<int>(ctx.a[1]);
  const int cmd = static_cast<int>(ctx.a[2]);
  const uint64_t arg = ctx.a[3];
  Caller k(ctx.proc);
  auto& [ns, c, as] = k;
  std::lock_guard<std::mutex> lock(ns.mutex);
  if (cmd == kIpcInfo || cmd == kSemInfo) {
    GuestSeminfo g{};
    g.semmni = kLimits.semmni;
    g.semmsl = kLimits.semmsl;
    g.semmns = kLimits.semmns;
    g.semopm = g.semume = kLimits.semopm;
    g.semvmx = g.semaem = kLimits.semvmx;
    g.semmap = g.semmnu = kLimits.semmns;
    g.semusz = 20;  // SEMUSZ
    if (cmd == kSemInfo) {
      g.semusz = static_cast<int32_t>(ns.sem.by_index.size());
      g.semaem = 0;
      for (auto& [i, s] : ns.sem.by_index) g.semaem += static_cast<int32_t>(s->sems.size());
    }
    return as.write(arg, &g, sizeof g) ? ns.sem.max_index() : -EFAULT;
  }
  int err;
  std::shared_ptr<SemSet> s = ns.sem.lookup(id, cmd == kSemStat || cmd == kSemStatAny, &err);
  if (!s) return err;
  const int n = static_cast<int>(s->sems.size());
  switch (cmd) {
    case kIpcStat:
    case kSemStat:
    case kSemStatAny:
      return stat_object(c, as, *s, cmd, kSemStatAny, arg, [&] {
        GuestSemidDs g{};
        g.otime = s->otime;
        g.ctime = s->ctime;
        g.nsems = static_cast<uint64_t>(n);
        return g;
      });
    case kIpcSet:
    case kIpcRmid: {
      GuestSemidDs g{};
      if (cmd == kIpcSet && !as.read(arg, &g, sizeof g)) return -EFAULT;
      if (int r = may_change(c, *s); r < 0) return r;
      if (cmd == kIpcRmid) remove_object(ns, *s);
      else set_perm(*s, g.perm);
      return 0;
    }
    case kGetVal:
    case kGetPid:
    case kGetNcnt:
    case kGetZcnt: {
      if (int r = ipcperms(c, *s, 0444); r < 0) return r;
      if (num < 0 || num >= n) return -EINVAL;
      const Sem& m = s->sems[static_cast<size_t>(num)];
      return cmd == kGetVal ? m.val : cmd == kGetPid ? m.pid : cmd == kGetNcnt ? m.ncnt : m.zcnt;
    }
    case kGetAll: {
      if (int r = ipcperms(c, *s, 0444); r < 0) return r;
      std::vector<uint16_t> v(static_cast<size_t>(n));
      for (int i = 0; i < n; ++i) v[static_cast<size_t>(i)] = static_cast<uint16_t>(s->sems[static_cast<size_t>(i)].val);
      return as.write(arg, v.data(), v.size() * 2) ? 0 : -EFAULT;
    }
    case kSetVal: {
      if (num < 0 || num >= n) return -EINVAL;
      const int val = static_cast<int>(arg);
      if (val < 0 || val > kLimits.semvmx) return -ERANGE;
      if (int r = ipcperms(c, *s, 0222); r < 0) return r;
      s->sems[static_cast<size_t>(num)].val = val;
      s->sems[static_cast<size_t>(num)].pid = ctx.proc.pid();
      clear_undo(ns, s->id, num);
      s->ctime = now_seconds();
      ns.wake();
      return 0;
    }
    case kSetAll: {
      std::vector<uint16_t> v(static_cast<size_t>(n));
      if (!as.read(arg, v.data(), v.size() * 2)) return -EFAULT;
      for (uint16_t x : v)
        if (x > kLimits.semvmx) return -ERANGE;
      if (int r = ipcperms(c, *s, 0222); r < 0) return r;
      for (int i = 0; i < n; ++i) {
        s->sems[static_cast<size_t>(i)].val = v[static_cast<size_t>(i)];
        s->sems[static_cast<size_t>(i)].pid = ctx.proc.pid();
      }
      clear_undo(ns, s->id, -1);
      s->ctime = now_seconds();
      ns.wake();
      return 0;
    }
    default:
      return -EINVAL;
  }
}

// ---- message queues --------------------------------------------------------------------------

int64_t sys_msgget(SyscallCtx& ctx) {
  const int key = static_cast<int>(ctx.a[0]);
  const int flag = static_cast<int>(ctx.a[1]);
  Caller k(ctx.proc);
  auto& [ns, c, as] = k;
  std::lock_guard<std::mutex> lock(ns.mutex);
  return ipcget(
      ns.msg, c, key, flag, [](MsgQueue&) { return 0; },
      [&]() -> int64_t {
        auto q = std::make_shared<MsgQueue>();
        init_object(*q, c, key, flag);
        return ns.msg.insert(std::move(q), kLimits.msgmni);
      });
}

int64_t sys_msgsnd(SyscallCtx& ctx) {
  const int id = static_cast<int>(ctx.a[0]);
  const uint64_t addr = ctx.a[1];
  const int64_t size = static_cast<int64_t>(ctx.a[2]);
  const int flag = static_cast<int>(ctx.a[3]);
  int64_t type;
  if (!ctx.proc.as().read(addr, &type, sizeof type)) return -EFAULT;
  if (size > kLimits.msgmax || size < 0 || id < 0) return -EINVAL;
  if (type < 1) return -EINVAL;
  Msg m{type, std::vector<char>(static_cast<size_t>(size))};
  if (size && !ctx.proc.as().read(addr + 8, m.text.data(), static_cast<uint64_t>(size))) return -EFAULT;
  Caller k(ctx.proc);
  auto& [ns, c, as] = k;
  std::unique_lock<std::mutex> lock(ns.mutex);
  int err;
  std::shared_ptr<MsgQueue> q = find_checked(ns.msg, c, id, 0222, &err);
  if (!q) return err;
  for (;;) {
    if (q->removed) return -EIDRM;
    if (q->cbytes + static_cast<uint64_t>(size) <= q->qbytes && q->msgs.size() + 1 <= q->qbytes) break;
    if (flag & kIpcNowait) return -EAGAIN;
    if (wait_change(ctx, ns, lock, nullptr) == -EINTR) return kERESTARTNOHAND;
  }
  q->cbytes += static_cast<uint64_t>(size);
  q->msgs.push_back(std::move(m));
  q->lspid = ctx.proc.pid();
  q->stime = now_seconds();
  ns.wake();
  return 0;
}

namespace {

// The message msgrcv takes (msgtyp 0: the first; > 0: the first of that
// type, or of another type with MSG_EXCEPT; < 0: the first of the lowest
// type <= -msgtyp), or end().
std::deque<Msg>::iterator pick(std::deque<Msg>& msgs, int64_t msgtyp, int flag) {
  if (msgtyp == 0) return msgs.begin();
  if (msgtyp > 0)
    return std::find_if(msgs.begin(), msgs.end(), [&](const Msg& m) {
      return (flag & kMsgExcept) ? m.type != msgtyp : m.type == msgtyp;
    });
  auto best = msgs.end();
  for (auto it = msgs.begin(); it != msgs.end(); ++it)
    if (it->type <= -msgtyp && (best == msgs.end() || it->type < best->type)) best = it;
  return best;
}

}  // namespace

int64_t sys_msgrcv(SyscallCtx& ctx) {
  const int id = static_cast<int>(ctx.a[0]);
  const uint64_t addr = ctx.a[1];
  const int64_t size = static_cast<int64_t>(ctx.a[2]);
  const int64_t msgtyp = static_cast<int64_t>(ctx.a[3]);
  const int flag = static_cast<int>(ctx.a[4]);
  if (id < 0 || size < 0) return -EINVAL;
  if ((flag & kMsgCopy) && (!(flag & kIpcNowait) || (flag & kMsgExcept))) return -EINVAL;
  Caller k(ctx.proc);
  auto& [ns, c, as] = k;
  std::unique_lock<std::mutex> lock(ns.mutex);
  int err;
  std::shared_ptr<MsgQueue> q = find_checked(ns.msg, c, id, 0444, &err);
  if (!q) return err;
  for (;;) {
    if (q->removed) return -EIDRM;
    std::deque<Msg>::iterator it;
    if (flag & kMsgCopy) {
      it = msgtyp >= 0 && static_cast<uint64_t>(msgtyp) < q->msgs.size() ? q->msgs.begin() + msgtyp
                                                                       : q->msgs.end();
    } else {
      it = pick(q->msgs, msgtyp, flag);
    }
    if (it != q->msgs.end()) {
      if (static_cast<int64_t>(it->text.size()) > size && !(flag & kMsgNoerror)) return -E2BIG;
      Msg m = (flag & kMsgCopy) ? *it : std::move(*it);
      if (!(flag & kMsgCopy)) {
        q->msgs.erase(it);
        q->cbytes -= m.text.size();
        q->lrpid = ctx.proc.pid();
        q->rtime = now_seconds();
        ns.wake();
      }
      lock.unlock();
      const uint64_t n = std::min<uint64_t>(m.text.size(), static_cast<uint64_t>(size));
      if (!ctx.proc.as().write(addr, &m.type, sizeof m.type) ||
          (n && !ctx.proc.as().write(addr + 8, m.text.data(), n)))
        return -EFAULT;
      return static_cast<int64_t>(n);
    }
    if (flag & kIpcNowait) return -ENOMSG;
    if (wait_change(ctx, ns, lock, nullptr) == -EINTR) return kERESTARTNOHAND;
  }
}

int64_t sys_msgctl(SyscallCtx& ctx) {
  const int id = static_cast<int>(ctx.a[0]);
  const int cmd = static_cast<int>(ctx.a[1]);
  const uint64_t buf = ctx.a[2];
  Caller k(ctx.proc);
  auto& [ns, c, as] = k;
  std::lock_guard<std::mutex> lock(ns.mutex);
  if (cmd == kIpcInfo || cmd == kMsgInfo) {
    GuestMsginfo g{};
    g.msgpool = kLimits.msgmni * (kLimits.msgmnb / 1024);
    g.msgmap = g.msgtql = kLimits.msgmnb;
    g.msgmax = kLimits.msgmax;
    g.msgmnb = kLimits.msgmnb;
    g.msgmni = kLimits.msgmni;
    g.msgssz = 16;
    g.msgseg = 0xffff;
    if (cmd == kMsgInfo) {
      g.msgpool = static_cast<int32_t>(ns.msg.by_index.size());
      g.msgmap = g.msgtql = 0;
      for (auto& [i, q] : ns.msg.by_index) {
        g.msgmap += static_cast<int32_t>(q->msgs.size());
        g.msgtql += static_cast<int32_t>(q->cbytes);
      }
    }
    return as.write(buf, &g, sizeof g) ? ns.msg.max_index() : -EFAULT;
  }
  int err;
  std::shared_ptr<MsgQueue> q = ns.msg.lookup(id, cmd == kMsgStat || cmd == kMsgStatAny, &err);
  if (!q) return err;
  switch (cmd) {
    case kIpcStat:
    case kMsgStat:
    case kMsgStatAny:
      return stat_object(c, as, *q, cmd, kMsgStatAny, buf, [&] {
        GuestMsqidDs g{};
        g.stime = q->stime;
        g.rtime = q->rtime;
        g.ctime = q->ctime;
        g.cbytes = q->cbytes;
        g.qnum = q->msgs.size();
        g.qbytes = q->qbytes;
        g.lspid = q->lspid;
        g.lrpid = q->lrpid;
        return g;
      });
    case kIpcSet:
    case kIpcRmid: {
      GuestMsqidDs g{};
      if (cmd == kIpcSet && !as.read(buf, &g, sizeof g)) return -EFAULT;
      if (int r = may_change(c, *q); r < 0) return r;
      if (cmd == kIpcRmid) {
        remove_object(ns, *q);
        return 0;
      }
      // Raising the limit past MSGMNB needs CAP_SYS_RESOURCE.
      if (g.qbytes > static_cast<uint64_t>(kLimits.msgmnb) && !c.sys_admin)
        return -EPERM;
      q->qbytes = g.qbytes;
      set_perm(*q, g.perm);
      ns.wake();  // senders may fit now
      return 0;
    }
    default:
      return -EINVAL;
  }
}

// ---- process exit --------------------------------------------------------------------------

void ipc_process_exit(Process& p) {
  std::shared_ptr<IpcNamespace> ns;
  {
    std::lock_guard<std::mutex> lock(p.tree().mutex);
    ns = p.tree().ipc;
  }
  if (!ns) return;
  auto counts = counts_if_removed(p, *ns);
  std::lock_guard<std::mutex> lock(ns->mutex);
  reap_segments(*ns, counts);
  auto it = ns->undo.find(p.pid());
  if (it == ns->undo.end()) return;
  for (auto& [id, adj] : it->second) {
    int err;
    std::shared_ptr<SemSet> s = ns->sem.find(id, &err);
    if (!s) continue;
    for (size_t i = 0; i < adj.size() && i < s->sems.size(); ++i) {
      if (!adj[i]) continue;
      Sem& m = s->sems[i];
      m.val = std::clamp(m.val + adj[i], 0, kLimits.semvmx);
      m.pid = p.pid();
    }
    s->otime = now_seconds();
  }
  ns->undo.erase(it);
  ns->wake();
}

}  // namespace hart::linux
