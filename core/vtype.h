// core/vtype.h — the V 1.0 vtype CSR: its fields, VLMAX, which values the
// hart supports, and setting vtype/vl as vsetvl does. Shared by the
// interpreter (translator/interp_v*.cpp) and the Linux layer (restoring the
// vector context of a signal frame goes through the same rules, as the
// kernel restores it with vsetvl). Does not own: AVL selection from the
// instruction's operands (translator/interp_v.cpp).
#pragma once

#include <cstdint>

#include "core/cpu_state.h"

namespace hart::v {

struct Vtype {
  unsigned sew;   // 8..64 bits (larger values are unsupported)
  int lmul;       // log2(LMUL): -3..3 (vlmul 4 is reserved)
  bool vill;
};
inline Vtype vtype_of(uint64_t vt) {
  Vtype t;
  t.vill = vt & kVtypeVill;
  t.sew = 8u << ((vt >> 3) & 7);
  unsigned l = vt & 7;
  t.lmul = l < 4 ? static_cast<int>(l) : static_cast<int>(l) - 8;
  return t;
}
// VLMAX = LMUL * VLEN / SEW (fractional LMUL included).
inline uint64_t vlmax(unsigned sew, int lmul) {
  return lmul >= 0 ? (uint64_t{kVlen} / sew) << lmul : (uint64_t{kVlen} / sew) >> -lmul;
}
// Supported: no reserved bit (8..XLEN-1, vill included), vlmul != 4,
// SEW <= ELEN, and SEW <= LMUL * ELEN for fractional LMUL.
inline bool vtype_supported(uint64_t vt) {
  const Vtype t = vtype_of(vt);
  return (vt >> 8) == 0 && (vt & 7) != 4 && t.sew <= kElen && !(t.lmul < 0 && t.sew > (kElen >> -t.lmul));
}
// vsetvl's effect on the CSRs for a given AVL: vl = min(AVL, VLMAX); an
// unsupported vtype sets vill alone and vl = 0. vstart becomes 0.
inline void set_vtype_vl(CpuState& s, uint64_t vt, uint64_t avl) {
  if (!vtype_supported(vt)) {
    s.vtype = kVtypeVill;
    s.vl = 0;
  } else {
    const Vtype t = vtype_of(vt);
    const uint64_t max = vlmax(t.sew, t.lmul);
    s.vtype = vt;
    s.vl = avl < max ? avl : max;
  }
  s.vstart = 0;
}

}  // namespace hart::v
