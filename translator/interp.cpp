// translator/interp.cpp — the reference interpreter: RV64I, M, A, Zicsr,
// Zifencei semantics and F/D loads/stores, plus the fetch/decode/execute
// loop (interp_run). F/D arithmetic is in interp_fp.cpp / fp_ops.cpp, the
// bit-manipulation extensions (Zba/Zbb/Zbs/Zbc) in interp_zb.cpp, V 1.0 in
// interp_v*.cpp (vector CSRs included). The RVA23 scalar memory
// instructions (flh/fsh, Zicbom, Zacas, Zabha) are here.
// Owns: integer semantics, guest memory access rules for the interpreter
// (range check, host atomics for A), the user-mode CSR set. Does not own:
// what an ecall does (linux-abi), TB invalidation on fence.i (the JIT/vCPU:
// fence.i only advances pc here and ends the TB in the JIT).
//
// CSRs: fflags 0x001, frm 0x002, fcsr 0x003 (read/write); cycle 0xC00 (host
// TSC), time 0xC01 (CLOCK_MONOTONIC in 10 MHz ticks, the timebase of
// QEMU's virt board and common RISC-V boards), instret 0xC02 (the host
// TSC too, plus the instructions this interpreter ran: translated code does
// not count instructions — that would put a memory update on every block —
// so instret is monotonic but not exact, as with qemu-riscv64). While a
// process is recorded or replayed, the counter values pass through
// CpuState::counter_hook (logged, or fed back from the log). Writes to the read-only counters and any other CSR are
// illegal instructions.
#include "translator/interp.h"

#include <sys/mman.h>
#include <time.h>
#include <x86intrin.h>

#include <cstring>
#include <type_traits>

#include "core/address_space.h"
#include "core/vcpu.h"
#include "translator/fp_ops.h"

