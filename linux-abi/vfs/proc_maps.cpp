// linux-abi/vfs/proc_maps.cpp — /proc/<pid>/maps, smaps and smaps_rollup
// (proc_maps.h). maps names a file mapping as the guest sees the file (its
// path inside the root or sysroot, " (deleted)" once that path no longer
// holds it). smaps and smaps_rollup add Linux's counters per mapping, in
// kB: Size, and Rss from the host pages behind the mapping (mincore); a
// guest process's pages are its own, so Pss is Rss and every page is
// Private (Private_Dirty for anonymous memory, Private_Clean for a file's);
// Referenced is Rss, Locked is Rss of a locked mapping; swap, KSM, huge
// pages and lazy-free pages are 0. VmFlags from the protection and flags.
// pagemap: an entry per guest page with the bits Linux gives a reader
// without CAP_SYS_ADMIN — present (63), swapped (62), file or shared
// anonymous page (61), mapped exclusively (56), soft-dirty (55) — taken from
// the host's pagemap entry of the page behind it (hartd's own, so a page the
// guest touched is present, one only read maps the zero page as on Linux);
// the frame number (bits 0-54) is always 0, also for a root guest (host
// frame numbers are not the guest's to see); a page outside every guest
// mapping is 0. The program's segments are file pages, as the ELF loader
// maps them from the file (one it reads in instead is anonymous).
// Owns: that text. Does not own: the VMAs (core/address_space.h).
#include "linux-abi/vfs/proc_maps.h"

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <cstring>
#include <vector>

#include "linux-abi/vfs/root_fs.h"

