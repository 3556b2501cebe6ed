// gdbstub/reg_table.cpp — the register table (see reg_table.h), built once.
#include "gdbstub/reg_table.h"

#include <string>
#include <utility>
#include <vector>

#include "gdbstub/target.h"

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
const char* const kArg[8] = {"arg1", "arg2", "arg3", "arg4", "arg5", "arg6", "arg7", "arg8"};

struct Table {
  std::vector<RegDesc> regs;
  std::vector<std::string> alt;  // storage of the altnames
  Table() {
    alt.reserve(96);  // the names must not move: RegDesc keeps pointers into them
    int off = 0;
    for (int i = 0; i < 32; ++i) {
      alt.push_back("x" + std::to_string(i));
      // Return addresses point at code; stack, global, thread and frame pointers at data.
      const char* type = i == 1 ? "code_ptr" : (i == 2 || i == 3 || i == 4 || i == 8) ? "data_ptr" : "int";
      const char* generic = i == 1 ? "ra" : i == 2 ? "sp" : i == 8 ? "fp" : (i >= 10 && i <= 17) ? kArg[i - 10] : "";
      regs.push_back({kX[i], alt.back().c_str(), i, 64, off, type, "general", i, generic, false});
      off += 8;
    }
    regs.push_back({"pc", "", kRegPc, 64, off, "code_ptr", "general", -1, "pc", false});
    off += 8;
    for (int i = 0; i < 32; ++i) {
      alt.push_back("f" + std::to_string(i));
      regs.push_back({kF[i], alt.back().c_str(), kRegF0 + i, 64, off, "riscv_double", "float", 32 + i, "", true});
      off += 8;
    }
    regs.push_back({"fflags", "", kRegFflags, 32, off, "int", "float", -1, "", false});
    regs.push_back({"frm", "", kRegFrm, 32, off + 4, "int", "float", -1, "", false});
    regs.push_back({"fcsr", "", kRegFcsr, 32, off + 8, "int", "float", -1, "", false});
    off += 16;
    // V 1.0: the vector CSRs, then v0..v31 (DWARF 96 + n); p/P only.
    static const std::pair<const char*, int> kVcsr[] = {{"vstart", kRegVstart}, {"vxsat", kRegVxsat},
                                                        {"vxrm", kRegVxrm},     {"vcsr", kRegVcsr},
                                                        {"vl", kRegVl},         {"vtype", kRegVtype},
                                                        {"vlenb", kRegVlenb}};
    for (const auto& [name, num] : kVcsr) {
      regs.push_back({name, "", num, 64, off, "int", "csr", -1, "", false});
      off += 8;
    }
    for (int i = 0; i < 32; ++i) {
      alt.push_back("v" + std::to_string(i));
      regs.push_back({alt.back().c_str(), "", kRegV0 + i, 8 * kGdbVlenb, off, "riscv_vector", "vector", 96 + i, "", false});
      off += kGdbVlenb;
    }
  }
};

const Table& table() {
  static const Table t;
  return t;
}

}  // namespace

const RegDesc* reg_table(size_t* n) {
  *n = table().regs.size();
  return table().regs.data();
}

const RegDesc* reg_by_num(int regnum) {
  for (const RegDesc& r : table().regs)
    if (r.regnum == regnum) return &r;
  return nullptr;
}

}  // namespace hart::gdb
