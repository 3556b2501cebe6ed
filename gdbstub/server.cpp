// gdbstub/server.cpp — see server.h.
#include "gdbstub/server.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <cstring>

#include "gdbstub/packets.h"
#include "gdbstub/rsp_framing.h"
#include "gdbstub/session.h"

namespace hart::gdb {

namespace {

enum class Wait { Stopped, Disconnected, Shutdown };

// Console output kept while the debugger cannot be sent it (the program is
// stopped, or gdb waits for a vRun reply); the oldest is dropped past this.
constexpr size_t kMaxConsole = size_t{1} << 20;
// Program bytes per 'O' packet (hex doubles them; well under PacketSize).
constexpr size_t kConsoleChunk = 1024;

// Reads what the target's console fd holds into *pending (non-blocking).
void read_console(Target& target, std::string* pending) {
  int fd = target.console_fd();
  if (fd < 0) return;
  char buf[4096];
  for (;;) {
    ssize_t n = read(fd, buf, sizeof buf);
    if (n <= 0) break;
    pending->append(buf, static_cast<size_t>(n));
  }
  if (pending->size() > kMaxConsole) pending->erase(0, pending->size() - kMaxConsole);
}

// Sends *pending as 'O' packets (allowed only while the target runs, before
// its stop reply). false if the debugger is gone.
bool send_console(RspConnection& conn, std::string* pending) {
  for (size_t i = 0; i < pending->size(); i += kConsoleChunk)
    if (!conn.send("O" + to_hex(std::string_view(*pending).substr(i, kConsoleChunk)))) return false;
  pending->clear();
  return true;
}

// While the target runs: wait for its stop, passing 0x03 on as a stop
// request, and forwarding console output unless `console` is null.
// Packets other than 0x03 are not expected in all-stop mode and are
// dropped. read_input false: leave the debugger's bytes alone (the first
// stop of a session, before any packet is answered).
Wait wait_for_stop(RspConnection& conn, Target& target, const std::atomic<bool>& shutdown,
                   StopInfo* out, std::string* console, bool read_input = true) {
  if (console && !send_console(conn, console)) return Wait::Disconnected;
  for (;;) {
    StopInfo st = target.poll_stop();
    if (st.kind != StopInfo::Running) {
      // Everything the program wrote before it stopped comes first.
      if (console) {
        read_console(target, console);
        if (!send_console(conn, console)) return Wait::Disconnected;
      }
      *out = st;
      return Wait::Stopped;
    }
    if (shutdown.load()) return Wait::Shutdown;
    pollfd pfd[3] = {{read_input ? conn.fd() : -1, POLLIN, 0},
                     {target.wake_fd(), POLLIN, 0},
                     {console ? target.console_fd() : -1, POLLIN, 0}};
    if (!read_input || !conn.has_buffered()) poll(pfd, 3, 20);
    if (pfd[1].revents & POLLIN) {
      uint64_t v;
      (void)!read(pfd[1].fd, &v, sizeof v);
    }
    if (pfd[2].revents & (POLLIN | POLLHUP)) {
      read_console(target, console);
      if (!send_console(conn, console)) return Wait::Disconnected;
    }
    if (!read_input) continue;
    if (conn.has_buffered() || (pfd[0].revents & (POLLIN | POLLHUP | POLLERR))) {
      std::string pkt;
      RspConnection::Event e = conn.read(&pkt, 0);
      if (e == RspConnection::Event::Interrupt) target.request_stop();
      if (e == RspConnection::Event::Closed) return Wait::Disconnected;
    }
  }
}

}  // namespace

GdbServer::End GdbServer::serve(int fd) {
  int one = 1;
  setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);  // fails harmlessly on Unix sockets
  RspConnection conn(fd);
  Session s(conn, target_);
  s.extended_allowed = extended_;
  target_.begin_session();
  {
    StopInfo st = target_.poll_stop();
    if (st.kind == StopInfo::Running) {
      target_.request_stop();
      if (wait_for_stop(conn, target_, shutdown_, &st, nullptr, false) != Wait::Stopped) return End::Shutdown;
    }
    s.last_stop = st;
  }
  for (;;) {
    if (shutdown_.load()) return End::Shutdown;
    std::string pkt;
    RspConnection::Event e = conn.read(&pkt, 200);
    if (e == RspConnection::Event::Closed) return End::Disconnected;
    if (e == RspConnection::Event::TooLong) {  // acknowledged, not served: say so
      if (!conn.send(error_reply(pkt))) return End::Disconnected;
      continue;
    }
    if (e != RspConnection::Event::Packet) {  // timeout, or 0x03 while stopped
      read_console(target_, &s.console);  // processes not stopped (not debugged) may write
      // The process ended while the debugger looked at it (killed from
      // outside): nothing more to debug; end the session.
      StopInfo how;
      if (e == RspConnection::Event::Timeout && !s.extended && target_.ended(&how)) return End::ProcessEnded;
      continue;
    }
    strip_thread_suffix(s, &pkt);  // LLDB: g/G/p/P;thread:TID;
    std::string_view args;
    const PacketDef* def = find_packet(pkt, &args);
    // Several processes: memory, points and facts act on the selected thread's.
    if (target_.process_count() > 1) target_.select_process(target_.pid_of(s.current_thread()));
    if (!def) {
      if (!conn.send("")) return End::Disconnected;
      continue;
    }
    Reply r = def->handler(s, args);
    switch (r.kind) {
      case Reply::Send:
        if (!conn.send(r.text)) return End::Disconnected;
        if (r.then_no_ack) conn.set_no_ack(true);
        break;
      case Reply::Resume: {
        StopInfo st;
        Wait w = wait_for_stop(conn, target_, shutdown_, &st, r.no_console ? nullptr : &s.console);
        if (w == Wait::Disconnected) return End::Disconnected;
        if (w == Wait::Shutdown) return End::Shutdown;
        s.last_stop = st;
        s.fresh_stop = r.no_console;  // vRun/vAttach: a process's first stop
        if (!conn.send(s.stop_reply(st))) return End::Disconnected;
        // One of several processes ended: the session goes on with the others.
        if ((st.kind == StopInfo::Exited || st.kind == StopInfo::Killed) && target_.process_count() == 0 &&
            !s.extended)
          return End::ProcessEnded;
        break;
      }
      case Reply::Detach:
        conn.send(r.text);
        if (s.extended) {  // extended-remote: the connection stays for vRun/vAttach
          s.last_stop = StopInfo{};
          s.last_stop.kind = StopInfo::Exited;
          break;
        }
        return End::Detached;
      case Reply::Kill:
        if (!r.text.empty()) conn.send(r.text);
        if (s.extended) {  // extended-remote: the debugger may vRun again
          s.last_stop = StopInfo{};
          s.last_stop.kind = StopInfo::Killed;
          s.last_stop.signal = 9;
          break;
        }
        return End::Killed;
    }
  }
}

