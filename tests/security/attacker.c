// tests/security/attacker.c — a hostile guest for the isolation suite
// (run_security_test.py). It is told everything an attacker could find
// out (the other guest's pid and the address of its secret, hartd's host
// pid, the control socket's path, the gdb endpoints) and tries every path
// it knows to read or change the other guest's memory, hartd's memory or
// the control plane: the host's /proc by path, through symlinks, `..`,
// dirfds, fchdir, /dev/fd and /proc/self/fd reopening, /proc/self/root,
// paths on through descriptor, cwd and root links (/dev/fd/N/proc/...),
// read-only host views (/proc/sys, /proc/net) and their parents;
// process_vm_readv, ptrace, kill, pidfd_open; /dev/mem; the control socket
// and the gdb endpoints (also from an IPv6 socket at ::ffff:127.0.0.1, with
// the socket in flight in SCM_RIGHTS while hartd accepts, and closed right
// after writing). It also reaches for hartd's own objects: fd
// numbers it never opened (fcntl, pidfd_getfd, SCM_RIGHTS, mmap), hartd's
// host pid (sigqueue, SO_PEERCRED, SCM_CREDENTIALS), every process it may
// signal (kill -1, process groups), and — given the jail's host path —
// that path anywhere the guest can read its own paths (/proc/self links
// and files, getcwd, AT_EXECFN). And the edges of its own reservation:
// mmap hints, fixed addresses and lengths that wrap or end past the limit,
// mremap, mprotect, madvise, /proc/self/mem and process_vm_writev there. Each attempt prints "ok NAME" when it was
// stopped and "BREACH NAME: detail" when it got through; the exit status
// counts the breaches. It also checks that its own /proc/self/mem works.
//
//   attacker VICTIM_PID VICTIM_ADDR HARTD_PID CONTROL_SOCK GDB_TCP_PORT GDB_UNIX SCRATCH [HOST_ROOT]
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/auxv.h>
#include <sys/mman.h>
#include <sys/ptrace.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <sys/un.h>
#include <unistd.h>

static int breaches;
static const char* victim_pid;
static unsigned long victim_addr;
static const char* hartd_pid;
static char self_pid[16];

static void report(const char* name, int breach, const char* detail) {
  if (breach) {
    printf("BREACH %s: %s\n", name, detail);
    ++breaches;
  } else {
    printf("ok %s\n", name);
  }
}

// Reads up to n-1 bytes of an open fd (NUL-terminated); -1 on error.
static ssize_t slurp(int fd, char* buf, size_t n) {
  ssize_t got = 0, r;
  while ((size_t)got < n - 1 && (r = read(fd, buf + got, n - 1 - got)) > 0) got += r;
  buf[got > 0 ? got : 0] = 0;
  return r < 0 && got == 0 ? -1 : got;
}

// What an open fd of someone else's /proc/<pid>/<file> gives away: for mem,
// any byte at the victim's secret address; for text files, anything that
// names hartd or the victim.
static int leaks(int fd, const char* file) {
  char buf[65536];
  if (strcmp(file, "mem") == 0) {
    char b[16];
    if (pread(fd, b, sizeof b, (off_t)victim_addr) > 0) return 1;
    if (lseek(fd, (off_t)victim_addr, SEEK_SET) >= 0 && read(fd, b, sizeof b) > 0) return 1;
    return write(fd, "X", 1) == 1;
  }
  if (slurp(fd, buf, sizeof buf) <= 0) return 0;
  return strstr(buf, "hartd") || strstr(buf, "victim") || strstr(buf, "hart-run");
}

// Opens dirfd/path (AT_FDCWD for plain paths) as the attack named name:
// a breach if it opens and leaks, or if it opens at all for mem.
static void try_open(const char* name, int dirfd, const char* path, const char* file) {
  int fd = openat(dirfd, path, strcmp(file, "mem") == 0 ? O_RDWR : O_RDONLY);
  if (fd < 0 && strcmp(file, "mem") == 0) fd = openat(dirfd, path, O_RDONLY);
  char detail[512];
  if (fd < 0) {
    report(name, 0, "");
    return;
  }
  int leak = leaks(fd, file);
  close(fd);
  snprintf(detail, sizeof detail, "%s opened%s", path, leak ? " and leaked" : "");
  report(name, leak || strcmp(file, "mem") == 0, detail);
}

