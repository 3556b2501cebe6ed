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
// decode(bits), remembered by bits (decoding is a pure function of them;
// the same instruction words recur all over a program): a direct-mapped
// table per thread, for the translator's frontend and the interpreter.
DecodedInsn decode_memo(uint32_t bits);
inline bool is_compressed(uint16_t lo16) { return (lo16 & 3) != 3; }

}  // namespace hart
