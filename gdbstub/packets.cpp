// gdbstub/packets.cpp — the packet table. See packets.h.
#include "gdbstub/packets.h"

#include <iterator>

namespace hart::gdb {

namespace {
constexpr Match E = Match::Exact, P = Match::Prefix;
constexpr Support F = Support::Full, Part = Support::Partial;

const PacketDef kPackets[] = {
    // name                     match handler                 support note
    {"qSupported", P, pkt_qSupported, F, ""},
    {"QStartNoAckMode", E, pkt_QStartNoAckMode, F, ""},
    {"qAttached", P, pkt_qAttached, F, ""},
    {"qOffsets", E, pkt_qOffsets, F, ""},
    {"qSymbol", P, pkt_qSymbol, F, "no symbol lookups requested"},
    {"QPassSignals:", P, pkt_QPassSignals, F, ""},
    {"QProgramSignals:", P, pkt_QProgramSignals, Part, "accepted; every signal resumed with is delivered"},
    {"QCatchSyscalls", P, pkt_QCatchSyscalls, F, ""},
    {"vMustReplyEmpty", E, pkt_vMustReplyEmpty, F, ""},
    {"g", E, pkt_g, F, ""},
    {"G", P, pkt_G, F, ""},
    {"p", P, pkt_p, F, ""},
    {"P", P, pkt_P, F, ""},
    {"m", P, pkt_m, F, ""},
    {"M", P, pkt_M, F, ""},
    {"X", P, pkt_X, F, ""},
    {"Z", P, pkt_Z, Part, "Z0/Z1 software, Z2/Z3/Z4 checked mode; no conditions"},
    {"z", P, pkt_z, F, ""},
    {"?", E, pkt_question, F, ""},
    {"c", P, pkt_c, Part, "resume address not supported"},
    {"C", P, pkt_C, Part, "resume address not supported"},
    {"s", P, pkt_s, Part, "resume address not supported"},
    {"S", P, pkt_S, Part, "resume address not supported"},
    {"bs", E, pkt_bs, F, "when the process is recorded (hart-run --record)"},
    {"bc", E, pkt_bc, F, "when the process is recorded (hart-run --record)"},
    {"vCont?", E, pkt_vCont_query, F, ""},
    {"vCont;", P, pkt_vCont, Part, "no range stepping (r)"},
    {"D", P, pkt_D, F, ""},
    {"k", E, pkt_k, F, ""},
    {"vKill;", P, pkt_vKill, F, ""},
    {"H", P, pkt_H, F, ""},
    {"T", P, pkt_T, F, ""},
    {"qC", E, pkt_qC, F, ""},
    {"qfThreadInfo", E, pkt_qfThreadInfo, F, ""},
    {"qsThreadInfo", E, pkt_qsThreadInfo, F, ""},
    {"qThreadExtraInfo,", P, pkt_qThreadExtraInfo, F, ""},
    {"qXfer:features:read:", P, pkt_qXfer_features, F, ""},
    {"qXfer:threads:read:", P, pkt_qXfer_threads, F, ""},
    {"qXfer:auxv:read:", P, pkt_qXfer_auxv, F, ""},
    {"qXfer:exec-file:read:", P, pkt_qXfer_exec_file, F, ""},
    {"qXfer:siginfo:read:", P, pkt_qXfer_siginfo, Part, "read only (no qXfer:siginfo:write)"},
    {"qXfer:libraries-svr4:read:", P, pkt_qXfer_libraries_svr4, Part, "whole list (start/prev ignored)"},
    {"qXfer:osdata:read:", P, pkt_qXfer_osdata, Part, "types and processes (info os processes)"},
    {"vFile:", P, pkt_vFile, Part, "open/pread/pwrite/close/fstat/readlink/unlink/setfs"},
    {"qRcmd,", P, pkt_qRcmd, F, ""},
    {"!", E, pkt_bang, F, "only where the server serves extended-remote (hart-run --multi)"},
    {"vRun;", P, pkt_vRun, F, ""},
    {"vAttach;", P, pkt_vAttach, Part, "guest processes of the same hart-run"},
    {"QEnvironmentHexEncoded:", P, pkt_QEnvironmentHexEncoded, F, ""},
    {"QEnvironmentUnset:", P, pkt_QEnvironmentUnset, F, ""},
    {"QEnvironmentReset", E, pkt_QEnvironmentReset, F, ""},
    {"QSetWorkingDir:", P, pkt_QSetWorkingDir, F, ""},
    {"QStartupWithShell:", P, pkt_QStartupWithShell, Part, "no shell: arguments are passed as given"},
    // LLDB's packets (pkt_lldb.cpp, pkt_lldb_launch.cpp)
    {"QThreadSuffixSupported", E, pkt_QThreadSuffixSupported, F, ""},
    {"QListThreadsInStopReply", E, pkt_QListThreadsInStopReply, F, ""},
    {"qHostInfo", E, pkt_qHostInfo, F, ""},
    {"qProcessInfo", E, pkt_qProcessInfo, F, ""},
    {"qRegisterInfo", P, pkt_qRegisterInfo, Part, "x0..x31, pc, f0..f31 (fflags/frm/fcsr only in target.xml)"},
    {"qMemoryRegionInfo", P, pkt_qMemoryRegionInfo, F, ""},
    {"qWatchpointSupportInfo", P, pkt_qWatchpointSupportInfo, F, ""},
    {"qThreadStopInfo", P, pkt_qThreadStopInfo, F, ""},
    {"QEnvironment:", P, pkt_QEnvironment, F, ""},
    {"QSetDisableASLR:", P, pkt_lldb_accept, Part, "accepted: guests have no ASLR to disable"},
    {"QSetDetachOnError:", P, pkt_lldb_accept, Part, "accepted; a lost session kills the guests it started"},
    {"QLaunchArch:", P, pkt_lldb_accept, Part, "accepted: always riscv64"},
    {"QSetSTDIN:", P, pkt_lldb_accept, Part, "accepted; the guest's stdio are the stub's"},
    {"QSetSTDOUT:", P, pkt_lldb_accept, Part, "accepted; the guest's stdio are the stub's"},
    {"QSetSTDERR:", P, pkt_lldb_accept, Part, "accepted; the guest's stdio are the stub's"},
    {"A", P, pkt_A, F, "extended-remote only"},
    {"qLaunchSuccess", E, pkt_qLaunchSuccess, F, ""},
};
}  // namespace

const PacketDef* find_packet(std::string_view packet, std::string_view* args) {
  const PacketDef* best = nullptr;
  for (const PacketDef& d : kPackets) {
    bool hit = d.match == Match::Exact ? packet == d.name : packet.substr(0, d.name.size()) == d.name;
    if (hit && (!best || d.name.size() > best->name.size())) best = &d;
  }
  if (best) *args = packet.substr(best->name.size());
  return best;
}

const PacketDef* packet_table(size_t* n) {
  *n = std::size(kPackets);
  return kPackets;
}

}  // namespace hart::gdb
