// tests/guest/vector/vcrypto.c — the vector crypto extensions against
// known answers and QEMU 10: AES-128 and AES-256 (FIPS-197 appendix C:
// key schedules with vaeskf1/vaeskf2, rounds with vaesz/vaesem/vaesef and
// vaesdm/vaesdf in .vv and .vs forms, two blocks at once at LMUL 2),
// SHA-256 and SHA-512 (FIPS 180-4: vsha2ms/vsha2ch/vsha2cl at SEW 32 and
// at SEW 64 with LMUL 2), AES-GCM (the GCM spec's test case 4: CTR mode
// and GHASH with vghsh, vgmul checked against it); then each instruction
// on pattern data (several LMUL, vl below VLMAX, vstart at an element
// group) and the reserved encodings (SEW, LMUL*VLEN < EGW, vl or vstart
// not a multiple of 4, the overlaps the spec reserves), printing SIGILL.
// Prints each result and "PASS vcrypto"/"FAIL vcrypto <what>"; the whole
// output must equal QEMU 10's (compare_qemu.py) and the known answers.
#include <setjmp.h>
#include <signal.h>
#include <stdlib.h>

#include "vk_insn.h"
#include "vtest.h"

// FIPS 180-4 constants (generated from the primes' roots).
static const uint32_t kK256[64] = {
    0x428a2f98u, 0x71374491u, 0xb5c0fbcfu, 0xe9b5dba5u, 0x3956c25bu, 0x59f111f1u,
    0x923f82a4u, 0xab1c5ed5u, 0xd807aa98u, 0x12835b01u, 0x243185beu, 0x550c7dc3u,
    0x72be5d74u, 0x80deb1feu, 0x9bdc06a7u, 0xc19bf174u, 0xe49b69c1u, 0xefbe4786u,
    0x0fc19dc6u, 0x240ca1ccu, 0x2de92c6fu, 0x4a7484aau, 0x5cb0a9dcu, 0x76f988dau,
    0x983e5152u, 0xa831c66du, 0xb00327c8u, 0xbf597fc7u, 0xc6e00bf3u, 0xd5a79147u,
    0x06ca6351u, 0x14292967u, 0x27b70a85u, 0x2e1b2138u, 0x4d2c6dfcu, 0x53380d13u,
    0x650a7354u, 0x766a0abbu, 0x81c2c92eu, 0x92722c85u, 0xa2bfe8a1u, 0xa81a664bu,
    0xc24b8b70u, 0xc76c51a3u, 0xd192e819u, 0xd6990624u, 0xf40e3585u, 0x106aa070u,
    0x19a4c116u, 0x1e376c08u, 0x2748774cu, 0x34b0bcb5u, 0x391c0cb3u, 0x4ed8aa4au,
    0x5b9cca4fu, 0x682e6ff3u, 0x748f82eeu, 0x78a5636fu, 0x84c87814u, 0x8cc70208u,
    0x90befffau, 0xa4506cebu, 0xbef9a3f7u, 0xc67178f2u,
};
static const uint32_t kH256[8] = {
    0x6a09e667u, 0xbb67ae85u, 0x3c6ef372u, 0xa54ff53au, 0x510e527fu, 0x9b05688cu,
    0x1f83d9abu, 0x5be0cd19u,
};
static const uint64_t kK512[80] = {
    0x428a2f98d728ae22ull, 0x7137449123ef65cdull, 0xb5c0fbcfec4d3b2full, 0xe9b5dba58189dbbcull,
    0x3956c25bf348b538ull, 0x59f111f1b605d019ull, 0x923f82a4af194f9bull, 0xab1c5ed5da6d8118ull,
    0xd807aa98a3030242ull, 0x12835b0145706fbeull, 0x243185be4ee4b28cull, 0x550c7dc3d5ffb4e2ull,
    0x72be5d74f27b896full, 0x80deb1fe3b1696b1ull, 0x9bdc06a725c71235ull, 0xc19bf174cf692694ull,
    0xe49b69c19ef14ad2ull, 0xefbe4786384f25e3ull, 0x0fc19dc68b8cd5b5ull, 0x240ca1cc77ac9c65ull,
    0x2de92c6f592b0275ull, 0x4a7484aa6ea6e483ull, 0x5cb0a9dcbd41fbd4ull, 0x76f988da831153b5ull,
    0x983e5152ee66dfabull, 0xa831c66d2db43210ull, 0xb00327c898fb213full, 0xbf597fc7beef0ee4ull,
    0xc6e00bf33da88fc2ull, 0xd5a79147930aa725ull, 0x06ca6351e003826full, 0x142929670a0e6e70ull,
    0x27b70a8546d22ffcull, 0x2e1b21385c26c926ull, 0x4d2c6dfc5ac42aedull, 0x53380d139d95b3dfull,
    0x650a73548baf63deull, 0x766a0abb3c77b2a8ull, 0x81c2c92e47edaee6ull, 0x92722c851482353bull,
    0xa2bfe8a14cf10364ull, 0xa81a664bbc423001ull, 0xc24b8b70d0f89791ull, 0xc76c51a30654be30ull,
    0xd192e819d6ef5218ull, 0xd69906245565a910ull, 0xf40e35855771202aull, 0x106aa07032bbd1b8ull,
    0x19a4c116b8d2d0c8ull, 0x1e376c085141ab53ull, 0x2748774cdf8eeb99ull, 0x34b0bcb5e19b48a8ull,
    0x391c0cb3c5c95a63ull, 0x4ed8aa4ae3418acbull, 0x5b9cca4f7763e373ull, 0x682e6ff3d6b2b8a3ull,
    0x748f82ee5defb2fcull, 0x78a5636f43172f60ull, 0x84c87814a1f0ab72ull, 0x8cc702081a6439ecull,
    0x90befffa23631e28ull, 0xa4506cebde82bde9ull, 0xbef9a3f7b2c67915ull, 0xc67178f2e372532bull,
    0xca273eceea26619cull, 0xd186b8c721c0c207ull, 0xeada7dd6cde0eb1eull, 0xf57d4f7fee6ed178ull,
    0x06f067aa72176fbaull, 0x0a637dc5a2c898a6ull, 0x113f9804bef90daeull, 0x1b710b35131c471bull,
    0x28db77f523047d84ull, 0x32caab7b40c72493ull, 0x3c9ebe0a15c9bebcull, 0x431d67c49c100d4cull,
    0x4cc5d4becb3e42b6ull, 0x597f299cfc657e2aull, 0x5fcb6fab3ad6faecull, 0x6c44198c4a475817ull,
};
static const uint64_t kH512[8] = {
    0x6a09e667f3bcc908ull, 0xbb67ae8584caa73bull, 0x3c6ef372fe94f82bull, 0xa54ff53a5f1d36f1ull,
    0x510e527fade682d1ull, 0x9b05688c2b3e6c1full, 0x1f83d9abfb41bd6bull, 0x5be0cd19137e2179ull,
};

