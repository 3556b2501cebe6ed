#!/usr/bin/env python3
"""bench/run.py — runs every benchmark under hart-run, qemu-riscv64 and
natively, in one go, and prints times, ratios and their geometric means.

    bench/run.py [--build build] [--reps 3] [--quick] [name ...]

Each program prints a checksum; the three runs must agree or the benchmark
is reported as WRONG. Time is the best of --reps wall-clock runs.
"""
import argparse
import math
import os
import subprocess
import sys
import time

# name, class (int/fp), default scale argument
BENCHMARKS = [
    ("int_kernels", "int", 100),
    ("coremark_like", "int", 50000),
    ("virtual_calls", "int", 20000),
    ("mem_string", "int", 100000),
    ("nbody", "fp", 3000000),
]


def run(cmd, reps):
    best, out = None, None
    for _ in range(reps):
        t0 = time.perf_counter()
        p = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        dt = time.perf_counter() - t0
        if p.returncode != 0:
            return None, f"exit {p.returncode}: {p.stderr.decode(errors='replace')[-300:]}"
        out = p.stdout
        best = dt if best is None else min(best, dt)
    return best, out


def geomean(xs):
    xs = [x for x in xs if x]
    return math.exp(sum(math.log(x) for x in xs) / len(xs)) if xs else float("nan")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--build", default="build")
    ap.add_argument("--reps", type=int, default=3)
    ap.add_argument("--quick", action="store_true", help="1/10 of the default sizes, 1 rep")
    ap.add_argument("--qemu", default="qemu-riscv64")
    ap.add_argument("names", nargs="*")
    a = ap.parse_args()
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    build = os.path.join(root, a.build) if not os.path.isabs(a.build) else a.build
    subprocess.run(["cmake", "--build", build, "--target", "bench_programs"], check=True,
                   stdout=subprocess.DEVNULL)
    hart = os.path.join(build, "bin", "hart-run")
    reps = 1 if a.quick else a.reps
    print(f"{'benchmark':<15} {'class':<5} {'native':>8} {'qemu':>8} {'hart':>8}"
          f" {'hart/native':>12} {'qemu/hart':>10}")
    speedups = {"int": [], "fp": []}
    for name, cls, scale in BENCHMARKS:
        if a.names and name not in a.names:
            continue
        if a.quick:
            scale = max(1, scale // 10)
        rv = os.path.join(build, "bench", name + ".riscv64")
        nat = os.path.join(build, "bench", name + ".native")
        tn, on = run([nat, str(scale)], reps)
        tq, oq = run([a.qemu, rv, str(scale)], reps)
        th, oh = run([hart, rv, str(scale)], reps)
        if th is None or tq is None or tn is None:
            print(f"{name:<15} {cls:<5} FAILED: {oh if th is None else oq if tq is None else on}")
            continue
        if not (on == oq == oh):
            print(f"{name:<15} {cls:<5} WRONG: outputs differ\n  native {on!r}\n  qemu {oq!r}\n  hart {oh!r}")
            continue
        speedups[cls].append(tq / th)
        print(f"{name:<15} {cls:<5} {tn:8.3f} {tq:8.3f} {th:8.3f} {th / tn:11.2f}x {tq / th:9.2f}x")
    for cls in ("int", "fp"):
        if speedups[cls]:
            print(f"geomean {cls}: hart is {geomean(speedups[cls]):.2f}x faster than qemu-riscv64")
    return 0


if __name__ == "__main__":
    sys.exit(main())
