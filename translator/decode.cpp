// translator/decode.cpp — decoder over the instruction table, and the RVC
// expansion (RISC-V unprivileged spec, "C" chapter, RV64 column, and the
// Zcb/Zcmop additions: Zcb expands to its I/M/Zba/Zbb equivalents), and
// decode_memo, its per-thread memo.
#include "translator/decode.h"

#include <sys/mman.h>

#include <array>
#include <cstring>
#include <string>
#include <vector>

namespace hart {

const InsnInfo kInsnInfo[static_cast<int>(Opcode::count)] = {
#define X(name, mask, match, fmt, flags) {#name, mask, match, InsnFormat::fmt, flags},
    HART_INSN_TABLE(X)
    HART_INSN_TABLE_V(X)
    HART_INSN_TABLE_VK(X)
#undef X
    {"illegal", 0, 0, InsnFormat::N, 0},
};

const char* insn_mnemonic(Opcode op) {
  // "fadd_s" -> "fadd.s", "fence_i" -> "fence.i", "and_" -> "and".
  static const auto* names = [] {
    auto* v = new std::array<std::string, static_cast<int>(Opcode::count)>();
    for (int i = 0; i < static_cast<int>(Opcode::count); ++i) {
      std::string s = kInsnInfo[i].name;
      if (s.back() == '_') s.pop_back();  // and_, or_, xor_: C++ keywords
      for (char& c : s)
        if (c == '_') c = '.';
      (*v)[i] = s;
    }
    return v;
  }();
  return (*names)[static_cast<int>(op)].c_str();
}

namespace {

constexpr int64_t sext(uint64_t v, int bits) {
  return static_cast<int64_t>(v << (64 - bits)) >> (64 - bits);
}
constexpr uint32_t bit(uint32_t v, int hi, int lo) { return (v >> lo) & ((1u << (hi - lo + 1)) - 1); }

// Candidate opcodes per major opcode (bits 6:0) and funct3 (bits 14:12),
// in table order (the first that matches wins): an encoding whose mask
// leaves funct3 free (U, J and the like) is a candidate under all eight.
// (By major opcode alone, OP's and OP-FP's lists were long scans.)
struct DecodeIndex {
  std::array<std::vector<Opcode>, 128 * 8> by_key;
  static unsigned key(uint32_t w) { return (w & 0x7f) | ((w >> 12) & 7) << 7; }
  DecodeIndex() {
    for (int i = 0; i < static_cast<int>(Opcode::illegal); ++i) {
      const InsnInfo& in = kInsnInfo[i];
      for (uint32_t f3 = 0; f3 < 8; ++f3)
        if ((f3 << 12 & in.mask) == (in.match & in.mask & 0x7000))
          by_key[key((in.match & 0x7f) | f3 << 12)].push_back(static_cast<Opcode>(i));
    }
  }
};
const DecodeIndex& decode_index() {
  static const DecodeIndex idx;
  return idx;
}

// 32-bit encoders used by the RVC expansion.
uint32_t enc_r(uint32_t op, uint32_t rd, uint32_t f3, uint32_t rs1, uint32_t rs2, uint32_t f7) {
  return op | rd << 7 | f3 << 12 | rs1 << 15 | rs2 << 20 | f7 << 25;
}
uint32_t enc_i(uint32_t op, uint32_t rd, uint32_t f3, uint32_t rs1, int32_t imm) {
  return op | rd << 7 | f3 << 12 | rs1 << 15 | (static_cast<uint32_t>(imm) & 0xfff) << 20;
}
uint32_t enc_s(uint32_t op, uint32_t f3, uint32_t rs1, uint32_t rs2, int32_t imm) {
  uint32_t u = static_cast<uint32_t>(imm);
  return op | (u & 0x1f) << 7 | f3 << 12 | rs1 << 15 | rs2 << 20 | ((u >> 5) & 0x7f) << 25;
}
uint32_t enc_b(uint32_t f3, uint32_t rs1, uint32_t rs2, int32_t imm) {
  uint32_t u = static_cast<uint32_t>(imm);
  return 0x63 | ((u >> 11) & 1) << 7 | ((u >> 1) & 0xf) << 8 | f3 << 12 | rs1 << 15 | rs2 << 20 |
         ((u >> 5) & 0x3f) << 25 | ((u >> 12) & 1) << 31;
}
uint32_t enc_j(uint32_t rd, int32_t imm) {
  uint32_t u = static_cast<uint32_t>(imm);
  return 0x6f | rd << 7 | ((u >> 12) & 0xff) << 12 | ((u >> 11) & 1) << 20 |
         ((u >> 1) & 0x3ff) << 21 | ((u >> 20) & 1) << 31;
}
uint32_t enc_u(uint32_t op, uint32_t rd, int32_t imm20) {
  return op | rd << 7 | (static_cast<uint32_t>(imm20) & 0xfffff) << 12;
}

constexpr uint32_t kOpImm = 0x13, kOpImm32 = 0x1b, kOp = 0x33, kOp32 = 0x3b, kOpLoad = 0x03,
                   kOpStore = 0x23, kLoadFp = 0x07, kStoreFp = 0x27, kJalr = 0x67;

}  // namespace

uint32_t expand_compressed(uint16_t c) {
  const uint32_t q = c & 3, f3 = bit(c, 15, 13);
  const uint32_t rd = bit(c, 11, 7), rs2 = bit(c, 6, 2);
  const uint32_t rdp = 8 + bit(c, 4, 2), rs1p = 8 + bit(c, 9, 7);  // x8..x15
  const int32_t imm6 = static_cast<int32_t>(sext(bit(c, 12, 12) << 5 | bit(c, 6, 2), 6));
  switch (q) {
    case 0:
      switch (f3) {
        case 0: {  // c.addi4spn
          uint32_t imm = bit(c, 12, 11) << 4 | bit(c, 10, 7) << 6 | bit(c, 6, 6) << 2 | bit(c, 5, 5) << 3;
          if (imm == 0) return 0;
          return enc_i(kOpImm, rdp, 0, 2, imm);
        }
        case 1:  // c.fld
          return enc_i(kLoadFp, rdp, 3, rs1p, bit(c, 12, 10) << 3 | bit(c, 6, 5) << 6);
        case 2:  // c.lw
          return enc_i(kOpLoad, rdp, 2, rs1p, bit(c, 12, 10) << 3 | bit(c, 6, 6) << 2 | bit(c, 5, 5) << 6);
        case 3:  // c.ld
          return enc_i(kOpLoad, rdp, 3, rs1p, bit(c, 12, 10) << 3 | bit(c, 6, 5) << 6);
        case 5:  // c.fsd
          return enc_s(kStoreFp, 3, rs1p, rdp, bit(c, 12, 10) << 3 | bit(c, 6, 5) << 6);
        case 6:  // c.sw
          return enc_s(kOpStore, 2, rs1p, rdp, bit(c, 12, 10) << 3 | bit(c, 6, 6) << 2 | bit(c, 5, 5) << 6);
        case 7:  // c.sd
          return enc_s(kOpStore, 3, rs1p, rdp, bit(c, 12, 10) << 3 | bit(c, 6, 5) << 6);
        case 4: {  // Zcb loads and stores: uimm[1] is bit 5, uimm[0] bit 6 (bytes only)
          const uint32_t ub = bit(c, 5, 5) << 1 | bit(c, 6, 6), uh = bit(c, 5, 5) << 1;
          switch (bit(c, 12, 10)) {
            case 0: return enc_i(kOpLoad, rdp, 4, rs1p, ub);                          // c.lbu
            case 1: return enc_i(kOpLoad, rdp, bit(c, 6, 6) ? 1 : 5, rs1p, uh);       // c.lh / c.lhu
            case 2: return enc_s(kOpStore, 0, rs1p, rdp, ub);                          // c.sb
            case 3: return bit(c, 6, 6) ? 0 : enc_s(kOpStore, 1, rs1p, rdp, uh);       // c.sh
            default: return 0;
          }
        }
        default:
          return 0;
      }
    case 1:
      switch (f3) {
        case 0:  // c.addi / c.nop
          return enc_i(kOpImm, rd, 0, rd, imm6);
        case 1:  // c.addiw
          if (rd == 0) return 0;
          return enc_i(kOpImm32, rd, 0, rd, imm6);
        case 2:  // c.li
          return enc_i(kOpImm, rd, 0, 0, imm6);
        case 3:
          if (rd == 2) {  // c.addi16sp
            int32_t imm = static_cast<int32_t>(sext(bit(c, 12, 12) << 9 | bit(c, 6, 6) << 4 |
                                                        bit(c, 5, 5) << 6 | bit(c, 4, 3) << 7 |
                                                        bit(c, 2, 2) << 5, 10));
            if (imm == 0) return 0;
            return enc_i(kOpImm, 2, 0, 2, imm);
          } else {  // c.lui
            // Zcmop: c.mop.N (rd = N odd, 1..15, imm 0) writes nothing: a nop
            if (imm6 == 0 && (rd & 1) && rd < 16) return enc_i(kOpImm, 0, 0, 0, 0);
            if (imm6 == 0) return 0;
            return enc_u(0x37, rd, imm6);
          }
        case 4: {
          uint32_t shamt = bit(c, 12, 12) << 5 | bit(c, 6, 2);
          switch (bit(c, 11, 10)) {
            case 0:
              return enc_i(kOpImm, rs1p, 5, rs1p, shamt);  // c.srli
            case 1:
              return enc_i(kOpImm, rs1p, 5, rs1p, shamt | 0x400);  // c.srai
            case 2:
              return enc_i(kOpImm, rs1p, 7, rs1p, imm6);  // c.andi
            default: {
              uint32_t r2 = rdp;
              if (!bit(c, 12, 12)) {
                static constexpr uint32_t f3s[4] = {0, 4, 6, 7};  // sub xor or and
                uint32_t f7 = bit(c, 6, 5) == 0 ? 0x20 : 0;
                return enc_r(kOp, rs1p, f3s[bit(c, 6, 5)], rs1p, r2, f7);
              }
              if (bit(c, 6, 5) == 0) return enc_r(kOp32, rs1p, 0, rs1p, r2, 0x20);  // c.subw
              if (bit(c, 6, 5) == 1) return enc_r(kOp32, rs1p, 0, rs1p, r2, 0);     // c.addw
              if (bit(c, 6, 5) == 2) return enc_r(kOp, rs1p, 0, rs1p, r2, 1);       // c.mul (Zcb)
              switch (bit(c, 4, 2)) {  // Zcb unary ops on rd' (Zbb forms for sext/zext.h/zext.w)
                case 0: return enc_i(kOpImm, rs1p, 7, rs1p, 0xff);                      // c.zext.b
                case 1: return 0x60401013u | rs1p << 7 | rs1p << 15;                   // c.sext.b
                case 2: return 0x0800403bu | rs1p << 7 | rs1p << 15;                   // c.zext.h
                case 3: return 0x60501013u | rs1p << 7 | rs1p << 15;                   // c.sext.h
                case 4: return enc_r(kOp32, rs1p, 0, rs1p, 0, 0x04);                  // c.zext.w
                case 5: return enc_i(kOpImm, rs1p, 4, rs1p, -1);                        // c.not
                default: return 0;
              }
            }
          }
        }
        case 5: {  // c.j
          int32_t imm = static_cast<int32_t>(
              sext(bit(c, 12, 12) << 11 | bit(c, 11, 11) << 4 | bit(c, 10, 9) << 8 |
                       bit(c, 8, 8) << 10 | bit(c, 7, 7) << 6 | bit(c, 6, 6) << 7 |
                       bit(c, 5, 3) << 1 | bit(c, 2, 2) << 5, 12));
          return enc_j(0, imm);
        }
        default: {  // c.beqz / c.bnez
          int32_t imm = static_cast<int32_t>(sext(bit(c, 12, 12) << 8 | bit(c, 11, 10) << 3 |
                                                      bit(c, 6, 5) << 6 | bit(c, 4, 3) << 1 |
                                                      bit(c, 2, 2) << 5, 9));
          return enc_b(f3 == 6 ? 0 : 1, rs1p, 0, imm);
        }
      }
    case 2:
      switch (f3) {
        case 0:  // c.slli
          return enc_i(kOpImm, rd, 1, rd, bit(c, 12, 12) << 5 | bit(c, 6, 2));
        case 1:  // c.fldsp
          return enc_i(kLoadFp, rd, 3, 2, bit(c, 12, 12) << 5 | bit(c, 6, 5) << 3 | bit(c, 4, 2) << 6);
        case 2:  // c.lwsp
          if (rd == 0) return 0;
          return enc_i(kOpLoad, rd, 2, 2, bit(c, 12, 12) << 5 | bit(c, 6, 4) << 2 | bit(c, 3, 2) << 6);
        case 3:  // c.ldsp
          if (rd == 0) return 0;
          return enc_i(kOpLoad, rd, 3, 2, bit(c, 12, 12) << 5 | bit(c, 6, 5) << 3 | bit(c, 4, 2) << 6);
        case 4:
          if (!bit(c, 12, 12)) {
            if (rs2 == 0) {  // c.jr
              if (rd == 0) return 0;
              return enc_i(kJalr, 0, 0, rd, 0);
            }
            return enc_r(kOp, rd, 0, 0, rs2, 0);  // c.mv
          }
          if (rs2 == 0) {
            if (rd == 0) return 0x00100073;         // c.ebreak
            return enc_i(kJalr, 1, 0, rd, 0);       // c.jalr
          }
          return enc_r(kOp, rd, 0, rd, rs2, 0);    // c.add
        case 5:  // c.fsdsp
          return enc_s(kStoreFp, 3, 2, rs2, bit(c, 12, 10) << 3 | bit(c, 9, 7) << 6);
        case 6:  // c.swsp
          return enc_s(kOpStore, 2, 2, rs2, bit(c, 12, 9) << 2 | bit(c, 8, 7) << 6);
        default:  // c.sdsp
          return enc_s(kOpStore, 3, 2, rs2, bit(c, 12, 10) << 3 | bit(c, 9, 7) << 6);
      }
    default:
      return 0;
  }
}

DecodedInsn decode(uint32_t bits) {
  DecodedInsn d;
  uint32_t w = bits;
  if (is_compressed(static_cast<uint16_t>(bits))) {
    d.len = 2;
    d.bits = bits & 0xffff;
    w = expand_compressed(static_cast<uint16_t>(bits));
    if (w == 0) return d;
  } else {
    d.bits = bits;
    if ((bits & 0x1c) == 0x1c) return d;  // 48-bit and longer encodings
  }
  d.expanded = w;
  for (Opcode op : decode_index().by_key[DecodeIndex::key(w)]) {
    const InsnInfo& in = insn_info(op);
    if ((w & in.mask) != in.match) continue;
    d.rd = bit(w, 11, 7);
    d.rs1 = bit(w, 19, 15);
    d.rs2 = bit(w, 24, 20);
    d.rs3 = bit(w, 31, 27);
    d.rm = bit(w, 14, 12);
    switch (in.format) {
      case InsnFormat::I:
      case InsnFormat::L:
        d.imm = sext(w >> 20, 12);
        break;
      case InsnFormat::S:
        d.imm = sext(bit(w, 31, 25) << 5 | bit(w, 11, 7), 12);
        break;
      case InsnFormat::B:
        d.imm = sext(bit(w, 31, 31) << 12 | bit(w, 7, 7) << 11 | bit(w, 30, 25) << 5 |
                         bit(w, 11, 8) << 1, 13);
        break;
      case InsnFormat::U:
        d.imm = sext(w & 0xfffff000u, 32);
        break;
      case InsnFormat::J:
        d.imm = sext(bit(w, 31, 31) << 20 | bit(w, 19, 12) << 12 | bit(w, 20, 20) << 11 |
                         bit(w, 30, 21) << 1, 21);
        break;
      case InsnFormat::SH:
        d.imm = bit(w, 25, 20);
        break;
      case InsnFormat::CSR:
      case InsnFormat::CSRI:
      case InsnFormat::FENCE:
        d.imm = bit(w, 31, 20);
        break;
      case InsnFormat::A:
      case InsnFormat::LR:
        d.rm = bit(w, 26, 25);  // aq/rl
        break;
      // V: imm is the 5-bit immediate (simm5, or uimm5 with kVUimm), the
      // vtype immediate for vsetvli/vsetivli (rs1 holds vsetivli's AVL)
      case InsnFormat::VI:
      case InsnFormat::VIM:
      case InsnFormat::V1I:
      case InsnFormat::V2:  // vmv<nr>r.v: nr-1 in the same field
        d.imm = (in.flags & kVUimm) ? bit(w, 19, 15) : sext(bit(w, 19, 15), 5);
        if (op == Opcode::vror_vi) d.imm |= bit(w, 26, 26) << 5;  // Zvbb: a 6-bit rotate amount
        break;
      case InsnFormat::VSETVLI:
        d.imm = bit(w, 30, 20);
        break;
      case InsnFormat::VSETIVLI:
        d.imm = bit(w, 29, 20);
        break;
      default:
        break;
    }
    if ((in.flags & kRm) && (d.rm == 5 || d.rm == 6)) return d;  // reserved rm
    d.op = op;
    return d;
  }
  return d;
}

}  // namespace hart

