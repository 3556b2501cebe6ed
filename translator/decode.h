// translator/decode.h — turns instruction bits into a DecodedInsn using the
// one table in insn_table.h. 16-bit (C) encodings are first expanded to the
// 32-bit instruction they stand for. Reserved and illegal encodings decode
// to Opcode::illegal.
#pragma once

#include <cstdint>

#include "translator/insn_table.h"

namespace hart {

struct DecodedInsn {
  Opcode op = Opcode::illegal;
  uint8_t len = 4;        // 2 for a compressed instruction
  uint8_t rd = 0, rs1 = 0, rs2 = 0, rs3 = 0;
  uint8_t rm = 0;         // rounding mode field (F/D), also AMO aq/rl bits for A
  int64_t imm = 0;        // sign-extended immediate; csr number for CSR ops; shamt for SH
  uint32_t bits = 0;      // original bits (16-bit value for compressed)
  uint32_t expanded = 0;  // 32-bit encoding that was decoded
  const InsnInfo& info() const { return insn_info(op); }
};

// Expands a 16-bit RVC instruction (RV64) to its 32-bit equivalent; 0 if
// the encoding is reserved or illegal.
uint32_t expand_compressed(uint16_t c);

// Decodes one instruction whose first 16 bits are lo16 and, if it is a
// 32-bit instruction, whose next 16 bits are hi16.
DecodedInsn decode(uint32_t bits);
inline bool is_compressed(uint16_t lo16) { return (lo16 & 3) != 3; }

// decode(bits), remembered by bits (decoding is a pure function of them;
// the same instruction words recur all over a program): a direct-mapped
// table per thread, for the translator's frontend and the interpreter. The
// look-up is inline (the interpreter decodes every instruction it runs:
// a call and two copies were a fifth of its instructions); a miss decodes
// and fills the entry out of line.
namespace decode_memo_detail {
constexpr unsigned kSlotBits = 12;
// The thread's table (1 << kSlotBits entries), null until its first miss
// maps it. An entry is a DecodedInsn's bytes; all zero (len 0) is empty.
extern thread_local constinit unsigned char (*t_table)[sizeof(DecodedInsn)];
// The table's pages that entries were written to (bit p: page p). An
// entry on a page not written yet is empty, and is not read: a read would
// map the kernel's zero page there, and the miss's write after it would
// copy that page and flush the mapping from every CPU the host process
// runs on (an interrupt to each; Vcpu::heat_written_ says more).
constexpr unsigned kTablePages = ((1u << kSlotBits) * sizeof(DecodedInsn) + 4095) / 4096;
static_assert(kTablePages <= 64, "one bit per page of the memo");
constexpr uint64_t kAllWritten = kTablePages == 64 ? ~uint64_t{0} : (uint64_t{1} << kTablePages) - 1;
extern thread_local constinit uint64_t t_written;
// The pages entry `slot` lies on (an entry may lie across two), as bits.
inline uint64_t pages_of(unsigned slot) {
  const unsigned first = slot * sizeof(DecodedInsn) / 4096, last = (slot * sizeof(DecodedInsn) + sizeof(DecodedInsn) - 1) / 4096;
  return uint64_t{1} << first | uint64_t{1} << last;
}
inline bool written(unsigned slot) { return (t_written & pages_of(slot)) == pages_of(slot); }
// t_table once every page of it is written (t_written == kAllWritten),
// else null: the inline look-up reads through it alone, so the pages
// cost it nothing once they are all there.
extern thread_local constinit unsigned char (*t_full)[sizeof(DecodedInsn)];
// The look-up while some page is not written yet (out of line), and a
// miss: decodes, fills the entry, marks its pages.
DecodedInsn look_up(uint32_t bits);
DecodedInsn miss(uint32_t bits);
// Fibonacci hashing: instruction words differ mostly in their register
// and immediate fields, which a multiply spreads over the top bits.
inline unsigned slot(uint32_t bits) { return (bits * 0x9e3779b1u) >> (32 - kSlotBits); }
// The memo's key of an instruction's 32 fetched bits: a compressed
// instruction's second parcel is not its own.
inline uint32_t key(uint32_t bits) { return is_compressed(static_cast<uint16_t>(bits)) ? bits & 0xffff : bits; }
}  // namespace decode_memo_detail

inline DecodedInsn decode_memo(uint32_t bits) {
  namespace m = decode_memo_detail;
  bits = m::key(bits);
  if (auto* table = m::t_full) {
    DecodedInsn d;
    __builtin_memcpy(&d, table[m::slot(bits)], sizeof d);
    if (d.bits == bits && d.len != 0) return d;
    return m::miss(bits);
  }
  return m::look_up(bits);
}

// Brings decode_memo(bits)'s entry into the cache ahead of the look-up (a
// hint: no effect on what the look-up returns). prefetcht0 by asm: GCC
// takes a function whose only effect is __builtin_prefetch for pure, and
// drops its calls.
inline void decode_memo_prefetch(uint32_t bits) {
  namespace m = decode_memo_detail;
  if (auto* table = m::t_full) {
    const unsigned char* e = table[m::slot(m::key(bits))];
    asm volatile("prefetcht0 %0" : : "m"(*e));
    asm volatile("prefetcht0 %0" : : "m"(e[sizeof(DecodedInsn) - 1]));
  }
}

}  // namespace hart
