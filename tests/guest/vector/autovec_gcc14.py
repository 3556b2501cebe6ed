#!/usr/bin/env python3
"""tests/guest/vector/autovec_gcc14.py — CTest driver of vector.autovec_gcc14.

Builds autovec.c (or --src, with -D definitions) with Debian trixie's GCC 14 (scripts/fetch-gcc14's
riscv64-gcc14-S: -O3 -march=rv64gcv, assembly, then assembled and linked by
the host's riscv64-linux-gnu-gcc) and without V by the host compiler
(-O3 -march=rv64gc), then runs compare_qemu.py: the vector build's output
under hart-run must equal qemu's and the scalar build's. Exits 77 (skipped)
when the GCC 14 folder is missing (the fetch was skipped).

--march ISA builds the vector program for ISA instead (issue 15's
`rv64gcv_zvbb_zicond_zfa_zcb`: GCC 14 knows no `rva23u64`), assembled by
trixie's binutils from the same folder (the host's 2.40 lacks Zicond, Zfa,
Zcb and Zvbb), and --qemu/--cpu name the oracle that runs it (QEMU 10).
"""
import argparse
import os
import subprocess
import sys


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--gcc14-dir", required=True)
    ap.add_argument("--cc", required=True)
    ap.add_argument("--runner", required=True)
    ap.add_argument("--src", required=True)
    ap.add_argument("--out-dir", required=True)
    ap.add_argument("-D", dest="defines", action="append", default=[],
                    help="a macro definition for both builds (e.g. BENCH_SCALE_DIVISOR=50)")
    ap.add_argument("--march", default="rv64gcv", help="the vector build's ISA")
    ap.add_argument("--qemu", help="the oracle (compare_qemu.py's default: qemu-riscv64)")
    ap.add_argument("--cpu", help="its -cpu")
    a = ap.parse_args()
    wrapper = os.path.join(a.gcc14_dir, "riscv64-gcc14-S")
    if not os.access(wrapper, os.X_OK):
        print("GCC 14 not fetched: skipped")
        return 77
    if a.qemu and not os.access(a.qemu, os.X_OK):
        print(f"{a.qemu} not fetched: skipped")
        return 77
    os.makedirs(a.out_dir, exist_ok=True)
    base = os.path.splitext(os.path.basename(a.src))[0]
    tag = "" if a.march == "rv64gcv" else "." + a.march
    asm = os.path.join(a.out_dir, base + tag + ".gcc14.s")
    vec = os.path.join(a.out_dir, base + tag + ".gcc14")
    scalar = os.path.join(a.out_dir, base + tag + ".gcc12-scalar")  # per variant: ctest -j runs both at once
    defs = ["-D" + d for d in a.defines]
    if a.march == "rv64gcv":
        assemble = [[a.cc, "-march=rv64gcv", "-static", "-o", vec, asm]]
    else:
        obj = vec + ".o"
        trixie_as = [os.path.join(a.gcc14_dir, "ldso-run"),
                     os.path.join(a.gcc14_dir, "usr/bin/riscv64-linux-gnu-as")]
        assemble = [[*trixie_as, "-march=" + a.march, "-mabi=lp64d", "-o", obj, asm],
                    [a.cc, "-static", "-o", vec, obj]]
    steps = [[wrapper, "-O3", "-march=" + a.march, "-mabi=lp64d", "-Wall", "-Werror", *defs, "-o", asm, a.src],
             *assemble,
             [a.cc, "-O3", "-march=rv64gc", "-static", "-Wall", "-Werror", *defs, "-o", scalar, a.src]]
    for cmd in steps:
        p = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        if p.returncode != 0:
            print("build failed:", " ".join(cmd), p.stdout[-3000:])
            return 1
    if "vsetvli" not in open(asm).read():
        print(f"GCC 14 did not vectorise {a.src}")
        return 1
    here = os.path.dirname(os.path.abspath(__file__))
    oracle = (["--qemu", a.qemu] if a.qemu else []) + (["--cpu", a.cpu] if a.cpu else [])
    return subprocess.run([sys.executable, os.path.join(here, "compare_qemu.py"), "--runner", a.runner,
                           *oracle, "--same-as", scalar, vec]).returncode


if __name__ == "__main__":
    sys.exit(main())
