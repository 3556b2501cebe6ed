// server/guest_registry.h — hartd's table of launches: each entry is one
// linux::Launch (a guest process tree) with its captured stdio pipes, the
// connection that gets its events, log tails and pending `wait` requests,
// and, once it has ended, its exit status (kept until reaped, within the
// bounds of RegistrySettings).
// Owns: launching from a validated request (stdio setup, pipes), exit and
// output events, waiters, lookup of any guest pid, daemon-wide counters.
// Does not own: request parsing (requests.cpp) or the socket
// (control_server.cpp).
//
// Threads: an entry's mutable state (pipes, waiters, tails, status) is
// touched only on its strand; the map is guarded by mutex_ (a leaf: never
// held while calling a Launch or posting). vCPU and supervisor threads only
// post() to strands, never wait for the io_context; io_context threads
// never wait for a vCPU (Launch::start loads the ELF but runs no guest
// code; kill only queues signals).
#pragma once

#include <utility>  // before Boost.Asio 1.74, which uses std::exchange without it
#include <boost/asio.hpp>
#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "core/executor.h"
#include "linux-abi/launch.h"
#include "server/gdb_stubs.h"

namespace hart::server {

using Json = nlohmann::json;
namespace asio = boost::asio;
class Connection;
class GdbMulti;

// Where one guest stdio stream goes (already resolved by the request handler).
struct StdioSpec {
  enum Kind { Null, Capture, File, Fd } kind = Null;
  std::string path;   // File
  bool append = false;
  int fd = -1;        // Fd: passed over SCM_RIGHTS (owned by the spec until launch)
};

struct LaunchRequest {
  linux::LaunchConfig cfg;  // stdio fds are filled in by the registry
  StdioSpec stdio[3];
  bool events = true;
  // "gdb": {"listen": ..., "wait": ...}: open a stub for the new guest.
  bool gdb = false;
  std::string gdb_listen;  // "": a private Unix socket (GdbStubs::listen)
  bool gdb_wait = false;
};

// hartd's options for launches (hartd_main.cpp; documented in README.md).
struct RegistrySettings {
  // The `processes` limit of a launch that sets none (0 = none).
  int default_processes = 1024;
  // Tier 0 of every launch (VcpuOptions::translate_at; hartd --translate-at,
  // $HART_TRANSLATE_AT).
  unsigned translate_at = VcpuOptions::kLaunchTranslateAt;
  // Ended launches whose status is kept (until reaped): at most this many,
  // for at most keep_ended_seconds; the oldest go first.
  size_t keep_ended = 1000;
  double keep_ended_seconds = 600;
  // ...but a launch that asked for events (hartctl run, hart-exec, hart-ci)
  // whose connection has closed has nobody left to ask: its status goes
  // after keep_orphaned_seconds.
  double keep_orphaned_seconds = 10;
};

class GuestRegistry {
 public:
  static constexpr int kMaxRunning = 8192;  // with 16G address spaces the host holds ~8,000

  GuestRegistry(asio::io_context& io, Executor& exec, RegistrySettings settings = {});
  ~GuestRegistry();

  // Starts a guest; events go to `conn` if req.events. Returns its pid, or
  // 0 with *code ("exec_failed", "bad_request", "limit") and *error (a
  // `limit` error names the limit: running launches, max_processes,
  // max_threads). A launch without a process limit gets the default one.
  // started(pid) runs before any event of the guest can be sent (the
  // handler sends its reply there, so that the reply comes first).
  int launch(LaunchRequest req, const std::shared_ptr<Connection>& conn, std::string* code,
             std::string* error, const std::function<void(int)>& started);

  // The endpoint of pid's GDB stub ("" if none).
  std::string gdb_endpoint(int pid) { return gdb_.endpoint(pid); }
  // hartd's extended-remote endpoint, for `list` (set once, before requests).
  void set_gdb_multi(GdbMulti* m) { multi_ = m; }
  // Daemon-wide executor counters for `stats` (the shared translations).
  void set_executor_stats(std::function<Json()> f) { executor_stats_ = std::move(f); }
  // Opens a GDB stub for the running guest process pid (or returns the one it
  // has). Returns the endpoint and *exe (the program's host path), or "" with
  // *code ("no_such_guest", "bad_request") and *error.
  std::string gdb_attach(int pid, const std::string& listen, std::string* exe, std::string* code,
                         std::string* error);

  // Writes to a captured stdin; false if pid has no captured stdin.
  bool input(int pid, std::string data, bool eof);
  // kill: 0, or -ESRCH.
  int kill(int pid, int sig, bool tree);
  // wait: replies to conn (now or when the launch ends, or on timeout).
  bool wait(int pid, double timeout, bool reap, const std::shared_ptr<Connection>& conn,
            Json id);
  // log: changes categories / file, adds a tail. false + *error.
  bool set_log(int pid, const std::optional<uint32_t>& mask, const std::string& file, bool tail,
               const std::shared_ptr<Connection>& conn, std::string* code, std::string* error);
  Json list();
  // Per launch (pid of any of its processes) or daemon-wide (pid 0);
  // nullopt if no such guest.
  std::optional<Json> stats(int pid);
  bool known(int pid);

  // Shutdown, before the daemon's log goes: ends every per-process stub.
  void close_gdb_stubs() { gdb_.close_all(); }
  // Shutdown: signal every running launch's tree.
  void kill_all(int sig);
  int running() const;
  // Drops ended entries past their retention time or count (oldest first);
  // if that or a reap freed anything, returns free memory to the system
  // (malloc_trim). hartd calls it every few seconds.
  void sweep();
  // Exit status fields of a launch status ({"exit_code":..} or signal ones).
  static void status_fields(const linux::LaunchStatus& st, Json* out);

 private:
  struct Guest;
  std::shared_ptr<Guest> find_launch(int pid);
  Json gdb_json(int pid);  // launch owning pid (alive or kept)
  void start_reader(const std::shared_ptr<Guest>& g, int stream);
  void on_exit(const std::shared_ptr<Guest>& g, const linux::LaunchStatus& st);
  void maybe_finish(const std::shared_ptr<Guest>& g);
  void send_event(const std::shared_ptr<Guest>& g, Json ev);

  asio::io_context& io_;
  Executor& exec_;
  std::function<Json()> executor_stats_;
  RegistrySettings settings_;
  GdbStubs gdb_;
  GdbMulti* multi_ = nullptr;
  mutable std::mutex mutex_;
  std::map<int, std::shared_ptr<Guest>> guests_;  // by launch pid
  uint64_t launched_ = 0;
  int running_ = 0;
  bool trim_due_ = false;  // entries were reaped since the last trim (mutex_)
  int64_t last_trim_ns_ = 0;  // when sweep last called malloc_trim (mutex_)
  // Counters of launches already forgotten (reaped or swept), so that the
  // daemon-wide stats count every launch since hartd started (mutex_).
  linux::Launch::Stats forgotten_;
  void forget_locked(int pid);
};

}  // namespace hart::server
