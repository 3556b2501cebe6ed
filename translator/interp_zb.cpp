// translator/interp_zb.cpp — the bit-manipulation instructions (Zba, Zbb,
// Zbs, Zbc), Zicond and Zimop of the reference interpreter: what each reads and writes, in
// plain C++ (RISC-V bit-manipulation spec). Counts, rotates, orc.b and
// carry-less products come from bit_ops.h (shared with IR constant
// folding). Owns: the mapping from Opcode to semantics for these
// extensions. Does not own: decoding, the fetch loop (interp.cpp).
#include "translator/bit_ops.h"
#include "translator/interp.h"

namespace hart {

bool interp_step_zb(CpuState& s, const DecodedInsn& d) {
  const uint64_t a = s.x[d.rs1], b = s.x[d.rs2];
  const int64_t sa = static_cast<int64_t>(a), sb = static_cast<int64_t>(b);
  const uint64_t ua32 = static_cast<uint32_t>(a);  // zext32(rs1), the .uw forms
  const uint64_t sh = static_cast<uint64_t>(d.imm);  // shamt of the immediate forms
  uint64_t v;
  switch (d.op) {
    // Zba
    case Opcode::add_uw: v = b + ua32; break;
    case Opcode::sh1add: v = b + (a << 1); break;
    case Opcode::sh2add: v = b + (a << 2); break;
    case Opcode::sh3add: v = b + (a << 3); break;
    case Opcode::sh1add_uw: v = b + (ua32 << 1); break;
    case Opcode::sh2add_uw: v = b + (ua32 << 2); break;
    case Opcode::sh3add_uw: v = b + (ua32 << 3); break;
    case Opcode::slli_uw: v = ua32 << (sh & 63); break;
    // Zbb
    case Opcode::andn: v = a & ~b; break;
    case Opcode::orn: v = a | ~b; break;
    case Opcode::xnor: v = ~(a ^ b); break;
    case Opcode::clz: v = bits::clz64(a); break;
    case Opcode::clzw: v = bits::clz32(static_cast<uint32_t>(a)); break;
    case Opcode::ctz: v = bits::ctz64(a); break;
    case Opcode::ctzw: v = bits::ctz32(static_cast<uint32_t>(a)); break;
    case Opcode::cpop: v = bits::cpop64(a); break;
    case Opcode::cpopw: v = bits::cpop32(static_cast<uint32_t>(a)); break;
    case Opcode::max: v = sa < sb ? b : a; break;
    case Opcode::maxu: v = a < b ? b : a; break;
    case Opcode::min: v = sa < sb ? a : b; break;
    case Opcode::minu: v = a < b ? a : b; break;
    case Opcode::sext_b: v = static_cast<uint64_t>(static_cast<int64_t>(static_cast<int8_t>(a))); break;
    case Opcode::sext_h: v = static_cast<uint64_t>(static_cast<int64_t>(static_cast<int16_t>(a))); break;
    case Opcode::zext_h: v = static_cast<uint16_t>(a); break;
    case Opcode::rol: v = bits::rotl64(a, b); break;
    case Opcode::rolw: v = bits::rotl32(a, b); break;
    case Opcode::ror: v = bits::rotr64(a, b); break;
    case Opcode::rori: v = bits::rotr64(a, sh); break;
    case Opcode::roriw: v = bits::rotr32(a, sh); break;
    case Opcode::rorw: v = bits::rotr32(a, b); break;
    case Opcode::orc_b: v = bits::orc_b(a); break;
    case Opcode::rev8: v = bits::rev8(a); break;
    // Zbs: the bit index is rs2 or shamt, modulo 64
    case Opcode::bclr: v = a & ~(uint64_t{1} << (b & 63)); break;
    case Opcode::bclri: v = a & ~(uint64_t{1} << (sh & 63)); break;
    case Opcode::bext: v = (a >> (b & 63)) & 1; break;
    case Opcode::bexti: v = (a >> (sh & 63)) & 1; break;
    case Opcode::binv: v = a ^ (uint64_t{1} << (b & 63)); break;
    case Opcode::binvi: v = a ^ (uint64_t{1} << (sh & 63)); break;
    case Opcode::bset: v = a | (uint64_t{1} << (b & 63)); break;
    case Opcode::bseti: v = a | (uint64_t{1} << (sh & 63)); break;
    // Zbc
    case Opcode::clmul: v = bits::clmul(a, b); break;
    case Opcode::clmulh: v = bits::clmulh(a, b); break;
    case Opcode::clmulr: v = bits::clmulr(a, b); break;
    // Zicond: rd = 0 if rs2 is zero (eqz) / non-zero (nez), else rs1
    case Opcode::czero_eqz: v = b == 0 ? 0 : a; break;
    case Opcode::czero_nez: v = b != 0 ? 0 : a; break;
    // Zimop: may-be-operations, 0 to rd until an extension redefines them
    case Opcode::mop_r: case Opcode::mop_rr: v = 0; break;
    default: return false;
  }
  if (d.rd) s.x[d.rd] = v;
  return true;
}

}  // namespace hart