// Every way of naming /proc/<pid>/<file> for one foreign pid.
static void attack_pid(const char* who, const char* pid, const char* scratch) {
  static const char* const files[] = {"mem", "maps", "cmdline", "environ", "status"};
  char path[1024], name[512];
  int proc = open("/proc", O_RDONLY | O_DIRECTORY);
  int self = open("/proc/self", O_RDONLY | O_DIRECTORY);
  int sys = open("/proc/sys", O_RDONLY | O_DIRECTORY);
  int net = open("/proc/net", O_RDONLY | O_DIRECTORY);
  int root = open("/", O_RDONLY | O_DIRECTORY);
  char link_pid[300], link_proc[300];
  snprintf(link_pid, sizeof link_pid, "%s/l-%s-%s", scratch, who, self_pid);
  snprintf(link_proc, sizeof link_proc, "%s/p-%s-%s", scratch, who, self_pid);
  snprintf(path, sizeof path, "/proc/%s", pid);
  unlink(link_pid);
  unlink(link_proc);
  if (symlink(path, link_pid) != 0 || symlink("/proc", link_proc) != 0) perror("symlink");
  for (size_t i = 0; i < sizeof files / sizeof *files; ++i) {
    const char* f = files[i];
    // fd: a descriptor the path names first (/dev/fd/%d/...), or -1.
    struct { const char* how; int dir; const char* fmt; int fd; } ways[] = {
        {"path", AT_FDCWD, "/proc/%s/%s", -1},
        {"self-root", AT_FDCWD, "/proc/self/root/proc/%s/%s", -1},
        {"dotdot", AT_FDCWD, "/proc/self/../%s/%s", -1},
        {"thread-self-dotdot", AT_FDCWD, "/proc/thread-self/../../%s/%s", -1},
        {"dirfd-proc", proc, "%s/%s", -1},
        {"dirfd-self-dotdot", self, "../%s/%s", -1},
        {"dirfd-sys-dotdot", sys, "../%s/%s", -1},
        {"dirfd-net-dotdot", net, "../../%s/%s", -1},
        {"dev-fd", AT_FDCWD, "/dev/fd/%d/../%s/%s", self},
        // On through links to other files: the root's descriptor, the cwd.
        {"dev-fd-root", AT_FDCWD, "/dev/fd/%d/proc/%s/%s", root},
        {"self-fd-root-dotdot", AT_FDCWD, "/proc/self/fd/%d/../../proc/%s/%s", root},
        {"thread-self-fd-root", AT_FDCWD, "/proc/thread-self/fd/%d/proc/%s/%s", root},
        {"self-cwd-dotdot", AT_FDCWD, "/proc/self/cwd/../../../../../../../../proc/%s/%s", -1},
        {"self-root-dotdot", AT_FDCWD, "/proc/self/root/../../proc/%s/%s", -1},
    };
    for (size_t w = 0; w < sizeof ways / sizeof *ways; ++w) {
      if (ways[w].dir < 0 && ways[w].dir != AT_FDCWD) continue;
      if (ways[w].fd >= 0)
        snprintf(path, sizeof path, ways[w].fmt, ways[w].fd, pid, f);
      else if (strstr(ways[w].fmt, "%d"))
        continue;  // (its descriptor could not be opened)
      else
        snprintf(path, sizeof path, ways[w].fmt, pid, f);
      snprintf(name, sizeof name, "%s %s %s", who, ways[w].how, f);
      try_open(name, ways[w].dir, path, f);
    }
    snprintf(path, sizeof path, "%s/%s", link_pid, f);
    snprintf(name, sizeof name, "%s symlink-to-pid %s", who, f);
    try_open(name, AT_FDCWD, path, f);
    snprintf(path, sizeof path, "%s/%s/%s", link_proc, pid, f);
    snprintf(name, sizeof name, "%s symlink-to-proc %s", who, f);
    try_open(name, AT_FDCWD, path, f);
    // The current directory inside /proc (by path, through a symlink, by fchdir).
    char cwd[512];
    if (getcwd(cwd, sizeof cwd)) {
      snprintf(path, sizeof path, "%s/%s", pid, f);
      snprintf(name, sizeof name, "%s chdir-proc %s", who, f);
      if (chdir("/proc") == 0) try_open(name, AT_FDCWD, path, f);
      snprintf(name, sizeof name, "%s chdir-symlink %s", who, f);
      if (chdir(link_proc) == 0) try_open(name, AT_FDCWD, path, f);
      snprintf(name, sizeof name, "%s fchdir-self %s", who, f);
      snprintf(path, sizeof path, "../%s/%s", pid, f);
      if (fchdir(self) == 0) try_open(name, AT_FDCWD, path, f);
      snprintf(name, sizeof name, "%s fchdir-net %s", who, f);
      snprintf(path, sizeof path, "../../%s/%s", pid, f);
      if (net >= 0 && fchdir(net) == 0) try_open(name, AT_FDCWD, path, f);
      if (chdir(cwd) != 0) perror("chdir back");
    }
    // Reopening an emulated directory through /proc/self/fd.
    snprintf(path, sizeof path, "/proc/self/fd/%d", self);
    int re = open(path, O_RDONLY | O_DIRECTORY);
    if (re >= 0) {
      snprintf(path, sizeof path, "../%s/%s", pid, f);
      snprintf(name, sizeof name, "%s reopened-self-fd %s", who, f);
      try_open(name, re, path, f);
      close(re);
    }
  }
  // Facts about the pid: stat, readlink, access.
  struct stat st;
  char buf[512];
  snprintf(path, sizeof path, "/proc/%s", pid);
  snprintf(name, sizeof name, "%s stat", who);
  report(name, stat(path, &st) == 0, path);
  snprintf(path, sizeof path, "%s/%s/exe", link_proc, pid);
  snprintf(name, sizeof name, "%s readlink-exe-via-symlink", who);
  ssize_t n = readlink(path, buf, sizeof buf - 1);
  buf[n > 0 ? n : 0] = 0;
  report(name, n > 0, buf);
  snprintf(path, sizeof path, "%s/%s", link_proc, pid);
  snprintf(name, sizeof name, "%s access-via-symlink", who);
  report(name, access(path, F_OK) == 0, path);
  snprintf(name, sizeof name, "%s stat-via-symlink", who);
  report(name, stat(path, &st) == 0, path);
  if (net >= 0) {
    snprintf(name, sizeof name, "%s readlink-net-dotdot-exe", who);
    n = readlinkat(net, "../exe", buf, sizeof buf - 1);
    buf[n > 0 ? n : 0] = 0;
    report(name, n > 0 && strstr(buf, "hart"), buf);
  }
  unlink(link_pid);
  unlink(link_proc);
  close(proc);
  close(self);
  if (sys >= 0) close(sys);
  if (net >= 0) close(net);
  if (root >= 0) close(root);
}

