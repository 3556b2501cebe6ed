#!/usr/bin/env python3
"""tests/fuzz/rsp_fuzz.py — fuzzes the GDB remote-protocol stubs: hartd's
per-process stub (the `gdb` op, on its default Unix socket or
127.0.0.1:0; a launch with `gdb.wait`), hartd's extended-remote endpoint
(`gdb_multi`) and `hart-run -g`. Packets are built from the packet table
of gdbstub/packets.cpp with hostile arguments (huge lengths and
addresses, bad thread ids, X/M/G/P writes, Z/z, vCont, H, qXfer, vFile,
vRun, qRcmd...), mutated, or framed wrongly (bad checksums, binary junk,
run-length and escape bytes at the end, over-long packets, \\x03
interrupts, NAKs, disconnects mid-packet).

Guests run in a jail (the launch field `root`, hart-run -R: a temporary
folder with copies of the guest programs): written registers and memory
make them call the system with random arguments, and the fuzzer may run
as root.

After each session: the stub answers a fresh debugger (`?`) if its guest
lives; SIGKILL ends the guest; hartd passes its health check
(fuzzlib.Hartd.health); hart-run ends (killed, or of the guest's own
signal, never of its own crash) and does not hang.

    rsp_fuzz.py --build BUILD [--src SOURCE_DIR] [--seconds N | --hours H] [--seed S]

Owns: the packets and sessions. Does not own: the loop and the health
check (fuzzlib.py).
"""
import os
import re
import shutil
import socket
import subprocess
import sys
import time

import fuzzlib
from fuzzlib import Failure

SESSION_TIMEOUT = 15  # seconds for a sane `?` exchange after the fuzzing


def packet_names(src):
    with open(os.path.join(src, "gdbstub", "packets.cpp")) as f:
        names = re.findall(r'^\s*\{"([^"]+)",\s*[PE],\s*pkt_\w+', f.read(), re.M)
    if len(names) < 30:
        raise SystemExit(f"rsp_fuzz: could not read the packet table of {src}/gdbstub/packets.cpp")
    return names


def num(rng):
    return rng.choice(["0", "1", "-1", "10", "ff", "7fffffff", "80000000", "100000000", "ffffffff",
                       "ffffffffffffffff", "10000000000000000", "", "zz", "1" * 300, "8000",
                       "4000", "3fff", "10078", "11000", "7fffffffff", "3fffffc000"])


def addr(rng):
    return rng.choice(["0", "10000", "10078", "11000", "12000", "3ffffff000", "3fffff0000",
                       "7fffffffffff", "ffffffffffffffff", "-1", "", "4000000000", "fff"]) \
        if rng.random() < 0.8 else num(rng)


def tid(rng):
    return rng.choice(["0", "-1", "1", "p1.-1", "p-1.-1", "p3e8.3e8", "p3e8.-1", "p3e8.0",
                       "3e8", "3e9", "pffffffff.ffffffff", "p.", "p", "", "x", "p3e8.", "7fffffff"])


def hexs(b):
    return b.hex()


def binary(rng, n):
    data = bytes(rng.randrange(256) for _ in range(n))
    return data.replace(b"}", b"}\x5d").replace(b"#", b"}\x03").replace(b"$", b"}\x04") \
        .replace(b"*", b"}\x0a")


GUESTS = ["spin.static", "threads.static", "signal_basic.static", "signal_fault.static",
          "hello.static", "sleeper.nolibc"]


class Env:
    """The packet table and the jail (copies of GUESTS, vf/ for vFile)."""

    def __init__(self, ctx, names):
        self.jail = os.path.join(ctx["tmp"], "jail")
        self.names = names
        if not os.path.isdir(self.jail):
            os.makedirs(os.path.join(self.jail, "vf"))
            for g in GUESTS:
                shutil.copy(os.path.join(ctx["build"], "guest", g), os.path.join(self.jail, g))

    def guest(self, name):
        return "/" + name  # in the jail

    def path(self, rng, writable=False):
        safe = [f"/vf/f{rng.randint(0, 3)}", "/nodir/x", "/vf"]
        if writable:
            return rng.choice(safe)
        return rng.choice(safe + [self.guest("hello.static"), "/proc/self/maps", "/proc/self/mem",
                                  "/proc/1000/cmdline", "/proc/self/fd/0", "/dev/zero", "/", "",
                                  "relative", "/" + "x" * 5000, "/../../etc/passwd", "/proc/self/exe"])


