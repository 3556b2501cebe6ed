#!/usr/bin/env python3
"""bench/run.py — runs every benchmark under hart-run, qemu-riscv64 and
natively, in one go, and prints times, ratios and their geometric means.

    bench/run.py [--build build] [--reps 3] [--quick] [--stub | --only-stub] [name ...]
    bench/run.py --vector [--rva23] [--reps 3] [--quick] [name ...]
    bench/run.py --rva23 [--reps 3] [--quick] [name ...]

--vector runs the kernels of bench/vec (autovectorised by GCC 14) instead:
vector and scalar builds under hart-run and qemu (see main_vector);
--rva23 the GCC 15 builds for RVA23U64 against the newest Debian QEMU.
--rva23 alone runs the main kernels as GCC 15 builds them for RVA23U64
(-O2: vectorised loops, inline vector string functions, Zb*, Zicond; see
main_rva23) under hart-run and that QEMU, beside hart-run on the rv64gc
builds, with CPU times.

Class "py" runs python3 of the riscv64 root (scripts/fetch-sysroot): its
start (`-c pass`) and bench/py/mix.py, a short program of common Python
work; their native column is the host's python3 (another version).
Class "tools" runs Debian's own programs from that root (od, sha256sum,
sha512sum, openssl enc, gzip, sort, sed, gawk, grep, bzip2, xz) on a 2 MB
text file run.py writes; the
native column is the host's program of the same name (indicative).

Each program prints a checksum; all runs must agree or the benchmark is
reported as WRONG. Time is the best of --reps wall-clock runs (--quick: 1/10
of the default sizes and 1 rep, unless --reps is given); with --cpu it is the
best user+sys CPU time of the process instead (less sensitive to other load
on the machine; a multi-threaded program's CPU time counts both threads).

--stub also runs each benchmark under `hart-run -g 0` with a gdb stub attached
and idle, and prints the column hart+stub, the ratio stub/hart (of the best
wall-clock times) and its geomean; a ratio above 1.02 is flagged with "!".
"cpu s/h" is the same ratio of the best user+sys CPU times of the hart-run
processes (getrusage of the children), far less sensitive to other load on
the machine than wall-clock time; on a busy machine use more --reps (10 or
so) before believing a "!". --only-stub runs just hart and hart+stub (no
native, no qemu). hart-run is copied to a temporary directory once built, so
that all runs of one invocation use the same binary.

The debugger is a minimal Remote Serial Protocol client (class IdleRsp): it
reads the port from hart-run's stderr, connects, sends qSupported, ? and
vCont;c, then waits, without a word more, for the W (exit) packet, acks it
and closes.

What is timed, for plain hart and stub runs alike: from just before the
process is spawned to the process's exit (its stdout and stderr at EOF and
waited for); nothing is subtracted. The stub run's time thus includes the
debugger handshake (reading the port, connect, qSupported, ?, vCont;c and
hart-run loading the ELF in parallel), which is charged to the stub; the
"handshake" line gives its largest value (ms, from the port line read to
vCont;c sent), to show that it is negligible beside the runtimes. The plain
and stub repetitions are interleaved (plain, stub, plain, stub, ...) so
that machine noise affects both alike.
"""
import argparse
import math
import os
import random
import re
import resource
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time

