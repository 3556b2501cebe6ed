// linux-abi/process/host_thread.h — starting the host threads that serve guests (a
// vCPU per guest thread, a supervisor per launch) with a small explicit
// stack instead of the default RLIMIT_STACK-sized one (8 MiB), and with a
// failure reported instead of thrown, so that hartd holding thousands of
// guests is bounded by its own limits, not by a std::system_error.
// Owns: stack sizes of guest-serving host threads, their creation. Does not
// own: what the threads run (cpu_loop.cpp, launch.cpp).
#pragma once

#include <pthread.h>

#include <cstddef>
#include <functional>

namespace hart::linux {

// A vCPU thread runs generated code, the translator (heap-allocated IR,
// shallow recursion) and syscall handlers (at most a few PATH_MAX buffers):
// the deepest of ~3,400 threads over the whole test suite touched 24 KiB.
// The size costs address space only (untouched pages are never backed);
// each thread costs two host VMAs (stack and guard) whatever the size.
constexpr size_t kVcpuStackBytes = size_t{512} << 10;
// A launch's supervisor only waits, kills and reports.
constexpr size_t kSupervisorStackBytes = size_t{256} << 10;

// Starts fn on a new detached host thread with a stack of stack_bytes (plus
// the usual guard page). 0 and *out = its handle, or the errno of
// pthread_create (EAGAIN: the host's thread or memory limits).
int start_host_thread(size_t stack_bytes, std::function<void()> fn, pthread_t* out = nullptr);

}  // namespace hart::linux
