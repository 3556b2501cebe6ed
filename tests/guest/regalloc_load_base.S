// tests/guest/regalloc_load_base.S — regression test for a register
// allocation bug (found by the e2e tests): a load whose base register is a
// temp dying at that load, and whose destination is a pinned guest register
// holding a value still needed, must not reuse the base's host register for
// the evicted value before the load reads through it. Exits 43.
  .option norelax
  .data
val: .dword 42
ptr: .dword val
  .text
  .globl _start
_start:
  li a0, 1
  lla t0, 2f
  jr t0
2:
1: auipc t3, %pcrel_hi(ptr)
  ld t3, %pcrel_lo(1b)(t3)
  mv t1, a0
  ld a0, 0(t3)
  sd s0, 16(sp)
  add a0, a0, t1
  li a7, 93
  ecall
