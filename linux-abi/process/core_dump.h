// linux-abi/process/core_dump.h — core files: what Linux's do_coredump and
// binfmt_elf's elf_core_dump produce for a guest process killed by a signal
// whose default action dumps core (SIGSEGV, SIGABRT, SIGQUIT, SIGILL,
// SIGBUS, SIGFPE, SIGSYS, SIGTRAP, SIGXCPU, SIGXFSZ), in the riscv64 ELF
// core format that `gdb-multiarch PROG CORE` reads:
//   - an ET_CORE ELF64 file, EM_RISCV, one PT_NOTE, then one PT_LOAD per
//     mapping (the merged view /proc/PID/maps shows);
//   - notes: NT_PRSTATUS for every thread (the dumping thread first; riscv64
//     elf_prstatus: pr_reg = pc, x1..x31), NT_PRPSINFO, NT_SIGINFO (the
//     guest siginfo layout), NT_AUXV, NT_FILE, NT_PRFPREG per thread
//     (f0..f31, fcsr);
//   - memory as the process's coredump_filter (/proc/<pid>/coredump_filter,
//     default 0x33) selects it: with the default, private and
//     shared-anonymous mappings whole, file mappings that are not code
//     whole, the first page of code mappings only when it is an ELF header,
//     unreadable mappings with no bytes; all-zero pages are left as holes.
// Policy as Linux: no file when the process is not dumpable (prctl
// PR_SET_DUMPABLE 0, or after a credential change), or when the guest's RLIMIT_CORE soft limit is below
// one page; the data written stops at the limit (a cut-short core still
// counts as dumped). The file is named by the launch's core pattern
// (default "core", relative to the guest's cwd; jailed guests resolve it
// inside their root), an existing entry of that name (a file, a symlink)
// is unlinked first and the new file is made with O_CREAT|O_EXCL|O_NOFOLLOW,
// mode 0600 under the guest's umask, as the dumping thread's guest
// credentials (creds.h), and must be a regular file with one link.
// Owns: the core file format and its placement. Does not own: when a
// process dumps (Process::exit_with_signal, the rendezvous of its threads
// in cpu_loop.cpp) or the wait status that reports it (process.cpp).
#pragma once

#include <string>

namespace hart::linux {

class Process;
struct Thread;
struct GuestSiginfo;

// "" if pattern can name core files, else why not ('|' pipes are not
// supported; empty patterns name nothing).
std::string check_core_pattern(const std::string& pattern);

// The pattern with Linux's core_pattern escapes expanded for p killed by
// sig in thread tid: %% %p %P (pid) %i %I (tid) %u %g (uid, gid) %s (signal)
// %t (seconds since the epoch) %h (the guest's hostname) %e (comm) %E (the
// program's path, '/' as '!') %c (RLIMIT_CORE soft limit). '/' in the
// values of %e and %h becomes '!'.
std::string expand_core_pattern(const std::string& pattern, Process& p, int tid, int sig);

// Writes p's core file. Called by `self`, the thread that took the fatal
// signal, once every other thread of p is parked (their registers stay
// put). true if a core file was written; *note says where (a guest path)
// or why not, for the guest log.
bool write_core_file(Process& p, Thread& self, int sig, const GuestSiginfo& info, std::string* note);

}  // namespace hart::linux
