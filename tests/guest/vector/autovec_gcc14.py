#!/usr/bin/env python3
"""tests/guest/vector/autovec_gcc14.py — CTest driver of vector.autovec_gcc14.

Builds autovec.c (or --src, with -D definitions) with Debian trixie's GCC 14 (scripts/fetch-gcc14's
riscv64-gcc14-S: -O3 -march=rv64gcv, assembly, then assembled and linked by
the host's riscv64-linux-gnu-gcc) and without V by the host compiler
(-O3 -march=rv64gc), then runs compare_qemu.py: the vector build's output
under hart-run must equal qemu's and the scalar build's. Exits 77 (skipped)
when the GCC 14 folder is missing (the fetch was skipped).
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
    a = ap.parse_args()
    wrapper = os.path.join(a.gcc14_dir, "riscv64-gcc14-S")
    if not os.access(wrapper, os.X_OK):
        print("GCC 14 not fetched: skipped")
        return 77
    os.makedirs(a.out_dir, exist_ok=True)
    base = os.path.splitext(os.path.basename(a.src))[0]
    asm = os.path.join(a.out_dir, base + ".gcc14.s")
    vec = os.path.join(a.out_dir, base + ".gcc14")
    scalar = os.path.join(a.out_dir, base + ".gcc12-scalar")
    defs = ["-D" + d for d in a.defines]
    steps = [[wrapper, "-O3", "-march=rv64gcv", "-mabi=lp64d", "-Wall", "-Werror", *defs, "-o", asm, a.src],
             [a.cc, "-march=rv64gcv", "-static", "-o", vec, asm],
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
    return subprocess.run([sys.executable, os.path.join(here, "compare_qemu.py"), "--runner", a.runner,
                           "--same-as", scalar, vec]).returncode


if __name__ == "__main__":
    sys.exit(main())
