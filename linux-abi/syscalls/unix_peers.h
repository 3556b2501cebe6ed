// linux-abi/syscalls/unix_peers.h — which guest is at the other end of a
// Unix socket. Every guest is hartd to the host kernel, so the host's
// SO_PEERCRED and SCM_CREDENTIALS name hartd's pid and host ids for any
// peer; hart records the guest credentials Linux would attach to each end
// (socketpair: the creator; connect: the connecting guest; accept: the
// listening guest at listen()) by the host socket's cookie, and finds a
// socket's peer through the host's sock_diag (UNIX_DIAG_PEER).
// Owns: those records. Does not own: the socket calls (sys_socket.cpp).
#pragma once

#include <cstdint>
#include <vector>

#include "linux-abi/syscalls/syscall_table.h"

namespace hart::linux {

struct GuestCred {
  int pid = 0;
  uint32_t uid = 0, gid = 0;
  std::vector<uint32_t> groups;  // supplementary groups (SO_PEERGROUPS)
};

// The calling guest (pid, effective uid and gid) becomes the credentials of
// host socket fd's end (socketpair, connect).
void unix_record_self(SyscallCtx& ctx, int host_fd);
// listen(): the credentials an accepted socket of host_fd will carry.
void unix_record_listener(SyscallCtx& ctx, int host_fd);
// listen() failed: host_fd is no listener (unless it listened before).
void unix_forget_listener(int host_fd);
// accept(): the new socket carries its listener's.
void unix_record_accepted(int listener_fd, int accepted_fd);
// The guest at the other end of host socket fd, if hart recorded it.
bool unix_peer(int host_fd, GuestCred* out);

}  // namespace hart::linux
