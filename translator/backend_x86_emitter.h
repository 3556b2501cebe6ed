// translator/backend_x86_emitter.h — private to the x86-64 backend: the
// Emitter that turns one IR block into code. It tracks where each temp's
// value lives (a constant, a host register, a guest register's slot in
// CpuState, an XMM register, a spill slot) so that most IR values never
// move: guest registers pinned in host registers are used in place, other
// guest registers are read as memory operands, constants become immediates.
// backend_x86_alloc.cpp has the value locations and register allocation;
// backend_x86.cpp the integer, memory and control-flow ops;
// backend_x86_zb.cpp the bit-manipulation ops; backend_x86_fp.cpp the
// floating-point ops; backend_x86_mem.cpp the memory checks;
// backend_x86_loop.cpp self-loop blocks; backend_x86_remat.cpp their
// rematerialised guest registers.
#pragma once

#include <asmjit/x86.h>

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string>
#include <vector>

#include "core/cpu_state.h"
#include "core/tb.h"
#include "translator/backend_x86.h"
#include "translator/decode.h"
#include "translator/ir.h"
#include "translator/block_arena.h"
#include "translator/spare_vectors.h"

namespace hart::x86be {

using namespace asmjit;
using namespace asmjit::x86;

inline const Gp kState = r15, kMem = r14;
// IR temps live in these (plus spill slots); rax is scratch. rcx and rdx
// are scratch registers of most ops too: before an insn whose code may
// write them (uses_scratch), their temps move away and they are reserved
// for that insn; between such insns they hold temps like the others.
// r14 (kMem) joins them in blocks that access no guest memory
// (Emitter::plan_mem_free) until it is reloaded before the terminator.
inline const Gp kPool[] = {rsi, rdi, r11, r14, rdx, rcx};
inline const uint32_t kPoolMask = [] {  // (bit id for each of them)
  uint32_t m = 0;
  for (const Gp& r : kPool) m |= 1u << r.id();
  return m;
}();
// XMM temps; xmm10-12 cache vector registers within a block and xmm13
// holds the vector tail mask (backend_x86_v.cpp); xmm14 and xmm15 are scratch.
// A block with no scalar FP (no XMM temp) caches vector registers in
// xmm1-9 too (xmm0: SHA256RNDS2's implicit operand): slots 3..11.
constexpr int kXmmPoolSize = 10;
constexpr int kVecCacheSize = 3, kVecCacheWide = 12;
inline int vcache_xmm(int slot) { return slot < kVecCacheSize ? 10 + slot : slot - kVecCacheSize + 1; }

// The x86 condition of an IrCond after `cmp a, b` (or `test a, a` for a cond 0).
CondCode cc_of(IrCond c);

enum class LocKind : uint8_t { None, Const, Gp, Xmm, GuestX, GuestF, Spill };

// Which host register holds which guest register in a block: by guest
// register the asmjit Gp id (-1: its CpuState slot), by Gp id the index in
// kPinnedRegs of the pin it belongs to (-1: none). Every block starts from
// kPinnedRegs; a self-loop block re-homes the pins it never touches to guest
// registers it uses (backend_x86_loop.cpp).
struct PinTable {
  int host[32];
  int pin_of_host[16];
  int xreg_of_pin[7];  // the guest register each pin's host register holds
  PinTable();
  // kPinnedRegs' table, made once (a block's starts as a copy of it).
  static const PinTable& initial();
};

struct Loc {
  LocKind kind = LocKind::None;
  uint8_t reg = 0;     // Gp id / Xmm id
  int32_t index = 0;   // guest register number or spill slot
  int64_t value = 0;   // constant
};

inline bool fits_i32(int64_t v) { return v == static_cast<int32_t>(v); }
// "No condition" (an unconditional jump). Not CondCode::kMaxValue: that is kG.
constexpr CondCode kNoCond = static_cast<CondCode>(0xff);
// A call rel32 (a guest call's chainable exit: backend_x86_call.cpp).
constexpr CondCode kCallRel = static_cast<CondCode>(0xfe);
inline Gp gp_of_id(int id) { return Gp(gpq(static_cast<uint32_t>(id))); }

inline Mem state_mem(size_t off, uint32_t size = 8) {
  return ptr(kState, static_cast<int32_t>(off), size);
}
inline Mem xreg_mem(int r, uint32_t size = 8) { return state_mem(offsetof(CpuState, x) + 8 * r, size); }
inline Mem freg_mem(int r, uint32_t size = 8) { return state_mem(offsetof(CpuState, f) + 8 * r, size); }

// The ModRM mod bits for displacement disp (none when 0 and the base
// allows it, 8 bits, 32 bits), and the displacement's bytes after ModRM/SIB.
inline uint8_t disp_mod(int64_t disp, bool needs_disp = false) {
  return disp == 0 && !needs_disp ? 0x00 : disp == static_cast<int8_t>(disp) ? 0x40 : 0x80;
}
inline size_t put_disp(uint8_t* out, uint8_t mod, int64_t disp) {
  if (mod == 0x40) {
    out[0] = static_cast<uint8_t>(disp);
    return 1;
  }
  if (mod == 0x80) {
    const int32_t d = static_cast<int32_t>(disp);
    memcpy(out, &d, 4);
    return 4;
  }
  return 0;
}

// mov between two 64-bit general registers, or between one and a qword of
// CpuState ([r15 + disp], no index): most of a block's moves (set_reg
// stores, guest register loads, copies). Writes the bytes asmjit encodes
// for it into out and returns their number, without asmjit's encoder
// (some 250 instructions a mov); 0 for any other form (asmjit encodes
// it). Test: BackendEncode.FastMovIsAsmjitsEncoding.
constexpr size_t kFastMovMax = 7;
inline size_t encode_fast_mov(const Operand& dst, const Operand& src, uint8_t out[kFastMovMax]) {
  auto gp64 = [](const Operand& o) { return o.isReg() && o.as<Reg>().isGpq(); };
  auto state_qword = [](const Operand& o) {
    if (!o.isMem()) return false;
    const Mem& m = o.as<Mem>();
    return m.hasBaseReg() && m.baseId() == kState.id() && m.offset() == static_cast<int32_t>(m.offset()) &&
           m == ptr(kState, static_cast<int32_t>(m.offset()), 8);
  };
  const bool store = state_qword(dst) && gp64(src), load = gp64(dst) && state_qword(src);
  if (gp64(dst) && gp64(src)) {  // 89 /r: REX.W (R: src, B: dst), ModRM 11 src dst
    const uint32_t d = dst.id(), r = src.id();
    out[0] = static_cast<uint8_t>(0x48 | (r >> 3) << 2 | d >> 3);
    out[1] = 0x89;
    out[2] = static_cast<uint8_t>(0xc0 | (r & 7) << 3 | (d & 7));
    return 3;
  }
  if (!store && !load) return 0;
  // 89 /r (store) or 8B /r (load): REX.W B (r15) and R for r8..r15, ModRM
  // with rm 111 (r15: no SIB) and the shortest displacement.
  const uint32_t r = store ? src.id() : dst.id();
  const int32_t disp = static_cast<int32_t>((store ? dst : src).as<Mem>().offset());
  out[0] = static_cast<uint8_t>(0x49 | (r >> 3) << 2);
  out[1] = store ? 0x89 : 0x8b;
  const uint8_t mod = disp_mod(disp);
  out[2] = static_cast<uint8_t>(mod | (r & 7) << 3 | 7);
  return 3 + put_disp(out + 3, mod, disp);
}

// A plain guest load or store through the memory base, [r14 + index +
// disp32] with a 64-bit index other than rsp and no scale (every checked
// access: emit_guest_mem): the load's extension into a register, or the
// store of a register's low bytes. encode_guest_access writes the bytes
// asmjit encodes for it and returns their number; 0 for any other form
// (asmjit encodes it). Some 20,000 of them in a python3 -c pass start-up,
// ~250 instructions each through asmjit. Test:
// BackendEncode.GuestAccessIsAsmjitsEncoding.
enum class GuestAccess : uint8_t {
  Zx8, Zx16, Sx8, Sx16, Ld32, Sx32, Ld64,  // movzx r32 / movsx r64 / mov r32 / movsxd / mov r64
  St8, St16, St32, St64,                   // mov m, r8 / r16 / r32 / r64
};
constexpr size_t kGuestAccessMax = 9;  // (66) REX (0F) op ModRM SIB disp32
inline size_t encode_guest_access(GuestAccess op, uint32_t reg, const Mem& m, uint8_t out[kGuestAccessMax]) {
  struct Form {
    uint8_t size, w, esc, opcode;  // esc: a 0F escape first; St16: 66 prefix
  };
  static constexpr Form kForms[] = {
      {1, 0, 1, 0xb6}, {2, 0, 1, 0xb7}, {1, 1, 1, 0xbe}, {2, 1, 1, 0xbf}, {4, 0, 0, 0x8b}, {4, 1, 0, 0x63},
      {8, 1, 0, 0x8b}, {1, 0, 0, 0x88}, {2, 0, 0, 0x89}, {4, 0, 0, 0x89}, {8, 1, 0, 0x89},
  };
  const Form& f = kForms[static_cast<int>(op)];
  if (reg >= 16 || !m.hasIndexReg() || !m.indexReg().isGpq() || m.indexId() == Gp::kIdSp) return 0;
  const int64_t disp = m.offset();
  if (disp != static_cast<int32_t>(disp) ||
      !(m == ptr(kMem, gpq(m.indexId()), 0, static_cast<int32_t>(disp), f.size)))
    return 0;
  const uint32_t x = m.indexId();
  size_t n = 0;
  if (op == GuestAccess::St16) out[n++] = 0x66;
  out[n++] = static_cast<uint8_t>(0x41 | f.w << 3 | (reg >> 3) << 2 | (x >> 3) << 1);  // B: r14
  if (f.esc) out[n++] = 0x0f;
  out[n++] = f.opcode;
  // ModRM rm 100 (SIB), SIB scale 1, base r14 (110: no forced displacement).
  const uint8_t mod = disp_mod(disp);
  out[n++] = static_cast<uint8_t>(mod | (reg & 7) << 3 | 4);
  out[n++] = static_cast<uint8_t>((x & 7) << 3 | 6);
  return n + put_disp(out + n, mod, disp);
}

// The integer ALU ops of a block's bodies (add, or, and, sub, xor, cmp on
// 32- or 64-bit operands; test of two registers) between registers,
// immediates and CpuState slots ([r15 + disp], no index):
// encode_alu writes the bytes asmjit encodes and returns their number; 0
// for any other form (asmjit encodes it). Test:
// BackendEncode.AluIsAsmjitsEncoding.
constexpr size_t kAluMax = 11;  // REX op ModRM disp32 imm32
inline size_t encode_alu(InstId id, const Operand& dst, const Operand& src, uint8_t out[kAluMax]) {
  int ext;  // the /n of the 80-83 group; the op r/m, r opcode is ext * 8 + 1
  switch (id) {
    case Inst::kIdAdd: ext = 0; break;
    case Inst::kIdOr: ext = 1; break;
    case Inst::kIdAnd: ext = 4; break;
    case Inst::kIdSub: ext = 5; break;
    case Inst::kIdXor: ext = 6; break;
    case Inst::kIdCmp: ext = 7; break;
    case Inst::kIdTest: ext = -1; break;
    default: return 0;
  }
  auto gp = [](const Operand& o) { return o.isReg() && (o.as<Reg>().isGpq() || o.as<Reg>().isGpd()); };
  auto state_slot = [](const Operand& o, uint32_t size) {
    if (!o.isMem()) return false;
    const Mem& m = o.as<Mem>();
    return m.hasBaseReg() && m.baseId() == kState.id() && m.offset() == static_cast<int32_t>(m.offset()) &&
           m == ptr(kState, static_cast<int32_t>(m.offset()), size);
  };
  uint32_t size;
  if (gp(dst)) size = dst.as<Reg>().isGpq() ? 8 : 4;
  else if (dst.isMem()) size = dst.as<Mem>().size();
  else return 0;
  if ((size != 4 && size != 8) || (!gp(dst) && !state_slot(dst, size))) return 0;
  const uint8_t w = size == 8 ? 8 : 0;
  size_t n = 0;
  // ModRM for rm = dst (a register, or [r15 + disp]) and the REX before it.
  auto modrm = [&](uint32_t reg_field, const Operand& rm, uint8_t opcode, uint32_t rex_r) {
    const uint8_t rex = static_cast<uint8_t>(0x40 | w | (rex_r >> 3) << 2);
    if (rm.isReg()) {
      const uint32_t b = rm.id();
      if (rex != 0x40 || b >= 8) out[n++] = static_cast<uint8_t>(rex | b >> 3);
      out[n++] = opcode;
      out[n++] = static_cast<uint8_t>(0xc0 | (reg_field & 7) << 3 | (b & 7));
      return;
    }
    const int32_t disp = static_cast<int32_t>(rm.as<Mem>().offset());
    out[n++] = static_cast<uint8_t>(rex | 1);  // B: r15
    out[n++] = opcode;
    const uint8_t mod = disp_mod(disp);
    out[n++] = static_cast<uint8_t>(mod | (reg_field & 7) << 3 | 7);
    n += put_disp(out + n, mod, disp);
  };
  const bool same_size_gp = gp(src) && (src.as<Reg>().isGpq() ? 8u : 4u) == size;
  if (ext < 0) {  // test r/m, r: registers only
    if (!gp(dst) || !same_size_gp) return 0;
    modrm(src.id(), dst, 0x85, src.id());
    return n;
  }
  if (same_size_gp) {  // op r/m, r
    modrm(src.id(), dst, static_cast<uint8_t>(ext * 8 + 1), src.id());
    return n;
  }
  if (gp(dst) && state_slot(src, size)) {  // op r, r/m
    modrm(dst.id(), src, static_cast<uint8_t>(ext * 8 + 3), dst.id());
    return n;
  }
  if (src.isImm()) {
    const int64_t v = src.as<Imm>().value();
    if (v != static_cast<int32_t>(v)) return 0;
    if (v == static_cast<int8_t>(v)) {
      modrm(static_cast<uint32_t>(ext), dst, 0x83, 0);
      out[n++] = static_cast<uint8_t>(v);
      return n;
    }
    if (dst.isReg() && dst.id() == 0) {  // op eax/rax, imm32 (its short form)
      if (w) out[n++] = 0x48;
      out[n++] = static_cast<uint8_t>(ext * 8 + 5);
    } else {
      modrm(static_cast<uint32_t>(ext), dst, 0x81, 0);
    }
    const int32_t imm = static_cast<int32_t>(v);
    memcpy(out + n, &imm, 4);
    return n + 4;
  }
  return 0;
}

// lea of a 32- or 64-bit register from [base + index << shift + disp32]
// (64-bit base, optional 64-bit index): the three-operand adds, the memory
// checks' addresses. encode_lea writes the bytes asmjit encodes and
// returns their number; 0 for any other form. Test:
// BackendEncode.LeaIsAsmjitsEncoding.
constexpr size_t kLeaMax = 8;  // REX 8D ModRM SIB disp32
inline size_t encode_lea(const Gp& dst, const Mem& m, uint8_t out[kLeaMax]) {
  if (!(dst.isGpq() || dst.isGpd()) || !m.hasBaseReg() || !m.baseReg().isGpq() || m.hasSegment()) return 0;
  const int64_t disp = m.offset();
  if (disp != static_cast<int32_t>(disp)) return 0;
  const uint32_t r = dst.id(), b = m.baseId(), shift = m.shift();
  const bool index = m.hasIndexReg();
  if (index && (!m.indexReg().isGpq() || m.indexId() == Gp::kIdSp)) return 0;
  const Mem canon = index ? ptr(gpq(b), gpq(m.indexId()), shift, static_cast<int32_t>(disp))
                          : ptr(gpq(b), static_cast<int32_t>(disp));
  if (!(m == canon)) return 0;
  const uint32_t x = index ? m.indexId() : 0;
  size_t n = 0;
  const uint8_t rex = static_cast<uint8_t>(0x40 | (dst.isGpq() ? 8 : 0) | (r >> 3) << 2 | (x >> 3) << 1 | b >> 3);
  if (rex != 0x40) out[n++] = rex;
  out[n++] = 0x8d;
  // rbp and r13 as base take a displacement even when it is 0.
  const uint8_t mod = disp_mod(disp, (b & 7) == 5);
  if (index || (b & 7) == 4) {  // SIB (rsp and r12 as base need one too)
    out[n++] = static_cast<uint8_t>(mod | (r & 7) << 3 | 4);
    out[n++] = static_cast<uint8_t>(shift << 6 | (index ? (x & 7) : 4) << 3 | (b & 7));
  } else {
    out[n++] = static_cast<uint8_t>(mod | (r & 7) << 3 | (b & 7));
  }
  return n + put_disp(out + n, mod, disp);
}

// Fixed instruction sequences of the cold paths, assembled once by asmjit
// and copied into blocks as bytes (BaseAssembler::embed): the same bytes
// asmjit would emit, at a fraction of the cost of encoding them again for
// every exit and every memory check (issue 13: translation time).
struct StubBytes {
  uint8_t n = 0;
  uint8_t b[95];
};
struct StubTemplates {
  StubBytes store_pc;       // mov [r15 + pc], rcx
  StubBytes leave;          // jmp [r15 + jit_exit]
  StubBytes leave0;         // xor eax, eax; jmp [r15 + jit_exit]
  StubBytes leave_pc;       // jmp [r15 + jit_pc_exit]
  StubBytes leave_fault;    // jmp [r15 + jit_fault_exit]
  StubBytes ind_jump;       // jmp [r15 + jit_ind_jump]
  StubBytes fault_head;     // mov [r15 + fault_addr], rax; mov dword [r15 + fault_kind], imm32 (the last 4 bytes)
  StubBytes fault_tail[2];  // mov dword [r15 + fault_is_write], 0 / 1; mov dword [r15 + exit_reason], MemFault; leave0
  StubBytes jump_ind;       // jump_ind of a block with flags 0 after `mov rax, target`: pc, jump cache probe, on a miss leave0
  StubBytes entry_check;    // cmp dword [r15 + exit_request], 0 (the jne to the request path follows)
};
const StubTemplates& stub_templates();
// The jump cache probe of an indirect jump (target pc in rax): jumps to the
// code of the TB the jump cache holds for (rax, flags), else falls through
// (a miss). Uses rcx and rdx.
void emit_jump_cache_probe(Assembler& a, uint32_t flags);

// The default target of a chainable exit (see emit_exit_jump), which its
// jump's rel32 (at code offset rel_offset) goes to.
struct ExitStub {
  uint32_t rel_offset = 0;
  int index = 0;
  uint64_t target_pc = 0;
};

// A rematerialised guest register (backend_x86_remat.cpp) at IR position
// pos (a load or store; kRematEnd: the end of an iteration, where every way
// out of the loop leaves): what BlockRecovery::remat records there (its
// code range filled in when the access is emitted). With a temp (only at
// an access in the iteration of the set_reg, while the temp is live),
// x[xreg] is that temp's value instead: recorded where the temp is, like a
// deferred set_reg (DeferredReg, ColdStub::pending).
constexpr int kRematEnd = -1;
struct RematUse {
  int pos = kRematEnd;
  RematReg r;
  Temp temp = kNoTemp;
  int set_pos = -1;  // (plan_remat: the IR position of the set_reg it stands for)
};
// Finds them in a self-loop block: *out is ir without their set_regs (and
// the values only they read). False: none (out untouched).
bool plan_remat(const IrBlock& ir, const TranslationBlock* tb, IrBlock* out, std::vector<RematUse>* uses,
                uint8_t dropped[32]);

struct ColdStub {
  Label label;
  Label resume;
  // A memory check's Fault stub (emit_check) has no label: its jae is
  // asmjit's long form with the rel32 at code offset jump_at written when
  // the stub is placed (kNoJump: the stub is reached through `label`).
  static constexpr uint32_t kNoJump = UINT32_MAX;
  uint32_t jump_at = kNoJump;
  enum Kind { Fault, CanonD, CanonS, UnboxS, FmaNaN, CvtToInt, U64ToFp, MinMaxNaN } kind;
  uint64_t pc = 0;
  bool is_write = false;
  uint8_t xmm = 0;
  uint8_t xmm2 = 0;     // MinMaxNaN, FmaNaN: the operands are xmm and xmm2
  uint8_t dst_xmm = 0;  // (FmaNaN: the factors), the result goes to dst_xmm
  int addr_reg = -1;   // Fault: register holding the address (-1: rax)
  int ir_pos = -1;     // Fault: the access's IR position (its RematUses)
  uint8_t fault_kind = 2;  // Fault: FaultKind (OutOfRange unless Misaligned)
  int64_t helper = 0;  // FmaNaN: 1 for single; CvtToInt, U64ToFp: IrFcvt aux
  uint8_t lent = 0;    // Fault: pinned registers (kPinnedRegs bits) lent out here
  // Fault: deferred guest registers to store before leaving (x register, where).
  std::vector<std::pair<uint8_t, Loc>> pending;
  // Fault of an indexed access (Emitter::plan_indexed): the check was of
  // its base; the access's own address is `real` + real_imm.
  // Fault of an atomic's range check: a misaligned address reports
  // Misaligned instead (the interpreter checks alignment first).
  uint8_t align_mask = 0;
  bool indexed = false;
  Loc real;
  int64_t real_imm = 0;
};

class Emitter {
 public:
  Emitter(Assembler& a, const IrBlock& ir, TranslationBlock* tb,
          const std::vector<DecodedInsn>& helpers, const BackendOptions& opt,
          BlockRecovery* recovery = nullptr);
  ~Emitter();
  Emitter(const Emitter&) = delete;
  Emitter& operator=(const Emitter&) = delete;
  std::string run();

