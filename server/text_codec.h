// server/text_codec.h — small text helpers of the control protocol: signal
// names and numbers (guest numbering, = Linux's), UTF-8 checks for output
// events ("data" vs "data_b64"), base64, the nesting depth of a JSON text,
// one-line messages.
// Owns: these conversions only.
#pragma once

#include <string>
#include <string_view>

namespace hart::server {

// "SIGSEGV" for 11; "SIGRTMIN+2" for 34; "SIG<n>" otherwise.
std::string signal_name(int sig);
// "SIGTERM", "TERM", "sigterm", "15" → 15; -1 if unknown. Accepts 0..64.
int parse_signal(const std::string& s);

bool valid_utf8(const std::string& s);
// s on one line: control bytes (below 0x20, and 0x7f) as \xNN. For error
// messages, which quote paths and file contents (an ELF's PT_INTERP may
// hold a newline).
std::string one_line(const std::string& s);
// Bytes at the end of s that start a UTF-8 sequence not yet complete (0..3).
size_t incomplete_utf8_tail(const std::string& s);

// The deepest nesting of arrays and objects in a JSON text (brackets inside
// strings do not count), for refusing deep requests before parsing them:
// nlohmann::json copies and compares values recursively.
size_t json_nesting_depth(std::string_view text);

std::string base64_encode(const std::string& in);
// false on bad input.
bool base64_decode(const std::string& in, std::string* out);

}  // namespace hart::server
