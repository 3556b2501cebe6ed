// tests/guest/isa/hwprobe.c — what the hart says it implements:
// riscv_hwprobe (syscall 258) keys BASE_BEHAVIOR, IMA_EXT_0 (the exact bit
// set of the extensions the translator runs, with the kernel's uapi bit
// numbers), IMA_EXT_1, the ZICBOZ/ZICBOM/ZICBOP block sizes, the
// misaligned-access keys and an unknown key; the RISCV_HWPROBE_WHICH_CPUS
// form (which CPUs have these values) and its errors; the isa line of
// /proc/cpuinfo (Supm itself: tests/guest/isa/supm.c; that each reported
// extension runs and each other one traps: hwprobe_exec.c). Prints
// "PASS hwprobe" or "FAIL hwprobe <n>" (exit n).
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

struct pair {
  int64_t key;
  uint64_t value;
};

static int fail(int n) {
  printf("FAIL hwprobe %d\n", n);
  return n;
}

int main(void) {
  // uapi asm/hwprobe.h: IMA_FD 0, IMA_C 1, ZBA 3, ZBB 4, ZBS 5, ZICBOZ 6, ZBC 7,
  // ZIHINTNTL 29, ZICOND 35, ZIHINTPAUSE 36, ZIMOP 42, ZCA 43, ZCB 44,
  // ZCD 45, ZCMOP 47, ZAWRS 48; V: IMA_V 2, ZVE32X 37, ZVE32F 38, ZVE64X 39,
  // ZVE64F 40, ZVE64D 41; ZVBB 17, ZVBC 18, ZVKB 19, ZVKG 20, ZVKNED 21,
  // ZVKNHA 22, ZVKNHB 23, ZVKT 26, ZVFH 30, ZVFHMIN 31.
  // ZBKC 9 (clmul/clmulh, Zbc's half), ZICNTR 50, ZICBOP 60
  const uint64_t want = 1ull << 0 | 1ull << 1 | 1ull << 3 | 1ull << 4 | 1ull << 5 | 1ull << 6 | 1ull << 7 |
                        1ull << 9 | 1ull << 50 | 1ull << 60 |
                        1ull << 29 | 1ull << 35 | 1ull << 36 | 1ull << 42 | 1ull << 43 |
                        1ull << 44 | 1ull << 45 | 1ull << 47 | 1ull << 48 |
                        // the RVA23 scalar group: ZKT 16, ZFH 27, ZFHMIN 28, ZFA 32, ZACAS 34,
                        // ZICBOM 55, ZAAMO 56, ZALRSC 57, ZABHA 58, SUPM 49
                        1ull << 16 | 1ull << 27 | 1ull << 28 | 1ull << 32 | 1ull << 34 |
                        1ull << 55 | 1ull << 56 | 1ull << 57 | 1ull << 58 | 1ull << 49 |
                        // V: IMA_V 2, ZVE32X 37, ZVE32F 38, ZVE64X 39, ZVE64F 40, ZVE64D 41
                        (1ull << 2 | 1ull << 37 | 1ull << 38 | 1ull << 39 | 1ull << 40 | 1ull << 41) |
                        // vector bit-manipulation and crypto
                        (1ull << 17 | 1ull << 18 | 1ull << 19 | 1ull << 20 | 1ull << 21 | 1ull << 22 | 1ull << 23 |
                         1ull << 26 | 1ull << 30 | 1ull << 31);
  struct pair p[9] = {{3, 0}, {4, 0}, {6, 0}, {12345, 0}, {12, 0}, {15, 0}, {16, 7}, {10, 9}, {9, 9}};
  if (syscall(258, p, 9, 0, NULL, 0) != 0) return fail(1);
  if (p[0].key != 3 || p[0].value != 1) return fail(2);  // BASE_BEHAVIOR_IMA
  if (p[1].key != 4 || p[1].value != want) {
    printf("IMA_EXT_0 0x%llx, want 0x%llx\n", (unsigned long long)p[1].value, (unsigned long long)want);
    return fail(3);
  }
  if (p[2].key != 6 || p[2].value != 64) return fail(4);  // Zicboz block size
  if (p[3].key != -1 || p[3].value != 0) return fail(5);  // unknown key
  if (p[4].key != 12 || p[4].value != 64) return fail(9);  // Zicbom block size
  if (p[5].key != 15 || p[5].value != 64) return fail(10);  // Zicbop block size
  if (p[6].key != 16 || p[6].value != 0) return fail(11);   // IMA_EXT_1: no Zicfiss
  if (p[7].key != 10 || p[7].value != 0) return fail(12);   // vector misaligned: unknown
  if (p[8].key != 9 || p[8].value != 0) return fail(13);    // scalar misaligned: unknown
  // Flags other than WHICH_CPUS (1), and WHICH_CPUS without a CPU set.
  if (syscall(258, p, 1, 0, NULL, 2) != -1 || errno != EINVAL) return fail(14);
  if (syscall(258, p, 1, 0, NULL, 1) != -1 || errno != EINVAL) return fail(15);
  unsigned char cpus[8];
  if (syscall(258, p, 1, sizeof cpus, (void*)8, 0) != -1 || errno != EFAULT) return fail(16);
  // WHICH_CPUS: every CPU has Zba|Zbb|V (a subset of IMA_EXT_0), and an
  // empty set means all online CPUs (at least CPU 0).
  struct pair q[2] = {{4, 1ull << 2 | 1ull << 3 | 1ull << 4}, {6, 64}};
  memset(cpus, 0, sizeof cpus);
  if (syscall(258, q, 2, sizeof cpus, cpus, 1) != 0 || !(cpus[0] & 1)) return fail(17);
  memset(cpus, 0, sizeof cpus);
  cpus[0] = 1;
  if (syscall(258, q, 2, sizeof cpus, cpus, 1) != 0 || cpus[0] != 1) return fail(18);
  q[1].value = 128;  // a block size no CPU has
  if (syscall(258, q, 2, sizeof cpus, cpus, 1) != 0 || cpus[0] != 0) return fail(19);
  struct pair r[2] = {{4, 1ull << 11 /* Zknd */}, {3, 1}};
  cpus[0] = 1;
  if (syscall(258, r, 2, sizeof cpus, cpus, 1) != 0 || cpus[0] != 0) return fail(20);
  struct pair u[1] = {{12345, 0}};  // an unknown key: no CPU, and the key cleared
  cpus[0] = 1;
  if (syscall(258, u, 1, sizeof cpus, cpus, 1) != 0 || cpus[0] != 0 || u[0].key != -1) return fail(21);
  FILE* f = fopen("/proc/cpuinfo", "r");
  if (!f) return fail(6);
  char line[512];
  int found = 0;
  while (fgets(line, sizeof line, f))
    if (!strncmp(line, "isa", 3)) {
      found = 1;
      if (!strstr(line, ": rv64imafdcv_zicbom_zicbop_zicboz_zicntr_zicond_zicsr_zifencei_zihintntl_zihintpause_"
                        "zimop_zaamo_zabha_zacas_zalrsc_zawrs_zfa_zfh_zfhmin_zca_zcb_zcd_zcmop_zba_zbb_zbc_zbkc_zbs_"
                        "zkt_zvbb_zvbc_zve32f_zve32x_zve64d_zve64f_zve64x_zvfh_zvfhmin_zvkb_zvkg_zvkned_zvknha_zvknhb_zvkt_ssnpm\n")) {
        printf("%s", line);
        return fail(7);
      }
    }
  fclose(f);
  if (!found) return fail(8);
  printf("PASS hwprobe\n");
  return 0;
}