// /proc lists only the guest's own processes.
static void attack_listing(void) {
  DIR* d = opendir("/proc");
  if (!d) {
    report("listing /proc", 1, "cannot list /proc");
    return;
  }
  struct dirent* e;
  char detail[256] = "";
  int bad = 0;
  while ((e = readdir(d))) {
    if (e->d_name[0] < '0' || e->d_name[0] > '9') continue;
    if (strcmp(e->d_name, self_pid) != 0) {
      bad = 1;
      snprintf(detail, sizeof detail, "lists %.64s", e->d_name);
    }
  }
  closedir(d);
  report("listing /proc", bad, detail);
}

static void attack_syscalls(void) {
  char buf[16];
  struct iovec local = {buf, sizeof buf}, remote = {(void*)victim_addr, sizeof buf};
  pid_t v = atoi(victim_pid), h = atoi(hartd_pid);
  report("process_vm_readv victim", syscall(SYS_process_vm_readv, v, &local, 1, &remote, 1, 0) > 0, "");
  report("process_vm_writev victim", syscall(SYS_process_vm_writev, v, &local, 1, &remote, 1, 0) > 0, "");
  report("process_vm_readv hartd", syscall(SYS_process_vm_readv, h, &local, 1, &remote, 1, 0) > 0, "");
  report("ptrace attach victim", syscall(SYS_ptrace, PTRACE_ATTACH, v, 0, 0) == 0, "");
  report("ptrace seize hartd", syscall(SYS_ptrace, PTRACE_SEIZE, h, 0, 0) == 0, "");
  report("kill victim", kill(v, 0) == 0 || errno != ESRCH, strerror(errno));
  report("kill hartd", kill(h, 0) == 0 && h != getpid(), "");
  long pfd = syscall(SYS_pidfd_open, h, 0);
  report("pidfd_open hartd", pfd >= 0, "");
  // A PI futex word naming the other guest's pid as its owner: the answer
  // must not tell whether that thread exists (ESRCH, as for no thread).
  uint32_t word = (uint32_t)v;
  long tl = syscall(SYS_futex, &word, 8 /* FUTEX_TRYLOCK_PI */, 0, NULL, NULL, 0);
  report("futex TRYLOCK_PI names victim", tl == 0 || errno != ESRCH, strerror(errno));
  int mem = open("/dev/mem", O_RDONLY);
  report("/dev/mem", mem >= 0, "opened");
  int kmem = open("/dev/kmem", O_RDONLY);
  report("/dev/kmem", kmem >= 0, "opened");
}

