#!/usr/bin/env python3
"""tests/gdb/run_rsp_tests.py — the gdb stubs driven by a raw RSP client
(run_gdb_tests.Rsp) where gdb cannot say what is sent: garbage, bad
checksums, oversized and truncated packets, abrupt disconnects
(rsp_robustness; against hartd's stubs and endpoints hartd_rsp_robustness),
QCatchSyscalls stops (rsp_catch_syscall), the thread a stop reports
(rsp_stop_thread). Same helpers and options as run_gdb_tests.py.

usage: run_rsp_tests.py --hart-run P --bin-dir D --src-dir D
                        [--hartd P --client-dir D] SCENARIO
"""
import os
import random
import re
import socket
import struct
import threading
import time

import run_gdb_tests as g
from run_gdb_tests import Daemon, Endpoint, Hart, Rsp, expect_in_order, fail, run_gdb, symbol


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
    c.raw(b"$" + b"A" * (1 << 20) + b"#01")
    if c.read_byte() != b"-":  # too long and a bad checksum: a resend asked
        fail("oversized packet with a bad checksum not refused with '-'")
    r = c.cmd("?")
    if r[:3] != "T05":
        fail("no T05 after the 1 MB packet", r)
    # Longer than PacketSize with a good checksum: acknowledged and answered
    # with an error (not silence), and the stream stays in step.
    size = int(re.search(r"PacketSize=([0-9a-f]+)", c.cmd("qSupported:swbreak+")).group(1), 16)
    for n in (size + 1, 1 << 20):
        r = c.cmd("m" + "0" * (n - 1), timeout=10)
        if not r.startswith("E.") or "PacketSize" not in r:
            fail(f"a {n}-byte packet got {r!r}, not an E. error")
        if c.cmd("?")[:3] != "T05":
            fail(f"out of step after the {n}-byte packet")
    if not c.cmd("m0" + "*~" * 2000).startswith("E."):  # run-length bomb
        fail("a run-length bomb got no error reply")
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
    xml = ""  # read in chunks, as debuggers do (it holds LLDB's attributes too)
    while True:
        part = c.cmd("qXfer:features:read:target.xml:%x,3fff" % len(xml))
        xml += part[1:]
        if part[:1] != "m":
            break
    for want in ("riscv:rv64", "org.gnu.gdb.riscv.cpu", "org.gnu.gdb.riscv.fpu", 'name="fcsr"'):
        if want not in xml:
            fail(f"target.xml lacks {want}", xml)
    g = c.cmd("g")
    if len(g) != (65 * 8 + 3 * 4) * 2:
        fail(f"g packet has {len(g)} hex digits", g)
    # No-ack mode: an oversized packet still gets its error reply.
    r = c.cmd("X1000,20000:" + "A" * 0x20000, timeout=10)
    if not r.startswith("E.") or c.cmd("g") != g:
        fail("no-ack mode: no error reply to an oversized packet", r)
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


