// translator/interp_v_crypto.cpp — the vector crypto extensions in the
// reference interpreter (spec: "RISC-V Cryptography Extensions Volume II:
// Vector Instructions" 1.0): Zvkned (AES rounds and key schedules), Zvknha/
// Zvknhb (SHA-256/SHA-512 message schedule and compression rounds) and Zvkg
// (GHASH multiply-add and multiply). Rows: insn_table_vk.h.
// Element groups: every instruction here works on groups of EGS = 4
// elements (EGW = 4*SEW bits: 128, or 256 for SHA-512). The encoding is
// reserved (illegal instruction, as qemu does) when SEW is not the
// instruction's, when one register group is shorter than an element group
// (LMUL*VLEN < EGW), when vl or vstart is not a multiple of EGS, for
// misaligned groups and for the overlaps the spec reserves (.vs: vd with
// vs2; SHA-2: vd with vs1 or vs2). Groups run from vstart/EGS to vl/EGS;
// the tail is left undisturbed (interp_v.h's policy).
// State byte order: an element group is little-endian, so its bytes are
// the AES state in FIPS-197 input order (byte 4c+r is row r, column c) and
// GHASH's 128-bit value with brev8 applied, as the spec defines them.
// Owns: these semantics (sha2_run: the SHA-2 groups for the JIT's direct
// call at SEW 64, backend_x86_vk.cpp). Zvkt: no branch or table index here depends on
// the data (AES S-boxes are computed, GHASH multiplies with masks).
#include <cstring>

#include "translator/bit_ops.h"
#include "translator/interp_v.h"

