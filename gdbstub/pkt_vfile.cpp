// gdbstub/pkt_vfile.cpp — vFile host I/O (gdb's "set sysroot target:"):
// setfs, open, pread, pwrite, close, fstat, readlink, unlink. Paths are the
// guest's; the target opens them as the process sees them (Target::open_file,
// read_link: its sysroot or root, its /proc for gdb's `info proc`), never
// hartd's own /proc. Files a session opens are the session's: closed when
// it ends (Session's destructor), however it ends.
// Flags, modes, errno values and the fstat layout are gdb's File-I/O
// encoding (big-endian fields), converted here.
#include <errno.h>
#include <fcntl.h>
#include <linux/magic.h>
#include <linux/openat2.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cstring>

#include "gdbstub/packets.h"

namespace hart::gdb {

namespace {

// gdb File-I/O open flags.
constexpr uint64_t kFioWrOnly = 1, kFioRdWr = 2, kFioAppend = 8, kFioCreat = 0x200,
                   kFioTrunc = 0x400, kFioExcl = 0x800;

int fio_errno(int e) {
  switch (e) {
    case EPERM: case ENOENT: case EINTR: case EBADF: case EACCES: case EFAULT: case EBUSY:
    case EEXIST: case ENODEV: case ENOTDIR: case EISDIR: case EINVAL: case ENFILE: case EMFILE:
    case EFBIG: case ENOSPC: case ESPIPE: case EROFS:
      return e;  // same numbers as Linux
    case ENAMETOOLONG:
      return 91;
    default:
      return 9999;  // EUNKNOWN
  }
}

Reply fail(int e) { return Reply::send("F-1," + hex_u64(static_cast<uint64_t>(fio_errno(e)))); }
Reply result(int64_t v) {
  return Reply::send(v < 0 ? "F-" + hex_u64(static_cast<uint64_t>(-v)) : "F" + hex_u64(static_cast<uint64_t>(v)));
}

// Splits comma-separated fields.
std::vector<std::string_view> fields(std::string_view a) {
  std::vector<std::string_view> out;
  for (;;) {
    size_t c = a.find(',');
    out.push_back(a.substr(0, c));
    if (c == std::string_view::npos) break;
    a.remove_prefix(c + 1);
  }
  return out;
}

void put_be(std::string& out, uint64_t v, int size) {
  for (int i = size - 1; i >= 0; --i) out += static_cast<char>((v >> (8 * i)) & 0xff);
}

int host_fd(Session& s, std::string_view f) {
  uint64_t fd;
  if (!parse_hex(f, &fd)) return -1;
  auto it = s.vfile_fds.find(static_cast<int>(fd));
  return it == s.vfile_fds.end() ? -1 : it->second;
}

}  // namespace

int refuse_procfs(int fd) {
  struct statfs fs;
  if (fd < 0 || (fstatfs(fd, &fs) == 0 && fs.f_type != PROC_SUPER_MAGIC)) return fd;
  close(fd);
  return -EACCES;
}

int open_host_file(const std::string& path, int flags, int mode) {
  open_how how{};
  how.flags = static_cast<uint64_t>(flags);
  how.mode = (flags & (O_CREAT | O_TMPFILE)) ? static_cast<uint64_t>(mode) : 0;
  how.resolve = RESOLVE_NO_MAGICLINKS;
  int fd = static_cast<int>(syscall(SYS_openat2, AT_FDCWD, path.c_str(), &how, sizeof how));
  if (fd < 0 && errno == ENOSYS) fd = open(path.c_str(), flags, static_cast<mode_t>(mode));  // Linux < 5.6
  return fd < 0 ? -errno : refuse_procfs(fd);
}

int Target::open_file(const std::string& guest_path, int flags, int mode) {
  return open_host_file(host_path(guest_path), flags, mode);
}

int Target::unlink_file(const std::string& guest_path) {
  return unlink(host_path(guest_path).c_str()) == 0 ? 0 : -errno;
}

int Target::read_link(const std::string& guest_path, std::string* out) {
  char buf[4096];
  ssize_t n = readlink(host_path(guest_path).c_str(), buf, sizeof buf);
  if (n < 0) return -errno;
  out->assign(buf, static_cast<size_t>(n));
  return 0;
}

Session::~Session() {
  for (auto& [g, fd] : vfile_fds) close(fd);
}

Reply pkt_vFile(Session& s, std::string_view args) {
  size_t colon = args.find(':');
  if (colon == std::string_view::npos) return Reply::empty();
  std::string_view op = args.substr(0, colon);
  std::vector<std::string_view> f = fields(args.substr(colon + 1));
  if (op == "setfs") {
    return Reply::send("F0");  // one filesystem: the debugged process's
  }
  if (op == "open") {
    std::string path;
    uint64_t flags, mode;
    if (f.size() != 3 || !from_hex(f[0], &path) || !parse_hex(f[1], &flags) || !parse_hex(f[2], &mode))
      return fail(EINVAL);
    int hf = (flags & kFioRdWr) ? O_RDWR : (flags & kFioWrOnly) ? O_WRONLY : O_RDONLY;
    if (flags & kFioAppend) hf |= O_APPEND;
    if (flags & kFioCreat) hf |= O_CREAT;
    if (flags & kFioTrunc) hf |= O_TRUNC;
    if (flags & kFioExcl) hf |= O_EXCL;
    if (s.vfile_fds.size() >= 64) return fail(EMFILE);
    int fd = s.target.open_file(path, hf | O_CLOEXEC, static_cast<int>(mode & 0777));
    if (fd < 0) return fail(-fd);
    int g = s.vfile_next++;
    s.vfile_fds[g] = fd;
    return result(g);
  }
  if (op == "close") {
    uint64_t fd;
    if (f.size() != 1 || !parse_hex(f[0], &fd)) return fail(EINVAL);
    auto it = s.vfile_fds.find(static_cast<int>(fd));
    if (it == s.vfile_fds.end()) return fail(EBADF);
    close(it->second);
    s.vfile_fds.erase(it);
    return result(0);
  }
  if (op == "pread") {
    uint64_t count, off;
    int fd = f.size() == 3 ? host_fd(s, f[0]) : -1;
    if (fd < 0) return fail(EBADF);
    if (!parse_hex(f[1], &count) || !parse_hex(f[2], &off)) return fail(EINVAL);
    // Escaping can double the data: stay within the packet size.
    if (count > (kMaxPacket - 32) / 2) count = (kMaxPacket - 32) / 2;
    std::string buf(count, '\0');
    ssize_t n = pread(fd, buf.data(), count, static_cast<off_t>(off));
    if (n < 0) return fail(errno);
    buf.resize(static_cast<size_t>(n));
    return Reply::send("F" + hex_u64(static_cast<uint64_t>(n)) + ";" + escape_binary(buf));
  }
  if (op == "pwrite") {
    // fd,offset,binary data (the data may contain commas: split by hand)
    std::string_view rest = args.substr(colon + 1);
    size_t c1 = rest.find(','), c2 = c1 == std::string_view::npos ? c1 : rest.find(',', c1 + 1);
    if (c2 == std::string_view::npos) return fail(EINVAL);
    int fd = host_fd(s, rest.substr(0, c1));
    uint64_t off;
    std::string data;
    if (fd < 0) return fail(EBADF);
    if (!parse_hex(rest.substr(c1 + 1, c2 - c1 - 1), &off) || !unescape_binary(rest.substr(c2 + 1), &data))
      return fail(EINVAL);
    ssize_t n = pwrite(fd, data.data(), data.size(), static_cast<off_t>(off));
    if (n < 0) return fail(errno);
    return result(n);
  }
  if (op == "fstat") {
    int fd = f.size() == 1 ? host_fd(s, f[0]) : -1;
    if (fd < 0) return fail(EBADF);
    struct stat st;
    if (fstat(fd, &st) != 0) return fail(errno);
    std::string b;
    put_be(b, st.st_dev, 4);
    put_be(b, st.st_ino, 4);
    put_be(b, st.st_mode, 4);
    put_be(b, st.st_nlink, 4);
    put_be(b, st.st_uid, 4);
    put_be(b, st.st_gid, 4);
    put_be(b, st.st_rdev, 4);
    put_be(b, static_cast<uint64_t>(st.st_size), 8);
    put_be(b, static_cast<uint64_t>(st.st_blksize), 8);
    put_be(b, static_cast<uint64_t>(st.st_blocks), 8);
    put_be(b, static_cast<uint64_t>(st.st_atime), 4);
    put_be(b, static_cast<uint64_t>(st.st_mtime), 4);
    put_be(b, static_cast<uint64_t>(st.st_ctime), 4);
    return Reply::send("F" + hex_u64(b.size()) + ";" + escape_binary(b));
  }
  if (op == "readlink") {
    std::string path;
    if (f.size() != 1 || !from_hex(f[0], &path)) return fail(EINVAL);
    std::string link;
    if (int r = s.target.read_link(path, &link); r < 0) return fail(-r);
    return Reply::send("F" + hex_u64(link.size()) + ";" + escape_binary(link));
  }
  if (op == "unlink") {
    std::string path;
    if (f.size() != 1 || !from_hex(f[0], &path)) return fail(EINVAL);
    if (int r = s.target.unlink_file(path); r < 0) return fail(-r);
    return result(0);
  }
  return Reply::empty();
}

}  // namespace hart::gdb
