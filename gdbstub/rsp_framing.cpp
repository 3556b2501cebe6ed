// gdbstub/rsp_framing.cpp — see rsp_framing.h.
#include "gdbstub/rsp_framing.h"

#include <errno.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>

namespace hart::gdb {

namespace {
int hexval(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}
const char kHex[] = "0123456789abcdef";

// Run-length decoding: "X*n" repeats X (n - 29) more times. Binary packets
// (X, vFile:pwrite) are left alone: their '*' bytes are data (escaped).
bool rle_decode(std::string* p) {
  if (p->empty() || (*p)[0] == 'X' || p->rfind("vFile:pwrite:", 0) == 0) return true;
  if (p->find('*') == std::string::npos) return true;
  std::string out;
  for (size_t i = 0; i < p->size(); ++i) {
    char c = (*p)[i];
    if (c == '*') {
      if (out.empty() || i + 1 >= p->size()) return false;
      int n = static_cast<unsigned char>((*p)[++i]) - 29;
      if (n < 0 || out.size() + n > kMaxPacket * 4) return false;
      out.append(static_cast<size_t>(n), out.back());
    } else {
      out += c;
    }
  }
  *p = std::move(out);
  return true;
}
}  // namespace

RspConnection::RspConnection(int fd) : fd_(fd) {}
RspConnection::~RspConnection() {
  if (fd_ >= 0) close(fd_);
}

bool RspConnection::fill(int timeout_ms) {
  if (closed_) return false;
  pollfd pfd{fd_, POLLIN, 0};
  int r = poll(&pfd, 1, timeout_ms);
  if (r < 0 && errno == EINTR) return false;
  if (r <= 0) return false;
  char buf[65536];
  ssize_t n = recv(fd_, buf, sizeof buf, 0);
  if (n < 0 && (errno == EINTR || errno == EAGAIN)) return false;
  if (n <= 0) {
    closed_ = true;
    return false;
  }
  in_.append(buf, static_cast<size_t>(n));
  return true;
}

bool RspConnection::write_all(std::string_view s) {
  while (!s.empty()) {
    ssize_t n = ::send(fd_, s.data(), s.size(), MSG_NOSIGNAL);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      closed_ = true;
      return false;
    }
    s.remove_prefix(static_cast<size_t>(n));
  }
  return true;
}

namespace {
std::string too_long_text(size_t n) {
  char buf[128];
  snprintf(buf, sizeof buf, "packet of %zu bytes is longer than PacketSize (%zu bytes); ignored", n,
           kMaxPacket);
  return buf;
}
}  // namespace

std::string error_reply(const std::string& text) {
  std::string out = "E.";
  for (char c : text) out += (c == '$' || c == '#' || c == '}' || c == '*') ? '?' : c;
  return out;
}

RspConnection::Event RspConnection::parse(std::string* payload) {
  for (;;) {
    if (skipping_) {
      // The rest of an oversized packet: up to its '#' and two checksum
      // digits. 0x03 and '$' bytes here are its data, not a new start.
      size_t hash = in_.find('#');
      if (hash == std::string::npos) {
        for (unsigned char c : in_) skipped_sum_ += c;
        skipped_ += in_.size();
        in_.clear();
        return Event::Timeout;
      }
      if (in_.size() < hash + 3) return Event::Timeout;
      for (size_t k = 0; k < hash; ++k) skipped_sum_ += static_cast<unsigned char>(in_[k]);
      skipped_ += hash;
      int h1 = hexval(in_[hash + 1]), h2 = hexval(in_[hash + 2]);
      in_.erase(0, hash + 3);
      skipping_ = false;
      bool ok = h1 >= 0 && h2 >= 0 && static_cast<unsigned>(h1 * 16 + h2) == (skipped_sum_ & 0xff);
      if (!ok) {  // damaged in transit: a resend (which fails the same way, acked)
        if (!no_ack_) write_all("-");
        continue;
      }
      if (!no_ack_) write_all("+");
      *payload = too_long_text(skipped_);
      return Event::TooLong;
    }
    // Skip noise (stray acks, garbage) up to a packet start or an interrupt.
    size_t i = 0;
    while (i < in_.size() && in_[i] != '$' && in_[i] != '\x03') ++i;
    in_.erase(0, i);
    if (in_.empty()) return Event::Timeout;
    if (in_[0] == '\x03') {
      in_.erase(0, 1);
      return Event::Interrupt;
    }
    size_t hash = in_.find('#', 1);
    if (hash == std::string::npos) {
      if (in_.size() > kMaxPacket + 4) {
        // Oversized: drop what we have and skip the rest as it arrives,
        // keeping its checksum, up to its end.
        skipping_ = true;
        skipped_ = in_.size() - 1;
        skipped_sum_ = 0;
        for (size_t k = 1; k < in_.size(); ++k) skipped_sum_ += static_cast<unsigned char>(in_[k]);
        in_.clear();
      }
      return Event::Timeout;
    }
    if (in_.size() < hash + 3) return Event::Timeout;
    std::string body = in_.substr(1, hash - 1);
    int h1 = hexval(in_[hash + 1]), h2 = hexval(in_[hash + 2]);
    in_.erase(0, hash + 3);
    unsigned sum = 0;
    for (unsigned char c : body) sum += c;
    bool ok = h1 >= 0 && h2 >= 0 && static_cast<unsigned>(h1 * 16 + h2) == (sum & 0xff);
    if (!ok) {
      if (!no_ack_) write_all("-");
      continue;
    }
    if (!no_ack_) write_all("+");
    size_t raw = body.size();
    if (raw > kMaxPacket || !rle_decode(&body)) {
      // Received intact but not served: an error reply keeps the debugger
      // in step (a '-' would only make it resend the same packet).
      *payload = raw > kMaxPacket ? too_long_text(raw)
                                  : "packet's run-length encoding is malformed or expands too "
                                    "far; ignored";
      return Event::TooLong;
    }
    *payload = std::move(body);
    return Event::Packet;
  }
}

