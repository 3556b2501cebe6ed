// linux-abi/loader/elf_loader.cpp — ELF64 riscv64 loading, PT_INTERP and `#!`
// scripts. See elf_loader.h.
//
// Segments are placed by mapping their whole page span anonymous and
// read-write, then each segment's file pages over it from the file (private,
// as Linux maps them; the bss part of the last file page zeroed) or, where
// the file offset is not congruent with the address or a page is shared
// with another segment, the file bytes read straight into guest memory
// (bss and the tail of the last file page stay zero), then applying each
// page's final protection (the union of the segments sharing it) and
// unmapping holes.
#include "linux-abi/loader/elf_loader.h"

#include <elf.h>
#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cinttypes>
#include <cstring>
#include <memory>

#include <limits.h>

#include "linux-abi/vfs/root_fs.h"

namespace hart::linux {

namespace {

std::string hex(uint64_t v) {
  char buf[32];
  snprintf(buf, sizeof buf, "0x%" PRIx64, v);
  return buf;
}

// An open file with its size; closes on scope exit.
struct File {
  int fd = -1;
  uint64_t size = 0;
  ~File() {
    if (fd >= 0) close(fd);
  }
  // Reads exactly len bytes at off; false when the file is shorter.
  bool read_at(uint64_t off, void* dst, uint64_t len) const {
    if (off > size || len > size - off) return false;
    auto* p = static_cast<uint8_t*>(dst);
    while (len > 0) {
      ssize_t n = pread(fd, p, len, static_cast<off_t>(off));
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) return false;
      p += n;
      off += n;
      len -= n;
    }
    return true;
  }
};

bool open_file(const std::string& path, const std::string& display, File* f,
               std::string* error) {
  f->fd = open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (f->fd < 0) {
    *error = display + ": " + strerror(errno);
    return false;
  }
  struct stat st;
  if (fstat(f->fd, &st) != 0) {
    *error = display + ": " + strerror(errno);
    return false;
  }
  if (S_ISDIR(st.st_mode)) {
    *error = display + ": is a directory";
    return false;
  }
  if (!S_ISREG(st.st_mode)) {
    *error = display + ": not a regular file";
    return false;
  }
  f->size = static_cast<uint64_t>(st.st_size);
  return true;
}

struct Segment {
  uint64_t vaddr, memsz, offset, filesz;
  int prot;
};

int segment_prot(uint32_t pf) {
  return ((pf & PF_R) ? PROT_READ : 0) | ((pf & PF_W) ? PROT_WRITE : 0) |
         ((pf & PF_X) ? PROT_EXEC : 0);
}

}  // namespace

std::string sysroot_path(const std::string& sysroot, const std::string& path) {
  if (sysroot.empty() || path.empty() || path[0] != '/') return path;
  std::string p = sysroot;
  while (p.size() > 1 && p.back() == '/') p.pop_back();
  p += path;
  struct stat st;
  if (lstat(p.c_str(), &st) == 0) return p;
  // A name that does not exist yet (a file being created) in a folder that
  // exists only under the sysroot: there, so that the paths the guest gets
  // back (getcwd inside the sysroot) name the same place when given back.
  size_t slash = path.find_last_of('/');
  std::string dir = slash == 0 ? "/" : path.substr(0, slash);
  if (dir != "/" && lstat(dir.c_str(), &st) != 0 && stat((p.substr(0, p.size() - path.size()) + dir).c_str(), &st) == 0 &&
      S_ISDIR(st.st_mode))
    return p;
  return path;
}

