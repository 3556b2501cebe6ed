// tests/guest/syscalls/xattr.c — extended attributes in the test's cwd:
// set/get/list/remove in the path, l and f forms; XATTR_CREATE/REPLACE,
// size-0 queries, ERANGE (small buffer, empty or over-long name), ENODATA,
// E2BIG, EINVAL flags, EFAULT for bad buffers, EBADF, ENOENT, a relative
// path under a directory and a symlink (l forms act on the link). Only
// user.* names are listed (the host may add security.* ones). The riscv64
// build under hart-run must print what the native build prints on Linux.
#include "sc.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <sys/xattr.h>

// The user.* names of a list, sorted, comma-separated.
static void show_list(const char* label, const char* buf, long n) {
  const char* names[64];
  int k = 0;
  for (long i = 0; i < n && k < 64; i += (long)strlen(buf + i) + 1)
    if (strncmp(buf + i, "user.", 5) == 0) names[k++] = buf + i;
  for (int i = 0; i < k; ++i)
    for (int j = i + 1; j < k; ++j)
      if (strcmp(names[j], names[i]) < 0) {
        const char* t = names[i];
        names[i] = names[j];
        names[j] = t;
      }
  printf("%s:", label);
  for (int i = 0; i < k; ++i) printf("%s%s", i ? "," : " ", names[i]);
  printf("\n");
  fflush(stdout);
}

static void get(const char* label, const char* path, const char* name) {
  char buf[256];
  errno = 0;
  long n = getxattr(path, name, buf, sizeof buf);
  if (n < 0) printf("%s: %s\n", label, sc_errname(errno));
  else printf("%s: = %ld \"%.*s\"\n", label, n, (int)n, buf);
  fflush(stdout);
}

static long user_list_len(const char* path) {
  char buf[4096];
  long n = listxattr(path, buf, sizeof buf), len = 0;
  for (long i = 0; i < n; i += (long)strlen(buf + i) + 1)
    if (strncmp(buf + i, "user.", 5) == 0) len += (long)strlen(buf + i) + 1;
  return len;
}

int main(void) {
  const char* f = "xa_file";
  int fd = open(f, O_CREAT | O_RDWR | O_TRUNC, 0644);
  if (fd < 0) return 1;

  OK("set user.a", setxattr(f, "user.a", "alpha", 5, 0));
  OK("set user.b create", setxattr(f, "user.b", "beta", 4, XATTR_CREATE));
  ERR("set user.b create again", setxattr(f, "user.b", "x", 1, XATTR_CREATE));
  ERR("replace missing", setxattr(f, "user.zz", "x", 1, XATTR_REPLACE));
  OK("replace user.b", setxattr(f, "user.b", "BETA!", 5, XATTR_REPLACE));
  OK("set empty value", setxattr(f, "user.empty", "", 0, 0));
  ERR("bad flags", setxattr(f, "user.c", "x", 1, 4));
  ERR("empty name", setxattr(f, "", "x", 1, 0));
  char longname[300];
  memset(longname, 'n', sizeof longname);
  memcpy(longname, "user.", 5);
  longname[299] = 0;
  ERR("long name", setxattr(f, longname, "x", 1, 0));
  ERR("no namespace", setxattr(f, "plain", "x", 1, 0));
  ERR("too big", setxattr(f, "user.big", "x", 65537, 0));
  ERR("bad value ptr", setxattr(f, "user.c", BAD_PTR, 4, 0));
  ERR("bad name ptr", setxattr(f, BAD_PTR, "x", 1, 0));
  ERR("missing file", setxattr("xa_missing", "user.a", "x", 1, 0));

  get("get user.a", f, "user.a");
  get("get user.b", f, "user.b");
  get("get user.empty", f, "user.empty");
  get("get missing", f, "user.none");
  VAL("size query", getxattr(f, "user.b", NULL, 0));
  char small[2];
  ERR("small buffer", getxattr(f, "user.a", small, sizeof small));
  ERR("get bad buffer", getxattr(f, "user.a", BAD_PTR, 16));
  ERR("get bad path", getxattr(BAD_PTR, "user.a", small, 2));

  char list[4096];
  long n = listxattr(f, list, sizeof list);
  show_list("list", list, n);
  BOOL("list size query matches", listxattr(f, NULL, 0) == n);
  BOOL("user names length", user_list_len(f) == (long)strlen("user.a") + 1 + 7 + 11);
  ERR("list small buffer", listxattr(f, list, 3));
  ERR("list bad buffer", listxattr(f, BAD_PTR, sizeof list));

  // fd forms
  OK("fset user.f", fsetxattr(fd, "user.f", "fd!", 3, 0));
  char buf[64];
  VAL("fget user.f", fgetxattr(fd, "user.f", buf, sizeof buf));
  VAL("fget size", fgetxattr(fd, "user.a", NULL, 0));
  n = flistxattr(fd, list, sizeof list);
  show_list("flist", list, n);
  OK("fremove user.f", fremovexattr(fd, "user.f"));
  ERR("fremove again", fremovexattr(fd, "user.f"));
  ERR("fget bad fd", fgetxattr(999, "user.a", buf, sizeof buf));
  ERR("fset bad fd", fsetxattr(-1, "user.a", "x", 1, 0));
  int opath = open(f, O_PATH);
  ERR("fget on O_PATH", fgetxattr(opath, "user.a", buf, sizeof buf));
  close(opath);

  // remove
  OK("remove user.a", removexattr(f, "user.a"));
  ERR("remove again", removexattr(f, "user.a"));
  get("get removed", f, "user.a");
  n = listxattr(f, list, sizeof list);
  show_list("list after remove", list, n);

  // relative paths under a directory; symlinks (the l forms act on the link)
  mkdir("xa_dir", 0755);
  int dfd = open("xa_dir/inner", O_CREAT | O_WRONLY, 0644);
  close(dfd);
  OK("set in dir", setxattr("xa_dir/inner", "user.d", "deep", 4, 0));
  OK("set on dir", setxattr("xa_dir", "user.dir", "1", 1, 0));
  get("get in dir", "xa_dir/inner", "user.d");
  OK("chdir", chdir("xa_dir"));
  get("get relative", "inner", "user.d");
  get("get dotdot", "../xa_dir/inner", "user.d");
  OK("chdir back", chdir(".."));
  OK("symlink", symlink("xa_file", "xa_link"));
  get("get through link", "xa_link", "user.b");
  errno = 0;
  VAL("lget on link", lgetxattr("xa_link", "user.b", buf, sizeof buf));
  ERR("lset user on link", lsetxattr("xa_link", "user.l", "x", 1, 0));
  n = llistxattr("xa_link", list, sizeof list);
  show_list("llist link", list, n);
  n = llistxattr("xa_file", list, sizeof list);
  show_list("llist file", list, n);
  OK("lremove via file", lremovexattr("xa_file", "user.empty"));
  ERR("dangling link", getxattr("xa_dangling", "user.a", buf, sizeof buf));
  symlink("xa_nowhere", "xa_dangling");
  ERR("get through dangling", getxattr("xa_dangling", "user.a", buf, sizeof buf));
  ERR("lget dangling", lgetxattr("xa_dangling", "user.a", buf, sizeof buf));

  close(fd);
  unlink("xa_link");
  unlink("xa_dangling");
  unlink("xa_dir/inner");
  rmdir("xa_dir");
  unlink(f);
  SAY("done");
  return 0;
}
