// core/cpu_state.h — the architectural state of one RV64GC hart as the JIT,
// the interpreter, the Linux layer and the gdb stub all see it.
// Owns: register file layout (offsets are used by generated code), exit
// reasons. Does not own: how state is changed (translator) or what an ecall
// means (linux-abi).
#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>

namespace hart {

// Why a vCPU stopped running guest code and returned to its caller.
enum class ExitReason : uint32_t {
  None = 0,
  Ecall,          // pc points at the ecall; caller advances by 4
  Ebreak,         // pc points at the ebreak (or c.ebreak)
  IllegalInsn,    // pc points at the instruction; insn_bits holds its bits
  MemFault,       // fault_addr/fault_code describe the access; pc exact
  ExitRequest,    // exit_request was raised (signal, kill, debugger)
  FenceI,         // fence.i at pc: translated code must be dropped (handled in core)
  Halted,         // the thread finished (set by the Linux layer)
  Breakpoint,     // a debugger breakpoint at pc (the instruction has not run)
  Step,           // debugger single step: one instruction ran
  Watchpoint,     // an access to a watched range is next (not run); Vcpu::debug_event
  Icount,         // Vcpu::icount reached Vcpu::icount_stop (record/replay)
};

// Access that faulted, for SIGSEGV/SIGBUS si_code selection.
// Bus: a mapped page that cannot be accessed (a file mapping past the end
// of its file): SIGBUS/BUS_ADRERR, as Linux.
enum class FaultKind : uint32_t { Unmapped = 0, Protection = 1, OutOfRange = 2, Misaligned = 3, Bus = 4 };

// fcsr.frm values (RISC-V unprivileged spec, "F" chapter).
enum RoundingMode : uint32_t { RNE = 0, RTZ = 1, RDN = 2, RUP = 3, RMM = 4, DYN = 7 };
// fcsr.fflags bits.
enum FFlag : uint32_t { NX = 1, UF = 2, OF = 4, DZ = 8, NV = 16 };

struct TranslationBlock;

// V 1.0: the vector register length in bits (VLEN). The one place that
// fixes it: VLENB, VLMAX, the register file size, the signal frame's vector
// context and hwprobe/cpuinfo all derive from it (256 can follow).
constexpr unsigned kVlen = 128;
constexpr unsigned kVlenb = kVlen / 8;
constexpr unsigned kElen = 64;  // widest element (Zve64d)
// vtype.vill is the top bit of vtype (XLEN-1).
constexpr uint64_t kVtypeVill = uint64_t{1} << 63;

// What a kick (vcpu_kicked) or generated code after a call into hartd puts
// in the memory base register of generated code (much of which does not
// read exit_request: see "Exit requests" in docs/ARCHITECTURE.md): with
// any guest offset the address is non-canonical, so the next guest access
// faults (#GP, SIGSEGV), and the fault handler leaves there with exact
// state and ExitReason::ExitRequest.
constexpr uint64_t kPoisonedMemBase = 0x8000000000000000ull;

struct CpuState {
  uint64_t x[32];            // x0 is always 0 (writes are dropped)
  uint64_t pc;
  uint64_t f[32];            // raw 64-bit values; singles are NaN-boxed
  uint32_t fflags;           // accrued exception flags (5 bits)
  uint32_t frm;              // dynamic rounding mode (3 bits)

  uint8_t* mem_base;         // host address of guest VA 0
  // Non-zero: leave soon. Set it with a kick (linux::kick_host_thread):
  // blocks whose first guest access comes before any way out, and
  // self-loops' rounds with an access, do not read it (kPoisonedMemBase).
  std::atomic<uint32_t> exit_request{0};
  // Where a block that held a guest value in r14 reloads the memory base
  // from (end_mem_free): mem_base, or kPoisonedMemBase once a kick found
  // generated code running (vcpu_kicked), so that the next access leaves.
  // Jit::enter sets it to mem_base.
  uint8_t* mem_base_reload;

  // LR/SC reservation: address and the value seen by LR.
  uint64_t res_addr;
  uint64_t res_value;
  uint32_t res_size;         // 0 = no reservation, 4 or 8

  // Filled when leaving guest code.
  ExitReason exit_reason;
  FaultKind fault_kind;
  uint64_t fault_addr;
  uint32_t fault_is_write;
  uint32_t insn_bits;
  // Set by generated code that leaves before an access whose block-level
  // check failed though the access itself is in range (see "Memory checks"
  // in docs/ARCHITECTURE.md): the dispatcher runs the next instruction as a
  // block of its own, checked at its own address (1), or the next block in
  // its kTbChecked form, with no check made before a loop (2; a loop's
  // induction check failed), and clears it.
  uint32_t one_insn_once;

  uint64_t instret;          // instructions run by the interpreter (see csr instret)

  const void* jit_exit;      // executor's return path, jumped to by generated code
  // The executor's guest-fault path: generated code's range-check fault
  // stubs jump here with the guest pc in rcx and fault_kind | is_write << 8
  // in edx (fault_addr stored), to leave with exit_reason MemFault.
  const void* jit_fault_exit;
  // The executor's path for leaving with the next pc in rcx (stored there,
  // then a plain exit): the exit-request checks and other plain exits.
  const void* jit_pc_exit;
  // The executor's indirect jump to the guest pc in rax, for blocks without
  // TB flags (the jump cache probe, else a plain exit): the cold path of a
  // call's landing (translator/backend_x86_call.cpp).
  const void* jit_ind_jump;

