// translator/fp_ops.cpp — RISC-V F/D semantics on raw bits (see fp_ops.h).
// Owns: host rounding-mode/flag handling for one operation at a time, the
// RISC-V NaN, min/max, compare, class and conversion rules. Arithmetic
// whose flags matter runs as volatile inline asm (SSE) between <cfenv>
// calls, so the compiler can neither fold it nor move it out of the window
// in which the rounding mode is set and the flags are collected.
#include "translator/fp_ops.h"

#include <bit>
#include <cfenv>
#include <cmath>
#include <limits>

#include "core/cpu_state.h"

namespace hart::fp {

namespace {

int host_rounding(unsigned rm) {
  switch (rm) {
    case RTZ: return FE_TOWARDZERO;
    case RDN: return FE_DOWNWARD;
    case RUP: return FE_UPWARD;
    default: return FE_TONEAREST;  // RNE, and RMM before its tie fix-up
  }
}

// Sets the host rounding mode and clears the host flags for the lifetime of
// the object; flags() maps the raised host flags to RISC-V fflags. The
// host environment is restored on destruction.
class HostFp {
 public:
  explicit HostFp(unsigned rm) {
    fegetenv(&saved_);
    fesetround(host_rounding(rm));
    feclearexcept(FE_ALL_EXCEPT);
  }
  ~HostFp() { fesetenv(&saved_); }
  HostFp(const HostFp&) = delete;
  HostFp& operator=(const HostFp&) = delete;
  uint32_t flags() const {
    int e = fetestexcept(FE_ALL_EXCEPT);
    uint32_t f = 0;
    if (e & FE_INEXACT) f |= NX;
    if (e & FE_UNDERFLOW) f |= UF;
    if (e & FE_OVERFLOW) f |= OF;
    if (e & FE_DIVBYZERO) f |= DZ;
    if (e & FE_INVALID) f |= NV;
    return f;
  }

