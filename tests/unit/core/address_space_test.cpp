// tests/unit/core/address_space_test.cpp — the guest address space: mapping,
// VMA splitting, protection, validated copies, the size limit (2^38 and
// smaller sizes), size parsing, the daemon-wide reservation cap and the
// code-watch state (protect_code, code_epoch).
#include <gtest/gtest.h>
#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>

#include "core/address_space.h"

namespace hart {
namespace {

std::unique_ptr<AddressSpace> make(uint64_t size = kGuestVaMax) {
  std::string err;
  auto as = AddressSpace::create(size, &err);
  EXPECT_TRUE(as) << err;
  return as;
}

TEST(AddressSpace, FixedMapReadWrite) {
  auto as = make();
  ASSERT_EQ(as->map(0x10000, 0x3000, PROT_READ | PROT_WRITE, kMapFixed, -1, 0, "a"), 0x10000);
  uint64_t v = 0x1122334455667788;
  EXPECT_TRUE(as->write(0x10ff8, &v, 8));
  uint64_t r = 0;
  EXPECT_TRUE(as->read(0x10ff8, &r, 8));
  EXPECT_EQ(r, v);
  EXPECT_EQ(memcmp(as->base() + 0x10ff8, &v, 8), 0);  // host = base + guest VA
  EXPECT_FALSE(as->read(0x12ffc, &r, 8));             // runs past the end
  EXPECT_FALSE(as->read(0xfff8, &r, 8));              // starts before
}

TEST(AddressSpace, ProtectSplitsVmas) {
  auto as = make();
  ASSERT_GE(as->map(0x20000, 0x4000, PROT_READ | PROT_WRITE, kMapFixed, -1, 0, "x"), 0);
  ASSERT_EQ(as->protect(0x21000, 0x1000, PROT_READ), 0);
  auto v = as->vmas();
  ASSERT_EQ(v.size(), 3u);
  EXPECT_EQ(v[1].start, 0x21000u);
  EXPECT_EQ(v[1].end, 0x22000u);
  EXPECT_EQ(v[1].prot, PROT_READ);
  EXPECT_EQ(v[0].name, "x");
  uint32_t w = 1;
  EXPECT_FALSE(as->write(0x21000, &w, 4));
  EXPECT_TRUE(as->poke(0x21000, &w, 4));  // the loader may write read-only pages
  EXPECT_TRUE(as->write(0x22000, &w, 4));
  EXPECT_EQ(as->protect(0x30000, 0x1000, PROT_READ), -ENOMEM);  // unmapped
  EXPECT_EQ(as->protect(0x20001, 0x1000, PROT_READ), -EINVAL);  // unaligned
}

TEST(AddressSpace, MergedViewJoinsLikeNeighbours) {
  auto as = make();
  // A heap grown twice, a split healed by mprotect, a different neighbour.
  ASSERT_GE(as->map(0x20000, 0x1000, PROT_READ | PROT_WRITE, kMapFixedNoReplace, -1, 0, "[heap]"), 0);
  ASSERT_GE(as->map(0x21000, 0x2000, PROT_READ | PROT_WRITE, kMapFixedNoReplace, -1, 0, "[heap]"), 0);
  ASSERT_GE(as->map(0x23000, 0x1000, PROT_READ | PROT_WRITE, kMapFixedNoReplace, -1, 0, ""), 0);
  ASSERT_GE(as->map(0x30000, 0x3000, PROT_READ, kMapFixed, -1, 0, "x"), 0);
  ASSERT_EQ(as->protect(0x31000, 0x1000, PROT_READ | PROT_WRITE), 0);
  ASSERT_EQ(as->protect(0x31000, 0x1000, PROT_READ), 0);
  EXPECT_EQ(as->vmas().size(), 6u);
  auto m = as->vmas_merged();
  ASSERT_EQ(m.size(), 3u);
  EXPECT_EQ(m[0].start, 0x20000u);
  EXPECT_EQ(m[0].end, 0x23000u);
  EXPECT_EQ(m[0].name, "[heap]");
  EXPECT_EQ(m[1].start, 0x23000u);
  EXPECT_EQ(m[2].start, 0x30000u);
  EXPECT_EQ(m[2].end, 0x33000u);
}

TEST(AddressSpace, UnmapPunchesHole) {
  auto as = make();
  ASSERT_GE(as->map(0x40000, 0x3000, PROT_READ, kMapFixed, -1, 0, ""), 0);
  ASSERT_EQ(as->unmap(0x41000, 0x1000), 0);
  EXPECT_TRUE(as->check(0x40000, 0x1000, PROT_READ));
  EXPECT_FALSE(as->check(0x41000, 1, 0));
  EXPECT_TRUE(as->check(0x42000, 0x1000, PROT_READ));
  EXPECT_EQ(as->vmas().size(), 2u);
}

TEST(AddressSpace, FixedNoReplaceAndHints) {
  auto as = make();
  ASSERT_GE(as->map(0x50000, 0x1000, PROT_READ, kMapFixed, -1, 0, ""), 0);
  EXPECT_EQ(as->map(0x50000, 0x1000, PROT_READ, kMapFixedNoReplace, -1, 0, ""), -EEXIST);
  // A hint that collides is moved elsewhere, never over the existing mapping.
  int64_t a = as->map(0x50000, 0x1000, PROT_READ, 0, -1, 0, "");
  ASSERT_GT(a, 0);
  EXPECT_NE(a, 0x50000);
  int64_t b = as->map(0, 0x10000, PROT_READ | PROT_WRITE, 0, -1, 0, "");
  ASSERT_GT(b, 0);
  EXPECT_LT(static_cast<uint64_t>(b) + 0x10000, kGuestVaMax);
}

TEST(AddressSpace, LimitIsEnforced) {
  for (uint64_t size : {kGuestVaMax, kGuestVaMin, uint64_t{1} << 34}) {
    SCOPED_TRACE(size);
    auto as = make(size);
    ASSERT_TRUE(as);
    EXPECT_EQ(as->limit(), size);
    EXPECT_EQ(as->map(size - 0x1000, 0x2000, PROT_READ, kMapFixed, -1, 0, ""), -ENOMEM);
    EXPECT_EQ(as->map(size, 0x1000, PROT_READ, kMapFixedNoReplace, -1, 0, ""), -ENOMEM);
    EXPECT_GE(as->map(size - 0x1000, 0x1000, PROT_READ, kMapFixed, -1, 0, ""), 0);
    uint64_t r;
    EXPECT_FALSE(as->read(size - 4, &r, 8));
    EXPECT_TRUE(as->read(size - 8, &r, 8));
    EXPECT_FALSE(as->check(size, 1, 0));
    EXPECT_FALSE(as->read(~uint64_t{0} - 2, &r, 8));  // wraps around
    EXPECT_EQ(as->map(0x1000, 0, PROT_READ, kMapFixed, -1, 0, ""), -EINVAL);
    EXPECT_EQ(as->map(0, size, PROT_READ, 0, -1, 0, ""), -ENOMEM);  // no gap that large
    // The host reservation is exactly the size plus the guards after and
    // before it; the one after is wide enough for any 32-bit unsigned index
    // off a checked base (translated code relies on that), and it is the
    // reservation's own (the host cannot map anything else there).
    EXPECT_TRUE(as->contains_host(as->base() + size + kGuardBytes - 1));
    EXPECT_TRUE(as->contains_host(as->base() + size + kHighGuardBytes - 1));
    EXPECT_FALSE(as->contains_host(as->base() + size + kHighGuardBytes));
    EXPECT_GE(kHighGuardBytes, kGuardBytes + uint64_t{0xffffffff} + 1);
    for (uint64_t off : {size, size + kHighGuardBytes - 0x1000}) {
      void* p = mmap(as->base() + off, 0x1000, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0);
      EXPECT_EQ(p, MAP_FAILED) << off;
      EXPECT_EQ(errno, EEXIST) << off;
      if (p != MAP_FAILED) munmap(p, 0x1000);
    }
    EXPECT_TRUE(as->contains_host(as->base() - kLowGuardBytes));
    EXPECT_FALSE(as->contains_host(as->base() - kLowGuardBytes - 1));
  }
}

TEST(AddressSpace, SmallSpaceLayout) {
  auto as = make(kGuestVaMin);
  ASSERT_TRUE(as);
  // mmap(NULL) starts at a quarter of the space (2^36 for 2^38), and finds
  // room below it once the top is full.
  EXPECT_EQ(as->mmap_base(), kGuestVaMin / 4);
  EXPECT_EQ(as->map(0, 0x1000, PROT_READ, 0, -1, 0, ""), static_cast<int64_t>(kGuestVaMin / 4));
  ASSERT_EQ(as->map(kGuestVaMin / 4, kGuestVaMin - kGuestVaMin / 4, PROT_READ, kMapFixed, -1, 0, ""),
            static_cast<int64_t>(kGuestVaMin / 4));
  int64_t low = as->map(0, 0x10000, PROT_READ, 0, -1, 0, "");
  ASSERT_GT(low, 0);
  EXPECT_LT(static_cast<uint64_t>(low), kGuestVaMin / 4);
  // The fork copy keeps the size.
  std::string err;
  auto child = as->fork_copy(&err);
  ASSERT_TRUE(child) << err;
  EXPECT_EQ(child->limit(), kGuestVaMin);
  EXPECT_EQ(child->vmas().size(), as->vmas().size());
}

// fork_copy maps a private file mapping from its file again (when the
// opener gives an fd of it, asked once per file) and copies only the pages written in it: the
// child sees the parent's writes and the file's bytes elsewhere, and from
// then on neither sees the other's writes, nor does the file. An opener
// that cannot open the file (-1) gives the same child through copies.
TEST(AddressSpace, ForkMapsPrivateFileMappingsAgain) {
  char path[] = "/tmp/hart-as-fork-XXXXXX";
  const int fd = mkstemp(path);
  ASSERT_GE(fd, 0);
  std::string file(0x4000, '\0');
  for (size_t k = 0; k < file.size(); ++k) file[k] = static_cast<char>('a' + k % 26);
  ASSERT_EQ(write(fd, file.data(), file.size()), static_cast<ssize_t>(file.size()));
  struct stat st;
  ASSERT_EQ(fstat(fd, &st), 0);
  for (bool reopen : {true, false}) {
    SCOPED_TRACE(reopen ? "reopened" : "copied");
    auto as = make(kGuestVaMin);
    ASSERT_TRUE(as);
    const uint64_t at = 0x100000;
    ASSERT_EQ(as->map(at, 0x4000, PROT_READ | PROT_WRITE, kMapFixed, fd, 0, path), static_cast<int64_t>(at));
    const std::string mine = "written by the parent";
    ASSERT_TRUE(as->write(at + 0x1010, mine.data(), mine.size()));
    char seen = 0;
    ASSERT_TRUE(as->read(at + 0x2000, &seen, 1));  // read only: still the file's page
    // Three VMAs of the one file: it is opened once.
    ASSERT_EQ(as->protect(at + 0x1000, 0x1000, PROT_READ), 0);
    int opened = 0;
    std::string err;
    auto child = as->fork_copy(&err, [&](const Vma& v) -> int {
      ++opened;
      EXPECT_EQ(v.inode, static_cast<uint64_t>(st.st_ino));
      return reopen ? open(path, O_RDONLY | O_CLOEXEC) : -1;
    });
    ASSERT_TRUE(child) << err;
    EXPECT_EQ(opened, 1);
    std::string got(0x4000, '\0');
    ASSERT_TRUE(child->read(at, got.data(), got.size()));
    std::string want = file;
    want.replace(0x1010, mine.size(), mine);
    EXPECT_TRUE(got == want);
    const std::string later = "later";
    ASSERT_TRUE(as->write(at + 0x3000, later.data(), later.size()));
    ASSERT_TRUE(child->write(at + 0x2000, later.data(), later.size()));
    ASSERT_TRUE(child->read(at, got.data(), got.size()));
    want.replace(0x2000, later.size(), later);
    EXPECT_TRUE(got == want);
    std::string parent(0x4000, '\0');
    ASSERT_TRUE(as->read(at, parent.data(), parent.size()));
    std::string pwant = file;
    pwant.replace(0x1010, mine.size(), mine);
    pwant.replace(0x3000, later.size(), later);
    EXPECT_TRUE(parent == pwant);
    std::string on_disk(0x4000, '\0');
    ASSERT_EQ(pread(fd, on_disk.data(), on_disk.size(), 0), 0x4000);
    EXPECT_TRUE(on_disk == file);
  }
  close(fd);
  unlink(path);
}

TEST(AddressSpace, SizesAreChecked) {
  std::string err;
  EXPECT_FALSE(AddressSpace::create(kGuestVaMax * 2, &err));
  EXPECT_NE(err.find("power of two"), std::string::npos) << err;
  EXPECT_FALSE(AddressSpace::create(kGuestVaMin / 2, &err));
  EXPECT_FALSE(AddressSpace::create(kGuestVaMin * 3, &err));
  uint64_t v = 0;
  EXPECT_TRUE(parse_address_space_size("16G", &v, &err)) << err;
  EXPECT_EQ(v, uint64_t{1} << 34);
  EXPECT_TRUE(parse_address_space_size("256GiB", &v, &err)) << err;
  EXPECT_EQ(v, kGuestVaMax);
  EXPECT_TRUE(parse_address_space_size("1073741824", &v, &err)) << err;
  EXPECT_EQ(v, kGuestVaMin);
  EXPECT_TRUE(parse_address_space_size("1024m", &v, &err)) << err;
  EXPECT_EQ(v, kGuestVaMin);
  for (const char* bad : {"", "G", "16X", "-16G", "12G", "512M", "1T", "16GB ", "99999999999999999999"})
    EXPECT_FALSE(parse_address_space_size(bad, &v, &err)) << bad;
  EXPECT_TRUE(parse_size("64T", &v, &err));
  EXPECT_EQ(v, uint64_t{64} << 40);
  EXPECT_FALSE(parse_size("99999999T", &v, &err));
  EXPECT_EQ(format_size(uint64_t{1} << 34), "16 GiB");
  EXPECT_EQ(format_size(12345), "12345 bytes");
}

TEST(AddressSpace, ReservationCap) {
  uint64_t before = AddressSpace::reserved_bytes();
  AddressSpace::set_reservation_cap(before + 2 * kGuestVaMin);
  std::string err;
  auto a = AddressSpace::create(kGuestVaMin, &err);
  auto b = AddressSpace::create(kGuestVaMin, &err);
  ASSERT_TRUE(a && b) << err;
  EXPECT_EQ(AddressSpace::reserved_bytes(), before + 2 * kGuestVaMin);
  EXPECT_FALSE(AddressSpace::create(kGuestVaMin, &err));
  EXPECT_NE(err.find("cap"), std::string::npos) << err;
  EXPECT_FALSE(a->fork_copy(&err));  // a fork needs room too
  a.reset();
  auto c = AddressSpace::create(kGuestVaMin, &err);  // room again
  EXPECT_TRUE(c) << err;
  AddressSpace::set_reservation_cap(0);
  c.reset();
  b.reset();
  EXPECT_EQ(AddressSpace::reserved_bytes(), before);
}

TEST(AddressSpace, ReadString) {
  auto as = make();
  ASSERT_GE(as->map(0x60000, 0x2000, PROT_READ | PROT_WRITE, kMapFixed, -1, 0, ""), 0);
  const char s[] = "crosses a page";
  ASSERT_TRUE(as->write(0x61000 - 5, s, sizeof s));
  std::string out;
  EXPECT_TRUE(as->read_string(0x61000 - 5, &out));
  EXPECT_EQ(out, s);
  std::vector<char> fill(0x1000, 'x');
  ASSERT_TRUE(as->write(0x61000, fill.data(), fill.size()));
  EXPECT_FALSE(as->read_string(0x61000, &out));  // no NUL before the unmapped page
  EXPECT_FALSE(as->read_string(0x61000 - 5, &out, 8));  // longer than max
}

}  // namespace
}  // namespace hart

