// tests/guest/isa/hwprobe_exec.c — riscv_hwprobe and /proc/cpuinfo describe
// exactly what the hart runs: for every extension of the kernel's uapi
// IMA_EXT_0 list that has an instruction of its own, that instruction is
// executed under a SIGILL handler, and it must run exactly when hwprobe
// reports the extension (no claimed extension traps, no unclaimed one runs);
// Supm's probe is prctl(PR_SET_TAGGED_ADDR_CTRL). Every extension's name
// must be in cpuinfo's isa line exactly when hwprobe reports it (Supm shows
// as ssnpm there, as Linux prints it). Nothing here says which extensions
// the hart has: execution decides. Hints that run as no-ops everywhere
// (Zihintntl, Zihintpause, Zicbop's prefetches) are executed but must be
// reported. Prints "PASS hwprobe_exec", or one line per disagreement and
// "FAIL hwprobe_exec <n>" (exit n).
//
// The instruction words were assembled by binutils 2.47 (the host's 2.40
// knows few of these extensions); registers: t0/t2 scratch, t1 and a4 a
// 64-byte aligned buffer, ft0/fa5, v8..v13 (this rv64gc program keeps
// nothing in vector registers, so they are not named as clobbers).
#include <setjmp.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#define W(x) ".4byte " #x "\n"
#define H(x) ".2byte " #x "\n"
// vsetivli zero, N, ...: the vtype each vector probe needs first.
#define E32M1 W(0xcd027057)   // vl 4, e32, m1
#define E64M1 W(0xcd827057)   // vl 4, e64, m1
#define E64M2 W(0xcd927057)   // vl 4, e64, m2
#define E32M2 W(0xcd147057)   // vl 8, e32, m2
#define E16MF2 W(0xccf27057)  // vl 4, e16, mf2
#define E16M1 W(0xcc827057)   // vl 4, e16, m1

struct ext {
  const char* name;  // as cpuinfo prints it (NULL: not in cpuinfo)
  int key;           // 4: IMA_EXT_0, 16: IMA_EXT_1
  int bit;
  int probe;         // index into run_probe's switch, 0: none
};

// The kernel's uapi asm/hwprobe.h (Linux 7.2) bit numbers.
static const struct ext kExts[] = {
    {"f", 4, 0, 1},          {"d", 4, 0, 1},          {"c", 4, 1, 2},
    {"v", 4, 2, 3},          {"zba", 4, 3, 4},        {"zbb", 4, 4, 5},
    {"zbs", 4, 5, 6},        {"zicboz", 4, 6, 7},     {"zbc", 4, 7, 8},
    {"zbkb", 4, 8, 9},       {"zbkc", 4, 9, 10},      {"zbkx", 4, 10, 11},
    {"zknd", 4, 11, 12},     {"zkne", 4, 12, 13},     {"zknh", 4, 13, 14},
    {"zksed", 4, 14, 15},    {"zksh", 4, 15, 16},     {"zkt", 4, 16, 0},
    {"zvbb", 4, 17, 17},     {"zvbc", 4, 18, 18},     {"zvkb", 4, 19, 19},
    {"zvkg", 4, 20, 20},     {"zvkned", 4, 21, 21},   {"zvknha", 4, 22, 22},
    {"zvknhb", 4, 23, 23},   {"zvksed", 4, 24, 24},   {"zvksh", 4, 25, 25},
    {"zvkt", 4, 26, 0},      {"zfh", 4, 27, 26},      {"zfhmin", 4, 28, 27},
    {"zihintntl", 4, 29, 28}, {"zvfh", 4, 30, 29},    {"zvfhmin", 4, 31, 30},
    {"zfa", 4, 32, 31},      {"ztso", 4, 33, 0},      {"zacas", 4, 34, 32},
    {"zicond", 4, 35, 33},   {"zihintpause", 4, 36, 34}, {"zve32x", 4, 37, 35},
    {"zve32f", 4, 38, 36},   {"zve64x", 4, 39, 37},   {"zve64f", 4, 40, 36},
    {"zve64d", 4, 41, 38},   {"zimop", 4, 42, 39},    {"zca", 4, 43, 40},
    {"zcb", 4, 44, 41},      {"zcd", 4, 45, 42},      {"zcmop", 4, 47, 43},
    {"zawrs", 4, 48, 44},    {"ssnpm", 4, 49, 45},    {"zicntr", 4, 50, 46},
    {"zihpm", 4, 51, 47},    {"zfbfmin", 4, 52, 48},  {"zvfbfmin", 4, 53, 49},
    {"zvfbfwma", 4, 54, 50}, {"zicbom", 4, 55, 51},   {"zaamo", 4, 56, 52},
    {"zalrsc", 4, 57, 53},   {"zabha", 4, 58, 54},    {"zalasr", 4, 59, 55},
    {"zicbop", 4, 60, 56},   {"zicfilp", 4, 63, 0},   {"zicfiss", 16, 0, 0},
};

