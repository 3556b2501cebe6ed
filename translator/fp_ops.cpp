// translator/fp_ops.cpp — RISC-V F/D semantics on raw bits (see fp_ops.h).
// Owns: host MXCSR handling for one operation at a time, the RISC-V NaN,
// min/max, compare, class and conversion rules. An operation whose flags
// matter runs as one volatile inline-asm block that saves the caller's
// MXCSR, loads the operation's, executes the SSE/FMA3 instruction, stores
// the resulting MXCSR (its flags) and reloads the caller's: the compiler
// can neither fold nor move the instruction out of that window, and
// nothing else runs inside it. The rare path that needs more host FP code
// (fcvt.s.d's RMM tie) runs inside in_work_env(), which does the same
// around a larger body. Compares, min/max, int<->float conversions,
// fcvt.d.s and the software fma (hosts without FMA3, RMM fma, and inexact
// RMM add/sub/mul) are integer code; an inexact RMM quotient that is tiny
// gets its tie decided in integers (div_rmm_tie). No <cfenv>:
// glibc's fenv calls save/restore both the x87 and the SSE environments and
// cost hundreds of cycles each; its generic fma calls them too.
#include "translator/fp_ops.h"

#include <bit>
#include <cmath>
#include <limits>
#include <type_traits>

#include "core/cpu_state.h"