// Sends fd in an SCM_RIGHTS message of one byte on sock: 1 when sent.
static int send_fd(int sock, int fd) {
  char cbuf[CMSG_SPACE(sizeof(int))];
  struct iovec iov = {"x", 1};
  struct msghdr m = {.msg_iov = &iov, .msg_iovlen = 1, .msg_control = cbuf, .msg_controllen = sizeof cbuf};
  struct cmsghdr* c = CMSG_FIRSTHDR(&m);
  c->cmsg_level = SOL_SOCKET;
  c->cmsg_type = SCM_RIGHTS;
  c->cmsg_len = CMSG_LEN(sizeof(int));
  memcpy(CMSG_DATA(c), &fd, sizeof fd);
  return sendmsg(sock, &m, 0) == 1;
}

// Receives one byte and the fd it carries on sock: the fd, or -1.
static int recv_fd(int sock) {
  char b, cbuf[CMSG_SPACE(sizeof(int))];
  struct msghdr r = {.msg_iov = &(struct iovec){&b, 1}, .msg_iovlen = 1, .msg_control = cbuf,
                     .msg_controllen = sizeof cbuf};
  struct cmsghdr* c = recvmsg(sock, &r, 0) == 1 ? CMSG_FIRSTHDR(&r) : NULL;
  int fd = -1;
  if (c && c->cmsg_type == SCM_RIGHTS) memcpy(&fd, CMSG_DATA(c), sizeof fd);
  return fd;
}

