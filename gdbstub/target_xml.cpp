// gdbstub/target_xml.cpp — the target description served as target.xml:
// architecture riscv:rv64 on GNU/Linux, feature org.gnu.gdb.riscv.cpu
// (x0..x31 by ABI name, pc) and org.gnu.gdb.riscv.fpu (f0..f31 as a
// float/double union, fflags, frm, fcsr). regnum follows gdb's riscv
// numbering (target.h), which is also the order of the g packet.
#include <cstdio>

#include "gdbstub/packets.h"

namespace hart::gdb {

namespace {

const char* const kX[32] = {"zero", "ra", "sp", "gp", "tp",  "t0",  "t1", "t2",
                            "fp",   "s1", "a0", "a1", "a2",  "a3",  "a4", "a5",
                            "a6",   "a7", "s2", "s3", "s4",  "s5",  "s6", "s7",
                            "s8",   "s9", "s10", "s11", "t3", "t4", "t5", "t6"};
const char* const kF[32] = {"ft0", "ft1", "ft2",  "ft3",  "ft4", "ft5", "ft6",  "ft7",
                            "fs0", "fs1", "fa0",  "fa1",  "fa2", "fa3", "fa4",  "fa5",
                            "fa6", "fa7", "fs2",  "fs3",  "fs4", "fs5", "fs6",  "fs7",
                            "fs8", "fs9", "fs10", "fs11", "ft8", "ft9", "ft10", "ft11"};

std::string reg(const char* name, int bits, const char* type, int num, const char* group = nullptr) {
  char buf[160];
  snprintf(buf, sizeof buf, "    <reg name=\"%s\" bitsize=\"%d\" type=\"%s\" regnum=\"%d\"%s%s%s/>\n",
           name, bits, type, num, group ? " group=\"" : "", group ? group : "", group ? "\"" : "");
  return buf;
}

std::string build() {
  std::string x =
      "<?xml version=\"1.0\"?>\n"
      "<!DOCTYPE target SYSTEM \"gdb-target.dtd\">\n"
      "<target version=\"1.0\">\n"
      "  <architecture>riscv:rv64</architecture>\n"
      "  <osabi>GNU/Linux</osabi>\n"
      "  <feature name=\"org.gnu.gdb.riscv.cpu\">\n";
  for (int i = 0; i < 32; ++i) {
    // Return addresses point at code; the stack, global and thread
    // pointers and the frame pointer at data.
    const char* type = i == 1 ? "code_ptr" : (i == 2 || i == 3 || i == 4 || i == 8) ? "data_ptr" : "int";
    x += reg(kX[i], 64, type, i);
  }
  x += reg("pc", 64, "code_ptr", kRegPc);
  x += "  </feature>\n"
       "  <feature name=\"org.gnu.gdb.riscv.fpu\">\n"
       "    <union id=\"riscv_double\">\n"
       "      <field name=\"float\" type=\"ieee_single\"/>\n"
       "      <field name=\"double\" type=\"ieee_double\"/>\n"
       "    </union>\n";
  for (int i = 0; i < 32; ++i) x += reg(kF[i], 64, "riscv_double", kRegF0 + i);
  x += reg("fflags", 32, "int", kRegFflags, "float");
  x += reg("frm", 32, "int", kRegFrm, "float");
  x += reg("fcsr", 32, "int", kRegFcsr, "float");
  x += "  </feature>\n</target>\n";
  return x;
}

}  // namespace

const std::string& target_xml() {
  static const std::string xml = build();
  return xml;
}

}  // namespace hart::gdb
