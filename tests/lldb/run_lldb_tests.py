#!/usr/bin/env python3
"""tests/lldb/run_lldb_tests.py — drives Debian's LLDB (the `lldb` package,
LLDB 14) against hart's gdb stubs: `hart-run -g 0` (static and dynamically
linked programs), stubs opened by hartd (launch with "gdb", the gdb op),
and the extended-remote endpoints (`hart-run -g 0 --multi`, hartd's
gdb_multi). The guest programs are tests/gdb's (basic.c, threads.c,
spin.c), built by tests/lldb/CMakeLists.txt.

usage: run_lldb_tests.py --hart-run P --bin-dir D --src-dir D
                         [--hartd P --client-dir D] SCENARIO

Most scenarios run `lldb -b -o CMD ...` (batch mode: every command waits
for the process to stop). The interrupt and extended-remote ones feed
lldb's stdin instead (no -b: LLDB is asynchronous there, so `process
interrupt` can follow `continue`, and connecting to a stub without a
process does not wait for a stop that never comes).

Exit status 77 (CTest's SKIP_RETURN_CODE) with a message when lldb is not
installed (scripts/setup installs it).
"""
import json
import os
import queue
import re
import shutil
import subprocess
import sys
import threading
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "gdb"))
import run_gdb_tests as rgt  # noqa: E402
from run_gdb_tests import expect_in_order, fail, source_line  # noqa: E402

ARGS = None
LLDB = "lldb"
DYN_SYSROOT = "/usr/riscv64-linux-gnu"
# The program of the basic scenarios; the *_dyn ones switch to the
# dynamically linked build, run with -L the cross sysroot, where LLDB finds
# the guest's /lib through a module search path.
VARIANT = {"prog": "basic", "opts": (), "pre": ()}
# LLDB 14's embedded Python is broken on Debian 12 (python3-lldb-14 lacks
# the 3.11 path): it prints Python errors on start and for some commands;
# harmless for these tests (lldb's own errors start with "error:").
NOISE = re.compile(r'^(Traceback \(most recent call last\):|  File "<string>".*|'
                   r"(ModuleNotFound|Name)Error: .*)\n", re.M)


def bin_path(prog):
    return os.path.join(ARGS.bin_dir, prog)


def basic_hart(*args):
    return rgt.Hart(VARIANT["prog"], *args, opts=VARIANT["opts"])


def connect_cmd(stub):
    """How LLDB reaches a stub: `gdb-remote PORT` for a TCP port, `process
    connect -p gdb-remote unix-connect://PATH` for a Unix socket (hartd's default)."""
    if isinstance(stub, str):
        return f"process connect -p gdb-remote unix-connect://{stub}"
    return f"gdb-remote {stub}"


def lldb_batch(stub, prog, cmds, connect=None, timeout=60):
    argv = [LLDB, "-b", "-x", "-o", "settings set auto-confirm true"]
    if prog == VARIANT["prog"]:
        for c in VARIANT["pre"]:
            argv += ["-o", c]
    argv += ["-o", connect or connect_cmd(stub)]
    for c in cmds:
        argv += ["-o", c]
    argv.append(bin_path(prog))
    try:
        r = subprocess.run(argv, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                           errors="replace", timeout=timeout)
    except subprocess.TimeoutExpired as e:
        fail("lldb timed out", (e.stdout or b"").decode(errors="replace") if isinstance(e.stdout, bytes)
             else e.stdout or "")
    return NOISE.sub("", r.stdout)


# A step of lldb_fed after `gdb-remote` to a stub with no process: LLDB
# settles asynchronously after that connection ("Process 0 unloaded", then
# "Process 0 is running."), and a `process attach` sent before fails ("attach
# failed: Cannot get process architecture"; lldb-server's stub the same, 5
# times in 15). Asking `process status` until it says so waits for it.
SETTLED = ("process status", {"reply": r"Process \d+ \S", "until": r"is running"})


