// linux-abi/process/core_dump.cpp — see core_dump.h.
#include "linux-abi/process/core_dump.h"

#include <elf.h>
#include <fcntl.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <ctime>
#include <vector>

#include "linux-abi/process/creds.h"
#include "linux-abi/process/process.h"
#include "linux-abi/vfs/root_fs.h"
#include "linux-abi/process/signals.h"

namespace hart::linux {

namespace {

// ---- riscv64 note layouts (Linux's elf_prstatus, elf_prpsinfo, user_regs_struct,
// __riscv_d_ext_state) -------------------------------------------------------------

struct CoreTimeval {
  int64_t tv_sec, tv_usec;
};

struct RvPrstatus {
  int32_t si_signo, si_code, si_errno;  // pr_info
  int16_t pr_cursig;
  uint64_t pr_sigpend;
  uint64_t pr_sighold;
  int32_t pr_pid, pr_ppid, pr_pgrp, pr_sid;
  CoreTimeval pr_utime, pr_stime, pr_cutime, pr_cstime;
  uint64_t pr_reg[32];  // pc, x1..x31
  int32_t pr_fpvalid;
};
static_assert(sizeof(RvPrstatus) == 376);
static_assert(offsetof(RvPrstatus, pr_reg) == 112);

struct RvPrpsinfo {
  char pr_state, pr_sname, pr_zomb, pr_nice;
  uint64_t pr_flag;
  uint32_t pr_uid, pr_gid;
  int32_t pr_pid, pr_ppid, pr_pgrp, pr_sid;
  char pr_fname[16];
  char pr_psargs[80];
};
static_assert(sizeof(RvPrpsinfo) == 136);

struct RvFpregs {
  uint64_t f[32];
  uint32_t fcsr;
};
static_assert(sizeof(RvFpregs) == 264);

constexpr uint32_t kNtSiginfo = 0x53494749, kNtFile = 0x46494c45;

// One note: header, "CORE\0" padded to 4, the descriptor padded to 4.
void add_note(std::string* out, uint32_t type, const void* desc, size_t size) {
  Elf64_Nhdr h{};
  h.n_namesz = 5;
  h.n_descsz = static_cast<Elf64_Word>(size);
  h.n_type = type;
  out->append(reinterpret_cast<const char*>(&h), sizeof h);
  out->append("CORE\0\0\0", 8);
  out->append(static_cast<const char*>(desc), size);
  out->append((4 - size % 4) % 4, '\0');
}

// What one thread looks like in the core.
struct ThreadSnap {
  int tid = 0;
  uint64_t regs[32] = {};  // pc, x1..x31
  RvFpregs fp{};
  uint64_t pending = 0, blocked = 0;
};

// A mapping and how much of it is written.
struct Segment {
  Vma vma;
  uint64_t dump = 0;  // bytes of it in the file (from its start)
};

bool is_elf_header(AddressSpace& as, uint64_t addr) {
  unsigned char m[4];
  return as.peek(addr, m, 4) && memcmp(m, ELFMAG, SELFMAG) == 0;
}

// Linux's vma_dump_size under the process's coredump_filter (MMF_DUMP_*
// bits below), where "written to" is approximated by the kind of mapping:
// hartd does not track which private file pages were copied on write, so
// data and relro (not code) file mappings count as written (anonymous
// private memory).
constexpr uint32_t kDumpAnonPrivate = 1, kDumpAnonShared = 2, kDumpMappedPrivate = 4,
                   kDumpMappedShared = 8, kDumpElfHeaders = 16;
uint64_t dump_size(AddressSpace& as, const Vma& v, uint32_t filter) {
  uint64_t len = v.end - v.start;
  if (!(v.prot & PROT_READ)) return 0;
  if (v.host_fd < 0) return filter & kDumpAnonPrivate ? len : 0;  // heap, stacks, brk, MAP_ANONYMOUS
  struct stat st;
  if (v.shared) {  // an unlinked file (memfd, shm, MAP_SHARED|MAP_ANONYMOUS) is anonymous
    bool anon = fstat(v.host_fd, &st) == 0 && st.st_nlink == 0;
    return filter & (anon ? kDumpAnonShared : kDumpMappedShared) ? len : 0;
  }
  if (!(v.prot & PROT_EXEC) && filter & kDumpAnonPrivate) return len;
  if (filter & kDumpMappedPrivate) return len;
  if (filter & kDumpElfHeaders && v.offset == 0 && is_elf_header(as, v.start)) return kPageSize;
  return 0;
}

// Expands into *out; false if a value cannot be had.
void append_clean(std::string* out, const std::string& v) {
  for (char c : v) *out += c == '/' ? '!' : c;
}

// The directory fd and final name where the core goes, or -errno.
int open_parent(Process& p, const std::string& path, std::string* name) {
  size_t slash = path.rfind('/');
  *name = slash == std::string::npos ? path : path.substr(slash + 1);
  std::string dir = slash == std::string::npos ? "." : slash == 0 ? "/" : path.substr(0, slash);
  if (name->empty() || *name == "." || *name == "..") return -EINVAL;
  if (RootFs* root = p.root()) {  // a jailed guest: inside its root, as its own lookups
    if (dir[0] != '/') dir = guest_path_of_fd(p, p.cwd_fd()) + "/" + dir;
    return root->open(dir, O_PATH | O_DIRECTORY);
  }
  int fd = openat(p.cwd_fd(), dir.c_str(), O_PATH | O_DIRECTORY | O_CLOEXEC);
  return fd < 0 ? -errno : fd;
}

// Writes with pwrite, counting the bytes against the limit (Linux's
// dump_emit: the core stops where the next write would pass it).
struct CoreWriter {
  int fd;
  uint64_t limit, written = 0;
  bool cut = false;
  bool put(const void* data, uint64_t len, uint64_t off) {
    if (cut) return false;
    if (written + len > limit) {
      cut = true;
      return false;
    }
    const char* d = static_cast<const char*>(data);
    while (len) {
      ssize_t n = pwrite(fd, d, len, static_cast<off_t>(off));
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) {
        cut = true;
        return false;
      }
      d += n;
      off += static_cast<uint64_t>(n);
      len -= static_cast<uint64_t>(n);
      written += static_cast<uint64_t>(n);
    }
    return true;
  }
};

}  // namespace

