// gdbstub/pkt_lldb.cpp — the packets LLDB adds to gdb's protocol (its
// lldb-server dialect, docs/lldb-gdb-remote.txt in LLDB's sources):
// QThreadSuffixSupported (g/G/p/P name their thread with ";thread:TID;"),
// QListThreadsInStopReply (threads: and thread-pcs: in stop replies),
// qHostInfo and qProcessInfo (triple riscv64-unknown-linux-gnu, pointer
// size, endianness, ids), qRegisterInfoN (the register table, a fallback
// for LLDBs without XML), qMemoryRegionInfo (mappings with permissions and
// names), qWatchpointSupportInfo, qThreadStopInfoTID and jThreadsInfo.
// Owns: that packet family and the thread-suffix stripping the serve loop
// applies. Does not own: the register data (reg_table.cpp) or launching
// (pkt_lldb_launch.cpp).
#include <unistd.h>

#include <cstdio>

#include "gdbstub/packets.h"
#include "gdbstub/reg_table.h"

namespace hart::gdb {

namespace {
constexpr const char* kTriple = "riscv64-unknown-linux-gnu";
// Watchpoints are checks in the translated code, not debug registers: as
// many as the debugger wants. LLDB wants a number.
constexpr int kWatchpoints = 64;
}  // namespace

void strip_thread_suffix(Session& s, std::string* pkt) {
  s.suffix_thread = 0;
  if (!s.thread_suffix || pkt->empty()) return;
  char c = (*pkt)[0];
  if (c != 'g' && c != 'G' && c != 'p' && c != 'P') return;
  size_t at = pkt->find(";thread:");
  if (at == std::string::npos) return;
  std::string_view id = std::string_view(*pkt).substr(at + 8);
  if (!id.empty() && id.back() == ';') id.remove_suffix(1);
  int tid, pid;
  if (parse_thread_id(id, &tid, &pid) && tid > 0) s.suffix_thread = s.resolve_thread(tid, pid);
  pkt->resize(at);
}

std::string Session::thread_list_keys() {
  std::string tids, pcs;
  for (const ThreadInfo& t : target.threads()) {
    Registers r;
    if (!tids.empty()) tids += ',';
    tids += hex_u64(static_cast<uint64_t>(t.tid));
    if (target.read_registers(t.tid, &r)) {
      if (!pcs.empty()) pcs += ',';
      pcs += hex_u64(r.pc);
    }
  }
  return "threads:" + tids + ";thread-pcs:" + pcs + ";";
}

Reply pkt_QThreadSuffixSupported(Session& s, std::string_view) {
  s.lldb = true;
  // LLDB sends no '!': on a stub that serves extended-remote, its session
  // is one (it outlives processes; A, vAttach).
  if (s.extended_allowed) s.extended = true;
  s.thread_suffix = true;
  return Reply::ok();
}

Reply pkt_QListThreadsInStopReply(Session& s, std::string_view) {
  s.lldb = true;
  s.list_threads_in_stop = true;
  return Reply::ok();
}

Reply pkt_qHostInfo(Session& s, std::string_view) {
  s.lldb = true;
  char host[256] = "";
  gethostname(host, sizeof host - 1);
  // A watchpoint stops gdb before the access (pc at the load or store), as
  // RISC-V triggers do (gdb: have_nonsteppable_watchpoint), but LLDB after
  // it: LLDB steps over a "before" hit forwards even when it was reverse
  // continuing, which would undo every reverse watchpoint stop.
  s.target.set_watch_after(true);
  return Reply::send("triple:" + to_hex(kTriple) + ";ptrsize:8;endian:little;ostype:linux;vendor:unknown;" +
                     "hostname:" + to_hex(host) + ";watchpoint_exceptions_received:after;");
}

Reply pkt_qProcessInfo(Session& s, std::string_view) {
  s.lldb = true;
  Target::ProcessFacts f;
  if (!s.target.process_facts(&f)) return Reply::error(1);
  std::string r = "pid:" + hex_u64(static_cast<uint64_t>(f.pid)) + ";";
  if (f.ppid > 0) r += "parent-pid:" + hex_u64(static_cast<uint64_t>(f.ppid)) + ";";
  r += "real-uid:" + hex_u64(f.ruid) + ";real-gid:" + hex_u64(f.rgid) + ";effective-uid:" + hex_u64(f.euid) +
       ";effective-gid:" + hex_u64(f.egid) + ";";
  r += "triple:" + to_hex(kTriple) + ";ostype:linux;endian:little;ptrsize:8;";
  return Reply::send(r);
}

Reply pkt_qRegisterInfo(Session& s, std::string_view args) {
  // qRegisterInfoN: LLDB asks N = 0, 1, ... until an error, and then uses
  // N as the p/P number. gdb's numbering has no register 65, so this
  // fallback ends after f31 (fflags, frm and fcsr only come in target.xml).
  s.lldb = true;
  uint64_t n;
  if (!parse_hex(args, &n)) return Reply::error(22);
  const RegDesc* r = n < 1000 ? reg_by_num(static_cast<int>(n)) : nullptr;
  if (!r) return Reply::error(0x45);
  std::string out = std::string("name:") + r->name + ";";
  if (r->altname[0]) out += std::string("alt-name:") + r->altname + ";";
  out += "bitsize:" + std::to_string(r->bits) + ";offset:" + std::to_string(r->offset) + ";";
  out += r->is_float ? "encoding:ieee754;format:float;" : "encoding:uint;format:hex;";
  out += r->set[0] == 'f' ? "set:Floating Point Registers;" : "set:General Purpose Registers;";
  if (r->dwarf >= 0) out += "ehframe:" + std::to_string(r->dwarf) + ";dwarf:" + std::to_string(r->dwarf) + ";";
  if (r->generic[0]) out += std::string("generic:") + r->generic + ";";
  return Reply::send(out);
}

Reply pkt_qMemoryRegionInfo(Session& s, std::string_view args) {
  // qMemoryRegionInfo:ADDR → start:S;size:N;permissions:rwx;name:HEX;
  // An unmapped address gets the gap around it, without permissions.
  uint64_t addr;
  if (args.empty() || args[0] != ':' || !parse_hex(args.substr(1), &addr)) return Reply::error(22);
  Target::MemoryRegion m;
  if (!s.target.memory_region(addr, &m)) return Reply::error(1);
  std::string r = "start:" + hex_u64(m.start) + ";size:" + hex_u64(m.size) + ";";
  if (m.mapped) {
    std::string perms = std::string(m.read ? "r" : "") + (m.write ? "w" : "") + (m.exec ? "x" : "");
    r += "permissions:" + perms + ";";
    if (!m.name.empty()) r += "name:" + to_hex(m.name) + ";";
  }
  return Reply::send(r);
}

Reply pkt_qWatchpointSupportInfo(Session&, std::string_view) {
  return Reply::send("num:" + std::to_string(kWatchpoints) + ";");
}

Reply pkt_qThreadStopInfo(Session& s, std::string_view args) {
  // Why thread TID is stopped: the last stop's reply for its thread, a
  // stop without a signal for the others (all-stop: they were stopped for it).
  uint64_t tid;
  if (!parse_hex(args, &tid) || tid == 0 || tid > 0x7fffffff) return Reply::error(22);
  int t = static_cast<int>(tid);
  if (!s.target.thread_alive(t)) return Reply::error(3);
  if (s.last_stop.kind == StopInfo::Stopped && s.last_stop.tid == t) return Reply::send(s.stop_reply(s.last_stop, false));
  StopInfo other;
  other.kind = StopInfo::Stopped;
  other.tid = t;
  other.pid = s.target.pid_of(t);
  return Reply::send(s.stop_reply(other, false));
}

}  // namespace hart::gdb