namespace hart::linux {

namespace {

// Whether the file a mapping names is still at that guest path (same device
// and inode); Linux shows a mapping of an unlinked file with " (deleted)".
bool mapped_file_present(const Process& p, const Vma& v) {
  const int fd = p.open_mapped_file(v);
  if (fd < 0) return false;
  close(fd);
  return true;
}

// One mapping's line of maps (and the header of its smaps entry).
std::string maps_line(Process& p, const Vma& v) {
  char line[512];
  snprintf(line, sizeof line, "%08lx-%08lx %c%c%c%c %08lx %02x:%02x %lu", (unsigned long)v.start,
           (unsigned long)v.end, (v.prot & PROT_READ) ? 'r' : '-', (v.prot & PROT_WRITE) ? 'w' : '-',
           (v.prot & PROT_EXEC) ? 'x' : '-', v.shared ? 's' : 'p', (unsigned long)v.offset,
           major(v.dev), minor(v.dev), (unsigned long)v.inode);
  // Linux ends the fields with a space, then pads a name to column 73.
  std::string out = std::string(line) + " ";
  if (!v.name.empty()) {
    size_t len = strlen(line) + 1;
    out += std::string(len < 73 ? 73 - len : 1, ' ');
    // A newline in a file name is "\012", as Linux writes it: a name cannot
    // forge lines of its own.
    for (char c : v.name) out += c == '\n' ? std::string("\\012") : std::string(1, c);
    if (v.inode && v.name[0] == '/' && v.name.find(" (deleted)") == std::string::npos &&
        !mapped_file_present(p, v))
      out += " (deleted)";
  }
  return out + "\n";
}

}  // namespace

uint64_t resident_bytes(const AddressSpace& as, const Vma& v) {
  std::vector<unsigned char> vec;
  uint64_t resident = 0;
  for (uint64_t a = v.start; a < v.end; a += uint64_t{1} << 28) {  // 64K pages at a time
    uint64_t n = std::min<uint64_t>(v.end - a, uint64_t{1} << 28);
    vec.resize(n / kPageSize);
    if (mincore(as.base() + a, n, vec.data()) == 0)
      for (unsigned char c : vec) resident += c & 1;
  }
  return resident * kPageSize;
}

namespace {

struct SmapCounts {
  uint64_t size = 0, rss = 0, anon = 0, file = 0, shmem = 0, private_clean = 0,
           private_dirty = 0, locked = 0;
  void add(const SmapCounts& o) {
    size += o.size;
    rss += o.rss;
    anon += o.anon;
    file += o.file;
    shmem += o.shmem;
    private_clean += o.private_clean;
    private_dirty += o.private_dirty;
    locked += o.locked;
  }
};

SmapCounts counts_of(const AddressSpace& as, const Vma& v) {
  SmapCounts c;
  c.size = v.end - v.start;
  c.rss = resident_bytes(as, v);
  struct stat st;
  if (v.host_fd < 0) {
    c.anon = c.private_dirty = c.rss;
  } else if (v.shared && fstat(v.host_fd, &st) == 0 && st.st_nlink == 0) {
    c.shmem = c.private_dirty = c.rss;  // a memfd or deleted file shared as memory
  } else {
    c.file = c.private_clean = c.rss;
  }
  if (v.locked) c.locked = c.rss;
  return c;
}

// "Name:" padded to 16 columns, the value in kB right-aligned in 8.
void field(std::string* out, const char* name, uint64_t bytes) {
  char line[64];
  snprintf(line, sizeof line, "%-16s%8lu kB\n", name, (unsigned long)(bytes >> 10));
  *out += line;
}

void counters(std::string* out, const SmapCounts& c, bool rollup) {
  field(out, "Rss:", c.rss);
  field(out, "Pss:", c.rss);
  field(out, "Pss_Dirty:", c.private_dirty);
  if (rollup) {
    field(out, "Pss_Anon:", c.anon);
    field(out, "Pss_File:", c.file);
    field(out, "Pss_Shmem:", c.shmem);
  }
  field(out, "Shared_Clean:", 0);
  field(out, "Shared_Dirty:", 0);
  field(out, "Private_Clean:", c.private_clean);
  field(out, "Private_Dirty:", c.private_dirty);
  field(out, "Referenced:", c.rss);
  field(out, "Anonymous:", c.anon);
  field(out, "KSM:", 0);
  field(out, "LazyFree:", 0);
  field(out, "AnonHugePages:", 0);
  field(out, "ShmemPmdMapped:", 0);
  field(out, "FilePmdMapped:", 0);
  field(out, "Shared_Hugetlb:", 0);
  field(out, "Private_Hugetlb:", 0);
  field(out, "Swap:", 0);
  field(out, "SwapPss:", 0);
  field(out, "Locked:", c.locked);
}

// Linux's VmFlags mnemonics for what a Vma records.
std::string vm_flags(const Vma& v) {
  std::string f;
  if (v.prot & PROT_READ) f += " rd";
  if (v.prot & PROT_WRITE) f += " wr";
  if (v.prot & PROT_EXEC) f += " ex";
  if (v.shared) f += " sh";
  f += " mr";
  if (!v.shared || (v.prot & PROT_WRITE)) f += " mw";
  f += " me";
  if (v.shared) f += " ms";
  if (v.grows_down) f += " gd";
  if (v.locked) f += " lo";
  if (v.dont_fork) f += " dc";
  if (!v.shared && (v.prot & PROT_WRITE)) f += " ac";
  if (v.wipe_on_fork) f += " wf";
  if (v.sealed) f += " sl";
  return "VmFlags:" + f + " \n";
}

}  // namespace

std::string proc_maps(Process& p) {
  std::string out;
  std::shared_ptr<AddressSpace> as = p.as_if_alive();  // none for a zombie
  if (!as) return out;
  for (const Vma& v : as->vmas_merged()) out += maps_line(p, v);
  return out;
}

std::string proc_smaps(Process& p, bool rollup) {
  std::string out;
  std::shared_ptr<AddressSpace> as = p.as_if_alive();
  if (!as) return out;
  std::vector<Vma> vmas = as->vmas_merged();
  SmapCounts total;
  for (const Vma& v : vmas) {
    SmapCounts c = counts_of(*as, v);
    total.add(c);
    if (rollup) continue;
    out += maps_line(p, v);
    field(&out, "Size:", c.size);
    field(&out, "KernelPageSize:", kPageSize);
    field(&out, "MMUPageSize:", kPageSize);
    counters(&out, c, false);
    out += "THPeligible:           0\n";
    out += vm_flags(v);
  }
  if (rollup && !vmas.empty()) {
    char head[128];
    snprintf(head, sizeof head, "%08lx-%08lx ---p 00000000 00:00 0", (unsigned long)vmas.front().start,
             (unsigned long)vmas.back().end);
    out += head;
    out += std::string(73 - strlen(head), ' ') + "[rollup]\n";
    counters(&out, total, true);
  }
  return out;
}

namespace {

// /proc/<pid>/pagemap (see the top of this file).
struct PagemapFile : EmuFile {
  std::weak_ptr<Process> t;
  int64_t pwrite(const uint8_t*, uint64_t, uint64_t) override { return -EINVAL; }
  int64_t pread(uint8_t* buf, uint64_t len, uint64_t off) override {
    constexpr uint64_t kEntry = 8;
    if (off % kEntry || len % kEntry) return -EINVAL;  // Linux: whole entries only
    std::shared_ptr<Process> p = t.lock();
    std::shared_ptr<AddressSpace> asp = p ? p->as_if_alive() : nullptr;
    if (!asp) return 0;  // the mm is gone
    const AddressSpace& as = *asp;
    uint64_t first = off / kEntry, pages = as.limit() / kPageSize;
    if (first >= pages) return 0;
    uint64_t n = std::min<uint64_t>(len / kEntry, pages - first);
    n = std::min<uint64_t>(n, 1 << 16);  // a short read, as Linux's batches
    std::vector<uint64_t> out(n, 0);
    int host = open("/proc/self/pagemap", O_RDONLY | O_CLOEXEC);
    if (host < 0) return -errno;
    uint64_t lo = first * kPageSize, hi = (first + n) * kPageSize;
    for (const Vma& v : as.vmas()) {
      uint64_t s = std::max(v.start, lo), e = std::min(v.end, hi);
      if (s >= e) continue;
      uint64_t hpage = reinterpret_cast<uintptr_t>(as.base() + s) / kPageSize;
      uint64_t* dst = &out[(s - lo) / kPageSize];
      ssize_t got = ::pread(host, dst, (e - s) / kPageSize * kEntry, static_cast<off_t>(hpage * kEntry));
      if (got < 0) got = 0;
      for (uint64_t i = 0; i < (e - s) / kPageSize; ++i)
        dst[i] = i * kEntry < static_cast<uint64_t>(got) ? dst[i] & ~((uint64_t{1} << 55) - 1) : 0;
    }
    close(host);
    memcpy(buf, out.data(), n * kEntry);
    return static_cast<int64_t>(n * kEntry);
  }
};

}  // namespace

std::shared_ptr<EmuFile> proc_pagemap_file(const std::shared_ptr<Process>& t) {
  auto f = std::make_shared<PagemapFile>();
  f->t = t;
  return f;
}

}  // namespace hart::linux
