#!/usr/bin/env python3
"""tests/gdb/run_gdb_tests.py — drives the real gdb-multiarch (batch mode)
against `hart-run -g 0` (any free port, read back from hart-run's stderr)
and hartd's stubs on the guest programs of tests/gdb/; owns the helpers
the other drivers share (Hart, Daemon, Rsp — the raw RSP client whose
scenarios are in run_rsp_tests.py —, run_gdb, source_line, run_scenario).

usage: run_gdb_tests.py --hart-run PATH --bin-dir DIR --src-dir DIR SCENARIO

Each scenario checks gdb's output (regexes, in order) and the guest's own
stdout and exit status.
"""
import argparse
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time

ARGS = None
GDB = "gdb-multiarch"  # the gdb to run; a scenario may switch it to --gdb
STARTED = []  # hart-run processes of this run, ended on failure


def fail(msg, *texts):
    for p in STARTED:
        if p.poll() is None:
            p.kill()
    print("FAIL:", msg)
    for t in texts:
        print("----\n" + (t if isinstance(t, str) else repr(t)))
    sys.exit(1)


class Hart:
    """hart-run -g 0 PROGRAM, with its port."""

    def __init__(self, prog, *args, opts=()):
        self.path = os.path.join(ARGS.bin_dir, prog)
        self.p = subprocess.Popen([ARGS.hart_run, "-pid", "1000", *opts, "-g", "0", self.path, *args],
                                  stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        STARTED.append(self.p)
        line = self.p.stderr.readline()
        m = re.search(r"127\.0\.0\.1:(\d+)", line)
        if not m:
            self.p.kill()
            fail("hart-run did not report a port", line)
        self.port = int(m.group(1))

    def finish(self, timeout=10):
        try:
            out, err = self.p.communicate(timeout=timeout)
        except subprocess.TimeoutExpired:
            self.p.kill()
            out, err = self.p.communicate()
            fail("hart-run did not end", out, err)
        return self.p.returncode, out, err


# The program of the basic scenarios: tests/gdb/basic.c statically linked,
# or (the *_dyn scenarios) dynamically linked, run with -L SYSROOT and
# debugged with `set sysroot SYSROOT`.
DYN_SYSROOT = "/usr/riscv64-linux-gnu"
VARIANT = {"prog": "basic", "opts": (), "sysroot": None}


def basic_hart(*args):
    return Hart(VARIANT["prog"], *args, opts=VARIANT["opts"])


def remote(port):
    """gdb's `target remote` argument for a stub: a TCP port on 127.0.0.1, or
    the path of a Unix socket (hartd's default endpoints)."""
    return port if isinstance(port, str) else f"127.0.0.1:{port}"


def gdb_cmd(port, prog, cmds):
    argv = [GDB, "-batch", "-nx", "-ex", "set architecture riscv:rv64",
            "-ex", "set confirm off"]
    if VARIANT["sysroot"] and prog == VARIANT["prog"]:
        argv += ["-ex", f"set sysroot {VARIANT['sysroot']}"]
    argv += ["-ex", f"target remote {remote(port)}"]
    for c in cmds:
        argv += ["-ex", c]
    argv.append(os.path.join(ARGS.bin_dir, prog))
    return argv


def run_gdb(hart, prog, cmds, timeout=20):
    try:
        r = subprocess.run(gdb_cmd(hart.port, prog, cmds), stdout=subprocess.PIPE,
                           stderr=subprocess.STDOUT, text=True, errors="replace", timeout=timeout)
    except subprocess.TimeoutExpired as e:
        hart.p.kill()
        fail("gdb timed out", e.stdout or "")
    return r.stdout


def run_gdb_extended(hart, cmds, timeout=40):
    """gdb-multiarch in batch mode on a --multi stub (target extended-remote)."""
    argv = [GDB, "-batch", "-nx", "-ex", "set architecture riscv:rv64", "-ex", "set confirm off",
            "-ex", f"target extended-remote {remote(hart.port)}"]
    for c in cmds:
        argv += ["-ex", c]
    try:
        r = subprocess.run(argv, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                           errors="replace", timeout=timeout)
    except subprocess.TimeoutExpired as e:
        hart.p.kill()
        fail("gdb timed out", e.stdout or "")
    return r.stdout


def expect_in_order(text, patterns):
    pos = 0
    for pat in patterns:
        m = re.compile(pat, re.M).search(text, pos)
        if not m:
            fail(f"gdb output lacks /{pat}/ (after offset {pos})", text)
        pos = m.end()


def source_line(src, marker):
    with open(os.path.join(ARGS.src_dir, src)) as f:
        for n, line in enumerate(f, 1):
            if marker in line:
                return n
    fail(f"marker {marker!r} not in {src}")


# ---- scenarios ---------------------------------------------------------------------

def break_step():
    h = basic_hart()
    line = source_line("basic.c", 'line for "break')
    scratch = tempfile.mkdtemp(prefix="hart-vfile-")
    status_copy, mem_copy = os.path.join(scratch, "status"), os.path.join(scratch, "mem")
    out = run_gdb(h, VARIANT["prog"], [
        "break add", "continue", "bt", "finish", "next", "step", "stepi", "info registers pc",
        "delete", f"break basic.c:{line}", "continue", "p x", "continue"])
    expect_in_order(out, [
        r"Breakpoint 1 at 0x[0-9a-f]+: file .*basic\.c",
        r"Breakpoint 1, add \(a=0, b=0\) at .*basic\.c",
        r"#0\s+add \(a=0, b=0\)", r"#1\s+0x[0-9a-f]+ in main",
        r"Value returned is \$\d+ = 0",
        r"^\d+\s+counter \+= i;",          # next
        r"^\d+\s+for \(int i",            # step
        r"0x[0-9a-f]+\s+\d+\s+for",       # stepi inside the line
        r"pc\s+0x[0-9a-f]+",
        rf"Breakpoint 2, scale \(x=2\) at .*basic\.c:{line}",
        r"\$\d+ = 2",
        r"exited normally"])
    rc, o, e = h.finish()
    if rc != 0 or "sum=3 counter=8 r=42 d=3 usr1=0" not in o:
        fail("guest result", rc, o, e)


def registers_vars():
    h = basic_hart()
    line = source_line("basic.c", 'line for "break')
    scratch = tempfile.mkdtemp(prefix="hart-vfile-")
    status_copy, mem_copy = os.path.join(scratch, "status"), os.path.join(scratch, "mem")
    out = run_gdb(h, VARIANT["prog"], [
        f"break basic.c:{line}", "continue", "info registers fa0", "info registers fcsr",
        "info registers sp", "p ratio", "set var ratio = 3.0", "p ratio", "p counter",
        "set var counter = 100", "info all-registers ft0", "info proc", "info proc mappings",
        f"remote get /proc/self/status {status_copy}", f"remote get /proc/self/mem {mem_copy}",
        "continue"])
    expect_in_order(out, [
        r"fa0\s+\{float = .*, double = 2\}",
        r"fcsr\s+0x0",
        r"sp\s+0x[0-9a-f]+",
        r"\$1 = 1\.5", r"\$2 = 3", r"\$3 = 8",
        r"ft0\s+\{float",
        # info proc: the guest's /proc (over vFile), not hart-run's
        r"cmdline = '.*basic", r"exe = '.*basic",
        r"Start Addr\s+End Addr", r"0x[0-9a-f]+\s+0x[0-9a-f]+\s+0x[0-9a-f]+\s+0x[0-9a-f]+\s+r-xp\s+.*basic",
        r"\[stack\]",
        r"exited normally"])
    # vFile of a generated /proc file gives the guest's text; of one hartd
    # serves per read (mem) nothing, never hartd's own file behind it.
    with open(status_copy) as f:
        status = f.read()
    if not re.search(r"^Name:\s+basic", status, re.M) or f"Pid:\t{os.getpid()}" in status:
        fail("remote get /proc/self/status is not the guest's", status)
    if os.path.exists(mem_copy) and os.path.getsize(mem_copy) > 0:
        fail("remote get /proc/self/mem read something", out)
    shutil.rmtree(scratch, ignore_errors=True)
    if VARIANT["sysroot"] and not re.search(r"r-xp\s+.*libc\.so\.6", out):
        fail("info proc mappings lacks libc", out)
    # A heap grown by several brk calls is one [heap] (adjacent VMAs merged, as Linux shows them).
    heaps = len(re.findall(r"rw-p\s+\[heap\]", out))
    if heaps > 1 or (heaps == 0 and not VARIANT["sysroot"]):
        fail(f"info proc mappings shows {heaps} [heap] entries, not one", out)
    rc, o, e = h.finish()
    if rc != 0 or "counter=100" not in o or "d=6" not in o:
        fail("guest result after set var", rc, o, e)


def watch():
    h = basic_hart()
    out = run_gdb(h, VARIANT["prog"], [
        "watch counter", "continue", "continue", "delete",
        "rwatch readme", "continue", "delete",
        "awatch counter", "continue", "delete", "continue"])
    expect_in_order(out, [
        r"Hardware watchpoint 1: counter", r"Old value = 5\s+New value = 6",
        r"Old value = 6\s+New value = 8",
        r"Hardware read watchpoint 2: readme", r"Value = 42",
        r"Hardware access \(read/write\) watchpoint 3: counter", r"Value = 8",
        r"exited normally"])
    rc, o, e = h.finish()
    if rc != 0 or "sum=3 counter=8" not in o:
        fail("guest result", rc, o, e)


def signal_stop():
    h = basic_hart("signal")
    out = run_gdb(h, VARIANT["prog"], ["handle SIGUSR1 stop print", "continue", "continue"])
    expect_in_order(out, [r"Program received signal SIGUSR1", r"exited normally"])
    rc, o, e = h.finish()
    if rc != 0 or "usr1=10" not in o:
        fail("the handler did not run", rc, o, e)


def break_in_ifconv():
    # A breakpoint inside an if-converted run (tests/gdb/ifconv.c): set after
    # the loop ran converted; it must stop each of the 5 times the skipped
    # addi runs, stepi goes to the join, and the results are unchanged.
    h = Hart("ifconv")
    skipped, join = symbol("ifconv", "ifc_skipped"), symbol("ifconv", "ifc_join")
    cmds = ["handle SIGUSR1 stop print", "continue", "break *ifc_skipped", "continue",
            "p/x $pc", "stepi", "p/x $pc"] + ["continue"] * 5
    out = run_gdb(h, "ifconv", cmds)
    expect_in_order(out, [r"Program received signal SIGUSR1",
                          r"Breakpoint 1 at 0x[0-9a-f]+",
                          rf"Breakpoint 1, 0x0*{skipped:x} in ",
                          rf"\$1 = {skipped:#x}",
                          rf"\$2 = {join:#x}"]
                    + [rf"Breakpoint 1, 0x0*{skipped:x} in "] * 4
                    + [r"exited normally"])
    if len(re.findall(r"Breakpoint 1, ", out)) != 5:
        fail("the breakpoint in the converted run did not stop exactly 5 times", out)
    rc, o, e = h.finish()
    if rc != 0 or "steps 16 16" not in o:
        fail("guest result", rc, o, e)


def detach():
    h = basic_hart()
    out = run_gdb(h, VARIANT["prog"], ["break add", "continue", "detach"])
    expect_in_order(out, [r"Breakpoint 1, add", r"\[Inferior 1 .* detached\]"])
    rc, o, e = h.finish()
    if rc != 0 or "sum=3 counter=8 r=42 d=3 usr1=0" not in o:
        fail("guest did not run on to a correct exit after detach", rc, o, e)


def kill():
    h = basic_hart()
    out = run_gdb(h, VARIANT["prog"], ["break add", "continue", "kill", "info threads"])
    expect_in_order(out, [r"Breakpoint 1, add", r"\[Inferior 1 .* killed\]", r"No threads"])
    rc, o, e = h.finish()
    if rc != -signal.SIGKILL or "sum=" in o:
        fail("guest not killed", rc, o, e)


def threads():
    h = Hart("threads")
    out = run_gdb(h, "threads", [
        "break worker_mark", "continue", "info threads", "thread 3", "info registers pc sp",
        "bt", "thread 1", "info registers pc", "delete", "continue"])
    expect_in_order(out, [r"hit Breakpoint 1, worker_mark"])
    tids = re.findall(r"^\*?\s+(\d+)\s+Thread \d+", out, re.M)
    if len(set(tids)) != 9:
        fail(f"expected 9 threads in 'info threads', saw {tids}", out)
    expect_in_order(out, [r"Switching to thread 3", r"pc\s+0x[0-9a-f]+", r"sp\s+0x[0-9a-f]+",
                          r"#0\s+", r"Switching to thread 1", r"pc\s+0x", r"exited normally"])
    # All-stop: the other workers were stopped somewhere before worker_mark ran.
    rc, o, e = h.finish()
    if rc != 0 or "sum=280" not in o:
        fail("guest result", rc, o, e)


def interrupt():
    h = Hart("spin")
    g = subprocess.Popen(gdb_cmd(h.port, "spin", ["continue", "p spins > 0", "set var stop = 1",
                                                  "continue"]),
                         stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    time.sleep(1.0)
    t0 = time.time()
    g.send_signal(signal.SIGINT)
    out = ""
    # The stop must come within a second of the interrupt.
    os.set_blocking(g.stdout.fileno(), False)
    while time.time() - t0 < 1.0 and "SIGINT" not in out:
        time.sleep(0.02)
        chunk = g.stdout.read()
        if chunk:
            out += chunk
    if "Program received signal SIGINT" not in out:
        g.kill()
        h.p.kill()
        fail("no SIGINT stop within 1 s", out)
    os.set_blocking(g.stdout.fileno(), True)
    rest, _ = g.communicate(timeout=20)
    out += rest
    expect_in_order(out, [r"Program received signal SIGINT", r"\$1 = 1", r"exited normally"])
    rc, o, e = h.finish()
    if rc != 0 or "stopped after spinning" not in o:
        fail("guest result", rc, o, e)


# ---- gdb/MI, as VS Code's cppdbg drives it ---------------------------------------------

class Mi:
    """gdb-multiarch --interpreter=mi2: send() a command, wait for its result
    record; async records (*stopped, =thread-created, ...) are collected."""

    def __init__(self):
        import queue
        import threading
        self.g = subprocess.Popen([GDB, "--interpreter=mi2", "-nx", "-q"],
                                  stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                  stderr=subprocess.STDOUT, text=True, bufsize=1)
        STARTED.append(self.g)
        self.q = queue.Queue()
        self.log = []
        self.token = 100

        def reader():
            for line in self.g.stdout:
                self.q.put(line.rstrip("\n"))
            self.q.put(None)
        threading.Thread(target=reader, daemon=True).start()

    def line(self, timeout):
        import queue
        try:
            ln = self.q.get(timeout=timeout)
        except queue.Empty:
            fail("gdb/MI: no output in time", "\n".join(self.log))
        if ln is None:
            fail("gdb/MI: gdb exited", "\n".join(self.log))
        self.log.append(ln)
        return ln

    def send(self, cmd, want="^done", timeout=15):
        self.token += 1
        tok = str(self.token)
        self.g.stdin.write(f"{tok}{cmd}\n")
        self.g.stdin.flush()
        while True:
            ln = self.line(timeout)
            if ln.startswith(tok + "^"):
                if not ln[len(tok):].startswith(want):
                    fail(f"gdb/MI: {cmd} answered {ln}", "\n".join(self.log))
                return ln

    def wait_async(self, pattern, timeout=15):
        """Waits for an out-of-band record matching pattern (regex)."""
        rx = re.compile(pattern)
        for ln in self.log:
            if ln.startswith("*") and rx.search(ln) and ln not in getattr(self, "seen", []):
                self.seen = getattr(self, "seen", []) + [ln]
                return ln
        t0 = time.time()
        while time.time() - t0 < timeout:
            ln = self.line(timeout)
            if rx.search(ln):
                self.seen = getattr(self, "seen", []) + [ln]
                return ln
        fail(f"gdb/MI: no /{pattern}/", "\n".join(self.log))


def mi_session():
    h = Hart("mi")
    mi = Mi()
    prog = os.path.join(ARGS.bin_dir, "mi")
    mi.send("-gdb-set mi-async on")
    mi.send("-gdb-set pagination off")
    mi.send("-gdb-set architecture riscv:rv64")
    mi.send(f"-file-exec-and-symbols {prog}")
    mi.send(f"-target-select remote {remote(h.port)}", want="^connected")
    mi.send("-break-insert main", want='^done,bkpt={number="1"')
    mi.send("-exec-continue", want="^running")
    mi.wait_async(r'^\*stopped,reason="breakpoint-hit".*func="main"')
    r = mi.send("-stack-list-frames")
    if not re.search(r'stack=\[frame=\{level="0",addr="0x[0-9a-f]+",func="main"', r):
        fail("-stack-list-frames", r)
    r = mi.send("-thread-info")
    if not re.search(r'threads=\[\{id="1",target-id="Thread [^"]+"', r) or \
            'current-thread-id="1"' not in r:
        fail("-thread-info", r)
    mi.send("-exec-next", want="^running")
    mi.wait_async(r'^\*stopped,reason="end-stepping-range"')
    r = mi.send("-var-create - * pt", want='^done,name="var1",numchild="2"')
    r = mi.send("-var-list-children --all-values var1")
    if not re.search(r'child=\{name="var1.x",exp="x",numchild="0",value="3"', r) or \
            'value="4"' not in r:
        fail("-var-list-children", r)
    mi.send("-exec-continue", want="^running")
    time.sleep(0.5)
    t0 = time.time()
    mi.send("-exec-interrupt")
    mi.wait_async(r'^\*stopped,reason="signal-received",signal-name="SIGINT"', timeout=5)
    if time.time() - t0 > 1.5:
        fail("-exec-interrupt took too long")
    mi.send("-data-evaluate-expression spins>0", want='^done,value="1"')
    mi.send("-data-evaluate-expression stop=1", want='^done,value="1"')
    mi.send("-exec-continue", want="^running")
    mi.wait_async(r'^\*stopped,reason="exited-normally"')
    mi.send("-gdb-exit", want="^exit")
    mi.g.wait(timeout=10)
    rc, o, e = h.finish()
    if rc != 0 or "total=7" not in o:
        fail("guest result", rc, o, e)


# ---- hartd: stubs opened by `launch` (with "gdb") and by the `gdb` op ------------------

class Daemon:
    """hartd on a private socket (needs --hartd and --client-dir)."""

    def __init__(self):
        import tempfile
        if not ARGS.hartd:
            fail("this scenario needs --hartd and --client-dir")
        sys.path.insert(0, ARGS.client_dir)
        import hartd_client
        self.mod = hartd_client
        self.dir = tempfile.TemporaryDirectory(prefix="hartd-gdb-")
        self.sock = os.path.join(self.dir.name, "hartd.sock")
        self.p = subprocess.Popen([ARGS.hartd, "--socket", self.sock, "--foreground",
                                   "--log-file", os.path.join(self.dir.name, "hartd.log")],
                                  stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                                  stderr=subprocess.PIPE)
        STARTED.append(self.p)
        deadline = time.time() + 10
        while time.time() < deadline:
            try:
                self.c = hartd_client.Client(self.sock)
                return
            except hartd_client.DaemonError:
                time.sleep(0.05)
        fail("hartd did not start")

    def launch(self, prog, *args, **fields):
        return self.c.request("launch", argv=[os.path.join(ARGS.bin_dir, prog), *args],
                              stdout="capture", **fields)

    def entry(self, pid):
        """Guest pid's entry in hartd's `list` (None: not there)."""
        return next((g for g in self.c.request("list")["guests"] if g["pid"] == pid), None)

    def spun(self, pid, timeout=30):
        """Waits until guest pid runs and has used some CPU time (`list`):
        a spinner a debugger attaches to has spun by then, however loaded
        the machine (a fixed sleep was too short under a full test run)."""
        deadline = time.time() + timeout
        while time.time() < deadline:
            g = self.entry(pid)
            if g and g["state"] == "running" and g["cpu_seconds"] > 0.05:
                return
            time.sleep(0.05)
        fail("the guest did not start spinning", pid)

    def runs_on(self, pid, what, timeout=30):
        """Fails with `what` unless guest pid is running and its CPU time
        grows within timeout seconds."""
        first, deadline = None, time.time() + timeout
        while time.time() < deadline:
            g = self.entry(pid)
            if g and g["state"] == "running":
                if first is not None and g["cpu_seconds"] > first:
                    return
                if first is None:
                    first = g["cpu_seconds"]
            time.sleep(0.1)
        fail(what)

    def exit_of(self, pid, timeout=20):
        """(status, captured stdout) of launched guest pid, from its events."""
        out = ""
        t0 = time.time()
        pending = []
        while time.time() - t0 < timeout:
            ev = self.c.next_event()
            if ev.get("pid") != pid:
                pending.append(ev)
                continue
            if ev["event"] == "output":
                out += ev.get("data", "")
            elif ev["event"] == "exit":
                self.c.events[:0] = pending
                return self.mod.status_of(ev), out
        fail(f"guest {pid} did not exit")

    def stop(self):
        try:
            self.c.request("shutdown", grace_seconds=1)
        except Exception:
            pass
        try:
            self.p.wait(timeout=15)
        except subprocess.TimeoutExpired:
            self.p.kill()
            fail("hartd did not shut down")
        if self.p.returncode != 0:
            fail(f"hartd exited with status {self.p.returncode}", self.p.stderr.read().decode(),
                 open(os.path.join(self.dir.name, "hartd.log")).read()[-3000:])


class Endpoint:
    """What run_gdb needs of a stub: its port, or its Unix socket's path
    (hartd's default), and a process to kill."""

    def __init__(self, endpoint, proc):
        self.endpoint = endpoint
        if endpoint.startswith("unix:"):
            self.port = endpoint[5:]
        else:
            self.port = int(endpoint.rsplit(":", 1)[1])
        self.p = proc


def hartd_launch_wait():
    d = Daemon()
    # Another guest keeps running meanwhile (and is not disturbed).
    other = d.launch("spin")["pid"]
    r = d.launch("basic", gdb={"listen": "127.0.0.1:0", "wait": True})
    pid = r["pid"]
    if not re.fullmatch(r"127\.0\.0\.1:\d+", r.get("gdb", "")):
        fail("launch reply lacks the gdb endpoint", r)
    guests = d.c.request("list")["guests"]
    if [g["gdb"] for g in guests if g["pid"] == pid] != [r["gdb"]]:
        fail("list does not show the stub", guests)
    time.sleep(0.3)
    # wait: the guest has not run yet (no output, still alive).
    if any(e.get("pid") == pid for e in d.c.events):
        fail("the guest ran before the debugger attached", d.c.events)
    out = run_gdb(Endpoint(r["gdb"], d.p), "basic", ["break add", "continue", "bt", "delete", "continue"])
    expect_in_order(out, [r"Breakpoint 1, add \(a=0, b=0\)", r"#1\s+0x[0-9a-f]+ in main",
                          r"exited normally"])
    st, o = d.exit_of(pid)
    if st != 0 or "sum=3 counter=8" not in o:
        fail("guest result", st, o)
    # The other guest still runs.
    if not [g for g in d.c.request("list")["guests"] if g["pid"] == other and
            g["state"] == "running"]:
        fail("the other guest does not run any more")
    d.c.request("kill", pid=other, signal="SIGKILL")
    d.stop()


def hartd_attach():
    d = Daemon()
    spin = d.launch("spin")["pid"]
    other = d.launch("spin")["pid"]
    d.spun(spin)
    r = d.c.request("gdb", pid=spin)
    if "gdb" not in r or not r.get("exe", "").endswith("/spin"):
        fail("gdb reply", r)
    if d.c.request("gdb", pid=spin)["gdb"] != r["gdb"]:
        fail("a second gdb request must return the same stub")
    ep = Endpoint(r["gdb"], d.p)
    # Attach: the guest stops; interrupt-free inspection, then detach: it runs on.
    out = run_gdb(ep, "spin", ["info threads", "p spins > 0", "detach"])
    expect_in_order(out, [r"\* 1\s+Thread", r"\$1 = 1", r"\[Inferior 1 .* detached\]"])
    # Attach again, let it run, interrupt it (SIGINT to gdb → 0x03), stop it for good.
    g = subprocess.Popen(gdb_cmd(ep.port, "spin", ["continue", "set var stop = 1", "detach"]),
                         stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    time.sleep(1.0)
    g.send_signal(signal.SIGINT)
    try:
        out, _ = g.communicate(timeout=20)
    except subprocess.TimeoutExpired:
        g.kill()
        fail("gdb did not finish after the interrupt", g.stdout.read())
    expect_in_order(out, [r"Program received signal SIGINT", r"detached"])
    st, o = d.exit_of(spin)
    if st != 0 or "stopped after spinning" not in o:
        fail("attached guest result", st, o)
    if not [x for x in d.c.request("list")["guests"] if x["pid"] == other and
            x["state"] == "running"]:
        fail("the other guest does not run any more")
    # The `gdb` op on unknown guests.
    try:
        d.c.request("gdb", pid=99999999)
        fail("gdb op on an unknown pid succeeded")
    except d.mod.RequestError as e:
        if e.code != "no_such_guest":
            fail("wrong error code", e.code)
    # hartctl gdb --json reports the endpoint without starting gdb.
    p = subprocess.run([os.path.join(ARGS.client_dir, "hartctl"), "--socket", d.sock, "--json",
                        "gdb", str(other)], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                       text=True, timeout=20)
    if p.returncode != 0 or '"gdb"' not in p.stdout:
        fail("hartctl gdb --json", p.stdout, p.stderr)
    d.c.request("kill", pid=other, signal="SIGKILL")
    d.stop()


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


def hartd_hartctl_ide():
    """The README's IDE recipe, as written: `hartctl launch --wait-gdb
    --gdb-listen 127.0.0.1:PORT ./prog`, then gdb/MI the way VS Code's cppdbg
    drives it (setupCommands, miDebuggerServerAddress)."""
    d = Daemon()
    hartctl = [os.path.join(ARGS.client_dir, "hartctl"), "--socket", d.sock]
    prog = os.path.join(ARGS.bin_dir, "basic")
    out_file = os.path.join(d.dir.name, "prog.out")
    port = free_port()
    p = subprocess.run(hartctl + ["launch", "--wait-gdb", "--gdb-listen", f"127.0.0.1:{port}",
                                  "--stdout", out_file, prog], stdout=subprocess.PIPE,
                       stderr=subprocess.PIPE, text=True, timeout=20)
    if p.returncode != 0 or not p.stdout.strip().isdigit():
        fail("hartctl launch --wait-gdb", p.stdout, p.stderr)
    pid = int(p.stdout)
    if f"127.0.0.1:{port}" not in p.stderr or "waits for a debugger" not in p.stderr:
        fail("hartctl launch does not tell the stub's endpoint", p.stderr)
    time.sleep(0.3)
    guests = {g["pid"]: g for g in d.c.request("list")["guests"]}
    if guests.get(pid, {}).get("gdb") != f"127.0.0.1:{port}" or os.path.getsize(out_file):
        fail("the guest does not wait at its stub", guests, open(out_file).read())
    mi = Mi()
    for cmd in ("-gdb-set mi-async on", "-gdb-set architecture riscv:rv64",
                f"-gdb-set sysroot {DYN_SYSROOT}", f"-file-exec-and-symbols {prog}"):
        mi.send(cmd)
    mi.send(f"-target-select remote 127.0.0.1:{port}", want="^connected")
    mi.send("-break-insert add", want='^done,bkpt={number="1"')
    mi.send("-exec-continue", want="^running")
    mi.wait_async(r'^\*stopped,reason="breakpoint-hit".*func="add"')
    r = mi.send("-stack-list-frames")
    if not re.search(r'frame=\{level="1",addr="0x[0-9a-f]+",func="main"', r):
        fail("-stack-list-frames", r)
    mi.send("-break-delete 1")
    mi.send("-exec-continue", want="^running")
    mi.wait_async(r'^\*stopped,reason="exited-normally"')
    mi.send("-gdb-exit", want="^exit")
    mi.g.wait(timeout=10)
    st = d.mod.status_of(d.c.request("wait", pid=pid, timeout=20))  # launched by hartctl: no events here
    if st != 0 or "sum=3 counter=8" not in open(out_file).read():
        fail("guest result", st, open(out_file).read())
    # Without --gdb-listen: a private Unix socket, which gdb takes as a path;
    # --json gives the whole reply.
    p = subprocess.run(hartctl + ["--json", "launch", "--wait-gdb", prog], stdout=subprocess.PIPE,
                       stderr=subprocess.PIPE, text=True, timeout=20)
    r = json.loads(p.stdout) if p.returncode == 0 else {}
    if not r.get("gdb", "").startswith("unix:/"):
        fail("hartctl --json launch --wait-gdb", p.stdout, p.stderr)
    out = run_gdb(Endpoint(r["gdb"], d.p), "basic", ["break scale", "continue", "p x", "kill"])
    expect_in_order(out, [r"Breakpoint 1, scale \(x=2\)", r"\$1 = 2", r"killed"])
    d.stop()


# ---- raw RSP client ---------------------------------------------------------------------

class Rsp:
    def __init__(self, port):
        if isinstance(port, str):  # a Unix socket
            self.s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
            self.s.settimeout(5)
            self.s.connect(port)
        else:
            self.s = socket.create_connection(("127.0.0.1", port), timeout=5)
        self.buf = b""
        self.ack = True

    def raw(self, b):
        self.s.sendall(b)

    def frame(self, payload):
        data = payload.encode() if isinstance(payload, str) else payload
        return b"$" + data + b"#" + ("%02x" % (sum(data) & 0xff)).encode()

    def recv_some(self, timeout=5):
        self.s.settimeout(timeout)
        chunk = self.s.recv(65536)
        if not chunk:
            raise EOFError
        self.buf += chunk

    def read_byte(self, timeout=5):
        while not self.buf:
            self.recv_some(timeout)
        b, self.buf = self.buf[:1], self.buf[1:]
        return b

    def packet(self, timeout=5):
        while True:
            while b"$" not in self.buf:
                self.recv_some(timeout)
            start = self.buf.index(b"$")
            while b"#" not in self.buf[start:] or len(self.buf) < self.buf.index(b"#", start) + 3:
                self.recv_some(timeout)
            end = self.buf.index(b"#", start)
            body = self.buf[start + 1:end]
            self.buf = self.buf[end + 3:]
            if self.ack:
                self.raw(b"+")
            return body.decode("latin1")

    def cmd(self, payload, timeout=5):
        self.raw(self.frame(payload))
        if self.ack:
            a = self.read_byte(timeout)
            if a != b"+":
                fail(f"expected '+' after {payload!r}, got {a!r}")
        return self.packet(timeout)


def vector():
    """V 1.0 registers: gdb sees v0..v31 (org.gnu.gdb.riscv.vector, VLEN 128)
    and the vector CSRs, and writes to a vector register and to vl reach
    the program; a watchpoint sees the vector store's element (vse32.v
    writing out[1]) and not the element past vl (out[3])."""
    h = Hart("vector")
    line = source_line("vector.c", 'line for "break')
    out = run_gdb(h, "vector", [
        f"break vector.c:{line}", "continue", "p $vl", "p $vlenb", "p/x $vtype", "p $v1.w",
        "set var $v2.w[1] = 10", "set var $v2.w[3] = 30", "p $v2.w", "set var $vl = 2", "p $vl",
        "info registers vstart", "delete", "rwatch out[3]", "watch out[1]", "continue", "p $pc",
        "delete", "continue"])
    expect_in_order(out, [
        r"\$1 = 4", r"\$2 = 16", r"\$3 = 0xd0", r"\$4 = \{1, 2, 3, 4\}",
        r"\$5 = \{0, 10, 0, 30\}", r"\$6 = 2", r"vstart\s+0x0",
        r"Hardware watchpoint \d+: out\[1\]", r"Old value = 0", r"New value = 12",
        r"exited normally"])
    if "out[3]\n\nValue = " in out:
        fail("the read watchpoint on out[3] (past vl) was reported", out)
    rc, o, e = h.finish()
    if rc != 0 or "vl=2 out=1,12,0,0" not in o:
        fail("guest result", rc, o, e)


def symbol(prog, name):
    out = subprocess.run(["riscv64-linux-gnu-nm", os.path.join(ARGS.bin_dir, prog)],
                         stdout=subprocess.PIPE, text=True, check=True).stdout
    for line in out.splitlines():
        f = line.split()
        if len(f) == 3 and f[2] == name:
            return int(f[0], 16)
    fail(f"no symbol {name}")


def thread_stop_gdb():
    # Issue 12's repro with the real gdb: stopped in a worker after gdb had
    # selected the main thread, every command acts on the stopping thread, and
    # a register write lands in the thread selected for it. Then the same over
    # extended-remote after `run` (gdb sends Hg right after vRun).
    cmds = ["thread 1", "delete", "break worker_mark", "continue",
            "p id", "p $pc", "bt",
            "python stopper = gdb.selected_thread()",
            "thread 1", "set $t1 = 0x1234", "python stopper.switch()",
            "p/x $t1 == 0x1234", "thread 1", "p/x $t1", "python stopper.switch()",
            "delete", "finish", "next", "p $pc", "continue"]
    want = [r"hit Breakpoint 2, worker_mark \(id=[0-7]\)", r"\$1 = [0-7]\n",
            r"\$2 = \(void \(\*\)\(\)\) 0x[0-9a-f]+ <worker_mark(\+\d+)?>",
            r"#0\s+worker_mark \(id=[0-7]\)", r"#1\s+0x[0-9a-f]+ in worker \(arg=",
            r"\$3 = 0x0\n", r"\$4 = 0x1234\n",
            r"worker \(arg=0x[0-7]\) at .*threads\.c:\d+", r"\n1[78]\s",
            r"\$5 = \(void \(\*\)\(\)\) 0x[0-9a-f]+ <worker\+\d+>"]
    h = Hart("threads")
    out = run_gdb(h, "threads", ["break worker", "continue"] + cmds, timeout=40)
    expect_in_order(out, want)
    if "internal-error" in out or "Cannot access memory" in out:
        fail("gdb saw another thread's registers", out)
    rc, o, e = h.finish()
    if rc != 0 or "sum=280" not in o:
        fail("guest result", rc, o, e)
    # Extended-remote: no `thread` command before the first stop.
    h = Hart("threads", opts=("--multi",))
    prog = os.path.join(ARGS.bin_dir, "threads")
    out = run_gdb_extended(h, [f"file {prog}", f"set remote exec-file {prog}", "break worker", "run"] + cmds)
    expect_in_order(out, want + [r"exited normally"])
    if "internal-error" in out or "Cannot access memory" in out:
        fail("gdb saw another thread's registers (extended-remote)", out)
    h.finish()

def core_file():
    """A crash writes a riscv64 ELF core that gdb-multiarch reads (threads,
    backtraces, memory) when RLIMIT_CORE allows, nothing otherwise; the
    wait status's core bit says which; -core-pattern names it; a symlink
    at the name is replaced, never followed."""
    import resource
    import tempfile
    prog = os.path.join(ARGS.bin_dir, "crasher")
    tmp = tempfile.TemporaryDirectory(prefix="hart-core-")
    wd = tmp.name

    def run(limit, *args, opts=()):
        def pre():
            resource.setrlimit(resource.RLIMIT_CORE, (limit, resource.RLIM_INFINITY))
        return subprocess.run([ARGS.hart_run, "-pid", "1000", *opts, prog, *args], cwd=wd, preexec_fn=pre,
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, timeout=30)

    r = run(resource.RLIM_INFINITY)
    core = os.path.join(wd, "core")
    if r.returncode != -11 or "core dumped" not in r.stderr or not os.path.isfile(core):
        fail("no core after SIGSEGV with ulimit -c unlimited", r.returncode, r.stderr, os.listdir(wd))
    if os.stat(core).st_mode & 0o077:
        fail("the core file is readable by others", oct(os.stat(core).st_mode))
    g = subprocess.run([GDB, "-batch", "-nx", "-ex", "info threads", "-ex", "bt", "-ex", "p answer",
                        "-ex", "p heap_text", "-ex", "thread 2", "-ex", "bt", "-ex", "p $pc",
                        prog, core], stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                       timeout=60)
    expect_in_order(g.stdout, [
        r"Program terminated with signal SIGSEGV",
        r"\* 1\s+(Thread|LWP).*crash_here \(where=0x0, how=0\)",
        r"\n  2\s+(Thread|LWP)",
        r"#0\s+(0x[0-9a-f]+ in )?crash_here \(where=0x0, how=0\) at .*crasher\.c",
        r"#1\s+0x[0-9a-f]+ in main",
        r"\$1 = 42", r'\$2 = 0x[0-9a-f]+ "text on the heap"',
        r"worker_wait \(id=7\)", r"worker \(arg=0x7\)",
        r"\$3 = \(void \(\*\)\(\)\) 0x[0-9a-f]+"])
    if re.search(r"(?i)warning|too small|unexpected size|cannot access", g.stdout):
        fail("gdb complained about the core", g.stdout)
    # ulimit -c 0: no file, no claim; a limit below a page: the same.
    os.unlink(core)
    for limit in (0, 1000):
        r = run(limit)
        if r.returncode != -11 or "core dumped" in r.stderr or os.listdir(wd):
            fail(f"RLIMIT_CORE {limit}: a core or a claim of one", r.stderr, os.listdir(wd))
    # SIGABRT (abort in the main thread), named by -core-pattern.
    r = run(resource.RLIM_INFINITY, "abort", opts=("-core-pattern", "core.%e.%s.%p"))
    if r.returncode != -6 or os.listdir(wd) != ["core.crasher.6.1000"]:
        fail("-core-pattern", r.returncode, r.stderr, os.listdir(wd))
    os.unlink(os.path.join(wd, "core.crasher.6.1000"))
    # The guest parent's waitpid sees WCOREDUMP only when a core was written.
    for limit, bit in ((resource.RLIM_INFINITY, 1), (0, 0)):
        r = run(limit, "fork")
        if f"child signal 11 core {bit}" not in r.stdout:
            fail(f"WCOREDUMP with RLIMIT_CORE {limit}", r.stdout, r.stderr)
        if os.path.exists(core):
            os.unlink(core)
    # A symlink named core is removed, its target left alone.
    target = os.path.join(wd, "target")
    with open(target, "w") as f:
        f.write("keep\n")
    os.symlink(target, core)
    run(resource.RLIM_INFINITY)
    if open(target).read() != "keep\n" or os.path.islink(core) or not os.path.isfile(core):
        fail("the core followed a symlink", os.listdir(wd))
    tmp.cleanup()


def catch_syscall():
    # `catch syscall` through a gdb whose RISC-V support has it (GDB 17+;
    # --gdb, fetched by scripts/fetch-gdb), on the static basic and the
    # dynamic basic_dyn: by name, by group, by number; arguments at the
    # entry, the result at the return, then the exit_group entry. In
    # basic_dyn the stops must be in libc's write/_exit: gdb has followed
    # the shared libraries (qXfer:libraries-svr4) up to there.
    global GDB
    GDB = ARGS.gdb
    if os.sep in GDB and not os.access(GDB, os.X_OK):
        print(f"SKIP: {GDB} not found (scripts/fetch-gdb fetches it)")
        sys.exit(77)
    line = "sum=3 counter=8 r=42 d=3 usr1=0"
    sysroot = "/usr/riscv64-linux-gnu"
    for prog, opts, pre, exit_catch, exit_want, where in [
            ("basic", (), [], "catch syscall group:process",
             r"Catchpoint 2 \(syscalls 'exit' \[93\] 'exit_group' \[94\] .*'clone' \[220\]", ""),
            ("basic_dyn", ("-L", sysroot), [f"set sysroot {sysroot}"], "catch syscall 94",
             r"Catchpoint 2 \(syscall 'exit_group' \[94\]\)", r" from .*/libc\.so\.6")]:
        h = Hart(prog, opts=opts)
        out = run_gdb(h, prog, pre + [
            "catch syscall write", exit_catch, "continue", "p $a0", "p $a2", "p (char *)$a1",
            "continue", "p $a0", "delete 1", "continue", "p $a0", "delete", "continue"], timeout=40)
        if "not supported on this architecture" in out:
            print(f"SKIP: {GDB} has no `catch syscall` for RISC-V (GDB 17+ has)\n{out}")
            h.p.kill()
            sys.exit(77)
        expect_in_order(out, [
            r"Catchpoint 1 \(syscall 'write' \[64\]\)", exit_want,
            r"Catchpoint 1 \(call to syscall write\), 0x[0-9a-f]+ in write \(\)" + where,
            r"\$1 = 1\n", rf"\$2 = {len(line) + 1}\n", rf'\$3 = 0x[0-9a-f]+ "{line}\\n"',
            r"Catchpoint 1 \(returned from syscall write\), 0x[0-9a-f]+ in write \(\)" + where,
            rf"\$4 = {len(line) + 1}\n",
            r"Catchpoint 2 \(call to syscall exit_group\), 0x[0-9a-f]+ in _exit \(\)" + where,
            r"\$5 = 0\n", r"\[Inferior 1 \(process \d+\) exited normally\]"])
        if "returned from syscall exit_group" in out:
            fail("exit_group returned", out)
        rc, o, e = h.finish()
        if rc != 0 or o != line + "\n":
            fail(f"{prog}: guest result", rc, o, e)


def siginfo():
    h = Hart("basic", "signal")
    out = run_gdb(h, "basic", ["handle SIGUSR1 stop print", "continue", "p $_siginfo.si_signo",
                               "p $_siginfo.si_code", "p $_siginfo._sifields._kill.si_pid",
                               "continue"])
    expect_in_order(out, [r"Program received signal SIGUSR1", r"\$1 = 10", r"\$2 = -6",
                          r"\$3 = \d+", r"exited normally"])
    rc, o, e = h.finish()
    if rc != 0 or "usr1=10" not in o:
        fail("guest result", rc, o, e)


def shared_libraries():
    sysroot = "/usr/riscv64-linux-gnu"
    h = Hart("basic_dyn", opts=("-L", sysroot))
    out = run_gdb(h, "basic_dyn", [
        f"set sysroot {sysroot}", "set debug remote 1", "break add", "continue",
        "set debug remote 0", "info sharedlibrary", "delete", "break printf", "continue", "bt",
        "delete", "continue"])
    if not re.search(r"Packet received: l<library-list-svr4 .*libc\.so\.6", out):
        fail("no qXfer:libraries-svr4 reply listing libc", out)
    expect_in_order(out, [r"Breakpoint 1, ", r"add \(",
                          r"From\s+To\s+Syms Read\s+Shared Object Library",
                          r"0x[0-9a-f]+\s+0x[0-9a-f]+\s+Yes.*/libc\.so\.6",
                          r"Breakpoint 2, 0x[0-9a-f]+ in printf \(\) from .*libc\.so\.6",
                          r"#1\s+0x[0-9a-f]+ in main", r"exited normally"])
    rc, o, e = h.finish()
    if rc != 0 or "sum=3" not in o:
        fail("guest result", rc, o, e)


# ---- fork/vfork/exec events (forker.c forks child_work, then execs execd.c) --------

FORKER_OUT = ["child says 42", "parent saw child exit 7", "execd runs: from-forker 102"]


def forker_hart():
    return Hart("forker", os.path.join(ARGS.bin_dir, "execd"))


def check_forker(h, rc_want=3):
    rc, o, e = h.finish()
    if rc != rc_want or any(x not in o for x in FORKER_OUT):
        fail("guest result", rc, o, e)


def fork_follow_parent():
    # Default: follow the parent, detach the child (it runs on by itself).
    h = forker_hart()
    out = run_gdb(h, "forker", ["set debug remote 1", "catch fork", "continue",
                                "info inferiors", "continue"])
    if not re.search(r"Packet received: T05fork:p3e9\.3e9;.*thread:p3e8\.3e8;", out):
        fail("no multiprocess fork stop reply", out)
    if "Sending packet: $D;3e9" not in out:
        fail("gdb did not detach the child with D;PID", out)
    expect_in_order(out, [r"Catchpoint 1 \(forked process 1001\)",
                          r"\* 1\s+process 1000 ",
                          r"Detaching after fork from child process 1001",
                          r"exited with code 03"])
    check_forker(h)


def fork_follow_child():
    h = forker_hart()
    line = source_line("forker.c", 'line for "break child')
    out = run_gdb(h, "forker", ["set follow-fork-mode child", "break child_work", "continue",
                                "bt", "p n", "continue"])
    expect_in_order(out, [r"Attaching after .*fork to child .*1001",
                          r"Detaching after fork from parent process 1000",
                          rf"hit Breakpoint 1, child_work \(n=21\) at .*forker\.c:{line}",
                          r"#0\s+child_work \(n=21\)", r"#1\s+0x[0-9a-f]+ in main",
                          r"\$1 = 21",
                          r"Inferior 2 \(process 1001\) exited with code 07"])
    check_forker(h)


def fork_detach_off():
    # detach-on-fork off: both processes debugged through one connection.
    h = forker_hart()
    out = run_gdb(h, "forker", [
        "set detach-on-fork off", "set schedule-multiple on", "break child_work", "continue",
        "info inferiors", "inferior 1", "info threads", "bt 1", "inferior 2", "p n", "continue",
        "inferior 1", "continue"])
    expect_in_order(out, [r"New inferior 2 \(process 1001\)",
                          r"hit Breakpoint 1\.2, child_work \(n=21\)",
                          r"1\s+process 1000.*\n\*\s+2\s+process 1001",
                          r"Switching to inferior 1",
                          r"1\.1\s+Thread 1000\.1000.*\n.*2\.1\s+Thread 1001\.1001.*child_work",
                          r"#0\s+0x[0-9a-f]+ in \w+",  # the parent: forking or in wait4
                          r"Switching to inferior 2", r"\$1 = 21",
                          r"Inferior 2 \(process 1001\) exited with code 07",
                          r"Switching to inferior 1",
                          r"process 1000 is executing new program: .*execd",
                          r"Inferior 1 \(process 1000\) exited with code 03"])
    check_forker(h)


def catch_exec():
    h = forker_hart()
    out = run_gdb(h, "forker", ["catch exec", "continue", "info symbol execd_marker",
                                "info inferiors", "break execd_marker", "continue", "bt",
                                "continue"])
    expect_in_order(out, [r"Catchpoint 1 \(exec'd .*/execd\)",
                          r"execd_marker in section \.text",
                          r"process 1000\s.*/execd",
                          r"Breakpoint 2, execd_marker \(s=0x[0-9a-f]+ \"from-forker\"\)",
                          r"#1\s+0x[0-9a-f]+ in main \(argc=2",
                          r"exited with code 03"])
    check_forker(h)


def extended_remote():
    # hart-run --multi -g 0: gdb's target extended-remote; run, kill, run again.
    h = Hart("basic", opts=("--multi",))
    prog = os.path.join(ARGS.bin_dir, "basic")
    out = run_gdb_extended(h, [f"file {prog}", f"set remote exec-file {prog}", "set environment HART_GDB_TEST=1",
                               "set cwd /tmp", "break add", "set debug remote 1", "run", "set debug remote 0",
                               "bt", "info inferiors", "kill", "run", "p a", "delete", "continue"])
    for pkt in [r"QEnvironmentHexEncoded:484152545f4744425f544553543d31", r"QSetWorkingDir:2f746d70",
                r"vRun;[0-9a-f]+"]:
        if not re.search(r"Sending packet: \$" + pkt + r"#..\n(?:.*\n)*?.*Packet received: (OK|T05)", out):
            fail(f"no accepted {pkt}", out)
    expect_in_order(out, [r"Breakpoint 1, ", r"#0\s+add \(a=0, b=0\)",
                          r"\*\s+1\s+process 1000\s.*extended-remote",
                          r"\[Inferior 1 \(process 1000\) killed\]",
                          r"Breakpoint 1, add \(a=0, b=0\)", r"\$1 = 0",
                          r"\[Inferior 1 \(process 1001\) exited normally\]"])
    rc, o, e = h.finish()
    if rc != 0 or o.count("sum=3 counter=8 r=42 d=3 usr1=0") != 1:
        fail("guest result", rc, o, e)


def extended_attach():
    # vAttach: run spin, detach (it runs on), attach to it again by pid.
    h = Hart("spin", opts=("--multi",))
    prog = os.path.join(ARGS.bin_dir, "spin")
    argv = ["gdb-multiarch", "-batch", "-nx", "-ex", "set architecture riscv:rv64",
            "-ex", "set confirm off", "-ex", f"target extended-remote {remote(h.port)}"]
    for c in [f"file {prog}", f"set remote exec-file {prog}", "break main", "run", "delete",
              "detach", "shell sleep 0.3", "attach 1000", "p spins > 0", "set var stop = 1",
              "continue"]:
        argv += ["-ex", c]
    try:
        r = subprocess.run(argv, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                           errors="replace", timeout=40)
    except subprocess.TimeoutExpired as e:
        h.p.kill()
        fail("gdb timed out", e.stdout or "")
    expect_in_order(r.stdout, [r"Breakpoint 1, main \(\)", r"Inferior 1 \(process 1000\) detached",
                               r"in main \(\) at .*spin\.c", r"\$1 = 1",
                               r"Inferior 1 \(process 1000\) exited normally"])
    rc, o, e = h.finish()
    if rc != 0 or "stopped after spinning" not in o:
        fail("guest result", rc, o, e)


SCENARIOS = {f.__name__: f for f in [break_step, registers_vars, watch, signal_stop, detach,
                                      kill, threads, interrupt, catch_syscall,
                                      mi_session, siginfo, shared_libraries,
                                      thread_stop_gdb, hartd_launch_wait, hartd_attach, fork_follow_parent,
                                      fork_follow_child, fork_detach_off, catch_exec,
                                      extended_remote, extended_attach,
                                      hartd_hartctl_ide, core_file, vector, break_in_ifconv]}


def dynamic(f, variant=None, **fields):
    """f on the dynamically linked basic (shared libc from the cross sysroot).
    variant: the VARIANT dict of another driver (tests/lldb), with its fields."""
    if variant is None:
        variant, fields = VARIANT, {"sysroot": DYN_SYSROOT}

    def run():
        variant.update(prog="basic_dyn", opts=("-L", DYN_SYSROOT), **fields)
        f()
    return run


for _f in [break_step, registers_vars, watch, signal_stop, detach, kill]:
    SCENARIOS[_f.__name__ + "_dyn"] = dynamic(_f)


def parse_args(scenarios, extra=()):
    """The options every driver of tests/gdb and tests/lldb takes, the
    driver's own (extra: (flag, argparse keywords) pairs) and SCENARIO (one
    of scenarios, or "list")."""
    ap = argparse.ArgumentParser()
    ap.add_argument("--hart-run", required=True)
    ap.add_argument("--bin-dir", required=True)
    ap.add_argument("--src-dir", required=True)
    ap.add_argument("--hartd")
    ap.add_argument("--client-dir")
    for flag, kw in extra:
        ap.add_argument(flag, **kw)
    ap.add_argument("scenario", choices=sorted(scenarios) + ["list"])
    return ap.parse_args()


def driver_main(scenarios, extra=()):
    """A driver's main: parse_args into ARGS, then run the scenario (or list them)."""
    global ARGS
    ARGS = parse_args(scenarios, extra)
    if ARGS.scenario == "list":
        print("\n".join(scenarios))
        return
    run_scenario(ARGS.scenario, scenarios[ARGS.scenario])


def main():
    driver_main(SCENARIOS, [("--gdb", dict(default="gdb-multiarch",
                                            help="gdb for the scenarios that need a newer one (catch_syscall)"))])


def run_scenario(name, fn):
    """Runs one scenario; whatever it started is killed if it fails."""
    try:
        fn()
    except BaseException:
        for p in STARTED:
            if p.poll() is None:
                p.kill()
        raise
    print("PASS", name)


if __name__ == "__main__":
    main()
