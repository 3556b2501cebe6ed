// linux-abi/syscalls/syscall_table.h — THE riscv64 syscall table: every number of
// the riscv64 Linux ABI (asm-generic unistd.h with the LP64 "new stat" and
// rlimit calls, plus riscv_hwprobe=258 and riscv_flush_icache=259), its name,
// its handler, its support level and its -strace argument format. The list
// is one X-macro so the handler declarations, the dispatch array and the
// strace printer cannot disagree.
// Owns: the syscall list, dispatch and strace formatting. Does not own: the
// handlers' semantics (the sys_<area>.cpp files of this folder).
//
// Row forms:
//   S(nr, name, level, args, ret)  implemented by sys_<name>(SyscallCtx&)
//   R(nr, name, errno, args)       refused: always -errno, the answer Linux
//                                  gives an unprivileged container (no
//                                  CAP_SYS_ADMIN, CAP_SYS_BOOT..., the
//                                  usual sysctls); one "-d unimp" line
//   U(nr, name, args)              -ENOSYS, one "-d unimp" line: only where
//                                  the riscv64 Linux kernel itself answers
//                                  ENOSYS (removed, not built, not enabled)
// level: Full (Linux semantics), Partial (common cases; others give the
// errno Linux gives for unsupported input), Stub (accepted, no effect),
// Refused (an S row whose handler checks the arguments Linux checks first
// and then refuses as an unprivileged container; no effect ever).
// docs/SYSCALLS.md lists the Refused and ENOSYS rows with their reasons.
// args, one letter per argument (strace):
//   d int   l long   u unsigned long   x hex   p pointer   s string
//   f dirfd (AT_FDCWD)   o octal mode   O open flags   P mmap prot
//   M mmap flags   S signal number
// ret: d decimal, p address (hex), n does not return.
#pragma once

#include <cstdint>
#include <string>

#include "core/vcpu.h"

