// tests/guest/syscalls/creds.c — credentials: the uid/gid getters and
// setters with Linux's permission rules, supplementary groups, fsuid/fsgid,
// capget/capset (v1/v3 headers, bad versions), the capability fix-ups of a
// uid change, keep-caps, prctl's bounding and ambient sets, execve's
// recomputation, per-thread raw set*id, and what a guest that dropped
// root may no longer do (open a 0600 root file, create in a root 0755
// folder, signal a root process). Run as root (the suite's CI does); the
// privilege drops happen in forked children. Lines are the same natively
// and under hart-run.
#include "sc.h"

#include <fcntl.h>
#include <grp.h>
#include <linux/capability.h>
#include <pthread.h>
#include <signal.h>
#include <sys/fsuid.h>
#include <sys/prctl.h>
#include <sys/auxv.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>

static void caps(const char* label) {
  struct __user_cap_header_struct h = {_LINUX_CAPABILITY_VERSION_3, 0};
  struct __user_cap_data_struct d[2];
  if (syscall(SYS_capget, &h, d) != 0) {
    SAY("%s: capget %s", label, sc_errname(errno));
    return;
  }
  SAY("%s: eff %08x%08x prm %08x%08x inh %08x%08x", label, d[1].effective, d[0].effective,
      d[1].permitted, d[0].permitted, d[1].inheritable, d[0].inheritable);
}

static void ids(const char* label) {
  uid_t r, e, s;
  gid_t gr, ge, gs;
  getresuid(&r, &e, &s);
  getresgid(&gr, &ge, &gs);
  SAY("%s: uid %u %u %u fsuid %d gid %u %u %u fsgid %d", label, r, e, s, setfsuid(-1), gr, ge, gs,
      setfsgid(-1));
}

static void groups(const char* label) {
  gid_t g[16];
  int n = getgroups(16, g);
  printf("%s: %d:", label, n);
  for (int i = 0; i < n; ++i) printf(" %u", g[i]);
  printf("\n");
  fflush(stdout);
}

// The credential lines of /proc/self/status.
static void status_lines(void) {
  FILE* f = fopen("/proc/self/status", "r");
  if (!f) return;
  char line[256];
  while (fgets(line, sizeof line, f))
    if (!strncmp(line, "Uid:", 4) || !strncmp(line, "Gid:", 4) || !strncmp(line, "Groups:", 7) ||
        !strncmp(line, "Cap", 3))
      printf("status %s", line);
  fclose(f);
  fflush(stdout);
}

static int run_child(void (*fn)(void)) {
  pid_t c = fork();
  if (c == 0) {
    fn();
    fflush(stdout);
    _exit(0);
  }
  int st;
  waitpid(c, &st, 0);
  return WEXITSTATUS(st);
}

static pid_t parent;
static const char* self_exe;

static void files_as_nobody(void) {
  OK("open root 0600", open("f600", O_RDONLY));
  OK("open root 0644 read", open("f644", O_RDONLY));
  OK("open root 0644 write", open("f644", O_WRONLY));
  OK("access 0600", access("f600", R_OK));
  OK("access 0644", access("f644", R_OK));
  OK("create in root 0755 dir", open("d755/new", O_CREAT | O_WRONLY, 0644));
  OK("mkdir in root 0755 dir", mkdir("d755/sub", 0755));
  OK("unlink root file", unlink("d777/rootfile"));
  int fd = open("d777/mine", O_CREAT | O_WRONLY, 0644);
  struct stat st;
  if (fd >= 0 && fstat(fd, &st) == 0) SAY("created file owner %u group %u", st.st_uid, st.st_gid);
  OK("chown mine to root", fchown(fd, 0, 0));
  OK("chmod root file", chmod("f644", 0666));
  close(fd);
  OK("kill root parent", kill(parent, 0));
  OK("kill self", kill(getpid(), 0));
}

