// server/control_server.cpp — listeners and connections of the control
// socket. See control_server.h.
#include "server/control_server.h"

#include <fcntl.h>
#include <spdlog/spdlog.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstring>

#include "server/requests.h"
#include "server/self_peer.h"
#include "server/text_codec.h"

namespace hart::server {

namespace {
std::atomic<uint64_t> g_next_conn{1};

std::string dump_line(const Json& j) {
  // Invalid UTF-8 from a client echoed back must not throw.
  return j.dump(-1, ' ', false, Json::error_handler_t::replace) + "\n";
}
}  // namespace

// ---- connection ------------------------------------------------------------------

Connection::Connection(asio::io_context& io, int fd, bool unix_socket, bool needs_token,
                       ControlServer& srv)
    : io_(io),
      strand_(asio::make_strand(io)),
      sock_(strand_, fd),
      unix_(unix_socket),
      authorized_(!needs_token),
      auth_timer_(strand_),
      server_(srv),
      id_(g_next_conn.fetch_add(1)) {}

uint32_t Connection::peer_uid() const {
  struct ucred cred{};
  socklen_t len = sizeof cred;
  if (unix_ && getsockopt(const_cast<asio::posix::stream_descriptor&>(sock_).native_handle(), SOL_SOCKET,
                          SO_PEERCRED, &cred, &len) == 0)
    return cred.uid;
  return getuid();
}

Connection::~Connection() {
  for (auto& [line, fd] : fds_) ::close(fd);
}

void Connection::start() {
  auto self = shared_from_this();
  asio::post(strand_, [self] {
    if (!self->authorized_) {
      self->auth_timer_.expires_after(self->server_.auth_timeout());
      self->auth_timer_.async_wait([self](const boost::system::error_code& ec) {
        if (ec || self->authorized_ || self->closed_) return;
        spdlog::info("connection {}: no hello within {} ms: closed", self->id_,
                     self->server_.auth_timeout().count());
        self->close();
      });
    }
    self->wait_readable();
  });
}

void Connection::wait_readable() {
  if (closed_ || closing_) return;
  auto self = shared_from_this();
  sock_.async_wait(asio::posix::stream_descriptor::wait_read,
                   asio::bind_executor(strand_, [self](const boost::system::error_code& ec) {
                     if (ec) {
                       self->close();
                       return;
                     }
                     self->on_readable();
                   }));
}

void Connection::on_readable() {
  char buf[65536];
  alignas(struct cmsghdr) char cbuf[CMSG_SPACE(sizeof(int) * 16)];
  for (int round = 0; round < 16 && !closed_ && !closing_; ++round) {
    struct iovec iov {buf, sizeof buf};
    struct msghdr msg {};
    msg.msg_iov = &iov;
    msg.msg_iovlen = 1;
    msg.msg_control = cbuf;
    msg.msg_controllen = sizeof cbuf;
    ssize_t n = recvmsg(sock_.native_handle(), &msg, MSG_DONTWAIT | MSG_CMSG_CLOEXEC);
    if (n < 0) {
      if (errno == EINTR) continue;
      if (errno == EAGAIN || errno == EWOULDBLOCK) break;
      close();
      return;
    }
    // fds belong to the line the first byte of this chunk is part of.
    for (struct cmsghdr* c = CMSG_FIRSTHDR(&msg); c; c = CMSG_NXTHDR(&msg, c)) {
      if (c->cmsg_level != SOL_SOCKET || c->cmsg_type != SCM_RIGHTS) continue;
      size_t count = (c->cmsg_len - CMSG_LEN(0)) / sizeof(int);
      const int* fds = reinterpret_cast<const int*>(CMSG_DATA(c));
      for (size_t i = 0; i < count; ++i) {
        if (fds_.size() >= kMaxPendingFds || !unix_) {
          ::close(fds[i]);
          continue;
        }
        fds_.emplace_back(line_no_, fds[i]);
      }
    }
    if (n == 0) {  // peer closed: a partial request is dropped
      close();
      return;
    }
    on_bytes(buf, static_cast<size_t>(n));
  }
  wait_readable();
}

void Connection::on_bytes(const char* data, size_t n) {
  size_t pos = 0;
  while (pos < n && !closed_ && !closing_) {
    const char* nl = static_cast<const char*>(memchr(data + pos, '\n', n - pos));
    size_t end = nl ? static_cast<size_t>(nl - data) : n;
    if (discarding_) {
      if (nl) {
        discarding_ = false;
        ++line_no_;
      }
      pos = nl ? end + 1 : n;
      continue;
    }
    size_t cap = authorized_ ? kMaxLine : kMaxHelloLine;
    if (partial_.size() + (end - pos) > cap) {
      partial_.clear();
      partial_.shrink_to_fit();
      std::string msg = "request line longer than " + std::to_string(cap) + " bytes";
      if (!authorized_) return refuse(nullptr, "too_long", msg + " before hello");
      error_reply(nullptr, "too_long", msg + ": discarded");
      if (nl) {
        ++line_no_;
        pos = end + 1;
      } else {
        discarding_ = true;
        pos = n;
      }
      continue;
    }
    partial_.append(data + pos, end - pos);
    if (!nl) break;
    pos = end + 1;
    std::string line;
    line.swap(partial_);
    handling_line_ = line_no_++;
    handle_line(std::move(line));
    // fds that came with this line (or earlier ones) and were not used.
    while (!fds_.empty() && fds_.front().first <= handling_line_) {
      ::close(fds_.front().second);
      fds_.pop_front();
    }
  }
}

int Connection::take_fd() {
  while (!fds_.empty() && fds_.front().first < handling_line_) {
    ::close(fds_.front().second);
    fds_.pop_front();
  }
  if (fds_.empty() || fds_.front().first != handling_line_) return -1;
  int fd = fds_.front().second;
  fds_.pop_front();
  return fd;
}

void Connection::handle_line(std::string line) {
  if (!line.empty() && line.back() == '\r') line.pop_back();
  if (line.find_first_not_of(" \t") == std::string::npos) return;  // blank lines: ignored
  // Deep nesting would overflow the stack of the JSON code (recursive copies);
  // no request nests more than 3 levels.
  if (json_nesting_depth(line) > kMaxDepth) {
    std::string msg = "request nests deeper than " + std::to_string(kMaxDepth) + " levels";
    if (!authorized_) return refuse(nullptr, "bad_json", msg);
    error_reply(nullptr, "bad_json", msg);
    return;
  }
  Json req = Json::parse(line, nullptr, /*allow_exceptions=*/false);
  if (req.is_discarded()) {
    if (!authorized_) return refuse(nullptr, "bad_json", "request is not valid JSON");
    error_reply(nullptr, "bad_json", "request is not valid JSON");
    return;
  }
  if (!authorized_) {
    // TCP: the first request must be hello with the daemon's token.
    bool ok = req.is_object() && req.contains("op") && req["op"] == "hello" &&
              req.contains("token") && req["token"].is_string() &&
              req["token"].get<std::string>() == server_.token();
    if (!ok) {
      Json id = req.is_object() && req.contains("id") ? req["id"] : Json(nullptr);
      return refuse(id, "unauthorized", "the first request over TCP must be hello with the token");
    }
    authorized_ = true;
    auth_timer_.cancel();
  }
  handle_request(server_.context(), shared_from_this(), req);
}

void Connection::error_reply(const Json& id, const char* code, const std::string& msg) {
  send(server::error_reply(id, code, msg));
}

void Connection::refuse(const Json& id, const char* code, const std::string& msg) {
  spdlog::info("connection {}: refused before hello: {}", id_, msg);
  error_reply(id, code, msg);
  close_after_flush();
  discarding_ = false;
  closing_ = true;  // nothing more is read (close_after_flush sets it on the strand too)
}

void Connection::send(Json msg) {
  std::string line = dump_line(msg);
  auto self = shared_from_this();
  asio::post(strand_, [self, line = std::move(line)]() mutable {
    if (self->closed_) return;
    self->queued_ += line.size();
    if (self->queued_ > kMaxQueued) {
      spdlog::warn("connection {}: client does not read its events; closing it", self->id_);
      self->close();
      return;
    }
    self->out_.push_back(std::move(line));
    if (!self->writing_) self->write_next();
  });
}

void Connection::write_next() {
  if (out_.empty() || closed_) {
    writing_ = false;
    if (closing_) close();
    return;
  }
  writing_ = true;
  auto self = shared_from_this();
  asio::async_write(sock_, asio::buffer(out_.front()),
                    asio::bind_executor(strand_, [self](const boost::system::error_code& ec,
                                                        size_t) {
                      if (self->closed_) return;
                      self->queued_ -= self->out_.front().size();
                      self->out_.pop_front();
                      if (ec) {
                        self->close();
                        return;
                      }
                      self->write_next();
                    }));
}

void Connection::close_after_flush() {
  auto self = shared_from_this();
  asio::post(strand_, [self] {
    self->closing_ = true;
    if (!self->writing_) self->close();
  });
}

void Connection::close() {
  if (closed_) return;
  closed_ = true;
  auth_timer_.cancel();
  boost::system::error_code ec;
  sock_.cancel(ec);
  sock_.close(ec);
  out_.clear();
  queued_ = 0;
  for (auto& [line, fd] : fds_) ::close(fd);
  fds_.clear();
  server_.forget(this);
  spdlog::debug("connection {} closed", id_);
}

// ---- server ----------------------------------------------------------------------

ControlServer::ControlServer(asio::io_context& io, DaemonContext ctx)
    : io_(io), ctx_(std::move(ctx)), unix_pause_(io), tcp_pause_(io) {}

ControlServer::~ControlServer() = default;

bool ControlServer::listen_unix(const std::string& path, std::string* error) {
  try {
    mode_t old = umask(0177);  // the socket file is created 0600
    unix_acceptor_ = std::make_unique<asio::local::stream_protocol::acceptor>(io_);
    asio::local::stream_protocol::endpoint ep(path);
    unix_acceptor_->open(ep.protocol());
    boost::system::error_code ec;
    unix_acceptor_->bind(ep, ec);
    umask(old);
    if (ec) {
      *error = "cannot bind " + path + ": " + ec.message();
      return false;
    }
    chmod(path.c_str(), 0600);
    unix_acceptor_->listen(128);
  } catch (const std::exception& e) {
    *error = "cannot listen on " + path + ": " + e.what();
    return false;
  }
  accept_unix();
  return true;
}

bool ControlServer::adopt_unix(int fd, std::string* error) {
  try {
    unix_acceptor_ = std::make_unique<asio::local::stream_protocol::acceptor>(io_);
    unix_acceptor_->assign(asio::local::stream_protocol(), fd);
  } catch (const std::exception& e) {
    *error = std::string("cannot use the socket passed by systemd: ") + e.what();
    return false;
  }
  accept_unix();
  return true;
}

bool ControlServer::listen_tcp(const std::string& endpoint, const std::string& token,
                               std::string* error) {
  auto colon = endpoint.rfind(':');
  if (colon == std::string::npos) {
    *error = "--tcp wants ADDRESS:PORT, got '" + endpoint + "'";
    return false;
  }
  std::string host = endpoint.substr(0, colon);
  if (!host.empty() && host.front() == '[' && host.back() == ']') host = host.substr(1, host.size() - 2);
  boost::system::error_code ec;
  auto addr = asio::ip::make_address(host, ec);
  if (ec || !addr.is_loopback()) {
    *error = "--tcp: only loopback addresses are allowed, got '" + host + "'";
    return false;
  }
  unsigned long port = 0;
  try {
    port = std::stoul(endpoint.substr(colon + 1));
  } catch (...) {
    port = 70000;
  }
  if (port > 65535) {
    *error = "--tcp: bad port in '" + endpoint + "'";
    return false;
  }
  try {
    asio::ip::tcp::endpoint ep(addr, static_cast<unsigned short>(port));
    tcp_acceptor_ = std::make_unique<asio::ip::tcp::acceptor>(io_, ep);
    auto local = tcp_acceptor_->local_endpoint();
    tcp_endpoint_ = local.address().to_string() + ":" + std::to_string(local.port());
  } catch (const std::exception& e) {
    *error = "cannot listen on " + endpoint + ": " + e.what();
    return false;
  }
  token_ = token;
  accept_tcp();
  return true;
}

void ControlServer::accept_unix() {
  if (!unix_acceptor_ || !unix_acceptor_->is_open()) return;
  unix_acceptor_->async_accept(
      [this](const boost::system::error_code& ec, asio::local::stream_protocol::socket s) {
        if (ec == asio::error::operation_aborted || !unix_acceptor_ || !unix_acceptor_->is_open())
          return;
        if (!ec) add(s.release(), true, false);
        accept_again(ec, unix_pause_, &ControlServer::accept_unix);
      });
}

void ControlServer::accept_tcp() {
  if (!tcp_acceptor_ || !tcp_acceptor_->is_open()) return;
  tcp_acceptor_->async_accept([this](const boost::system::error_code& ec,
                                     asio::ip::tcp::socket s) {
    if (ec == asio::error::operation_aborted || !tcp_acceptor_ || !tcp_acceptor_->is_open()) return;
    if (!ec) add(s.release(), false, true);
    accept_again(ec, tcp_pause_, &ControlServer::accept_tcp);
  });
}

void ControlServer::accept_again(const boost::system::error_code& ec, asio::steady_timer& pause,
                                 void (ControlServer::*accept)()) {
  if (!ec) {
    (this->*accept)();
    return;
  }
  // accept failed (EMFILE/ENFILE: hartd's fd table is full; ENOBUFS...):
  // the client stays queued and a new accept would fail at once, so an
  // immediate retry spins an io thread at 100% until fds come back. Wait.
  if (log_refusal_now()) spdlog::warn("control: accept failed: {}; trying again in 100 ms", ec.message());
  pause.expires_after(std::chrono::milliseconds(100));
  pause.async_wait([this, accept](const boost::system::error_code& e) {
    if (!e) (this->*accept)();
  });
}

void ControlServer::add(int fd, bool unix_socket, bool needs_token) {
  fcntl(fd, F_SETFD, FD_CLOEXEC);
  if (std::string why; peer_is_self(fd, &why)) {
    if (log_refusal_now())
      spdlog::warn("control {} connection refused: {}", unix_socket ? "unix" : "tcp", why);
    ::close(fd);
    return;
  }
  auto c = std::make_shared<Connection>(io_, fd, unix_socket, needs_token, *this);
  {
    std::lock_guard<std::mutex> lock(mutex_);
    std::erase_if(conns_, [](const std::weak_ptr<Connection>& w) { return w.expired(); });
    conns_.push_back(c);
  }
  spdlog::debug("connection {} opened ({})", c->id(), unix_socket ? "unix" : "tcp");
  c->start();
}

void ControlServer::forget(Connection* c) {
  std::lock_guard<std::mutex> lock(mutex_);
  std::erase_if(conns_, [c](const std::weak_ptr<Connection>& w) {
    auto p = w.lock();
    return !p || p.get() == c;
  });
}

void ControlServer::stop_accepting() {
  unix_pause_.cancel();
  tcp_pause_.cancel();
  boost::system::error_code ec;
  if (unix_acceptor_) unix_acceptor_->close(ec);
  if (tcp_acceptor_) tcp_acceptor_->close(ec);
}

void ControlServer::close_all() {
  std::vector<std::shared_ptr<Connection>> all;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    for (auto& w : conns_)
      if (auto c = w.lock()) all.push_back(c);
  }
  for (auto& c : all) c->close_after_flush();
}

}  // namespace hart::server
