// translator/backend_x86_vk.cpp — inline code for the vector crypto
// instructions frontend_v.cpp planned (VKind sha2, aes) on the host's
// SHA-NI and AES-NI. Semantics: interp_v_crypto.cpp (the oracle; every
// path here is checked against it by JitDifferential.VectorCryptoMatches-
// Interpreter and jit-diff-fuzz --mode crypto). An element group is
// 4 x 32 bits, one register: the groups of vd run in register order, each
// reading its sources before vd's register is written (the spec reserves
// the overlaps that would make this differ: SHA-2's vd with vs1/vs2, .vs's
// vd with vs2).
//   vl, vstart: vstart must be 0, vl a multiple of 4; groups below vl/4
//   run, the others (tail) keep their values. LMUL 1: vl = VLMAX (4) is
//   checked (once per block, as guard_full); LMUL > 1: vl % 4 = 0 and one
//   compare per group, unless the block already knows vl = VLMAX. Anything
//   else goes to the interpreter (which also raises the reserved cases).
//   SHA-256: x86's ABEF/CDGH operands are RISC-V's {a,b,e,f} (vs2) and
//   {c,d,g,h} (vd), element 3 first: vsha2cl is sha256rnds2 with vs1's
//   elements 0, 1 (W+K) in xmm0, vsha2ch with elements 2, 3 moved there.
//   vsha2ms: sha256msg1 (W0..3 + sigma0(W1..4)), + {W9, W10, W11, W12}
//   (palignr of vs2 and vs1), sha256msg2 (+ sigma1 of W14, W15, W16, W17).
//   AES: an element group's bytes are the state in FIPS-197 order, as
//   AES-NI's. vaesem/ef/df are aesenc/aesenclast/aesdeclast; vaesdm adds
//   the round key before InvMixColumns, aesdec after, so its key goes
//   through aesimc first (InvMixColumns is linear); vaesz is pxor;
//   vaeskf1/vaeskf2 take SubWord(RotWord(w3)) ^ rcon (or SubWord(w3)) from
//   aeskeygenassist and the running XOR of the previous key's words.
// Zvkt: AES-NI, SHA-NI and the rest run in time independent of their data,
// and no branch here depends on data.
// Owns: these x86 sequences. Does not own: which cases are inline
// (frontend_v.cpp), the checks' bookkeeping (backend_x86_v.cpp).
#include "translator/backend_x86_v.h"

