// gdbstub/session.h — the state of one debugger connection (one Session per
// accepted socket) shared by the packet handlers: the connection, the
// target, selected threads (Hg/Hc), negotiated features, the last stop,
// thread-list iteration, vFile descriptors.
// Owns: per-connection protocol state. Does not own: the packet table
// (packets.cpp) or the serve loop (server.cpp).
#pragma once

#include <map>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "gdbstub/rsp_framing.h"
#include "gdbstub/target.h"

namespace hart::gdb {

// What a handler wants the serve loop to do.
struct Reply {
  enum Kind {
    Send,     // send text (possibly empty: "unsupported")
    Resume,   // the target was resumed: send a stop reply when it stops
    Detach,   // send text, then end the session; the guest runs on
    Kill,     // end the session (text sent first if non-empty)
  } kind = Send;
  std::string text;
  bool then_no_ack = false;  // QStartNoAckMode: acks stop after this reply
  // Resume: gdb reads exactly one reply (vRun, vAttach), so no console
  // output ('O' packets) may come before the stop reply.
  bool no_console = false;
  static Reply send(std::string t) { return {Send, std::move(t)}; }
  static Reply error(int e);  // "Exx"
  static Reply ok() { return {Send, "OK"}; }
  static Reply empty() { return {Send, ""}; }
};

struct Session {
  Session(RspConnection& c, Target& t) : conn(c), target(t) {}
  ~Session();  // closes the vFile descriptors still open
  Session(const Session&) = delete;
  Session& operator=(const Session&) = delete;
  RspConnection& conn;
  Target& target;

  int g_thread = 0;   // Hg: registers/memory (0 = any: the last stopped thread)
  int c_thread = -1;  // Hc: c/s/C/S (-1 = all)
  bool c_any = true;   // Hc named no thread (0, -1, pPID.0): a resume acts on the stopped thread
  bool swbreak = false, hwbreak = false;  // gdb accepted swbreak/hwbreak stop reasons
  bool vcont_seen = false;
  bool multiprocess = false;  // gdb accepted multiprocess+: ids are pPID.TID
  bool fork_events = false, vfork_events = false, exec_events = false;
  bool extended_allowed = false;  // the server serves extended-remote
  bool extended = false;          // '!' received: vRun/vAttach, the session outlives processes
  // LLDB's additions (pkt_lldb.cpp): the client is LLDB (it sent one of its
  // own packets, QThreadSuffixSupported first, right after qSupported; gdb
  // sends none of them, and its qSupported looks like LLDB's), g/G/p/P carry ";thread:TID;"
  // (QThreadSuffixSupported; suffix_thread is that of the packet being
  // served), stop replies list every thread and pc (QListThreadsInStopReply).
  bool lldb = false;
  bool thread_suffix = false;
  int suffix_thread = 0;
  bool list_threads_in_stop = false;
  // The last stop is a process's first (the session's start, vRun,
  // vAttach, A): LLDB is told SIGSTOP, as lldb-server does, not SIGTRAP,
  // which it would take for a hit of its breakpoint at the entry point.
  bool fresh_stop = true;
  std::string launch_error;  // why the last A failed (qLaunchSuccess), "" = it worked
  RunRequest run_env;             // QEnvironment*/QSetWorkingDir for the next vRun
  // Z0 and Z1 breakpoints by (pid, address): both are translated into the
  // code (one target breakpoint per address); a stop at a Z1-only address
  // is reported as hwbreak.
  std::set<std::pair<int, uint64_t>> sw_breaks, hw_breaks;
  StopInfo last_stop;  // what '?' answers
  std::string console;  // program output read while stopped, sent at the next resume
  std::vector<int> thread_list;  // qfThreadInfo snapshot
  size_t thread_list_pos = 0;
  std::map<int, int> vfile_fds;  // gdb's fd → host fd (owned: closed with the session)
  int vfile_next = 3;

  // The thread register and memory packets act on.
  int current_thread();
  // Formats a stop reply for s (T/W/X). make_general: the stopping thread
  // becomes the general thread (a real stop; not for qThreadStopInfo).
  std::string stop_reply(const StopInfo& s, bool make_general = true);
  // A thread id as gdb expects it: hex tid, or pPID.TID with multiprocess.
  std::string thread_id(int tid);
  // Signal numbers on the wire: gdb's own numbering (GDB_SIGNAL_*), but
  // Linux's for LLDB, which reads them with the target's signal table.
  int wire_signal(int linux_sig) const;
  int linux_signal(int wire) const;
  // "threads:T1,T2,...;thread-pcs:PC1,PC2,...;" (LLDB, QListThreadsInStopReply).
  std::string thread_list_keys();
  // Resolves a parsed id: pPID.0 (any thread of PID) → its first thread.
  int resolve_thread(int tid, int pid);
};

// A guest thread id as gdb writes it: hex, "-1" (all) or "0" (any), or
// pPID.TID (multiprocess; *pid gets PID, -1 for "all", 0 when absent).
bool parse_thread_id(std::string_view s, int* tid, int* pid = nullptr);

}  // namespace hart::gdb
