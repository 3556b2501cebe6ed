// linux-abi/syscalls/write_limits.cpp — what Linux checks on every write to a
// file that the host cannot check for a guest: the guest's RLIMIT_FSIZE
// (hartd's own host limit is not the guest's), as generic_write_check_limits
// (write, pwrite, the vector forms, sendfile, splice and copy_file_range into
// a regular file: cut at the limit, or SIGXFSZ and EFBIG at it or past it)
// and inode_newsize_ok (truncate, ftruncate and fallocate growing a regular
// file past it: SIGXFSZ and EFBIG) do; and the signal those checks and
// EPIPE send to the writing thread (send_sig(sig, current, 0)).
// Owns: these checks. Does not own: the calls (sys_fs.cpp, sys_fs_io.cpp) or
// the limits (setrlimit in sys_process.cpp).
#include <fcntl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>

#include "linux-abi/process/signals.h"
#include "linux-abi/syscalls/sys_util.h"

namespace hart::linux {

void signal_self(SyscallCtx& ctx, int sig) {
  GuestSiginfo info{};
  info.si_signo = sig;
  info.si_code = kSI_USER;
  info.f.kill.pid = ctx.proc.pid();
  info.f.kill.uid = Process::thread_of(ctx.vcpu).cred.ruid;
  send_signal(ctx.proc, &ctx.vcpu, info, &ctx.vcpu);
}

namespace {

// The guest's finite RLIMIT_FSIZE and a regular file open for writing on
// host_fd (its size and open flags), or false: nothing to check (the host
// call gives any other error).
bool limited_file(SyscallCtx& ctx, int host_fd, uint64_t* limit, struct stat* st, int* flags) {
  *limit = ctx.proc.rlimits[RLIMIT_FSIZE].rlim_cur;
  if (*limit == ~uint64_t{0}) return false;
  *flags = fcntl(host_fd, F_GETFL);
  if (*flags < 0 || (*flags & O_ACCMODE) == O_RDONLY || (*flags & O_PATH)) return false;
  return fstat(host_fd, st) == 0 && S_ISREG(st->st_mode);
}

}  // namespace

int64_t fsize_clamp(SyscallCtx& ctx, int host_fd, int64_t pos, uint64_t len, bool append) {
  uint64_t limit;
  struct stat st;
  int flags;
  if (len == 0 || !limited_file(ctx, host_fd, &limit, &st, &flags)) return static_cast<int64_t>(len);
  if (append || (flags & O_APPEND)) {
    pos = st.st_size;
  } else if (pos < 0) {
    pos = lseek(host_fd, 0, SEEK_CUR);
    if (pos < 0) return static_cast<int64_t>(len);
  }
  if (static_cast<uint64_t>(pos) >= limit) {
    signal_self(ctx, SIGXFSZ);
    return -EFBIG;
  }
  return static_cast<int64_t>(std::min<uint64_t>(len, limit - static_cast<uint64_t>(pos)));
}

int fsize_check_size(SyscallCtx& ctx, int host_fd, int64_t new_size) {
  uint64_t limit;
  struct stat st;
  int flags;
  if (new_size < 0 || !limited_file(ctx, host_fd, &limit, &st, &flags)) return 0;
  if (new_size <= st.st_size || static_cast<uint64_t>(new_size) <= limit) return 0;
  signal_self(ctx, SIGXFSZ);
  return -EFBIG;
}

void trim_iovec(std::vector<struct iovec>* iov, uint64_t len) {
  size_t i = 0;
  for (; i < iov->size() && len; ++i) {
    (*iov)[i].iov_len = std::min<uint64_t>((*iov)[i].iov_len, len);
    len -= (*iov)[i].iov_len;
  }
  iov->resize(i);
}

}  // namespace hart::linux
