// linux-abi/vfs/proc_fdinfo.cpp — /proc/<pid>/fdinfo/<fd> (proc_fdinfo.h).
// A guest fd is a host fd, so the host's fdinfo of it is the base: its
// position and flags belong to the open file description, which the host
// keeps. What the host cannot know is put right: the flags' O_CLOEXEC is
// the guest fd's (hartd's host fds are all close-on-exec), an epoll's "tfd:"
// lines name guest fds, and files hartd emulates over an eventfd (a
// signalfd, a pidfd) or a stand-in (an emulated /proc file) show what Linux
// shows for them rather than the eventfd's lines.
// Owns: that text. Does not own: the fd table (fd_table.cpp) or the signalfd
// registry (sys_poll.cpp).
#include "linux-abi/vfs/proc_fdinfo.h"

#include <fcntl.h>

#include <cinttypes>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <sstream>

#include "linux-abi/syscalls/sys_poll.h"

namespace hart::linux {

namespace {

std::string host_fdinfo(int host_fd) {
  std::ifstream in("/proc/self/fdinfo/" + std::to_string(host_fd));
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// The guest fd of t whose host fd is host_fd, or -1.
int guest_fd_of(Process& t, int host_fd) {
  for (int fd : t.fds().open_fds())
    if (t.fds().host(fd) == host_fd) return fd;
  return -1;
}

// "tfd: %8d events: ..." with the host fd replaced by the guest's (a target
// no guest fd names any more is dropped, as Linux drops a closed one).
std::string epoll_line(Process& t, const std::string& line) {
  int host_fd = 0;
  if (sscanf(line.c_str(), "tfd: %d", &host_fd) != 1) return line + "\n";
  int gfd = guest_fd_of(t, host_fd);
  if (gfd < 0) return "";
  size_t ev = line.find(" events:");
  if (ev == std::string::npos) return line + "\n";
  char head[32];
  snprintf(head, sizeof head, "tfd: %8d", gfd);
  return head + line.substr(ev) + "\n";
}

}  // namespace

bool proc_fdinfo(Process& t, int fd, std::string* out) {
  std::shared_ptr<HostFd> f = t.fds().get(fd);
  if (!f) return false;
  int cloexec = t.fds().get_cloexec(fd);
  std::string host = host_fdinfo(f->fd());
  uint64_t sigmask = 0;
  bool is_signalfd = signalfd_mask(*f, &sigmask);
  bool replaced = f->pidfd() || is_signalfd || f->emu() || f->synth();
  std::istringstream lines(host);
  std::string line;
  out->clear();
  while (std::getline(lines, line)) {
    if (line.rfind("flags:", 0) == 0) {
      unsigned long flags = strtoul(line.c_str() + 6, nullptr, 8) & ~static_cast<unsigned long>(O_CLOEXEC);
      if (f->emu()) {  // the stand-in's access mode is not the guest's
        flags &= ~static_cast<unsigned long>(O_ACCMODE);
        flags |= f->emu()->readable && f->emu()->writable ? O_RDWR : f->emu()->writable ? O_WRONLY : O_RDONLY;
      }
      if (cloexec > 0) flags |= O_CLOEXEC;
      char buf[48];
      snprintf(buf, sizeof buf, "flags:\t0%lo\n", flags);
      *out += buf;
    } else if (line.rfind("pos:", 0) == 0 && (f->emu() || f->synth())) {
      uint64_t pos;
      if (f->emu()) {
        std::lock_guard<std::mutex> lock(f->emu()->mutex);
        pos = f->emu()->pos;
      } else {
        std::lock_guard<std::mutex> lock(f->synth()->mutex);
        pos = f->synth()->pos;
      }
      *out += "pos:\t" + std::to_string(pos) + "\n";
    } else if (line.rfind("pos:", 0) == 0 || line.rfind("mnt_id:", 0) == 0 ||
               line.rfind("ino:", 0) == 0) {
      *out += line + "\n";
    } else if (replaced) {
      continue;  // the eventfd's or stand-in's own lines
    } else if (line.rfind("tfd:", 0) == 0) {
      *out += epoll_line(t, line);
    } else {
      *out += line + "\n";
    }
  }
  if (is_signalfd) {
    char buf[48];
    snprintf(buf, sizeof buf, "sigmask:\t%016" PRIx64 "\n", sigmask);
    *out += buf;
  }
  if (const PidFdTarget* pf = f->pidfd()) {
    // Linux: the pid while the process has not been reaped, else -1.
    std::shared_ptr<Process> target = pf->proc.lock();
    int nr = target && !target->reaped() ? pf->pid : -1;
    *out += "Pid:\t" + std::to_string(nr) + "\nNSpid:\t" + std::to_string(nr) + "\n";
  }
  return true;
}

}  // namespace hart::linux