def payload(rng, env):
    """One packet body (bytes), from the packet table with hostile arguments."""
    name = rng.choice(env.names + ["vFile:"] * 6 + ["qXfer:"] * 4 + ["m", "M", "X", "Z", "vCont;"] * 2)
    r = rng.random
    if name in ("m",):
        return f"m{addr(rng)},{num(rng)}".encode()
    if name in ("M",):
        n = rng.choice([0, 1, 4, 100, 9000])
        return f"M{addr(rng)},{n if r() < 0.8 else num(rng)}:".encode() + \
            hexs(bytes(rng.randrange(256) for _ in range(min(n, 9000) if r() < 0.8 else 3))).encode()
    if name == "X":
        n = rng.choice([0, 1, 8, 2000])
        return f"X{addr(rng)},{n if r() < 0.8 else num(rng)}:".encode() + binary(rng, n)
    if name == "G":
        return b"G" + hexs(bytes(rng.randrange(256) for _ in range(rng.choice([0, 8, 264, 520, 600, 5000])))).encode()
    if name in ("p", "P"):
        reg = rng.choice(["0", "1", "20", "21", "40", "41", "42", "43", "44", "45", "1000", "ffffffff", "-1", ""])
        return (f"p{reg}" if name == "p" else f"P{reg}={'ab' * rng.choice([0, 1, 4, 8, 9, 100])}").encode()
    if name in ("Z", "z"):
        return f"{name}{rng.choice(['0', '1', '2', '3', '4', '5', '9'])},{addr(rng)},{rng.choice(['0', '2', '4', '8', '10', num(rng)])}".encode() \
            + (b";X2,0" if r() < 0.1 else b"")
    if name == "vCont;":
        acts = [rng.choice(["c", "s", "t", "C0b", "S05", "C13", "r0,10", "rffff,0", "x"]) +
                (":" + tid(rng) if r() < 0.6 else "") for _ in range(rng.randint(1, 4))]
        return ("vCont;" + ";".join(acts)).encode()
    if name in ("c", "s", "C", "S"):
        if r() < 0.3:
            return name.encode()
        return (name + rng.choice(["0b", "13", "09", "00", "ff", "05;" + addr(rng), addr(rng)])).encode()
    if name in ("H", "T"):
        return (name + (rng.choice(["g", "c", "x"]) if name == "H" else "") + tid(rng)).encode()
    if name.startswith("qXfer:"):
        obj = rng.choice(["features", "threads", "auxv", "exec-file", "siginfo", "libraries-svr4",
                          "osdata", "libraries", "memory-map", "junk"])
        annex = rng.choice(["", "target.xml", "riscv-64bit-cpu.xml", "../x", "3e8", "processes",
                            "x" * 300, "types"])
        op = rng.choice(["read", "read", "write"])
        return f"qXfer:{obj}:{op}:{annex}:{num(rng)},{num(rng)}".encode() + \
            (b":" + binary(rng, 40) if op == "write" else b"")
    if name == "vFile:":
        k = rng.choice(["open", "open", "pread", "pwrite", "close", "fstat", "readlink", "unlink",
                        "setfs", "stat", "junk"])
        fd = rng.choice(["0", "1", "2", "3", "4", "5", "-1", "ffffffff", "400", num(rng)])
        if k == "open":
            if r() < 0.5:
                return f"vFile:open:{hexs(env.path(rng).encode())},0,0".encode()
            # writing or creating: only in the temporary folder
            return f"vFile:open:{hexs(env.path(rng, writable=True).encode())},{rng.choice(['601', '241', '2', 'c1', '1'])},1ff".encode()
        if k == "pread":
            return f"vFile:pread:{fd},{num(rng)},{num(rng)}".encode()
        if k == "pwrite":
            return f"vFile:pwrite:{fd},{num(rng)},".encode() + binary(rng, rng.choice([0, 10, 3000]))
        if k in ("close", "fstat"):
            return f"vFile:{k}:{fd}".encode()
        if k in ("readlink", "stat"):
            return f"vFile:{k}:{hexs(env.path(rng).encode())}".encode()
        if k == "unlink":
            return f"vFile:unlink:{hexs(env.path(rng, writable=True).encode())}".encode()
        if k == "setfs":
            return f"vFile:setfs:{rng.choice(['0', '3e8', '1', 'ffffffff', '-1', 'x'])}".encode()
        return b"vFile:" + binary(rng, 20)
    if name == "qRcmd,":
        cmd = rng.choice(["help", "info", "packets", "log", "log strace", "log none", "log bogus",
                          "log in_asm,int", "", "x" * 3000, "log " + "a," * 500])
        return f"qRcmd,{hexs(cmd.encode()) if r() < 0.9 else 'zz'}".encode()
    if name == "vRun;":
        prog = rng.choice([env.guest("hello.static"), env.guest("spin.static"), "/vf",
                           "/nonexistent", "", "/dev/zero"])
        args = [hexs(prog.encode())] + [hexs(rng.choice([b"1", b"", b"x" * 500]))
                                        for _ in range(rng.randint(0, 3))]
        return ("vRun;" + ";".join(args) + (";zz" if r() < 0.1 else "")).encode()
    if name in ("vAttach;", "vKill;", "D"):
        if name == "D" and r() < 0.5:
            return b"D"
        return (name + ("" if name != "D" else ";") + rng.choice(["3e8", "3e9", "1", "0", "-1", "ffffffff", ""])).encode()
    if name in ("QCatchSyscalls", "QPassSignals:", "QProgramSignals:"):
        lst = ";".join(num(rng) for _ in range(rng.randint(0, 40)))
        return (name + (":1;" if name == "QCatchSyscalls" else "") + lst).encode()
    if name in ("QEnvironmentHexEncoded:", "QEnvironmentUnset:", "QSetWorkingDir:", "QStartupWithShell:"):
        return name.encode() + (hexs(rng.choice([b"A=1", b"=", b"", b"x" * 2000, b"/tmp", b"\x00"])).encode()
                                if r() < 0.8 else b"zz1")
    if name == "qThreadExtraInfo,":
        return f"qThreadExtraInfo,{tid(rng)}".encode()
    if name == "qSupported":
        return b"qSupported" + rng.choice([b"", b":multiprocess+;swbreak+;hwbreak+;fork-events+;vfork-events+;exec-events+;QThreadEvents+;no-resumed+;xmlRegisters=i386",
                                           b":" + b";".join(binary(rng, 8) for _ in range(30)), b":x=" + b"1" * 3000])
    # any other packet of the table: its name, then junk or nothing
    return name.encode() + (binary(rng, rng.randint(0, 40)) if r() < 0.5 else b"")


