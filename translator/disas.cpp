// translator/disas.cpp — disassembler printing what qemu-riscv64 7.2 prints
// for -d in_asm (its RISC-V disassembler's operand layouts, pseudo-
// instruction lifting, CSR names and -d line format), over our one
// instruction table. The text conventions below were captured from
// qemu-riscv64 runs and are checked by tests/unit/translator/disas_test.cpp.
// Owns: operand layouts, pseudo-instruction rules, CSR names, compressed
// instructions as QEMU's disassembler shows them (it accepts a few reserved
// C encodings — c.jr x0, c.lwsp/c.ldsp/c.addiw with rd x0 — and rejects
// some hints — c.addi with imm 0, c.slli/c.srli/c.srai with shamt 0).
// Does not own: decoding for execution (decode.cpp), vector operand text
// (disas_v.cpp). Instructions outside our table (privileged, Zb* beyond
// Zba/Zbb/Zbs/Zbc) print as "illegal".
// Extensions QEMU 7.2 does not know (Zicond, Zihintpause, Zihintntl,
// Zawrs, Zimop, Zcmop, Zicbop, Zicboz) print as binutils prints them (czero.eqz, pause,
// ntl.all, c.ntl.all, wrs.nto, mop.r.N, mop.rr.N, c.mop.N). The RVA23
// scalar group (Zfh, Zfa, Zicbom, Zacas, Zabha) prints in QEMU 10's layout
// (rounding mode first: "fround.s rne,fa0,fa1", "fcvtmod.w.d rtz,a0,fa0";
// "amocas.d.aq.rl a0,a2,(a1)") except where QEMU 10 is wrong: fli prints
// its constant as binutils does ("fli.s fa0,-0x1p+0"; QEMU drops the sign
// of -1), cbo.clean/flush/inval as binutils ("cbo.clean (a1)"; QEMU 10
// prints cbo.inval as cbo.flush and the others as lq), and the half-
// precision arithmetic QEMU 10's disassembler calls illegal by its name.
//
// Zba/Zbb/Zbs/Zbc print as QEMU 7.2 prints them (no pseudo-instructions:
// zext.w is "add.uw rd,rs1,zero", rori/bseti... keep their names) except
// where QEMU 7.2's text is wrong; there we print the spec's operands:
//   andn, orn, xnor   QEMU omits rs2 ("andn a2,a0"); we print rd,rs1,rs2
//   ctzw              QEMU prints the name "clzw"; we print "ctzw"
//   slli.uw           QEMU prints the rs2 field as a register ("slli.uw
//                     a0,a1,t0" for shamt 5) and "illegal" for shamt >= 32;
//                     we print the shift amount ("slli.uw a0,a1,5", 63)
// (tests/unit/translator/disas_test.cpp checks these; the captured QEMU
// lines in qemu_in_asm_data.inc leave them out.)
#include "translator/disas.h"

#include <cinttypes>
#include <cstdio>

#include "core/cpu_state.h"
#include "translator/fp_ops.h"

