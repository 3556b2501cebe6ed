// linux-abi/process/record_file.cpp — a recording as a file (docs/REVERSE.md
// "File format"): `hart-run --record-file FILE`, `monitor record save FILE`
// write it; `hart-run --replay FILE` reads it and replays the program in
// another process (under the gdb stub, with reverse execution over the
// whole history). The file holds the program's identity (path, size and a
// hash of its bytes), argv and envp, the start of history (the guest
// memory image of the first checkpoint, registers, brk), the schedule of
// its threads, each thread's event logs (system calls with the memory they
// wrote, counter reads, signals) and the position at the end. Versioned; a checksum over everything
// catches a damaged or truncated file, and every read is bounds-checked.
// Owns: the format, Recorder::save/read_file/start_replay. Does not own:
// recording and replay themselves (record.cpp).
#include <fcntl.h>
#include <sys/mman.h>
#include <unistd.h>

#include <cinttypes>
#include <cstring>

#include "core/vcpu.h"
#include "linux-abi/process/process.h"
#include "linux-abi/process/record.h"

namespace hart::linux {

namespace {

constexpr char kMagic[8] = {'H', 'A', 'R', 'T', 'R', 'E', 'C', '\n'};
constexpr uint32_t kVersion = 2;
constexpr size_t kArchBytes = offsetof(CpuState, mem_base);
// Sanity bounds for counts read from a file (a damaged count must not make
// the reader allocate without end before the checksum is known).
constexpr uint64_t kMaxItems = uint64_t{1} << 32;

uint64_t fnv1a(const void* data, size_t len, uint64_t h = 0xcbf29ce484222325ull) {
  const auto* p = static_cast<const unsigned char*>(data);
  for (size_t i = 0; i < len; ++i) h = (h ^ p[i]) * 0x100000001b3ull;
  return h;
}

bool read_whole(const std::string& path, std::string* out, std::string* error) {
  int fd = open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    *error = path + ": " + strerror(errno);
    return false;
  }
  out->clear();
  char buf[1 << 16];
  for (;;) {
    ssize_t n = read(fd, buf, sizeof buf);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      *error = path + ": " + strerror(errno);
      close(fd);
      return false;
    }
    if (n == 0) break;
    out->append(buf, static_cast<size_t>(n));
  }
  close(fd);
  return true;
}

// The identity of a program file: its size and a hash of its bytes.
bool file_identity(const std::string& path, uint64_t* size, uint64_t* hash, std::string* error) {
  std::string bytes;
  if (!read_whole(path, &bytes, error)) return false;
  *size = bytes.size();
  *hash = fnv1a(bytes.data(), bytes.size());
  return true;
}

class Writer {
 public:
  std::string out;
  void u32(uint32_t v) { out.append(reinterpret_cast<const char*>(&v), 4); }
  void u64(uint64_t v) { out.append(reinterpret_cast<const char*>(&v), 8); }
  void bytes(const void* p, size_t n) { out.append(static_cast<const char*>(p), n); }
  void str(const std::string& s) {
    u64(s.size());
    out += s;
  }
};

class Reader {
 public:
  Reader(const std::string& in, size_t end) : in_(in), end_(end) {}
  bool ok() const { return ok_; }
  uint32_t u32() {
    uint32_t v = 0;
    bytes(&v, 4);
    return v;
  }
  uint64_t u64() {
    uint64_t v = 0;
    bytes(&v, 8);
    return v;
  }
  void bytes(void* p, size_t n) {
    if (!ok_ || end_ - pos_ < n) {
      ok_ = false;
      memset(p, 0, n);
      return;
    }
    memcpy(p, in_.data() + pos_, n);
    pos_ += n;
  }
  std::string str() {
    uint64_t n = u64();
    if (!ok_ || end_ - pos_ < n) {
      ok_ = false;
      return {};
    }
    std::string s = in_.substr(pos_, n);
    pos_ += n;
    return s;
  }
  uint64_t count() {  // an item count: at most what the rest could hold
    uint64_t n = u64();
    if (n > kMaxItems || n > end_ - pos_) ok_ = false;
    return ok_ ? n : 0;
  }
  bool at_end() const { return pos_ == end_; }

