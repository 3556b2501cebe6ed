// translator/interp_fp.cpp — F/D, Zfh/Zfhmin and Zfa instructions of the
// reference interpreter (everything but the loads and stores, which are in
// interp.cpp): register
// access with NaN-boxing, rounding-mode resolution (rm=7 takes frm; frm
// 5..7 is an illegal instruction) and fflags accrual. The arithmetic
// itself is in fp_ops.cpp.
// Owns: the mapping from Opcode to fp_ops calls. Does not own: FP
// semantics (fp_ops.cpp).
#include "translator/fp_ops.h"
#include "translator/interp.h"

namespace hart {

namespace {
inline uint64_t sx32(uint32_t v) { return static_cast<uint64_t>(static_cast<int64_t>(static_cast<int32_t>(v))); }
}  // namespace

bool interp_step_fp(CpuState& s, const DecodedInsn& d) {
  using fp::Arith;
  const InsnInfo& info = d.info();
  unsigned rm = d.rm;
  if (info.flags & kRm) {
    if (rm == DYN) rm = s.frm;
    if (rm > RMM) {
      s.exit_reason = ExitReason::IllegalInsn;
      s.insn_bits = d.bits;
      return true;
    }
  }
  const uint64_t r1 = s.f[d.rs1], r2 = s.f[d.rs2], r3 = s.f[d.rs3];
  const uint32_t a32 = fp::unbox32(r1), b32 = fp::unbox32(r2), c32 = fp::unbox32(r3);
  const uint16_t a16 = fp::unbox16(r1), b16 = fp::unbox16(r2), c16 = fp::unbox16(r3);
  const uint64_t xa = s.x[d.rs1];
  uint32_t fl = 0;
  auto fs = [&](uint32_t v) { s.f[d.rd] = fp::box32(v); };
  auto fd = [&](uint64_t v) { s.f[d.rd] = v; };
  auto fh = [&](uint16_t v) { s.f[d.rd] = fp::box16(v); };
  auto wx = [&](uint64_t v) {
    if (d.rd) s.x[d.rd] = v;
  };

  switch (d.op) {
    // F
    case Opcode::fmadd_s: fs(fp::f32_fma(a32, b32, c32, false, false, rm, &fl)); break;
    case Opcode::fmsub_s: fs(fp::f32_fma(a32, b32, c32, false, true, rm, &fl)); break;
    case Opcode::fnmsub_s: fs(fp::f32_fma(a32, b32, c32, true, false, rm, &fl)); break;
    case Opcode::fnmadd_s: fs(fp::f32_fma(a32, b32, c32, true, true, rm, &fl)); break;
    case Opcode::fadd_s: fs(fp::f32_arith(Arith::Add, a32, b32, rm, &fl)); break;
    case Opcode::fsub_s: fs(fp::f32_arith(Arith::Sub, a32, b32, rm, &fl)); break;
    case Opcode::fmul_s: fs(fp::f32_arith(Arith::Mul, a32, b32, rm, &fl)); break;
    case Opcode::fdiv_s: fs(fp::f32_arith(Arith::Div, a32, b32, rm, &fl)); break;
    case Opcode::fsqrt_s: fs(fp::f32_sqrt(a32, rm, &fl)); break;
    case Opcode::fsgnj_s: fs((a32 & 0x7fffffffu) | (b32 & 0x80000000u)); break;
    case Opcode::fsgnjn_s: fs((a32 & 0x7fffffffu) | (~b32 & 0x80000000u)); break;
    case Opcode::fsgnjx_s: fs(a32 ^ (b32 & 0x80000000u)); break;
    case Opcode::fmin_s: fs(fp::f32_min(a32, b32, &fl)); break;
    case Opcode::fmax_s: fs(fp::f32_max(a32, b32, &fl)); break;
    case Opcode::fcvt_w_s: wx(fp::f32_to_int(a32, 32, false, rm, &fl)); break;
    case Opcode::fcvt_wu_s: wx(fp::f32_to_int(a32, 32, true, rm, &fl)); break;
    case Opcode::fcvt_l_s: wx(fp::f32_to_int(a32, 64, false, rm, &fl)); break;
    case Opcode::fcvt_lu_s: wx(fp::f32_to_int(a32, 64, true, rm, &fl)); break;
    case Opcode::fmv_x_w: wx(sx32(static_cast<uint32_t>(r1))); break;  // raw low bits, no unboxing
    case Opcode::fclass_s: wx(fp::f32_class(a32)); break;
    case Opcode::feq_s: wx(fp::f32_eq(a32, b32, &fl)); break;
    case Opcode::flt_s: wx(fp::f32_lt(a32, b32, &fl)); break;
    case Opcode::fle_s: wx(fp::f32_le(a32, b32, &fl)); break;
    case Opcode::fcvt_s_w: fs(fp::int_to_f32(xa, 32, false, rm, &fl)); break;
    case Opcode::fcvt_s_wu: fs(fp::int_to_f32(xa, 32, true, rm, &fl)); break;
    case Opcode::fcvt_s_l: fs(fp::int_to_f32(xa, 64, false, rm, &fl)); break;
    case Opcode::fcvt_s_lu: fs(fp::int_to_f32(xa, 64, true, rm, &fl)); break;
    case Opcode::fmv_w_x: fs(static_cast<uint32_t>(xa)); break;
    // D
    case Opcode::fmadd_d: fd(fp::f64_fma(r1, r2, r3, false, false, rm, &fl)); break;
    case Opcode::fmsub_d: fd(fp::f64_fma(r1, r2, r3, false, true, rm, &fl)); break;
    case Opcode::fnmsub_d: fd(fp::f64_fma(r1, r2, r3, true, false, rm, &fl)); break;
    case Opcode::fnmadd_d: fd(fp::f64_fma(r1, r2, r3, true, true, rm, &fl)); break;
    case Opcode::fadd_d: fd(fp::f64_arith(Arith::Add, r1, r2, rm, &fl)); break;
    case Opcode::fsub_d: fd(fp::f64_arith(Arith::Sub, r1, r2, rm, &fl)); break;
    case Opcode::fmul_d: fd(fp::f64_arith(Arith::Mul, r1, r2, rm, &fl)); break;
    case Opcode::fdiv_d: fd(fp::f64_arith(Arith::Div, r1, r2, rm, &fl)); break;
    case Opcode::fsqrt_d: fd(fp::f64_sqrt(r1, rm, &fl)); break;
    case Opcode::fsgnj_d: fd((r1 & ~(1ull << 63)) | (r2 & (1ull << 63))); break;
    case Opcode::fsgnjn_d: fd((r1 & ~(1ull << 63)) | (~r2 & (1ull << 63))); break;
    case Opcode::fsgnjx_d: fd(r1 ^ (r2 & (1ull << 63))); break;
    case Opcode::fmin_d: fd(fp::f64_min(r1, r2, &fl)); break;
    case Opcode::fmax_d: fd(fp::f64_max(r1, r2, &fl)); break;
    case Opcode::fcvt_s_d: fs(fp::f64_to_f32(r1, rm, &fl)); break;
    case Opcode::fcvt_d_s: fd(fp::f32_to_f64(a32, &fl)); break;
    case Opcode::feq_d: wx(fp::f64_eq(r1, r2, &fl)); break;
    case Opcode::flt_d: wx(fp::f64_lt(r1, r2, &fl)); break;
    case Opcode::fle_d: wx(fp::f64_le(r1, r2, &fl)); break;
    case Opcode::fclass_d: wx(fp::f64_class(r1)); break;
    case Opcode::fcvt_w_d: wx(fp::f64_to_int(r1, 32, false, rm, &fl)); break;
    case Opcode::fcvt_wu_d: wx(fp::f64_to_int(r1, 32, true, rm, &fl)); break;
    case Opcode::fcvt_l_d: wx(fp::f64_to_int(r1, 64, false, rm, &fl)); break;
    case Opcode::fcvt_lu_d: wx(fp::f64_to_int(r1, 64, true, rm, &fl)); break;
    case Opcode::fcvt_d_w: fd(fp::int_to_f64(xa, 32, false, rm, &fl)); break;
    case Opcode::fcvt_d_wu: fd(fp::int_to_f64(xa, 32, true, rm, &fl)); break;
    case Opcode::fcvt_d_l: fd(fp::int_to_f64(xa, 64, false, rm, &fl)); break;
    case Opcode::fcvt_d_lu: fd(fp::int_to_f64(xa, 64, true, rm, &fl)); break;
    case Opcode::fmv_x_d: wx(r1); break;
    case Opcode::fmv_d_x: fd(xa); break;
    // Zfhmin
    case Opcode::fmv_x_h: wx(static_cast<uint64_t>(static_cast<int64_t>(static_cast<int16_t>(r1)))); break;
    case Opcode::fmv_h_x: fh(static_cast<uint16_t>(xa)); break;
    case Opcode::fcvt_s_h: fs(fp::f16_to_f32(a16, &fl)); break;
    case Opcode::fcvt_d_h: fd(fp::f16_to_f64(a16, &fl)); break;
    case Opcode::fcvt_h_s: fh(fp::f32_to_f16(a32, rm, &fl)); break;
    case Opcode::fcvt_h_d: fh(fp::f64_to_f16(r1, rm, &fl)); break;
    // Zfh
    case Opcode::fmadd_h: fh(fp::f16_fma(a16, b16, c16, false, false, rm, &fl)); break;
    case Opcode::fmsub_h: fh(fp::f16_fma(a16, b16, c16, false, true, rm, &fl)); break;
    case Opcode::fnmsub_h: fh(fp::f16_fma(a16, b16, c16, true, false, rm, &fl)); break;
    case Opcode::fnmadd_h: fh(fp::f16_fma(a16, b16, c16, true, true, rm, &fl)); break;
    case Opcode::fadd_h: fh(fp::f16_arith(Arith::Add, a16, b16, rm, &fl)); break;
    case Opcode::fsub_h: fh(fp::f16_arith(Arith::Sub, a16, b16, rm, &fl)); break;
    case Opcode::fmul_h: fh(fp::f16_arith(Arith::Mul, a16, b16, rm, &fl)); break;
    case Opcode::fdiv_h: fh(fp::f16_arith(Arith::Div, a16, b16, rm, &fl)); break;
    case Opcode::fsqrt_h: fh(fp::f16_sqrt(a16, rm, &fl)); break;
    case Opcode::fsgnj_h: fh(static_cast<uint16_t>((a16 & 0x7fffu) | (b16 & 0x8000u))); break;
    case Opcode::fsgnjn_h: fh(static_cast<uint16_t>((a16 & 0x7fffu) | (~b16 & 0x8000u))); break;
    case Opcode::fsgnjx_h: fh(static_cast<uint16_t>(a16 ^ (b16 & 0x8000u))); break;
    case Opcode::fmin_h: fh(fp::f16_min(a16, b16, &fl)); break;
    case Opcode::fmax_h: fh(fp::f16_max(a16, b16, &fl)); break;
    case Opcode::feq_h: wx(fp::f16_eq(a16, b16, &fl)); break;
    case Opcode::flt_h: wx(fp::f16_lt(a16, b16, &fl)); break;
    case Opcode::fle_h: wx(fp::f16_le(a16, b16, &fl)); break;
    case Opcode::fclass_h: wx(fp::f16_class(a16)); break;
    case Opcode::fcvt_w_h: wx(fp::f16_to_int(a16, 32, false, rm, &fl)); break;
    case Opcode::fcvt_wu_h: wx(fp::f16_to_int(a16, 32, true, rm, &fl)); break;
    case Opcode::fcvt_l_h: wx(fp::f16_to_int(a16, 64, false, rm, &fl)); break;
    case Opcode::fcvt_lu_h: wx(fp::f16_to_int(a16, 64, true, rm, &fl)); break;
    case Opcode::fcvt_h_w: fh(fp::int_to_f16(xa, 32, false, rm, &fl)); break;
    case Opcode::fcvt_h_wu: fh(fp::int_to_f16(xa, 32, true, rm, &fl)); break;
    case Opcode::fcvt_h_l: fh(fp::int_to_f16(xa, 64, false, rm, &fl)); break;
    case Opcode::fcvt_h_lu: fh(fp::int_to_f16(xa, 64, true, rm, &fl)); break;
    // Zfa
    case Opcode::fli_h: fh(fp::f16_fli(d.rs1)); break;
    case Opcode::fli_s: fs(fp::f32_fli(d.rs1)); break;
    case Opcode::fli_d: fd(fp::f64_fli(d.rs1)); break;
    case Opcode::fminm_h: fh(fp::f16_minmax_m(a16, b16, false, &fl)); break;
    case Opcode::fmaxm_h: fh(fp::f16_minmax_m(a16, b16, true, &fl)); break;
    case Opcode::fminm_s: fs(fp::f32_minmax_m(a32, b32, false, &fl)); break;
    case Opcode::fmaxm_s: fs(fp::f32_minmax_m(a32, b32, true, &fl)); break;
    case Opcode::fminm_d: fd(fp::f64_minmax_m(r1, r2, false, &fl)); break;
    case Opcode::fmaxm_d: fd(fp::f64_minmax_m(r1, r2, true, &fl)); break;
    case Opcode::fround_h: fh(fp::f16_round(a16, rm, false, &fl)); break;
    case Opcode::froundnx_h: fh(fp::f16_round(a16, rm, true, &fl)); break;
    case Opcode::fround_s: fs(fp::f32_round(a32, rm, false, &fl)); break;
    case Opcode::froundnx_s: fs(fp::f32_round(a32, rm, true, &fl)); break;
    case Opcode::fround_d: fd(fp::f64_round(r1, rm, false, &fl)); break;
    case Opcode::froundnx_d: fd(fp::f64_round(r1, rm, true, &fl)); break;
    case Opcode::fcvtmod_w_d: wx(fp::f64_to_i32_mod(r1, &fl)); break;
    case Opcode::fleq_h: wx(fp::f16_cmp_quiet(a16, b16, false, &fl)); break;
    case Opcode::fltq_h: wx(fp::f16_cmp_quiet(a16, b16, true, &fl)); break;
    case Opcode::fleq_s: wx(fp::f32_cmp_quiet(a32, b32, false, &fl)); break;
    case Opcode::fltq_s: wx(fp::f32_cmp_quiet(a32, b32, true, &fl)); break;
    case Opcode::fleq_d: wx(fp::f64_cmp_quiet(r1, r2, false, &fl)); break;
    case Opcode::fltq_d: wx(fp::f64_cmp_quiet(r1, r2, true, &fl)); break;
    default:
      return false;
  }
  s.fflags |= fl;
  return true;
}

}  // namespace hart
