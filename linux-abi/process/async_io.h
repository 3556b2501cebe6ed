// linux-abi/process/async_io.h — signal-driven I/O (O_ASYNC): a guest fd
// with O_ASYNC set and an owner (F_SETOWN, F_SETOWN_EX) gets SIGIO, or the
// F_SETSIG signal with si_code POLL_IN, si_band and si_fd, when input
// arrives. The host kernel is never given the owner (it would signal a host
// pid, or hartd): one daemon-wide watcher thread polls the registered host
// fds (epoll, edge-triggered) and sends the signals to the guest owners.
// Owns: the registrations and the watcher. Does not own: the owner fields
// (HostFd, fcntl in syscalls/sys_fs.cpp) nor delivery (signals.cpp).
// Partial: input readiness only (no POLL_OUT when a reader makes room), and
// an fd already readable when O_ASYNC is set may signal once at once.
#pragma once

#include <memory>

namespace hart::linux {

class HostFd;
class Process;

// O_ASYNC set (on) or cleared on f through guest fd `guest_fd` (si_fd), by
// a thread of `setter` (whose launch the owner ids are looked up in).
void set_async_io(const std::shared_ptr<HostFd>& f, int guest_fd, const std::shared_ptr<Process>& setter,
                  bool on);

}  // namespace hart::linux