 private:
  fenv_t saved_;
};

// SSE scalar operations as volatile asm with a memory clobber: ordered with
// respect to the fenv calls around them, never folded.
#define HART_SSE_BINOP(fn, insn, T)                                  \
  inline T fn(T a, T b) {                                            \
    asm volatile(insn " %1, %0" : "+x"(a) : "x"(b) : "memory");      \
    return a;                                                        \
  }
HART_SSE_BINOP(sse_add, "addss", float)
HART_SSE_BINOP(sse_sub, "subss", float)
HART_SSE_BINOP(sse_mul, "mulss", float)
HART_SSE_BINOP(sse_div, "divss", float)
HART_SSE_BINOP(sse_add, "addsd", double)
HART_SSE_BINOP(sse_sub, "subsd", double)
HART_SSE_BINOP(sse_mul, "mulsd", double)
HART_SSE_BINOP(sse_div, "divsd", double)
#undef HART_SSE_BINOP

inline float sse_sqrt(float a) {
  float r = 0;
  asm volatile("sqrtss %1, %0" : "+x"(r) : "x"(a) : "memory");
  return r;
}
inline double sse_sqrt(double a) {
  double r = 0;
  asm volatile("sqrtsd %1, %0" : "+x"(r) : "x"(a) : "memory");
  return r;
}
inline float sse_d2s(double a) {
  float r = 0;
  asm volatile("cvtsd2ss %1, %0" : "+x"(r) : "x"(a) : "memory");
  return r;
}
inline double sse_i2d(int64_t a) {
  double r = 0;
  asm volatile("cvtsi2sdq %1, %0" : "+x"(r) : "r"(a) : "memory");
  return r;
}
inline float sse_i2s(int64_t a) {
  float r = 0;
  asm volatile("cvtsi2ssq %1, %0" : "+x"(r) : "r"(a) : "memory");
  return r;
}
template <class T>
inline T opaque(T v) {
  asm volatile("" : "+x"(v)::"memory");
  return v;
}

template <class T>
T host_arith(Arith op, T a, T b) {
  switch (op) {
    case Arith::Add: return sse_add(a, b);
    case Arith::Sub: return sse_sub(a, b);
    case Arith::Mul: return sse_mul(a, b);
    default: return sse_div(a, b);
  }
}

// Bit-level classification helpers.
template <class U>
struct Traits;
template <>
struct Traits<uint32_t> {
  using F = float;
  static constexpr uint32_t kSign = 0x80000000u, kExp = 0x7f800000u, kFrac = 0x007fffffu,
                            kQuiet = 0x00400000u, kNaN = kCanonicalNaN32;
};
template <>
struct Traits<uint64_t> {
  using F = double;
  static constexpr uint64_t kSign = 0x8000000000000000ull, kExp = 0x7ff0000000000000ull,
                            kFrac = 0x000fffffffffffffull, kQuiet = 0x0008000000000000ull,
                            kNaN = kCanonicalNaN64;
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

// RMM tie fix-up: r is the RNE result of an inexact operation whose exact
// value is r + e (e exact and non-zero). If the exact value lies halfway
// between r and its neighbour and RNE rounded toward zero, round away.
template <class T>
T rmm_fixup(T r, T e, uint32_t* f) {
  if (e == 0 || std::isinf(r) || std::isnan(r)) return r;
  T dir = e > 0 ? std::numeric_limits<T>::infinity() : -std::numeric_limits<T>::infinity();
  T n = std::nextafter(r, dir);
  if (std::isinf(n)) {
    // Halfway to the overflow threshold: compare with half an ulp of max.
    T gap = r - std::nextafter(r, -dir);
    if (e + e != gap && e + e != -gap) return r;
    *f |= OF | NX;
    return n;
  }
  T gap = n - r;
  if (e + e != gap) return r;
  bool toward_zero = r == 0 || std::signbit(r) == std::signbit(e);
  return toward_zero ? n : r;
}

// Exact error of a RNE add (TwoSum) or mul (fma), RNE host mode assumed.
template <class T>
T exact_error(Arith op, T a, T b, T r) {
  if (op == Arith::Sub) b = -b;
  if (op == Arith::Mul) return std::fma(opaque(a), opaque(b), -r);
  T bb = opaque(r - a);
  return (a - opaque(r - bb)) + (b - bb);
}

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

template <class U>
U minmax(U a, U b, bool is_max, uint32_t* fl) {
  if (is_snan(a) || is_snan(b)) *fl |= NV;
  bool an = is_nan(a), bn = is_nan(b);
  if (an && bn) return Traits<U>::kNaN;
  if (an) return b;
  if (bn) return a;
  auto x = val(a), y = val(b);
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
  auto x = val(a), y = val(b);
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

// v: the operand value (exact in double), nan: it is a NaN.
uint64_t to_int(double v, bool nan, int width, bool uns, unsigned rm, uint32_t* fl) {
  auto sext32 = [](uint64_t x) { return static_cast<uint64_t>(static_cast<int64_t>(static_cast<int32_t>(x))); };
  const uint64_t max = uns ? (width == 32 ? sext32(0xffffffffu) : ~0ull)
                           : (width == 32 ? 0x7fffffffull : 0x7fffffffffffffffull);
  const uint64_t min = uns ? 0 : (width == 32 ? sext32(0x80000000u) : 0x8000000000000000ull);
  if (nan) {
    *fl |= NV;
    return max;
  }
  if (std::isinf(v)) {
    *fl |= NV;
    return v < 0 ? min : max;
  }
  double t = std::trunc(v), frac = v - t, r = t;
  if (frac != 0) {
    double af = std::fabs(frac);
    bool away = false;
    switch (rm) {
      case RNE: away = af > 0.5 || (af == 0.5 && std::fmod(t, 2.0) != 0); break;
      case RTZ: away = false; break;
      case RDN: away = frac < 0; break;
      case RUP: away = frac > 0; break;
      default: away = af >= 0.5; break;  // RMM
    }
    if (away) r = t + (frac < 0 ? -1.0 : 1.0);
  }
  double lo = uns ? 0.0 : (width == 32 ? -2147483648.0 : -9223372036854775808.0);
  double hi = uns ? (width == 32 ? 4294967296.0 : 18446744073709551616.0)
                  : (width == 32 ? 2147483648.0 : 9223372036854775808.0);
  if (r < lo || r >= hi) {
    *fl |= NV;
    return v < 0 ? min : max;
  }
  if (frac != 0) *fl |= NX;
  uint64_t out = uns ? static_cast<uint64_t>(r) : static_cast<uint64_t>(static_cast<int64_t>(r));
  return width == 32 ? sext32(out) : out;
}

// Integer -> T under rm (never RMM here); exact result flags.
template <class T>
T host_from_int(uint64_t x, bool is_signed_value, unsigned rm, uint32_t* fl) {
  HostFp env(rm);
  T r;
  if (is_signed_value || static_cast<int64_t>(x) >= 0) {
    if constexpr (sizeof(T) == 4) r = sse_i2s(static_cast<int64_t>(x));
    else r = sse_i2d(static_cast<int64_t>(x));
  } else {
    // >= 2^63 unsigned: halve keeping a sticky bit, convert, double (exact).
    int64_t h = static_cast<int64_t>((x >> 1) | (x & 1));
    if constexpr (sizeof(T) == 4) r = sse_i2s(h);
    else r = sse_i2d(h);
    r = opaque(r);
    r = r + r;
  }
  r = opaque(r);
  *fl |= env.flags();
  return r;
}

template <class T>
T from_int(uint64_t v, int width, bool uns, unsigned rm, uint32_t* fl) {
  uint64_t x = v;
  bool signed_value = !uns;
  if (width == 32) x = uns ? (v & 0xffffffffu) : static_cast<uint64_t>(static_cast<int64_t>(static_cast<int32_t>(v)));
  if (rm != RMM) return host_from_int<T>(x, signed_value, rm, fl);
  uint32_t f = 0;
  T t = host_from_int<T>(x, signed_value, RTZ, &f);
  if (!(f & NX)) {
    *fl |= f;
    return t;
  }
  __int128 X = signed_value ? static_cast<__int128>(static_cast<int64_t>(x)) : static_cast<__int128>(x);
  T n = std::nextafter(t, X < 0 ? -std::numeric_limits<T>::infinity() : std::numeric_limits<T>::infinity());
  __int128 T1 = static_cast<__int128>(t), N1 = static_cast<__int128>(n);
  __int128 d1 = X - T1, d2 = N1 - X;
  if (d1 < 0) d1 = -d1;
  if (d2 < 0) d2 = -d2;
  *fl |= NX;
  return d2 <= d1 ? n : t;
}

}  // namespace

uint32_t f32_arith(Arith op, uint32_t a, uint32_t b, unsigned rm, uint32_t* fl) {
  float r;
  uint32_t f;
  {
    HostFp env(rm == RMM ? RNE : rm);
    r = opaque(host_arith(op, val(a), val(b)));
    f = env.flags();
  }
  if (std::isnan(r)) {
    *fl |= f;
    return kCanonicalNaN32;
  }
  if (rm == RMM && (f & NX) && op != Arith::Div) {
    // The float operation is exact in double (mul always, add/sub when the
    // exponents are close — otherwise no tie is possible).
    double x = val(a), y = val(b);
    double d = op == Arith::Add ? x + y : op == Arith::Sub ? x - y : x * y;
    if (exact_error(op, x, y, d) == 0) {
      uint32_t g = 0;
      uint32_t out = f64_to_f32(raw<uint64_t>(d), RMM, &g);
      *fl |= g;
      return out;
    }
  }
  *fl |= f;
  return raw<uint32_t>(r);
}

uint64_t f64_arith(Arith op, uint64_t a, uint64_t b, unsigned rm, uint32_t* fl) {
  double r;
  uint32_t f;
  {
    HostFp env(rm == RMM ? RNE : rm);
    r = opaque(host_arith(op, val(a), val(b)));
    f = env.flags();
  }
  if (std::isnan(r)) {
    *fl |= f;
    return kCanonicalNaN64;
  }
  if (rm == RMM && (f & NX) && op != Arith::Div && !(f & (UF | OF)))
    r = rmm_fixup(r, exact_error(op, val(a), val(b), r), &f);
  *fl |= f;
  return raw<uint64_t>(r);
}

uint32_t f32_sqrt(uint32_t a, unsigned rm, uint32_t* fl) {
  HostFp env(rm == RMM ? RNE : rm);
  float r = opaque(sse_sqrt(val(a)));
  *fl |= env.flags();
  return std::isnan(r) ? kCanonicalNaN32 : raw<uint32_t>(r);
}

uint64_t f64_sqrt(uint64_t a, unsigned rm, uint32_t* fl) {
  HostFp env(rm == RMM ? RNE : rm);
  double r = opaque(sse_sqrt(val(a)));
  *fl |= env.flags();
  return std::isnan(r) ? kCanonicalNaN64 : raw<uint64_t>(r);
}

namespace {
template <class U>
U fma_impl(U a, U b, U c, bool neg_prod, bool neg_add, unsigned rm, uint32_t* fl) {
  using T = typename Traits<U>::F;
  if (neg_prod) a ^= Traits<U>::kSign;
  if (neg_add) c ^= Traits<U>::kSign;
  T x = val(a), y = val(b), z = val(c);
  // inf * 0 is invalid even when the addend is a quiet NaN.
  if ((std::isinf(x) && y == 0) || (x == 0 && std::isinf(y))) *fl |= NV;
  T r;
  {
    HostFp env(rm == RMM ? RNE : rm);
    r = opaque(std::fma(opaque(x), opaque(y), opaque(z)));
    *fl |= env.flags();
  }
  return std::isnan(r) ? Traits<U>::kNaN : raw<U>(r);
}
}  // namespace

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
  return to_int(static_cast<double>(val(a)), is_nan(a), width, is_unsigned, rm, fl);
}
uint64_t f64_to_int(uint64_t a, int width, bool is_unsigned, unsigned rm, uint32_t* fl) {
  return to_int(val(a), is_nan(a), width, is_unsigned, rm, fl);
}

uint32_t int_to_f32(uint64_t v, int width, bool is_unsigned, unsigned rm, uint32_t* fl) {
  return raw<uint32_t>(from_int<float>(v, width, is_unsigned, rm, fl));
}
uint64_t int_to_f64(uint64_t v, int width, bool is_unsigned, unsigned rm, uint32_t* fl) {
  return raw<uint64_t>(from_int<double>(v, width, is_unsigned, rm, fl));
}

uint64_t f32_to_f64(uint32_t a, uint32_t* fl) {
  if (is_nan(a)) {
    if (is_snan(a)) *fl |= NV;
    return kCanonicalNaN64;
  }
  return raw<uint64_t>(static_cast<double>(val(a)));  // exact, no flags
}

uint32_t f64_to_f32(uint64_t a, unsigned rm, uint32_t* fl) {
  if (is_nan(a)) {
    if (is_snan(a)) *fl |= NV;
    return kCanonicalNaN32;
  }
  float r;
  uint32_t f;
  {
    HostFp env(rm == RMM ? RNE : rm);
    r = opaque(sse_d2s(val(a)));
    f = env.flags();
  }
  if (rm == RMM && (f & NX)) r = f64_to_f32_rmm_tie(val(a), r, &f);
  *fl |= f;
  return raw<uint32_t>(r);
}

}  // namespace hart::fp
