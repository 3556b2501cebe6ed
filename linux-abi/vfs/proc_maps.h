// linux-abi/vfs/proc_maps.h — /proc/<pid>/maps, smaps and smaps_rollup of a
// guest process: its VMAs as Linux's fs/proc/task_mmu.c prints them.
// Owns: that text. Does not own: the VMAs (core/address_space.h) or the rest
// of /proc (proc_dev.cpp).
#pragma once

#include <memory>
#include <string>

#include "linux-abi/process/process.h"

namespace hart::linux {

// /proc/<pid>/maps (empty for a zombie).
std::string proc_maps(Process& p);
// Bytes of [v.start, v.end) resident in memory (mincore over the host pages).
uint64_t resident_bytes(const AddressSpace& as, const Vma& v);
// /proc/<pid>/smaps (rollup false) or smaps_rollup (true).
std::string proc_smaps(Process& p, bool rollup);
// /proc/<pid>/pagemap of t: one 64-bit entry per guest page, at offset
// (address / 4096) * 8.
std::shared_ptr<EmuFile> proc_pagemap_file(const std::shared_ptr<Process>& t);

}  // namespace hart::linux