bool load_elf_image(AddressSpace& as, const std::string& host_path, const std::string& display,
                    uint64_t bias_hint, ElfImage* out, std::string* error) {
  File f;
  if (!open_file(host_path, display, &f, error)) return false;
  auto fail = [&](const std::string& what) {
    *error = display + ": " + what;
    return false;
  };

  unsigned char ident[EI_NIDENT];
  if (f.size < 4 || !f.read_at(0, ident, 4) || memcmp(ident, ELFMAG, SELFMAG) != 0)
    return fail("not an ELF file");
  Elf64_Ehdr eh;
  if (f.size < sizeof eh || !f.read_at(0, &eh, sizeof eh))
    return fail("truncated ELF header (" + std::to_string(f.size) + " bytes)");
  if (eh.e_ident[EI_CLASS] != ELFCLASS64 || eh.e_ident[EI_DATA] != ELFDATA2LSB ||
      eh.e_machine != EM_RISCV) {
    std::string cls = eh.e_ident[EI_CLASS] == ELFCLASS64   ? "64-bit"
                      : eh.e_ident[EI_CLASS] == ELFCLASS32 ? "32-bit"
                                                           : "bad class";
    std::string end = eh.e_ident[EI_DATA] == ELFDATA2LSB   ? "little-endian"
                      : eh.e_ident[EI_DATA] == ELFDATA2MSB ? "big-endian"
                                                           : "bad byte order";
    // e_machine is only meaningful in the file's own byte order.
    unsigned machine = eh.e_machine;
    if (eh.e_ident[EI_DATA] == ELFDATA2MSB) machine = ((machine & 0xff) << 8) | (machine >> 8);
    return fail("not a RISC-V 64 executable (machine " + std::to_string(machine) + ", " + cls +
                ", " + end + ")");
  }
  if (eh.e_ident[EI_VERSION] != EV_CURRENT || eh.e_version != EV_CURRENT)
    return fail("unsupported ELF version " + std::to_string(eh.e_version));
  if (eh.e_type != ET_EXEC && eh.e_type != ET_DYN) {
    const char* what = eh.e_type == ET_REL ? "a relocatable object (.o), not an executable"
                       : eh.e_type == ET_CORE ? "a core dump, not an executable"
                                              : nullptr;
    return fail(what ? what : "unsupported ELF type " + std::to_string(eh.e_type));
  }
  if (eh.e_phnum == 0) return fail("no program headers");
  if (eh.e_phentsize != sizeof(Elf64_Phdr))
    return fail("bad program header size " + std::to_string(eh.e_phentsize));
  uint64_t ph_bytes = uint64_t{eh.e_phnum} * sizeof(Elf64_Phdr);
  if (ph_bytes > 65536) return fail("too many program headers (" + std::to_string(eh.e_phnum) + ")");
  if (eh.e_phoff > f.size || ph_bytes > f.size - eh.e_phoff)
    return fail("program headers outside the file (truncated?)");
  std::vector<Elf64_Phdr> ph(eh.e_phnum);
  if (!f.read_at(eh.e_phoff, ph.data(), ph_bytes)) return fail("cannot read program headers");

  out->path = host_path;
  out->type = eh.e_type;
  out->flags = eh.e_flags;
  out->phnum = eh.e_phnum;
  out->phentsize = eh.e_phentsize;
  out->exec_stack = true;  // Linux default without PT_GNU_STACK
  out->interp.clear();

  std::vector<Segment> segs;
  uint64_t phdr_vaddr = 0;
  bool have_phdr = false;
  uint64_t max_align = kPageSize;
  for (const Elf64_Phdr& p : ph) {
    switch (p.p_type) {
      case PT_LOAD: {
        if (p.p_memsz == 0) break;
        if (p.p_filesz > p.p_memsz)
          return fail("segment at " + hex(p.p_vaddr) + " has p_filesz > p_memsz");
        if (p.p_offset > f.size || p.p_filesz > f.size - p.p_offset)
          return fail("segment at " + hex(p.p_vaddr) + " extends past the end of the file (truncated?)");
        if (p.p_vaddr >= as.limit() || p.p_memsz > as.limit() - p.p_vaddr)
          return fail("segment " + hex(p.p_vaddr) + "+" + hex(p.p_memsz) + " does not fit the 2^" +
                      std::to_string(__builtin_ctzll(as.limit())) + "-byte guest address space");
        if (p.p_align > max_align && p.p_align <= (uint64_t{1} << 30) &&
            (p.p_align & (p.p_align - 1)) == 0)
          max_align = p.p_align;
        segs.push_back({p.p_vaddr, p.p_memsz, p.p_offset, p.p_filesz, segment_prot(p.p_flags)});
        break;
      }
      case PT_INTERP: {
        if (p.p_filesz < 2 || p.p_filesz > 4096) return fail("bad PT_INTERP size");
        if (p.p_offset > f.size || p.p_filesz > f.size - p.p_offset)
          return fail("PT_INTERP outside the file (truncated?)");
        std::string s(p.p_filesz, '\0');
        if (!f.read_at(p.p_offset, s.data(), p.p_filesz)) return fail("cannot read PT_INTERP");
        if (s.back() != '\0') return fail("PT_INTERP is not NUL-terminated");
        s.resize(strlen(s.c_str()));
        if (s.empty()) return fail("empty PT_INTERP");
        out->interp = s;
        break;
      }
      case PT_GNU_STACK:
        out->exec_stack = (p.p_flags & PF_X) != 0;
        break;
      case PT_PHDR:
        phdr_vaddr = p.p_vaddr;
        have_phdr = true;
        break;
      default:
        break;
    }
  }
  if (segs.empty()) return fail("no loadable segments");
  std::sort(segs.begin(), segs.end(),
            [](const Segment& a, const Segment& b) { return a.vaddr < b.vaddr; });
  for (size_t i = 1; i < segs.size(); ++i)
    if (segs[i].vaddr < segs[i - 1].vaddr + segs[i - 1].memsz)
      return fail("segments " + hex(segs[i - 1].vaddr) + " and " + hex(segs[i].vaddr) + " overlap");

  uint64_t lo = page_down(segs.front().vaddr);
  uint64_t hi = 0;
  for (const Segment& s : segs) hi = std::max(hi, page_up(s.vaddr + s.memsz));
  uint64_t span = hi - lo;
  if (span > as.limit() / 2) return fail("segments span " + hex(span) + " bytes (too large)");

  uint64_t bias = 0;
  if (eh.e_type == ET_DYN) {
    uint64_t want = bias_hint ? bias_hint : pie_base(as.limit());
    want = (want + max_align - 1) & ~(max_align - 1);
    uint64_t start = 0;
    if (want + span <= as.limit() && as.find_free(span, want) == want) start = want;
    if (!start) {
      uint64_t got = as.find_free(span + max_align, want);
      if (!got) return fail("no room for " + hex(span) + " bytes in the guest address space");
      start = (got + max_align - 1) & ~(max_align - 1);
    }
    bias = start - lo;
  } else if (lo < kMinSegmentAddr) {
    return fail("segment at " + hex(segs.front().vaddr) + " is below the minimum address " +
                hex(kMinSegmentAddr));
  }
  uint64_t glo = lo + bias, ghi = hi + bias;
  if (ghi > as.limit() || ghi < glo) return fail("segments do not fit the guest address space");
  uint64_t entry = eh.e_entry + bias;
  if (entry < glo || entry >= ghi)
    return fail("entry point " + hex(eh.e_entry) + " is outside the loaded segments");

  int64_t r = as.map(glo, span, PROT_READ | PROT_WRITE, kMapFixedNoReplace, -1, 0, display);
  if (r < 0) {
    if (r == -EEXIST)
      return fail("segments " + hex(glo) + "-" + hex(ghi) + " overlap an existing mapping");
    return fail(std::string("cannot map segments: ") + strerror(static_cast<int>(-r)));
  }
  for (size_t k = 0; k < segs.size(); ++k) {
    const Segment& s = segs[k];
    if (!s.filesz) continue;
    if (s.offset > f.size || s.filesz > f.size - s.offset) return fail("cannot read segment at " + hex(s.vaddr));
    // The segment's pages mapped from the file, as Linux does (private:
    // written pages are copied): only the pages the program touches are
    // read, from the page cache, instead of copying the whole file in at
    // every launch (python3's 5.8 MB of text). Where the file offset is not
    // congruent with the address, or a page is shared with another
    // segment, the bytes are read in as before.
    const uint64_t p0 = page_down(s.vaddr), p1 = page_up(s.vaddr + s.filesz);
    const bool shared_page = (k > 0 && page_up(segs[k - 1].vaddr + segs[k - 1].memsz) > p0) ||
                             (k + 1 < segs.size() && page_down(segs[k + 1].vaddr) < p1);
    if ((s.vaddr - s.offset) % kPageSize == 0 && !shared_page) {
      if (as.map(p0 + bias, p1 - p0, PROT_READ | PROT_WRITE, kMapFixed, f.fd, page_down(s.offset), display) >= 0) {
        // The rest of the last file page is the bss's start: zero (Linux's
        // padzero). Through a guarded write: the file may have been cut
        // short meanwhile, and that page would then fault (SIGBUS).
        static const uint8_t kZeros[kPageSize] = {};
        if (s.memsz > s.filesz && !as.write(s.vaddr + s.filesz + bias, kZeros, p1 - (s.vaddr + s.filesz)))
          return fail("cannot read segment at " + hex(s.vaddr));
        continue;
      }
      // A file system that cannot map files (ENODEV): read in, as below.
      if (as.map(p0 + bias, p1 - p0, PROT_READ | PROT_WRITE, kMapFixed, -1, 0, display) < 0)
        return fail("cannot map segment at " + hex(s.vaddr));
    }
    if (!f.read_at(s.offset, as.base() + s.vaddr + bias, s.filesz))
      return fail("cannot read segment at " + hex(s.vaddr));
  }

  // Final protections, page by page interval: union of covering segments.
  std::vector<uint64_t> cuts;
  for (const Segment& s : segs) {
    cuts.push_back(page_down(s.vaddr));
    cuts.push_back(page_up(s.vaddr + s.memsz));
  }
  std::sort(cuts.begin(), cuts.end());
  cuts.erase(std::unique(cuts.begin(), cuts.end()), cuts.end());
  for (size_t i = 0; i + 1 < cuts.size(); ++i) {
    uint64_t a = cuts[i], b = cuts[i + 1];
    int prot = 0;
    bool covered = false;
    for (const Segment& s : segs)
      if (page_down(s.vaddr) < b && page_up(s.vaddr + s.memsz) > a) {
        prot |= s.prot;
        covered = true;
      }
    int rc = covered ? as.protect(a + bias, b - a, prot) : as.unmap(a + bias, b - a);
    if (rc < 0) return fail(std::string("cannot set segment protection: ") + strerror(-rc));
  }

  // AT_PHDR: PT_PHDR if present, else the loaded bytes that hold e_phoff.
  out->phdr_addr = 0;
  if (have_phdr) {
    out->phdr_addr = phdr_vaddr + bias;
  } else {
    for (const Segment& s : segs)
      if (eh.e_phoff >= s.offset && eh.e_phoff + ph_bytes <= s.offset + s.filesz) {
        out->phdr_addr = s.vaddr + (eh.e_phoff - s.offset) + bias;
        break;
      }
  }
  out->bias = bias;
  out->entry = entry;
  out->lo = glo;
  out->hi = ghi;
  uint64_t end = 0;
  for (const Segment& s : segs) end = std::max(end, s.vaddr + s.memsz);
  out->end_data = end + bias;
  return true;
}

