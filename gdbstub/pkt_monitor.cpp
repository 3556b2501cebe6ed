// gdbstub/pkt_monitor.cpp — qRcmd ("monitor ..." in gdb): the stub's own
// commands (help, packets) and the target's (log categories, info), whose
// output goes back hex-encoded.
#include "gdbstub/packets.h"

namespace hart::gdb {

Reply pkt_qRcmd(Session& s, std::string_view args) {
  std::string cmd;
  if (!from_hex(args, &cmd)) return Reply::error(22);
  while (!cmd.empty() && cmd.back() == ' ') cmd.pop_back();
  std::string out;
  if (cmd == "packets") {
    size_t n;
    const PacketDef* t = packet_table(&n);
    for (size_t i = 0; i < n; ++i) {
      out += std::string(t[i].name) + (t[i].support == Support::Full ? "" : "  (partial: ") +
             std::string(t[i].note) + (t[i].support == Support::Full ? "" : ")") + "\n";
    }
  } else {
    out = s.target.monitor(cmd);
    if (cmd == "help" || cmd.empty())
      out += "packets              list the remote protocol packets this stub serves\n";
  }
  if (out.empty()) out = "unknown monitor command '" + cmd + "' (try: monitor help)\n";
  return Reply::send(to_hex(out));
}

}  // namespace hart::gdb
