#!/usr/bin/env python3
"""bench/record.py — the cost of recording (docs/REVERSE.md): runs each
benchmark under plain `hart-run` and `hart-run --record`, and prints the
best user+sys CPU time of each and their ratio (record/plain), for the
CPU-bound kernels and the system-call bound pipe_io; then the geometric
mean of the CPU-bound ratios.

    bench/record.py [--build build] [--reps 3] [--quick] [name ...]

Both runs must print the same checksum (else WRONG). CPU time (getrusage
of the children) is used, not wall-clock, so other load on the machine
matters less; still, measure on a quiet machine. --quick: 1/10 of the
sizes, 1 rep unless --reps is given.
"""
import argparse
import math
import os
import shutil
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import run as benchrun  # noqa: E402  (run(), BENCHMARKS)

CPU_BOUND = ["int_kernels", "coremark_like", "virtual_calls", "mem_string", "nbody", "aes_like",
             "sha512_like", "list_chase"]
IO_BOUND = [("pipe_io", 200000)]


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--build", default="build")
    ap.add_argument("--reps", type=int)
    ap.add_argument("--quick", action="store_true")
    ap.add_argument("names", nargs="*")
    a = ap.parse_args()
    reps = a.reps or (1 if a.quick else 3)
    scales = {n: s for n, _, s in benchrun.BENCHMARKS}
    scales.update(dict(IO_BOUND))
    names = a.names or CPU_BOUND + [n for n, _ in IO_BOUND]
    tmp = tempfile.mkdtemp()
    hart = os.path.join(tmp, "hart-run")
    shutil.copy(os.path.join(a.build, "bin", "hart-run"), hart)
    print(f"{'benchmark':16} {'plain s':>8} {'record s':>9} {'ratio':>6}")
    ratios = []
    for n in names:
        scale = scales[n] // (10 if a.quick else 1)
        prog = os.path.join(a.build, "bench", n + ".riscv64")
        plain, out1 = benchrun.run([hart, prog, str(scale)], reps, cpu=True)
        rec, out2 = benchrun.run([hart, "--record", prog, str(scale)], reps, cpu=True)
        if plain is None or rec is None or out1 != out2:
            print(f"{n:16} WRONG: {out1!r} / {out2!r}")
            continue
        r = rec / plain
        print(f"{n:16} {plain:8.2f} {rec:9.2f} {r:6.2f}{'  (system-call bound)' if n not in CPU_BOUND else ''}")
        if n in CPU_BOUND:
            ratios.append(r)
    if ratios:
        print(f"geomean record/plain (CPU-bound): {math.exp(sum(map(math.log, ratios)) / len(ratios)):.2f}")
    shutil.rmtree(tmp)


if __name__ == "__main__":
    main()
