// gdbstub/pkt_points.cpp — Z/z: software breakpoints (Z0, kinds 2 and 4),
// "hardware" breakpoints (Z1: the same mechanism, translated into the
// code; the session remembers which kind each address has, for the stop
// reply's swbreak/hwbreak), write/read/access watchpoints (Z2/Z3/Z4).
#include "gdbstub/packets.h"

namespace hart::gdb {

namespace {
Reply point(Session& s, std::string_view args, bool insert) {
  // type,addr,kind[;cond...]
  size_t c1 = args.find(','), c2 = c1 == std::string_view::npos ? c1 : args.find(',', c1 + 1);
  if (c1 == std::string_view::npos || c2 == std::string_view::npos) return Reply::error(22);
  size_t end = args.find(';', c2);
  uint64_t type, addr, kind;
  if (!parse_hex(args.substr(0, c1), &type) || !parse_hex(args.substr(c1 + 1, c2 - c1 - 1), &addr) ||
      !parse_hex(args.substr(c2 + 1, end == std::string_view::npos ? end : end - c2 - 1), &kind))
    return Reply::error(22);
  switch (type) {
    case 0:
    case 1: {
      // kind 0: LLDB 14 has no riscv64 trap opcode size and sends 0.
      if (kind != 2 && kind != 4 && kind != 0) return Reply::error(22);
      std::pair<int, uint64_t> key{s.target.pid(), addr};
      auto& mine = type == 0 ? s.sw_breaks : s.hw_breaks;
      bool shared = (type == 0 ? s.hw_breaks : s.sw_breaks).count(key) != 0;  // the other kind is there
      if (!shared && (insert ? !s.target.insert_breakpoint(addr) : !s.target.remove_breakpoint(addr)))
        return Reply::error(14);
      if (insert)
        mine.insert(key);
      else
        mine.erase(key);
      return Reply::ok();
    }
    case 2:
    case 3:
    case 4:
      if (kind == 0 || kind > 0x10000) return Reply::error(22);
      if (insert ? !s.target.insert_watchpoint(static_cast<int>(type), addr, kind)
                 : !s.target.remove_watchpoint(static_cast<int>(type), addr, kind))
        return Reply::error(14);
      return Reply::ok();
    default:
      return Reply::empty();
  }
}
}  // namespace

Reply pkt_Z(Session& s, std::string_view args) { return point(s, args, true); }
Reply pkt_z(Session& s, std::string_view args) { return point(s, args, false); }

}  // namespace hart::gdb