// hartd's own fds: numbers this process never opened are nothing to it,
// however it names them.
static void attack_fds(void) {
  char list[512] = "";
  for (int fd = 3; fd < 4096; ++fd)
    if (fcntl(fd, F_GETFD) >= 0 && strlen(list) < 400) sprintf(list + strlen(list), "%d ", fd);
  report("fcntl on fds never opened", list[0] != 0, list);
  long self = syscall(SYS_pidfd_open, getpid(), 0);
  list[0] = 0;
  for (int fd = 3; fd < 1024 && self >= 0; ++fd) {
    long got = fd == self ? -1 : syscall(SYS_pidfd_getfd, self, fd, 0);
    if (got >= 0 && strlen(list) < 400) sprintf(list + strlen(list), "%d ", fd);
    if (got >= 0) close((int)got);
  }
  report("pidfd_getfd of fds never opened", list[0] != 0, list);
  int sv[2];
  list[0] = 0;
  if (socketpair(AF_UNIX, SOCK_STREAM, 0, sv) == 0) {
    for (int fd = 3; fd < 256; ++fd) {
      if (fd == sv[0] || fd == sv[1] || fd == self) continue;
      if (send_fd(sv[0], fd)) {
        int got = recv_fd(sv[1]);
        if (got >= 0 && strlen(list) < 400) sprintf(list + strlen(list), "%d ", fd);
        if (got >= 0) close(got);
      }
    }
    report("SCM_RIGHTS of fds never opened", list[0] != 0, list);
    // Credentials of a peer name this guest, not hartd's host process.
    struct ucred cr = {0};
    socklen_t len = sizeof cr;
    getsockopt(sv[0], SOL_SOCKET, SO_PEERCRED, &cr, &len);
    snprintf(list, sizeof list, "pid %d, not %d", cr.pid, getpid());
    report("SO_PEERCRED names hartd", cr.pid != getpid(), list);
    int one = 1;
    setsockopt(sv[1], SOL_SOCKET, SO_PASSCRED, &one, sizeof one);
    char b, cbuf[CMSG_SPACE(sizeof(struct ucred))];
    struct msghdr r = {.msg_iov = &(struct iovec){&b, 1}, .msg_iovlen = 1, .msg_control = cbuf,
                       .msg_controllen = sizeof cbuf};
    struct cmsghdr* c = write(sv[0], "y", 1) == 1 && recvmsg(sv[1], &r, 0) == 1 ? CMSG_FIRSTHDR(&r) : NULL;
    if (c && c->cmsg_type == SCM_CREDENTIALS) memcpy(&cr, CMSG_DATA(c), sizeof cr);
    snprintf(list, sizeof list, "pid %d, not %d", c ? cr.pid : -1, getpid());
    report("SCM_CREDENTIALS names hartd", !c || cr.pid != getpid(), list);
    close(sv[0]);
    close(sv[1]);
  }
  report("mmap of an fd never opened", mmap(NULL, 4096, PROT_READ, MAP_SHARED, 77, 0) != MAP_FAILED, "");
  if (self >= 0) close((int)self);
}

// Signals by host pid, to every process it may signal, to process groups.
static void attack_signals(void) {
  pid_t h = atoi(hartd_pid);
  siginfo_t si = {.si_code = SI_QUEUE};
  if (h != getpid()) {
    report("rt_sigqueueinfo hartd", syscall(SYS_rt_sigqueueinfo, h, 0, &si) == 0 || errno != ESRCH, strerror(errno));
    report("rt_tgsigqueueinfo hartd", syscall(SYS_rt_tgsigqueueinfo, h, h, 0, &si) == 0 || errno != ESRCH,
           strerror(errno));
  }
  // Nothing else runs in this launch: Linux's answer is ESRCH.
  report("kill -1 SIGSTOP", kill(-1, SIGSTOP) == 0 || errno != ESRCH, strerror(errno));
  char list[256] = "";
  for (int g = 2; g < 4096; ++g)
    if (g != getpgrp() && (kill(-g, 0) == 0 || errno != ESRCH) && strlen(list) < 200)
      sprintf(list + strlen(list), "%d ", g);
  report("kill of process groups", list[0] != 0, list);
}

// The jail's host path, wherever the guest reads a path of its own.
static void attack_paths(const char* host_root) {
  const char* links[] = {"/proc/self/exe", "/proc/self/cwd", "/proc/self/root", "/proc/self/fd/3"};
  const char* files[] = {"/proc/self/maps", "/proc/self/mountinfo", "/proc/self/mounts", "/proc/self/environ",
                         "/proc/self/status", "/proc/self/stat"};  // (cmdline holds the path: argv)
  char buf[65536], name[128];
  int dir = open("..", O_RDONLY | O_DIRECTORY);  // fd 3 (stdio 0-2 open)
  for (size_t i = 0; i < sizeof links / sizeof *links; ++i) {
    ssize_t n = readlink(links[i], buf, sizeof buf - 1);
    buf[n > 0 ? n : 0] = 0;
    snprintf(name, sizeof name, "host path in readlink %s", links[i]);
    report(name, strstr(buf, host_root) != NULL, buf);
  }
  for (size_t i = 0; i < sizeof files / sizeof *files; ++i) {
    int fd = open(files[i], O_RDONLY);
    buf[0] = 0;
    if (fd >= 0) {
      slurp(fd, buf, sizeof buf);
      close(fd);
    }
    snprintf(name, sizeof name, "host path in %s", files[i]);
    report(name, memmem(buf, sizeof buf, host_root, strlen(host_root)) != NULL, files[i]);
  }
  report("host path in getcwd", getcwd(buf, sizeof buf) && strstr(buf, host_root), buf);
  const char* fn = (const char*)getauxval(AT_EXECFN);
  report("host path in AT_EXECFN", fn && strstr(fn, host_root), fn ? fn : "");
  if (dir >= 0) close(dir);
}

