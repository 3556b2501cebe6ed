// server/self_peer.h — keeps hartd's control plane out of its guests' reach.
// A guest runs inside hartd's own host process, so any socket a guest
// connects with is hartd's own: a connection to the control socket, the
// TCP control port or a gdb endpoint whose peer is this very process came
// from a guest and is refused. Unix sockets: the peer's SO_PEERCRED pid is
// getpid(). TCP: the peer socket (found in /proc/net/tcp and tcp6 by its
// address, IPv4 and v4-mapped IPv6 alike) is one a guest created or
// connected (linux-abi/syscalls/inet_guests.h: so one it closed or holds
// in flight in SCM_RIGHTS counts too), or the peer's address is the local
// address of one of this process's own sockets (found through
// /proc/self/fd).
// Owns: that check, and the gdb accept that applies it. Does not own the
// listeners (control_server.cpp, gdb_stubs.cpp, gdb_multi.cpp, hart_run.cpp).
#pragma once

#include <string>

namespace hart::server {

// Is the peer of the connected socket fd this very process (a guest)? Also
// true when that cannot be decided (fail closed), with the reason in *why.
bool peer_is_self(int fd, std::string* why);

// gdb::accept_connection that refuses connections from this process itself:
// the connected fd, or -1 (nothing came, or a guest's connection was closed
// at once; *refused then says why).
int accept_from_outside(int listen_fd, int timeout_ms, std::string* refused);

// A guest may connect in a loop: refusals are logged at most 20 times per
// 10 seconds. True if this one may be logged.
bool log_refusal_now();

}  // namespace hart::server
