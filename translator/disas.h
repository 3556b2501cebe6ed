// translator/disas.h — disassembler over the instruction table, printing the
// text qemu-riscv64 prints (QEMU's RISC-V disassembler: ABI register names,
// pseudo-instructions such as li, mv, ret, j, nop, compressed instructions
// shown as the instruction they expand to), used by -d in_asm and the gdb
// stub.
#pragma once

#include <cstdint>
#include <string>

#include "translator/decode.h"

namespace hart {

// "addi                    sp,sp,-32": mnemonic padded as QEMU pads it,
// then operands. pc is the instruction's address (for branch targets).
std::string disassemble(const DecodedInsn& d, uint64_t pc);

// One -d in_asm line: "0x00010078:  1141              addi   sp,sp,-16"
std::string format_in_asm_line(const DecodedInsn& d, uint64_t pc);

// The text of a V 1.0 instruction (disas_v.cpp): op is its table opcode
// (kVector), w its bits.
std::string disassemble_vector(Opcode op, uint32_t w);

}  // namespace hart
