// linux-abi/process/file_locks.h — POSIX record locks (fcntl F_GETLK/F_SETLK/
// F_SETLKW) between guest processes. All guests live in one host process,
// so the host's process-owned locks cannot tell them apart: the lock table
// is kept here, keyed by the file's (dev, inode), owned by guest pids, with
// Linux's semantics: ranges split and merge, a lock is released when its
// process closes any fd of the file or exits, F_GETLK reports the guest pid
// of a conflicting lock, F_SETLKW waits interruptibly (restarts after an
// SA_RESTART handler) and fails with EDEADLK when the wait would close a
// cycle of waiting processes. Open file description locks (F_OFD_*) live
// in the same table, owned by their open file description (a HostFd), so
// OFD and POSIX locks conflict with each other as on Linux; they go when
// the description's last fd closes, and F_GETLK reports them with pid -1.
// Owns: the lock table. Does not own: flock() (per open file description,
// which the host gives correctly: sys_fs.cpp passes it on).
// Locking: one mutex (a leaf; never held while taking a Process::mutex_).
#pragma once

#include <cstdint>

namespace hart::linux {

struct SyscallCtx;

class HostFd;

// fcntl(fd, F_GETLK/F_SETLK/F_SETLKW or F_OFD_GETLK/SETLK/SETLKW, arg) for
// the guest fd `file`: 0 or -errno (or the restart code).
int64_t posix_lock_fcntl(SyscallCtx& ctx, HostFd& file, int cmd, uint64_t arg);
// The open file description whose OFD locks were owned by id is gone.
void ofd_locks_released(int64_t id);
// Process owner closed a descriptor of the file host_fd refers to: its locks
// on that file go. host_fd = -1: the process is gone, all its locks go.
void posix_locks_closed(int owner, int host_fd);

}  // namespace hart::linux
