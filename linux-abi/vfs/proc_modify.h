// linux-abi/vfs/proc_modify.h — what Linux answers a call that would change
// /proc's names or modes: procfs has no mkdir, mknod, symlink, link, unlink,
// rmdir or rename (ENOENT for a new name, EPERM or EACCES for an existing
// one), a rename or link between /proc and another file system is EXDEV,
// chmod of a /proc file EPERM (proc_modify.cpp has the rules). hart's /proc is emulated (proc_dev.cpp), so these answers are
// hart's, decided on the guest path before any host call.
// Owns: those answers. Does not own: the calls (sys_fs.cpp, sys_fs_io.cpp)
// or the emulation (proc_dev.cpp).
#pragma once

#include <string>

#include "linux-abi/syscalls/syscall_table.h"

namespace hart::linux {

struct AtPath;

enum class ProcChange { Mkdir, Mknod, Symlink, Unlink, Rmdir, Chmod };

// at: resolve_at's result for the call's path (resolve_at returned 0 or
// -ENOENT). 1 if the path does not lie in /proc (the call goes on), else
// the -errno Linux gives.
int proc_change_errno(SyscallCtx& ctx, const AtPath& at, ProcChange op);
// rename (link false) and link: 1 if neither path lies in /proc, else the
// -errno Linux gives (EXDEV when only one does).
int proc_move_errno(SyscallCtx& ctx, const AtPath& from, const AtPath& to, bool link);

}  // namespace hart::linux
