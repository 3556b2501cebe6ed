// linux-abi/vfs/proc_dev.cpp — emulated /proc and /dev: what a guest sees where
// the host's files would show hartd instead. /proc is always emulated, with
// or without a root: /proc itself lists the guest's own launch (cpuinfo with
// a riscv64 shape, mounts; meminfo, stat, uptime, loadavg, version,
// filesystems, sys/ and net/ read-only from the host), /proc/self,
// /proc/thread-self and /proc/<pid> of the guest's own launch (status, stat,
// statm, maps and smaps (proc_maps.h), cmdline, environ, comm, auxv, exe,
// cwd, root, personality, wchan, the settings of proc_tunables.h, fd/,
// fdinfo/ (proc_fdinfo.h), ns/ (the host's namespace links), pagemap
// (proc_maps.h) and task/ as listings,
// task/<tid>/{comm,stat,status}); a host process
// (hartd itself included) is never visible. /dev/fd/N and
// /dev/stdin|stdout|stderr are the guest's fds. Inside a root (root_fs.h)
// also /dev (null, zero, full, random, urandom, tty, ptmx and pts/ from the
// host's devices, shm/ as a private folder). Host objects a lookup reaches
// anyway (a symlink or bind mount into the host's procfs, a host /dev/mem)
// are caught after the lookup by what they are (`host_object_blocked`).
// Owns: emulate_path (guest path → AtPath), the generated file contents,
// listings of emulated directories (SynthDir, getdents64). Does not own:
// path lookup outside /proc and /dev (sys_fs.cpp, root_fs.cpp).
#include <dirent.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/magic.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/sysinfo.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <set>

#include "linux-abi/syscalls/sys_util.h"
#include "linux-abi/vfs/proc_fdinfo.h"
#include "linux-abi/vfs/proc_maps.h"
#include "linux-abi/vfs/proc_tunables.h"

