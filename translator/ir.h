// translator/ir.h — the intermediate representation of one translation
// block: a straight line of ops over 64-bit SSA temps, ending in exactly one
// terminator. The ops are listed once (HART_IR_OPS); the enum, the builder
// methods' checks, the printer and the verifier are generated from it.
// Owns: IR data structures, printer, verifier. Passes live in ir_opt.cpp,
// the RISC-V → IR frontend in frontend.cpp, IR → x86-64 in backend_x86.cpp.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace hart {

enum IrOpFlags : uint8_t {
  kIrDst = 1,         // defines a temp
  kIrSide = 2,        // has an effect besides its result (never removed)
  kIrFault = 4,       // may fault or leave the TB: guest state must be exact here
  kIrTerm = 8,        // ends the block
  kIrClobbers = 16,   // may change any guest register (helper call)
  kIrReadsState = 32, // may read guest registers from CpuState (vec's interpreter stub)
};

// X(name, number of temp arguments, flags, operand help)
// FP ops work on raw IEEE bits (a single is NaN-boxed in 64 bits); aux = 1
// for single precision, 0 for double; rounding is the dynamic mode (frm).
// They accrue fflags, so they are kIrSide and never removed.
#define HART_IR_OPS(X)                                                          \
  X(insn_start, 0, kIrSide, "imm=guest pc")                                     \
  X(movi, 0, kIrDst, "dst = imm")                                               \
  X(mov, 1, kIrDst, "dst = a")                                                  \
  X(get_reg, 0, kIrDst, "dst = x[imm]")                                         \
  X(set_reg, 1, kIrSide, "x[imm] = a")                                          \
  X(get_freg, 0, kIrDst, "dst = f[imm] (raw bits)")                             \
  X(set_freg, 1, kIrSide, "f[imm] = a (raw bits)")                              \
  X(add, 2, kIrDst, "dst = a + b, aux 1: zext32(a + b) (ir_narrow)")          \
  X(sub, 2, kIrDst, "dst = a - b")                                              \
  X(and_, 2, kIrDst, "dst = a & b, aux 1: zext32(a & b) (ir_narrow)")          \
  X(or_, 2, kIrDst, "dst = a | b, aux 1: zext32(a | b) (ir_narrow)")           \
  X(xor_, 2, kIrDst, "dst = a ^ b, aux 1: zext32(a ^ b) (ir_narrow)")          \
  X(shl, 2, kIrDst, "dst = a << (b & 63)")                                      \
  X(shr, 2, kIrDst, "dst = a >>u (b & 63)")                                     \
  X(sar, 2, kIrDst, "dst = a >>s (b & 63)")                                     \
  X(shlw, 2, kIrDst, "dst = sext32(a << (b & 31)), aux 1: upper half unspecified") \
  X(shrw, 2, kIrDst, "dst = sext32(u32(a) >> (b & 31)), aux 1: upper half unspecified") \
  X(sarw, 2, kIrDst, "dst = sext32(i32(a) >> (b & 31)), aux 1: upper half unspecified") \
  X(sext_w, 1, kIrDst, "dst = sext32(a)")                                       \
  X(zext_w, 1, kIrDst, "dst = zext32(a)")                                       \
  X(setcond, 2, kIrDst, "dst = (a cond b) ? 1 : 0, cond in aux")                \
  X(mul, 2, kIrDst, "dst = a * b")                                              \
  X(mulh, 2, kIrDst, "dst = (i128(a) * i128(b)) >> 64")                         \
  X(mulhu, 2, kIrDst, "dst = (u128(a) * u128(b)) >> 64")                        \
  X(mulhsu, 2, kIrDst, "dst = (i128(a) * u128(b)) >> 64")                       \
  X(div, 2, kIrDst, "dst = a /s b (RISC-V: /0 = -1, overflow = a)")             \
  X(divu, 2, kIrDst, "dst = a /u b (/0 = ~0)")                                  \
  X(rem, 2, kIrDst, "dst = a %s b (%0 = a, overflow = 0)")                      \
  X(remu, 2, kIrDst, "dst = a %u b (%0 = a)")                                   \
  X(divw, 2, kIrDst, "32-bit div, result sign-extended")                        \
  X(divuw, 2, kIrDst, "32-bit divu, result sign-extended")                      \
  X(remw, 2, kIrDst, "32-bit rem, result sign-extended")                        \
  X(remuw, 2, kIrDst, "32-bit remu, result sign-extended")                      \
  X(shadd, 2, kIrDst, "dst = (a << aux) + b, aux 0..3 (Zba shNadd)")            \
  X(andn, 2, kIrDst, "dst = a & ~b")                                            \
  X(min, 2, kIrDst, "dst = a <s b ? a : b")                                     \
  X(max, 2, kIrDst, "dst = a <s b ? b : a")                                     \
  X(minu, 2, kIrDst, "dst = a <u b ? a : b")                                    \
  X(maxu, 2, kIrDst, "dst = a <u b ? b : a")                                    \
  X(select, 4, kIrDst, "dst = (a cond b) ? c : d, cond in aux (if-conversion)")  \
  X(sext_b, 1, kIrDst, "dst = sext8(a)")                                        \
  X(sext_h, 1, kIrDst, "dst = sext16(a)")                                       \
  X(zext_h, 1, kIrDst, "dst = zext16(a)")                                       \
  X(clz, 1, kIrDst, "dst = leading zeros of a (64 for 0)")                      \
  X(clzw, 1, kIrDst, "dst = leading zeros of u32(a) (32 for 0)")                \
  X(ctz, 1, kIrDst, "dst = trailing zeros of a (64 for 0)")                     \
  X(ctzw, 1, kIrDst, "dst = trailing zeros of u32(a) (32 for 0)")               \
  X(cpop, 1, kIrDst, "dst = number of ones in a")                               \
  X(cpopw, 1, kIrDst, "dst = number of ones in u32(a)")                         \
  X(rotl, 2, kIrDst, "dst = a rotated left by b & 63")                          \
  X(rotr, 2, kIrDst, "dst = a rotated right by b & 63")                         \
  X(rotlw, 2, kIrDst, "dst = sext32(u32(a) rotated left by b & 31), aux 1: upper half unspecified") \
  X(rotrw, 2, kIrDst, "dst = sext32(u32(a) rotated right by b & 31), aux 1: upper half unspecified") \
  X(bswap, 1, kIrDst, "dst = a with its 8 bytes reversed (rev8)")               \
  X(orc_b, 1, kIrDst, "dst = per byte of a: 0xff if non-zero, else 0")          \
  X(bset, 2, kIrDst, "dst = a | (1 << (b & 63))")                               \
  X(bclr, 2, kIrDst, "dst = a & ~(1 << (b & 63))")                              \
  X(binv, 2, kIrDst, "dst = a ^ (1 << (b & 63))")                               \
  X(bext, 2, kIrDst, "dst = (a >> (b & 63)) & 1")                               \
  X(clmul, 2, kIrDst, "dst = carry-less product of a and b, bits 63..0")        \
  X(clmulh, 2, kIrDst, "dst = carry-less product of a and b, bits 127..64")     \
  X(clmulr, 2, kIrDst, "dst = carry-less product of a and b, bits 126..63")     \
  X(unbox_s, 1, kIrDst, "a if NaN-boxed (upper 32 bits ones), else boxed qNaN") \
  X(fadd, 2, kIrDst | kIrSide, "dst = a + b")                                   \
  X(fsub, 2, kIrDst | kIrSide, "dst = a - b")                                   \
  X(fmul, 2, kIrDst | kIrSide, "dst = a * b")                                   \
  X(fdiv, 2, kIrDst | kIrSide, "dst = a / b")                                   \
  X(fsqrt, 1, kIrDst | kIrSide, "dst = sqrt(a)")                                \
  X(fmadd, 3, kIrDst | kIrSide, "dst = a * b + c (one rounding)")               \
  X(fmsub, 3, kIrDst | kIrSide, "dst = a * b - c")                              \
  X(fnmsub, 3, kIrDst | kIrSide, "dst = -(a * b) + c")                          \
  X(fnmadd, 3, kIrDst | kIrSide, "dst = -(a * b) - c")                          \
  X(fcvt_ds, 1, kIrDst | kIrSide, "double a -> single (aux unused)")            \
  X(fcvt_sd, 1, kIrDst | kIrSide, "single a -> double (aux unused)")            \
  X(fcvt_fi, 1, kIrDst | kIrSide, "dst = FP a -> integer, aux = IrFcvt bits")  \
  X(fcvt_if, 1, kIrDst | kIrSide, "dst = integer a -> FP, aux = IrFcvt bits")  \
  X(feq, 2, kIrDst | kIrSide, "dst = a == b (quiet)")                           \
  X(flt, 2, kIrDst | kIrSide, "dst = a < b (signaling)")                        \
  X(fle, 2, kIrDst | kIrSide, "dst = a <= b (signaling)")                       \
  X(fmin, 2, kIrDst | kIrSide, "dst = RISC-V fmin(a, b) (-0 < +0, NaN ignored)")  \
  X(fmax, 2, kIrDst | kIrSide, "dst = RISC-V fmax(a, b)")                       \
  X(fclass, 1, kIrDst, "dst = RISC-V fclass mask of the FP bits a (aux 1: single)") \
  X(fflags_read, 0, kIrDst | kIrSide, "dst = fflags (with flags accrued so far)") \
  X(fflags_write, 1, kIrSide, "fflags = a & 0x1f")                              \
  X(frm_read, 0, kIrDst, "dst = frm")                                           \
  X(load, 1, kIrDst | kIrFault, "dst = mem[a + imm], aux = size | 0x10 signed") \
  X(store, 2, kIrSide | kIrFault, "mem[a + imm] = b, aux = size")               \
  X(amo, 2, kIrDst | kIrSide | kIrFault, "dst = old mem[a]; mem[a] = old OP b; aux = op<<4 | size") \
  X(amocas, 3, kIrDst | kIrSide | kIrFault, "dst = old mem[a]; mem[a] = b if old == c; aux = size") \
  X(lr, 1, kIrDst | kIrSide | kIrFault, "dst = mem[a], reserve a; aux = size")  \
  X(sc, 2, kIrDst | kIrSide | kIrFault, "mem[a] = b if reserved: dst = 0, else 1; aux = size") \
  X(fence, 0, kIrSide, "memory fence, aux = 1 when stores must precede loads")  \
  X(call_interp, 0, kIrSide | kIrFault | kIrClobbers, "interpret insn #imm")    \
  X(vec, 1, kIrSide | kIrFault | kIrReadsState, "vector insn #imm (scalar operand a), vtype imm2: frontend_v.h") \
  X(vec_x, 1, kIrDst | kIrSide | kIrFault | kIrReadsState, "vec with a scalar result (vl, vmv.x.s, vfmv.f.s)") \
  X(exit_if, 2, kIrSide | kIrFault, "a cond b ? leave to pc imm : go on (side exit of a loop superblock)") \
  X(goto_tb, 0, kIrSide | kIrTerm, "continue at pc imm (chainable); a call returning to pc imm2 if non-zero") \
  X(brcond, 2, kIrSide | kIrTerm, "a cond b ? pc imm : pc imm2 (chainable)")    \
  X(jump_ind, 1, kIrSide | kIrTerm, "continue at pc a; a call returning to pc imm2 if non-zero, a return if aux = kJumpRet") \
  X(exit, 0, kIrSide | kIrTerm, "leave with reason aux at pc imm, bits imm2")