 private:
  // The per-temp and per-insn tables below live in this thread's block
  // arena until the Emitter goes (declared first: released last).
  ArenaScope arena_;

 public:
  // --- shared by the integer and FP parts ---
  Operand gp_src(Temp t, const Gp& scratch);  // readable GP operand (imm32, reg or mem)
  Gp gp_in_reg(Temp t, const Gp& scratch);     // value in a register (maybe scratch)
  Mem mem_of(const Loc& l) const;
  bool is_mem(const Loc& l) const {
    return l.kind == LocKind::GuestX || l.kind == LocKind::GuestF || l.kind == LocKind::Spill;
  }
  bool dying(Temp t) const { return last_use_[t] <= static_cast<int>(idx_); }
  bool live_after(Temp t) const { return last_use_[t] > static_cast<int>(idx_); }
  // Register for a new GP result: reuses a dying operand's pool register
  // when it can, or the pinned register of the guest register it is
  // assigned to next. Never returns a register holding a value still needed
  // (except `keep`, which the caller reads before writing).
  // load_result: for a plain load's result (a register lent for it needs no store: lend_soft_here).
  Gp alloc_gp_dst(Temp dst, Temp reuse = kNoTemp, bool load_result = false);
  // No pool register is free for `dst`: frees the one whose value is read
  // furthest in the future (moved to its guest-register home or a spill
  // slot) if that is later than dst's first read; never one holding an
  // operand of the current insn. Invalid Gp: dst is the one to spill.
  Gp take_pool_reg(Temp dst);
  bool is_operand(Temp t) const;
  // May the code of insn i write rcx/rdx (id) other than as its result?
  bool uses_scratch(const IrInsn& i, int id) const;
  // Ops whose code never writes rcx or rdx but as their result, whatever
  // their operands (uses_scratch false for both).
  static bool never_uses_scratch(IrOp op) {
    switch (op) {
      case IrOp::insn_start: case IrOp::movi: case IrOp::mov: case IrOp::get_reg: case IrOp::set_reg:
      case IrOp::sext_w: case IrOp::zext_w: case IrOp::load: case IrOp::fence:
      case IrOp::sext_b: case IrOp::sext_h: case IrOp::zext_h: case IrOp::bswap:  // (backend_x86_zb.cpp)
        return true;
      default:
        return false;
    }
  }
  // A register free for a new value, or invalid: a pool register (not
  // reserved, no owner), else a pinned register whose guest value is dead
  // here (lent out: see lendable_), never `avoid`.
  Gp free_pool_reg(int avoid = -1);
  // Pool registers and pinned registers lent out hold temps with an owner.
  bool owned_reg(int id) const;
  // A pinned register may be lent out at the current insn: its guest
  // register is written (set_reg) before it is read again and before any
  // helper call or exit, and no temp still needs its value.
  bool lendable(int pin) const;
  // t is read for the last time here from a pinned register that may be
  // lent out from this insn on (alloc_gp_dst then computes in place).
  bool reusable_pinned(Temp t) const;
  // Lends pinned register `pin` out (stores its guest value home first if a
  // memory access may fault meanwhile) / takes it back (its set_reg).
  void lend(int pin);
  void end_lend(int pin);
  void set_gp(Temp t, const Gp& r);
  void set_spill(Temp t);
  void finish_in(const IrInsn& i, const Gp& from);
  void place_result(const IrInsn& i, const Gp& d);
  int alloc_xmm();
  void free_dead_operands();
  // Moves every live temp out of `loc` (before it is overwritten).
  // With operands_too, also the operands of the current insn (before its
  // code starts: a scratch register it will write).
  void evict(LocKind kind, int index_or_reg, bool operands_too = false);
  void evict_all_volatile();
  // Places a temp may be in, for evict to skip the others without a scan
  // (issue 13: translation time). A bit is set wherever a temp's location
  // or copy (loc_, alt_reg_, xhome_) becomes that place; evict clears a
  // host register's after moving what it holds, emit_set_reg a guest
  // slot's after clearing its copies. Bits of places that hold only dead
  // temps may stay set.
  uint32_t gp_bits_ = 0;     // by host register id
  uint32_t xslot_bits_ = 0;  // by x register (LocKind::GuestX, xhome_)
  uint32_t fslot_bits_ = 0;  // by f register (LocKind::GuestF)
  void note_gp(int id) { gp_bits_ |= 1u << id; }
  void note_xslot(int x) { xslot_bits_ |= 1u << x; }
  // evict() looks at temps [scan_lo_, scan_hi_) only: below, every temp
  // was defined before the current insn and is read by none from it on;
  // from scan_hi_ up, none is defined yet (no location). def_at_: by temp,
  // the insn defining it (INT_MAX: none); defined_end_: by insn k, one past
  // the highest temp defined by insns 0..k (0: none).
  Temp scan_lo_ = 0, scan_hi_ = 0;
  ArenaArray<int> def_at_;
  ArenaArray<Temp> defined_end_;
  void advance_scan(size_t insn);
  Gp pinned_of(int xreg) const;
  // The guest reg dst goes to next (its set_reg at *at), if pinned; else -1.
  int pinned_target(Temp dst, int* at = nullptr) const;
  void emit_leave_plain();
  // n bytes into the code as asmjit's embed puts them: written straight
  // into the section's buffer while they fit and no logger listens (asmjit's
  // embed cost ~60 instructions a call, a few hundred thousand calls in a
  // start-up), else through embed (which grows the buffer or reports
  // kErrorTooLarge).
  void put(const void* b, size_t n) {
    uint8_t* p = a_._bufferPtr;
    if (n <= static_cast<size_t>(a_._bufferEnd - p) && !a_.logger()) {
      memcpy(p, b, n);
      a_._bufferPtr = p + n;
      CodeBuffer& cb = a_._section->_buffer;
      const size_t off = static_cast<size_t>(a_._bufferPtr - a_._bufferData);
      if (off > cb._size) cb._size = off;
      return;
    }
    a_.embed(b, n);
  }
  void embed(const StubBytes& s) { put(s.b, s.n); }
  const StubTemplates& stubs_ = stub_templates();  // (looked up once a block)
  // mov dst, src: encode_fast_mov's forms as bytes (unless a logger listens,
  // which should see the instruction), the others through asmjit.
  void emit_mov(const Operand& dst, const Operand& src) {
    uint8_t b[kFastMovMax];
    const size_t n = a_.logger() ? 0 : encode_fast_mov(dst, src, b);
    if (n) put(b, n);
    else a_.emit(Inst::kIdMov, dst, src);
  }
  // A guest access (encode_guest_access's forms as bytes unless a logger
  // listens; the others through asmjit).
  void emit_guest_access(GuestAccess op, const Gp& reg, const Mem& m) {
    uint8_t b[kGuestAccessMax];
    const size_t n = a_.logger() ? 0 : encode_guest_access(op, reg.id(), m, b);
    if (n) {
      put(b, n);
      return;
    }
    switch (op) {
      case GuestAccess::Zx8: case GuestAccess::Zx16: a_.movzx(reg.r32(), m); break;
      case GuestAccess::Sx8: case GuestAccess::Sx16: a_.movsx(reg.r64(), m); break;
      case GuestAccess::Ld32: a_.mov(reg.r32(), m); break;
      case GuestAccess::Sx32: a_.movsxd(reg.r64(), m); break;
      case GuestAccess::Ld64: a_.mov(reg.r64(), m); break;
      case GuestAccess::St8: a_.mov(m, reg.r8()); break;
      case GuestAccess::St16: a_.mov(m, reg.r16()); break;
      case GuestAccess::St32: a_.mov(m, reg.r32()); break;
      case GuestAccess::St64: a_.mov(m, reg.r64()); break;
    }
  }
  // An ALU op (encode_alu's forms as bytes unless a logger listens; the
  // others through asmjit).
  void emit_alu(InstId id, const Operand& dst, const Operand& src) {
    uint8_t b[kAluMax];
    const size_t n = a_.logger() ? 0 : encode_alu(id, dst, src, b);
    if (n) put(b, n);
    else a_.emit(id, dst, src);
  }
  // lea (encode_lea's forms as bytes unless a logger listens; the others
  // through asmjit).
  void emit_lea(const Gp& dst, const Mem& m) {
    uint8_t b[kLeaMax];
    const size_t n = a_.logger() ? 0 : encode_lea(dst, m, b);
    if (n) put(b, n);
    else a_.lea(dst, m);
  }
  // A long jmp (cc kNoCond), call (kCallRel) or jcc whose rel32 patch_rel32 fills in later
  // (asmjit's bytes for a jump to a label not bound yet, without the label):
  // returns the rel32's code offset.
  uint32_t emit_jump_rel32(CondCode cc);
  // The rel32 at `at` (from emit_jump_rel32) jumps to the current offset.
  void patch_rel32(uint32_t at);
  void emit_leave0() { embed(stubs_.leave0); }  // leave with rax = 0
  // mov rcx, pc; mov [r15 + pc], rcx.
  void emit_store_pc(uint64_t pc) {
    emit_pc_in_rcx(pc);
    embed(stubs_.store_pc);
  }
  // Leaves with pc as the next pc: mov rcx, pc; jmp [r15 + jit_pc_exit]
  // (the dispatcher stores it; 9 bytes fewer than a store and leave0 here).
  void emit_leave_at(uint64_t pc) {
    emit_pc_in_rcx(pc);
    embed(stubs_.leave_pc);
  }
  // mov rcx, pc, written as asmjit encodes it (REX.W C7 /0 imm32 for a
  // sign-extended 32-bit value, else REX.W B9 imm64) without its encoder:
  // every block's exit-request path and every fault stub has one.
  void emit_pc_in_rcx(uint64_t pc) {
    uint8_t b[10];
    size_t n;
    if (fits_i32(static_cast<int64_t>(pc))) {
      const int32_t v = static_cast<int32_t>(pc);
      b[0] = 0x48, b[1] = 0xc7, b[2] = 0xc1;
      memcpy(b + 3, &v, 4);
      n = 7;
    } else {
      b[0] = 0x48, b[1] = 0xb9;
      memcpy(b + 2, &pc, 8);
      n = 10;
    }
    put(b, n);
  }
  void emit_exit_jump(int index, uint64_t target_pc, CondCode cc = kNoCond);
  void emit_exit_stub(const ExitStub& s);

