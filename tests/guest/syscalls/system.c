// tests/guest/syscalls/system.c — system calls and /proc/self: uname,
// sysinfo, getrandom, membarrier, personality, prctl names, and the
// emulated /proc/self files (maps, status, stat, fd/, exe, cmdline, environ,
// auxv), which must show the guest.
#include "sc.h"

#include <fcntl.h>
#include <limits.h>
#include <linux/membarrier.h>
#include <sys/auxv.h>
#include <sys/mman.h>
#include <sys/personality.h>
#include <sys/prctl.h>
#include <sys/random.h>
#include <sys/syscall.h>
#include <sys/sysinfo.h>
#include <sys/utsname.h>

static char* slurp(const char* path, size_t* len) {
  static char buf[1 << 16];
  int fd = open(path, O_RDONLY);
  if (fd < 0) return NULL;
  size_t n = 0;
  ssize_t r;
  while ((r = read(fd, buf + n, sizeof buf - 1 - n)) > 0) n += r;
  close(fd);
  buf[n] = 0;
  if (len) *len = n;
  return buf;
}

static const char* field(const char* text, const char* name, char* out, size_t outlen) {
  const char* p = strstr(text, name);
  if (!p) return "";
  p += strlen(name);
  while (*p == ' ' || *p == '\t') p++;
  size_t i = 0;
  while (p[i] && p[i] != '\n' && i + 1 < outlen) out[i] = p[i], i++;
  out[i] = 0;
  return out;
}

