// gdbstub/pkt_mem.cpp — memory packets m, M, X. Unmapped memory answers
// E14 (EFAULT); a partly mapped read returns the readable prefix, as
// gdbserver does.
#include "gdbstub/packets.h"

namespace hart::gdb {

namespace {
// "addr,len" (and what follows the length, for M/X).
bool parse_addr_len(std::string_view args, uint64_t* addr, uint64_t* len, std::string_view* rest) {
  size_t comma = args.find(',');
  if (comma == std::string_view::npos) return false;
  size_t colon = args.find(':', comma);
  if (!parse_hex(args.substr(0, comma), addr)) return false;
  if (!parse_hex(args.substr(comma + 1, colon == std::string_view::npos ? colon : colon - comma - 1), len))
    return false;
  *rest = colon == std::string_view::npos ? std::string_view{} : args.substr(colon + 1);
  return true;
}
}  // namespace

Reply pkt_m(Session& s, std::string_view args) {
  uint64_t addr, len;
  std::string_view rest;
  if (!parse_addr_len(args, &addr, &len, &rest)) return Reply::error(22);
  if (len > kMaxPacket / 2) len = kMaxPacket / 2;
  std::string buf(len, '\0');
  size_t n = len ? s.target.read_memory(addr, buf.data(), len) : 0;
  if (n == 0 && len) return Reply::error(14);
  buf.resize(n);
  return Reply::send(to_hex(buf));
}

Reply pkt_M(Session& s, std::string_view args) {
  uint64_t addr, len;
  std::string_view rest;
  std::string data;
  if (!parse_addr_len(args, &addr, &len, &rest) || !from_hex(rest, &data) || data.size() != len)
    return Reply::error(22);
  if (len && s.target.write_memory(addr, data.data(), len) != len) return Reply::error(14);
  return Reply::ok();
}

Reply pkt_X(Session& s, std::string_view args) {
  uint64_t addr, len;
  std::string_view rest;
  std::string data;
  if (!parse_addr_len(args, &addr, &len, &rest) || !unescape_binary(rest, &data) ||
      data.size() != len)
    return Reply::error(22);
  if (len && s.target.write_memory(addr, data.data(), len) != len) return Reply::error(14);
  return Reply::ok();
}

}  // namespace hart::gdb
