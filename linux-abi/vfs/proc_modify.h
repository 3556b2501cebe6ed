// linux-abi/vfs/proc_modify.h — what Linux answers a call that would change
// /proc's names or modes: procfs has no mkdir, mknod, symlink, link, unlink,
// rmdir or rename (ENOENT for a new name, EPERM or EACCES for an existing
// one), a rename or link between /proc and another file system is EXDEV,
// chmod of a /proc file EPERM, chown, truncate and utimensat as procfs's
// setattr checks them (proc_modify.cpp has the rules). hart's /proc is emulated (proc_dev.cpp), so these answers are
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

// chown (uid, gid: uint32_t(-1) = unchanged), truncate(2) and utimensat
// (times_set: explicit times rather than now) of what at names (resolve_at
// returned 0; follow: the call follows a final symlink). 1 if the path does
// not lie in /proc, reaches a file outside it (an fd link) or is a case
// hart leaves (EACCES: a change Linux would keep, which hart's /proc cannot
// show); else 0 or the -errno Linux gives.
enum class ProcAttr { Chown, Truncate, Times };
int proc_setattr_errno(SyscallCtx& ctx, const AtPath& at, bool follow, ProcAttr op,
                       uint32_t uid = ~0u, uint32_t gid = ~0u, bool times_set = false);

}  // namespace hart::linux
