// tests/guest/syscalls/fdlinks.c — paths that go on through the links of
// /proc and /dev/fd that lead to another file, as Linux's walk follows
// them: /dev/fd/N/NAME and /proc/{self,thread-self,PID,self/task/TID}/fd/N/
// NAME (a directory's descriptor), /proc/self/cwd/NAME, /proc/self/root/
// PATH; `..` right after such a link (the parent of the file it leads to,
// not of the link); a descriptor of a plain file (ENOTDIR), a closed one
// (ENOENT), the program's own file (/proc/self/exe/x: ENOTDIR); changes
// made through them (mkdir, rename, unlink, symlink) and a final symlink
// there (lstat and readlink see it, stat follows it); openat2's resolve
// flags on such a path (a magic link crossed: ELOOP, EXDEV); linkat of a
// descriptor's link with AT_SYMLINK_FOLLOW (naming an O_TMPFILE). Shells (sh's
// `/dev/fd/3/script`), execveat of scripts and fexecve users meet these.
#include "sc.h"

#include <fcntl.h>
#include <limits.h>
#include <linux/openat2.h>
#include <stdarg.h>
#include <sys/stat.h>
#include <sys/syscall.h>

// Opens path (built from fmt) and prints what it reads, or the errno.
static void show(const char* label, const char* fmt, ...) __attribute__((format(printf, 2, 3)));
static void show(const char* label, const char* fmt, ...) {
  char path[PATH_MAX];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(path, sizeof path, fmt, ap);
  va_end(ap);
  int f = open(path, O_RDONLY);
  if (f < 0) {
    SAY("%s: %s", label, sc_errname(errno));
    return;
  }
  char buf[64] = {0};
  ssize_t n = read(f, buf, sizeof buf - 1);
  close(f);
  if (n < 0) SAY("%s: read %s", label, sc_errname(errno));
  else SAY("%s: \"%s\"", label, buf);
}

static void put(const char* name, const char* text) {
  int f = open(name, O_CREAT | O_WRONLY | O_TRUNC, 0644);
  write(f, text, strlen(text));
  close(f);
}