namespace hart::fp {

static_assert(fp_fflags_from_mxcsr(0x3f) == (NV | DZ | OF | UF | NX));
static_assert(fp_fflags_from_mxcsr(0x02) == 0);  // DE ignored
static_assert(fp_mxcsr_from_fflags(NV | DZ | OF | UF | NX) == 0x3d);
static_assert(fp_mxcsr_rc(RNE) == 0 && fp_mxcsr_rc(RDN) == 0x2000 && fp_mxcsr_rc(RUP) == 0x4000 &&
              fp_mxcsr_rc(RTZ) == 0x6000 && fp_mxcsr_rc(RMM) == 0);

namespace {

// The MXCSR an operation runs under: rm's rounding control (RNE for RMM,
// whose fix-up is separate), everything masked, FTZ/DAZ off, flags clear.
inline uint32_t op_mxcsr(unsigned rm) { return kMxcsrDefault | fp_mxcsr_rc(rm); }

bool detect_fma() {
  __builtin_cpu_init();  // may run before libgcc's own constructor
  return __builtin_cpu_supports("fma");
}
bool g_use_fma3 = detect_fma();

// The window: save the caller's MXCSR, load `work` (unless the caller's is
// already exactly that), run the instruction, store the MXCSR (its flag
// bits are the instruction's exceptions) into `after`, reload the caller's
// MXCSR (unless it is already back to it). ldmxcsr is the expensive part
// (tens of cycles, more in some VMs), hence the two skips: an exact op
// under a caller in the power-on state costs none.
#define HART_FP_WINDOW(insn)                          \
  "stmxcsr %[saved]\n\t"                              \
  "movl %[saved], %[t]\n\t"                           \
  "cmpl %[work], %[t]\n\t"                            \
  "je 1f\n\t"                                         \
  "ldmxcsr %[work]\n"                                 \
  "1:\n\t" insn                                       \
  "\n\t"                                              \
  "stmxcsr %[after]\n\t"                              \
  "movl %[after], %[t]\n\t"                           \
  "cmpl %[saved], %[t]\n\t"                           \
  "je 2f\n\t"                                         \
  "ldmxcsr %[saved]\n"                                \
  "2:"
#define HART_FP_WINDOW_OUTS [saved] "=m"(saved), [after] "=m"(after), [t] "=&r"(t)

#define HART_SSE_BINOP(fn, insn, T)                                                      \
  inline T fn(T a, T b, uint32_t work, uint32_t& after) {                                \
    uint32_t saved, t;                                                                   \
    asm volatile(HART_FP_WINDOW(insn " %[b], %[a]")                                      \
                 : [a] "+x"(a), HART_FP_WINDOW_OUTS                                       \
                 : [b] "x"(b), [work] "m"(work)                                           \
                 : "cc");                                                                 \
    return a;                                                                            \
  }
HART_SSE_BINOP(win_add, "addss", float)
HART_SSE_BINOP(win_sub, "subss", float)
HART_SSE_BINOP(win_mul, "mulss", float)
HART_SSE_BINOP(win_div, "divss", float)
HART_SSE_BINOP(win_add, "addsd", double)
HART_SSE_BINOP(win_sub, "subsd", double)
HART_SSE_BINOP(win_mul, "mulsd", double)
HART_SSE_BINOP(win_div, "divsd", double)
#undef HART_SSE_BINOP

#define HART_SSE_UNOP(fn, insn, R, A)                                                    \
  inline R fn(A a, uint32_t work, uint32_t& after) {                                     \
    uint32_t saved, t;                                                                   \
    R r;                                                                                 \
    asm volatile(HART_FP_WINDOW(insn " %[a], %[r]")                                      \
                 : [r] "=&x"(r), HART_FP_WINDOW_OUTS                                      \
                 : [a] "x"(a), [work] "m"(work)                                           \
                 : "cc");                                                                 \
    return r;                                                                            \
  }
HART_SSE_UNOP(win_sqrt, "sqrtss", float, float)
HART_SSE_UNOP(win_sqrt, "sqrtsd", double, double)
HART_SSE_UNOP(win_d2s, "cvtsd2ss", float, double)
#undef HART_SSE_UNOP

// c = a*b + c rounded once (FMA3; only when g_use_fma3).
#define HART_FMA3(fn, insn, T)                                                           \
  inline T fn(T a, T b, T c, uint32_t work, uint32_t& after) {                           \
    uint32_t saved, t;                                                                   \
    asm volatile(HART_FP_WINDOW(insn " %[b], %[a], %[c]")                                \
                 : [c] "+x"(c), HART_FP_WINDOW_OUTS                                       \
                 : [a] "x"(a), [b] "x"(b), [work] "m"(work)                               \
                 : "cc");                                                                 \
    return c;                                                                            \
  }
HART_FMA3(win_fma3, "vfmadd231ss", float)
HART_FMA3(win_fma3, "vfmadd231sd", double)
#undef HART_FMA3

template <class T>
T win_arith(Arith op, T a, T b, uint32_t work, uint32_t& after) {
  switch (op) {
    case Arith::Add: return win_add(a, b, work, after);
    case Arith::Sub: return win_sub(a, b, work, after);
    case Arith::Mul: return win_mul(a, b, work, after);
    default: return win_div(a, b, work, after);
  }
}

// Pins a value: everything computing it happens before, everything using
// it after, this point (relative to the other volatile asm).
template <class T>
inline T opaque(T v) {
  if constexpr (std::is_floating_point_v<T>) asm volatile("" : "+x"(v)::"memory");
  else asm volatile("" : "+r"(v)::"memory");
  return v;
}

inline uint32_t read_mxcsr() {
  uint32_t v;
  asm volatile("stmxcsr %0" : "=m"(v)::"memory");
  return v;
}
inline void write_mxcsr(uint32_t v) { asm volatile("ldmxcsr %0" ::"m"(v) : "memory"); }

// What a work-env body returns: result bits and fflags.
struct Bits {
  uint64_t v;
  uint32_t f;
};

// Runs body() (host FP code) under `work` (default kMxcsrDefault: RNE,
// flags clear) and reloads the caller's MXCSR afterwards. body returns its
// results as integers, which the reload pins: no FP computation leading to
// them can be scheduled after it. Inside, FP values that cross another
// volatile asm (an MXCSR read) must go through opaque().
template <class Body>
Bits in_work_env(Body body, uint32_t work = kMxcsrDefault) {
  const uint32_t saved = read_mxcsr();
  write_mxcsr(work);
  Bits r = body();
  asm volatile("ldmxcsr %2" : "+r"(r.v), "+r"(r.f) : "m"(saved) : "memory");
  return r;
}

// Bit-level classification helpers.
template <class U>
struct Traits;
template <>
struct Traits<uint32_t> {
  using F = float;
  static constexpr int kMant = 23, kBias = 127, kExpMax = 0xff;
  static constexpr uint32_t kSign = 0x80000000u, kExp = 0x7f800000u, kFrac = 0x007fffffu,
                            kQuiet = 0x00400000u, kNaN = kCanonicalNaN32;
};
template <>
struct Traits<uint64_t> {
  using F = double;
  static constexpr int kMant = 52, kBias = 1023, kExpMax = 0x7ff;
  static constexpr uint64_t kSign = 0x8000000000000000ull, kExp = 0x7ff0000000000000ull,
                            kFrac = 0x000fffffffffffffull, kQuiet = 0x0008000000000000ull,
                            kNaN = kCanonicalNaN64;
};
template <>
struct Traits<uint16_t> {  // binary16 (Zfh): integer code only, no host type
  using F = void;
  static constexpr int kMant = 10, kBias = 15, kExpMax = 0x1f;
  static constexpr uint16_t kSign = 0x8000u, kExp = 0x7c00u, kFrac = 0x03ffu, kQuiet = 0x0200u,
                            kNaN = kCanonicalNaN16;
};
template <class U>
bool is_nan(U v) {
  return (v & Traits<U>::kExp) == Traits<U>::kExp && (v & Traits<U>::kFrac);
}
template <class U>
bool is_snan(U v) {
  return is_nan(v) && !(v & Traits<U>::kQuiet);
}
template <class U>
bool is_inf(U v) {
  return (v & ~Traits<U>::kSign) == Traits<U>::kExp;
}
template <class U>
bool is_zero(U v) {
  return (v & ~Traits<U>::kSign) == 0;
}
template <class U>
bool sign_of(U v) {
  return v & Traits<U>::kSign;
}
template <class U>
typename Traits<U>::F val(U v) {
  return std::bit_cast<typename Traits<U>::F>(v);
}
template <class U>
U raw(typename Traits<U>::F f) {
  return std::bit_cast<U>(f);
}

// Total order of non-NaN values as signed integers (-0 and +0 both 0).
template <class U>
std::make_signed_t<U> order_key(U v) {
  using S = std::make_signed_t<U>;
  S mag = static_cast<S>(v & ~Traits<U>::kSign);
  return sign_of(v) ? -mag : mag;
}

// Whether to round a magnitude up by one unit. `half`: how the discarded
// part compares with half a unit (-1 below, 0 equal, 1 above); `inexact`:
// it is non-zero; `odd`: the kept part is odd.
bool round_up(unsigned rm, bool neg, bool odd, int half, bool inexact) {
  switch (rm) {
    case RNE: return half > 0 || (half == 0 && odd);
    case RTZ: return false;
    case RDN: return inexact && neg;
    case RUP: return inexact && !neg;
    default: return half >= 0;  // RMM
  }
}

// ---- RMM fix-up of fcvt.s.d (runs inside a work env: RNE, flags discarded) ----

template <class U>
U soft_fma(U a, U b, U c, unsigned rm, uint32_t* fl);

// f64_to_f32's RMM: r is the RNE conversion of v (inexact); if v lies
// exactly halfway between r and its neighbour away from zero, round away.
float f64_to_f32_rmm_tie(double v, float r, uint32_t* f) {
  double e = v - static_cast<double>(r);
  if (e == 0 || std::isinf(r)) return r;
  float n = std::nextafter(r, e > 0 ? INFINITY : -INFINITY);
  double gap = std::isinf(n) ? static_cast<double>(r) - std::nextafter(r, e > 0 ? -INFINITY : INFINITY)
                             : static_cast<double>(n) - static_cast<double>(r);
  if (e + e != gap && e + e != -gap) return r;
  if (!(r == 0 || std::signbit(r) == std::signbit(e))) return r;
  if (std::isinf(n)) *f |= OF | NX;
  return n;
}

// ---- integer-only operations ----

template <class U>
U minmax(U a, U b, bool is_max, uint32_t* fl) {
  if (is_snan(a) || is_snan(b)) *fl |= NV;
  bool an = is_nan(a), bn = is_nan(b);
  if (an && bn) return Traits<U>::kNaN;
  if (an) return b;
  if (bn) return a;
  auto x = order_key(a), y = order_key(b);
  if (x == y) {  // equal values, including -0 == +0: -0 is the smaller
    bool pick_a = is_max ? !sign_of(a) : sign_of(a);
    return pick_a ? a : b;
  }
  return ((x < y) != is_max) ? a : b;
}

template <class U>
bool compare(U a, U b, int kind, uint32_t* fl) {  // 0 eq, 1 lt, 2 le
  if (is_nan(a) || is_nan(b)) {
    if (kind != 0 || is_snan(a) || is_snan(b)) *fl |= NV;
    return false;
  }
  auto x = order_key(a), y = order_key(b);
  return kind == 0 ? x == y : kind == 1 ? x < y : x <= y;
}

template <class U>
uint64_t classify(U v) {
  bool s = sign_of(v);
  U e = v & Traits<U>::kExp, m = v & Traits<U>::kFrac;
  if (e == Traits<U>::kExp) {
    if (m) return (v & Traits<U>::kQuiet) ? 1u << 9 : 1u << 8;
    return s ? 1u << 0 : 1u << 7;
  }
  if (e == 0) {
    if (m == 0) return s ? 1u << 3 : 1u << 4;
    return s ? 1u << 2 : 1u << 5;
  }
  return s ? 1u << 1 : 1u << 6;
}

inline uint64_t sext32(uint64_t x) {
  return static_cast<uint64_t>(static_cast<int64_t>(static_cast<int32_t>(x)));
}

// fcvt.{w,wu,l,lu}.{s,d}: round the value to an integer under rm, saturate.
template <class U>
uint64_t to_int(U a, int width, bool uns, unsigned rm, uint32_t* fl) {
  using Tr = Traits<U>;
  const uint64_t max = uns ? (width == 32 ? sext32(0xffffffffu) : ~0ull)
                           : (width == 32 ? 0x7fffffffull : 0x7fffffffffffffffull);
  const uint64_t min = uns ? 0 : (width == 32 ? sext32(0x80000000u) : 0x8000000000000000ull);
  const bool neg = sign_of(a);
  const int e = static_cast<int>((a & Tr::kExp) >> Tr::kMant);
  uint64_t m = a & Tr::kFrac;
  if (e == Tr::kExpMax) {  // NaN -> max, +-inf -> max/min
    *fl |= NV;
    return (m || !neg) ? max : min;
  }
  if (e) m |= uint64_t{1} << Tr::kMant;
  // |a| = m * 2^-sh
  const int sh = Tr::kBias + Tr::kMant - (e ? e : 1);
  unsigned __int128 mag;
  bool inexact = false;
  if (sh <= 0) {
    mag = -sh >= 64 ? static_cast<unsigned __int128>(1) << 100 : static_cast<unsigned __int128>(m) << -sh;
  } else {
    uint64_t ip = 0;
    int half = -1;
    if (sh < 64) {
      ip = m >> sh;
      uint64_t rem = m & ((uint64_t{1} << sh) - 1), h = uint64_t{1} << (sh - 1);
      inexact = rem != 0;
      half = rem < h ? -1 : rem == h ? 0 : 1;
    } else {
      inexact = m != 0;  // m < 2^53 < half a unit
    }
    mag = ip + (round_up(rm, neg, ip & 1, half, inexact) ? 1 : 0);
  }
  const unsigned __int128 limit =
      uns ? (neg ? 0 : (static_cast<unsigned __int128>(1) << width) - 1)
          : (static_cast<unsigned __int128>(1) << (width - 1)) - (neg ? 0 : 1);
  if (mag > limit) {
    *fl |= NV;
    return neg ? min : max;
  }
  if (inexact) *fl |= NX;
  uint64_t out = static_cast<uint64_t>(mag);
  if (neg) out = 0 - out;
  return width == 32 ? sext32(out) : out;
}

// fcvt.{s,d}.{w,wu,l,lu}: the integer rounded to U's precision under rm
// (RMM included); only NX can be raised.
template <class U>
U from_int(uint64_t v, int width, bool uns, unsigned rm, uint32_t* fl) {
  using Tr = Traits<U>;
  constexpr int P = Tr::kMant + 1;  // significand bits
  bool neg = false;
  uint64_t mag;
  if (uns) {
    mag = width == 32 ? (v & 0xffffffffu) : v;
  } else {
    int64_t x = width == 32 ? static_cast<int64_t>(static_cast<int32_t>(v)) : static_cast<int64_t>(v);
    neg = x < 0;
    mag = neg ? 0 - static_cast<uint64_t>(x) : static_cast<uint64_t>(x);
  }
  if (mag == 0) return 0;
  const int lz = std::countl_zero(mag);
  const uint64_t norm = mag << lz;  // bit 63 set
  int exp = 63 - lz;                // unbiased exponent
  uint64_t keep = norm >> (64 - P);
  const uint64_t rem = norm << P;   // discarded bits, top-aligned
  const bool inexact = rem != 0;
  const int half = rem < (1ull << 63) ? -1 : rem == (1ull << 63) ? 0 : 1;
  if (round_up(rm, neg, keep & 1, half, inexact)) {
    if (++keep == (uint64_t{1} << P)) {
      keep >>= 1;
      ++exp;
    }
  }
  if (inexact) *fl |= NX;
  return (neg ? Tr::kSign : U{0}) | (static_cast<U>(exp + Tr::kBias) << Tr::kMant) |
         (static_cast<U>(keep) & Tr::kFrac);
}

// ---- host-arithmetic operations ----

// RMM for a division whose RNE result r is tiny: if the exact quotient
// |a/b| lies exactly halfway between two multiples of the subnormal unit u
// (2|a/b|/u an odd integer N), the result is N+1 halves (away from zero),
// else r. With |a| = ma*2^ea, |b| = mo*2^(eb+t) (mo odd):
// N = (ma/mo) * 2^(ea-eb-t - log2(u) + 1), an odd integer only if mo
// divides ma and the power of two cancels to 2^0 against K = ma/mo's own.
template <class U>
U div_rmm_tie(U a, U b, U r) {
  using Tr = Traits<U>;
  constexpr int M = Tr::kMant, Emin = 1 - Tr::kBias;
  auto unpack = [](U v, uint64_t& m, int& e) {
    const int be = static_cast<int>((v & Tr::kExp) >> M);
    m = static_cast<uint64_t>(v & Tr::kFrac) | (be ? uint64_t{1} << M : 0);
    e = (be ? be : 1) - Tr::kBias - M;
  };
  if (is_zero(a) || is_zero(b) || is_inf(a) || is_inf(b) || is_nan(a) || is_nan(b)) return r;
  uint64_t ma, mb;
  int ea, eb;
  unpack(a, ma, ea);
  unpack(b, mb, eb);
  const int t = std::countr_zero(mb);
  const uint64_t mo = mb >> t;
  if (ma % mo) return r;
  uint64_t k = ma / mo;
  const int shift = ea - eb - t - (Emin - M) + 1;  // N = k * 2^shift
  if (shift > 0) return r;                        // N even (or not tiny)
  if (-shift >= 64 || (k & ((uint64_t{1} << -shift) - 1))) return r;
  const uint64_t n = k >> -shift;
  if (!(n & 1)) return r;
  const U sign = (sign_of(a) != sign_of(b)) ? Tr::kSign : U{0};
  return sign | static_cast<U>((n + 1) / 2);
}


template <class U>
U arith(Arith op, U a, U b, unsigned rm, uint32_t* fl) {
  using T = typename Traits<U>::F;
  uint32_t after;
  const T r = win_arith(op, val(a), val(b), op_mxcsr(rm), after);
  uint32_t f = fp_fflags_from_mxcsr(after);
  const U out = raw<U>(r);
  if (is_nan(out)) {
    *fl |= f;
    return Traits<U>::kNaN;
  }
  // RMM: the RNE result unless it is inexact; then add/sub/mul are redone
  // by the exact software fma (one rounding, exact RMM flags: a*1 + b,
  // a*b + -0) and a tiny quotient gets its tie fixed (div_rmm_tie).
  if (rm != RMM || !(f & NX)) {
    *fl |= f;
    return out;
  }
  constexpr U kOne = Traits<U>::kExp & (Traits<U>::kExp >> 1);  // 1.0: biased exponent bias
  switch (op) {
    case Arith::Add: return soft_fma(a, kOne, b, RMM, fl);
    case Arith::Sub: return soft_fma(a, kOne, b ^ Traits<U>::kSign, RMM, fl);
    case Arith::Mul: return soft_fma(a, b, Traits<U>::kSign, RMM, fl);
    default:
      // Quotients of P-bit numbers are never halfway between two normal
      // numbers; a tiny one (UF) may be. The flags stay RNE's (a tie is
      // exact at P bits with an unbounded exponent: tiny either way).
      *fl |= f;
      return (f & UF) ? div_rmm_tie(a, b, out) : out;
  }
}

template <class U>
U sqrt_op(U a, unsigned rm, uint32_t* fl) {
  uint32_t after;
  // No exact ties exist for sqrt: RMM == RNE.
  const U out = raw<U>(win_sqrt(val(a), op_mxcsr(rm), after));
  *fl |= fp_fflags_from_mxcsr(after);
  return is_nan(out) ? Traits<U>::kNaN : out;
}

// ---- software fma: exact, integer only ----

using u128 = unsigned __int128;

int clz128(u128 x) {
  const uint64_t hi = static_cast<uint64_t>(x >> 64);
  return hi ? std::countl_zero(hi) : 64 + std::countl_zero(static_cast<uint64_t>(x));
}
// x >> d, OR-ing every bit shifted out into bit 0 (sticky).
u128 shift_right_jam(u128 x, int d) {
  if (d <= 0) return x;
  if (d >= 128) return x != 0;
  return (x >> d) | ((x & ((static_cast<u128>(1) << d) - 1)) != 0);
}

// A finite v as |v| = m * 2^e (m without the sign; 0 for zeros).
template <class U>
void unpack_finite(U v, uint64_t& m, int& e) {
  using Tr = Traits<U>;
  const int be = static_cast<int>((v & Tr::kExp) >> Tr::kMant);
  m = static_cast<uint64_t>(v & Tr::kFrac) | (be ? uint64_t{1} << Tr::kMant : 0);
  e = (be ? be : 1) - Tr::kBias - Tr::kMant;
}

// The non-zero value (neg ? -1 : 1) * r * 2^er rounded once to U under rm
// (RMM included) with exact RISC-V flags: NX, OF (with the rm-dependent
// overflow result), UF when the result is tiny after rounding and inexact.
// Exact values (a widening conversion) come back unchanged, no flags.
template <class U>
U round_pack(bool neg, u128 r, int er, unsigned rm, uint32_t* fl) {
  using Tr = Traits<U>;
  constexpr int M = Tr::kMant, P = M + 1, Emin = 1 - Tr::kBias, Emax = Tr::kBias;
  const U sign = neg ? Tr::kSign : U{0};
  const int top = 127 - clz128(r);
  const int E = top + er;  // 2^E <= |exact| < 2^(E+1)
  auto overflow = [&]() -> U {
    *fl |= OF | NX;
    const bool to_inf = rm == RNE || rm == RMM || (rm == RDN && neg) || (rm == RUP && !neg);
    return sign | (to_inf ? Tr::kExp : Tr::kExp - 1);
  };
  if (E > Emax) return overflow();
  // Rounds r to a unit of 2^lsb_exp: the kept integer and the inexactness.
  auto round_at = [&](int lsb_exp, bool& inexact) -> uint64_t {
    const int sh = lsb_exp - er;
    if (sh <= 0) {
      inexact = false;
      return static_cast<uint64_t>(r << -sh);
    }
    uint64_t keep = 0;
    int half = -1;
    if (sh < 128) {
      keep = static_cast<uint64_t>(r >> sh);
      const u128 rem = r & ((static_cast<u128>(1) << sh) - 1), h = static_cast<u128>(1) << (sh - 1);
      inexact = rem != 0;
      half = rem < h ? -1 : rem == h ? 0 : 1;
    } else {
      inexact = true;  // r < 2^127 <= half a unit
    }
    return keep + (round_up(rm, neg, keep & 1, half, inexact) ? 1 : 0);
  };
  const int e_eff = E < Emin ? Emin : E;
  bool inexact;
  const uint64_t keep = round_at(e_eff - (P - 1), inexact);
  // keep's implicit bit (or its carry into 2^P) adds to the exponent field.
  const U bits = sign + ((static_cast<U>(e_eff + Tr::kBias - 1) << M) + static_cast<U>(keep));
  if ((bits & ~Tr::kSign) >= Tr::kExp) return overflow();
  if (inexact) {
    *fl |= NX;
    bool tiny = E < Emin - 1;
    if (E == Emin - 1) {  // tiny unless rounding to P bits reaches 2^Emin
      bool ignored;
      tiny = round_at(E - (P - 1), ignored) < (uint64_t{1} << P);
    }
    if (tiny) *fl |= UF;
  }
  return bits;
}

// (a*b) + c for finite, non-zero a*b and finite c (signs included in the
// operands), rounded once under rm (RMM included) with exact RISC-V flags:
// NX, OF (with the rm-dependent overflow result), UF when the result is
// tiny after rounding and inexact.
template <class U>
U soft_fma_finite(U a, U b, U c, unsigned rm, uint32_t* fl) {
  using Tr = Traits<U>;
  const auto unpack = unpack_finite<U>;
  uint64_t ma, mb, mc;
  int ea, eb, ec;
  unpack(a, ma, ea);
  unpack(b, mb, eb);
  unpack(c, mc, ec);
  const bool sp = sign_of(a) != sign_of(b), sc = sign_of(c);
  // Both terms with their top bit at 125 (room for the carry of the sum);
  // the product has at most 106 significant bits, so bits 0..18 are zero
  // and aligning shifts of up to 19 are exact; beyond that no massive
  // cancellation is possible and a sticky bit suffices.
  u128 x = static_cast<u128>(ma) * mb;
  int ex = ea + eb;
  {
    const int k = clz128(x) - 2;
    x <<= k;
    ex -= k;
  }
  bool neg = sp;
  u128 r = x;
  int er = ex;
  if (mc) {
    u128 y = mc;
    int ey = ec;
    const int k = clz128(y) - 2;
    y <<= k;
    ey -= k;
    if (ex >= ey) {
      y = shift_right_jam(y, ex - ey);
    } else {
      x = shift_right_jam(x, ey - ex);
      er = ey;
    }
    if (sp == sc) {
      r = x + y;
    } else if (x >= y) {
      r = x - y;
    } else {
      r = y - x;
      neg = sc;
    }
    if (r == 0)  // exact cancellation: +0, or -0 when rounding down
      return rm == RDN ? Tr::kSign : U{0};
  }
  return round_pack<U>(neg, r, er, rm, fl);
}

// Software fma on bits with all RISC-V special cases (NaN, inf, zero).
template <class U>
U soft_fma(U a, U b, U c, unsigned rm, uint32_t* fl) {
  if (is_nan(a) || is_nan(b) || is_nan(c)) {
    if (is_snan(a) || is_snan(b) || is_snan(c)) *fl |= NV;
    return Traits<U>::kNaN;  // inf*0 NV: added by the caller
  }
  const bool sp = sign_of(a) != sign_of(b);
  if (is_inf(a) || is_inf(b)) {
    if (is_zero(a) || is_zero(b)) return Traits<U>::kNaN;  // inf*0 (NV by the caller)
    if (is_inf(c) && sign_of(c) != sp) {
      *fl |= NV;
      return Traits<U>::kNaN;
    }
    return (sp ? Traits<U>::kSign : U{0}) | Traits<U>::kExp;
  }
  if (is_inf(c)) return c;
  if (is_zero(a) || is_zero(b)) {
    if (!is_zero(c)) return c;  // exact
    if (sp == sign_of(c)) return c;
    return rm == RDN ? Traits<U>::kSign : U{0};
  }
  return soft_fma_finite(a, b, c, rm, fl);
}

template <class U>
U fma_impl(U a, U b, U c, bool neg_prod, bool neg_add, unsigned rm, uint32_t* fl) {
  if (neg_prod) a ^= Traits<U>::kSign;
  if (neg_add) c ^= Traits<U>::kSign;
  // inf * 0 is invalid even when the addend is a quiet NaN.
  if ((is_inf(a) && is_zero(b)) || (is_zero(a) && is_inf(b))) *fl |= NV;
  // RMM has no host equivalent; hosts without FMA3 have no exact host fma;
  // halves have no host type here.
  if constexpr (sizeof(U) == 2) {
    return soft_fma(a, b, c, rm, fl);
  } else {
    if (!g_use_fma3 || rm == RMM) return soft_fma(a, b, c, rm, fl);
  uint32_t after;
  const U out = raw<U>(win_fma3(val(a), val(b), val(c), op_mxcsr(rm), after));
  *fl |= fp_fflags_from_mxcsr(after);
  return is_nan(out) ? Traits<U>::kNaN : out;
  }
}

// ---- conversions between formats (Zfh), all integer code ----

// a (format US) in format UD, rounded once under rm: NaNs become UD's
// canonical NaN (NV for a signaling one); widening is exact.
template <class UD, class US>
UD convert(US a, unsigned rm, uint32_t* fl) {
  if (is_nan(a)) {
    if (is_snan(a)) *fl |= NV;
    return Traits<UD>::kNaN;
  }
  const UD sign = sign_of(a) ? Traits<UD>::kSign : UD{0};
  if (is_inf(a)) return sign | Traits<UD>::kExp;
  if (is_zero(a)) return sign;
  uint64_t m;
  int e;
  unpack_finite(a, m, e);
  return round_pack<UD>(sign_of(a), m, e, rm, fl);
}

// A double computed with RTZ whose flags say whether it was inexact, made
// round-to-odd (the last bit set when inexact): rounding it once more to a
// format of at most 51 bits then gives the correctly rounded result under
// any rm (the two roundings are as one).
inline uint64_t round_odd(uint64_t d, uint32_t f) {
  return (f & NX) && !is_nan(d) && !is_inf(d) ? d | 1 : d;
}

// Half-precision quotient and square root: computed in double under RTZ
// (halves' quotients and roots never overflow, underflow or get subnormal
// in double), made round-to-odd, then rounded to half under rm.
uint16_t f16_via_f64(bool is_sqrt, uint16_t a, uint16_t b, unsigned rm, uint32_t* fl) {
  uint32_t f = 0;
  const uint64_t da = convert<uint64_t>(a, RNE, &f), db = convert<uint64_t>(b, RNE, &f);
  const uint64_t q = is_sqrt ? sqrt_op(da, RTZ, &f) : arith(Arith::Div, da, db, RTZ, &f);
  *fl |= f & (NV | DZ);
  return convert<uint16_t>(round_odd(q, f), rm, fl);
}

// ---- Zfa ----

// fminm/fmaxm: fmin/fmax, except that any NaN operand gives the canonical NaN.
template <class U>
U minmax_m(U a, U b, bool is_max, uint32_t* fl) {
  if (is_nan(a) || is_nan(b)) {
    if (is_snan(a) || is_snan(b)) *fl |= NV;
    return Traits<U>::kNaN;
  }
  return minmax(a, b, is_max, fl);
}

// fleq/fltq: flt/fle that are quiet (NV only for a signaling NaN).
template <class U>
bool compare_quiet(U a, U b, bool lt, uint32_t* fl) {
  uint32_t ignored = 0;
  if (is_snan(a) || is_snan(b)) *fl |= NV;
  return compare(a, b, lt ? 1 : 2, &ignored);
}

// fround/froundnx: a rounded to an integer under rm, in its own format.
// NaNs give the canonical NaN (NV for a signaling one); infinities, zeros
// and values already integral come back unchanged; NX only for froundnx.
template <class U>
U round_int(U a, unsigned rm, bool nx, uint32_t* fl) {
  using Tr = Traits<U>;
  if (is_nan(a)) {
    if (is_snan(a)) *fl |= NV;
    return Tr::kNaN;
  }
  const int be = static_cast<int>((a & Tr::kExp) >> Tr::kMant);
  if (is_inf(a) || is_zero(a) || be >= Tr::kBias + Tr::kMant) return a;
  uint64_t m;
  int e;
  unpack_finite(a, m, e);  // e < 0: |a| < 2^kMant
  const int sh = -e;
  uint64_t keep = 0;
  int half = -1;
  bool inexact = true;
  if (sh < 64) {
    keep = m >> sh;
    const uint64_t rem = m & ((uint64_t{1} << sh) - 1), h = uint64_t{1} << (sh - 1);
    inexact = rem != 0;
    half = rem < h ? -1 : rem == h ? 0 : 1;
  }
  keep += round_up(rm, sign_of(a), keep & 1, half, inexact) ? 1 : 0;
  if (inexact && nx) *fl |= NX;
  const U sign = sign_of(a) ? Tr::kSign : U{0};
  if (keep == 0) return sign;
  uint32_t ignored = 0;  // keep <= 2^kMant: exact
  return sign | from_int<U>(keep, 64, true, RNE, &ignored);
}

// fli.{h,s,d}: the spec's table of 32 constants (index = the rs1 field);
// 1 is the smallest normal number of the format, 30 +inf, 31 the canonical
// NaN; the others are exact in every format except 2^16, +inf in half.
constexpr double kFliTable[32] = {
    -1.0,    0.0 /* min */, 0x1p-16, 0x1p-15, 0x1p-8, 0x1p-7, 0.0625, 0.125,
    0.25,    0.3125,        0.375,   0.4375,  0.5,    0.625,  0.75,   0.875,
    1.0,     1.25,          1.5,     1.75,    2.0,    2.5,    3.0,    4.0,
    8.0,     16.0,          128.0,   256.0,   32768.0, 65536.0, 0.0 /* inf */, 0.0 /* nan */};

template <class U>
U fli(unsigned idx) {
  using Tr = Traits<U>;
  idx &= 31;
  if (idx == 1) return U{1} << Tr::kMant;  // biased exponent 1
  if (idx == 30) return Tr::kExp;
  if (idx == 31) return Tr::kNaN;
  uint32_t ignored = 0;
  return convert<U>(std::bit_cast<uint64_t>(kFliTable[idx]), RNE, &ignored);
}

}  // namespace

uint32_t f32_arith(Arith op, uint32_t a, uint32_t b, unsigned rm, uint32_t* fl) {
  return arith(op, a, b, rm, fl);
}
uint64_t f64_arith(Arith op, uint64_t a, uint64_t b, unsigned rm, uint32_t* fl) {
  return arith(op, a, b, rm, fl);
}
uint32_t f32_sqrt(uint32_t a, unsigned rm, uint32_t* fl) { return sqrt_op(a, rm, fl); }
uint64_t f64_sqrt(uint64_t a, unsigned rm, uint32_t* fl) { return sqrt_op(a, rm, fl); }

uint32_t f32_fma(uint32_t a, uint32_t b, uint32_t c, bool neg_prod, bool neg_add, unsigned rm,
                 uint32_t* fl) {
  return fma_impl(a, b, c, neg_prod, neg_add, rm, fl);
}
uint64_t f64_fma(uint64_t a, uint64_t b, uint64_t c, bool neg_prod, bool neg_add, unsigned rm,
                 uint32_t* fl) {
  return fma_impl(a, b, c, neg_prod, neg_add, rm, fl);
}

uint32_t f32_min(uint32_t a, uint32_t b, uint32_t* fl) { return minmax(a, b, false, fl); }
uint32_t f32_max(uint32_t a, uint32_t b, uint32_t* fl) { return minmax(a, b, true, fl); }
uint64_t f64_min(uint64_t a, uint64_t b, uint32_t* fl) { return minmax(a, b, false, fl); }
uint64_t f64_max(uint64_t a, uint64_t b, uint32_t* fl) { return minmax(a, b, true, fl); }

bool f32_eq(uint32_t a, uint32_t b, uint32_t* fl) { return compare(a, b, 0, fl); }
bool f32_lt(uint32_t a, uint32_t b, uint32_t* fl) { return compare(a, b, 1, fl); }
bool f32_le(uint32_t a, uint32_t b, uint32_t* fl) { return compare(a, b, 2, fl); }
bool f64_eq(uint64_t a, uint64_t b, uint32_t* fl) { return compare(a, b, 0, fl); }
bool f64_lt(uint64_t a, uint64_t b, uint32_t* fl) { return compare(a, b, 1, fl); }
bool f64_le(uint64_t a, uint64_t b, uint32_t* fl) { return compare(a, b, 2, fl); }

uint64_t f32_class(uint32_t a) { return classify(a); }
uint64_t f64_class(uint64_t a) { return classify(a); }

uint64_t f32_to_int(uint32_t a, int width, bool is_unsigned, unsigned rm, uint32_t* fl) {
  return to_int(a, width, is_unsigned, rm, fl);
}
uint64_t f64_to_int(uint64_t a, int width, bool is_unsigned, unsigned rm, uint32_t* fl) {
  return to_int(a, width, is_unsigned, rm, fl);
}

uint32_t int_to_f32(uint64_t v, int width, bool is_unsigned, unsigned rm, uint32_t* fl) {
  return from_int<uint32_t>(v, width, is_unsigned, rm, fl);
}
uint64_t int_to_f64(uint64_t v, int width, bool is_unsigned, unsigned rm, uint32_t* fl) {
  return from_int<uint64_t>(v, width, is_unsigned, rm, fl);
}

uint64_t f32_to_f64(uint32_t a, uint32_t* fl) {
  if (is_nan(a)) {
    if (is_snan(a)) *fl |= NV;
    return kCanonicalNaN64;
  }
  // Exact, no flags; integer code so that no DE reaches the caller's MXCSR.
  const uint64_t sign = static_cast<uint64_t>(a & 0x80000000u) << 32;
  const uint32_t e = (a >> 23) & 0xff;
  uint64_t m = a & 0x7fffffu;
  if (e == 0xff) return sign | 0x7ff0000000000000ull;  // inf
  if (e != 0) return sign | (static_cast<uint64_t>(e - 127 + 1023) << 52) | (m << 29);
  if (m == 0) return sign;
  const int k = std::countl_zero(static_cast<uint32_t>(m)) - 8;  // shift to bit 23
  m <<= k;
  return sign | (static_cast<uint64_t>(1 - k - 127 + 1023) << 52) | ((m & 0x7fffffu) << 29);
}

uint32_t f64_to_f32(uint64_t a, unsigned rm, uint32_t* fl) {
  if (is_nan(a)) {
    if (is_snan(a)) *fl |= NV;
    return kCanonicalNaN32;
  }
  uint32_t after;
  const float r = win_d2s(val(a), op_mxcsr(rm), after);
  uint32_t f = fp_fflags_from_mxcsr(after);
  uint32_t out = raw<uint32_t>(r);
  if (rm == RMM && (f & NX)) {
    const Bits x = in_work_env([&]() -> Bits {
      uint32_t g = f;
      const float v = f64_to_f32_rmm_tie(val(a), r, &g);
      return {raw<uint32_t>(v), g};
    });
    out = static_cast<uint32_t>(x.v);
    f = x.f;
  }
  *fl |= f;
  return out;
}

// ---- Zfh / Zfhmin ----
uint16_t f16_arith(Arith op, uint16_t a, uint16_t b, unsigned rm, uint32_t* fl) {
  constexpr uint16_t kOne = 0x3c00u;
  switch (op) {
    case Arith::Add: return soft_fma<uint16_t>(a, kOne, b, rm, fl);
    case Arith::Sub: return soft_fma<uint16_t>(a, kOne, b ^ 0x8000u, rm, fl);
    case Arith::Mul:
      // a*b + -0 is a*b, except for an exact zero product (its own sign).
      if ((is_zero(a) && !is_nan(b) && !is_inf(b)) || (is_zero(b) && !is_nan(a) && !is_inf(a)))
        return (a ^ b) & 0x8000u;
      return fma_impl<uint16_t>(a, b, 0x8000u, false, false, rm, fl);
    default: return f16_via_f64(false, a, b, rm, fl);
  }
}
uint16_t f16_sqrt(uint16_t a, unsigned rm, uint32_t* fl) { return f16_via_f64(true, a, a, rm, fl); }
uint16_t f16_fma(uint16_t a, uint16_t b, uint16_t c, bool neg_prod, bool neg_add, unsigned rm,
                 uint32_t* fl) {
  return fma_impl(a, b, c, neg_prod, neg_add, rm, fl);
}
uint16_t f16_min(uint16_t a, uint16_t b, uint32_t* fl) { return minmax(a, b, false, fl); }
uint16_t f16_max(uint16_t a, uint16_t b, uint32_t* fl) { return minmax(a, b, true, fl); }
bool f16_eq(uint16_t a, uint16_t b, uint32_t* fl) { return compare(a, b, 0, fl); }
bool f16_lt(uint16_t a, uint16_t b, uint32_t* fl) { return compare(a, b, 1, fl); }
bool f16_le(uint16_t a, uint16_t b, uint32_t* fl) { return compare(a, b, 2, fl); }
uint64_t f16_class(uint16_t a) { return classify(a); }
uint64_t f16_to_int(uint16_t a, int width, bool is_unsigned, unsigned rm, uint32_t* fl) {
  return to_int(a, width, is_unsigned, rm, fl);
}
uint16_t int_to_f16(uint64_t v, int width, bool is_unsigned, unsigned rm, uint32_t* fl) {
  uint32_t f = 0;  // a 64-bit integer made round-to-odd in double, then rounded once
  const uint64_t d = from_int<uint64_t>(v, width, is_unsigned, RTZ, &f);
  return convert<uint16_t>(round_odd(d, f), rm, fl);
}
uint32_t f16_to_f32(uint16_t a, uint32_t* fl) { return convert<uint32_t>(a, RNE, fl); }
uint64_t f16_to_f64(uint16_t a, uint32_t* fl) { return convert<uint64_t>(a, RNE, fl); }
uint16_t f32_to_f16(uint32_t a, unsigned rm, uint32_t* fl) { return convert<uint16_t>(a, rm, fl); }
uint16_t f64_to_f16(uint64_t a, unsigned rm, uint32_t* fl) { return convert<uint16_t>(a, rm, fl); }

// ---- Zfa ----
double fli_table_value(unsigned idx) { return kFliTable[idx & 31]; }
uint16_t f16_fli(unsigned idx) { return fli<uint16_t>(idx); }
uint32_t f32_fli(unsigned idx) { return fli<uint32_t>(idx); }
uint64_t f64_fli(unsigned idx) { return fli<uint64_t>(idx); }
uint16_t f16_minmax_m(uint16_t a, uint16_t b, bool is_max, uint32_t* fl) { return minmax_m(a, b, is_max, fl); }
uint32_t f32_minmax_m(uint32_t a, uint32_t b, bool is_max, uint32_t* fl) { return minmax_m(a, b, is_max, fl); }
uint64_t f64_minmax_m(uint64_t a, uint64_t b, bool is_max, uint32_t* fl) { return minmax_m(a, b, is_max, fl); }
uint16_t f16_round(uint16_t a, unsigned rm, bool nx, uint32_t* fl) { return round_int(a, rm, nx, fl); }
uint32_t f32_round(uint32_t a, unsigned rm, bool nx, uint32_t* fl) { return round_int(a, rm, nx, fl); }
uint64_t f64_round(uint64_t a, unsigned rm, bool nx, uint32_t* fl) { return round_int(a, rm, nx, fl); }
bool f16_cmp_quiet(uint16_t a, uint16_t b, bool lt, uint32_t* fl) { return compare_quiet(a, b, lt, fl); }
bool f32_cmp_quiet(uint32_t a, uint32_t b, bool lt, uint32_t* fl) { return compare_quiet(a, b, lt, fl); }
bool f64_cmp_quiet(uint64_t a, uint64_t b, bool lt, uint32_t* fl) { return compare_quiet(a, b, lt, fl); }

uint64_t f64_to_i32_mod(uint64_t a, uint32_t* fl) {
  if (is_nan(a) || is_inf(a)) {
    *fl |= NV;
    return 0;
  }
  if (is_zero(a)) return 0;
  uint64_t m;
  int e;
  unpack_finite(a, m, e);  // |a| = m * 2^e, m < 2^53
  uint64_t ip;             // the integer part modulo 2^64
  bool inexact = false, in_range;
  if (e >= 0) {  // |a| >= 2^52: out of range, its low 32 bits may still be set
    ip = e >= 64 ? 0 : m << e;
    in_range = false;
  } else {
    ip = -e >= 64 ? 0 : m >> -e;
    inexact = -e >= 64 ? true : (m & ((uint64_t{1} << -e) - 1)) != 0;
    in_range = ip <= (uint64_t{1} << 31);
  }
  const uint32_t low = static_cast<uint32_t>(sign_of(a) ? 0 - ip : ip);
  // In range: -2^31 <= trunc(a) <= 2^31 - 1.
  if (!in_range || (!sign_of(a) && ip == (uint64_t{1} << 31))) *fl |= NV;
  else if (inexact) *fl |= NX;
  return sext32(low);
}

bool host_has_fma() { return g_use_fma3; }
void force_soft_fma_for_testing(bool soft) { g_use_fma3 = !soft && detect_fma(); }

}  // namespace hart::fp