namespace {
// A guest path of an interpreter inside a root: "/proc/self/fd/N" of an
// O_PATH fd kept open in *keep, or "" if it is not there.
std::string root_lookup(const RootFs& root, const std::string& guest, std::vector<int>* keep) {
  if (guest.empty() || guest[0] != '/') return "";
  int fd = root.open(guest, O_PATH);
  if (fd < 0) return "";
  keep->push_back(fd);
  return "/proc/self/fd/" + std::to_string(fd);
}
struct FdCloser {
  std::vector<int> fds;
  ~FdCloser() {
    for (int fd : fds) close(fd);
  }
};

// Shows the loaded image [img.lo, img.hi) as the file at host path (as
// Linux's file mappings): its canonical guest path (symlinks resolved, seen
// from the root or sysroot), device and inode in /proc/PID/maps.
void name_image(AddressSpace& as, const ElfImage& img, const std::string& host, const RootFs* root,
                const std::string& sysroot) {
  char real[PATH_MAX];
  struct stat st;
  if (!realpath(host.c_str(), real) || stat(real, &st) != 0) return;
  std::string name = guest_path_of_host(root, sysroot, real);
  if (!name.empty()) as.set_file(img.lo, img.hi, name, st.st_dev, st.st_ino);
}
}  // namespace