static int failures;
static void hex(const uint8_t* p, size_t n, char* out) {
  for (size_t i = 0; i < n; ++i) sprintf(out + 2 * i, "%02x", p[i]);
}
static void check(const char* what, const uint8_t* got, size_t n, const char* want) {
  char buf[256];
  hex(got, n, buf);
  printf("%-24s %s\n", what, buf);
  if (strcmp(buf, want) != 0) {
    printf("FAIL vcrypto %s: want %s\n", what, want);
    ++failures;
  }
}
static void unhex(const char* s, uint8_t* out) {
  for (size_t i = 0; s[2 * i]; ++i) {
    unsigned v;
    sscanf(s + 2 * i, "%2x", &v);
    out[i] = (uint8_t)v;
  }
}

// One instruction: vd = v8 from d, vs2 = v16 from s2, vs1 = v24 from s1
// (vl elements of the vtype's SEW each); v8 is stored back to d.
#define RUN32(vt, n, insn, d, s2, s1)                                                         \
  __asm__ volatile("vsetvli t0, %[vl], " vt "\n vle32.v v8, (%[pd])\n vle32.v v16, (%[p2])\n" \
                   "vle32.v v24, (%[p1])\n" insn "vse32.v v8, (%[pd])\n"                       \
                   :                                                                          \
                   : [pd] "r"(d), [p2] "r"(s2), [p1] "r"(s1), [vl] "r"((uint64_t)(n))           \
                   : "t0", "memory")
