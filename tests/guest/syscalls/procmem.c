// tests/guest/syscalls/procmem.c — process_vm_readv/writev on the caller
// itself (partial transfers at unmapped and protected pages, argument
// checks, ESRCH, EPERM for a process the caller may not trace), kcmp
// (files, address spaces, fd tables, epoll targets), process_madvise on an
// own pidfd, remap_file_pages (Linux's emulation and its EINVAL cases).
// Same lines natively and under hart-run.
#include "sc.h"

#include <fcntl.h>
#include <linux/kcmp.h>
#include <sys/epoll.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/uio.h>

static long vm_read(pid_t pid, struct iovec* l, unsigned long nl, struct iovec* r, unsigned long nr) {
  return syscall(SYS_process_vm_readv, pid, l, nl, r, nr, 0);
}
static long vm_write(pid_t pid, struct iovec* l, unsigned long nl, struct iovec* r, unsigned long nr) {
  return syscall(SYS_process_vm_writev, pid, l, nl, r, nr, 0);
}
static long kcmp(pid_t a, pid_t b, int type, unsigned long x, unsigned long y) {
  return syscall(SYS_kcmp, a, b, type, x, y);
}

static void unprivileged(void) {
  char buf[8];
  struct iovec l = {buf, 8}, r = {buf, 8};
  if (sc_parent_root)
    ERR("process_vm_readv of root parent", vm_read(getppid(), &l, 1, &r, 1));
  if (sc_parent_root)
    ERR("kcmp with root parent", kcmp(getppid(), getpid(), KCMP_VM, 0, 0));
}