int main(void) {
  mkdir("fl", 0755);
  mkdir("fl/sub", 0755);
  put("fl/a", "A");
  put("fl/sub/b", "B");
  symlink("a", "fl/link");
  char cwd[PATH_MAX], base[PATH_MAX];
  getcwd(cwd, sizeof cwd);
  snprintf(base, sizeof base, "%s", strrchr(cwd, '/') + 1);
  int d = open("fl", O_RDONLY | O_DIRECTORY);
  int f = open("fl/a", O_RDONLY);
  int pid = getpid(), tid = (int)syscall(SYS_gettid);

  show("/dev/fd/D/a", "/dev/fd/%d/a", d);
  show("/proc/self/fd/D/a", "/proc/self/fd/%d/a", d);
  show("/proc/thread-self/fd/D/a", "/proc/thread-self/fd/%d/a", d);
  show("/proc/PID/fd/D/a", "/proc/%d/fd/%d/a", pid, d);
  show("/proc/self/task/TID/fd/D/a", "/proc/self/task/%d/fd/%d/a", tid, d);
  show("/dev/fd/D/sub/b", "/dev/fd/%d/sub/b", d);
  show("/dev/fd/D/./a", "/dev/fd/%d/./a", d);
  show("/dev/fd/D/sub/../a", "/dev/fd/%d/sub/../a", d);
  show("/dev/fd/D/../fl/a", "/dev/fd/%d/../fl/a", d);
  show("/proc/self/fd/D/../fl/sub/b", "/proc/self/fd/%d/../fl/sub/b", d);
  show("/dev/fd/D/link", "/dev/fd/%d/link", d);
  show("/dev/fd/D/missing", "/dev/fd/%d/missing", d);
  show("/dev/fd/F/x (a file)", "/dev/fd/%d/x", f);
  show("/proc/self/fd/F/x (a file)", "/proc/self/fd/%d/x", f);
  show("/dev/fd/999/a (closed)", "/dev/fd/999/a");
  show("/proc/self/cwd/fl/a", "/proc/self/cwd/fl/a");
  show("/proc/thread-self/cwd/fl/sub/b", "/proc/thread-self/cwd/fl/sub/b");
  show("/proc/self/cwd/../BASE/fl/a", "/proc/self/cwd/../%s/fl/a", base);
  show("/proc/self/root/CWD/fl/a", "/proc/self/root%s/fl/a", cwd);
  show("/proc/self/exe/x", "/proc/self/exe/x");

  struct stat st;
  char path[PATH_MAX], target[64];
  snprintf(path, sizeof path, "/dev/fd/%d/sub", d);
  BOOL("stat /dev/fd/D/sub is a directory", stat(path, &st) == 0 && S_ISDIR(st.st_mode));
  snprintf(path, sizeof path, "/dev/fd/%d/link", d);
  BOOL("lstat /dev/fd/D/link is a symlink", lstat(path, &st) == 0 && S_ISLNK(st.st_mode));
  BOOL("stat /dev/fd/D/link follows it", stat(path, &st) == 0 && S_ISREG(st.st_mode));
  ssize_t n = readlink(path, target, sizeof target - 1);
  SAY("readlink /dev/fd/D/link: %s", n < 0 ? sc_errname(errno) : (target[n] = 0, target));
  snprintf(path, sizeof path, "/dev/fd/%d/new", d);
  OK("mkdir /dev/fd/D/new", mkdir(path, 0755));
  BOOL("fl/new is there", stat("fl/new", &st) == 0 && S_ISDIR(st.st_mode));
  snprintf(path, sizeof path, "/proc/self/fd/%d/new", d);
  OK("rmdir /proc/self/fd/D/new", rmdir(path));
  BOOL("fl/new is gone", stat("fl/new", &st) != 0 && errno == ENOENT);
  snprintf(path, sizeof path, "/proc/self/fd/%d/made", d);
  OK("mkdir /proc/self/fd/D/made", mkdir(path, 0700));
  char to[PATH_MAX];
  snprintf(to, sizeof to, "/dev/fd/%d/sub/moved", d);
  OK("rename /proc/self/fd/D/made to /dev/fd/D/sub/moved", rename(path, to));
  BOOL("fl/sub/moved is there", stat("fl/sub/moved", &st) == 0);
  snprintf(path, sizeof path, "/proc/self/cwd/fl/sl");
  OK("symlink at /proc/self/cwd/fl/sl", symlink("sub", path));
  show("/dev/fd/D/sl/b (through the new link)", "/dev/fd/%d/sl/b", d);
  snprintf(path, sizeof path, "/dev/fd/%d/sl", d);
  OK("unlink /dev/fd/D/sl", unlink(path));
  static const struct {
    const char* name;
    unsigned long long flags;
  } kResolve[] = {{"none", 0},
                  {"RESOLVE_NO_MAGICLINKS", RESOLVE_NO_MAGICLINKS},
                  {"RESOLVE_NO_SYMLINKS", RESOLVE_NO_SYMLINKS},
                  {"RESOLVE_NO_XDEV", RESOLVE_NO_XDEV},
                  {"RESOLVE_BENEATH", RESOLVE_BENEATH}};
  for (size_t i = 0; i < sizeof kResolve / sizeof kResolve[0]; ++i) {
    struct open_how how = {.flags = O_RDONLY, .resolve = kResolve[i].flags};
    char label[96];
    snprintf(path, sizeof path, "/dev/fd/%d/a", d);
    snprintf(label, sizeof label, "openat2 /dev/fd/D/a, %s", kResolve[i].name);
    long r;
    OK(label, (r = syscall(SYS_openat2, AT_FDCWD, path, &how, sizeof how)));
    if (r >= 0) close((int)r);
    snprintf(label, sizeof label, "openat2 /proc/self/cwd/fl/a, %s", kResolve[i].name);
    OK(label, (r = syscall(SYS_openat2, AT_FDCWD, "/proc/self/cwd/fl/a", &how, sizeof how)));
    if (r >= 0) close((int)r);
  }
  // open(2)'s way to name an O_TMPFILE file: linkat of its /proc/self/fd
  // link, followed (an O_EXCL one may never be named: ENOENT); a plain
  // file's link the same way; not followed, the link itself is /proc's
  // (EXDEV).
  int t = open(".", O_TMPFILE | O_RDWR, 0600);
  write(t, "tmp", 3);
  snprintf(path, sizeof path, "/proc/self/fd/%d", t);
  OK("linkat O_TMPFILE's /proc/self/fd link, followed", linkat(AT_FDCWD, path, AT_FDCWD, "named", AT_SYMLINK_FOLLOW));
  show("named", "named");
  OK("linkat it again (the name is taken)", linkat(AT_FDCWD, path, AT_FDCWD, "named", AT_SYMLINK_FOLLOW));
  int x = open(".", O_TMPFILE | O_RDWR | O_EXCL, 0600);
  snprintf(path, sizeof path, "/proc/self/fd/%d", x);
  OK("linkat an O_EXCL O_TMPFILE's link", linkat(AT_FDCWD, path, AT_FDCWD, "named2", AT_SYMLINK_FOLLOW));
  snprintf(path, sizeof path, "/proc/self/fd/%d", f);
  OK("linkat a file's /proc/self/fd link, followed", linkat(AT_FDCWD, path, AT_FDCWD, "hard", AT_SYMLINK_FOLLOW));
  BOOL("hard is fl/a", stat("hard", &st) == 0 && st.st_nlink == 2);
  OK("linkat the link itself, not followed", linkat(AT_FDCWD, path, AT_FDCWD, "hard2", 0));
  OK("openat(AT_FDCWD, /dev/fd/D/a, O_CREAT|O_EXCL)",
     (snprintf(path, sizeof path, "/dev/fd/%d/a", d), open(path, O_CREAT | O_EXCL | O_WRONLY, 0644)));
  return 0;
}