int main(int argc, char** argv) {
  (void)argc;
  struct utsname u;
  OK("uname", uname(&u));
  SAY("sysname %s", u.sysname);
  ERR("uname EFAULT", uname(BAD_PTR));
  struct sysinfo si;
  OK("sysinfo", sysinfo(&si));
  BOOL("sysinfo totalram", si.totalram > 0 && si.mem_unit > 0);
  ERR("sysinfo EFAULT", sysinfo(BAD_PTR));
  char rnd[64];
  VAL("getrandom", getrandom(rnd, sizeof rnd, 0));
  VAL("getrandom nonblock", getrandom(rnd, 16, GRND_NONBLOCK));
  ERR("getrandom bad flags", getrandom(rnd, 16, 0x100));
  ERR("getrandom EFAULT", getrandom(BAD_PTR, 16, 0));

  long q = syscall(SYS_membarrier, MEMBARRIER_CMD_QUERY, 0, 0);
  BOOL("membarrier query global", q > 0 && (q & MEMBARRIER_CMD_GLOBAL));
  BOOL("membarrier query private expedited", q & MEMBARRIER_CMD_PRIVATE_EXPEDITED);
  ERR("membarrier unregistered", syscall(SYS_membarrier, MEMBARRIER_CMD_PRIVATE_EXPEDITED, 0, 0));
  OK("membarrier register", syscall(SYS_membarrier, MEMBARRIER_CMD_REGISTER_PRIVATE_EXPEDITED, 0, 0));
  OK("membarrier private", syscall(SYS_membarrier, MEMBARRIER_CMD_PRIVATE_EXPEDITED, 0, 0));
  OK("membarrier global", syscall(SYS_membarrier, MEMBARRIER_CMD_GLOBAL, 0, 0));
  ERR("membarrier bad cmd", syscall(SYS_membarrier, 1 << 20, 0, 0));
  ERR("membarrier bad flags", syscall(SYS_membarrier, MEMBARRIER_CMD_GLOBAL, 4, 0));

  VAL("personality query", personality(0xffffffff));
  VAL("personality set", personality(ADDR_NO_RANDOMIZE));
  VAL("personality query again", personality(0xffffffff));
  personality(0);

  char name[32] = {0};
  OK("PR_SET_NAME", prctl(PR_SET_NAME, "sc-system-long-name", 0, 0, 0));
  OK("PR_GET_NAME", prctl(PR_GET_NAME, name, 0, 0, 0));
  SAY("comm %s", name);
  char* comm = slurp("/proc/self/comm", NULL);
  SAY("proc comm %s", comm ? comm : "(none)");

  // /proc/self/status
  char* st = slurp("/proc/self/status", NULL);
  BOOL("status readable", st != NULL);
  char f[128];
  if (st) {
    SAY("status Name %s", field(st, "\nName:", f, sizeof f) ? field(st, "Name:", f, sizeof f) : "");
    BOOL("status Pid", atoi(field(st, "\nPid:", f, sizeof f)) == getpid());
    BOOL("status Tgid", atoi(field(st, "\nTgid:", f, sizeof f)) == getpid());
    BOOL("status PPid", atoi(field(st, "\nPPid:", f, sizeof f)) == getppid());
    SAY("status Threads %s", field(st, "\nThreads:", f, sizeof f));
    SAY("status State %c", field(st, "\nState:", f, sizeof f)[0]);
    BOOL("status VmRSS", strstr(st, "\nVmRSS:") != NULL);
    BOOL("status SigBlk", strstr(st, "\nSigBlk:") != NULL);
  }
  char* sp = slurp("/proc/self/stat", NULL);
  if (sp) {
    BOOL("stat pid", atoi(sp) == getpid());
    char* rp = strrchr(sp, ')');
    SAY("stat comm %.*s state %c", (int)(rp - strchr(sp, '(') - 1), strchr(sp, '(') + 1, rp[2]);
    int fields = 0;
    for (char* t = rp + 1; *t; t++)
      if (*t == ' ') fields++;
    SAY("stat fields after comm %d", fields);
    BOOL("stat ppid", atoi(rp + 4) == getppid());
  }

  // maps: the program, [heap], [stack], [vdso]
  void* h = malloc(100000);
  (void)h;
  sbrk(4096);
  char* maps = slurp("/proc/self/maps", NULL);
  BOOL("maps [heap]", maps && strstr(maps, "[heap]"));
  BOOL("maps [stack]", maps && strstr(maps, "[stack]"));
  BOOL("maps [vdso]", maps && strstr(maps, "[vdso]"));
  BOOL("maps program", maps && strstr(maps, strrchr(argv[0], '/') ? strrchr(argv[0], '/') : argv[0]));
  if (maps) {
    unsigned long a, b, off;
    char perm[5];
    int ok = sscanf(maps, "%lx-%lx %4s %lx", &a, &b, perm, &off) == 4;
    BOOL("maps line format", ok && a < b);
    char* nl = strchr(maps, '\n');
    int col = 0;
    for (char* q2 = maps; q2 < nl; ++q2)
      if (*q2 == '/') { col = (int)(q2 - maps); break; }
    SAY("maps path column %d", col);
  }

  // fd/ links are the guest's
  int fd = open("/proc/self/maps", O_RDONLY);
  int d = open(".", O_RDONLY | O_DIRECTORY);
  char link[64], target[PATH_MAX], cwd[PATH_MAX];
  snprintf(link, sizeof link, "/proc/self/fd/%d", d);
  ssize_t n = readlink(link, target, sizeof target - 1);
  target[n > 0 ? n : 0] = 0;
  getcwd(cwd, sizeof cwd);
  BOOL("fd link of cwd", n > 0 && strcmp(target, cwd) == 0);
  snprintf(link, sizeof link, "/proc/self/fd/%d", 77);
  ERR("fd link of closed fd", readlink(link, target, sizeof target));
  int pp[2];
  pipe(pp);
  snprintf(link, sizeof link, "/proc/self/fd/%d", pp[0]);
  n = readlink(link, target, sizeof target - 1);
  target[n > 0 ? n : 0] = 0;
  BOOL("fd link of pipe", strncmp(target, "pipe:[", 6) == 0);
  write(pp[1], "x", 1);
  snprintf(link, sizeof link, "/dev/fd/%d", pp[0]);
  int re = open(link, O_RDONLY);
  char c = 0;
  BOOL("reopen via /dev/fd", re >= 0 && read(re, &c, 1) == 1 && c == 'x');
  n = readlink("/proc/self/cwd", target, sizeof target - 1);
  target[n > 0 ? n : 0] = 0;
  BOOL("cwd link", n > 0 && strcmp(target, cwd) == 0);
  close(fd);

  // exe, cmdline, environ, auxv
  n = readlink("/proc/self/exe", target, sizeof target - 1);
  target[n > 0 ? n : 0] = 0;
  char real[PATH_MAX];
  BOOL("exe is the program", n > 0 && realpath(argv[0], real) && strcmp(real, target) == 0);
  size_t len;
  char* cmd = slurp("/proc/self/cmdline", &len);
  BOOL("cmdline is argv", cmd && strcmp(cmd, argv[0]) == 0 && len == strlen(argv[0]) + 1);
  setenv("SC_TEST_VAR", "1", 1);
  char* env = slurp("/proc/self/environ", &len);
  BOOL("environ readable", env != NULL);
  char* aux = slurp("/proc/self/auxv", &len);
  int pagesz = 0;
  if (aux)
    for (size_t i = 0; i + 16 <= len; i += 16) {
      unsigned long k, v;
      memcpy(&k, aux + i, 8);
      memcpy(&v, aux + i + 8, 8);
      if (k == AT_PAGESZ) pagesz = (int)v;
    }
  SAY("auxv AT_PAGESZ %d", pagesz);
  BOOL("getauxval AT_PAGESZ", getauxval(AT_PAGESZ) == 4096);
  return 0;
}
