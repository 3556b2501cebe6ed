// tests/guest/root_jail.c — a guest confined to a root (hart-run -R): run by
// run_root_test.py in a temporary root that holds only this program, etc/
// greeting, a/b/ and a few symlinks. Absolute paths, `..` and absolute
// symlinks stay inside the root; the host's files are not there; /dev and
// /proc are emulated; the program and the programs it execs are found in
// the root. Prints what a chroot'ed Linux process would print.
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

static void show_open(const char* label, const char* path) {
  int fd = open(path, O_RDONLY);
  if (fd < 0) {
    printf("%s: %s\n", label, strerrorname_np(errno));
    return;
  }
  char buf[64] = "";
  ssize_t n = read(fd, buf, sizeof buf - 1);
  buf[n > 0 ? n : 0] = 0;
  if (n > 0 && buf[n - 1] == '\n') buf[n - 1] = 0;
  printf("%s: \"%s\"\n", label, buf);
  close(fd);
}

static void list(const char* label, const char* path) {
  DIR* d = opendir(path);
  if (!d) {
    printf("%s: %s\n", label, strerrorname_np(errno));
    return;
  }
  char names[64][256];
  int n = 0;
  struct dirent* e;
  while ((e = readdir(d)) && n < 64)
    if (strcmp(e->d_name, ".") && strcmp(e->d_name, "..")) snprintf(names[n++], 256, "%s", e->d_name);
  closedir(d);
  qsort(names, n, 256, (int (*)(const void*, const void*))strcmp);
  printf("%s:", label);
  for (int i = 0; i < n; ++i) printf(" %s", names[i]);
  printf("\n");
}

static void cwd(const char* label) {
  char buf[256];
  printf("%s: %s\n", label, getcwd(buf, sizeof buf) ? buf : strerrorname_np(errno));
}