def lldb_fed(prog, steps, timeout=60, step_timeout=30):
    """lldb reading its commands from a pipe, a step at a time, ending with
    quit. A step is (command, wait): wait is a number of seconds to wait
    after sending it, a regular expression that lldb's output after the
    command must match before the next command goes, or {"reply": R,
    "until": U}: the command is sent again until its reply (the output
    matching R) matches U. Each waits up to step_timeout seconds (a loaded
    machine makes fixed sleeps too short)."""
    p = subprocess.Popen([LLDB, "-x", bin_path(prog)], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                         stderr=subprocess.STDOUT, text=True, errors="replace")
    rgt.STARTED.append(p)
    text, cond = [], threading.Condition()

    def read():
        for line in p.stdout:
            with cond:
                text.append(line)
                cond.notify_all()
        with cond:
            text.append(None)  # EOF
            cond.notify_all()

    def send(cmd):
        with cond:
            start = len(text)
        p.stdin.write(cmd + "\n")
        p.stdin.flush()
        return start

    def wait_for(pattern, start, deadline):
        """The output since `start` once it matches pattern; None at EOF or the deadline."""
        with cond:
            while True:
                out = "".join(t for t in text[start:] if t)
                if re.search(pattern, out):
                    return out
                left = deadline - time.time()
                if None in text or left <= 0:
                    return None
                cond.wait(left)

    reader = threading.Thread(target=read, daemon=True)
    reader.start()
    try:
        for cmd, wait in [("settings set auto-confirm true", 0)] + list(steps) + [("quit", 0)]:
            start = send(cmd)
            if not isinstance(wait, (str, dict)):
                time.sleep(wait)
                continue
            deadline = time.time() + step_timeout
            if isinstance(wait, str):
                if wait_for(wait, start, deadline) is not None:
                    continue
            else:
                while (reply := wait_for(wait["reply"], start, deadline)) is not None:
                    if re.search(wait["until"], reply):
                        break
                    time.sleep(0.05)
                    start = send(cmd)
                if reply is not None:
                    continue
            p.kill()
            reader.join(5)
            fail(f"lldb: no /{wait}/ after {cmd!r}", "".join(t for t in text if t))
        p.wait(timeout=timeout)
        reader.join(timeout)
    except (subprocess.TimeoutExpired, BrokenPipeError):
        p.kill()
        reader.join(5)
        fail("lldb did not end", "".join(t for t in text if t))
    return NOISE.sub("", "".join(t for t in text if t))


def guest_ok(h, want="sum=3 counter=8 r=42 d=3 usr1=0", rc_want=0):
    rc, o, e = h.finish()
    if rc != rc_want or want not in o:
        fail("guest result", rc, o, e)


# ---- scenarios on hart-run -g ------------------------------------------------------

def break_step():
    """Breakpoints by name and file:line, bt, finish, next, step, stepi, a variable."""
    h = basic_hart()
    line = source_line("basic.c", 'line for "break')
    out = lldb_batch(h.port, VARIANT["prog"], [
        "breakpoint set --name add", "continue", "bt", "finish", "next", "step", "stepi",
        "breakpoint delete 1", f"breakpoint set --file basic.c --line {line}", "continue",
        "frame variable x", "continue"])
    expect_in_order(out, [
        r"stop reason = signal SIGSTOP",  # the first stop, as lldb-server's
        r"Breakpoint 1: where = \S+`add \+ \d+ at basic\.c:16",
        r"stop reason = breakpoint 1\.1", r"frame #0: 0x[0-9a-f]+ \S+`add\(a=0, b=0\) at basic\.c:16",
        r"\* frame #0: 0x[0-9a-f]+ \S+`add\(a=0, b=0\)", r"frame #1: 0x[0-9a-f]+ \S+`main\(argc=1",
        r"stop reason = step out", r"`main\(argc=1, argv=0x[0-9a-f]+\) at basic\.c:28",
        r"stop reason = step over", r"at basic\.c:29",
        r"stop reason = step in", r"at basic\.c:27",
        r"stop reason = instruction step into",
        rf"Breakpoint 2: where = \S+`scale \+ \d+ at basic\.c:{line}",
        rf"stop reason = breakpoint 2\.1", rf"`scale\(x=2\) at basic\.c:{line}",
        r"\(double\) x = 2",
        r"Process \d+ exited with status = 0"])
    guest_ok(h)


