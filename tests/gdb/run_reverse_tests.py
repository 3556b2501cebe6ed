#!/usr/bin/env python3
"""tests/gdb/run_reverse_tests.py — reverse execution (docs/REVERSE.md) with
the real gdb-multiarch in batch mode against `hart-run --record -g 0` on
tests/gdb/rexec.c, a single-threaded program that reads the time, a file and
random bytes. Shares run_gdb_tests.py's helpers (hart-run with its port,
gdb in batch mode, ordered regex checks).

usage: run_reverse_tests.py --hart-run PATH --bin-dir DIR --src-dir DIR SCENARIO
"""
import argparse
import re

import run_gdb_tests as g

PROG = "rexec"


def run(h, cmds, timeout=20):
    """gdb on hart h; rexec's SIGUSR1 passes without a stop."""
    return g.run_gdb(h, PROG, ["handle SIGUSR1 nostop noprint pass", *cmds], timeout=timeout)


def values(out, names):
    """The values gdb printed for `print NAME` commands, in order: the text
    after "$N = " of each print, grouped by the names asked."""
    got = re.findall(r"^\$\d+ = (.*)$", out, re.M)
    if len(got) % len(names):
        g.fail(f"expected prints of {names} in groups", out)
    return [got[i:i + len(names)] for i in range(0, len(got), len(names))]


def regs(out):
    return re.findall(r"^(pc|sp|ra|a0|s0)\s+(0x[0-9a-f]+)", out, re.M)


def icounts(out):
    return [int(n) for n in re.findall(r"^icount (\d+)$", out, re.M)]


def monitor_icount():
    # `monitor icount` prints the bare number; label it for the checks.
    return ["echo icount\\040", "monitor icount"]


def rexec_icount():
    """The retired-instruction count is exact at every stop: the same at a
    breakpoint whether blocks are counted whole or one instruction at a
    time (-one-insn-per-tb), and it moves by one per stepi/reverse-stepi."""
    second = g.source_line("rexec.c", "SECOND_MARK")
    cmds = [f"break rexec.c:{second}", "continue", *monitor_icount(), "info registers pc", "stepi",
            *monitor_icount(), "reverse-stepi", "reverse-stepi", *monitor_icount(), "stepi",
            *monitor_icount(), "info registers pc", "continue"]
    counts = []
    for opts in (("--record",), ("--record", "-one-insn-per-tb")):
        h = g.Hart(PROG, opts=opts)
        out = run(h, cmds)
        c = icounts(out)
        if len(c) != 4 or c[1] != c[0] + 1 or c[2] != c[0] - 1 or c[3] != c[0]:
            g.fail(f"icount sequence {c} with {opts}", out)
        pcs = re.findall(r"^pc\s+(0x[0-9a-f]+)", out, re.M)
        if len(pcs) != 2 or pcs[0] != pcs[1]:
            g.fail("stepi after two reverse-stepi did not come back to the same pc", out)
        rc, o, e = h.finish()
        if rc != 0 or not o.startswith("head ELF counter"):
            g.fail("guest result", rc, o, e)
        counts.append(c[0])
    if counts[0] != counts[1]:
        g.fail(f"icount at the breakpoint: {counts[0]} counted by blocks, {counts[1]} one by one")
    # Without --record there is no count (and no reverse execution).
    h = g.Hart(PROG)
    out = run(h, ["monitor icount", "reverse-stepi", "continue"])
    g.expect_in_order(out, [r"not recording", r"exited normally"])
    h.finish()


NAMES = ["counter", "/x rnd", "t_ns", "ticks", "head", "got"]


def prints():
    return [f"print {n}" for n in NAMES] + ["info registers pc sp ra a0 s0"]