bool load_program(AddressSpace& as, const std::string& path, const std::string& sysroot,
                  std::vector<std::string>* argv, LoadedProgram* out, std::string* error,
                  const RootFs* root, const std::string& guest_name) {
  FdCloser held;
  // The program's name as the guest gave it: a #! interpreter's argument.
  std::string display = !guest_name.empty() ? guest_name : path;
  bool script = false;
  std::string host = root ? path : sysroot_path(sysroot, path);
  for (int depth = 0;; ++depth) {
    File f;
    if (!open_file(host, display, &f, error)) return false;
    char head[256];
    uint64_t n = std::min<uint64_t>(f.size, sizeof head);
    if (n >= 2 && f.read_at(0, head, 2) && head[0] == '#' && head[1] == '!') {
      if (depth >= kMaxScriptDepth) {
        *error = display + ": too many levels of #! interpreters";
        out->failure_errno = ELOOP;
        return false;
      }
      f.read_at(0, head, n);
      std::string line(head + 2, n - 2);
      size_t nl = line.find('\n');
      if (nl == std::string::npos && f.size > n) {
        *error = display + ": #! line too long";
        return false;
      }
      if (nl != std::string::npos) line.resize(nl);
      auto is_space = [](char c) { return c == ' ' || c == '\t' || c == '\r'; };
      size_t b = 0;
      while (b < line.size() && is_space(line[b])) ++b;
      size_t e = b;
      while (e < line.size() && !is_space(line[e])) ++e;
      std::string interp = line.substr(b, e - b);
      size_t ab = e;
      while (ab < line.size() && is_space(line[ab])) ++ab;
      size_t ae = line.size();
      while (ae > ab && is_space(line[ae - 1])) --ae;
      std::string arg = line.substr(ab, ae - ab);
      if (interp.empty()) {
        *error = display + ": no interpreter on the #! line";
        return false;
      }
      std::vector<std::string> nargv{interp};
      if (!arg.empty()) nargv.push_back(arg);
      nargv.push_back(display);
      for (size_t i = 1; i < argv->size(); ++i) nargv.push_back((*argv)[i]);
      *argv = std::move(nargv);
      display = interp;
      script = true;
      host = root ? root_lookup(*root, interp, &held.fds) : sysroot_path(sysroot, interp);
      struct stat ist;
      if (host.empty() || stat(host.c_str(), &ist) != 0) {
        *error = path + ": interpreter " + interp + " not found" +
                 (root ? " in the root" : sysroot.empty() ? "" : " (also looked in " + sysroot + ")");
        out->failure_errno = ENOENT;
        return false;
      }
      // Linux opens the interpreter as it opens the program: a directory or
      // a file without execute permission is EACCES.
      if (!S_ISREG(ist.st_mode) || faccessat(AT_FDCWD, host.c_str(), X_OK, AT_EACCESS) != 0) {
        *error = path + ": interpreter " + interp + " is not an executable file";
        out->failure_errno = EACCES;
        return false;
      }
      continue;
    }
    break;
  }

  *out = LoadedProgram{};
  out->script = script;
  if (!load_elf_image(as, host, display, pie_base(as.limit()), &out->exe, error)) return false;
  out->exe_host_path = host;
  if (root) {  // the real file, while its /proc/self/fd link is open
    char real[PATH_MAX];
    if (realpath(host.c_str(), real)) out->exe_host_path = real;
  }
  name_image(as, out->exe, host, root, sysroot);
  out->brk_start = page_up(out->exe.end_data);
  if (!out->exe.interp.empty()) {
    const std::string& ip = out->exe.interp;
    std::string ihost = root ? root_lookup(*root, ip, &held.fds) : sysroot_path(sysroot, ip);
    struct stat st;
    if (ihost.empty() || stat(ihost.c_str(), &st) != 0) {
      *error = display + ": interpreter " + ip + " not found" +
               (sysroot.empty() ? " (use -L <sysroot>)" : " (also looked in " + sysroot + ")");
      out->failure_errno = ENOENT;
      return false;
    }
    if (!load_elf_image(as, ihost, ip, interp_base(as.limit()), &out->interp, error)) return false;
    name_image(as, out->interp, ihost, root, sysroot);
    if (!out->interp.interp.empty()) {
      *error = ip + ": the interpreter itself asks for an interpreter";
      return false;
    }
    out->has_interp = true;
  }
  return true;
}

std::string format_memory_map(const AddressSpace& as) {
  std::string out = "start            end              size             prot\n";
  for (const Vma& v : as.vmas()) {
    char line[512];
    snprintf(line, sizeof line, "%016" PRIx64 "-%016" PRIx64 " %016" PRIx64 " %c%c%c %s\n",
             v.start, v.end, v.end - v.start, (v.prot & PROT_READ) ? 'r' : '-',
             (v.prot & PROT_WRITE) ? 'w' : '-', (v.prot & PROT_EXEC) ? 'x' : '-',
             v.name.c_str());
    out += line;
  }
  return out;
}

}  // namespace hart::linux
