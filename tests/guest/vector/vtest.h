// tests/guest/vector/vtest.h — harness for the V 1.0 guest tests: every
// case loads all 32 vector registers from a pattern (regs_in), clears
// vxsat and fflags, sets vtype/vl with vsetvli, runs one instruction (or a
// short sequence) given as assembler text, then stores all 32 registers
// and prints vl, vxsat, fflags, the destination group's bytes (v8..) and a
// hash of the whole register file. The output is compared with
// qemu-riscv64 -cpu rv64,v=true,vlen=128,vext_spec=v1.0 (compare_qemu.py).
// Register conventions of the cases: destination v8 (group up to v15),
// sources v16 (vs2) and v24 (vs1), mask v0; scalar operands a0 / fa0.
// Built with -march=rv64gcv (binutils 2.40 knows the V 1.0 mnemonics).
#pragma once
#include <stdint.h>
#include <stdio.h>
#include <string.h>

static uint8_t regs_in[512] __attribute__((aligned(16)));
static uint8_t regs_out[512] __attribute__((aligned(16)));
__attribute__((unused)) static uint64_t x_arg = 0x8000000000000003ull;
__attribute__((unused)) static double f_arg = 1.5;

// Pseudo-random bytes (xorshift), deterministic.
__attribute__((unused)) static void fill_int(uint64_t seed) {
  uint64_t x = seed * 0x9e3779b97f4a7c15ull + 1;
  for (int i = 0; i < 512; ++i) {
    x ^= x << 13, x ^= x >> 7, x ^= x << 17;
    regs_in[i] = (uint8_t)x;
  }
  // Some edge values for saturation/overflow in v16 and v24.
  for (int k = 0; k < 4; ++k) {
    regs_in[16 * 16 + k] = 0x7f, regs_in[24 * 16 + k] = (uint8_t)(k & 1 ? 0x80 : 0x7f);
  }
}
static const uint32_t kF32[] = {0x3f800000, 0xbf800000, 0x7f800000, 0xff800000, 0x7fc00000, 0x7fa00000,
                                0x00000001, 0x80000000, 0x00000000, 0x7f7fffff, 0x40490fdb, 0xc2c80000,
                                0x3eaaaaab, 0x4b000001, 0xcf000000, 0x5f000000, 0x00800000, 0x3dcccccd};
static const uint64_t kF64[] = {0x3ff0000000000000, 0xbff0000000000000, 0x7ff0000000000000, 0xfff0000000000000,
                                0x7ff8000000000000, 0x7ff4000000000000, 0x0000000000000001, 0x8000000000000000,
                                0x7fefffffffffffff, 0x400921fb54442d18, 0xc059000000000000, 0x3fd5555555555555,
                                0x43e0000000000000, 0xc3e0000000000001, 0x4330000000000001, 0x3fb999999999999a};
__attribute__((unused)) static void fill_f32(unsigned rot) {
  uint32_t w[128];
  for (unsigned i = 0; i < 128; ++i) w[i] = kF32[(i * 7 + rot + i / 16) % (sizeof kF32 / 4)];
  memcpy(regs_in, w, 512);
  memset(regs_in, 0x55, 16);  // v0: mask 01010101...
}
__attribute__((unused)) static void fill_f64(unsigned rot) {
  uint64_t w[64];
  for (unsigned i = 0; i < 64; ++i) w[i] = kF64[(i * 5 + rot + i / 8) % (sizeof kF64 / 8)];
  memcpy(regs_in, w, 512);
  memset(regs_in, 0xa5, 16);
}

static uint64_t fnv(const uint8_t* p, size_t n) {
  uint64_t h = 0xcbf29ce484222325ull;
  for (size_t i = 0; i < n; ++i) h = (h ^ p[i]) * 0x100000001b3ull;
  return h;
}

__attribute__((unused)) static void report(const char* what, uint64_t vl, uint64_t sat, uint64_t ff) {
  printf("%-44s vl=%-3lu sat=%lu ff=%02lx v8=", what, (unsigned long)vl, (unsigned long)sat, (unsigned long)ff);
  for (int i = 0; i < 32; ++i) printf("%02x", regs_out[8 * 16 + i]);
  printf(" h=%016lx\n", (unsigned long)fnv(regs_out, 512));
}

#define V_LOAD_ALL                                                                      \
  "vl8re8.v v0, (%[in])\n addi t1, %[in], 128\n vl8re8.v v8, (t1)\n"                  \
  "addi t1, %[in], 256\n vl8re8.v v16, (t1)\n addi t1, %[in], 384\n vl8re8.v v24, (t1)\n"
#define V_STORE_ALL                                                                     \
  "vs8r.v v0, (%[out])\n addi t1, %[out], 128\n vs8r.v v8, (t1)\n"                     \
  "addi t1, %[out], 256\n vs8r.v v16, (t1)\n addi t1, %[out], 384\n vs8r.v v24, (t1)\n"

// One case: vtype text ("e32,m1,tu,mu"), AVL, instruction text.
#define T(vt, avl_, insn)                                                                \
  do {                                                                                  \
    uint64_t vl_, sat_, ff_;                                                            \
    register uint64_t a0_ asm("a0") = x_arg;                                            \
    register double fa0_ asm("fa0") = f_arg;                                            \
    __asm__ volatile(V_LOAD_ALL "csrwi vxsat, 0\n fsflags zero\n"                     \
                     "vsetvli t0, %[avl], " vt "\n" insn "\n"                         \
                     "csrr %[vl], vl\n csrr %[sat], vxsat\n frflags %[ff]\n" V_STORE_ALL \
                     : [vl] "=&r"(vl_), [sat] "=&r"(sat_), [ff] "=&r"(ff_)              \
                     : [in] "r"(regs_in), [out] "r"(regs_out), [avl] "r"((uint64_t)(avl_)), \
                       "r"(a0_), "f"(fa0_)                                              \
                     : "t0", "t1", "t2", "memory");                                         \
    report(vt " " insn, vl_, sat_, ff_);                                                \
  } while (0)

// The same case for several vtypes.
#define T_INT(avl, insn)              \
  T("e8,m1,tu,mu", avl, insn);        \
  T("e16,m2,tu,mu", avl, insn);       \
  T("e32,m1,ta,ma", avl, insn);       \
  T("e64,m1,tu,mu", avl, insn);       \
  T("e8,mf2,tu,mu", avl, insn)
