// linux-abi/loader/initial_stack.h — the guest's main stack and what Linux puts on
// it at exec: argc, argv[], envp[], auxv[] and the strings they point to,
// laid out as the riscv64 kernel does (strings and AT_EXECFN at the top,
// 16 AT_RANDOM bytes below them, then the vectors; sp 16-byte aligned and
// pointing at argc).
// Owns: stack VMA placement and the exec-time stack image. Does not own:
// which values the auxv carries beyond what the caller passes (process).
#pragma once

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "core/address_space.h"
#include "linux-abi/loader/elf_loader.h"

namespace hart::linux {

constexpr uint64_t kStackSize = 8ull << 20;                  // RLIMIT_STACK default
constexpr uint64_t kStackGap = 16ull << 20;                  // above the stack, below the end
constexpr uint64_t kMaxArgBytes = kStackSize / 4;            // like Linux's ARG_MAX rule

// The (exclusive) top of the main stack: kStackGap below the end of the
// guest's address space, whatever its size.
inline uint64_t stack_top(const AddressSpace& as) { return as.limit() - kStackGap; }

struct StackParams {
  uint64_t uid = 0, euid = 0, gid = 0, egid = 0;
  uint64_t hwcap = 0;
  uint8_t random[16] = {};   // AT_RANDOM bytes (caller fills them)
  std::string execfn;        // AT_EXECFN string (the path the program was started with)
};

struct StackLayout {
  uint64_t sp = 0;          // initial x2: points at argc
  uint64_t argv = 0;        // &argv[0]
  uint64_t envp = 0;        // &envp[0]
  uint64_t auxv = 0;        // &auxv[0]
  uint64_t execfn = 0;      // AT_EXECFN
  uint64_t random = 0;      // AT_RANDOM
  uint64_t args_start = 0, args_end = 0;  // argv strings (for /proc/self/cmdline)
  uint64_t env_start = 0, env_end = 0;    // envp strings (for /proc/self/environ)
  std::vector<std::pair<uint64_t, uint64_t>> auxv_entries;  // as written, incl. AT_NULL
  // The entries as the guest's memory holds them (8-byte key, 8-byte value):
  // /proc/<pid>/auxv, PR_GET_AUXV, a core file's NT_AUXV.
  std::string auxv_bytes() const {
    std::string out;
    for (const auto& [k, v] : auxv_entries) {
      out.append(reinterpret_cast<const char*>(&k), 8);
      out.append(reinterpret_cast<const char*>(&v), 8);
    }
    return out;
  }
};

// Maps the "[stack]" VMA and writes the exec-time image. Returns false with
// "argument list too long" (or a mapping error) in *error.
bool setup_initial_stack(AddressSpace& as, const LoadedProgram& prog,
                         const std::vector<std::string>& argv,
                         const std::vector<std::string>& envp, const StackParams& params,
                         StackLayout* out, std::string* error);

}  // namespace hart::linux
