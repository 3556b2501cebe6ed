// gdbstub/pkt_lldb_launch.cpp — how LLDB starts a program on a connected
// extended-remote stub (`process launch` after `gdb-remote`/`process
// connect`): QEnvironment:NAME=VALUE, QSetDisableASLR, QSetDetachOnError,
// QLaunchArch, QSetSTDIN/QSetSTDOUT/QSetSTDERR, then A (the argument
// list), then qLaunchSuccess. The program starts stopped before its first
// instruction, as with vRun; LLDB then asks '?' for the stop.
// Owns: that packet family. Does not own: starting guests (Target::run).
#include <poll.h>
#include <unistd.h>

#include <chrono>

#include "gdbstub/packets.h"

namespace hart::gdb {

Reply pkt_QEnvironment(Session& s, std::string_view args) {
  std::string kv(args);
  size_t eq = kv.find('=');
  if (eq == std::string::npos || eq == 0) return Reply::error(22);
  s.run_env.env.push_back({kv.substr(0, eq), kv.substr(eq + 1), false});
  return Reply::ok();
}

// Settings that do not apply to a guest (no ASLR to disable, no
// architecture to pick, output goes to the debugger) are accepted.
Reply pkt_lldb_accept(Session& s, std::string_view) {
  s.lldb = true;
  return Reply::ok();
}

Reply pkt_A(Session& s, std::string_view args) {
  // A<len>,<index>,<hex arg>[,<len>,<index>,<hex arg>]...
  s.lldb = true;
  if (!s.extended) return Reply::error(1);
  RunRequest req = s.run_env;
  std::vector<std::string> argv;
  while (!args.empty()) {
    size_t c1 = args.find(','), c2 = c1 == std::string_view::npos ? c1 : args.find(',', c1 + 1);
    if (c2 == std::string_view::npos) return Reply::error(22);
    uint64_t len, idx;
    if (!parse_hex(args.substr(0, c1), &len) || !parse_hex(args.substr(c1 + 1, c2 - c1 - 1), &idx) || idx > 4096)
      return Reply::error(22);
    std::string_view rest = args.substr(c2 + 1);
    if (rest.size() < len) return Reply::error(22);
    std::string a;
    if (!from_hex(rest.substr(0, len), &a)) return Reply::error(22);
    if (argv.size() <= idx) argv.resize(idx + 1);
    argv[idx] = a;
    rest.remove_prefix(len);
    if (!rest.empty() && rest[0] != ',') return Reply::error(22);
    args = rest.empty() ? rest : rest.substr(1);
  }
  if (argv.empty()) argv.emplace_back();
  req.argv = argv;
  std::string err;
  s.launch_error.clear();
  if (s.target.run(req, &err) < 0) {
    s.launch_error = err.empty() ? "cannot start the program" : err;
    return Reply::error(2);
  }
  // Wait until it is stopped before its first instruction: that is what '?' reports.
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  StopInfo st = s.target.poll_stop();
  while (st.kind == StopInfo::Running && std::chrono::steady_clock::now() < deadline) {
    pollfd pfd{s.target.wake_fd(), POLLIN, 0};
    if (poll(&pfd, 1, 20) > 0 && (pfd.revents & POLLIN)) {
      uint64_t v;
      (void)!read(pfd.fd, &v, sizeof v);
    }
    st = s.target.poll_stop();
  }
  if (st.kind == StopInfo::Running) {
    s.launch_error = "the program did not stop before its first instruction";
    return Reply::error(2);
  }
  s.last_stop = st;
  s.fresh_stop = true;
  s.g_thread = 0;
  s.c_thread = -1;
  return Reply::ok();
}

Reply pkt_qLaunchSuccess(Session& s, std::string_view) {
  if (s.launch_error.empty()) return Reply::ok();
  return Reply::send("E" + to_hex(s.launch_error));
}

}  // namespace hart::gdb
