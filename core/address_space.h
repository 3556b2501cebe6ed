// core/address_space.h — one guest address space: a private reservation of
// host address space (limit() bytes + guard, PROT_NONE, MAP_NORESERVE) in
// which guest VA v lives at host address base + v, and the VMA list that
// records what the guest has mapped there (range, protection, backing, name).
// The size is chosen per address space: a power of two from 2^30 to Sv39's
// 2^38 (the host has 2^47 bytes of address space in all, so the size decides
// how many guests one hartd holds). All reservations together may be capped
// (set_reservation_cap); a refused or failed reservation is a capacity error.
// Owns: host mappings inside the reservation, the VMA list, validated copies
// between guest memory and hartd, the daemon-wide reservation count. Does
// not own: brk policy or mmap flag parsing (linux-abi), the Linux layout
// (stack, ELF bases: linux-abi), translated code (TbCache).
//
// Locking: one mutex (vma_mutex_) guards the VMA list and host mapping
// changes. Guest loads/stores from generated code never take it. The
// reservation count is one atomic.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <vector>

namespace hart {

constexpr uint64_t kGuestVaMax = uint64_t{1} << 38;  // the largest size: Sv39 user space
constexpr uint64_t kGuestVaMin = uint64_t{1} << 30;  // the smallest size
constexpr uint64_t kGuardBytes = uint64_t{1} << 20;     // catches straddling accesses
// The guard after the limit is larger: kGuardBytes plus this, so that a
// translated access at base + index + disp whose base + disp was checked
// below the limit needs no check of its own for any index below 2^32 (a
// 32-bit unsigned index: `add.uw`, the sieve's `s[j]`); see "Memory
// checks" in docs/ARCHITECTURE.md. PROT_NONE and MAP_NORESERVE: host
// address space only (a scale of 4 too would leave room for only half as
// many default-sized guests in the host's 2^47 bytes).
constexpr uint64_t kWideIndexBytes = uint64_t{1} << 32;
constexpr uint64_t kHighGuardBytes = kGuardBytes + kWideIndexBytes;
// PROT_NONE below guest address 0: catches a translated loop's induction
// base walking down past 0 (see "Memory checks" in docs/ARCHITECTURE.md).
constexpr uint64_t kLowGuardBytes = uint64_t{1} << 20;
constexpr uint64_t kPageSize = 4096;

constexpr uint64_t page_down(uint64_t a) { return a & ~(kPageSize - 1); }
constexpr uint64_t page_up(uint64_t a) { return (a + kPageSize - 1) & ~(kPageSize - 1); }

// Guest protections use the host PROT_* values (PROT_READ=1, WRITE=2, EXEC=4).
struct Vma {
  uint64_t start = 0;   // page aligned
  uint64_t end = 0;     // exclusive, page aligned
  int prot = 0;
  bool shared = false;
  int host_fd = -1;     // backing file (not owned; -1 for anonymous), for /proc/self/maps
  uint64_t offset = 0;  // file offset of start
  std::string name;     // "[heap]", "[stack]", a guest path, or empty
  uint64_t dev = 0, inode = 0;  // the backing file's st_dev/st_ino (0: none), for /proc/PID/maps
  bool grows_down = false;  // MAP_GROWSDOWN: a fault just below extends it (linux-abi)
  bool locked = false;      // MAP_LOCKED / mlock: counted in VmLck
  bool sealed = false;      // mseal: no unmap, remap, protect or MAP_FIXED over it (EPERM); kept by fork
  // madvise's fork behaviour (kept by fork, gone with exec): the child gets
  // zeros (MADV_WIPEONFORK, private anonymous only), or no mapping at all
  // (MADV_DONTFORK).
  bool wipe_on_fork = false;
  bool dont_fork = false;
};

enum RemapFlags : unsigned { kRemapMayMove = 1, kRemapFixed = 2, kRemapDontUnmap = 4 };

enum MapFlags : unsigned {
  kMapFixed = 1,           // replace whatever is there
  kMapFixedNoReplace = 2,  // fail with -EEXIST if anything is there
  kMapShared = 4,
  kMapNoReserve = 8,
  kMapGrowsDown = 16,  // Vma::grows_down
  kMapLocked = 32,     // Vma::locked; the host pages are populated
};

// memcpy that survives a host fault (SIGSEGV/SIGBUS) on an address in
// [lo, hi): another guest thread unmapping the range meanwhile, a shared
// file mapping past the end of its file. false if it faulted (dst then
// holds a prefix). Host fault handlers call guarded_copy_fault first.
bool guarded_copy(void* dst, const void* src, uint64_t len, const void* lo, const void* hi);
// The same for any access: runs fn(arg), false if it faulted in [lo, hi)
// (fn is then abandoned: it must own nothing that needs destroying).
bool guarded_call(void (*fn)(void*), void* arg, const void* lo, const void* hi);
// From a SIGSEGV/SIGBUS handler: if the fault at addr hit this thread's
// guarded_copy, leaves the handler into guarded_copy (does not return).
void guarded_copy_fault(const void* addr);
// "" if size is a valid address-space size (a power of two in
// [kGuestVaMin, kGuestVaMax]), else why not.
std::string check_address_space_size(uint64_t size);
// Parses a size as users write it: bytes, or a number with a binary suffix
// K, M, G or T (optionally followed by "iB" or "B"), e.g. "16G". false +
// *error if it is not one or does not fit 64 bits.
bool parse_size(const std::string& text, uint64_t* bytes, std::string* error);
// parse_size, then check_address_space_size.
bool parse_address_space_size(const std::string& text, uint64_t* size, std::string* error);
// "16 GiB", "256 MiB", "1 TiB" (sizes are powers of two; others in bytes).
std::string format_size(uint64_t bytes);

class AddressSpace {
 public:
  static constexpr int64_t kMaxMapCount = 65530;  // Linux's default vm.max_map_count
  // Reserves a region for guest addresses [0, size) (size as checked by
  // check_address_space_size). Returns nullptr and sets *error on failure;
  // every failure is a capacity failure (the reservation cap is reached or
  // the host has no room: ENOMEM), the message says which.
  static std::unique_ptr<AddressSpace> create(uint64_t size, std::string* error);
  ~AddressSpace();
  AddressSpace(const AddressSpace&) = delete;
  AddressSpace& operator=(const AddressSpace&) = delete;

