// translator/interp_v_mem.cpp — V 1.0 loads and stores in the reference
// interpreter: unit-stride, strided, indexed (unordered and ordered: both
// run in element order), their segment forms (nf fields per element),
// fault-only-first, whole-register and mask (vlm.v/vsm.v) accesses.
// Owns: effective EEW/EMUL rules (EMUL = EEW/SEW*LMUL within 1/8..8, at
// most 8 registers for all fields), element addressing, fault-only-first
// (element 0 traps as usual; a later element that cannot be read shrinks
// vl to its index instead, and nothing from it on is loaded) and vstart
// during accesses (see interp_v.h), and which bytes an access will touch
// (mem_ranges: the debugger's watchpoints). Does not own: guest page protections
// (core's AddressSpace; a host fault on a protected page is recovered by
// the vCPU's fault handler like any scalar access).
#include <sys/mman.h>

#include "core/address_space.h"
#include "core/debug.h"
#include "core/vcpu.h"
#include "translator/interp_v.h"

namespace hart::v {

namespace {

// Element addresses go through Supm's pointer masking (CpuState::pmlen).
uint8_t* guest(CpuState& s, uint64_t addr, unsigned size, bool is_write) {
  addr = pointer_mask(addr, s.pmlen);
  if (addr >= s.mem_limit || addr > s.mem_limit - size)
    Vcpu::current()->raise_fault(FaultKind::OutOfRange, addr, is_write);
  return s.mem_base + addr;
}

bool readable(const CpuState& s, uint64_t addr, unsigned size) {
  addr = pointer_mask(addr, s.pmlen);
  return addr < s.mem_limit && addr <= s.mem_limit - size && Vcpu::current()->as().check(addr, size, PROT_READ);
}

// One element between memory and element i of the group at reg.
void access(CpuState& s, bool store, unsigned reg, unsigned eew, uint64_t i, uint64_t addr) {
  uint8_t* p = guest(s, addr, eew / 8, store);
  uint8_t* r = s.v + reg * kVlenb + i * (eew / 8);
  switch (eew) {  // fixed sizes: inline copies
    case 8: store ? std::memcpy(p, r, 1) : std::memcpy(r, p, 1); break;
    case 16: store ? std::memcpy(p, r, 2) : std::memcpy(r, p, 2); break;
    case 32: store ? std::memcpy(p, r, 4) : std::memcpy(r, p, 4); break;
    default: store ? std::memcpy(p, r, 8) : std::memcpy(r, p, 8); break;
  }
}

// Unmasked unit-stride elements [from, to) of one field: a block copy per
// guest page. vstart is the first element of each block, which is also
// the first element to touch the page, so a fault on it is exact; an
// element that straddles two pages goes alone.
void unit_stride_blocks(CpuState& s, bool store, unsigned reg, unsigned eew, uint64_t from, uint64_t to,
                        uint64_t base) {
  const unsigned esz = eew / 8;
  for (uint64_t i = from; i < to;) {
    const uint64_t addr = base + i * esz;
    const uint64_t room = ((addr | 4095) + 1 - addr) / esz;  // whole elements left in this page
    const uint64_t n = room < to - i ? room : to - i;
    s.vstart = i;
    if (n == 0) {
      access(s, store, reg, eew, i, addr);
      ++i;
      continue;
    }
    uint8_t* p = guest(s, addr, static_cast<unsigned>(n * esz), store);
    uint8_t* r = s.v + reg * kVlenb + i * esz;
    store ? std::memcpy(p, r, n * esz) : std::memcpy(r, p, n * esz);
    i += n;
  }
}

int log2_of(unsigned v) { return __builtin_ctz(v); }

// What a vector load/store does for the current vtype, after the spec's
// checks (layout_of).
struct Layout {
  bool store = false;
  bool block = false;  // one unit-stride run [vstart, end) of eew elements
  bool ff = false;     // fault-only-first
  unsigned eew = 8, data_eew = 8, nf = 1, mop = 0, regs = 1;
  uint64_t base = 0, stride = 0, end = 0;
};

bool layout_of(const VInsn& c, Layout* L) {
  const CpuState& s = c.s;
  const uint32_t w = c.d.expanded;
  L->store = (w & 0x7f) == 0x27;
  static constexpr unsigned kEewOfWidth[8] = {8, 0, 0, 0, 0, 16, 32, 64};
  const unsigned eew = L->eew = kEewOfWidth[(w >> 12) & 7];
  const unsigned nf = L->nf = (w >> 29) + 1;
  const unsigned mop = L->mop = (w >> 26) & 3, lumop = (w >> 20) & 0x1f;
  L->base = s.x[c.d.rs1];
  L->stride = s.x[c.d.rs2];

  if (mop == 0 && (lumop == 8 || lumop == 0xb)) {
    // Whole registers (nf of them, EEW elements, vl and vtype ignored) or a
    // mask (ceil(vl/8) bytes).
    if (lumop == 8 && c.vd % nf) return false;
    L->block = true;
    L->end = lumop == 8 ? nf * kVlenb / (eew / 8) : (c.vl + 7) / 8;
    return true;
  }

  const bool indexed = mop & 1;
  const unsigned data_eew = L->data_eew = indexed ? c.sew : eew;
  const int emul = indexed ? c.lmul : c.lmul + log2_of(eew) - log2_of(c.sew);
  if (emul < -3 || emul > 3 || !reg_ok(c.vd, emul)) return false;
  const unsigned regs = L->regs = emul > 0 ? 1u << emul : 1;  // registers per field
  if (nf * regs > 8 || c.vd + nf * regs > 32) return false;
  if (indexed) {
    const int iemul = c.lmul + log2_of(eew) - log2_of(c.sew);
    if (iemul < -3 || iemul > 3 || !reg_ok(c.vs2, iemul)) return false;
    // A load's data group against its index group (different EEWs); a
    // segment load's field groups may not overlap it at all (spec: "Vector
    // Load/Store Segment Instructions").
    if (!L->store && nf == 1 && !overlap_ok(c.vd, emul, data_eew, c.vs2, iemul, eew)) return false;
    if (!L->store && nf > 1)
      for (unsigned f = 0; f < nf; ++f)
        if (groups_overlap(c.vd + f * regs, emul, c.vs2, iemul)) return false;
  }
  if (!L->store && !c.vm && c.vd == 0) return false;  // a masked load cannot write v0
  L->ff = !L->store && mop == 0 && lumop == 0x10;
  if (mop == 0 && nf == 1 && c.vm && !L->ff) {
    L->block = true;
    L->end = c.vl;
  }
  return true;
}

// Field f of element i.
uint64_t element_addr(const VInsn& c, const Layout& L, uint64_t i, unsigned f) {
  const unsigned esz = L.data_eew / 8;
  switch (L.mop) {
    case 0: return L.base + (i * L.nf + f) * esz;
    case 2: return L.base + i * L.stride + f * esz;
    default: return L.base + eget(c.s, c.vs2, L.eew, i) + f * esz;
  }
}

}  // namespace

bool step_mem(VInsn& c) {
  CpuState& s = c.s;
  Layout L;
  if (!layout_of(c, &L)) return false;
  if (L.block) {
    unit_stride_blocks(s, L.store, c.vd, L.eew, c.vstart, L.end, L.base);
    return true;
  }
  const unsigned esz = L.data_eew / 8;
  // Fault-only-first: a page found readable is not asked about again (the
  // question takes the address space's lock; GCC 15's inline strlen asks
  // it for each of 16 bytes whenever its vle8ff.v crosses a page).
  uint64_t readable_page = ~uint64_t{0};
  for (uint64_t i = c.vstart; i < c.vl; ++i) {
    if (!c.active(i)) continue;
    for (unsigned f = 0; f < L.nf; ++f) {
      const uint64_t addr = element_addr(c, L, i, f);
      if (L.ff && i > 0) {
        const uint64_t page = page_down(pointer_mask(addr, s.pmlen));
        const bool one_page = page == page_down(pointer_mask(addr + esz - 1, s.pmlen));
        if (!(one_page && page == readable_page)) {
          if (!readable(s, addr, esz)) {
            s.vl = i;  // fault-only-first: no trap past element 0
            return true;
          }
          if (one_page) readable_page = page;
        }
      }
      s.vstart = i;
      access(s, L.store, c.vd + f * L.regs, L.data_eew, i, addr);
    }
  }
  return true;
}

bool mem_ranges(const VInsn& c, MemAccess* out) {
  Layout L;
  if (!layout_of(c, &L)) return false;
  out->read = !L.store;
  out->write = L.store;
  out->parts.clear();
  auto add = [&](uint64_t addr, uint64_t len) {
    out->parts.emplace_back(pointer_mask(addr, c.s.pmlen), static_cast<uint32_t>(len));
  };
  if (L.block) {
    if (c.vstart < L.end) add(L.base + c.vstart * (L.eew / 8), (L.end - c.vstart) * (L.eew / 8));
  } else {
    const unsigned esz = L.data_eew / 8;
    bool stop = false;  // fault-only-first: nothing from an unreadable element on
    for (uint64_t i = c.vstart; i < c.vl && !stop; ++i) {
      if (!c.active(i)) continue;
      for (unsigned f = 0; f < L.nf && !stop; ++f) {
        const uint64_t addr = element_addr(c, L, i, f);
        stop = L.ff && i > 0 && !readable(c.s, addr, esz);
        if (!stop) add(addr, esz);
      }
    }
  }
  if (out->parts.empty()) return false;
  uint64_t lo = ~uint64_t{0}, hi = 0;
  for (auto& [a, n] : out->parts) {
    lo = a < lo ? a : lo;
    hi = a + n > hi ? a + n : hi;
  }
  out->addr = lo;
  out->size = static_cast<uint32_t>(hi - lo > 0xffffffffu ? 0xffffffffu : hi - lo);
  return true;
}

}  // namespace hart::v
