// gdbstub/signals.cpp — see signals.h.
#include "gdbstub/signals.h"

namespace hart::gdb {

namespace {
// Linux signal number → gdb's, for 1..31 (index = Linux number).
constexpr int kClassic[32] = {
    0,
    1,   // SIGHUP
    2,   // SIGINT
    3,   // SIGQUIT
    4,   // SIGILL
    5,   // SIGTRAP
    6,   // SIGABRT
    10,  // SIGBUS
    8,   // SIGFPE
    9,   // SIGKILL
    30,  // SIGUSR1
    11,  // SIGSEGV
    31,  // SIGUSR2
    13,  // SIGPIPE
    14,  // SIGALRM
    15,  // SIGTERM
    143, // SIGSTKFLT: no gdb equivalent
    20,  // SIGCHLD
    19,  // SIGCONT
    17,  // SIGSTOP
    18,  // SIGTSTP
    21,  // SIGTTIN
    22,  // SIGTTOU
    16,  // SIGURG
    24,  // SIGXCPU
    25,  // SIGXFSZ
    26,  // SIGVTALRM
    27,  // SIGPROF
    28,  // SIGWINCH
    23,  // SIGIO
    32,  // SIGPWR
    12,  // SIGSYS
};
constexpr int kGdbRealtime32 = 77, kGdbRealtime33 = 45, kGdbRealtime64 = 78;
}  // namespace

int gdb_signal_from_linux(int sig) {
  if (sig >= 0 && sig < 32) return kClassic[sig];
  if (sig == 32) return kGdbRealtime32;
  if (sig >= 33 && sig <= 63) return kGdbRealtime33 + (sig - 33);
  if (sig == 64) return kGdbRealtime64;
  return 143;
}

int linux_signal_from_gdb(int sig) {
  if (sig == 0) return 0;
  for (int s = 1; s <= 64; ++s)
    if (gdb_signal_from_linux(s) == sig && sig != 143) return s;
  return 0;
}

}  // namespace hart::gdb