namespace hart::linux {

namespace {

// A read-only memfd holding text (for emulated /proc files).
int memfd_with(const std::string& text) {
  int fd = static_cast<int>(syscall(SYS_memfd_create, "hart-proc", MFD_CLOEXEC));
  if (fd < 0) return -errno;
  size_t off = 0;
  while (off < text.size()) {
    ssize_t n = write(fd, text.data() + off, text.size() - off);
    if (n <= 0) {
      int e = errno;
      close(fd);
      return -e;
    }
    off += n;
  }
  lseek(fd, 0, SEEK_SET);
  return fd;
}

std::string join_nul(const std::vector<std::string>& v) {
  std::string out;
  for (const auto& s : v) {
    out += s;
    out += '\0';
  }
  return out;
}

// /proc/<pid>/limits: the process's own rlimits (setrlimit, prlimit, the
// launch's limits), in Linux's table (fs/proc/base.c's names and units, by
// RLIMIT_* number).
struct LimitName {
  const char* name;
  const char* unit;  // nullptr: none
};
constexpr LimitName kLimitNames[16] = {
    {"Max cpu time", "seconds"},      {"Max file size", "bytes"},
    {"Max data size", "bytes"},       {"Max stack size", "bytes"},
    {"Max core file size", "bytes"},  {"Max resident set", "bytes"},
    {"Max processes", "processes"},   {"Max open files", "files"},
    {"Max locked memory", "bytes"},   {"Max address space", "bytes"},
    {"Max file locks", "locks"},      {"Max pending signals", "signals"},
    {"Max msgqueue size", "bytes"},   {"Max nice priority", nullptr},
    {"Max realtime priority", nullptr}, {"Max realtime timeout", "us"},
};

std::string proc_limits(const Process& p) {
  char line[160];
  snprintf(line, sizeof line, "%-25s %-20s %-20s %-10s\n", "Limit", "Soft Limit", "Hard Limit", "Units");
  std::string out = line;
  auto value = [](uint64_t v) { return v == ~uint64_t{0} ? std::string("unlimited") : std::to_string(v); };
  for (int i = 0; i < 16; ++i) {
    snprintf(line, sizeof line, "%-25s %-20s %-20s ", kLimitNames[i].name, value(p.rlimits[i].rlim_cur).c_str(),
             value(p.rlimits[i].rlim_max).c_str());
    out += line;
    if (kLimitNames[i].unit) {
      snprintf(line, sizeof line, "%-10s", kLimitNames[i].unit);
      out += line;
    }
    out += '\n';
  }
  return out;
}

// "S (sleeping)"... for a state letter.
const char* state_name(char c) {
  switch (c) {
    case 'S': return "S (sleeping)";
    case 'T': return "T (stopped)";
    case 'Z': return "Z (zombie)";
    default: return "R (running)";
  }
}

// A process's memory as Linux's task_mem and task_statm count it, in
// bytes: sizes from the VMAs, residency from the host pages behind them
// (mincore). A private file page the guest wrote counts as file, not anon
// (the host does not tell them apart); page tables as one page per 2 MiB
// the mappings touch.
struct MemUsage {
  uint64_t size = 0, locked = 0, rss_anon = 0, rss_file = 0, rss_shmem = 0, data = 0, stack = 0,
           exe = 0, lib = 0, pte = 0, peak = 0, hwm = 0;
  uint64_t rss() const { return rss_anon + rss_file + rss_shmem; }
};

MemUsage mem_usage(Process& p) {
  MemUsage u;
  std::shared_ptr<AddressSpace> as = p.as_ref();
  if (!as) return u;  // a zombie has no memory
  uint64_t exec = 0, last_table = ~uint64_t{0};
  for (const Vma& v : as->vmas()) {
    const uint64_t len = v.end - v.start;
    u.size += len;
    if (v.locked) u.locked += len;
    if (v.grows_down || v.name == "[stack]") u.stack += len;
    else if ((v.prot & PROT_WRITE) && !v.shared) u.data += len;
    if (v.prot & PROT_EXEC) exec += len;
    uint64_t resident = resident_bytes(*as, v);
    struct stat st;
    if (v.host_fd < 0) u.rss_anon += resident;
    else if (v.shared && fstat(v.host_fd, &st) == 0 && st.st_nlink == 0) u.rss_shmem += resident;
    else u.rss_file += resident;
    for (uint64_t t = v.start >> 21; t <= (v.end - 1) >> 21; ++t)
      if (t != last_table) {
        u.pte += kPageSize;
        last_table = t;
      }
  }
  const LoadedProgram& img = p.image();
  u.exe = img.exe.hi > img.exe.lo ? img.exe.hi - img.exe.lo : 0;
  u.lib = exec > u.exe ? exec - u.exe : 0;
  uint64_t peak = p.vm_peak.load(), hwm = p.rss_peak.load();
  while (u.size > peak && !p.vm_peak.compare_exchange_weak(peak, u.size)) {}
  while (u.rss() > hwm && !p.rss_peak.compare_exchange_weak(hwm, u.rss())) {}
  u.peak = std::max(peak, u.size);
  u.hwm = std::max(hwm, u.rss());
  return u;
}

// A thread's CPUs (Thread::affinity) as Linux prints a cpumask: hex
// ("%*pb", 32-bit groups joined by commas) or ranges ("%*pbl"), over the
// host's possible CPUs.
std::string cpus_allowed(const cpu_set_t& set, bool list) {
  int nbits = std::max(1, std::min<int>(get_nprocs_conf(), CPU_SETSIZE));
  std::string out;
  if (list) {
    for (int i = 0; i < nbits; ++i) {
      if (!CPU_ISSET(i, &set)) continue;
      int j = i;
      while (j + 1 < nbits && CPU_ISSET(j + 1, &set)) ++j;
      out += (out.empty() ? "" : ",") + std::to_string(i) + (j > i ? "-" + std::to_string(j) : "");
      i = j;
    }
    return out;
  }
  for (int hi = (nbits - 1) / 32; hi >= 0; --hi) {
    uint32_t word = 0;
    for (int b = 0; b < 32 && hi * 32 + b < nbits; ++b)
      if (CPU_ISSET(hi * 32 + b, &set)) word |= 1u << b;
    int digits = hi == (nbits - 1) / 32 ? ((nbits - 1) % 32) / 4 + 1 : 8;
    char g[16];
    snprintf(g, sizeof g, "%s%0*x", out.empty() ? "" : ",", digits, word);
    out += g;
  }
  return out;
}

// /proc/<pid>/status: riscv64 Linux 6.12's lines, of thread tid
// (/proc/<pid>/status: the leader's, tid = pid). One namespace level (NS*
// as the plain ids); no swap, hugetlb, speculation controls (riscv64 has
// none: "unknown") or seccomp filters.
std::string proc_status(Process& p, int tid) {
  Process::Info in = p.info();
  uint64_t pend = 0, shd, blk = 0, ign = 0, cgt = 0, queued = 0;
  cpu_set_t cpus = hartd_cpus();
  int host_tid = 0;
  {
    std::lock_guard<std::mutex> lock(p.mutex());
    if (Vcpu* v = p.thread_by_tid(tid)) {
      cpus = Process::thread_of(*v).affinity;
      if (Process::thread_of(*v).running) host_tid = Process::thread_of(*v).host_tid.load(std::memory_order_relaxed);
      ThreadSignals& ts = p.thread_signals(*v);
      pend = ts.pending.mask();
      blk = ts.blocked;
    }
    shd = p.signals.shared.mask();
    // SigQ: the queued signals RLIMIT_SIGPENDING counts (per process here,
    // per user on Linux).
    queued = p.signals.shared.queued();
    p.for_each_thread([&](Vcpu&, ThreadSignals& ts) { queued += ts.pending.queued(); });
    for (int s = 1; s <= kGuestNSig; ++s) {
      uint64_t h = p.signals.action[s].handler;
      if (h == kSigIgn) ign |= sig_bit(s);
      else if (h != kSigDfl) cgt |= sig_bit(s);
    }
  }
  MemUsage m = mem_usage(p);
  auto kb = [](uint64_t bytes) { return (unsigned long)(bytes / 1024); };
  Credentials c = p.creds();  // Uid/Gid/Groups/Cap* lines
  // The context switches of the host thread running the guest thread (its
  // sleeps in system calls, and hart's own waits on its behalf).
  unsigned long vcsw = 0, nvcsw = 0;
  if (host_tid > 0) {
    std::ifstream hs("/proc/self/task/" + std::to_string(host_tid) + "/status");
    for (std::string line; std::getline(hs, line);) {
      if (line.rfind("voluntary_ctxt_switches:", 0) == 0) vcsw = std::strtoul(line.c_str() + 24, nullptr, 10);
      if (line.rfind("nonvoluntary_ctxt_switches:", 0) == 0) nvcsw = std::strtoul(line.c_str() + 27, nullptr, 10);
    }
  }
  std::string name;  // the thread's name, newline and backslash escaped
  for (char ch : p.thread_comm(tid)) name += ch == '\n' ? "\\n" : ch == '\\' ? "\\\\" : std::string(1, ch);
  std::string groups;
  for (uint32_t g : c.groups) groups += std::to_string(g) + " ";
  if (groups.empty()) groups = " ";  // Linux ends the list with a space, even an empty one
  std::string buf(2048 + groups.size(), '\0');
  int len = snprintf(buf.data(), buf.size(),
           "Name:\t%s\nUmask:\t%04o\nState:\t%s\nTgid:\t%d\nNgid:\t0\nPid:\t%d\n"
           "PPid:\t%d\nTracerPid:\t0\nUid:\t%u\t%u\t%u\t%u\nGid:\t%u\t%u\t%u\t%u\n"
           "FDSize:\t%d\nGroups:\t%s\nNStgid:\t%d\nNSpid:\t%d\nNSpgid:\t%d\nNSsid:\t%d\n"
           "Kthread:\t0\nVmPeak:\t%8lu kB\nVmSize:\t%8lu kB\nVmLck:\t%8lu kB\nVmPin:\t       0 kB\n"
           "VmHWM:\t%8lu kB\nVmRSS:\t%8lu kB\nRssAnon:\t%8lu kB\nRssFile:\t%8lu kB\n"
           "RssShmem:\t%8lu kB\nVmData:\t%8lu kB\nVmStk:\t%8lu kB\nVmExe:\t%8lu kB\n"
           "VmLib:\t%8lu kB\nVmPTE:\t%8lu kB\nVmSwap:\t       0 kB\nHugetlbPages:\t       0 kB\n"
           "CoreDumping:\t0\nTHP_enabled:\t%d\n"
           "Threads:\t%d\nSigQ:\t%lu/%lu\nSigPnd:\t%016lx\nShdPnd:\t%016lx\n"
           "SigBlk:\t%016lx\nSigIgn:\t%016lx\nSigCgt:\t%016lx\nCapInh:\t%016lx\n"
           "CapPrm:\t%016lx\nCapEff:\t%016lx\nCapBnd:\t%016lx\nCapAmb:\t%016lx\nNoNewPrivs:\t%d\n"
           "Seccomp:\t0\nSeccomp_filters:\t0\nSpeculation_Store_Bypass:\tunknown\n"
           "SpeculationIndirectBranch:\tunknown\nCpus_allowed:\t%s\nCpus_allowed_list:\t%s\n"
           "Mems_allowed:\t1\nMems_allowed_list:\t0\n"
           "voluntary_ctxt_switches:\t%lu\nnonvoluntary_ctxt_switches:\t%lu\n",
           name.c_str(), p.umask(), state_name(p.state_letter(tid == p.pid() ? 0 : tid)), p.pid(), tid, in.ppid ? in.ppid : kGuestPpid, c.ruid, c.euid,
           c.suid, c.fsuid, c.rgid, c.egid, c.sgid, c.fsgid, 64, groups.c_str(), p.pid(), tid,
           p.group_id(), p.sid, kb(m.peak), kb(m.size), kb(m.locked), kb(m.hwm), kb(m.rss()),
           kb(m.rss_anon), kb(m.rss_file), kb(m.rss_shmem), kb(m.data), kb(m.stack), kb(m.exe),
           kb(m.lib), kb(m.pte), p.thp_disable.load() ? 0 : 1, in.threads, (unsigned long)queued,
           (unsigned long)p.rlimits[RLIMIT_SIGPENDING].rlim_cur, (unsigned long)pend,
           (unsigned long)shd, (unsigned long)blk, (unsigned long)ign, (unsigned long)cgt,
           (unsigned long)c.cap_inh, (unsigned long)c.cap_prm, (unsigned long)c.cap_eff,
           (unsigned long)c.cap_bnd, (unsigned long)c.cap_amb, p.no_new_privs.load() ? 1 : 0,
           cpus_allowed(cpus, false).c_str(), cpus_allowed(cpus, true).c_str(), vcsw, nvcsw);
  buf.resize(len > 0 ? std::min<size_t>(static_cast<size_t>(len), buf.size() - 1) : 0);
  return buf;
}

// /proc/<pid>/stat: the 52 fields of Linux's do_task_stat (unknown ones 0).
std::string proc_stat(Process& p, int tid) {
  Process::Info in = p.info();
  uint64_t ticks = in.cpu_ns / 10000000;  // USER_HZ = 100
  const StackLayout& st = p.stack();
  MemUsage m = mem_usage(p);
  char buf[1024];
  snprintf(buf, sizeof buf,
           "%d (%s) %c %d %d %d 0 -1 4194304 0 0 0 0 %lu 0 0 0 20 0 %d 0 0 %lu %lu %lu %lu %lu "
           "%lu %lu 0 0 0 0 0 0 0 0 17 0 0 0 0 0 0 %lu %lu %lu %lu %lu %lu %lu 0\n",
           tid, p.thread_comm(tid).c_str(), p.state_letter(tid == p.pid() ? 0 : tid), in.ppid ? in.ppid : kGuestPpid,
           p.group_id(), p.sid,
           (unsigned long)ticks,
           in.threads, (unsigned long)m.size, (unsigned long)(m.rss() / kPageSize),
           (unsigned long)RLIM_INFINITY, (unsigned long)p.image().exe.lo,
           (unsigned long)p.brk_start, (unsigned long)st.sp, (unsigned long)st.sp,
           (unsigned long)p.brk_start, (unsigned long)p.brk_start, (unsigned long)p.brk_cur,
           (unsigned long)st.args_start, (unsigned long)st.args_end,
           (unsigned long)st.env_start, (unsigned long)st.env_end);
  return buf;
}

// /proc/<pid>/statm: size resident shared text lib data dt, in pages
// (shared: the file and shmem part of resident; data: data and stack).
std::string proc_statm(Process& p) {
  MemUsage m = mem_usage(p);
  auto pg = [](uint64_t bytes) { return (unsigned long)(bytes / kPageSize); };
  char buf[128];
  snprintf(buf, sizeof buf, "%lu %lu %lu %lu 0 %lu 0\n", pg(m.size), pg(m.rss()),
           pg(m.rss_file + m.rss_shmem), pg(m.exe), pg(m.data + m.stack));
  return buf;
}

// /proc/<pid>/mem: the guest's memory at offset = guest address, read and
// written as a debugger would (ptrace access: a write may change read-only
// pages, as Linux's FOLL_FORCE does); unmapped addresses give EIO.
struct MemFile : EmuFile {
  std::weak_ptr<Process> t;
  int64_t pread(uint8_t* buf, uint64_t len, uint64_t off) override {
    return transfer(buf, len, off, false);
  }
  int64_t pwrite(const uint8_t* buf, uint64_t len, uint64_t off) override {
    return transfer(const_cast<uint8_t*>(buf), len, off, true);
  }
  int64_t transfer(uint8_t* buf, uint64_t len, uint64_t off, bool write) {
    std::shared_ptr<Process> p = t.lock();
    std::shared_ptr<AddressSpace> asp = p ? p->as_if_alive() : nullptr;
    if (!asp) return 0;  // the mm is gone: Linux reads 0 bytes
    AddressSpace& as = *asp;
    uint64_t done = 0;
    while (done < len) {
      uint64_t a = off + done;
      uint64_t chunk = std::min<uint64_t>(len - done, kPageSize - (a & (kPageSize - 1)));
      if (a < off) break;  // wrapped
      bool ok = write ? as.poke(a, buf + done, chunk) : as.peek(a, buf + done, chunk);
      if (!ok) break;
      done += chunk;
    }
    return done ? static_cast<int64_t>(done) : -EIO;
  }
};

// The isa line names what the hart implements, in the order Linux prints
// its riscv_isa_ext table (single letters, then Z* by category, then S*),
// as riscv_hwprobe reports it (sys_riscv.cpp; tests/guest/isa/hwprobe.c
// checks the two agree): no zihpm (no hpmcounter3..31 are readable), ssnpm
// for Supm as the kernel shows it.
std::string cpuinfo() {
  long n = sysconf(_SC_NPROCESSORS_ONLN);
  if (n < 1) n = 1;
  std::string out;
  for (long i = 0; i < n; ++i) {
    char buf[1024];
    snprintf(buf, sizeof buf,
             "processor\t: %ld\nhart\t\t: %ld\nisa\t\t: rv64imafdcv_zicbom_zicbop_zicboz_zicntr_zicond_zicsr_zifencei_zihintntl_zihintpause_zimop_zaamo_zabha_zacas_zalrsc_zawrs_zfa_zfh_zfhmin_zca_zcb_zcd_zcmop_zba_zbb_zbc_zbkc_zbs_zkt"
             "_zvbb_zvbc_zve32f_zve32x_zve64d_zve64f_zve64x_zvfh_zvfhmin_zvkb_zvkg_zvkned_zvknha_zvknhb_zvkt_ssnpm\n"
             "mmu\t\t: sv39\nuarch\t\t: hartd\nmvendorid\t: 0x0\nmarchid\t\t: 0x0\n"
             "mimpid\t\t: 0x0\n\n",
             i, i);
    out += buf;
  }
  return out;
}

std::vector<int> tids_of(Process& t) {
  std::vector<int> out;
  std::lock_guard<std::mutex> lock(t.mutex());
  t.for_each_thread([&](Vcpu& v, ThreadSignals&) { out.push_back(Process::thread_of(v).tid); });
  return out;
}

bool is_number(const std::string& s) {
  return !s.empty() && s.size() <= 9 && s.find_first_not_of("0123456789") == std::string::npos;
}

// The host directory behind an emulated one (for stat and fstat).
std::string backing_dir(Process& p) { return p.root() ? p.root()->host_path() : "/"; }

void set_synth(Process& p, AtPath* out, const std::string& guest_path,
               std::vector<SynthDir::Entry> entries, const std::string& stat_path = "") {
  auto d = std::make_shared<SynthDir>();
  d->guest_path = guest_path;
  d->entries = std::move(entries);
  out->synth = d;
  out->host_only = true;
  out->dirfd = AT_FDCWD;
  out->path = stat_path.empty() ? backing_dir(p) : stat_path;
}

void set_file(AtPath* out, const std::string& stat_path,
              std::function<int(const Vcpu&, int64_t)> open) {
  out->dirfd = AT_FDCWD;
  out->path = stat_path;
  out->host_only = true;
  out->open_emulated = std::move(open);
}

// A generated file opened for writing, which only CAP_DAC_OVERRIDE may do
// (Linux's files here are 0444 or 0400): reads give the text, writes
// EINVAL (procfs has no write for them), ftruncate and O_TRUNC succeed
// without effect, as on Linux.
struct TextFile : EmuFile {
  std::string text;
  int64_t pread(uint8_t* buf, uint64_t len, uint64_t off) override { return read_text(text, buf, len, off); }
  int64_t pwrite(const uint8_t*, uint64_t, uint64_t) override { return -EINVAL; }
};

// A generated file as the guest opened it: read-only, a descriptor of a
// memfd holding the text (so write fails as on Linux, and F_GETFL shows the
// guest's flags), with its O_NONBLOCK and O_APPEND; for writing, a TextFile.
void set_text(AtPath* out, const std::string& stat_path, std::function<std::string()> gen) {
  out->dirfd = AT_FDCWD;
  out->path = stat_path;
  out->host_only = true;
  out->open_emu = [gen](int64_t flags, std::shared_ptr<HostFd>* file) {
    if ((flags & O_ACCMODE) != O_RDONLY) {
      Thread* me = current_thread();
      if (!me || !me->cred.capable(kCapDacOverride)) return -EACCES;
      auto f = std::make_shared<TextFile>();
      f->text = gen();
      return open_emu_file(std::move(f), flags, file);
    }
    int fd = memfd_with(gen());
    if (fd < 0) return fd;
    std::string self = "/proc/self/fd/" + std::to_string(fd);
    int ro = open(self.c_str(), O_RDONLY | O_CLOEXEC | static_cast<int>(flags & (O_NONBLOCK | O_APPEND)));
    int e = errno;
    close(fd);
    if (ro < 0) return -e;
    *file = std::make_shared<HostFd>(ro);
    return 0;
  };
}

void set_host(AtPath* out, const std::string& host) {
  out->dirfd = AT_FDCWD;
  out->path = host;
}

int open_host(const std::string& path, int64_t flags);

// A host /proc file shown inside a root: readable, never writable (the
// guest must not tune the host's kernel through /proc/sys).
void set_host_ro(AtPath* out, const std::string& host) {
  set_host(out, host);
  out->host_only = true;
  out->open_emulated = [host](const Vcpu&, int64_t flags) {
    if ((flags & O_ACCMODE) != O_RDONLY || (flags & (O_CREAT | O_TRUNC))) return -EACCES;
    return open_host(host, flags);
  };
}

int open_host(const std::string& path, int64_t flags) {
  int fd = open(path.c_str(), static_cast<int>(flags & ~O_CREAT) | O_CLOEXEC);
  return fd < 0 ? -errno : fd;
}

// Guest fd n of t as an AtPath.
int emulate_fd(Process& t, int n, AtPath* out) {
  out->keep2 = t.fds().get(n);
  if (!out->keep2) return -ENOENT;
  int hfd = out->keep2->fd();
  set_host(out, "/proc/self/fd/" + std::to_string(hfd));
  out->has_link = true;
  out->link = guest_link_of(t, hfd);
  if (SynthDir* d = out->keep2->synth()) out->link = d->guest_path;
  auto keep = out->keep2;
  if (SynthDir* d = keep->synth()) {  // reopening an emulated directory: a new listing of it
    auto copy = std::make_shared<SynthDir>();
    copy->guest_path = d->guest_path;
    copy->entries = d->entries;
    copy->fill = d->fill;
    copy->is_pid_dir = d->is_pid_dir;
    copy->pid_dir = d->pid_dir;
    out->synth = copy;
    out->host_only = true;
    return 0;
  }
  if (keep->emu()) {
    out->open_emu = [](int64_t, std::shared_ptr<HostFd>*) { return -EACCES; };
    return 0;
  }
  out->open_emulated = [keep](const Vcpu&, int64_t flags) {
    return open_host("/proc/self/fd/" + std::to_string(keep->fd()), flags);
  };
  return 0;
}

// The lookup goes on from `from` (none: rest is absolute) with rest
// (AtPath::via). 0.
int go_on_from(std::shared_ptr<HostFd> from, std::string rest, AtPath* out) {
  out->via = true;
  out->via_fd = std::move(from);
  out->via_rest = std::move(rest);
  return 0;
}

// Guest fd n of t followed by more of a path ("N/REST"): REST is looked up
// from that fd's file (AtPath::via). 1 if text is not of that form.
int emulate_fd_path(Process& t, const std::string& text, AtPath* out) {
  const size_t slash = text.find('/');
  if (slash == std::string::npos || !is_number(text.substr(0, slash))) return 1;
  std::shared_ptr<HostFd> f = t.fds().get(std::stoi(text.substr(0, slash)));
  if (!f) return -ENOENT;
  return go_on_from(std::move(f), text.substr(slash + 1), out);
}

// /proc/<pid>/ns and its links. Guests are in hartd's namespaces as far as
// the host kernel goes, and hart emulates no namespace of its own that a
// guest could enter or leave (setns and unshare of them are refused), so
// each link is the host's: "ipc:[4026531839]", the same for every guest and
// every launch; stat follows it to the host's namespace file (nsfs, that
// inode), open gives that file (an fd setns refuses, ioctl does not serve).
// The names Linux 6.x lists, in its order.
int emulate_ns(Process& p, const std::string& dir, const std::string& tail, AtPath* out) {
  static const char* const kNs[] = {"cgroup", "ipc",  "mnt",               "net",  "pid",
                                    "pid_for_children", "time", "time_for_children", "user", "uts"};
  if (tail.empty()) {
    std::vector<SynthDir::Entry> e;
    for (const char* n : kNs) e.push_back({n, DT_LNK});
    set_synth(p, out, dir + "/ns", std::move(e), "/proc/self/ns");
    return 0;
  }
  if (std::find(std::begin(kNs), std::end(kNs), tail) == std::end(kNs)) return -ENOENT;
  std::string host = "/proc/self/ns/" + tail;
  char buf[64];
  ssize_t n = readlink(host.c_str(), buf, sizeof buf);
  if (n <= 0) return -ENOENT;  // a host kernel without that namespace
  set_host(out, host);
  out->host_only = true;
  out->has_link = true;
  out->link.assign(buf, n);
  out->open_emulated = [host](const Vcpu&, int64_t flags) { return open_host(host, flags); };
  return 0;
}

// /proc/<pid>/<rest> for a process t of the guest's launch.
int emulate_pid(Process& p, std::shared_ptr<Process> t, const std::string& dir,
                const std::string& rest, bool in_root, AtPath* out) {
  Process& tp = *t;
  // oom_score_adj, loginuid... (proc_tunables.h) of thread tid; stat shows
  // a host file of the same kind.
  auto tunable = [&](const std::string& name, int tid) {
    out->dirfd = AT_FDCWD;
    out->path = "/proc/self/" + name;
    out->host_only = true;
    bool other_launch = &p.tree() != &tp.tree();
    out->open_emu = [t, tid, name, other_launch](int64_t flags, std::shared_ptr<HostFd>* file) {
      return open_proc_tunable(t, tid, name, flags, other_launch, file);
    };
    return 0;
  };
  if (rest.empty()) {
    set_synth(p, out, dir,
              {{"auxv", DT_REG}, {"cmdline", DT_REG}, {"comm", DT_REG}, {"cwd", DT_LNK},
               {"environ", DT_REG}, {"exe", DT_LNK}, {"fd", DT_DIR}, {"fdinfo", DT_DIR}, {"maps", DT_REG},
               {"mem", DT_REG}, {"net", DT_LNK}, {"limits", DT_REG}, {"io", DT_REG},
               {"cgroup", DT_REG}, {"loginuid", DT_REG}, {"sessionid", DT_REG},
               {"coredump_filter", DT_REG}, {"timerslack_ns", DT_REG},
               {"mountinfo", DT_REG}, {"mounts", DT_REG}, {"oom_score_adj", DT_REG},
               {"root", DT_LNK}, {"stat", DT_REG}, {"statm", DT_REG}, {"status", DT_REG},
               {"task", DT_DIR}, {"smaps", DT_REG}, {"smaps_rollup", DT_REG},
               {"personality", DT_REG}, {"wchan", DT_REG}, {"ns", DT_DIR}, {"pagemap", DT_REG}},
              "/proc/self/");
    out->synth->is_pid_dir = true;
    out->synth->pid_dir = t;
    return 0;
  }
  std::string first = rest.substr(0, rest.find('/'));
  std::string tail = rest.size() > first.size() ? rest.substr(first.size() + 1) : "";
  // A process of another launch (listed with proc_view "owner") is as one
  // that ptrace may not access on Linux: what needs that access answers
  // EACCES (its memory, environment, fds, directories, maps).
  static const std::set<std::string> kNeedsPtrace = {
      "auxv", "cwd", "environ", "exe", "fd", "fdinfo", "io", "maps", "mem", "personality",
      "root", "smaps", "smaps_rollup", "ns", "pagemap"};
  if (&p.tree() != &tp.tree() && kNeedsPtrace.count(first)) return -EACCES;
  if (first == "ns") return emulate_ns(p, dir, tail, out);
  if (first == "fd") {
    if (tail.empty()) {
      set_synth(p, out, dir + "/fd", {}, "/proc/self/fd");
      out->synth->fill = [t] {
        std::vector<SynthDir::Entry> e;
        for (int fd : t->fds().open_fds()) e.push_back({std::to_string(fd), DT_LNK});
        return e;
      };
      return 0;
    }
    if (int r = emulate_fd_path(tp, tail, out); r <= 0) return r;
    if (!is_number(tail)) return -ENOENT;
    return emulate_fd(tp, std::stoi(tail), out);
  }
  if (first == "fdinfo") {
    if (tail.empty()) {
      set_synth(p, out, dir + "/fdinfo", {}, "/proc/self/fdinfo");
      out->synth->fill = [t] {
        std::vector<SynthDir::Entry> e;
        for (int fd : t->fds().open_fds()) e.push_back({std::to_string(fd), DT_REG});
        return e;
      };
      return 0;
    }
    if (!is_number(tail) || !tp.fds().get(std::stoi(tail))) return -ENOENT;
    int fd = std::stoi(tail);
    set_text(out, "/proc/self/fdinfo/" + std::to_string(tp.fds().host(fd)), [t, fd] {
      std::string text;
      proc_fdinfo(*t, fd, &text);  // an fd closed since the lookup: empty
      return text;
    });
    return 0;
  }
  if (first == "task") {
    std::vector<int> tids = tids_of(tp);
    if (tail.empty()) {
      std::vector<SynthDir::Entry> e;
      for (int tid : tids) e.push_back({std::to_string(tid), DT_DIR});
      set_synth(p, out, dir + "/task", std::move(e), "/proc/self/task");
      return 0;
    }
    std::string ts = tail.substr(0, tail.find('/'));
    std::string what = tail.size() > ts.size() ? tail.substr(ts.size() + 1) : "";
    if (!is_number(ts)) return -ENOENT;
    int tid = std::stoi(ts);
    bool found = false;
    for (int x : tids) found |= x == tid;
    if (!found) return -ENOENT;
    // What a thread's directory shares with its process's (Linux's
    // tid_base_stuff): served by the process's entries.
    static const std::set<std::string> kShared = {
        "auxv", "cgroup", "cmdline", "cwd", "environ", "exe", "fd", "fdinfo", "io", "limits", "maps",
        "mem", "mountinfo", "mounts", "net", "oom_score_adj", "personality", "root", "smaps",
        "smaps_rollup", "wchan", "ns", "pagemap"};
    if (what.empty()) {
      std::vector<SynthDir::Entry> e = {{"comm", DT_REG}, {"loginuid", DT_REG},
                                        {"sessionid", DT_REG}, {"stat", DT_REG},
                                        {"status", DT_REG}};
      for (const std::string& n : kShared)
        e.push_back({n, n == "fd" || n == "fdinfo" || n == "ns" ? DT_DIR : n == "cwd" || n == "exe" || n == "root" || n == "net" ? DT_LNK : DT_REG});
      set_synth(p, out, dir + "/task/" + ts, std::move(e), "/proc/thread-self/");
      return 0;
    }
    if (kShared.count(what.substr(0, what.find('/'))))
      return emulate_pid(p, t, dir + "/task/" + ts, what, in_root, out);
    if (is_proc_tunable(what, true)) return tunable(what, tid);
    if (what == "stat") {
      set_text(out, "/proc/thread-self/stat", [t, tid] { return proc_stat(*t, tid); });
      return 0;
    }
    if (what == "status") {
      set_text(out, "/proc/thread-self/status", [t, tid] { return proc_status(*t, tid); });
      return 0;
    }
    return -ENOENT;
  }
  if (first == "net") {  // the network namespace is the host's: read-only
    set_host_ro(out, "/proc/self/net" + (tail.empty() ? "" : "/" + tail));
    return 0;
  }
  // On through a link to another file: from the cwd, from the root (the
  // rest an absolute path), and never through the program's file.
  if (!tail.empty() && first == "cwd") {
    std::shared_ptr<HostFd> cwd = tp.cwd();
    return cwd ? go_on_from(std::move(cwd), tail, out) : -ENOENT;
  }
  if (!tail.empty() && first == "root") return go_on_from(nullptr, "/" + tail, out);
  if (!tail.empty() && first == "exe") return -ENOTDIR;
  if (!tail.empty()) return -ENOENT;
  if (first == "exe") {
    std::string exe = tp.exe_path();
    set_file(out, exe, [exe](const Vcpu&, int64_t flags) { return open_host(exe, flags); });
    out->has_link = true;
    // The guest's path: inside the root (-R) or the sysroot (-L), without
    // the host's folders around it.
    out->link = exe;
    if (std::string g = guest_path_of_host(p, exe); !g.empty()) out->link = g;
    return 0;
  }
  if (first == "cwd") {
    out->has_link = true;
    out->link = host_named_cwd(tp);
    if (out->link.empty()) out->link = guest_path_of_fd(tp, tp.cwd_fd());
    set_host(out, "/proc/self/fd/" + std::to_string(tp.cwd_fd()));
    return 0;
  }
  if (first == "root") {
    out->has_link = true;
    out->link = "/";
    set_host(out, backing_dir(p));
    return 0;
  }
  if (first == "status") {
    set_text(out, "/proc/self/status", [t] { return proc_status(*t, t->pid()); });
    return 0;
  }
  auto text = [&](std::function<std::string()> gen) {
    set_text(out, "/proc/self/" + first, std::move(gen));
    return 0;
  };
  if (first == "stat") return text([t] { return proc_stat(*t, t->pid()); });
  if (first == "maps") return text([t] { return proc_maps(*t); });
  if (first == "smaps") return text([t] { return proc_smaps(*t, false); });
  if (first == "smaps_rollup") return text([t] { return proc_smaps(*t, true); });
  if (first == "personality") {
    return text([t] {
      char buf[16];
      snprintf(buf, sizeof buf, "%08x\n", personality_of(t->pid()));
      return std::string(buf);
    });
  }
  // Where the task sleeps: "0" as for a running one (hart names no kernel
  // functions).
  if (first == "wchan") return text([] { return std::string("0"); });
  if (first == "limits") return text([t] { return proc_limits(*t); });
  if (first == "io") {
    return text([t] {
      char buf[256];
      snprintf(buf, sizeof buf,
               "rchar: %lu\nwchar: %lu\nsyscr: %lu\nsyscw: %lu\nread_bytes: 0\nwrite_bytes: 0\n"
               "cancelled_write_bytes: 0\n",
               (unsigned long)t->io.rchar.load(), (unsigned long)t->io.wchar.load(),
               (unsigned long)t->io.syscr.load(), (unsigned long)t->io.syscw.load());
      return std::string(buf);
    });
  }
  if (first == "cmdline") return text([t] { return join_nul(t->argv()); });
  if (first == "environ") return text([t] { return join_nul(t->envp()); });
  if (first == "auxv") {
    return text([t] { return t->stack().auxv_bytes(); });
  }
  if (first == "statm") return text([t] { return proc_statm(*t); });
  if (first == "mounts" || first == "mountinfo") {
    if (!in_root) {  // the guest sees the host's file system: its mounts
      set_host_ro(out, "/proc/self/" + first);
      return 0;
    }
    // The root and the emulated /proc, in both formats (Linux's rootfs
    // line names the device "rootfs").
    return text([first] {
      return first == "mounts" ? std::string("rootfs / rootfs rw 0 0\nproc /proc proc rw 0 0\n")
                               : std::string("1 0 0:1 / / rw - rootfs rootfs rw\n"
                                             "2 1 0:2 / /proc rw - proc proc rw\n");
    });
  }
  if (first == "mem") {
    out->dirfd = AT_FDCWD;
    out->path = "/proc/self/mem";  // stat: a host file of the same kind
    out->host_only = true;
    out->open_emu = [t](int64_t flags, std::shared_ptr<HostFd>* file) {
      auto f = std::make_shared<MemFile>();
      f->t = t;
      return open_emu_file(std::move(f), flags, file);
    };
    return 0;
  }
  if (first == "pagemap") {
    out->dirfd = AT_FDCWD;
    out->path = "/proc/self/pagemap";  // stat: a host file of the same kind
    out->host_only = true;
    out->open_emu = [t](int64_t flags, std::shared_ptr<HostFd>* file) {
      return open_emu_file(proc_pagemap_file(t), flags, file);
    };
    return 0;
  }
  if (is_proc_tunable(first, false)) return tunable(first, tp.pid());
  // The guest's cgroup is the root of its own hierarchy, as in a cgroup
  // namespace: hartd's place in the host's cgroups is not the guest's to see.
  if (first == "cgroup") return text([] { return std::string("0::/\n"); });
  return -ENOENT;
}

}  // namespace

bool is_generated_proc_file(int host_fd) {
  char buf[64];
  std::string link = "/proc/self/fd/" + std::to_string(host_fd);
  ssize_t n = readlink(link.c_str(), buf, sizeof buf);
  static const char kName[] = "/memfd:hart-proc (deleted)";
  return n == sizeof kName - 1 && memcmp(buf, kName, n) == 0;
}

std::string host_link_of(int host_fd) {
  char buf[PATH_MAX];
  std::string link = "/proc/self/fd/" + std::to_string(host_fd);
  ssize_t n = readlink(link.c_str(), buf, sizeof buf);
  return n < 0 ? "" : std::string(buf, n);
}

std::string guest_link_of(const Process& p, int host_fd) {
  std::string g = guest_path_of_fd(p, host_fd);
  return g.empty() ? host_link_of(host_fd) : g;
}

std::string host_named_cwd(const Process& p) {
  std::shared_ptr<HostFd> dir = p.cwd();
  return !dir || dir->fd() < 0 || !dir->host_named ? "" : host_link_of(dir->fd());
}

bool is_proc_self(const Process& p, const std::string& path, const char* what) {
  std::string w = what;
  return path == "/proc/self/" + w || path == "/proc/" + std::to_string(p.pid()) + "/" + w ||
         path == "/proc/thread-self/" + w;
}

int emulate_path(Process& p, const std::string& norm, bool in_root, AtPath* out) {
  auto starts = [&](const char* pre) {
    size_t n = strlen(pre);
    return norm.compare(0, n, pre) == 0 && (norm.size() == n || norm[n] == '/');
  };
  if (starts("/dev/fd")) {
    std::string rest = norm.size() > 7 ? norm.substr(8) : "";
    if (rest.empty()) {
      return emulate_pid(p, p.shared_from_this(), "/proc/" + std::to_string(p.pid()), "fd", in_root,
                         out);
    }
    if (int r = emulate_fd_path(p, rest, out); r <= 0) return r;
    if (!is_number(rest)) return -ENOENT;
    return emulate_fd(p, std::stoi(rest), out);
  }
  const char* const std_names[] = {"stdin", "stdout", "stderr"};
  for (int i = 0; i < 3; ++i)
    if (norm == std::string("/dev/") + std_names[i]) {
      int r = emulate_fd(p, i, out);
      out->link = "/proc/self/fd/" + std::to_string(i);
      return r;
    }
  if (starts("/proc")) {
    std::string rest = norm.size() > 5 ? norm.substr(6) : "";
    std::string first = rest.substr(0, rest.find('/'));
    std::string tail = rest.size() > first.size() ? rest.substr(first.size() + 1) : "";
    std::shared_ptr<Process> t;
    std::string dir = "/proc/" + first;
    if (first == "self" || first == "thread-self") {
      t = p.shared_from_this();
      // What the symlink resolves to (getcwd() after a chdir through it
      // shows that): <pid>, and <pid>/task/<tid> for the calling thread
      // (self when hartd itself looks the path up).
      std::string target = std::to_string(p.pid());
      Vcpu* v = Vcpu::current();
      int tid_n = 0;
      if (first == "thread-self" && v) {
        std::lock_guard<std::mutex> lock(p.mutex());
        int tid = Process::thread_of(*v).tid;
        if (p.thread_by_tid(tid) == v) tid_n = tid;
      }
      if (tid_n) {
        std::string tid = std::to_string(tid_n);
        target += "/task/" + tid;
        tail = "task/" + tid + (tail.empty() ? "" : "/" + tail);
      }
      dir = "/proc/" + std::to_string(p.pid());
      if (rest == first) {
        out->has_link = true;
        out->link = target;
      }
    } else if (is_number(first)) {
      t = Process::find_visible(std::stoi(first), p);
      if (!t) return -ENOENT;  // never a host process, never hartd
    }
    if (t) return emulate_pid(p, t, dir, tail, in_root, out);
    if (first.empty()) {
      std::vector<SynthDir::Entry> e = {
          {"cpuinfo", DT_REG}, {"filesystems", DT_REG}, {"loadavg", DT_REG},
          {"meminfo", DT_REG}, {"mounts", DT_LNK},      {"net", DT_LNK},
          {"self", DT_LNK},    {"stat", DT_REG},        {"sys", DT_DIR},
          {"thread-self", DT_LNK}, {"uptime", DT_REG},  {"version", DT_REG}};
      for (auto& m : Process::visible_to(p)) e.push_back({std::to_string(m->pid()), DT_DIR});
      set_synth(p, out, "/proc", std::move(e), "/proc");
      return 0;
    }
    if (first == "cpuinfo" && tail.empty()) {
      set_text(out, "/proc/cpuinfo", cpuinfo);
      return 0;
    }
    if (first == "mounts" && tail.empty())
      return emulate_pid(p, p.shared_from_this(), "/proc/self", "mounts", in_root, out);
    for (const char* f : {"meminfo", "stat", "uptime", "loadavg", "version", "filesystems"})
      if (first == f && tail.empty()) {
        set_host_ro(out, "/proc/" + first);
        return 0;
      }
    if (first == "sys" || first == "net") {  // read-only views of the host's
      set_host_ro(out, norm);
      return 0;
    }
    return -ENOENT;
  }
  if (!in_root || !starts("/dev")) return 1;
  std::string rest = norm.size() > 4 ? norm.substr(5) : "";
  if (rest.empty()) {
    set_synth(p, out, "/dev",
              {{"fd", DT_LNK},      {"full", DT_CHR},   {"null", DT_CHR},   {"ptmx", DT_CHR},
               {"pts", DT_DIR},     {"random", DT_CHR}, {"shm", DT_DIR},    {"stderr", DT_LNK},
               {"stdin", DT_LNK},   {"stdout", DT_LNK}, {"tty", DT_CHR},    {"urandom", DT_CHR},
               {"zero", DT_CHR}});
    return 0;
  }
  for (const char* d : {"null", "zero", "full", "random", "urandom", "tty", "ptmx"})
    if (rest == d) {
      std::string host = "/dev/" + rest;
      set_file(out, host, [host](const Vcpu&, int64_t flags) { return open_host(host, flags); });
      return 0;
    }
  if (rest == "pts" || rest.rfind("pts/", 0) == 0) {
    std::string host = "/dev/" + rest;
    set_file(out, host, [host](const Vcpu&, int64_t flags) { return open_host(host, flags); });
    return 0;
  }
  if (rest == "shm" || rest.rfind("shm/", 0) == 0) {
    const std::string& shm = p.root()->shm_dir();
    if (shm.empty()) return -ENOENT;
    std::string sub = rest.size() > 3 ? rest.substr(4) : ".";
    // Inside the private shm folder, confined to it like the root.
    int base = open(shm.c_str(), O_PATH | O_DIRECTORY | O_CLOEXEC);
    if (base < 0) return -errno;
    out->keep2 = std::make_shared<HostFd>(base);
    out->root_base = base;
    out->root_rel = sub;
    size_t slash = sub.rfind('/');
    std::string parent = slash == std::string::npos ? "." : sub.substr(0, slash);
    std::string name = slash == std::string::npos ? sub : sub.substr(slash + 1);
    int pfd = RootFs::open_beneath(base, parent, O_PATH | O_DIRECTORY);
    if (pfd < 0) return pfd;
    out->keep = std::make_shared<HostFd>(pfd);
    out->dirfd = pfd;
    out->path = name;
    return 0;
  }
  return -ENOENT;
}

// ---- host objects a guest must not reach ----------------------------------------

namespace {

// st_dev of every procfs mount of the host (from hartd's mountinfo, read
// once): a stat result on one of them came from the host's /proc.
const std::set<dev_t>& procfs_devs() {
  static const std::set<dev_t> devs = [] {
    std::set<dev_t> out;
    struct stat st;
    if (stat("/proc/self", &st) == 0) out.insert(st.st_dev);
    if (FILE* f = fopen("/proc/self/mountinfo", "re")) {
      char line[4096];
      while (fgets(line, sizeof line, f)) {
        unsigned maj = 0, min = 0;
        if (sscanf(line, "%*d %*d %u:%u", &maj, &min) != 2) continue;
        const char* sep = strstr(line, " - ");
        if (sep && strncmp(sep + 3, "proc ", 5) == 0) out.insert(makedev(maj, min));
      }
      fclose(f);
    }
    return out;
  }();
  return devs;
}

}  // namespace

bool host_fd_on_procfs(int host_fd) {
  struct statfs sf;
  return fstatfs(host_fd, &sf) == 0 && sf.f_type == PROC_SUPER_MAGIC;
}

bool host_dev_on_procfs(dev_t dev) { return procfs_devs().count(dev) != 0; }

int host_object_check(int hfd) {
  struct stat st;
  if (fstat(hfd, &st) != 0) return 0;
  // /dev/mem, /dev/kmem, /dev/port: the host's (and so hartd's and every
  // guest's) memory.
  if (S_ISCHR(st.st_mode) && major(st.st_rdev) == 1 &&
      (minor(st.st_rdev) == 1 || minor(st.st_rdev) == 2 || minor(st.st_rdev) == 4))
    return -EACCES;
  // procfs is a file system without a device (an anonymous st_dev, major
  // 0): only then does the file system's type need a look (every open goes
  // through here: a file on a disk costs one fstat).
  if (major(st.st_dev) != 0) return 0;
  return host_fd_on_procfs(hfd) ? 1 : 0;
}

int reroute_host_proc(Process& p, const AtPath& at, bool follow, AtPath* out) {
  // The guest's absolute path of what it looked up.
  std::string abs = at.abs;
  if (abs.empty() && !at.guest.empty()) {
    if (at.guest[0] == '/') {
      abs = at.guest;
    } else {
      std::shared_ptr<HostFd> dir;
      int hfd = p.host_dirfd(at.guest_dirfd, &dir);
      if (hfd < 0) return -ENOENT;
      std::string d = dir->synth() ? dir->synth()->guest_path : guest_path_of_fd(p, hfd);
      // A host directory of procfs that the guest holds (a read-only /proc/sys
      // or /proc/net view): its host path names hartd's /proc.
      if (d.empty() || d[0] != '/') return -ENOENT;
      abs = d + "/" + at.guest;
    }
  }
  if (abs.empty()) return -ENOENT;
  RootFs* root = p.root();
  const RootFs* walk_root = root ? root : host_root_fs();
  if (!walk_root) return -ENOENT;
  std::string e = walk_to_emulated(*walk_root, abs, follow, root != nullptr);
  if (e.empty()) {
    // A lexical path into /proc whose host lookup went elsewhere first.
    std::string n = normalize_path(abs);
    if (n.compare(0, 6, "/proc/") != 0 && n != "/proc") return -ENOENT;
    e = n;
  }
  return emulate_found(p, e, at.guest, follow, out);
}

int emulate_found(Process& p, const std::string& e, const std::string& guest, bool follow, AtPath* out) {
  AtPath em;
  em.guest = guest;
  int r = emulate_path(p, e, p.root() != nullptr, &em);
  if (r != 0) return r < 0 ? r : -ENOENT;
  if (em.via) {  // on through a link to another file (/proc/self/fd/N/...)
    em = AtPath{};
    em.guest = e;
    if ((r = resolve_guest_path(p, AT_FDCWD, &em, follow)) < 0) return r;
    em.guest = guest;
  }
  *out = std::move(em);
  return 0;
}

int64_t synth_getdents(SynthDir& d, uint8_t* buf, uint64_t len) {
  std::lock_guard<std::mutex> lock(d.mutex);
  if (d.fill && d.pos == 0) d.entries = d.fill();
  uint64_t off = 0;
  size_t total = d.entries.size() + 2;
  while (d.pos < total) {
    std::string name = d.pos == 0 ? "." : d.pos == 1 ? ".." : d.entries[d.pos - 2].name;
    uint8_t type = d.pos < 2 ? uint8_t{DT_DIR} : d.entries[d.pos - 2].type;
    uint64_t reclen = (19 + name.size() + 1 + 7) & ~uint64_t{7};
    if (off + reclen > len) {
      if (off == 0) return -EINVAL;
      break;
    }
    uint8_t* r = buf + off;
    memset(r, 0, reclen);
    uint64_t ino = 0x1000 + d.pos;
    int64_t next = static_cast<int64_t>(d.pos + 1);
    uint16_t rl = static_cast<uint16_t>(reclen);
    memcpy(r, &ino, 8);
    memcpy(r + 8, &next, 8);
    memcpy(r + 16, &rl, 2);
    r[18] = type;
    memcpy(r + 19, name.data(), name.size());
    off += reclen;
    ++d.pos;
  }
  return static_cast<int64_t>(off);
}

}  // namespace hart::linux
