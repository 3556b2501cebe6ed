// linux-abi/file_locks.h — POSIX record locks (fcntl F_GETLK/F_SETLK/
// F_SETLKW) between guest processes. All guests live in one host process,
// so the host's process-owned locks cannot tell them apart: the lock table
// is kept here, keyed by the file's (dev, inode), owned by guest pids, with
// Linux's semantics: ranges split and merge, a lock is released when its
// process closes any fd of the file or exits, F_GETLK reports the guest pid
// of a conflicting lock, F_SETLKW waits interruptibly (restarts after an
// SA_RESTART handler) and fails with EDEADLK when the wait would close a
// cycle of waiting processes.
// Owns: the lock table. Does not own: OFD locks and flock() (per open file
// description, which the host gives correctly: sys_fs.cpp passes them on).
// Locking: one mutex (a leaf; never held while taking a Process::mutex_).
#pragma once

#include <cstdint>

namespace hart::linux {

struct SyscallCtx;

// fcntl(fd, F_GETLK/F_SETLK/F_SETLKW, arg) for the guest fd whose host fd
// is host_fd: 0 or -errno (or the restart code).
int64_t posix_lock_fcntl(SyscallCtx& ctx, int host_fd, int cmd, uint64_t arg);
// Process owner closed a descriptor of the file host_fd refers to: its locks
// on that file go. host_fd = -1: the process is gone, all its locks go.
void posix_locks_closed(int owner, int host_fd);

}  // namespace hart::linux