def hartd_rsp_robustness():
    """Garbage, bad checksums, 1 MB packets, 0x03 floods, abrupt and half-closed
    disconnects and a second debugger against hartd's stubs: hartd keeps serving
    its other guests and each stub still serves a real gdb afterwards."""
    guest_dir = os.path.join(os.path.dirname(os.path.abspath(g.ARGS.bin_dir)), "guest")
    spin_s, demo_s = (os.path.join(guest_dir, p) for p in ("spin.static", "demo.static"))
    for p in (spin_s, demo_s):
        if not os.path.exists(p):
            fail(f"{p} is missing (built by tests/guest)")
    d = Daemon()
    # Bystanders: they must run and end as if nothing happened.
    want = {}  # pid -> (status, substrings of the output)
    long_spin = d.launch(spin_s, "6")["pid"]
    want[long_spin] = (0, ["spun\n"])
    want[d.launch("threads")["pid"]] = (0, ["sum=280"])
    # The stubs: one from a launch (stopped before its first instruction), one
    # opened by the gdb op on a running guest.
    r = d.launch("basic", gdb={"listen": "127.0.0.1:0", "wait": True})
    basic, ep_basic = r["pid"], Endpoint(r["gdb"], d.p)
    spin = d.launch("spin")["pid"]
    time.sleep(0.2)
    ep_spin = Endpoint(d.c.request("gdb", pid=spin)["gdb"], d.p)

    # The daemon must answer list/stats promptly all along (own connection).
    watch = {"n": 0, "worst": 0.0, "error": None, "seen": set()}
    done = threading.Event()

    def watcher():
        try:
            c = d.mod.Client(d.sock)
            while not done.is_set():
                t0 = time.time()
                guests = c.request("list")["guests"]
                c.request("stats")
                c.request("stats", pid=long_spin)
                watch["worst"] = max(watch["worst"], time.time() - t0)
                watch["n"] += 1
                watch["seen"] |= {g["pid"] for g in guests if g["state"] == "running"}
                time.sleep(0.05)
            c.close()
        except Exception as e:  # reported by the main thread
            watch["error"] = repr(e)

    wt = threading.Thread(target=watcher, daemon=True)
    wt.start()

    def expect_naks(c, n, what):
        """Reads n '-' then the '+' of the '?' sent after them; returns the stop reply."""
        c.raw(c.frame("?"))
        got = b""
        while not got.endswith(b"+") and len(got) <= n:
            try:
                got += c.read_byte(timeout=5)
            except (socket.timeout, EOFError) as e:
                fail(f"{what}: no '+' for '?' ({e!r}), got {got!r}")
        if got != b"-" * n + b"+":
            fail(f"{what}: expected {n} '-' then '+', got {got!r}")
        stop = c.packet()
        if stop[:1] not in ("T", "S"):
            fail(f"{what}: '?' got {stop!r}")
        return stop

    def no_data(c, secs):
        c.s.settimeout(secs)
        try:
            b = c.s.recv(1)
            fail(f"unexpected {b!r} from the stub")
        except socket.timeout:
            pass

    def eof(c, what, secs=5):
        c.s.settimeout(secs)
        try:
            rest = b""
            while True:
                b = c.s.recv(65536)
                if not b:
                    return rest
                rest += b
        except socket.timeout:
            fail(f"{what}: the stub did not close the connection")
        except ConnectionResetError:
            return b""

    def hammer(port, running_guest, seed):
        rng = random.Random(seed)
        noise = [b for b in range(256) if b != ord("#")]
        # Random garbage ('#' left out so that no packet can complete by chance;
        # a '$' in it opens one that the '#zz' after it ends with a bad checksum).
        for i in range(12):
            c = Rsp(port)
            junk = bytes(rng.choice(noise) for _ in range(rng.randrange(1, 8000)))
            c.raw(junk)
            if i % 3 == 2:
                c.s.close()  # abruptly, garbage pending
                continue
            c.raw(b"#zz")
            expect_naks(c, 1 if b"$" in junk else 0, f"garbage round {i}")
            c.s.close()
        # Bad checksums, unknown and malformed packets.
        c = Rsp(port)
        for body in (b"qSupported", b"g", b"m0,8", b"vCont;c", b"k", b"D"):
            c.raw(b"$" + body + b"#%02x" % ((sum(body) + 1) & 0xff))
            if c.read_byte() != b"-":
                fail(f"bad checksum on {body!r} not answered with '-'")
        c.raw(b"$?#3g")  # a checksum digit that is not hex
        if c.read_byte() != b"-":
            fail("non-hex checksum not answered with '-'")
        if c.cmd("qThisPacketDoesNotExist") != "":
            fail("unknown packet must get an empty reply")
        for bad in ("m", "mzz,8", "M0,4:zz", "Z0,zz,4", "Hgzz", "vCont;q", "P9999=00"):
            r = c.cmd(bad)
            if r and not r.startswith("E"):
                fail(f"malformed {bad!r} got {r!r}")
        binary = [b for b in range(256) if b not in b"#$}*\x03"]  # so no packet ends early
        # 1 MB packets: plain, valid checksum, binary X, and a run-length bomb.
        x_data = bytes(rng.choice(binary) for _ in range(1 << 14)) * 64
        c.raw(b"$" + b"A" * (1 << 20) + b"#01")  # bad checksum: a resend is asked
        expect_naks(c, 1, "1 MB packet")
        for big, what in ((c.frame(b"m" + b"0" * (1 << 20)), "1 MB packet"),
                          (c.frame(b"X1000,100000:" + x_data), "1 MB X packet"),
                          (c.frame(b"m0" + b"*~" * 2000), "run-length bomb")):
            c.raw(big)  # intact but too long: acked, answered with an error
            if c.read_byte() != b"+" or not c.packet().startswith("E."):
                fail(f"{what}: no '+' and E. error reply")
            expect_naks(c, 0, what)
        c.raw(b"\x01" * (1 << 20))  # 1 MB of noise, no packet at all
        expect_naks(c, 0, "1 MB of noise")
        # A flood of 0x03 while stopped: ignored.
        c.raw(b"\x03" * 65536)
        expect_naks(c, 0, "0x03 flood while stopped")
        # ... and while running: one stop, then business as usual.
        if running_guest:
            c.raw(c.frame("vCont;c"))
            if c.read_byte() != b"+":
                fail("vCont;c not acked")
            time.sleep(0.2)
            t0 = time.time()
            c.raw(b"\x03" * 65536)
            stop = c.packet(timeout=3)
            if not stop.startswith("T02") or time.time() - t0 > 2.0:
                fail("a 0x03 flood did not stop the guest once, promptly", stop)
            no_data(c, 0.3)  # the rest of the flood changes nothing
            if not expect_naks(c, 0, "after the flood").startswith("T02"):
                fail("'?' after the flood")
        c.s.close()
        # Packets started and never finished, then disconnects.
        for part in (b"$m1000,", b"$" + b"B" * 5000, b"$qSupported:swbreak+#", b"$g#6"):
            c = Rsp(port)
            c.raw(part)
            time.sleep(0.02)
            c.s.close()
        # A reply left unread, and a reset (SO_LINGER 0) instead of a FIN.
        c = Rsp(port)
        c.raw(c.frame("g") + c.frame("qXfer:features:read:target.xml:0,3fff"))
        c.s.close()
        c = Rsp(port)
        c.raw(c.frame("?"))
        c.s.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        c.s.close()
        # 50 connect/disconnect cycles, a third of them with a request.
        for i in range(50):
            c = Rsp(port)
            if i % 3 == 0:
                if c.cmd("?")[:1] not in ("T", "S"):
                    fail("'?' during the connect cycles")
            elif i % 3 == 1:
                c.raw(c.frame("?"))
            c.s.close()
        # Half-closed: the stub answers what it got, then closes its side.
        c = Rsp(port)
        c.raw(c.frame("?"))
        c.s.shutdown(socket.SHUT_WR)
        c.ack = False  # our side can no longer write the '+'
        if c.read_byte() != b"+" or c.packet()[:1] not in ("T", "S"):
            fail("half-closed: no reply to '?'")
        eof(c, "half-closed after a request")
        c.s.close()
        c = Rsp(port)
        c.s.shutdown(socket.SHUT_WR)
        if eof(c, "half-closed at once") != b"":
            fail("half-closed at once: the stub sent something")
        c.s.close()
        c = Rsp(port)
        c.s.shutdown(socket.SHUT_RD)
        c.raw(c.frame("g"))
        time.sleep(0.05)
        c.s.close()
        # A second debugger while one is connected: one debugger at a time
        # (gdbstub/server.h); the second is told so with an E. error and
        # closed, not left waiting; a debugger connecting after the first
        # left is served.
        c1 = Rsp(port)
        c1.cmd("?")
        c2 = Rsp(port)
        r = c2.cmd("qSupported:swbreak+")
        if not r.startswith("E.") or "another debugger is connected" not in r:
            fail("a second debugger did not get an E. error", r)
        eof(c2, "the refused second debugger")
        c2.s.close()
        if c1.cmd("qC")[:2] != "QC":
            fail("the first debugger is not served any more")
        c1.s.close()
        time.sleep(0.5)  # the stub sees the first one gone
        c2 = Rsp(port)
        if c2.cmd("qSupported:swbreak+").find("PacketSize=") < 0:
            fail("qSupported for a debugger after the first left")
        c2.s.close()

    # Both stubs at once, each from its own thread.
    errors = []

    def hammer_thread(*a):
        try:
            hammer(*a)
        except BaseException as e:  # fail() raises SystemExit
            errors.append(f"{a}: {e!r}")

    t_hammer = time.time()
    hts = [threading.Thread(target=hammer_thread, args=(ep_basic.port, False, 1)),
           threading.Thread(target=hammer_thread, args=(ep_spin.port, True, 2))]
    for t in hts:
        t.start()
    time.sleep(0.5)
    # A guest launched while the stubs are being hammered.
    demo = d.launch(demo_s, "3")["pid"]
    want[demo] = (3, ["primes below 100000: 9592 (largest 99991)", "heap checksum: 119537664"])
    for t in hts:
        t.join(60)
    if errors or any(t.is_alive() for t in hts):
        fail("hammering a stub", *errors)
    t_hammer = time.time() - t_hammer
    done.set()
    wt.join(10)
    if watch["error"] or watch["n"] < 5 or watch["worst"] > 2.0:
        fail("hartd did not answer list/stats promptly during the hammering", watch)
    if long_spin not in watch["seen"]:
        fail("the bystander did not run", watch)
    print(f"hammered both stubs in {t_hammer:.1f} s; list+stats {watch['n']} times, "
          f"slowest {watch['worst'] * 1000:.0f} ms")

    stubs = {g["pid"]: g["gdb"] for g in d.c.request("list")["guests"]}
    if stubs.get(basic) != ep_basic.endpoint or stubs.get(spin) != ep_spin.endpoint:
        fail("list does not show both stubs after the hammering", stubs)

    # The real gdb on the launched stub: it still waits at its first instruction.
    if any(e.get("pid") == basic for e in d.c.events):
        fail("the waiting guest ran during the hammering", d.c.events)
    out = run_gdb(ep_basic, "basic", ["break add", "continue", "p counter", "delete", "continue"])
    expect_in_order(out, [r"Breakpoint 1, add \(a=0, b=0\)", r"\$1 = 5", r"exited normally"])
    st, o = d.exit_of(basic)
    if st != 0 or "sum=3 counter=8" not in o:
        fail("debugged guest result", st, o)
    # The attached one: detach lets it run on; then stop it for good.
    out = run_gdb(ep_spin, "spin", ["p spins", "detach"])
    m = re.search(r"\$1 = (\d+)", out)
    if not m or "detached" not in out:
        fail("gdb on the attached guest", out)
    time.sleep(0.5)
    out2 = run_gdb(ep_spin, "spin", ["p spins", "set var stop = 1", "detach"])
    m2 = re.search(r"\$1 = (\d+)", out2)
    if not m2 or int(m2.group(1)) <= int(m.group(1)):
        fail("the attached guest did not run on after detach", out, out2)
    st, o = d.exit_of(spin)
    if st != 0 or "stopped after spinning" not in o:
        fail("attached guest result", st, o)
    for pid, (status, texts) in want.items():
        st, o = d.exit_of(pid)
        if st != status or any(t not in o for t in texts):
            fail(f"bystander {pid}: status {st}, output", o)
    # Shutdown with a debugger still connected (one packet exchanged) to a
    # waiting guest's stub: hartd ends it and exits cleanly.
    r = d.launch("basic", gdb={"listen": "127.0.0.1:0", "wait": True})
    held = Rsp(Endpoint(r["gdb"], d.p).port)
    if held.cmd("?")[:1] not in ("T", "S"):
        fail("'?' on the held connection")
    d.stop()
    held.s.close()
    log = open(os.path.join(d.dir.name, "hartd.log"), errors="replace").read()
    log += d.p.stderr.read().decode(errors="replace")
    for bad in ("assert", "Assert", "Sanitizer", "runtime error", "terminate called", "crash",
                "Segmentation", "SIGSEGV", "SIGABRT", "critical"):
        if bad in log:
            fail(f"hartd's log mentions {bad!r}", log)
    if d.p.returncode != 0 or "hartd stopped" not in log:
        fail(f"hartd exited with {d.p.returncode}", log)