static sigjmp_buf jump;
static void on_sigill(int sig) {
  (void)sig;
  siglongjmp(jump, 1);
}

static uint64_t buf[8] __attribute__((aligned(64)));

// Executes probe n (SIGILL leaves it through on_sigill); -1: no such probe.
static __attribute__((noinline)) int exec_probe(int n) {
  register uint64_t* t1 __asm__("t1") = buf;
  register uint64_t* a4 __asm__("a4") = buf;
#define P(n, code)                                                                                     \
  case n:                                                                                              \
    __asm__ volatile(code : "+r"(t1), "+r"(a4)::"t0", "t2", "a5", "ft0", "fa5", "memory");           \
    break;
  switch (n) {
    P(1, W(0x02007053))                // fadd.d ft0, ft0, ft0
    P(2, H(0x0001) H(0x0001))          // c.nop; c.nop
    P(3, E32M1)                        // vsetivli
    P(4, W(0x2052a2b3))                // sh1add t0, t0, t0
    P(5, W(0x60029293))                // clz t0, t0
    P(6, W(0x285292b3))                // bset t0, t0, t0
    P(7, W(0x0043200f))                // cbo.zero (t1)
    P(8, W(0x0a52a2b3))                // clmulr t0, t0, t0 (Zbc, not Zbkc)
    P(9, W(0x0852c2b3))                // pack t0, t0, t0
    P(10, W(0x0a52b2b3))               // clmulh t0, t0, t0
    P(11, W(0x2852c2b3))               // xperm8 t0, t0, t0
    P(12, W(0x3a5282b3))               // aes64ds t0, t0, t0
    P(13, W(0x325282b3))               // aes64es t0, t0, t0
    P(14, W(0x10229293))               // sha256sig0 t0, t0
    P(15, W(0x305282b3))               // sm4ed t0, t0, t0, 0
    P(16, W(0x10829293))               // sm3p0 t0, t0
    P(17, E32M1 W(0x4a862457))         // vclz.v v8, v8 (Zvbb, not Zvkb)
    P(18, E64M1 W(0x32842457))         // vclmul.vv v8, v8, v8
    P(19, E32M1 W(0x06840457))         // vandn.vv v8, v8, v8
    P(20, E32M1 W(0xb2952477))         // vghsh.vv v8, v9, v10
    P(21, E32M1 W(0xa693a477))         // vaesz.vs v8, v9
    P(22, E32M1 W(0xb6952477))         // vsha2ms.vv v8, v9, v10 (SEW 32)
    P(23, E64M2 W(0xb6a62477))         // vsha2ms.vv v8, v10, v12 (SEW 64: Zvknhb)
    P(24, E32M1 W(0x86902477))         // vsm4k.vi v8, v9, 0
    P(25, E32M2 W(0x82a62477))         // vsm3me.vv v8, v10, v12
    P(26, W(0x04007053))               // fadd.h ft0, ft0, ft0
    P(27, W(0x40200053))               // fcvt.s.h ft0, ft0
    P(28, W(0x00200033) H(0x900a))     // ntl.p1; c.ntl.p1
    P(29, E16M1 W(0x02841457))         // vfadd.vv v8, v8, v8 (SEW 16)
    P(30, E16MF2 W(0x4a961457))        // vfwcvt.f.f.v v8, v9 (SEW 16)
    P(31, W(0xf2180053))               // fli.d ft0, 1.0
    P(32, W(0x287322af))               // amocas.w t0, t2, (t1)
    P(33, W(0x0e52d2b3))               // czero.eqz t0, t0, t0
    P(34, W(0x0100000f))               // pause
    P(35, E32M1 W(0x02840457))         // vadd.vv v8, v8, v8 (SEW 32)
    P(36, E32M1 W(0x02841457))         // vfadd.vv v8, v8, v8 (SEW 32)
    P(37, E64M1 W(0x02840457))         // vadd.vv v8, v8, v8 (SEW 64)
    P(38, E64M1 W(0x02841457))         // vfadd.vv v8, v8, v8 (SEW 64)
    P(39, W(0x81c2c2f3))               // mop.r.0 t0, t0
    P(40, H(0x0285) H(0x0001))         // c.addi t0, 1; c.nop
    P(41, H(0x9fe1) H(0x0001))         // c.zext.b a5; c.nop
    P(42, H(0x231c) H(0x0001))         // c.fld fa5, 0(a4); c.nop
    P(43, H(0x6081) H(0x0001))         // c.mop.1; c.nop
    P(44, W(0x00d00073))               // wrs.nto
    P(46, W(0xc00022f3) W(0xc01022f3) W(0xc02022f3))  // rdcycle, rdtime, rdinstret t0
    P(47, W(0xc03022f3))               // csrr t0, hpmcounter3
    P(48, W(0x44807053))               // fcvt.bf16.s ft0, ft0
    P(49, E16MF2 W(0x4aae9457))        // vfncvtbf16.f.f.w v8, v10
    P(50, E16MF2 W(0xeea49457))        // vfwmaccbf16.vv v8, v9, v10
    P(51, W(0x0013200f))               // cbo.clean (t1)
    P(52, W(0x007322af))               // amoadd.w t0, t2, (t1)
    P(53, W(0x100322af) W(0x187322af)) // lr.w t0, (t1); sc.w t0, t2, (t1)
    P(54, W(0x007302af))               // amoadd.b t0, t2, (t1)
    P(55, W(0x340302af))               // lb.aq t0, (t1)
    P(56, W(0x00136013))               // prefetch.r 0(t1)
    case 45: {                         // Supm: the tagged-address prctl with PMLEN 7
      if (prctl(55 /* PR_SET_TAGGED_ADDR_CTRL */, 7L << 24, 0, 0, 0) != 0) return 0;
      prctl(55, 0L, 0, 0, 0);
      break;
    }
    default:
      return -1;
  }
#undef P
  return 1;
}