RspConnection::Event RspConnection::read(std::string* payload, int timeout_ms) {
  auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms);
  for (;;) {
    Event e = parse(payload);
    if (e != Event::Timeout) return e;
    if (closed_) return Event::Closed;
    int wait = timeout_ms;
    if (timeout_ms > 0) {
      auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
                      deadline - std::chrono::steady_clock::now())
                      .count();
      if (left <= 0) return Event::Timeout;
      wait = static_cast<int>(left);
    }
    if (!fill(wait)) {
      if (closed_) return Event::Closed;
      if (timeout_ms >= 0) {
        if (timeout_ms == 0) return parse(payload);
        if (std::chrono::steady_clock::now() >= deadline) return Event::Timeout;
      }
    }
  }
}

bool RspConnection::send(std::string_view payload) {
  std::string pkt;
  pkt.reserve(payload.size() + 4);
  pkt += '$';
  unsigned sum = 0;
  for (unsigned char c : payload) sum += c;
  pkt.append(payload);
  pkt += '#';
  pkt += kHex[(sum >> 4) & 0xf];
  pkt += kHex[sum & 0xf];
  for (int attempt = 0; attempt < 4; ++attempt) {
    if (!write_all(pkt)) return false;
    if (no_ack_) return true;
    // Wait for the ack; other bytes before it stay buffered.
    auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
    for (;;) {
      size_t k = 0;
      while (k < in_.size() && in_[k] != '+' && in_[k] != '-' && in_[k] != '$' && in_[k] != '\x03')
        ++k;
      if (k < in_.size() && (in_[k] == '+' || in_[k] == '-')) {
        char c = in_[k];
        in_.erase(0, k + 1);
        if (c == '+') return true;
        break;  // '-': resend
      }
      if (k < in_.size()) return true;  // a packet came instead: take it as acked
      if (std::chrono::steady_clock::now() >= deadline) return true;
      if (!fill(100) && closed_) return false;
    }
  }
  return true;
}

std::string escape_binary(std::string_view raw) {
  std::string out;
  out.reserve(raw.size() + raw.size() / 8);
  for (char c : raw) {
    if (c == '#' || c == '$' || c == '}' || c == '*') {
      out += '}';
      out += static_cast<char>(c ^ 0x20);
    } else {
      out += c;
    }
  }
  return out;
}

bool unescape_binary(std::string_view in, std::string* out) {
  out->clear();
  for (size_t i = 0; i < in.size(); ++i) {
    if (in[i] == '}') {
      if (i + 1 >= in.size()) return false;
      *out += static_cast<char>(in[++i] ^ 0x20);
    } else {
      *out += in[i];
    }
  }
  return true;
}

std::string to_hex(std::string_view bytes) {
  std::string out;
  out.reserve(bytes.size() * 2);
  for (unsigned char c : bytes) {
    out += kHex[c >> 4];
    out += kHex[c & 0xf];
  }
  return out;
}

bool from_hex(std::string_view hex, std::string* bytes) {
  if (hex.size() % 2) return false;
  bytes->clear();
  for (size_t i = 0; i < hex.size(); i += 2) {
    int a = hexval(hex[i]), b = hexval(hex[i + 1]);
    if (a < 0 || b < 0) return false;
    *bytes += static_cast<char>(a * 16 + b);
  }
  return true;
}

bool parse_hex(std::string_view s, uint64_t* v) {
  if (s.empty() || s.size() > 16) return false;
  uint64_t r = 0;
  for (char c : s) {
    int d = hexval(c);
    if (d < 0) return false;
    r = r * 16 + static_cast<uint64_t>(d);
  }
  *v = r;
  return true;
}

std::string hex_u64(uint64_t v) {
  char buf[20];
  snprintf(buf, sizeof buf, "%lx", static_cast<unsigned long>(v));
  return buf;
}

std::string le_hex(uint64_t v, int size) {
  std::string out;
  for (int i = 0; i < size; ++i) {
    unsigned b = (v >> (8 * i)) & 0xff;
    out += kHex[b >> 4];
    out += kHex[b & 0xf];
  }
  return out;
}

bool le_from_hex(std::string_view hex, int size, uint64_t* v) {
  if (hex.size() != static_cast<size_t>(size) * 2) return false;
  uint64_t r = 0;
  for (int i = 0; i < size; ++i) {
    int a = hexval(hex[2 * i]), b = hexval(hex[2 * i + 1]);
    if (a < 0 || b < 0) return false;
    r |= static_cast<uint64_t>(a * 16 + b) << (8 * i);
  }
  *v = r;
  return true;
}

}  // namespace hart::gdb