 private:
  const std::string& in_;
  size_t end_, pos_ = 0;
  bool ok_ = true;
};

}  // namespace

struct Recorder::Saved {
  std::string exe_path;
  uint64_t exe_size = 0, exe_hash = 0;
  std::vector<std::string> argv, envp;
  uint64_t limit = 0;
  uint64_t start_icount = 0;
  uint64_t brk_start = 0, brk_cur = 0, brk_mapped = 0;
  struct Region {
    Vma vma;
    std::vector<std::pair<uint64_t, std::string>> pages;  // (page address, bytes); absent = zeros
  };
  std::vector<Region> image;
  std::vector<Slice> slices;
  std::vector<RThread> threads;  // t unset; ordinal 0's birth is the start of history
  uint64_t end = 0;
};

const std::string& Recorder::saved_exe(const Saved& s) { return s.exe_path; }
const std::vector<std::string>& Recorder::saved_argv(const Saved& s) { return s.argv; }
const std::vector<std::string>& Recorder::saved_envp(const Saved& s) { return s.envp; }
uint64_t Recorder::saved_limit(const Saved& s) { return s.limit; }

void Recorder::thread_exiting(Process& p, Thread& t) {
  (void)t;
  std::lock_guard<std::mutex> lock(mutex_);
  if (!active_ || exited_ || (!p.exited() && p.thread_count() > 1)) return;
  // The first thread to leave a process that exits (or its last thread):
  // the token holder's count is the end.
  exit_icount_ = position_locked();
  exited_ = true;
  size_t sys = 0, ctr = 0, sig = 0;
  for (const auto& o : threads_) {
    sys += o->syscall_pos;
    ctr += o->counter_pos;
    sig += o->signal_pos;
  }
  for (const auto& o : threads_)
    if (!o->divergence.empty() && !diverged_) {  // met at a fatal signal: no next turn to report it
      p.log().printf("hart: record: replay diverged at instruction %" PRIu64 ": %s\n", exit_icount_,
                     o->divergence.c_str());
      diverged_ = true;
    }
  if (echo_ && !diverged_)
    fprintf(stderr,
            "hart: replay: the process ended at instruction %" PRIu64 " (the recording ended at %" PRIu64
            "%s); %zu system calls, %zu counter reads, %zu signals, %zu thread switches replayed, no divergence\n",
            exit_icount_, end_, exit_icount_ > end_ ? ", the rest ran live" : "", sys, ctr, sig,
            slice_pos_);
}

namespace {

void write_regs(Writer& w, const unsigned char* arch, uint64_t res_addr, uint64_t res_value, uint32_t res_size) {
  w.bytes(arch, kArchBytes);
  w.u64(res_addr);
  w.u64(res_value);
  w.u32(res_size);
}

}  // namespace

