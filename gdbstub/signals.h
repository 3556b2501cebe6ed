// gdbstub/signals.h — signal numbers on the wire: the remote protocol uses
// gdb's own numbering (GDB_SIGNAL_*), not Linux's. The Target speaks Linux
// (riscv64 guest) numbers; these convert at the protocol boundary (stop
// replies T/X, C/S/vCont, QPassSignals).
// Owns: the one mapping table.
#pragma once

namespace hart::gdb {

int gdb_signal_from_linux(int sig);  // 0 stays 0; unknown → GDB_SIGNAL_UNKNOWN (143)
int linux_signal_from_gdb(int sig);  // 0 if gdb's signal has no Linux number

}  // namespace hart::gdb
