// linux-abi/vfs/root_fs.h — the root (jail) of a guest process tree (hart-run
// -R, hartd launch "root"): every guest path is looked up inside one host
// directory with openat2(RESOLVE_IN_ROOT) semantics (`..` and absolute
// symlinks stay inside), relative paths through the guest's cwd or dirfd
// seen as a path inside the root. /dev and /proc inside a root are emulated
// (proc_dev.cpp), whatever the root folder holds.
// Owns: the root's host dirfd and path, openat2 lookups, host ↔ guest path
// translation, the private /dev/shm folder of a root. Does not own: what the
// emulated /proc and /dev files contain (proc_dev.cpp) or the -L sysroot
// (elf_loader.h's sysroot_path: prefix first, then host).
#pragma once

#include <sys/types.h>

#include <atomic>
#include <memory>
#include <mutex>
#include <string>

namespace hart::linux {

class Process;
struct AtPath;

class RootFs {
 public:
  // Opens dir as a root. nullptr + *error if it is not a usable directory
  // or the host has no openat2 (Linux < 5.6).
  static std::shared_ptr<RootFs> open(const std::string& dir, std::string* error);
  ~RootFs();
  RootFs(const RootFs&) = delete;
  RootFs& operator=(const RootFs&) = delete;

  const std::string& host_path() const { return host_; }  // canonical, no trailing '/'
  int fd() const { return fd_; }                          // O_PATH directory
  // Closes the directory once no process uses the root any more (an ended
  // launch kept for its status); lookups fail with EBADF afterwards.
  void close_dir();

  // openat2(base, rel, flags, RESOLVE_IN_ROOT): a host fd or -errno. rel is
  // relative to base, which acts as "/" for `..` and absolute symlinks.
  static int open_beneath(int base, const std::string& rel, int flags, mode_t mode = 0);
  // An absolute guest path opened inside the root.
  int open(const std::string& guest_abs, int flags, mode_t mode = 0) const;
  // Host path → guest path ("" if it lies outside the root and /dev/shm).
  std::string to_guest(const std::string& host) const;
  // The host folder behind the guest's /dev/shm (created on first use; "" on failure).
  const std::string& shm_dir();
  // Removes that folder and what guests left in it (the destructor does;
  // hart-run, which ends with _exit, calls it first).
  void remove_shm();

 private:
  RootFs() = default;
  std::atomic<int> fd_{-1};
  std::string host_;
  std::once_flag shm_once_;
  std::string shm_;  // private folder under the host's /dev/shm (set once)
  std::atomic<bool> shm_set_{false};
};

// Lexically normalized absolute path ("." and ".." removed, no repeated or
// trailing '/').
std::string normalize_path(const std::string& abs);
// The same, except at a `..` right after one of the links of /proc and
// /dev/fd that lead to another file (/dev/fd/N/.., /proc/self/cwd/..):
// the rest is kept as written from there, for the lookup to go on from
// the link's file (Linux's walk climbs from that file, not from the link).
std::string normalize_through_links(const std::string& abs);

// Guest absolute path of what a host fd names (its /proc link, seen from the
// process's root or sysroot); "" if unknown.
std::string guest_path_of_fd(const Process& p, int host_fd);
// The same for a host path (the program's own file, /proc/PID/exe).
std::string guest_path_of_host(const Process& p, std::string host_path);
// The same, for a process-to-be with that root (or none) and sysroot ("" if none).
std::string guest_path_of_host(const RootFs* root, const std::string& sysroot, std::string host_path);

// The guest path (normalized) at which a walk of abs inside the root enters
// the emulated /proc or /dev through a symlink, or "" if it does not.
// dev: /dev is emulated too (a root); otherwise only /proc is.
std::string walk_to_emulated(const RootFs& root, const std::string& abs, bool follow_last,
                             bool dev = true);
// The host's "/" as a RootFs, for walks of guests without a root.
const RootFs* host_root_fs();

// resolve_at for a process with a root (sys_util.h's resolve_at calls it):
// guest is the path as the guest wrote it (non-empty). follow: the call
// follows a final symlink.
int resolve_in_root(Process& p, int64_t dirfd, const std::string& guest, bool follow,
                    AtPath* out);

}  // namespace hart::linux
