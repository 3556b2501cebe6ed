// translator/backend_x86_v.h — private to the x86-64 backend: VecCode, the
// emitter of one inline vector instruction (a `vec`/`vec_x` IR op that
// frontend_v.cpp planned), shared by backend_x86_v.cpp (V 1.0: loads,
// stores, integer, FP, mask and permutation ops, the checks and the
// register cache) and backend_x86_vk.cpp (the vector crypto ops on the
// host's AES-NI, SHA-NI and PCLMULQDQ).
// Owns: the class and the few constants both files use.
#pragma once

#include <cstddef>

#include "core/vtype.h"
#include "translator/backend_x86_emitter.h"
#include "translator/frontend_v.h"

namespace hart::x86be {

inline const Xmm kX = xmm14, kY = xmm15, kTmask = xmm13;

inline Mem vreg(unsigned r, uint32_t size = 16) {
  return state_mem(offsetof(CpuState, v) + static_cast<size_t>(r) * kVlenb, size);
}

inline unsigned sew_index(unsigned sew) { return static_cast<unsigned>(__builtin_ctz(sew / 8)); }

class VecCode {
 public:
  VecCode(Emitter& e, const IrInsn& i, const DecodedInsn& d, const VPlan& p, uint64_t vtype, const Label& slow)
      : e_(e), a_(e.a_), i_(i), d_(d), p_(p), vtype_(vtype), slow_(slow) {}

  void emit();
  const Label& slow() const { return slow_; }
  bool vm() const { return (d_.expanded >> 25) & 1; }