  // The shadow stack of guest calls (translator/backend_x86_call.cpp): the
  // dispatcher's rsp, where its sentinel entry lies, and the lowest rsp at
  // which a call may still push a frame. Set at every entry to generated code.
  uint64_t jit_sp;
  uint64_t jit_sp_floor;

  // Read by generated code.
  uint64_t mem_limit;        // first guest address outside the address space
  uint32_t mxcsr;            // host MXCSR while guest code runs: rounding from
                             // frm, accrued exception flags
  alignas(16) uint64_t fp_box_mask[2];   // 0xffffffff00000000: NaN-box a single
  alignas(16) uint64_t fp_canon_d[2];    // canonical double NaN
  alignas(16) uint64_t fp_canon_s[2];    // canonical single NaN, NaN-boxed
  // Scratch of the inline vector crypto code (backend_x86_vk.cpp: GHASH's
  // operands between carry-less products); nothing else reads it.
  alignas(16) uint8_t vscratch[32];

  // The vCPU's jump cache, probed inline by indirect jumps: two-way set
  // associative, the set of pc is the pair of slots from
  // (pc >> 1) & (kJmpCacheSize - 2) (pc bits 2..14; way 0 first, way 1
  // next to it); an empty slot holds a sentinel TB whose probe key matches
  // nothing (see core/tb.h). Vcpu::jmp_cache_find/jmp_cache_put.
  static constexpr unsigned kJmpCacheBits = 14;
  static constexpr unsigned kJmpCacheSize = 1u << kJmpCacheBits;
  struct TranslationBlock* jmp_cache[kJmpCacheSize];

  // V 1.0 state (translator/interp_v*.cpp). v0..v31 are one flat array:
  // register r is bytes [r*kVlenb, (r+1)*kVlenb), so a register group of
  // LMUL registers is contiguous and element i of the group starting at r
  // is at r*kVlenb + i*EEW/8 (little-endian, as the spec's memory layout).
  alignas(16) uint8_t v[32 * kVlenb];
  uint64_t vl;               // vl CSR
  uint64_t vtype = kVtypeVill;  // vtype CSR; vill until the first vsetvl
  uint64_t vstart;           // first element to process; 0 after every vector insn
  uint32_t vxrm;             // fixed-point rounding mode (2 bits)
  uint32_t vxsat;            // fixed-point saturation flag (1 bit)
  // sstatus.VS as Linux sees it for this thread: 0 (Off) until the first
  // vector instruction or vector CSR access, then 3 (Dirty) for good (the
  // kernel's first-use trap). Decides whether a signal frame carries the
  // vector context.
  uint32_t vs;
  // prctl(PR_RISCV_V_SET_CONTROL) turned V off: vector instructions and
  // vector CSRs are illegal instructions (SIGILL), as under Linux.
  uint32_t v_disabled;
  // Supm: this thread's pointer-masking length (envcfg.PMM as Linux sets it
  // through prctl(PR_SET_TAGGED_ADDR_CTRL)): 0, 7 or 16. Data accesses
  // (loads, stores, AMOs, LR/SC, cache-block operations, vector accesses)
  // use their effective address sign-extended from bit 63 - pmlen
  // (pointer_mask); instruction fetch does not. The JIT translates for it
  // through the TB flags kTbPm7/kTbPm16, so pmlen 0 costs nothing.
  uint32_t pmlen;
  // Record/replay (linux-abi/process/record.h): when set, reads of the
  // cycle, time and instret counters (csr 0xC00..0xC02) pass the live value
  // through this hook, which logs it (recording) or returns the logged one
  // (replay). Null otherwise.
  uint64_t (*counter_hook)(void* ctx, uint32_t csr, uint64_t live);
  void* counter_ctx;
  // Instruction counting in generated code (kTbCount blocks, core/vcpu.h):
  // each block, on entry, names itself in count_tb and takes its
  // instruction count off the budget; a block that does not fit in the
  // budget leaves to the dispatcher without running. While generated code
  // runs the budget may live elsewhere (the JIT keeps it in its frame, at
  // count_slot): it is back in icount_budget whenever code leaves, and a
  // guest fault copies it back from *count_slot (Vcpu).
  uint64_t icount_budget;
  const struct TranslationBlock* count_tb;
  uint64_t* count_slot;

  uint32_t fcsr() const { return (frm << 5) | fflags; }
  void set_fcsr(uint32_t v) {
    fflags = v & 0x1f;
    frm = (v >> 5) & 7;
  }
};

// Supm's transformation of a data address: the top pmlen bits replaced by
// bit 63 - pmlen (user mode with address translation: sign extension).
inline uint64_t pointer_mask(uint64_t addr, unsigned pmlen) {
  return pmlen ? static_cast<uint64_t>(static_cast<int64_t>(addr << pmlen) >> pmlen) : addr;
}

// Offsets used by generated code.
// The cache-block size of cbo.zero (Zicboz); riscv_hwprobe reports it.
constexpr unsigned kCboBlockSize = 64;

constexpr int32_t kOffX = offsetof(CpuState, x);
constexpr int32_t kOffPc = offsetof(CpuState, pc);
constexpr int32_t kOffF = offsetof(CpuState, f);

// ABI register names (RISC-V psABI), index = register number.
extern const char* const kXRegAbiName[32];
extern const char* const kFRegAbiName[32];

}  // namespace hart
