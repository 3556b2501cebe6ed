// tests/guest/syscalls/refused.c — system calls hartd answers as Linux
// answers an unprivileged container (the syscall table's Refused level):
// the privilege errno, and the argument checks Linux makes before it (bad
// flags, unknown paths, closed fds). Everything runs in a child that
// dropped root, where the native run is refused the same way. Calls whose
// native outcome depends on this machine's sysctls (io_uring_disabled,
// perf_event_paranoid, unprivileged user keyrings, Landlock) print only
// "refused-or-works", which both runs must agree on. Also the calls of the
// same families that work unprivileged: open_tree without a clone,
// name_to_handle_at, process_mrelease.
#include "sc.h"

#include <fcntl.h>
#include <grp.h>
#include <linux/fanotify.h>
#include <linux/io_uring.h>
#include <linux/perf_event.h>
#include <sched.h>
#include <signal.h>
#include <sys/mount.h>
#include <sys/ptrace.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>

// refused with one of the listed errnos, or it worked (closing what it gave).
static void either(const char* label, long r, int e1, int e2) {
  int e = errno;
  if (r >= 0 || e == e1 || e == e2) SAY("%s: refused-or-works", label);
  else SAY("%s: %s", label, sc_errname(e));
  if (r > 2) close((int)r);
}

