#!/usr/bin/env python3
"""tests/guest/vector/compare_qemu.py — CTest driver of the vector tests.

Runs a riscv64 program under qemu-riscv64 with RVV 1.0 at VLEN 128 (the
oracle: -cpu rv64,v=true,vlen=128,vext_spec=v1.0, QEMU 7.2's option names)
and under hart-run, and fails unless stdout and exit status are identical.
With --same-as SCALAR, hart-run's output of SCALAR (the same program
built without V) must be identical too. --qemu and --cpu choose another
oracle (QEMU 10 for the extensions qemu 7.2 lacks) and its -cpu string;
--expect-status N also requires that exit status (a program that checks
known answers itself exits non-zero when one is wrong, under both).
Exits 77 (skipped) when the qemu is not installed.
"""
import argparse
import difflib
import shutil
import subprocess
import sys

QEMU_CPU = "rv64,v=true,vlen=128,vext_spec=v1.0"


def run(argv, timeout):
    try:
        p = subprocess.run(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                           stdin=subprocess.DEVNULL, timeout=timeout)
    except subprocess.TimeoutExpired:
        return None, b"", b"TIMEOUT"
    return p.returncode, p.stdout, p.stderr


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--runner", required=True)
    ap.add_argument("--qemu", default="qemu-riscv64")
    ap.add_argument("--cpu", default=QEMU_CPU)
    ap.add_argument("--expect-status", type=int)
    ap.add_argument("--timeout", type=float, default=60)
    ap.add_argument("--same-as", help="a scalar build whose hart-run output must be the same")
    ap.add_argument("program")
    a = ap.parse_args()
    if not shutil.which(a.qemu):
        print("qemu-riscv64 not found: skipped")
        return 77
    qs, qout, qerr = run([a.qemu, "-cpu", a.cpu, a.program], a.timeout)
    hs, hout, herr = run([a.runner, a.program], a.timeout)
    if qs is None or not qout:
        print("the oracle failed:", qs, qerr.decode(errors="replace")[-2000:])
        return 1
    if a.same_as:
        ss, sout, _ = run([a.runner, a.same_as], a.timeout)
        if (ss, sout) != (hs, hout):
            print(f"the scalar build differs: status {ss}, vector build {hs}")
            print("scalar:", sout.decode(errors="replace")[:2000])
            print("vector:", hout.decode(errors="replace")[:2000])
            return 1
    if a.expect_status is not None and hs != a.expect_status:
        print(f"hart-run exit status {hs}, want {a.expect_status}")
        print(hout.decode(errors="replace")[-3000:])
        return 1
    if (qs, qout) == (hs, hout):
        return 0
    print(f"status: qemu {qs}, hart {hs}")
    diff = difflib.unified_diff(qout.decode(errors="replace").splitlines(),
                                hout.decode(errors="replace").splitlines(), "qemu", "hart", lineterm="", n=1)
    for i, line in enumerate(diff):
        if i >= 60:
            print("...")
            break
        print(line)
    if herr:
        print("hart stderr:", herr.decode(errors="replace")[-2000:])
    return 1


if __name__ == "__main__":
    sys.exit(main())
