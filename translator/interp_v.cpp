// translator/interp_v.cpp — V 1.0 in the reference interpreter: the entry
// point (interp_step_v), vsetvli/vsetivli/vsetvl with the spec's vl rules,
// the vector CSRs, and the checks common to all vector instructions
// (V turned off by prctl, vill, register-group alignment). The element
// semantics are in interp_v_mem.cpp (loads/stores), interp_v_int.cpp
// (integer and fixed-point), interp_v_fp.cpp (floating point) and
// interp_v_perm.cpp (masks, reductions, permutations), interp_v_crypto.cpp
// (Zvkned, Zvknh, Zvkg); interp_v.h has the
// policies (tail/mask undisturbed, vstart).
//
// vsetvl rules (spec "Configuration-Setting Instructions"): AVL is x[rs1]
// when rs1 != x0; rs1 = x0 with rd != x0 asks for VLMAX; rs1 = rd = x0
// keeps the current vl (as AVL). vl = min(AVL, VLMAX) (the spec allows
// ceil(AVL/2) for VLMAX < AVL < 2*VLMAX; like qemu we always take the
// minimum). An unsupported vtype — reserved bits, vlmul 4, SEW > ELEN, or
// a fractional LMUL with SEW > LMUL*ELEN — sets vtype to vill alone and vl
// to 0. Every vsetvl sets vstart to 0.
//
// CSRs: vstart 0x008 (rw), vxsat 0x009 (rw, 1 bit), vxrm 0x00A (rw, 2
// bits), vcsr 0x00F (vxrm<<1 | vxsat), vl 0xC20, vtype 0xC21, vlenb 0xC22
// (read-only: writing them is an illegal instruction).
#include "translator/interp_v.h"

#include "translator/interp.h"

namespace hart {

using namespace v;

namespace {

void do_vsetvl(CpuState& s, const DecodedInsn& d) {
  uint64_t vt, avl;
  if (d.op == Opcode::vsetivli) {
    vt = static_cast<uint64_t>(d.imm);
    avl = d.rs1;
  } else {
    vt = d.op == Opcode::vsetvli ? static_cast<uint64_t>(d.imm) : s.x[d.rs2];
    avl = d.rs1 ? s.x[d.rs1] : d.rd ? ~uint64_t{0} : s.vl;
  }
  set_vtype_vl(s, vt, avl);
  if (d.rd) s.x[d.rd] = s.vl;
}

bool illegal(CpuState& s, const DecodedInsn& d) {
  s.exit_reason = ExitReason::IllegalInsn;
  s.insn_bits = d.bits;
  return true;
}

// Whole-register loads/stores and moves ignore vtype (and work while vill
// is set; qemu agrees for the moves).
bool ignores_vtype(Opcode op) {
  if (op == Opcode::vmv1r_v || op == Opcode::vmv2r_v || op == Opcode::vmv4r_v || op == Opcode::vmv8r_v) return true;
  const uint32_t m = insn_info(op).match;
  const uint32_t major = m & 0x7f;
  return (major == 0x07 || major == 0x27) && ((m >> 20) & 0x1f) == 8 && ((m >> 26) & 3) == 0 &&
         (insn_info(op).mask & 0xe0000000u);
}

}  // namespace

bool vcsr_read(CpuState& s, uint32_t csr, uint64_t* v) {
  switch (csr) {
    case 0x008: *v = s.vstart; break;
    case 0x009: *v = s.vxsat; break;
    case 0x00a: *v = s.vxrm; break;
    case 0x00f: *v = s.vxrm << 1 | s.vxsat; break;
    case 0xc20: *v = s.vl; break;
    case 0xc21: *v = s.vtype; break;
    case 0xc22: *v = kVlenb; break;
    default: return false;
  }
  if (s.v_disabled) return false;
  s.vs = 3;
  return true;
}

bool vcsr_write(CpuState& s, uint32_t csr, uint64_t v) {
  if (s.v_disabled) return false;
  switch (csr) {
    case 0x008: s.vstart = v & (kVlen - 1); return true;  // holds any element index
    case 0x009: s.vxsat = v & 1; return true;
    case 0x00a: s.vxrm = v & 3; return true;
    case 0x00f: s.vxrm = (v >> 1) & 3; s.vxsat = v & 1; return true;
    default: return false;  // vl, vtype, vlenb are read-only
  }
}

bool vector_mem_access(const CpuState& s, const DecodedInsn& d, MemAccess* out) {
  const uint32_t major = d.expanded & 0x7f;
  if (s.v_disabled || (major != 0x07 && major != 0x27)) return false;
  const Vtype t = vtype_of(s.vtype);
  if (t.vill && !ignores_vtype(d.op)) return false;
  // VInsn holds a mutable state for the executing paths; mem_ranges only reads it.
  VInsn c{const_cast<CpuState&>(s), d, t.sew, t.lmul, s.vl, s.vstart, ((d.expanded >> 25) & 1) != 0,
          d.rd, d.rs1, d.rs2};
  return mem_ranges(c, out);
}

void interp_step_v(CpuState& s, const DecodedInsn& d) {
  if (s.v_disabled) {
    illegal(s, d);
    return;
  }
  s.vs = 3;
  if (d.op == Opcode::vsetvli || d.op == Opcode::vsetivli || d.op == Opcode::vsetvl) {
    do_vsetvl(s, d);
    return;
  }
  const Vtype t = vtype_of(s.vtype);
  if (t.vill && !ignores_vtype(d.op)) {
    illegal(s, d);
    return;
  }
  const uint32_t w = d.expanded;
  VInsn c{s, d, t.sew, t.lmul, s.vl, s.vstart, ((w >> 25) & 1) != 0, d.rd, d.rs1, d.rs2};
  const uint32_t major = w & 0x7f;
  bool done = (major == 0x07 || major == 0x27) ? step_mem(c) : (step_int(c) || step_fp(c) || step_perm(c) || step_crypto(c));
  if (!done) {
    illegal(s, d);
    return;
  }
  if (s.exit_reason == ExitReason::None) s.vstart = 0;
}

}  // namespace hart
