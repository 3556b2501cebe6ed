// gdbstub/pkt_query.cpp — general query and setting packets: qSupported,
// QStartNoAckMode, qAttached, qOffsets, qSymbol, QPassSignals,
// QProgramSignals, QCatchSyscalls, vMustReplyEmpty. Also Session helpers shared by every
// family (Reply::error, thread ids, current thread).
#include <cstdio>

#include "gdbstub/packets.h"
#include "gdbstub/signals.h"

namespace hart::gdb {

Reply Reply::error(int e) {
  char buf[8];
  snprintf(buf, sizeof buf, "E%02x", e & 0xff);
  return {Send, buf};
}

bool parse_thread_id(std::string_view s, int* tid, int* pid) {
  if (pid) *pid = 0;
  if (s == "-1") {
    *tid = -1;
    return true;
  }
  if (!s.empty() && s[0] == 'p') {  // multiprocess form p<pid>.<tid> or p<pid>
    size_t dot = s.find('.');
    std::string_view ps = s.substr(1, dot == std::string_view::npos ? std::string_view::npos : dot - 1);
    uint64_t pv = 0;
    if (ps == "-1") {
      if (pid) *pid = -1;
    } else if (!parse_hex(ps, &pv) || pv > 0x7fffffff) {
      return false;
    } else if (pid) {
      *pid = static_cast<int>(pv);
    }
    if (dot == std::string_view::npos) {
      *tid = -1;
      return true;
    }
    s = s.substr(dot + 1);
    if (s == "-1") {
      *tid = -1;
      return true;
    }
  }
  uint64_t v;
  if (!parse_hex(s, &v) || v > 0x7fffffff) return false;
  *tid = static_cast<int>(v);
  return true;
}

std::string Session::thread_id(int tid) {
  std::string t = hex_u64(static_cast<uint64_t>(tid));
  if (!multiprocess) return t;
  return "p" + hex_u64(static_cast<uint64_t>(target.pid_of(tid))) + "." + t;
}

int Session::resolve_thread(int tid, int pid) {
  if (tid != 0 && tid != -1) return tid;
  if (pid <= 0) return tid;
  for (const ThreadInfo& t : target.threads())
    if (t.pid == pid) return t.tid;
  return tid;
}

int Session::wire_signal(int linux_sig) const { return lldb ? linux_sig : gdb_signal_from_linux(linux_sig); }
int Session::linux_signal(int wire) const { return lldb ? wire : linux_signal_from_gdb(wire); }

int Session::current_thread() {
  if (suffix_thread > 0 && target.thread_alive(suffix_thread)) return suffix_thread;
  if (g_thread > 0 && target.thread_alive(g_thread)) return g_thread;
  if (last_stop.tid > 0 && target.thread_alive(last_stop.tid)) return last_stop.tid;
  std::vector<ThreadInfo> ts = target.threads();
  return ts.empty() ? 0 : ts.front().tid;
}

Reply pkt_qSupported(Session& s, std::string_view args) {
  // gdb lists its features: "qSupported:multiprocess+;swbreak+;...".
  if (!args.empty() && args[0] == ':') args.remove_prefix(1);
  while (!args.empty()) {
    size_t semi = args.find(';');
    std::string_view f = args.substr(0, semi);
    if (f == "swbreak+") s.swbreak = true;
    if (f == "hwbreak+") s.hwbreak = true;
    if (f == "multiprocess+") s.multiprocess = true;
    if (f == "fork-events+") s.fork_events = true;
    if (f == "vfork-events+") s.vfork_events = true;
    if (f == "exec-events+") s.exec_events = true;
    if (semi == std::string_view::npos) break;
    args.remove_prefix(semi + 1);
  }
  char buf[64];
  snprintf(buf, sizeof buf, "PacketSize=%zx", kMaxPacket);
  std::string r = buf;
  r += ";QStartNoAckMode+;qXfer:features:read+;qXfer:threads:read+;qXfer:auxv:read+"
       ";qXfer:exec-file:read+;QPassSignals+;QProgramSignals+;vContSupported+"
       ";swbreak+;hwbreak+;QCatchSyscalls+;qXfer:siginfo:read+;qXfer:libraries-svr4:read+"
       ";qXfer:osdata:read+";
  // Process events only with multiprocess ids (a fork names the child's process).
  if (!s.multiprocess) s.fork_events = s.vfork_events = s.exec_events = false;
  if (s.extended_allowed)
    r += ";QEnvironmentHexEncoded+;QEnvironmentUnset+;QEnvironmentReset+;QSetWorkingDir+;QStartupWithShell+";
  if (s.multiprocess) r += ";multiprocess+";
  if (s.target.may_reverse()) r += ";ReverseStep+;ReverseContinue+";
  if (s.fork_events) r += ";fork-events+";
  if (s.vfork_events) r += ";vfork-events+";
  if (s.exec_events) r += ";exec-events+";
  s.target.set_process_events((s.fork_events ? kProcessFork : 0u) | (s.vfork_events ? kProcessVfork : 0u) |
                              (s.exec_events ? kProcessExec : 0u));
  return Reply::send(r);
}

Reply pkt_QStartNoAckMode(Session&, std::string_view) {
  Reply r = Reply::ok();  // still acknowledged; nothing after it is
  r.then_no_ack = true;
  return r;
}

Reply pkt_qAttached(Session& s, std::string_view args) {
  uint64_t pid;  // qAttached:PID (multiprocess)
  if (args.size() > 1 && args[0] == ':' && parse_hex(args.substr(1), &pid) &&
      !s.target.select_process(static_cast<int>(pid)))
    return Reply::error(3);
  return Reply::send(s.target.attached_by_us() ? "1" : "0");
}

// Addresses are not relocated by the stub (gdb reads the program headers
// and the dynamic linker's r_debug itself). LLDB would take "Text=0" as
// the load address of a position-independent program: it gets no answer
// and relocates from the auxv, as with lldb-server.
Reply pkt_qOffsets(Session& s, std::string_view) {
  return s.lldb ? Reply::empty() : Reply::send("Text=0;Data=0;Bss=0");
}

Reply pkt_qSymbol(Session&, std::string_view) { return Reply::ok(); }

namespace {
// "a;b;c" of hex signal numbers → mask.
bool parse_signal_list(Session& s, std::string_view args, uint64_t* mask) {
  *mask = 0;
  while (!args.empty()) {
    size_t semi = args.find(';');
    uint64_t sig;
    if (!parse_hex(args.substr(0, semi), &sig)) return false;
    int ls = s.linux_signal(static_cast<int>(sig < 256 ? sig : 0));
    if (ls >= 1 && ls <= 64) *mask |= uint64_t{1} << (ls - 1);
    if (semi == std::string_view::npos) break;
    args.remove_prefix(semi + 1);
  }
  return true;
}
}  // namespace

Reply pkt_QPassSignals(Session& s, std::string_view args) {
  uint64_t mask;
  if (!parse_signal_list(s, args, &mask)) return Reply::error(22);
  s.target.set_pass_signals(mask);
  return Reply::ok();
}

Reply pkt_QProgramSignals(Session& s, std::string_view args) {
  uint64_t mask;
  if (!parse_signal_list(s, args, &mask)) return Reply::error(22);
  return Reply::ok();
}

Reply pkt_QCatchSyscalls(Session& s, std::string_view args) {
  // QCatchSyscalls:0 (off), QCatchSyscalls:1 (all), QCatchSyscalls:1;nr;nr...
  if (args == ":0") {
    s.target.set_catch_syscalls(false, {});
    return Reply::ok();
  }
  if (args.substr(0, 2) != ":1") return Reply::error(22);
  args.remove_prefix(2);
  std::vector<int> nrs;
  while (!args.empty()) {
    if (args[0] != ';') return Reply::error(22);
    args.remove_prefix(1);
    size_t semi = args.find(';');
    uint64_t nr;
    if (!parse_hex(args.substr(0, semi), &nr) || nr > 0xffff) return Reply::error(22);
    nrs.push_back(static_cast<int>(nr));
    args = semi == std::string_view::npos ? std::string_view{} : args.substr(semi);
  }
  s.target.set_catch_syscalls(true, nrs);
  return Reply::ok();
}

Reply pkt_vMustReplyEmpty(Session&, std::string_view) { return Reply::empty(); }

}  // namespace hart::gdb