#define RUN64(vt, n, insn, d, s2, s1)                                                         \
  __asm__ volatile("vsetvli t0, %[vl], " vt "\n vle64.v v8, (%[pd])\n vle64.v v16, (%[p2])\n" \
                   "vle64.v v24, (%[p1])\n" insn "vse64.v v8, (%[pd])\n"                       \
                   :                                                                          \
                   : [pd] "r"(d), [p2] "r"(s2), [p1] "r"(s1), [vl] "r"((uint64_t)(n))           \
                   : "t0", "memory")
#define M1 "e32,m1,ta,ma"

// ---- AES ----
static uint8_t rk[16][16] __attribute__((aligned(16)));

static void aes128_schedule(const uint8_t key[16]) {
  memcpy(rk[0], key, 16);
#define KF1(i) RUN32(M1, 4, VAESKF1_VI(8, 16, i), rk[i], rk[i - 1], rk[i - 1])
  KF1(1); KF1(2); KF1(3); KF1(4); KF1(5); KF1(6); KF1(7); KF1(8); KF1(9); KF1(10);
}
static void aes256_schedule(const uint8_t key[32]) {
  memcpy(rk[0], key, 32);
  // vaeskf2: vd holds round key i-2 on entry.
#define KF2R(i) memcpy(rk[i], rk[i - 2], 16); RUN32(M1, 4, VAESKF2_VI(8, 16, i), rk[i], rk[i - 1], rk[i - 1])
  KF2R(2); KF2R(3); KF2R(4); KF2R(5); KF2R(6); KF2R(7); KF2R(8);
  KF2R(9); KF2R(10); KF2R(11); KF2R(12); KF2R(13); KF2R(14);
}
// .vs forms for even rounds, .vv for odd ones.
static void aes_encrypt(uint8_t st[16], int rounds) {
  RUN32(M1, 4, VAESZ_VS(8, 16), st, rk[0], rk[0]);
  for (int r = 1; r < rounds; ++r) {
    if (r & 1) RUN32(M1, 4, VAESEM_VV(8, 16), st, rk[r], rk[r]);
    else RUN32(M1, 4, VAESEM_VS(8, 16), st, rk[r], rk[r]);
  }
  RUN32(M1, 4, VAESEF_VS(8, 16), st, rk[rounds], rk[rounds]);
}
static void aes_decrypt(uint8_t st[16], int rounds) {
  RUN32(M1, 4, VAESZ_VS(8, 16), st, rk[rounds], rk[rounds]);
  for (int r = rounds - 1; r > 0; --r) {
    if (r & 1) RUN32(M1, 4, VAESDM_VS(8, 16), st, rk[r], rk[r]);
    else RUN32(M1, 4, VAESDM_VV(8, 16), st, rk[r], rk[r]);
  }
  RUN32(M1, 4, VAESDF_VV(8, 16), st, rk[0], rk[0]);
}
// Two blocks at once: LMUL 2, vl 8 (two element groups), the key by .vs.
static void aes_encrypt2(uint8_t st[32], int rounds) {
  RUN32("e32,m2,ta,ma", 8, VAESZ_VS(8, 16), st, rk[0], rk[0]);
  for (int r = 1; r < rounds; ++r) RUN32("e32,m2,ta,ma", 8, VAESEM_VS(8, 16), st, rk[r], rk[r]);
  RUN32("e32,m2,ta,ma", 8, VAESEF_VS(8, 16), st, rk[rounds], rk[rounds]);
}