enum class IrOp : uint8_t {
#define X(name, nargs, flags, help) name,
  HART_IR_OPS(X)
#undef X
  count
};

struct IrOpInfo {
  const char* name;
  uint8_t nargs;
  uint8_t flags;
};
extern const IrOpInfo kIrOpInfo[static_cast<int>(IrOp::count)];
inline const IrOpInfo& ir_info(IrOp op) { return kIrOpInfo[static_cast<int>(op)]; }

struct IrInsn;
// The temp arguments of an insn, in order (nargs of them, at most 4).
constexpr int kIrMaxArgs = 4;
inline int ir_args(const IrInsn& i, uint32_t out[kIrMaxArgs]);

// Operations of the amo op (aux >> 4).
enum class IrAmo : uint8_t { swap, add, xor_, and_, or_, min, max, minu, maxu };

// aux of fcvt_fi / fcvt_if: the FP side's precision, the integer side's
// width and signedness, and the RISC-V rounding mode (bits 4..6: RNE..RMM,
// or 7 for frm). FP -> integer saturates as RISC-V does (NaN -> the
// maximum); 32-bit results are sign-extended (also the unsigned ones).
enum IrFcvt : uint8_t { kFcvtSingle = 1, kFcvtLong = 2, kFcvtUnsigned = 4 };
inline unsigned ir_fcvt_rm(uint8_t aux) { return (aux >> 4) & 7; }