  // --- self-loop blocks (backend_x86_loop.cpp) ---
  // A block whose terminator jumps back to its own start keeps guest
  // registers it uses in the host registers of pins it does not use, from
  // its entry to its exits: the back edge jumps to the loop head with them
  // in place. plan_loop decides (before the allocator's backward passes,
  // which see the re-homed registers as pinned); the others emit.
  void plan_loop();
  // A block with no guest memory access, helper call or side exit (pure
  // ALU code: ARX rounds) lends r14 to the pool; it is reloaded from
  // CpuState::mem_base before the terminator (every way out of the block:
  // the exit stubs and chained blocks expect it).
  void plan_mem_free();
  void end_mem_free();
  // cmp exit_request; if up, r14 := kPoisonedMemBase (after a call into
  // hartd, where a kick poisoned nothing), or mem_base_reload in a
  // mem_free block (r14 may hold a guest value there).
  void emit_poison_if_requested();
  bool mem_free_ = false;
  bool mem_free_block_ = false;  // mem_free_ as planned (end_mem_free clears mem_free_)
  // Is Gp id a temp register in this block (kPool; r14 only while mem_free_)?
  bool is_pool(int id) const {
    return (kPoolMask >> id & 1) && !(inv_mask_ >> id & 1) && (id != static_cast<int>(kMem.id()) || mem_free_);
  }
  void emit_loop_entry();   // the re-homed pins' guest values out, the residents in; loop head
  void emit_loop_leave(bool sext = true);  // residents written back, the pins' guest values in
  void emit_loop_branch(const IrInsn& i, CondCode cc);  // brcond (after its cmp) / goto_tb
  void finish_loop();       // the exit-request stub, recovery ranges
  // exit_if (a superblock's side exits, up to kMaxSideExits): in a
  // self-loop block the cold path that leaves for its target — after
  // emit_loop_leave, through a chainable exit while one is free (side exits
  // to one target share it), else a plain exit; in a plain block the jcc
  // itself is a chainable exit while one is free (plain_exit_next_), else
  // it goes to such a cold path.
  struct SideExit {
    Label label;
    uint64_t target;
  };
  std::vector<SideExit> side_exits_;
  int side_exit_index_ = 0;  // the first chainable exit a self-loop block's side exits use
  int plain_exit_next_ = kTbExits;  // the next chainable exit a plain block's side exit takes
  void emit_side_exits();
  const PinTable& pins() const { return pt_; }
  struct LoopReg {
    uint8_t pin;    // index in kPinnedRegs whose host register it borrows
    uint8_t xreg;   // the guest register resident there
    bool dirty;     // written in the block: stored at exits
  };
  bool loop_ = false;
  int n_loop_ = 0;
  LoopReg loop_regs_[7] = {};
  // A self-loop's invariants (plan_invariants): guest registers its body
  // reads and never writes, loaded in the preamble into pool registers
  // taken out of the pool for the block (inv_mask_: their Gp ids). Their
  // CpuState slots stay exact, so no exit stores them and no recovery
  // record names them.
  // A self-loop's accesses at x + (index << sh) + imm with x a register
  // the loop does not write ("based" accesses: table lookups such as
  // gzip's prev[cur & wmask]) run at [hb + index << sh + imm], hb = r14 + x
  // from the preamble; their check computes the address beside them (`lea
  // rax, [x + index << sh + imm]; cmp rax, limit`), off the chain of
  // loads. A kick poisons r14, not hb: only loops with another access,
  // through r14, in every round have based accesses.
  void plan_invariants();
  void plan_based(const bool written[32], int* budget);
  int8_t take_spare_reg();  // the first of r11, rdi, rsi not in inv_mask_ (then in it)
  void emit_based_entry();
  Mem emit_based_check(const IrInsn& i, bool is_write);
  Operand xreg_value(int x) const;  // a register the loop does not write: its host register or slot
  int8_t inv_host_[32];  // by guest register: the Gp id holding it (-1: none)
  uint32_t inv_mask_ = 0;
  struct BasedAccess {
    Temp idx = kNoTemp;
    uint8_t x = 0, sh = 0;
    int8_t hb = -1;  // Gp id
  };
  ArenaArray<BasedAccess> based_;  // by insn (size 0: none in the block)
  ArenaArray<bool> based_def_;     // by insn: an add/shadd only based accesses read (not emitted)
  struct BasedReg {
    uint8_t x;
    int8_t hb;  // Gp id of r14 + x
  };
  BasedReg based_regs_[3] = {};
  int n_based_regs_ = 0;
  Label loop_head_, loop_req_;
  uint32_t loop_start_ = 0;  // code offset of the loop head
  // A self-loop's rounds do not read the exit request (plan_unpolled): a
  // kick poisons r14 instead. loop_accesses_ counts the guest accesses
  // emitted (one at least, or a kick goes unseen).
  bool unpolled_ = false;
  // A plain block's entry does not read the request: its first guest
  // access (IR index first_access_, checked emitted) comes before any way
  // out (plan_unpolled).
  bool skip_entry_read_ = false;
  int first_access_ = -1;
  bool loop_access_ = false;  // the self-loop's body has a load or store (plan_loop)
  int loop_accesses_ = 0;
  void plan_unpolled();
  // FP registers of a self-loop block held in xmm10-13 across iterations
  // (plan_fp_loop; xmm10-13 cache vector registers in other blocks, and a
  // self-loop has no vector op): loaded before the loop head, stored at
  // the exits if written. box: read as a single at the loop head, every
  // value the body gives it a NaN-boxed single, and checked boxed before
  // the loop (else the kTbChecked form runs): its values need no box check.
  struct FpLoopReg {
    uint8_t freg, xmm;
    bool dirty, box;
  };
  static constexpr int kFpLoopMax = 4, kFpLoopFirst = kXmmPoolSize;  // (the cold calls save both)
  int n_fp_loop_ = 0;
  FpLoopReg fp_loop_regs_[kFpLoopMax] = {};
  int8_t fp_res_[32] = {};  // by f register: index in fp_loop_regs_, -1: none
  void plan_fp_loop();      // after the forward walk (boxed_, def_at_)
  void evict_fp_resident(int k);  // temps in resident k's xmm move out before it is written
  PinTable pt_ = PinTable::initial();
  // ir_ itself, when emit_block gave the Emitter a copy of its own (self-loop
  // candidates): plan_narrow may then point readers past extensions.
  IrBlock* own_ir_ = nullptr;
  // Rematerialised registers (backend_x86_remat.cpp; set by emit_block).
  std::vector<RematUse> remat_;
  uint8_t remat_dropped_[32] = {};  // by x register: set_regs taken out
  void emit_remat(int pos, bool after_first);  // stores x[xreg] = op(x[src]) of those uses
  void emit_remat_at(int pos);                  // all uses at pos (the flag decides after_first ones)
  void note_remat(uint32_t start);              // BlockRecovery::remat records of the access at idx_