static void drop_all(void) {
  gid_t g[] = {100, 5, 3000};
  OK("setgroups", setgroups(3, g));
  groups("groups after setgroups");
  OK("setresgid 65534", setresgid(65534, 65534, 65534));
  OK("setresuid 65534 keep saved 0", setresuid(65534, 65534, 0));
  ids("ids");
  caps("caps euid 65534 suid 0");
  files_as_nobody();
  OK("seteuid 0 back", seteuid(0));
  caps("caps euid 0 again");
  OK("open 0600 as root again", open("f600", O_RDONLY));
  OK("setuid 65534 for good", setuid(65534));
  ids("ids");
  caps("caps after setuid");
  OK("setuid 0", setuid(0));
  OK("seteuid 0", seteuid(0));
  OK("setresuid 0", setresuid(-1, -1, 0));
  OK("setreuid", setreuid(65534, 65534));
  OK("setgid 0", setgid(0));
  OK("setgroups unprivileged", setgroups(0, NULL));
  struct __user_cap_header_struct h = {_LINUX_CAPABILITY_VERSION_3, 0};
  struct __user_cap_data_struct d[2] = {{1, 1, 0}, {0, 0, 0}};
  OK("capset raise", syscall(SYS_capset, &h, d));
  files_as_nobody();
  status_lines();
  pid_t c = fork();  // a dropped process still forks (hartd copies its memory as itself)
  if (c == 0) {
    ids("forked as nobody");
    fflush(stdout);
    _exit(3);
  }
  int st = 0;
  waitpid(c, &st, 0);
  SAY("fork as nobody: exit %d", WEXITSTATUS(st));
  if (access(self_exe, X_OK) == 0) {
    execl(self_exe, self_exe, "exec-creds", (char*)NULL);
    SAY("exec: %s", sc_errname(errno));
  }
}

static void fs_ids(void) {
  SAY("setfsuid 65534 was %d", setfsuid(65534));
  caps("caps fsuid 65534");
  OK("open 0600 fsuid 65534", open("f600", O_RDONLY));
  OK("access 0600 (real ids)", access("f600", R_OK));
  SAY("setfsuid 0 was %d", setfsuid(0));
  caps("caps fsuid 0");
  OK("open 0600 fsuid 0", open("f600", O_RDONLY));
  SAY("setfsgid 42 was %d", setfsgid(42));
  SAY("setfsgid -1 is %d", setfsgid(-1));
}

static void keep_caps(void) {
  VAL("get keepcaps", prctl(PR_GET_KEEPCAPS, 0, 0, 0, 0));
  OK("set keepcaps 2", prctl(PR_SET_KEEPCAPS, 2, 0, 0, 0));
  OK("set keepcaps", prctl(PR_SET_KEEPCAPS, 1, 0, 0, 0));
  VAL("get keepcaps", prctl(PR_GET_KEEPCAPS, 0, 0, 0, 0));
  OK("setresuid all 65534", setresuid(65534, 65534, 65534));
  caps("caps kept");
  struct __user_cap_header_struct h = {_LINUX_CAPABILITY_VERSION_3, 0};
  struct __user_cap_data_struct d[2] = {{1 << CAP_DAC_OVERRIDE, 1 << CAP_DAC_OVERRIDE, 0},
                                        {0, 0, 0}};
  OK("capset keep only DAC_OVERRIDE", syscall(SYS_capset, &h, d));
  caps("caps");
  OK("open 0600 with DAC_OVERRIDE", open("f600", O_RDONLY));
  d[0].effective = 0;
  OK("capset effective off", syscall(SYS_capset, &h, d));
  OK("open 0600 without", open("f600", O_RDONLY));
  d[0].effective = d[0].permitted = 1 << CAP_KILL;
  OK("capset gain KILL", syscall(SYS_capset, &h, d));
  if (access(self_exe, X_OK) == 0) {
    execl(self_exe, self_exe, "exec-creds", (char*)NULL);
    SAY("exec: %s", sc_errname(errno));
  }
}

static void root_caps(void) {
  struct __user_cap_header_struct h = {_LINUX_CAPABILITY_VERSION_3, 0};
  struct __user_cap_data_struct d[2];
  syscall(SYS_capget, &h, d);
  d[0].effective &= ~(1u << CAP_DAC_OVERRIDE | 1u << CAP_DAC_READ_SEARCH);
  OK("root drops DAC_OVERRIDE from effective", syscall(SYS_capset, &h, d));
  OK("root opens 0600 file (owner)", open("f600", O_RDONLY));
  OK("root opens 0600 file of 65534", open("nobody600", O_RDONLY));
  OK("capset effective beyond permitted", (d[0].effective |= 1u << CAP_DAC_OVERRIDE,
                                           d[0].permitted &= ~(1u << CAP_DAC_OVERRIDE),
                                           syscall(SYS_capset, &h, d)));
  h.pid = parent;
  syscall(SYS_capget, &h, d);
  OK("capset other pid", syscall(SYS_capset, &h, d));
  VAL("capbset read 0", prctl(PR_CAPBSET_READ, 0, 0, 0, 0));
  OK("capbset read 99", prctl(PR_CAPBSET_READ, 99, 0, 0, 0));
  OK("capbset drop 99", prctl(PR_CAPBSET_DROP, 99, 0, 0, 0));
  OK("capbset drop SETPCAP", prctl(PR_CAPBSET_DROP, CAP_SETPCAP, 0, 0, 0));
  VAL("capbset read SETPCAP", prctl(PR_CAPBSET_READ, CAP_SETPCAP, 0, 0, 0));
  VAL("ambient is set 0", prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_IS_SET, 0, 0, 0));
  OK("ambient raise (not inheritable)", prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_RAISE, CAP_KILL, 0, 0));
  OK("ambient bad op", prctl(PR_CAP_AMBIENT, 9, 0, 0, 0));
  OK("ambient clear with arg", prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 1, 0, 0));
  h.pid = 0;
  syscall(SYS_capget, &h, d);
  d[0].inheritable |= 1u << CAP_KILL;
  OK("inheritable KILL", syscall(SYS_capset, &h, d));
  OK("ambient raise", prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_RAISE, CAP_KILL, 0, 0));
  VAL("ambient is set KILL", prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_IS_SET, CAP_KILL, 0, 0));
  VAL("securebits", prctl(PR_GET_SECUREBITS, 0, 0, 0, 0));
}