int main(int argc, char** argv) {
  if (argc > 1 && strcmp(argv[1], "child") == 0) {
    char buf[256];
    ssize_t n = readlink("/proc/self/exe", buf, sizeof buf - 1);
    buf[n > 0 ? n : 0] = 0;
    printf("child: exe %s\n", buf);
    cwd("child: cwd");
    return 3;
  }
  setvbuf(stdout, NULL, _IONBF, 0);
  cwd("cwd");
  list("ls /", "/");
  show_open("/etc/greeting", "/etc/greeting");
  show_open("host /etc/passwd", "/etc/passwd");
  show_open("/../../../etc/passwd", "/../../../etc/passwd");
  show_open("/../../../etc/greeting", "/../../../etc/greeting");
  show_open("absolute symlink /a/b/abs -> /etc/greeting", "/a/b/abs");
  show_open("relative symlink /a/up -> ../../../../../../etc", "/a/up/greeting");
  show_open("symlink /a/hostetc -> /etc, then passwd", "/a/hostetc/passwd");
  show_open("symlink /a/root -> /, then ../../etc/greeting", "/a/root/../../etc/greeting");
  chdir("/a/b");
  cwd("cwd after chdir /a/b");
  show_open("relative ../../../../etc/greeting", "../../../../etc/greeting");
  chdir("../../../../..");
  cwd("cwd after chdir ../../../../..");
  int dfd = open("/a", O_RDONLY | O_DIRECTORY);
  int fd = openat(dfd, "../../../etc/greeting", O_RDONLY);
  printf("openat(/a, ../../../etc/greeting): %s\n", fd >= 0 ? "opened" : strerrorname_np(errno));
  if (fd >= 0) close(fd);
  struct stat st;
  printf("stat /a/b/abs: %s\n", stat("/a/b/abs", &st) == 0 ? (S_ISREG(st.st_mode) ? "file" : "?") : strerrorname_np(errno));
  printf("lstat /a/b/abs: %s\n", lstat("/a/b/abs", &st) == 0 ? (S_ISLNK(st.st_mode) ? "symlink" : "?") : strerrorname_np(errno));
  // Creating through a dangling absolute symlink creates inside the root.
  symlink("/hart_escape_probe", "/dangling");
  fd = open("/dangling", O_WRONLY | O_CREAT, 0644);
  printf("create through /dangling: %s\n", fd >= 0 ? "ok" : strerrorname_np(errno));
  if (fd >= 0) close(fd);
  printf("/hart_escape_probe exists in the root: %s\n", access("/hart_escape_probe", F_OK) == 0 ? "yes" : "no");
  printf("unlink /a/hostetc (the link): %s\n", unlink("/a/hostetc") == 0 ? "ok" : strerrorname_np(errno));
  printf("mkdir /newdir: %s\n", mkdir("/newdir", 0755) == 0 ? "ok" : strerrorname_np(errno));
  printf("rename /newdir -> /a/moved: %s\n", rename("/newdir", "/a/moved") == 0 ? "ok" : strerrorname_np(errno));
  list("ls /a", "/a");

  // /dev
  fd = open("/dev/null", O_RDWR);
  printf("/dev/null: write %zd read %zd\n", write(fd, "abc", 3), read(fd, &st, 1));
  close(fd);
  unsigned char rnd[16];
  fd = open("/dev/urandom", O_RDONLY);
  printf("/dev/urandom: read %zd\n", read(fd, rnd, sizeof rnd));
  close(fd);
  fd = open("/dev/zero", O_RDONLY);
  rnd[0] = 1;
  printf("/dev/zero: read %zd, byte %d\n", read(fd, rnd, 4), rnd[0]);
  close(fd);
  fd = open("/dev/full", O_WRONLY);
  printf("/dev/full: write %s\n", write(fd, "x", 1) < 0 ? strerrorname_np(errno) : "ok");
  close(fd);
  printf("stat /dev/null: %s\n", stat("/dev/null", &st) == 0 && S_ISCHR(st.st_mode) ? "char device" : "?");
  show_open("/dev/nonexistent", "/dev/nonexistent");
  list("ls /dev", "/dev");
  fd = open("/dev/shm/seg", O_RDWR | O_CREAT, 0600);
  printf("/dev/shm/seg: %s\n", fd >= 0 ? "created" : strerrorname_np(errno));
  write(fd, "shm", 3);
  close(fd);
  show_open("/dev/shm/seg again", "/dev/shm/seg");
  printf("unlink /dev/shm/seg: %s\n", unlink("/dev/shm/seg") == 0 ? "ok" : strerrorname_np(errno));
  printf("write /dev/stdout: %zd\n", write(open("/dev/stdout", O_WRONLY), "", 0));
  // `..` out of the emulated trees lands where Linux's walk does: the root,
  // whether or not the root has dev/ or proc/ folders of its own.
  {
    struct stat top, there;
    stat("/", &top);
    const char* up[] = {"/dev/..", "/proc/..", "/dev/shm/../..", "/proc/self/../.."};
    for (size_t k = 0; k < sizeof up / sizeof *up; ++k)
      printf("stat %s: %s\n", up[k],
             stat(up[k], &there) != 0 ? strerrorname_np(errno)
             : there.st_ino == top.st_ino && there.st_dev == top.st_dev ? "the root" : "ELSEWHERE");
    char cwd[256];
    int here = open(".", O_RDONLY | O_DIRECTORY);
    printf("chdir /dev/shm then ../..:%s", chdir("/dev/shm") == 0 && chdir("../..") == 0 ? "" : strerrorname_np(errno));
    printf(" cwd %s\n", getcwd(cwd, sizeof cwd) ? cwd : strerrorname_np(errno));
    fchdir(here);
    close(here);
  }
  // The host files behind emulated entries are never changed.
  printf("unlink /dev/null: %s\n", unlink("/dev/null") == 0 ? "REMOVED" : strerrorname_np(errno));
  printf("chmod /dev: %s\n", chmod("/dev", 0777) == 0 ? "CHANGED" : strerrorname_np(errno));
  printf("chmod /dev/zero: %s\n", chmod("/dev/zero", 0600) == 0 ? "CHANGED" : strerrorname_np(errno));
  printf("rename /dev/null: %s\n", rename("/dev/null", "/nul") == 0 ? "MOVED" : strerrorname_np(errno));
  printf("rmdir /proc: %s\n", rmdir("/proc") == 0 ? "REMOVED" : strerrorname_np(errno));
  printf("write /proc/sys/kernel/hostname: %s\n",
         open("/proc/sys/kernel/hostname", O_WRONLY) >= 0 ? "OPENED" : strerrorname_np(errno));

  // /proc
  char buf[256];
  ssize_t n = readlink("/proc/self/exe", buf, sizeof buf - 1);
  buf[n > 0 ? n : 0] = 0;
  printf("readlink /proc/self/exe: %s\n", buf);
  // /proc/self/maps names files by their paths inside the root, never the
  // host's: every path-named mapping is the program, and a stat of it
  // inside the root has the inode maps gives.
  FILE* maps = fopen("/proc/self/maps", "r");
  int named = 0, other = 0;
  char mline[512];
  while (maps && fgets(mline, sizeof mline, maps)) {
    unsigned long ino;
    int at = 0;
    if (sscanf(mline, "%*x-%*x %*s %*x %*x:%*x %lu %n", &ino, &at) < 1 || !at) continue;
    char* name = mline + at;
    name[strcspn(name, "\n")] = 0;
    if (name[0] != '/') continue;
    struct stat mst;
    if (strcmp(name, "/prog") == 0 && stat(name, &mst) == 0 && mst.st_ino == ino) ++named;
    else ++other, printf("maps names %s\n", name);
  }
  if (maps) fclose(maps);
  printf("/proc/self/maps: the program's mappings named /prog with its inode: %s; other paths: %d\n",
         named > 0 ? "yes" : "no", other);
  show_open("/proc/self/cgroup", "/proc/self/cgroup");
  n = readlink("/proc/self/cwd", buf, sizeof buf - 1);
  buf[n > 0 ? n : 0] = 0;
  printf("readlink /proc/self/cwd: %s\n", buf);
  fd = open("/etc/greeting", O_RDONLY);
  snprintf(buf, sizeof buf, "/proc/self/fd/%d", fd);
  char target[256];
  n = readlink(buf, target, sizeof target - 1);
  target[n > 0 ? n : 0] = 0;
  printf("readlink /proc/self/fd/N: %s\n", target);
  close(fd);
  FILE* f = fopen("/proc/cpuinfo", "r");
  int isa = 0;
  while (f && fgets(buf, sizeof buf, f)) isa |= strncmp(buf, "isa\t\t: rv64imafdc", 17) == 0;
  if (f) fclose(f);
  printf("/proc/cpuinfo has an rv64imafdc isa line: %s\n", isa ? "yes" : "no");
  f = fopen("/proc/meminfo", "r");
  printf("/proc/meminfo: %s\n", f && fgets(buf, sizeof buf, f) && strncmp(buf, "MemTotal:", 9) == 0 ? "MemTotal first" : "?");
  if (f) fclose(f);
  show_open("/proc/1/status (not ours)", "/proc/1/status");
  show_open("/etc/mtab -> ../proc/self/mounts", "/etc/mtab");
  show_open("/a/self/comm (/a/self -> /proc/self)", "/a/self/comm");
  f = fopen("/proc/self/status", "r");
  printf("/proc/self/status: %s", f && fgets(buf, sizeof buf, f) ? buf : "?\n");
  if (f) fclose(f);

  // AF_UNIX socket paths are inside the root too.
  int s = socket(AF_UNIX, SOCK_STREAM, 0);
  struct sockaddr_un sa = {.sun_family = AF_UNIX};
  strcpy(sa.sun_path, "/sock");
  printf("bind /sock: %s\n", bind(s, (struct sockaddr*)&sa, sizeof sa) == 0 ? "ok" : strerrorname_np(errno));
  socklen_t sl = sizeof sa;
  getsockname(s, (struct sockaddr*)&sa, &sl);
  printf("getsockname: %s\n", sa.sun_path);
  printf("stat /sock: %s\n", stat("/sock", &st) == 0 && S_ISSOCK(st.st_mode) ? "socket" : "?");
  close(s);
  // /a/hostsock -> the absolute host path of a listening socket outside the
  // root (run_root_test.py made both): connecting must not reach it.
  s = socket(AF_UNIX, SOCK_STREAM, 0);
  strcpy(sa.sun_path, "/a/hostsock");
  printf("connect through /a/hostsock: %s\n",
         connect(s, (struct sockaddr*)&sa, sizeof sa) == 0 ? "CONNECTED (escape)" : strerrorname_np(errno));
  close(s);
  s = socket(AF_UNIX, SOCK_STREAM, 0);
  strcpy(sa.sun_path, "/a/sockln");  // -> /sock, inside the root
  int ls = socket(AF_UNIX, SOCK_STREAM, 0);
  struct sockaddr_un la = {.sun_family = AF_UNIX};
  strcpy(la.sun_path, "/sock2");
  bind(ls, (struct sockaddr*)&la, sizeof la);
  listen(ls, 1);
  symlink("/sock2", "/a/sockln");
  printf("connect through /a/sockln -> /sock2: %s\n",
         connect(s, (struct sockaddr*)&sa, sizeof sa) == 0 ? "ok" : strerrorname_np(errno));
  close(s);
  close(ls);
  unlink("/a/sockln");
  unlink("/sock2");
  unlink("/sock");

  // exec of a program in the root.
  pid_t c = fork();
  if (c == 0) {
    chdir("/a");
    execl("/prog", "prog", "child", (char*)NULL);
    printf("execl: %s\n", strerrorname_np(errno));
    _exit(1);
  }
  int status;
  waitpid(c, &status, 0);
  printf("child exit %d\n", WEXITSTATUS(status));
  return 0;
}
