#!/usr/bin/env python3
"""tests/guest/run_guest_test.py — CTest driver for one guest program.

Runs `runner [-L sysroot] program args...` and fails on any difference from
the expected stdout (exact bytes) and exit status. Status "sig:N" expects
death by signal N (the runner dies of N, or exits 128+N).
"""
import argparse
import subprocess
import sys


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--runner", required=True)
    ap.add_argument("--sysroot")
    ap.add_argument("--expected-status", required=True)
    ap.add_argument("--expected-stdout")
    ap.add_argument("--timeout", type=float, default=60)
    ap.add_argument("command", nargs=argparse.REMAINDER)
    a = ap.parse_args()
    cmd = a.command[1:] if a.command and a.command[0] == "--" else a.command
    if not cmd:
        print("no program given", file=sys.stderr)
        return 2
    argv = [a.runner] + (["-L", a.sysroot] if a.sysroot else []) + cmd
    try:
        p = subprocess.run(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                           stdin=subprocess.DEVNULL, timeout=a.timeout)
    except subprocess.TimeoutExpired:
        print(f"TIMEOUT after {a.timeout}s: {' '.join(argv)}", file=sys.stderr)
        return 1

    ok = True
    want = a.expected_status
    if want.startswith("sig:"):
        sig = int(want[4:])
        if p.returncode not in (-sig, 128 + sig):
            print(f"status: expected death by signal {sig}, got {p.returncode}")
            ok = False
    elif p.returncode != int(want):
        print(f"status: expected {want}, got {p.returncode}")
        ok = False
    if a.expected_stdout:
        with open(a.expected_stdout, "rb") as f:
            expected = f.read()
        if p.stdout != expected:
            print("stdout differs:")
            print(f"  expected: {expected!r}")
            print(f"  got:      {p.stdout!r}")
            ok = False
    if not ok:
        print("command:", " ".join(argv))
        if p.stderr:
            print("stderr:", p.stderr.decode(errors="replace")[-4000:])
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