namespace hart {

namespace decode_memo_detail {
// The table is mapped at a thread's first miss rather than held in the
// thread's TLS block: glibc copies a TLS image into every new thread, so a
// table there would cost every host thread of hartd (a supervisor, an io
// thread) its size in resident memory, used or not. Mapped, a page of it
// gets memory when an entry on it is first filled (t_written). Entries are
// copied in and out as bytes.
constexpr size_t kTableBytes = (size_t{1} << kSlotBits) * sizeof(DecodedInsn);
thread_local constinit unsigned char (*t_table)[sizeof(DecodedInsn)] = nullptr;
thread_local constinit uint64_t t_written = 0;
thread_local constinit unsigned char (*t_full)[sizeof(DecodedInsn)] = nullptr;
namespace {
// Unmaps the thread's table when the thread ends (touched once, when the
// table is mapped).
struct TableOwner {
  ~TableOwner() {
    if (t_table) munmap(t_table, kTableBytes);
    t_table = nullptr;
    t_full = nullptr;
    t_written = 0;
  }
};
thread_local TableOwner t_owner;
}  // namespace

DecodedInsn miss(uint32_t bits) {
  const DecodedInsn d = decode(bits);
  if (!t_table) {
    void* p = mmap(nullptr, kTableBytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
    if (p == MAP_FAILED) return d;
    (void)&t_owner;  // (its destructor unmaps the table at the thread's end)
    t_table = static_cast<unsigned char (*)[sizeof(DecodedInsn)]>(p);
  }
  const unsigned s = slot(bits);
  std::memcpy(t_table[s], &d, sizeof d);
  t_written |= pages_of(s);
  if (t_written == kAllWritten) t_full = t_table;
  return d;
}

DecodedInsn look_up(uint32_t bits) {
  const unsigned s = slot(bits);
  if (t_table && written(s)) {
    DecodedInsn d;
    std::memcpy(&d, t_table[s], sizeof d);
    if (d.bits == bits && d.len != 0) return d;
  }
  return miss(bits);
}
}  // namespace decode_memo_detail

}  // namespace hart
