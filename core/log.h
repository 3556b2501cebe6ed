// core/log.h — per-guest logging with QEMU's -d categories (in_asm, op,
// op_opt, out_asm, cpu, exec, int, strace, page, unimp, guest_errors,
// nochain, fpu). Categories can be changed while the guest runs.
// Owns: category names and parsing, the guest log sink. Does not own the
// daemon's own log (spdlog, server/).
#pragma once

#include <atomic>
#include <cstdint>
#include <cstdio>
#include <functional>
#include <mutex>
#include <string>

namespace hart {

// name, bit, help — one table for parsing, listing and checks.
#define HART_LOG_CATEGORIES(X)                                        \
  X(in_asm, 0, "show guest instructions of each translated block")   \
  X(op, 1, "show the IR of each block before optimization")          \
  X(op_opt, 2, "show the IR after optimization")                     \
  X(out_asm, 3, "show the generated host code")                      \
  X(cpu, 4, "show the CPU registers before each executed block")     \
  X(exec, 5, "show each executed block")                             \
  X(int, 6, "show signals and exceptions")                           \
  X(strace, 7, "log system calls")                                   \
  X(page, 8, "show the memory map after loading")                    \
  X(unimp, 9, "log unimplemented functionality")                     \
  X(guest_errors, 10, "log invalid guest operations")                \
  X(nochain, 11, "do not chain translated blocks")                    \
  X(fpu, 12, "include FP registers in the cpu log")

enum LogCategory : uint32_t {
#define X(name, bit, help) kLog_##name = 1u << bit,
  HART_LOG_CATEGORIES(X)
#undef X
};

// Parses "in_asm,op" (or "help"); returns false and sets *error on an unknown name.
bool parse_log_categories(const std::string& spec, uint32_t* mask, std::string* error);
std::string log_categories_help();

class GuestLog {
 public:
  GuestLog() = default;
  ~GuestLog();
  bool enabled(uint32_t cat) const { return mask_.load(std::memory_order_relaxed) & cat; }
  void set_mask(uint32_t m) { mask_.store(m, std::memory_order_relaxed); }
  uint32_t mask() const { return mask_.load(std::memory_order_relaxed); }
  // Output goes to stderr unless a file or a sink is set. Returns false if it cannot be opened.
  bool open_file(const std::string& path, std::string* error);
  // A sink (hartd: log tails) gets every text as well as the file, and
  // stderr no longer does. Called under the log's lock: it must not block
  // nor write to this log. nullptr removes it.
  void set_sink(std::function<void(const std::string&)> fn);
  void write(const std::string& text);
  void printf(const char* fmt, ...) __attribute__((format(printf, 2, 3)));

 private:
  std::atomic<uint32_t> mask_{0};
  std::mutex mutex_;
  FILE* file_ = nullptr;
  std::function<void(const std::string&)> sink_;
};

}  // namespace hart
