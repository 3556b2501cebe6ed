#!/usr/bin/env python3
"""bench/launch.py — how fast programs start: launches per second of a static
and a dynamic hello through hart-exec (and hartctl run) into one hartd,
through hart-run and through qemu-riscv64, each with -j parallel launchers;
then `python3 -c pass` from the riscv64 root, first and second launch through
one fresh hartd, against hart-run and qemu-riscv64 (the CI-farm numbers of
issue "hartd as the CI farm's RISC-V engine"); then the CPU time per process
that a guest shell spawns (fork and exec) under hart-run.

    bench/launch.py [--build build] [--sysroot DIR] [-j 2] [--seconds 3] [--reps 5]

Each rate is measured for --seconds of wall-clock time after one warm-up
launch; every launch's output is checked. Run it on a quiet machine: it
measures wall-clock time (a compile in the background halves the numbers).
"""
import argparse
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import threading
import time

HELLO = b"Hello from RISC-V!\n"


def rate(cmd, env, jobs, seconds, want):
    """Launches per second of `cmd` with `jobs` launchers in parallel."""
    subprocess.run(cmd, env=env, stdout=subprocess.DEVNULL, check=False)  # warm-up
    count = [0] * jobs
    bad = []
    stop = time.monotonic() + seconds

    def worker(k):
        while time.monotonic() < stop:
            p = subprocess.run(cmd, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
            if p.returncode != 0 or p.stdout != want:
                bad.append((p.returncode, p.stdout[:80], p.stderr[:200]))
                return
            count[k] += 1

    t0 = time.monotonic()
    threads = [threading.Thread(target=worker, args=(k,)) for k in range(jobs)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    if bad:
        return None, bad[0]
    return sum(count) / (time.monotonic() - t0), None


def once(cmd, env):
    t0 = time.monotonic()
    p = subprocess.run(cmd, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    return time.monotonic() - t0, p.returncode


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--build", default="build")
    ap.add_argument("--sysroot", help="riscv64 root (default BUILD/sysroot-trixie-riscv64)")
    ap.add_argument("-j", "--jobs", type=int, default=2)
    ap.add_argument("--seconds", type=float, default=3)
    ap.add_argument("--reps", type=int, default=5, help="python3 -c pass measurements (best taken)")
    a = ap.parse_args()
    build = os.path.abspath(a.build)
    bin_dir = os.path.join(build, "bin")
    guest = os.path.join(build, "guest")
    sysroot = os.path.abspath(a.sysroot or os.path.join(build, "sysroot-trixie-riscv64"))
    cross = "/usr/riscv64-linux-gnu"
    hartctl = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))),
                           "client-scripts", "hartctl")
    qemu = shutil.which("qemu-riscv64")

    tmp = tempfile.TemporaryDirectory(prefix="hart-launch-")
    sock = os.path.join(tmp.name, "hartd.sock")
    daemon = subprocess.Popen([os.path.join(bin_dir, "hartd"), "--socket", sock, "--foreground",
                               "--log-file", os.path.join(tmp.name, "hartd.log"), "--log-level", "warn"])
    try:
        while not os.path.exists(sock):
            time.sleep(0.02)
        env = dict(os.environ, HARTD_SOCKET=sock)
        print(f"launches per second, {a.jobs} launchers in parallel, {a.seconds:g} s each")
        print(f"{'':14}{'static hello':>14}{'dynamic hello':>15}")
        rows = [("hart-exec", lambda p, dyn: [os.path.join(bin_dir, "hart-exec")] + (["-L", cross] if dyn else []) + [p]),
                ("hartctl run", lambda p, dyn: [hartctl, "run"] + (["-L", cross] if dyn else []) + [p]),
                ("hart-run", lambda p, dyn: [os.path.join(bin_dir, "hart-run")] + (["-L", cross] if dyn else []) + [p])]
        if qemu:
            rows.append(("qemu-riscv64", lambda p, dyn: [qemu] + (["-L", cross] if dyn else []) + [p]))
        for name, make in rows:
            cells = []
            for prog, dyn in (("hello.static", False), ("hello.dynamic", True)):
                r, err = rate(make(os.path.join(guest, prog), dyn), env, a.jobs, a.seconds, HELLO)
                cells.append(f"{r:.0f}" if r is not None else "FAILED")
                if err:
                    print(f"  {name} {prog}: {err}", file=sys.stderr)
            print(f"{name:14}{cells[0]:>14}{cells[1]:>15}")
        print("goal: >= 500 static hellos per second through hart-exec with 2 in parallel")

        py = os.path.join(sysroot, "usr/bin/python3")
        if not os.path.exists(py):
            print(f"python3 -c pass: skipped (no riscv64 root at {sysroot}; scripts/fetch-sysroot)")
            return 0
        print(f"\npython3 -c pass (seconds, wall clock, best of {a.reps}; each first launch in a fresh hartd)")
        run_cmd = ["-L", sysroot, "/usr/bin/python3", "-c", "pass"]
        firsts, seconds, alones, qs, bad = [], [], [], [], []
        for rep in range(a.reps):
            sock2 = os.path.join(tmp.name, f"fresh{rep}.sock")
            fresh = subprocess.Popen([os.path.join(bin_dir, "hartd"), "--socket", sock2, "--foreground",
                                      "--log-file", os.path.join(tmp.name, f"fresh{rep}.log"),
                                      "--log-level", "warn"])
            try:
                while not os.path.exists(sock2):
                    time.sleep(0.02)
                env2 = dict(os.environ, HARTD_SOCKET=sock2)
                cmd = [os.path.join(bin_dir, "hart-exec")] + run_cmd
                for out in (firsts, seconds):
                    t, rc = once(cmd, env2)
                    out.append(t)
                    bad += [rc] if rc else []
            finally:
                fresh.terminate()
                fresh.wait()
            t, rc = once([os.path.join(bin_dir, "hart-run")] + run_cmd, env)
            alones.append(t)
            bad += [rc] if rc else []
            if qemu:
                t, rc = once([qemu, "-L", sysroot, os.path.join(sysroot, "usr/bin/python3"), "-c", "pass"], env)
                qs.append(t)
                bad += [rc] if rc else []
        if bad:
            print(f"  a run failed: statuses {bad}")
        first, second, alone = min(firsts), min(seconds), min(alones)
        q = min(qs) if qs else float("nan")
        print(f"  hartd, first launch   {first:.3f}")
        print(f"  hartd, second launch  {second:.3f}   first/second {first / second:.2f}x (goal >= 3)")
        print(f"  hart-run              {alone:.3f}")
        print(f"  qemu-riscv64          {q:.3f}   qemu/second {q / second:.2f}x (goal >= 2)")

        # Processes a guest spawns itself (a shell script's fork and exec of
        # riscv64 programs): each is a guest process inside the same host
        # process. Not for qemu-riscv64: a guest's execve goes to the host
        # kernel there, which runs a riscv64 program only through binfmt_misc.
        bash = os.path.join(sysroot, "usr/bin/bash")
        spawns = 100
        script = f"for i in $(seq {spawns}); do echo $i | /usr/bin/cat > /dev/null; done"
        print(f"\nprocesses spawned by a guest shell ({spawns} x `echo | cat`: {2 * spawns} forks, "
              f"{spawns} execs), CPU ms per `echo | cat` (user + sys, best of {a.reps})")
        cmd = [os.path.join(bin_dir, "hart-run"), "-L", sysroot, bash, "-c", script]
        best, failed = None, None
        for rep in range(a.reps):
            before = resource.getrusage(resource.RUSAGE_CHILDREN)
            t, rc = once(cmd, env)
            after = resource.getrusage(resource.RUSAGE_CHILDREN)
            if rc:
                failed = rc
                break
            cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
            best = cpu if best is None else min(best, cpu)
        print("  hart-run              " + (f"FAILED ({failed})" if failed else f"{1000 * best / spawns:.2f}"))
    finally:
        daemon.terminate()
        daemon.wait()
    return 0


if __name__ == "__main__":
    sys.exit(main())