static void test_aes(void) {
  uint8_t key[32], st[32] __attribute__((aligned(16)));
  unhex("000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f", key);
  aes128_schedule(key);
  check("aes128 round key 10", rk[10], 16, "13111d7fe3944a17f307a78b4d2b30c5");
  unhex("00112233445566778899aabbccddeeff", st);
  aes_encrypt(st, 10);
  check("aes128 encrypt", st, 16, "69c4e0d86a7b0430d8cdb78070b4c55a");
  aes_decrypt(st, 10);
  check("aes128 decrypt", st, 16, "00112233445566778899aabbccddeeff");
  unhex("00112233445566778899aabbccddeeff69c4e0d86a7b0430d8cdb78070b4c55a", st);
  aes_encrypt2(st, 10);
  check("aes128 encrypt x2 (m2)", st, 32, "69c4e0d86a7b0430d8cdb78070b4c55a4f638c735f614301567824b1a21a4f6a");
  aes256_schedule(key);
  unhex("00112233445566778899aabbccddeeff", st);
  aes_encrypt(st, 14);
  check("aes256 encrypt", st, 16, "8ea2b7ca516745bfeafc49904b496089");
  aes_decrypt(st, 14);
  check("aes256 decrypt", st, 16, "00112233445566778899aabbccddeeff");
}

// ---- SHA-2: {a,b,e,f} and {c,d,g,h} as element groups (element 3 first) ----
static uint32_t be32(const uint8_t* p) { return (uint32_t)p[0] << 24 | p[1] << 16 | p[2] << 8 | p[3]; }
static uint64_t be64(const uint8_t* p) { return (uint64_t)be32(p) << 32 | be32(p + 4); }
// Block b (bs bytes) of the padded message: 0x80 after it, its bit length
// (big-endian, 64 bits) at the end of the last block.
static void pad_block(const uint8_t* msg, size_t len, size_t b, size_t nblk, uint8_t* blk, size_t bs) {
  for (size_t i = 0; i < bs; ++i) {
    const size_t at = b * bs + i;
    blk[i] = at < len ? msg[at] : at == len ? 0x80 : 0;
  }
  if (b == nblk - 1)
    for (int i = 0; i < 8; ++i) blk[bs - 8 + i] = (uint8_t)(((uint64_t)len * 8) >> (56 - 8 * i));
}

static void sha256(const uint8_t* msg, size_t len, uint8_t out[32]) {
  uint32_t abef[4] __attribute__((aligned(16))) = {kH256[5], kH256[4], kH256[1], kH256[0]};
  uint32_t cdgh[4] __attribute__((aligned(16))) = {kH256[7], kH256[6], kH256[3], kH256[2]};
  const size_t nblk = (len + 9 + 63) / 64;
  for (size_t b = 0; b < nblk; ++b) {
    uint8_t blk[64];
    pad_block(msg, len, b, nblk, blk, 64);
    uint32_t w[20][4] __attribute__((aligned(16)));  // message schedule, 4 words a group
    for (int i = 0; i < 16; ++i) w[i / 4][i % 4] = be32(blk + 4 * i);
    for (int g = 4; g < 16; ++g) {
      uint32_t v2[4] __attribute__((aligned(16))) = {w[g - 3][0], w[g - 2][1], w[g - 2][2], w[g - 2][3]};
      memcpy(w[g], w[g - 4], 16);
      RUN32(M1, 4, VSHA2MS_VV(8, 16, 24), w[g], v2, w[g - 1]);
    }
    uint32_t a0[4], c0[4];
    memcpy(a0, abef, 16), memcpy(c0, cdgh, 16);
    for (int g = 0; g < 16; ++g) {
      uint32_t wk[4] __attribute__((aligned(16)));
      for (int k = 0; k < 4; ++k) wk[k] = w[g][k] + kK256[4 * g + k];
      RUN32(M1, 4, VSHA2CL_VV(8, 16, 24), cdgh, abef, wk);  // cdgh := new {a,b,e,f}
      RUN32(M1, 4, VSHA2CH_VV(8, 16, 24), abef, cdgh, wk);  // abef := new {a,b,e,f}
    }
    for (int k = 0; k < 4; ++k) abef[k] += a0[k], cdgh[k] += c0[k];
  }
  const uint32_t h[8] = {abef[3], abef[2], cdgh[3], cdgh[2], abef[1], abef[0], cdgh[1], cdgh[0]};
  for (int i = 0; i < 32; ++i) out[i] = (uint8_t)(h[i / 4] >> (24 - 8 * (i % 4)));
}

