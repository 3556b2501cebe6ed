// translator/ir.cpp — IR op table, builder, printer and verifier.
#include "translator/ir.h"

#include <cstdio>

namespace hart {

const IrOpInfo kIrOpInfo[static_cast<int>(IrOp::count)] = {
#define X(name, nargs, flags, help) {#name, nargs, flags},
    HART_IR_OPS(X)
#undef X
};

const char* ir_cond_name(IrCond c) {
  static const char* const names[] = {"eq", "ne", "lt", "ge", "ltu", "geu"};
  return names[static_cast<int>(c)];
}

bool ir_cond_eval(IrCond c, uint64_t a, uint64_t b) {
  switch (c) {
    case IrCond::eq: return a == b;
    case IrCond::ne: return a != b;
    case IrCond::lt: return static_cast<int64_t>(a) < static_cast<int64_t>(b);
    case IrCond::ge: return static_cast<int64_t>(a) >= static_cast<int64_t>(b);
    case IrCond::ltu: return a < b;
    case IrCond::geu: return a >= b;
  }
  return false;
}

IrCond ir_cond_negate(IrCond c) {
  static const IrCond neg[] = {IrCond::ne, IrCond::eq, IrCond::ge, IrCond::lt, IrCond::geu, IrCond::ltu};
  return neg[static_cast<int>(c)];
}

bool ir_compare(uint8_t aux, uint64_t a, uint64_t b) {
  return aux & kCondTest ? ir_cond_eval(ir_cond_of(aux), a & b, 0) : ir_cond_eval(ir_cond_of(aux), a, b);
}

Temp IrBlock::select(Temp a, Temp b, uint8_t aux, Temp if_true, Temp if_false) {
  Temp d = emit_dst3(IrOp::select, a, b, if_true, aux);
  insns.back().d = if_false;
  return d;
}

Temp IrBlock::emit_dst3(IrOp op, Temp a, Temp b, Temp c, uint8_t aux) {
  Temp d = emit_dst(op, a, b, 0, aux);
  insns.back().c = c;
  return d;
}

std::string IrBlock::print() const {
  std::string out;
  char buf[160];
  for (const IrInsn& i : insns) {
    const IrOpInfo& info = ir_info(i.op);
    if (i.op == IrOp::insn_start) {
      snprintf(buf, sizeof buf, " ---- %016lx\n", (unsigned long)i.imm);
      out += buf;
      continue;
    }
    std::string line = " ";
    if (info.flags & kIrDst) line += "t" + std::to_string(i.dst) + " = ";
    line += info.name;
    if (i.op == IrOp::setcond || i.op == IrOp::brcond || i.op == IrOp::exit_if || i.op == IrOp::select) {
      line += std::string(".") + ir_cond_name(ir_cond_of(i.aux));
      if (i.op != IrOp::setcond && (i.aux & kCondTest)) line += ".test";
    }
    if (i.op == IrOp::shadd) line += "." + std::to_string(i.aux);
    if (i.op == IrOp::load || i.op == IrOp::store) {
      line += "." + std::to_string(i.aux & 0xf);
      if (i.aux & 0x10) line += "s";
    }
    bool first = true;
    auto arg = [&](const std::string& s) {
      line += first ? " " : ", ";
      line += s;
      first = false;
    };
    if (info.nargs >= 1) arg("t" + std::to_string(i.a));
    if (info.nargs >= 2) arg("t" + std::to_string(i.b));
    if (info.nargs >= 3) arg("t" + std::to_string(i.c));
    if (info.nargs >= 4) arg("t" + std::to_string(i.d));
    if (i.op >= IrOp::fadd && i.op <= IrOp::fmax) line += i.aux ? " (s)" : " (d)";
    switch (i.op) {
      case IrOp::get_reg:
      case IrOp::set_reg:
        arg("x" + std::to_string(i.imm));
        break;
      case IrOp::get_freg:
      case IrOp::set_freg:
        arg("f" + std::to_string(i.imm));
        break;
      case IrOp::movi:
      case IrOp::load:
      case IrOp::store:
      case IrOp::call_interp:
      case IrOp::vec:
      case IrOp::vec_x:
        snprintf(buf, sizeof buf, "$0x%lx", (unsigned long)i.imm);
        arg(buf);
        break;
      case IrOp::goto_tb:
      case IrOp::exit_if:
        snprintf(buf, sizeof buf, "0x%lx", (unsigned long)i.imm);
        arg(buf);
        break;
      case IrOp::brcond:
        snprintf(buf, sizeof buf, "0x%lx, 0x%lx", (unsigned long)i.imm, (unsigned long)i.imm2);
        arg(buf);
        break;
      case IrOp::exit:
        snprintf(buf, sizeof buf, "reason=%u, pc=0x%lx", i.aux, (unsigned long)i.imm);
        arg(buf);
        break;
      case IrOp::fcvt_fi:
      case IrOp::fcvt_if:
        snprintf(buf, sizeof buf, "%s%s%s rm=%u", (i.aux & kFcvtSingle) ? "s" : "d",
                 (i.aux & kFcvtUnsigned) ? " u" : " ", (i.aux & kFcvtLong) ? "64" : "32",
                 ir_fcvt_rm(i.aux));
        arg(buf);
        break;
      case IrOp::fence:
        arg(std::to_string(i.aux));
        break;
      default:
        break;
    }
    if (ir_is_call(i)) {  // (goto_tb, jump_ind)
      snprintf(buf, sizeof buf, "call, returns to 0x%lx", (unsigned long)i.imm2);
      arg(buf);
    } else if (ir_is_ret(i)) {
      arg("return");
    }
    out += line + "\n";
  }
  return out;
}

std::string IrBlock::verify() const {
  std::vector<bool> defined(num_temps, false);
  auto bad = [](size_t idx, const std::string& what) {
    return "op " + std::to_string(idx) + ": " + what;
  };
  for (size_t idx = 0; idx < insns.size(); ++idx) {
    const IrInsn& i = insns[idx];
    if (i.op >= IrOp::count) return bad(idx, "unknown op");
    const IrOpInfo& info = ir_info(i.op);
    Temp args[kIrMaxArgs] = {i.a, i.b, i.c, i.d};
    for (int k = 0; k < kIrMaxArgs; ++k) {
      bool want = k < info.nargs;
      if (want && (args[k] >= num_temps || !defined[args[k]]))
        return bad(idx, std::string(info.name) + ": argument used before definition");
      if (!want && args[k] != kNoTemp) return bad(idx, std::string(info.name) + ": extra argument");
    }
    if (info.flags & kIrDst) {
      if (i.dst >= num_temps) return bad(idx, "destination out of range");
      if (defined[i.dst]) return bad(idx, "temp defined twice");
      defined[i.dst] = true;
    } else if (i.dst != kNoTemp) {
      return bad(idx, std::string(info.name) + ": has a destination");
    }
    bool last = idx + 1 == insns.size();
    if ((info.flags & kIrTerm) && !last) return bad(idx, "terminator before the end");
    if (last && !(info.flags & kIrTerm)) return bad(idx, "block does not end in a terminator");
    if ((i.op == IrOp::setcond || i.op == IrOp::brcond || i.op == IrOp::exit_if || i.op == IrOp::select) &&
        ((i.aux & 7) > static_cast<int>(IrCond::geu) || i.aux > (kCondTest | 7) ||
         (i.op == IrOp::setcond && (i.aux & kCondTest))))
      return bad(idx, "bad condition");
    if ((i.op == IrOp::get_reg || i.op == IrOp::set_reg || i.op == IrOp::get_freg ||
         i.op == IrOp::set_freg) &&
        (i.imm < 0 || i.imm > 31))
      return bad(idx, "register index out of range");
  }
  if (insns.empty()) return "empty block";
  return "";
}

}  // namespace hart