namespace hart {

namespace {

inline void wx(CpuState& s, unsigned rd, uint64_t v) {
  if (rd) s.x[rd] = v;
}
inline uint64_t sx32(uint64_t v) { return static_cast<uint64_t>(static_cast<int64_t>(static_cast<int32_t>(v))); }

[[noreturn]] void mem_fault(FaultKind kind, uint64_t addr, bool is_write) {
  Vcpu::current()->raise_fault(kind, addr, is_write);
}

// Host pointer for a guest access of size bytes, after Supm's pointer
// masking (CpuState::pmlen) and the range check of its first byte.
// An access that crosses the limit runs on the host like the JIT's: it
// faults at the first byte it cannot reach — in the guard after the
// reservation (OutOfRange at the limit), or below the limit, where the
// page it starts in is unmapped (Unmapped at its first byte).
inline uint8_t* guest_ptr(CpuState& s, uint64_t addr, bool is_write) {
  addr = pointer_mask(addr, s.pmlen);
  if (addr >= s.mem_limit) mem_fault(FaultKind::OutOfRange, addr, is_write);
  return s.mem_base + addr;
}

template <class T>
inline T load(CpuState& s, uint64_t addr) {
  T v;
  std::memcpy(&v, guest_ptr(s, addr, false), sizeof(T));
  // A load into x0 still faults: the compiler may not drop the dead access.
  asm volatile("" : : "m"(v));
  return v;
}
template <class T>
inline void store(CpuState& s, uint64_t addr, T v) {
  std::memcpy(guest_ptr(s, addr, true), &v, sizeof(T));
}

// Aligned host pointer for an atomic access (A extension needs natural alignment).
template <class T>
inline T* atomic_ptr(CpuState& s, uint64_t addr, bool is_write) {
  if (addr & (sizeof(T) - 1)) mem_fault(FaultKind::Misaligned, addr, is_write);
  return reinterpret_cast<T*>(guest_ptr(s, addr, is_write));
}

bool set_illegal(CpuState& s, const DecodedInsn& d) {
  s.exit_reason = ExitReason::IllegalInsn;
  s.insn_bits = d.bits;
  return false;
}

uint64_t time_10mhz() {
  timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return static_cast<uint64_t>(ts.tv_sec) * 10000000u + static_cast<uint64_t>(ts.tv_nsec) / 100u;
}

bool csr_read(CpuState& s, uint32_t csr, uint64_t* v) {
  switch (csr) {
    case 0x001: *v = s.fflags; return true;
    case 0x002: *v = s.frm; return true;
    case 0x003: *v = s.fcsr(); return true;
    case 0xc00: *v = __rdtsc(); break;
    case 0xc01: *v = time_10mhz(); break;
    case 0xc02: *v = __rdtsc() + s.instret; break;
    default: return vcsr_read(s, csr, v);
  }
  if (s.counter_hook) *v = s.counter_hook(s.counter_ctx, csr, *v);  // record/replay
  return true;
}

bool csr_write(CpuState& s, uint32_t csr, uint64_t v) {
  switch (csr) {
    case 0x001: s.fflags = v & 0x1f; return true;
    case 0x002: s.frm = v & 7; return true;
    case 0x003: s.set_fcsr(static_cast<uint32_t>(v & 0xff)); return true;
    default: return vcsr_write(s, csr, v);  // counters are read-only; others do not exist
  }
}

// Zicsr. Returns false if the access is illegal (state not changed).
bool do_csr(CpuState& s, const DecodedInsn& d) {
  const uint32_t csr = static_cast<uint32_t>(d.imm) & 0xfff;
  const bool imm_form = d.info().format == InsnFormat::CSRI;
  const uint64_t src = imm_form ? d.rs1 : s.x[d.rs1];
  uint64_t old = 0;
  if (!csr_read(s, csr, &old)) return set_illegal(s, d);
  uint64_t nv;
  bool write;
  switch (d.op) {
    case Opcode::csrrw:
    case Opcode::csrrwi: nv = src; write = true; break;
    case Opcode::csrrs:
    case Opcode::csrrsi: nv = old | src; write = d.rs1 != 0; break;
    default: nv = old & ~src; write = d.rs1 != 0; break;
  }
  if (write && !csr_write(s, csr, nv)) return set_illegal(s, d);
  wx(s, d.rd, old);
  return true;
}

template <class T>
T amo_apply(Opcode op, T* p, T v) {
  using S = std::make_signed_t<T>;
  switch (op) {
    case Opcode::amoswap_w: case Opcode::amoswap_d: return __atomic_exchange_n(p, v, __ATOMIC_SEQ_CST);
    case Opcode::amoadd_w: case Opcode::amoadd_d: return __atomic_fetch_add(p, v, __ATOMIC_SEQ_CST);
    case Opcode::amoxor_w: case Opcode::amoxor_d: return __atomic_fetch_xor(p, v, __ATOMIC_SEQ_CST);
    case Opcode::amoand_w: case Opcode::amoand_d: return __atomic_fetch_and(p, v, __ATOMIC_SEQ_CST);
    case Opcode::amoor_w: case Opcode::amoor_d: return __atomic_fetch_or(p, v, __ATOMIC_SEQ_CST);
    default: break;
  }
  T old = __atomic_load_n(p, __ATOMIC_SEQ_CST);
  for (;;) {
    T nv;
    switch (op) {
      case Opcode::amomin_w: case Opcode::amomin_d: nv = static_cast<S>(old) < static_cast<S>(v) ? old : v; break;
      case Opcode::amomax_w: case Opcode::amomax_d: nv = static_cast<S>(old) > static_cast<S>(v) ? old : v; break;
      case Opcode::amominu_w: case Opcode::amominu_d: nv = old < v ? old : v; break;
      default: nv = old > v ? old : v; break;  // amomaxu
    }
    if (__atomic_compare_exchange_n(p, &old, nv, false, __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST)) return old;
  }
}

template <class T>
uint64_t widen(T v) {  // B/H/W results are sign-extended
  return static_cast<uint64_t>(static_cast<int64_t>(static_cast<std::make_signed_t<T>>(v)));
}

template <class T>
void do_lr(CpuState& s, const DecodedInsn& d, uint64_t addr) {
  addr = pointer_mask(addr, s.pmlen);  // the reservation is on the masked address
  T* p = atomic_ptr<T>(s, addr, false);
  T v = __atomic_load_n(p, __ATOMIC_SEQ_CST);
  s.res_addr = addr;
  s.res_value = v;
  s.res_size = sizeof(T);
  wx(s, d.rd, widen(v));
}

template <class T>
void do_sc(CpuState& s, const DecodedInsn& d, uint64_t addr) {
  addr = pointer_mask(addr, s.pmlen);
  T* p = atomic_ptr<T>(s, addr, true);
  bool ok = false;
  if (s.res_size == sizeof(T) && s.res_addr == addr) {
    T expected = static_cast<T>(s.res_value);
    ok = __atomic_compare_exchange_n(p, &expected, static_cast<T>(s.x[d.rs2]), false, __ATOMIC_SEQ_CST,
                                     __ATOMIC_SEQ_CST);
  }
  s.res_size = 0;
  wx(s, d.rd, ok ? 0 : 1);
}

template <class T>
void do_amo(CpuState& s, const DecodedInsn& d, uint64_t addr) {
  T* p = atomic_ptr<T>(s, addr, true);
  T old = amo_apply<T>(d.op, p, static_cast<T>(s.x[d.rs2]));
  wx(s, d.rd, widen(old));
}

// Zabha: the byte/halfword AMO's word form (amo_apply's operation).
Opcode amo_word_form(Opcode op) {
  switch (op) {
    case Opcode::amoswap_b: case Opcode::amoswap_h: return Opcode::amoswap_w;
    case Opcode::amoadd_b: case Opcode::amoadd_h: return Opcode::amoadd_w;
    case Opcode::amoxor_b: case Opcode::amoxor_h: return Opcode::amoxor_w;
    case Opcode::amoand_b: case Opcode::amoand_h: return Opcode::amoand_w;
    case Opcode::amoor_b: case Opcode::amoor_h: return Opcode::amoor_w;
    case Opcode::amomin_b: case Opcode::amomin_h: return Opcode::amomin_w;
    case Opcode::amomax_b: case Opcode::amomax_h: return Opcode::amomax_w;
    case Opcode::amominu_b: case Opcode::amominu_h: return Opcode::amominu_w;
    default: return Opcode::amomaxu_w;
  }
}

template <class T>
void do_amo_narrow(CpuState& s, const DecodedInsn& d, uint64_t addr) {
  T* p = atomic_ptr<T>(s, addr, true);
  wx(s, d.rd, widen(amo_apply<T>(amo_word_form(d.op), p, static_cast<T>(s.x[d.rs2]))));
}

// Zacas: compare memory with rd, store rs2 if equal; rd gets the old value
// (sign-extended). The compare-and-exchange writes (faults as a store)
// whether or not it stores.
template <class T>
void do_amocas(CpuState& s, const DecodedInsn& d, uint64_t addr) {
  T* p = atomic_ptr<T>(s, addr, true);
  T expected = static_cast<T>(s.x[d.rd]);
  __atomic_compare_exchange_n(p, &expected, static_cast<T>(s.x[d.rs2]), false, __ATOMIC_SEQ_CST,
                              __ATOMIC_SEQ_CST);
  wx(s, d.rd, widen(expected));
}

// amocas.q: 128 bits with lock cmpxchg16b; rd/rd+1 and rs2/rs2+1 are the
// register pairs (low half in the even register; x0 as a pair reads 0 and
// is not written). Odd rd or rs2 is reserved: an illegal instruction.
bool do_amocas_q(CpuState& s, const DecodedInsn& d, uint64_t addr) {
  if ((d.rd & 1) || (d.rs2 & 1)) return set_illegal(s, d);
  if (addr & 15) mem_fault(FaultKind::Misaligned, addr, true);
  auto* p = reinterpret_cast<unsigned __int128*>(guest_ptr(s, addr, true));
  const bool pair_rd = d.rd != 0, pair_rs2 = d.rs2 != 0;
  uint64_t lo = pair_rd ? s.x[d.rd] : 0, hi = pair_rd ? s.x[d.rd + 1] : 0;
  const uint64_t nlo = pair_rs2 ? s.x[d.rs2] : 0, nhi = pair_rs2 ? s.x[d.rs2 + 1] : 0;
  asm volatile("lock cmpxchg16b %0" : "+m"(*p), "+a"(lo), "+d"(hi) : "b"(nlo), "c"(nhi) : "memory", "cc");
  if (pair_rd) {
    s.x[d.rd] = lo;
    s.x[d.rd + 1] = hi;
  }
  return true;
}

// Zicbom cbo.clean/cbo.flush: no cache to manage for user code, but the
// block must be accessible as a load or a store would be; otherwise a
// store page fault at rs1 (Linux: SIGSEGV).
void do_cbo_manage(CpuState& s, uint64_t addr) {
  addr = pointer_mask(addr, s.pmlen);
  if (addr >= s.mem_limit) mem_fault(FaultKind::OutOfRange, addr, true);
  const AddressSpace& as = Vcpu::current()->as();
  if (as.check(addr, 1, PROT_READ) || as.check(addr, 1, PROT_WRITE)) return;
  mem_fault(as.check(addr, 1, 0) ? FaultKind::Protection : FaultKind::Unmapped, addr, true);
}

// The RVA23 scalar memory instructions (Zfhmin loads/stores, Zicbom, Zacas,
// Zabha). True if d was one of them; false from an illegal one too (then
// exit_reason is set).
bool interp_step_rva23_mem(CpuState& s, const DecodedInsn& d, bool* ok) {
  const uint64_t a = s.x[d.rs1];
  const uint64_t uimm = static_cast<uint64_t>(d.imm);
  *ok = true;
  switch (d.op) {
    case Opcode::flh: s.f[d.rd] = fp::box16(load<uint16_t>(s, a + uimm)); return true;
    case Opcode::fsh: store<uint16_t>(s, a + uimm, static_cast<uint16_t>(s.f[d.rs2])); return true;
    case Opcode::cbo_inval: *ok = set_illegal(s, d); return true;  // Linux: not for user mode
    case Opcode::cbo_clean: case Opcode::cbo_flush: do_cbo_manage(s, a); return true;
    case Opcode::amocas_b: do_amocas<uint8_t>(s, d, a); return true;
    case Opcode::amocas_h: do_amocas<uint16_t>(s, d, a); return true;
    case Opcode::amocas_w: do_amocas<uint32_t>(s, d, a); return true;
    case Opcode::amocas_d: do_amocas<uint64_t>(s, d, a); return true;
    case Opcode::amocas_q: *ok = do_amocas_q(s, d, a); return true;
    case Opcode::amoswap_b: case Opcode::amoadd_b: case Opcode::amoxor_b: case Opcode::amoand_b:
    case Opcode::amoor_b: case Opcode::amomin_b: case Opcode::amomax_b: case Opcode::amominu_b:
    case Opcode::amomaxu_b:
      do_amo_narrow<uint8_t>(s, d, a);
      return true;
    case Opcode::amoswap_h: case Opcode::amoadd_h: case Opcode::amoxor_h: case Opcode::amoand_h:
    case Opcode::amoor_h: case Opcode::amomin_h: case Opcode::amomax_h: case Opcode::amominu_h:
    case Opcode::amomaxu_h:
      do_amo_narrow<uint16_t>(s, d, a);
      return true;
    default: return false;
  }
}

// What the cases read of an instruction and its source registers (pc,
// next pc, rs1/rs2 whole and as 32-bit words, the immediate).
struct StepOperands {
  uint64_t pc, next, a, b;
  int64_t imm;
  uint64_t uimm;
  unsigned rd;
  int64_t sa, sb;
  int32_t a32, b32;
  uint32_t ua32, ub32;
};
[[gnu::always_inline]] inline StepOperands step_operands(const CpuState& s, const DecodedInsn& d) {
  const uint64_t a = s.x[d.rs1], b = s.x[d.rs2];
  return {s.pc, s.pc + d.len, a, b, d.imm, static_cast<uint64_t>(d.imm), d.rd,
          static_cast<int64_t>(a), static_cast<int64_t>(b), static_cast<int32_t>(a), static_cast<int32_t>(b),
          static_cast<uint32_t>(a), static_cast<uint32_t>(b)};
}

// The base integer instructions (RV64I's computations, loads, stores,
// jumps and branches: most of what tier 0 runs), in a small function the
// interpreter's loop inlines: the prologue and epilogue of one function
// for every case, which save what the many other cases (step_other) need,
// were a quarter of the interpreter's instructions. True if d was one of
// them (pc is then updated).
[[gnu::always_inline]] inline bool step_base(CpuState& s, const DecodedInsn& d) {
  [[maybe_unused]] auto [pc, next, a, b, imm, uimm, rd, sa, sb, a32, b32, ua32, ub32] = step_operands(s, d);
  switch (d.op) {
    case Opcode::lui: wx(s, rd, uimm); break;
    case Opcode::auipc: wx(s, rd, pc + uimm); break;
    case Opcode::jal: wx(s, rd, next); next = pc + uimm; break;
    case Opcode::jalr: {
      uint64_t t = (a + uimm) & ~uint64_t{1};
      wx(s, rd, next);
      next = t;
      break;
    }
    case Opcode::beq: if (a == b) next = pc + uimm; break;
    case Opcode::bne: if (a != b) next = pc + uimm; break;
    case Opcode::blt: if (sa < sb) next = pc + uimm; break;
    case Opcode::bge: if (sa >= sb) next = pc + uimm; break;
    case Opcode::bltu: if (a < b) next = pc + uimm; break;
    case Opcode::bgeu: if (a >= b) next = pc + uimm; break;
    case Opcode::lb: wx(s, rd, static_cast<uint64_t>(static_cast<int64_t>(load<int8_t>(s, a + uimm)))); break;
    case Opcode::lh: wx(s, rd, static_cast<uint64_t>(static_cast<int64_t>(load<int16_t>(s, a + uimm)))); break;
    case Opcode::lw: wx(s, rd, static_cast<uint64_t>(static_cast<int64_t>(load<int32_t>(s, a + uimm)))); break;
    case Opcode::ld: wx(s, rd, load<uint64_t>(s, a + uimm)); break;
    case Opcode::lbu: wx(s, rd, load<uint8_t>(s, a + uimm)); break;
    case Opcode::lhu: wx(s, rd, load<uint16_t>(s, a + uimm)); break;
    case Opcode::lwu: wx(s, rd, load<uint32_t>(s, a + uimm)); break;
    case Opcode::sb: store<uint8_t>(s, a + uimm, static_cast<uint8_t>(b)); break;
    case Opcode::sh: store<uint16_t>(s, a + uimm, static_cast<uint16_t>(b)); break;
    case Opcode::sw: store<uint32_t>(s, a + uimm, static_cast<uint32_t>(b)); break;
    case Opcode::sd: store<uint64_t>(s, a + uimm, b); break;
    case Opcode::addi: wx(s, rd, a + uimm); break;
    case Opcode::slti: wx(s, rd, sa < imm); break;
    case Opcode::sltiu: wx(s, rd, a < uimm); break;
    case Opcode::xori: wx(s, rd, a ^ uimm); break;
    case Opcode::ori: wx(s, rd, a | uimm); break;
    case Opcode::andi: wx(s, rd, a & uimm); break;
    case Opcode::slli: wx(s, rd, a << (imm & 63)); break;
    case Opcode::srli: wx(s, rd, a >> (imm & 63)); break;
    case Opcode::srai: wx(s, rd, static_cast<uint64_t>(sa >> (imm & 63))); break;
    case Opcode::add: wx(s, rd, a + b); break;
    case Opcode::sub: wx(s, rd, a - b); break;
    case Opcode::sll: wx(s, rd, a << (b & 63)); break;
    case Opcode::slt: wx(s, rd, sa < sb); break;
    case Opcode::sltu: wx(s, rd, a < b); break;
    case Opcode::xor_: wx(s, rd, a ^ b); break;
    case Opcode::srl: wx(s, rd, a >> (b & 63)); break;
    case Opcode::sra: wx(s, rd, static_cast<uint64_t>(sa >> (b & 63))); break;
    case Opcode::or_: wx(s, rd, a | b); break;
    case Opcode::and_: wx(s, rd, a & b); break;
    case Opcode::addiw: wx(s, rd, sx32(a + uimm)); break;
    case Opcode::slliw: wx(s, rd, sx32(ua32 << (imm & 31))); break;
    case Opcode::srliw: wx(s, rd, sx32(ua32 >> (imm & 31))); break;
    case Opcode::sraiw: wx(s, rd, sx32(static_cast<uint32_t>(a32 >> (imm & 31)))); break;
    case Opcode::addw: wx(s, rd, sx32(a + b)); break;
    case Opcode::subw: wx(s, rd, sx32(a - b)); break;
    case Opcode::sllw: wx(s, rd, sx32(ua32 << (b & 31))); break;
    case Opcode::srlw: wx(s, rd, sx32(ua32 >> (b & 31))); break;
    case Opcode::sraw: wx(s, rd, sx32(static_cast<uint32_t>(a32 >> (b & 31)))); break;
    default: return false;
  }
  s.pc = next;
  return true;
}

// Every instruction step_base does not run, out of line (its cases need
// registers saved that step_base's do not): interp_step's rest, which the
// interpreter's loop calls itself after step_base declined.
[[gnu::noinline]] void step_other(CpuState& s, const DecodedInsn& d) {
  [[maybe_unused]] auto [pc, next, a, b, imm, uimm, rd, sa, sb, a32, b32, ua32, ub32] = step_operands(s, d);

  switch (d.op) {
    // RV64I
    case Opcode::fence: __atomic_thread_fence(__ATOMIC_SEQ_CST); break;
    // Zihintpause, Zawrs: hints that a spin loop is waiting; no state changes
    case Opcode::pause: case Opcode::wrs_nto: case Opcode::wrs_sto: __builtin_ia32_pause(); break;
    case Opcode::prefetch_i: case Opcode::prefetch_r: case Opcode::prefetch_w: break;  // Zicbop hints
    case Opcode::cbo_zero: {  // Zicboz: the aligned 64-byte block holding rs1; faults as a store
      std::memset(guest_ptr(s, a & ~uint64_t{kCboBlockSize - 1}, true), 0, kCboBlockSize);
      break;
    }
    case Opcode::fence_i: break;  // the JIT ends the TB; invalidation is the vCPU's job
    case Opcode::ecall:
      s.exit_reason = ExitReason::Ecall;
      s.insn_bits = d.bits;
      return;
    case Opcode::ebreak:
      s.exit_reason = ExitReason::Ebreak;
      s.insn_bits = d.bits;
      return;
    // Zicsr
    case Opcode::csrrw: case Opcode::csrrs: case Opcode::csrrc:
    case Opcode::csrrwi: case Opcode::csrrsi: case Opcode::csrrci:
      if (!do_csr(s, d)) return;
      break;
    // M
    case Opcode::mul: wx(s, rd, a * b); break;
    case Opcode::mulh: wx(s, rd, static_cast<uint64_t>((static_cast<__int128>(sa) * sb) >> 64)); break;
    case Opcode::mulhsu:
      wx(s, rd, static_cast<uint64_t>((static_cast<__int128>(sa) * static_cast<__int128>(static_cast<unsigned __int128>(b))) >> 64));
      break;
    case Opcode::mulhu: wx(s, rd, static_cast<uint64_t>((static_cast<unsigned __int128>(a) * b) >> 64)); break;
    case Opcode::div:
      wx(s, rd, b == 0 ? ~uint64_t{0} : (sa == INT64_MIN && sb == -1) ? a : static_cast<uint64_t>(sa / sb));
      break;
    case Opcode::divu: wx(s, rd, b == 0 ? ~uint64_t{0} : a / b); break;
    case Opcode::rem:
      wx(s, rd, b == 0 ? a : (sa == INT64_MIN && sb == -1) ? 0 : static_cast<uint64_t>(sa % sb));
      break;
    case Opcode::remu: wx(s, rd, b == 0 ? a : a % b); break;
    case Opcode::mulw: wx(s, rd, sx32(a * b)); break;
    case Opcode::divw:
      wx(s, rd, b32 == 0 ? ~uint64_t{0} : (a32 == INT32_MIN && b32 == -1) ? sx32(ua32) : sx32(static_cast<uint32_t>(a32 / b32)));
      break;
    case Opcode::divuw: wx(s, rd, ub32 == 0 ? ~uint64_t{0} : sx32(ua32 / ub32)); break;
    case Opcode::remw:
      wx(s, rd, b32 == 0 ? sx32(ua32) : (a32 == INT32_MIN && b32 == -1) ? 0 : sx32(static_cast<uint32_t>(a32 % b32)));
      break;
    case Opcode::remuw: wx(s, rd, ub32 == 0 ? sx32(ua32) : sx32(ua32 % ub32)); break;
    // A
    case Opcode::lr_w: do_lr<uint32_t>(s, d, a); break;
    case Opcode::lr_d: do_lr<uint64_t>(s, d, a); break;
    case Opcode::sc_w: do_sc<uint32_t>(s, d, a); break;
    case Opcode::sc_d: do_sc<uint64_t>(s, d, a); break;
    case Opcode::amoswap_w: case Opcode::amoadd_w: case Opcode::amoxor_w: case Opcode::amoand_w:
    case Opcode::amoor_w: case Opcode::amomin_w: case Opcode::amomax_w: case Opcode::amominu_w:
    case Opcode::amomaxu_w:
      do_amo<uint32_t>(s, d, a);
      break;
    case Opcode::amoswap_d: case Opcode::amoadd_d: case Opcode::amoxor_d: case Opcode::amoand_d:
    case Opcode::amoor_d: case Opcode::amomin_d: case Opcode::amomax_d: case Opcode::amominu_d:
    case Opcode::amomaxu_d:
      do_amo<uint64_t>(s, d, a);
      break;
    // F/D loads and stores (raw bits; flw NaN-boxes)
    case Opcode::flw: s.f[rd] = fp::box32(load<uint32_t>(s, a + uimm)); break;
    case Opcode::fld: s.f[rd] = load<uint64_t>(s, a + uimm); break;
    case Opcode::fsw: store<uint32_t>(s, a + uimm, static_cast<uint32_t>(s.f[d.rs2])); break;
    case Opcode::fsd: store<uint64_t>(s, a + uimm, s.f[d.rs2]); break;
    case Opcode::illegal:
      set_illegal(s, d);
      return;
    default: {
      if (d.info().flags & kVector) {
        interp_step_v(s, d);
        if (s.exit_reason != ExitReason::None) return;
        break;
      }
      bool ok;
      if (interp_step_rva23_mem(s, d, &ok)) {
        if (!ok) return;
        break;
      }
      if (interp_step_zb(s, d)) break;
      if (!interp_step_fp(s, d)) {
        set_illegal(s, d);
        return;
      }
      if (s.exit_reason == ExitReason::IllegalInsn) return;
      break;
    }
  }
  s.pc = next;
}

}  // namespace

void interp_step(CpuState& s, const DecodedInsn& d) {
  if (!step_base(s, d)) step_other(s, d);
}

uint64_t interp_run(Vcpu& vcpu, uint64_t max_insns, bool to_block_end) {
  CpuState& s = vcpu.state;
  uint64_t n = 0;
  // Pages found executable (Vcpu::fetch_pages: kept from call to call
  // until the address space's mappings change); the one fetched from last.
  Vcpu::FetchPages& fp = vcpu.fetch_pages;
  const uint64_t epoch = vcpu.as().code_epoch();
  if (fp.epoch != epoch) {
    fp.forget();
    fp.epoch = epoch;
  }
  uint64_t cur_page = ~uint64_t{0};
  bool cur_exec_only = false;
  auto fetch_ok = [&](uint64_t addr) {
    const uint64_t page = page_down(addr);
    if (page == cur_page) return true;
    const unsigned k = Vcpu::FetchPages::slot(page);
    if (fp.page[k] != page) {
      if (addr >= s.mem_limit || !vcpu.as().check(addr, 2, PROT_EXEC)) {
        s.fault_kind = addr >= s.mem_limit          ? FaultKind::OutOfRange
                       : vcpu.as().check(addr, 1, 0) ? FaultKind::Protection
                                                     : FaultKind::Unmapped;
        s.fault_addr = addr;
        s.fault_is_write = 0;
        s.exit_reason = ExitReason::MemFault;
        return false;
      }
      fp.page[k] = page;
      fp.exec_only[k] = !vcpu.as().check(addr, 2, PROT_READ);
    }
    cur_page = page;
    cur_exec_only = fp.exec_only[k];
    return true;
  };
  auto parcel = [&](uint64_t addr, uint16_t* out) {
    if (cur_exec_only) return vcpu.as().fetch(addr, out, 2);
    std::memcpy(out, s.mem_base + addr, 2);
    return true;
  };
  s.x[0] = 0;
  while (n < max_insns && s.exit_reason == ExitReason::None) {
    if (s.exit_request.load(std::memory_order_relaxed)) {
      s.exit_reason = ExitReason::ExitRequest;
      break;
    }
    const uint64_t pc = s.pc;
    if (!fetch_ok(pc)) break;
    uint32_t bits;
    if (!cur_exec_only && (pc & (kPageSize - 1)) <= kPageSize - 4) {
      // Both parcels on this readable page: one read (a compressed
      // instruction's second parcel is not its own: decode_memo drops it).
      std::memcpy(&bits, s.mem_base + pc, 4);
      // The next instruction's memo entry is fetched into the cache while
      // this one runs: the memo is larger than L1 and hashed, and its load
      // was the interpreter's largest stall (a fifth of its samples).
      // (Read only on this page, which is readable.)
      const uint64_t next = (pc & (kPageSize - 1)) + (is_compressed(static_cast<uint16_t>(bits)) ? 2 : 4);
      if (next <= kPageSize - 4) {
        uint32_t nb;
        std::memcpy(&nb, s.mem_base + page_down(pc) + next, 4);
        decode_memo_prefetch(nb);
      }
    } else {
      uint16_t lo = 0, hi = 0;
      if (!parcel(pc, &lo)) {
        vcpu.raise_fault(FaultKind::Unmapped, pc, false);
      }
      if (!is_compressed(lo)) {
        if (!fetch_ok(pc + 2)) break;
        if (!parcel(pc + 2, &hi)) vcpu.raise_fault(FaultKind::Unmapped, pc + 2, false);
      }
      bits = static_cast<uint32_t>(hi) << 16 | lo;
    }
    DecodedInsn d = decode_memo(bits);
    const bool ends = to_block_end && (d.info().flags & kEndsTb);
    if (ends && d.op == Opcode::fence_i) {
      s.exit_reason = ExitReason::FenceI;
      break;
    }
    if (!step_base(s, d)) step_other(s, d);
    if (s.exit_reason != ExitReason::None) break;
    ++n;
    ++s.instret;
    if (ends) break;
  }
  return n;
}

}  // namespace hart
