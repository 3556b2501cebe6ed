// translator/jit_helpers.cpp — see jit_helpers.h. Writing MXCSR (ldmxcsr)
// is slow (tens of nanoseconds on some hosts), so it happens only when the
// value must change: the accrued fflags are CpuState::fflags | the flags in
// MXCSR, and MXCSR's flags are cleared only when fflags lost a bit they hold.
#include "translator/jit_helpers.h"

#include <xmmintrin.h>

#include "translator/fp_ops.h"
#include "translator/interp.h"
#include "translator/interp_v.h"
#include "translator/ir.h"

namespace hart {

uint32_t fflags_of_mxcsr(uint32_t m) { return fp::fp_fflags_from_mxcsr(m); }

uint32_t guest_mxcsr(uint32_t frm) {
  return fp::kMxcsrDefault | (frm <= RUP ? fp::fp_mxcsr_rc(frm) : 0);
}

uint64_t jit_fcvt_to_int(CpuState* s, uint64_t bits, uint32_t aux) {
  unsigned rm = ir_fcvt_rm(static_cast<uint8_t>(aux));
  if (rm == DYN) rm = s->frm;
  const int width = (aux & kFcvtLong) ? 64 : 32;
  const bool uns = aux & kFcvtUnsigned;
  uint32_t fl = 0;
  uint64_t r = (aux & kFcvtSingle) ? fp::f32_to_int(static_cast<uint32_t>(bits), width, uns, rm, &fl)
                                   : fp::f64_to_int(bits, width, uns, rm, &fl);
  s->fflags |= fl;
  return r;
}

uint64_t jit_fminmax(CpuState* s, uint64_t a, uint64_t b, uint32_t aux) {
  uint32_t fl = 0;
  uint64_t r;
  if (aux & 1) {
    uint32_t a32 = static_cast<uint32_t>(a), b32 = static_cast<uint32_t>(b);
    r = fp::box32((aux & 2) ? fp::f32_max(a32, b32, &fl) : fp::f32_min(a32, b32, &fl));
  } else {
    r = (aux & 2) ? fp::f64_max(a, b, &fl) : fp::f64_min(a, b, &fl);
  }
  s->fflags |= fl;
  return r;
}

void jit_vsha2(CpuState* s, const DecodedInsn* d) { v::sha2_run(*s, *d, 64); }

void jit_call_interp(CpuState* s, const DecodedInsn* d) {
  uint32_t m = _mm_getcsr();
  s->fflags |= fp::fp_fflags_from_mxcsr(m);
  uint32_t old_frm = s->frm;
  interp_step(*s, *d);
  uint32_t want = m;
  if (fp::fp_fflags_from_mxcsr(m) & ~s->fflags) want &= ~fp::kMxcsrFlagMask;  // fflags written
  if (s->frm != old_frm) want = (want & ~fp::kMxcsrRcMask) | (guest_mxcsr(s->frm) & fp::kMxcsrRcMask);
  if (want != m) _mm_setcsr(want);
}

}  // namespace hart