  // Daemon-wide: the most bytes of guest address space (sum of the sizes of
  // live address spaces, guards not counted) that may be reserved at once;
  // 0 = no cap but the host's. reserved_bytes()/live_count(): now.
  static void set_reservation_cap(uint64_t bytes);
  static uint64_t reservation_cap();
  static uint64_t reserved_bytes();
  static uint64_t live_count();

  uint8_t* base() const { return base_; }
  // The size: guest addresses are [0, limit()).
  uint64_t limit() const { return limit_; }
  // Where mmap(NULL) looks first: a quarter of the size (2^36 for 2^38).
  uint64_t mmap_base() const { return limit_ / 4; }
  bool contains_host(const void* p) const {
    auto a = reinterpret_cast<uintptr_t>(p), b = reinterpret_cast<uintptr_t>(base_);
    return a >= b - kLowGuardBytes && a < b + limit_ + kHighGuardBytes;
  }

  // mmap-like. addr is a hint unless kMapFixed/kMapFixedNoReplace. host_fd
  // < 0 maps anonymous zero pages. Returns the guest address or -errno.
  int64_t map(uint64_t addr, uint64_t len, int prot, unsigned flags, int host_fd,
              uint64_t offset, const std::string& name);
  int unmap(uint64_t addr, uint64_t len);             // 0 or -errno
  // mremap (Linux's semantics, flags kRemap*): resizes or moves the mapping
  // at [old_addr, old_addr + old_len) — which must lie in one VMA — with the
  // host's mremap, so the pages themselves move (anonymous, shared and file
  // mappings alike). old_len 0 makes a second view of a shared mapping. The
  // new address or -errno.
  int64_t remap(uint64_t old_addr, uint64_t old_len, uint64_t new_len, unsigned flags,
                uint64_t new_addr);
  // A hole remap left in the reservation was taken by another of hartd's
  // mappings before it could be filled back (a race hartd loses only under
  // pressure): guest addresses there reach hartd's memory, so the process
  // owning this address space must not run on.
  bool tainted() const { return tainted_.load(); }
  // mprotect. As Linux 6.12+, VMA by VMA: a sealed VMA stops it with -EPERM
  // after the VMAs before it changed.
  int protect(uint64_t addr, uint64_t len, int prot); // 0 or -errno
  // mseal (Linux 6.10+): seals every VMA of [addr, addr + len) (page
  // aligned), splitting at the edges; -ENOMEM (nothing sealed) if any page
  // of the range is unmapped. map(kMapFixed), unmap, remap and protect then
  // refuse the sealed VMAs with -EPERM; fork_copy keeps the seals, a new
  // address space (execve) has none.
  int seal(uint64_t addr, uint64_t len);
  // madvise MADV_DONTFORK/DOFORK/WIPEONFORK/KEEPONFORK on [addr, addr + len)
  // (page aligned, mapped): sets or clears Vma::dont_fork or wipe_on_fork,
  // splitting at the edges; fork_copy honours them. WIPEONFORK on a shared
  // or file mapping is -EINVAL (nothing changed), as Linux.
  int set_fork_advice(uint64_t addr, uint64_t len, bool wipe, bool on);
  // True if any VMA overlapping [addr, addr + len) is sealed.
  bool sealed_in(uint64_t addr, uint64_t len) const;

