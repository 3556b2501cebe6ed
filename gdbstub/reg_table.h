// gdbstub/reg_table.h — THE table of the registers the stub describes:
// riscv64's x0..x31, pc, f0..f31, fflags, frm, fcsr, and V's vector CSRs
// and v0..v31, with gdb's numbers
// (target.h), ABI names, sizes, offsets in the g packet, DWARF/eh_frame
// numbers and the generic roles LLDB needs (pc, sp, fp, ra, arg1..arg8).
// target.xml (target_xml.cpp) and LLDB's qRegisterInfo (pkt_lldb.cpp) are
// both generated from it, so they cannot disagree.
// Owns: the register description data. Does not own: register values
// (pkt_regs.cpp reads and writes them through the Target).
#pragma once

#include <cstddef>

namespace hart::gdb {

struct RegDesc {
  const char* name;     // ABI name (gdb's and LLDB's primary name)
  const char* altname;  // architectural name: x5, f10 ("" = none)
  int regnum;           // gdb's riscv number (target.h): p/P, expedited stop registers
  int bits;             // 64, or 32 for the FP CSRs
  int offset;           // byte offset in the g packet
  const char* xml_type; // gdb target-description type
  const char* set;      // "general", "float", "csr" or "vector"
  int dwarf;            // DWARF = eh_frame number, -1 if none
  const char* generic;  // LLDB generic role ("" = none)
  bool is_float;        // an FP data register (LLDB: ieee754 encoding, float format)
};

// Every register, in g-packet order; *n gets the count.
const RegDesc* reg_table(size_t* n);
// The register with gdb number regnum, or nullptr.
const RegDesc* reg_by_num(int regnum);

}  // namespace hart::gdb