  // --- integer part (backend_x86.cpp) ---
  void emit_int(const IrInsn& i);  // (an error: error_)
  void emit_binop(const IrInsn& i, InstId id, bool commutative);
  bool emit_three_operand(InstId id, const Gp& work, const Operand& sa, Temp b);
  bool emit_word_op(const IrInsn& i);  // add/sub/mul + sext_w as one 32-bit op
  void emit_shift(const IrInsn& i, InstId id, bool w);
  void emit_div(const IrInsn& i);
  // --- memory checks (backend_x86_mem.cpp) ---
  // Checks the guest address of a load/store and returns the register
  // holding it (the base register itself when there is no offset, else rax).
  Gp emit_address(const IrInsn& i, bool is_write) { return emit_check(i.a, i.imm, is_write); }
  // Checks base + imm < mem_limit (into rax unless base is a register and
  // imm 0). With `real`, the check covers an access elsewhere, at real +
  // real_imm (an indexed access, or the base's lowest displacement checked
  // for a later one): when the check fails and that access is in range, the
  // block leaves exact before the insn and the dispatcher runs that insn
  // alone (CpuState::one_insn_once).
  Gp emit_check(Temp base, int64_t imm, bool is_write, Temp real = kNoTemp, int64_t real_imm = 0);
  // `cmp addr, [r15 + mem_limit]; jae` to a Fault stub recording the
  // state here (emit_check's second half; a based access's check).
  void emit_limit_check(const Gp& addr, bool is_write, Temp real, int64_t real_imm);
  void emit_fault_stub(const ColdStub& s);
  // Loads and stores whose address is add(base, index) with an index known
  // to be small (bound_): indexed_[insn] = {base, bound of the index}. The
  // base stays live until the access (last_use_), and one check of
  // base + disp covers every such access at disp2 >= disp while
  // disp2 - disp + bound + size <= kGuardBytes, like checked_disp_.
  void plan_indexed();
  // A constant index (an addi before the access) needs no live base: the
  // access is checked at its own address as usual, which also checks
  // base + index + imm for the base's later accesses (and may use the
  // base's earlier check).
  struct Indexed {
    Temp base = kNoTemp;
    uint32_t span = 0;
    bool constant = false;
    int64_t value = 0;  // constant: the index
    bool wide = false;  // an index below kWideIndexBytes (span 0: the wide guard covers it)
  };
  ArenaArray<Indexed> indexed_;
  // By temp: the lowest displacement and the highest end (disp + size) of
  // the block's plain and constant-index accesses through it (INT64_MAX: none). The
  // first check of a base is made at its lowest displacement when the span
  // fits the guard, so that a stack frame's saves and restores at
  // descending offsets (sd ra,40(sp); sd s0,32(sp); ...) need one check,
  // not one each; see "Memory checks" in docs/ARCHITECTURE.md.
  ArenaArray<int64_t> low_disp_, high_end_;
  // Self-loop blocks: a base that is a guest register's value at the loop
  // head and that the back edge advances by a constant stride (an induction
  // pointer: `ld a2,0(a5); addi a5,a5,8`) is checked once, in the preamble,
  // at the lowest displacement of the iteration's accesses through it; the
  // body checks it no more (see "Memory checks" in docs/ARCHITECTURE.md).
  struct InductionBase {
    Temp base;
    int xreg;             // base's value at the head: this guest register's
    int add_xreg;         // ... plus this one's (-1: none)
    int64_t low;          // lowest displacement of an access through base
    int stride_xreg;      // -1, or the guest register (unwritten) whose value is the stride
    int64_t smin, smax;   // ... which must lie in [smin, smax]
  };
  std::vector<InductionBase> induction_;
  // Self-loop blocks (both passes below): which guest register's value at
  // the loop head each temp is (head_of_: its get_reg comes before any
  // set_reg of the register; -1 none), and each register's last set_reg
  // (last_set_, -1 none).
  void plan_heads();
  ArenaArray<int8_t> head_of_;
  int last_set_[32];
  void plan_induction();        // after plan_loop, plan_indexed and plan_heads
  void emit_induction_checks();  // in the preamble, before the loop head
  // Narrow loop registers (backend_x86_loop.cpp): a guest register held in
  // a host register across the loop whose values at the head are read only
  // for their low 32 bits and whose last set_reg in the body is a sext_w
  // gets the value before that extension (set_src_: the set_reg's operand
  // instead), so that a word counter's chain is one op per round, not two
  // (`addw a4,a4,a5`: lea + movsxd). The host register then holds x's low
  // 32 bits with its upper half unspecified; x = sext32 of it, which every
  // way out applies (emit_loop_leave) and fault recovery too
  // (DeferredReg::HostRegSext32). The preamble checks that x is already
  // sign-extended from 32 bits (else the kTbChecked form runs).
  void plan_narrow();
  void drop_low_extensions(const ArenaArray<bool>& low);  // (plan_narrow's last step, on own_ir_)
  bool narrow_[32] = {};
  ArenaArray<Temp> set_src_;
  // 32-bit compares (plan_narrow): by insn, the brcond/exit_if operands
  // whose low halves it compares (kNoTemp: a 64-bit compare); sext_check_:
  // invariant registers such compares read, which the preamble checks are
  // sign-extended from 32 bits.
  struct Cmp32 {
    Temp a = kNoTemp, b = kNoTemp;
  };
  ArenaArray<Cmp32> cmp32_;
  bool sext_check_[32] = {};
  Label preamble_fail_;
  // The host operand of a plain load/store, [r14 + base + imm]: checked
  // like emit_address unless an earlier access of this block checked the
  // same base temp at a displacement <= imm (see checked_disp_).
  Mem emit_guest_mem(const IrInsn& i, bool is_write);
  void emit_set_reg(const IrInsn& i);
  void emit_helper(const IrInsn& i);
  void emit_jump_ind(const IrInsn& i);
  void emit_atomic(const IrInsn& i);