  // Lowest free gap of len bytes at or above hint (0 = default base).
  uint64_t find_free(uint64_t len, uint64_t hint) const;

  // True when every page of [addr, addr+len) is mapped with at least prot.
  bool check(uint64_t addr, uint64_t len, int prot) const;

  // Validated copies for syscall handlers and the loader; false = EFAULT.
  bool read(uint64_t addr, void* dst, uint64_t len) const;
  bool write(uint64_t addr, const void* src, uint64_t len);
  // Instruction fetch: every page of the range is mapped with PROT_EXEC;
  // reads execute-only pages too (through a forced read of the host view,
  // since the host page is then PROT_NONE). false = the guest faults.
  bool fetch(uint64_t addr, void* dst, uint64_t len) const;
  // True if [addr, addr + len) is executable for the guest and holds
  // exactly `expect` (shared translations check their code with it: one
  // walk of the VMA list instead of fetch's two).
  bool fetch_equals(uint64_t addr, const void* expect, uint64_t len) const;
  // guarded_call on this address space's reservation: runs fn(arg), which
  // touches guest memory directly (atomics on futex words); false if that
  // faulted (the guest unmapped the page meanwhile, a file page past EOF).
  bool guarded(void (*fn)(void*), void* arg) const;
  // Debugger/ptrace read that ignores guest PROT_READ (not unmapped holes).
  bool peek(uint64_t addr, void* dst, uint64_t len) const;
  // Loader/debugger write that ignores guest PROT_WRITE (not PROT_NONE holes).
  bool poke(uint64_t addr, const void* src, uint64_t len);
  // Reads a NUL-terminated string of at most max bytes; false = EFAULT or too long.
  bool read_string(uint64_t addr, std::string* out, uint64_t max = 4096) const;

  // Translated-code write detection. protect_code() makes the writable
  // pages of [lo, end) read-only on the host (the guest's protection is
  // unchanged); a guest write to them then faults, and the fault handler (or
  // check() with PROT_WRITE, before a host syscall writes guest memory) calls
  // unprotect_code(), which restores them and reports the range through the
  // change listener so the translations are dropped.
  // Returns true when every page of the range was watched already: in a
  // private read-only mapping, or protected by an earlier call (see
  // code_epoch()).
  bool protect_code(uint64_t lo, uint64_t end);
  // A counter that moves before anything can change guest code bytes
  // without a fault: every mmap/munmap/mprotect/mremap, poke, snapshot
  // restore, unprotect_code() and protect_code() of a page not watched yet.
  // A translation whose bytes were read after the counter showed e, and
  // whose pages protect_code() found all watched while it still shows e,
  // cannot be stale: no page of it changed state, and watched pages change
  // only through the events above (Vcpu::find_tb's cheap path).
  uint64_t code_epoch() const { return code_epoch_.load(std::memory_order_acquire); }
  // True if addr's page was protected (it is writable again now).
  bool unprotect_code(uint64_t addr, uint64_t len) const;
  // Pages holding translated code whose writes protect_code() cannot see
  // (shared writable mappings): fence.i must drop their translations.
  std::vector<uint64_t> unwatched_code_pages() const;

  std::vector<Vma> vmas() const;
  // The VMAs as Linux's merging would show them (/proc/PID/maps, core
  // files): neighbours with the same protection, sharing, name and backing
  // (anonymous, or the same file at contiguous offsets) are one entry, so a
  // heap grown by several brk calls is one [heap].
  std::vector<Vma> vmas_merged() const;
  // Renames the VMA that starts at addr (e.g. "[heap]").
  void set_name(uint64_t addr, const std::string& name);
  // Names every VMA inside [lo, hi) after a file (name, st_dev, st_ino): an
  // ELF image the loader loaded, shown as its file (its bss too).
  void set_file(uint64_t lo, uint64_t hi, const std::string& name, uint64_t dev, uint64_t inode);

