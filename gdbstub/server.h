// gdbstub/server.h — the RSP server for one debugged process: serves one
// debugger connection at a time over a socket (serve()), dispatching each
// packet through the packet table and, while the target runs, waiting for
// its stop while honouring 0x03 from the debugger. Also the listening
// helpers (loopback TCP port, Unix socket).
// Owns: the serve loop. Does not own: framing (rsp_framing.h), packet
// semantics (pkt_*.cpp), the target (Target implementations).
//
// Threading: serve() blocks the calling thread (the stub's own thread);
// shutdown() may be called from any thread and makes it return soon.
#pragma once

#include <atomic>
#include <functional>
#include <string>
#include <thread>

#include "gdbstub/target.h"

namespace hart::gdb {

class GdbServer {
 public:
  explicit GdbServer(Target& t) : target_(t) {}
  // Extended-remote ('!', vRun, vAttach): a session goes on when its
  // processes end or are killed; it ends when the debugger disconnects.
  void set_extended(bool on) { extended_ = on; }

  enum class End {
    Disconnected,  // the debugger went away (the guest stays as it was)
    Detached,      // D: the guest runs on
    Killed,        // k / vKill
    ProcessEnded,  // the process exited and the debugger was told
    Shutdown,      // shutdown() was called
  };
  // Serves the connected socket fd (taken over) until the session ends.
  // The target is stopped first if it runs.
  End serve(int fd);
  void shutdown() { shutdown_.store(true); }

 private:
  Target& target_;
  std::atomic<bool> shutdown_{false};
  bool extended_ = false;
};

// While one debugger is served, others that connect to the same listening
// socket are not left waiting in silence: each gets its first packet
// answered with "E.<message>" (gdb shows "Remote failure reply: E.<message>")
// and is closed. A connection that comes while the served one is ending
// (its peer hung up, or finish() was called before its first packet was
// answered) is not refused: finish() hands it over, to be served next.
// Runs a thread from construction to finish().
class BusyRefuser {
 public:
  // accept(listen_fd, timeout_ms): a connected fd or -1 (default:
  // accept_connection). served_fd: the connection being served (watched
  // for its hang-up through a duplicate; not taken).
  using Accept = std::function<int(int listen_fd, int timeout_ms)>;
  BusyRefuser(int listen_fd, int served_fd, std::string message, Accept accept = nullptr);
  ~BusyRefuser();
  BusyRefuser(const BusyRefuser&) = delete;
  BusyRefuser& operator=(const BusyRefuser&) = delete;
  // Stops refusing; the connection to serve next (taken by the caller) or -1.
  int finish();

 private:
  void run(int listen_fd, const std::string& message, const Accept& accept);
  bool served_ending() const;
  std::atomic<bool> stop_{false};
  int served_dup_ = -1;
  int handoff_ = -1;
  std::thread thread_;
};

// Listens on host:port (port 0: any free port; *bound_port gets it).
// Returns the socket or -1 with *error.
int listen_tcp(const std::string& host, int port, int* bound_port, std::string* error);
// Listens on a Unix socket path (replacing a stale socket file).
int listen_unix(const std::string& path, std::string* error);
// Waits up to timeout_ms (< 0: for ever) for a connection; -1 if none.
int accept_connection(int listen_fd, int timeout_ms);

}  // namespace hart::gdb
