// tests/unit/translator/jit_diff.h — the differential machine shared by the
// CTest differential test and the jit-diff-fuzz target: a random instruction
// stream run through the JIT (frontend, passes, x86 backend, chaining) and
// through the reference interpreter must leave identical registers, fflags
// and memory. Streams are built by rejection sampling of random 32- and
// 16-bit words against the decoder, so every encoding of the covered opcodes
// is reachable, and of table opcodes with random operand fields (so that
// opcodes with many fixed bits, like clz or rev8, come up as often as add); loads and stores use x31, a2 or s0 (all pointing into a
// data page and never written) as base, directly or through an address
// computed just before (make_pair), as do cbo.* and the AMOs (Zabha's and
// Zacas' included; amocas.q only with even register pairs); forward
// branches and jumps are mixed in
// (see make_stream). frm is random in 0..4, so
// dynamic-rounding FP ops run inline on the host FPU (RNE/RTZ/RDN/RUP) and
// through the interpreter (RMM), and static modes through the helper.
// CaseOptions make two more kinds of case: streams without branches (blocks
// of up to kMaxBlockInsns with far more live values than the backend has
// host registers: spills, values dropped to their guest register's slot),
// and streams whose memory accesses fault in the middle of blocks — past
// the end of the data page (host fault, pinned registers recovered from the
// signal context) and past the address-space limit (the range check, or the
// guard after the reservation when an earlier access of the block checked
// the same base).
// Vector (V 1.0): each case has a random supported vtype (any SEW, LMUL
// mf8..m8), a random starting vl <= VLMAX, random vector registers and
// vxrm. Vector instructions come in at a quarter of their sampling rate
// (they are most of the table), often with register fields that are
// multiples of 8; a candidate is kept only if the interpreter finds it
// legal for the case's vtype (a probe with vl = 0, so no element runs);
// vsetvli/vsetivli keep the case's vtype (their immediate is replaced) and
// change vl through random AVLs; no vsetvl, no vector crypto (OP-VE); some
// csrr reads of vl/vtype/vlenb. Vector loads/stores use a base
// register, strided ones a small stride (x9..x11, x13..x15). v0..v31, vl,
// vtype, vstart, vxrm and vxsat are compared. CaseOptions::pmlen runs a
// case with Supm pointer masking and tagged base registers.
// CaseOptions::loop makes the stream (integer instructions, no branches)
// the body of a loop that runs 1..6 times, one block that branches back to
// its own start (the backend's self-loop blocks: guest registers resident
// in host registers across iterations, backend_x86_loop.cpp): a counter
// (x30) and a walker (x29) the body never writes; the loop's tail stores
// through the walker (at one or two displacements, before or after its
// addi: an induction base, checked once before the loop) and advances it
// (by 64, or for a quarter of them by x28, which the body does not write),
// so that after a random number of
// iterations it runs off the data page (a host fault) or, in fault cases,
// past the address-space limit (the range check or the guard); a third of
// the walkers go down instead (off the data page's start, or in fault
// cases, with page 0 mapped, past address 0 into the guard below the
// reservation), and in fault cases some start past the limit (the check
// before the loop fails); all with the body's registers resident and
// written. Half of the loops also have a
// conditional branch out of the loop before the back edge, which the
// frontend turns into a side exit (exit_if) of one superblock.
// CaseOptions::if_shapes adds if-conversion shapes (frontend.cpp): a
// conditional branch forward over 0..5 plain integer instructions (5 is one
// too many to convert), or a third of the time an if-then-else diamond of
// two such runs (the first ending in a j over the second), whose
// destinations are often the branch's own
// sources, x0, or the previous instruction's destination, and whose sources
// often chain on it; small registers and x0 as branch operands, so both
// sides are taken (in loops, differently from one iteration to the next).
#pragma once

#include <signal.h>
#include <sys/mman.h>
#include <ucontext.h>

#include <algorithm>
#include <atomic>
#include <cmath>
#include <cstring>
#include <memory>
#include <random>
#include <sstream>
#include <string>
#include <vector>

#include "core/address_space.h"
#include "core/tb_cache.h"
#include "core/vtype.h"
#include "core/vcpu.h"
#include "translator/decode.h"
#include "translator/disas.h"
#include "translator/fp_ops.h"
#include "translator/interp.h"
#include "translator/jit.h"