BusyRefuser::BusyRefuser(int listen_fd, int served_fd, std::string message, Accept accept)
    : served_dup_(fcntl(served_fd, F_DUPFD_CLOEXEC, 0)) {
  if (!accept) accept = accept_connection;
  thread_ = std::thread([this, listen_fd, message = std::move(message), accept = std::move(accept)] {
    run(listen_fd, message, accept);
  });
}

BusyRefuser::~BusyRefuser() {
  int fd = finish();
  if (fd >= 0) close(fd);
}

int BusyRefuser::finish() {
  stop_.store(true);
  if (thread_.joinable()) thread_.join();
  if (served_dup_ >= 0) close(served_dup_);
  served_dup_ = -1;
  int fd = handoff_;
  handoff_ = -1;
  return fd;
}

bool BusyRefuser::served_ending() const {
  if (served_dup_ < 0) return false;
  pollfd p{served_dup_, POLLRDHUP, 0};
  return poll(&p, 1, 0) > 0 && (p.revents & (POLLRDHUP | POLLHUP | POLLERR | POLLNVAL));
}

void BusyRefuser::run(int listen_fd, const std::string& message, const Accept& accept) {
  while (!stop_.load()) {
    int fd = accept(listen_fd, 100);
    if (fd < 0) continue;
    // Wait for its first bytes (gdb: '+' and qSupported) without taking
    // them, so that it can still be handed over.
    bool spoke = false;
    for (int waited = 0; waited < 2000 && !stop_.load() && !served_ending(); waited += 20) {
      pollfd p{fd, POLLIN, 0};
      if (poll(&p, 1, 20) > 0) {
        spoke = true;
        break;
      }
    }
    if (stop_.load() || served_ending()) {
      handoff_ = fd;  // the session is ending: this one is next
      return;
    }
    if (!spoke) {
      close(fd);
      continue;
    }
    RspConnection conn(fd);  // closes it
    std::string pkt;
    RspConnection::Event e = conn.read(&pkt, 2000);
    if (e == RspConnection::Event::Packet || e == RspConnection::Event::TooLong)
      conn.send(error_reply(message));  // "E." + the text, framing bytes replaced
  }
}

int listen_tcp(const std::string& host, int port, int* bound_port, std::string* error) {
  int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) {
    *error = std::string("socket: ") + strerror(errno);
    return -1;
  }
  int one = 1;
  setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_port = htons(static_cast<uint16_t>(port));
  if (inet_pton(AF_INET, host.c_str(), &a.sin_addr) != 1) {
    *error = "bad address " + host;
    close(fd);
    return -1;
  }
  if (bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0 || listen(fd, 4) != 0) {
    *error = "cannot listen on " + host + ":" + std::to_string(port) + ": " + strerror(errno);
    close(fd);
    return -1;
  }
  socklen_t len = sizeof a;
  getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len);
  if (bound_port) *bound_port = ntohs(a.sin_port);
  return fd;
}

int listen_unix(const std::string& path, std::string* error) {
  sockaddr_un a{};
  if (path.size() >= sizeof a.sun_path) {
    *error = "socket path too long: " + path;
    return -1;
  }
  int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) {
    *error = std::string("socket: ") + strerror(errno);
    return -1;
  }
  a.sun_family = AF_UNIX;
  memcpy(a.sun_path, path.c_str(), path.size() + 1);
  unlink(path.c_str());
  if (bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0 || listen(fd, 4) != 0) {
    *error = "cannot listen on " + path + ": " + strerror(errno);
    close(fd);
    return -1;
  }
  return fd;
}

int accept_connection(int listen_fd, int timeout_ms) {
  pollfd pfd{listen_fd, POLLIN, 0};
  int r = poll(&pfd, 1, timeout_ms);
  if (r <= 0 || !(pfd.revents & POLLIN)) return -1;
  int fd = accept4(listen_fd, nullptr, nullptr, SOCK_CLOEXEC);
  if (fd < 0 && (errno == EMFILE || errno == ENFILE || errno == ENOBUFS || errno == ENOMEM)) {
    // Out of fds or memory: the client stays queued and the next poll
    // returns at once, so a caller's accept loop would spin. Wait first.
    const int saved = errno;
    poll(nullptr, 0, timeout_ms >= 0 && timeout_ms < 100 ? timeout_ms : 100);
    errno = saved;
  }
  return fd;
}

}  // namespace hart::gdb
