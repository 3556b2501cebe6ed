// linux-abi/loader/initial_stack.cpp — exec-time stack image. See initial_stack.h.
#include "linux-abi/loader/initial_stack.h"

#include <sys/mman.h>

#include <cstring>

#include "linux-abi/riscv64_abi.h"

namespace hart::linux {

bool setup_initial_stack(AddressSpace& as, const LoadedProgram& prog,
                         const std::vector<std::string>& argv,
                         const std::vector<std::string>& envp, const StackParams& params,
                         StackLayout* out, std::string* error) {
  uint64_t str_bytes = params.execfn.size() + 1;
  for (const auto& s : argv) str_bytes += s.size() + 1;
  for (const auto& s : envp) str_bytes += s.size() + 1;
  uint64_t vec_bytes = (argv.size() + envp.size() + 3) * 8;
  if (str_bytes + vec_bytes > kMaxArgBytes) {
    *error = (argv.empty() ? std::string("program") : argv[0]) + ": argument list too long";
    return false;
  }
  uint64_t bottom = stack_top(as) - kStackSize;
  int prot = PROT_READ | PROT_WRITE | (prog.exe.exec_stack ? PROT_EXEC : 0);
  int64_t r = as.map(bottom, kStackSize, prot, kMapFixedNoReplace | kMapNoReserve, -1, 0, "[stack]");
  if (r < 0) {
    *error = "cannot map the guest stack: " + std::string(strerror(static_cast<int>(-r)));
    return false;
  }
  uint8_t* host = as.base();
  uint64_t p = stack_top(as) - 8;  // Linux leaves one word at the very top
  auto push_str = [&](const std::string& s) {
    p -= s.size() + 1;
    memcpy(host + p, s.c_str(), s.size() + 1);
    return p;
  };
  *out = StackLayout{};
  out->execfn = push_str(params.execfn);
  std::vector<uint64_t> env_ptrs(envp.size()), arg_ptrs(argv.size());
  out->env_end = p;
  for (size_t i = envp.size(); i-- > 0;) env_ptrs[i] = push_str(envp[i]);
  out->env_start = p;
  out->args_end = p;
  for (size_t i = argv.size(); i-- > 0;) arg_ptrs[i] = push_str(argv[i]);
  out->args_start = p;
  p &= ~uint64_t{15};
  p -= 16;
  memcpy(host + p, params.random, 16);
  out->random = p;

  const ElfImage& exe = prog.exe;
  auto& aux = out->auxv_entries;
  aux = {
      {AT_MINSIGSTKSZ_, kMinSigStackSize},
      {AT_HWCAP_, params.hwcap},
      {AT_PAGESZ_, kPageSize},
      {AT_CLKTCK_, 100},
      {AT_PHDR_, exe.phdr_addr},
      {AT_PHENT_, exe.phentsize},
      {AT_PHNUM_, exe.phnum},
      {AT_BASE_, prog.has_interp ? prog.interp.bias : 0},
      {AT_FLAGS_, 0},
      {AT_ENTRY_, exe.entry},
      {AT_UID_, params.uid},
      {AT_EUID_, params.euid},
      {AT_GID_, params.gid},
      {AT_EGID_, params.egid},
      {AT_SECURE_, 0},
      {AT_RANDOM_, out->random},
      {AT_EXECFN_, out->execfn},
      {AT_NULL_, 0},
  };
  uint64_t words = 1 + (argv.size() + 1) + (envp.size() + 1) + 2 * aux.size();
  p -= words * 8;
  p &= ~uint64_t{15};
  out->sp = p;
  std::vector<uint64_t> img;
  img.reserve(words);
  img.push_back(argv.size());
  for (uint64_t a : arg_ptrs) img.push_back(a);
  img.push_back(0);
  for (uint64_t e : env_ptrs) img.push_back(e);
  img.push_back(0);
  for (auto& [k, v] : aux) {
    img.push_back(k);
    img.push_back(v);
  }
  memcpy(host + p, img.data(), img.size() * 8);
  out->argv = p + 8;
  out->envp = out->argv + (argv.size() + 1) * 8;
  out->auxv = out->envp + (envp.size() + 1) * 8;
  return true;
}

}  // namespace hart::linux
