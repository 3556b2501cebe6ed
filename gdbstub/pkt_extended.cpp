// gdbstub/pkt_extended.cpp — extended-remote packets: '!' (enable),
// vRun (start a program stopped before its first instruction), vAttach
// (debug another process), QEnvironmentHexEncoded/QEnvironmentUnset/
// QEnvironmentReset and QSetWorkingDir (what the next vRun gets),
// QStartupWithShell (accepted; programs never start through a shell).
// Owns: the extended-remote packet family. Does not own: starting guests
// (Target::run) or the session's lifetime rules (server.cpp).
#include "gdbstub/packets.h"

namespace hart::gdb {

namespace {
bool unhex(std::string_view hex, std::string* out) {
  out->clear();
  if (hex.size() % 2) return false;
  for (size_t i = 0; i < hex.size(); i += 2) {
    uint64_t v;
    if (!parse_hex(hex.substr(i, 2), &v)) return false;
    out->push_back(static_cast<char>(v));
  }
  return true;
}
}  // namespace

Reply pkt_bang(Session& s, std::string_view) {
  if (!s.extended_allowed) return Reply::empty();
  s.extended = true;
  return Reply::ok();
}

Reply pkt_vRun(Session& s, std::string_view args) {
  // vRun;HEX(program)[;HEX(arg)]...
  if (!s.extended) return Reply::empty();
  RunRequest req = s.run_env;
  while (!args.empty()) {
    size_t semi = args.find(';');
    std::string a;
    if (!unhex(args.substr(0, semi), &a)) return Reply::error(22);
    req.argv.push_back(a);
    if (semi == std::string_view::npos) break;
    args.remove_prefix(semi + 1);
  }
  if (req.argv.empty()) req.argv.emplace_back();
  std::string err;
  int pid = s.target.run(req, &err);
  if (pid < 0) return Reply::error(2);
  s.g_thread = 0;
  s.c_thread = -1;
  Reply r{Reply::Resume, ""};  // the stop reply once it is stopped before its first instruction
  r.no_console = true;
  return r;
}

Reply pkt_vAttach(Session& s, std::string_view args) {
  if (!s.extended) return Reply::empty();
  uint64_t pid;
  if (!parse_hex(args, &pid) || pid > 0x7fffffff) return Reply::error(22);
  if (!s.target.attach(static_cast<int>(pid))) return Reply::error(3);
  s.g_thread = 0;
  s.c_thread = -1;
  Reply r{Reply::Resume, ""};
  r.no_console = true;
  return r;
}

Reply pkt_QEnvironmentHexEncoded(Session& s, std::string_view args) {
  std::string kv;
  if (!unhex(args, &kv)) return Reply::error(22);
  size_t eq = kv.find('=');
  if (eq == std::string::npos || eq == 0) return Reply::error(22);
  s.run_env.env.push_back({kv.substr(0, eq), kv.substr(eq + 1), false});
  return Reply::ok();
}

Reply pkt_QEnvironmentUnset(Session& s, std::string_view args) {
  std::string name;
  if (!unhex(args, &name) || name.empty()) return Reply::error(22);
  s.run_env.env.push_back({name, "", true});
  return Reply::ok();
}

Reply pkt_QEnvironmentReset(Session& s, std::string_view) {
  s.run_env.env_reset = true;
  s.run_env.env.clear();
  return Reply::ok();
}

Reply pkt_QSetWorkingDir(Session& s, std::string_view args) {
  std::string dir;  // empty: the default (hart-run's own directory)
  if (!unhex(args, &dir)) return Reply::error(22);
  s.run_env.cwd = dir;
  return Reply::ok();
}

Reply pkt_QStartupWithShell(Session&, std::string_view args) {
  // Programs are started directly (no shell expands their arguments).
  return args == "0" || args == "1" ? Reply::ok() : Reply::error(22);
}

}  // namespace hart::gdb