# name, class (int/fp), default scale argument
BENCHMARKS = [
    ("int_kernels", "int", 100),
    ("coremark_like", "int", 50000),
    ("coremark_mix", "int", 10000),
    ("virtual_calls", "int", 20000),
    ("mem_string", "int", 100000),
    ("nbody", "fp", 3000000),
    ("fp_convert", "fp", 20000000),
    ("spectral_sp", "fp", 600),
    ("aes_like", "int", 6000000),
    ("arx_cipher", "int", 3000000),
    ("sha512_like", "int", 1200000),
    ("list_chase", "int", 400),
    ("list_chase_hot", "int", 100000),
    ("threads2", "int", 5000000),
]
# Python from the riscv64 root (build/sysroot-trixie-riscv64), class "py":
# name and the interpreter's arguments (SCALE: the scale argument). The
# native column is the host's own python3 (another version and build, so
# hart/native is indicative there); qemu and hart run the same riscv64
# python3 with -L.
PY_BENCHMARKS = [
    ("py_startup", ["-c", "pass"], None),
    ("py_mix", ["{dir}/py/mix.py", "SCALE"], 10),
]
# Debian's own riscv64 programs from the same root, class "tools": name and
# argv (the program, then its arguments; INPUT is a text file of about 2 MB
# that run.py writes, read by a relative path from the current folder so
# that -L lookups do not apply). Short real runs, where translation and the
# tier-0 heuristics count as much as code quality. The native column runs
# the host's program of the same name (another version: indicative; its
# output is not compared).
TOOL_BENCHMARKS = [
    ("od_hex", ["/usr/bin/od", "-x", "INPUT"]),
    ("sha256sum", ["/usr/bin/sha256sum", "INPUT"]),
    ("sha512sum", ["/usr/bin/sha512sum", "INPUT"]),
    ("openssl_aes", ["/usr/bin/openssl", "enc", "-aes-128-ctr", "-K", "000102030405060708090a0b0c0d0e0f",
                     "-iv", "f0f1f2f3f4f5f6f7f8f9fafbfcfdfeff", "-in", "INPUT"]),
    ("gzip", ["/usr/bin/gzip", "-c", "-6", "INPUT"]),
    ("sort", ["/usr/bin/sort", "INPUT"]),
    ("sed", ["/usr/bin/sed", "-e", "s/[aeiou]\\+/<&>/g", "INPUT"]),
    ("gawk", ["/usr/bin/gawk", "{n[$2]++; s += length($0)} END {for (k in n) c++; print c, s, NR}",
              "INPUT"]),
    ("grep", ["/usr/bin/grep", "-c", "-E", "(ab|cd)[a-z]*e$", "INPUT"]),
    ("bzip2", ["/usr/bin/bzip2", "-c", "INPUT"]),
    ("xz", ["/usr/bin/xz", "-c", "-1", "INPUT"]),
]
TOOL_INPUT = "tools-input.txt"
STUB_LIMIT = 1.02  # the acceptance bound for stub/hart
# --vector: kernels autovectorised by GCC 14 (bench/vec), name and scale.
VECTOR_BENCHMARKS = [
    ("vk_memcpy", 20000),
    ("vk_saxpy", 20000),
    ("vk_dot", 20000),
    ("vk_matmul", 400),
    ("vk_filter", 3000),
    ("vk_crc", 300),
    ("vk_strlen", 20000),
]
QEMU_V_CPU = ["-cpu", "rv64,v=true,vlen=128"]


def children_cpu():
    r = resource.getrusage(resource.RUSAGE_CHILDREN)
    return r.ru_utime + r.ru_stime


def run_once(cmd):
    """(wall seconds, stdout, user+sys seconds) or (None, error text, None)."""
    c0 = children_cpu()
    t0 = time.perf_counter()
    try:
        p = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    except OSError as e:
        return None, str(e), None
    dt = time.perf_counter() - t0
    if p.returncode != 0:
        return None, f"exit {p.returncode}: {p.stderr.decode(errors='replace')[-300:]}", None
    return dt, p.stdout, children_cpu() - c0


def run(cmd, reps, cpu=False):
    """(best time, output): wall-clock seconds, or user+sys CPU seconds of
    the child with cpu=True; (None, error text) if a run failed."""
    best, out = None, None
    for _ in range(reps):
        dt, out, ct = run_once(cmd)
        if dt is None:
            return None, out
        if cpu:
            dt = ct
        best = dt if best is None else min(best, dt)
    return best, out


class IdleRsp:
    """Just enough RSP to start a guest under the stub and wait for its end."""

    def __init__(self, port):
        self.s = socket.create_connection(("127.0.0.1", port), timeout=30)
        self.s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self.buf = b""

    def _more(self):
        chunk = self.s.recv(65536)
        if not chunk:
            raise EOFError("the stub closed the connection")
        self.buf += chunk

    def packet(self):
        """Next $payload#cs (acked with '+'); acks and noise before it are skipped."""
        while True:
            i = self.buf.find(b"$")
            j = self.buf.find(b"#", i) if i >= 0 else -1
            if i >= 0 and j >= 0 and len(self.buf) >= j + 3:
                body, self.buf = self.buf[i + 1:j], self.buf[j + 3:]
                self.s.sendall(b"+")
                return body.decode("latin1")
            self._more()

    def send(self, payload):
        data = payload.encode()
        self.s.sendall(b"$" + data + b"#" + b"%02x" % (sum(data) & 0xff))

    def cmd(self, payload):
        self.send(payload)
        return self.packet()

    def continue_to_exit(self, timeout):
        """vCont;c, then the W/X packet (O console packets are skipped)."""
        self.send("vCont;c")
        self.s.settimeout(timeout)
        while True:
            r = self.packet()
            if r[:1] in ("W", "X"):
                return r
            if r[:1] != "O":
                raise RuntimeError(f"unexpected stop reply {r!r} (the stub was to stay idle)")

    def close(self):
        self.s.close()