// Conditions of setcond, brcond, exit_if and select.
enum class IrCond : uint8_t { eq, ne, lt, ge, ltu, geu };
const char* ir_cond_name(IrCond c);
bool ir_cond_eval(IrCond c, uint64_t a, uint64_t b);
IrCond ir_cond_negate(IrCond c);
// aux of brcond, exit_if and select: the IrCond in bits 0..2, and
// kCondTest when the condition is `(a & b) cond 0` (x86 test) rather than
// `a cond b` (cmp) — ir_fuse_compares folds an and_ whose only readers
// are conditions into them.
constexpr uint8_t kCondTest = 8;
inline IrCond ir_cond_of(uint8_t aux) { return static_cast<IrCond>(aux & 7); }
bool ir_compare(uint8_t aux, uint64_t a, uint64_t b);

using Temp = uint32_t;
constexpr Temp kNoTemp = UINT32_MAX;

struct IrInsn {
  IrOp op;
  uint8_t aux = 0;   // cond, access size/sign, exit reason, exit index
  Temp dst = kNoTemp;
  Temp a = kNoTemp, b = kNoTemp, c = kNoTemp;
  Temp d = kNoTemp;  // select's fourth argument
  int64_t imm = 0;
  int64_t imm2 = 0;
};

// Calls and returns (the RISC-V return-address hints: a jal/jalr writing
// x1 or x5 calls, a jalr to x1 or x5 writing neither returns): the backend
// pairs them with host call/ret, so that the host's return predictor
// follows guest returns (the shadow stack: "Calls and returns" in
// docs/ARCHITECTURE.md). Either way the target is exact: a return whose
// target is not the call's return pc goes through the jump cache.
constexpr uint8_t kJumpRet = 1;  // jump_ind's aux: a return
inline bool ir_is_call(const IrInsn& t) {
  return (t.op == IrOp::goto_tb || t.op == IrOp::jump_ind) && t.imm2 != 0;
}
inline bool ir_is_ret(const IrInsn& t) { return t.op == IrOp::jump_ind && t.aux == kJumpRet; }

