// tests/guest/syscalls/procns.c — /proc/<pid>/ns: the listing (Linux 6.x's
// ten names), each link's text ("ipc:[N]"), the same through /proc/self,
// /proc/<pid> and /proc/self/task/<tid>; lstat shows a symlink, stat the
// namespace file behind it (its inode is N), open gives that file; an
// unknown name is ENOENT; setns on them as an unprivileged user: EPERM, a
// type that does not match EINVAL, the caller's own user namespace EINVAL.
#include "sc.h"

#include <dirent.h>
#include <fcntl.h>
#include <sched.h>
#include <sys/stat.h>

static const char* const kNs[] = {"cgroup", "ipc", "mnt", "net", "pid", "pid_for_children",
                                  "time", "time_for_children", "user", "uts"};

static void links(void) {
  char self[256], bypid[256], task[256], path[128];
  for (unsigned i = 0; i < sizeof kNs / sizeof *kNs; ++i) {
    snprintf(path, sizeof path, "/proc/self/ns/%s", kNs[i]);
    ssize_t n = readlink(path, self, sizeof self - 1);
    if (n < 0) {
      SAY("%s: %s", kNs[i], sc_errname(errno));
      continue;
    }
    self[n] = 0;
    snprintf(path, sizeof path, "/proc/%d/ns/%s", getpid(), kNs[i]);
    n = readlink(path, bypid, sizeof bypid - 1);
    bypid[n < 0 ? 0 : n] = 0;
    snprintf(path, sizeof path, "/proc/self/task/%d/ns/%s", gettid(), kNs[i]);
    n = readlink(path, task, sizeof task - 1);
    task[n < 0 ? 0 : n] = 0;
    unsigned long ino = 0;
    char type[32] = "";
    sscanf(self, "%31[a-z]:[%lu]", type, &ino);
    struct stat st, lst;
    snprintf(path, sizeof path, "/proc/self/ns/%s", kNs[i]);
    int sr = stat(path, &st), lr = lstat(path, &lst);
    int fd = open(path, O_RDONLY);
    struct stat fst;
    int fr = fd >= 0 ? fstat(fd, &fst) : -1;
    SAY("%s: %s, same by pid %d, by task %d, stat ino %d mode %o, lstat link %d, open fstat ino %d",
        kNs[i], self, !strcmp(self, bypid), !strcmp(self, task), sr == 0 && st.st_ino == ino,
        sr == 0 ? st.st_mode : 0, lr == 0 && S_ISLNK(lst.st_mode), fr == 0 && fst.st_ino == ino);
    if (fd >= 0) close(fd);
  }
}

static void try_setns(void) {
  int ipc = open("/proc/self/ns/ipc", O_RDONLY);
  int user = open("/proc/self/ns/user", O_RDONLY);
  ERR("setns ipc", setns(ipc, CLONE_NEWIPC));
  ERR("setns ipc any", setns(ipc, 0));
  ERR("setns ipc as uts", setns(ipc, CLONE_NEWUTS));
  ERR("setns own user", setns(user, 0));
  ERR("setns own user typed", setns(user, CLONE_NEWUSER));
  ERR("setns not a namespace", setns(0, 0));
}

int main(void) {
  DIR* d = opendir("/proc/self/ns");
  char names[512] = "";
  int count = 0;
  for (struct dirent* e; d && (e = readdir(d));) {
    if (e->d_name[0] == '.') continue;
    ++count;
    if (e->d_type != DT_LNK) SAY("%s: not a link", e->d_name);
  }
  if (d) closedir(d);
  for (unsigned i = 0; i < sizeof kNs / sizeof *kNs; ++i) {
    char path[64];
    snprintf(path, sizeof path, "/proc/self/ns/%s", kNs[i]);
    struct stat st;
    if (lstat(path, &st) == 0) strcat(strcat(names, " "), kNs[i]);
  }
  SAY("ns entries %d:%s", count, names);
  links();
  struct stat st;
  ERR("unknown name", stat("/proc/self/ns/bogus", &st));
  ERR("write open", open("/proc/self/ns/ipc", O_WRONLY));
  sc_unprivileged(try_setns);
  return 0;
}