def run_stub_once(hart, args, timeout=600):
    """One run of `hart-run -g 0 ARGS` driven by IdleRsp: (wall seconds,
    stdout, user+sys seconds, handshake seconds), or (None, error text, None, None)."""
    c0 = children_cpu()
    t0 = time.perf_counter()
    try:
        p = subprocess.Popen([hart, "-g", "0", *args], stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    except OSError as e:
        return None, str(e), None, None
    line = p.stderr.readline().decode(errors="replace")
    t_port = time.perf_counter()
    got = {}
    drains = [threading.Thread(target=lambda k=k, f=f: got.__setitem__(k, f.read()))
              for k, f in (("out", p.stdout), ("err", p.stderr))]
    for d in drains:
        d.start()
    c, why = None, None
    try:
        m = re.search(r"127\.0\.0\.1:(\d+)", line)
        if not m:
            raise RuntimeError(f"no port on stderr: {line!r}")
        c = IdleRsp(int(m.group(1)))
        c.cmd("qSupported:swbreak+;hwbreak+;vContSupported+")
        c.cmd("?")
        t_cont = time.perf_counter()
        end = c.continue_to_exit(timeout)
        if end != "W00":
            why = f"stub reported {end!r}"
    except (OSError, EOFError, RuntimeError) as e:
        why = f"{type(e).__name__}: {e}"
        p.kill()
    finally:
        if c:
            c.close()
    p.wait()
    for d in drains:
        d.join()
    dt = time.perf_counter() - t0
    if why is None and p.returncode != 0:
        why = f"exit {p.returncode}"
    if why:
        return None, f"{why}: {(line + got.get('err', b'').decode(errors='replace'))[-300:]}", None, None
    return dt, got["out"], children_cpu() - c0, t_cont - t_port


def run_hart_and_stub(hart, args, reps):
    """Interleaved plain/stub repetitions. Returns {"hart": (best wall, output,
    best cpu), "hart+stub": (...), "handshake": largest}; a failed run has
    None for its times and the error text for output."""
    best = {"hart": [None, None, None], "hart+stub": [None, None, None], "handshake": 0.0}
    for _ in range(reps):
        for label in ("hart", "hart+stub"):
            if label == "hart":
                dt, out, cpu = run_once([hart, *args])
            else:
                dt, out, cpu, hs = run_stub_once(hart, args)
            b = best[label]
            b[1] = out
            if dt is None:
                b[0] = b[2] = None
                return best
            b[0] = dt if b[0] is None else min(b[0], dt)
            b[2] = cpu if b[2] is None else min(b[2], cpu)
            if label == "hart+stub":
                best["handshake"] = max(best["handshake"], hs)
    return best


def write_tool_input(path, size):
    """A text file of about `size` bytes for the tools benchmarks: lines of
    pseudo-random lower-case words (a fixed seed, so every run and every
    engine reads the same file)."""
    rng = random.Random(13)
    syll = ["a", "e", "i", "o", "u", "ab", "cd", "ef", "st", "th", "er", "qu", "ion", "x", "z"]
    lines, n = [], 0
    while n < size:
        words = ["".join(rng.choice(syll) for _ in range(rng.randint(1, 4)))
                 for _ in range(rng.randint(3, 12))]
        line = f"{rng.randint(0, 99999):05d} " + " ".join(words)
        lines.append(line)
        n += len(line) + 1
    with open(path, "w") as f:
        f.write("\n".join(lines) + "\n")


def geomean(xs):
    xs = [x for x in xs if x]
    return math.exp(sum(math.log(x) for x in xs) / len(xs)) if xs else float("nan")


def times_of(head, runs, skip_output=()):
    """The times of one row's runs [(label, time, output)] by label, or None
    after printing `head` FAILED (a run failed) or WRONG (the outputs of the
    runs not in skip_output differ)."""
    bad = [(label, o) for label, t, o in runs if t is None]
    if bad:
        print(f"{head} FAILED ({bad[0][0]}): {bad[0][1]}")
        return None
    outs = {label: o for label, _, o in runs if label not in skip_output}
    if len(set(outs.values())) != 1:
        print(f"{head} WRONG: outputs differ")
        for label, o in outs.items():
            print(f"  {label} {o!r}")
        return None
    return {label: tm for label, tm, _ in runs}


QEMU_RVA23_CPU = ["-cpu", "rva23u64"]


def main_vector(a, build, hart, reps):
    """--vector: each bench/vec kernel's vector build (-march=rv64gcv) and
    scalar build (-march=rv64gc), both by GCC 14, under hart-run and under
    qemu-riscv64 (with V, VLEN 128), best user+sys CPU time of --reps runs;
    "v/s" is vector time / scalar time (below 1: the vector build is faster).
    All six outputs (native included) must be the same checksum. With
    --rva23, the GCC 15 builds for RVA23U64 and rv64gc (bench/CMakeLists.txt)
    under hart-run and the newest Debian QEMU (-cpu rva23u64) instead."""
    target = "bench_vec_rva23_programs" if a.rva23 else "bench_vec_programs"
    subprocess.run(["cmake", "--build", build, "--target", target], check=True, stdout=subprocess.DEVNULL)
    vec_ext, scalar_ext = (".rva23", ".rva23-scalar") if a.rva23 else (".vector", ".scalar")
    qemu = [os.path.join(build, "qemu-testing-amd64", "qemu-riscv64"), *QEMU_RVA23_CPU] if a.rva23 \
        else [a.qemu, *QEMU_V_CPU]
    print(f"{'kernel':<10} {'native':>7} {'qemu-s':>7} {'qemu-v':>7} {'q v/s':>6} "
          f"{'hart-s':>7} {'hart-v':>7} {'h v/s':>6} {'qemu-v/hart-v':>14}", flush=True)
    ratios = []
    for name, scale in VECTOR_BENCHMARKS:
        if a.names and name not in a.names:
            continue
        if a.quick:
            scale = max(1, scale // 10)
        base = os.path.join(build, "bench", name)
        runs = [("native",) + run([base + ".native", str(scale)], reps, True),
                ("qemu-s",) + run([*qemu, base + scalar_ext, str(scale)], reps, True),
                ("qemu-v",) + run([*qemu, base + vec_ext, str(scale)], reps, True),
                ("hart-s",) + run([hart, base + scalar_ext, str(scale)], reps, True),
                ("hart-v",) + run([hart, base + vec_ext, str(scale)], reps, True)]
        t = times_of(f"{name:<10}", runs)
        if t is None:
            continue
        ratios.append(t["hart-v"] / t["hart-s"])
        print(f"{name:<10} {t['native']:7.3f} {t['qemu-s']:7.3f} {t['qemu-v']:7.3f} "
              f"{t['qemu-v'] / t['qemu-s']:6.2f} {t['hart-s']:7.3f} {t['hart-v']:7.3f} "
              f"{t['hart-v'] / t['hart-s']:6.2f} {t['qemu-v'] / t['hart-v']:13.1f}x", flush=True)
    if ratios:
        print(f"geomean hart vector/scalar: {geomean(ratios):.2f} (below 1: vector faster)")
    return 0


def main_rva23(a, build, hart, reps):
    """--rva23 without --vector: each main kernel's GCC 15 RVA23U64 build
    (NAME.rva23, bench/CMakeLists.txt) under hart-run and the newest Debian
    QEMU (-cpu rva23u64), and its rv64gc build (NAME.riscv64, the main
    table's) under hart-run; best user+sys CPU time of --reps runs. "qemu/
    hart" compares the RVA23 build under both; "rva23/gc" is hart's time
    on the RVA23 build over its time on the rv64gc one (above 1: hart runs
    the RVA23 build slower, e.g. vector code with no inline path). All
    three outputs must be the same checksum."""
    subprocess.run(["cmake", "--build", build, "--target", "bench_rva23_programs"], check=True,
                   stdout=subprocess.DEVNULL)
    qemu = [os.path.join(build, "qemu-testing-amd64", "qemu-riscv64"), *QEMU_RVA23_CPU]
    print(f"{'benchmark':<15} {'class':<5} {'hart-gc':>8} {'hart-23':>8} {'qemu-23':>8} "
          f"{'rva23/gc':>9} {'qemu/hart':>10}", flush=True)
    speedups, slowdowns = {}, []
    for name, cls, scale in BENCHMARKS:
        if a.names and name not in a.names:
            continue
        if a.quick:
            scale = max(1, scale // 10)
        base = os.path.join(build, "bench", name)
        runs = [("hart-gc",) + run([hart, base + ".riscv64", str(scale)], reps, True),
                ("hart-23",) + run([hart, base + ".rva23", str(scale)], reps, True),
                ("qemu-23",) + run([*qemu, base + ".rva23", str(scale)], reps, True)]
        t = times_of(f"{name:<15}", runs)
        if t is None:
            continue
        speedups.setdefault(cls, []).append(t["qemu-23"] / t["hart-23"])
        slowdowns.append(t["hart-23"] / t["hart-gc"])
        print(f"{name:<15} {cls:<5} {t['hart-gc']:8.3f} {t['hart-23']:8.3f} {t['qemu-23']:8.3f} "
              f"{t['hart-23'] / t['hart-gc']:8.2f}x {t['qemu-23'] / t['hart-23']:9.2f}x", flush=True)
    for cls, xs in speedups.items():
        print(f"geomean {cls}: hart is {geomean(xs):.2f}x faster than qemu on the RVA23 builds")
    if slowdowns:
        print(f"geomean hart rva23/gc: {geomean(slowdowns):.2f} (above 1: the RVA23 builds run slower)")
    return 0


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--build", default="build")
    ap.add_argument("--reps", type=int, help="repetitions, best taken (default 3; --quick: 1)")
    ap.add_argument("--quick", action="store_true", help="1/10 of the default sizes, 1 rep")
    ap.add_argument("--qemu", default="qemu-riscv64")
    ap.add_argument("--cpu", action="store_true",
                    help="compare user+sys CPU time instead of wall-clock time (not with --stub)")
    ap.add_argument("--stub", action="store_true", help="also hart-run with an idle gdb stub attached")
    ap.add_argument("--only-stub", action="store_true", help="just hart and hart+stub (implies --stub)")
    ap.add_argument("--vector", action="store_true",
                    help="the GCC 14 autovectorised kernels (bench/vec): vector vs scalar build, CPU time")
    ap.add_argument("--rva23", action="store_true",
                    help="GCC 15's RVA23U64 builds against the newest Debian QEMU (with --vector: "
                         "bench/vec's; alone: the main kernels, beside their rv64gc builds)")
    ap.add_argument("names", nargs="*")
    a = ap.parse_args()
    a.stub = a.stub or a.only_stub
    if a.cpu and a.stub:
        ap.error("--cpu compares plain runs only; --stub has its own cpu s/h column")
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    build = os.path.join(root, a.build) if not os.path.isabs(a.build) else a.build
    if a.rva23 and a.stub:
        ap.error("--rva23 compares plain runs only")
    if not a.vector:
        subprocess.run(["cmake", "--build", build, "--target", "bench_programs"], check=True,
                       stdout=subprocess.DEVNULL)
    # One snapshot of hart-run for the whole invocation: plain and stub runs
    # use the same binary even if build/ is relinked meanwhile.
    snap = tempfile.TemporaryDirectory(prefix="hart-bench-")
    hart = os.path.join(snap.name, "hart-run")
    shutil.copy2(os.path.join(build, "bin", "hart-run"), hart)
    reps = a.reps if a.reps else 1 if a.quick else 3
    if a.vector:
        return main_vector(a, build, hart, reps)
    if a.rva23:
        return main_rva23(a, build, hart, reps)
    full = not a.only_stub
    # The columns shown: (title, width, cell text from the times t and ratios).
    cols = []
    if full:
        cols += [("native", 8, lambda t, r: f"{t['native']:8.3f}"),
                 ("qemu", 8, lambda t, r: f"{t['qemu']:8.3f}")]
    cols.append(("hart", 8, lambda t, r: f"{t['hart']:8.3f}"))
    if a.stub:
        cols.append(("hart+stub", 9, lambda t, r: f"{t['hart+stub']:9.3f}"))
    if full:
        cols += [("hart/native", 12, lambda t, r: f"{t['hart'] / t['native']:11.2f}x"),
                 ("qemu/hart", 10, lambda t, r: f"{t['qemu'] / t['hart']:9.2f}x")]
    if a.stub:
        cols += [("stub/hart", 10, lambda t, r: f"{r['stub']:9.3f}x"),
                 ("cpu s/h", 8, lambda t, r: f"{r['cpu']:7.3f}x")]
    head = f"{'benchmark':<15} {'class':<5}" + "".join(f" {c[0]:>{c[1]}}" for c in cols)
    print(head, flush=True)
    speedups = {"int": [], "fp": [], "py": [], "tools": []}
    stub_ratios, cpu_ratios, over, handshake = [], [], [], 0.0
    sysroot = os.path.join(build, "sysroot-trixie-riscv64")
    bench_dir = os.path.dirname(os.path.abspath(__file__))
    todo = [(name, cls, scale, None) for name, cls, scale in BENCHMARKS]
    if os.path.exists(os.path.join(sysroot, "usr/bin/python3")) and shutil.which("python3"):
        todo += [(name, "py", scale, args) for name, args, scale in PY_BENCHMARKS]
    else:
        print(f"(python benchmarks skipped: no riscv64 root at {sysroot}; scripts/fetch-sysroot)")
    if os.path.exists(os.path.join(sysroot, "usr/bin/od")):
        # Every run reads INPUT from the snapshot folder, the current one.
        os.chdir(snap.name)
        write_tool_input(TOOL_INPUT, 200000 if a.quick else 2000000)
        todo += [(name, "tools", None, argv) for name, argv in TOOL_BENCHMARKS]
    for name, cls, scale, py_args in todo:
        if a.names and name not in a.names:
            continue
        if a.quick and scale:
            scale = max(1, scale // 10)
        if cls == "tools":
            prog = py_args[0]
            args = [TOOL_INPUT if x == "INPUT" else x for x in py_args[1:]]
            native = shutil.which(os.path.basename(prog)) or shutil.which(os.path.basename(prog).lstrip("g")) or prog
            cmd = {"native": [native] + args,
                   "qemu": [a.qemu, "-L", sysroot, sysroot + prog] + args,
                   "hart": ["-L", sysroot, prog] + args}
        elif py_args is None:
            rv = os.path.join(build, "bench", name + ".riscv64")
            cmd = {"native": [os.path.join(build, "bench", name + ".native"), str(scale)],
                   "qemu": [a.qemu, rv, str(scale)], "hart": [rv, str(scale)]}
        else:
            args = [x.replace("{dir}", bench_dir).replace("SCALE", str(scale)) for x in py_args]
            cmd = {"native": [shutil.which("python3")] + args,
                   "qemu": [a.qemu, "-L", sysroot, os.path.join(sysroot, "usr/bin/python3")] + args,
                   "hart": ["-L", sysroot, "/usr/bin/python3"] + args}
        runs = []  # (label, time, output)
        if full:
            runs.append(("native",) + run(cmd["native"], reps, a.cpu))
            runs.append(("qemu",) + run(cmd["qemu"], reps, a.cpu))
        if a.stub:
            hs = run_hart_and_stub(hart, cmd["hart"], reps)
            for label in ("hart", "hart+stub"):
                if hs[label][1] is not None:
                    runs.append((label, hs[label][0], hs[label][1]))
        else:
            runs.append(("hart",) + run([hart] + cmd["hart"], reps, a.cpu))
        # (The host's own tools are other versions: their output may differ.)
        t = times_of(f"{name:<15} {cls:<5}", runs, ("native",) if cls == "tools" else ())
        if t is None:
            continue
        ratio = {}
        if full:
            speedups[cls].append(t["qemu"] / t["hart"])
        if a.stub:
            ratio["stub"] = t["hart+stub"] / t["hart"]
            ratio["cpu"] = hs["hart+stub"][2] / hs["hart"][2]
            stub_ratios.append(ratio["stub"])
            cpu_ratios.append(ratio["cpu"])
            handshake = max(handshake, hs["handshake"])
        line = f"{name:<15} {cls:<5}" + "".join(" " + c[2](t, ratio) for c in cols)
        if a.stub and ratio["stub"] > STUB_LIMIT:
            line += " !"
            over.append(name)
        print(line, flush=True)
    for cls in ("int", "fp", "py", "tools"):
        if speedups[cls]:
            print(f"geomean {cls}: hart is {geomean(speedups[cls]):.2f}x faster than qemu-riscv64")
    if stub_ratios:
        print(f"geomean stub/hart: {geomean(stub_ratios):.3f}x (cpu {geomean(cpu_ratios):.3f}x)"
              f" over {len(stub_ratios)} benchmark(s), {reps} rep(s) each, interleaved")
        print(f"handshake (port read -> vCont;c sent, counted in hart+stub): at most"
              f" {handshake * 1000:.1f} ms")
        if over:
            print(f"stub/hart above {STUB_LIMIT:.2f}: {', '.join(over)}")
        else:
            print(f"stub/hart within {STUB_LIMIT:.2f} for all")
    return 0


if __name__ == "__main__":
    sys.exit(main())