std::string check_core_pattern(const std::string& pattern) {
  if (pattern.empty()) return "the core pattern is empty";
  if (pattern[0] == '|') return "core patterns that pipe to a program ('|...') are not supported";
  if (pattern.back() == '/') return "the core pattern names a folder, not a file";
  return "";
}

std::string expand_core_pattern(const std::string& pattern, Process& p, int tid, int sig) {
  std::string out;
  Credentials c = p.creds();
  for (size_t i = 0; i < pattern.size(); ++i) {
    if (pattern[i] != '%' || i + 1 == pattern.size()) {
      out += pattern[i];
      continue;
    }
    switch (pattern[++i]) {
      case '%': out += '%'; break;
      case 'p': case 'P': out += std::to_string(p.pid()); break;
      case 'i': case 'I': out += std::to_string(tid); break;
      case 'u': out += std::to_string(c.ruid); break;
      case 'g': out += std::to_string(c.rgid); break;
      case 's': out += std::to_string(sig); break;
      case 't': out += std::to_string(static_cast<long long>(time(nullptr))); break;
      case 'c': {
        uint64_t l = p.rlimits[RLIMIT_CORE].rlim_cur;
        out += std::to_string(l);  // RLIM_INFINITY as Linux prints it
        break;
      }
      case 'h': {
        std::lock_guard<std::mutex> lock(p.tree().mutex);
        append_clean(&out, p.tree().uts.nodename);
        break;
      }
      case 'e': append_clean(&out, p.thread_comm(tid)); break;  // the dumping thread's name
      case 'E': {
        std::string exe = p.exe_path();
        if (RootFs* r = p.root())
          if (std::string g = r->to_guest(exe); !g.empty()) exe = g;
        append_clean(&out, exe);
        break;
      }
      default: break;  // unknown escapes expand to nothing, as Linux's
    }
  }
  return out;
}

