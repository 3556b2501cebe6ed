// core/log.cpp — QEMU-style -d categories and the per-guest log sink.
#include "core/log.h"

#include <cerrno>
#include <cstdarg>
#include <cstring>
#include <sstream>

namespace hart {

namespace {
struct CategoryInfo {
  const char* name;
  uint32_t bit;
  const char* help;
};
constexpr CategoryInfo kCategories[] = {
#define X(name, bit, help) {#name, 1u << bit, help},
    HART_LOG_CATEGORIES(X)
#undef X
};
}  // namespace

bool parse_log_categories(const std::string& spec, uint32_t* mask, std::string* error) {
  uint32_t m = 0;
  std::stringstream ss(spec);
  std::string item;
  while (std::getline(ss, item, ',')) {
    if (item.empty()) continue;
    bool found = false;
    for (const auto& c : kCategories)
      if (item == c.name) {
        m |= c.bit;
        found = true;
      }
    if (!found) {
      if (error) *error = "unknown log category '" + item + "' (try -d help)";
      return false;
    }
  }
  *mask = m;
  return true;
}

std::string log_categories_help() {
  std::string out = "Log items (comma separated):\n";
  for (const auto& c : kCategories) {
    char line[160];
    snprintf(line, sizeof line, "%-12s %s\n", c.name, c.help);
    out += line;
  }
  return out;
}

GuestLog::~GuestLog() {
  if (file_) fclose(file_);
}

bool GuestLog::open_file(const std::string& path, std::string* error) {
  FILE* f = fopen(path.c_str(), "w");
  if (!f) {
    if (error) *error = "cannot open log file '" + path + "': " + strerror(errno);
    return false;
  }
  std::lock_guard<std::mutex> lock(mutex_);
  if (file_) fclose(file_);
  file_ = f;
  return true;
}

void GuestLog::set_sink(std::function<void(const std::string&)> fn) {
  std::lock_guard<std::mutex> lock(mutex_);
  sink_ = std::move(fn);
}

void GuestLog::write(const std::string& text) {
  std::lock_guard<std::mutex> lock(mutex_);
  if (sink_) sink_(text);
  FILE* f = file_ ? file_ : (sink_ ? nullptr : stderr);
  if (!f) return;
  fwrite(text.data(), 1, text.size(), f);
  fflush(f);
}

void GuestLog::printf(const char* fmt, ...) {
  char buf[1024];
  va_list ap;
  va_start(ap, fmt);
  int n = vsnprintf(buf, sizeof buf, fmt, ap);
  va_end(ap);
  if (n < 0) return;
  if (static_cast<size_t>(n) < sizeof buf) {
    write(std::string(buf, n));
    return;
  }
  std::string big(n + 1, '\0');
  va_start(ap, fmt);
  vsnprintf(big.data(), big.size(), fmt, ap);
  va_end(ap);
  big.resize(n);
  write(big);
}

}  // namespace hart
