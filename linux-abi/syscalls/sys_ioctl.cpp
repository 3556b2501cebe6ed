// linux-abi/syscalls/sys_ioctl.cpp — ioctl: the requests Linux userland uses on
// terminals and pseudo-terminals (openpty, job control, termios2), network
// interface queries (if_nametoindex, getifaddrs' fallbacks, ifconfig) and
// fd flags, as one table.
//
// riscv64 and x86-64 share the asm-generic ioctl numbers and, for every
// request in the table, the argument's layout (plain integers and structs
// without pointers: termios, termios2, winsize, ifreq), so those pass
// through with the argument copied in and out of guest memory by the size
// in the table. A request is never passed through unlisted: an argument
// holding a pointer would have the host kernel dereference a guest address
// in hartd's own address space. Requests whose arguments name pids, fds or
// pointers are served by code (TIOCSCTTY, TIOCGPGRP, TIOCGSID, TIOCGPTPEER,
// SIOCGIFCONF, FIOCLEX...). Interface setters and loop-device control are
// refused as in a container without CAP_NET_ADMIN/CAP_SYS_ADMIN (EPERM).
// Owns: sys_ioctl and the request table. Does not own: the fds (fd_table).
#include <fcntl.h>
#include <net/if.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <vector>

#include "linux-abi/process/async_io.h"
#include "linux-abi/riscv64_abi.h"
#include "linux-abi/syscalls/sys_util.h"

