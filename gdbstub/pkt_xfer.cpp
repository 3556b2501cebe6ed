// gdbstub/pkt_xfer.cpp — qXfer:<object>:read:<annex>:<offset>,<length> for
// features (target.xml), threads, auxv, exec-file, siginfo (the stopped
// thread's pending signal), libraries-svr4 (the dynamic linker's list) and
// osdata (`info os`: the types, and processes). Replies are "m" (more) or
// "l" (last) followed by escaped binary data.
#include <pwd.h>
#include <unistd.h>

#include <cstdio>

#include "gdbstub/packets.h"

namespace hart::gdb {

namespace {

// Splits "annex:offset,length".
bool parse_xfer(std::string_view args, std::string_view* annex, uint64_t* off, uint64_t* len) {
  size_t colon = args.rfind(':');
  if (colon == std::string_view::npos) return false;
  *annex = args.substr(0, colon);
  std::string_view ol = args.substr(colon + 1);
  size_t comma = ol.find(',');
  if (comma == std::string_view::npos) return false;
  return parse_hex(ol.substr(0, comma), off) && parse_hex(ol.substr(comma + 1), len);
}

Reply slice(const std::string& doc, uint64_t off, uint64_t len) {
  if (off > doc.size()) return Reply::error(22);
  // Escaping can double the size: keep the reply within the packet size.
  uint64_t max = (kMaxPacket - 8) / 2;
  if (len > max) len = max;
  std::string part = doc.substr(off, len);
  bool last = off + part.size() >= doc.size();
  return Reply::send((last ? "l" : "m") + escape_binary(part));
}

std::string xml_escape(const std::string& s) {
  std::string out;
  for (char c : s) {
    switch (c) {
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '&': out += "&amp;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&apos;"; break;
      default:
        if (static_cast<unsigned char>(c) >= 0x20) out += c;
    }
  }
  return out;
}

}  // namespace

bool parse_xfer_args(std::string_view a, std::string_view* an, uint64_t* o, uint64_t* l) {
  return parse_xfer(a, an, o, l);
}
Reply slice_reply(const std::string& doc, uint64_t off, uint64_t len) { return slice(doc, off, len); }

Reply pkt_qXfer_features(Session&, std::string_view args) {
  std::string_view annex;
  uint64_t off, len;
  if (!parse_xfer(args, &annex, &off, &len)) return Reply::error(22);
  if (annex != "target.xml") return Reply::error(0);
  return slice(target_xml(), off, len);
}

Reply pkt_qXfer_threads(Session& s, std::string_view args) {
  std::string_view annex;
  uint64_t off, len;
  if (!parse_xfer(args, &annex, &off, &len) || !annex.empty()) return Reply::error(22);
  std::string doc = "<?xml version=\"1.0\"?>\n<threads>\n";
  for (const ThreadInfo& t : s.target.threads()) {
    doc += "<thread id=\"" + s.thread_id(t.tid) + "\" core=\"0\"";
    if (!t.name.empty()) doc += " name=\"" + xml_escape(t.name) + "\"";
    doc += "/>\n";
  }
  doc += "</threads>\n";
  return slice(doc, off, len);
}

Reply pkt_qXfer_auxv(Session& s, std::string_view args) {
  std::string_view annex;
  uint64_t off, len;
  if (!parse_xfer(args, &annex, &off, &len) || !annex.empty()) return Reply::error(22);
  return slice(s.target.auxv(), off, len);
}

Reply pkt_qXfer_exec_file(Session& s, std::string_view args) {
  std::string_view annex;
  uint64_t off, len;
  if (!parse_xfer(args, &annex, &off, &len)) return Reply::error(22);
  uint64_t pid;  // annex: the process (hex pid) with multiprocess
  if (!annex.empty() && (!parse_hex(annex, &pid) || !s.target.select_process(static_cast<int>(pid))))
    return Reply::error(3);
  return slice(s.target.exec_file(), off, len);
}

}  // namespace hart::gdb

namespace hart::gdb {

Reply pkt_qXfer_siginfo(Session& s, std::string_view args) {
  std::string_view annex;
  uint64_t off, len;
  if (!parse_xfer_args(args, &annex, &off, &len) || !annex.empty()) return Reply::error(22);
  std::string info = s.target.siginfo(s.current_thread());
  if (info.empty()) return Reply::error(1);  // no signal stop: EPERM, as gdbserver
  return slice_reply(info, off, len);
}

Reply pkt_qXfer_osdata(Session& s, std::string_view args) {
  std::string_view annex;
  uint64_t off, len;
  if (!parse_xfer_args(args, &annex, &off, &len)) return Reply::error(22);
  auto column = [](const char* name, const std::string& value) {
    return std::string("<column name=\"") + name + "\">" + xml_escape(value) + "</column>";
  };
  std::string doc = "<?xml version=\"1.0\"?>\n<!DOCTYPE target SYSTEM \"osdata.dtd\">\n";
  if (annex.empty()) {
    doc += "<osdata type=\"types\">\n<item>" + column("Type", "processes") +
           column("Description", "Listing of all guest processes") + column("Title", "Processes") +
           "</item>\n</osdata>\n";
  } else if (annex == "processes") {
    // Guests run as hartd's user.
    std::string user = std::to_string(getuid());
    passwd pw, *found = nullptr;
    char buf[1024];
    if (getpwuid_r(getuid(), &pw, buf, sizeof buf, &found) == 0 && found) user = pw.pw_name;
    doc += "<osdata type=\"processes\">\n";
    for (const Target::OsProcess& p : s.target.os_processes())
      doc += "<item>" + column("pid", std::to_string(p.pid)) + column("user", user) +
             column("command", p.command) + column("cores", "0") + "</item>\n";
    doc += "</osdata>\n";
  } else {
    return Reply::error(0);
  }
  return slice_reply(doc, off, len);
}

Reply pkt_qXfer_libraries_svr4(Session& s, std::string_view args) {
  std::string_view annex;
  uint64_t off, len;
  // The annex may carry start=/prev= hints (incremental lists): always the whole list.
  if (!parse_xfer_args(args, &annex, &off, &len)) return Reply::error(22);
  std::string doc = s.target.libraries_svr4();
  // LLDB takes main-lm for the address of DT_DEBUG's pointer to r_debug
  // (its "image info address"), not gdb's link_map of the main program:
  // without it LLDB finds r_debug through the program's DT_DEBUG itself.
  size_t at = s.lldb ? doc.find(" main-lm=\"") : std::string::npos;
  if (at != std::string::npos) doc.erase(at, doc.find('"', at + 10) + 1 - at);
  return slice_reply(doc, off, len);
}

}  // namespace hart::gdb