def rsp_catch_syscall():
    # gdb 13 has no `catch syscall` for riscv (no syscall XML), so the raw
    # client checks QCatchSyscalls and the syscall_entry/syscall_return stops.
    h = Hart("basic")
    c = Rsp(h.port)
    if "QCatchSyscalls+" not in c.cmd("qSupported:swbreak+"):
        fail("qSupported lacks QCatchSyscalls+")
    if c.cmd("QCatchSyscalls:1;40") != "OK":  # write (64)
        fail("QCatchSyscalls:1;40")
    st = c.cmd("vCont;c", timeout=10)
    if not re.match(r"T05syscall_entry:40;thread:[0-9a-f]+;", st):
        fail("no syscall_entry:40 stop", st)
    a2 = c.cmd("pc")  # a2 = count of bytes to write (x12)
    st = c.cmd("vCont;c", timeout=10)
    if not re.match(r"T05syscall_return:40;", st):
        fail("no syscall_return:40 stop", st)
    if c.cmd("pa") != a2:  # a0 = bytes written = count
        fail("write's result in a0", c.cmd("pa"), a2)
    if c.cmd("QCatchSyscalls:0") != "OK":
        fail("QCatchSyscalls:0")
    st = c.cmd("vCont;c", timeout=10)
    if st != "W00":
        fail("no exit after catching was turned off", st)
    rc, o, e = h.finish()
    if rc != 0 or "sum=3" not in o:
        fail("guest result", rc, o, e)