// The guest's address-space size: the lowest power of two from 2^30 up
// where nothing can be mapped (ENOMEM, as past TASK_SIZE).
static unsigned long guest_limit(void) {
  for (int s = 30; s < 47; ++s) {
    void* p = mmap((void*)(1ul << s), 4096, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0);
    if (p == MAP_FAILED && errno == ENOMEM) return 1ul << s;
    if (p != MAP_FAILED) munmap(p, 4096);
  }
  return 1ul << 47;
}

// A mapping a call returned: a breach when any of it lies past the limit
// (or wraps past 2^64): host memory below or above the reservation.
static void check_mapping(const char* name, void* p, unsigned long len, unsigned long limit) {
  char detail[128];
  unsigned long a = (unsigned long)p;
  snprintf(detail, sizeof detail, "%#lx + %#lx past the limit %#lx", a, len, limit);
  report(name, p != MAP_FAILED && (a >= limit || len > limit - a), detail);
  if (p != MAP_FAILED) munmap(p, len);
}

// The reservation's edges: hints, fixed addresses and lengths that wrap
// past 2^64 or end past the limit. Linux ignores a hint that does not fit
// (the mapping lands elsewhere) and refuses the rest (ENOMEM, EINVAL,
// EFAULT); a call that maps or touches past the limit reaches hartd's
// memory or another guest's reservation.
static void attack_memory(void) {
  const unsigned long limit = guest_limit();
  const int anon = MAP_PRIVATE | MAP_ANONYMOUS, rw = PROT_READ | PROT_WRITE;
  for (unsigned long len = 4096; len <= (1ul << 28); len <<= 6) {
    char name[96];
    // A hint of -len: hint + len wraps to 0, "below the limit".
    snprintf(name, sizeof name, "mmap hint -%#lx wraps", len);
    check_mapping(name, mmap((void*)-len, len, rw, anon, -1, 0), len, limit);
    snprintf(name, sizeof name, "mmap hint limit-4096 len %#lx", len + 4096);
    check_mapping(name, mmap((void*)(limit - 4096), len + 4096, rw, anon, -1, 0), len + 4096, limit);
    snprintf(name, sizeof name, "mmap MAP_FIXED -%#lx", len);
    check_mapping(name, mmap((void*)-len, len, rw, anon | MAP_FIXED, -1, 0), len, limit);
    snprintf(name, sizeof name, "mmap MAP_FIXED_NOREPLACE -%#lx", len);
    check_mapping(name, mmap((void*)-len, len, rw, anon | MAP_FIXED_NOREPLACE, -1, 0), len, limit);
  }
  check_mapping("mmap MAP_FIXED at the limit", mmap((void*)limit, 4096, rw, anon | MAP_FIXED, -1, 0), 4096, limit);
  char* a = mmap(NULL, 8192, rw, anon, -1, 0);
  if (a != MAP_FAILED) {
    check_mapping("mremap MREMAP_FIXED across the limit",
                  mremap(a, 8192, 8192, MREMAP_MAYMOVE | MREMAP_FIXED, (void*)(limit - 4096)), 8192, limit);
    check_mapping("mremap MREMAP_FIXED to -8192",
                  mremap(a, 8192, 8192, MREMAP_MAYMOVE | MREMAP_FIXED, (void*)-8192l), 8192, limit);
    check_mapping("mremap MREMAP_DONTUNMAP to -8192",
                  mremap(a, 8192, 8192, MREMAP_MAYMOVE | MREMAP_FIXED | MREMAP_DONTUNMAP, (void*)-8192l), 8192,
                  limit);
    report("mremap grow to 2^64 - 4096", mremap(a, 8192, -4096ul, MREMAP_MAYMOVE) != MAP_FAILED, "");
    munmap(a, 8192);
  }
  char* top = mmap((void*)(limit - 8192), 8192, rw, anon | MAP_FIXED, -1, 0);
  if (top != MAP_FAILED) {
    report("mremap grows the top mapping past the limit in place", mremap(top, 8192, 16384, 0) != MAP_FAILED,
           "");
    munmap(top, 8192);
  }
  report("mprotect across the limit", mprotect((void*)(limit - 4096), 8192, rw) == 0, "");
  report("madvise MADV_DONTNEED wrapping", madvise((void*)(limit - 4096), -4096ul, MADV_DONTNEED) == 0, "");
  report("mlock wrapping", mlock((void*)(limit - 4096), -4096ul) == 0, "");
  char b[8] = "XXXXXXX";
  int mem = open("/proc/self/mem", O_RDWR);
  report("/proc/self/mem write at the limit", mem >= 0 && pwrite(mem, b, 8, (off_t)limit) > 0, "");
  report("/proc/self/mem read past the limit", mem >= 0 && pread(mem, b, 8, (off_t)(limit + 65536)) > 0, "");
  if (mem >= 0) close(mem);
  struct iovec local = {b, 8}, remote = {(void*)limit, 8};
  report("process_vm_writev to the limit", syscall(SYS_process_vm_writev, getpid(), &local, 1, &remote, 1, 0) > 0,
         "");
  report("write(2) from past the limit", write(1, (void*)(limit + 4096), 8) > 0, "");
}