def rexec_gdb(interval=None, opts=None):
    """reverse-stepi, reverse-next, reverse-finish, reverse-continue to an
    earlier breakpoint and to the last change of a watched variable, the
    start of history; then forward again to the end: the same values and
    registers, and the guest's output written once. opts: hart-run's
    (default: --record)."""
    end = g.source_line("rexec.c", "END")
    last = g.source_line("rexec.c", "LAST_CHANGE")
    second = g.source_line("rexec.c", "SECOND_MARK")
    if opts is None:
        opts = ("--record",) + (("--record-interval", str(interval)) if interval else ())
    h = g.Hart(PROG, opts=opts)
    out = run(h, [
        f"break rexec.c:{end}", "continue", *prints(),
        f"break rexec.c:{last}", "reverse-continue", "reverse-next", "reverse-next", "next", "next",
        "reverse-step", "reverse-finish",
        "break mark", "reverse-continue", "print counter",
        "watch counter", "continue", "continue", "continue", "continue", "reverse-continue",
        "print counter", "delete", "reverse-continue", "monitor record",
        "break on_usr1", "continue", "bt 2", f"break rexec.c:{end}", "continue", *prints(), "continue"],
        timeout=40)
    g.expect_in_order(out, [
        rf"Breakpoint 1, main .*\n{end}\s",
        rf"Breakpoint 2, main .*\n{last}\s",                 # reverse-continue
        rf"^{second}\s+mark\(2\)",                           # reverse-next
        rf"^{second - 1}\s+long m = mix",                     # reverse-next over mix()
        rf"^{second}\s+mark\(2\)",                           # next
        rf"Breakpoint 2, main .*\n{last}\s",                 # next
        r"mark \(step=2\) at .*rexec\.c:\d+",                 # reverse-step: into mark's end
        rf"in main \(.*\) at .*rexec\.c:{second}",            # reverse-finish: the call
        r"Breakpoint 3, mark \(step=1\)",                     # reverse-continue to an earlier hit
        r"^\$\d+ = 0$",
        r"Hardware watchpoint 4: counter",
        r"Old value = 0\s+New value = 1",                     # forward inside history
        r"Breakpoint 3, mark \(step=2\)",
        r"Old value = 1\s+New value = 3",
        rf"Breakpoint 2, main .*\n{last}\s",
        r"Old value = 3\s+New value = 1",                     # reverse-continue: the last change
        r"^\$\d+ = 1$",
        r"No more reverse-execution history",
        r"recording: at instruction 0 \(replaying\), .* 1 signals",
        r"Breakpoint 5, on_usr1 \(sig=10\)",                  # the logged signal, replayed
        r"#1  <signal handler called>",
        rf"Breakpoint 6, main .*\n{end}\s",
        r"exited normally"])
    groups = values(re.sub(r"^\$\d+ = [013]$\n", "", out, flags=re.M), NAMES)
    if len(groups) != 2 or groups[0] != groups[1] or groups[0][5] != "10":
        g.fail(f"values before and after going back and forth differ: {groups}", out)
    r = regs(out)
    if len(r) != 10 or r[:5] != r[5:]:
        g.fail(f"registers at the end differ after replay: {r}", out)
    rc, o, e = h.finish()
    want = f"counter {groups[0][0]} "
    if rc != 0 or o.count("head ELF counter") != 1 or want not in o or not o.endswith(" got 10\n"):
        g.fail("guest output (once, with the replayed counter)", rc, o, e)
    return out


def rexec_checkpoints():
    """The same with a checkpoint every 500 instructions (about 45 of them,
    thinned to 32): every seek starts from a later checkpoint."""
    out = rexec_gdb(interval=500)
    m = re.search(r"history 0\.\.(\d+), .* (\d+) checkpoints", out)
    if not m or int(m.group(1)) < 20000 or not 16 <= int(m.group(2)) <= 32:
        g.fail("expected a history of 20,000+ instructions in 16..32 checkpoints", out)


