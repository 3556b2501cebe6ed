// linux-abi/vfs/proc_tunables.h — the thread names and per-task settings a guest reads and
// writes through /proc/<pid>/ and /proc/<pid>/task/<tid>/, emulated per
// guest process or thread with Linux's (fs/proc/base.c) formats, parsing
// and permission rules:
//
// | file            | where        | value                       | write rule |
// |-----------------|--------------|-----------------------------|------------|
// | comm            | pid and task | the thread's name, "%s\n"   | a thread of the same process; 15 bytes kept |
// | oom_score_adj   | pid          | -1000..1000, "%d\n"         | lowering needs CAP_SYS_RESOURCE |
// | loginuid        | pid and task | audit login uid, "%u"       | only the task itself, at offset 0; once set, CAP_AUDIT_CONTROL; setting it starts a new session |
// | sessionid       | pid and task | audit session, "%u"         | read-only |
// | coredump_filter | pid          | MMF_DUMP_* bits, "%08x\n"   | any base (0x, 0), 9 bits kept |
// | timerslack_ns   | pid          | the task's slack, "%llu\n"  | another task's (read or write) needs CAP_SYS_NICE; 0 restores the default |
//
// Files of mode 0644 open for writing only for the task's owner (fsuid =
// the task's euid) or with CAP_DAC_OVERRIDE, as the proc inode's owner and
// mode make Linux decide. A guest of another launch (proc_view "owner"
// lists it) is treated as another user without capabilities over the task:
// no 0644 file opens for writing (EACCES), timerslack_ns answers EPERM. Session numbers count per launch (ProcessTree):
// one guest cannot learn another's logins from them.
// Owns: these files' contents and rules. Does not own: where the values are
// kept (process.h) or the rest of /proc (proc_dev.cpp).
#pragma once

#include <memory>
#include <string>

#include "linux-abi/process/process.h"

namespace hart::linux {

// Is name one of these files in /proc/<pid>/ (in_task false) or in
// /proc/<pid>/task/<tid>/ (in_task true)?
bool is_proc_tunable(const std::string& name, bool in_task);

// Opens the file name of thread tid of t (for /proc/<pid>/: tid = pid):
// 0 with *file set, or -errno. other_launch: the caller is a guest of
// another launch (which sees t with proc_view "owner").
int open_proc_tunable(std::shared_ptr<Process> t, int tid, const std::string& name,
                      int64_t flags, bool other_launch, std::shared_ptr<HostFd>* file);

// The bytes of text at offset off (for EmuFiles whose text is generated).
int64_t read_text(const std::string& text, uint8_t* buf, uint64_t len, uint64_t off);
// The guest thread making the current system call (nullptr outside one).
Thread* current_thread();

// An EmuFile opened with flags' access mode: 0 with *file set, or -errno.
int open_emu_file(std::shared_ptr<EmuFile> f, int64_t flags, std::shared_ptr<HostFd>* file);

}  // namespace hart::linux