  // --- guest calls and returns on host call/ret (backend_x86_call.cpp) ---
  // Whether this block's calls push the shadow stack and its returns pop it.
  bool shadow_ok() const;
  void emit_call_known(const IrInsn& i);  // goto_tb, a call
  void emit_call_ind(const IrInsn& i);    // jump_ind, a call
  void emit_ret(const IrInsn& i);         // jump_ind, a return
  // Room for one more frame; rsp to it (minus the return address). Its
  // cold path (the stack dropped) is emit_shadow_full's, after the landing.
  struct ShadowPush {
    Label full, room;
  };
  ShadowPush emit_shadow_push();
  void emit_shadow_full(const ShadowPush& p);
  void emit_landing(uint64_t ret_pc, int exit_index);

  // --- vector fast paths (backend_x86_v.cpp) ---
  void emit_vector(const IrInsn& i);
  void emit_vector_cold();  // the slow paths (interpreter, then leave), after the block
  struct VecSlow {
    Label label;
    int64_t helper;
    uint64_t pc, next_pc;
  };
  std::vector<VecSlow> vec_slow_;
  // What the code after the last vec op of this block has established
  // (reset by anything that may change the vector state: call_interp).
  size_t vec_last_ = SIZE_MAX;
  bool vec_full_ = false;    // vl = VLMAX of the known vtype and vstart = 0
  bool vec_vstart0_ = false; // vstart = 0
  bool vec_vtype_ok_ = false;  // a speculative vtype was checked
  bool vec_tmask_ok_ = false;  // xmm13 = lanes below vl, for elements of vec_tmask_ew_ bits
  unsigned vec_tmask_ew_ = 0;
  // Copies of whole vector registers in xmm10-12 (and xmm1-9 in blocks
  // without scalar FP: vcache_slots_ = kVecCacheWide; write-through:
  // CpuState::v stays exact): by guest register the cache slot (-1: none),
  // by slot the guest register (-1: free) and when it was last used.
  int8_t vcache_[32];
  int8_t vcache_reg_[kVecCacheWide];
  uint32_t vcache_used_[kVecCacheWide];
  uint32_t vcache_clock_ = 0;
  int vcache_slots_ = kVecCacheSize;