def registers_memory():
    """register read (general, FP by ABI and architectural names, fcsr),
    register write, memory read, memory region (permissions and names),
    through `process connect -p gdb-remote connect://`."""
    h = basic_hart()
    line = source_line("basic.c", 'line for "break')
    out = lldb_batch(h.port, VARIANT["prog"], [
        f"breakpoint set --file basic.c --line {line}", "continue",
        "register read pc sp fp ra", "register read a0 x10 zero",
        "register read fa0 f10 ft0 fcsr fflags frm", "register read --all",
        "register write s11 0x1234", "register read s11",
        "memory read --size 4 --format d --count 2 &counter",
        "memory read --size 8 --format x --count 1 $sp",
        "memory region $pc", "memory region $sp", "memory region 0",
        "frame variable x", "continue"],
        connect=f"process connect -p gdb-remote connect://127.0.0.1:{h.port}")
    expect_in_order(out, [
        r"stop reason = breakpoint 1\.1",
        r"pc = 0x[0-9a-f]+ +\S+`scale \+ \d+ at basic\.c", r"sp = 0x0000003f[0-9a-f]+",
        r"fp = 0x0000003f[0-9a-f]+", r"ra = 0x[0-9a-f]+ +\S+`main \+ \d+",
        r"a0 = 0x", r"a0 = 0x", r"zero = 0x0000000000000000",  # x10 is a0's other name
        r"fa0 = 2\b", r"fa0 = 2\b", r"ft0 = ", r"fcsr = 0x00000000", r"fflags = 0x00000000",
        r"frm = 0x00000000",
        r"^general:", r"t6 = 0x", r"pc = 0x", r"^float:", r"ft0 = ", r"ft11 = ", r"fcsr = 0x",
        r"s11 = 0x0000000000001234",
        r"0x[0-9a-f]+: 8\n0x[0-9a-f]+: 42",
        r"0x3f[0-9a-f]+: 0x[0-9a-f]{16}",
        r"\[0x[0-9a-f]+-0x[0-9a-f]+\) r-x \S*basic",
        r"\[0x0000003f[0-9a-f]+-0x0000003f[0-9a-f]+\) rw- \[stack\]",
        r"\[0x0000000000000000-0x[0-9a-f]+\) ---",
        r"\(double\) x = 2",
        r"Process \d+ exited with status = 0"])
    guest_ok(h)


def watch():
    """watchpoint set variable: every write hits (LLDB shows unchanged
    values too), old and new values right (the stub reports the hit after
    the store: qHostInfo's watchpoint_exceptions_received:after)."""
    h = basic_hart()
    out = lldb_batch(h.port, VARIANT["prog"], [
        "watchpoint set variable counter", "continue", "continue", "watchpoint list",
        "watchpoint delete 1", "continue"])
    expect_in_order(out, [
        r"Watchpoint created: Watchpoint 1: addr = 0x[0-9a-f]+ size = 4 state = enabled type = w",
        r"Watchpoint 1 hit:\s+old value: 5\s+new value: 5",  # counter += 0
        r"stop reason = watchpoint 1", r"basic\.c:2[79]",
        r"Watchpoint 1 hit:\s+old value: 5\s+new value: 6",
        r"stop reason = watchpoint 1",
        r"Watchpoint 1: addr = 0x[0-9a-f]+ size = 4 state = enabled type = w",
        r"Process \d+ exited with status = 0"])
    guest_ok(h)


def signal_pass():
    """A signal the program handles: LLDB sees it under its Linux number
    (SIGUSR1) and passes it back; the handler runs."""
    h = basic_hart("signal")
    out = lldb_batch(h.port, VARIANT["prog"], [
        "process handle SIGUSR1 --stop false --notify true --pass true", "continue"])
    expect_in_order(out, [r"SIGUSR1\s+true\s+false\s+true",
                          r"received signal: SIGUSR1",
                          r"Process \d+ exited with status = 0"])
    guest_ok(h, "usr1=10")


def detach():
    h = basic_hart()
    out = lldb_batch(h.port, VARIANT["prog"], ["breakpoint set --name add", "continue", "process detach"])
    expect_in_order(out, [r"stop reason = breakpoint 1\.1", r"Process \d+ detached"])
    guest_ok(h)


def kill():
    h = basic_hart()
    out = lldb_batch(h.port, VARIANT["prog"], ["breakpoint set --name add", "continue", "process kill"])
    expect_in_order(out, [r"stop reason = breakpoint 1\.1", r"Process \d+ exited with status = 9"])
    rc, o, e = h.finish()
    if rc != -9 or "sum=" in o:
        fail("the guest was not killed", rc, o, e)


