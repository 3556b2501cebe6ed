// linux-abi/vfs/root_fs.cpp — the root (jail) of a guest process tree: openat2
// lookups confined to the root, guest ↔ host paths. See root_fs.h.
#include "linux-abi/vfs/root_fs.h"

#include <fcntl.h>
#include <ftw.h>
#include <limits.h>
#include <linux/openat2.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <vector>

#include "linux-abi/process/process.h"
#include "linux-abi/syscalls/sys_util.h"

namespace hart::linux {

namespace {

bool under(const std::string& path, const std::string& dir) {
  return path.compare(0, dir.size(), dir) == 0 &&
         (path.size() == dir.size() || path[dir.size()] == '/');
}

int rm_entry(const char* path, const struct stat*, int, struct FTW*) {
  ::remove(path);
  return 0;
}

}  // namespace

namespace {
bool all_digits(const std::string& s) {
  return !s.empty() && s.find_first_not_of("0123456789") == std::string::npos;
}
// Do the components name one of the links of /proc and /dev/fd that lead
// to another file (a descriptor's, the cwd, the root): /dev/fd/N,
// /proc/P/{fd/N,cwd,root}, /proc/P/task/T/{fd/N,cwd,root}?
bool names_magic_link(const std::vector<std::string>& c) {
  if (c.size() == 3 && c[0] == "dev" && c[1] == "fd") return all_digits(c[2]);
  if (c.size() < 3 || c[0] != "proc") return false;
  if (c[1] != "thread-self" && c[1] != "self" && !all_digits(c[1])) return false;
  // (thread-self is a task already; a process's task/T is one too)
  const size_t at = c[1] != "thread-self" && c.size() >= 5 && c[2] == "task" && all_digits(c[3]) ? 4 : 2;
  if (c.size() == at + 1) return c[at] == "cwd" || c[at] == "root";
  return c.size() == at + 2 && c[at] == "fd" && all_digits(c[at + 1]);
}

// normalize_path, or with links: normalize_through_links.
std::string normalize(const std::string& abs, bool links) {
  std::vector<std::string> parts;
  size_t i = 0;
  while (i <= abs.size()) {
    size_t j = abs.find('/', i);
    if (j == std::string::npos) j = abs.size();
    std::string c = abs.substr(i, j - i);
    if (c == ".." && links && names_magic_link(parts)) {
      std::string out;
      for (const auto& k : parts) out += "/" + k;
      return out + "/" + abs.substr(i);  // (the rest as written: the walk goes on from the link's file)
    }
    if (c == "..") {
      if (!parts.empty()) parts.pop_back();
    } else if (!c.empty() && c != ".") {
      parts.push_back(c);
    }
    i = j + 1;
  }
  std::string out;
  for (const auto& c : parts) out += "/" + c;
  return out.empty() ? "/" : out;
}
}  // namespace

std::string normalize_path(const std::string& abs) { return normalize(abs, false); }

std::string normalize_through_links(const std::string& abs) { return normalize(abs, true); }

std::shared_ptr<RootFs> RootFs::open(const std::string& dir, std::string* error) {
  char real[PATH_MAX];
  if (!realpath(dir.c_str(), real)) {
    *error = dir + ": " + strerror(errno);
    return nullptr;
  }
  int fd = ::open(real, O_PATH | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) {
    *error = dir + ": " + strerror(errno);
    return nullptr;
  }
  std::shared_ptr<RootFs> r(new RootFs());
  r->fd_ = fd;
  r->host_ = real;
  if (r->host_.size() > 1 && r->host_.back() == '/') r->host_.pop_back();
  int t = open_beneath(fd, ".", O_PATH | O_CLOEXEC);
  if (t == -ENOSYS) {
    *error = "a root (-R) needs openat2 (Linux 5.6 or later) on the host";
    return nullptr;
  }
  if (t >= 0) close(t);
  return r;
}

RootFs::~RootFs() {
  close_dir();
  remove_shm();
}

void RootFs::remove_shm() {
  if (shm_set_.load(std::memory_order_acquire)) nftw(shm_.c_str(), rm_entry, 16, FTW_DEPTH | FTW_PHYS);
}

void RootFs::close_dir() {
  int fd = fd_.exchange(-1);
  if (fd >= 0) close(fd);
}

int RootFs::open_beneath(int base, const std::string& rel, int flags, mode_t mode) {
  struct open_how how{};
  how.flags = static_cast<uint64_t>(flags) | O_CLOEXEC;
  if (flags & (O_CREAT | O_TMPFILE)) how.mode = mode & 07777;
  how.resolve = RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS;
  const char* p = rel.empty() ? "." : rel.c_str();
  for (;;) {
    long fd = syscall(SYS_openat2, base, p, &how, sizeof how);
    if (fd >= 0) return static_cast<int>(fd);
    if (errno == EAGAIN) continue;  // a rename raced with the lookup: retry, as libraries do
    return -errno;
  }
}

int RootFs::open(const std::string& guest_abs, int flags, mode_t mode) const {
  size_t b = guest_abs.find_first_not_of('/');
  return open_beneath(fd_, b == std::string::npos ? "." : guest_abs.substr(b), flags, mode);
}

std::string RootFs::to_guest(const std::string& host) const {
  if (host_ == "/") return host;
  if (under(host, host_)) return host.size() == host_.size() ? "/" : host.substr(host_.size());
  if (shm_set_.load(std::memory_order_acquire) && under(host, shm_)) return "/dev/shm" + host.substr(shm_.size());
  return "";
}

const std::string& RootFs::shm_dir() {
  std::call_once(shm_once_, [this] {
    char tmpl[] = "/dev/shm/hart-root-XXXXXX";
    if (mkdtemp(tmpl)) {
      chmod(tmpl, 01777);
      shm_ = tmpl;
      shm_set_.store(true, std::memory_order_release);
    }
  });
  return shm_;
}

std::string guest_path_of_fd(const Process& p, int host_fd) {
  char buf[PATH_MAX];
  std::string link = "/proc/self/fd/" + std::to_string(host_fd);
  ssize_t n = readlink(link.c_str(), buf, sizeof buf);
  if (n < 0) return "";
  return guest_path_of_host(p, std::string(buf, n));
}

std::string guest_path_of_host(const Process& p, std::string t) {
  return guest_path_of_host(p.root(), p.sysroot(), std::move(t));
}

std::string guest_path_of_host(const RootFs* r, const std::string& sysroot, std::string t) {
  // Names that are no path: a memfd ("/memfd:NAME (deleted)"), as Linux shows it.
  if (t.rfind("/memfd:", 0) == 0) return t;
  if (r) {
    std::string g = r->to_guest(t);
    return g.empty() && t.rfind("/dev/", 0) == 0 ? t : g;
  }
  if (!sysroot.empty() && under(t, sysroot)) t = t.size() == sysroot.size() ? "/" : t.substr(sysroot.size());
  return t;
}

const RootFs* host_root_fs() {
  static const std::shared_ptr<RootFs> root = [] {
    std::string err;
    return RootFs::open("/", &err);
  }();
  return root.get();
}

std::string walk_to_emulated(const RootFs& root, const std::string& abs, bool follow_last,
                             bool dev) {
  std::vector<std::string> todo;  // components still to walk, the next one last
  auto push = [&todo](const std::string& path) {
    std::vector<std::string> parts;
    size_t i = 0;
    while (i <= path.size()) {
      size_t j = path.find('/', i);
      if (j == std::string::npos) j = path.size();
      if (j > i) parts.push_back(path.substr(i, j - i));
      i = j + 1;
    }
    todo.insert(todo.end(), parts.rbegin(), parts.rend());
  };
  push(abs);
  std::string cur = "/";
  int links = 0;
  auto rest = [&todo] {
    std::string r;
    for (auto it = todo.rbegin(); it != todo.rend(); ++it) r += "/" + *it;
    return r;
  };
  while (!todo.empty()) {
    std::string comp = todo.back();
    todo.pop_back();
    if (comp == ".") continue;
    if (comp == "..") {
      cur = normalize_path(cur + "/..");
      continue;
    }
    std::string next = cur == "/" ? "/" + comp : cur + "/" + comp;
    if (next == "/proc" || (dev && next == "/dev")) return normalize_path(next + rest());
    if (todo.empty() && !follow_last) return "";
    int dfd = root.open(cur, O_PATH | O_DIRECTORY);
    if (dfd < 0) return "";
    struct stat st;
    char buf[PATH_MAX];
    ssize_t n = -1;
    if (fstatat(dfd, comp.c_str(), &st, AT_SYMLINK_NOFOLLOW) == 0 && S_ISLNK(st.st_mode))
      n = readlinkat(dfd, comp.c_str(), buf, sizeof buf);
    close(dfd);
    if (n < 0) {
      cur = next;
      continue;
    }
    if (++links > 40) return "";
    std::string target(buf, n);
    if (!target.empty() && target[0] == '/') cur = "/";
    push(target);
  }
  return "";
}

namespace {
// resolve_in_root's lookup of guest (non-empty) from dir unless it is
// absolute. depth counts the links to other files followed (AtPath::via).
int resolve_in_root_from(Process& p, std::shared_ptr<HostFd> dir, const std::string& guest,
                         bool follow, AtPath* out, int depth) {
  RootFs& root = *p.root();
  std::string abs;
  int base = root.fd();
  std::string rel;
  // The rest of a path through a descriptor's link, from that file.
  auto via = [&]() {
    std::shared_ptr<HostFd> f;
    std::string rest;
    if (int e = take_via(out, depth, &f, &rest)) return e;
    return resolve_in_root_from(p, std::move(f), rest, follow, out, depth + 1);
  };
  if (guest[0] == '/') {
    abs = guest;
  } else {
    const int hfd = dir->fd();
    std::string dguest = dir->synth() ? dir->synth()->guest_path : guest_path_of_fd(p, hfd);
    if (dguest.empty() || dguest[0] != '/') {
      // A directory from outside the root (an fd passed in): it is the
      // root of this lookup, so nothing above it can be reached.
      struct stat st;
      if (fstat(hfd, &st) != 0) return -errno;
      if (!S_ISDIR(st.st_mode)) return -ENOTDIR;
      out->keep2 = dir;
      base = hfd;
      rel = guest;
    } else {
      abs = dguest + "/" + guest;
    }
  }
  if (!abs.empty()) {
    const std::string n = normalize_through_links(abs);
    int r = emulate_path(p, n, true, out);
    if (r == 0 && out->via) return via();
    if (r <= 0) return r;
    // A path that enters the emulated /proc or /dev and climbs back out
    // with `..` (/dev/shm/../.., /proc/..): nothing inside those trees is a
    // host symlink, so Linux's walk lands where the lexical one does, not
    // at the root's own dev/ or proc/ (which need not exist).
    size_t first = abs.find_first_not_of('/');
    if (first != std::string::npos) {
      const std::string top = abs.substr(first, abs.find('/', first) - first);
      if (top == "proc" || top == "dev") abs = n;
    }
    size_t b = abs.find_first_not_of('/');
    rel = b == std::string::npos ? "." : abs.substr(b);
  }
  out->root_base = base;
  out->root_rel = rel;
  // Split off the last component (trailing slashes kept with it).
  size_t end = rel.find_last_not_of('/');
  std::string trail = end == std::string::npos ? "" : rel.substr(end + 1);
  std::string stem = end == std::string::npos ? "." : rel.substr(0, end + 1);
  size_t slash = stem.rfind('/');
  std::string parent = slash == std::string::npos ? "." : stem.substr(0, slash);
  std::string name = slash == std::string::npos ? stem : stem.substr(slash + 1);
  // A path that is missing because a symlink in the root leads into the
  // emulated /proc or /dev (/etc/mtab -> ../proc/self/mounts).
  auto via_link = [&](int err, bool follow_last) {
    if ((err != -ENOENT && err != -ENOTDIR) || abs.empty()) return err;
    std::string e = walk_to_emulated(root, abs, follow_last);
    if (e.empty()) return err;
    AtPath fresh;
    fresh.guest = out->guest;
    *out = std::move(fresh);
    int r = emulate_path(p, e, true, out);
    if (r == 0 && out->via) return via();
    return r > 0 ? err : r;
  };
  out->abs = abs;
  if (follow || name == "." || name == "..") {
    int fd = RootFs::open_beneath(base, rel, O_PATH);
    if (fd < 0) return via_link(fd, true);
    out->keep = std::make_shared<HostFd>(fd);
    out->dirfd = AT_FDCWD;
    out->path = "/proc/self/fd/" + std::to_string(fd);
    // "x/." or "x/..": a directory; "/." makes even a call that does not
    // follow links (lstat) look through the /proc link to it.
    if (!follow) out->path += "/.";
    out->resolved_fd = fd;
    return 0;
  }
  int pfd = RootFs::open_beneath(base, parent, O_PATH | O_DIRECTORY);
  if (pfd < 0) return via_link(pfd, false);
  out->keep = std::make_shared<HostFd>(pfd);
  out->dirfd = pfd;
  out->path = name + trail;
  return 0;
}
}  // namespace

int resolve_in_root(Process& p, int64_t dirfd, const std::string& guest, bool follow,
                    AtPath* out) {
  std::shared_ptr<HostFd> dir;
  if (guest[0] != '/') {
    int hfd = p.host_dirfd(dirfd, &dir);
    if (hfd < 0) return hfd;
  }
  return resolve_in_root_from(p, std::move(dir), guest, follow, out, 0);
}

}  // namespace hart::linux
