// linux-abi/syscalls/sys_util.h — helpers shared by the syscall handler files:
// host-result to -errno conversion, guest path reading and *at() path
// resolution (sysroot, root, cwd, /proc and /dev emulation), guest buffer
// checks.
// Owns: nothing stateful. Internal to linux-abi/.
#pragma once

#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/uio.h>

#include <algorithm>
#include <cerrno>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "linux-abi/process/fd_table.h"
#include "linux-abi/process/process.h"
#include "linux-abi/syscalls/syscall_table.h"

// Host numbers of calls newer than the build machine's headers may name
// (from 424 on, every architecture shares one numbering). A host kernel
// without them answers ENOSYS.
#ifndef SYS_cachestat
#define SYS_cachestat 451
#endif
#ifndef SYS_fchmodat2
#define SYS_fchmodat2 452
#endif
#ifndef SYS_futex_wake
#define SYS_futex_wake 454
#define SYS_futex_wait 455
#define SYS_futex_requeue 456
#endif

namespace hart::linux {

constexpr uint64_t kMaxRwCount = 0x7ffff000;  // Linux's MAX_RW_COUNT

// r < 0 → -errno (of the host call that just failed), else r.
inline int64_t host_ret(int64_t r) { return r < 0 ? -static_cast<int64_t>(errno) : r; }

// Reads a guest path: 0, -EFAULT, -ENAMETOOLONG, or -ENOENT when empty
// (unless allow_empty).
int read_guest_path(Process& p, uint64_t addr, std::string* out, bool allow_empty = false);

// A resolved *at() path: host dirfd + host path (relative to dirfd, or absolute).
struct AtPath {
  std::shared_ptr<HostFd> keep;  // keeps the dirfd open during the call
  std::shared_ptr<HostFd> keep2;
  int dirfd = -1;
  std::string path;   // host path to pass to the host *at() call
  std::string guest;  // as the guest wrote it
  // Emulated files (/proc, /dev; proc_dev.cpp). path then names a host file
  // to stat in its place.
  std::shared_ptr<SynthDir> synth;  // an emulated directory: open() gives this listing
  // An emulated file: open() calls this (host fd or -errno).
  std::function<int(const Vcpu& self, int64_t flags)> open_emulated;
  // An emulated file served by hartd (EmuFile): open() calls this (0 with
  // *file set, or -errno).
  std::function<int(int64_t flags, std::shared_ptr<HostFd>* file)> open_emu;
  bool has_link = false;  // an emulated symlink: readlink gives `link`
  // path is a host file standing in for an emulated one (/dev/null, a /proc
  // file, the folder behind an emulated directory): never changed for the
  // guest (chmod, unlink, rename... fail with EACCES).
  bool host_only = false;
  std::string link;
  // Inside a root (root_fs.h): what openat2 opens for a plain open().
  int root_base = -1;
  std::string root_rel;
  int resolved_fd = -1;  // the O_PATH fd path names (root lookups that follow)
  std::string abs;       // the guest path made absolute (root lookups; "" if unknown)
  int64_t guest_dirfd = -100;  // the guest's dirfd argument (AT_FDCWD = -100)
  // A path on through one of the links of /proc and /dev/fd that lead to
  // another file (/dev/fd/N/REST, /proc/PID/fd/N/REST, /proc/PID/cwd/REST,
  // /proc/PID/root/REST): emulate_path sets via and leaves REST (via_rest)
  // to be looked up from that file (via_fd; none for the root, whose REST
  // is absolute), as Linux's walk goes on from the file the link leads to.
  // resolve_at and resolve_in_root do that.
  bool via = false;
  std::shared_ptr<HostFd> via_fd;
  std::string via_rest;
  bool through_link = false;  // the lookup went on through such a link (openat2's resolve flags)
  // Set by the /proc and /dev emulation (path is then hartd's stand-in).
  bool emulated() const { return synth || open_emulated || open_emu || has_link || host_only; }
};
// 0 or -errno. Absolute guest paths go through the sysroot (or the root);
// relative ones through dirfd (AT_FDCWD = the process cwd). follow: the
// call follows a final symlink (matters inside a root only).
int resolve_at(Process& p, int64_t dirfd, uint64_t path_addr, AtPath* out,
               bool allow_empty = false, bool follow = true);
// Takes what emulate_path left for a path on through a link (via_fd,
// via_rest) and starts *out afresh for the lookup of that rest (the
// guest's path kept, through_link set); depth counts the links followed.
// 0, or -ELOOP past 40 links, -ENOTDIR through a file hartd serves.
int take_via(AtPath* out, int depth, std::shared_ptr<HostFd>* fd, std::string* rest);
// resolve_at for a path hartd has already (out->guest, not empty).
int resolve_guest_path(Process& p, int64_t dirfd, AtPath* out, bool follow = true);

// The persona personality() set for process pid (sys_system.cpp; 0 PER_LINUX).
uint32_t personality_of(int pid);
// fork/clone of a new process: the child has its parent's persona.
void inherit_personality(int parent, int child);

// Opens what at names (resolve_at's result) with open flags (the mode in
// ctx.a[3]), for openat and openat2 (sys_fs.cpp): a new guest fd or -errno.
// *reroute is set when the host lookup reached the host's procfs, which the
// caller must look up again through the emulation.
int64_t open_resolved(SyscallCtx& ctx, AtPath& at, int64_t flags, bool* reroute);

// Is host fd a /proc file hartd generated (a "hart-proc" memfd; proc_dev.cpp)?
bool is_generated_proc_file(int host_fd);

// Does the guest path name its last component itself (not "x/", "x/.",
// "x/..")? Only then is an emulated symlink seen as a link (sys_fs.cpp).
bool names_link(const std::string& g);

// /proc and /dev emulation for a normalized absolute guest path
// (proc_dev.cpp): 1 if the path is not emulated, 0 with *out set, or -errno.
// in_root: the process has a root, so all of /proc and /dev is emulated.
int emulate_path(Process& p, const std::string& norm, bool in_root, AtPath* out);
// Host objects a guest must never reach, decided by what a host lookup
// found rather than by its path (proc_dev.cpp): an object on the host's
// procfs (hartd's own /proc, another process's) reached through a symlink,
// a bind mount or a host directory fd, or a device that exposes host memory
// (/dev/mem, /dev/kmem, /dev/port).
bool host_fd_on_procfs(int host_fd);
bool host_dev_on_procfs(dev_t dev);  // a stat result's st_dev
// 0 if host fd hfd (just opened for at) may be given to the guest;
// -EACCES for memory devices and writable host procfs files; 1 if it is
// on the host's procfs and the lookup must go through the emulation
// instead (reroute_host_proc).
int host_object_check(int hfd);
// The guest path of at, walked again with the guest's view of symlinks
// into the emulated /proc: 0 with *out set, or -ENOENT.
int reroute_host_proc(Process& p, const AtPath& at, bool follow, AtPath* out);
// The emulation of e, an emulated path a host lookup led to (guest: the
// path as the guest wrote it, kept in *out): 0 with *out set, -ENOENT if e
// is not emulated, or -errno. A path on through a link to another file
// (AtPath::via) is looked up on from that file.
int emulate_found(Process& p, const std::string& e, const std::string& guest, bool follow, AtPath* out);

// getdents64 on an emulated directory.
int64_t synth_getdents(SynthDir& d, uint8_t* buf, uint64_t len);
// What readlink of a host fd shows the guest (root/sysroot prefix removed).
std::string guest_link_of(const Process& p, int host_fd);
// What readlink of a host fd's /proc/self/fd link gives ("" on failure).
std::string host_link_of(int host_fd);
// What getcwd and /proc/PID/cwd show of a cwd that chdir entered by a host
// path inside the sysroot (HostFd::host_named): that host path; "" for any
// other cwd (they show its guest path).
std::string host_named_cwd(const Process& p);

// True if the guest path names this process's /proc/self/<what> (or /proc/<pid>/<what>).
bool is_proc_self(const Process& p, const std::string& path, const char* what);

// The PI futex operations of sys_futex (sys_futex_pi.cpp); ENOSYS for the
// requeue-PI ones.
int64_t futex_pi(SyscallCtx& ctx, int cmd, int op);

// pipe2/socketpair: installs two new host fds as guest fds and stores the
// pair (int[2]) at out_addr; on any failure nothing stays installed or open.
int64_t install_fd_pair(Process& p, int h0, int h1, bool cloexec, uint64_t out_addr);

// The end of user space for Linux's access_ok() (riscv64 with Sv48: 2^47;
// x86-64's is a page less). Guest memory ends at the address space's
// limit(); addresses from there to here are valid but never mapped, as in a
// process whose mappings all lie below that limit.
constexpr uint64_t kUserAddrEnd = uint64_t{1} << 47;

// A guest buffer that a host call may move only part of (the read/write
// families, vmsplice, getrandom): the host pointer for [addr, addr+*len), or
// nullptr (EFAULT for the whole call) when access_ok() would fail (past
// kUserAddrEnd, or wrapping). The pages are NOT checked one by one: a page
// the guest cannot access with prot is not accessible on the host either
// (host protection is the guest's minus PROT_EXEC; unmapped guest pages and
// the guard after limit() are PROT_NONE), so the host kernel stops at
// the same byte as Linux would and returns its own partial count, or EFAULT
// when nothing moved. A buffer at or past limit() is pointed at the
// guard (faults at once); one crossing it is cut to end inside the guard.
// With PROT_WRITE, pages of translated code in the range are made writable
// first (AddressSpace::unprotect_code), as check() does. With Supm's
// tagged-address ABI on, addr is untagged first (the kernel's uaccess), so
// buffers that arrive inside structures (iovecs) may be tagged too.
inline uint8_t* host_span(Process& p, uint64_t addr, uint64_t* len, int prot) {
  addr = pointer_mask(addr, p.tagged_pmlen.load(std::memory_order_relaxed));
  uint64_t n = *len, limit = p.as().limit();
  if (n == 0) return p.as().base() + (addr < limit ? addr : 0);
  if (addr >= kUserAddrEnd || n > kUserAddrEnd - addr) return nullptr;
  if (addr >= limit) {
    *len = std::min<uint64_t>(n, kGuardBytes);
    return p.as().base() + limit;
  }
  *len = std::min<uint64_t>(n, limit + kGuardBytes - addr);
  if (prot & PROT_WRITE) p.as().unprotect_code(addr, std::min<uint64_t>(n, limit - addr));
  return p.as().base() + addr;
}

// The buffer of read/write/pread64/pwrite64/getrandom: host_span over the
// whole length (Linux's access_ok), then capped at MAX_RW_COUNT.
inline uint8_t* rw_span(Process& p, uint64_t addr, uint64_t* len, int prot) {
  uint8_t* b = host_span(p, addr, len, prot);
  *len = std::min(*len, kMaxRwCount);
  return b;
}

// Linux's import_iovec for a host call on guest memory: reads cnt guest
// iovecs at addr into *out as host_span()s (prot: PROT_WRITE when the call
// fills them). Returns the total length (capped at MAX_RW_COUNT, as Linux
// caps it), -EINVAL (cnt > 1024, a negative length) or -EFAULT (the array,
// a segment failing access_ok()). With Supm's tagged-address ABI on, the
// array's address and the segments' are untagged (the kernel's uaccess).
int64_t import_iovec(Process& p, uint64_t addr, uint64_t cnt, int prot,
                     std::vector<struct iovec>* out);

// write_limits.cpp. signal_self: sig to the calling thread, si_code SI_USER
// from its own process (Linux's send_sig(sig, current, 0): SIGPIPE, SIGXFSZ).
void signal_self(SyscallCtx& ctx, int sig);
// RLIMIT_FSIZE for a write of len bytes at pos (pos < 0: the file position;
// append or O_APPEND: the end) on host_fd: the length allowed (len, or less
// up to the limit), or -EFBIG with SIGXFSZ sent when pos is at or past the
// limit. Only regular files open for writing are limited.
int64_t fsize_clamp(SyscallCtx& ctx, int host_fd, int64_t pos, uint64_t len, bool append = false);
// RLIMIT_FSIZE for growing host_fd's regular file to new_size (truncate,
// fallocate): 0, or -EFBIG with SIGXFSZ sent.
int fsize_check_size(SyscallCtx& ctx, int host_fd, int64_t new_size);
// Cuts an iovec array to len bytes in all.
void trim_iovec(std::vector<struct iovec>* iov, uint64_t len);

// Guest buffer → host pointer after checking every page has prot; nullptr
// if not. Untagged like host_span.
inline uint8_t* guest_buf(Process& p, uint64_t addr, uint64_t len, int prot) {
  addr = pointer_mask(addr, p.tagged_pmlen.load(std::memory_order_relaxed));
  if (len == 0) return p.as().base() + (addr < p.as().limit() ? addr : 0);
  if (!p.as().check(addr, len, prot)) return nullptr;
  return p.as().base() + addr;
}

// now on host clock c + rel, saturating like Linux's ktime_add_safe: the
// absolute deadline of a relative wait (sys_time.cpp; nanosleep, futex).
struct timespec deadline_after(clockid_t c, const GuestTimespec& rel);

// A guest access faulted at addr on an unmapped page: if a MAP_GROWSDOWN
// mapping lies above it (no mapping between), it is extended down to addr
// as Linux's expand_stack does (RLIMIT_STACK, RLIMIT_AS, the stack guard
// gap) and true is returned: the access can run again (sys_mm.cpp).
bool grow_down_to(Process& p, uint64_t addr);
// execve: drops p's AIO contexts (their rings went with the old image; sys_aio.cpp).
void aio_drop_contexts(Process& p);
// execve: deletes p's POSIX timers (timer_create), as Linux's exec does (sys_time.cpp).
void delete_posix_timers(Process& p);
// The mode a creating call passes to the host: the guest's permission
// bits; the host thread's umask is the guest's (creds.h) and applies there,
// as Linux applies it (not at all under a default ACL). Masked here only
// when this host thread could not get a private umask.
inline mode_t create_mode(const Process& p, uint64_t mode) {
  return static_cast<mode_t>(mode & 07777 & (host_umask_is_guests() ? 07777u : ~p.umask()));
}
// kill(2)'s permission check of a signal to target (sys_signal.cpp): 0 or -EPERM.
int may_signal(SyscallCtx& ctx, Process& target, int sig);
// seccomp(op, flags, uargs) with Linux's argument checks; hartd installs
// no filters (sys_system.cpp). prctl(PR_SET_SECCOMP) comes here too.
int64_t seccomp_unsupported(SyscallCtx& ctx, uint64_t op, uint64_t flags, uint64_t uargs);
// pidfds (sys_pidfd.cpp): a new close-on-exec pidfd in owner's table naming
// target (the fd or -errno); the pid a guest pidfd names (-EBADF if fd is
// not one; *nonblock: opened with PIDFD_NONBLOCK).
int open_pidfd(Process& owner, const std::shared_ptr<Process>& target, bool nonblock);
int pidfd_pid(Process& p, int fd, bool* nonblock);
// ptrace_may_access(PTRACE_MODE_READ_REALCREDS) from the calling guest
// thread to t: same real/effective/saved ids, or CAP_SYS_PTRACE (sys_procmem.cpp).
bool may_ptrace_read(SyscallCtx& ctx, Process& t);
// prctl's credential options (sys_creds.cpp).
int64_t prctl_creds(SyscallCtx& ctx);

}  // namespace hart::linux