bool Recorder::save(const Process& p, const std::string& path, std::string* error, std::string* summary) {
  std::lock_guard<std::mutex> lock(mutex_);
  if (!active_ || checkpoints_.empty() || !checkpoints_.front().mem) {
    *error = "nothing recorded (the recording stopped or never started)";
    return false;
  }
  // The end of history: where the process is (or ended), or the furthest
  // point it ran to if it went back.
  uint64_t end = exited_ ? exit_icount_ : position_locked();
  if (replay_) end = std::max(end, end_);
  Writer w;
  w.bytes(kMagic, sizeof kMagic);
  w.u32(kVersion);
  w.u32(static_cast<uint32_t>(kArchBytes));
  w.u32(static_cast<uint32_t>(sizeof(GuestSiginfo)));
  uint64_t size = 0, hash = 0;
  if (!file_identity(p.exe_path(), &size, &hash, error)) return false;
  w.str(p.exe_path());
  w.u64(size);
  w.u64(hash);
  w.u64(p.argv().size());
  for (const std::string& a : p.argv()) w.str(a);
  w.u64(p.envp().size());
  for (const std::string& e : p.envp()) w.str(e);
  // The start of history (one thread: recording starts single-threaded).
  const Checkpoint& ck = checkpoints_.front();
  w.u64(ck.mem->limit());
  w.u64(ck.icount);
  w.u64(ck.brk_start);
  w.u64(ck.brk_cur);
  w.u64(ck.brk_mapped);
  std::vector<Vma> vmas = ck.mem->vmas();
  w.u64(vmas.size());
  std::string page(kPageSize, '\0');
  static const std::string zeros(kPageSize, '\0');
  for (const Vma& v : vmas) {
    w.u64(v.start);
    w.u64(v.end);
    w.u32(static_cast<uint32_t>(v.prot));
    w.u32((v.shared ? 1u : 0u) | (v.grows_down ? 2u : 0u));
    w.str(v.name);
    std::vector<uint64_t> present;
    Writer pages;
    for (uint64_t a = v.start; a < v.end; a += kPageSize) {
      if (!ck.mem->peek(a, page.data(), kPageSize) || page == zeros) continue;
      pages.u64(a);
      pages.bytes(page.data(), kPageSize);
      present.push_back(a);
    }
    w.u64(present.size());
    w.out += pages.out;
  }
  // The schedule and the logs, up to the end.
  size_t n_slices = 0;
  while (n_slices < slices_.size() && slices_[n_slices].start <= end) ++n_slices;
  w.u64(n_slices);
  for (size_t i = 0; i < n_slices; ++i) {
    w.u64(slices_[i].start);
    w.u32(slices_[i].ord);
    w.u32(slices_[i].how);
  }
  size_t n_sys = 0, n_ctr = 0, n_sig = 0;
  w.u64(threads_.size());
  for (const auto& o : threads_) {
    w.u64(static_cast<uint64_t>(static_cast<int64_t>(o->tid)));
    if (o->ord == 0) {  // the start of history
      const ThreadCk& tc = ck.threads.front();
      write_regs(w, tc.regs.arch, tc.regs.res_addr, tc.regs.res_value, tc.regs.res_size);
    } else {
      write_regs(w, o->birth.arch, o->birth.res_addr, o->birth.res_value, o->birth.res_size);
    }
    w.u64(o->birth_blocked);
    w.u64(o->birth_clear_tid);
    size_t n = 0;
    while (n < o->syscalls.size() && o->syscalls[n].icount <= end) ++n;
    n_sys += n;
    w.u64(n);
    for (size_t i = 0; i < n; ++i) {
      const SyscallEvent& e = o->syscalls[i];
      w.u64(e.icount);
      w.u64(e.nr);
      w.u64(static_cast<uint64_t>(e.ret));
      w.u64(e.blocked);
      w.u64(e.saved_blocked);
      w.u32(e.restore_blocked ? 1 : 0);
      w.u32(static_cast<uint32_t>(e.child));
      w.u64(e.writes.size());
      for (const auto& [addr, bytes] : e.writes) {
        w.u64(addr);
        w.str(bytes);
      }
    }
    n_ctr += o->counters.size();
    w.u64(o->counters.size());
    for (const CounterEvent& c : o->counters) {
      w.u32(c.csr);
      w.u64(c.value);
    }
    n_sig += o->signals.size();
    w.u64(o->signals.size());
    for (const SignalEvent& e : o->signals) {
      w.u64(e.icount);
      w.bytes(&e.info, sizeof e.info);
    }
  }
  w.u64(end);
  w.u64(fnv1a(w.out.data(), w.out.size()));
  // Written whole, then renamed over the name: never a half file under it.
  std::string tmp = path + ".tmp";
  int fd = open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) {
    *error = tmp + ": " + strerror(errno);
    return false;
  }
  size_t off = 0;
  while (off < w.out.size()) {
    ssize_t n = write(fd, w.out.data() + off, w.out.size() - off);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      *error = tmp + ": " + strerror(errno);
      close(fd);
      unlink(tmp.c_str());
      return false;
    }
    off += static_cast<size_t>(n);
  }
  if (close(fd) != 0 || rename(tmp.c_str(), path.c_str()) != 0) {
    *error = path + ": " + strerror(errno);
    unlink(tmp.c_str());
    return false;
  }
  char buf[320];
  snprintf(buf, sizeof buf,
           "record: saved %s: instructions %" PRIu64 "..%" PRIu64 ", %zu system calls, %zu counter reads, "
           "%zu signals, %zu threads, %zu thread switches",
           path.c_str(), ck.icount, end, n_sys, n_ctr, n_sig, threads_.size(), n_slices ? n_slices - 1 : 0);
  if (summary) *summary = buf;
  return true;
}

