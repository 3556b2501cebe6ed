// tests/guest/syscalls/dnotify.c — directory notification (fcntl F_NOTIFY):
// a directory fd's owner gets the F_SETSIG signal (si_code POLL_MSG, si_fd,
// si_band) when entries are created, deleted, renamed inside it, written,
// read or changed in attributes, as the DN_* mask asks; without
// DN_MULTISHOT only the first change signals; a mask with no event (or a
// close) ends the request; a regular file is ENOTDIR. The signals are
// queued (a real-time signal, blocked) and taken in order, each change
// followed by one in a second folder, so that nothing depends on how soon a
// signal comes. Same lines natively and under hart-run.
#include "sc.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/stat.h>
#include <time.h>

static sigset_t set;
static int fa, fb;
static char base[] = "/tmp/hart-dnotify.XXXXXX";

static void path(char* out, const char* dir, const char* name) {
  snprintf(out, 128, "%s/%s/%s", base, dir, name);
}

static void touch(const char* dir, const char* name) {
  char p[128];
  path(p, dir, name);
  close(open(p, O_CREAT | O_WRONLY | O_CLOEXEC, 0644));
}

// The next queued notification (5 s at most): which folder's fd, how.
static void next(const char* label) {
  struct timespec ts = {5, 0};
  siginfo_t si;
  int s = sigtimedwait(&set, &si, &ts);
  if (s < 0) {
    SAY("%s: %s", label, sc_errname(errno));
    return;
  }
  SAY("%s: SIGRTMIN+%d code %d fd %s band %lx", label, s - SIGRTMIN, si.si_code,
      si.si_fd == fa ? "a" : si.si_fd == fb ? "b" : "?", si.si_band);
}

// Nothing more queued: a change in b (which b always signals) comes next.
static void only_b_next(const char* label) {
  touch("b", "sentinel");
  next(label);
  char p[128];
  path(p, "b", "sentinel");
  unlink(p);
  next("  (b's delete)");
}

int main(void) {
  if (!mkdtemp(base)) return 1;
  char a[128], b[128], p[128], q[128];
  snprintf(a, sizeof a, "%s/a", base);
  snprintf(b, sizeof b, "%s/b", base);
  mkdir(a, 0755);
  mkdir(b, 0755);
  touch("a", "f0");
  int sig = SIGRTMIN + 2;
  sigemptyset(&set);
  sigaddset(&set, sig);
  sigprocmask(SIG_BLOCK, &set, NULL);
  fa = open(a, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  fb = open(b, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  path(p, "a", "f0");
  int ff = open(p, O_RDWR | O_CLOEXEC);

  ERR("F_NOTIFY on a file", fcntl(ff, F_NOTIFY, DN_CREATE));
  OK("F_NOTIFY no event on a file", fcntl(ff, F_NOTIFY, 0));
  OK("F_NOTIFY only DN_MULTISHOT on a file", fcntl(ff, F_NOTIFY, DN_MULTISHOT));
  OK("F_SETSIG a", fcntl(fa, F_SETSIG, sig));
  OK("F_SETSIG b", fcntl(fb, F_SETSIG, sig));
  OK("F_NOTIFY b", fcntl(fb, F_NOTIFY, DN_CREATE | DN_DELETE | DN_MULTISHOT));
  BOOL("F_NOTIFY makes the caller the owner", fcntl(fb, F_GETOWN) == getpid());

  // One-shot: the first delete signals, the second does not.
  OK("F_NOTIFY a DN_DELETE", fcntl(fa, F_NOTIFY, DN_DELETE));
  unlink(p);
  next("delete in a");
  touch("a", "f1");
  path(p, "a", "f1");
  unlink(p);
  only_b_next("second delete in a (one-shot): then b");

  // Multishot, ORed into the request: write, attributes, read of entries.
  OK("F_NOTIFY a DN_MODIFY|DN_MULTISHOT", fcntl(fa, F_NOTIFY, DN_MODIFY | DN_MULTISHOT));
  OK("F_NOTIFY a DN_ATTRIB (ORed in)", fcntl(fa, F_NOTIFY, DN_ATTRIB));
  touch("a", "g");
  path(p, "a", "g");
  only_b_next("create in a (not asked): then b");
  int g = open(p, O_RDWR | O_CLOEXEC);
  OK("write", write(g, "xyz", 3));
  next("write in a");
  OK("chmod", chmod(p, 0600));
  next("chmod in a");
  OK("write again", write(g, "xyz", 3));
  next("write in a again (multishot)");
  char buf[4];
  OK("pread", pread(g, buf, 3, 0));
  only_b_next("read in a (not asked): then b");
  OK("F_NOTIFY a DN_ACCESS", fcntl(fa, F_NOTIFY, DN_ACCESS));
  OK("pread", pread(g, buf, 3, 0));
  next("read in a");

  // Renames: inside the folder is DN_RENAME; moving out is a delete there
  // and a create in the other folder.
  OK("F_NOTIFY a off", fcntl(fa, F_NOTIFY, 0));
  OK("write with a off", write(g, "xyz", 3));
  only_b_next("write in a after F_NOTIFY 0: then b");
  OK("F_NOTIFY a DN_RENAME|DN_MULTISHOT", fcntl(fa, F_NOTIFY, DN_RENAME | DN_MULTISHOT));
  path(q, "a", "g2");
  OK("rename inside a", rename(p, q));
  next("rename in a");
  path(p, "b", "g3");
  OK("rename a -> b", rename(q, p));
  next("moved from a into b");
  OK("F_NOTIFY a DN_DELETE|DN_CREATE", fcntl(fa, F_NOTIFY, DN_DELETE | DN_CREATE | DN_MULTISHOT));
  OK("rename b -> a", rename(p, q));
  next("moved out of b");
  next("moved into a");

  // Closing the fd ends the request; a dup'd fd of the same file keeps the
  // owner but not the request.
  int dupa = dup(fa);
  close(fa);
  fa = -1;
  OK("unlink in a after close", unlink(q));
  only_b_next("delete in a after close: then b");
  close(dupa);
  close(g);
  close(ff);
  rmdir(a);
  close(fb);
  rmdir(b);
  rmdir(base);
  return 0;
}