  // fork(): a new address space of the same size with the same VMAs. Private pages are
  // copied (anonymous ones only where the host has them resident or in swap;
  // untouched ones read back as zeros anyway); MAP_SHARED mappings map the
  // same host pages (a second view made with mremap(old_size = 0)). A
  // private file mapping whose file open_file opens again (an fd of the
  // same file, or -1) is mapped from it afresh, and only the pages written
  // in it (anonymous copies on the host) are copied: a shell's fork no
  // longer copies every library's text. The change listener is not copied.
  // nullptr + *error on failure.
  using FileOpener = std::function<int(const Vma&)>;
  std::unique_ptr<AddressSpace> fork_copy(std::string* error, const FileOpener& open_file = {}) const;

  // Record/replay (linux-abi/process/record.h): makes this address space
  // what snap (a fork_copy() taken earlier) holds: every mapping goes,
  // snap's private VMAs come back as private anonymous memory with snap's
  // bytes, protections, names and flags; shared ones come back as a second
  // view of snap's pages (their contents are the world's, not restored).
  // The change listener sees the whole range. 0 or -errno.
  int restore_from(const AddressSpace& snap);

  // Record/replay: while a capture is set on the calling thread, every
  // range hartd is about to write for the guest — write(), poke(),
  // check() with PROT_WRITE and unprotect_code() (which host_span-style
  // callers use before a host syscall fills guest memory) — is appended to
  // it as (guest address, length). Set around one system call.
  using WriteCapture = std::vector<std::pair<uint64_t, uint64_t>>;
  static void set_write_capture(WriteCapture* capture);

  // Called (outside the lock) after guest pages lose their mapping or their
  // protection changes, so translated code from them can be dropped.
  void set_change_listener(std::function<void(uint64_t start, uint64_t end)> fn) {
    on_change_ = std::move(fn);
  }

 private:
  AddressSpace(uint8_t* base, uint64_t limit) : base_(base), limit_(limit) {}
  // Removes [start,end) from the VMA list, splitting at the edges. Lock held.
  void carve(uint64_t start, uint64_t end);
  bool range_free(uint64_t start, uint64_t end) const;
  // The start of the first sealed VMA overlapping [start, end), or end if
  // none. Lock held.
  uint64_t first_sealed_locked(uint64_t start, uint64_t end) const;
  // Splits the VMAs at start and end and applies fn to every piece inside,
  // then counts the VMAs again. Lock held.
  void update_locked(uint64_t start, uint64_t end, const std::function<void(Vma&)>& fn);
  std::atomic<bool> tainted_{false};
  const uint8_t* end_of_reservation() const { return base_ + limit_ + kHighGuardBytes; }
  // peek/fetch once the range is known to be mapped: a guarded copy where
  // the host can read, a forced read of hartd's own memory file elsewhere.
  bool copy_mapped(uint64_t addr, void* dst, uint64_t len) const;
  // VMA count limits (Linux's vm.max_map_count per process, and the guests'
  // share of hartd's own host mappings): room for n more VMAs? Lock held.
  bool room_for_vmas(int n) const;
  // Brings the daemon-wide count up to date with vma_. Lock held.
  void account_vmas();
  int64_t vma_accounted_ = 0;
  // Puts the reservation back over a hole at [addr, addr+len) that nothing
  // else took meanwhile. Lock held.
  bool reserve_hole(uint64_t addr, uint64_t len);

  uint8_t* base_;
  uint64_t limit_;
  mutable std::mutex vma_mutex_;
  std::map<uint64_t, Vma> vma_;  // keyed by start
  std::function<void(uint64_t, uint64_t)> on_change_;
  mutable std::atomic<uint64_t> code_epoch_{0};
  // Moves code_epoch_, then tells the change listener about [start, end).
  void changed(uint64_t start, uint64_t end) const {
    code_epoch_.fetch_add(1, std::memory_order_acq_rel);
    if (on_change_) on_change_(start, end);
  }
  // Guest page numbers made read-only by protect_code(), and those it could
  // not protect (writable but shared). vma_mutex_.
  mutable std::set<uint64_t> code_wp_;
  mutable std::set<uint64_t> code_unwatched_;
  // Drops protect_code() state for [start, end) (the host protection is
  // being replaced anyway). Lock held.
  void forget_code_wp(uint64_t start, uint64_t end) const;
  // check()'s walk, vma_mutex_ held, addr/len within the limit: true when
  // every page is mapped with at least prot; *common (if given) gets the
  // protections every VMA of the range has.
  bool mapped_with_locked(uint64_t addr, uint64_t len, int prot, int* common) const;
};

}  // namespace hart