std::shared_ptr<const Recorder::Saved> Recorder::read_file(const std::string& path, std::string* error) {
  std::string in;
  if (!read_whole(path, &in, error)) return nullptr;
  auto bad = [&](const std::string& why) -> std::shared_ptr<const Saved> {
    *error = path + ": " + why;
    return nullptr;
  };
  if (in.size() < sizeof kMagic + 12 + 8 || memcmp(in.data(), kMagic, sizeof kMagic) != 0)
    return bad("not a hart recording (no HARTREC header)");
  uint64_t sum = 0;
  memcpy(&sum, in.data() + in.size() - 8, 8);
  Reader r(in, in.size() - 8);
  char magic[sizeof kMagic];
  r.bytes(magic, sizeof magic);
  uint32_t version = r.u32();
  if (version != kVersion)
    return bad("recording format version " + std::to_string(version) + ", this hart reads version " +
               std::to_string(kVersion));
  if (sum != fnv1a(in.data(), in.size() - 8)) return bad("damaged or truncated recording (checksum mismatch)");
  if (r.u32() != kArchBytes || r.u32() != sizeof(GuestSiginfo))
    return bad("recorded by a hart with another register layout");
  auto s = std::make_shared<Saved>();
  s->exe_path = r.str();
  s->exe_size = r.u64();
  s->exe_hash = r.u64();
  for (uint64_t n = r.count(); n--;) s->argv.push_back(r.str());
  for (uint64_t n = r.count(); n--;) s->envp.push_back(r.str());
  s->limit = r.u64();
  if (r.ok() && !check_address_space_size(s->limit).empty()) return bad("an invalid address-space size");
  s->start_icount = r.u64();
  s->brk_start = r.u64();
  s->brk_cur = r.u64();
  s->brk_mapped = r.u64();
  for (uint64_t n = r.count(); n-- && r.ok();) {
    Saved::Region reg;
    reg.vma.start = r.u64();
    reg.vma.end = r.u64();
    reg.vma.prot = static_cast<int>(r.u32());
    uint32_t flags = r.u32();
    reg.vma.shared = flags & 1;
    reg.vma.grows_down = flags & 2;
    reg.vma.name = r.str();
    if (reg.vma.start >= reg.vma.end || reg.vma.end > s->limit || (reg.vma.start | reg.vma.end) % kPageSize)
      return bad("a memory region outside the address space");
    for (uint64_t k = r.count(); k-- && r.ok();) {
      uint64_t a = r.u64();
      std::string bytes(kPageSize, '\0');
      r.bytes(bytes.data(), kPageSize);
      if (a < reg.vma.start || a >= reg.vma.end) return bad("a page outside its region");
      reg.pages.emplace_back(a, std::move(bytes));
    }
    s->image.push_back(std::move(reg));
  }
  for (uint64_t n = r.count(); n-- && r.ok();) {
    Slice sl;
    sl.start = r.u64();
    sl.ord = r.u32();
    uint32_t how = r.u32();
    if (how > kAtExit) return bad("malformed recording (a thread switch of an unknown kind)");
    sl.how = static_cast<uint8_t>(how);
    s->slices.push_back(sl);
  }
  uint64_t n_threads = r.count();
  if (r.ok() && n_threads == 0) return bad("malformed recording (no thread)");
  for (uint64_t n = n_threads; n-- && r.ok();) {
    RThread th;
    th.ord = static_cast<uint32_t>(s->threads.size());
    th.tid = static_cast<int>(static_cast<int64_t>(r.u64()));
    r.bytes(th.birth.arch, kArchBytes);
    th.birth.res_addr = r.u64();
    th.birth.res_value = r.u64();
    th.birth.res_size = r.u32();
    th.birth_blocked = r.u64();
    th.birth_clear_tid = r.u64();
    for (uint64_t k = r.count(); k-- && r.ok();) {
      SyscallEvent e;
      e.icount = r.u64();
      e.nr = r.u64();
      e.ret = static_cast<int64_t>(r.u64());
      e.blocked = r.u64();
      e.saved_blocked = r.u64();
      e.restore_blocked = r.u32() != 0;
      e.child = static_cast<int32_t>(r.u32());
      if (e.child >= 0 && static_cast<uint64_t>(e.child) >= n_threads)
        return bad("malformed recording (a clone of an unknown thread)");
      for (uint64_t m = r.count(); m-- && r.ok();) {
        uint64_t addr = r.u64();
        e.writes.emplace_back(addr, r.str());
      }
      th.syscalls.push_back(std::move(e));
    }
    for (uint64_t k = r.count(); k-- && r.ok();) {
      CounterEvent c;
      c.csr = r.u32();
      c.value = r.u64();
      th.counters.push_back(c);
    }
    for (uint64_t k = r.count(); k-- && r.ok();) {
      SignalEvent e;
      e.icount = r.u64();
      r.bytes(&e.info, sizeof e.info);
      th.signals.push_back(e);
    }
    s->threads.push_back(std::move(th));
  }
  for (const Slice& sl : s->slices)
    if (sl.ord >= s->threads.size()) return bad("malformed recording (a thread switch to an unknown thread)");
  if (r.ok() && (s->slices.empty() || s->slices.front().ord != 0))
    return bad("malformed recording (the schedule does not start with the first thread)");
  s->end = r.u64();
  if (!r.ok() || !r.at_end()) return bad("malformed recording (its sections do not add up)");
  return s;
}