bool write_core_file(Process& p, Thread& self, int sig, const GuestSiginfo& info, std::string* note) {
  if (!p.dumpable.load()) {  // prctl(PR_SET_DUMPABLE, 0) or a credential change
    *note = "the process is not dumpable";
    return false;
  }
  uint64_t limit = p.rlimits[RLIMIT_CORE].rlim_cur;
  if (limit < kPageSize) {  // Linux: below binfmt_elf's min_coredump, no file at all
    *note = "RLIMIT_CORE is " + std::to_string(limit);
    return false;
  }
  std::shared_ptr<AddressSpace> as = p.as_ref();
  if (!as) return false;
  std::string path = expand_core_pattern(p.tree().core_pattern, p, self.tid, sig);
  if (std::string why = check_core_pattern(path); !why.empty()) {
    *note = why;
    return false;
  }

  // The threads, the dumping one first (gdb shows it as the current thread).
  std::vector<ThreadSnap> threads;
  {
    std::lock_guard<std::mutex> lock(p.mutex());
    p.for_each_thread([&](Vcpu& v, ThreadSignals& ts) {
      ThreadSnap t;
      t.tid = Process::thread_of(v).tid;
      t.regs[0] = v.state.pc;
      for (int r = 1; r < 32; ++r) t.regs[r] = v.state.x[r];
      for (int r = 0; r < 32; ++r) t.fp.f[r] = v.state.f[r];
      t.fp.fcsr = v.state.fcsr();
      t.pending = ts.pending.mask();
      t.blocked = ts.blocked;
      if (&Process::thread_of(v) == &self)
        threads.insert(threads.begin(), t);
      else
        threads.push_back(t);
    });
  }
  Credentials cred = self.cred;
  int ppid = p.ppid();

  // Notes.
  std::string notes;
  for (const ThreadSnap& t : threads) {
    RvPrstatus st{};
    st.si_signo = sig;
    st.pr_cursig = static_cast<int16_t>(sig);
    st.pr_sigpend = t.pending;
    st.pr_sighold = t.blocked;
    st.pr_pid = t.tid;
    st.pr_ppid = ppid;
    st.pr_pgrp = p.group_id();
    st.pr_sid = p.sid;
    memcpy(st.pr_reg, t.regs, sizeof st.pr_reg);
    st.pr_fpvalid = 1;
    add_note(&notes, NT_PRSTATUS, &st, sizeof st);
    if (&t == &threads.front()) {
      // Process-wide notes after the first thread's status, as Linux orders them.
      RvPrpsinfo ps{};
      ps.pr_state = 0;
      ps.pr_sname = 'R';
      ps.pr_uid = cred.ruid;
      ps.pr_gid = cred.rgid;
      ps.pr_pid = p.pid();
      ps.pr_ppid = ppid;
      ps.pr_pgrp = p.group_id();
      ps.pr_sid = p.sid;
      std::string leader = p.thread_comm(p.pid());
      memcpy(ps.pr_fname, leader.data(), std::min(leader.size(), sizeof ps.pr_fname));
      std::string args;
      for (const std::string& a : p.argv()) args += (args.empty() ? "" : " ") + a;
      strncpy(ps.pr_psargs, args.c_str(), sizeof ps.pr_psargs - 1);
      add_note(&notes, NT_PRPSINFO, &ps, sizeof ps);
      add_note(&notes, kNtSiginfo, &info, sizeof info);
      std::string auxv = p.stack().auxv_bytes();
      const auto& entries = p.stack().auxv_entries;
      if (entries.empty() || entries.back().first != 0) auxv.append(16, '\0');  // AT_NULL last
      add_note(&notes, NT_AUXV, auxv.data(), auxv.size());
    }
    add_note(&notes, NT_PRFPREG, &t.fp, sizeof t.fp);
  }

  std::vector<Segment> segs;
  for (Vma& v : as->vmas_merged()) segs.push_back({v, 0});
  // NT_FILE: the file mappings, by guest path.
  {
    std::vector<uint64_t> head{0, kPageSize};
    std::string names;
    for (const Segment& s : segs) {
      if (s.vma.host_fd < 0 || s.vma.name.empty() || s.vma.name[0] != '/') continue;
      head.insert(head.end(), {s.vma.start, s.vma.end, s.vma.offset / kPageSize});
      names += s.vma.name;  // a guest path already (sys_mmap, the loader)
      names += '\0';
      ++head[0];
    }
    std::string desc(reinterpret_cast<const char*>(head.data()), head.size() * 8);
    desc += names;
    add_note(&notes, kNtFile, desc.data(), desc.size());
  }
  const uint32_t filter = p.coredump_filter.load();
  for (Segment& s : segs) s.dump = dump_size(*as, s.vma, filter);

  // Layout: ELF header, program headers, notes; memory from the next page.
  size_t phnum = 1 + segs.size();
  uint64_t notes_off = sizeof(Elf64_Ehdr) + phnum * sizeof(Elf64_Phdr);
  uint64_t data_off = page_up(notes_off + notes.size());
  Elf64_Ehdr eh{};
  memcpy(eh.e_ident, ELFMAG, SELFMAG);
  eh.e_ident[EI_CLASS] = ELFCLASS64;
  eh.e_ident[EI_DATA] = ELFDATA2LSB;
  eh.e_ident[EI_VERSION] = EV_CURRENT;
  eh.e_ident[EI_OSABI] = ELFOSABI_NONE;
  eh.e_type = ET_CORE;
  eh.e_machine = EM_RISCV;
  eh.e_version = EV_CURRENT;
  eh.e_phoff = sizeof(Elf64_Ehdr);
  eh.e_ehsize = sizeof(Elf64_Ehdr);
  eh.e_phentsize = sizeof(Elf64_Phdr);
  eh.e_phnum = static_cast<Elf64_Half>(phnum < PN_XNUM ? phnum : PN_XNUM);
  std::vector<Elf64_Phdr> ph(phnum);
  ph[0].p_type = PT_NOTE;
  ph[0].p_offset = notes_off;
  ph[0].p_filesz = notes.size();
  uint64_t off = data_off;
  for (size_t i = 0; i < segs.size(); ++i) {
    const Vma& v = segs[i].vma;
    Elf64_Phdr& h = ph[i + 1];
    h.p_type = PT_LOAD;
    h.p_offset = off;
    h.p_vaddr = v.start;
    h.p_memsz = v.end - v.start;
    h.p_filesz = segs[i].dump;
    h.p_flags = ((v.prot & PROT_READ) ? PF_R : 0) | ((v.prot & PROT_WRITE) ? PF_W : 0) |
                ((v.prot & PROT_EXEC) ? PF_X : 0);
    h.p_align = kPageSize;
    off += segs[i].dump;
  }

  // The file: as the dumping thread's guest identity (and umask).
  sync_host_identity(p, self);
  std::string name;
  int dir = open_parent(p, path, &name);
  if (dir < 0) {
    *note = path + ": " + strerror(-dir);
    return false;
  }
  unlinkat(dir, name.c_str(), 0);  // a file or a symlink there goes, never followed
  int fd = openat(dir, name.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
  int err = errno;
  close(dir);
  if (fd < 0) {
    *note = path + ": " + strerror(err);
    return false;
  }
  struct stat st;
  if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode) || st.st_nlink != 1) {
    close(fd);
    *note = path + ": not a regular file of its own";
    return false;
  }

  CoreWriter w{fd, limit};
  bool dumped = w.put(&eh, sizeof eh, 0);  // Linux counts a dump once its header is out
  w.put(ph.data(), ph.size() * sizeof(Elf64_Phdr), sizeof eh);
  w.put(notes.data(), notes.size(), notes_off);
  std::vector<unsigned char> page(kPageSize);
  static const unsigned char kZero[kPageSize] = {};
  for (size_t i = 0; i < segs.size() && !w.cut; ++i) {
    for (uint64_t o = 0; o < segs[i].dump && !w.cut; o += kPageSize) {
      // Pages that cannot be read (a file mapping past its end) and pages of
      // zeros stay holes, as Linux's dump_skip leaves them.
      if (!as->peek(segs[i].vma.start + o, page.data(), kPageSize)) continue;
      if (memcmp(page.data(), kZero, kPageSize) == 0) continue;
      w.put(page.data(), kPageSize, ph[i + 1].p_offset + o);
    }
  }
  // The file's length covers its last segment even when that ends in holes
  // (up to where the limit cut it).
  if (!w.cut) (void)!ftruncate(fd, static_cast<off_t>(off));
  close(fd);
  *note = path;
  return dumped;
}

}  // namespace hart::linux
