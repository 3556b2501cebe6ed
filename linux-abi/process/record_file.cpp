// linux-abi/process/record_file.cpp — a recording as a file (docs/REVERSE.md
// "File format"): `hart-run --record-file FILE`, `monitor record save FILE`
// write it; `hart-run --replay FILE` reads it and replays the program in
// another process (under the gdb stub, with reverse execution over the
// whole history). The file holds the program's identity (path, size and a
// hash of its bytes), argv and envp, the start of history (the guest
// memory image of the first checkpoint, registers, brk), the event logs
// (system calls with the memory they wrote, counter reads, signals) and the
// instruction count at the end. Versioned; a checksum over everything
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
constexpr uint32_t kVersion = 1;
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
  Checkpoint start;  // mem unset: the image below
  struct Region {
    Vma vma;
    std::vector<std::pair<uint64_t, std::string>> pages;  // (page address, bytes); absent = zeros
  };
  std::vector<Region> image;
  std::vector<SyscallEvent> syscalls;
  std::vector<CounterEvent> counters;
  std::vector<SignalEvent> signals;
  uint64_t end = 0;
};

const std::string& Recorder::saved_exe(const Saved& s) { return s.exe_path; }
const std::vector<std::string>& Recorder::saved_argv(const Saved& s) { return s.argv; }
const std::vector<std::string>& Recorder::saved_envp(const Saved& s) { return s.envp; }
uint64_t Recorder::saved_limit(const Saved& s) { return s.limit; }

void Recorder::thread_exiting(Thread& t) {
  std::lock_guard<std::mutex> lock(mutex_);
  if (!active_ || &t != thread_) return;
  exit_icount_ = t.vcpu->icount;
  exited_ = true;
  if (echo_ && !diverged_)
    fprintf(stderr,
            "hart: replay: the process ended at instruction %" PRIu64 " (the recording ended at %" PRIu64
            "%s); %zu system calls, %zu counter reads, %zu signals replayed, no divergence\n",
            exit_icount_, end_, exit_icount_ > end_ ? ", the rest ran live" : "", syscall_pos_, counter_pos_,
            signal_pos_);
}

bool Recorder::save(const Process& p, const std::string& path, std::string* error, std::string* summary) {
  std::lock_guard<std::mutex> lock(mutex_);
  if (!active_ || checkpoints_.empty() || !checkpoints_.front().mem) {
    *error = "nothing recorded (the recording stopped or never started)";
    return false;
  }
  // The end of history: where the recorded thread is (or ended), or the
  // furthest point it ran to if it went back.
  uint64_t end = exited_ ? exit_icount_ : thread_ ? thread_->vcpu->icount : end_;
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
  // The start of history.
  const Checkpoint& ck = checkpoints_.front();
  w.u64(ck.mem->limit());
  w.u64(ck.icount);
  w.bytes(ck.arch, kArchBytes);
  w.u64(ck.res.addr);
  w.u64(ck.res.value);
  w.u32(ck.res.size);
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
  // The logs, up to the end.
  size_t n_sys = 0;
  while (n_sys < syscalls_.size() && syscalls_[n_sys].icount <= end) ++n_sys;
  w.u64(n_sys);
  for (size_t i = 0; i < n_sys; ++i) {
    const SyscallEvent& e = syscalls_[i];
    w.u64(e.icount);
    w.u64(e.nr);
    w.u64(static_cast<uint64_t>(e.ret));
    w.u64(e.blocked);
    w.u64(e.saved_blocked);
    w.u32(e.restore_blocked ? 1 : 0);
    w.u64(e.writes.size());
    for (const auto& [addr, bytes] : e.writes) {
      w.u64(addr);
      w.str(bytes);
    }
  }
  w.u64(counters_.size());
  for (const CounterEvent& c : counters_) {
    w.u32(c.csr);
    w.u64(c.value);
  }
  w.u64(signals_.size());
  for (const SignalEvent& s : signals_) {
    w.u64(s.icount);
    w.bytes(&s.info, sizeof s.info);
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
  char buf[256];
  snprintf(buf, sizeof buf,
           "record: saved %s: instructions %" PRIu64 "..%" PRIu64 ", %zu system calls, %zu counter reads, "
           "%zu signals",
           path.c_str(), ck.icount, end, n_sys, counters_.size(), signals_.size());
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
  s->start.icount = r.u64();
  r.bytes(s->start.arch, kArchBytes);
  s->start.res.addr = r.u64();
  s->start.res.value = r.u64();
  s->start.res.size = r.u32();
  s->start.brk_start = r.u64();
  s->start.brk_cur = r.u64();
  s->start.brk_mapped = r.u64();
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
    SyscallEvent e;
    e.icount = r.u64();
    e.nr = r.u64();
    e.ret = static_cast<int64_t>(r.u64());
    e.blocked = r.u64();
    e.saved_blocked = r.u64();
    e.restore_blocked = r.u32() != 0;
    for (uint64_t k = r.count(); k-- && r.ok();) {
      uint64_t addr = r.u64();
      e.writes.emplace_back(addr, r.str());
    }
    s->syscalls.push_back(std::move(e));
  }
  for (uint64_t n = r.count(); n-- && r.ok();) {
    CounterEvent c;
    c.csr = r.u32();
    c.value = r.u64();
    s->counters.push_back(c);
  }
  for (uint64_t n = r.count(); n-- && r.ok();) {
    SignalEvent e;
    e.icount = r.u64();
    r.bytes(&e.info, sizeof e.info);
    s->signals.push_back(e);
  }
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
  memcpy(static_cast<void*>(&v.state), s.start.arch, kArchBytes);
  v.state.res_addr = s.start.res.addr;
  v.state.res_value = s.start.res.value;
  v.state.res_size = s.start.res.size;
  v.icount = s.start.icount;
  {
    std::lock_guard<std::mutex> lock(p.mutex());
    p.brk_start = s.start.brk_start;
    p.brk_cur = s.start.brk_cur;
    p.brk_mapped = s.start.brk_mapped;
  }
  std::shared_ptr<Recorder> r = start(p, opts, error);
  if (!r) return nullptr;
  r->syscalls_ = s.syscalls;
  r->counters_ = s.counters;
  r->signals_ = s.signals;
  r->replay_ = true;
  r->end_ = s.end;
  r->echo_ = true;
  return r;
}

}  // namespace hart::linux
