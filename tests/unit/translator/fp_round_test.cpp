// tests/unit/translator/fp_round_test.cpp — fp_ops.cpp's arithmetic
// (add, sub, mul, div, sqrt, fma; half, single and double; fcvt.s.d and the
// conversions to half) against an exact
// reference in every rounding mode, RMM above all: each result is computed
// exactly with GMP rationals (sqrt with integer square roots), then rounded
// once to the format here, with RISC-V's flags (tininess after rounding).
// Edge operands (subnormals, the normal/subnormal boundary, all-ones
// significands, ties built on purpose) and random ones.
// Owns: the reference rounding; not the operations under test.
#include <gmpxx.h>
#include <gtest/gtest.h>

#include <cstdint>
#include <functional>
#include <random>

#include "core/cpu_state.h"
#include "translator/fp_ops.h"

namespace hart::fp {
namespace {

struct Format {
  int mant;  // stored fraction bits (P - 1)
  int bias;
  int ebits;  // exponent field width
  int P() const { return mant + 1; }
  int emin() const { return 1 - bias; }
  int emax() const { return bias; }
  uint64_t sign() const { return uint64_t{1} << (mant + ebits); }
  uint64_t exp_all() const { return ((uint64_t{1} << ebits) - 1) << mant; }
};
constexpr Format kF32{23, 127, 8}, kF64{52, 1023, 11}, kF16{10, 15, 5};

// A finite value: (-1)^neg * m * 2^e.
struct Exact {
  bool neg = false;
  mpq_class q;  // |value|
};

bool decode(const Format& f, uint64_t bits, Exact* out) {
  const uint64_t be = (bits & f.exp_all()) >> f.mant;
  if (be == (f.exp_all() >> f.mant)) return false;  // inf / NaN
  uint64_t m = bits & ((uint64_t{1} << f.mant) - 1);
  if (be) m |= uint64_t{1} << f.mant;
  const int e = (be ? static_cast<int>(be) : 1) - f.bias - f.mant;
  out->neg = bits & f.sign();
  mpz_class num = m, den = 1;
  if (e >= 0) mpz_mul_2exp(num.get_mpz_t(), num.get_mpz_t(), e);
  else mpz_mul_2exp(den.get_mpz_t(), den.get_mpz_t(), -e);
  out->q = mpq_class(num, den);
  out->q.canonicalize();
  return true;
}

// floor(|v| * 2^k) and whether that is exact: a rational, or the square
// root of one (sqrt_of).
struct Scaled {
  std::function<void(int k, mpz_class* fl, bool* exact)> at;
};

Scaled rational(const mpq_class& q) {
  return {[q](int k, mpz_class* fl, bool* exact) {
    mpz_class n = q.get_num(), d = q.get_den();
    if (k >= 0) mpz_mul_2exp(n.get_mpz_t(), n.get_mpz_t(), k);
    else mpz_mul_2exp(d.get_mpz_t(), d.get_mpz_t(), -k);
    mpz_class r;
    mpz_fdiv_qr(fl->get_mpz_t(), r.get_mpz_t(), n.get_mpz_t(), d.get_mpz_t());
    *exact = r == 0;
  }};
}

Scaled sqrt_of(const mpq_class& q) {
  // floor(sqrt(q) * 2^k) = floor(sqrt(floor(q * 4^k))); exact iff q*4^k is a perfect square.
  return {[q](int k, mpz_class* fl, bool* exact) {
    mpz_class inner;
    bool ex;
    rational(q).at(2 * k, &inner, &ex);
    mpz_class rem;
    mpz_sqrtrem(fl->get_mpz_t(), rem.get_mpz_t(), inner.get_mpz_t());
    *exact = ex && rem == 0;
  }};
}

// Whether rounding moves away from zero (IEEE 754 rules, one per mode).
bool round_up(unsigned rm, bool neg, bool odd, int half, bool inexact) {
  if (!inexact) return false;
  if (rm == RNE || rm == RMM) return half > 0 || (half == 0 && (rm == RMM || odd));
  return rm == (neg ? RDN : RUP);  // directed: away only toward that infinity
}

// Rounds |v| to a multiple of 2^lsb under rm: the multiple and inexactness.
mpz_class round_at(const Scaled& v, bool neg, int lsb, unsigned rm, bool* inexact) {
  mpz_class n4;
  bool exact;
  v.at(2 - lsb, &n4, &exact);
  const unsigned low = static_cast<unsigned>(mpz_class(n4 & 3).get_ui());
  mpz_class keep = n4 >> 2;
  *inexact = low != 0 || !exact;
  const int half = low < 2 ? -1 : (low == 2 && exact) ? 0 : 1;
  if (round_up(rm, neg, mpz_odd_p(keep.get_mpz_t()), half, *inexact)) keep += 1;
  return keep;
}

// The correctly rounded non-zero value v in format f, with RISC-V flags.
uint64_t round_value(const Format& f, const Scaled& v, bool neg, unsigned rm, uint32_t* fl) {
  // E = floor(log2 |v|).
  int k = 0;
  mpz_class t;
  bool ex;
  for (v.at(k, &t, &ex); t == 0; v.at(k, &t, &ex)) k += 64;
  const int E = static_cast<int>(mpz_sizeinbase(t.get_mpz_t(), 2)) - 1 - k;
  const int P = f.P();
  const int lsb = std::max(E, f.emin()) - (P - 1);
  bool inexact;
  mpz_class keep = round_at(v, neg, lsb, rm, &inexact);
  const uint64_t sign = neg ? f.sign() : 0;
  int exp_field;  // biased
  uint64_t frac;
  mpz_class one_p = mpz_class(1) << P, one_pm1 = mpz_class(1) << (P - 1);
  if (keep >= one_p) {  // carry to the next binade
    keep >>= 1;
    exp_field = lsb + P + f.bias;  // lsb+1 + P-1
  } else if (keep >= one_pm1) {
    exp_field = lsb + (P - 1) + f.bias;
  } else {
    exp_field = 0;  // subnormal (or zero)
  }
  frac = keep.get_ui() & ((uint64_t{1} << f.mant) - 1);
  if (exp_field - f.bias > f.emax()) {
    *fl |= OF | NX;
    const bool to_inf = rm == RNE || rm == RMM || (rm == RDN && neg) || (rm == RUP && !neg);
    return sign | (to_inf ? f.exp_all() : f.exp_all() - 1);
  }
  if (inexact) {
    *fl |= NX;
    bool tiny = E < f.emin();
    if (tiny) {  // after rounding with an unbounded exponent
      bool ign;
      mpz_class u = round_at(v, neg, E - (P - 1), rm, &ign);
      if (E == f.emin() - 1 && u >= one_p) tiny = false;
    }
    if (tiny) *fl |= UF;
  }
  return sign | (static_cast<uint64_t>(exp_field) << f.mant) | frac;
}

enum class Op { Add, Sub, Mul, Div, Sqrt, Fma };

// The reference: false when an operand is not finite or the exact result is
// zero with a sign rule the test leaves to the special-case tests.
bool reference(const Format& f, Op op, uint64_t a, uint64_t b, uint64_t c, unsigned rm,
               uint64_t* out, uint32_t* fl) {
  Exact x, y, z;
  if (!decode(f, a, &x) || !decode(f, b, &y) || !decode(f, c, &z)) return false;
  *fl = 0;
  mpq_class sx = x.neg ? mpq_class(-x.q) : x.q, sy = y.neg ? mpq_class(-y.q) : y.q,
            sz = z.neg ? mpq_class(-z.q) : z.q, r;
  switch (op) {
    case Op::Add: r = sx + sy; break;
    case Op::Sub: r = sx - sy; break;
    case Op::Mul: r = sx * sy; break;
    case Op::Div:
      if (sy == 0) return false;
      r = sx / sy;
      break;
    case Op::Fma: r = sx * sy + sz; break;
    case Op::Sqrt:
      if (x.neg || x.q == 0) return false;
      *out = round_value(f, sqrt_of(x.q), false, rm, fl);
      return true;
  }
  if (r == 0) return false;
  const bool neg = r < 0;
  *out = round_value(f, rational(neg ? mpq_class(-r) : r), neg, rm, fl);
  return true;
}

uint64_t run(bool dbl, Op op, uint64_t a, uint64_t b, uint64_t c, unsigned rm, uint32_t* fl) {
  *fl = 0;
  if (dbl) {
    switch (op) {
      case Op::Add: return f64_arith(Arith::Add, a, b, rm, fl);
      case Op::Sub: return f64_arith(Arith::Sub, a, b, rm, fl);
      case Op::Mul: return f64_arith(Arith::Mul, a, b, rm, fl);
      case Op::Div: return f64_arith(Arith::Div, a, b, rm, fl);
      case Op::Sqrt: return f64_sqrt(a, rm, fl);
      case Op::Fma: return f64_fma(a, b, c, false, false, rm, fl);
    }
  }
  uint32_t x = static_cast<uint32_t>(a), y = static_cast<uint32_t>(b), z = static_cast<uint32_t>(c);
  switch (op) {
    case Op::Add: return f32_arith(Arith::Add, x, y, rm, fl);
    case Op::Sub: return f32_arith(Arith::Sub, x, y, rm, fl);
    case Op::Mul: return f32_arith(Arith::Mul, x, y, rm, fl);
    case Op::Div: return f32_arith(Arith::Div, x, y, rm, fl);
    case Op::Sqrt: return f32_sqrt(x, rm, fl);
    case Op::Fma: return f32_fma(x, y, z, false, false, rm, fl);
  }
  return 0;
}

const char* kOpNames[] = {"add", "sub", "mul", "div", "sqrt", "fma"};
const char* kRmNames[] = {"rne", "rtz", "rdn", "rup", "rmm"};

// Operands that reach the interesting places: subnormals, the boundary,
// all-ones and one-ulp significands, exponents near the result's edges.
uint64_t edge_operand(const Format& f, std::mt19937_64& rng) {
  const uint64_t fmask = (uint64_t{1} << f.mant) - 1;
  const uint64_t emaxf = (f.exp_all() >> f.mant) - 1;
  uint64_t frac;
  switch (rng() % 6) {
    case 0: frac = 0; break;
    case 1: frac = 1; break;
    case 2: frac = fmask; break;
    case 3: frac = fmask - 1; break;
    case 4: frac = uint64_t{1} << (f.mant - 1) | 1; break;
    default: frac = rng() & fmask; break;
  }
  uint64_t e;
  switch (rng() % 7) {
    case 0: e = 0; break;
    case 1: e = 1 + rng() % 3; break;
    case 2: e = static_cast<uint64_t>(f.bias) - 2 + rng() % 5; break;
    case 3: e = emaxf - rng() % 3; break;
    case 4: e = static_cast<uint64_t>(f.bias) / 2 + rng() % 8; break;  // products near the bottom
    case 5: e = static_cast<uint64_t>(f.bias) + f.bias / 2 - rng() % 8; break;
    default: e = 1 + rng() % emaxf; break;
  }
  if (e == 0 && frac == 0) frac = 1;
  return (rng() & 1 ? f.sign() : 0) | (e << f.mant) | frac;
}

void check_one(bool dbl, Op op, uint64_t a, uint64_t b, uint64_t c, unsigned rm, int* failures) {
  const Format& f = dbl ? kF64 : kF32;
  uint64_t want;
  uint32_t want_fl;
  if (!reference(f, op, a, b, c, rm, &want, &want_fl)) return;
  uint32_t got_fl;
  const uint64_t got = run(dbl, op, a, b, c, rm, &got_fl);
  if ((got != want || got_fl != want_fl) && ++*failures <= 20)
    ADD_FAILURE() << (dbl ? "f64 " : "f32 ") << kOpNames[static_cast<int>(op)] << "."
                  << kRmNames[rm] << std::hex << " a=0x" << a << " b=0x" << b << " c=0x" << c
                  << ": got 0x" << got << " flags " << got_fl << ", want 0x" << want
                  << " flags " << want_fl;
}

TEST(FpRound, IssueExamples) {
  uint32_t fl = 0;
  EXPECT_EQ(f32_arith(Arith::Div, 0x00800001u, 0x40000000u, RMM, &fl), 0x00400001u);
  EXPECT_EQ(fl, UF | NX);
  fl = 0;
  EXPECT_EQ(f64_arith(Arith::Mul, 0x0010000000000001ull, 0x3fffffffffffffffull, RMM, &fl),
            0x0020000000000000ull);
  EXPECT_EQ(fl, NX);
}

// Quotients built to be exact ties in the subnormal range: a / 2^k.
TEST(FpRound, SubnormalQuotientTies) {
  std::mt19937_64 rng(7);
  int failures = 0;
  for (bool dbl : {false, true}) {
    const Format& f = dbl ? kF64 : kF32;
    for (int i = 0; i < 20000; ++i) {
      const uint64_t frac = rng() & ((uint64_t{1} << f.mant) - 1);
      const uint64_t e = rng() % 4;
      const uint64_t a = (rng() & 1 ? f.sign() : 0) | (e << f.mant) | frac;
      const uint64_t b = (static_cast<uint64_t>(f.bias + 1 + rng() % 3) << f.mant) |
                         (rng() % 4 == 0 ? (uint64_t{1} << (f.mant - 1)) : 0);  // 2^k or 1.5*2^k
      for (unsigned rm = 0; rm <= RMM; ++rm) check_one(dbl, Op::Div, a, b, 0, rm, &failures);
    }
  }
  EXPECT_EQ(failures, 0);
}

TEST(FpRound, EdgeAndRandomOperands) {
  std::mt19937_64 rng(11);
  int failures = 0;
  for (bool dbl : {false, true}) {
    const Format& f = dbl ? kF64 : kF32;
    const uint64_t mask = dbl ? ~uint64_t{0} : 0xffffffffull;
    for (int op = 0; op < 6; ++op) {
      for (int i = 0; i < 6000; ++i) {
        const bool random = i % 3 == 0;
        const uint64_t a = random ? rng() & mask : edge_operand(f, rng);
        const uint64_t b = random ? rng() & mask : edge_operand(f, rng);
        const uint64_t c = random ? rng() & mask : edge_operand(f, rng);
        for (unsigned rm = 0; rm <= RMM; ++rm)
          check_one(dbl, static_cast<Op>(op), a, b, c, rm, &failures);
      }
    }
  }
  EXPECT_EQ(failures, 0);
}

// fcvt.s.d: a double rounded once to single.
TEST(FpRound, DoubleToSingle) {
  std::mt19937_64 rng(17);
  int failures = 0;
  for (int i = 0; i < 60000; ++i) {
    uint64_t a = edge_operand(kF64, rng);
    if (i % 2) {  // near the single range's edges: exponents around 2^-150..2^-120 and 2^127
      const uint64_t e = (i % 4 == 1 ? 1023 - 152 + rng() % 32 : 1023 + 120 + rng() % 10);
      a = (a & 0x800fffffffffffffull) | (e << 52);
    }
    Exact x;
    if (!decode(kF64, a, &x) || x.q == 0) continue;
    for (unsigned rm = 0; rm <= RMM; ++rm) {
      uint32_t want_fl = 0, got_fl = 0;
      const uint64_t want = round_value(kF32, rational(x.q), x.neg, rm, &want_fl);
      const uint32_t got = f64_to_f32(a, rm, &got_fl);
      if ((got != want || got_fl != want_fl) && ++failures <= 20)
        ADD_FAILURE() << "fcvt.s.d." << kRmNames[rm] << std::hex << " a=0x" << a << ": got 0x"
                      << got << " flags " << got_fl << ", want 0x" << want << " flags " << want_fl;
    }
  }
  EXPECT_EQ(failures, 0);
}

// The same with the software fma forced (hosts without FMA3).
TEST(FpRound, SoftFmaPath) {
  force_soft_fma_for_testing(true);
  std::mt19937_64 rng(13);
  int failures = 0;
  for (bool dbl : {false, true}) {
    const Format& f = dbl ? kF64 : kF32;
    for (int i = 0; i < 4000; ++i) {
      const uint64_t a = edge_operand(f, rng), b = edge_operand(f, rng), c = edge_operand(f, rng);
      for (unsigned rm = 0; rm <= RMM; ++rm) check_one(dbl, Op::Fma, a, b, c, rm, &failures);
    }
  }
  force_soft_fma_for_testing(false);
  EXPECT_EQ(failures, 0);
}

// Zfh: half-precision arithmetic (integer soft fma for add/sub/mul/fma,
// round-to-odd doubles for div/sqrt) and the conversions to half from
// single, double and the integers, each rounded once.
uint64_t run16(Op op, uint64_t a, uint64_t b, uint64_t c, unsigned rm, uint32_t* fl) {
  const uint16_t x = static_cast<uint16_t>(a), y = static_cast<uint16_t>(b), z = static_cast<uint16_t>(c);
  *fl = 0;
  switch (op) {
    case Op::Add: return f16_arith(Arith::Add, x, y, rm, fl);
    case Op::Sub: return f16_arith(Arith::Sub, x, y, rm, fl);
    case Op::Mul: return f16_arith(Arith::Mul, x, y, rm, fl);
    case Op::Div: return f16_arith(Arith::Div, x, y, rm, fl);
    case Op::Sqrt: return f16_sqrt(x, rm, fl);
    case Op::Fma: return f16_fma(x, y, z, false, false, rm, fl);
  }
  return 0;
}

TEST(FpRound, HalfPrecision) {
  std::mt19937_64 rng(19);
  int failures = 0;
  auto report = [&](const char* what, unsigned rm, uint64_t a, uint64_t b, uint64_t c, uint64_t got,
                    uint32_t got_fl, uint64_t want, uint32_t want_fl) {
    if ((got != want || got_fl != want_fl) && ++failures <= 20)
      ADD_FAILURE() << what << "." << kRmNames[rm] << std::hex << " a=0x" << a << " b=0x" << b
                    << " c=0x" << c << ": got 0x" << got << " flags " << got_fl << ", want 0x"
                    << want << " flags " << want_fl;
  };
  for (int op = 0; op < 6; ++op) {
    for (int i = 0; i < 6000; ++i) {
      const bool random = i % 3 == 0;
      const uint64_t a = random ? rng() & 0xffff : edge_operand(kF16, rng);
      const uint64_t b = random ? rng() & 0xffff : edge_operand(kF16, rng);
      const uint64_t c = random ? rng() & 0xffff : edge_operand(kF16, rng);
      for (unsigned rm = 0; rm <= RMM; ++rm) {
        uint64_t want;
        uint32_t want_fl, got_fl;
        if (!reference(kF16, static_cast<Op>(op), a, b, c, rm, &want, &want_fl)) continue;
        const uint64_t got = run16(static_cast<Op>(op), a, b, c, rm, &got_fl);
        report(kOpNames[op], rm, a, b, c, got, got_fl, want, want_fl);
      }
    }
  }
  // fcvt.h.s / fcvt.h.d: around the half range (overflow, subnormals, ties).
  for (int i = 0; i < 40000; ++i) {
    const bool dbl = i % 2;
    const Format& f = dbl ? kF64 : kF32;
    uint64_t a = edge_operand(f, rng);
    const uint64_t e = static_cast<uint64_t>(f.bias) - 27 + rng() % 45;  // 2^-27 .. 2^17
    a = (a & (f.sign() | ((uint64_t{1} << f.mant) - 1))) | (e << f.mant);
    if (rng() % 4 == 0) a &= ~((uint64_t{1} << (f.mant - 12)) - 1);  // ties at half's precision
    Exact x;
    if (!decode(f, a, &x) || x.q == 0) continue;
    for (unsigned rm = 0; rm <= RMM; ++rm) {
      uint32_t want_fl = 0, got_fl = 0;
      const uint64_t want = round_value(kF16, rational(x.q), x.neg, rm, &want_fl);
      const uint64_t got = dbl ? f64_to_f16(a, rm, &got_fl) : f32_to_f16(static_cast<uint32_t>(a), rm, &got_fl);
      report(dbl ? "fcvt.h.d" : "fcvt.h.s", rm, a, 0, 0, got, got_fl, want, want_fl);
    }
  }
  // fcvt.h.l / fcvt.h.lu: 64-bit integers of every size.
  for (int i = 0; i < 20000; ++i) {
    const uint64_t v = rng() >> (rng() % 64);
    const bool uns = i % 2;
    const int64_t sv = static_cast<int64_t>(v);
    if (v == 0) continue;
    const bool neg = !uns && sv < 0;
    const mpz_class mag = neg ? mpz_class(-(mpz_class(static_cast<unsigned long>(v)) - (mpz_class(1) << 64)))
                              : mpz_class(static_cast<unsigned long>(v));
    for (unsigned rm = 0; rm <= RMM; ++rm) {
      uint32_t want_fl = 0, got_fl = 0;
      const uint64_t want = round_value(kF16, rational(mpq_class(mag)), neg, rm, &want_fl);
      const uint64_t got = int_to_f16(v, 64, uns, rm, &got_fl);
      report(uns ? "fcvt.h.lu" : "fcvt.h.l", rm, v, 0, 0, got, got_fl, want, want_fl);
    }
  }
  EXPECT_EQ(failures, 0);
}

}  // namespace
}  // namespace hart::fp