// A control-plane endpoint answers a request: the attacker got through.
static int answers(int fd, const char* request, const char* needle) {
  if (write(fd, request, strlen(request)) < 0) return 0;
  struct timeval tv = {2, 0};
  setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  char buf[4096];
  ssize_t got = 0, r;
  while ((size_t)got < sizeof buf - 1 && (r = read(fd, buf + got, sizeof buf - 1 - got)) > 0) {
    got += r;
    buf[got] = 0;
    if (strstr(buf, needle)) return 1;
  }
  return 0;
}

static void attack_unix(const char* name, const char* path, const char* request, const char* needle) {
  int fd = socket(AF_UNIX, SOCK_STREAM, 0);
  struct sockaddr_un a = {.sun_family = AF_UNIX};
  snprintf(a.sun_path, sizeof a.sun_path, "%s", path);
  int breach = connect(fd, (struct sockaddr*)&a, sizeof a) == 0 && answers(fd, request, needle);
  report(name, breach, path);
  close(fd);
}

// A TCP socket connected to 127.0.0.1:port, or -1.
static int loopback_tcp(int port) {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons(port),
                          .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
  if (fd >= 0 && connect(fd, (struct sockaddr*)&a, sizeof a) == 0) return fd;
  if (fd >= 0) close(fd);
  return -1;
}

static void attack_tcp(const char* name, int port, const char* request, const char* needle) {
  if (port <= 0) return;
  int fd = loopback_tcp(port);
  report(name, fd >= 0 && answers(fd, request, needle), "");
  if (fd >= 0) close(fd);
}

// The same endpoint through an AF_INET6 socket at ::ffff:127.0.0.1: hartd
// sees an IPv4 peer, the guest's socket has an IPv6 address.
static void attack_tcp_v4_mapped(const char* name, int port, const char* request, const char* needle) {
  if (port <= 0) return;
  int fd = socket(AF_INET6, SOCK_STREAM, 0);
  struct sockaddr_in6 a = {.sin6_family = AF_INET6, .sin6_port = htons(port)};
  a.sin6_addr.s6_addr[10] = a.sin6_addr.s6_addr[11] = 0xff;
  a.sin6_addr.s6_addr[12] = 127;
  a.sin6_addr.s6_addr[15] = 1;
  int breach = fd >= 0 && connect(fd, (struct sockaddr*)&a, sizeof a) == 0 && answers(fd, request, needle);
  report(name, breach, "");
  if (fd >= 0) close(fd);
}

