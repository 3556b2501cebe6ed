// linux-abi/syscalls/sys_poll.h — hooks of the polling area (sys_poll.cpp) used by
// other parts of linux-abi: the emulated signalfd (guest signals are
// virtual, so a signalfd is a host eventfd whose readiness hartd keeps in
// step with the guest's pending signals, and whose read() hartd answers),
// and the temporary signal mask of ppoll/pselect6/epoll_pwait.
// Owns: these declarations. Internal to linux-abi/.
#pragma once

#include <cstdint>
#include <memory>

#include "linux-abi/process/fd_table.h"
#include "linux-abi/syscalls/syscall_table.h"

namespace hart::linux {

class Process;

// read() on a guest fd: if file is a signalfd, answers the read (true, the
// result in *ret); false for any other file.
bool signalfd_read(SyscallCtx& ctx, const std::shared_ptr<HostFd>& file, uint64_t buf,
                   uint64_t len, int64_t* ret);
// Whether file is a signalfd, and its mask of guest signals (bit sig - 1).
bool signalfd_mask(const HostFd& file, uint64_t* mask);
// A signal was queued for p (Process::mutex held): signalfds of p watching
// it become readable.
void signalfd_notify(Process& p);

// The sigmask argument of ppoll/pselect6/epoll_pwait: installs mask as the
// calling thread's blocked set for the duration of the wait. begin() returns
// true if a signal is already deliverable under the new mask: the caller
// then only polls (timeout 0) and, if nothing is ready, reports an
// interruption (ppoll/pselect6: kERESTARTNOHAND with the time left written
// back; epoll_pwait: -EINTR) — ready fds win over signals, as in Linux's
// do_poll and ep_poll. end(interrupted): an interrupted call keeps the old mask saved
// for the handler frame (like rt_sigsuspend); otherwise it comes back now.
class TempSigmask {
 public:
  TempSigmask(SyscallCtx& ctx, bool active, uint64_t mask) : ctx_(ctx), active_(active), mask_(mask) {}
  bool begin();
  void end(bool interrupted);

 private:
  SyscallCtx& ctx_;
  bool active_;
  uint64_t mask_;
};

}  // namespace hart::linux
