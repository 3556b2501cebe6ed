#!/usr/bin/env python3
"""bench/profile.py — where a guest program spends its time under hart-run,
by translated block: runs `perf record` on `hart-run -perfmap ...`, maps
each sample's host address to the block that contains it (perf itself does
not read JIT maps for hartd's memfd-backed code), and prints the hottest
blocks with their guest pc and, with -d, their guest instructions.

    bench/profile.py [--top N] [--show K] -- build/bin/hart-run prog args...
"""
import argparse
import bisect
import collections
import os
import re
import subprocess
import sys
import tempfile


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--top", type=int, default=15)
    ap.add_argument("--show", type=int, default=3, help="print guest code of the K hottest blocks")
    ap.add_argument("cmd", nargs=argparse.REMAINDER)
    a = ap.parse_args()
    cmd = a.cmd[1:] if a.cmd and a.cmd[0] == "--" else a.cmd
    if not cmd:
        ap.error("no command")
    with tempfile.TemporaryDirectory() as d:
        data = os.path.join(d, "perf.data")
        log = os.path.join(d, "in_asm.log")
        # -tier0: the blocks a plain run makes (without it, -d in_asm
        # translates every block at its first run, and blocks shaped by
        # tier 0's counts, trace superblocks and loops, come out otherwise).
        hart_cmd = [cmd[0], "-perfmap", "-tier0", "-d", "in_asm", "-D", log] + cmd[1:]
        p = subprocess.Popen(["perf", "record", "-q", "-o", data, "--"] + hart_cmd,
                             stdout=subprocess.DEVNULL)
        p.wait()
        pid = None
        for line in subprocess.run(["perf", "script", "-i", data, "-F", "pid,ip"],
                                   capture_output=True, text=True).stdout.splitlines():
            parts = line.split()
            if len(parts) == 2:
                pid = pid or parts[0]
        mapfile = f"/tmp/perf-{pid}.map"
        blocks = []
        with open(mapfile) as f:
            for line in f:
                start, size, name = line.split()
                blocks.append((int(start, 16), int(size, 16), name))
        os.unlink(mapfile)
        blocks.sort()
        starts = [b[0] for b in blocks]
        counts = collections.Counter()
        total = 0
        for line in subprocess.run(["perf", "script", "-i", data, "-F", "ip,sym,dso"],
                                   capture_output=True, text=True).stdout.splitlines():
            parts = line.split(None, 1)
            if not parts:
                continue
            total += 1
            ip = int(parts[0], 16)
            k = bisect.bisect_right(starts, ip) - 1
            if k >= 0 and ip < blocks[k][0] + blocks[k][1]:
                counts[blocks[k][2]] += 1
            else:
                rest = parts[1] if len(parts) > 1 else "?"
                counts["host: " + re.sub(r"\s+", " ", rest)[:60]] += 1
        code = {}
        with open(log) as f:
            for blk in f.read().split("----------------\n"):
                m = re.search(r"^0x([0-9a-f]+):", blk, re.M)
                if m:
                    code.setdefault("guest_0x%x" % int(m.group(1), 16), blk.strip())
        for name, n in counts.most_common(a.top):
            print(f"{100.0 * n / max(total, 1):6.2f}%  {name}")
        for name, _ in counts.most_common(a.show):
            if name in code:
                print("\n" + code[name])


if __name__ == "__main__":
    sys.exit(main())