def rexec_file():
    """A recording saved to a file (--record-file) and replayed in another
    hart-run (--replay): without a debugger, the same output and the same
    instruction count at the end; under gdb, the same values (time, random
    bytes, file bytes, the signal) at the end as the recorded run printed,
    and reverse execution over the whole history (rexec_gdb's scenario). A
    damaged, truncated or foreign file, or another program: a clear error."""
    import os
    import subprocess
    import tempfile
    end = g.source_line("rexec.c", "END")
    tmp = tempfile.mkdtemp()
    rec = os.path.join(tmp, "rexec.rec")
    prog = os.path.join(g.ARGS.bin_dir, PROG)
    # 1. Recorded under gdb: the values at the end, the instruction count there.
    h = g.Hart(PROG, opts=("--record-file", rec))
    out1 = run(h, [f"break rexec.c:{end}", "continue", *prints(), *monitor_icount(), "continue"])
    rc, o1, e1 = h.finish()
    m = re.search(r"saved .*: instructions 0\.\.(\d+), (\d+) system calls", e1)
    if rc != 0 or not m:
        g.fail("recording with --record-file", rc, o1, e1, out1)
    total = int(m.group(1))
    vals1 = values(out1, NAMES)
    icount_end = icounts(out1)
    # 2. Replayed without a debugger: the same output, the same end.
    r = subprocess.run([g.ARGS.hart_run, "--replay", rec], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                       text=True, timeout=30)
    want = f"ended at instruction {total} (the recording ended at {total})"
    if r.returncode != 0 or r.stdout != o1 or want not in r.stderr or "no divergence" not in r.stderr:
        g.fail("replay without gdb: other output or end", o1, r.stdout, r.stderr)
    # 3. Replayed under gdb, in a process with another pid: the recorded values,
    # then back and forth over the whole history.
    h = g.Hart(PROG, opts=("--replay", rec))
    out3 = run(h, [f"break rexec.c:{end}", "continue", *prints(), *monitor_icount(), "continue"])
    h.finish()
    if values(out3, NAMES) != vals1 or icounts(out3) != icount_end or len(vals1) != 1:
        g.fail(f"replayed values {values(out3, NAMES)} {icounts(out3)} differ from the recorded "
               f"{vals1} {icount_end}", out1, out3)
    out = rexec_gdb(opts=("--replay", rec))
    if values(re.sub(r"^\$\d+ = [013]$\n", "", out, flags=re.M), NAMES)[0] != vals1[0]:
        g.fail("rexec_gdb on the replay saw other values than the recording", out1, out)
    # The same for a dynamically linked program (ld.so maps libc from files:
    # the mappings' bytes are in the log, up to the end of each file).
    dyn = os.path.join(tmp, "dyn.rec")
    runs = []
    for opts in (["--record-file", dyn, os.path.join(g.ARGS.bin_dir, "basic_dyn")], ["--replay", dyn]):
        runs.append(subprocess.run([g.ARGS.hart_run, "-L", g.DYN_SYSROOT, *opts], stdout=subprocess.PIPE,
                                   stderr=subprocess.PIPE, text=True, timeout=30))
    m = re.search(r"saved .*: instructions 0\.\.(\d+),", runs[0].stderr)
    if (not m or runs[1].returncode != 0 or runs[1].stdout != runs[0].stdout or "sum=3" not in runs[0].stdout
            or f"ended at instruction {m.group(1)} " not in runs[1].stderr or "no divergence" not in runs[1].stderr):
        g.fail("record/replay of basic_dyn", runs[0].stdout, runs[0].stderr, runs[1].stdout, runs[1].stderr)
    os.unlink(dyn)
    # hartd's launch field record_file: the same recording, saved by the daemon.
    if g.ARGS.hartd:
        d = g.Daemon()
        drec = os.path.join(tmp, "hartd.rec")
        try:
            pid = d.launch(PROG, record_file=drec)["pid"]
            status, dout = d.exit_of(pid)
        finally:
            d.stop()
        r = subprocess.run([g.ARGS.hart_run, "--replay", drec], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                           text=True, timeout=30)
        if dout != r.stdout or "head ELF counter" not in dout or "no divergence" not in r.stderr:
            g.fail("a recording saved by hartd (record_file) replayed otherwise", dout, r.stdout, r.stderr)
        os.unlink(drec)
    # 4. Bad files: a clear error, nothing run.
    with open(rec, "rb") as f:
        data = f.read()
    bad = os.path.join(tmp, "bad.rec")
    cases = [(data[:len(data) // 2], "damaged or truncated recording"),
             (data[:300] + bytes([data[300] ^ 1]) + data[301:], "damaged or truncated recording"),
             (b"#!/bin/sh\n" + data[10:], "not a hart recording")]
    for content, msg in cases:
        with open(bad, "wb") as f:
            f.write(content)
        r = subprocess.run([g.ARGS.hart_run, "--replay", bad], stdout=subprocess.PIPE,
                           stderr=subprocess.PIPE, text=True, timeout=30)
        if r.returncode == 0 or msg not in r.stderr or r.stdout:
            g.fail(f"replay of a bad file: expected {msg!r}", r.returncode, r.stdout, r.stderr)
    other = os.path.join(g.ARGS.bin_dir, "basic")
    r = subprocess.run([g.ARGS.hart_run, "--replay", rec, other], stdout=subprocess.PIPE,
                       stderr=subprocess.PIPE, text=True, timeout=30)
    if r.returncode == 0 or "is not the program that was recorded" not in r.stderr or r.stdout:
        g.fail("replay with another program", r.returncode, r.stdout, r.stderr)
    for f in (rec, bad):
        os.unlink(f)
    os.rmdir(tmp)


def rexec_faults():
    """Faults inside counted blocks (tests/gdb/rexec_faults.c: 200 SIGSEGV,
    50 SIGILL, each caught): the recording's instruction count is the same
    counted by blocks and one instruction per block, and a replay in another
    process meets every fault where the recording did (no divergence)."""
    import os
    import subprocess
    import tempfile
    tmp = tempfile.mkdtemp()
    prog = os.path.join(g.ARGS.bin_dir, "rexec_faults")
    ends, outs = [], []
    for i, opts in enumerate(([], ["-one-insn-per-tb"])):
        rec = os.path.join(tmp, f"{i}.rec")
        r = subprocess.run([g.ARGS.hart_run, *opts, "--record-file", rec, prog], stdout=subprocess.PIPE,
                           stderr=subprocess.PIPE, text=True, timeout=60)
        m = re.search(r"saved .*: instructions 0\.\.(\d+), \d+ system calls, \d+ counter reads, (\d+) signals",
                      r.stderr)
        if r.returncode != 0 or not m or m.group(2) != "250" or not r.stdout.startswith("segv 200 ill 50 s "):
            g.fail(f"recording rexec_faults {opts}", r.returncode, r.stdout, r.stderr)
        ends.append(m.group(1))
        outs.append(r.stdout)
        p = subprocess.run([g.ARGS.hart_run, "--replay", rec], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                           text=True, timeout=60)
        if (p.returncode != 0 or p.stdout != r.stdout or "no divergence" not in p.stderr
                or f"ended at instruction {m.group(1)} " not in p.stderr):
            g.fail(f"replay of rexec_faults {opts}", p.stdout, p.stderr)
        os.unlink(rec)
    os.rmdir(tmp)
    if ends[0] != ends[1] or outs[0] != outs[1]:
        g.fail(f"instruction counts differ: {ends[0]} counted by blocks, {ends[1]} one by one", outs)


TPROG = "rexec_threads"


def threads_session(opts, extra_end=()):
    """rexec_threads under gdb (hart-run OPTS -g): break late in main; back
    to the last hit of a breakpoint in a worker thread; `watch total` and
    back to its last change by any thread; reverse-finish, reverse-stepi
    and reverse-next (over a call) in that thread; forward again to the late breakpoint.
    Returns (gdb output, hart-run stdout, stderr)."""
    late = g.source_line("rexec_threads.c", "LATE")
    wm = g.source_line("rexec_threads.c", "WORKER_MARK")
    h = g.Hart(TPROG, opts=opts)
    out = g.run_gdb(h, TPROG, [
        "handle SIGUSR1 nostop noprint pass", f"break rexec_threads.c:{late}", "continue",
        "print total", "print results", "info registers pc sp ra",
        f"break rexec_threads.c:{wm}", "reverse-continue", "print total", "print amount", "print id",
        "delete", "watch total", "reverse-continue", "delete",
        "reverse-finish", "reverse-stepi", "info registers pc", "stepi", "info registers pc",
        "reverse-next", "reverse-next", "reverse-next", "monitor record",
        f"break rexec_threads.c:{late}", "continue", "print total", "print results", "info registers pc sp ra",
        *extra_end, "continue"], timeout=60)
    rc, o, e = h.finish(timeout=20)
    if rc != 0:
        g.fail("hart-run exit status", rc, o, e, out)
    return out, o, e


def check_threads_session(out, o):
    late = g.source_line("rexec_threads.c", "LATE")
    g.expect_in_order(out, [
        rf"hit Breakpoint 1, main .*\n{late}\s",
        r"\[Switching to Thread \d+\.(\d+)\]\s+Thread \d+ \"rexec_threads\" hit Breakpoint 2, worker_mark "
        r"\(id=\d, round=4, amount=\d+\)",                                      # another thread's last hit
        r"Hardware watchpoint 3: total",
        r"hit Hardware watchpoint 3: total\s+Old value = -?\d+\s+New value = -?\d+\s+"
        r"0x[0-9a-f]+ in worker_mark \(id=\d, round=\d, amount=\d+\)",        # the last change, by any thread
        r"in worker \(arg=0x\d\) at .*rexec_threads\.c:\d+",                   # reverse-finish: the call
        r"^\d+\s+long amount = ",                                              # reverse-next over spin()
        r"^recording: at instruction \d+ \(replaying\), .* 5 threads, \d+ thread switches",
        rf"hit Breakpoint 4, main .*\n{late}\s",                               # forward again
        r"exited normally"])
    prints = re.findall(r"^\$\d+ = (.*)$", out, re.M)
    if len(prints) != 7:
        g.fail(f"expected 7 prints, got {prints}", out)
    total1, results1, total_bp, amount, _id, total2, results2 = prints
    # At the worker's breakpoint, the last add to total is about to happen.
    if int(total_bp) + int(amount) != int(total1):
        g.fail(f"total {total_bp} + amount {amount} at the last worker_mark is not the final {total1}", out)
    m = re.search(r"Old value = (-?\d+)\s+New value = (-?\d+)\s+0x[0-9a-f]+ in worker_mark \(id=\d, round=\d, "
                  r"amount=(\d+)\)", out)
    if int(m.group(1)) != int(total_bp) or int(m.group(1)) - int(m.group(2)) != int(m.group(3)):
        g.fail(f"watch: old {m.group(1)} new {m.group(2)} amount {m.group(3)} (total there {total_bp})", out)
    if (total1, results1) != (total2, results2):
        g.fail("values at the late breakpoint differ after going back and forth", out)
    r = re.findall(r"^(pc|sp|ra)\s+(0x[0-9a-f]+)", out, re.M)
    if len(r) != 8 or r[:3] != r[5:]:
        g.fail(f"registers at the late breakpoint differ after replay: {r}", out)
    pcs = [v for k, v in r[3:5]]
    if int(pcs[1], 16) <= int(pcs[0], 16) - 8 or pcs[0] == pcs[1]:
        g.fail(f"reverse-stepi then stepi: pcs {pcs}", out)
    if o.count("total ") != 1 or f"total {total1}\n" not in o or o.count("got 10") != 4:
        g.fail("guest output (once, with the total gdb saw)", o, out)


def rexec_threads():
    """A 4-thread program (each thread reads the time, a file, random bytes
    and takes a signal) recorded under gdb: reverse-continue from main's
    late breakpoint to the last hit of a breakpoint in another thread,
    `watch total` + reverse-continue to the last write by any thread with
    the right old and new values, reverse-finish and reverse-stepi in that
    thread, forward again to the same values, registers and output. Again
    with a checkpoint every 2000 instructions: rewinds then restore every
    thread's registers from checkpoints taken while the workers live."""
    out, o, e = threads_session(("--record",))
    check_threads_session(out, o)
    out, o, e = threads_session(("--record", "--record-interval", "2000"))
    check_threads_session(out, o)
    m = re.search(r"^recording: at instruction \d+ \(replaying\), .*, (\d+) checkpoints, 5 threads", out, re.M)
    if not m or int(m.group(1)) < 4:
        g.fail("with --record-interval 2000: too few checkpoints", out)


def rexec_threads_file():
    """The 4-thread program recorded to a file and replayed in other
    hart-runs: the same output, instruction count and thread switches
    without a debugger, the rexec_threads scenario over the replay (the
    recorded values), and a replay that gdb makes leave the recording (a
    variable changed) reports the divergence and goes on live."""
    import os
    import subprocess
    import tempfile
    tmp = tempfile.mkdtemp()
    rec = os.path.join(tmp, "threads.rec")
    prog = os.path.join(g.ARGS.bin_dir, TPROG)
    r1 = subprocess.run([g.ARGS.hart_run, "--record-file", rec, prog], stdout=subprocess.PIPE,
                        stderr=subprocess.PIPE, text=True, timeout=60)
    m = re.search(r"saved .*: instructions 0\.\.(\d+), (\d+) system calls, \d+ counter reads, (\d+) signals, "
                  r"5 threads, (\d+) thread switches", r1.stderr)
    if r1.returncode != 0 or not m or int(m.group(3)) < 4 or int(m.group(4)) < 4:
        g.fail("recording rexec_threads with --record-file", r1.returncode, r1.stdout, r1.stderr)
    for _ in range(2):  # the same each time
        r2 = subprocess.run([g.ARGS.hart_run, "--replay", rec], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True, timeout=60)
        want = (f"ended at instruction {m.group(1)} (the recording ended at {m.group(1)}); "
                f"{int(m.group(2)) - 1} system calls")
        if (r2.returncode != 0 or r2.stdout != r1.stdout or want not in r2.stderr
                or f"{m.group(4)} thread switches replayed, no divergence" not in r2.stderr):
            g.fail("replay without gdb: other output or end", want, r1.stdout, r1.stderr, r2.stdout, r2.stderr)
    out, o, e = threads_session(("--replay", rec))
    check_threads_session(out, o)
    if o != r1.stdout or f"total" not in o:
        g.fail("the replay under gdb wrote other output than the recording", r1.stdout, o, out)
    # Leaving the recording: main writes a line it did not write then (once
    # its workers are gone: signals and wakes replayed, not sent, would be
    # missing from a live run of threads still waiting for them).
    h = g.Hart(TPROG, opts=("--replay", rec))
    out = g.run_gdb(h, TPROG, ["handle SIGUSR1 nostop noprint pass", "break worker", "continue",
                               "set var say_joined = 1", "delete", "continue"], timeout=60)
    rc, o, e = h.finish(timeout=20)
    if ("replay diverged at instruction" not in e or "joined" not in e or "exited normally" not in out
            or rc != 0 or o.count("got 10") != 4):
        g.fail("a replay made to leave its recording: no divergence reported", rc, o, e, out)
    os.unlink(rec)
    os.rmdir(tmp)


def rexec_monitor_start():
    """`monitor record start` on a process started without --record:
    reverse execution back to that point (the values then), nothing before
    it; `monitor record stop` drops the history (reverse-stepi stays)."""
    h = g.Hart(PROG)
    out = run(h, ["break mark", "continue", "print counter", "monitor record", "monitor record start",
                  "monitor record start", "continue", "print counter", "reverse-continue", "print counter",
                  "info registers pc", "monitor record", "monitor record stop", "monitor record", "reverse-stepi",
                  "info registers pc", "delete", "continue"])
    g.expect_in_order(out, [
        r"Breakpoint 1, mark \(step=1\)", r"^\$1 = 0$", r"not recording",
        r"recording from instruction \d+ \(reverse execution goes back to here\)", r"already recording",
        r"Breakpoint 1, mark \(step=2\)", r"^\$2 = 1$",
        r"Breakpoint 1, mark \(step=1\)", r"^\$3 = 0$",                 # the start of history: its hit
        r"recording: at instruction \d+ \(replaying\)",
        r"recording stopped; the history is dropped", r"not recording",
        r"No more reverse-execution history", r"exited normally"])
    pcs = re.findall(r"^pc\s+(0x[0-9a-f]+)", out, re.M)
    if len(pcs) != 2 or pcs[0] != pcs[1]:
        g.fail(f"reverse-stepi without a recording moved: {pcs}", out)
    rc, o, e = h.finish()
    if rc != 0 or o.count("head ELF counter") != 1:
        g.fail("guest result", rc, o, e)


SCENARIOS = {f.__name__: f for f in [rexec_icount, rexec_gdb, rexec_checkpoints, rexec_file, rexec_faults,
                                     rexec_threads, rexec_threads_file, rexec_monitor_start]}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--hart-run", required=True)
    ap.add_argument("--bin-dir", required=True)
    ap.add_argument("--src-dir", required=True)
    ap.add_argument("--hartd")
    ap.add_argument("--client-dir")
    ap.add_argument("scenario", choices=sorted(SCENARIOS))
    g.ARGS = ap.parse_args()
    g.run_scenario(g.ARGS.scenario, SCENARIOS[g.ARGS.scenario])


if __name__ == "__main__":
    main()
