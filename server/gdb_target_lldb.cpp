// server/gdb_target_lldb.cpp — the process facts LLDB asks for beyond
// gdb's: the mapping around an address (qMemoryRegionInfo: the guest's
// VMA list, as /proc/PID/maps shows it) and the process's ids
// (qProcessInfo: virtual pid and parent, guest credentials).
// Owns: those two ProcessGdbTarget methods. Does not own: the rest of the
// adapter (gdb_target.cpp).
#include <sys/mman.h>

#include "linux-abi/process/process.h"
#include "server/gdb_target.h"

namespace hart {

bool ProcessGdbTarget::memory_region(uint64_t addr, MemoryRegion* out) {
  if (!p_) return false;
  std::shared_ptr<AddressSpace> as = p_->as_if_alive();
  if (!as) return false;
  uint64_t gap_start = 0;
  for (const Vma& v : as->vmas()) {  // sorted by address
    if (addr < v.start) {
      out->start = gap_start;
      out->size = v.start - gap_start;
      out->mapped = false;
      return true;
    }
    if (addr < v.end) {
      out->start = v.start;
      out->size = v.end - v.start;
      out->mapped = true;
      out->read = v.prot & PROT_READ;
      out->write = v.prot & PROT_WRITE;
      out->exec = v.prot & PROT_EXEC;
      out->name = v.name;
      return true;
    }
    gap_start = v.end;
  }
  // Past the last mapping: unmapped up to the end of the address space.
  out->start = gap_start;
  out->size = ~uint64_t{0} - gap_start;
  out->mapped = false;
  return true;
}

bool ProcessGdbTarget::process_facts(ProcessFacts* out) {
  if (!p_) return false;
  linux::Process::Info in = p_->info();
  linux::Credentials c = p_->creds();
  out->pid = in.pid;
  out->ppid = in.ppid;
  out->ruid = c.ruid;
  out->rgid = c.rgid;
  out->euid = c.euid;
  out->egid = c.egid;
  return true;
}

}  // namespace hart
