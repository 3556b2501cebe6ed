// gdbstub/target_xml.cpp — the target description served as target.xml:
// architecture riscv:rv64 on GNU/Linux, feature org.gnu.gdb.riscv.cpu
// (x0..x31 by ABI name, pc) and org.gnu.gdb.riscv.fpu (f0..f31 as a
// float/double union, fflags, frm, fcsr), org.gnu.gdb.riscv.csr (the vector
// CSRs) and org.gnu.gdb.riscv.vector (v0..v31 as a union of element
// vectors, as gdb and QEMU show them), generated from the register
// table (reg_table.h). regnum follows gdb's riscv numbering (target.h),
// which is also the order of the g packet. Each reg also carries the
// attributes LLDB reads (altname, generic, dwarf_regnum, ehframe_regnum,
// offset, encoding/format of the FP registers, invalidate_regnums of the
// FP CSRs): LLDB 14 has no RISC-V ABI plugin to supply them, and gdb
// ignores attributes it does not know.
#include <string>

#include "gdbstub/packets.h"
#include "gdbstub/reg_table.h"
#include "gdbstub/target.h"

namespace hart::gdb {

namespace {

std::string attr(const char* name, const std::string& value) { return std::string(" ") + name + "=\"" + value + "\""; }

std::string reg(const RegDesc& r) {
  std::string x = "    <reg";
  x += attr("name", r.name);
  x += attr("bitsize", std::to_string(r.bits));
  x += attr("type", r.xml_type);
  x += attr("regnum", std::to_string(r.regnum));
  if (r.set[0] == 'f') x += attr("group", "float");
  if (r.set[0] == 'v') x += attr("group", "vector") + attr("encoding", "vector") + attr("format", "vector-uint8");
  // LLDB's attributes.
  x += attr("offset", std::to_string(r.offset));
  if (r.altname[0]) x += attr("altname", r.altname);
  if (r.generic[0]) x += attr("generic", r.generic);
  if (r.dwarf >= 0) {
    x += attr("dwarf_regnum", std::to_string(r.dwarf));
    x += attr("ehframe_regnum", std::to_string(r.dwarf));
  }
  if (r.is_float) x += attr("encoding", "ieee754") + attr("format", "float");
  if (r.regnum == kRegFflags || r.regnum == kRegFrm) x += attr("invalidate_regnums", std::to_string(kRegFcsr));
  if (r.regnum == kRegFcsr)
    x += attr("invalidate_regnums", std::to_string(kRegFflags) + "," + std::to_string(kRegFrm));
  return x + "/>\n";
}

std::string build() {
  std::string x =
      "<?xml version=\"1.0\"?>\n"
      "<!DOCTYPE target SYSTEM \"gdb-target.dtd\">\n"
      "<target version=\"1.0\">\n"
      "  <architecture>riscv:rv64</architecture>\n"
      "  <osabi>GNU/Linux</osabi>\n"
      "  <feature name=\"org.gnu.gdb.riscv.cpu\">\n";
  size_t n;
  const RegDesc* regs = reg_table(&n);
  char set = 'g';
  for (size_t i = 0; i < n; ++i) {
    if (regs[i].set[0] != set) {
      set = regs[i].set[0];
      x += "  </feature>\n";
      if (set == 'f')
        x += "  <feature name=\"org.gnu.gdb.riscv.fpu\">\n"
             "    <union id=\"riscv_double\">\n"
             "      <field name=\"float\" type=\"ieee_single\"/>\n"
             "      <field name=\"double\" type=\"ieee_double\"/>\n"
             "    </union>\n";
      else if (set == 'c')
        x += "  <feature name=\"org.gnu.gdb.riscv.csr\">\n";
      else
        x += "  <feature name=\"org.gnu.gdb.riscv.vector\">\n"
             "    <vector id=\"bytes\" type=\"uint8\" count=\"" + std::to_string(kGdbVlenb) + "\"/>\n"
             "    <vector id=\"shorts\" type=\"uint16\" count=\"" + std::to_string(kGdbVlenb / 2) + "\"/>\n"
             "    <vector id=\"words\" type=\"uint32\" count=\"" + std::to_string(kGdbVlenb / 4) + "\"/>\n"
             "    <vector id=\"longs\" type=\"uint64\" count=\"" + std::to_string(kGdbVlenb / 8) + "\"/>\n"
             "    <vector id=\"quads\" type=\"uint128\" count=\"" + std::to_string(kGdbVlenb / 16) + "\"/>\n"
             "    <union id=\"riscv_vector\">\n"
             "      <field name=\"b\" type=\"bytes\"/>\n"
             "      <field name=\"s\" type=\"shorts\"/>\n"
             "      <field name=\"w\" type=\"words\"/>\n"
             "      <field name=\"l\" type=\"longs\"/>\n"
             "      <field name=\"q\" type=\"quads\"/>\n"
             "    </union>\n";
    }
    x += reg(regs[i]);
  }
  x += "  </feature>\n</target>\n";
  return x;
}

}  // namespace

const std::string& target_xml() {
  static const std::string xml = build();
  return xml;
}

}  // namespace hart::gdb