def frame(rng, body, ack=True):
    """The packet on the wire: mostly right, sometimes broken."""
    cs = sum(body) & 0xff
    r = rng.random()
    if r < 0.8:
        return b"$" + body + b"#%02x" % cs
    if r < 0.85:
        return b"$" + body + b"#%02x" % ((cs + 1) & 0xff)  # bad checksum
    if r < 0.88:
        return b"$" + body + b"#zz"
    if r < 0.9:
        return b"$" + body  # no end: the next packet's $ restarts
    if r < 0.92:
        b = body + rng.choice([b"}", b"*", b"0*", b"0*\xff", b"0*\x1d", b"}}"])
        return b"$" + b + b"#%02x" % (sum(b) & 0xff)
    if r < 0.94:
        return rng.choice([b"\x03", b"-", b"+", b"%Stop:T05#00", b"$#00", b"#", b"$$$$", b"\x00\xff"])
    if r < 0.96:
        b = b"m0," + b"1" * 20000
        return b"$" + b + b"#%02x" % (sum(b) & 0xff)
    if r < 0.98:
        return bytes(rng.randrange(256) for _ in range(rng.randint(1, 400)))
    b = b"$" + body + b"#%02x" % cs
    return b[:rng.randrange(len(b) + 1)]  # cut


class Rsp:
    """A raw stub connection that reads whatever comes back."""

    def __init__(self, endpoint):
        if endpoint.startswith("unix:"):
            self.s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
            self.s.settimeout(SESSION_TIMEOUT)
            self.s.connect(endpoint[5:])
        else:
            host, port = endpoint.rsplit(":", 1)
            self.s = socket.create_connection((host, int(port)), timeout=SESSION_TIMEOUT)
        self.got = b""

    def send(self, data):
        try:
            self.s.sendall(data)
            return True
        except OSError:
            return False

    def drain(self, wait=0.0):
        end = time.monotonic() + wait
        while True:
            chunk = fuzzlib.recv_ready(self.s, end - time.monotonic())
            if not chunk:
                return chunk is None  # nothing more now, or closed
            self.got = (self.got + chunk)[-100000:]

    def ask(self, body):
        """A sane exchange: one packet, its reply (acks on). None if the stub closed."""
        self.got = b""
        if not self.send(b"+$" + body + b"#%02x" % (sum(body) & 0xff)):
            return None
        deadline = time.monotonic() + SESSION_TIMEOUT
        while time.monotonic() < deadline:
            m = re.search(rb"\$([^#$]*)#[0-9a-fA-F]{2}", self.got)
            if m:
                self.send(b"+")
                return m.group(1)
            if not self.drain(0.2):
                return None
        raise Failure(f"the stub does not answer {body!r} within {SESSION_TIMEOUT} s (hang?)")

    def close(self):
        self.s.close()