#define M2_64 "e64,m2,ta,ma"
static void sha512(const uint8_t* msg, size_t len, uint8_t out[64]) {
  uint64_t abef[4] __attribute__((aligned(16))) = {kH512[5], kH512[4], kH512[1], kH512[0]};
  uint64_t cdgh[4] __attribute__((aligned(16))) = {kH512[7], kH512[6], kH512[3], kH512[2]};
  const size_t nblk = (len + 17 + 127) / 128;
  for (size_t b = 0; b < nblk; ++b) {
    uint8_t blk[128];
    pad_block(msg, len, b, nblk, blk, 128);
    uint64_t w[20][4] __attribute__((aligned(16)));
    for (int i = 0; i < 16; ++i) w[i / 4][i % 4] = be64(blk + 8 * i);
    for (int g = 4; g < 20; ++g) {
      uint64_t v2[4] __attribute__((aligned(16))) = {w[g - 3][0], w[g - 2][1], w[g - 2][2], w[g - 2][3]};
      memcpy(w[g], w[g - 4], 32);
      RUN64(M2_64, 4, VSHA2MS_VV(8, 16, 24), w[g], v2, w[g - 1]);
    }
    uint64_t a0[4], c0[4];
    memcpy(a0, abef, 32), memcpy(c0, cdgh, 32);
    for (int g = 0; g < 20; ++g) {
      uint64_t wk[4] __attribute__((aligned(16)));
      for (int k = 0; k < 4; ++k) wk[k] = w[g][k] + kK512[4 * g + k];
      RUN64(M2_64, 4, VSHA2CL_VV(8, 16, 24), cdgh, abef, wk);
      RUN64(M2_64, 4, VSHA2CH_VV(8, 16, 24), abef, cdgh, wk);
    }
    for (int k = 0; k < 4; ++k) abef[k] += a0[k], cdgh[k] += c0[k];
  }
  const uint64_t h[8] = {abef[3], abef[2], cdgh[3], cdgh[2], abef[1], abef[0], cdgh[1], cdgh[0]};
  for (int i = 0; i < 64; ++i) out[i] = (uint8_t)(h[i / 8] >> (56 - 8 * (i % 8)));
}

