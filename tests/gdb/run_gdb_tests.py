#!/usr/bin/env python3
"""tests/gdb/run_gdb_tests.py — drives the real gdb-multiarch (batch mode) and
a raw RSP client against `hart-run -g 0` (any free port, read back from
hart-run's stderr) on the guest programs of tests/gdb/.

usage: run_gdb_tests.py --hart-run PATH --bin-dir DIR --src-dir DIR SCENARIO

Each scenario checks gdb's output (regexes, in order) and the guest's own
stdout and exit status.
"""
import argparse
import os
import re
import signal
import socket
import subprocess
import sys
import time

ARGS = None
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

    def __init__(self, prog, *args):
        self.path = os.path.join(ARGS.bin_dir, prog)
        self.p = subprocess.Popen([ARGS.hart_run, "-g", "0", self.path, *args],
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


def gdb_cmd(port, prog, cmds):
    argv = ["gdb-multiarch", "-batch", "-nx", "-ex", "set architecture riscv:rv64",
            "-ex", "set confirm off", "-ex", f"target remote 127.0.0.1:{port}"]
    for c in cmds:
        argv += ["-ex", c]
    argv.append(os.path.join(ARGS.bin_dir, prog))
    return argv


def run_gdb(hart, prog, cmds, timeout=20):
    try:
        r = subprocess.run(gdb_cmd(hart.port, prog, cmds), stdout=subprocess.PIPE,
                           stderr=subprocess.STDOUT, text=True, timeout=timeout)
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
    h = Hart("basic")
    line = source_line("basic.c", 'line for "break')
    out = run_gdb(h, "basic", [
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
    h = Hart("basic")
    line = source_line("basic.c", 'line for "break')
    out = run_gdb(h, "basic", [
        f"break basic.c:{line}", "continue", "info registers fa0", "info registers fcsr",
        "info registers sp", "p ratio", "set var ratio = 3.0", "p ratio", "p counter",
        "set var counter = 100", "info all-registers ft0", "continue"])
    expect_in_order(out, [
        r"fa0\s+\{float = .*, double = 2\}",
        r"fcsr\s+0x0",
        r"sp\s+0x[0-9a-f]+",
        r"\$1 = 1\.5", r"\$2 = 3", r"\$3 = 8",
        r"ft0\s+\{float",
        r"exited normally"])
    rc, o, e = h.finish()
    if rc != 0 or "counter=100" not in o or "d=6" not in o:
        fail("guest result after set var", rc, o, e)


def watch():
    h = Hart("basic")
    out = run_gdb(h, "basic", [
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
    h = Hart("basic", "signal")
    out = run_gdb(h, "basic", ["handle SIGUSR1 stop print", "continue", "continue"])
    expect_in_order(out, [r"Program received signal SIGUSR1", r"exited normally"])
    rc, o, e = h.finish()
    if rc != 0 or "usr1=10" not in o:
        fail("the handler did not run", rc, o, e)


def detach():
    h = Hart("basic")
    out = run_gdb(h, "basic", ["break add", "continue", "detach"])
    expect_in_order(out, [r"Breakpoint 1, add", r"\[Inferior 1 .* detached\]"])
    rc, o, e = h.finish()
    if rc != 0 or "sum=3 counter=8 r=42 d=3 usr1=0" not in o:
        fail("guest did not run on to a correct exit after detach", rc, o, e)


def kill():
    h = Hart("basic")
    out = run_gdb(h, "basic", ["break add", "continue", "kill", "info threads"])
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


# ---- raw RSP client ---------------------------------------------------------------------

class Rsp:
    def __init__(self, port):
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


def symbol(prog, name):
    out = subprocess.run(["riscv64-linux-gnu-nm", os.path.join(ARGS.bin_dir, prog)],
                         stdout=subprocess.PIPE, text=True, check=True).stdout
    for line in out.splitlines():
        f = line.split()
        if len(f) == 3 and f[2] == name:
            return int(f[0], 16)
    fail(f"no symbol {name}")


def rsp_robustness():
    h = Hart("spin")
    # 1: garbage, a bad checksum, an oversized packet, an abrupt disconnect.
    c = Rsp(h.port)
    c.raw(b"\x00\xffgarbage+++---###")
    c.raw(b"$qSupported#00")  # bad checksum
    if c.read_byte() != b"-":
        fail("bad checksum not answered with '-'")
    r = c.cmd("qSupported:swbreak+")
    if "PacketSize=" not in r or "qXfer:features:read+" not in r:
        fail("qSupported reply", r)
    if c.cmd("qThisPacketDoesNotExist") != "":
        fail("unknown packet must get an empty reply")
    c.raw(b"$" + b"A" * (1 << 20) + b"#00")
    if c.read_byte() != b"-":  # too long: refused once
        fail("oversized packet not refused with '-'")
    r = c.cmd("?")
    if r[:3] != "T05":
        fail("no T05 after the 1 MB packet", r)
    if c.cmd("m0,8") != "E0e":
        fail("m of unmapped memory must be an error")
    if c.cmd("Z0,0,4") != "E0e":
        fail("Z0 at an unmapped address must fail with E0e")
    c.raw(b"$g#67")
    c.s.close()  # abrupt, with a reply unread

    # 2: no-ack mode, target.xml, registers, interrupting a running guest.
    c = Rsp(h.port)
    if c.cmd("QStartNoAckMode") != "OK":
        fail("QStartNoAckMode")
    c.ack = False
    xml = c.cmd("qXfer:features:read:target.xml:0,3fff")
    for want in ("riscv:rv64", "org.gnu.gdb.riscv.cpu", "org.gnu.gdb.riscv.fpu", 'name="fcsr"'):
        if want not in xml:
            fail(f"target.xml lacks {want}", xml)
    g = c.cmd("g")
    if len(g) != (65 * 8 + 3 * 4) * 2:
        fail(f"g packet has {len(g)} hex digits", g)
    c.raw(c.frame("vCont;c"))
    time.sleep(0.3)
    t0 = time.time()
    c.raw(b"\x03")
    stop = c.packet(timeout=2)
    if not stop.startswith("T02") or time.time() - t0 > 1.0:
        fail("0x03 did not stop the guest within 1 s", stop)
    addr = symbol("spin", "stop")
    if c.cmd("M%x,4:01000000" % addr) != "OK":
        fail("M to set stop")
    c.s.close()  # disconnect while stopped: the guest stays stopped

    # 3: a real gdb still works afterwards.
    out = run_gdb(h, "spin", ["p stop", "continue"])
    expect_in_order(out, [r"\$1 = 1", r"exited normally"])
    rc, o, e = h.finish()
    if rc != 0:
        fail("guest result", rc, o, e)


SCENARIOS = {f.__name__: f for f in [break_step, registers_vars, watch, signal_stop, detach,
                                      kill, threads, interrupt, rsp_robustness]}


def main():
    global ARGS
    ap = argparse.ArgumentParser()
    ap.add_argument("--hart-run", required=True)
    ap.add_argument("--bin-dir", required=True)
    ap.add_argument("--src-dir", required=True)
    ap.add_argument("scenario", choices=sorted(SCENARIOS) + ["list"])
    ARGS = ap.parse_args()
    if ARGS.scenario == "list":
        print("\n".join(SCENARIOS))
        return
    try:
        SCENARIOS[ARGS.scenario]()
    except BaseException:
        for p in STARTED:
            if p.poll() is None:
                p.kill()
        raise
    print("PASS", ARGS.scenario)


if __name__ == "__main__":
    main()
