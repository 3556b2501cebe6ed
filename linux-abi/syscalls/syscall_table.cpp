// linux-abi/syscalls/syscall_table.cpp — the dispatch array built from the syscall
// list, dispatch with -strace and -d unimp reporting, and the strace
// formatter. See syscall_table.h.
#include "linux-abi/syscalls/syscall_table.h"

#include <fcntl.h>
#include <sys/mman.h>

#include <array>
#include <cerrno>
#include <cinttypes>
#include <cstring>

#include "linux-abi/process/process.h"

namespace hart::linux {

namespace {

constexpr std::array<SyscallInfo, kMaxSyscallNr> build_table() {
  std::array<SyscallInfo, kMaxSyscallNr> t{};
#define HART_ROW_S(nr_, name_, level_, args_, ret_) \
  t[nr_] = SyscallInfo{nr_, #name_, &sys_##name_, SupportLevel::level_, args_, ret_};
#define HART_ROW_U(nr_, name_, args_) \
  t[nr_] = SyscallInfo{nr_, #name_, nullptr, SupportLevel::None, args_, 'd'};
#define HART_ROW_R(nr_, name_, errno_, args_) \
  t[nr_] = SyscallInfo{nr_, #name_, nullptr, SupportLevel::Refused, args_, 'd', errno_};
  HART_RISCV64_SYSCALLS(HART_ROW_S, HART_ROW_U, HART_ROW_R)
#undef HART_ROW_S
#undef HART_ROW_U
#undef HART_ROW_R
  return t;
}

const std::array<SyscallInfo, kMaxSyscallNr> kTable = build_table();
const SyscallInfo kNoSyscall{};

struct FlagName {
  uint64_t bit;
  const char* name;
};

std::string format_flags(uint64_t v, const FlagName* names, size_t n) {
  std::string out;
  for (size_t i = 0; i < n; ++i)
    if (names[i].bit && (v & names[i].bit) == names[i].bit) {
      if (!out.empty()) out += '|';
      out += names[i].name;
      v &= ~names[i].bit;
    }
  if (v || out.empty()) {
    char buf[32];
    snprintf(buf, sizeof buf, "%s%#" PRIx64, out.empty() ? "" : "|", v);
    out += buf;
  }
  return out;
}

std::string format_open_flags(uint64_t v) {
  static const FlagName kNames[] = {
      {O_CREAT, "O_CREAT"},         {O_EXCL, "O_EXCL"},         {O_NOCTTY, "O_NOCTTY"},
      {O_TRUNC, "O_TRUNC"},         {O_APPEND, "O_APPEND"},     {O_NONBLOCK, "O_NONBLOCK"},
      {__O_TMPFILE, "O_TMPFILE"},   {O_SYNC, "O_SYNC"},         {O_DSYNC, "O_DSYNC"},
      {O_ASYNC, "O_ASYNC"},         {O_DIRECT, "O_DIRECT"},     {O_LARGEFILE, "O_LARGEFILE"},
      {O_DIRECTORY, "O_DIRECTORY"}, {O_NOFOLLOW, "O_NOFOLLOW"}, {O_NOATIME, "O_NOATIME"},
      {O_CLOEXEC, "O_CLOEXEC"},     {O_PATH, "O_PATH"},
  };
  const char* acc = (v & O_ACCMODE) == O_WRONLY ? "O_WRONLY"
                    : (v & O_ACCMODE) == O_RDWR ? "O_RDWR"
                                                : "O_RDONLY";
  std::string out = acc;
  v &= ~uint64_t{O_ACCMODE};
  if (v) out += "|" + format_flags(v, kNames, sizeof kNames / sizeof kNames[0]);
  return out;
}

std::string format_prot(uint64_t v) {
  static const FlagName kNames[] = {
      {PROT_EXEC, "PROT_EXEC"}, {PROT_READ, "PROT_READ"}, {PROT_WRITE, "PROT_WRITE"}};
  if (v == 0) return "PROT_NONE";
  return format_flags(v, kNames, 3);
}

std::string format_mmap_flags(uint64_t v) {
  static const FlagName kNames[] = {
      {MAP_FIXED, "MAP_FIXED"},         {MAP_ANONYMOUS, "MAP_ANONYMOUS"},
      {MAP_GROWSDOWN, "MAP_GROWSDOWN"}, {MAP_DENYWRITE, "MAP_DENYWRITE"},
      {MAP_EXECUTABLE, "MAP_EXECUTABLE"}, {MAP_LOCKED, "MAP_LOCKED"},
      {MAP_NORESERVE, "MAP_NORESERVE"}, {MAP_POPULATE, "MAP_POPULATE"},
      {MAP_NONBLOCK, "MAP_NONBLOCK"},   {MAP_STACK, "MAP_STACK"},
      {MAP_HUGETLB, "MAP_HUGETLB"},     {MAP_FIXED_NOREPLACE, "MAP_FIXED_NOREPLACE"},
  };
  std::string type = (v & 3) == 1 ? "MAP_SHARED" : (v & 3) == 2 ? "MAP_PRIVATE"
                   : (v & 3) == 3 ? "MAP_SHARED_VALIDATE" : "";
  v &= ~uint64_t{3};
  if (!v) return type.empty() ? "0" : type;
  std::string rest = format_flags(v, kNames, sizeof kNames / sizeof kNames[0]);
  return type.empty() ? rest : type + "|" + rest;
}

std::string format_string(const AddressSpace& as, uint64_t addr) {
  if (!addr) return "NULL";
  std::string s;
  if (!as.read_string(addr, &s, 4096)) {
    char buf[32];
    snprintf(buf, sizeof buf, "%#" PRIx64, addr);
    return buf;
  }
  constexpr size_t kMax = 64;
  std::string out = "\"";
  for (size_t i = 0; i < s.size() && i < kMax; ++i) {
    unsigned char c = s[i];
    if (c == '"' || c == '\\') {
      out += '\\';
      out += c;
    } else if (c == '\n') {
      out += "\\n";
    } else if (c < 32 || c >= 127) {
      char buf[8];
      snprintf(buf, sizeof buf, "\\%03o", c);
      out += buf;
    } else {
      out += c;
    }
  }
  out += '"';
  if (s.size() > kMax) out += "...";
  return out;
}

}  // namespace

const SyscallInfo& syscall_info(uint64_t nr) {
  if (nr >= kMaxSyscallNr || !kTable[nr].name) return kNoSyscall;
  return kTable[nr];
}

int syscall_number(const std::string& name) {
  for (const SyscallInfo& s : kTable)
    if (s.name && name == s.name) return static_cast<int>(s.nr);
  return -1;
}

std::string format_syscall_call(SyscallCtx& ctx, const SyscallInfo& info) {
  std::string out = info.name ? info.name : "syscall_" + std::to_string(ctx.nr);
  out += '(';
  const char* f = info.args;
  int nargs = static_cast<int>(strlen(f));
  // openat's mode is only meaningful (and only shown) with O_CREAT or O_TMPFILE.
  if (info.nr == 56 && !(ctx.a[2] & (O_CREAT | __O_TMPFILE))) nargs = 3;
  for (int i = 0; i < nargs && i < 6; ++i) {
    if (i) out += ',';
    uint64_t v = ctx.a[i];
    char buf[64];
    switch (f[i]) {
      case 'd':
        snprintf(buf, sizeof buf, "%d", static_cast<int>(v));
        out += buf;
        break;
      case 'S':
        snprintf(buf, sizeof buf, "%d", static_cast<int>(v));
        out += buf;
        break;
      case 'l':
        snprintf(buf, sizeof buf, "%" PRId64, static_cast<int64_t>(v));
        out += buf;
        break;
      case 'u':
        snprintf(buf, sizeof buf, "%" PRIu64, v);
        out += buf;
        break;
      case 'p':
        if (!v) {
          out += "NULL";
          break;
        }
        [[fallthrough]];
      case 'x':
        snprintf(buf, sizeof buf, "%#" PRIx64, v);
        out += buf;
        break;
      case 'o':
        snprintf(buf, sizeof buf, "0%" PRIo64, v);
        out += buf;
        break;
      case 's':
        out += format_string(ctx.proc.as(), v);
        break;
      case 'f':
        if (static_cast<int>(v) == AT_FDCWD) {
          out += "AT_FDCWD";
        } else {
          snprintf(buf, sizeof buf, "%d", static_cast<int>(v));
          out += buf;
        }
        break;
      case 'O':
        out += format_open_flags(v);
        break;
      case 'P':
        out += format_prot(v);
        break;
      case 'M':
        out += format_mmap_flags(v);
        break;
      default:
        out += '?';
    }
  }
  out += ')';
  return out;
}

std::string format_syscall_result(const SyscallInfo& info, int64_t ret) {
  char buf[160];
  if (ret < 0 && ret >= -4095) {
    snprintf(buf, sizeof buf, " = -1 errno=%d (%s)", static_cast<int>(-ret),
             strerror(static_cast<int>(-ret)));
  } else if (info.ret == 'p') {
    snprintf(buf, sizeof buf, " = 0x%016" PRIx64, static_cast<uint64_t>(ret));
  } else {
    snprintf(buf, sizeof buf, " = %" PRId64, ret);
  }
  return buf;
}

// Supm's tagged-address ABI (prctl PR_SET_TAGGED_ADDR_CTRL with
// PR_TAGGED_ADDR_ENABLE): pointer and string arguments are untagged as the
// kernel's uaccess and memory syscalls do (untagged_addr: sign-extended
// from bit 63 - PMLEN), except those the kernel takes as they are because
// they could alias other addresses: mmap's and brk's address, mremap's new
// address, shmat's and shmdt's; clone's stack pointer, which becomes the
// child's sp as given. Pointers inside structures (iovecs, msghdrs) are not
// untagged here.
static void untag_pointer_args(SyscallCtx& ctx, const SyscallInfo& info, unsigned pmlen) {
  for (unsigned i = 0; i < 6 && info.args[i]; ++i) {
    if (info.args[i] != 'p' && info.args[i] != 's') continue;
    const bool as_is = ctx.nr == 222 /* mmap */ ? i == 0
                       : ctx.nr == 216 /* mremap */ ? i == 4
                       : ctx.nr == 220 /* clone: the new sp, a register value */ ? i == 1
                       : ctx.nr == 214 /* brk */ || ctx.nr == 196 /* shmat */ || ctx.nr == 197 /* shmdt */;
    if (!as_is) ctx.a[i] = pointer_mask(ctx.a[i], pmlen);
  }
}

namespace {
// Linux's task I/O accounting (/proc/<pid>/io) of the calls that go through
// vfs_read/vfs_write (sockets' recvmsg/sendmsg do not): bytes moved, and one
// call counted unless it failed before reaching the file (EBADF, EINVAL,
// EFAULT: Linux's early returns). sendfile and copy_file_range count as
// both a read and a write.
void account_io(SyscallCtx& ctx, int64_t ret) {
  bool reads = false, writes = false;
  switch (ctx.nr) {
    case 63: case 65: case 67: case 69: case 286:  // read readv pread64 preadv preadv2
      reads = true;
      break;
    case 64: case 66: case 68: case 70: case 287:  // write writev pwrite64 pwritev pwritev2
      writes = true;
      break;
    case 71: case 285:  // sendfile copy_file_range
      reads = writes = true;
      break;
    default:
      return;
  }
  if (ret == -EBADF || ret == -EINVAL || ret == -EFAULT) return;
  Process::IoCounters& io = ctx.proc.io;
  uint64_t n = ret > 0 ? static_cast<uint64_t>(ret) : 0;
  if (reads) {
    io.syscr.fetch_add(1, std::memory_order_relaxed);
    io.rchar.fetch_add(n, std::memory_order_relaxed);
  }
  if (writes) {
    io.syscw.fetch_add(1, std::memory_order_relaxed);
    io.wchar.fetch_add(n, std::memory_order_relaxed);
  }
}
}  // namespace

int64_t dispatch_syscall(SyscallCtx& ctx) {
  const SyscallInfo& info = syscall_info(ctx.nr);
  GuestLog& log = ctx.proc.log();
  bool trace = ctx.proc.strace || log.enabled(kLog_strace);
  std::string call;
  if (trace) {
    call = std::to_string(ctx.proc.tid_of(ctx.vcpu)) + " " + format_syscall_call(ctx, info);
    if (info.ret == 'n') log.write(call + "\n");
  }
  if (info.name) {
    if (const unsigned pm = ctx.proc.tagged_pmlen.load(std::memory_order_relaxed)) untag_pointer_args(ctx, info, pm);
  }
  int64_t ret;
  if (!info.name) {
    if (log.enabled(kLog_unimp) && ctx.proc.report_unimplemented_once(static_cast<unsigned>(
                                       ctx.nr < kMaxSyscallNr ? ctx.nr : kMaxSyscallNr - 1)))
      log.printf("Unknown syscall %" PRIu64 "\n", ctx.nr);
    ret = -ENOSYS;
  } else if (info.level == SupportLevel::Refused) {
    ret = info.handler ? info.handler(ctx) : -info.refuse_errno;
    if (ret < 0 && log.enabled(kLog_unimp) && ctx.proc.report_unimplemented_once(info.nr))
      log.printf("Refused syscall: %u (%s): %s, as in an unprivileged container\n", info.nr,
                 info.name, strerrorname_np(static_cast<int>(-ret)));
  } else if (!info.handler) {
    if (log.enabled(kLog_unimp) && ctx.proc.report_unimplemented_once(info.nr))
      log.printf("Unsupported syscall: %u (%s)\n", info.nr, info.name);
    ret = -ENOSYS;
  } else {
    ret = info.handler(ctx);
    account_io(ctx, ret);
  }
  if (trace && info.ret != 'n') {
    std::string res = format_syscall_result(info, ret);
    if (info.level == SupportLevel::Refused) res += " [refused]";
    else if (!info.handler) res += " [unimplemented]";
    log.write(call + res + "\n");
  }
  return ret;
}

}  // namespace hart::linux
