// linux-abi/process/vpid.h — the guest pid space: the numbers getpid()/gettid()
// answer. One counter per hart process (hartd: daemon-wide; hart-run: one
// launch), never reused. Process ids are also claimed host-wide, so that
// guests of concurrent hart-run and hartd instances never share a pid: names
// built from getpid() in host-shared places (/tmp/x.$$, /dev/shm/name_<pid>,
// lock files) then collide no more than natively.
// Owns: allocation, the host-wide claims. Does not own: the pid table
// (process.cpp).
#pragma once

#include <cstdint>

namespace hart::linux {

// The next process id: the counter's next number that no other live hart
// instance has claimed; claims it (released by release_process_vpid).
int allocate_process_vpid();
// The next thread id (the counter's next number; not claimed).
int allocate_thread_vpid();
// Numbers up to `pid` are never handed out again (clone3 set_tid).
void reserve_vpids_through(int pid);
void release_process_vpid(int pid);
// How many times this instance has looked up whether another instance
// holding a number is alive (each a read of its /proc/<pid>/stat): a
// claimant found alive is believed so for a while, so skipping a run of
// numbers it holds costs one look-up, not one per number.
uint64_t vpid_claimant_probes();
// Clears claims whose claimant is gone (an instance does it at its start now
// and then; HART_PID_SWEEP=1 always).
void sweep_stale_vpid_claims();
// Every claim this instance still holds (hart-run, just before it exits
// without waiting for its processes' teardown).
void release_all_process_vpids();

// Before the first launch: where the counter starts (hart-run: its own host
// pid, or -pid N), and whether numbers are claimed (the default) or handed
// out as they come (-pid N: the same pids on every run, for tests and
// debugging sessions that name them; the user then owns collisions).
void set_first_vpid(int pid, bool forced);

}  // namespace hart::linux