def rsp_stop_thread():
    # A stop makes the reporting thread the general thread (as gdbserver):
    # after Hg selected the main thread, a breakpoint hit in a worker must
    # give the worker's registers to the next p/g.
    h = Hart("threads")
    c = Rsp(h.port)
    c.cmd("qSupported:swbreak+")
    st = c.cmd("?")
    main = re.search(r"thread:([0-9a-f]+);", st)
    if not main:
        fail("no thread in the first stop reply", st)
    mark = symbol("threads", "worker_mark")
    if c.cmd("Z0,%x,2" % mark) != "OK":
        fail("Z0 at worker_mark")
    if c.cmd("Hg" + main.group(1)) != "OK":
        fail("Hg main thread")
    st = c.cmd("vCont;c", timeout=15)
    hit = re.search(r"thread:([0-9a-f]+);", st)
    if not st.startswith("T05") or not hit or hit.group(1) == main.group(1):
        fail("expected a breakpoint stop in a worker thread", st)
    pc = int.from_bytes(bytes.fromhex(c.cmd("p20")), "little")
    if pc != mark:
        fail("p after the stop gave pc %#x, not the reporting thread's %#x" % (pc, mark), st)
    regs = c.cmd("g")
    if int.from_bytes(bytes.fromhex(regs[32 * 16:33 * 16]), "little") != mark:
        fail("g after the stop is not the reporting thread's", regs[:80])
    if c.cmd("z0,%x,2" % mark) != "OK":
        fail("z0")
    st = c.cmd("vCont;c", timeout=15)
    if st != "W00":
        fail("the program did not run to its end", st)
    rc, o, e = h.finish()
    if rc != 0 or "sum=280" not in o:
        fail("guest result", rc, o, e)


SCENARIOS = {f.__name__: f for f in [rsp_robustness, hartd_rsp_robustness, rsp_catch_syscall,
                                      rsp_stop_thread]}


if __name__ == "__main__":
    g.driver_main(SCENARIOS)