static void* thread_setuid(void* arg) {
  (void)arg;
  long r = syscall(SYS_setresuid, -1, 65534, -1);
  SAY("thread raw setresuid %ld, thread euid %u", r, geteuid());
  OK("thread opens 0600 as 65534", open("f600", O_RDONLY));
  OK("thread creates in root 0755 dir", open("d755/t", O_CREAT | O_WRONLY, 0644));
  return NULL;
}

static void per_thread(void) {
  pthread_t t;
  pthread_create(&t, NULL, thread_setuid, NULL);
  pthread_join(t, NULL);
  SAY("main thread euid %u", geteuid());
  OK("main thread opens 0600", open("f600", O_RDONLY));
  OK("glibc seteuid (every thread)", seteuid(65534));
  SAY("main thread euid %u", geteuid());
}

int main(int argc, char** argv) {
  if (argc > 1 && !strcmp(argv[1], "exec-creds")) {
    ids("after exec");
    SAY("auxv uid %lu euid %lu gid %lu egid %lu secure %lu", getauxval(AT_UID), getauxval(AT_EUID),
        getauxval(AT_GID), getauxval(AT_EGID), getauxval(AT_SECURE));
    caps("after exec");
    return 0;
  }
  self_exe = argv[0][0] == '/' ? argv[0] : "/proc/self/exe";
  parent = getpid();
  ids("start");
  groups("groups");
  caps("start");
  struct __user_cap_header_struct h = {0x12345678, 0};
  struct __user_cap_data_struct d[2];
  OK("capget bad version", syscall(SYS_capget, &h, d));
  SAY("version written back %#x", h.version);
  h.version = 0x12345678;
  OK("capget bad version, no data", syscall(SYS_capget, &h, NULL));
  h.version = _LINUX_CAPABILITY_VERSION_1;
  OK("capget v1", syscall(SYS_capget, &h, d));
  SAY("v1 eff %08x", d[0].effective);
  h.version = _LINUX_CAPABILITY_VERSION_3;
  h.pid = -1;
  OK("capget pid -1", syscall(SYS_capget, &h, d));
  h.pid = 99999999;
  OK("capget no such pid", syscall(SYS_capget, &h, d));
  OK("capget bad header", syscall(SYS_capget, BAD_PTR, d));
  OK("setuid -1", setuid(-1));
  OK("getgroups -1", getgroups(-1, NULL));

  // Files the dropped children try.
  chmod(".", 0755);
  close(open("f600", O_CREAT | O_WRONLY, 0600));
  close(open("f644", O_CREAT | O_WRONLY, 0644));
  close(open("nobody600", O_CREAT | O_WRONLY, 0600));
  chown("nobody600", 65534, 65534);
  mkdir("d755", 0755);
  mkdir("d777", 0777);
  chmod("d777", 01777);
  close(open("d777/rootfile", O_CREAT | O_WRONLY, 0644));

  run_child(drop_all);
  run_child(fs_ids);
  run_child(keep_caps);
  run_child(root_caps);
  run_child(per_thread);
  pid_t c = fork();
  if (c == 0) {
    setuid(65534);
    _exit(0);
  }
  siginfo_t si;
  memset(&si, 0, sizeof si);
  waitid(P_PID, c, &si, WEXITED);
  SAY("waitid of a child that became 65534: si_uid %u", si.si_uid);
  ids("parent still");
  caps("parent still");
  unlink("d777/mine");
  return 0;
}
