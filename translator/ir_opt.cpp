// translator/ir_opt.cpp — see ir_opt.h.
#include "translator/ir_opt.h"

#include <algorithm>
#include <cstdlib>
#include <iterator>
#include <limits>

#include "translator/bit_ops.h"
#include "translator/fp_ops.h"
#include "translator/block_arena.h"

namespace hart {

namespace {
int64_t sx32(uint64_t v) { return static_cast<int32_t>(static_cast<uint32_t>(v)); }

// What is known of the upper 32 bits of a temp: `sext` — the value is the
// sign extension of its low word; `zext` — the upper word is zero.
struct WidthFacts {
  ArenaArray<bool> sext, zext;
  WidthFacts(ArenaScope& arena, uint32_t n) : sext(arena.array(n, false)), zext(arena.array(n, false)) {}

  // Facts of i's result from its op and its operands' facts.
  void define(const IrInsn& i, const ArenaArray<bool>& is_const, const ArenaArray<uint64_t>& value) {
    auto cst = [&](Temp t, uint64_t lo, uint64_t hi) { return is_const[t] && value[t] >= lo && value[t] <= hi; };
    bool s = false, z = false;
    const unsigned size = i.aux & 0xf;
    switch (i.op) {
      case IrOp::movi:
        s = static_cast<uint64_t>(i.imm) == static_cast<uint64_t>(sx32(static_cast<uint64_t>(i.imm)));
        z = (static_cast<uint64_t>(i.imm) >> 32) == 0;
        break;
      case IrOp::mov: s = sext[i.a]; z = zext[i.a]; break;
      case IrOp::sext_w: case IrOp::shlw: case IrOp::shrw: case IrOp::sarw: case IrOp::divw:
      case IrOp::divuw: case IrOp::remw: case IrOp::remuw: case IrOp::rotlw: case IrOp::rotrw:
      case IrOp::sext_b: case IrOp::sext_h: case IrOp::sc:
        s = true;
        break;
      case IrOp::zext_w: z = true; break;
      case IrOp::clz: case IrOp::clzw: case IrOp::ctz: case IrOp::ctzw: case IrOp::cpop:
      case IrOp::cpopw: case IrOp::setcond: case IrOp::bext: case IrOp::feq: case IrOp::flt:
      case IrOp::fle: case IrOp::fclass: case IrOp::zext_h: case IrOp::frm_read:
      case IrOp::fflags_read:
        s = z = true;  // small non-negative values
        break;
      case IrOp::load:
        s = size < 4 || (size == 4 && (i.aux & 0x10));
        z = size < 8 && !(i.aux & 0x10);
        break;
      case IrOp::amo: case IrOp::lr: s = size == 4; break;
      case IrOp::fcvt_fi: s = !(i.aux & kFcvtLong); break;
      case IrOp::and_:
        s = (sext[i.a] && sext[i.b]) || cst(i.a, 0, 0x7fffffff) || cst(i.b, 0, 0x7fffffff);
        z = zext[i.a] || zext[i.b];
        break;
      case IrOp::or_: case IrOp::xor_:
        s = sext[i.a] && sext[i.b];
        z = zext[i.a] && zext[i.b];
        break;
      case IrOp::min: case IrOp::max: case IrOp::minu: case IrOp::maxu:
        s = sext[i.a] && sext[i.b];
        z = zext[i.a] && zext[i.b];
        break;
      case IrOp::select:
        s = sext[i.c] && sext[i.d];
        z = zext[i.c] && zext[i.d];
        break;
      case IrOp::shr: s = cst(i.b, 33, 63); z = cst(i.b, 32, 63); break;
      case IrOp::sar: s = cst(i.b, 32, 63); break;
      default: break;
    }
    sext[i.dst] = s;
    zext[i.dst] = z;
  }
};
}  // namespace

bool ir_is_pure_value_op(IrOp op) {
  uint8_t f = ir_info(op).flags;
  return (f & kIrDst) && !(f & (kIrSide | kIrFault)) && op != IrOp::get_reg && op != IrOp::movi &&
         op != IrOp::mov;
}

uint64_t ir_eval(IrOp op, uint64_t a, uint64_t b, uint8_t aux) {
  const int64_t sa = static_cast<int64_t>(a), sb = static_cast<int64_t>(b);
  switch (op) {
    case IrOp::add: return (aux & 1) ? static_cast<uint32_t>(a + b) : a + b;
    case IrOp::sub: return a - b;
    case IrOp::and_: return (aux & 1) ? static_cast<uint32_t>(a & b) : a & b;
    case IrOp::or_: return (aux & 1) ? static_cast<uint32_t>(a | b) : a | b;
    case IrOp::xor_: return (aux & 1) ? static_cast<uint32_t>(a ^ b) : a ^ b;
    case IrOp::shl: return a << (b & 63);
    case IrOp::shr: return a >> (b & 63);
    case IrOp::sar: return static_cast<uint64_t>(sa >> (b & 63));
    case IrOp::shlw: return sx32(static_cast<uint32_t>(a) << (b & 31));
    case IrOp::shrw: return sx32(static_cast<uint32_t>(a) >> (b & 31));
    case IrOp::sarw: return sx32(static_cast<uint32_t>(static_cast<int32_t>(a) >> (b & 31)));
    case IrOp::sext_w: return sx32(a);
    case IrOp::zext_w: return static_cast<uint32_t>(a);
    case IrOp::setcond: return ir_cond_eval(static_cast<IrCond>(aux), a, b);
    case IrOp::mul: return a * b;
    case IrOp::mulh: return static_cast<uint64_t>((static_cast<__int128>(sa) * sb) >> 64);
    case IrOp::mulhu:
      return static_cast<uint64_t>((static_cast<unsigned __int128>(a) * b) >> 64);
    case IrOp::mulhsu:
      return static_cast<uint64_t>((static_cast<__int128>(sa) * static_cast<__int128>(b)) >> 64);
    case IrOp::div:
      if (b == 0) return ~uint64_t{0};
      if (sb == -1) return 0 - a;
      return static_cast<uint64_t>(sa / sb);
    case IrOp::divu: return b == 0 ? ~uint64_t{0} : a / b;
    case IrOp::rem:
      if (b == 0) return a;
      if (sb == -1) return 0;
      return static_cast<uint64_t>(sa % sb);
    case IrOp::remu: return b == 0 ? a : a % b;
    case IrOp::divw: {
      int32_t x = static_cast<int32_t>(a), y = static_cast<int32_t>(b);
      if (y == 0) return ~uint64_t{0};
      if (y == -1) return sx32(0u - static_cast<uint32_t>(x));
      return static_cast<uint64_t>(static_cast<int64_t>(x / y));
    }
    case IrOp::divuw: {
      uint32_t x = static_cast<uint32_t>(a), y = static_cast<uint32_t>(b);
      return y == 0 ? ~uint64_t{0} : sx32(x / y);
    }
    case IrOp::remw: {
      int32_t x = static_cast<int32_t>(a), y = static_cast<int32_t>(b);
      if (y == 0) return sx32(x);
      if (y == -1) return 0;
      return static_cast<uint64_t>(static_cast<int64_t>(x % y));
    }
    case IrOp::remuw: {
      uint32_t x = static_cast<uint32_t>(a), y = static_cast<uint32_t>(b);
      return y == 0 ? sx32(x) : sx32(x % y);
    }
    case IrOp::shadd: return (a << (aux & 3)) + b;
    case IrOp::andn: return a & ~b;
    case IrOp::min: return sa < sb ? a : b;
    case IrOp::max: return sa < sb ? b : a;
    case IrOp::minu: return a < b ? a : b;
    case IrOp::maxu: return a < b ? b : a;
    case IrOp::sext_b: return static_cast<uint64_t>(static_cast<int64_t>(static_cast<int8_t>(a)));
    case IrOp::sext_h: return static_cast<uint64_t>(static_cast<int64_t>(static_cast<int16_t>(a)));
    case IrOp::zext_h: return static_cast<uint16_t>(a);
    case IrOp::clz: return bits::clz64(a);
    case IrOp::clzw: return bits::clz32(static_cast<uint32_t>(a));
    case IrOp::ctz: return bits::ctz64(a);
    case IrOp::ctzw: return bits::ctz32(static_cast<uint32_t>(a));
    case IrOp::cpop: return bits::cpop64(a);
    case IrOp::cpopw: return bits::cpop32(static_cast<uint32_t>(a));
    case IrOp::rotl: return bits::rotl64(a, b);
    case IrOp::rotr: return bits::rotr64(a, b);
    case IrOp::rotlw: return bits::rotl32(a, b);
    case IrOp::rotrw: return bits::rotr32(a, b);
    case IrOp::bswap: return bits::rev8(a);
    case IrOp::orc_b: return bits::orc_b(a);
    case IrOp::bset: return a | (uint64_t{1} << (b & 63));
    case IrOp::bclr: return a & ~(uint64_t{1} << (b & 63));
    case IrOp::binv: return a ^ (uint64_t{1} << (b & 63));
    case IrOp::bext: return (a >> (b & 63)) & 1;
    case IrOp::fclass: return aux ? fp::f32_class(static_cast<uint32_t>(a)) : fp::f64_class(a);
    case IrOp::clmul: return bits::clmul(a, b);
    case IrOp::clmulh: return bits::clmulh(a, b);
    case IrOp::clmulr: return bits::clmulr(a, b);
    default:
      return 0;
  }
}

void ir_propagate(IrBlock& b) {
  const uint32_t n = b.num_temps;
  ArenaScope arena;
  ArenaArray<Temp> alias = arena.array<Temp>(n, 0);
  ArenaArray<bool> is_const = arena.array(n, false);
  ArenaArray<uint64_t> value = arena.array<uint64_t>(n, 0);
  ArenaArray<const IrInsn*> def = arena.array<const IrInsn*>(n, nullptr);  // defining insn of each temp
  for (Temp t = 0; t < n; ++t) alias[t] = t;
  WidthFacts width(arena, n);
  Temp reg_temp[32], freg_temp[32];
  for (Temp& t : reg_temp) t = kNoTemp;
  for (Temp& t : freg_temp) t = kNoTemp;

  auto make_const = [&](IrInsn& i, uint64_t v) {
    i.op = IrOp::movi;
    i.a = i.b = kNoTemp;
    i.imm = static_cast<int64_t>(v);
    i.aux = 0;
    is_const[i.dst] = true;
    value[i.dst] = v;
  };
  auto make_copy = [&](IrInsn& i, Temp src) {
    i.op = IrOp::mov;
    i.a = src;
    i.b = kNoTemp;
    alias[i.dst] = src;
    if (is_const[src]) {
      is_const[i.dst] = true;
      value[i.dst] = value[src];
    }
  };

  // (x << c) | (x >> (64 - c)) — or the W forms with 32 — is a rotate (the
  // two parts share no bit, so xor and add give the same): what GCC emits
  // for a rotate without Zbb (ciphers, hashes). The shifts stay for other
  // readers (or go in ir_dce).
  auto to_rotate = [&](IrInsn& i) {
    const IrInsn *l = def[i.a], *r = def[i.b];
    if (!l || !r) return;
    if (l->op == IrOp::shr || l->op == IrOp::shrw) std::swap(l, r);
    const bool w = l->op == IrOp::shlw && r->op == IrOp::shrw;
    if (!(w || (l->op == IrOp::shl && r->op == IrOp::shr)) || l->a != r->a || !is_const[l->b] ||
        !is_const[r->b])
      return;
    const uint64_t width = w ? 32 : 64, cl = value[l->b], cr = value[r->b];
    if (cl == 0 || cr == 0 || cl >= width || cr >= width || cl + cr != width) return;
    const Temp x = l->a, count = r->b;
    i.op = w ? IrOp::rotrw : IrOp::rotr;
    i.a = x;
    i.b = count;
  };

  for (IrInsn& i : b.insns) {
    if (i.op == IrOp::insn_start) continue;  // (a quarter of the insns: nothing to forward or fold)
    // x0 reads as 0 (its writes go in ir_dce).
    if (i.op == IrOp::get_reg && i.imm == 0) {
      i.op = IrOp::movi;
      i.imm = 0;
    }
    ir_map_args(i, [&](Temp t) { return alias[t]; });
    const IrOpInfo& info = ir_info(i.op);
    // Commutative ops keep a constant second, so the identities below and
    // the backend's immediate forms see it.
    if ((i.op == IrOp::add || i.op == IrOp::and_ || i.op == IrOp::or_ || i.op == IrOp::xor_ ||
         i.op == IrOp::mul || i.op == IrOp::min || i.op == IrOp::max || i.op == IrOp::minu ||
         i.op == IrOp::maxu || i.op == IrOp::clmul || i.op == IrOp::clmulh) &&
        is_const[i.a] && !is_const[i.b])
      std::swap(i.a, i.b);
    if (i.op == IrOp::or_ || i.op == IrOp::xor_ || i.op == IrOp::add) to_rotate(i);
    switch (i.op) {
      case IrOp::movi:
        is_const[i.dst] = true;
        value[i.dst] = static_cast<uint64_t>(i.imm);
        break;
      case IrOp::mov:
        make_copy(i, i.a);
        break;
      case IrOp::get_reg:
        if (reg_temp[i.imm] != kNoTemp)
          make_copy(i, reg_temp[i.imm]);
        else
          reg_temp[i.imm] = i.dst;
        break;
      case IrOp::set_reg:
        reg_temp[i.imm] = i.a;
        break;
      case IrOp::get_freg:
        if (freg_temp[i.imm] != kNoTemp)
          make_copy(i, freg_temp[i.imm]);
        else
          freg_temp[i.imm] = i.dst;
        break;
      case IrOp::set_freg:
        freg_temp[i.imm] = i.a;
        break;
      case IrOp::shr:
      case IrOp::sar:
        // (x << 32) >> 32, (x << 48) >> 48, (x << 56) >> 56 (arithmetic):
        // GCC's zero/sign extensions without Zba/Zbb (a halfword in bzip2's
        // sorting, a char), one movzx/movsx each.
        if (is_const[i.b] && def[i.a] && def[i.a]->op == IrOp::shl && is_const[def[i.a]->b] &&
            value[def[i.a]->b] == value[i.b]) {
          const bool sar = i.op == IrOp::sar;
          const uint64_t c = value[i.b];
          const IrOp ext = c == 32 ? (sar ? IrOp::sext_w : IrOp::zext_w)
                           : c == 48 ? (sar ? IrOp::sext_h : IrOp::zext_h)
                           : c == 56 && sar ? IrOp::sext_b : IrOp::mov;
          if (ext != IrOp::mov) {
            Temp x = def[i.a]->a;
            i.op = ext;
            i.a = x;
            i.b = kNoTemp;
            if (is_const[x]) make_const(i, ir_eval(i.op, value[x], 0, 0));
            break;
          }
        }
        [[fallthrough]];  // constants fold as any pure op's (an unrolled loop's shifts of its counter)
      default:
        if (info.flags & kIrClobbers) {
          for (Temp& t : reg_temp) t = kNoTemp;
          for (Temp& t : freg_temp) t = kNoTemp;
        }
        if (!ir_is_pure_value_op(i.op)) break;
        if (info.nargs == 1 && is_const[i.a]) {
          make_const(i, ir_eval(i.op, value[i.a], 0, i.aux));
        } else if (info.nargs == 2 && is_const[i.a] && is_const[i.b]) {
          make_const(i, ir_eval(i.op, value[i.a], value[i.b], i.aux));
        } else if (info.nargs == 2 && is_const[i.b] && value[i.b] == 0) {
          switch (i.op) {
            case IrOp::add: case IrOp::sub: case IrOp::or_: case IrOp::xor_:
            case IrOp::shl: case IrOp::shr: case IrOp::sar: case IrOp::andn:
            case IrOp::rotl: case IrOp::rotr:
              make_copy(i, i.a);
              break;
            case IrOp::and_: case IrOp::mul: case IrOp::clmul: case IrOp::clmulh:
            case IrOp::clmulr:
              make_const(i, 0);
              break;
            default:
              break;
          }
        }
        break;
      case IrOp::select:  // a known condition or equal sides: one side (if-conversion)
        if ((is_const[i.a] && is_const[i.b]) || i.c == i.d) {
          const Temp pick =
              i.c == i.d || ir_compare(i.aux, value[i.a], value[i.b]) ? i.c : i.d;
          i.c = i.d = kNoTemp;
          make_copy(i, pick);
        }
        break;
      case IrOp::unbox_s:
        if (is_const[i.a]) make_const(i, (value[i.a] >> 32) == 0xffffffffu ? value[i.a] : 0xffffffff7fc00000u);
        break;
      case IrOp::brcond:
        if (is_const[i.a] && is_const[i.b]) {
          bool taken = ir_compare(i.aux, value[i.a], value[i.b]);
          int64_t target = taken ? i.imm : i.imm2;
          i = IrInsn{IrOp::goto_tb};
          i.imm = target;
        }
        break;
    }
    // A sign or zero extension of a value that is already one (addiw of an
    // addw's result, andi of a lw's result then sext.w, ...) is a copy.
    if ((i.op == IrOp::sext_w && width.sext[i.a]) || (i.op == IrOp::zext_w && width.zext[i.a]))
      make_copy(i, i.a);
    if (ir_info(i.op).flags & kIrDst) {
      def[i.dst] = &i;
      width.define(i, is_const, value);
    }
  }
}

void ir_dce(IrBlock& b) {
  ArenaScope arena;
  ArenaArray<bool> used = arena.array(b.num_temps, false), keep = arena.array(b.insns.size(), false);
  // A register write is dead when the same register is written again before
  // anything can observe it (a fault point, a helper, the end of the block).
  bool x_overwritten[32] = {}, f_overwritten[32] = {};
  for (size_t k = b.insns.size(); k-- > 0;) {
    const IrInsn& i = b.insns[k];
    const IrOpInfo& info = ir_info(i.op);
    if (info.flags & (kIrFault | kIrTerm | kIrClobbers | kIrReadsState)) {
      std::fill(std::begin(x_overwritten), std::end(x_overwritten), false);
      std::fill(std::begin(f_overwritten), std::end(f_overwritten), false);
    }
    if (i.op == IrOp::set_reg) {
      if (i.imm == 0 || x_overwritten[i.imm]) continue;  // (x0: no register)
      x_overwritten[i.imm] = true;
    } else if (i.op == IrOp::set_freg) {
      if (f_overwritten[i.imm]) continue;
      f_overwritten[i.imm] = true;
    }
    bool live = (info.flags & (kIrSide | kIrFault | kIrTerm)) || ((info.flags & kIrDst) && used[i.dst]);
    if (!live) continue;
    keep[k] = true;
    if (info.nargs >= 1) used[i.a] = true;
    if (info.nargs >= 2) used[i.b] = true;
    if (info.nargs >= 3) used[i.c] = true;
    if (info.nargs >= 4) used[i.d] = true;
  }
  // In place (the block's vector keeps its capacity: the JIT reuses it),
  // from the first insn that goes (often none does).
  size_t kept = 0;
  while (kept < b.insns.size() && keep[kept]) ++kept;
  for (size_t k = kept; k < b.insns.size(); ++k)
    if (keep[k]) b.insns[kept++] = b.insns[k];
  b.insns.resize(kept);
}

namespace {
bool is_condition(const IrInsn& i) {
  return i.op == IrOp::select || i.op == IrOp::brcond || i.op == IrOp::exit_if;
}
}  // namespace

void ir_fuse_compares(IrBlock& b) {
  const uint32_t n = b.num_temps;
  ArenaScope arena;
  ArenaArray<int> def = arena.array(n, -1);
  auto zero = [&](Temp t) { return def[t] >= 0 && b.insns[def[t]].op == IrOp::movi && b.insns[def[t]].imm == 0; };
  auto fusible = [&](const IrInsn& i) {  // `t cond 0`, t an op whose operands the condition can take
    if (!is_condition(i) || (i.aux & kCondTest) || i.a == i.b || !zero(i.b) || def[i.a] < 0) return false;
    const IrOp p = b.insns[def[i.a]].op;
    return p == IrOp::xor_ || p == IrOp::sub || p == IrOp::and_ || p == IrOp::setcond;
  };
  // Most blocks have no such condition: they cost this one walk.
  bool any = false;
  for (size_t k = 0; k < b.insns.size(); ++k) {
    const IrInsn& i = b.insns[k];
    any = any || fusible(i);
    if (ir_info(i.op).flags & kIrDst) def[i.dst] = static_cast<int>(k);
  }
  if (!any) return;
  ArenaArray<uint32_t> uses = arena.array<uint32_t>(n, 0);       // readers of each temp
  ArenaArray<uint32_t> cond_uses = arena.array<uint32_t>(n, 0);  // of them, conditions `t cond 0`
  for (const IrInsn& i : b.insns) {
    uint32_t args[kIrMaxArgs];
    const int na = ir_args(i, args);
    for (int j = 0; j < na; ++j) ++uses[args[j]];
    if (is_condition(i) && !(i.aux & kCondTest) && zero(i.b) && i.a != i.b) ++cond_uses[i.a];
  }
  bool changed = false;
  for (IrInsn& i : b.insns) {
    if (!fusible(i)) continue;
    const Temp t = i.a;
    if (uses[t] != cond_uses[t]) continue;
    const IrInsn& p = b.insns[def[t]];
    const IrCond c = ir_cond_of(i.aux);
    const bool eq_ne = c == IrCond::eq || c == IrCond::ne;
    uint8_t aux;
    switch (p.op) {
      case IrOp::xor_: case IrOp::sub:  // x ^ y == 0, x - y == 0: x == y
        if (!eq_ne) continue;
        aux = static_cast<uint8_t>(c);
        break;
      case IrOp::and_:  // test x, y
        aux = static_cast<uint8_t>(static_cast<uint8_t>(c) | kCondTest);
        break;
      case IrOp::setcond:  // 0 or 1: != 0 is its condition, == 0 the opposite
        if (!eq_ne) continue;
        aux = static_cast<uint8_t>(c == IrCond::ne ? ir_cond_of(p.aux) : ir_cond_negate(ir_cond_of(p.aux)));
        break;
      default:
        continue;
    }
    i.a = p.a;
    i.b = p.b;
    i.aux = aux;
    changed = true;
  }
  if (changed) ir_dce(b);
}

namespace {
// The constant t holds if a movi defines it (def: each temp's defining
// insn, -1 for none).
bool movi_value(const IrBlock& b, const ArenaArray<int>& def, Temp t, int64_t* v) {
  if (def[t] < 0 || b.insns[def[t]].op != IrOp::movi) return false;
  *v = b.insns[def[t]].imm;
  return true;
}
}  // namespace

bool ir_zext_shifts(IrBlock& b) {
  static const bool off = getenv("HART_JIT_NO_ZEXT_SHIFTS") != nullptr;  // (for comparisons)
  if (off) return false;
  bool any = false;
  for (const IrInsn& i : b.insns) any |= i.op == IrOp::shr;
  if (!any) return false;
  ArenaScope arena;
  ArenaArray<int> def = arena.array(b.num_temps, -1);
  for (size_t k = 0; k < b.insns.size(); ++k)
    if (ir_info(b.insns[k].op).flags & kIrDst) def[b.insns[k].dst] = static_cast<int>(k);
  auto const_of = [&](Temp t, int64_t* v) { return movi_value(b, def, t, v); };
  bool changed = false;
  // Backwards, so that inserting before insns[k] moves only what is done.
  for (size_t k = b.insns.size(); k-- > 0;) {
    const IrInsn& i = b.insns[k];
    int64_t c = 0, c32 = 0;
    if (i.op != IrOp::shr || !const_of(i.b, &c) || c < 1 || c > 31 || def[i.a] < 0) continue;
    const IrInsn& s = b.insns[def[i.a]];
    if (s.op != IrOp::shl || !const_of(s.b, &c32) || c32 != 32) continue;
    IrInsn z{IrOp::zext_w}, m{IrOp::movi};
    z.dst = b.new_temp();
    z.a = s.a;
    m.dst = b.new_temp();
    m.imm = 32 - c;
    IrInsn& r = b.insns[k];
    r.op = IrOp::shl;
    r.a = z.dst;
    r.b = m.dst;
    b.insns.insert(b.insns.begin() + static_cast<ptrdiff_t>(k), {z, m});
    changed = true;
  }
  if (changed) ir_dce(b);  // (a shift read only by the shr is gone)
  return changed;
}

namespace {
// How many times each temp is read, and the index of the insn defining it
// (uses zeroed and def -1 on entry).
void count_uses(const IrBlock& b, ArenaArray<uint32_t>& uses, ArenaArray<int>& def) {
  for (size_t k = 0; k < b.insns.size(); ++k) {
    const IrInsn& i = b.insns[k];
    uint32_t args[kIrMaxArgs];
    const int na = ir_args(i, args);
    for (int j = 0; j < na; ++j) ++uses[args[j]];
    if (ir_info(i.op).flags & kIrDst) def[i.dst] = static_cast<int>(k);
  }
}
}  // namespace

void ir_fuse_shadd(IrBlock& b) {
  bool any = false;
  for (const IrInsn& i : b.insns) any |= i.op == IrOp::shl;
  if (!any) return;
  const uint32_t n = b.num_temps;
  ArenaScope arena;
  ArenaArray<uint32_t> uses = arena.array<uint32_t>(n, 0);
  ArenaArray<int> def = arena.array(n, -1);
  count_uses(b, uses, def);
  auto shift_of = [&](Temp t) -> const IrInsn* {  // t = x << k, k = 1..3, read only here
    if (def[t] < 0 || uses[t] != 1) return nullptr;
    const IrInsn& d = b.insns[def[t]];
    if (d.op != IrOp::shl || def[d.b] < 0) return nullptr;
    const IrInsn& c = b.insns[def[d.b]];
    return c.op == IrOp::movi && c.imm >= 1 && c.imm <= 3 ? &d : nullptr;
  };
  bool changed = false;
  for (IrInsn& i : b.insns) {
    if (i.op != IrOp::add || i.a == i.b) continue;
    const IrInsn* d = shift_of(i.a);
    Temp other = i.b;
    if (!d) {
      d = shift_of(i.b);
      other = i.a;
    }
    if (!d) continue;
    i.aux = static_cast<uint8_t>(b.insns[def[d->b]].imm);
    i.op = IrOp::shadd;
    i.a = d->a;
    i.b = other;
    changed = true;
  }
  if (changed) ir_dce(b);  // (the shifts have no reader left)
}

void ir_rotate_fields(IrBlock& b) {
  const uint32_t n = b.num_temps;
  ArenaScope arena;
  ArenaArray<uint32_t> uses = arena.array<uint32_t>(n, 0);
  ArenaArray<int> def = arena.array(n, -1);
  count_uses(b, uses, def);
  auto const_of = [&](Temp t, int64_t* v) { return movi_value(b, def, t, v); };
  for (const IrInsn& i : b.insns) {
    if (i.op != IrOp::and_ || i.a == i.b) continue;
    int64_t m = 0, k = 0;
    Temp t = i.a;
    if (!const_of(i.b, &m)) {
      if (!const_of(i.a, &m)) continue;
      t = i.b;
    }
    const uint64_t mask = static_cast<uint64_t>(m);
    if (mask == 0 || (mask & (mask + 1)) != 0 || def[t] < 0 || uses[t] != 1) continue;  // a low mask
    IrInsn& s = b.insns[def[t]];
    const unsigned width = s.op == IrOp::shr ? 64 : s.op == IrOp::shrw ? 32 : 0;
    if (!width || !const_of(s.b, &k) || k < 1 || k >= width) continue;
    if (static_cast<unsigned>(k) + static_cast<unsigned>(__builtin_popcountll(mask)) > width) continue;
    s.op = width == 64 ? IrOp::rotr : IrOp::rotrw;
    if (width == 32) s.aux = 1;  // (its only reader keeps low bits of the low half)
  }
}

void ir_optimize(IrBlock& b) {
  ir_propagate(b);
  ir_dce(b);
  // The later passes look for ops most blocks lack: one walk finds which
  // are here, and a pass with nothing to look at is not called (each would
  // walk the block to find out; issue 13: translation time).
  bool shr = false, shl = false, word = false;
  for (const IrInsn& i : b.insns) {
    shr |= i.op == IrOp::shr;
    shl |= i.op == IrOp::shl;
    word |= ir_narrow_op(i.op);
  }
  ir_fuse_compares(b);
  if (shr && ir_zext_shifts(b)) word = true;  // (it makes zext_w)
  if (shr || word) ir_rotate_fields(b);
  if (shl) ir_fuse_shadd(b);
  if (word) ir_narrow(b);
  ir_sink(b);
}

}  // namespace hart