def threads():
    """thread list (9 threads, through qThreadStopInfo), thread select, bt
    and variables of the stopping worker, then of another thread."""
    h = rgt.Hart("threads")
    out = lldb_batch(h.port, "threads", [
        "breakpoint set --name worker_mark", "continue", "thread list", "frame variable id",
        "bt", "register read pc", "thread select 1", "thread info", "register read pc",
        "thread select 2", "bt 3",
        "breakpoint delete 1", "continue"])
    expect_in_order(out, [
        r"stop reason = breakpoint 1\.1", r"`worker_mark\(id=\d\) at threads\.c:11",
        r"Process \d+ stopped",
        *[rf"thread #{i}: tid = \d+, 0x[0-9a-f]+" for i in range(1, 10)],
        r"\(long\) id = \d",
        r"frame #0: 0x[0-9a-f]+ \S+`worker_mark\(id=\d\)", r"frame #1: 0x[0-9a-f]+ \S+`worker\(arg=",
        r"pc = 0x[0-9a-f]+ +threads`worker_mark ",
        # the main thread's own registers (p with ;thread:TID;), not the stopping thread's
        r"thread #1: tid = \d+", r"pc = 0x[0-9a-f]+ +threads`(?!worker_mark)\S+",
        r"thread #2", r"frame #0: 0x[0-9a-f]+",
        r"Process \d+ exited with status = 0"])
    guest_ok(h, "sum=280")


def interrupt():
    """process interrupt stops a spinning guest; memory write ends the loop."""
    h = rgt.Hart("spin")
    addr = rgt.symbol("spin", "stop")
    out = lldb_fed("spin", [
        (f"gdb-remote {h.port}", 2), ("continue", 1.5), ("process interrupt", 1.5),
        ("frame variable spins", 0.5), (f"memory write --size 4 0x{addr:x} 1", 0.5),
        ("continue", 2)])
    expect_in_order(out, [r"stop reason = signal SIGSTOP", r"Process \d+ resuming",
                          r"Process \d+ stopped", r"stop reason = signal SIGINT",
                          r"\(volatile unsigned long\) spins = [1-9]\d*",
                          r"Process \d+ exited with status = 0"])
    guest_ok(h, "stopped after spinning")


def shared_libraries():
    """The dynamically linked program: LLDB finds ld.so and libc in the
    sysroot (module search path), through the stub's svr4 list and the
    program's DT_DEBUG; a breakpoint in libc is hit, bt leads back to main."""
    h = basic_hart()
    out = lldb_batch(h.port, VARIANT["prog"], [
        "breakpoint set --name add", "continue", "image list", "breakpoint set --name printf",
        "breakpoint delete 1", "continue", "bt", "breakpoint delete 2", "continue"])
    expect_in_order(out, [r"stop reason = breakpoint 1\.1",
                          r"\] [0-9A-F-]+ 0x0000002a[0-9a-f]+ \S*basic_dyn",
                          r"\] [0-9A-F-]+ 0x[0-9a-f]+ /usr/riscv64-linux-gnu/lib/libc\.so\.6",
                          r"Breakpoint 2: where = libc\.so\.6`\S*printf",
                          r"stop reason = breakpoint 2\.1", r"frame #0: 0x[0-9a-f]+ libc\.so\.6`\S*printf",
                          r"frame #1: 0x[0-9a-f]+ basic_dyn`main",
                          r"Process \d+ exited with status = 0"])
    guest_ok(h)


