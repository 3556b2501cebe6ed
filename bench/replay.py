#!/usr/bin/env python3
"""bench/replay.py — how long going back takes in a long recording
(docs/REVERSE.md): records a CPU-bound benchmark under `hart-run --record
-g 0` (default int_kernels 100, about 3.7e9 instructions), stops at exit()
with gdb-multiarch, then times, from gdb: a reverse-stepi (one interval at
most is re-executed), a reverse-continue to a breakpoint at main (the
whole history searched backwards), and a continue forward to exit again
(the whole history replayed). Prints the history length, the checkpoint
count and the three times.

    bench/replay.py [--build build] [name [scale]]
"""
import argparse
import os
import re
import subprocess


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--build", default="build")
    ap.add_argument("name", nargs="?", default="int_kernels")
    ap.add_argument("scale", nargs="?", default="100")
    a = ap.parse_args()
    prog = os.path.join(a.build, "bench", a.name + ".riscv64")
    hart = subprocess.Popen([os.path.join(a.build, "bin", "hart-run"), "--record", "-g", "0", prog, a.scale],
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    port = re.search(r"127\.0\.0\.1:(\d+)", hart.stderr.readline()).group(1)
    timer = "python import time; t = time.time()"

    def lap(what):
        return f"python print('TIME {what} %.2f s' % (time.time() - t)); t = time.time()"

    cmds = ["set architecture riscv:rv64", f"target remote 127.0.0.1:{port}", "break exit", "continue",
            "monitor record", "break main", timer, "reverse-stepi", lap("reverse-stepi"),
            "reverse-continue", lap("reverse-continue to main"), "continue", lap("continue to exit"), "kill"]
    argv = ["gdb-multiarch", "-batch", "-nx"]
    for c in cmds:
        argv += ["-ex", c]
    out = subprocess.run(argv + [prog], stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                         timeout=600).stdout
    hart.wait()
    m = re.search(r"history 0\.\.(\d+), .* (\d+) checkpoints", out)
    times = re.findall(r"^TIME (.*)$", out, re.M)
    if not m or len(times) != 3:
        print(out)
        raise SystemExit("bench/replay.py: unexpected gdb output")
    print(f"{a.name} {a.scale}: history of {int(m.group(1)):,} instructions, {m.group(2)} checkpoints")
    for t in times:
        print("  " + t)


if __name__ == "__main__":
    main()