namespace hart::diff {

constexpr uint64_t kCode = 0x10000, kData = 0x200000, kDataSize = 0x4000;
// Base registers for memory ops, all pointing at the data page and never
// written: x31 (kept in CpuState), a2 and s0 (pinned in host registers).
constexpr unsigned kBases[] = {31, 12, 8};
constexpr unsigned kBase = 31;
inline bool is_base(unsigned r) { return r == 31 || r == 12 || r == 8; }

inline bool allowed_vector(const DecodedInsn& d) {
  const uint32_t major = d.expanded & 0x7f;
  if (d.op == Opcode::vsetvl) return false;
  // The vector crypto rows (OP-VE) are illegal unless vl is a multiple of
  // 4, which the streams' vsetvli do not keep (vcrypto tests them).
  if (major == 0x77) return false;
  if (d.op == Opcode::vsetvli || d.op == Opcode::vsetivli) return !is_base(d.rd);
  if (major == 0x07 || major == 0x27) {
    const unsigned mop = (d.expanded >> 26) & 3;
    return is_base(d.rs1) && (mop != 2 || d.rs2 == 0 || (d.rs2 >= 9 && d.rs2 <= 15 && d.rs2 != 12));
  }
  const InsnFormat f = d.info().format;
  if (f == InsnFormat::XV && !(d.info().flags & kFd)) return !is_base(d.rd);  // writes x[rd]
  return true;
}

inline bool allowed(const DecodedInsn& d) {
  if (d.op == Opcode::illegal) return false;
  const InsnInfo& in = d.info();
  if (in.flags & kVector) return allowed_vector(d);
  if (in.flags & (kEndsTb | kSystem)) return false;  // control flow is added separately
  if ((in.flags & kAmo) && !is_base(d.rs1)) return false;  // aligned: the data page
  if (d.op == Opcode::fence) return true;
  // cbo.*: a block of the data page (cbo.inval is always illegal in user mode)
  if (d.op == Opcode::cbo_inval) return false;
  if ((d.op == Opcode::cbo_zero || d.op == Opcode::cbo_clean || d.op == Opcode::cbo_flush) &&
      !is_base(d.rs1))
    return false;
  // amocas.q: even register pairs (odd is reserved), the base registers
  // never written through rd+1
  if (d.op == Opcode::amocas_q && ((d.rd & 1) || (d.rs2 & 1) || is_base(d.rd + 1u))) return false;
  bool writes_x = !(in.flags & kFd) && in.format != InsnFormat::S && in.format != InsnFormat::B;
  if (writes_x && is_base(d.rd)) return false;
  if (in.flags & (kLoad | kStore)) {
    if (!is_base(d.rs1)) return false;
    if (d.imm < 0) return false;  // stay inside the data page
  }
  return true;
}

// A load/store through a freshly computed address: addi rT, base, k then an
// access at off(rT), so the address lives in a register-allocated temp.
// For loads into an integer register rX, often wrapped as
//   mv rY, rX ; addi rT, base, k ; lX rX, off(rT) ; add rY, rY, rX
// so the old value of rX is still needed while the load overwrites it (the
// pattern of tests/guest/regalloc_load_base.S). A quarter of the pairs
// index the base with a zero-extended word instead, add.uw, sh1add.uw or
// sh2add.uw rT, rI, base (add.uw: a wide index, the backend checks only the
// base, the guard after the limit takes the rest), in loops (`loop`): rI is
// mostly x30 (the counter, 1..6), else any register (mostly far off:
// faults in the guard or unmapped). Returns the word count.
inline int make_pair(std::mt19937_64& rng, uint32_t out[4], bool loop = false) {
  uint32_t w = static_cast<uint32_t>(rng()) | 3;
  DecodedInsn d = decode(w);
  if (d.op == Opcode::illegal || !(d.info().flags & (kLoad | kStore)) || (d.info().flags & kAmo))
    return 0;
  unsigned rt = 1 + rng() % 31;
  if (is_base(rt) || rt == 2) return 0;
  unsigned base = kBases[rng() % 3];
  uint32_t k = static_cast<uint32_t>(rng() % 256) * 8, off = static_cast<uint32_t>(rng() % 64) * 8;
  out[0] = 0x13 | rt << 7 | base << 15 | k << 20;  // addi rt, base, k
  if (loop && rng() % 4 == 0) {
    static const uint32_t kUw[][2] = {{0x04, 0}, {0x10, 2}, {0x10, 4}};  // add.uw, sh1add.uw, sh2add.uw
    const auto& f = kUw[rng() % 3];
    const uint32_t ri = rng() % 4 ? 30u : static_cast<uint32_t>(rng() % 32);
    out[0] = 0x3b | rt << 7 | f[1] << 12 | ri << 15 | base << 20 | f[0] << 25;
  }
  w &= ~(0x1fu << 15);
  w |= rt << 15;
  if (d.info().flags & kLoad) {
    if (!(d.info().flags & kFd) && is_base(d.rd)) return 0;
    w = (w & 0x000fffffu) | off << 20;
  } else {
    w = (w & 0x01fff07fu) | (off & 0x1f) << 7 | (off >> 5) << 25;
  }
  out[1] = w;
  d = decode(w);
  unsigned ry = 1 + rng() % 31;
  if ((d.info().flags & kLoad) && !(d.info().flags & kFd) && d.rd != 0 && ry != d.rd && ry != rt &&
      ry != 2 && !is_base(ry) && rng() % 2) {
    out[3] = 0x33 | ry << 7 | ry << 15 | static_cast<uint32_t>(d.rd) << 20;  // add ry, ry, rx
    out[2] = out[1];
    out[1] = out[0];
    out[0] = 0x13 | ry << 7 | static_cast<uint32_t>(d.rd) << 15;  // mv ry, rx
    return 4;
  }
  return 2;
}

// CaseOptions::words: the integer code of ARX ciphers and hashes — W ops
// (addw, slliw, rorw, mulw, divw...), 64-bit ops and compares mixed in,
// sext.w/zext.w, compares of words, word, half, byte and doubleword
// stores, a few loads — on seven registers, so most values are
// overwritten within the block and only some reach a guest register or
// memory: ir_narrow drops the sign
// extensions of the others, and any reader that needs the upper half must
// still see it. Rotates also as GCC writes them without Zbb (slliw,
// srliw, or), which ir_propagate turns into rotrw. The stream runs 1..3
// times (x30 counts; blocks chain to each other from the second round on).
// With few_mem, on 24 registers (more live values than host registers), blocks without any
// memory access (the backend's r14 joins the temp pool,
// Emitter::plan_mem_free) chain to blocks with some.
inline uint32_t make_word_insn(std::mt19937_64& rng, uint32_t out[3], bool few_mem = false) {
  static const unsigned kRegs[] = {10, 11, 13, 14, 15, 16, 17, 1, 5, 6, 7, 9, 18, 19, 20,
                                   21, 22, 23, 24, 25, 26, 27, 28, 29};  // (x30 counts the rounds)
  auto reg = [&] { return kRegs[rng() % (few_mem ? 24 : 7)]; };
  auto r_type = [](uint32_t f7, uint32_t f3, uint32_t op, unsigned rd, unsigned rs1, unsigned rs2) {
    return f7 << 25 | rs2 << 20 | rs1 << 15 | f3 << 12 | rd << 7 | op;
  };
  auto i_type = [](uint32_t imm, uint32_t f3, uint32_t op, unsigned rd, unsigned rs1) {
    return (imm & 0xfff) << 20 | rs1 << 15 | f3 << 12 | rd << 7 | op;
  };
  const unsigned rd = reg(), rs1 = reg(), rs2 = reg();
  unsigned kind = static_cast<unsigned>(rng() % 13);
  if (few_mem && (kind == 9 || kind == 10 || kind == 12) && rng() % 16) kind = 4;
  switch (kind) {
    case 0: case 1: {  // OP-32: addw subw sllw srlw sraw mulw divw divuw remw remuw rolw rorw add.uw
      static const uint32_t k[][2] = {{0, 0}, {0x20, 0}, {0, 1}, {0, 5}, {0x20, 5}, {1, 0}, {1, 4},
                                      {1, 5}, {1, 6}, {1, 7}, {0x30, 1}, {0x30, 5}, {4, 0}};
      const auto& f = k[rng() % 13];
      out[0] = r_type(f[0], f[1], 0x3b, rd, rs1, rs2);
      return 1;
    }
    case 2: case 3: {  // OP-IMM-32: addiw slliw srliw sraiw roriw, sext.w
      const uint32_t sh = static_cast<uint32_t>(rng() % 32);
      switch (rng() % 6) {
        case 0: out[0] = i_type(static_cast<uint32_t>(rng()), 0, 0x1b, rd, rs1); break;
        case 1: out[0] = i_type(sh, 1, 0x1b, rd, rs1); break;
        case 2: out[0] = i_type(sh, 5, 0x1b, rd, rs1); break;
        case 3: out[0] = i_type(0x400 | sh, 5, 0x1b, rd, rs1); break;
        case 4: out[0] = i_type(0x600 | sh, 5, 0x1b, rd, rs1); break;
        default: out[0] = i_type(0, 0, 0x1b, rd, rs1); break;
      }
      return 1;
    }
    case 4: case 5: {  // OP: add sub sll slt sltu xor srl sra or and mul, andn
      static const uint32_t k[][2] = {{0, 0}, {0x20, 0}, {0, 1}, {0, 2}, {0, 3}, {0, 4},
                                      {0, 5}, {0x20, 5}, {0, 6}, {0, 7}, {1, 0}, {0x20, 7}};
      const auto& f = k[rng() % 12];
      out[0] = r_type(f[0], f[1], 0x33, rd, rs1, rs2);
      return 1;
    }
    case 6: {  // OP-IMM: addi slti sltiu xori ori andi slli srli srai, sext.b/h, zext.h
      const uint32_t f3 = static_cast<uint32_t>(rng() % 8), sh = static_cast<uint32_t>(rng() % 64);
      if (f3 == 1) out[0] = i_type(rng() % 4 ? sh : 0x604 | static_cast<uint32_t>(rng() % 2), 1, 0x13, rd, rs1);
      else if (f3 == 5) out[0] = i_type((rng() % 2 ? 0x400 : 0) | sh, 5, 0x13, rd, rs1);
      else out[0] = i_type(static_cast<uint32_t>(rng()), f3, 0x13, rd, rs1);
      if (rng() % 8 == 0) out[0] = r_type(4, 4, 0x3b, rd, rs1, 0);  // zext.h
      return 1;
    }
    case 7: {  // zext.w as GCC writes it without Zba: slli 32, srli 32,
      // often of an and/or/xor/add/addw just computed; or a zero-extended
      // word scaled by 2^(32-c), often added to another register (an
      // unsigned int array index); the slli's register may be another,
      // which keeps its value (ir_zext_shifts, gzip's hash-chain walk)
      const uint32_t c = rng() % 2 ? 32 : 1 + static_cast<uint32_t>(rng() % 31);
      const unsigned t = rng() % 3 == 0 && rs2 != rd ? rs2 : rd;
      if (c == 32 && rng() % 2) {
        static const uint32_t kLogic[] = {4, 6, 7, 0, 0};  // xor, or, and, add, addw (bzip2's zext of a sum)
        const unsigned op = static_cast<unsigned>(rng() % 5);
        out[0] = r_type(0, kLogic[op], op == 4 ? 0x3b : 0x33, rd, rs1, rs2);
        out[1] = i_type(32, 1, 0x13, t, rd);
        out[2] = i_type(32, 5, 0x13, rd, t);
        return 3;
      }
      out[0] = i_type(32, 1, 0x13, t, rs1);
      out[1] = i_type(c, 5, 0x13, rd, t);
      if (c == 32 || rng() % 2) return 2;
      out[2] = r_type(0, 0, 0x33, rd, rd, rs1);  // add rd, rd, rs1
      return 3;
    }
    case 8: {  // a rotate without Zbb: slliw t, x, k; srliw u, x, 32-k; or/xor t, t, u
      if (rng() % 3 == 0) {  // or a field: srli/srliw t, x, k; andi rd, t, 2^w - 1 (ir_rotate_fields)
        const bool word = rng() % 2;
        const uint32_t w = 1 + static_cast<uint32_t>(rng() % 11), k = static_cast<uint32_t>(rng() % (word ? 32 : 64));
        const unsigned t = rng() % 2 ? rd : rs2;
        out[0] = i_type(k, 5, word ? 0x1b : 0x13, t, rs1);
        out[1] = i_type((1u << w) - 1, 7, 0x13, rd, t);
        return 2;
      }
      const uint32_t k = 1 + static_cast<uint32_t>(rng() % 31);
      const unsigned t = rd, u = rs2 != rd ? rs2 : (rd == 10 ? 11 : 10);
      out[0] = i_type(k, 1, 0x1b, t, rs1);
      out[1] = i_type(32 - k, 5, 0x1b, u, rs1);
      out[2] = r_type(0, rng() % 2 ? 6 : 4, 0x33, t, t, u);
      return 3;
    }
    case 11: {  // a compare of a word: addw/subw u, x, y; slt/sltu u, u, z; addw u, u, w
      out[0] = r_type(rng() % 2 ? 0x20 : 0, 0, 0x3b, rd, rs1, rs2);
      out[1] = r_type(0, rng() % 2 ? 2 : 3, 0x33, rd, rd, reg());
      out[2] = r_type(0, 0, 0x3b, rd, rd, reg());
      return 3;
    }
    case 9: case 10: {  // sb sh sw sd rs2, off(s0)
      const uint32_t off = static_cast<uint32_t>(rng() % 256) & ~7u, f3 = static_cast<uint32_t>(rng() % 4);
      out[0] = (off >> 5) << 25 | rs2 << 20 | 8u << 15 | f3 << 12 | (off & 31) << 7 | 0x23;
      return 1;
    }
    default: {  // lb lh lw ld lbu lhu lwu rd, off(s0)
      static const uint32_t kF3[] = {0, 1, 2, 3, 4, 5, 6};
      out[0] = i_type(static_cast<uint32_t>(rng() % 256) & ~7u, kF3[rng() % 7], 0x03, rd, 8);
      return 1;
    }
  }
}

// The loop case's counter, walker and outer counter (CaseOptions::loop,
// multi_exit): never written by the body.
constexpr unsigned kLoopCounter = 30, kLoopWalker = 29, kLoopOuter = 28;

inline bool writes_x(const DecodedInsn& d, unsigned r) {
  const InsnInfo& in = d.info();
  return !(in.flags & kFd) && in.format != InsnFormat::S && in.format != InsnFormat::B && d.rd == r;
}
inline bool writes_loop_reg(const DecodedInsn& d) {
  return writes_x(d, kLoopCounter) || writes_x(d, kLoopWalker) || writes_x(d, kLoopOuter);
}

struct Machine {
  std::unique_ptr<AddressSpace> as;
  std::unique_ptr<TbCache> cache;
  GuestLog log;
  std::unique_ptr<Vcpu> vcpu;
  explicit Machine(Executor& ex) {
    std::string err;
    as = AddressSpace::create(kGuestVaMax, &err);
    cache = std::make_unique<TbCache>(ex);
    vcpu = std::make_unique<Vcpu>(*as, *cache, ex, log);
    as->map(kCode, 0x10000, PROT_READ | PROT_EXEC, kMapFixed, -1, 0, "");
    as->map(kData, kDataSize, PROT_READ | PROT_WRITE, kMapFixed, -1, 0, "");
  }
};

struct CaseOptions {
  bool branches = true;  // forward branches and jumps in the stream
  bool faults = false;   // bases near the end of the data page and of the address space
  bool vector = false;   // mostly vector instructions (see make_vector_word)
  // Supm: both sides run with this PMLEN (CpuState::pmlen: the JIT's
  // masking translations, the interpreter's helpers) and the base
  // registers carry random tags in their top pmlen bits.
  unsigned pmlen = 0;
  bool loop = false;     // the stream is the body of a self-loop (see the top of this file)
  bool multi_exit = false;  // with loop: up to kMaxSideExits side exits to three targets (make_stream)
  bool walk_down = false;   // with loop: the walker goes down (set by run_case from the seed)
  bool if_shapes = false;  // short forward branches over plain integer runs (see the top of this file)
  // With if_shapes: most shapes branch on a compare computed just before
  // (andi/and/xor/xori/sub/slt/sltu/slti/sltiu into t0..t2, branch on it
  // against x0) whose register is written again after the join, so that
  // only the selects read the compare (ir_fuse_compares: cmp/test + cmov);
  // the runs often write the compare's own sources.
  bool fused_conds = false;
  // With loop: the stream starts with `li x30, N` (N = 1..6) and the back
  // edge goes to the instruction after it, so the translator knows the trip
  // count and unrolls the loop into the first block (KnownRegs, frontend.cpp).
  bool const_trip = false;
  // With loop: the tail ends in two conditional branches back to the start
  // with 0..4 pure instructions between them (frontend.cpp's back_shape:
  // GCC 15's `bCC1 head; run; bCC2 head`), both on random registers, after
  // a side exit `beq x30, x0` that bounds the rounds (the counter counts
  // down once a round whichever branch goes back).
  bool back_diamond = false;
  // With loop: table lookups (make_lookup) a fifth of the time.
  bool lookups = false;
  bool words = false;    // 32-bit word arithmetic on a few registers (make_word_insn)
  bool few_mem = false;  // words: loads and stores 16 times rarer (blocks of pure ALU code)
  bool crypto = false;   // vector crypto streams (make_crypto_word)
  bool crypto_reserved = false;  // with crypto: reserved cases too (set per case by run_case_body)
  // With loop: a third of the body writes three "sink" registers (t0, a4,
  // a7; not the bases: is_base) with shifts, logic, adds and moves of other registers, which the
  // rest of the body reads only now and then: values the backend may
  // rematerialise instead of storing (backend_x86_remat.cpp).
  bool remat = false;
  // With loop (set by run_case from the seed, for a third of the loops that
  // neither unroll nor have several exits): the counter is a word (addiw),
  // and for half of those the back edge is blt x28, x30 with x28 0, -1,
  // -2, or (a fifth) 2^32, which is no sign-extended word.
  bool word_counter = false, outer_cmp = false;
  // The JIT side runs while another thread kicks this one (KickTarget):
  // each kick raises its exit request and calls vcpu_kicked, as hartd's
  // kick signal does, and the run goes on after each stop, so stops at
  // any point (code that does not read the request: a poisoned memory base)
  // must leave state from which it ends as the interpreter does.
  bool kicks = false;
};

// The vCPU kicks go to (CaseOptions::kicks) and how many of them poisoned
// the memory base.
inline std::atomic<CpuState*> g_kick_target{nullptr};
inline std::atomic<uint64_t> g_kicks_poisoned{0};
inline void on_diff_kick(int, siginfo_t*, void* ucv) {
  CpuState* s = g_kick_target.load(std::memory_order_acquire);
  if (!s) return;
  s->exit_request.store(1, std::memory_order_release);
  vcpu_kicked(ucv);
  const auto* uc = static_cast<const ucontext_t*>(ucv);
  if (static_cast<uint64_t>(uc->uc_mcontext.gregs[REG_R14]) == kPoisonedMemBase)
    g_kicks_poisoned.fetch_add(1, std::memory_order_relaxed);
}
// The signal kicks use (SIGUSR2), with on_diff_kick as its handler.
inline void install_diff_kick() {
  struct sigaction sa {};
  sa.sa_sigaction = on_diff_kick;
  sa.sa_flags = SA_SIGINFO | SA_RESTART;
  sigemptyset(&sa.sa_mask);
  sigaction(SIGUSR2, &sa, nullptr);
}
// In fault cases: s0 points 128 bytes before the end of the data page, a2
// 128 bytes before the end of the address space (its last page is mapped
// too), so displacements past 128 fault; both are pinned registers, which
// compressed loads and stores use as bases too (small displacements, so a
// block often checks the base in range first and faults later).
constexpr uint64_t kTopPage = kGuestVaMax - 0x1000;

struct Result {
  bool ok = true;
  std::string what;  // the first difference
  bool fault = false;  // both ended in the same memory fault
  bool illegal = false;  // both ended at the same reserved encoding (crypto cases)
  FaultKind fault_kind = FaultKind::Unmapped;
};

// B-type and J-type encodings for the control flow the generator adds.
inline uint32_t enc_branch(uint32_t f3, unsigned rs1, unsigned rs2, int32_t off) {
  uint32_t u = static_cast<uint32_t>(off);
  return 0x63 | ((u >> 11) & 1) << 7 | ((u >> 1) & 0xf) << 8 | f3 << 12 | rs1 << 15 | rs2 << 20 |
         ((u >> 5) & 0x3f) << 25 | ((u >> 12) & 1) << 31;
}
inline uint32_t enc_jal0(int32_t off) {
  uint32_t u = static_cast<uint32_t>(off);
  return 0x6f | ((u >> 12) & 0xff) << 12 | ((u >> 11) & 1) << 20 | ((u >> 1) & 0x3ff) << 21 |
         ((u >> 20) & 1) << 31;
}

// A plain integer instruction for an if-conversion run (CaseOptions::
// if_shapes): one of these opcodes with random fields, rd from `dests` or
// random, rs1/rs2 often `chain` (the previous destination); 0 if the
// candidate is rejected (the caller draws again).
inline uint32_t make_if_insn(std::mt19937_64& rng, const unsigned dests[3], unsigned chain) {
  static const Opcode kOps[] = {
      Opcode::addi, Opcode::slti, Opcode::sltiu, Opcode::xori, Opcode::ori, Opcode::andi, Opcode::slli,
      Opcode::srli, Opcode::srai, Opcode::addiw, Opcode::slliw, Opcode::srliw, Opcode::sraiw, Opcode::add,
      Opcode::sub, Opcode::sll, Opcode::slt, Opcode::sltu, Opcode::xor_, Opcode::srl, Opcode::sra,
      Opcode::or_, Opcode::and_, Opcode::addw, Opcode::subw, Opcode::sllw, Opcode::srlw, Opcode::sraw,
      Opcode::mul, Opcode::mulh, Opcode::mulhu, Opcode::mulw, Opcode::lui, Opcode::auipc, Opcode::sh2add,
      Opcode::andn, Opcode::max, Opcode::minu, Opcode::rori, Opcode::rolw, Opcode::cpop, Opcode::sext_b,
      Opcode::czero_eqz, Opcode::czero_nez, Opcode::bseti, Opcode::bext};
  if (rng() % 6 == 0) {  // a compressed one (c.addi, c.mv, c.add, c.slli, c.li...)
    const uint32_t w = static_cast<uint32_t>(rng()) & 0xffff;
    const DecodedInsn d = decode(w);
    for (Opcode op : kOps)
      if (d.len == 2 && d.op == op && allowed(d)) return w;
    return 0;
  }
  const Opcode op = kOps[rng() % (sizeof kOps / sizeof kOps[0])];
  const InsnInfo& in = insn_info(op);
  uint32_t w = (static_cast<uint32_t>(rng()) & ~in.mask) | in.match;
  const unsigned pick = static_cast<unsigned>(rng() % 4);
  const unsigned rd = pick < 3 ? dests[pick] : static_cast<unsigned>(rng() % 32);
  w = (w & ~(0x1fu << 7)) | rd << 7;
  if (rng() % 2) w = (w & ~(0x1fu << 15)) | chain << 15;
  if (rng() % 3 == 0) w = (w & ~(0x1fu << 20)) | chain << 20;
  const DecodedInsn d = decode(w);
  if (d.op != op || !allowed(d)) return 0;
  return w;
}

// Vector cases (CaseOptions::vector): the JIT's inline fast paths
// (translator/frontend_v.h) run for instructions whose vtype a vsetvli
// earlier in the same block fixed, with vl = VLMAX, vstart = 0 and no mask
// (else they take the interpreter's path). So about one instruction in six
// is a vsetvli/vsetivli with the case's vtype and an AVL that usually gives
// VLMAX (rs1 = x0, rd != x0, or a large immediate/register), and the rest
// are vector instructions (masked about one time in eight, rows that fix
// vm such as vmerge keeping theirs; register fields often multiples of 8,
// and vs1/vs2 often equal to vd), chosen from the table's vector rows,
// half of the time from the fast-pathed ones (widening and narrowing
// included: vwmul/vwmacc at SEW 32 on pmul(u)dq, vmul/vmacc at SEW 64).
inline uint32_t make_vector_word(std::mt19937_64& rng, uint64_t vtype) {
  static const Opcode kFast[] = {
      Opcode::vle8_v, Opcode::vle16_v, Opcode::vle32_v, Opcode::vle64_v, Opcode::vse8_v, Opcode::vse16_v,
      Opcode::vse32_v, Opcode::vse64_v, Opcode::vlse8_v, Opcode::vlse16_v, Opcode::vlse32_v, Opcode::vlse64_v,
      Opcode::vadd_vv, Opcode::vadd_vx, Opcode::vadd_vi, Opcode::vsub_vv,
      Opcode::vsub_vx, Opcode::vrsub_vx, Opcode::vrsub_vi, Opcode::vand_vv, Opcode::vor_vx, Opcode::vxor_vi,
      Opcode::vsll_vi, Opcode::vsll_vx, Opcode::vsrl_vi, Opcode::vsrl_vx, Opcode::vsra_vi, Opcode::vsra_vx,
      Opcode::vmul_vv, Opcode::vmul_vx, Opcode::vmulh_vv, Opcode::vmulh_vx, Opcode::vmulhu_vv,
      Opcode::vmulhu_vx, Opcode::vminu_vv, Opcode::vmin_vx, Opcode::vmaxu_vx, Opcode::vmax_vv,
      Opcode::vmacc_vv, Opcode::vmacc_vx, Opcode::vnmsac_vv, Opcode::vmadd_vv, Opcode::vnmsub_vx,
      Opcode::vmseq_vv, Opcode::vmsne_vi, Opcode::vmsltu_vv, Opcode::vmslt_vx, Opcode::vmsleu_vi,
      Opcode::vmsle_vv, Opcode::vmsgtu_vx, Opcode::vmsgt_vi, Opcode::vmv_v_v, Opcode::vmv_v_x,
      Opcode::vmv_v_i, Opcode::vmv1r_v, Opcode::vmv2r_v, Opcode::vmv4r_v, Opcode::vid_v, Opcode::vmv_x_s,
      Opcode::vmv_s_x, Opcode::vfmv_f_s, Opcode::vfmv_v_f, Opcode::vredsum_vs, Opcode::vfadd_vv,
      Opcode::vfadd_vf, Opcode::vfsub_vv, Opcode::vfrsub_vf, Opcode::vfmul_vv, Opcode::vfmul_vf,
      Opcode::vfdiv_vv, Opcode::vfdiv_vf, Opcode::vfrdiv_vf, Opcode::vmfeq_vv, Opcode::vmfeq_vf,
      Opcode::vmfne_vv, Opcode::vmfne_vf, Opcode::vmflt_vv, Opcode::vmflt_vf, Opcode::vmfle_vv,
      Opcode::vmfle_vf, Opcode::vmfgt_vf, Opcode::vmfge_vf, Opcode::vfmin_vv, Opcode::vfmin_vf,
      Opcode::vfmax_vv, Opcode::vfmax_vf, Opcode::vfcvt_f_x_v, Opcode::vfcvt_x_f_v, Opcode::vfcvt_rtz_x_f_v,
      Opcode::vfmacc_vv, Opcode::vfmacc_vf, Opcode::vfnmacc_vv, Opcode::vfmsac_vf, Opcode::vfnmsac_vv,
      Opcode::vfmadd_vv, Opcode::vfnmadd_vf, Opcode::vfmsub_vv, Opcode::vfnmsub_vf,
      Opcode::vle8ff_v, Opcode::vle16ff_v, Opcode::vle32ff_v, Opcode::vle64ff_v, Opcode::vfirst_m,
      Opcode::vcpop_m, Opcode::vmand_mm, Opcode::vmnand_mm, Opcode::vmandn_mm, Opcode::vmxor_mm,
      Opcode::vmor_mm, Opcode::vmnor_mm, Opcode::vmorn_mm, Opcode::vmxnor_mm, Opcode::vredand_vs,
      Opcode::vredor_vs, Opcode::vredxor_vs, Opcode::vredminu_vs, Opcode::vredmin_vs, Opcode::vredmaxu_vs,
      Opcode::vredmax_vs, Opcode::vmerge_vvm, Opcode::vmerge_vxm, Opcode::vmerge_vim, Opcode::vandn_vv,
      Opcode::vandn_vx, Opcode::vrev8_v, Opcode::vror_vi, Opcode::vror_vx, Opcode::vrol_vx,
      Opcode::vwadd_vv, Opcode::vwaddu_vx, Opcode::vwsub_wv, Opcode::vwsubu_wx, Opcode::vwmul_vv,
      Opcode::vwmul_vx, Opcode::vwmulu_vv, Opcode::vwmulu_vx, Opcode::vwmacc_vv, Opcode::vwmacc_vx,
      Opcode::vwmaccu_vv, Opcode::vwmaccu_vx, Opcode::vnsrl_wi, Opcode::vnsra_wx, Opcode::vzext_vf2,
      Opcode::vsext_vf4};
  uint32_t w = static_cast<uint32_t>(rng());
  if (rng() % 6 == 0) {
    // vsetvli rd, rs1, vtype (rs1 = x0 or a register; mostly VLMAX) or vsetivli.
    const unsigned rd = 1 + rng() % 7 * 4, rs1 = rng() % 3 == 0 ? 16 + rng() % 16 : 0;
    if (rng() % 4 == 0)
      return 0xc0007057u | static_cast<uint32_t>(vtype) << 20 | static_cast<uint32_t>(rng() % 32) << 15 | rd << 7;
    return 0x00007057u | static_cast<uint32_t>(vtype) << 20 | rs1 << 15 | rd << 7;
  }
  const InsnInfo& in = rng() % 2 ? insn_info(kFast[rng() % (sizeof kFast / sizeof kFast[0])])
                                 : kInsnInfo[rng() % static_cast<unsigned>(Opcode::illegal)];
  w = (w & ~in.mask) | in.match;
  if (rng() % 8 && !(in.mask >> 25 & 1)) w |= 1u << 25;  // unmasked (vmerge, vadc...: their vm bit)
  if (rng() % 2) w &= ~(0x7u << 7 | 0x7u << 15 | 0x7u << 20);
  if (rng() % 4 == 0) w = (w & ~(0x1fu << 20)) | ((w >> 7) & 0x1f) << 20;  // vs2 = vd
  // Configuration rows keep the case's vtype (as in make_stream).
  const Opcode op = decode(w).op;
  if ((op == Opcode::vlse8_v || op == Opcode::vlse16_v || op == Opcode::vlse32_v || op == Opcode::vlse64_v) &&
      rng() % 2)
    w &= ~(0x1fu << 20);  // stride x0 (inline)
  if (((w & 0x7f) == 0x07 || (w & 0x7f) == 0x27) && rng() % 2)  // loads/stores: a base register
    w = (w & ~(0x1fu << 15)) | kBases[rng() % 3] << 15;
  if (op == Opcode::vsetvli) w = (w & ~(0x7ffu << 20)) | static_cast<uint32_t>(vtype) << 20;
  if (op == Opcode::vsetivli) w = (w & ~(0x3ffu << 20)) | static_cast<uint32_t>(vtype) << 20;
  return w;
}

// Vector crypto cases (CaseOptions::crypto): the vtype is SEW 32 at LMUL
// 1..8 (the element groups of Zvkned/Zvknha/Zvkg) or SEW 64 (Zvbc,
// SHA-512); vl starts at a multiple of 4. The stream: Zvkned/Zvknh/Zvkg/
// Zvbc instructions with random fields (three times in four vd, vs1 and vs2
// aligned to the register group, sometimes vs2 = vd, vaeskf* with any
// round number), vsetvli/vsetivli of the case's vtype (AVL a multiple of
// 4 up to 32, or VLMAX), csrwi vstart (0 or multiples of 4: the
// interpreter's partial runs), and a few inline vxor.vv, vle32.v and
// vse32.v around them (the register cache), and the Zvbb/Zvkb element ops
// (vrev8.v, vmerge.vvm, vandn, vror/vrol by scalar or immediate). A
// quarter of the cases also test the reserved cases: the vtype may be a
// reserved one (SEW 32 at LMUL 1/2, SEW 8), AVLs and vstart values that are not multiples of 4 come in,
// and an instruction the interpreter finds reserved for the vtype is kept
// one time in 16; both sides then end at the first reserved instruction
// with an illegal instruction.
inline uint64_t crypto_vtype(std::mt19937_64& rng, bool reserved) {
  static const uint64_t kVt[] = {0x10, 0x10, 0x11, 0x12, 0x13, 0x18, 0x19, 0x1a, 0x17, 0x00};
  return kVt[rng() % (sizeof kVt / sizeof kVt[0] - (reserved ? 0 : 2))] | (rng() % 4) << 6;
}
inline uint32_t make_crypto_word(std::mt19937_64& rng, uint64_t vtype, bool reserved) {
  static const Opcode kOps[] = {
      Opcode::vsha2ms_vv, Opcode::vsha2ch_vv, Opcode::vsha2cl_vv, Opcode::vsha2ch_vv, Opcode::vsha2cl_vv,
      Opcode::vaesem_vv, Opcode::vaesem_vs, Opcode::vaesef_vv, Opcode::vaesef_vs, Opcode::vaesdm_vv,
      Opcode::vaesdm_vs, Opcode::vaesdf_vv, Opcode::vaesdf_vs, Opcode::vaesz_vs, Opcode::vaeskf1_vi,
      Opcode::vaeskf2_vi, Opcode::vghsh_vv, Opcode::vgmul_vv, Opcode::vclmul_vv, Opcode::vclmul_vx,
      Opcode::vclmulh_vv, Opcode::vclmulh_vx};
  const int lmul = v::vtype_of(vtype).lmul;
  const uint32_t group = lmul > 0 ? (1u << lmul) - 1 : 0;
  const unsigned pick = static_cast<unsigned>(rng() % 24);
  if (pick < 3) {  // vsetivli / vsetvli rd, x0 (VLMAX) of the case's vtype
    const uint32_t avl = reserved && rng() % 8 == 0 ? rng() % 32 : 4 * (rng() % 9);
    const uint32_t rd = rng() % 2 ? 0 : 5 + rng() % 3;
    if (pick < 2) return 0xc0007057u | static_cast<uint32_t>(vtype) << 20 | avl << 15 | rd << 7;
    return 0x00007057u | static_cast<uint32_t>(vtype) << 20 | (rd ? rd : 5) << 7;
  }
  if (pick == 3) {  // csrrwi x0, vstart, uimm
    const uint32_t imm = rng() % 2 ? 0 : reserved && rng() % 2 ? rng() % 32 : 4 * (rng() % 4);
    return 0x00805073u | imm << 15;
  }
  uint32_t w = static_cast<uint32_t>(rng());
  // The element ops OpenSSL's Zvkb code runs between them (vrev8.v,
  // vmerge.vvm at SEW 64 LMUL 2 in SHA-512; vror, vandn).
  static const Opcode kAround[] = {Opcode::vxor_vv, Opcode::vxor_vv, Opcode::vrev8_v, Opcode::vmerge_vvm,
                                   Opcode::vandn_vv, Opcode::vandn_vx, Opcode::vror_vi, Opcode::vror_vx,
                                   Opcode::vrol_vx};
  const Opcode op = pick == 4 ? kAround[rng() % (sizeof kAround / sizeof kAround[0])]
                    : pick == 5 ? (rng() % 2 ? Opcode::vle32_v : Opcode::vse32_v)
                                : kOps[rng() % (sizeof kOps / sizeof kOps[0])];
  const InsnInfo& in = insn_info(op);
  w = (w & ~in.mask) | in.match;
  if (op == Opcode::vle32_v || op == Opcode::vse32_v) w = (w & ~(0x1fu << 15)) | kBase << 15;
  if (op == Opcode::vmerge_vvm) w &= ~(1u << 25);  // v0 selects
  else if (op != Opcode::vclmul_vx && op != Opcode::vclmulh_vx && op != Opcode::vror_vi) w |= 1u << 25;  // unmasked
  else if (rng() % 4) w |= 1u << 25;  // Zvbc, vror: mostly unmasked
  if (rng() % 4) w &= ~(group << 7 | (op == Opcode::vle32_v || op == Opcode::vse32_v ? 0 : group << 15) | group << 20);
  if (rng() % 6 == 0) w = (w & ~(0x1fu << 20)) | ((w >> 7) & 0x1f) << 20;  // vs2 = vd
  return w;
}

// The instruction stream of a case: bytes, and its disassembly (for
// reports). About one instruction in eight is a forward conditional branch
// or jump (to a later instruction of the stream, so every program ends),
// which exercises block exits, chaining and blocks that follow jumps.
// Whether vector instruction d is legal under vtype (and frm): the
// interpreter runs it with vl = 0 on a scratch state whose memory is a
// local buffer (whole-register accesses ignore vl and stay inside it).
inline bool vector_legal(const DecodedInsn& d, uint64_t vtype, uint32_t frm) {
  static uint8_t scratch[4096];
  CpuState s{};
  s.mem_base = scratch;
  s.mem_limit = sizeof scratch;
  s.vtype = vtype;
  s.frm = frm;
  interp_step(s, d);
  return s.exit_reason == ExitReason::None;
}

// CaseOptions::lookups (in loops): a table lookup through a base register
// the loop never writes,
//   [andi rI, rX, m | sub rI, x0, x30] ; shNadd rT, rI, base (or add) ;
//   lX/sX off(rT)
// (the backend's based accesses, Emitter::BasedAccess: read at [r14 + base
// + (rI << N)] through a register holding r14 + base, the address checked
// beside the load). The index is the counter (1..6), a masked register
// (within 16 KiB: some past the data page, a host fault), minus the
// counter (the sum lies below the base) or any register (mostly far: the
// check fails, the access faults); with faults, the bases lie near the end
// of the data page, near the limit or past it. Returns the word count.
inline int make_lookup(std::mt19937_64& rng, uint32_t out[3]) {
  uint32_t w = static_cast<uint32_t>(rng()) | 3;
  DecodedInsn d = decode(w);
  if (d.op == Opcode::illegal || !(d.info().flags & (kLoad | kStore)) || (d.info().flags & (kAmo | kVector)))
    return 0;
  auto free_reg = [&](unsigned r) { return r != 0 && r != 2 && !is_base(r) && r < 28; };
  const unsigned rt = 1 + static_cast<unsigned>(rng() % 31);
  unsigned ri = 1 + static_cast<unsigned>(rng() % 31);
  if (!free_reg(rt) || !free_reg(ri)) return 0;
  int n = 0;
  switch (rng() % 4) {
    case 0: ri = kLoopCounter; break;
    case 1:  // andi ri, rx, m
      out[n++] = 0x7013u | ri << 7 | static_cast<uint32_t>(rng() % 32) << 15 | static_cast<uint32_t>(rng() % 2048) << 20;
      break;
    case 2: out[n++] = 0x40000033u | ri << 7 | kLoopCounter << 20; break;  // sub ri, x0, x30
    default: break;
  }
  const unsigned base = kBases[rng() % 3], sh = static_cast<unsigned>(rng() % 4);
  if (sh) out[n++] = 0x20000033u | rt << 7 | sh * 2 << 12 | ri << 15 | base << 20;  // shNadd rt, ri, base
  else if (rng() % 2) out[n++] = 0x33u | rt << 7 | base << 15 | ri << 20;  // add rt, base, ri
  else out[n++] = 0x33u | rt << 7 | ri << 15 | base << 20;  // add rt, ri, base
  const uint32_t off = static_cast<uint32_t>(rng() % 64) * 8 - 256;  // -256..248
  w &= ~(0x1fu << 15);
  w |= rt << 15;
  if (d.info().flags & kLoad) {
    if (!(d.info().flags & kFd) && (is_base(d.rd) || d.rd >= 28)) return 0;
    w = (w & 0x000fffffu) | (off & 0xfff) << 20;
  } else {
    w = (w & 0x01fff07fu) | (off & 0x1f) << 7 | ((off >> 5) & 0x7f) << 25;
  }
  out[n++] = w;
  return n;
}

inline std::vector<uint8_t> make_stream(std::mt19937_64& rng, unsigned len, std::string* listing,
                                        const CaseOptions& opts = {}, uint64_t vtype = 0,
                                        uint32_t frm = 0) {
  struct Slot {
    uint32_t bits;
    unsigned len;
    int kind = 0;  // 0 plain, 1 branch (funct3 in f3), 2 jal x0, 3 second half of a pair
    uint32_t f3 = 0;
    unsigned rs1 = 0, rs2 = 0, target = 0;
  };
  std::vector<Slot> slots;
  if (opts.loop && opts.const_trip)  // li x30, N
    slots.push_back(Slot{0x13u | kLoopCounter << 7 | static_cast<uint32_t>(1 + rng() % 6) << 20, 4});
  while (slots.size() < len) {
    if (opts.loop && opts.lookups && rng() % 5 == 0 && slots.size() + 3 <= len) {
      uint32_t words[3];
      const int n = make_lookup(rng, words);
      for (int k = 0; k < n; ++k) {
        slots.push_back(Slot{words[k], 4});
        if (k) slots.back().kind = 3;
      }
      continue;
    }
    if (!opts.words && rng() % 10 == 0 && slots.size() + 4 <= len) {
      uint32_t words[4];
      int n = make_pair(rng, words, opts.loop);
      if (opts.loop)
        for (int k = 0; k < n; ++k)
          if (writes_loop_reg(decode(words[k]))) n = 0;
      for (int k = 0; k < n; ++k) {
        slots.push_back(Slot{words[k], 4});
        if (k) slots.back().kind = 3;  // never a branch target: it needs what precedes it
      }
      continue;
    }
    if (opts.if_shapes && rng() % 5 == 0 && slots.size() + 13 <= len) {
      // bCC rs1, rs2, <past the run>; the run (make_if_insn); a third of
      // them diamonds: bCC rs1, rs2, else; run; j join; else: run; join:
      static const uint32_t kF3[] = {0, 1, 4, 5, 6, 7};
      Slot b{0, 4, 1, kF3[rng() % 6]};
      b.rs1 = rng() % 4 == 0 ? 0 : rng() % 2 ? 8 + rng() % 8 : rng() % 32;
      b.rs2 = rng() % 3 == 0 ? 0 : rng() % 4 == 0 ? b.rs1 : 8 + rng() % 8;
      auto run_len = [&] { return static_cast<unsigned>(rng() % 8 == 0 ? 5 : rng() % 5); };
      const bool diamond = rng() % 3 == 0;
      const unsigned then_n = run_len(), else_n = diamond ? run_len() : 0;
      unsigned dests[3] = {b.rs1, b.rs2, 0};
      const bool fused = opts.fused_conds && rng() % 4 != 0;
      unsigned kill = 0;  // the compare's register, written again after the join
      if (fused) {
        static const Opcode kCmp[] = {Opcode::andi, Opcode::and_, Opcode::xor_, Opcode::xori, Opcode::sub,
                                      Opcode::slt, Opcode::sltu, Opcode::slti, Opcode::sltiu};
        const Opcode op = kCmp[rng() % (sizeof kCmp / sizeof kCmp[0])];
        const InsnInfo& in = insn_info(op);
        kill = 5 + static_cast<unsigned>(rng() % 3);
        const unsigned p1 = rng() % 3 ? 8 + static_cast<unsigned>(rng() % 8) : static_cast<unsigned>(rng() % 32);
        const unsigned p2 = rng() % 4 == 0 ? p1 : 8 + static_cast<unsigned>(rng() % 8);
        // small immediates (andi 1, xori with the value...) half of the time
        const uint32_t imm = (rng() % 2 ? static_cast<uint32_t>(rng() % 4) : static_cast<uint32_t>(rng())) & 0xfff;
        uint32_t w = ((static_cast<uint32_t>(rng()) & ~in.mask) | in.match);
        w = (w & ~(0x1fu << 7 | 0x1fu << 15)) | kill << 7 | p1 << 15;
        if (in.format == InsnFormat::I) w = (w & 0xfffff) | imm << 20;
        else w = (w & ~(0x1fu << 20)) | p2 << 20;
        const DecodedInsn d = decode(w);
        if (d.op == op && allowed(d) && !(opts.loop && (p1 == kLoopCounter || p1 == kLoopWalker))) {
          slots.push_back(Slot{w, 4});
          b.rs1 = rng() % 5 == 0 ? 0 : kill;
          b.rs2 = b.rs1 == 0 ? kill : 0;
          dests[0] = p1;
          dests[1] = p2;
        } else {
          kill = 0;
        }
      }
      b.target = static_cast<unsigned>(slots.size() + 1 + then_n + diamond);
      slots.push_back(b);
      for (unsigned part = 0; part < 2; ++part) {
        unsigned chain = b.rs1;
        for (unsigned k = 0; k < (part ? else_n : then_n);) {
          const uint32_t w = make_if_insn(rng, dests, chain);
          if (!w) continue;
          const DecodedInsn d = decode(w);
          if (opts.loop && writes_loop_reg(d)) continue;
          slots.push_back(Slot{w, d.len});
          chain = d.rd;
          ++k;
        }
        if (part == 0 && diamond) {
          Slot j{0, 4, 2};
          j.target = static_cast<unsigned>(slots.size() + 1 + else_n);
          slots.push_back(j);
        }
      }
      if (kill)  // addi kill, kill-or-x0, imm: the compare's value dies (unless a run read it)
        slots.push_back(Slot{0x13u | kill << 7 | (rng() % 2 ? kill : 0u) << 15 | static_cast<uint32_t>(rng() % 64) << 20, 4});
      continue;
    }
    if (rng() % 8 == 0 && opts.branches) {
      Slot s{0, 4};
      static const uint32_t kF3[] = {0, 1, 4, 5, 6, 7};
      s.kind = rng() % 4 == 0 ? 2 : 1;
      s.f3 = kF3[rng() % 6];
      s.rs1 = rng() % 32;
      s.rs2 = rng() % 32;
      s.target = static_cast<unsigned>(slots.size() + 1 + rng() % 12);  // may be the final ecall
      slots.push_back(s);
      continue;
    }
    if (opts.words) {
      uint32_t words[3];
      const uint32_t n = make_word_insn(rng, words, opts.few_mem);
      if (slots.size() + n > len) continue;  // (the interpreter runs len + 1 instructions)
      for (uint32_t k = 0; k < n; ++k) {
        slots.push_back(Slot{words[k], 4});
        if (k) slots.back().kind = 3;
      }
      continue;
    }
    if (opts.loop && opts.remat && rng() % 3 == 0) {
      static const unsigned kSinks[] = {5, 14, 17};
      const uint32_t rd = kSinks[rng() % 3];
      const uint32_t rs1 = static_cast<uint32_t>(rng() % 2 ? 8 + rng() % 8 : 1 + rng() % 31);
      const uint32_t rs2 = static_cast<uint32_t>(8 + rng() % 8);
      static const uint32_t kShift[] = {0x1013u, 0x5013u, 0x40005013u};  // slli srli srai
      static const uint32_t kImm[] = {0x0013u, 0x4013u, 0x6013u, 0x7013u};  // addi xori ori andi
      static const uint32_t kReg[] = {0x0033u, 0x4033u, 0x6033u, 0x7033u};  // add xor or and
      uint32_t w;
      switch (rng() % 4) {
        case 0: w = kShift[rng() % 3] | static_cast<uint32_t>(rng() % 64) << 20; break;
        case 1: w = kImm[rng() % 4] | static_cast<uint32_t>(rng() % 4096) << 20; break;
        case 2: w = kReg[rng() % 4] | rs2 << 20; break;
        default: w = 0x0013u; break;  // mv
      }
      slots.push_back(Slot{w | rd << 7 | rs1 << 15, 4});
      continue;
    }
    uint32_t w = static_cast<uint32_t>(rng());
    if (opts.crypto) {
      w = make_crypto_word(rng, vtype, opts.crypto_reserved);
      const DecodedInsn d = decode(w);
      if (d.op == Opcode::illegal) continue;
      if ((d.info().flags & kVector) && !vector_legal(d, vtype, frm) && (!opts.crypto_reserved || rng() % 16))
        continue;
      slots.push_back(Slot{w, d.len});
      continue;
    }
    if (opts.vector && rng() % 64 == 0) {
      // csrr rd, vl/vtype/vlenb (inline reads: frontend_v.h's vcsr)
      unsigned rd = rng() % 32;
      if (is_base(rd)) rd = 0;
      w = (0xc20u + static_cast<uint32_t>(rng() % 3)) << 20 | rd << 7 | 0x2073u;
      slots.push_back(Slot{w, 4});
      continue;
    }
    if (opts.vector && rng() % 8) {
      w = make_vector_word(rng, vtype);
      DecodedInsn d = decode(w);
      if (d.op == Opcode::illegal || !(d.info().flags & kVector) || !allowed(d) || !vector_legal(d, vtype, frm))
        continue;
      slots.push_back(Slot{w, d.len});
      continue;
    }
    if (rng() % 4 == 0) {
      // A table opcode with random operand fields: rare encodings (those
      // with many fixed bits, e.g. clz, rev8, fcvt) as often as common ones.
      const InsnInfo& in = kInsnInfo[rng() % static_cast<unsigned>(Opcode::illegal)];
      w = (w & ~in.mask) | in.match;
    } else if (rng() % 3 == 0) {
      w &= 0xffff;  // try compressed encodings too
    }
    DecodedInsn d = decode(w);
    if (d.op != Opcode::illegal && (d.info().flags & kVector)) {
      if (rng() % 4) continue;
      if (rng() % 2) w &= ~(0x7u << 7 | 0x7u << 15 | 0x7u << 20);  // vd/vs1/vs2 multiples of 8 (x0/x8/x16/x24)
      if (d.op == Opcode::vsetvli) w = (w & ~(0x7ffu << 20)) | static_cast<uint32_t>(vtype) << 20;
      if (d.op == Opcode::vsetivli) w = (w & ~(0x3ffu << 20)) | static_cast<uint32_t>(vtype) << 20;
      d = decode(w);
      if (!allowed(d) || !vector_legal(d, vtype, frm)) continue;
    }
    if (!allowed(d)) continue;
    if (opts.loop && ((d.info().flags & (kFd | kFs1 | kFs2 | kFs3 | kRm | kVector)) ||
                      writes_loop_reg(d)))
      continue;
    slots.push_back(Slot{w, d.len});
  }
  if (opts.words) {  // <start>: addi x30, x30, -1 ... bne x30, x0, <start> (no branch skips the count)
    slots.insert(slots.begin(), Slot{0x13u | kLoopCounter << 7 | kLoopCounter << 15 | 0xfffu << 20, 4});
    for (Slot& s : slots) s.target += s.kind == 1 || s.kind == 2;
    slots.push_back(Slot{0, 4, 1, 1, kLoopCounter, 0, 0});
  }
  if (opts.loop) {
    // sd rS, 0(x29); addi x29, x29, 64; addi x30, x30, -1; bne x30, x0, <start>
    // Half of the loops get forward branches out of the loop (side exits
    // of a loop superblock, which leave with the registers resident): one
    // just before the back edge, or with multi_exit up to kMaxSideExits
    // between the tail's instructions, each to one of three targets after
    // the back edge (two filler instructions, then the final ecall), so
    // that exits share a target or take the chainable exits (the frontend
    // keeps every exit chainable: kChainableExits).
    const uint32_t rs = static_cast<uint32_t>(rng() % 32);
    static const uint32_t kF3[] = {0, 1, 4, 5, 6, 7};
    std::vector<size_t> exits;
    const unsigned n_exits =
        opts.back_diamond ? 0u : opts.multi_exit ? static_cast<unsigned>(rng() % 4) : rng() % 2 ? 1u : 0u;
    auto maybe_exit = [&](unsigned at) {  // at: 0..2, the gaps of the tail
      if (exits.size() >= n_exits || (!opts.multi_exit && at != 2) || (opts.multi_exit && at != 2 && rng() % 2))
        return;
      exits.push_back(slots.size());
      Slot b{0, 4, 1, kF3[rng() % 6], static_cast<unsigned>(rng() % 32), 0, 1u << 30};
      b.rs2 = opts.multi_exit && rng() % 3 == 0 ? 0u : static_cast<unsigned>(rng() % 32);
      slots.push_back(b);
    };
    maybe_exit(0);
    // The walker's accesses (an induction base: Emitter::plan_induction
    // checks it once before the loop): at 0, after its addi at -64, or at
    // 8 and -8 (checked at the lowest).
    auto sd_walker = [&](int32_t imm) {
      const uint32_t u = static_cast<uint32_t>(imm) & 0xfffu;
      slots.push_back(Slot{0x23u | 3u << 12 | kLoopWalker << 15 | rs << 20 | (u >> 5) << 25 | (u & 31) << 7, 4});
    };
    // A quarter of the upward walkers step by x28 (add x29, x29, x28), which
    // the loop does not write: the outer counter (1..3) with multi_exit,
    // else a random value, mostly too large for the check before the loop.
    const int32_t step = opts.walk_down ? -64 : 64;
    const bool by_reg = !opts.walk_down && rng() % 4 == 0;
    const Slot walk = by_reg ? Slot{0x33u | kLoopWalker << 7 | kLoopWalker << 15 | kLoopOuter << 20, 4}
                             : Slot{0x13u | kLoopWalker << 7 | kLoopWalker << 15 | (static_cast<uint32_t>(step) & 0xfffu) << 20, 4};
    switch (rng() % 3) {
      case 0: sd_walker(0); slots.push_back(walk); break;
      case 1: slots.push_back(walk); sd_walker(by_reg ? 0 : -step); break;
      default: sd_walker(8); sd_walker(-8); slots.push_back(walk); break;
    }
    maybe_exit(1);
    maybe_exit(2);
    while (exits.size() < n_exits) maybe_exit(2);
    // addi x30, x30, -1 (or addiw: a word counter, a narrow loop register
    // whose compare is 32-bit), then bne x30, x0 (or blt x28, x30: the
    // compare also reads an invariant register, which the preamble checks
    // is sign-extended; see CaseOptions::outer_cmp)
    slots.push_back(Slot{(opts.word_counter ? 0x1bu : 0x13u) | kLoopCounter << 7 | kLoopCounter << 15 | 0xfffu << 20, 4});
    // back to the first instruction (after the li with const_trip)
    if (opts.back_diamond) {
      // beq x30, x0, <end>; bCC1 rA, rB, <start>; run; bCC2 rC, rD, <start>
      slots.push_back(Slot{0, 4, 1, 0, kLoopCounter, 0, 1u << 30});
      auto reg = [&] {  // often x0 or a register the run writes
        const unsigned r = static_cast<unsigned>(rng() % 40);
        return r >= 32 ? r % 4 : r;
      };
      slots.push_back(Slot{0, 4, 1, kF3[rng() % 6], reg(), reg(), 0});
      static const uint32_t kR[][2] = {{0x00, 0}, {0x20, 0}, {0x00, 4}, {0x00, 6}, {0x00, 7},
                                       {0x00, 3}, {0x01, 0}, {0x00, 1}, {0x00, 5}};  // (f7, f3)
      const unsigned run = static_cast<unsigned>(rng() % 5);
      for (unsigned k = 0; k < run; ++k) {
        unsigned rd;
        do rd = static_cast<unsigned>(rng() % 32); while (rd == kLoopCounter || rd == kLoopWalker);
        if (rng() % 3 == 0) rd = 1 + static_cast<unsigned>(rng() % 3);  // x1..x3, read by the branches
        const uint32_t rs1 = static_cast<uint32_t>(rng() % 32), rs2 = static_cast<uint32_t>(rng() % 32);
        uint32_t w;
        if (rng() % 2) {
          const auto& o = kR[rng() % (sizeof kR / sizeof kR[0])];
          w = o[0] << 25 | rs2 << 20 | rs1 << 15 | o[1] << 12 | rd << 7 | 0x33u;
        } else if (rng() % 2) {
          w = (static_cast<uint32_t>(rng()) & 0xfffu) << 20 | rs1 << 15 | rd << 7 | 0x13u;  // addi
        } else {
          w = (static_cast<uint32_t>(rng()) & 0xfffu) << 20 | rs1 << 15 | rd << 7 | 0x1bu;  // addiw
        }
        slots.push_back(Slot{w, 4});
      }
      slots.push_back(Slot{0, 4, 1, kF3[rng() % 6], reg(), reg(), 0});
    } else if (opts.outer_cmp) {
      slots.push_back(Slot{0, 4, 1, 4, kLoopOuter, kLoopCounter, 0});
    } else {
      slots.push_back(Slot{0, 4, 1, 1, kLoopCounter, 0, opts.const_trip ? 1u : 0u});
    }
    if (opts.multi_exit) {
      // addi t0, t0, 1; addi t1, t1, 3; li x30, N; addi x28, x28, -1;
      // bnez x28, <start>: the exits' targets are the first three, and the
      // loop runs again (x28 = 1..3 times), so that its exits, chained by
      // then, are taken again.
      const unsigned back = static_cast<unsigned>(slots.size() - 1);
      slots.push_back(Slot{0x13u | 5u << 7 | 5u << 15 | 1u << 20, 4});
      slots.push_back(Slot{0x13u | 6u << 7 | 6u << 15 | 3u << 20, 4});
      slots.push_back(Slot{0x13u | kLoopCounter << 7 | static_cast<uint32_t>(1 + rng() % 6) << 20, 4});
      slots.push_back(Slot{0x13u | kLoopOuter << 7 | kLoopOuter << 15 | 0xfffu << 20, 4});
      slots.push_back(Slot{0, 4, 1, 1, kLoopOuter, 0, opts.const_trip ? 1u : 0u});
      for (size_t e : exits) slots[e].target = back + 1 + static_cast<unsigned>(rng() % 3);
    }
  }
  std::vector<uint64_t> pos(slots.size() + 1);
  for (size_t k = 0; k < slots.size(); ++k) pos[k + 1] = pos[k] + slots[k].len;
  std::vector<uint8_t> code;
  for (size_t k = 0; k < slots.size(); ++k) {
    Slot& s = slots[k];
    if (s.kind == 1 || s.kind == 2) {
      size_t t = std::min<size_t>(s.target, slots.size());
      if (t < slots.size() && slots[t].kind == 3) ++t;
      int32_t off = static_cast<int32_t>(pos[t] - pos[k]);
      s.bits = s.kind == 1 ? enc_branch(s.f3, s.rs1, s.rs2, off) : enc_jal0(off);
    }
    if (listing) *listing += format_in_asm_line(decode(s.bits), kCode + code.size()) + "\n";
    code.insert(code.end(), reinterpret_cast<uint8_t*>(&s.bits), reinterpret_cast<uint8_t*>(&s.bits) + s.len);
  }
  return code;
}

// An FP register value that conversions and arithmetic care about: a
// double, a NaN-boxed single or a NaN-boxed half, small with a fraction (ties, inexact), at
// the edges of the integer ranges (2^31, 2^32, 2^63, 2^64 and their
// neighbours), signed zeros, infinities, NaNs; either sign.
inline uint64_t fp_edge(std::mt19937_64& rng) {
  static const double kVals[] = {0.0, 0.3, 0.5, 0.7, 1.0, 1.5, 2.5, 3.0, 12.75, 1e6 + 0.5,
                                 2147483647.0, 2147483647.5, 2147483648.0, 2147483648.5,
                                 4294967295.0, 4294967295.5, 4294967296.0, 9223372036854775808.0,
                                 9223372036854775808.0 * 0.99999999, 18446744073709551616.0,
                                 18446744073709549568.0, 1e300, 1e-310};
  unsigned k = static_cast<unsigned>(rng() % (sizeof kVals / sizeof kVals[0] + 4));
  bool neg = rng() % 2;
  const unsigned format = static_cast<unsigned>(rng() % 3);  // double, single, half (Zfh)
  const bool single = format == 1;
  double v;
  if (k < sizeof kVals / sizeof kVals[0]) {
    v = kVals[k];
    if (rng() % 4 == 0) v = std::nextafter(v, rng() % 2 ? 1e308 : 0.0);
  } else if (k == sizeof kVals / sizeof kVals[0]) {
    v = __builtin_inf();
  } else if (k == sizeof kVals / sizeof kVals[0] + 1) {
    v = __builtin_nan("");
  } else {
    v = static_cast<double>(static_cast<int64_t>(rng() % 100000)) / 64.0;  // exact halves, quarters...
  }
  if (neg) v = -v;
  if (format == 2) {  // NaN-boxed half, rounded from v
    uint64_t b;
    memcpy(&b, &v, 8);
    uint32_t ignored = 0;
    return fp::box16(fp::f64_to_f16(b, RNE, &ignored));
  }
  if (single) {
    float f = static_cast<float>(v);
    uint32_t b;
    memcpy(&b, &f, 4);
    return 0xffffffff00000000ull | b;
  }
  uint64_t b;
  memcpy(&b, &v, 8);
  return b;
}

// Runs one stream of `len` instructions built from `seed`; with listing,
// also returns the stream's disassembly.
inline Result run_case_body(Jit& jit, uint64_t seed, unsigned len, std::string* listing,
                            const CaseOptions& opts);

// One case; also a failure when the backend could not emit a block whole
// and the JIT fell back to one instruction per block (the results are
// right then, so only this catches a backend that refuses what it should
// handle).
inline Result run_case(Jit& jit, uint64_t seed, unsigned len, std::string* listing = nullptr,
                       const CaseOptions& opts = {}) {
  const uint64_t retried = jit.translate_stats().retried;
  Result r = run_case_body(jit, seed, len, listing, opts);
  if (r.ok && jit.translate_stats().retried != retried) {
    r.ok = false;
    r.what = "seed " + std::to_string(seed) + ": the backend failed a block (retried one instruction at a time): " +
             jit.translate_stats().last_retry;
  }
  return r;
}

inline Result run_case_body(Jit& jit, uint64_t seed, unsigned len, std::string* listing,
                            const CaseOptions& opts) {
  std::mt19937_64 rng(seed);
  uint64_t vt;
  CaseOptions copts = opts;
  if (opts.crypto) {
    copts.crypto_reserved = rng() % 4 == 0;
    vt = crypto_vtype(rng, copts.crypto_reserved);
  } else {
    do vt = rng() & 0xff; while (!v::vtype_supported(vt));
  }
  const uint32_t frm = static_cast<uint32_t>(rng() % 5);
  copts.walk_down = opts.loop && rng() % 3 == 0;
  copts.word_counter = opts.loop && !opts.const_trip && !opts.multi_exit && seed % 3 == 1;
  copts.outer_cmp = copts.word_counter && seed % 2 == 0;
  std::vector<uint8_t> code = make_stream(rng, len, listing, copts, vt, frm);
  const uint32_t ecall = 0x00000073;
  code.insert(code.end(), reinterpret_cast<const uint8_t*>(&ecall),
              reinterpret_cast<const uint8_t*>(&ecall) + 4);

  CpuState init{};
  for (int r = 1; r < 32; ++r) init.x[r] = rng();
  for (int r = 0; r < 8; ++r) init.x[r + 8] = rng() % 70;  // small values: shifts, divisors
  // Edge values in a few registers: zero, all ones, sign bits, 32-bit edges
  // (clz of 0, cpop of -1, W forms, min/max on signs...).
  static const uint64_t kEdges[] = {0, ~0ull, 1, 1ull << 63, (1ull << 63) - 1, 0xffffffffull,
                                    0x80000000ull, 0xffffffff80000000ull, 0x7fffffffull,
                                    0x00ff00ff00ff00ffull, 0x100000000ull,
                                    0x8000000000000401ull, 0x8000008000000001ull};  // u64 -> FP: ties but for bit 0
  for (int r = 16; r < 32; ++r)
    if (rng() % 4 == 0) init.x[r] = kEdges[rng() % (sizeof kEdges / sizeof kEdges[0])];
  for (unsigned b : kBases) init.x[b] = kData;
  if (opts.faults) {
    // Vector cases: 40 bytes before the ends, so register groups of 64 or
    // 128 bytes cross them (into the unmapped page after the data, or past
    // the address-space limit).
    const uint64_t before = opts.vector ? 40 : 128;
    init.x[8] = kData + kDataSize - before;
    init.x[12] = kGuestVaMax - before;
    // Sometimes x31 lies just below 2^64: base + displacement wraps to the
    // unmapped first page, or stays past the limit (an indexed access,
    // add(x31, k) then a load, is checked at x31 + disp and its own
    // address decides in the fault stub).
    // Or just above 0: a negative displacement wraps below 0, so the
    // base's first check, made at its lowest displacement in the block,
    // fails while the access itself may be in range (the block leaves and
    // that access runs alone: CpuState::one_insn_once).
    if (!opts.vector && rng() % 4 == 0) init.x[31] = 0 - 1 - rng() % 2048;
    else if (!opts.vector && rng() % 4 == 0) init.x[31] = rng() % 2048;
  }
  if (opts.words) init.x[kLoopCounter] = 1 + rng() % 3;
  if (opts.loop) {
    if (opts.multi_exit) init.x[kLoopOuter] = 1 + rng() % 3;
    if (copts.outer_cmp) init.x[kLoopOuter] = seed % 5 == 0 ? uint64_t{1} << 32 : 0 - seed % 3;
    init.x[kLoopCounter] = 1 + rng() % 6;
    const uint64_t steps = 64 * (1 + rng() % 8);  // off the end after 1..8 iterations
    init.x[kLoopWalker] = opts.faults && rng() % 2 ? kGuestVaMax - steps : kData + kDataSize - steps;
    // Past the limit from the start: the induction check before the loop
    // fails, and the loop runs one instruction, then as plain blocks.
    if (opts.faults && rng() % 4 == 0) init.x[kLoopWalker] = kGuestVaMax + 8 * (rng() % 3);
    // Down: off the data page's start (a host fault), or with page 0
    // mapped, past address 0 (into the guard below the reservation).
    if (copts.walk_down) init.x[kLoopWalker] = opts.faults && rng() % 2 ? steps - 64 : kData + steps - 64;
  }
  if (opts.pmlen)
    for (unsigned b : kBases) init.x[b] |= (rng() & ((uint64_t{1} << opts.pmlen) - 1)) << (64 - opts.pmlen);
  for (int r = 0; r < 32; ++r) init.f[r] = rng() % 2 ? fp_edge(rng) : rng();
  init.frm = frm;
  for (auto& b : init.v) b = static_cast<uint8_t>(rng());
  if (opts.vector)  // FP values in half of the 64-bit chunks: edge values (two singles when boxed), and
    for (size_t off = 0; off < sizeof init.v; off += 8) {  // often +-0, NaNs (quiet, signaling), 1
      const unsigned pick = static_cast<unsigned>(rng() % 4);
      if (pick < 2) continue;
      uint64_t e;
      if (pick == 2) {
        e = fp_edge(rng);
        if (e >> 32 == 0xffffffffu) e = (e & 0xffffffffu) | fp_edge(rng) << 32;
      } else if (rng() % 2) {
        static const uint32_t kS[] = {0, 0x80000000u, 0x7fc00000u, 0x7f800001u, 0x3f800000u};
        e = kS[rng() % 5] | uint64_t{kS[rng() % 5]} << 32;
      } else {
        static const uint64_t kD[] = {0, 0x8000000000000000u, 0x7ff8000000000000u, 0x7ff0000000000001u,
                                      0x3ff0000000000000u};
        e = kD[rng() % 5];
      }
      memcpy(init.v + off, &e, 8);
    }
  v::set_vtype_vl(init, vt, opts.crypto ? 4 * (rng() % 20) : rng() % 80);
  init.vxrm = static_cast<uint32_t>(rng() % 4);
  std::vector<uint8_t> data(kDataSize);
  for (auto& b : data) b = static_cast<uint8_t>(rng());

  const bool page0 = copts.walk_down && init.x[kLoopWalker] < kData;
  Machine jm(jit), im(jit);
  for (Machine* m : {&jm, &im}) {
    m->as->poke(kCode, code.data(), code.size());
    m->as->write(kData, data.data(), data.size());
    if (opts.faults) {
      m->as->map(kTopPage, 0x1000, PROT_READ | PROT_WRITE, kMapFixed, -1, 0, "");
      m->as->write(kTopPage, data.data(), 0x1000);
    }
    if (page0) m->as->map(0, 0x1000, PROT_READ | PROT_WRITE, kMapFixed, -1, 0, "");
    CpuState& s = m->vcpu->state;
    memcpy(s.x, init.x, sizeof s.x);
    memcpy(s.f, init.f, sizeof s.f);
    s.frm = init.frm;
    memcpy(s.v, init.v, sizeof s.v);
    s.vl = init.vl;
    s.vtype = init.vtype;
    s.vxrm = init.vxrm;
    s.pmlen = opts.pmlen;
    s.pc = kCode;
  }
  if (const char* dump = getenv("HART_DIFF_LOG")) {  // debugging: -d in_asm,op_opt,out_asm of the JIT side
    std::string e;
    if (jm.log.open_file(dump, &e)) jm.log.set_mask(kLog_in_asm | kLog_op_opt | kLog_out_asm);
  }
  ExitReason r;
  if (copts.kicks) {
    g_kick_target.store(&jm.vcpu->state, std::memory_order_release);
    while ((r = jm.vcpu->run()) == ExitReason::ExitRequest) jm.vcpu->state.exit_request.store(0);
    g_kick_target.store(nullptr, std::memory_order_release);
  } else {
    r = jm.vcpu->run();
  }
  uint64_t max = opts.loop    ? (len + 16) * 7 * 3  // (the tail: at most 13 more, 6 iterations, 3 rounds)
                 : opts.words ? (len + 2) * 3 + 1
                              : len + 1;
  im.vcpu->run_guarded([](Vcpu& v, void* n) { interp_run(v, *static_cast<uint64_t*>(n)); }, &max);
  const CpuState &a = jm.vcpu->state, &b = im.vcpu->state;
  std::ostringstream why;
  why << "seed " << seed << ": ";
  Result res;
  auto differ = [&](const std::string& what) {
    res.ok = false;
    res.what = why.str() + what;
    return res;
  };
  if (r != b.exit_reason) {
    std::ostringstream o;
    o << "different exits (jit " << static_cast<int>(r) << " at pc " << std::hex << a.pc << ", interp "
      << std::dec << static_cast<int>(b.exit_reason) << " at pc " << std::hex << b.pc << ")";
    return differ(o.str());
  }
  // (Crypto cases may end at a reserved encoding, on both sides alike.)
  if (r != ExitReason::Ecall && !(opts.crypto && r == ExitReason::IllegalInsn) &&
      (r != ExitReason::MemFault || a.fault_addr != b.fault_addr || a.fault_kind != b.fault_kind ||
       a.fault_is_write != b.fault_is_write)) {
    std::ostringstream o;
    o << "did not reach the final ecall (exit " << static_cast<int>(r) << " at pc " << std::hex << a.pc
      << " vs interp pc " << b.pc << "; fault at "
      << a.fault_addr << " kind " << static_cast<int>(a.fault_kind) << " write " << a.fault_is_write
      << " vs interp " << b.fault_addr << " kind " << static_cast<int>(b.fault_kind) << " write "
      << b.fault_is_write << ")";
    return differ(o.str());
  }
  if (a.pc != b.pc) return differ("pc");
  for (int k = 0; k < 32; ++k) {
    if (a.x[k] != b.x[k]) {
      std::ostringstream o;
      o << "x" << k << " jit " << std::hex << a.x[k] << " interp " << b.x[k];
      return differ(o.str());
    }
    if (a.f[k] != b.f[k]) {
      std::ostringstream o;
      o << "f" << k << " jit " << std::hex << a.f[k] << " interp " << b.f[k];
      return differ(o.str());
    }
  }
  if (a.fflags != b.fflags) return differ("fflags");
  for (unsigned k = 0; k < sizeof a.v; ++k)
    if (a.v[k] != b.v[k]) {
      std::ostringstream o;
      o << "v" << k / kVlenb << " byte " << k % kVlenb << " jit " << std::hex << +a.v[k] << " interp " << +b.v[k];
      return differ(o.str());
    }
  if (a.vl != b.vl || a.vtype != b.vtype || a.vstart != b.vstart || a.vxrm != b.vxrm || a.vxsat != b.vxsat)
    return differ("vector CSRs");
  std::vector<uint8_t> da(kDataSize), db(kDataSize);
  jm.as->read(kData, da.data(), kDataSize);
  im.as->read(kData, db.data(), kDataSize);
  if (da != db) return differ("memory");
  res.fault = r == ExitReason::MemFault;
  res.illegal = r == ExitReason::IllegalInsn;
  res.fault_kind = a.fault_kind;
  if (opts.faults) {
    std::vector<uint8_t> ta(0x1000), tb(0x1000);
    jm.as->read(kTopPage, ta.data(), ta.size());
    im.as->read(kTopPage, tb.data(), tb.size());
    if (ta != tb) return differ("memory (top page)");
  }
  if (page0) {
    std::vector<uint8_t> za(0x1000), zb(0x1000);
    jm.as->read(0, za.data(), za.size());
    im.as->read(0, zb.data(), zb.size());
    if (za != zb) return differ("memory (page 0)");
  }
  return res;
}

}  // namespace hart::diff