def extended_run():
    """hart-run -g 0 --multi: `gdb-remote` to a stub with no process, then
    `process launch` (LLDB's A packet), a breakpoint, bt, kill."""
    p = subprocess.Popen([ARGS.hart_run, "-g", "0", "--multi"], stdout=subprocess.PIPE,
                         stderr=subprocess.PIPE, text=True)
    rgt.STARTED.append(p)
    m = re.search(r"127\.0\.0\.1:(\d+)", p.stderr.readline())
    if not m:
        fail("hart-run --multi did not report a port")
    out = lldb_fed("basic", [
        (f"gdb-remote {m.group(1)}", 0), SETTLED, ("breakpoint set --name add", r"Breakpoint 1: where"),
        ("process launch", r"stop reason = breakpoint 1\.1"), ("bt", r"frame #1: "),
        ("frame variable a b", r"\(int\) b = "), ("process kill", r"exited with status")])
    expect_in_order(out, [r"Process \d+ launched: '.*basic' \(riscv64\)",
                          r"stop reason = breakpoint 1\.1", r"`add\(a=0, b=0\) at basic\.c:16",
                          r"frame #1: 0x[0-9a-f]+ basic`main", r"\(int\) a = 0",
                          r"Process \d+ exited with status = 9"])
    try:
        p.wait(timeout=10)  # it ends with its debugger
    except subprocess.TimeoutExpired:
        fail("hart-run --multi did not end after lldb quit")


# ---- hartd ----------------------------------------------------------------------------

def hartd_stubs():
    """A guest launched with a waiting stub on hartd's private Unix socket
    (`process connect -p gdb-remote unix-connect://`), then a running guest opened with
    the gdb op (attach: it stops, runs on after detach)."""
    d = rgt.Daemon()
    r = d.launch("basic", gdb={"wait": True})
    ep = r.get("gdb", "")
    if not ep.startswith("unix:"):
        fail("launch reply lacks a Unix gdb endpoint", r)
    out = lldb_batch(ep[5:], "basic", ["breakpoint set --name add", "continue", "bt",
                                       "breakpoint delete 1", "continue"])
    expect_in_order(out, [r"stop reason = breakpoint 1\.1", r"frame #1: 0x[0-9a-f]+ basic`main",
                          r"Process \d+ exited with status = 0"])
    st, o = d.exit_of(r["pid"])
    if st != 0 or "sum=3 counter=8" not in o:
        fail("guest result", st, o)
    spin = d.launch("spin")["pid"]
    d.spun(spin)
    g = d.c.request("gdb", pid=spin, listen="127.0.0.1:0")
    port = int(g["gdb"].rsplit(":", 1)[1])
    out = lldb_batch(port, "spin", ["frame variable spins", "thread list", "process detach"])
    expect_in_order(out, [r"Process \d+ stopped", r"\(volatile unsigned long\) spins = [1-9]\d*",
                          r"thread #1: tid = \d+", r"Process \d+ detached"])
    d.runs_on(spin, "the guest does not run on after detach")
    d.c.request("kill", pid=spin, signal="SIGKILL")
    d.stop()


def hartd_multi():
    """hartd's extended-remote endpoint: `process launch` starts the guest
    in the daemon, breakpoint, kill; then `process attach --pid` to a
    running guest of the daemon, and detach (it runs on)."""
    d = rgt.Daemon()
    ep = d.c.request("gdb_multi", listen="127.0.0.1:0", launch={}).get("gdb", "")
    if not ep.startswith("127.0.0.1:"):
        fail("gdb_multi reply", ep)
    port = ep.rsplit(":", 1)[1]
    out = lldb_fed("basic", [
        (f"gdb-remote {port}", 0), SETTLED, ("breakpoint set --name add", r"Breakpoint 1: where"),
        ("process launch", r"stop reason = breakpoint 1\.1"), ("bt", r"frame #1: "),
        ("process kill", r"exited with status")])
    expect_in_order(out, [r"Process \d+ launched: '.*basic' \(riscv64\)",
                          r"stop reason = breakpoint 1\.1", r"frame #1: 0x[0-9a-f]+ basic`main",
                          r"Process \d+ exited with status = 9"])
    # process attach (vAttach) to a guest of the daemon, then detach: it runs on.
    spin = d.launch("spin")["pid"]
    d.spun(spin)
    out = lldb_fed("spin", [(f"gdb-remote {port}", 0), SETTLED,
                            (f"process attach --pid {spin}", rf"Process {spin} stopped"),
                            ("frame variable spins", r"spins = \d+"), ("process detach", r"detached")])
    expect_in_order(out, [rf"Process {spin} stopped", r"\(volatile unsigned long\) spins = [1-9]\d*",
                          rf"Process {spin} detached"])
    d.runs_on(spin, "the attached guest does not run on after detach")
    d.c.request("kill", pid=spin, signal="SIGKILL")
    d.stop()


# ---- the same session against lldb-server on an x86-64 build ---------------------