namespace hart::x86be {

namespace {

// AES round constants by round (FIPS-197's Rcon[i] for i = 1..10).
constexpr uint8_t kRcon[10] = {0x01, 0x02, 0x04, 0x08, 0x10, 0x20, 0x40, 0x80, 0x1b, 0x36};

bool is_vs_form(Opcode op) {
  return op == Opcode::vaesdm_vs || op == Opcode::vaesdf_vs || op == Opcode::vaesem_vs ||
         op == Opcode::vaesef_vs || op == Opcode::vaesz_vs;
}

}  // namespace

void VecCode::crypto() {
  const unsigned n = p_.nregs;
  // LMUL > 1 with vl not known to be VLMAX: groups past vl/4 stay, so each
  // group is guarded at run time, and its result goes to CpuState only
  // (a cache slot's register would be stale where the group is skipped).
  const bool partial = n > 1 && !e_.vec_full_;
  if (partial) {
    guard_vstart();
    a_.mov(eax, state_mem(offsetof(CpuState, vl), 4));
    a_.test(eax, 3);
    a_.jnz(slow_);
  } else {
    guard_full();
  }
  // sha256rnds2 reads xmm0, an XMM temp register: a live value there waits
  // in xmm13 (the tail mask, recomputed when next needed).
  const bool rnds = d_.op == Opcode::vsha2ch_vv || d_.op == Opcode::vsha2cl_vv;
  const bool save0 = rnds && e_.xmm_owner_[0] != kNoTemp;
  if (save0) {
    a_.movaps(kTmask, xmm0);
    e_.vec_tmask_ok_ = false;
  }
  if (d_.op == Opcode::vaesdm_vs) {  // the one round key, through InvMixColumns once
    a_.emit(Inst::kIdAesimc, kY, vsrc(d_.rs2));
  }
  Label done = a_.newLabel();
  for (unsigned k = 0; k < n; ++k) {
    if (partial) {
      a_.cmp(eax, static_cast<int32_t>(4 * k));
      a_.jbe(done);
    }
    switch (p_.kind) {
      case VKind::sha2: sha2_group(k); break;
      default: aes_group(k); break;
    }
    // The group's result is in kX.
    if (partial) {
      a_.movdqu(vreg(d_.rd + k), kX);
      vinval(d_.rd + k);
    } else {
      vstore(d_.rd + k, kX);
    }
  }
  a_.bind(done);
  if (save0) a_.movaps(xmm0, kTmask);
}

void VecCode::sha2_group(unsigned k) {
  const unsigned vd = d_.rd + k, vs1 = d_.rs1 + k, vs2 = d_.rs2 + k;
  vload(kX, vd);
  if (d_.op == Opcode::vsha2ms_vv) {
    a_.emit(Inst::kIdSha256msg1, kX, vsrc(vs2));     // W[t] + sigma0(W[t+1]), t = 0..3
    vload(kY, vs1);
    a_.emit(Inst::kIdPalignr, kY, vsrc(vs2), Imm(4));  // W9, W10, W11 (vs2[1..3]), W12 (vs1[0])
    a_.paddd(kX, kY);
    a_.emit(Inst::kIdSha256msg2, kX, vsrc(vs1));     // + sigma1(W14, W15, W16, W17)
    return;
  }
  if (d_.op == Opcode::vsha2cl_vv) vload(xmm0, vs1);             // W+K: elements 0, 1
  else a_.emit(Inst::kIdPshufd, xmm0, vsrc(vs1), Imm(0x0e));     // elements 2, 3
  a_.emit(Inst::kIdSha256rnds2, kX, vsrc(vs2), xmm0);
}

void VecCode::aes_group(unsigned k) {
  const unsigned vd = d_.rd + k;
  const Opcode op = d_.op;
  if (op == Opcode::vaeskf1_vi || op == Opcode::vaeskf2_vi) {
    // The spec's round numbers: out of range ones have bit 3 flipped.
    unsigned rnd = static_cast<unsigned>(d_.imm) & 15;
    const bool kf1 = op == Opcode::vaeskf1_vi;
    if (kf1 ? (rnd > 10 || rnd == 0) : (rnd < 2 || rnd > 14)) rnd ^= 8;
    // kf1: next = prefix-XOR(vs2) ^ (SubWord(RotWord(vs2[3])) ^ rcon);
    // kf2: next = prefix-XOR(vd) ^ (odd: SubWord(vs2[3]); even: as kf1's).
    const bool odd = !kf1 && (rnd & 1);
    const uint8_t rc = kf1 ? kRcon[rnd - 1] : odd ? 0 : kRcon[rnd / 2 - 1];
    vload(kX, kf1 ? d_.rs2 + k : vd);
    a_.movaps(kY, kX);
    a_.pslldq(kY, 4);
    a_.pxor(kX, kY);
    a_.movaps(kY, kX);
    a_.pslldq(kY, 8);
    a_.pxor(kX, kY);
    a_.emit(Inst::kIdAeskeygenassist, kY, vsrc(d_.rs2 + k), Imm(rc));
    a_.pshufd(kY, kY, odd ? 0xaa : 0xff);
    a_.pxor(kX, kY);
    return;
  }
  vload(kX, vd);
  const bool vs = is_vs_form(op);
  const unsigned key = vs ? d_.rs2 : d_.rs2 + k;
  switch (op) {
    case Opcode::vaesem_vv: case Opcode::vaesem_vs: a_.emit(Inst::kIdAesenc, kX, vsrc(key)); break;
    case Opcode::vaesef_vv: case Opcode::vaesef_vs: a_.emit(Inst::kIdAesenclast, kX, vsrc(key)); break;
    case Opcode::vaesdf_vv: case Opcode::vaesdf_vs: a_.emit(Inst::kIdAesdeclast, kX, vsrc(key)); break;
    case Opcode::vaesz_vs: a_.emit(Inst::kIdPxor, kX, vsrc(key)); break;
    case Opcode::vaesdm_vv:
      a_.emit(Inst::kIdAesimc, kY, vsrc(key));
      a_.aesdec(kX, kY);
      break;
    default:  // vaesdm.vs: kY = InvMixColumns(key), from crypto()
      a_.aesdec(kX, kY);
      break;
  }
}

}  // namespace hart::x86be
