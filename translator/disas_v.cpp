// translator/disas_v.cpp — the V 1.0 part of the disassembler: operand
// text by vector format (insn_table_v.h), the vtype immediate of
// vsetvli/vsetivli ("e32,m1,ta,ma"; a reserved value prints as a number,
// as binutils does), segment names (nf > 0: vle16.v becomes vlseg3e16.v,
// vlse32.v vlsseg2e32.v, vluxei8.v vluxseg4ei8.v, vle8ff.v vlseg2e8ff.v)
// and ",v0.t" for masked instructions.
// QEMU 7.2 prints vector instructions without pseudo-instructions, as here;
// where its text is wrong we print binutils' names: it ignores nf
// (printing vlseg3e16.v as vle16.v) and prints vmadc.vv/vmsbc.vv (vm=1,
// no carry-in) as vmadc.vvm ...,v0.
// Owns: vector operand text. Does not own: the table (insn_table_v.h).
#include <string>

#include "core/cpu_state.h"
#include "translator/disas.h"

namespace hart {

namespace {

constexpr size_t kTab = 24;  // as disas.cpp

std::string vreg(unsigned r) { return "v" + std::to_string(r); }

std::string vtype_text(uint32_t vt) {
  static const char* const kLmul[8] = {"m1", "m2", "m4", "m8", nullptr, "mf8", "mf4", "mf2"};
  const unsigned sew = (vt >> 3) & 7;
  if ((vt >> 8) != 0 || sew > 3 || !kLmul[vt & 7]) return std::to_string(vt);
  return "e" + std::to_string(8u << sew) + "," + kLmul[vt & 7] + ((vt & 0x40) ? ",ta" : ",tu") +
         ((vt & 0x80) ? ",ma" : ",mu");
}

// The mnemonic, with the segment form for nf > 0.
std::string mem_name(Opcode op, uint32_t w) {
  std::string n = insn_mnemonic(op);
  const unsigned nf = (w >> 29) + 1;
  if (nf == 1 || (insn_info(op).mask & 0xe0000000u)) return n;  // whole-register rows fix nf
  const std::string seg = "seg" + std::to_string(nf);
  // vle8.v vse8.v vle8ff.v -> v[l|s]seg<nf>e8...; vlse -> vlsseg; vluxei -> vluxseg
  if (n.compare(0, 4, "vlse") == 0 || n.compare(0, 4, "vsse") == 0) return n.substr(0, 3) + seg + n.substr(3);
  if (n.compare(0, 3, "vle") == 0 || n.compare(0, 3, "vse") == 0) return n.substr(0, 2) + seg + n.substr(2);
  return n.substr(0, 4) + seg + n.substr(4);  // vluxei vloxei vsuxei vsoxei
}

}  // namespace

std::string disassemble_vector(Opcode op, uint32_t w) {
  const InsnInfo& in = insn_info(op);
  const unsigned rd = (w >> 7) & 31, rs1 = (w >> 15) & 31, rs2 = (w >> 20) & 31;
  const bool masked = !((w >> 25) & 1);
  const int simm = static_cast<int>(static_cast<int32_t>(rs1 << 27) >> 27);
  const unsigned uimm = op == Opcode::vror_vi ? rs1 | ((w >> 21) & 32) : rs1;  // vror.vi: 6 bits
  const std::string imm = (in.flags & kVUimm) ? std::to_string(uimm) : std::to_string(simm);
  const std::string x1 = (in.flags & kFs1) ? kFRegAbiName[rs1] : kXRegAbiName[rs1];
  const std::string d = vreg(rd), v1 = vreg(rs1), v2 = vreg(rs2);
  std::string name = insn_mnemonic(op), ops;
  bool mask_operand = in.format != InsnFormat::VSETVLI && in.format != InsnFormat::VSETIVLI && in.format != InsnFormat::R;
  switch (in.format) {
    case InsnFormat::VSETVLI: ops = std::string(kXRegAbiName[rd]) + "," + kXRegAbiName[rs1] + "," + vtype_text((w >> 20) & 0x7ff); break;
    case InsnFormat::VSETIVLI: ops = std::string(kXRegAbiName[rd]) + "," + std::to_string(rs1) + "," + vtype_text((w >> 20) & 0x3ff); break;
    case InsnFormat::R: ops = std::string(kXRegAbiName[rd]) + "," + kXRegAbiName[rs1] + "," + kXRegAbiName[rs2]; break;
    case InsnFormat::VL: name = mem_name(op, w); ops = d + ",(" + kXRegAbiName[rs1] + ")"; break;
    case InsnFormat::VLS: name = mem_name(op, w); ops = d + ",(" + kXRegAbiName[rs1] + ")," + kXRegAbiName[rs2]; break;
    case InsnFormat::VLX: name = mem_name(op, w); ops = d + ",(" + kXRegAbiName[rs1] + ")," + v2; break;
    case InsnFormat::VV: ops = d + "," + v2 + "," + v1; break;
    case InsnFormat::VX: ops = d + "," + v2 + "," + x1; break;
    case InsnFormat::VI: ops = d + "," + v2 + "," + imm; break;
    case InsnFormat::VVR: ops = d + "," + v1 + "," + v2; break;
    case InsnFormat::VXR: ops = d + "," + x1 + "," + v2; break;
    case InsnFormat::VVM: ops = d + "," + v2 + "," + v1 + ",v0"; mask_operand = false; break;
    case InsnFormat::VXM: ops = d + "," + v2 + "," + x1 + ",v0"; mask_operand = false; break;
    case InsnFormat::VIM: ops = d + "," + v2 + "," + imm + ",v0"; mask_operand = false; break;
    case InsnFormat::V2: ops = d + "," + v2; break;
    case InsnFormat::VD: ops = d; break;
    case InsnFormat::XV: ops = std::string((in.flags & kFd) ? kFRegAbiName[rd] : kXRegAbiName[rd]) + "," + v2; break;
    case InsnFormat::V1V: ops = d + "," + v1; break;
    case InsnFormat::V1X: ops = d + "," + x1; break;
    case InsnFormat::V1I: ops = d + "," + std::to_string(simm); break;
    default: break;
  }
  if (mask_operand && masked) ops += ",v0.t";
  while (name.size() < kTab) name += ' ';
  return name + ops;
}

}  // namespace hart
