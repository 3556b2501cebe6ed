// linux-abi/vfs/proc_tunables.cpp — /proc/<pid>/{comm, oom_score_adj,
// loginuid, sessionid, coredump_filter, timerslack_ns} and
// task/<tid>/{comm, loginuid, sessionid} (kTunables): the rules are in
// proc_tunables.h.
#include "linux-abi/vfs/proc_tunables.h"

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <functional>

namespace hart::linux {

int64_t read_text(const std::string& text, uint8_t* buf, uint64_t len, uint64_t off) {
  if (off >= text.size()) return 0;
  uint64_t n = std::min<uint64_t>(len, text.size() - off);
  memcpy(buf, text.data() + off, n);
  return static_cast<int64_t>(n);
}

Thread* current_thread() {
  Vcpu* v = Vcpu::current();
  return v && v->user ? &Process::thread_of(*v) : nullptr;
}

namespace {

// Linux's kstrto*_from_user: the first `room` bytes of the write (up to a
// NUL) hold an optional sign ('+'; '-' when is_signed), digits in base (0:
// "0x" + a hex digit is hex, a leading 0 octal, else decimal; 16 also takes
// "0x"), an optional '\n' and nothing more. -EINVAL for anything else,
// -ERANGE past [lo, hi].
int parse_kstrto(const uint8_t* buf, uint64_t len, size_t room, int base, bool is_signed,
                 int64_t lo, uint64_t hi, int64_t* out) {
  std::string s(reinterpret_cast<const char*>(buf), std::min<uint64_t>(len, room));
  s = s.substr(0, strlen(s.c_str()));
  size_t i = 0;
  bool neg = false;
  if (i < s.size() && s[i] == '+') {
    ++i;
  } else if (is_signed && i < s.size() && s[i] == '-') {
    neg = true;
    ++i;
  }
  auto lower = [&](size_t k) { return k < s.size() ? static_cast<char>(s[k] | 0x20) : '\0'; };
  auto digit = [](char c) {
    if (c >= '0' && c <= '9') return c - '0';
    c = static_cast<char>(c | 0x20);
    return c >= 'a' && c <= 'f' ? c - 'a' + 10 : 99;
  };
  if (base == 0) {
    if (lower(i) == '0')
      base = lower(i + 1) == 'x' && i + 2 < s.size() && digit(s[i + 2]) < 16 ? 16 : 8;
    else
      base = 10;
  }
  if (base == 16 && lower(i) == '0' && lower(i + 1) == 'x') i += 2;
  uint64_t v = 0;
  bool overflow = false;
  size_t digits = 0;
  for (; i < s.size() && digit(s[i]) < base; ++i, ++digits) {
    unsigned d = digit(s[i]);
    if (v > (UINT64_MAX - d) / base) overflow = true;
    v = v * base + d;
  }
  if (!digits) return -EINVAL;
  if (overflow) return -ERANGE;
  if (i < s.size() && s[i] == '\n') ++i;
  if (i != s.size()) return -EINVAL;
  if (neg) {
    if (v > static_cast<uint64_t>(-(lo + 1)) + 1) return -ERANGE;
    *out = static_cast<int64_t>(0 - v);
    return 0;
  }
  if (v > hi) return -ERANGE;
  *out = static_cast<int64_t>(v);
  return 0;
}


// Is the calling guest thread thread tid of t?
bool is_current(Process& t, int tid) {
  const Vcpu* cur = Vcpu::current();
  bool self = false;
  t.with_thread(tid, [&](Thread& th) { self = th.vcpu.get() == cur; });
  return cur && self;
}

// One file: its text, and what a write does (bytes taken, or -errno).
struct TunableFile : EmuFile {
  bool other_launch = false;  // opened by a guest of another launch (proc_view "owner")
  std::function<int64_t(std::string*)> show;  // 0, or -errno (the text in *out)
  std::function<int64_t(const uint8_t*, uint64_t, uint64_t)> store;
  int64_t pread(uint8_t* buf, uint64_t len, uint64_t off) override {
    std::string text;
    if (int64_t r = show(&text); r < 0) return r;
    return read_text(text, buf, len, off);
  }
  int64_t pwrite(const uint8_t* buf, uint64_t len, uint64_t off) override {
    return store ? store(buf, len, off) : -EINVAL;
  }
};

void oom_score_adj(std::shared_ptr<Process> t, int, TunableFile* f) {
  f->show = [t](std::string* out) {
    *out = std::to_string(t->oom_score_adj.load()) + "\n";
    return 0;
  };
  f->store = [t](const uint8_t* buf, uint64_t len, uint64_t) -> int64_t {
    // A 12-byte buffer, blanks around the number stripped (strstrip), then
    // kstrtoint in any base.
    std::string s(reinterpret_cast<const char*>(buf), std::min<uint64_t>(len, 12));
    s = s.substr(0, strlen(s.c_str()));
    size_t a = s.find_first_not_of(" \t\n\v\f\r"), b = s.find_last_not_of(" \t\n\v\f\r");
    s = a == std::string::npos ? "" : s.substr(a, b - a + 1);
    int64_t v = 0;
    int r = parse_kstrto(reinterpret_cast<const uint8_t*>(s.data()), s.size(), s.size(), 0, true,
                         INT32_MIN, INT32_MAX, &v);
    if (r < 0) return r;
    if (v < -1000 || v > 1000) return -EINVAL;
    Thread* me = current_thread();
    bool privileged = me && me->cred.capable(kCapSysResource);
    if (v < t->oom_score_adj_min.load() && !privileged) return -EACCES;
    t->oom_score_adj.store(static_cast<int>(v));
    if (privileged) t->oom_score_adj_min.store(static_cast<int>(v));
    return static_cast<int64_t>(len);
  };
}

// The thread's name; written by a thread of the same process only (at most
// 15 bytes, taken as they are: a newline stays part of the name).
void comm(std::shared_ptr<Process> t, int tid, TunableFile* f) {
  f->show = [t, tid](std::string* out) -> int64_t {
    *out = t->thread_comm(tid) + "\n";
    return 0;
  };
  f->store = [t, tid](const uint8_t* buf, uint64_t len, uint64_t) -> int64_t {
    std::string name(reinterpret_cast<const char*>(buf), std::min<uint64_t>(len, 15));
    name = name.substr(0, strlen(name.c_str()));
    if (!t->has_thread(Vcpu::current())) return -EINVAL;
    return t->set_thread_comm(tid, name) ? static_cast<int64_t>(len) : -ESRCH;
  };
}

void loginuid(std::shared_ptr<Process> t, int tid, TunableFile* f) {
  f->show = [t](std::string* out) {
    *out = std::to_string(t->loginuid.load());
    return 0;
  };
  f->store = [t, tid](const uint8_t* buf, uint64_t len, uint64_t off) -> int64_t {
    if (!is_current(*t, tid)) return -EPERM;
    if (off != 0) return -EINVAL;  // no partial writes
    int64_t v = 0;
    if (int r = parse_kstrto(buf, len, 34, 10, false, 0, UINT32_MAX, &v); r < 0) return r;
    // Unset, anyone may set it; once set, changing it (or unsetting it)
    // needs CAP_AUDIT_CONTROL.
    Thread* me = current_thread();
    if (t->loginuid.load() != Process::kAuditUnset && !(me && me->cred.capable(kCapAuditControl)))
      return -EPERM;
    uint32_t uid = static_cast<uint32_t>(v);
    t->sessionid.store(uid == Process::kAuditUnset ? Process::kAuditUnset
                                                    : t->tree().audit_sessions.fetch_add(1) + 1);
    t->loginuid.store(uid);
    return static_cast<int64_t>(len);
  };
}

void sessionid(std::shared_ptr<Process> t, int, TunableFile* f) {
  f->show = [t](std::string* out) {
    *out = std::to_string(t->sessionid.load());
    return 0;
  };
}

void coredump_filter(std::shared_ptr<Process> t, int, TunableFile* f) {
  f->show = [t](std::string* out) {
    char text[16];
    snprintf(text, sizeof text, "%08x\n", t->coredump_filter.load());
    *out = text;
    return 0;
  };
  f->store = [t](const uint8_t* buf, uint64_t len, uint64_t) -> int64_t {
    int64_t v = 0;
    if (int r = parse_kstrto(buf, len, 34, 0, false, 0, UINT32_MAX, &v); r < 0) return r;
    t->coredump_filter.store(static_cast<uint32_t>(v) & Process::kCoredumpFilterBits);
    return static_cast<int64_t>(len);
  };
}

// Another task's slack is CAP_SYS_NICE's to read or change; a guest's
// capabilities never reach another launch's tasks.
bool may_touch_slack(Process& t, int tid, bool other_launch) {
  if (is_current(t, tid)) return true;
  Thread* me = current_thread();
  return !other_launch && me && me->cred.capable(kCapSysNice);
}

void timerslack_ns(std::shared_ptr<Process> t, int tid, TunableFile* f) {
  bool other = f->other_launch;
  f->show = [t, tid, other](std::string* out) -> int64_t {
    if (!may_touch_slack(*t, tid, other)) return -EPERM;
    uint64_t ns = 0;
    if (!t->with_thread(tid, [&](Thread& th) { ns = th.timer_slack_ns.load(); })) return -ESRCH;
    *out = std::to_string(ns) + "\n";
    return 0;
  };
  f->store = [t, tid, other](const uint8_t* buf, uint64_t len, uint64_t) -> int64_t {
    int64_t v = 0;
    if (int r = parse_kstrto(buf, len, 66, 10, false, 0, UINT64_MAX, &v); r < 0) return r;
    if (!may_touch_slack(*t, tid, other)) return -EPERM;
    uint64_t ns = static_cast<uint64_t>(v);
    bool found = t->with_thread(tid, [&](Thread& th) {
      th.timer_slack_ns.store(ns ? ns : th.default_timer_slack_ns.load());
    });
    return found ? static_cast<int64_t>(len) : -ESRCH;
  };
}

// The files, as fs/proc/base.c lists them: in the pid directory and (in_task)
// in task/<tid>/ too, their mode, and what fills in the file.
struct Tunable {
  const char* name;
  bool in_task;
  int mode;
  void (*make)(std::shared_ptr<Process>, int tid, TunableFile*);
};
constexpr Tunable kTunables[] = {
    {"comm", true, 0644, comm},
    {"loginuid", true, 0644, loginuid},
    {"sessionid", true, 0444, sessionid},
    {"oom_score_adj", false, 0644, oom_score_adj},
    {"coredump_filter", false, 0644, coredump_filter},
    {"timerslack_ns", false, 0666, timerslack_ns},
};

const Tunable* find_tunable(const std::string& name, bool in_task) {
  for (const Tunable& t : kTunables)
    if (name == t.name && (t.in_task || !in_task)) return &t;
  return nullptr;
}

}  // namespace

int open_emu_file(std::shared_ptr<EmuFile> f, int64_t flags, std::shared_ptr<HostFd>* file) {
  int acc = static_cast<int>(flags & O_ACCMODE);
  if (flags & O_TRUNC && acc == O_RDONLY) return -EACCES;
  f->readable = acc == O_RDONLY || acc == O_RDWR;
  f->writable = acc == O_WRONLY || acc == O_RDWR;
  // A stand-in host fd (fstat shows an empty regular file).
  int fd = static_cast<int>(syscall(SYS_memfd_create, "hart-proc", MFD_CLOEXEC));
  if (fd < 0) return -errno;
  *file = std::make_shared<HostFd>(fd, std::move(f));
  return 0;
}

bool is_proc_tunable(const std::string& name, bool in_task) { return find_tunable(name, in_task); }

int open_proc_tunable(std::shared_ptr<Process> t, int tid, const std::string& name,
                      int64_t flags, bool other_launch, std::shared_ptr<HostFd>* file) {
  const Tunable* tn = find_tunable(name, false);  // (the callers chose by directory)
  if (!tn) return -ENOENT;
  int acc = static_cast<int>(flags & O_ACCMODE);
  if ((acc == O_WRONLY || acc == O_RDWR) && !(tn->mode & 0002)) {
    // The proc inode's owner is the task's euid: the owner's write bit, or
    // CAP_DAC_OVERRIDE (which also opens sessionid, whose writes then fail).
    // Another launch's task is another user's to the caller.
    Thread* me = current_thread();
    bool owner = (tn->mode & 0200) && me && me->cred.fsuid == t->creds().euid;
    if (other_launch || (!owner && !(me && me->cred.capable(kCapDacOverride)))) return -EACCES;
  }
  auto f = std::make_shared<TunableFile>();
  f->other_launch = other_launch;
  tn->make(t, tid, f.get());
  return open_emu_file(std::move(f), flags, file);
}

}  // namespace hart::linux
