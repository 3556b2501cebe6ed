// tests/unit/linux-abi/guest_programs.h — test helpers: riscv64 guest
// binaries cross-compiled on demand with riscv64-linux-gnu-gcc (cached under
// the build tree), scratch files, and a do-nothing Executor for
// tests that need a Process but never run guest code.
#pragma once

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <functional>

#include <cstdlib>
#include <fstream>
#include <memory>
#include <string>

#include "core/executor.h"

namespace hart::linux::test {

// A private folder per test process under the build tree (HART_TEST_SCRATCH),
// removed when the process exits.
inline const std::string& scratch_dir() {
  static std::string dir = [] {
    std::string base = HART_TEST_SCRATCH;
    mkdir(base.c_str(), 0755);
    std::string tmpl = base + "/run-XXXXXX";
    const char* d = mkdtemp(tmpl.data());
    if (!d) return base;
    std::string made = d;
    static std::string to_remove = made;
    atexit([] { std::filesystem::remove_all(to_remove); });
    return made;
  }();
  return dir;
}

// Compiled programs are shared by all test processes of the build: named by
// a hash of source and flags, written to a temporary name and renamed.
inline std::string cache_dir() {
  std::string d = std::string(HART_TEST_SCRATCH) + "/bin";
  mkdir(HART_TEST_SCRATCH, 0755);
  mkdir(d.c_str(), 0755);
  return d;
}

inline std::string write_file(const std::string& name, const std::string& bytes) {
  std::string path = scratch_dir() + "/" + name;
  std::ofstream(path, std::ios::binary) << bytes;
  return path;
}

inline std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

// Compiles a tiny C program with the given extra flags; "" if no cross compiler.
constexpr const char* kHelloSource =
    "#include <stdio.h>\n"
    "int counter = 42;\n"
    "char big[100000];\n"
    "int main(int argc, char** argv) {\n"
    "  printf(\"hello %d %s\\n\", argc, argv[0]);\n"
    "  return counter + big[5];\n"
    "}\n";
// Freestanding: no libc start files (Debian's cross glibc has no rcrt1.o for -static-pie).
constexpr const char* kBareSource =
    "int counter = 42;\n"
    "void _start(void) {\n"
    "  register long a0 asm(\"a0\") = counter;\n"
    "  register long a7 asm(\"a7\") = 93;\n"
    "  asm volatile(\"ecall\" : : \"r\"(a0), \"r\"(a7));\n"
    "  for (;;) {}\n"
    "}\n";

inline std::string guest_binary(const std::string& name, const std::string& flags,
                                const char* source = kHelloSource) {
  char tag[32];
  snprintf(tag, sizeof tag, "%016zx", std::hash<std::string>()(flags + '\n' + source));
  std::string out = cache_dir() + "/" + name + "-" + tag;
  if (access(out.c_str(), X_OK) == 0) return out;
  std::string src = write_file(name + ".c", source);
  std::string tmp = scratch_dir() + "/" + name + ".out";
  std::string cmd = "riscv64-linux-gnu-gcc -O1 " + flags + " -o " + tmp + " " + src + " 2>/dev/null";
  if (system(cmd.c_str()) != 0) return "";
  if (rename(tmp.c_str(), out.c_str()) != 0) return "";
  return out;
}

inline std::string static_binary() { return guest_binary("static", "-static"); }
inline std::string static_pie_binary() { return guest_binary("static_pie", "-nostdlib -static-pie -fPIE -Wl,--no-dynamic-linker", kBareSource); }
inline std::string dynamic_binary() { return guest_binary("dynamic", ""); }

constexpr const char* kSysroot = "/usr/riscv64-linux-gnu";

class NullExecutor : public Executor {
 public:
  bool translate(Vcpu&, uint64_t, uint32_t, TranslationBlock*) override { return false; }
  ExitValue enter(Vcpu&, TranslationBlock*) override { return 0; }
  void link(TranslationBlock*, int, TranslationBlock*) override {}
  void unlink(TranslationBlock*, int) override {}
  void free_code(TranslationBlock*) override {}
  void restore_state(Vcpu&, const TranslationBlock*, uintptr_t, const ucontext_t*) override {}
  bool owns_code(uintptr_t) const override { return false; }
};

#define HART_NEED(path)                                                   \
  if ((path).empty()) GTEST_SKIP() << "riscv64-linux-gnu-gcc not available"

}  // namespace hart::linux::test
