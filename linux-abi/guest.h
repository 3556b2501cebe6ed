// linux-abi/guest.h — entry point of the Linux personality for one guest
// program run to completion (used by hart-run; hartd builds on the same
// pieces). Owns: the configuration and result of a run.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "core/executor.h"
#include "core/log.h"
#include "core/vcpu.h"
#include "linux-abi/process/record.h"

namespace hart::linux {

class Process;

struct GuestConfig {
  std::string exe_path;                 // host path of the program (as given)
  std::vector<std::string> argv;        // argv[0] included
  std::vector<std::string> envp;
  std::string sysroot;                  // -L prefix ("" = none)
  std::string root;                     // -R root (jail) folder ("" = none); exe_path is then inside it
  std::string core_pattern;             // core file names (core_dump.h); "" = "core"
  bool strace = false;
  uint64_t address_space = kGuestVaMax; // bytes of guest address space (hart-run -address-space)
  VcpuOptions vcpu;
  // Record from the first instruction, for reverse execution (record.h).
  bool record = false;
  RecordOptions record_options;
  // Record, and save the recording here when the process ends (record.h).
  std::string record_file;
  // Replay this recording (exe_path may be empty: the recorded program).
  std::string replay_file;
  // Called with the loaded process before its first instruction runs
  // (hart-run -g attaches the gdb stub here).
  std::function<void(const std::shared_ptr<Process>&)> before_start;
  // The caller ends its host process as soon as run_guest returns (hart-run
  // calls _exit, as qemu-riscv64 does): do not wait for guest threads to
  // finish freeing their translations and memory once every process is a
  // zombie (files are closed before that).
  bool exit_after = false;
};

struct GuestResult {
  bool ok = false;          // false: could not start (error says why)
  std::string error;        // "<file>: <problem>" when !ok
  bool signaled = false;    // died by a signal
  int exit_code = 0;        // exit_group status (when !signaled)
  int signal = 0;           // the signal (when signaled)
  // Status as a shell reports it: exit_code, or 128+signal.
  int shell_status() const { return signaled ? 128 + signal : exit_code; }
};

// Loads and runs the program until its last thread exits. Never throws for
// bad input: a malformed ELF gives ok=false with a one-line error.
GuestResult run_guest(Executor& exec, GuestLog& log, const GuestConfig& cfg);

}  // namespace hart::linux
