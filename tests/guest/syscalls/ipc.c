// tests/guest/syscalls/ipc.c — System V IPC: shared memory (create/get
// rules, attach at chosen and fixed addresses, shm_nattch across fork and
// shmdt, IPC_SET, IPC_RMID while attached, errors), semaphores (SETALL/
// GETALL, IPC_NOWAIT, EFBIG/E2BIG/ERANGE, semtimedop timeouts, blocking
// waits released by a child for a decrement and for zero, SEM_UNDO on the
// child's exit, EINTR from a signal, EIDRM when removed while waiting) and
// message queues (types 0, >0, <0, MSG_EXCEPT, MSG_NOERROR, E2BIG, ENOMSG,
// a blocking receive woken by a child, a blocking send on a full queue,
// EIDRM). Prints no ids, pids or times. The riscv64 build under hart-run
// must print what the native build prints on Linux.
#include "sc.h"

#include <signal.h>
#include <sys/ipc.h>
#include <sys/mman.h>
#include <sys/msg.h>
#include <sys/sem.h>
#include <sys/shm.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <time.h>

union semun {
  int val;
  struct semid_ds* buf;
  unsigned short* array;
  struct seminfo* __buf;
};

static void sleep_ms(int ms) {
  struct timespec t = {ms / 1000, (ms % 1000) * 1000000L};
  nanosleep(&t, NULL);
}

// Waits for the child and prints how it ended.
static void reap(const char* label, pid_t pid) {
  int st;
  if (waitpid(pid, &st, 0) != pid) SAY("%s: waitpid failed", label);
  else if (WIFEXITED(st)) SAY("%s: exit %d", label, WEXITSTATUS(st));
  else SAY("%s: signal %d", label, WTERMSIG(st));
}

// Waits for a child that exits with an errno (0: its call succeeded) and
// prints its name: the child itself prints nothing, so the order is fixed.
static void reap_errno(const char* label, pid_t pid) {
  int st;
  if (waitpid(pid, &st, 0) != pid || !WIFEXITED(st)) SAY("%s: child failed", label);
  else SAY("%s: %s", label, WEXITSTATUS(st) ? sc_errname(WEXITSTATUS(st)) : "ok");
}

// Waits until process pid sleeps (state S in /proc/PID/stat), then a little more.
static void wait_sleeping(pid_t pid) {
  char path[64], buf[256];
  snprintf(path, sizeof path, "/proc/%d/stat", (int)pid);
  for (int i = 0; i < 2500; ++i) {
    FILE* f = fopen(path, "r");
    size_t n = f ? fread(buf, 1, sizeof buf - 1, f) : 0;
    if (f) fclose(f);
    buf[n] = 0;
    char* close_paren = strrchr(buf, ')');
    if (close_paren && close_paren[1] == ' ' && close_paren[2] == 'S') break;
    sleep_ms(2);
  }
  sleep_ms(100);
}

static void on_alarm(int sig) { (void)sig; }

static void arm_alarm_ms(int ms) {
  struct itimerval it = {{0, 0}, {0, ms * 1000}};
  setitimer(ITIMER_REAL, &it, NULL);
}

// ---- shared memory ----------------------------------------------------------------

static unsigned long nattch(int id) {
  struct shmid_ds ds;
  if (shmctl(id, IPC_STAT, &ds) != 0) return 999;
  return (unsigned long)ds.shm_nattch;
}

