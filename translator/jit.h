// translator/jit.h — the JIT executor: implements core's Executor with the
// frontend (RISC-V → IR), the IR passes and the x86-64 backend. Code memory
// comes from asmjit's JitAllocator with dual mapping, so no page is ever
// writable and executable at the same address; chaining patches the
// writable view.
// Owns: code memory, the dispatcher, per-TB frontend data, -d in_asm / op /
// op_opt / out_asm output.
#pragma once

#include <asmjit/core.h>

#include <cstdio>
#include <memory>
#include <mutex>

#include "core/executor.h"
#include "core/log.h"

namespace hart {

class Jit final : public Executor {
 public:
  // Returns nullptr with *error set if code memory cannot be set up.
  static std::unique_ptr<Jit> create(std::string* error);
  // Writes /tmp/perf-<pid>.map (one line per translated block, named by its
  // guest pc) so that `perf report` attributes samples to guest code.
  void enable_perf_map();
  ~Jit() override;

  std::unique_ptr<TranslationBlock> translate(Vcpu& vcpu, uint64_t pc, uint32_t flags) override;
  ExitValue enter(Vcpu& vcpu, TranslationBlock* tb) override;
  void link(TranslationBlock* from, int index, TranslationBlock* to) override;
  void unlink(TranslationBlock* from, int index) override;
  void free_code(TranslationBlock* tb) override;
  void restore_state(Vcpu& vcpu, const TranslationBlock* tb, uintptr_t host_pc,
                     const ucontext_t* uc) override;
  bool owns_code(uintptr_t host_pc) const override;

 private:
  Jit() = default;
  void patch_jump(TranslationBlock* tb, int index, const uint8_t* target);
  // translate() without the timing (it retries itself one instruction at a time).
  std::unique_ptr<TranslationBlock> translate_block_at(Vcpu& vcpu, uint64_t pc, uint32_t flags);

  std::unique_ptr<asmjit::JitAllocator> alloc_;
  std::mutex alloc_mutex_;
  using DispatchFn = ExitValue (*)(CpuState*, uint8_t*, const void*);
  DispatchFn dispatch_ = nullptr;
  const void* exit_path_ = nullptr;
  uint8_t* dispatch_code_ = nullptr;
  size_t dispatch_size_ = 0;
  bool host_fma_ = false;
  bool host_bmi2_ = false;
  FILE* perf_map_ = nullptr;
};

}  // namespace hart