std::shared_ptr<Recorder> Recorder::start_replay(Process& p, const Saved& s, const RecordOptions& opts,
                                                 std::string* error) {
  uint64_t size = 0, hash = 0;
  if (!file_identity(p.exe_path(), &size, &hash, error)) return nullptr;
  if (size != s.exe_size || hash != s.exe_hash) {
    *error = p.exe_path() + " is not the program that was recorded (" + s.exe_path +
             ": another size or other bytes)";
    return nullptr;
  }
  if (p.as().limit() != s.limit) {
    *error = "the recording was made with another address-space size (-address-space " + format_size(s.limit) + ")";
    return nullptr;
  }
  if (p.thread_count() != 1) {
    *error = "replay needs a single-threaded process";
    return nullptr;
  }
  // The memory image of the start of history, in place of what exec loaded.
  AddressSpace& as = p.as();
  for (const Vma& v : as.vmas()) as.unmap(v.start, v.end - v.start);
  for (const Saved::Region& reg : s.image) {
    const Vma& v = reg.vma;
    int64_t at = as.map(v.start, v.end - v.start, PROT_READ | PROT_WRITE,
                        kMapFixed | (v.grows_down ? unsigned{kMapGrowsDown} : 0u), -1, 0, v.name);
    if (at != static_cast<int64_t>(v.start)) {
      *error = "cannot map the recorded memory image: " + std::string(strerror(static_cast<int>(-at)));
      return nullptr;
    }
    for (const auto& [addr, bytes] : reg.pages) as.poke(addr, bytes.data(), bytes.size());
    as.protect(v.start, v.end - v.start, v.prot);
  }
  Thread& t = Process::thread_of(p.main_thread());
  Vcpu& v = *t.vcpu;
  load_regs(v.state, s.threads.front().birth);
  v.icount = s.start_icount;
  {
    std::lock_guard<std::mutex> lock(p.mutex());
    p.brk_start = s.brk_start;
    p.brk_cur = s.brk_cur;
    p.brk_mapped = s.brk_mapped;
  }
  std::shared_ptr<Recorder> r = start(p, opts, error);
  if (!r) return nullptr;
  std::lock_guard<std::mutex> lock(r->mutex_);
  for (const RThread& th : s.threads) {
    RThread* o = th.ord == 0 ? r->threads_.front().get() : &r->add_thread(nullptr, th.tid);
    o->tid = th.tid;
    if (th.ord != 0) {
      o->birth = th.birth;
      o->birth_blocked = th.birth_blocked;
      o->birth_clear_tid = th.birth_clear_tid;
      o->life = Life::Unborn;
    }
    o->syscalls = th.syscalls;
    o->counters = th.counters;
    o->signals = th.signals;
  }
  r->slices_ = s.slices;
  r->slice_pos_ = 0;
  r->replay_ = true;
  r->end_ = s.end;
  r->echo_ = true;
  return r;
}

}  // namespace hart::linux