namespace hart::linux {

namespace {

enum class Arg : uint8_t {
  None,    // no argument
  Value,   // the argument itself (an int or flags)
  In,      // `size` bytes read from the guest
  Out,     // `size` bytes written to the guest
  InOut,   // both
  Denied,  // EPERM: needs a capability a guest never has
};

struct IoctlRow {
  uint32_t req;
  const char* name;
  Arg arg;
  uint32_t size;
};

constexpr uint32_t kIfreq = 40;     // struct ifreq: 16-byte name + 24-byte union
constexpr uint32_t kTermios = 36;   // struct termios (asm-generic)
constexpr uint32_t kTermios2 = 44;  // struct termios2 (asm-generic)

// The pass-through requests (asm-generic/ioctls.h, linux/sockios.h,
// linux/loop.h).
constexpr IoctlRow kIoctls[] = {
    {0x5401, "TCGETS", Arg::Out, kTermios},
    {0x5402, "TCSETS", Arg::In, kTermios},
    {0x5403, "TCSETSW", Arg::In, kTermios},
    {0x5404, "TCSETSF", Arg::In, kTermios},
    {0x5409, "TCSBRK", Arg::Value, 0},
    {0x540A, "TCXONC", Arg::Value, 0},
    {0x540B, "TCFLSH", Arg::Value, 0},
    {0x540C, "TIOCEXCL", Arg::None, 0},
    {0x540D, "TIOCNXCL", Arg::None, 0},
    {0x540E, "TIOCSCTTY", Arg::Value, 0},
    {0x5411, "TIOCOUTQ", Arg::Out, 4},
    {0x5412, "TIOCSTI", Arg::In, 1},
    {0x5413, "TIOCGWINSZ", Arg::Out, 8},
    {0x5414, "TIOCSWINSZ", Arg::In, 8},
    {0x5415, "TIOCMGET", Arg::Out, 4},
    {0x5416, "TIOCMBIS", Arg::In, 4},
    {0x5417, "TIOCMBIC", Arg::In, 4},
    {0x5418, "TIOCMSET", Arg::In, 4},
    {0x541B, "FIONREAD", Arg::Out, 4},
    {0x541D, "TIOCCONS", Arg::Denied, 0},
    {0x5420, "TIOCPKT", Arg::In, 4},
    {0x5421, "FIONBIO", Arg::In, 4},
    {0x5422, "TIOCNOTTY", Arg::None, 0},
    {0x5423, "TIOCSETD", Arg::In, 4},
    {0x5424, "TIOCGETD", Arg::Out, 4},
    {0x5425, "TCSBRKP", Arg::Value, 0},
    {0x5427, "TIOCSBRK", Arg::None, 0},
    {0x5428, "TIOCCBRK", Arg::None, 0},
    {0x802C542A, "TCGETS2", Arg::Out, kTermios2},
    {0x402C542B, "TCSETS2", Arg::In, kTermios2},
    {0x402C542C, "TCSETSW2", Arg::In, kTermios2},
    {0x402C542D, "TCSETSF2", Arg::In, kTermios2},
    {0x80045430, "TIOCGPTN", Arg::Out, 4},
    {0x40045431, "TIOCSPTLCK", Arg::In, 4},
    {0x80045432, "TIOCGDEV", Arg::Out, 4},
    {0x80045438, "TIOCGPKT", Arg::Out, 4},
    {0x80045439, "TIOCGPTLCK", Arg::Out, 4},
    {0x80045440, "TIOCGEXCL", Arg::Out, 4},
    {0x5452, "FIOASYNC", Arg::In, 4},
    {0x5460, "FIOQSIZE", Arg::Out, 8},
    {0x8905, "SIOCATMARK", Arg::Out, 4},
    {0x8910, "SIOCGIFNAME", Arg::InOut, kIfreq},
    {0x8913, "SIOCGIFFLAGS", Arg::InOut, kIfreq},
    {0x8914, "SIOCSIFFLAGS", Arg::Denied, 0},
    {0x8915, "SIOCGIFADDR", Arg::InOut, kIfreq},
    {0x8916, "SIOCSIFADDR", Arg::Denied, 0},
    {0x8917, "SIOCGIFDSTADDR", Arg::InOut, kIfreq},
    {0x8918, "SIOCSIFDSTADDR", Arg::Denied, 0},
    {0x8919, "SIOCGIFBRDADDR", Arg::InOut, kIfreq},
    {0x891a, "SIOCSIFBRDADDR", Arg::Denied, 0},
    {0x891b, "SIOCGIFNETMASK", Arg::InOut, kIfreq},
    {0x891c, "SIOCSIFNETMASK", Arg::Denied, 0},
    {0x891d, "SIOCGIFMETRIC", Arg::InOut, kIfreq},
    {0x8921, "SIOCGIFMTU", Arg::InOut, kIfreq},
    {0x8922, "SIOCSIFMTU", Arg::Denied, 0},
    {0x8923, "SIOCSIFNAME", Arg::Denied, 0},
    {0x8924, "SIOCSIFHWADDR", Arg::Denied, 0},
    {0x8927, "SIOCGIFHWADDR", Arg::InOut, kIfreq},
    {0x8933, "SIOCGIFINDEX", Arg::InOut, kIfreq},
    {0x8942, "SIOCGIFTXQLEN", Arg::InOut, kIfreq},
    {0x8943, "SIOCSIFTXQLEN", Arg::Denied, 0},
    {0x8970, "SIOCGIFMAP", Arg::InOut, kIfreq},
    {0x8971, "SIOCSIFMAP", Arg::Denied, 0},
    {0x4C80, "LOOP_CTL_ADD", Arg::Denied, 0},
    {0x4C81, "LOOP_CTL_REMOVE", Arg::Denied, 0},
    {0x4C82, "LOOP_CTL_GET_FREE", Arg::Denied, 0},
};

const IoctlRow* find_row(uint32_t req) {
  for (const IoctlRow& r : kIoctls)
    if (r.req == req) return &r;
  return nullptr;
}

constexpr uint32_t kTIOCSCTTY = 0x540E;
constexpr uint32_t kTIOCGSID = 0x5429;
constexpr uint32_t kTIOCGPTPEER = 0x5441;
constexpr uint32_t kSIOCGIFCONF = 0x8912;

// SIOCGIFCONF: struct ifconf { int ifc_len; char* ifc_buf; } (16 bytes):
// the buffer pointer is a guest address, so the host fills a buffer of ours.
int64_t ifconf(SyscallCtx& ctx, int fd, uint64_t arg) {
  struct {
    int32_t len;
    int32_t pad;
    uint64_t buf;
  } g;
  AddressSpace& as = ctx.proc.as();
  if (!as.read(arg, &g, sizeof g)) return -EFAULT;
  struct ifconf h{};
  std::vector<char> buf;
  if (g.buf) {
    if (g.len < 0) return -EINVAL;
    // hartd's buffer is capped (a guest asking for 2 GiB in many threads
    // would have hartd hold that much per call): 1 MiB holds 26,000
    // interfaces; Linux fills only what the interfaces need too.
    int32_t host_len = std::min<int32_t>(g.len, 1 << 20);
    buf.resize(static_cast<size_t>(host_len));
    h.ifc_len = host_len;
    h.ifc_buf = buf.data();
  }
  if (ioctl(fd, SIOCGIFCONF, &h) != 0) return -errno;
  if (g.buf && h.ifc_len > 0 && !as.write(g.buf, buf.data(), static_cast<uint64_t>(h.ifc_len)))
    return -EFAULT;
  g.len = h.ifc_len;
  return as.write(arg, &g.len, 4) ? 0 : -EFAULT;
}

}  // namespace

int64_t sys_ioctl(SyscallCtx& ctx) {
  std::shared_ptr<HostFd> keep = ctx.proc.fds().get(static_cast<int>(ctx.a[0]));
  if (!keep) return -EBADF;
  int fd = keep->fd();
  uint32_t req = static_cast<uint32_t>(ctx.a[1]);
  uint64_t arg = ctx.a[2];
  // Linux: an O_PATH fd has no file operations at all.
  if (int fl = fcntl(fd, F_GETFL); fl >= 0 && (fl & O_PATH)) return -EBADF;
  // Emulated files (/proc/<pid>/mem, listings) are no terminals.
  if (keep->emu() || keep->synth()) return -ENOTTY;
  AddressSpace& as = ctx.proc.as();
  switch (req) {
    case kFIOCLEX:
      return ctx.proc.fds().set_cloexec(static_cast<int>(ctx.a[0]), true);
    case kFIONCLEX:
      return ctx.proc.fds().set_cloexec(static_cast<int>(ctx.a[0]), false);
    case kTIOCGPGRP:
    case kTIOCGSID: {
      // The host's answer is about hartd's own groups: the guest's are its own.
      int pg;
      if (ioctl(fd, TIOCGPGRP, &pg) != 0) return -errno;
      int32_t v = req == kTIOCGSID ? ctx.proc.sid : ctx.proc.group_id();
      return as.write(arg, &v, sizeof v) ? 0 : -EFAULT;
    }
    case kTIOCSCTTY:
      // Sessions are the guests' own (setsid is virtual), so the host would
      // refuse hartd, which leads none: a session leader may take a terminal
      // as its controlling one. Not tracked: which session a terminal
      // already controls (Linux's EPERM for another session's terminal).
      if (!isatty(fd)) return -ENOTTY;
      return ctx.proc.sid == ctx.proc.pid() ? 0 : -EPERM;
    case kTIOCGPTPEER: {  // opens the pseudo-terminal's other end: a new guest fd
      int flags = static_cast<int>(arg);
      int peer = ioctl(fd, TIOCGPTPEER, flags | O_CLOEXEC);
      if (peer < 0) return -errno;
      return ctx.proc.fds().install_host(peer, (flags & O_CLOEXEC) != 0);
    }
    case kSIOCGIFCONF:
      return ifconf(ctx, fd, arg);
    default:
      break;
  }
  const IoctlRow* row = find_row(req);
  if (!row) {
    if (ctx.proc.log().enabled(kLog_unimp))
      ctx.proc.log().printf("Unsupported ioctl: cmd=%#lx\n", (unsigned long)req);
    return -ENOTTY;
  }
  uint8_t buf[64] = {};
  switch (row->arg) {
    case Arg::Denied:
      return -EPERM;
    case Arg::None:
      return ioctl(fd, row->req, 0) < 0 ? -errno : 0;
    case Arg::Value: {
      int r = ioctl(fd, row->req, static_cast<unsigned long>(arg));
      return r < 0 ? -errno : r;
    }
    case Arg::In:
    case Arg::InOut:
      if (!as.read(arg, buf, row->size)) return -EFAULT;
      break;
    case Arg::Out:
      if (!as.check(arg, row->size, PROT_WRITE)) return -EFAULT;
      break;
  }
  int r = ioctl(fd, row->req, buf);
  if (r < 0) return -errno;
  if (row->req == FIOASYNC) {  // as F_SETFL's O_ASYNC: hartd signals the guest owner
    int on = 0;
    memcpy(&on, buf, sizeof on);
    set_async_io(keep, static_cast<int>(ctx.a[0]), ctx.proc.shared_from_this(), on != 0);
  }
  if ((row->arg == Arg::Out || row->arg == Arg::InOut) && !as.write(arg, buf, row->size))
    return -EFAULT;
  return r;
}

}  // namespace hart::linux