// Whether the terminator t goes back to its block's start pc (a brcond
// with either side there, or a goto_tb to it): the block closes a loop.
inline bool ir_goes_back_to(const IrInsn& t, uint64_t pc) {
  return (t.op == IrOp::brcond && (static_cast<uint64_t>(t.imm) == pc || static_cast<uint64_t>(t.imm2) == pc)) ||
         (t.op == IrOp::goto_tb && static_cast<uint64_t>(t.imm) == pc && t.imm2 == 0);
}

// The chainable exits (TranslationBlock::exits) terminator t takes: in a
// self-loop block, the back edge's other side if it leaves (a brcond whose
// sides differ); in any other block, a brcond's two sides or a goto_tb's
// target, and a call's return pc (its landing's exit). The frontend keeps
// side exits within what is left; the backend gives them what is left.
inline unsigned ir_loop_term_exits(const IrInsn& t) {
  return t.op == IrOp::brcond && t.imm != t.imm2 ? 1 : 0;
}
inline unsigned ir_plain_term_exits(const IrInsn& t) {
  return t.op == IrOp::brcond ? 2 : (t.op == IrOp::goto_tb ? 1 : 0) + (ir_is_call(t) ? 1 : 0);
}

inline int ir_args(const IrInsn& i, uint32_t out[kIrMaxArgs]) {
  out[0] = i.a;
  out[1] = i.b;
  out[2] = i.c;
  out[3] = i.d;
  return ir_info(i.op).nargs;
}
// Replaces each temp argument t of i with f(t).
template <class F>
inline void ir_map_args(IrInsn& i, F f) {
  const int n = ir_info(i.op).nargs;
  if (n >= 1) i.a = f(i.a);
  if (n >= 2) i.b = f(i.b);
  if (n >= 3) i.c = f(i.c);
  if (n >= 4) i.d = f(i.d);
}

class IrBlock {
 public:
  std::vector<IrInsn> insns;
  uint32_t num_temps = 0;

  Temp new_temp() { return num_temps++; }
  // Builder: one generic emitter plus typed helpers for the common shapes.
  // (Inline, built in place: the frontend calls them for every op.)
  Temp emit_dst(IrOp op, Temp a = kNoTemp, Temp b = kNoTemp, int64_t imm = 0, uint8_t aux = 0) {
    IrInsn& i = insns.emplace_back(IrInsn{op});
    i.dst = new_temp();
    i.a = a;
    i.b = b;
    i.imm = imm;
    i.aux = aux;
    return i.dst;
  }
  void emit(IrOp op, Temp a = kNoTemp, Temp b = kNoTemp, int64_t imm = 0, int64_t imm2 = 0,
            uint8_t aux = 0) {
    IrInsn& i = insns.emplace_back(IrInsn{op});
    i.a = a;
    i.b = b;
    i.imm = imm;
    i.imm2 = imm2;
    i.aux = aux;
  }
  Temp movi(int64_t v) { return emit_dst(IrOp::movi, kNoTemp, kNoTemp, v); }
  Temp get_reg(unsigned r) { return emit_dst(IrOp::get_reg, kNoTemp, kNoTemp, r); }
  void set_reg(unsigned r, Temp v) { emit(IrOp::set_reg, v, kNoTemp, r); }
  Temp get_freg(unsigned r) { return emit_dst(IrOp::get_freg, kNoTemp, kNoTemp, r); }
  void set_freg(unsigned r, Temp v) { emit(IrOp::set_freg, v, kNoTemp, r); }
  // Three-operand op (FMA family).
  Temp emit_dst3(IrOp op, Temp a, Temp b, Temp c, uint8_t aux);
  // dst = (a cond b) ? if_true : if_false (aux: an IrCond, maybe | kCondTest).
  Temp select(Temp a, Temp b, uint8_t aux, Temp if_true, Temp if_false);

  // "t3 = add t1, t2" per line.
  std::string print() const;
  // Empty when well formed; otherwise what is wrong (SSA, arity, terminator).
  std::string verify() const;
};

}  // namespace hart
