// gdbstub/pkt_threads.cpp — thread packets: H (g/c selection), T (alive?),
// qC, qfThreadInfo/qsThreadInfo, qThreadExtraInfo. Thread ids are the
// guest's tids (hex), written pPID.TID when gdb accepted multiprocess (the
// list then spans every debugged process).
#include "gdbstub/packets.h"

namespace hart::gdb {

Reply pkt_H(Session& s, std::string_view args) {
  if (args.empty()) return Reply::error(22);
  int tid, pid;
  if (!parse_thread_id(args.substr(1), &tid, &pid)) return Reply::error(22);
  bool any = tid == 0 || tid == -1;
  tid = s.resolve_thread(tid, pid);
  if (tid > 0 && !s.target.thread_alive(tid)) return Reply::error(3);
  if (args[0] == 'g')
    s.g_thread = tid < 0 ? 0 : tid;
  else if (args[0] == 'c')
    s.c_thread = tid, s.c_any = any;
  else
    return Reply::error(22);
  return Reply::ok();
}

Reply pkt_T(Session& s, std::string_view args) {
  int tid;
  if (!parse_thread_id(args, &tid) || tid <= 0) return Reply::error(22);
  return s.target.thread_alive(tid) ? Reply::ok() : Reply::error(3);
}

Reply pkt_qC(Session& s, std::string_view) {
  if (s.lldb && !s.target.has_process()) return Reply::error(0x44);  // no process yet (LLDB)
  return Reply::send("QC" + s.thread_id(s.current_thread()));
}

Reply pkt_qfThreadInfo(Session& s, std::string_view) {
  // LLDB with no process yet: lldb-server's "OK" (an empty list would make
  // LLDB 14 assume a process 1).
  if (s.lldb && !s.target.has_process()) return Reply::ok();
  s.thread_list.clear();
  for (const ThreadInfo& t : s.target.threads()) s.thread_list.push_back(t.tid);
  s.thread_list_pos = 0;
  return pkt_qsThreadInfo(s, {});
}

Reply pkt_qsThreadInfo(Session& s, std::string_view) {
  if (s.thread_list_pos >= s.thread_list.size()) return Reply::send("l");
  std::string r = "m";
  // Up to 64 ids per reply.
  for (int k = 0; k < 64 && s.thread_list_pos < s.thread_list.size(); ++k) {
    if (k) r += ',';
    r += s.thread_id(s.thread_list[s.thread_list_pos++]);
  }
  return Reply::send(r);
}

Reply pkt_qThreadExtraInfo(Session& s, std::string_view args) {
  int tid;
  if (!parse_thread_id(args, &tid) || tid <= 0) return Reply::error(22);
  for (const ThreadInfo& t : s.target.threads())
    if (t.tid == tid) {
      std::string text = t.name.empty() ? "running" : t.name;
      return Reply::send(to_hex(text));
    }
  return Reply::error(3);
}

}  // namespace hart::gdb