namespace hart {

namespace {

constexpr size_t kTab = 24;  // column of the operands; 2*kTab: branch-target comment

uint32_t bits_of(uint32_t v, int hi, int lo) { return (v >> lo) & ((1u << (hi - lo + 1)) - 1); }
int32_t sext32(uint32_t v, int bits) { return static_cast<int32_t>(v << (32 - bits)) >> (32 - bits); }

// QEMU's CSR name table (numbers without a name print as 0x%03x).
const char* csr_name(uint32_t csr) {
  struct Entry {
    uint16_t num;
    const char* name;
  };
  static const Entry kNames[] = {
      {0x000, "ustatus"}, {0x001, "fflags"}, {0x002, "frm"}, {0x003, "fcsr"}, {0x004, "uie"},
      {0x008, "vstart"}, {0x009, "vxsat"}, {0x00a, "vxrm"}, {0x00f, "vcsr"}, {0xc20, "vl"},
      {0xc21, "vtype"}, {0xc22, "vlenb"},
      {0x005, "utvec"}, {0x040, "uscratch"}, {0x041, "uepc"}, {0x042, "ucause"}, {0x043, "utval"},
      {0x044, "uip"}, {0x100, "sstatus"}, {0x102, "sedeleg"}, {0x103, "sideleg"}, {0x104, "sie"},
      {0x105, "stvec"}, {0x106, "scounteren"}, {0x140, "sscratch"}, {0x141, "sepc"},
      {0x142, "scause"}, {0x143, "stval"}, {0x144, "sip"}, {0x180, "satp"}, {0x200, "hstatus"},
      {0x202, "hedeleg"}, {0x203, "hideleg"}, {0x204, "hie"}, {0x205, "htvec"},
      {0x240, "hscratch"}, {0x241, "hepc"}, {0x242, "hcause"}, {0x243, "hbadaddr"}, {0x244, "hip"},
      {0x300, "mstatus"}, {0x301, "misa"}, {0x302, "medeleg"}, {0x303, "mideleg"}, {0x304, "mie"},
      {0x305, "mtvec"}, {0x306, "mcounteren"}, {0x320, "mucounteren"}, {0x321, "mscounteren"},
      {0x322, "mhcounteren"}, {0x340, "mscratch"}, {0x341, "mepc"}, {0x342, "mcause"},
      {0x343, "mtval"}, {0x344, "mip"}, {0x380, "mbase"}, {0x381, "mbound"}, {0x382, "mibase"},
      {0x383, "mibound"}, {0x384, "mdbase"}, {0x385, "mdbound"}, {0x3a0, "pmpcfg3"},
      {0x3bd, "pmpaddr14"}, {0x3be, "pmpaddr13"},  // swapped in QEMU's table
      {0x780, "mtohost"}, {0x781, "mfromhost"}, {0x782, "mreset"}, {0x783, "mipi"},
      {0x784, "miobase"}, {0x7a0, "tselect"}, {0x7a1, "tdata1"}, {0x7a2, "tdata2"},
      {0x7a3, "tdata3"}, {0x7b0, "dcsr"}, {0x7b1, "dpc"}, {0x7b2, "dscratch"}, {0xb00, "mcycle"},
      {0xb01, "mtime"}, {0xb02, "minstret"}, {0xb80, "mcycleh"}, {0xb81, "mtimeh"},
      {0xb82, "minstreth"}, {0xc00, "cycle"}, {0xc01, "time"}, {0xc02, "instret"},
      {0xc80, "cycleh"}, {0xc81, "timeh"}, {0xc82, "instreth"}, {0xd00, "scycle"},
      {0xd01, "stime"}, {0xd02, "sinstret"}, {0xd80, "scycleh"}, {0xd81, "stimeh"},
      {0xd82, "sinstreth"}, {0xe00, "hcycle"}, {0xe01, "htime"}, {0xe02, "hinstret"},
      {0xe80, "hcycleh"}, {0xe81, "htimeh"}, {0xe82, "hinstreth"}, {0xf11, "mvendorid"},
      {0xf12, "marchid"}, {0xf13, "mimpid"}, {0xf14, "mhartid"},
  };
  for (const Entry& e : kNames)
    if (e.num == csr) return e.name;
  static thread_local char buf[8];
  // Numbered families: mhpmevent3..31, pmpaddr0..15, mhpmcounter3..31(h).
  if (csr >= 0x323 && csr <= 0x33f) {
    snprintf(buf, sizeof buf, "%u", csr - 0x320);
    static thread_local std::string s;
    s = std::string("mhpmevent") + buf;
    return s.c_str();
  }
  if (csr >= 0x3b0 && csr <= 0x3bf) {
    static thread_local std::string s;
    s = "pmpaddr" + std::to_string(csr - 0x3b0);
    return s.c_str();
  }
  if ((csr >= 0xb03 && csr <= 0xb1f) || (csr >= 0xb83 && csr <= 0xb9f)) {
    static thread_local std::string s;
    s = "mhpmcounter" + std::to_string(csr & 0x1f) + ((csr & 0x80) ? "h" : "");
    return s.c_str();
  }
  return nullptr;
}

// The 32-bit instruction QEMU's disassembler shows for a 16-bit one, or 0
// for "illegal". Mostly expand_compressed(), with QEMU's own acceptance.
uint32_t qemu_expand(uint16_t c) {
  const uint32_t q = c & 3, f3 = bits_of(c, 15, 13), rd = bits_of(c, 11, 7), rs2 = bits_of(c, 6, 2);
  const bool imm6_zero = bits_of(c, 12, 12) == 0 && rs2 == 0;
  if (q == 1 && f3 == 0 && rd != 0 && imm6_zero) return 0;           // c.addi, imm 0
  if (q == 2 && f3 == 0 && imm6_zero) return 0;                       // c.slli, shamt 0
  if (q == 1 && f3 == 4 && bits_of(c, 11, 11) == 0 && imm6_zero) return 0;  // c.srli/c.srai
  if (q == 2 && f3 == 4 && !bits_of(c, 12, 12) && rs2 == 0 && rd == 0) return 0x00000067;  // jr zero
  if (q == 2 && f3 == 4 && !bits_of(c, 12, 12) && rs2 != 0)  // c.mv -> addi rd,rs2,0 (QEMU's form)
    return 0x13 | rd << 7 | rs2 << 15;
  if (rd == 0 && ((q == 2 && (f3 == 2 || f3 == 3)) || (q == 1 && f3 == 1))) {
    // c.lwsp/c.ldsp/c.addiw with rd x0: expand with rd=1, then clear rd (and rs1 for addiw).
    uint32_t w = expand_compressed(static_cast<uint16_t>(c | 1u << 7));
    w &= ~(0x1fu << 7);
    if (q == 1) w &= ~(0x1fu << 15);
    return w;
  }
  return expand_compressed(c);
}

// Table lookup without the reserved-rm rejection (QEMU prints "inv").
Opcode match_table(uint32_t w) {
  for (int i = 0; i < static_cast<int>(Opcode::illegal); ++i) {
    const InsnInfo& in = kInsnInfo[i];
    if ((w & in.mask) == in.match) return static_cast<Opcode>(i);
  }
  return Opcode::illegal;
}

struct Fields {
  Opcode op;
  uint32_t w;
  unsigned rd, rs1, rs2, rs3, rm;
  int32_t imm;
};

void append_padded(std::string& s, size_t col) {
  while (s.size() < col) s += ' ';
}

// Formats: O name, A .aq, R .rl, '\t' pad to kTab, 0/1/2 x regs, 3/4/5/6 f
// regs, i imm, o branch offset (+ target comment), c csr, 7 zimm (rs1 field),
// r rounding mode, p/s fence pred/succ, other characters literal.
std::string render(const char* name, const char* fmt, const Fields& f, uint64_t pc) {
  static const char* const kRm[8] = {"rne", "rtz", "rdn", "rup", "rmm", "inv", "inv", "dyn"};
  std::string s;
  bool has_target = false;
  for (const char* p = fmt; *p; ++p) {
    switch (*p) {
      case 'O': s += name; break;
      case 'A': if (bits_of(f.w, 26, 26)) s += ".aq"; break;
      case 'R': if (bits_of(f.w, 25, 25)) s += ".rl"; break;
      case '\t': append_padded(s, kTab); break;
      case '0': s += kXRegAbiName[f.rd]; break;
      case '1': s += kXRegAbiName[f.rs1]; break;
      case '2': s += kXRegAbiName[f.rs2]; break;
      case '3': s += kFRegAbiName[f.rd]; break;
      case '4': s += kFRegAbiName[f.rs1]; break;
      case '5': s += kFRegAbiName[f.rs2]; break;
      case '6': s += kFRegAbiName[f.rs3]; break;
      case 'i': s += std::to_string(f.imm); break;
      case 'o': s += std::to_string(f.imm); has_target = true; break;
      case '7': s += std::to_string(f.rs1); break;
      case 'r': s += kRm[f.rm & 7]; break;
      case 'v':  // fli constant (binutils: min, inf, nan, else %a)
        if (f.rs1 == 1) {
          s += "min";
        } else if (f.rs1 == 30) {
          s += "inf";
        } else if (f.rs1 == 31) {
          s += "nan";
        } else {
          char buf[32];
          snprintf(buf, sizeof buf, "%a", fp::fli_table_value(f.rs1));
          s += buf;
        }
        break;
      case 'c': {
        uint32_t csr = static_cast<uint32_t>(f.imm) & 0xfff;
        if (const char* n = csr_name(csr)) {
          s += n;
        } else {
          char buf[8];
          snprintf(buf, sizeof buf, "0x%03x", csr);
          s += buf;
        }
        break;
      }
      case 'p':
      case 's': {
        uint32_t v = *p == 'p' ? bits_of(f.w, 27, 24) : bits_of(f.w, 23, 20);
        if (v & 8) s += 'i';
        if (v & 4) s += 'o';
        if (v & 2) s += 'r';
        if (v & 1) s += 'w';
        break;
      }
      default: s += *p; break;
    }
  }
  if (has_target) {
    append_padded(s, 2 * kTab);
    char buf[32];
    snprintf(buf, sizeof buf, "# 0x%" PRIx64, pc + static_cast<int64_t>(f.imm));
    s += buf;
  }
  return s;
}

// Operand layout of a table instruction.
const char* layout(const Fields& f) {
  const InsnInfo& in = insn_info(f.op);
  switch (in.format) {
    case InsnFormat::R: {
      if (in.flags & kFd) return (in.flags & kRm) ? "O\tr,3,4,5" : "O\t3,4,5";
      if (in.flags & kFs1) return "O\t0,4,5";  // feq/flt/fle
      return "O\t0,1,2";
    }
    case InsnFormat::FR: {
      if (in.flags & kFd) return (in.flags & kRm) ? "O\tr,3,4,5" : "O\t3,4,5";
      return "O\t0,4,5";
    }
    case InsnFormat::FR4: return "O\tr,3,4,5,6";
    case InsnFormat::FR1: {
      const char* rm = (in.flags & kRm) ? "r," : "";
      static thread_local std::string s;
      s = std::string("O\t") + rm + ((in.flags & kFd) ? "3," : "0,") + ((in.flags & kFs1) ? "4" : "1");
      return s.c_str();
    }
    case InsnFormat::R1: return "O\t0,1";
    case InsnFormat::I:
    case InsnFormat::SH: return "O\t0,1,i";
    case InsnFormat::L: return (in.flags & kFd) ? "O\t3,i(1)" : "O\t0,i(1)";
    case InsnFormat::S: return (in.flags & kFs2) ? "O\t5,i(1)" : "O\t2,i(1)";
    case InsnFormat::B: return "O\t1,2,o";
    case InsnFormat::U: return f.op == Opcode::auipc ? "O\t0,o" : "O\t0,i";
    case InsnFormat::J: return "O\t0,o";
    case InsnFormat::A: return "OAR\t0,2,(1)";
    case InsnFormat::LR: return "OAR\t0,(1)";
    case InsnFormat::CSR: return "O\t0,c,1";
    case InsnFormat::CSRI: return "O\t0,c,7";
    case InsnFormat::FENCE: return "O\tp,s";
    default: return "O\t";
  }
}

// Pseudo-instruction lifting, in QEMU's order. Sets name/fmt when it applies.
bool lift(const Fields& f, const char** name, const char** fmt) {
  auto set = [&](const char* n, const char* l) {
    *name = n;
    *fmt = l;
    return true;
  };
  const uint32_t csr = static_cast<uint32_t>(f.imm) & 0xfff;
  switch (f.op) {
    case Opcode::jal: if (f.rd == 0) return set("j", "O\to"); break;
    case Opcode::jalr:
      if (f.rd == 0 && f.rs1 == 1) return set("ret", "O\t");
      if (f.rd == 0 && f.imm == 0) return set("jr", "O\t1");
      break;
    case Opcode::beq: if (f.rs2 == 0) return set("beqz", "O\t1,o"); break;
    case Opcode::bne: if (f.rs2 == 0) return set("bnez", "O\t1,o"); break;
    case Opcode::blt:
      if (f.rs2 == 0) return set("bltz", "O\t1,o");
      if (f.rs1 == 0) return set("bgtz", "O\t2,o");
      return set("bgt", "O\t2,1,o");
    case Opcode::bge:
      if (f.rs1 == 0) return set("blez", "O\t2,o");
      if (f.rs2 == 0) return set("bgez", "O\t1,o");
      return set("ble", "O\t2,1,o");
    case Opcode::bltu: return set("bgtu", "O\t2,1,o");
    case Opcode::bgeu: return set("bleu", "O\t2,1,o");
    case Opcode::addi:
      if (f.rd == 0 && f.rs1 == 0 && f.imm == 0) return set("nop", "O\t");
      if (f.imm == 0) return set("mv", "O\t0,1");
      break;
    case Opcode::sltiu: if (f.imm == 1) return set("seqz", "O\t0,1"); break;
    case Opcode::xori: if (f.imm == -1) return set("not", "O\t0,1"); break;
    case Opcode::sub: if (f.rs1 == 0) return set("neg", "O\t0,2"); break;
    case Opcode::add:  // Zihintntl hints (binutils' names)
      if (f.rd == 0 && f.rs1 == 0 && f.rs2 >= 2 && f.rs2 <= 5) {
        static const char* const kNtl[4] = {"ntl.p1", "ntl.pall", "ntl.s1", "ntl.all"};
        return set(kNtl[f.rs2 - 2], "O\t");
      }
      break;
    case Opcode::mop_r: case Opcode::mop_rr: {  // Zimop: the number N in the name
      static thread_local std::string n;
      unsigned v = bits_of(f.w, 30, 30) << 2 | bits_of(f.w, 27, 26);
      if (f.op == Opcode::mop_r) v = v << 2 | bits_of(f.w, 21, 20);
      n = (f.op == Opcode::mop_r ? "mop.r." : "mop.rr.") + std::to_string(v);
      return set(n.c_str(), f.op == Opcode::mop_r ? "O\t0,1" : "O\t0,1,2");
    }
    case Opcode::slt:
      if (f.rs2 == 0) return set("sltz", "O\t0,1");
      if (f.rs1 == 0) return set("sgtz", "O\t0,2");
      break;
    case Opcode::sltu: if (f.rs1 == 0) return set("snez", "O\t0,2"); break;
    case Opcode::addiw: if (f.imm == 0) return set("sext.w", "O\t0,1"); break;
    case Opcode::subw: if (f.rs1 == 0) return set("negw", "O\t0,2"); break;
    case Opcode::csrrw:
      if (csr == 3) return set("fscsr", "O\t0,1");
      if (csr == 2) return set("fsrm", "O\t0,1");
      if (csr == 1) return set("fsflags", "O\t0,1");
      break;
    case Opcode::csrrs:
      if (f.rs1 != 0) break;
      switch (csr) {
        case 0xc00: return set("rdcycle", "O\t0");
        case 0xc01: return set("rdtime", "O\t0");
        case 0xc02: return set("rdinstret", "O\t0");
        case 0xc80: return set("rdcycleh", "O\t0");
        case 0xc81: return set("rdtimeh", "O\t0");
        case 0xc82: return set("rdinstreth", "O\t0");
        case 0x003: return set("frcsr", "O\t0");
        case 0x002: return set("frrm", "O\t0");
        case 0x001: return set("frflags", "O\t0");
        default: break;
      }
      break;
    case Opcode::csrrwi:
      if (csr == 2) return set("fsrmi", "O\t0,7");
      if (csr == 1) return set("fsflagsi", "O\t0,7");
      break;
    // QEMU prints these pseudo-instructions with integer register names.
    case Opcode::fsgnj_s: if (f.rs1 == f.rs2) return set("fmv.s", "O\t0,1"); break;
    case Opcode::fsgnjn_s: if (f.rs1 == f.rs2) return set("fneg.s", "O\t0,1"); break;
    case Opcode::fsgnjx_s: if (f.rs1 == f.rs2) return set("fabs.s", "O\t0,1"); break;
    case Opcode::fsgnj_d: if (f.rs1 == f.rs2) return set("fmv.d", "O\t0,1"); break;
    case Opcode::fsgnjn_d: if (f.rs1 == f.rs2) return set("fneg.d", "O\t0,1"); break;
    case Opcode::fsgnjx_d: if (f.rs1 == f.rs2) return set("fabs.d", "O\t0,1"); break;
    default: break;
  }
  return false;
}

// QEMU's names where they differ from the spec mnemonic.
const char* qemu_name(Opcode op) {
  switch (op) {
    case Opcode::fmv_x_w: return "fmv.x.s";
    case Opcode::fmv_w_x: return "fmv.s.x";
    default: return insn_mnemonic(op);
  }
}

}  // namespace

std::string disassemble(const DecodedInsn& d, uint64_t pc) {
  uint32_t w;
  if (d.len == 2) {
    const uint16_t c = static_cast<uint16_t>(d.bits);
    if ((c & 0xf8ff) == 0x6081) {  // Zcmop: c.mop.N, N = rd (odd)
      std::string s = "c.mop." + std::to_string(bits_of(c, 11, 7));
      append_padded(s, kTab);
      return s;
    }
    if ((c & 0xff83) == 0x9002 && bits_of(c, 6, 2) >= 2 && bits_of(c, 6, 2) <= 5) {  // c.add x0,x2..x5
      static const char* const kNtl[4] = {"c.ntl.p1", "c.ntl.pall", "c.ntl.s1", "c.ntl.all"};
      std::string s = kNtl[bits_of(c, 6, 2) - 2];
      append_padded(s, kTab);
      return s;
    }
    w = qemu_expand(c);
  } else {
    w = d.bits;
  }
  Fields f{};
  f.op = w ? match_table(w) : Opcode::illegal;
  f.w = w;
  if (f.op == Opcode::illegal) {
    std::string s = "illegal";
    append_padded(s, kTab);
    return s;
  }
  if (insn_info(f.op).flags & kVector) return disassemble_vector(f.op, w);
  f.rd = bits_of(w, 11, 7);
  f.rs1 = bits_of(w, 19, 15);
  f.rs2 = bits_of(w, 24, 20);
  f.rs3 = bits_of(w, 31, 27);
  f.rm = bits_of(w, 14, 12);
  switch (insn_info(f.op).format) {
    case InsnFormat::I:
    case InsnFormat::L: f.imm = sext32(w >> 20, 12); break;
    case InsnFormat::S: f.imm = sext32(bits_of(w, 31, 25) << 5 | bits_of(w, 11, 7), 12); break;
    case InsnFormat::B:
      f.imm = sext32(bits_of(w, 31, 31) << 12 | bits_of(w, 7, 7) << 11 | bits_of(w, 30, 25) << 5 |
                         bits_of(w, 11, 8) << 1, 13);
      break;
    case InsnFormat::U: f.imm = static_cast<int32_t>(w & 0xfffff000u); break;
    case InsnFormat::J:
      f.imm = sext32(bits_of(w, 31, 31) << 20 | bits_of(w, 19, 12) << 12 | bits_of(w, 20, 20) << 11 |
                         bits_of(w, 30, 21) << 1, 21);
      break;
    case InsnFormat::SH: f.imm = static_cast<int32_t>(bits_of(w, 25, 20)); break;
    case InsnFormat::CSR:
    case InsnFormat::CSRI: f.imm = static_cast<int32_t>(bits_of(w, 31, 20)); break;
    default: break;
  }
  if (f.op == Opcode::prefetch_i || f.op == Opcode::prefetch_r || f.op == Opcode::prefetch_w) f.imm &= ~31;
  const char* name = qemu_name(f.op);
  const char* fmt = layout(f);
  if (f.op == Opcode::cbo_zero || f.op == Opcode::cbo_clean || f.op == Opcode::cbo_flush ||
      f.op == Opcode::cbo_inval)
    fmt = "O\t(1)";  // binutils: "cbo.zero (a0)", "prefetch.r 64(a1)"
  if (f.op == Opcode::fli_h || f.op == Opcode::fli_s || f.op == Opcode::fli_d) fmt = "O\t3,v";
  if (f.op == Opcode::prefetch_i || f.op == Opcode::prefetch_r || f.op == Opcode::prefetch_w) fmt = "O\ti(1)";
  lift(f, &name, &fmt);
  return render(name, fmt, f, pc);
}

std::string format_in_asm_line(const DecodedInsn& d, uint64_t pc) {
  char head[64];
  if (d.len == 2)
    snprintf(head, sizeof head, "0x%016" PRIx64 ":  %04x              ", pc, d.bits & 0xffff);
  else
    snprintf(head, sizeof head, "0x%016" PRIx64 ":  %08x          ", pc, d.bits);
  return head + disassemble(d, pc);
}

}  // namespace hart
