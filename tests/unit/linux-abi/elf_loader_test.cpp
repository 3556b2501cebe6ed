// tests/unit/linux-abi/elf_loader_test.cpp — the ELF loader on real riscv64
// binaries (static, static-pie, dynamic with the cross sysroot), `#!` scripts,
// and malformed inputs (each must give one clear error line, never a crash).
#include "linux-abi/loader/elf_loader.h"

#include <elf.h>
#include <sys/mman.h>
#include <sys/stat.h>

#include "guest_programs.h"

namespace hart::linux {
namespace {

using test::read_file;
using test::write_file;

std::unique_ptr<AddressSpace> make_as(uint64_t size = kGuestVaMax) {
  std::string err;
  auto as = AddressSpace::create(size, &err);
  EXPECT_TRUE(as) << err;
  return as;
}

std::string load_error(const std::string& path, const std::string& sysroot = "") {
  auto as = make_as();
  std::vector<std::string> argv{path};
  LoadedProgram prog;
  std::string err;
  EXPECT_FALSE(load_program(*as, path, sysroot, &argv, &prog, &err));
  EXPECT_EQ(err.find('\n'), std::string::npos) << err;
  return err;
}

const Vma* vma_at(const std::vector<Vma>& v, uint64_t a) {
  for (const Vma& m : v)
    if (m.start <= a && a < m.end) return &m;
  return nullptr;
}

TEST(ElfLoader, LoadsStaticExecutable) {
  std::string bin = test::static_binary();
  HART_NEED(bin);
  auto as = make_as();
  std::vector<std::string> argv{bin};
  LoadedProgram prog;
  std::string err;
  ASSERT_TRUE(load_program(*as, bin, "", &argv, &prog, &err)) << err;
  EXPECT_EQ(prog.exe.type, ET_EXEC);
  EXPECT_FALSE(prog.has_interp);
  EXPECT_EQ(prog.exe.bias, 0u);
  EXPECT_EQ(prog.entry(), prog.exe.entry);
  EXPECT_GE(prog.exe.entry, prog.exe.lo);
  EXPECT_LT(prog.exe.entry, prog.exe.hi);
  EXPECT_EQ(prog.brk_start, page_up(prog.exe.end_data));
  EXPECT_NE(prog.exe.phdr_addr, 0u);
  EXPECT_EQ(prog.exe.phentsize, sizeof(Elf64_Phdr));
  EXPECT_FALSE(prog.exe.exec_stack);

  auto vmas = as->vmas();
  const Vma* text = vma_at(vmas, prog.exe.entry);
  ASSERT_TRUE(text);
  EXPECT_EQ(text->prot, PROT_READ | PROT_EXEC);
  // The ELF header sits at the start of the first segment, readable by the guest.
  Elf64_Ehdr eh;
  ASSERT_TRUE(as->read(prog.exe.lo, &eh, sizeof eh));
  EXPECT_EQ(eh.e_machine, EM_RISCV);
  // Program headers are where AT_PHDR says.
  Elf64_Phdr ph;
  ASSERT_TRUE(as->read(prog.exe.phdr_addr, &ph, sizeof ph));
  // bss (the 100000-byte array) is mapped, writable and zero.
  const Vma* data = vma_at(vmas, prog.exe.end_data - 1);
  ASSERT_TRUE(data);
  EXPECT_EQ(data->prot, PROT_READ | PROT_WRITE);
  uint8_t z[64];
  ASSERT_TRUE(as->read(prog.exe.end_data - sizeof z, z, sizeof z));
  for (uint8_t b : z) EXPECT_EQ(b, 0);
  // The file bytes of the text segment match the file.
  std::string file = read_file(bin);
  std::vector<uint8_t> text_bytes(64);
  ASSERT_TRUE(as->read(prog.exe.entry, text_bytes.data(), 64));
  EXPECT_NE(file.find(std::string(text_bytes.begin(), text_bytes.end())), std::string::npos);
  EXPECT_NE(format_memory_map(*as).find("r-x"), std::string::npos);
}

TEST(ElfLoader, LoadsStaticPieAtPieBase) {
  std::string bin = test::static_pie_binary();
  HART_NEED(bin);
  auto as = make_as();
  std::vector<std::string> argv{bin};
  LoadedProgram prog;
  std::string err;
  ASSERT_TRUE(load_program(*as, bin, "", &argv, &prog, &err)) << err;
  EXPECT_EQ(prog.exe.type, ET_DYN);
  EXPECT_EQ(prog.exe.bias, pie_base(kGuestVaMax));
  EXPECT_FALSE(prog.has_interp);
  EXPECT_GE(prog.exe.entry, pie_base(kGuestVaMax));
}

TEST(ElfLoader, DynamicNeedsInterpreter) {
  std::string bin = test::dynamic_binary();
  HART_NEED(bin);
  struct stat st;
  if (stat("/lib/ld-linux-riscv64-lp64d.so.1", &st) != 0) {
    std::string err = load_error(bin);
    EXPECT_NE(err.find("interpreter /lib/ld-linux-riscv64-lp64d.so.1 not found"), std::string::npos)
        << err;
  }
  if (stat(test::kSysroot, &st) != 0) GTEST_SKIP() << "no cross sysroot";
  auto as = make_as();
  std::vector<std::string> argv{bin};
  LoadedProgram prog;
  std::string err;
  ASSERT_TRUE(load_program(*as, bin, test::kSysroot, &argv, &prog, &err)) << err;
  ASSERT_TRUE(prog.has_interp);
  EXPECT_EQ(prog.exe.interp, "/lib/ld-linux-riscv64-lp64d.so.1");
  EXPECT_EQ(prog.interp.type, ET_DYN);
  EXPECT_EQ(prog.interp.bias, interp_base(kGuestVaMax));
  EXPECT_EQ(prog.entry(), prog.interp.entry);
  EXPECT_EQ(prog.exe.bias, pie_base(kGuestVaMax));  // Debian's gcc builds PIE by default
}

TEST(ElfLoader, SmallerSpacesScaleTheLayout) {
  std::string bin = test::dynamic_binary();
  HART_NEED(bin);
  struct stat st;
  if (stat(test::kSysroot, &st) != 0) GTEST_SKIP() << "no cross sysroot";
  for (uint64_t size : {kGuestVaMin, uint64_t{1} << 34}) {
    SCOPED_TRACE(size);
    auto as = make_as(size);
    std::vector<std::string> argv{bin};
    LoadedProgram prog;
    std::string err;
    ASSERT_TRUE(load_program(*as, bin, test::kSysroot, &argv, &prog, &err)) << err;
    EXPECT_EQ(prog.exe.bias, pie_base(size));
    EXPECT_EQ(prog.interp.bias, interp_base(size));
    EXPECT_LT(prog.interp.hi, size);
    EXPECT_EQ(pie_base(size) % kPageSize, 0u);
    EXPECT_GT(pie_base(size), size / 2);
    EXPECT_LT(pie_base(size), interp_base(size));
  }
  EXPECT_EQ(interp_base(kGuestVaMin), kGuestVaMin - (uint64_t{64} << 20));
}

TEST(ElfLoader, ScriptRewritesArgv) {
  std::string bin = test::static_binary();
  HART_NEED(bin);
  std::string script = write_file("script.sh", "#!" + bin + "  -x  \necho hi\n");
  chmod(script.c_str(), 0755);
  auto as = make_as();
  std::vector<std::string> argv{"script.sh", "arg1"};
  LoadedProgram prog;
  std::string err;
  ASSERT_TRUE(load_program(*as, script, "", &argv, &prog, &err)) << err;
  ASSERT_EQ(argv.size(), 4u);
  EXPECT_EQ(argv[0], bin);
  EXPECT_EQ(argv[1], "-x");
  EXPECT_EQ(argv[2], script);
  EXPECT_EQ(argv[3], "arg1");
  EXPECT_EQ(prog.exe_host_path, bin);
}

TEST(ElfLoader, ScriptRecursionLimit) {
  std::string self = test::scratch_dir() + "/loop.sh";
  write_file("loop.sh", "#!" + self + "\n");
  chmod(self.c_str(), 0755);  // an interpreter must be executable (else EACCES, as Linux)
  EXPECT_NE(load_error(self).find("too many levels"), std::string::npos);
}

TEST(ElfLoader, ScriptInterpreterNotExecutable) {
  std::string interp = write_file("interp.txt", "not executable\n");
  chmod(interp.c_str(), 0644);
  std::string s = write_file("uses_interp.sh", "#!" + interp + "\n");
  EXPECT_NE(load_error(s).find("is not an executable file"), std::string::npos);
}

TEST(ElfLoader, ScriptMissingInterpreter) {
  std::string s = write_file("missing.sh", "#!/no/such/interp\n");
  EXPECT_NE(load_error(s).find("interpreter /no/such/interp not found"), std::string::npos);
}

TEST(ElfLoader, RejectsGarbage) {
  std::string e = load_error(write_file("garbage", "this is not an executable at all\n"));
  EXPECT_NE(e.find(": not an ELF file"), std::string::npos) << e;
  EXPECT_NE(load_error(write_file("empty", "")).find("not an ELF file"), std::string::npos);
  EXPECT_NE(load_error(test::scratch_dir()).find("is a directory"), std::string::npos);
  EXPECT_NE(load_error("/no/such/file").find("No such file"), std::string::npos);
}

TEST(ElfLoader, RejectsWrongMachine) {
  std::string e = load_error("/bin/true");
  EXPECT_NE(e.find("/bin/true: not a RISC-V 64 executable (machine 62"), std::string::npos) << e;
}

TEST(ElfLoader, RejectsTruncatedFiles) {
  std::string bin = test::static_binary();
  HART_NEED(bin);
  std::string bytes = read_file(bin);
  std::string e = load_error(write_file("trunc40", bytes.substr(0, 40)));
  EXPECT_NE(e.find("truncated ELF header"), std::string::npos) << e;
  e = load_error(write_file("trunc100", bytes.substr(0, 100)));
  EXPECT_NE(e.find("program headers outside the file"), std::string::npos) << e;
  e = load_error(write_file("trunc4k", bytes.substr(0, 4096)));
  EXPECT_NE(e.find("extends past the end of the file"), std::string::npos) << e;
}

// Builds a minimal valid static ELF image in memory that tests can corrupt.
struct MiniElf {
  Elf64_Ehdr eh{};
  Elf64_Phdr ph[2]{};
  std::string code = std::string(16, '\x13');  // nops
  MiniElf() {
    memcpy(eh.e_ident, ELFMAG, SELFMAG);
    eh.e_ident[EI_CLASS] = ELFCLASS64;
    eh.e_ident[EI_DATA] = ELFDATA2LSB;
    eh.e_ident[EI_VERSION] = EV_CURRENT;
    eh.e_type = ET_EXEC;
    eh.e_machine = EM_RISCV;
    eh.e_version = EV_CURRENT;
    eh.e_entry = 0x10000 + sizeof eh + sizeof ph;
    eh.e_phoff = sizeof eh;
    eh.e_ehsize = sizeof eh;
    eh.e_phentsize = sizeof(Elf64_Phdr);
    eh.e_phnum = 1;
    ph[0].p_type = PT_LOAD;
    ph[0].p_flags = PF_R | PF_X;
    ph[0].p_offset = 0;
    ph[0].p_vaddr = 0x10000;
    ph[0].p_filesz = sizeof eh + sizeof ph + code.size();
    ph[0].p_memsz = ph[0].p_filesz;
    ph[0].p_align = 0x1000;
  }
  std::string bytes() const {
    std::string s(reinterpret_cast<const char*>(&eh), sizeof eh);
    s.append(reinterpret_cast<const char*>(ph), sizeof ph);
    return s + code;
  }
};

TEST(ElfLoader, MiniElfLoads) {
  MiniElf m;
  auto as = make_as();
  std::string path = write_file("mini", m.bytes());
  std::vector<std::string> argv{path};
  LoadedProgram prog;
  std::string err;
  ASSERT_TRUE(load_program(*as, path, "", &argv, &prog, &err)) << err;
  EXPECT_EQ(prog.exe.entry, m.eh.e_entry);
  EXPECT_EQ(prog.exe.phdr_addr, 0x10000u + sizeof(Elf64_Ehdr));
  EXPECT_TRUE(prog.exe.exec_stack);  // no PT_GNU_STACK
}

// Segments are mapped from the file, as Linux maps them: the pages hold
// the file's bytes (before the segment's start too, as in Linux), the bss
// part of the last file page is zero, /proc/PID/maps gives the file offsets,
// and the mapping is private: a guest writing its data or text changes
// neither the file nor what the next launch loads. A segment whose file
// offset is not congruent with its address is read in.
TEST(ElfLoader, SegmentsMappedPrivatelyFromTheFile) {
  MiniElf m;
  m.eh.e_phnum = 2;
  // Data at file 0x1800 (0x900 bytes) for 0x21800, bss to 0x23800.
  m.ph[1].p_type = PT_LOAD;
  m.ph[1].p_flags = PF_R | PF_W;
  m.ph[1].p_offset = 0x1800;
  m.ph[1].p_vaddr = 0x21800;
  m.ph[1].p_filesz = 0x900;
  m.ph[1].p_memsz = 0x2000;
  m.ph[1].p_align = 0x1000;
  std::string file = m.bytes();
  file.resize(0x2400);
  for (size_t k = m.bytes().size(); k < file.size(); ++k) file[k] = static_cast<char>(0x40 + k % 61);
  const std::string path = write_file("mapped_segments", file);
  auto load = [&](AddressSpace& as) {
    std::vector<std::string> argv{path};
    LoadedProgram prog;
    std::string err;
    EXPECT_TRUE(load_program(as, path, "", &argv, &prog, &err)) << err;
  };
  auto as = make_as();
  load(*as);
  std::string got(0x2000, '\0');
  ASSERT_TRUE(as->read(0x21000, got.data(), got.size()));
  EXPECT_TRUE(got.substr(0, 0x1100) == file.substr(0x1000, 0x1100));  // the file's page, then the segment
  EXPECT_TRUE(got.substr(0x1100) == std::string(0xf00, '\0'));        // bss in the last file page
  std::string bss(0x800, 'x');
  ASSERT_TRUE(as->read(0x23000, bss.data(), bss.size()));
  EXPECT_TRUE(bss == std::string(0x800, '\0'));
  const std::vector<Vma> vmas = as->vmas();
  const Vma* text = vma_at(vmas, 0x10000);
  const Vma* data = vma_at(vmas, 0x21000);
  ASSERT_TRUE(text && data);
  EXPECT_EQ(text->offset, 0u);
  EXPECT_EQ(data->offset, 0x1000u);
  EXPECT_EQ(data->prot, PROT_READ | PROT_WRITE);
  // Private: the guest's writes stay in its own memory.
  const std::string mine(0x100, 'M');
  ASSERT_TRUE(as->write(0x21800, mine.data(), mine.size()));
  ASSERT_EQ(as->protect(0x10000, 0x1000, PROT_READ | PROT_WRITE), 0);
  ASSERT_TRUE(as->write(0x10000 + sizeof(Elf64_Ehdr) + sizeof m.ph, mine.data(), 16));
  EXPECT_TRUE(read_file(path) == file);
  auto again = make_as();
  load(*again);
  std::string fresh(0x100, '\0');
  ASSERT_TRUE(again->read(0x21800, fresh.data(), fresh.size()));
  EXPECT_TRUE(fresh == file.substr(0x1800, 0x100));
  uint32_t insn = 0;
  ASSERT_TRUE(again->read(m.eh.e_entry, &insn, 4));
  EXPECT_EQ(insn, 0x13131313u);

  // Not congruent (file 0x1800 for 0x21900): read in, bytes as the file's.
  m.ph[1].p_vaddr = 0x21900;
  std::string file2 = m.bytes();
  file2.resize(0x2400);
  for (size_t k = m.bytes().size(); k < file2.size(); ++k) file2[k] = static_cast<char>(0x40 + k % 61);
  const std::string path2 = write_file("read_segments", file2);
  auto third = make_as();
  std::vector<std::string> argv{path2};
  LoadedProgram prog;
  std::string err;
  ASSERT_TRUE(load_program(*third, path2, "", &argv, &prog, &err)) << err;
  std::string seg(0x900, '\0');
  ASSERT_TRUE(third->read(0x21900, seg.data(), seg.size()));
  EXPECT_TRUE(seg == file2.substr(0x1800, 0x900));
  uint8_t z = 1;
  ASSERT_TRUE(third->read(0x21900 + 0x900, &z, 1));
  EXPECT_EQ(z, 0);
}

TEST(ElfLoader, RejectsMalformedHeaders) {
  auto err_for = [](const std::string& name, const MiniElf& m) {
    return load_error(write_file(name, m.bytes()));
  };
  {
    MiniElf m;
    m.eh.e_ident[EI_CLASS] = ELFCLASS32;
    EXPECT_NE(err_for("m_class", m).find("32-bit"), std::string::npos);
  }
  {
    MiniElf m;
    m.eh.e_ident[EI_DATA] = ELFDATA2MSB;
    EXPECT_NE(err_for("m_endian", m).find("big-endian"), std::string::npos);
  }
  {
    MiniElf m;
    m.eh.e_type = ET_REL;
    EXPECT_NE(err_for("m_rel", m).find("relocatable"), std::string::npos);
  }
  {
    MiniElf m;
    m.eh.e_phnum = 0;
    EXPECT_NE(err_for("m_nophdr", m).find("no program headers"), std::string::npos);
  }
  {
    MiniElf m;
    m.eh.e_phentsize = 40;
    EXPECT_NE(err_for("m_phent", m).find("program header size"), std::string::npos);
  }
  {
    MiniElf m;
    m.ph[0].p_filesz = m.ph[0].p_memsz + 1;
    EXPECT_NE(err_for("m_filesz", m).find("p_filesz > p_memsz"), std::string::npos);
  }
  {
    MiniElf m;
    m.ph[0].p_vaddr = uint64_t{1} << 40;
    EXPECT_NE(err_for("m_far", m).find("2^38"), std::string::npos);
  }
  {
    MiniElf m;
    m.ph[0].p_vaddr = UINT64_MAX - 0x100;
    EXPECT_NE(err_for("m_wrap", m).find("2^38"), std::string::npos);
  }
  {
    MiniElf m;
    m.ph[0].p_memsz = uint64_t{1} << 37;
    m.ph[0].p_memsz += 0x10000;
    EXPECT_NE(err_for("m_huge", m).find("too large"), std::string::npos);
  }
  {
    MiniElf m;
    m.eh.e_phnum = 2;
    m.ph[1] = m.ph[0];
    m.ph[1].p_vaddr += 0x10;
    EXPECT_NE(err_for("m_overlap", m).find("overlap"), std::string::npos);
  }
  {
    MiniElf m;
    m.ph[0].p_type = PT_NOTE;
    EXPECT_NE(err_for("m_noload", m).find("no loadable segments"), std::string::npos);
  }
  {
    MiniElf m;
    m.eh.e_entry = 0x900000;
    EXPECT_NE(err_for("m_entry", m).find("entry point"), std::string::npos);
  }
  {
    MiniElf m;
    m.ph[0].p_vaddr = 0;
    m.eh.e_entry = 0x100;
    EXPECT_NE(err_for("m_zero", m).find("below the minimum"), std::string::npos);
  }
  {
    MiniElf m;
    m.eh.e_phnum = 2;
    m.ph[1].p_type = PT_INTERP;
    m.ph[1].p_offset = 0x100000;
    m.ph[1].p_filesz = 10;
    EXPECT_NE(err_for("m_interp", m).find("PT_INTERP outside the file"), std::string::npos);
  }
  {
    MiniElf m;
    m.ph[0].p_offset = 0x7fffffffffffffff;
    EXPECT_NE(err_for("m_off", m).find("past the end of the file"), std::string::npos);
  }
}

TEST(ElfLoader, SysrootPath) {
  std::string dir = test::scratch_dir() + "/root";
  mkdir(dir.c_str(), 0755);
  mkdir((dir + "/bin").c_str(), 0755);
  write_file("root/bin/x", "x");
  EXPECT_EQ(sysroot_path(dir, "/bin/x"), dir + "/bin/x");
  EXPECT_EQ(sysroot_path(dir + "/", "/bin/x"), dir + "/bin/x");
  EXPECT_EQ(sysroot_path(dir, "/bin/sh"), "/bin/sh");
  EXPECT_EQ(sysroot_path(dir, "rel"), "rel");
  EXPECT_EQ(sysroot_path("", "/bin/x"), "/bin/x");
}

}  // namespace
}  // namespace hart::linux
