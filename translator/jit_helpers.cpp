// translator/jit_helpers.cpp — see jit_helpers.h. Writing MXCSR (ldmxcsr)
// is slow (tens of nanoseconds on some hosts), so it happens only when the
// value must change: the accrued fflags are CpuState::fflags | the flags in
// MXCSR, and MXCSR's flags are cleared only when fflags lost a bit they hold.
#include "translator/jit_helpers.h"

#include <xmmintrin.h>

#include "translator/fp_ops.h"
#include "translator/interp.h"

namespace hart {

uint32_t fflags_of_mxcsr(uint32_t m) { return fp::fp_fflags_from_mxcsr(m); }

uint32_t guest_mxcsr(uint32_t frm) {
  return fp::kMxcsrDefault | (frm <= RUP ? fp::fp_mxcsr_rc(frm) : 0);
}

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