def compare_native():
    """One LLDB session (breakpoints by name and line, bt, finish, next,
    step, variables, memory region, detach) against hart-run -g on the
    riscv64 build of basic.c and against `lldb-server gdbserver` on its
    x86-64 build: the stop reasons, functions, source lines and values
    must be the same."""
    lldb_server = shutil.which("lldb-server")
    native = bin_path("basic_x86_64")
    if not lldb_server or not os.path.exists(native):
        print("SKIP: no lldb-server or no x86-64 build of basic.c")
        sys.exit(77)
    line = source_line("basic.c", 'line for "break')
    cmds = ["breakpoint set --name add", "continue", "bt 2", "finish", "next", "step",
            "frame variable i sum", "breakpoint delete 1", f"breakpoint set --file basic.c --line {line}",
            "continue", "frame variable x", "memory region $pc", "process detach"]

    def facts(out):
        """What must agree: stop reasons, function(args) at file:line, values,
        the permissions and the file of the code's mapping."""
        keep = re.findall(r"stop reason = [A-Za-z ]+\d*(?:\.\d+)?|`\w+\([^)]*\) at basic\.c:\d+|"
                          r"^\(\w+\) \w+ = [-\w.]+|\) r-x \S*basic|Process \d+ detached", out, re.M)
        # argv's address and the pid differ; the rest must not.
        return [re.sub(r"argv=0x[0-9a-f]+|Process \d+", "#", k) for k in keep]

    h = basic_hart()
    mine = facts(lldb_batch(h.port, "basic", cmds))
    guest_ok(h)
    r, w = os.pipe()  # lldb-server writes the port it listens on there (--pipe)
    ls = subprocess.Popen([lldb_server, "gdbserver", "--pipe", str(w), "127.0.0.1:0", native],
                          pass_fds=(w,), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    rgt.STARTED.append(ls)
    os.close(w)
    port = os.read(r, 32).split(b"\0")[0]
    os.close(r)
    if not port.isdigit():
        fail("lldb-server did not say its port", port)
    theirs = facts(lldb_batch(int(port), "basic_x86_64", cmds))
    try:
        ls.wait(timeout=10)
    except subprocess.TimeoutExpired:
        fail("lldb-server did not end after the detach")
    if mine != theirs or len(mine) < 12:
        fail("LLDB sees hart-run's riscv64 guest otherwise than lldb-server's x86-64 process",
             "\n".join(mine), "\n".join(theirs))


# ---- lldb-vscode (lldb-dap's former name): an IDE's Debug Adapter Protocol session ----

class Dap:
    """A Debug Adapter Protocol client talking to lldb-vscode over its stdio."""

    def __init__(self, adapter):
        self.p = subprocess.Popen([adapter], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                  stderr=subprocess.DEVNULL)
        rgt.STARTED.append(self.p)
        self.seq = 0
        self.log = []  # every message received, for failure reports
        self.pending = []  # messages read that no wait has taken yet
        self.q = queue.Queue()
        threading.Thread(target=self._reader, daemon=True).start()

    def _reader(self):
        while True:
            length = 0
            while True:
                line = self.p.stdout.readline()
                if not line:
                    self.q.put(None)
                    return
                if line in (b"\r\n", b"\n"):
                    break
                if line.lower().startswith(b"content-length:"):
                    length = int(line.split(b":")[1])
            self.q.put(json.loads(self.p.stdout.read(length)))

    def send(self, command, **arguments):
        self.seq += 1
        body = json.dumps({"seq": self.seq, "type": "request", "command": command,
                           "arguments": arguments}).encode()
        self.p.stdin.write(b"Content-Length: %d\r\n\r\n" % len(body) + body)
        self.p.stdin.flush()
        return self.seq

    def read(self, timeout):
        try:
            msg = self.q.get(timeout=max(timeout, 0.01))
        except queue.Empty:
            fail("lldb-vscode: no message", *map(str, self.log[-20:]))
        if msg is None:
            fail("lldb-vscode ended", *map(str, self.log[-20:]))
        self.log.append(msg)
        return msg

    def wait(self, pred, what, timeout=20):
        """The first message, already read or still to come, that pred
        accepts; the others read meanwhile are kept for later waits (a
        `continue`'s reply may come after the `exited` event it causes)."""
        for k, msg in enumerate(self.pending):
            if pred(msg):
                del self.pending[k]
                return msg
        deadline = time.time() + timeout
        while time.time() < deadline:
            msg = self.read(deadline - time.time())
            if pred(msg):
                return msg
            self.pending.append(msg)
        fail(f"lldb-vscode: no {what}", *map(str, self.log[-20:]))

    def request(self, command, **arguments):
        seq = self.send(command, **arguments)
        r = self.wait(lambda m: m.get("type") == "response" and m.get("request_seq") == seq,
                      f"reply to {command}")
        if not r.get("success"):
            fail(f"lldb-vscode: {command} failed", r)
        return r

    def event(self, name, **fields):
        return self.wait(lambda m: m.get("type") == "event" and m.get("event") == name and
                         all(m.get("body", {}).get(k) == v for k, v in fields.items()), f"{name} event")


def dap_attach():
    """What an IDE does through lldb-vscode (Debian 12's lldb-dap): attach
    with attachCommands ["gdb-remote PORT"], a source breakpoint, continue,
    the stack, the arguments, continue to the exit."""
    adapter = shutil.which("lldb-vscode-14") or shutil.which("lldb-vscode") or shutil.which("lldb-dap")
    if not adapter:
        print("SKIP: no lldb-vscode-14 / lldb-dap (Debian: it comes with lldb-14)")
        sys.exit(77)
    h = basic_hart()
    d = Dap(adapter)
    d.request("initialize", adapterID="lldb-vscode", linesStartAt1=True, columnsStartAt1=True,
              pathFormat="path")
    d.send("attach", program=bin_path("basic"), attachCommands=[f"gdb-remote {h.port}"])
    d.event("initialized")
    r = d.request("setBreakpoints", source={"path": os.path.abspath(os.path.join(ARGS.src_dir, "basic.c"))},
                  breakpoints=[{"line": 16}])
    if not r["body"]["breakpoints"][0].get("verified"):
        fail("breakpoint at basic.c:16 not verified", r)
    d.request("configurationDone")
    tid = d.request("threads")["body"]["threads"][0]["id"]
    d.request("continue", threadId=tid)
    stop = d.event("stopped", reason="breakpoint")
    tid = stop["body"]["threadId"]
    frames = d.request("stackTrace", threadId=tid, startFrame=0, levels=5)["body"]["stackFrames"]
    names = [f["name"] for f in frames]
    if not names[0].startswith("add") or not any(n.startswith("main") for n in names[1:]) or \
            frames[0].get("line") != 16:
        fail("stack at the breakpoint", frames)
    scopes = d.request("scopes", frameId=frames[0]["id"])["body"]["scopes"]
    local = d.request("variables", variablesReference=scopes[0]["variablesReference"])["body"]["variables"]
    if {v["name"]: v["value"] for v in local}.get("a") != "0":
        fail("variables of add", local)
    d.request("setBreakpoints", source={"path": os.path.abspath(os.path.join(ARGS.src_dir, "basic.c"))}, breakpoints=[])
    d.request("continue", threadId=tid)
    d.event("exited", exitCode=0)
    d.send("disconnect")
    try:
        d.p.wait(timeout=10)
    except subprocess.TimeoutExpired:
        d.p.kill()
    guest_ok(h)


def need_reverse():
    """Skips (77) unless this LLDB has `process continue --reverse`."""
    helptext = subprocess.run([LLDB, "-b", "-x", "-o", "help process continue"], stdout=subprocess.PIPE,
                              stderr=subprocess.STDOUT, text=True, errors="replace", timeout=60).stdout
    if "--reverse" not in helptext:
        ver = subprocess.run([LLDB, "--version"], stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                             text=True, errors="replace").stdout
        m = re.search(r"lldb version \S+", ver)
        ver = m.group(0) if m else "this lldb"
        print(f"SKIP: {ver} has no reverse execution (no process continue --reverse)")
        sys.exit(77)


def reverse():
    """Reverse execution (docs/REVERSE.md) from LLDB: `process continue
    --reverse` back to an earlier breakpoint on a recorded program
    (tests/gdb/rexec.c under hart-run --record), then forward again. LLDB
    speaks the bc/bs packets since LLDB 20 (lldb.reverse_new runs this with
    Debian forky's LLDB 21, scripts/fetch-lldb); an LLDB without `process
    continue --reverse` (Debian 12 has 14) skips with a message. The
    direction sticks in LLDB: a plain `continue` after a reverse one goes
    backwards again (to the start of history), so going forward takes
    `process continue --forward`."""
    need_reverse()
    end = source_line("rexec.c", "END")
    h = rgt.Hart("rexec", opts=("--record",))
    out = lldb_batch(h.port, "rexec", [
        "process handle SIGUSR1 -s false -p true -n false",
        f"breakpoint set -f rexec.c -l {end}", "continue",
        "breakpoint set -n mark", "process continue --reverse", "frame variable step",
        "process continue --reverse", "frame variable step", "breakpoint delete 2",
        "process continue --forward", "continue"])
    expect_in_order(out, [rf"rexec\.c:{end}", r"mark", r"\(int\) step = 2", r"\(int\) step = 1",
                          rf"rexec\.c:{end}", r"exited with status = 0"])
    rc, o, e = h.finish()
    if rc != 0 or o.count("head ELF counter") != 1:
        fail("guest result", rc, o, e)


def reverse_watch():
    """A write watchpoint backwards: from the end of rexec.c, `process
    continue --reverse` stops at each earlier write of `counter` with the
    pc at the writing instruction and the value before it (LLDB prints the
    change as it sees it: old = the later value, new = the earlier one);
    one instruction forward shows the written value again; forward to the
    end reproduces the same output."""
    need_reverse()
    end = source_line("rexec.c", "END")
    last = source_line("rexec.c", "LAST_CHANGE")
    mark = source_line("rexec.c", "MARK")
    h = rgt.Hart("rexec", opts=("--record",))
    out = lldb_batch(h.port, "rexec", [
        "process handle SIGUSR1 -s false -p true -n false",
        f"breakpoint set -f rexec.c -l {end}", "continue", "frame variable counter",
        "watchpoint set variable counter",
        "process continue --reverse", "frame variable counter",
        "process continue --reverse", "frame variable counter",
        "thread step-inst", "frame variable counter",
        "watchpoint delete", "process continue --forward", "continue"])
    m = re.search(r"\(volatile long\) counter = (\d+)", out)
    if not m:
        fail("no counter value at the end", out)
    final = int(m.group(1))
    # counter = 1 + 2 = 3 before LAST_CHANGE, then 3 * 10 + 1..8.
    if not 31 <= final <= 38:
        fail(f"counter {final} at the end, want 31..38", out)
    expect_in_order(out, [
        rf"rexec\.c:{end}",
        rf"stop reason = watchpoint 1", rf"rexec\.c:{last}", r"counter = 3\n",
        rf"stop reason = watchpoint 1", rf"rexec\.c:{mark}", r"counter = 1\n",
        r"counter = 3\n", rf"rexec\.c:{end}", r"exited with status = 0"])
    rc, o, e = h.finish()
    if rc != 0 or f"counter {final} " not in o:
        fail("guest result", rc, o, e)


SCENARIOS = {f.__name__: f for f in [break_step, registers_memory, watch, signal_pass, detach, kill,
                                      threads, interrupt, extended_run, hartd_stubs, hartd_multi,
                                      dap_attach, compare_native, reverse, reverse_watch]}


for _f in [break_step, registers_memory, watch, detach, kill, shared_libraries]:
    SCENARIOS[_f.__name__ + "_dyn"] = rgt.dynamic(
        _f, VARIANT, pre=(f"target modules search-paths add /lib {DYN_SYSROOT}/lib",))


def main():
    global ARGS, LLDB
    ARGS = rgt.parse_args(SCENARIOS, [("--lldb", dict(default="lldb"))])
    if ARGS.scenario == "list":
        print("\n".join(SCENARIOS))
        return
    LLDB = shutil.which(ARGS.lldb)
    if not LLDB:
        print(f"SKIP: {ARGS.lldb} is not installed (Debian: apt-get install lldb; scripts/setup does it)")
        sys.exit(77)
    rgt.ARGS = ARGS  # the helpers shared with tests/gdb (Hart, Daemon, source_line)
    rgt.run_scenario(ARGS.scenario, SCENARIOS[ARGS.scenario])


if __name__ == "__main__":
    main()