int main(void) {
  long pg = sysconf(_SC_PAGESIZE);
  char* m = mmap(NULL, 3 * pg, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  munmap(m + 2 * pg, pg);
  for (int i = 0; i < 2 * pg; ++i) m[i] = (char)('a' + i % 26);
  char buf[512];
  memset(buf, 0, sizeof buf);
  struct iovec l = {buf, 16}, r = {m + 3, 16};
  VAL("readv own memory", vm_read(getpid(), &l, 1, &r, 1));
  SAY("got %.16s", buf);
  struct iovec l2[2] = {{buf, 5}, {buf + 100, 300}};
  r.iov_base = m + 2 * pg - 100;
  r.iov_len = 300;
  VAL("readv remote crossing into a hole", vm_read(getpid(), l2, 2, &r, 1));
  r.iov_base = m + 2 * pg;
  VAL("readv remote all in a hole", vm_read(getpid(), l2, 2, &r, 1));
  struct iovec lbad[2] = {{buf, 10}, {m + 2 * pg - 4, 100}};
  r.iov_base = m;
  r.iov_len = 200;
  VAL("readv local crossing into a hole", vm_read(getpid(), lbad, 2, &r, 1));
  mprotect(m + pg, pg, PROT_READ);
  struct iovec r2[2] = {{m + pg - 8, 16}, {m, 4}};
  memcpy(buf, "WRITTEN!WRITTEN!ABCD", 20);
  l.iov_base = buf;
  l.iov_len = 20;
  VAL("writev into a read-only page", vm_write(getpid(), &l, 1, r2, 2));
  SAY("memory now %.8s", m + pg - 8);
  r2[0].iov_base = m + 10;
  VAL("writev two remote segments", vm_write(getpid(), &l, 1, r2, 2));
  SAY("memory now %.16s / %.4s", m + 10, m);
  mprotect(m + pg, pg, PROT_NONE);
  r.iov_base = m + pg;
  r.iov_len = 8;
  l.iov_len = 8;
  VAL("readv a PROT_NONE page", vm_read(getpid(), &l, 1, &r, 1));
  ERR("flags", syscall(SYS_process_vm_readv, getpid(), &l, 1, &r, 1, 1));
  ERR("1025 local segments", vm_read(getpid(), &l, 1025, &r, 1));
  ERR("bad local array", vm_read(getpid(), BAD_PTR, 1, &r, 1));
  VAL("zero length", vm_read(getpid(), &l, 0, &r, 1));
  ERR("unknown pid", vm_read(999999, &l, 1, &r, 1));
  VAL("zero length, unknown pid", vm_read(999999, &l, 0, &r, 1));

  int fd = open("f", O_RDWR | O_CREAT | O_TRUNC, 0600);
  int fd2 = dup(fd);
  int fd3 = open("f", O_RDONLY);
  VAL("kcmp dup'ed fds", kcmp(getpid(), getpid(), KCMP_FILE, fd, fd2));
  BOOL("kcmp two opens differ", kcmp(getpid(), getpid(), KCMP_FILE, fd, fd3) > 0);
  ERR("kcmp closed fd", kcmp(getpid(), getpid(), KCMP_FILE, fd, 99));
  VAL("kcmp own VM", kcmp(getpid(), getpid(), KCMP_VM, 0, 0));
  VAL("kcmp own fd table", kcmp(getpid(), getpid(), KCMP_FILES, 0, 0));
  VAL("kcmp own sighand", kcmp(getpid(), getpid(), KCMP_SIGHAND, 0, 0));
  ERR("kcmp bad type", kcmp(getpid(), getpid(), 99, 0, 0));
  ERR("kcmp unknown pid", kcmp(getpid(), 999999, KCMP_VM, 0, 0));
  int ep = epoll_create1(0);
  struct epoll_event ev = {EPOLLIN, {0}};
  int pp[2];
  if (pipe(pp)) return 1;
  OK("epoll_ctl add a pipe", epoll_ctl(ep, EPOLL_CTL_ADD, pp[0], &ev));
  struct kcmp_epoll_slot slot = {(unsigned)ep, (unsigned)pp[0], 0};
  VAL("kcmp epoll target", kcmp(getpid(), getpid(), KCMP_EPOLL_TFD, pp[0], (unsigned long)&slot));
  BOOL("kcmp epoll target vs another file", kcmp(getpid(), getpid(), KCMP_EPOLL_TFD, pp[1], (unsigned long)&slot) > 0);
  slot.tfd = pp[1];
  ERR("kcmp epoll fd not registered", kcmp(getpid(), getpid(), KCMP_EPOLL_TFD, pp[0], (unsigned long)&slot));
  close(ep);
  pid_t c = fork();
  if (c == 0) {
    pause();
    _exit(0);
  }
  BOOL("kcmp child VM differs", kcmp(getpid(), c, KCMP_VM, 0, 0) > 0);
  BOOL("kcmp inherited fd is the same file", kcmp(getpid(), c, KCMP_FILE, fd, fd) == 0);
  kill(c, SIGKILL);
  waitpid(c, NULL, 0);

  int pfd = (int)syscall(SYS_pidfd_open, getpid(), 0);
  struct iovec mv[2] = {{m, pg}, {m + pg, pg}};
  VAL("process_madvise COLD", syscall(SYS_process_madvise, pfd, mv, 2, MADV_COLD, 0));
  VAL("process_madvise PAGEOUT", syscall(SYS_process_madvise, pfd, mv, 1, MADV_PAGEOUT, 0));
  ERR("process_madvise advice 999", syscall(SYS_process_madvise, pfd, mv, 1, 999, 0));
  ERR("process_madvise flags", syscall(SYS_process_madvise, pfd, mv, 1, MADV_COLD, 1));
  struct iovec hole = {m + 2 * pg, pg};
  ERR("process_madvise a hole", syscall(SYS_process_madvise, pfd, &hole, 1, MADV_COLD, 0));
  ERR("process_madvise not a pidfd", syscall(SYS_process_madvise, fd, mv, 1, MADV_COLD, 0));
  close(pfd);

  for (int p = 0; p < 3; ++p) {
    memset(buf, '0' + p, sizeof buf);
    for (int k = 0; k < pg; k += (int)sizeof buf)
      if (pwrite(fd, buf, sizeof buf, p * pg + k) != (ssize_t)sizeof buf) return 1;
  }
  char* f = mmap(NULL, 3 * pg, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
  SAY("before: %c %c %c", f[0], f[pg], f[2 * pg]);
  OK("remap page 0 to file page 2", syscall(SYS_remap_file_pages, f, pg, 0, 2, 0));
  SAY("after: %c %c %c", f[0], f[pg], f[2 * pg]);
  f[0] = 'X';
  char back;
  if (pread(fd, &back, 1, 2 * pg) != 1) back = '?';
  SAY("write through it reaches file page 2: %c", back);
  ERR("remap with prot", syscall(SYS_remap_file_pages, f, pg, PROT_READ, 1, 0));
  ERR("remap a private mapping", syscall(SYS_remap_file_pages, m, pg, 0, 1, 0));
  char* h = mmap(NULL, pg, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  munmap(h, pg);
  ERR("remap a hole", syscall(SYS_remap_file_pages, h, pg, 0, 1, 0));
  ERR("remap past the mapping", syscall(SYS_remap_file_pages, f + pg, 3 * pg, 0, 0, 0));
  munmap(f, 3 * pg);

  sc_unprivileged(unprivileged);
  return 0;
}