def fuzz_session(rng, inputs, env, endpoint):
    """Hostile packets on one connection, ended in a hostile way."""
    try:
        r = Rsp(endpoint)
    except OSError as e:
        inputs.add("connect", str(e))
        return False  # the guest (and its stub) ended: the caller checks
    for _ in range(rng.randint(5, 60)):
        body = payload(rng, env)
        data = frame(rng, body)
        if rng.random() < 0.1:
            data = b"\x03" + data
        inputs.add("rsp", data)
        if not r.send(data):
            break
        if not r.drain(rng.choice([0, 0, 0.01, 0.05])):
            break
    end = rng.choice(["close", "close", "cut", "interrupt", "detach", "kill"])
    inputs.add("end", end)
    if end == "cut":
        r.send(b"$m10000,")
    elif end == "interrupt":
        r.send(b"\x03")
        r.drain(0.05)
    elif end == "detach":
        r.send(b"$D#44")
        r.drain(0.05)
    elif end == "kill":
        r.send(b"$k#6b")
        r.drain(0.05)
    r.close()
    return True


def sane_session(endpoint):
    """A fresh debugger: `?` answered, then detach. False if the stub is gone."""
    try:
        r = Rsp(endpoint)
    except OSError:
        return False  # the guest ended and its stub with it
    reply = r.ask(b"?")
    if reply is not None:
        r.ask(b"D")
    r.close()
    return True


# ---- targets ---------------------------------------------------------------------------


def hartd_stub(rng, inputs, ctx, env):
    d = ctx["hartd"]
    c = d.client()
    try:
        prog = rng.choice([["spin.static", "30"], ["threads.static"], ["signal_basic.static"],
                           ["hello.static"], ["sleeper.nolibc"]])
        wait = rng.random() < 0.3
        listen = rng.choice([None, None, "127.0.0.1:0"])
        req = {"argv": [env.guest(prog[0])] + prog[1:], "root": env.jail, "cwd": "/"}
        gdb = {}
        if listen:
            gdb["listen"] = listen
        if wait:
            gdb["wait"] = True
            req["gdb"] = gdb
        inputs.add("launch", (req, gdb))
        try:
            r = c.request("launch", **req)
            pid = r["pid"]
            ep = r.get("gdb") or c.request("gdb", pid=pid, **({"listen": listen} if listen else {}))["gdb"]
        except fuzzlib.RequestError as e:
            if e.code == "no_such_guest":
                return  # it ended before the gdb op (hello.static)
            raise Failure(f"launch/gdb refused: {e}")
        inputs.add("endpoint", ep)
        for _ in range(rng.randint(1, 3)):
            if not fuzz_session(rng, inputs, env, ep) or not sane_session(ep):
                live = [g for g in c.request("list")["guests"]
                        if g["pid"] == pid and g["state"] != "zombie"]
                if live:
                    raise Failure(f"the stub {ep} of live guest {pid} refuses connections: {live}")
                break
    finally:
        c.close()


