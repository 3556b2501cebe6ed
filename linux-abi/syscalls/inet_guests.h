// linux-abi/syscalls/inet_guests.h — which host TCP sockets are guests'.
// Every guest socket is one of hartd's own host sockets, so hartd's
// control port and gdb endpoints must tell a guest's connection from an
// outside client's (server/self_peer.cpp). Finding the peer among hartd's
// open fds is not enough: a guest may have closed its socket after
// writing a request, or hold it only in flight in an SCM_RIGHTS message
// while hartd accepts. So every Internet socket a guest creates or
// connects is recorded here by its socket inode, before the host call,
// and stays recorded while the kernel still has the socket (records of
// sockets gone from /proc/net/tcp and tcp6 are dropped when many pile up).
// Owns: those records. Does not own: the socket calls (sys_socket.cpp).
#pragma once

#include <cstdint>

namespace hart::linux {

// host_fd (a guest's socket) is recorded if it is an AF_INET or AF_INET6
// socket.
void inet_record_guest(int host_fd);
// Was the socket with this inode (st_ino of its fd, /proc/net/tcp's inode
// column) a guest's?
bool inet_is_guest_socket(uint64_t inode);

}  // namespace hart::linux