static void test_sha(void) {
  uint8_t d[64];
  sha256((const uint8_t*)"abc", 3, d);
  check("sha256 abc", d, 32, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  const char* m2 = "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq";
  sha256((const uint8_t*)m2, strlen(m2), d);
  check("sha256 2 blocks", d, 32, "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
  sha512((const uint8_t*)"abc", 3, d);
  check("sha512 abc", d, 64,
        "ddaf35a193617abacc417349ae20413112e6fa4e89a97ea20a9eeee64b55d39a"
        "2192992a274fc1a836ba3c23a3feebbd454d4423643ce80e2a9ac94fa54ca49f");
}

// ---- AES-GCM (GCM spec test case 4) ----
static void ghash_block(uint8_t x[16], const uint8_t h[16], const uint8_t blk[16], uint8_t x_mul[16]) {
  // vghsh: x = (x ^ blk) * h; vgmul on (x ^ blk) must agree.
  for (int i = 0; i < 16; ++i) x_mul[i] ^= blk[i];
  RUN32(M1, 4, VGMUL_VV(8, 16), x_mul, h, h);
  RUN32(M1, 4, VGHSH_VV(8, 16, 24), x, h, blk);
}
static void test_gcm(void) {
  uint8_t key[16], iv[12], p[64], a[32], c[64], h[16] __attribute__((aligned(16))) = {0};
  unhex("feffe9928665731c6d6a8f9467308308", key);
  unhex("cafebabefacedbaddecaf888", iv);
  unhex("d9313225f88406e5a55909c5aff5269a86a7a9531534f7da2e4c303d8a318a72"
        "1c3c0c95956809532fcf0e2449a6b525b16aedf5aa0de657ba637b39", p);
  unhex("feedfacedeadbeeffeedfacedeadbeefabaddad2", a);
  const size_t plen = 60, alen = 20;
  aes128_schedule(key);
  aes_encrypt(h, 10);
  check("gcm H", h, 16, "b83b533708bf535d0aa6e52980d53b78");
  for (size_t b = 0; b * 16 < plen; ++b) {
    uint8_t y[16] __attribute__((aligned(16)));
    memcpy(y, iv, 12);
    const uint32_t ctr = (uint32_t)b + 2;
    y[12] = (uint8_t)(ctr >> 24), y[13] = (uint8_t)(ctr >> 16), y[14] = (uint8_t)(ctr >> 8), y[15] = (uint8_t)ctr;
    aes_encrypt(y, 10);
    for (size_t i = 0; i < 16 && b * 16 + i < plen; ++i) c[b * 16 + i] = p[b * 16 + i] ^ y[i];
  }
  check("gcm ciphertext", c, plen,
        "42831ec2217774244b7221b784d0d49ce3aa212f2c02a4e035c17e2329aca12e"
        "21d514b25466931c7d8f6a5aac84aa051ba30b396a0aac973d58e091");
  uint8_t x[16] __attribute__((aligned(16))) = {0}, xm[16] __attribute__((aligned(16))) = {0};
  for (size_t off = 0; off < alen; off += 16) {
    uint8_t blk[16] __attribute__((aligned(16))) = {0};
    memcpy(blk, a + off, alen - off < 16 ? alen - off : 16);
    ghash_block(x, h, blk, xm);
  }
  for (size_t off = 0; off < plen; off += 16) {
    uint8_t blk[16] __attribute__((aligned(16))) = {0};
    memcpy(blk, c + off, plen - off < 16 ? plen - off : 16);
    ghash_block(x, h, blk, xm);
  }
  uint8_t lens[16] __attribute__((aligned(16))) = {0};
  for (int i = 0; i < 8; ++i) lens[i] = (uint8_t)((alen * 8) >> (56 - 8 * i)), lens[8 + i] = (uint8_t)((plen * 8) >> (56 - 8 * i));
  ghash_block(x, h, lens, xm);
  if (memcmp(x, xm, 16) != 0) {
    printf("FAIL vcrypto vgmul differs from vghsh\n");
    ++failures;
  }
  uint8_t y0[16] __attribute__((aligned(16)));
  memcpy(y0, iv, 12);
  y0[12] = y0[13] = y0[14] = 0, y0[15] = 1;
  aes_encrypt(y0, 10);
  for (int i = 0; i < 16; ++i) x[i] ^= y0[i];
  check("gcm tag", x, 16, "5bc94fbc3221a5db94fae95ae7121a47");
}

// ---- each instruction on pattern data, and the reserved encodings ----
static sigjmp_buf jb;
static void on_ill(int sig) {
  (void)sig;
  siglongjmp(jb, 1);
}
#define ILL(vt, avl, pre, insn)                                                                \
  do {                                                                                          \
    const char* volatile r = "ok";                                                              \
    if (sigsetjmp(jb, 1) == 0)                                                                  \
      __asm__ volatile("vsetvli t0, %0, " vt "\n" pre insn : : "r"((uint64_t)(avl)) : "t0", "memory"); \
    else                                                                                        \
      r = "SIGILL";                                                                             \
    printf("%-14s avl=%-3d %-6s %s", vt, avl, r, pre insn);                                     \
  } while (0)

static void test_patterns(void) {
  fill_int(11);
  T("e32,m1,tu,mu", 4, VAESEF_VV(8, 16));
  T("e32,m2,tu,mu", 8, VAESEM_VV(8, 16));
  T("e32,m4,tu,mu", 12, VAESDF_VV(8, 16));
  T("e32,m1,tu,mu", 4, VAESDM_VV(8, 16));
  T("e32,m4,tu,mu", 16, VAESEF_VS(8, 16));
  T("e32,m2,tu,mu", 8, VAESEM_VS(8, 17));
  T("e32,m1,tu,mu", 4, VAESDF_VS(8, 24));
  T("e32,m8,tu,mu", 20, VAESDM_VS(8, 16));
  T("e32,m2,tu,mu", 8, VAESZ_VS(8, 16));
  T("e32,m1,tu,mu", 4, VAESKF1_VI(8, 16, 0));
  T("e32,m1,tu,mu", 4, VAESKF1_VI(8, 16, 5));
  T("e32,m2,tu,mu", 8, VAESKF1_VI(8, 16, 11));
  T("e32,m1,tu,mu", 4, VAESKF1_VI(8, 16, 31));
  T("e32,m1,tu,mu", 4, VAESKF2_VI(8, 16, 1));
  T("e32,m1,tu,mu", 4, VAESKF2_VI(8, 16, 2));
  T("e32,m2,tu,mu", 8, VAESKF2_VI(8, 16, 7));
  T("e32,m1,tu,mu", 4, VAESKF2_VI(8, 16, 15));
  T("e32,m1,tu,mu", 4, VAESKF2_VI(8, 16, 24));
  T("e32,m1,tu,mu", 4, VSHA2MS_VV(8, 16, 24));
  T("e32,m2,tu,mu", 8, VSHA2CH_VV(8, 16, 24));
  T("e32,m4,tu,mu", 12, VSHA2CL_VV(8, 16, 24));
  T("e64,m2,tu,mu", 4, VSHA2MS_VV(8, 16, 24));
  T("e64,m4,tu,mu", 8, VSHA2CH_VV(8, 16, 24));
  T("e64,m2,tu,mu", 4, VSHA2CL_VV(8, 16, 24));
  T("e32,m1,tu,mu", 4, VGHSH_VV(8, 16, 24));
  T("e32,m4,tu,mu", 12, VGHSH_VV(8, 16, 24));
  T("e32,m2,tu,mu", 8, VGMUL_VV(8, 16));
  T("e32,m2,tu,mu", 8, "csrwi vstart, 4\n" VAESEM_VV(8, 16));
  T("e32,m2,tu,mu", 0, VAESEM_VV(8, 16));
  ILL("e32,m1,ta,ma", 3, "", VAESEM_VV(8, 16));
  ILL("e32,m2,ta,ma", 6, "", VSHA2MS_VV(8, 16, 24));
  ILL("e32,m1,ta,ma", 4, "csrwi vstart, 2\n", VGHSH_VV(8, 16, 24));
  ILL("e64,m1,ta,ma", 2, "", VAESEM_VV(8, 16));
  ILL("e16,m1,ta,ma", 8, "", VSHA2MS_VV(8, 16, 24));
  ILL("e64,m1,ta,ma", 2, "", VSHA2MS_VV(8, 16, 24));
  ILL("e32,mf2,ta,ma", 2, "", VAESEM_VV(8, 16));
  ILL("e32,mf2,ta,ma", 2, "", VGMUL_VV(8, 16));
  ILL("e32,m2,ta,ma", 8, "", VAESEM_VS(8, 9));
  ILL("e32,m2,ta,ma", 8, "", VAESEM_VS(8, 10));
  ILL("e32,m2,ta,ma", 8, "", VAESEM_VV(9, 16));
  ILL("e32,m2,ta,ma", 8, "", VSHA2CH_VV(8, 9, 24));
  ILL("e32,m2,ta,ma", 8, "", VSHA2CH_VV(8, 16, 8));
  ILL("e32,m2,ta,ma", 8, "", VGHSH_VV(8, 8, 8));
  ILL("e32,m2,ta,ma", 8, "", VGHSH_VV(8, 16, 25));
  ILL("e32,m1,ta,ma", 4, "", VAESKF1_VI(8, 8, 3));
}

int main(void) {
  signal(SIGILL, on_ill);
  test_aes();
  test_sha();
  test_gcm();
  test_patterns();
  if (failures) return 1;
  printf("PASS vcrypto\n");
  return 0;
}
