// tests/guest/isa/zicsr.S — Zicsr: csrrw/csrrs/csrrc/csrrwi/csrrsi/csrrci on
// the user FP CSRs (fflags = fcsr[4:0], frm = fcsr[7:5], fcsr; writes of
// reserved bits ignored, reads give the old value, rs1 = x0 does not write),
// sticky accumulation of fflags, and the counters cycle/time/instret:
// readable from user mode and monotonic.
#include "test_macros.h"
TEST_BEGIN("zicsr")

TEST_CASE( 1, a4, 0,    csrw fcsr, zero; csrr a4, fcsr)
TEST_CASE( 2, a4, 0x1f, csrrwi zero, fflags, 0x1f; csrr a4, fflags)
TEST_CASE( 3, a4, 0x1f, csrr a4, fcsr)                                  // fflags is fcsr[4:0]
TEST_CASE( 4, a4, 0x1f, li a1, 0xffffffffffffffe5; csrrw a4, fflags, a1) // old value returned
TEST_CASE( 5, a4, 0x05, csrr a4, fflags)                                // upper bits ignored
TEST_CASE( 6, a4, 0x00, li a1, 0x7; csrrw a4, frm, a1)                  // old frm; fflags untouched
TEST_CASE( 7, a4, 0x7,  csrr a4, frm)
TEST_CASE( 8, a4, 0xe5, csrr a4, fcsr)                                  // frm is fcsr[7:5]
TEST_CASE( 9, a4, 0xe5, li a1, 0xffffff00; csrrw a4, fcsr, a1)          // fcsr bits 8+ are reserved
TEST_CASE(10, a4, 0,    csrr a4, fcsr)
TEST_CASE(11, a4, 0,    li a1, 0x12; csrrs a4, fflags, a1)
TEST_CASE(12, a4, 0x12, csrrsi a4, fflags, 0x01)
TEST_CASE(13, a4, 0x13, csrrci a4, fflags, 0x10)
TEST_CASE(14, a4, 0x03, li a1, 0x01; csrrc a4, fflags, a1)
TEST_CASE(15, a4, 0x02, csrr a4, fflags)
TEST_CASE(16, a4, 0x02, csrrs a4, fflags, zero)                         // rs1 = x0: read only
TEST_CASE(17, a4, 0x02, csrrc a4, fflags, zero; csrr a4, fflags)
TEST_CASE(18, a4, 0x00, csrrwi a4, frm, 3)
TEST_CASE(19, a4, 0x62, csrrsi a4, fcsr, 0; csrr a4, fcsr)              // uimm = 0: read only
TEST_CASE(20, a4, 0x62, csrrci a4, fcsr, 0x1f)
TEST_CASE(21, a4, 0x60, csrr a4, fcsr)
TEST_CASE(22, a4, 0x03, fsrmi a4, 1)                                    // fsrmi returns old frm
TEST_CASE(23, a4, 0x01, frrm a4)
TEST_CASE(24, a4, 0x20, li a1, 0x0a; fscsr a4, a1)                       // old fcsr: frm=1
TEST_CASE(25, a4, 0x0a, csrw fcsr, a1; frflags a4)
TEST_CASE(26, a4, 0x0a, fsflags a4, zero)
// fflags are sticky: NX from one op, DZ from the next, NV from a third
TEST_CASE(30, a4, 0x19, csrw fcsr, zero; li t0, 0x3ff0000000000000; fmv.d.x fa1, t0; li t0, 0x4008000000000000; fmv.d.x fa2, t0; \
                        fdiv.d fa0, fa1, fa2; fmv.d.x fa3, zero; fdiv.d fa0, fa1, fa3; fsqrt.d fa0, fa0; fneg.d fa3, fa1; fsqrt.d fa0, fa3; frflags a4)
// an exact op does not clear flags
TEST_CASE(31, a4, 0x19, fadd.d fa0, fa1, fa1; frflags a4)
// frm is used by dyn ops; writing frm leaves fflags alone
TEST_CASE(32, a4, 0x19, fsrmi 1; frflags a4)
TEST_CASE(33, a4, 0x3fd5555555555555, fdiv.d fa0, fa1, fa2; fmv.x.d a4, fa0)   // RTZ 1/3
TEST_CASE(34, a4, 0x3fd5555555555556, fsrmi 3; fdiv.d fa0, fa1, fa2; fmv.x.d a4, fa0)  // RUP 1/3
TEST_CASE(35, a4, 0,    csrw fcsr, zero; csrr a4, fcsr)
// frcsr sees the flags accrued by inline ops and frm (RUP 1/3: NX)
TEST_CASE(36, a4, 0x61, csrw fcsr, zero; fsrmi 3; fdiv.d fa0, fa1, fa2; csrr a4, fcsr)
TEST_CASE(37, a4, 0x03, fsrmi 3; fdiv.d fa0, fa1, fa2; frrm a4)
// counters: readable and monotonic
TEST_CASE(40, a4, 1,    rdcycle a1; li t1, 1000; 1: addi t1, t1, -1; bnez t1, 1b; rdcycle a2; sltu a4, a1, a2)
TEST_CASE(41, a4, 1,    rdinstret a1; li t1, 1000; 1: addi t1, t1, -1; bnez t1, 1b; rdinstret a2; sltu a4, a1, a2)
TEST_CASE(42, a4, 1,    rdtime a1; li t1, 100000; 1: addi t1, t1, -1; bnez t1, 1b; rdtime a2; sltu a4, a1, a2)
TEST_CASE(43, a4, 1,    rdtime a1; rdtime a2; sltu a4, a2, a1; xori a4, a4, 1)  // never goes backwards
TEST_CASE(44, a4, 1,    csrr a1, cycle; csrrs a2, cycle, zero; sltu a4, a2, a1; xori a4, a4, 1)
TEST_CASE(45, a4, 1,    csrr a1, instret; csrr a2, instret; sltu a4, a2, a1; xori a4, a4, 1)

TEST_END