// Runs probe n; 1 when it executed, 0 when it raised SIGILL.
static int run_probe(int n) {
  memset(buf, 0, sizeof buf);
  if (sigsetjmp(jump, 1)) return 0;
  return exec_probe(n);
}

struct pair {
  int64_t key;
  uint64_t value;
};

int main(void) {
  struct sigaction sa;
  memset(&sa, 0, sizeof sa);
  sa.sa_handler = on_sigill;
  sigaction(SIGILL, &sa, NULL);
  struct pair p[2] = {{4, 0}, {16, 0}};
  // (a kernel before IMA_EXT_1 clears its key: nothing of it is reported)
  if (syscall(258, p, 2, 0, NULL, 0) != 0 || p[0].key != 4 || (p[1].key != 16 && p[1].key != -1)) {
    printf("FAIL hwprobe_exec 1\n");
    return 1;
  }
  char isa[2048] = "";
  FILE* f = fopen("/proc/cpuinfo", "r");
  if (f) {
    char line[2048];
    while (fgets(line, sizeof line, f))
      if (!strncmp(line, "isa\t", 4)) {
        char* s = strstr(line, ": rv64");
        if (s) snprintf(isa, sizeof isa, "%s", s + 6);
        break;
      }
    fclose(f);
  }
  if (!isa[0]) {
    printf("FAIL hwprobe_exec 2\n");
    return 2;
  }
  isa[strcspn(isa, "\n")] = 0;
  const char* letters_end = strchr(isa, '_');
  size_t nletters = letters_end ? (size_t)(letters_end - isa) : strlen(isa);
  int bad = 0;
  for (size_t i = 0; i < sizeof kExts / sizeof kExts[0]; ++i) {
    const struct ext* e = &kExts[i];
    int reported = (int)((e->key == 4 ? p[0].value : p[1].value) >> e->bit & 1);
    if (e->probe) {
      int ran = run_probe(e->probe);
      if (ran != reported) {
        printf("%s: hwprobe says %d, its instruction %s\n", e->name, reported, ran ? "runs" : "traps");
        ++bad;
      }
    }
    int listed;
    if (strlen(e->name) == 1) {
      listed = memchr(isa, e->name[0], nletters) != NULL;
    } else {
      char token[64];
      snprintf(token, sizeof token, "_%s_", e->name);
      char padded[2100];
      snprintf(padded, sizeof padded, "%s_", isa);
      listed = strstr(padded, token) != NULL;
    }
    if (listed != reported) {
      printf("%s: hwprobe says %d, cpuinfo %s\n", e->name, reported, listed ? "lists it" : "does not");
      ++bad;
    }
  }
  if (bad) {
    printf("FAIL hwprobe_exec %d\n", 10 + bad);
    return 10 + bad;
  }
  printf("PASS hwprobe_exec\n");
  return 0;
}