namespace hart::v {

namespace {

using u128 = unsigned __int128;

// ---- AES (FIPS-197) ----
// Everything here is branch-free and indexes no table with data (Zvkt:
// the timing must not depend on keys or plaintext): the S-box is the GF(2^8)
// inverse (x^254) followed by the affine map, computed per byte.
uint8_t xtime(uint8_t b) { return static_cast<uint8_t>((b << 1) ^ (0x1b & -(b >> 7))); }
uint8_t gmul(uint8_t a, uint8_t b) {
  uint8_t r = 0;
  for (int i = 0; i < 8; ++i, a = xtime(a)) r ^= static_cast<uint8_t>(a & -((b >> i) & 1));
  return r;
}
uint8_t ginv(uint8_t x) {  // x^254 (0 -> 0)
  const uint8_t x2 = gmul(x, x), x3 = gmul(x2, x), x6 = gmul(x3, x3), x12 = gmul(x6, x6), x15 = gmul(x12, x3);
  uint8_t y = gmul(x15, x15);                 // x^30
  y = gmul(y, y), y = gmul(y, y), y = gmul(y, y);  // x^240
  return gmul(gmul(y, x12), x2);              // x^254
}
uint8_t rotl8(uint8_t v, int k) { return static_cast<uint8_t>((v << k) | (v >> (8 - k))); }
uint8_t sbox(uint8_t x) {
  const uint8_t y = ginv(x);
  return static_cast<uint8_t>(y ^ rotl8(y, 1) ^ rotl8(y, 2) ^ rotl8(y, 3) ^ rotl8(y, 4) ^ 0x63);
}
uint8_t inv_sbox(uint8_t x) { return ginv(static_cast<uint8_t>(rotl8(x, 1) ^ rotl8(x, 3) ^ rotl8(x, 6) ^ 0x05)); }

using Block = uint8_t[16];

void sub_bytes(Block s, bool inverse) {
  for (int i = 0; i < 16; ++i) s[i] = inverse ? inv_sbox(s[i]) : sbox(s[i]);
}
// Row r of column c is byte 4c+r; ShiftRows moves row r left by r columns.
void shift_rows(Block s, bool inverse) {
  Block o;
  for (int c = 0; c < 4; ++c)
    for (int r = 0; r < 4; ++r) o[4 * c + r] = s[4 * ((inverse ? c - r + 4 : c + r) % 4) + r];
  std::memcpy(s, o, 16);
}
void mix_columns(Block s, bool inverse) {
  static const uint8_t kFwd[4] = {2, 3, 1, 1}, kInv[4] = {14, 11, 13, 9};
  const uint8_t* m = inverse ? kInv : kFwd;
  for (int c = 0; c < 4; ++c) {
    uint8_t col[4], out[4];
    std::memcpy(col, s + 4 * c, 4);
    for (int r = 0; r < 4; ++r) {
      out[r] = 0;
      for (int k = 0; k < 4; ++k) out[r] ^= gmul(col[k], m[(k - r + 4) % 4]);
    }
    std::memcpy(s + 4 * c, out, 4);
  }
}
void add_key(Block s, const uint8_t* k) {
  for (int i = 0; i < 16; ++i) s[i] ^= k[i];
}

uint32_t sub_word(uint32_t w) {
  uint32_t r = 0;
  for (int k = 0; k < 32; k += 8) r |= static_cast<uint32_t>(sbox(static_cast<uint8_t>(w >> k))) << k;
  return r;
}
uint32_t rot_word(uint32_t w) { return (w >> 8) | (w << 24); }  // [a0,a1,a2,a3] -> [a1,a2,a3,a0]
uint32_t rcon(unsigned r) {
  static const uint8_t kRcon[10] = {0x01, 0x02, 0x04, 0x08, 0x10, 0x20, 0x40, 0x80, 0x1b, 0x36};
  return r < 10 ? kRcon[r] : 0;
}

// One element group of an AES instruction: st is vd's group, k the round
// key (vs2's group, or its group 0 for .vs), imm vaeskf*'s round number.
void aes_group(Opcode op, uint8_t* st, const uint8_t* k, unsigned imm) {
  uint32_t w[4], cur[4], out[4];
  switch (op) {
    case Opcode::vaesef_vv: case Opcode::vaesef_vs:
      sub_bytes(st, false), shift_rows(st, false), add_key(st, k);
      return;
    case Opcode::vaesem_vv: case Opcode::vaesem_vs:
      sub_bytes(st, false), shift_rows(st, false), mix_columns(st, false), add_key(st, k);
      return;
    case Opcode::vaesdf_vv: case Opcode::vaesdf_vs:
      shift_rows(st, true), sub_bytes(st, true), add_key(st, k);
      return;
    case Opcode::vaesdm_vv: case Opcode::vaesdm_vs:
      shift_rows(st, true), sub_bytes(st, true), add_key(st, k), mix_columns(st, true);
      return;
    case Opcode::vaesz_vs:
      add_key(st, k);
      return;
    case Opcode::vaeskf1_vi: {  // AES-128: the next round key from vs2's
      unsigned rnd = imm & 15;
      if (rnd > 10 || rnd == 0) rnd ^= 8;
      std::memcpy(cur, k, 16);
      out[0] = cur[0] ^ sub_word(rot_word(cur[3])) ^ rcon(rnd - 1);
      for (int i = 1; i < 4; ++i) out[i] = out[i - 1] ^ cur[i];
      std::memcpy(st, out, 16);
      return;
    }
    default: {  // vaeskf2: AES-256, vs2 is round rnd-1's key, vd round rnd-2's
      unsigned rnd = imm & 15;
      if (rnd < 2 || rnd > 14) rnd ^= 8;
      std::memcpy(cur, k, 16);
      std::memcpy(w, st, 16);
      out[0] = w[0] ^ ((rnd & 1) ? sub_word(cur[3]) : sub_word(rot_word(cur[3])) ^ rcon(rnd / 2 - 1));
      for (int i = 1; i < 4; ++i) out[i] = out[i - 1] ^ w[i];
      std::memcpy(st, out, 16);
      return;
    }
  }
}

// ---- GHASH (Zvkg): multiply in GF(2^128) with GCM's bit order ----
u128 load128(const uint8_t* p) { u128 v; std::memcpy(&v, p, 16); return v; }
void store128(uint8_t* p, u128 v) { std::memcpy(p, &v, 16); }
u128 brev8_128(u128 v) {
  return static_cast<u128>(bits::brev8(static_cast<uint64_t>(v >> 64))) << 64 | bits::brev8(static_cast<uint64_t>(v));
}
u128 gf128_mul(u128 s, u128 h) {  // both already brev8'd
  u128 z = 0;
  for (int i = 0; i < 128; ++i) {
    // Branch-free, like the hardware Zkt asks for.
    z ^= h & (static_cast<u128>(0) - static_cast<u128>((s >> i) & 1));
    const u128 red = static_cast<u128>(0) - (h >> 127);
    h = (h << 1) ^ (red & 0x87);
  }
  return z;
}

// ---- SHA-2 (FIPS 180-4) at SEW 32 (SHA-256, T = uint32_t) or 64 (SHA-512) ----
template <typename T> T rotr(T x, unsigned n) { return static_cast<T>((x >> n) | (x << (sizeof(T) * 8 - n))); }
template <typename T> T big_sigma0(T a) {
  if constexpr (sizeof(T) == 4) return rotr(a, 2) ^ rotr(a, 13) ^ rotr(a, 22);
  else return rotr(a, 28) ^ rotr(a, 34) ^ rotr(a, 39);
}
template <typename T> T big_sigma1(T e) {
  if constexpr (sizeof(T) == 4) return rotr(e, 6) ^ rotr(e, 11) ^ rotr(e, 25);
  else return rotr(e, 14) ^ rotr(e, 18) ^ rotr(e, 41);
}
template <typename T> T small_sigma0(T x) {
  if constexpr (sizeof(T) == 4) return rotr(x, 7) ^ rotr(x, 18) ^ static_cast<T>(x >> 3);
  else return rotr(x, 1) ^ rotr(x, 8) ^ static_cast<T>(x >> 7);
}
template <typename T> T small_sigma1(T x) {
  if constexpr (sizeof(T) == 4) return rotr(x, 17) ^ rotr(x, 19) ^ static_cast<T>(x >> 10);
  else return rotr(x, 19) ^ rotr(x, 61) ^ static_cast<T>(x >> 6);
}

// Element k of a SHA-2 element group at p, and its store: one scalar
// move each (no copy of the group through the stack, whose wide reloads of
// narrow stores stall store forwarding).
template <typename T> T elem(const uint8_t* p, unsigned k) {
  T v;
  std::memcpy(&v, p + k * sizeof(T), sizeof(T));
  return v;
}
template <typename T> void put_elem(uint8_t* p, unsigned k, T v) { std::memcpy(p + k * sizeof(T), &v, sizeof(T)); }

// One SHA-2 round on the working variables, message word (W+K) m.
template <typename T> struct Sha2State {
  T a, b, c, d, e, f, g, h;
  void round(T m) {
    const T t1 = static_cast<T>(h + big_sigma1(e) + ((e & f) ^ (static_cast<T>(~e) & g)) + m);
    const T t2 = static_cast<T>(big_sigma0(a) + ((a & b) ^ (a & c) ^ (b & c)));
    h = g, g = f, f = e, e = static_cast<T>(d + t1), d = c, c = b, b = a, a = static_cast<T>(t1 + t2);
  }
};

// Element group g (elements 4g..4g+3) of vsha2ms/vsha2ch/vsha2cl. The
// sources are read whole before vd is written (the spec reserves vd's
// overlaps with vs1 and vs2). Straight-line code: the 8 working variables
// and the message words stay in registers, and nothing branches on data.
template <typename T>
void sha_group(CpuState& s, Opcode op, unsigned rd, unsigned rs1, unsigned rs2, uint64_t g) {
  constexpr size_t kGroup = 4 * sizeof(T);
  uint8_t* dst = s.v + rd * kVlenb + g * kGroup;
  const uint8_t* v1 = s.v + rs1 * kVlenb + g * kGroup;
  const uint8_t* v2 = s.v + rs2 * kVlenb + g * kGroup;
  if (op == Opcode::vsha2ms_vv) {
    // W[0..3] = vd, W[4], W[9..11] = vs2, W[12..15] = vs1; vd = W[16..19].
    const T w0 = elem<T>(dst, 0), w1 = elem<T>(dst, 1), w2 = elem<T>(dst, 2), w3 = elem<T>(dst, 3);
    const T w4 = elem<T>(v2, 0), w9 = elem<T>(v2, 1), w10 = elem<T>(v2, 2), w11 = elem<T>(v2, 3);
    const T w12 = elem<T>(v1, 0), w14 = elem<T>(v1, 2), w15 = elem<T>(v1, 3);  // W[13]: no use here
    const T w16 = static_cast<T>(small_sigma1(w14) + w9 + small_sigma0(w1) + w0);
    const T w17 = static_cast<T>(small_sigma1(w15) + w10 + small_sigma0(w2) + w1);
    const T w18 = static_cast<T>(small_sigma1(w16) + w11 + small_sigma0(w3) + w2);
    const T w19 = static_cast<T>(small_sigma1(w17) + w12 + small_sigma0(w4) + w3);
    put_elem(dst, 0, w16), put_elem(dst, 1, w17), put_elem(dst, 2, w18), put_elem(dst, 3, w19);
    return;
  }
  // vsha2ch/vsha2cl: two rounds. {a,b,e,f} = vs2 and {c,d,g,h} = vd (the
  // first named is element 3); the message words (W+K) are vs1's elements
  // 2 and 3 (ch) or 0 and 1 (cl).
  Sha2State<T> st{elem<T>(v2, 3), elem<T>(v2, 2), elem<T>(dst, 3), elem<T>(dst, 2),
                  elem<T>(v2, 1), elem<T>(v2, 0), elem<T>(dst, 1), elem<T>(dst, 0)};
  const unsigned w = op == Opcode::vsha2ch_vv ? 2 : 0;
  const T m0 = elem<T>(v1, w), m1 = elem<T>(v1, w + 1);
  st.round(m0);
  st.round(m1);
  put_elem(dst, 0, st.f), put_elem(dst, 1, st.e), put_elem(dst, 2, st.b), put_elem(dst, 3, st.a);
}

void sha_group(VInsn& c, uint64_t g) {
  if (c.sew == 32) sha_group<uint32_t>(c.s, c.d.op, c.vd, c.vs1, c.vs2, g);
  else sha_group<uint64_t>(c.s, c.d.op, c.vd, c.vs1, c.vs2, g);
}

enum class Kind { kAesVV, kAesVS, kAesKf, kSha, kGhsh, kGmul, kNone };
Kind kind_of(Opcode op) {
  switch (op) {
    case Opcode::vaesdm_vv: case Opcode::vaesdf_vv: case Opcode::vaesem_vv: case Opcode::vaesef_vv:
      return Kind::kAesVV;
    case Opcode::vaesdm_vs: case Opcode::vaesdf_vs: case Opcode::vaesem_vs: case Opcode::vaesef_vs:
    case Opcode::vaesz_vs:
      return Kind::kAesVS;
    case Opcode::vaeskf1_vi: case Opcode::vaeskf2_vi: return Kind::kAesKf;
    case Opcode::vsha2ms_vv: case Opcode::vsha2ch_vv: case Opcode::vsha2cl_vv: return Kind::kSha;
    case Opcode::vghsh_vv: return Kind::kGhsh;
    case Opcode::vgmul_vv: return Kind::kGmul;
    default: return Kind::kNone;
  }
}

// The reserved cases (see the file comment). True when the encoding is
// legal for the current vtype, vl and vstart.
bool legal(const VInsn& c, Kind k) {
  constexpr unsigned kEgs = 4;
  const unsigned bytes_per_group = c.lmul >= 0 ? kVlenb << c.lmul : kVlenb >> -c.lmul;
  if (c.sew != 32 && !(k == Kind::kSha && c.sew == 64)) return false;
  if (bytes_per_group < kEgs * c.sew / 8 || c.vl % kEgs || c.vstart % kEgs) return false;
  if (!reg_ok(c.vd, c.lmul)) return false;
  switch (k) {
    case Kind::kAesVS: return !groups_overlap(c.vd, c.lmul, c.vs2, 0);
    case Kind::kSha:
      return c.lmul >= 0 && reg_ok(c.vs1, c.lmul) && reg_ok(c.vs2, c.lmul) &&
             !groups_overlap(c.vd, c.lmul, c.vs1, c.lmul) && !groups_overlap(c.vd, c.lmul, c.vs2, c.lmul);
    case Kind::kGhsh: return reg_ok(c.vs1, c.lmul) && reg_ok(c.vs2, c.lmul);
    default: return reg_ok(c.vs2, c.lmul);
  }
}

}  // namespace

void sha2_run(CpuState& s, const DecodedInsn& d, unsigned sew) {
  for (uint64_t g = 0; g < s.vl / 4; ++g) {
    if (sew == 32) sha_group<uint32_t>(s, d.op, d.rd, d.rs1, d.rs2, g);
    else sha_group<uint64_t>(s, d.op, d.rd, d.rs1, d.rs2, g);
  }
}

bool step_crypto(VInsn& c) {
  const Kind k = kind_of(c.d.op);
  if (k == Kind::kNone || !legal(c, k)) return false;
  for (uint64_t g = c.vstart / 4; g < c.vl / 4; ++g) {
    uint8_t* vd = c.s.v + c.vd * kVlenb + g * 16;  // SEW 32: 16 bytes a group
    const uint8_t* vs2 = c.s.v + c.vs2 * kVlenb + (k == Kind::kAesVS ? 0 : g * 16);
    switch (k) {
      case Kind::kAesVV: case Kind::kAesVS: case Kind::kAesKf: {
        uint8_t key[16];
        std::memcpy(key, vs2, 16);  // vs2 may be vd (.vv)
        aes_group(c.d.op, vd, key, static_cast<unsigned>(c.d.imm));
        break;
      }
      case Kind::kSha: sha_group(c, g); break;
      case Kind::kGhsh: {
        const u128 s = brev8_128(load128(vd) ^ load128(c.s.v + c.vs1 * kVlenb + g * 16));
        store128(vd, brev8_128(gf128_mul(s, brev8_128(load128(vs2)))));
        break;
      }
      default:  // vgmul
        store128(vd, brev8_128(gf128_mul(brev8_128(load128(vd)), brev8_128(load128(vs2)))));
        break;
    }
  }
  return true;
}

}  // namespace hart::v
