// gdbstub/packets.h — THE table of gdb packets the stub understands: name,
// how the name matches, handler, support level. Handlers live in one file
// per packet family (pkt_*.cpp); the serve loop (server.cpp) dispatches
// every packet through find_packet(). Unknown packets get the empty reply.
// Owns: the table. Does not own: framing or the serve loop.
#pragma once

#include <string_view>

#include "gdbstub/session.h"

namespace hart::gdb {

using Handler = Reply (*)(Session& s, std::string_view args);
enum class Match { Exact, Prefix };
enum class Support { Full, Partial };

struct PacketDef {
  std::string_view name;
  Match match;
  Handler handler;
  Support support;
  std::string_view note;  // what is missing when Partial
};

// The entry for a packet (longest matching name), or nullptr. *args gets
// the rest of the packet after the name.
const PacketDef* find_packet(std::string_view packet, std::string_view* args);
// Every entry (for "monitor help" and docs).
const PacketDef* packet_table(size_t* n);

// Handlers, by family.
// pkt_query.cpp — general queries and settings
Reply pkt_qSupported(Session&, std::string_view);
Reply pkt_QStartNoAckMode(Session&, std::string_view);
Reply pkt_qAttached(Session&, std::string_view);
Reply pkt_qOffsets(Session&, std::string_view);
Reply pkt_qSymbol(Session&, std::string_view);
Reply pkt_QPassSignals(Session&, std::string_view);
Reply pkt_QProgramSignals(Session&, std::string_view);
Reply pkt_QCatchSyscalls(Session&, std::string_view);
Reply pkt_vMustReplyEmpty(Session&, std::string_view);
// pkt_regs.cpp — registers
Reply pkt_g(Session&, std::string_view);
Reply pkt_G(Session&, std::string_view);
Reply pkt_p(Session&, std::string_view);
Reply pkt_P(Session&, std::string_view);
// pkt_mem.cpp — memory
Reply pkt_m(Session&, std::string_view);
Reply pkt_M(Session&, std::string_view);
Reply pkt_X(Session&, std::string_view);
// pkt_points.cpp — breakpoints and watchpoints
Reply pkt_Z(Session&, std::string_view);
Reply pkt_z(Session&, std::string_view);
// pkt_exec.cpp — execution control and stop replies
Reply pkt_question(Session&, std::string_view);
Reply pkt_c(Session&, std::string_view);
Reply pkt_C(Session&, std::string_view);
Reply pkt_s(Session&, std::string_view);
Reply pkt_bs(Session&, std::string_view);
Reply pkt_bc(Session&, std::string_view);
Reply pkt_S(Session&, std::string_view);
Reply pkt_vCont_query(Session&, std::string_view);
Reply pkt_vCont(Session&, std::string_view);
Reply pkt_D(Session&, std::string_view);
Reply pkt_k(Session&, std::string_view);
Reply pkt_vKill(Session&, std::string_view);
// pkt_threads.cpp — threads
Reply pkt_H(Session&, std::string_view);
Reply pkt_T(Session&, std::string_view);
Reply pkt_qC(Session&, std::string_view);
Reply pkt_qfThreadInfo(Session&, std::string_view);
Reply pkt_qsThreadInfo(Session&, std::string_view);
Reply pkt_qThreadExtraInfo(Session&, std::string_view);
// pkt_xfer.cpp — qXfer objects
Reply pkt_qXfer_features(Session&, std::string_view);
Reply pkt_qXfer_threads(Session&, std::string_view);
Reply pkt_qXfer_auxv(Session&, std::string_view);
Reply pkt_qXfer_exec_file(Session&, std::string_view);
Reply pkt_qXfer_siginfo(Session&, std::string_view);
Reply pkt_qXfer_libraries_svr4(Session&, std::string_view);
Reply pkt_qXfer_osdata(Session&, std::string_view);
// qXfer helpers (pkt_xfer.cpp): "annex:offset,length"; an m/l reply slice.
bool parse_xfer_args(std::string_view args, std::string_view* annex, uint64_t* off, uint64_t* len);
Reply slice_reply(const std::string& doc, uint64_t off, uint64_t len);
// pkt_vfile.cpp — host I/O
Reply pkt_vFile(Session&, std::string_view);
// pkt_extended.cpp — extended-remote
Reply pkt_bang(Session&, std::string_view);
Reply pkt_vRun(Session&, std::string_view);
Reply pkt_vAttach(Session&, std::string_view);
Reply pkt_QEnvironmentHexEncoded(Session&, std::string_view);
Reply pkt_QEnvironmentUnset(Session&, std::string_view);
Reply pkt_QEnvironmentReset(Session&, std::string_view);
Reply pkt_QSetWorkingDir(Session&, std::string_view);
Reply pkt_QStartupWithShell(Session&, std::string_view);
// pkt_lldb.cpp — LLDB's own packets
Reply pkt_QThreadSuffixSupported(Session&, std::string_view);
Reply pkt_QListThreadsInStopReply(Session&, std::string_view);
Reply pkt_qHostInfo(Session&, std::string_view);
Reply pkt_qProcessInfo(Session&, std::string_view);
Reply pkt_qRegisterInfo(Session&, std::string_view);
Reply pkt_qMemoryRegionInfo(Session&, std::string_view);
Reply pkt_qWatchpointSupportInfo(Session&, std::string_view);
Reply pkt_qThreadStopInfo(Session&, std::string_view);
// g/G/p/P with ";thread:TID;" (after QThreadSuffixSupported): sets
// s.suffix_thread for this packet and removes the suffix.
void strip_thread_suffix(Session& s, std::string* pkt);
// pkt_lldb_launch.cpp — LLDB's process launch on an extended-remote stub
Reply pkt_QEnvironment(Session&, std::string_view);
Reply pkt_lldb_accept(Session&, std::string_view);
Reply pkt_A(Session&, std::string_view);
Reply pkt_qLaunchSuccess(Session&, std::string_view);
// pkt_monitor.cpp — monitor commands
Reply pkt_qRcmd(Session&, std::string_view);

// target_xml.cpp — the riscv:rv64 target description.
const std::string& target_xml();

}  // namespace hart::gdb