  // --- bit-manipulation ops (backend_x86_zb.cpp) ---
  void emit_bitmanip(const IrInsn& i);  // (an error: error_)
  // The condition of a select, brcond or exit_if: `cmp a, b` (`test a, a`
  // against 0), or `test a, b` with kCondTest; returns the x86 condition
  // (reversed when a constant a is compared second). Scratch: rax, rdx.
  // w32: the operands' low halves (a 32-bit compare: plan_narrow's Cmp32).
  CondCode emit_compare(Temp a, Temp b, uint8_t aux, bool w32 = false);
  // The flags left by the last select's compare: its insn, operands and
  // the code offset right after its cmov. A select with the same compare
  // reuses them when no code was emitted since and only register moves
  // without code (get_reg, set_reg, movi, insn_start) lie between in the IR
  // (a diamond writing several pinned registers).
  struct FlagsFrom {
    int idx = -1;
    Temp a = kNoTemp, b = kNoTemp;
    uint8_t test = 0;
    bool swapped = false;  // the compare had its operands swapped (reverseCond)
    uint32_t end = 0;
  } flags_from_;
  bool flags_hold(const IrInsn& i) const;
  // The zero flag of an ALU result: emit_binop's and/or/xor/add/sub into
  // the temp's register, the last code emitted, with only register moves
  // of the IR (which emit nothing) since. A compare of that temp with 0
  // that comes right after needs no `test` (and/or/xor for any condition:
  // they clear CF and OF as test does; add/sub for eq/ne only).
  struct ZeroFlag {
    int idx = -1;
    Temp t = kNoTemp;
    int reg = -1;
    bool logic = false;
    uint32_t end = 0;
  } zf_;
  bool zero_flag_holds(Temp t, const Operand& sa, CondCode cc) const;
  // Only IR register moves (which emit nothing) between insn `from` and this one.
  bool only_moves_since(int from) const;

