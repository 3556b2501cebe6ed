// linux-abi/process/async_io.h — signal-driven I/O (O_ASYNC) and directory
// notification (dnotify, fcntl F_NOTIFY). A guest fd with O_ASYNC set and an
// owner (F_SETOWN, F_SETOWN_EX) gets SIGIO, or the F_SETSIG signal with
// si_code POLL_IN, si_band and si_fd, when input arrives; a directory fd
// given F_NOTIFY gets them (si_code POLL_MSG) when its entries change as
// the DN_* mask asks. The host kernel is never given the owner (it would
// signal a host pid, or hartd): one daemon-wide watcher thread polls the
// registered host fds (epoll, edge-triggered) and one host inotify fd (a
// watch per directory) and sends the signals to the guest owners.
// Owns: the registrations and the watcher. Does not own: the owner fields
// (HostFd, fcntl in syscalls/sys_fs.cpp) nor delivery (signals.cpp).
// Partial: input readiness only (no POLL_OUT when a reader makes room), and
// an fd already readable when O_ASYNC is set may signal once at once;
// dnotify signals come from the watcher thread, a moment after the change
// (Linux sends them within the changing call).
#pragma once

#include <cstdint>
#include <memory>

namespace hart::linux {

class HostFd;
class Process;

// O_ASYNC set (on) or cleared on f through guest fd `guest_fd` (si_fd), by
// a thread of `setter` (whose launch the owner ids are looked up in).
void set_async_io(const std::shared_ptr<HostFd>& f, int guest_fd, const std::shared_ptr<Process>& setter,
                  bool on);

// fcntl(fd, F_NOTIFY, arg) on f through guest fd `guest_fd` by a thread of
// `setter`: 0, -ENOTDIR (not a directory) or a host errno. A mask without
// DN_* events removes setter's request on f; otherwise the request's mask
// is ORed with arg and f's owner becomes setter (Linux's fcntl_dirnotify).
int64_t dnotify_fcntl(const std::shared_ptr<HostFd>& f, int guest_fd, const std::shared_ptr<Process>& setter,
                      uint32_t arg);
// Process owner_pid closed an fd of file (null: all of its fds): its
// F_NOTIFY requests on the file end (Linux's dnotify_flush).
void dnotify_closed(int owner_pid, const HostFd* file);

}  // namespace hart::linux
