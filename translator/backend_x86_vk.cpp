// translator/backend_x86_vk.cpp — inline code for the vector crypto
// instructions frontend_v.cpp planned (VKind sha2, aes, ghash, sha512) and Zvbc's
// carry-less products, on the host's SHA-NI, AES-NI and PCLMULQDQ.
// Semantics: interp_v_crypto.cpp (the oracle; every path here is checked
// against it by the JitDifferential crypto tests and jit-diff-fuzz --mode
// crypto). An element group is 4 x 32 bits, one register: the groups of
// vd run in register order, each reading its sources before vd's register
// is written (the spec reserves the overlaps that would make this differ:
// SHA-2's vd with vs1/vs2, .vs's vd with vs2).
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
//   SHA-512 (SEW 64, two registers a group): no host instruction; one
//   group (LMUL 2, vl = VLMAX) in general registers with BMI1/BMI2
//   (sha512_group), else a direct call of the interpreter's SHA-2 code
//   (jit_vsha2).
//   GHASH (Zvkg): values are brev8'd (pshufb on nibbles) into plain
//   polynomial order, multiplied with four pclmulqdq and reduced modulo
//   x^128 + x^7 + x^2 + x + 1 with three more, then brev8'd back.
// Zvkt: AES-NI, SHA-NI, PCLMULQDQ, pshufb and the rest run in time
// independent of their data, and no branch here depends on data.
// Owns: these x86 sequences. Does not own: which cases are inline
// (frontend_v.cpp), the checks' bookkeeping (backend_x86_v.cpp).
#include "translator/backend_x86_v.h"

#include "translator/jit_helpers.h"

