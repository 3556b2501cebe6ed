#!/usr/bin/env python3
"""tests/guest/vector/autovec_gcc.py — CTest driver of the tests that build a
program with a Debian cross GCC newer than the host's (vector.autovec_gcc14,
vector.vk_*_gcc14[_rva23], vector.*_gcc15_rva23).

Builds --src (with -D definitions) with the GCC in --gcc-dir (GCC 14 from
scripts/fetch-gcc14, GCC 15 from scripts/fetch-gcc15: their
riscv64-gccN-S wrapper, -O3 -march=MARCH, assembly), assembles it (the
host's binutils 2.40 for plain rv64gcv, the folder's own newer binutils for
the extensions 2.40 lacks), links it with the host's riscv64-linux-gnu-gcc,
and builds it without V by the host compiler (-O3 -march=rv64gc); then
runs compare_qemu.py: the vector build's output under hart-run must equal
the oracle's (--qemu/--cpu, default qemu-riscv64 7.2 with V) and the scalar
build's. --vectorised requires the compiler to have emitted vector code
(vsetvli), for the kernels written to be autovectorised. Exits 77
(skipped) when the compiler folder or the oracle is missing (the fetch was
skipped).

GCC 14 knows no `-march=rva23u64`, and GCC 15 neither (profile names came
with GCC 16): --march rva23u64 stands for the profile's mandatory
extensions spelt out (bench/vec/rva23u64.march, the list GCC 16 expands
the name to; bench/CMakeLists.txt reads it too).
"""
import argparse
import os
import subprocess
import sys

# RVA23U64's mandatory extensions (riscv-profiles rva23-profile.adoc), as
# one ISA string GCC 15's driver accepts.
RVA23U64_FILE = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "..",
                             "bench", "vec", "rva23u64.march")


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--gcc-dir", required=True)
    ap.add_argument("--gcc", default="14", help="the GCC major version in --gcc-dir")
    ap.add_argument("--cc", required=True)
    ap.add_argument("--runner", required=True)
    ap.add_argument("--src", required=True)
    ap.add_argument("--out-dir", required=True)
    ap.add_argument("-D", dest="defines", action="append", default=[],
                    help="a macro definition for both builds (e.g. BENCH_SCALE_DIVISOR=50)")
    ap.add_argument("--march", default="rv64gcv", help="the vector build's ISA (rva23u64: the profile)")
    ap.add_argument("--vectorised", action="store_true", help="the vector build must contain vsetvli")
    ap.add_argument("--qemu", help="the oracle (compare_qemu.py's default: qemu-riscv64)")
    ap.add_argument("--cpu", help="its -cpu")
    a = ap.parse_args()
    wrapper = os.path.join(a.gcc_dir, f"riscv64-gcc{a.gcc}-S")
    if not os.access(wrapper, os.X_OK):
        print(f"GCC {a.gcc} not fetched: skipped")
        return 77
    if a.qemu and not os.access(a.qemu, os.X_OK):
        print(f"{a.qemu} not fetched: skipped")
        return 77
    os.makedirs(a.out_dir, exist_ok=True)
    march = open(RVA23U64_FILE).read().strip() if a.march == "rva23u64" else a.march
    base = os.path.splitext(os.path.basename(a.src))[0]
    tag = "" if a.march == "rv64gcv" else "." + a.march
    asm = os.path.join(a.out_dir, f"{base}{tag}.gcc{a.gcc}.s")
    vec = os.path.join(a.out_dir, f"{base}{tag}.gcc{a.gcc}")
    # per variant and compiler: ctest -j runs the tests of one source at once
    scalar = os.path.join(a.out_dir, f"{base}{tag}.gcc{a.gcc}.gcc12-scalar")
    defs = ["-D" + d for d in a.defines]
    if march == "rv64gcv":
        assemble = [[a.cc, "-march=rv64gcv", "-static", "-o", vec, asm]]
    else:
        obj = vec + ".o"
        new_as = [os.path.join(a.gcc_dir, "ldso-run"), os.path.join(a.gcc_dir, "usr/bin/riscv64-linux-gnu-as")]
        assemble = [[*new_as, "-march=" + march, "-mabi=lp64d", "-o", obj, asm],
                    [a.cc, "-static", "-o", vec, obj]]
    steps = [[wrapper, "-O3", "-march=" + march, "-mabi=lp64d", "-Wall", "-Werror", *defs, "-o", asm, a.src],
             *assemble,
             [a.cc, "-O3", "-march=rv64gc", "-static", "-Wall", "-Werror", *defs, "-o", scalar, a.src]]
    for cmd in steps:
        p = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        if p.returncode != 0:
            print("build failed:", " ".join(cmd), p.stdout[-3000:])
            return 1
    if a.vectorised and "vsetvli" not in open(asm).read():
        print(f"GCC {a.gcc} did not vectorise {a.src}")
        return 1
    here = os.path.dirname(os.path.abspath(__file__))
    oracle = (["--qemu", a.qemu] if a.qemu else []) + (["--cpu", a.cpu] if a.cpu else [])
    return subprocess.run([sys.executable, os.path.join(here, "compare_qemu.py"), "--runner", a.runner,
                           *oracle, "--same-as", scalar, vec]).returncode


if __name__ == "__main__":
    sys.exit(main())