 private:
  // The IR op's scalar operand (x[rs1], f[rs1]'s bits or 0) into rax.
  void scalar_to_rax() {
    Operand s = e_.gp_src(i_.a, rax);
    if (!(s.isReg() && s.as<Gp>().id() == Gp::kIdAx)) a_.emit(Inst::kIdMov, rax, s);
  }
  // The scalar operand into rax as an address: to slow_ unless it is below
  // mem_limit with its `bytes` bytes in one guest page.
  void address_in_one_page(unsigned bytes) {
    scalar_to_rax();
    a_.cmp(rax, state_mem(offsetof(CpuState, mem_limit)));
    a_.jae(slow_);
    a_.mov(ecx, eax);
    a_.and_(ecx, 4095);
    a_.cmp(ecx, static_cast<int32_t>(4096 - bytes));
    a_.ja(slow_);
  }
  // Guest vector register r through the cache (write-through: vcache_xmm).
  Xmm cached(unsigned r) const { return Xmm(xmm(static_cast<uint32_t>(vcache_xmm(e_.vcache_[r])))); }
  bool is_cached(unsigned r) const { return e_.vcache_[r] >= 0; }
  void touch(unsigned r) { e_.vcache_used_[e_.vcache_[r]] = ++e_.vcache_clock_; }
  // A register's value changed in CpuState other than through vstore(r, x).
  void vinval(unsigned r, unsigned n = 1) {
    for (unsigned k = r; k < r + n && k < 32; ++k)
      if (e_.vcache_[k] >= 0) {
        e_.vcache_reg_[e_.vcache_[k]] = -1;
        e_.vcache_[k] = -1;
      }
  }
  // The used bytes of guest register r into x (from its cached copy if any).
  void vload(const Xmm& x, unsigned r) {
    if (!is_cached(r)) {
      vload(x, vreg(r));
      return;
    }
    touch(r);
    if (p_.bytes == 16) a_.movaps(x, cached(r));
    else a_.movq(x, cached(r));  // 8 bytes (4: the rest is never used)
  }
  // x's used bytes into guest register r; a whole register is cached too.
  void vstore(unsigned r, const Xmm& x) {
    vstore(vreg(r), x);
    if (p_.bytes != 16) {
      vinval(r);
      return;
    }
    if (!is_cached(r)) {
      int slot = 0;
      for (int k = 1; k < e_.vcache_slots_; ++k)
        if (e_.vcache_reg_[k] < 0 ? e_.vcache_reg_[slot] >= 0 || e_.vcache_used_[k] < e_.vcache_used_[slot]
                                  : e_.vcache_reg_[slot] >= 0 && e_.vcache_used_[k] < e_.vcache_used_[slot])
          slot = k;
      if (e_.vcache_reg_[slot] >= 0) e_.vcache_[e_.vcache_reg_[slot]] = -1;
      e_.vcache_reg_[slot] = static_cast<int8_t>(r);
      e_.vcache_[r] = static_cast<int8_t>(slot);
    }
    touch(r);
    a_.movaps(cached(r), x);
  }
  // The used bytes of a register (p_.bytes: 16, or 8/4 for fractional LMUL).
  void vload(const Xmm& x, const Mem& m) {
    Mem mm = m;
    if (p_.bytes == 16) { mm.setSize(16); a_.movdqu(x, mm); }
    else if (p_.bytes == 8) { mm.setSize(8); a_.movq(x, mm); }
    else { mm.setSize(4); a_.movd(x, mm); }
  }
  void vstore(const Mem& m, const Xmm& x) {
    Mem mm = m;
    if (p_.bytes == 16) { mm.setSize(16); a_.movdqu(mm, x); }
    else if (p_.bytes == 8) { mm.setSize(8); a_.movq(mm, x); }
    else { mm.setSize(4); a_.movd(mm, x); }
  }
  // rax (low SEW bits) in every element of x.
  void broadcast(const Xmm& x) { broadcast(x, p_.sew); }
  void broadcast(const Xmm& x, unsigned sew) {
    a_.movq(x, rax);
    switch (sew) {
      case 8: a_.punpcklbw(x, x); [[fallthrough]];
      case 16: a_.pshuflw(x, x, 0); [[fallthrough]];
      case 32: a_.pshufd(x, x, 0); break;
      default: a_.punpcklqdq(x, x); break;
    }
  }
  // The scalar operand of a .vx/.vi/.vf form in rax.
  void scalar_operand() {
    if (p_.src == VSrc::vi) {
      a_.mov(rax, d_.imm);
    } else if (p_.src == VSrc::vf) {
      scalar_to_rax();
      if (p_.sew == 32) {  // not NaN-boxed: the canonical NaN; leave that to the interpreter
        a_.mov(rcx, rax);
        a_.shr(rcx, 32);
        a_.cmp(ecx, -1);
        a_.jne(slow_);
      }
    } else {
      scalar_to_rax();
    }
  }
  // Second operand of element op k into y: vs1's register k or the scalar
  // in rax broadcast.
  void operand(const Xmm& y, unsigned k) {
    if (p_.src == VSrc::vv) vload(y, d_.rs1 + k);
    else broadcast(y);
  }
  // vl = VLMAX and vstart = 0, unless this block's code established it
  // since the last call_interp (a failed check leaves the block).
  void guard_full() {
    if (!e_.vec_full_ && p_.tail_ok) {
      guard_tail();
      return;
    }
    if (!e_.vec_full_) {
      a_.cmp(state_mem(offsetof(CpuState, vl)), static_cast<int32_t>(v::vlmax(p_.sew, p_.lmul)));
      a_.jne(slow_);
    }
    guard_vstart();
    e_.vec_full_ = true;
  }
  void guard_vstart() {
    if (!e_.vec_vstart0_ && !e_.vec_full_) {
      a_.cmp(state_mem(offsetof(CpuState, vstart)), 0);
      a_.jne(slow_);
    }
    e_.vec_vstart0_ = true;
  }
  void setvl();
  void guard_tail();
  void expand_v0(const Xmm& x, unsigned k = 0);
  // The element-wise result res for guest register r (one-register kinds):
  // masked-off elements and, in tail mode, elements past vl keep vd's old
  // values; other is a scratch register.
  void put(unsigned r, const Xmm& res, const Xmm& other) {
    if (p_.masked) {
      expand_v0(other);
      if (tail_) a_.pand(other, kTmask);
      blend_old(r, res, other);
    } else if (tail_) {
      blend_old(r, res, kTmask);
    }
    vstore(r, res);
  }
  // res = old ^ ((old ^ res) & m), old from CpuState (exact: write-through).
  void blend_old(unsigned r, const Xmm& res, const Xmm& m) {
    a_.pxor(res, vreg(r));
    a_.pand(res, m);
    a_.pxor(res, vreg(r));
  }
  void widen();
  void narrow();
  void vl_bits(const Gp& dst);
  unsigned mask_bytes() const;
  void load_mask(const Gp& dst, unsigned r);
  void mscan();
  void mlogic();
  void ired();
  void store_elem0();
  void mem(bool store);
  void mem_any_vl(bool store);
  void bload();
  void int_op(unsigned k);
  void mul(const Xmm& x, const Xmm& y);
  void rotate();
  void imacc(unsigned k);
  void icmp();
  void store_mask();
  void fp_second(const Xmm& y);
  void fcmp();
  void fminmax();
  void fcvt();
  void fp(bool fma);
  void nan_check(const Xmm& r, const Xmm& tmp);
  // backend_x86_vk.cpp: the vector crypto kinds (sha2, aes, ghash) and
  // Zvbc's carry-less products (register k of an ibin clmul/clmulh: vs2's
  // in x, the second operand in y; the result in x).
  void crypto();
  void sha512();
  void sha512_group();
  void sha2_group(unsigned k);
  void aes_group(unsigned k);
  void ghash_group(unsigned k);
  void clmul(unsigned k, const Xmm& x, const Xmm& y);
  // Guest register r as a source operand: its cached copy, else CpuState.
  Operand vsrc(unsigned r) {
    if (!is_cached(r)) return vreg(r);
    touch(r);
    return cached(r);
  }
  InstId int_inst(VIop o) const;

  Emitter& e_;
  Assembler& a_;
  const IrInsn& i_;
  bool tail_ = false;  // vl may be below VLMAX: results blend with xmm13
  const DecodedInsn& d_;
  const VPlan& p_;
  uint64_t vtype_;
  const Label& slow_;
};

}  // namespace hart::x86be