namespace hart::x86be {

namespace {

// GHASH constants: nibble mask, brev4(n) << 4 and brev4(n) by nibble (the
// two halves of brev8), and the reduction polynomial's low part (0x87).
struct GhashConsts {
  alignas(16) uint8_t nib[16];
  alignas(16) uint8_t rev_lo[16];
  alignas(16) uint8_t rev_hi[16];
  alignas(16) uint64_t poly[2] = {0x87, 0};
  GhashConsts() {
    for (unsigned n = 0; n < 16; ++n) {
      const unsigned r = ((n & 1) << 3) | ((n & 2) << 1) | ((n & 4) >> 1) | ((n & 8) >> 3);
      nib[n] = 0x0f;
      rev_lo[n] = static_cast<uint8_t>(r << 4);
      rev_hi[n] = static_cast<uint8_t>(r);
    }
  }
};
const GhashConsts kGhash;

// AES round constants by round (FIPS-197's Rcon[i] for i = 1..10).
constexpr uint8_t kRcon[10] = {0x01, 0x02, 0x04, 0x08, 0x10, 0x20, 0x40, 0x80, 0x1b, 0x36};

bool is_vs_form(Opcode op) {
  return op == Opcode::vaesdm_vs || op == Opcode::vaesdf_vs || op == Opcode::vaesem_vs ||
         op == Opcode::vaesef_vs || op == Opcode::vaesz_vs;
}

}  // namespace

// vclmul/vclmulh at SEW 64, one register: x = vs2's, y = vs1's (or the
// scalar in both lanes). Element 0's product from x.lo * y.lo, element 1's
// from y.hi * vs2.hi (CpuState is exact: write-through); low or high
// halves interleaved into x.
void VecCode::clmul(unsigned k, const Xmm& x, const Xmm& y) {
  a_.pclmulqdq(x, y, 0x00);
  a_.pclmulqdq(y, vreg(d_.rs2 + k), 0x11);
  if (p_.op == VIop::clmul) a_.punpcklqdq(x, y);
  else a_.punpckhqdq(x, y);
}

// SHA-512 (SEW 64): no host instruction; the interpreter's code is called
// directly (jit_vsha2: no decode, no dispatch) once vstart = 0 and vl % 4
// = 0 hold. The call saves the temps' registers but not xmm10-13: the
// register cache and the tail mask are dropped.
void VecCode::sha512() {
  guard_vstart();
  if (!e_.vec_full_) {
    a_.test(state_mem(offsetof(CpuState, vl), 1), 3);
    a_.jnz(slow_);
  }
  // LMUL 2 with vl = VLMAX (4): one element group, in general registers.
  if (p_.nregs == 2 && e_.vec_full_ && e_.opt_.host_bmi1 && e_.opt_.host_bmi2) {
    sha512_group();
    return;
  }
  a_.mov(rcx, reinterpret_cast<uint64_t>(&d_));
  e_.emit_cold_call_saved(reinterpret_cast<uint64_t>(&jit_vsha2));
  vinval(0, 32);
  e_.vec_tmask_ok_ = false;
}

// One SHA-512 element group (4 x 64 bits: vd, vs1, vs2 are register
// pairs, contiguous in CpuState) computed in rax, rcx, rdx (the insn's
// scratch) and rsi, rdi, r11 (pushed around it), with BMI1's andn and
// BMI2's rorx; no call, and the register cache keeps every register but
// vd's pair. Element order as interp_v_crypto.cpp's sha_group: vs2 =
// {f, e, b, a}, vd = {h, g, d, c} (element 0 first); vsha2ms's vd =
// W[0..3], vs2 = {W4, W9, W10, W11}, vs1 = {W12, W13, W14, W15}.
void VecCode::sha512_group() {
  auto el = [](unsigned r, unsigned k) { return vreg(r, 8).cloneAdjusted(static_cast<int32_t>(8 * k)); };
  const unsigned vd = d_.rd, vs1 = d_.rs1, vs2 = d_.rs2;
  a_.push(rsi);
  a_.push(rdi);
  a_.push(r11);
  // out = ror(x, r1) ^ ror(x, r2) ^ (x >> r3) of x in rax (rax and tmp
  // clobbered): SHA-512's sigma0/sigma1.
  auto small_sigma = [&](const Gp& out, const Gp& tmp, int r1, int r2, int r3) {
    a_.rorx(out, rax, r1);
    a_.rorx(tmp, rax, r2);
    a_.xor_(out, tmp);
    a_.shr(rax, r3);
    a_.xor_(out, rax);
  };
  // out = ror(x, r1) ^ ror(x, r2) ^ ror(x, r3) of x in rax (rax clobbered,
  // no other register): ror(x ^ ror(x, r2 - r1) ^ ror(x, r3 - r1), r1).
  auto big_sigma = [&](const Gp& out, int r1, int r2, int r3) {
    a_.rorx(out, rax, r2 - r1);
    a_.xor_(out, rax);
    a_.rorx(rax, rax, r3 - r1);
    a_.xor_(out, rax);
    a_.rorx(out, out, r1);
  };
  // out = Ch(e, f, g) = (e & f) ^ (~e & g); tmp clobbered (it may be f).
  auto ch = [&](const Gp& out, const Gp& e, const Operand& f, const Operand& g, const Gp& tmp) {
    a_.mov(out, e);
    a_.emit(Inst::kIdAnd, out, f);
    a_.emit(Inst::kIdAndn, tmp, e, g);
    a_.xor_(out, tmp);
  };
  // out = Maj(x, y, z) = ((x ^ y) & z) ^ (x & y); tmp clobbered (it may be x).
  auto maj = [&](const Gp& out, const Gp& x, const Operand& y, const Operand& z, const Gp& tmp) {
    a_.mov(out, x);
    a_.emit(Inst::kIdXor, out, y);
    a_.emit(Inst::kIdAnd, out, z);
    if (tmp != x) a_.mov(tmp, x);
    a_.emit(Inst::kIdAnd, tmp, y);
    a_.xor_(out, tmp);
  };
  if (d_.op == Opcode::vsha2ms_vv) {
    // W16..W19, each stored over the W[0..3] word only it reads.
    struct Word {
      Gp out;
      const Gp* s1_from;  // sigma1's operand: a word computed here, or
      unsigned s1_reg, s1_el;  // (nullptr) this element
      unsigned add_reg, add_el, w_el, s0_reg, s0_el;
    };
    // W[t] = sigma1(W[t-2]) + W[t-7] + sigma0(W[t-15]) + W[t-16]
    const Word words[4] = {
        {rsi, nullptr, vs1, 2, vs2, 1, 0, vd, 1},  // W16: sigma1(W14) + W9 + sigma0(W1) + W0
        {rdi, nullptr, vs1, 3, vs2, 2, 1, vd, 2},  // W17: sigma1(W15) + W10 + sigma0(W2) + W1
        {r11, &rsi, 0, 0, vs2, 3, 2, vd, 3},       // W18: sigma1(W16) + W11 + sigma0(W3) + W2
        {rdx, &rdi, 0, 0, vs1, 0, 3, vs2, 0},      // W19: sigma1(W17) + W12 + sigma0(W4) + W3
    };
    for (const Word& w : words) {
      const Gp tmp = w.out == rdx ? r11 : rdx;  // (r11's W18 is stored by then)
      if (w.s1_from) a_.mov(rax, *w.s1_from);
      else a_.mov(rax, el(w.s1_reg, w.s1_el));
      small_sigma(rcx, tmp, 19, 61, 6);
      a_.add(rcx, el(w.add_reg, w.add_el));
      a_.add(rcx, el(vd, w.w_el));
      a_.mov(w.out, rcx);
      a_.mov(rax, el(w.s0_reg, w.s0_el));
      small_sigma(rcx, tmp, 1, 8, 7);
      a_.add(w.out, rcx);
      a_.mov(el(vd, w.w_el), w.out);  // (W[t-16] is read by this word only)
    }
  } else {
    // Two rounds: T1 = h + S1(e) + Ch(e, f, g) + m, T2 = S0(a) + Maj(a, b, c),
    // e' = d + T1, a' = T1 + T2; the second round's h, g, f are g, f, e and
    // its c, b are b, a. vd = {e1, e2, a1, a2}.
    const unsigned w = d_.op == Opcode::vsha2ch_vv ? 2 : 0;
    const Mem a = el(vs2, 3), b = el(vs2, 2), e = el(vs2, 1), f = el(vs2, 0);
    const Mem c = el(vd, 3), d = el(vd, 2), g = el(vd, 1), h = el(vd, 0);
    // Round 1: e in rsi, a in rdi, T1 in rcx, T2 in r11; then e1 in rdx, a1 in r11.
    a_.mov(rsi, e);
    a_.mov(rax, rsi);
    big_sigma(rcx, 14, 18, 41);  // S1(e)
    a_.add(rcx, h);
    a_.add(rcx, el(vs1, w));
    ch(rdx, rsi, f, g, rax);
    a_.add(rcx, rdx);      // T1
    a_.mov(rdi, a);
    a_.mov(rax, rdi);
    big_sigma(r11, 28, 34, 39);  // S0(a)
    maj(rdx, rdi, b, c, rax);
    a_.add(r11, rdx);      // T2
    a_.mov(rdx, d);
    a_.add(rdx, rcx);      // e1
    a_.add(rcx, r11);      // a1
    a_.mov(r11, rcx);      // a1 in r11
    // Round 2: e1 (rdx), e (rsi), f; a1 (r11), a (rdi), b.
    a_.mov(rax, rdx);
    big_sigma(rcx, 14, 18, 41);  // S1(e1)
    a_.add(rcx, g);
    a_.add(rcx, el(vs1, w + 1));
    ch(rax, rdx, rsi, f, rsi);  // (e is read no more)
    a_.add(rcx, rax);      // T1'
    a_.mov(el(vd, 0), rdx);  // e1 (h is read no more)
    a_.mov(rdx, c);
    a_.add(rdx, rcx);      // e2 = c + T1'
    a_.mov(el(vd, 1), rdx);  // (g is read no more)
    a_.mov(rax, r11);
    big_sigma(rsi, 28, 34, 39);  // S0(a1)
    maj(rdx, rdi, r11, b, rdi);  // (a is read no more)
    a_.add(rsi, rdx);      // T2'
    a_.add(rcx, rsi);      // a2
    a_.mov(el(vd, 2), r11);
    a_.mov(el(vd, 3), rcx);
  }
  a_.pop(r11);
  a_.pop(rdi);
  a_.pop(rsi);
  vinval(vd, 2);
}

void VecCode::crypto() {
  if (p_.kind == VKind::sha512) {
    sha512();
    return;
  }
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
  // in xmm13 (the tail mask, recomputed when next needed). GHASH uses
  // xmm13 as a third scratch register.
  const bool rnds = d_.op == Opcode::vsha2ch_vv || d_.op == Opcode::vsha2cl_vv;
  const bool save0 = rnds && e_.xmm_owner_[0] != kNoTemp;
  if (save0) a_.movaps(kTmask, xmm0);
  if (save0 || p_.kind == VKind::ghash) e_.vec_tmask_ok_ = false;  // xmm13 changes
  if (p_.kind == VKind::ghash) a_.mov(rcx, reinterpret_cast<uint64_t>(&kGhash));
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
      case VKind::aes: aes_group(k); break;
      default: ghash_group(k); break;
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

// brev8 of every byte of x (t, r: scratch; rcx = &kGhash).
static void brev8(Assembler& a, const Xmm& x, const Xmm& t, const Xmm& r) {
  a.movaps(t, x);
  a.psrlw(t, 4);
  a.pand(t, ptr(rcx, offsetof(GhashConsts, nib), 16));
  a.pand(x, ptr(rcx, offsetof(GhashConsts, nib), 16));
  a.movaps(r, ptr(rcx, offsetof(GhashConsts, rev_lo), 16));
  a.pshufb(r, x);  // the low nibbles reversed, as high nibbles
  a.movaps(x, ptr(rcx, offsetof(GhashConsts, rev_hi), 16));
  a.pshufb(x, t);  // the high nibbles reversed, as low nibbles
  a.por(x, r);
}

// vghsh: vd = ((vd ^ vs1) * vs2), vgmul: vd = vd * vs2, in GF(2^128) with
// GCM's bit order (brev8'd bytes). A = brev8(vd [^ vs1]) and B = brev8(vs2)
// wait in CpuState::vscratch; the product's halves in xmm13 (low) and kY
// (high); result in kX.
void VecCode::ghash_group(unsigned k) {
  const Mem sa = state_mem(offsetof(CpuState, vscratch), 16);
  const Mem sb = state_mem(offsetof(CpuState, vscratch) + 16, 16);
  const Mem poly = ptr(rcx, offsetof(GhashConsts, poly), 16);
  const Xmm lo = kTmask, hi = kY;
  vload(kX, d_.rd + k);
  if (d_.op == Opcode::vghsh_vv) a_.emit(Inst::kIdPxor, kX, vsrc(d_.rs1 + k));
  brev8(a_, kX, kY, lo);
  a_.movaps(sa, kX);
  vload(kX, d_.rs2 + k);
  brev8(a_, kX, kY, lo);
  a_.movaps(sb, kX);
  // Middle terms B.hi*A.lo ^ B.lo*A.hi (kX = B).
  a_.movaps(kY, kX);
  a_.pclmulqdq(kY, sa, 0x01);
  a_.pclmulqdq(kX, sa, 0x10);
  a_.pxor(kX, kY);
  a_.movaps(lo, sb);
  a_.pclmulqdq(lo, sa, 0x00);
  a_.movaps(hi, sb);
  a_.pclmulqdq(hi, sa, 0x11);
  a_.movaps(sa, kX);  // the middle terms, shifted into both halves
  a_.pslldq(kX, 8);
  a_.pxor(lo, kX);
  a_.movaps(kX, sa);
  a_.psrldq(kX, 8);
  a_.pxor(hi, kX);
  // hi * x^128 = hi * (x^7 + x^2 + x + 1): hi.lo * 0x87 fits 128 bits;
  // hi.hi * 0x87 is shifted up by 64, and its bits past 128 (7 of them)
  // are multiplied by 0x87 once more.
  a_.movaps(kX, hi);
  a_.pclmulqdq(kX, poly, 0x00);
  a_.pxor(lo, kX);
  a_.pclmulqdq(hi, poly, 0x01);
  a_.movaps(kX, hi);
  a_.pslldq(kX, 8);
  a_.pxor(lo, kX);
  a_.psrldq(hi, 8);
  a_.pclmulqdq(hi, poly, 0x00);
  a_.pxor(lo, hi);
  brev8(a_, lo, kX, kY);
  a_.movaps(kX, lo);
}

}  // namespace hart::x86be
