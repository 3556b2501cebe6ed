// tests/guest/syscalls/exec.c — execve/execveat's answers, as LTP's execve
// tests and shells meet them: #! scripts (the program itself as the
// interpreter, a script of a script), a missing interpreter (ENOENT), a
// script that names itself (ELOOP), empty or blank #! lines, a #! line past
// the buffer, text, empty and broken-ELF files (ENOEXEC), no execute
// permission or a directory (EACCES), a trailing slash (ENOTDIR), a NULL
// argv (run with argc 1 and argv[0] "", as Linux 5.18+), a NULL envp, bad
// pointers (EFAULT), and execveat's dirfd, AT_EMPTY_PATH (on an O_PATH or
// close-on-exec fd, and on a script) and AT_SYMLINK_NOFOLLOW. Each attempt
// runs in a child; the program tells how it was started by its exit code,
// and as a script's interpreter the script's name it got (the path as
// given, or /dev/fd/N[/PATH] for execveat relative to a descriptor).
#include "sc.h"

#include <fcntl.h>
#include <limits.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>

static char self[PATH_MAX];
static void run(const char* label, int dirfd, const char* path, char* const* argv,
                char* const* envp, int flags) {
  pid_t c = fork();
  if (c == 0) {
    syscall(SYS_execveat, dirfd, path, argv, envp, flags);
    printf("%s: %s\n", label, sc_errname(errno));
    fflush(stdout);
    _exit(99);
  }
  int st;
  waitpid(c, &st, 0);
  if (WIFEXITED(st) && WEXITSTATUS(st) != 99)
    SAY("%s: ran, exit %d", label, WEXITSTATUS(st));
  else if (WIFSIGNALED(st))
    SAY("%s: signal %d", label, WTERMSIG(st));
}
static void script(const char* name, const char* text, mode_t mode) {
  int f = open(name, O_CREAT | O_WRONLY | O_TRUNC, mode);
  write(f, text, strlen(text));
  close(f);
  chmod(name, mode);
}
int main(int argc, char** argv) {
  if (argc == 0) _exit(40);
  if (argc == 1 && argv[0][0] == 0) _exit(41);  // NULL argv: Linux passes ""
  if (argc > 2 && !strcmp(argv[1], "child")) {  // an interpreter: argv[2] is the script's name
    printf("  interpreter got \"%s\"\n", argv[2]);
    fflush(stdout);
  }
  if (argc > 1 && !strcmp(argv[1], "child")) _exit(10 + argc);
  if (argc > 1 && !strcmp(argv[1], "env")) _exit(environ && environ[0] ? 50 : 51);
  if (argc > 2 && !strcmp(argv[2], "child"))
    _exit(20 + argc);  // run as an interpreter: argv[1] is the interp arg
  realpath("/proc/self/exe", self);
  char* args[] = {self, "child", NULL};
  char* env[] = {NULL};
  char text[PATH_MAX + 64];
  snprintf(text, sizeof text, "#!%s child\n", self);
  script("s_ok", text, 0755);
  run("script", AT_FDCWD, "./s_ok", args, env, 0);
  script("s_nox", text, 0644);
  run("script without x", AT_FDCWD, "./s_nox", args, env, 0);
  script("s_missing", "#!/nonexistent/interp\n", 0755);
  run("missing interpreter", AT_FDCWD, "./s_missing", args, env, 0);
  script("s_self", "#!./s_self\n", 0755);
  run("script interpreting itself", AT_FDCWD, "./s_self", args, env, 0);
  snprintf(text, sizeof text, "#!./s_ok\n");
  script("s_chain", text, 0755);
  run("script of a script", AT_FDCWD, "./s_chain", args, env, 0);
  script("s_empty", "#!\n", 0755);
  run("empty #!", AT_FDCWD, "./s_empty", args, env, 0);
  script("s_spaces", "#!   \n", 0755);
  run("#! with only spaces", AT_FDCWD, "./s_spaces", args, env, 0);
  char lb[300];
  memset(lb, 'a', sizeof lb);
  memcpy(lb, "#!/", 3);
  lb[299] = 0;
  script("s_long", lb, 0755);
  run("#! line past 256 bytes", AT_FDCWD, "./s_long", args, env, 0);
  script("s_text", "hello\n", 0755);
  run("plain text", AT_FDCWD, "./s_text", args, env, 0);
  script("s_zero", "", 0755);
  run("empty file", AT_FDCWD, "./s_zero", args, env, 0);
  script("s_elf", "\177ELF garbage garbage garbage garbage garbage garbage garbage garbage", 0755);
  run("bad ELF", AT_FDCWD, "./s_elf", args, env, 0);
  mkdir("dir", 0755);
  run("directory", AT_FDCWD, "./dir", args, env, 0);
  run("missing file", AT_FDCWD, "./missing", args, env, 0);
  run("empty path", AT_FDCWD, "", args, env, 0);
  run("trailing slash", AT_FDCWD, "./s_ok/", args, env, 0);
  run("NULL argv", AT_FDCWD, self, NULL, env, 0);
  run("NULL envp", AT_FDCWD, self, (char*[]){self, "env", NULL}, NULL, 0);
  run("bad argv pointer", AT_FDCWD, self, (char* const*)BAD_PTR, env, 0);
  run("bad argv[1]", AT_FDCWD, self, (char*[]){self, BAD_PTR, NULL}, env, 0);
  run("bad path pointer", AT_FDCWD, BAD_PTR, args, env, 0);
  int d = open(".", O_RDONLY);
  run("execveat dirfd", d, "s_ok", args, env, 0);
  run("execveat bad flag", d, "s_ok", args, env, 0x1);
  run("execveat closed dirfd", 999, "s_ok", args, env, 0);
  mkdir("sub", 0755);
  snprintf(text, sizeof text, "#!%s child\n", self);
  script("sub/s_sub", text, 0755);
  run("script in a folder", AT_FDCWD, "sub/s_sub", args, env, 0);
  run("execveat dirfd, a path into a folder", d, "sub/s_sub", args, env, 0);
  run("execveat dirfd, an absolute path", d, "/nonexistent/s", args, env, 0);
  int sd = open("sub", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  run("execveat close-on-exec dirfd", sd, "s_sub", args, env, 0);
  int sf = open("s_ok", O_RDONLY);
  run("execveat AT_EMPTY_PATH script", sf, "", args, env, AT_EMPTY_PATH);
  int sfc = open("s_ok", O_RDONLY | O_CLOEXEC);
  run("execveat AT_EMPTY_PATH script, close-on-exec fd", sfc, "", args, env, AT_EMPTY_PATH);
  int ef = open(self, O_RDONLY);
  run("execveat AT_EMPTY_PATH", ef, "", args, env, AT_EMPTY_PATH);
  int pf = open(self, O_PATH);
  run("execveat AT_EMPTY_PATH O_PATH", pf, "", args, env, AT_EMPTY_PATH);
  run("execveat empty path without flag", ef, "", args, env, 0);
  symlink(self, "link");
  run("execveat AT_SYMLINK_NOFOLLOW on a symlink", AT_FDCWD, "link", args, env,
      AT_SYMLINK_NOFOLLOW);
  run("via symlink", AT_FDCWD, "link", args, env, 0);
  return 0;
}
