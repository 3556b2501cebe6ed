// tests/unit/core/snapshot_test.cpp — what record/replay needs from the
// address space: a fork_copy() snapshot put back with restore_from() (the
// mappings, protections, names and bytes of then, whatever came after),
// and the per-thread capture of the guest memory hartd writes.
#include <gtest/gtest.h>
#include <sys/mman.h>

#include <cstring>
#include <thread>

#include "core/address_space.h"

namespace hart {
namespace {

std::unique_ptr<AddressSpace> make() {
  std::string err;
  auto as = AddressSpace::create(kGuestVaMin, &err);
  EXPECT_TRUE(as) << err;
  return as;
}

TEST(Snapshot, RestoreBringsBackMappingsAndBytes) {
  auto as = make();
  ASSERT_EQ(as->map(0x10000, 0x4000, PROT_READ | PROT_WRITE, kMapFixed, -1, 0, "[heap]"), 0x10000);
  ASSERT_EQ(as->map(0x40000, 0x1000, PROT_READ, kMapFixed, -1, 0, "ro"), 0x40000);
  uint64_t v = 0x1122334455667788;
  ASSERT_TRUE(as->write(0x10ff8, &v, 8));
  ASSERT_TRUE(as->poke(0x40010, &v, 8));
  std::vector<std::pair<uint64_t, uint64_t>> changed;
  as->set_change_listener([&](uint64_t s, uint64_t e) { changed.emplace_back(s, e); });
  std::string err;
  auto snap = as->fork_copy(&err);
  ASSERT_TRUE(snap) << err;

  // After the snapshot: new bytes, a new mapping, one gone, a protection changed.
  uint64_t w = 42;
  ASSERT_TRUE(as->write(0x10ff8, &w, 8));
  ASSERT_TRUE(as->write(0x13000, &w, 8));
  ASSERT_EQ(as->map(0x80000, 0x2000, PROT_READ | PROT_WRITE, kMapFixed, -1, 0, "later"), 0x80000);
  ASSERT_EQ(as->unmap(0x40000, 0x1000), 0);
  ASSERT_EQ(as->protect(0x11000, 0x1000, PROT_READ), 0);

  changed.clear();
  ASSERT_EQ(as->restore_from(*snap), 0);
  ASSERT_EQ(changed.size(), 1u);  // everything: translations must go
  EXPECT_EQ(changed[0], std::make_pair(uint64_t{0}, as->limit()));
  uint64_t r = 0;
  EXPECT_TRUE(as->read(0x10ff8, &r, 8));
  EXPECT_EQ(r, v);
  EXPECT_TRUE(as->read(0x13000, &r, 8));
  EXPECT_EQ(r, 0u);  // untouched then: zero again
  EXPECT_TRUE(as->read(0x40010, &r, 8));
  EXPECT_EQ(r, v);
  EXPECT_FALSE(as->check(0x80000, 1, 0));                 // mapped later: gone
  EXPECT_TRUE(as->check(0x11000, 8, PROT_WRITE));          // writable again
  EXPECT_FALSE(as->write(0x40010, &w, 8));                 // read-only again
  std::vector<Vma> vmas = as->vmas();
  ASSERT_EQ(vmas.size(), snap->vmas().size());
  EXPECT_EQ(vmas.front().name, "[heap]");
  EXPECT_EQ(vmas.back().name, "ro");
  // The snapshot itself is untouched and can be restored again.
  ASSERT_TRUE(as->write(0x10ff8, &w, 8));
  ASSERT_EQ(as->restore_from(*snap), 0);
  EXPECT_TRUE(as->read(0x10ff8, &r, 8));
  EXPECT_EQ(r, v);
}

TEST(Snapshot, RestoreRefusesAnotherSize) {
  auto as = make();
  std::string err;
  auto other = AddressSpace::create(kGuestVaMin * 2, &err);
  ASSERT_TRUE(other) << err;
  EXPECT_EQ(as->restore_from(*other), -EINVAL);
}

TEST(Snapshot, WriteCaptureSeesHartdWritesOnItsThreadOnly) {
  auto as = make();
  ASSERT_EQ(as->map(0x10000, 0x4000, PROT_READ | PROT_WRITE, kMapFixed, -1, 0, ""), 0x10000);
  AddressSpace::WriteCapture cap;
  AddressSpace::set_write_capture(&cap);
  uint64_t v = 7;
  EXPECT_TRUE(as->write(0x10100, &v, 8));          // write(): checked for PROT_WRITE
  EXPECT_TRUE(as->poke(0x10200, &v, 4));           // poke()
  EXPECT_TRUE(as->check(0x11000, 16, PROT_WRITE)); // before a host syscall fills it
  EXPECT_TRUE(as->read(0x10100, &v, 8));           // reads are not writes
  EXPECT_TRUE(as->check(0x12000, 16, PROT_READ));
  std::thread([&] { EXPECT_TRUE(as->write(0x10300, &v, 8)); }).join();  // another thread
  AddressSpace::set_write_capture(nullptr);
  EXPECT_TRUE(as->write(0x10400, &v, 8));  // capture off
  std::vector<std::pair<uint64_t, uint64_t>> want = {{0x10100, 8}, {0x10200, 4}, {0x11000, 16}};
  EXPECT_EQ(cap, want);
}

}  // namespace
}  // namespace hart
