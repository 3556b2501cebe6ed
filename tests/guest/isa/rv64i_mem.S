// tests/guest/isa/rv64i_mem.S — RV64I loads and stores: lb/lh/lw/ld/lbu/lhu/
// lwu sign/zero extension, sb/sh/sw/sd widths, positive and negative offsets,
// misaligned loads and stores (allowed for ordinary accesses under Linux),
// including ones that cross a page boundary, and store→load ordering.
#include "test_macros.h"

  .data
  .balign 16
mem:   .dword 0x8182838485868788, 0x0102030405060708
mem2:  .dword 0, 0, 0, 0
  .balign 4096
  .skip 4096 - 8
cross: .dword 0, 0            // cross+4 .. cross+12 straddles a page boundary

TEST_BEGIN("rv64i_mem")

// little-endian byte order: mem[0] = 0x88, mem[7] = 0x81
TEST_CASE( 1, a4, 0xffffffffffffff88, lla a1, mem; lb  a4, 0(a1))
TEST_CASE( 2, a4, 0x0000000000000088, lla a1, mem; lbu a4, 0(a1))
TEST_CASE( 3, a4, 0xffffffffffffff81, lla a1, mem; lb  a4, 7(a1))
TEST_CASE( 4, a4, 0x0000000000000008, lla a1, mem; lb  a4, 8(a1))
TEST_CASE( 5, a4, 0xffffffffffff8788, lla a1, mem; lh  a4, 0(a1))
TEST_CASE( 6, a4, 0x0000000000008788, lla a1, mem; lhu a4, 0(a1))
TEST_CASE( 7, a4, 0x0000000000000708, lla a1, mem; lh  a4, 8(a1))
TEST_CASE( 8, a4, 0xffffffff85868788, lla a1, mem; lw  a4, 0(a1))
TEST_CASE( 9, a4, 0x0000000085868788, lla a1, mem; lwu a4, 0(a1))
TEST_CASE(10, a4, 0x0000000005060708, lla a1, mem; lw  a4, 8(a1))
TEST_CASE(11, a4, 0x8182838485868788, lla a1, mem; ld  a4, 0(a1))
TEST_CASE(12, a4, 0x0102030405060708, lla a1, mem; ld  a4, 8(a1))
TEST_CASE(13, a4, 0x0102030405060708, lla a1, mem+16; ld a4, -8(a1))   // negative offset
TEST_CASE(14, a4, 0xffffffffffffff81, lla a1, mem+2048; lb a4, -2041(a1))
TEST_CASE(15, a1, 0x8182838485868788, lla a1, mem; ld  a1, 0(a1))      // rd == rs1
TEST_CASE(16, zero, 0, lla a1, mem; ld zero, 0(a1))                    // load to x0 discarded
// misaligned loads
TEST_CASE(20, a4, 0xffffffffffff8687, lla a1, mem; lh  a4, 1(a1))
TEST_CASE(21, a4, 0x0000000000008687, lla a1, mem; lhu a4, 1(a1))
TEST_CASE(22, a4, 0xffffffff83848586, lla a1, mem; lw  a4, 2(a1))
TEST_CASE(23, a4, 0x0000000082838485, lla a1, mem; lwu a4, 3(a1))
TEST_CASE(24, a4, 0x0708818283848586, lla a1, mem; ld  a4, 2(a1))
TEST_CASE(25, a4, 0x0203040506070881, lla a1, mem; ld  a4, 7(a1))
TEST_CASE(26, a4, 0x0000000000000881, lla a1, mem; lhu a4, 7(a1))

// stores: each width writes only its bytes
#define ST_LD(num, st, ld, res, val, off) \
  TEST_CASE(num, a4, res, lla a1, mem2; li t1, -1; sd t1, 0(a1); sd t1, 8(a1); li a2, val; st a2, off(a1); ld a4, 0(a1))
ST_LD(30, sb, ld, 0xffffffffffffff12, 0x7766554433221112, 0)
ST_LD(31, sb, ld, 0x12ffffffffffffff, 0x7766554433221112, 7)
ST_LD(32, sh, ld, 0xffffffffffff1112, 0x7766554433221112, 0)
ST_LD(33, sw, ld, 0xffffffff33221112, 0x7766554433221112, 0)
ST_LD(34, sd, ld, 0x7766554433221112, 0x7766554433221112, 0)
ST_LD(35, sh, ld, 0xffff1112ffffffff, 0x7766554433221112, 4)
// misaligned stores
ST_LD(40, sh, ld, 0xffffffffff1112ff, 0x7766554433221112, 1)
ST_LD(41, sw, ld, 0xff33221112ffffff, 0x7766554433221112, 3)
ST_LD(42, sd, ld, 0x33221112ffffffff, 0x7766554433221112, 4)
ST_LD(43, sd, ld, 0x221112ffffffffff, 0x7766554433221112, 5)
TEST_CASE(44, a4, 0xffffff7766554433, lla a1, mem2; li a2, 0x7766554433221112; li t1, -1; sd t1, 8(a1); sd a2, 5(a1); ld a4, 8(a1))
TEST_CASE(45, a4, 0xffffffffffffff81, lla a1, mem2; li a2, 0x81; sb a2, 17(a1); lb a4, 17(a1))
TEST_CASE(46, a4, 0x0000000000000081, lla a1, mem2; lbu a4, 17(a1))
TEST_CASE(47, a4, 0xffffffffffff8001, lla a1, mem2; li a2, 0x8001; sh a2, 19(a1); lh a4, 19(a1))
TEST_CASE(48, a4, 0x0000000000008001, lla a1, mem2; lhu a4, 19(a1))
TEST_CASE(49, a4, 0xffffffff80000001, lla a1, mem2; li a2, 0x80000001; sw a2, 21(a1); lw a4, 21(a1))
TEST_CASE(50, a4, 0x0000000080000001, lla a1, mem2; lwu a4, 21(a1))
// misaligned across a page boundary
TEST_CASE(60, a4, 0x0123456789abcdef, lla a1, cross; li a2, 0x0123456789abcdef; sd a2, 4(a1); ld a4, 4(a1))
TEST_CASE(61, a4, 0xffffffff89abcdef, lla a1, cross; lw a4, 4(a1))
TEST_CASE(62, a4, 0x00000000456789ab, lla a1, cross; lwu a4, 6(a1))
TEST_CASE(63, a4, 0x0000000000006789, lla a1, cross; lhu a4, 7(a1))
TEST_CASE(64, a4, 0x0123456789abcdef, lla a1, cross; lw a5, 4(a1); lwu a4, 8(a1); slli a4, a4, 32; slli a5, a5, 32; srli a5, a5, 32; or a4, a4, a5)
// store then load of an overlapping narrower/wider access
TEST_CASE(70, a4, 0x11223344aabbccdd, lla a1, mem2; li a2, 0x1122334455667788; sd a2, 0(a1); li a3, 0xaabbccdd; sw a3, 0(a1); ld a4, 0(a1))
TEST_CASE(71, a4, 0xffffffffffffff99, lla a1, mem2; li a2, 0x99; sb a2, 0(a1); lb a4, 0(a1))

TEST_END