static void unprivileged(void) {
  // The cwd is the test's folder: 0700 and root's when run as root.
  OK("mount on the cwd", mount("none", ".", "tmpfs", 0, NULL));
  OK("mount on a missing dir", mount("none", "/no/such/dir", "tmpfs", 0, NULL));
  if (chdir("/tmp")) SAY("chdir /tmp failed");
  OK("mount tmpfs", mount("none", ".", "tmpfs", 0, NULL));
  OK("mount MS_NOUSER", mount("none", ".", "tmpfs", 1ul << 31, NULL));
  OK("umount2 /", umount2("/", 0));
  OK("umount2 bad flags", umount2("/", 0x100));
  OK("umount2 missing path", umount2("/no/such/dir", 0));
  OK("pivot_root", syscall(SYS_pivot_root, ".", "."));
  OK("swapon", syscall(SYS_swapon, "/no/such/file", 0));
  OK("swapoff", syscall(SYS_swapoff, "/no/such/file"));
  OK("reboot", syscall(SYS_reboot, 0, 0, 0, NULL));
  OK("acct", syscall(SYS_acct, NULL));
  OK("vhangup", syscall(SYS_vhangup));
  OK("chroot /", chroot("/"));
  OK("chroot missing", chroot("/no/such/dir"));
  OK("chroot file", chroot("/etc/passwd"));
  OK("quotactl bad type", syscall(SYS_quotactl, 0x800004, NULL, 0, NULL));
  OK("quotactl no device", syscall(SYS_quotactl, 0x80000400, NULL, 0, NULL));
  OK("quotactl missing device", syscall(SYS_quotactl, 0x80000400, "/no/such/dev", 0, NULL));
  OK("quotactl not a block device", syscall(SYS_quotactl, 0x80000400, "/dev/null", 0, NULL));
  OK("fanotify_init content class", syscall(SYS_fanotify_init, FAN_CLASS_CONTENT, O_RDONLY));
  OK("fanotify_mark closed fd", syscall(SYS_fanotify_mark, 99, FAN_MARK_ADD, FAN_OPEN, AT_FDCWD, "."));
  OK("fanotify_mark not fanotify", syscall(SYS_fanotify_mark, 0, FAN_MARK_ADD, FAN_OPEN, AT_FDCWD, "."));
  OK("userfaultfd", syscall(SYS_userfaultfd, O_CLOEXEC));
  unsigned attr[32] = {2 /* BPF_MAP_TYPE_ARRAY */, 4, 4, 1};
  OK("bpf map create", syscall(SYS_bpf, 0 /* BPF_MAP_CREATE */, attr, sizeof attr));
  OK("syslog size", syscall(SYS_syslog, 10, NULL, 0));
  OK("syslog open", syscall(SYS_syslog, 1, NULL, 0));
  OK("fsopen", syscall(SYS_fsopen, "tmpfs", 0));
  OK("fspick", syscall(SYS_fspick, AT_FDCWD, "/", 0));
  OK("fsmount", syscall(SYS_fsmount, 0, 0, 0));
  OK("move_mount", syscall(SYS_move_mount, AT_FDCWD, ".", AT_FDCWD, "/", 0));
  OK("fsconfig negative fd", syscall(SYS_fsconfig, -1, 6, NULL, NULL, 0));
  OK("fsconfig closed fd", syscall(SYS_fsconfig, 99, 6, NULL, NULL, 0));
  OK("fsconfig not a context", syscall(SYS_fsconfig, 0, 6, NULL, NULL, 0));
  OK("open_tree clone", syscall(SYS_open_tree, AT_FDCWD, "/", 1));
  OK("open_tree bad flags", syscall(SYS_open_tree, AT_FDCWD, "/", 0x40));
  long t = syscall(SYS_open_tree, AT_FDCWD, ".", O_CLOEXEC);
  OK("open_tree path fd", t);
  if (t >= 0) {
    int fl = fcntl((int)t, F_GETFL);
    BOOL("open_tree gives O_PATH", (fl & O_PATH) != 0);
    BOOL("open_tree cloexec", fcntl((int)t, F_GETFD) == FD_CLOEXEC);
    close((int)t);
  }
  OK("setns closed fd", setns(99, 0));
  OK("setns not a namespace", setns(0, 0));
  int pfd = (int)syscall(SYS_pidfd_open, getpid(), 0);
  OK("setns own pidfd uts", setns(pfd, CLONE_NEWUTS));
  OK("setns own pidfd bad flags", setns(pfd, 1));
  OK("process_mrelease running", syscall(SYS_process_mrelease, pfd, 0));
  OK("process_mrelease flags", syscall(SYS_process_mrelease, pfd, 1));
  close(pfd);
  if (sc_parent_root)
    OK("ptrace peek untraced", ptrace(PTRACE_PEEKDATA, getppid(), NULL, NULL));
  if (sc_parent_root)
    OK("ptrace attach root parent", ptrace(PTRACE_ATTACH, getppid(), NULL, NULL));
  OK("ptrace attach unknown", ptrace(PTRACE_ATTACH, 999999, NULL, NULL));
  OK("io_uring_enter closed fd", syscall(SYS_io_uring_enter, 99, 0, 0, 0, NULL, 0));
  OK("io_uring_enter not a ring", syscall(SYS_io_uring_enter, 0, 0, 0, 0, NULL, 0));
  OK("io_uring_register not a ring", syscall(SYS_io_uring_register, 0, 0, NULL, 0));

  struct {
    unsigned bytes;
    int type;
    unsigned char h[128];
  } fh = {0, 0, {0}};
  int mnt;
  OK("name_to_handle_at size 0", syscall(SYS_name_to_handle_at, AT_FDCWD, ".", &fh, &mnt, 0));
  BOOL("handle size reported", fh.bytes > 0 && fh.bytes <= 128);
  OK("name_to_handle_at", syscall(SYS_name_to_handle_at, AT_FDCWD, ".", &fh, &mnt, 0));
  OK("name_to_handle_at bad flags", syscall(SYS_name_to_handle_at, AT_FDCWD, ".", &fh, &mnt, 0x8000));
  OK("name_to_handle_at missing", syscall(SYS_name_to_handle_at, AT_FDCWD, "nope", &fh, &mnt, 0));
  OK("open_by_handle_at", syscall(SYS_open_by_handle_at, AT_FDCWD, &fh, O_RDONLY));
  OK("open_by_handle_at closed fd", syscall(SYS_open_by_handle_at, 99, &fh, O_RDONLY));
  fh.bytes = 0;
  OK("open_by_handle_at empty handle", syscall(SYS_open_by_handle_at, AT_FDCWD, &fh, O_RDONLY));

  struct io_uring_params up;
  memset(&up, 0, sizeof up);
  long r = syscall(SYS_io_uring_setup, 4, &up);
  either("io_uring_setup", r, EPERM, EPERM);
  struct perf_event_attr pa;
  memset(&pa, 0, sizeof pa);
  pa.size = sizeof pa;
  pa.type = PERF_TYPE_SOFTWARE;
  pa.config = PERF_COUNT_SW_TASK_CLOCK;
  pa.exclude_kernel = 1;
  r = syscall(SYS_perf_event_open, &pa, 0, -1, -1, 0);
  either("perf_event_open", r, EACCES, EPERM);
  r = syscall(SYS_keyctl, 0 /* KEYCTL_GET_KEYRING_ID */, -3 /* session */, 0);
  either("keyctl", r, EPERM, EPERM);
  r = syscall(SYS_add_key, "user", "hart-test", "x", 1, -3);
  either("add_key", r, EPERM, EPERM);
  r = syscall(SYS_landlock_create_ruleset, NULL, 0, 1 /* VERSION */);
  either("landlock version", r, EOPNOTSUPP, EOPNOTSUPP);
  // EPERM on a kernel with modules and kexec (Debian's riscv64 kernel);
  // ENOSYS where they are not built in (this machine's may not be).
  either("init_module", syscall(SYS_init_module, NULL, 0, ""), EPERM, ENOSYS);
  either("delete_module", syscall(SYS_delete_module, "nosuchmod", 0), EPERM, ENOSYS);
  either("kexec_load", syscall(SYS_kexec_load, 0, 0, NULL, 0), EPERM, ENOSYS);
}

int main(void) {
  sc_unprivileged(unprivileged);
  return 0;
}
