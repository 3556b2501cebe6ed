// linux-abi/syscalls/sys_ipc.h — what the rest of linux-abi needs from the SysV IPC
// emulation (sys_ipc.cpp): the exit hook and the caller's IPC credentials.
// Owns: nothing stateful (the namespace hangs off ProcessTree::ipc).
#pragma once

#include <cstdint>

namespace hart::linux {

class Process;

// A process has ended (no thread left, memory released): applies its
// SEM_UNDO adjustments and frees removed shm segments nobody maps any more.
void ipc_process_exit(Process& p);

// The credentials SysV IPC permission checks use (ipcperms, IPC_SET,
// IPC_RMID). Today the host's ids of hartd (getuid/geteuid...): the one
// place to switch to per-guest credentials.
struct IpcCred {
  uint32_t uid = 0, gid = 0, euid = 0, egid = 0;
  bool ipc_owner = false;  // CAP_IPC_OWNER: bypasses mode bits
  bool sys_admin = false;  // CAP_SYS_ADMIN: IPC_SET/IPC_RMID of others' objects
};
IpcCred ipc_caller_cred(const Process& p);

}  // namespace hart::linux
