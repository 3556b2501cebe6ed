// linux-abi/syscalls/safe_syscall.h — host system calls that block on behalf of a
// guest thread and that a guest signal (or exit_group, execve, a kill) must
// be able to interrupt. A host real-time signal ("kick") is sent to the vCPU
// thread; the check-then-syscall race is closed by an assembly stub whose
// code range the kick handler knows: a kick that lands after the stub has
// checked the vCPU's exit_request flag but before its `syscall` instruction
// moves the thread to the stub's "interrupted" exit, so the call returns
// -EINTR without ever blocking; a kick during the syscall makes the kernel
// return -EINTR (the handler is installed without SA_RESTART).
// Owns: the stub, the kick signal and its handler. Does not own: what an
// interrupted call returns to the guest (each handler maps -EINTR to the
// restart code Linux uses for that call).
#pragma once

#include <pthread.h>

#include <atomic>
#include <cstdint>

namespace hart::linux {

// The host signal used for kicks (a glibc-free real-time signal).
int kick_signal();
// Installs the kick handler once per host process.
void install_kick_handler();
// Interrupts the host thread t if it is blocked in safe_syscall (or about to be).
void kick_host_thread(pthread_t t);

// Host syscall nr(a1..a6), unless *flag is non-zero when the stub checks it.
// Returns the raw kernel result: >= 0, or -errno (-EINTR when interrupted).
int64_t safe_syscall(const std::atomic<uint32_t>* flag, long nr, long a1 = 0, long a2 = 0,
                     long a3 = 0, long a4 = 0, long a5 = 0, long a6 = 0);

}  // namespace hart::linux
