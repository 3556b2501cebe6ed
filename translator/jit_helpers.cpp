// translator/jit_helpers.cpp — see jit_helpers.h.
#include "translator/jit_helpers.h"

#include <xmmintrin.h>

#include "translator/interp.h"

namespace hart {

namespace {
// MXCSR: flags IE=0x01 DE=0x02 ZE=0x04 OE=0x08 UE=0x10 PE=0x20; masks 0x1f80;
// rounding control bits 13-14: 00 nearest, 01 down, 10 up, 11 toward zero.
constexpr uint32_t kMxcsrFlags = 0x3f;
constexpr uint32_t kMxcsrMasked = 0x1f80;
constexpr uint32_t kMxcsrRc = 0x6000;
}  // namespace

uint32_t fflags_of_mxcsr(uint32_t m) {
  uint32_t f = 0;
  if (m & 0x01) f |= NV;
  if (m & 0x04) f |= DZ;
  if (m & 0x08) f |= OF;
  if (m & 0x10) f |= UF;
  if (m & 0x20) f |= NX;
  return f;  // DE (denormal operand) has no RISC-V counterpart
}

uint32_t guest_mxcsr(uint32_t frm) {
  static const uint32_t rc[4] = {0x0000 /*RNE*/, 0x6000 /*RTZ*/, 0x2000 /*RDN*/, 0x4000 /*RUP*/};
  return kMxcsrMasked | (frm < 4 ? rc[frm] : 0);
}

void jit_call_interp(CpuState* s, const DecodedInsn* d) {
  uint32_t m = _mm_getcsr();
  s->fflags |= fflags_of_mxcsr(m);
  _mm_setcsr(m & ~kMxcsrFlags);
  interp_step(*s, *d);
  _mm_setcsr((m & ~(kMxcsrFlags | kMxcsrRc)) | (guest_mxcsr(s->frm) & kMxcsrRc));
}

}  // namespace hart
