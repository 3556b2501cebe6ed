// translator/interp_v.h — shared pieces of the V 1.0 reference interpreter
// (interp_v*.cpp; internal to the translator): vtype decoding, element and
// mask-bit access in the flat register file (CpuState::v), guest memory
// access for vector loads/stores, fixed-point rounding, and the per-
// instruction context every area file works on.
//
// Policies: tail-agnostic and mask-agnostic are executed as undisturbed
// (the spec allows it; qemu-riscv64 does the same by default, so outputs
// compare): elements past vl, and masked-off elements, keep their values,
// for every instruction. Mask-producing instructions leave their tail bits
// unchanged too.
// Element loops run from vstart to vl; vstart is set to the element being
// accessed before every guest memory access, so a fault leaves the index
// of the faulting element in vstart (and pc at the instruction): executing
// the instruction again resumes there. Every vector instruction that
// completes sets vstart to 0.
#pragma once

#include <cstdint>
#include <cstring>

#include "core/cpu_state.h"
#include "core/vtype.h"
#include "translator/decode.h"

namespace hart {
struct MemAccess;  // core/debug.h
}

namespace hart::v {

inline uint64_t trunc(uint64_t v, unsigned bits) { return bits >= 64 ? v : v & ((uint64_t{1} << bits) - 1); }
inline int64_t sext(uint64_t v, unsigned bits) {
  return bits >= 64 ? static_cast<int64_t>(v) : static_cast<int64_t>(v << (64 - bits)) >> (64 - bits);
}

// Element i (eew bits wide) of the register group starting at reg.
inline uint64_t eget(const CpuState& s, unsigned reg, unsigned eew, uint64_t i) {
  const uint8_t* p = s.v + reg * kVlenb + i * (eew / 8);
  switch (eew) {
    case 8: return *p;
    case 16: { uint16_t x; std::memcpy(&x, p, 2); return x; }
    case 32: { uint32_t x; std::memcpy(&x, p, 4); return x; }
    default: { uint64_t x; std::memcpy(&x, p, 8); return x; }
  }
}
inline void eset(CpuState& s, unsigned reg, unsigned eew, uint64_t i, uint64_t val) {
  uint8_t* p = s.v + reg * kVlenb + i * (eew / 8);  // little-endian host
  switch (eew) {
    case 8: *p = static_cast<uint8_t>(val); break;
    case 16: { uint16_t x = static_cast<uint16_t>(val); std::memcpy(p, &x, 2); break; }
    case 32: { uint32_t x = static_cast<uint32_t>(val); std::memcpy(p, &x, 4); break; }
    default: std::memcpy(p, &val, 8); break;
  }
}
inline bool mbit(const CpuState& s, unsigned reg, uint64_t i) { return (s.v[reg * kVlenb + i / 8] >> (i % 8)) & 1; }
inline void mset(CpuState& s, unsigned reg, uint64_t i, bool b) {
  uint8_t& byte = s.v[reg * kVlenb + i / 8];
  byte = static_cast<uint8_t>((byte & ~(1u << (i % 8))) | (static_cast<unsigned>(b) << (i % 8)));
}

// A register group of 2^emul registers starting at r is legal when r is a
// multiple of its size (fractional groups: any register).
inline bool reg_ok(unsigned r, int emul) { return emul <= 0 || r % (1u << emul) == 0; }

// Register groups: [r, r + max(1, 2^emul)).
inline unsigned group_regs(int emul) { return emul > 0 ? 1u << emul : 1; }
inline bool groups_overlap(unsigned a, int ea, unsigned b, int eb) {
  return a < b + group_regs(eb) && b < a + group_regs(ea);
}
// The spec's rule for a destination group (EEW dw, EMUL de) and a source
// group (sw, se) of different EEW ("Vector Operands"): they may overlap
// only when the destination is narrower and the overlap is the source's
// lowest-numbered part, or the destination is wider, the source's EMUL is
// at least 1 and the overlap is the destination's highest-numbered part.
// A mask destination or source has EEW 1 and EMUL 1.
inline bool overlap_ok(unsigned vd, int de, unsigned dw, unsigned vs, int se, unsigned sw) {
  if (dw == sw || !groups_overlap(vd, de, vs, se)) return true;
  if (dw < sw) return vd == vs;
  return se >= 0 && vs + group_regs(se) == vd + group_regs(de);
}

// Fixed-point rounding increment (spec "Vector Fixed-Point Rounding Mode
// Register vxrm") for shifting v right by d bits.
inline uint64_t round_inc(unsigned __int128 v, unsigned d, unsigned vxrm) {
  if (d == 0) return 0;
  auto bitv = [&](unsigned k) { return static_cast<uint64_t>((v >> k) & 1); };
  unsigned __int128 low = d >= 128 ? v : v & ((static_cast<unsigned __int128>(1) << d) - 1);
  switch (vxrm & 3) {
    case 0: return bitv(d - 1);                                                   // rnu
    case 1: {                                                                     // rne
      unsigned __int128 below = d >= 2 ? (v & ((static_cast<unsigned __int128>(1) << (d - 1)) - 1)) : 0;
      return bitv(d - 1) & ((below != 0) | bitv(d));
    }
    case 2: return 0;                                                             // rdn
    default: return !bitv(d) && low != 0;                                          // rod
  }
}

// The instruction being executed, with its vtype fields resolved.
struct VInsn {
  CpuState& s;
  const DecodedInsn& d;
  unsigned sew;
  int lmul;
  uint64_t vl, vstart;
  bool vm;  // unmasked (vm=1)
  unsigned vd, vs1, vs2;
  bool active(uint64_t i) const { return vm || mbit(s, 0, i); }
};

// Area handlers: true when they executed c.d (or raised a fault/illegal
// through state); false when the opcode is not theirs or the encoding is
// reserved for the current vtype (the caller raises IllegalInsn).
bool step_mem(VInsn& c);     // interp_v_mem.cpp
bool step_int(VInsn& c);     // interp_v_int.cpp
bool step_fp(VInsn& c);      // interp_v_fp.cpp
bool step_perm(VInsn& c);    // interp_v_perm.cpp: masks, reductions, permutes
bool step_crypto(VInsn& c);  // interp_v_crypto.cpp: Zvkned, Zvknh[ab], Zvkg
// interp_v_crypto.cpp: vsha2ms/vsha2ch/vsha2cl d at SEW sew on the element
// groups below vl/4, for the JIT's direct call (jit_vsha2), which has
// checked what step_crypto would: a legal encoding for the vtype, vstart
// = 0, vl a multiple of 4.
void sha2_run(CpuState& s, const DecodedInsn& d, unsigned sew);
// interp_v_mem.cpp: the bytes the load/store c would access now (element
// order; fault-only-first stops at an unreadable element), for watchpoints.
bool mem_ranges(const VInsn& c, MemAccess* out);

// Case labels for an operation's operand forms (switches on Opcode).
#define HART_V_VV_VX(n) case Opcode::n##_vv: case Opcode::n##_vx
#define HART_V_VV_VX_VI(n) HART_V_VV_VX(n): case Opcode::n##_vi
#define HART_V_VX_VI(n) case Opcode::n##_vx: case Opcode::n##_vi

// The scalar/immediate/vector second operand of an OPIV*/OPMV* element op
// by format: vs1[i] (VV, VVR, VVM, V1V), x[rs1] (VX, VXR, VXM, V1X), imm.
inline uint64_t opnd1(const VInsn& c, unsigned eew, uint64_t i) {
  switch (c.d.info().format) {
    case InsnFormat::VV: case InsnFormat::VVR: case InsnFormat::VVM: case InsnFormat::V1V:
      return eget(c.s, c.vs1, eew, i);
    case InsnFormat::VI: case InsnFormat::VIM: case InsnFormat::V1I:
      return static_cast<uint64_t>(c.d.imm);
    default:
      return c.s.x[c.d.rs1];
  }
}

}  // namespace hart::v