  // --- FP part (backend_x86_fp.cpp) ---
  void emit_fp(const IrInsn& i);  // (an error: error_)
  Xmm xmm_src(Temp t, const Xmm& scratch, bool single);
  Xmm alloc_xmm_dst(Temp dst, Temp reuse);
  void canonicalize(const Xmm& x, bool single, const ColdStub* fma = nullptr, bool boxed = false);
  void finish_fp(const IrInsn& i, const Xmm& d, bool single, const ColdStub* fma = nullptr,
                 bool boxed = false);  // boxed: d's bits 32..63 are ones already
  bool boxed_in(Temp t, const Xmm& x) const;
  int spill_xmm();
  void emit_set_freg(const IrInsn& i);
  void emit_fcmp(const IrInsn& i);
  void emit_unbox(const IrInsn& i);
  void emit_fflags(const IrInsn& i);
  void emit_cold_fp(const ColdStub& s);
  void emit_fcvt_fi(const IrInsn& i);
  void emit_fcvt_if(const IrInsn& i);
  void emit_fminmax(const IrInsn& i);
  void emit_fclass(const IrInsn& i);
  void emit_cold_call_saved(uint64_t fn);
  // kTbCount blocks (backend_x86_count.cpp): the entry that names the block
  // and takes its instructions off the budget, and the cold path that
  // leaves when they do not fit.
  void emit_count_entry();
  void emit_count_cold();