static void test_shm(key_t key) {
  SAY("== shm");
  ERR("get size 0", shmget(IPC_PRIVATE, 0, IPC_CREAT | 0600));
  ERR("get missing key", shmget(key, 4096, 0600));
  int id = shmget(key, 10000, IPC_CREAT | 0600);
  BOOL("create", id >= 0);
  ERR("create excl again", shmget(key, 10000, IPC_CREAT | IPC_EXCL | 0600));
  ERR("get larger", shmget(key, 20000, 0600));
  BOOL("get smaller same id", shmget(key, 100, 0600) == id);
  BOOL("get with creat same id", shmget(key, 0, IPC_CREAT | 0600) == id);
  int priv = shmget(IPC_PRIVATE, 4096, IPC_CREAT | 0600);
  BOOL("private differs", priv >= 0 && priv != id);

  struct shmid_ds ds;
  OK("stat", shmctl(id, IPC_STAT, &ds));
  SAY("segsz %lu nattch %lu mode %o key matches %d cpid self %d", (unsigned long)ds.shm_segsz,
      (unsigned long)ds.shm_nattch, (unsigned)ds.shm_perm.mode & 0777, ds.shm_perm.__key == key,
      ds.shm_cpid == getpid());
  BOOL("atime 0 before attach", ds.shm_atime == 0);

  char* p = shmat(id, NULL, 0);
  BOOL("attach", p != (void*)-1);
  strcpy(p, "parent wrote");
  p[9999] = 'z';
  SAY("nattch after attach: %lu", nattch(id));
  OK("stat", shmctl(id, IPC_STAT, &ds));
  BOOL("atime set", ds.shm_atime != 0);
  BOOL("lpid self", ds.shm_lpid == getpid());

  pid_t c = fork();
  if (c == 0) {
    printf("child sees: %s, nattch %lu\n", p, nattch(id));
    strcpy(p, "child wrote");
    fflush(stdout);
    _exit(0);
  }
  reap("shm child", c);
  SAY("parent sees: %s %c, nattch %lu", p, p[9999], nattch(id));

  char* q = shmat(id, NULL, SHM_RDONLY);
  BOOL("second attach elsewhere", q != (void*)-1 && q != p);
  SAY("second view: %s, nattch %lu", q, nattch(id));
  OK("shmdt second", shmdt(q));
  SAY("nattch after shmdt: %lu", nattch(id));
  ERR("shmdt again", shmdt(q));
  ERR("shmdt unaligned", shmdt(p + 1));
  ERR("shmdt not shm", shmdt(&ds));

  // A chosen address: unaligned without SHM_RND, occupied without SHM_REMAP.
  char* area = mmap(NULL, 5 * 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  ERR("attach unaligned", (long)shmat(id, area + 1, 0));
  ERR("attach over mapping", (long)shmat(id, area, 0));
  char* r = shmat(id, area + 100, SHM_RND | SHM_REMAP);
  BOOL("attach SHM_RND|SHM_REMAP at page", r == area);
  SAY("fixed view: %s", r);
  OK("shmdt fixed", shmdt(r));
  munmap(area, 5 * 4096);

  // An attachment survives in the child after the parent detaches; exit detaches it.
  int pipefd[2];
  if (pipe(pipefd) != 0) return;
  c = fork();
  if (c == 0) {
    char b;
    close(pipefd[1]);
    if (read(pipefd[0], &b, 1) != 1) _exit(2);
    _exit(p[0] == 'c' ? 0 : 1);  // still attached after the parent's shmdt
  }
  close(pipefd[0]);
  SAY("nattch with child: %lu", nattch(id));
  OK("parent shmdt", shmdt(p));
  SAY("nattch child only: %lu", nattch(id));
  if (write(pipefd[1], "x", 1) != 1) SAY("write failed");
  close(pipefd[1]);
  reap("attached child", c);
  SAY("nattch after child exit: %lu", nattch(id));

  // IPC_SET, then IPC_RMID while attached: key gone, SHM_DEST, usable until shmdt.
  p = shmat(id, NULL, 0);
  ds.shm_perm.mode = 0640;
  OK("set mode", shmctl(id, IPC_SET, &ds));
  OK("stat", shmctl(id, IPC_STAT, &ds));
  SAY("mode %o", (unsigned)ds.shm_perm.mode & 0777);
  OK("rmid attached", shmctl(id, IPC_RMID, NULL));
  OK("stat removed", shmctl(id, IPC_STAT, &ds));
  SAY("dest %d key %d nattch %lu", (ds.shm_perm.mode & SHM_DEST) != 0, ds.shm_perm.__key,
      (unsigned long)ds.shm_nattch);
  ERR("get removed key", shmget(key, 100, 0600));
  strcpy(p, "still here");
  SAY("after rmid: %s", p);
  OK("last shmdt", shmdt(p));
  ERR("stat after last detach", shmctl(id, IPC_STAT, &ds));
  ERR("attach destroyed", (long)shmat(id, NULL, 0));

  ERR("stat bad id", shmctl(-1, IPC_STAT, &ds));
  ERR("stat bad buf", shmctl(priv, IPC_STAT, BAD_PTR));
  ERR("bad cmd", shmctl(priv, 99, &ds));
  OK("SHM_LOCK", shmctl(priv, SHM_LOCK, NULL));
  shmctl(priv, IPC_STAT, &ds);
  BOOL("SHM_LOCKED", ds.shm_perm.mode & SHM_LOCKED);
  OK("SHM_UNLOCK", shmctl(priv, SHM_UNLOCK, NULL));
  shmctl(priv, IPC_STAT, &ds);
  BOOL("SHM_LOCKED after unlock", ds.shm_perm.mode & SHM_LOCKED);
  struct shminfo info;
  BOOL("IPC_INFO", shmctl(0, IPC_INFO, (struct shmid_ds*)&info) >= 0);
  SAY("shmmni %lu shmmin %lu shmseg %lu", (unsigned long)info.shmmni, (unsigned long)info.shmmin,
      (unsigned long)info.shmseg);
  OK("rmid private", shmctl(priv, IPC_RMID, NULL));
  ERR("rmid again", shmctl(priv, IPC_RMID, NULL));
}

// ---- semaphores -------------------------------------------------------------------

static int getval(int id, int n) { return semctl(id, n, GETVAL); }

static int semop1(int id, int num, int op, int flg) {
  struct sembuf b = {(unsigned short)num, (short)op, (short)flg};
  return semop(id, &b, 1);
}

static void show_all(const char* label, int id) {
  unsigned short v[3] = {0};
  union semun u = {.array = v};
  if (semctl(id, 0, GETALL, u) != 0) SAY("%s: %s", label, sc_errname(errno));
  else SAY("%s: %u %u %u", label, v[0], v[1], v[2]);
}

// Polls GETNCNT/GETZCNT until a waiter shows up.
static void wait_for_waiter(int id, int num, int cmd) {
  for (int i = 0; i < 5000 && semctl(id, num, cmd) < 1; ++i) sleep_ms(2);
}

static void test_sem(key_t key) {
  SAY("== sem");
  ERR("get 0 sems", semget(IPC_PRIVATE, 0, IPC_CREAT | 0600));
  ERR("get too many", semget(IPC_PRIVATE, 40000, IPC_CREAT | 0600));
  ERR("get missing", semget(key, 1, 0600));
  int id = semget(key, 3, IPC_CREAT | IPC_EXCL | 0600);
  BOOL("create", id >= 0);
  ERR("get more than created", semget(key, 4, 0600));
  BOOL("get fewer", semget(key, 2, 0600) == id);
  show_all("initial", id);

  unsigned short init[3] = {1, 0, 5};
  union semun u = {.array = init};
  OK("setall", semctl(id, 0, SETALL, u));
  show_all("after setall", id);
  u.val = 40000;
  ERR("setval range", semctl(id, 0, SETVAL, u));
  ERR("getval bad num", semctl(id, 3, GETVAL));
  struct semid_ds ds;
  u.buf = &ds;
  OK("stat", semctl(id, 0, IPC_STAT, u));
  SAY("nsems %lu mode %o otime 0 %d", (unsigned long)ds.sem_nsems, (unsigned)ds.sem_perm.mode & 0777,
      ds.sem_otime == 0);

  ERR("nowait would block", semop1(id, 1, -1, IPC_NOWAIT));
  ERR("nowait zero wait", semop1(id, 2, 0, IPC_NOWAIT));
  OK("decrement", semop1(id, 0, -1, 0));
  VAL("getpid is self", semctl(id, 0, GETPID) == getpid());
  ERR("bad sem num", semop1(id, 7, 1, 0));
  struct sembuf many[501];
  memset(many, 0, sizeof many);
  ERR("too many ops", semop(id, many, 501));
  ERR("no ops", semop(id, many, 0));
  ERR("over semvmx", semop1(id, 2, 32767, 0));
  ERR("bad sops", semop(id, BAD_PTR, 1));
  // All or nothing: the second op would block, so the first is not applied.
  struct sembuf two[2] = {{2, -1, 0}, {1, -1, IPC_NOWAIT}};
  ERR("atomic pair", semop(id, two, 2));
  show_all("unchanged", id);

  struct timespec ts = {0, 50 * 1000000};
  struct sembuf dec1 = {1, -1, 0};
  ERR("timedop times out", semtimedop(id, &dec1, 1, &ts));
  struct timespec bad = {0, 1000000000};
  ERR("timedop bad timeout", semtimedop(id, &dec1, 1, &bad));
  ERR("timedop bad pointer", semtimedop(id, &dec1, 1, BAD_PTR));
  ERR("timedop bad pointer, no ops", semtimedop(id, &dec1, 0, BAD_PTR));
  ERR("semop negative id", semop1(-1, 0, 1, 0));

  // Blocking decrement released by a child.
  pid_t c = fork();
  if (c == 0) {
    wait_for_waiter(id, 1, GETNCNT);
    printf("child: ncnt %d\n", semctl(id, 1, GETNCNT));
    fflush(stdout);
    semop1(id, 1, 1, 0);
    _exit(0);
  }
  OK("blocking decrement", semop1(id, 1, -1, 0));
  VAL("ncnt after", semctl(id, 1, GETNCNT));
  reap("releasing child", c);

  // Waiting for zero, released by a child taking all 5.
  c = fork();
  if (c == 0) {
    wait_for_waiter(id, 2, GETZCNT);
    printf("child: zcnt %d\n", semctl(id, 2, GETZCNT));
    fflush(stdout);
    semop1(id, 2, -5, 0);
    _exit(0);
  }
  OK("wait for zero", semop1(id, 2, 0, 0));
  reap("zeroing child", c);
  show_all("after children", id);

  // SEM_UNDO: the child's adjustments are undone when it exits.
  u.val = 4;
  OK("setval 4", semctl(id, 0, SETVAL, u));
  c = fork();
  if (c == 0) {
    semop1(id, 0, -3, SEM_UNDO);
    semop1(id, 1, 2, SEM_UNDO);
    printf("child: with undo %d %d\n", getval(id, 0), getval(id, 1));
    fflush(stdout);
    _exit(0);
  }
  reap("undo child", c);
  SAY("after undo: %d %d", getval(id, 0), getval(id, 1));
  // A child killed by a signal is undone too; a plain op is not.
  c = fork();
  if (c == 0) {
    semop1(id, 0, -4, SEM_UNDO);
    semop1(id, 1, 3, 0);
    kill(getpid(), SIGKILL);
    _exit(0);
  }
  reap("killed undo child", c);
  SAY("after killed child: %d %d", getval(id, 0), getval(id, 1));

  // A signal interrupts a blocked semop: EINTR (a handler, no restart).
  struct sigaction sa;
  memset(&sa, 0, sizeof sa);
  sa.sa_handler = on_alarm;
  sigaction(SIGALRM, &sa, NULL);
  u.val = 0;
  semctl(id, 1, SETVAL, u);
  arm_alarm_ms(50);
  ERR("interrupted semop", semop1(id, 1, -1, 0));
  // Even with SA_RESTART, semop is not restarted after a handler.
  sa.sa_flags = SA_RESTART;
  sigaction(SIGALRM, &sa, NULL);
  arm_alarm_ms(50);
  ERR("interrupted semop SA_RESTART", semop1(id, 1, -1, 0));

  // Removed while a child waits: EIDRM.
  c = fork();
  if (c == 0) {
    _exit(semop1(id, 1, -1, 0) == 0 ? 0 : errno);
  }
  wait_for_waiter(id, 1, GETNCNT);
  OK("rmid with waiter", semctl(id, 0, IPC_RMID));
  reap_errno("child's waiting semop", c);
  ERR("stat removed", semctl(id, 0, IPC_STAT, u));
  ERR("op on removed", semop1(id, 0, 1, 0));

  struct seminfo si;
  u.__buf = &si;
  BOOL("IPC_INFO", semctl(0, 0, IPC_INFO, u) >= 0);
  SAY("semmsl %d semopm %d semvmx %d semmni %d", si.semmsl, si.semopm, si.semvmx, si.semmni);
}

// ---- message queues ---------------------------------------------------------------

struct msg {
  long type;
  char text[64];
};

static int snd(int id, long type, const char* text, int flg) {
  struct msg m;
  m.type = type;
  strcpy(m.text, text);
  return msgsnd(id, &m, strlen(text), flg);
}

static void rcv(const char* label, int id, size_t size, long type, int flg) {
  struct msg m;
  memset(&m, 0, sizeof m);
  long n = msgrcv(id, &m, size, type, flg);
  if (n < 0) SAY("%s: %s", label, sc_errname(errno));
  else SAY("%s: type %ld \"%.*s\" (%ld)", label, m.type, (int)n, m.text, n);
}

static void test_msg(key_t key) {
  SAY("== msg");
  ERR("get missing", msgget(key, 0600));
  int id = msgget(key, IPC_CREAT | 0600);
  BOOL("create", id >= 0);
  ERR("excl again", msgget(key, IPC_CREAT | IPC_EXCL | 0600));
  BOOL("get same", msgget(key, 0) == id);

  OK("send 3", snd(id, 3, "three", 0));
  OK("send 1a", snd(id, 1, "one-a", 0));
  OK("send 2", snd(id, 2, "two", 0));
  OK("send 1b", snd(id, 1, "one-b", 0));
  ERR("send type 0", snd(id, 0, "x", 0));
  struct msg big;
  big.type = 1;
  ERR("send too big", msgsnd(id, &big, 8193, 0));
  ERR("send bad buffer", msgsnd(id, BAD_PTR, 4, 0));
  struct msqid_ds ds;
  OK("stat", msgctl(id, IPC_STAT, &ds));
  SAY("qnum %lu cbytes %lu qbytes %lu lspid self %d", (unsigned long)ds.msg_qnum,
      (unsigned long)ds.__msg_cbytes, (unsigned long)ds.msg_qbytes, ds.msg_lspid == getpid());

  rcv("type 0", id, 64, 0, 0);
  rcv("type 2", id, 64, 2, 0);
  rcv("type -2", id, 64, -2, 0);
  rcv("except 1", id, 64, 1, MSG_EXCEPT | IPC_NOWAIT);
  rcv("type 1", id, 64, 1, 0);
  rcv("empty nowait", id, 64, 0, IPC_NOWAIT);
  OK("send long", snd(id, 4, "0123456789", 0));
  rcv("too small", id, 4, 0, IPC_NOWAIT);
  rcv("noerror", id, 4, 0, MSG_NOERROR | IPC_NOWAIT);
  rcv("gone", id, 64, 0, IPC_NOWAIT);
  OK("send zero length", snd(id, 9, "", 0));
  rcv("zero length", id, 0, 9, 0);

  // A blocking receive woken by a child's send; the other type stays queued.
  pid_t c = fork();
  if (c == 0) {
    sleep_ms(50);
    snd(id, 5, "five", 0);
    snd(id, 7, "seven", 0);
    _exit(0);
  }
  rcv("blocking type 7", id, 64, 7, 0);
  reap("sender child", c);
  OK("stat", msgctl(id, IPC_STAT, &ds));
  SAY("qnum %lu lrpid self %d", (unsigned long)ds.msg_qnum, ds.msg_lrpid == getpid());
  rcv("leftover", id, 64, 0, IPC_NOWAIT);

  // A full queue: IPC_NOWAIT fails, a blocking send waits for a receiver.
  ds.msg_qbytes = 12;
  OK("set qbytes", msgctl(id, IPC_SET, &ds));
  OK("fill", snd(id, 1, "abcdefghij", 0));
  ERR("full nowait", snd(id, 1, "klm", IPC_NOWAIT));
  c = fork();
  if (c == 0) {
    sleep_ms(50);
    struct msg m;
    msgrcv(id, &m, 64, 0, 0);
    _exit(0);
  }
  OK("blocking send", snd(id, 2, "klm", 0));
  reap("receiver child", c);
  rcv("after blocking send", id, 64, 0, IPC_NOWAIT);

  // EINTR from a handler.
  arm_alarm_ms(50);
  rcv("interrupted msgrcv", id, 64, 0, 0);

  // Removed while a child waits: EIDRM.
  int pfd[2];
  if (pipe(pfd) != 0) return;
  c = fork();
  if (c == 0) {
    close(pfd[0]);
    if (write(pfd[1], "r", 1) != 1) _exit(2);
    struct msg m;
    _exit(msgrcv(id, &m, 64, 0, 0) >= 0 ? 0 : errno);
  }
  close(pfd[1]);
  char b;
  if (read(pfd[0], &b, 1) != 1) SAY("read failed");
  wait_sleeping(c);
  OK("rmid with waiter", msgctl(id, IPC_RMID, NULL));
  reap_errno("child's waiting msgrcv", c);
  ERR("send to removed", snd(id, 1, "x", 0));

  struct msginfo mi;
  BOOL("IPC_INFO", msgctl(0, IPC_INFO, (struct msqid_ds*)&mi) >= 0);
  SAY("msgmax %d msgmnb %d msgmni %d", mi.msgmax, mi.msgmnb, mi.msgmni);
}

// Mode bits against the caller: as root everything is allowed (CAP_IPC_OWNER);
// as another user the same lines give EACCES (run by hand with setpriv).
static void test_perms(void) {
  SAY("== perms (uid 0: %s)", geteuid() == 0 ? "yes" : "no");
  int s = semget(IPC_PRIVATE, 1, IPC_CREAT | 0);
  VAL("getval mode 000", semctl(s, 0, GETVAL));
  ERR("semop mode 000", semop1(s, 0, 1, IPC_NOWAIT));
  OK("rmid own mode 000", semctl(s, 0, IPC_RMID));
  int q = msgget(IPC_PRIVATE, IPC_CREAT | 0400);
  ERR("send to read-only queue", snd(q, 1, "x", IPC_NOWAIT));
  rcv("receive from read-only queue", q, 64, 0, IPC_NOWAIT);
  struct msqid_ds ds;
  OK("stat", msgctl(q, IPC_STAT, &ds));
  ds.msg_perm.uid = 65533;
  OK("give away", msgctl(q, IPC_SET, &ds));
  OK("creator removes", msgctl(q, IPC_RMID, NULL));
  int m = shmget(IPC_PRIVATE, 4096, IPC_CREAT | 0444);
  ERR("attach rw read-only seg", (long)shmat(m, NULL, 0));
  void* r = shmat(m, NULL, SHM_RDONLY);
  BOOL("attach ro", r != (void*)-1);
  if (r != (void*)-1) shmdt(r);
  OK("rmid seg", shmctl(m, IPC_RMID, NULL));
}

int main(void) {
  // Keys unique to this run on the host (native run), fixed under hart-run.
  key_t base = (key_t)(0x48520000 | ((unsigned)getpid() & 0xffff) << 2);
  test_shm(base);
  test_sem(base + 1);
  test_msg(base + 2);
  test_perms();
  SAY("done");
  return 0;
}
