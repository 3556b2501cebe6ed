// linux-abi/loader/elf_loader.h — loads a riscv64 program image into a guest
// address space: ELF64 little-endian EM_RISCV, ET_EXEC or ET_DYN (PIE,
// static-pie), its PT_INTERP interpreter, and `#!` scripts. Every malformed
// input gives a one-line "<path>: <problem>" error; nothing here asserts on
// file contents.
// Owns: ELF validation, segment placement and protections, load bias choice,
// interpreter and script lookup (with the -L sysroot). Does not own: the
// initial stack (initial_stack.h) or brk growth (sys_mm.cpp).
#pragma once

#include <cerrno>
#include <cstdint>
#include <string>
#include <vector>

#include "core/address_space.h"

namespace hart::linux {

class RootFs;

// Where ET_DYN images go first, scaled to the size of the address space
// (AddressSpace::limit()) as Linux scales ELF_ET_DYN_BASE to TASK_SIZE. For
// the largest (2^38, Sv39-like) space: 0x2aaaaaa000 and 0x3f00000000.
// The program: ~2/3 of the space, as Linux's ELF_ET_DYN_BASE.
constexpr uint64_t pie_base(uint64_t limit) { return page_down(limit / 3 * 2); }
// The dynamic linker: 1/64 of the space (at least 64 MiB) below its end,
// above the stack's gap (initial_stack.h).
constexpr uint64_t interp_base(uint64_t limit) {
  return limit - (limit / 64 > (uint64_t{64} << 20) ? limit / 64 : uint64_t{64} << 20);
}
static_assert(pie_base(kGuestVaMax) == 0x2aaaaaa000 && interp_base(kGuestVaMax) == 0x3f00000000);
constexpr uint64_t kMinSegmentAddr = kPageSize;   // page 0 stays unmapped
constexpr int kMaxScriptDepth = 4;                // nested #! interpreters (BINPRM_MAX_RECURSION)

// One loaded ELF file.
struct ElfImage {
  std::string path;        // host path actually opened
  uint16_t type = 0;       // ET_EXEC or ET_DYN
  uint32_t flags = 0;      // e_flags (float ABI, RVC)
  uint64_t bias = 0;       // added to every p_vaddr
  uint64_t entry = 0;      // biased
  uint64_t phdr_addr = 0;  // guest address of the program headers (0 if not loaded)
  uint16_t phnum = 0;
  uint16_t phentsize = 0;
  uint64_t lo = 0, hi = 0; // page-aligned guest range covered by PT_LOAD segments
  uint64_t end_data = 0;   // biased end of the highest segment's memory (before page_up)
  bool exec_stack = false; // PT_GNU_STACK with PF_X (or no PT_GNU_STACK)
  std::string interp;      // PT_INTERP contents as written in the file ("" = none)
};

// Result of loading a program (and its interpreter).
struct LoadedProgram {
  ElfImage exe;
  bool has_interp = false;
  ElfImage interp;
  std::string exe_host_path;   // the ELF that was finally loaded (after #!)
  uint64_t brk_start = 0;      // page_up(end of the main image)
  // After a failed load_program: the errno execve gives (Linux's):
  // ENOENT for a #! or PT_INTERP interpreter that is not there, EACCES for
  // one that is not an executable file, ELOOP past kMaxScriptDepth levels
  // of #!; ENOEXEC for anything else.
  int failure_errno = ENOEXEC;
  bool script = false;  // the program was a #! script (an interpreter was loaded for it)
  uint64_t entry() const { return has_interp ? interp.entry : exe.entry; }
};

// Host path for a guest absolute path under the sysroot (qemu -L semantics):
// sysroot + path if that exists, else path itself, except for a new name in
// a folder that exists under the sysroot and not on the host (then sysroot
// + path: getcwd inside the sysroot gives guest paths that must work when
// given back). Relative paths unchanged.
std::string sysroot_path(const std::string& sysroot, const std::string& path);

// Validates and loads one ELF file. bias_hint is used for ET_DYN only
// (0 = pie_base(as.limit())). display is the name used in error messages.
bool load_elf_image(AddressSpace& as, const std::string& host_path, const std::string& display,
                    uint64_t bias_hint, ElfImage* out, std::string* error);

// Loads the program at path (a host path, or a guest path resolved through
// the sysroot), following `#!` lines (argv is rewritten as Linux does:
// interpreter, optional argument, script path, original argv[1..]) and
// PT_INTERP. On failure returns false with a one-line error; the address
// space may then hold partial mappings and should be discarded. sysroot is
// canonical (Process::sysroot()), so the images' file names in
// /proc/PID/maps are seen from inside it.
// guest_name is the guest's name for the program (Linux's bprm->filename:
// the path as execve got it, or /dev/fd/N[/PATH] for an fd-relative
// execveat), which a `#!` interpreter gets as its argument; "" means path.
// With a root (root_fs.h), path is a host path already, and `#!`
// interpreters and PT_INTERP are guest paths looked up inside the root.
bool load_program(AddressSpace& as, const std::string& path, const std::string& sysroot,
                  std::vector<std::string>* argv, LoadedProgram* out, std::string* error,
                  const RootFs* root = nullptr, const std::string& guest_name = "");

// The "-d page" report: one line per VMA, like /proc/self/maps.
std::string format_memory_map(const AddressSpace& as);

}  // namespace hart::linux