namespace hart {
namespace {

TEST(AddressSpace, RemapMovesPagesAndKeepsTheReservation) {
  auto as = make(uint64_t{1} << 30);
  ASSERT_EQ(as->map(0x10000, 0x2000, PROT_READ | PROT_WRITE, kMapFixed, -1, 0, "a"), 0x10000);
  ASSERT_TRUE(as->write(0x10000, "moved", 6));
  ASSERT_EQ(as->protect(0x10000, 0x2000, PROT_NONE), 0);  // unreadable pages move too
  ASSERT_EQ(as->map(0x12000, 0x1000, PROT_READ, kMapFixed, -1, 0, "guard"), 0x12000);
  EXPECT_EQ(as->remap(0x10000, 0x2000, 0x4000, 0, 0), -ENOMEM);  // no room, no MAYMOVE
  int64_t n = as->remap(0x10000, 0x2000, 0x4000, kRemapMayMove, 0);
  ASSERT_GT(n, 0);
  EXPECT_FALSE(as->check(0x10000, 1, 0));  // the old range is unmapped
  char buf[6] = {};
  EXPECT_TRUE(as->peek(static_cast<uint64_t>(n), buf, 6));
  EXPECT_STREQ(buf, "moved");
  // The old range is back in the reservation: a host access faults there.
  EXPECT_FALSE(as->peek(0x10000, buf, 1));
  // DONTUNMAP: the old range stays mapped (empty), the data moves.
  ASSERT_EQ(as->protect(static_cast<uint64_t>(n), 0x4000, PROT_READ | PROT_WRITE), 0);
  int64_t d = as->remap(static_cast<uint64_t>(n), 0x4000, 0x4000, kRemapMayMove | kRemapDontUnmap, 0);
  ASSERT_GT(d, 0);
  EXPECT_TRUE(as->check(static_cast<uint64_t>(n), 0x4000, PROT_READ));
  EXPECT_TRUE(as->read(static_cast<uint64_t>(d), buf, 6));
  EXPECT_STREQ(buf, "moved");
  EXPECT_TRUE(as->read(static_cast<uint64_t>(n), buf, 1));
  EXPECT_EQ(buf[0], 0);
  EXPECT_EQ(as->remap(0x12000, 0x2000, 0x3000, kRemapMayMove, 0), -EFAULT);  // runs past the VMA
  EXPECT_EQ(as->remap(0x12000, 0x1000, 0x1000, kRemapFixed, 0x40000), -EINVAL);  // FIXED needs MAYMOVE
}

// Vcpu::find_tb skips re-reading a new translation's code only when
// protect_code() says every page was watched already and code_epoch() has
// not moved since the code was read: every way code can change without a
// fault must move it.
TEST(AddressSpace, CodeEpochMovesOnEveryChangeOfWatchedCode) {
  auto as = make();
  ASSERT_GE(as->map(0x40000, 0x2000, PROT_READ | PROT_EXEC, kMapFixed, -1, 0, "rx"), 0);
  ASSERT_GE(as->map(0x50000, 0x2000, PROT_READ | PROT_WRITE | PROT_EXEC, kMapFixed, -1, 0, "rwx"), 0);
  ASSERT_GE(as->map(0x60000, 0x1000, PROT_READ | PROT_WRITE | PROT_EXEC, kMapFixed | kMapShared, -1, 0,
                    "shared"),
            0);
  // Private read-only code is watched as it is: nothing moves.
  uint64_t e = as->code_epoch();
  EXPECT_TRUE(as->protect_code(0x40000, 0x41800));
  EXPECT_EQ(as->code_epoch(), e);
  // Writable code is not watched until protected, and protecting it moves
  // the epoch (a store may have come before); then it is watched.
  EXPECT_FALSE(as->protect_code(0x50000, 0x50010));
  EXPECT_NE(as->code_epoch(), e);
  e = as->code_epoch();
  EXPECT_TRUE(as->protect_code(0x50000, 0x50010));
  EXPECT_EQ(as->code_epoch(), e);
  // A block reaching a page never protected, or an unmapped one, is not.
  EXPECT_FALSE(as->protect_code(0x50ff0, 0x51010));
  EXPECT_FALSE(as->protect_code(0x41ff0, 0x42010));
  // Shared writable code can change through another view: never watched.
  EXPECT_FALSE(as->protect_code(0x60000, 0x60010));
  EXPECT_FALSE(as->protect_code(0x60000, 0x60010));
  // Each way of changing watched code moves the epoch.
  auto moves = [&](const char* what, auto&& change) {
    uint64_t before = as->code_epoch();
    change();
    EXPECT_NE(as->code_epoch(), before) << what;
  };
  uint32_t insn = 0x00000013;
  moves("write fault", [&] { EXPECT_TRUE(as->unprotect_code(0x50004, 4)); });
  moves("checked write", [&] {
    as->protect_code(0x50000, 0x50010);
    EXPECT_TRUE(as->write(0x50000, &insn, 4));
  });
  moves("poke", [&] { EXPECT_TRUE(as->poke(0x40000, &insn, 4)); });
  moves("mprotect", [&] { EXPECT_EQ(as->protect(0x40000, 0x1000, PROT_READ | PROT_WRITE), 0); });
  moves("mmap over", [&] {
    EXPECT_GE(as->map(0x41000, 0x1000, PROT_READ | PROT_EXEC, kMapFixed, -1, 0, "new"), 0);
  });
  moves("munmap", [&] { EXPECT_EQ(as->unmap(0x41000, 0x1000), 0); });
  moves("mremap", [&] {
    EXPECT_EQ(as->remap(0x50000, 0x2000, 0x2000, kRemapMayMove | kRemapFixed, 0x70000), 0x70000);
  });
}

}  // namespace
}  // namespace hart
