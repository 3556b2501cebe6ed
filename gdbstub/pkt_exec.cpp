// gdbstub/pkt_exec.cpp — execution control: '?', c/C/s/S, vCont? and vCont
// (c, C, s, S, t per thread; all-stop: whatever stops, everything stops),
// bs/bc (reverse step and continue on a recorded process),
// D (detach: the guest runs on), k and vKill. Also the stop reply format
// (T with thread, swbreak/hwbreak, watch/rwatch/awatch,
// syscall_entry/syscall_return, fork/vfork/vforkdone/exec, replaylog:begin
// and expedited
// pc/sp; W/X for an ended process, with ;process:PID when multiprocess).
#include "gdbstub/packets.h"
#include "gdbstub/signals.h"

namespace hart::gdb {

std::string Session::stop_reply(const StopInfo& st, bool make_general) {
  char buf[64];
  std::string proc = multiprocess && st.pid > 0 ? ";process:" + hex_u64(static_cast<uint64_t>(st.pid)) : "";
  if (st.kind == StopInfo::Exited) {
    snprintf(buf, sizeof buf, "W%02x", st.exit_code & 0xff);
    return buf + proc;
  }
  if (st.kind == StopInfo::Killed) {
    snprintf(buf, sizeof buf, "X%02x", wire_signal(st.signal) & 0xff);
    return buf + proc;
  }
  int sig = st.signal;
  if (lldb && fresh_stop && st.reason == StopReason::None && sig == 5) sig = 19;  // SIGSTOP
  snprintf(buf, sizeof buf, "T%02x", wire_signal(sig) & 0xff);
  std::string r = buf;
  // As gdbserver: the thread a stop reports becomes the general thread, so
  // the next g/p/m act on it even when gdb selected another one (Hg) before.
  if (st.tid > 0 && make_general) g_thread = st.tid;
  Registers regs;
  bool have_regs = target.read_registers(st.tid, &regs);
  switch (st.reason) {
    case StopReason::Breakpoint: {
      std::pair<int, uint64_t> key{target.pid_of(st.tid), regs.pc};
      bool hw = have_regs && hw_breaks.count(key) && !sw_breaks.count(key);
      if (hw ? hwbreak : swbreak) r += hw ? "hwbreak:;" : "swbreak:;";
      break;
    }
    case StopReason::Watch:
      r += "watch:" + hex_u64(st.addr) + ";";
      break;
    case StopReason::RWatch:
      r += "rwatch:" + hex_u64(st.addr) + ";";
      break;
    case StopReason::AWatch:
      r += "awatch:" + hex_u64(st.addr) + ";";
      break;
    case StopReason::SyscallEntry:
      r += "syscall_entry:" + hex_u64(st.addr) + ";";
      break;
    case StopReason::SyscallReturn:
      r += "syscall_return:" + hex_u64(st.addr) + ";";
      break;
    case StopReason::Fork:
    case StopReason::VFork: {
      std::string child = hex_u64(static_cast<uint64_t>(st.child_tid));
      if (multiprocess) child = "p" + hex_u64(static_cast<uint64_t>(st.child_pid)) + "." + child;
      r += (st.reason == StopReason::Fork ? "fork:" : "vfork:") + child + ";";
      break;
    }
    case StopReason::VForkDone:
      r += "vforkdone:;";
      break;
    case StopReason::HistoryBegin:
      r += "replaylog:begin;";
      break;
    case StopReason::Exec:
      r += "exec:" + to_hex(st.exec_path) + ";";
      break;
    default:
      break;
  }
  r += "thread:" + thread_id(st.tid) + ";";
  if (have_regs) {
    r += "20:" + le_hex(regs.pc, 8) + ";";
    r += "02:" + le_hex(regs.x[2], 8) + ";";
    r += "08:" + le_hex(regs.x[8], 8) + ";";
    r += "01:" + le_hex(regs.x[1], 8) + ";";
  }
  if (list_threads_in_stop) r += thread_list_keys();
  return r;
}

namespace {

// The thread a legacy c/s/C/S acts on.
int legacy_thread(Session& s) {
  if (s.c_thread > 0 && s.target.thread_alive(s.c_thread)) return s.c_thread;
  return s.last_stop.tid > 0 ? s.last_stop.tid : s.current_thread();
}

Reply legacy_resume(Session& s, std::string_view args, Action a, bool with_signal) {
  int sig = 0;
  if (with_signal) {
    uint64_t v;
    size_t semi = args.find(';');
    if (!parse_hex(args.substr(0, semi), &v) || v > 255) return Reply::error(22);
    sig = s.linux_signal(static_cast<int>(v));
    args = semi == std::string_view::npos ? std::string_view{} : args.substr(semi + 1);
  }
  if (!args.empty()) return Reply::error(22);  // resume at an address: not supported
  int tid = legacy_thread(s);
  ThreadAction mine{a, sig};
  // Continue: every thread runs (the signal goes to the selected one). Step:
  // only the selected thread moves.
  ThreadAction others{a == Action::Continue ? Action::Continue : Action::Stop, 0};
  s.target.resume({{tid, mine}}, others);
  return {Reply::Resume, ""};
}

}  // namespace

Reply pkt_question(Session& s, std::string_view) {
  // LLDB on an extended-remote stub with no process yet: an error, as
  // lldb-server answers, keeps it "connected" (ready for process launch
  // or attach); W00 would make it start a local process instead.
  if (s.lldb && !s.target.has_process()) return Reply::error(2);
  return Reply::send(s.stop_reply(s.last_stop));
}

Reply pkt_c(Session& s, std::string_view a) { return legacy_resume(s, a, Action::Continue, false); }
Reply pkt_C(Session& s, std::string_view a) { return legacy_resume(s, a, Action::Continue, true); }
Reply pkt_s(Session& s, std::string_view a) { return legacy_resume(s, a, Action::Step, false); }
Reply pkt_S(Session& s, std::string_view a) { return legacy_resume(s, a, Action::Step, true); }

// bs / bc: one instruction back / back to the last breakpoint or
// watchpoint hit (or the start of history), for the selected thread (the
// one that stopped last when Hc names none); the others stay stopped, except
// that in a recorded process with several threads the recorder runs them
// all by the recorded schedule (linux-abi/process/record.h). A process not
// recorded (any more) has no history: the reply is the stop where it is,
// at the start of it.
Reply reverse_resume(Session& s, Action a) {
  if (!s.target.can_reverse()) {
    StopInfo here = s.last_stop;
    if (here.kind != StopInfo::Stopped) return Reply::error(1);
    here.reason = StopReason::HistoryBegin;
    here.signal = 5;
    return Reply::send(s.stop_reply(here));
  }
  // gdb sends Hc pPID.0 before a reverse step of the thread it shows (its
  // scheduler is not locked): that thread, the one that stopped last.
  int tid = s.c_any && s.last_stop.tid > 0 && s.target.thread_alive(s.last_stop.tid) ? s.last_stop.tid
                                                                                       : legacy_thread(s);
  s.target.resume({{tid, ThreadAction{a, 0}}}, ThreadAction{Action::Stop, 0});
  return {Reply::Resume, ""};
}

Reply pkt_bs(Session& s, std::string_view) { return reverse_resume(s, Action::ReverseStep); }
Reply pkt_bc(Session& s, std::string_view) { return reverse_resume(s, Action::ReverseContinue); }

Reply pkt_vCont_query(Session&, std::string_view) { return Reply::send("vCont;c;C;s;S;t"); }

Reply pkt_vCont(Session& s, std::string_view args) {
  // vCont;action[:thread];action[:thread]... — the leftmost action that
  // names a thread wins; an action without a thread applies to the rest.
  std::vector<std::pair<int, ThreadAction>> per;
  ThreadAction others{Action::Stop, 0};
  bool have_default = false;
  while (!args.empty()) {
    size_t semi = args.find(';');
    std::string_view item = args.substr(0, semi);
    args = semi == std::string_view::npos ? std::string_view{} : args.substr(semi + 1);
    size_t colon = item.find(':');
    std::string_view act = item.substr(0, colon);
    ThreadAction ta;
    if (act.empty()) return Reply::error(22);
    char k = act[0];
    if (k == 'c' || k == 'C')
      ta.action = Action::Continue;
    else if (k == 's' || k == 'S')
      ta.action = Action::Step;
    else if (k == 't')
      ta.action = Action::Stop;
    else
      return Reply::empty();  // r (range step) and others: unsupported
    if (k == 'C' || k == 'S') {
      uint64_t v;
      if (!parse_hex(act.substr(1), &v) || v > 255) return Reply::error(22);
      ta.signal = s.linux_signal(static_cast<int>(v));
    } else if (act.size() != 1) {
      return Reply::error(22);
    }
    if (colon == std::string_view::npos) {
      if (!have_default) others = ta;
      have_default = true;
      continue;
    }
    int tid, pid;
    if (!parse_thread_id(item.substr(colon + 1), &tid, &pid)) return Reply::error(22);
    std::vector<int> tids;
    if ((tid == -1 || tid == 0) && pid > 0) {  // every thread of one process
      for (const ThreadInfo& t : s.target.threads())
        if (t.pid == pid) tids.push_back(t.tid);
    } else if (tid == -1 || tid == 0) {
      if (!have_default) others = ta;
      have_default = true;
      continue;
    } else {
      tids.push_back(tid);
    }
    for (int t1 : tids) {
      bool seen = false;
      for (auto& [t, _] : per) seen |= t == t1;
      if (!seen) per.emplace_back(t1, ta);
    }
  }
  s.vcont_seen = true;
  s.target.resume(per, others);
  return {Reply::Resume, ""};
}

// "D" or "D;PID" (multiprocess: that process only; the session goes on
// while others are debugged).
Reply pkt_D(Session& s, std::string_view args) {
  if (args.size() > 1 && args[0] == ';') {
    uint64_t pid;
    if (!parse_hex(args.substr(1), &pid)) return Reply::error(22);
    if (s.target.detach_process(static_cast<int>(pid)) > 0) return Reply::ok();
    return {Reply::Detach, "OK"};
  }
  s.target.detach();
  return {Reply::Detach, "OK"};
}

Reply pkt_k(Session& s, std::string_view) {
  s.target.kill();
  // gdb reads no reply to k; LLDB waits for the exit status.
  return {Reply::Kill, s.lldb ? "X09" : ""};
}

Reply pkt_vKill(Session& s, std::string_view args) {
  uint64_t pid;
  if (parse_hex(args, &pid) && s.target.kill_process(static_cast<int>(pid)) > 0) return Reply::ok();
  if (!args.empty() && !parse_hex(args, &pid)) s.target.kill();
  return {Reply::Kill, "OK"};
}

}  // namespace hart::gdb
