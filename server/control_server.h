// server/control_server.h — hartd's control socket (docs/PROTOCOL.md): the
// Unix socket listener (and the optional loopback TCP one with a token),
// and one Connection per client: a line reader with the 1 MiB cap that also
// receives fds passed with SCM_RIGHTS (recvmsg on the native handle), and a
// writer that sends replies and events in order, whole lines only.
// Owns: framing, fd passing, per-connection ordering, TCP authorization
// (hello with the token first; a bad or over-long first line, a wrong
// token or silence past the timeout closes the connection), refusing
// connections from hartd's own guests (self_peer.h).
// Does not own: what a request means (requests.cpp) or guests
// (guest_registry.cpp).
//
// Threads: every connection has a strand; reading, request handling and
// writing run on it. send() may be called from any thread (it posts).
// ControlServer::mutex_ (the connection list) is a leaf.
#pragma once

#include <utility>  // before Boost.Asio 1.74, which uses std::exchange without it
#include <boost/asio.hpp>
#include <chrono>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace hart::server {

using Json = nlohmann::json;
namespace asio = boost::asio;
class GuestRegistry;
class ControlServer;

// What request handlers see of the daemon.
class GdbMulti;

struct DaemonContext {
  GuestRegistry* registry = nullptr;
  GdbMulti* gdb_multi = nullptr;  // the extended-remote endpoint (opened on request)
  std::function<void(double grace_seconds)> shutdown;  // starts the shutdown
  std::chrono::steady_clock::time_point started;
};

class Connection : public std::enable_shared_from_this<Connection> {
 public:
  static constexpr size_t kMaxLine = size_t{1} << 20;            // request line cap
  static constexpr size_t kMaxQueued = size_t{64} << 20;         // unsent bytes before dropping
  static constexpr size_t kMaxPendingFds = 64;
  static constexpr size_t kMaxDepth = 64;  // nesting of arrays and objects in a request
  // Before a TCP client's hello: its line cap (a hello is short).
  static constexpr size_t kMaxHelloLine = 4096;

  Connection(asio::io_context& io, int fd, bool unix_socket, bool needs_token, ControlServer& srv);
  ~Connection();
  void start();
  // Queues one JSON object as a line (any thread).
  void send(Json msg);
  // Closes once everything queued is written (any thread).
  void close_after_flush();
  void close();  // on the strand
  bool is_unix() const { return unix_; }
  // The client's uid (SO_PEERCRED on the Unix socket; hartd's own uid for
  // TCP clients, who proved the token).
  uint32_t peer_uid() const;
  uint64_t id() const { return id_; }

  // For the request being handled: the next fd passed with it (SCM_RIGHTS),
  // or -1. The caller owns it.
  int take_fd();

 private:
  void wait_readable();
  void on_readable();
  void on_bytes(const char* data, size_t n);
  void handle_line(std::string line);
  void write_next();
  void error_reply(const Json& id, const char* code, const std::string& msg);
  // TCP before hello: one bad line, and the connection goes.
  void refuse(const Json& id, const char* code, const std::string& msg);

  asio::io_context& io_;
  asio::strand<asio::io_context::executor_type> strand_;
  asio::posix::stream_descriptor sock_;
  bool unix_;
  bool authorized_;
  asio::steady_timer auth_timer_;  // TCP: closes a client that has not said hello in time
  ControlServer& server_;
  uint64_t id_;
  // Reading (strand).
  std::string partial_;
  bool discarding_ = false;  // inside an over-long line
  uint64_t line_no_ = 0;     // lines completed so far
  std::deque<std::pair<uint64_t, int>> fds_;  // (line number, fd) received
  uint64_t handling_line_ = 0;
  // Writing (strand).
  std::deque<std::string> out_;
  size_t queued_ = 0;
  bool writing_ = false;
  bool closing_ = false;
  bool closed_ = false;
};

class ControlServer {
 public:
  ControlServer(asio::io_context& io, DaemonContext ctx);
  ~ControlServer();
  // Listens on a Unix socket (mode 0600). false + *error.
  bool listen_unix(const std::string& path, std::string* error);
  // Serves an already listening Unix socket (systemd socket activation).
  bool adopt_unix(int fd, std::string* error);
  // Listens on loopback TCP ("127.0.0.1:PORT"); clients must say hello with token.
  bool listen_tcp(const std::string& endpoint, const std::string& token, std::string* error);
  std::string tcp_endpoint() const { return tcp_endpoint_; }
  // A TCP client that has not said hello with the token after this long is
  // disconnected (default 10 s; set before listening).
  void set_auth_timeout(std::chrono::milliseconds t) { auth_timeout_ = t; }
  std::chrono::milliseconds auth_timeout() const { return auth_timeout_; }
  const std::string& token() const { return token_; }
  DaemonContext& context() { return ctx_; }
  // Stops accepting.
  void stop_accepting();
  // Flushes and closes every connection.
  void close_all();

  void forget(Connection* c);

 private:
  void accept_unix();
  void accept_tcp();
  // Accepts the next client: at once after a success, 100 ms after a failure
  // (a full fd table must not turn the accept loop into a spin).
  void accept_again(const boost::system::error_code& ec, asio::steady_timer& pause,
                    void (ControlServer::*accept)());
  void add(int fd, bool unix_socket, bool needs_token);

  asio::io_context& io_;
  DaemonContext ctx_;
  std::unique_ptr<asio::local::stream_protocol::acceptor> unix_acceptor_;
  std::unique_ptr<asio::ip::tcp::acceptor> tcp_acceptor_;
  std::string token_, tcp_endpoint_;
  std::chrono::milliseconds auth_timeout_{10000};
  std::mutex mutex_;
  std::vector<std::weak_ptr<Connection>> conns_;
  asio::steady_timer unix_pause_, tcp_pause_;  // accept_again's waits after a failed accept
};

}  // namespace hart::server
