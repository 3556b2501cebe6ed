// gdbstub/pkt_regs.cpp — register packets g, G, p, P in gdb's riscv
// numbering (target.h). The g packet holds x0..x31, pc, f0..f31, fflags,
// frm, fcsr in register-number order (no slot for the absent 65); the
// vector CSRs and v0..v31 (bytes in memory order) are read and written with
// p/P only.
#include "gdbstub/packets.h"

namespace hart::gdb {

namespace {

// Size in bytes of register n, 0 if there is no such register.
int reg_size(int n) {
  if (n >= 0 && n <= 64) return 8;
  if (n >= kRegFflags && n <= kRegFcsr) return 4;
  if (n == kRegVstart || n == kRegVxsat || n == kRegVxrm || n == kRegVcsr || n == kRegVl || n == kRegVtype ||
      n == kRegVlenb)
    return 8;
  if (n >= kRegV0 && n < kRegV0 + 32) return kGdbVlenb;
  return 0;
}

uint64_t reg_get(const Registers& r, int n) {
  switch (n) {
    case kRegVstart: return r.vstart;
    case kRegVxsat: return r.vxsat;
    case kRegVxrm: return r.vxrm;
    case kRegVcsr: return r.vxrm << 1 | r.vxsat;
    case kRegVl: return r.vl;
    case kRegVtype: return r.vtype;
    case kRegVlenb: return kGdbVlenb;
    default: break;
  }
  if (n < 32) return r.x[n];
  if (n == kRegPc) return r.pc;
  if (n >= kRegF0 && n < kRegF0 + 32) return r.f[n - kRegF0];
  if (n == kRegFflags) return r.fflags;
  if (n == kRegFrm) return r.frm;
  return (r.frm << 5) | r.fflags;  // fcsr
}

void reg_set(Registers& r, int n, uint64_t v) {
  if (n < 32) {
    if (n) r.x[n] = v;
  } else if (n == kRegPc) {
    r.pc = v;
  } else if (n >= kRegF0 && n < kRegF0 + 32) {
    r.f[n - kRegF0] = v;
  } else if (n == kRegFflags) {
    r.fflags = v & 0x1f;
  } else if (n == kRegFrm) {
    r.frm = v & 7;
  } else if (n == kRegFcsr) {
    r.fflags = v & 0x1f;
    r.frm = (v >> 5) & 7;
  } else if (n == kRegVstart) {
    r.vstart = v;
  } else if (n == kRegVxsat) {
    r.vxsat = v & 1;
  } else if (n == kRegVxrm) {
    r.vxrm = v & 3;
  } else if (n == kRegVcsr) {
    r.vxsat = v & 1;
    r.vxrm = (v >> 1) & 3;
  } else if (n == kRegVl) {
    r.vl = v;  // the target applies vl and vtype as vsetvl would
  } else if (n == kRegVtype) {
    r.vtype = v;
  }
}

bool is_vreg(int n) { return n >= kRegV0 && n < kRegV0 + 32; }
std::string vreg_hex(const Registers& r, int n) {
  std::string out;
  for (uint8_t b : r.v[n - kRegV0]) out += le_hex(b, 1);
  return out;
}

const int kGOrder[] = {0,  1,  2,  3,  4,  5,  6,  7,  8,  9,  10, 11, 12, 13, 14, 15, 16, 17,
                       18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31, 32, 33, 34, 35,
                       36, 37, 38, 39, 40, 41, 42, 43, 44, 45, 46, 47, 48, 49, 50, 51, 52, 53,
                       54, 55, 56, 57, 58, 59, 60, 61, 62, 63, 64, 66, 67, 68};

}  // namespace

Reply pkt_g(Session& s, std::string_view) {
  Registers r;
  if (!s.target.read_registers(s.current_thread(), &r)) return Reply::error(3);
  std::string out;
  for (int n : kGOrder) out += le_hex(reg_get(r, n), reg_size(n));
  return Reply::send(out);
}

Reply pkt_G(Session& s, std::string_view args) {
  int tid = s.current_thread();
  Registers r;
  if (!s.target.read_registers(tid, &r)) return Reply::error(3);
  size_t off = 0;
  for (int n : kGOrder) {
    int sz = reg_size(n);
    if (off + 2 * sz > args.size()) break;  // a shorter G sets the first registers
    uint64_t v;
    if (!le_from_hex(args.substr(off, 2 * sz), sz, &v)) return Reply::error(22);
    reg_set(r, n, v);
    off += 2 * sz;
  }
  if (!s.target.write_registers(tid, r)) return Reply::error(3);
  return Reply::ok();
}

Reply pkt_p(Session& s, std::string_view args) {
  uint64_t n;
  if (!parse_hex(args, &n)) return Reply::error(22);
  int sz = n < 8192 ? reg_size(static_cast<int>(n)) : 0;
  if (!sz) return Reply::error(22);
  Registers r;
  if (!s.target.read_registers(s.current_thread(), &r)) return Reply::error(3);
  if (is_vreg(static_cast<int>(n))) return Reply::send(vreg_hex(r, static_cast<int>(n)));
  return Reply::send(le_hex(reg_get(r, static_cast<int>(n)), sz));
}

Reply pkt_P(Session& s, std::string_view args) {
  size_t eq = args.find('=');
  uint64_t n, v;
  if (eq == std::string_view::npos || !parse_hex(args.substr(0, eq), &n)) return Reply::error(22);
  int sz = n < 8192 ? reg_size(static_cast<int>(n)) : 0;
  if (!sz) return Reply::error(22);
  int tid = s.current_thread();
  Registers r;
  if (!s.target.read_registers(tid, &r)) return Reply::error(3);
  std::string_view hex = args.substr(eq + 1);
  if (is_vreg(static_cast<int>(n))) {
    if (hex.size() != 2 * kGdbVlenb) return Reply::error(22);
    for (int i = 0; i < kGdbVlenb; ++i) {
      if (!le_from_hex(hex.substr(2 * i, 2), 1, &v)) return Reply::error(22);
      r.v[n - kRegV0][i] = static_cast<uint8_t>(v);
    }
  } else {
    if (!le_from_hex(hex, sz, &v)) return Reply::error(22);
    reg_set(r, static_cast<int>(n), v);
  }
  if (!s.target.write_registers(tid, r)) return Reply::error(3);
  return Reply::ok();
}

}  // namespace hart::gdb
