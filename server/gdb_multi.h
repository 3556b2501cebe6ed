// server/gdb_multi.h — hartd's extended-remote GDB endpoint (gdb's `target
// extended-remote`), opened by `hartd --gdb-multi` or the `gdb_multi`
// request. Each debugger connection is a session of its own (several may
// run at once), in which:
//   - vRun (gdb's `run`) launches a new guest through the registry, stopped
//     before its first instruction: it is listed, limited and killable like
//     any launch; the endpoint's launch defaults (sysroot, root, env, cwd,
//     limits, log) apply, then gdb's QEnvironment*/QSetWorkingDir;
//   - vAttach (gdb's `attach PID`) debugs any running guest of the daemon
//     that no other stub debugs;
//   - vKill/k end a process; D detaches (it runs on).
// The programs a session starts write their stdout and stderr to it: gdb
// shows that output ('O' packets) while they run. When a session ends, the
// processes it started and still debugs are killed and those it attached
// to run on (what gdb itself does on quit); output of started processes it
// detached from goes on to the daemon log until they end.
// Owns: the endpoint, the sessions' threads, targets and console pipes.
// Does not own: the protocol (gdbstub/), launching (guest_registry.h), the
// per-process stubs (gdb_stubs.h).
//
// Threading: one accept thread and one thread per session; the io_context
// only calls open(), endpoint() and debugging(), which never wait for a
// session. The destructor ends every session and waits for the threads.
#pragma once

#include <atomic>
#include <condition_variable>
#include <mutex>
#include <nlohmann/json.hpp>
#include <set>
#include <string>
#include <thread>

#include "server/gdb_stubs.h"

namespace hart::gdb {
class GdbServer;
}

namespace hart::server {

class GuestRegistry;
using Json = nlohmann::json;

class GdbMulti {
 public:
  static constexpr int kMaxSessions = 16;

  explicit GdbMulti(GuestRegistry& registry) : registry_(registry) {}
  ~GdbMulti();
  GdbMulti(const GdbMulti&) = delete;
  GdbMulti& operator=(const GdbMulti&) = delete;

  // Opens the endpoint on spec ("HOST:PORT" on loopback, port 0 = any free
  // one, or "unix:/path") with the launch defaults of every vRun (an object
  // of launch settings, see requests.h; validated by the caller). Once open,
  // a later call returns the endpoint and replaces the defaults (spec is
  // then ignored). Returns the endpoint, or "" with *error.
  std::string open(const std::string& spec, const Json& defaults, std::string* error);
  std::string endpoint();
  // The endpoint if one of its sessions debugs guest process pid, else "".
  std::string debugging(int pid);
  // Daemon shutdown: no new connection; every session ends soon (without
  // waiting here).
  void stop();
  // stop(), then waits for the sessions' threads (a few seconds at most);
  // the daemon calls it before its log goes away. The destructor does it too.
  void close();

 private:
  struct Session;
  void accept_loop();
  void serve(const std::shared_ptr<Session>& s, int fd);

  GuestRegistry& registry_;
  std::mutex mutex_;  // leaf
  std::condition_variable cv_;
  GdbStubs::Listener listener_;
  Json defaults_ = Json::object();
  std::set<std::shared_ptr<Session>> sessions_;
  int threads_ = 0;  // session threads still running (draining included)
  int active_ = 0;   // sessions with a debugger (at most kMaxSessions)
  std::atomic<bool> quit_{false};
  std::thread acceptor_;
};

}  // namespace hart::server