  Assembler& a_;
  const IrBlock& ir_;
  TranslationBlock* tb_;
  const std::vector<DecodedInsn>& helpers_;
  BackendOptions opt_;
  ArenaArray<Loc> loc_;
  ArenaArray<int> last_use_;
  ArenaArray<Temp> gp_owner_;  // by Gp id: temp in that pool register, or kNoTemp
  ArenaArray<Temp> xmm_owner_; // by xmm id
  ArenaArray<bool> slot_busy_;
  ArenaArray<bool> boxed_;  // by temp: a NaN-boxed single by construction
  // By temp: a load loaded into an XMM register (plan_fp_loads): an fld
  // whose readers are all set_freg or FP ops reading XMM operands, or an
  // flw whose one reader is its NaN-boxing or_ (box_or_), read so.
  ArenaArray<bool> fp_load_;
  ArenaArray<bool> box_or_;  // by temp: flw's boxing or_ of such a load (emit_box_or)
  void plan_fp_loads();
  void emit_box_or(const IrInsn& i);
  // Next reads, for choosing what to spill: next_use_[t] is the index of
  // the next insn reading t (INT_MAX: none); first_use_[k] the first reader
  // of insn k's result; arg_next_[kIrMaxArgs * k + j] the next reader after k of k's
  // argument j.
  ArenaArray<int> next_use_, first_use_, arg_next_;
  // By temp: the guest x register (not pinned) whose CpuState slot holds
  // the same value since a set_reg, or -1. A temp with a home is dropped
  // from its pool register without a store when the register is needed.
  ArenaArray<int8_t> xhome_;
  // By temp: a pinned host register that also holds its value since a
  // set_reg copied it there (until that register is written), or -1.
  ArenaArray<int8_t> alt_reg_;
  // Moves t (in register `leaving`) to a copy it has elsewhere — alt_reg_
  // or xhome_ — without code. False if it has none.
  bool drop_to_copy(Temp t, int leaving);
  // A pool register whose temp is next read after insn `before` and has a
  // copy elsewhere (drop_to_copy) or no reader left; invalid if none.
  Gp take_clean_reg(int before);
  // Before insn i: an operand read in place from its guest register's slot
  // that is read again later moves to a free pool register (one load
  // instead of one per read); the slot stays its copy.
  void promote_operands(const IrInsn& i);
  // By temp: the smallest displacement at which a memory access of this
  // block has checked `temp + disp < mem_limit` (INT64_MAX: none). A later
  // access at disp2 >= disp (disp2 - disp + size <= kGuardBytes) needs no
  // check: it lands below the limit or in the guard, where the host fault
  // becomes the guest's SIGSEGV with the exact address and pc.
  ArenaArray<int64_t> checked_disp_;
  bool reserved_[16] = {};  // by Gp id: rcx/rdx while the current insn uses them as scratch
  // Lending pinned registers (see "Register allocation" in
  // docs/ARCHITECTURE.md). By insn, bit p for kPinnedRegs[p]: lend_ok_ —
  // the guest register's next access after this insn is a set_reg, with no
  // helper call, exit or FP state read before it (and this insn does not
  // access it); lend_soft_ — a memory access that may fault lies between.
  ArenaArray<uint8_t> lend_ok_, lend_soft_;
  bool lending_load_dst_ = false;  // lending the register a plain load's result goes to (alloc_gp_dst)
  bool lend_soft_here(int p) const;
  int pin_busy_until_[16];  // by Gp id: last reader of the guest value a pinned register holds
  uint8_t lent_ = 0;        // kPinnedRegs bits lent out now
  uint32_t lent_start_[8] = {};  // code offset where each lent range began (guest value home)
  BlockRecovery* rec_ = nullptr;
  bool lent_open_ = false;  // a lent range in *rec_ ends after the current insn
  // Deferred set_regs of registers not pinned: next_set_[k] is, for a
  // set_reg at k, the index of the next set_reg of the same register when
  // only plain loads and stores lie between (no get_reg of it, helper call,
  // exit, atomic or FP state read), else -1. Such a set_reg stores nothing:
  // its temp stays live until then and is recorded at each memory access
  // (rec_->deferred) and in the fault stubs; if it must leave its register
  // first, it is stored home then (park).
  ArenaArray<int> next_set_;
  // By insn: the last insn before it that may fault (-1: none). A deferred
  // value is kept only until the last access before x's next set_reg
  // (pending_until_): nothing can see x after that.
  ArenaArray<int> prev_fault_;
  Temp pending_[32];                   // by x register: the deferred value, or kNoTemp
  uint32_t pending_bits_ = 0;          // bit x: pending_[x] holds a value
  int pending_until_[32] = {};         // by x register: the last insn that may see it
  ArenaArray<uint32_t> pending_mask_; // by temp: x registers it is the deferred value of
  void cancel_pending(int x);
  void park(Temp t, const Gp& from);   // stores t's deferred registers from `from`
  void park_dying(const IrInsn& i);
  ArenaArray<int> real_last_;         // by temp: its last reader (last_use_ may be later: deferred)
  std::vector<std::pair<uint8_t, Loc>> pending_now() const;
  // Where each deferred register is now (no allocation: a load takes it
  // before its result may take one of those registers).
  struct PendingPlaces {
    int n = 0;
    uint8_t x[32];
    Loc l[32];
  };
  PendingPlaces pending_places() const;
  // Records where each deferred register is while code [start, a_.offset())
  // runs: now, or as `before` says.
  void note_pending(uint32_t start, const PendingPlaces* before = nullptr);
  void note_at(uint32_t start, int x, const Loc& l, bool remat = false);  // DeferredReg: x[x] is at l in [start, here)
  size_t idx_ = 0;
  uint64_t cur_pc_ = 0;

 public:
  PcMap pc_map;  // filled at each insn_start; moved into the TB at the end

 private:
  std::vector<ColdStub> cold_;
  std::vector<ExitStub> exit_stubs_;
  Label count_label_;  // kTbCount: the budget is short
  std::string error_;
};

// The dispatcher's part of counting (backend_x86_count.cpp): the budget
// into the frame's kCountSlot on entry (CpuState::count_slot names it),
// back to CpuState::icount_budget on the way out. Uses rcx.
void emit_dispatch_count_in(Assembler& a);
void emit_dispatch_count_out(Assembler& a);

}  // namespace hart::x86be