// The same endpoint with the connected socket held by no fd while hartd
// accepts it: in flight in an SCM_RIGHTS message, taken back afterwards.
static void attack_tcp_in_flight(const char* name, int port, const char* request, const char* needle) {
  int sv[2];
  if (port <= 0 || socketpair(AF_UNIX, SOCK_STREAM, 0, sv) != 0) return;
  int fd = loopback_tcp(port), breach = 0;
  if (fd >= 0 && send_fd(sv[0], fd)) {
    close(fd);
    usleep(500000);  // hartd accepts meanwhile
    fd = recv_fd(sv[1]);
    breach = fd >= 0 && answers(fd, request, needle);
  }
  report(name, breach, "");
  if (fd >= 0) close(fd);
  close(sv[0]);
  close(sv[1]);
}

// The same endpoint, a request written and the socket closed at once:
// hartd must not act on a request whose sender it cannot tell. The
// request is gdb's M packet writing 'X' over the victim's secret: the
// breach shows as the victim's "secret CHANGED".
static void attack_tcp_closed(int port) {
  if (port <= 0) return;
  char body[64], request[80];
  snprintf(body, sizeof body, "M%lx,1:58", victim_addr);
  unsigned sum = 0;
  for (const char* c = body; *c; ++c) sum += (unsigned char)*c;
  snprintf(request, sizeof request, "+$%s#%02x", body, sum & 0xff);
  int fd = loopback_tcp(port);
  if (fd >= 0 && write(fd, request, strlen(request)) < 0) perror("write");
  if (fd >= 0) close(fd);
  usleep(300000);
}

// The guest's own /proc/self/mem: reads and writes its own memory.
static volatile char mine[32] = "my own bytes";
static void own_mem(void) {
  int fd = open("/proc/self/mem", O_RDWR);
  char b[13] = "";
  int ok = fd >= 0 && pread(fd, b, 12, (off_t)(unsigned long)mine) == 12 && memcmp(b, "my own bytes", 12) == 0 &&
           pwrite(fd, "MY", 2, (off_t)(unsigned long)mine) == 2 && mine[0] == 'M';
  printf("own /proc/self/mem: %s\n", ok ? "works" : "BROKEN");
  if (fd >= 0) close(fd);
}

int main(int argc, char** argv) {
  if (argc < 8) {
    fprintf(stderr, "usage: attacker VICTIM_PID VICTIM_ADDR HARTD_PID CONTROL_SOCK GDB_TCP_PORT GDB_UNIX SCRATCH\n");
    return 100;
  }
  victim_pid = argv[1];
  victim_addr = strtoul(argv[2], NULL, 0);
  hartd_pid = argv[3];
  snprintf(self_pid, sizeof self_pid, "%d", getpid());
  setvbuf(stdout, NULL, _IOLBF, 0);
  signal(SIGPIPE, SIG_IGN);  // refused connections close under our writes
  if (strcmp(victim_pid, self_pid) != 0) attack_pid("victim", victim_pid, argv[7]);
  if (strcmp(hartd_pid, self_pid) != 0) attack_pid("hartd", hartd_pid, argv[7]);
  attack_pid("init", "1", argv[7]);
  attack_listing();
  attack_syscalls();
  attack_fds();
  attack_signals();
  attack_memory();
  if (argc > 8) attack_paths(argv[8]);
  attack_unix("control socket", argv[4], "{\"id\":1,\"op\":\"list\"}\n", "\"guests\"");
  attack_tcp("gdb tcp", atoi(argv[5]), "+$?#3f", "$");
  attack_tcp_v4_mapped("gdb tcp from ::ffff:127.0.0.1", atoi(argv[5]), "+$?#3f", "$");
  attack_tcp_in_flight("gdb tcp held in flight in SCM_RIGHTS", atoi(argv[5]), "+$?#3f", "$");
  attack_tcp_closed(atoi(argv[5]));
  if (argv[6][0]) attack_unix("gdb unix", argv[6], "+$?#3f", "$");
  own_mem();
  printf("breaches: %d\n", breaches);
  return breaches > 100 ? 100 : breaches;
}