def hartd_multi(rng, inputs, ctx, env):
    d = ctx["hartd"]
    c = d.client()
    try:
        ep = c.request("gdb_multi", launch={"root": env.jail, "cwd": "/"},
                       **({"listen": "127.0.0.1:0"} if rng.random() < 0.3 else {}))["gdb"]
        # opened once: later requests return it (and a listen may then be refused)
    except fuzzlib.RequestError:
        ep = ctx.get("multi_ep")
    finally:
        c.close()
    if not ep:
        raise Failure("gdb_multi gives no endpoint")
    ctx["multi_ep"] = ep
    inputs.add("endpoint", ep)
    if not fuzz_session(rng, inputs, env, ep) or not sane_session(ep):
        raise Failure(f"the extended-remote endpoint {ep} refuses connections")


def hart_run(rng, inputs, ctx, env):
    tmp = ctx["tmp"]
    sock = os.path.join(tmp, "hr.sock")
    log = os.path.join(tmp, "hr.log")
    for f in (sock, log):
        if os.path.exists(f):
            os.unlink(f)
    multi = rng.random() < 0.25
    prog = rng.choice([["spin.static", "10"], ["threads.static"], ["hello.static"], ["signal_fault.static"]])
    argv = [os.path.join(ctx["build"], "bin", "hart-run"), "-d", "int", "-D", log, "-R", env.jail,
            "-g", "unix:" + sock]
    argv += ["--multi"] if multi else []
    argv += [env.guest(prog[0])] + prog[1:]
    inputs.add("hart-run", argv)
    p = subprocess.Popen(argv, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                         stderr=subprocess.PIPE, cwd=tmp)
    try:
        deadline = time.monotonic() + 10
        while not os.path.exists(sock):
            if p.poll() is not None or time.monotonic() > deadline:
                raise Failure(f"hart-run -g did not listen: {p.poll()} {p.stderr.read()!r}")
            time.sleep(0.01)
        for _ in range(rng.randint(1, 2)):
            if p.poll() is not None or not fuzz_session(rng, inputs, env, "unix:" + sock):
                break
        if p.poll() is None:
            sane_session("unix:" + sock)
        try:
            p.wait(timeout=0.2)
        except subprocess.TimeoutExpired:
            p.kill()
            try:
                p.wait(timeout=SESSION_TIMEOUT)
            except subprocess.TimeoutExpired:
                raise Failure("hart-run does not end on SIGKILL")
            return
        rc = p.returncode
        if rc < 0:
            with open(log, errors="replace") as f:
                text = f.read()
            if "uncaught target signal" not in text:  # hart-run died of its own fault
                raise Failure(f"hart-run died of signal {-rc} with no guest signal: "
                              f"{p.stderr.read()[-2000:]!r} {text[-2000:]}")
    finally:
        if p.poll() is None:
            p.kill()
            p.wait()
        p.stderr.close()


def main():
    ap = fuzzlib.options(__doc__.split("\n")[0], default_seconds=12)
    args = ap.parse_args()
    names = packet_names(args.src)

    def batch(rng, inputs, ctx):
        env = Env(ctx, names)
        target = rng.choice([hartd_stub] * 4 + [hartd_multi, hart_run, hart_run])
        inputs.add("target", target.__name__)
        target(rng, inputs, ctx, env)

    sys.exit(fuzzlib.run("rsp_fuzz", args, batch))


if __name__ == "__main__":
    main()