namespace hart::linux {

class Process;

// One system call in flight: the calling thread and its six arguments.
struct SyscallCtx {
  Process& proc;
  Vcpu& vcpu;
  uint64_t nr;
  uint64_t a[6];
};

using SyscallHandler = int64_t (*)(SyscallCtx&);

enum class SupportLevel : uint8_t { None, Refused, Stub, Partial, Full };

struct SyscallInfo {
  uint32_t nr = 0;
  const char* name = nullptr;      // nullptr: no such syscall number
  SyscallHandler handler = nullptr;
  SupportLevel level = SupportLevel::None;
  const char* args = "";
  char ret = 'd';
  int refuse_errno = 0;  // R rows: the errno every call gets (handler == nullptr)
};

// clang-format off
#define HART_RISCV64_SYSCALLS(S, U, R) \
  S(0, io_setup, Full, "up", 'd') \
  S(1, io_destroy, Full, "x", 'd') \
  S(2, io_submit, Partial, "xdp", 'd') \
  S(3, io_cancel, Full, "xpp", 'd') \
  S(4, io_getevents, Full, "xddpp", 'd') \
  S(5, setxattr, Full, "sspux", 'd') \
  S(6, lsetxattr, Full, "sspux", 'd') \
  S(7, fsetxattr, Full, "dspux", 'd') \
  S(8, getxattr, Full, "sspu", 'd') \
  S(9, lgetxattr, Full, "sspu", 'd') \
  S(10, fgetxattr, Full, "dspu", 'd') \
  S(11, listxattr, Full, "spu", 'd') \
  S(12, llistxattr, Full, "spu", 'd') \
  S(13, flistxattr, Full, "dpu", 'd') \
  S(14, removexattr, Full, "ss", 'd') \
  S(15, lremovexattr, Full, "ss", 'd') \
  S(16, fremovexattr, Full, "ds", 'd') \
  S(17, getcwd, Full, "pu", 'd') \
  U(18, lookup_dcookie, "xxxxxx") \
  S(19, eventfd2, Full, "ux", 'd') \
  S(20, epoll_create1, Full, "x", 'd') \
  S(21, epoll_ctl, Full, "dddp", 'd') \
  S(22, epoll_pwait, Full, "dpddpu", 'd') \
  S(23, dup, Full, "d", 'd') \
  S(24, dup3, Full, "ddO", 'd') \
  S(25, fcntl, Partial, "ddx", 'd') \
  S(26, inotify_init1, Full, "x", 'd') \
  S(27, inotify_add_watch, Full, "dsx", 'd') \
  S(28, inotify_rm_watch, Full, "dd", 'd') \
  S(29, ioctl, Partial, "dxp", 'd') \
  S(30, ioprio_set, Full, "ddx", 'd') \
  S(31, ioprio_get, Full, "dd", 'd') \
  S(32, flock, Full, "dx", 'd') \
  S(33, mknodat, Partial, "fsox", 'd') \
  S(34, mkdirat, Full, "fso", 'd') \
  S(35, unlinkat, Full, "fsx", 'd') \
  S(36, symlinkat, Full, "sfs", 'd') \
  S(37, linkat, Full, "fsfsx", 'd') \
  S(39, umount2, Refused, "sx", 'd') \
  S(40, mount, Refused, "sssxp", 'd') \
  R(41, pivot_root, EPERM, "xxxxxx") \
  U(42, nfsservctl, "xxxxxx") \
  S(43, statfs, Full, "sp", 'd') \
  S(44, fstatfs, Full, "dp", 'd') \
  S(45, truncate, Full, "sl", 'd') \
  S(46, ftruncate, Full, "dl", 'd') \
  S(47, fallocate, Full, "dxll", 'd') \
  S(48, faccessat, Full, "fsd", 'd') \
  S(49, chdir, Full, "s", 'd') \
  S(50, fchdir, Full, "d", 'd') \
  S(51, chroot, Refused, "s", 'd') \
  S(52, fchmod, Full, "do", 'd') \
  S(53, fchmodat, Full, "fso", 'd') \
  S(54, fchownat, Full, "fsddx", 'd') \
  S(55, fchown, Full, "ddd", 'd') \
  S(56, openat, Full, "fsOo", 'd') \
  S(57, close, Full, "d", 'd') \
  R(58, vhangup, EPERM, "xxxxxx") \
  S(59, pipe2, Full, "pO", 'd') \
  S(60, quotactl, Refused, "xsdp", 'd') \
  S(61, getdents64, Full, "dpu", 'd') \
  S(62, lseek, Full, "dld", 'd') \
  S(63, read, Full, "dpu", 'd') \
  S(64, write, Full, "dpu", 'd') \
  S(65, readv, Full, "dpd", 'd') \
  S(66, writev, Full, "dpd", 'd') \
  S(67, pread64, Full, "dpul", 'd') \
  S(68, pwrite64, Full, "dpul", 'd') \
  S(69, preadv, Full, "dpdll", 'd') \
  S(70, pwritev, Full, "dpdll", 'd') \
  S(71, sendfile, Full, "ddpu", 'd') \
  S(72, pselect6, Full, "dppppp", 'd') \
  S(73, ppoll, Full, "pupu", 'd') \
  S(74, signalfd4, Full, "dpux", 'd') \
  S(75, vmsplice, Full, "dpux", 'd') \
  S(76, splice, Full, "dpdpux", 'd') \
  S(77, tee, Full, "ddux", 'd') \
  S(78, readlinkat, Full, "fspu", 'd') \
  S(79, newfstatat, Full, "fspx", 'd') \
  S(80, fstat, Full, "dp", 'd') \
  S(81, sync, Full, "", 'd') \
  S(82, fsync, Full, "d", 'd') \
  S(83, fdatasync, Full, "d", 'd') \
  S(84, sync_file_range, Full, "dddx", 'd') \
  S(85, timerfd_create, Full, "dx", 'd') \
  S(86, timerfd_settime, Full, "dxpp", 'd') \
  S(87, timerfd_gettime, Full, "dp", 'd') \
  S(88, utimensat, Full, "fspx", 'd') \
  R(89, acct, EPERM, "xxxxxx") \
  S(90, capget, Full, "pp", 'd') \
  S(91, capset, Full, "pp", 'd') \
  S(92, personality, Full, "x", 'd') \
  S(93, exit, Full, "d", 'n') \
  S(94, exit_group, Full, "d", 'n') \
  S(95, waitid, Partial, "ddpxp", 'd') \
  S(96, set_tid_address, Full, "p", 'd') \
  S(97, unshare, Partial, "x", 'd') \
  S(98, futex, Partial, "pdduxd", 'd') \
  S(99, set_robust_list, Full, "pu", 'd') \
  S(100, get_robust_list, Full, "dpp", 'd') \
  S(101, nanosleep, Full, "pp", 'd') \
  S(102, getitimer, Full, "dp", 'd') \
  S(103, setitimer, Full, "dpp", 'd') \
  R(104, kexec_load, EPERM, "xxxxxx") \
  R(105, init_module, EPERM, "xxxxxx") \
  R(106, delete_module, EPERM, "xxxxxx") \
  S(107, timer_create, Partial, "dpp", 'd') \
  S(108, timer_gettime, Full, "dp", 'd') \
  S(109, timer_getoverrun, Partial, "d", 'd') \
  S(110, timer_settime, Full, "dxpp", 'd') \
  S(111, timer_delete, Full, "d", 'd') \
  S(112, clock_settime, Full, "dp", 'd') \
  S(113, clock_gettime, Full, "dp", 'd') \
  S(114, clock_getres, Full, "dp", 'd') \
  S(115, clock_nanosleep, Full, "ddpp", 'd') \
  R(116, syslog, EPERM, "xxxxxx") \
  S(117, ptrace, Refused, "ddpp", 'd') \
  S(118, sched_setparam, Full, "dp", 'd') \
  S(119, sched_setscheduler, Full, "ddp", 'd') \
  S(120, sched_getscheduler, Full, "d", 'd') \
  S(121, sched_getparam, Full, "dp", 'd') \
  S(122, sched_setaffinity, Partial, "dup", 'd') \
  S(123, sched_getaffinity, Full, "dup", 'd') \
  S(124, sched_yield, Full, "", 'd') \
  S(125, sched_get_priority_max, Full, "d", 'd') \
  S(126, sched_get_priority_min, Full, "d", 'd') \
  S(127, sched_rr_get_interval, Full, "dp", 'd') \
  S(128, restart_syscall, Full, "", 'd') \
  S(129, kill, Partial, "dS", 'd') \
  S(130, tkill, Full, "dS", 'd') \
  S(131, tgkill, Full, "ddS", 'd') \
  S(132, sigaltstack, Full, "pp", 'd') \
  S(133, rt_sigsuspend, Full, "pu", 'd') \
  S(134, rt_sigaction, Full, "Sppu", 'd') \
  S(135, rt_sigprocmask, Full, "dppu", 'd') \
  S(136, rt_sigpending, Full, "pu", 'd') \
  S(137, rt_sigtimedwait, Full, "pppu", 'd') \
  S(138, rt_sigqueueinfo, Partial, "dSp", 'd') \
  S(139, rt_sigreturn, Full, "", 'd') \
  S(140, setpriority, Full, "ddd", 'd') \
  S(141, getpriority, Full, "dd", 'd') \
  R(142, reboot, EPERM, "xxxxxx") \
  S(143, setregid, Full, "dd", 'd') \
  S(144, setgid, Full, "d", 'd') \
  S(145, setreuid, Full, "dd", 'd') \
  S(146, setuid, Full, "d", 'd') \
  S(147, setresuid, Full, "ddd", 'd') \
  S(148, getresuid, Full, "ppp", 'd') \
  S(149, setresgid, Full, "ddd", 'd') \
  S(150, getresgid, Full, "ppp", 'd') \
  S(151, setfsuid, Full, "d", 'd') \
  S(152, setfsgid, Full, "d", 'd') \
  S(153, times, Full, "p", 'd') \
  S(154, setpgid, Full, "dd", 'd') \
  S(155, getpgid, Full, "d", 'd') \
  S(156, getsid, Full, "d", 'd') \
  S(157, setsid, Full, "", 'd') \
  S(158, getgroups, Full, "dp", 'd') \
  S(159, setgroups, Full, "dp", 'd') \
  S(160, uname, Full, "p", 'd') \
  S(161, sethostname, Full, "sd", 'd') \
  S(162, setdomainname, Full, "sd", 'd') \
  S(163, getrlimit, Partial, "dp", 'd') \
  S(164, setrlimit, Partial, "dp", 'd') \
  S(165, getrusage, Full, "dp", 'd') \
  S(166, umask, Full, "o", 'd') \
  S(167, prctl, Partial, "dxxxx", 'd') \
  S(168, getcpu, Full, "ppp", 'd') \
  S(169, gettimeofday, Full, "pp", 'd') \
  S(170, settimeofday, Full, "pp", 'd') \
  S(171, adjtimex, Full, "p", 'd') \
  S(172, getpid, Full, "", 'd') \
  S(173, getppid, Full, "", 'd') \
  S(174, getuid, Full, "", 'd') \
  S(175, geteuid, Full, "", 'd') \
  S(176, getgid, Full, "", 'd') \
  S(177, getegid, Full, "", 'd') \
  S(178, gettid, Full, "", 'd') \
  S(179, sysinfo, Full, "p", 'd') \
  S(180, mq_open, Full, "sOop", 'd') \
  S(181, mq_unlink, Full, "s", 'd') \
  S(182, mq_timedsend, Full, "dpuup", 'd') \
  S(183, mq_timedreceive, Full, "dpupp", 'd') \
  S(184, mq_notify, Partial, "dp", 'd') \
  S(185, mq_getsetattr, Full, "dpp", 'd') \
  S(186, msgget, Full, "xo", 'd') \
  S(187, msgctl, Full, "ddp", 'd') \
  S(188, msgrcv, Full, "dpulx", 'd') \
  S(189, msgsnd, Full, "dpux", 'd') \
  S(190, semget, Full, "xdo", 'd') \
  S(191, semctl, Full, "dddx", 'd') \
  S(192, semtimedop, Full, "dpup", 'd') \
  S(193, semop, Full, "dpu", 'd') \
  S(194, shmget, Full, "xuo", 'd') \
  S(195, shmctl, Full, "ddp", 'd') \
  S(196, shmat, Full, "dpx", 'p') \
  S(197, shmdt, Full, "p", 'd') \
  S(198, socket, Full, "ddd", 'd') \
  S(199, socketpair, Full, "dddp", 'd') \
  S(200, bind, Full, "dpd", 'd') \
  S(201, listen, Full, "dd", 'd') \
  S(202, accept, Full, "dpp", 'd') \
  S(203, connect, Full, "dpd", 'd') \
  S(204, getsockname, Full, "dpp", 'd') \
  S(205, getpeername, Full, "dpp", 'd') \
  S(206, sendto, Full, "dpuxpd", 'd') \
  S(207, recvfrom, Full, "dpuxpp", 'd') \
  S(208, setsockopt, Partial, "dddpd", 'd') \
  S(209, getsockopt, Partial, "dddpp", 'd') \
  S(210, shutdown, Full, "dd", 'd') \
  S(211, sendmsg, Full, "dpx", 'd') \
  S(212, recvmsg, Full, "dpx", 'd') \
  S(213, readahead, Full, "dlu", 'd') \
  S(214, brk, Full, "p", 'p') \
  S(215, munmap, Full, "pu", 'd') \
  S(216, mremap, Partial, "puuxp", 'p') \
  R(217, add_key, EPERM, "xxxxxx") \
  R(218, request_key, EPERM, "xxxxxx") \
  R(219, keyctl, EPERM, "xxxxxx") \
  S(220, clone, Partial, "xppxp", 'd') \
  S(221, execve, Full, "spp", 'd') \
  S(222, mmap, Partial, "pulMdl", 'p') \
  S(223, fadvise64, Stub, "dlld", 'd') \
  R(224, swapon, EPERM, "xxxxxx") \
  R(225, swapoff, EPERM, "xxxxxx") \
  S(226, mprotect, Full, "puP", 'd') \
  S(227, msync, Stub, "pux", 'd') \
  S(228, mlock, Stub, "pu", 'd') \
  S(229, munlock, Stub, "pu", 'd') \
  S(230, mlockall, Stub, "x", 'd') \
  S(231, munlockall, Stub, "", 'd') \
  S(232, mincore, Full, "pup", 'd') \
  S(233, madvise, Stub, "pud", 'd') \
  S(234, remap_file_pages, Full, "puxux", 'd') \
  S(235, mbind, Partial, "pudpux", 'd') \
  S(236, get_mempolicy, Full, "ppupx", 'd') \
  S(237, set_mempolicy, Full, "dpu", 'd') \
  S(238, migrate_pages, Full, "dupp", 'd') \
  S(239, move_pages, Partial, "dupppx", 'd') \
  S(240, rt_tgsigqueueinfo, Full, "ddSp", 'd') \
  R(241, perf_event_open, EACCES, "xxxxxx") \
  S(242, accept4, Full, "dppx", 'd') \
  S(243, recvmmsg, Partial, "dpuxp", 'd') \
  S(258, riscv_hwprobe, Full, "puupx", 'd') \
  S(259, riscv_flush_icache, Full, "ppx", 'd') \
  S(260, wait4, Partial, "dpxp", 'd') \
  S(261, prlimit64, Partial, "ddpp", 'd') \
  R(262, fanotify_init, EPERM, "xxxxxx") \
  S(263, fanotify_mark, Refused, "dxxfs", 'd') \
  S(264, name_to_handle_at, Partial, "fsppx", 'd') \
  S(265, open_by_handle_at, Refused, "fpO", 'd') \
  S(266, clock_adjtime, Full, "dp", 'd') \
  S(267, syncfs, Full, "d", 'd') \
  S(268, setns, Refused, "dx", 'd') \
  S(269, sendmmsg, Full, "dpux", 'd') \
  S(270, process_vm_readv, Partial, "dpupux", 'd') \
  S(271, process_vm_writev, Partial, "dpupux", 'd') \
  S(272, kcmp, Partial, "dddxx", 'd') \
  R(273, finit_module, EPERM, "xxxxxx") \
  S(274, sched_setattr, Partial, "dpx", 'd') \
  S(275, sched_getattr, Full, "dpux", 'd') \
  S(276, renameat2, Full, "fsfsx", 'd') \
  S(277, seccomp, Partial, "dxp", 'd') \
  S(278, getrandom, Full, "pux", 'd') \
  S(279, memfd_create, Full, "sx", 'd') \
  R(280, bpf, EPERM, "xxxxxx") \
  S(281, execveat, Full, "fsppx", 'd') \
  R(282, userfaultfd, EPERM, "xxxxxx") \
  S(283, membarrier, Full, "dxd", 'd') \
  S(284, mlock2, Stub, "pux", 'd') \
  S(285, copy_file_range, Full, "dpdpux", 'd') \
  S(286, preadv2, Full, "dpdllx", 'd') \
  S(287, pwritev2, Full, "dpdllx", 'd') \
  U(288, pkey_mprotect, "xxxxxx") \
  U(289, pkey_alloc, "xxxxxx") \
  U(290, pkey_free, "xxxxxx") \
  S(291, statx, Full, "fsxxp", 'd') \
  S(292, io_pgetevents, Full, "xddppp", 'd') \
  S(293, rseq, Stub, "pudx", 'd') \
  R(294, kexec_file_load, EPERM, "xxxxxx") \
  S(424, pidfd_send_signal, Full, "dSpx", 'd') \
  R(425, io_uring_setup, EPERM, "xxxxxx") \
  S(426, io_uring_enter, Refused, "duuxpu", 'd') \
  S(427, io_uring_register, Refused, "dupu", 'd') \
  S(428, open_tree, Partial, "fsx", 'd') \
  R(429, move_mount, EPERM, "xxxxxx") \
  R(430, fsopen, EPERM, "xxxxxx") \
  S(431, fsconfig, Refused, "dusps", 'd') \
  R(432, fsmount, EPERM, "xxxxxx") \
  R(433, fspick, EPERM, "xxxxxx") \
  S(434, pidfd_open, Full, "dx", 'd') \
  S(435, clone3, Full, "pu", 'd') \
  S(436, close_range, Full, "ddx", 'd') \
  S(437, openat2, Partial, "fspu", 'd') \
  S(438, pidfd_getfd, Full, "ddx", 'd') \
  S(439, faccessat2, Full, "fsdx", 'd') \
  S(440, process_madvise, Partial, "dpudx", 'd') \
  S(441, epoll_pwait2, Full, "dpdppu", 'd') \
  R(442, mount_setattr, EPERM, "xxxxxx") \
  R(443, quotactl_fd, EPERM, "xxxxxx") \
  R(444, landlock_create_ruleset, EOPNOTSUPP, "xxxxxx") \
  R(445, landlock_add_rule, EOPNOTSUPP, "xxxxxx") \
  R(446, landlock_restrict_self, EOPNOTSUPP, "xxxxxx") \
  U(447, memfd_secret, "xxxxxx") \
  S(448, process_mrelease, Full, "dx", 'd') \
  S(449, futex_waitv, Full, "pdxpd", 'd') \
  S(450, set_mempolicy_home_node, Full, "puux", 'd') \
  S(451, cachestat, Full, "dppx", 'd') \
  S(452, fchmodat2, Full, "fsox", 'd') \
  U(453, map_shadow_stack, "xxxxxx") \
  S(454, futex_wake, Full, "pxdx", 'd') \
  S(455, futex_wait, Full, "pxxxpd", 'd') \
  S(456, futex_requeue, Full, "pxdd", 'd') \
  S(462, mseal, Full, "pux", 'd')
// clang-format on

#define HART_DECLARE_SYSCALL(nr, name, level, args, ret) int64_t sys_##name(SyscallCtx& ctx);
#define HART_IGNORE_SYSCALL(nr, name, args)
#define HART_IGNORE_REFUSED(nr, name, err, args)
HART_RISCV64_SYSCALLS(HART_DECLARE_SYSCALL, HART_IGNORE_SYSCALL, HART_IGNORE_REFUSED)
#undef HART_DECLARE_SYSCALL
#undef HART_IGNORE_SYSCALL
#undef HART_IGNORE_REFUSED

constexpr uint32_t kMaxSyscallNr = 512;

// Table row for nr; a row with name == nullptr if nr is not a riscv64 syscall.
const SyscallInfo& syscall_info(uint64_t nr);
// Number of a syscall by name, or -1.
int syscall_number(const std::string& name);

// Runs the syscall in ctx (strace, unimp reporting included) and returns
// the value for a0 (-errno on failure).
int64_t dispatch_syscall(SyscallCtx& ctx);

// "openat(AT_FDCWD,\"/etc/passwd\",O_RDONLY|O_CLOEXEC)" — the strace call text.
std::string format_syscall_call(SyscallCtx& ctx, const SyscallInfo& info);
// " = 3", " = -1 errno=2 (No such file or directory)", " = 0x0000000000010000".
std::string format_syscall_result(const SyscallInfo& info, int64_t ret);

}  // namespace hart::linux
