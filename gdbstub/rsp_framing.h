// gdbstub/rsp_framing.h — the Remote Serial Protocol's framing on one
// connection: $payload#cs packets, '+'/'-' acknowledgements (until
// QStartNoAckMode), the 0x03 interrupt byte, run-length decoding of
// incoming packets, binary escaping helpers, size limits. Malformed input,
// bad checksums, oversized packets and disconnects are reported to the
// caller, never fatal. A packet longer than PacketSize (or one whose
// run-length encoding expands past the limit) with a good checksum is
// acknowledged and read to its end, so the stream stays in sync, and comes
// out as Event::TooLong: the caller answers it with an error packet.
// Owns: the socket fd of one connection and its input buffer. Does not
// own: what packets mean (packets.h).
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace hart::gdb {

// Largest packet payload accepted (and advertised as PacketSize).
constexpr size_t kMaxPacket = 0x4000;

class RspConnection {
 public:
  explicit RspConnection(int fd);  // takes ownership
  ~RspConnection();
  RspConnection(const RspConnection&) = delete;
  RspConnection& operator=(const RspConnection&) = delete;

  enum class Event { Packet, Interrupt, Closed, Timeout, TooLong };
  // Next packet (payload with run-length encoding expanded, binary escapes
  // kept) or 0x03. TooLong: *payload is the error text to answer with
  // (see error_reply). timeout_ms < 0 waits for ever; 0 only uses what
  // is already readable.
  Event read(std::string* payload, int timeout_ms);
  // True if a complete packet or interrupt may already be buffered.
  bool has_buffered() const { return !in_.empty(); }
  // Sends one packet; in ack mode waits for '+' (resends on '-', a few
  // times). false if the peer is gone.
  bool send(std::string_view payload);
  void set_no_ack(bool on) { no_ack_ = on; }
  bool no_ack() const { return no_ack_; }
  int fd() const { return fd_; }
  bool closed() const { return closed_; }

 private:
  bool fill(int timeout_ms);  // false: timeout or closed
  bool write_all(std::string_view s);
  // Parses one item out of in_; returns Timeout if incomplete.
  Event parse(std::string* payload);

  int fd_;
  bool no_ack_ = false;
  bool closed_ = false;
  std::string in_;
  // Inside an oversized packet whose start was dropped: bytes skipped so
  // far and their sum (to check the checksum at its '#').
  bool skipping_ = false;
  size_t skipped_ = 0;
  unsigned skipped_sum_ = 0;
};

// An "E." error reply with a text gdb shows (framing characters in it
// replaced): the answer to Event::TooLong, or a refusal.
std::string error_reply(const std::string& text);

// Binary data in packets (X, vFile:pwrite) and replies (qXfer, vFile:pread):
// '#', '$', '}' and '*' are sent as '}' followed by the byte ^ 0x20.
std::string escape_binary(std::string_view raw);
// false if the escaping is malformed (a trailing '}').
bool unescape_binary(std::string_view in, std::string* out);

// Hex helpers.
std::string to_hex(std::string_view bytes);
bool from_hex(std::string_view hex, std::string* bytes);
// Parses a hex number; false if empty, not hex or too long.
bool parse_hex(std::string_view s, uint64_t* v);
std::string hex_u64(uint64_t v);  // lowercase, no leading zeros
// Little-endian target bytes of v (size bytes) as hex.
std::string le_hex(uint64_t v, int size);
bool le_from_hex(std::string_view hex, int size, uint64_t* v);

}  // namespace hart::gdb
