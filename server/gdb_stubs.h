// server/gdb_stubs.h — hartd's GDB stubs: one per debugged guest process,
// opened at launch (`launch` with "gdb") or later (`gdb` op), each listening
// on a private Unix socket (the default: in the daemon's 0700 gdb folder,
// SOCKET.gdb/), a given Unix socket or, opted in, a loopback TCP port, and
// serving one debugger at a time (gdbstub/server.h) until its process ends
// or the daemon stops. Connections from hartd's own guests are refused
// (self_peer.h).
// Owns: the stub table (pid → endpoint), listening sockets, the private
// gdb folder and the stub threads. Does not own: the protocol (gdbstub/), the Target adapter
// (gdb_target.h) or requests (requests.cpp).
//
// Threading: each stub has its own thread (accept + GdbServer::serve, which
// blocks on the debugger's socket and polls the target's wake fd). The
// io_context never waits for a stub or a vCPU: opening a stub only creates
// the socket and the thread; closing one only sets flags (the thread ends
// itself within ~200 ms). The destructor asks every stub to end and waits
// for the threads (up to a few seconds).
#pragma once

#include <atomic>
#include <condition_variable>
#include <map>
#include <memory>
#include <mutex>
#include <string>

namespace hart::linux {
class Process;
}

namespace hart::server {

class GdbStubs {
 public:
  GdbStubs() = default;
  ~GdbStubs();
  GdbStubs(const GdbStubs&) = delete;
  GdbStubs& operator=(const GdbStubs&) = delete;

  struct Listener {
    int fd = -1;
    std::string endpoint;   // "127.0.0.1:40123" or "unix:/path" (what gdb's target remote takes)
    std::string unix_path;  // removed when the stub ends
  };
  // spec: "" (a new private Unix socket in the gdb folder), "HOST:PORT"
  // (loopback only; port 0 = any free port) or "unix:PATH". Unix sockets
  // are made 0600. false + *error if it cannot listen.
  static bool listen(const std::string& spec, Listener* out, std::string* error);
  // The private folder of default endpoints: created 0700 (or checked: a
  // folder of ours, not a symlink; its mode is set to 0700). false + *error.
  static bool set_private_dir(const std::string& dir, std::string* error);
  // Removes the private folder if it is empty (daemon shutdown).
  static void remove_private_dir();
  static void close_listener(Listener* l);

  // Serves debuggers of p on l (taken over). stop: every thread stops (before
  // its first instruction if p has not started yet) until a debugger resumes
  // it. started_here: the stub came with the launch (qAttached answers 0).
  // launch_pid: the launch p belongs to (close_launch()).
  void start(Listener l, const std::shared_ptr<linux::Process>& p, bool stop, bool started_here,
             int launch_pid);
  // The endpoint of pid's stub, "" if none.
  std::string endpoint(int pid);
  // The launch ended: its stubs report the exit to a waiting debugger and
  // end (an idle session is closed after a second).
  void close_launch(int launch_pid);
  // Ends every stub and waits for their threads (a few seconds at most);
  // the daemon calls it before its log goes away. The destructor does it too.
  void close_all();

 private:
  struct Stub;
  void run(const std::shared_ptr<Stub>& s);

  std::mutex mutex_;  // leaf
  std::condition_variable cv_;
  std::map<int, std::shared_ptr<Stub>> stubs_;  // by guest pid
  int threads_ = 0;
};

}  // namespace hart::server
