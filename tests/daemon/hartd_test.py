#!/usr/bin/env python3
"""tests/daemon/hartd_test.py — hartd, its control socket, hartctl and
hart-ci, end to end: each test class starts hartd on a private socket in a
temporary folder and drives it as clients would.

    hartd_test.py HARTD CLIENT_SCRIPTS_DIR GUEST_BIN_DIR GUEST_EXPECTED_DIR

Covers: launch/list/wait/kill; 20 concurrent guests with their outputs and
statuses; a crashing guest (SIGSEGV) while others run on; limits (processes
→ EAGAIN, memory → ENOMEM, wall seconds → SIGKILL); garbage on the socket
(non-JSON, a 10 MB line, binary junk, unknown op, wrong types, abrupt
disconnect) with the daemon and other connections unharmed; fds passed
with SCM_RIGHTS; TCP with a token; hartctl run (status, stdio); hart-ci's
JUnit XML; the socket's mode, a second daemon refused, a stale socket
replaced; shutdown with guests running. Hostile guests
(tests/guest/security): a guest reaching for the control socket, the TCP
port and gdb endpoints is refused; fork bombs are stopped by the default
process limit and ended by kill --tree; a tree ends with its first
process; daemon-wide limits answer `limit`; vFile files are closed with
their gdb session and never open hartd's /proc; TCP garbage before hello
closes the connection; ended guests are kept bounded. The launch field address_space.
SysV IPC keys are per launch.
Resource return: 1,000 launches (half left to --keep-ended) and 10
debuggers opening 64 files each leave fds at the baseline and RSS within
10 MB of it. Regressions found by tests/fuzz: deep nesting, a debugger
detaching from a guest just killed, extended-remote packets before `run`.
(4,000 concurrent guests and capacity limits: capacity_test.py.)
"""
import contextlib
import json
import signal
import os
import random
import re
import socket
import stat
import struct
import subprocess
import sys
import tempfile
import time
import unittest
import xml.etree.ElementTree as ET

from hang_watch import WatchedTest, die_with_parent, watch, unwatch, watched_client

HARTD = SCRIPTS = GUEST = EXPECTED = None
Client = RequestError = DaemonError = None


def guest(name):
    return os.path.join(GUEST, name)


def expected_stdout(name):
    with open(os.path.join(EXPECTED, name + ".stdout")) as f:
        return f.read()


class Daemon:
    """hartd on a private socket, in the foreground."""

    def __init__(self, *extra):
        self.dir = tempfile.TemporaryDirectory(prefix="hartd-test-")
        self.sock = os.path.join(self.dir.name, "hartd.sock")
        self.log = os.path.join(self.dir.name, "hartd.log")
        self.proc = subprocess.Popen([HARTD, "--socket", self.sock, "--foreground",
                                      "--log-file", self.log, "--log-level", "debug", *extra],
                                     stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                                     stderr=subprocess.PIPE, preexec_fn=die_with_parent)
        watch(self.proc, self.log)
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError("hartd exited: " + self.proc.stderr.read().decode())
            try:
                Client(self.sock).close()
                return
            except DaemonError:
                time.sleep(0.02)
        raise RuntimeError("hartd did not start")

    def client(self):
        return Client(self.sock)

    def alive(self):
        c = self.client()
        r = c.request("hello")
        c.close()
        return r["version"] == 1

    def stop(self):
        if self.proc.poll() is None:
            try:
                c = self.client()
                c.request("shutdown", grace_seconds=0.5)
                c.close()
            except (DaemonError, RequestError):
                self.proc.terminate()
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        unwatch(self.proc)
        self.proc.stdout.close()
        self.proc.stderr.close()
        self.dir.cleanup()


def collect(c, pids):
    """Output and exit events of the given guests until all have exited."""
    out = {p: {"stdout": b"", "stderr": b""} for p in pids}
    status = {}
    while len(status) < len(pids):
        ev = c.next_event()
        p = ev.get("pid")
        if p not in out:
            continue
        if ev["event"] == "output":
            data = ev["data"].encode() if "data" in ev else __import__("base64").b64decode(
                ev["data_b64"])
            out[p][ev["stream"]] += data
        elif ev["event"] == "exit":
            status[p] = ev
    return out, status


def launch(c, argv, **kw):
    kw.setdefault("stdout", "capture")
    kw.setdefault("stderr", "capture")
    return c.request("launch", argv=argv, **kw)["pid"]


class Guests(WatchedTest):
    @classmethod
    def setUpClass(cls):
        cls.d = Daemon()

    @classmethod
    def tearDownClass(cls):
        cls.d.stop()

    def test_launch_list_wait_kill(self):
        c = self.d.client()
        pid = launch(c, [guest("spin.static"), "100"])
        guests = c.request("list")["guests"]
        me = [g for g in guests if g["pid"] == pid]
        self.assertEqual(len(me), 1, guests)
        self.assertEqual(me[0]["state"], "running")
        self.assertEqual(me[0]["launch"], pid)
        self.assertEqual(me[0]["argv"], [guest("spin.static"), "100"])
        self.assertGreater(me[0]["memory_bytes"], 0)
        with self.assertRaises(RequestError) as e:
            c.request("wait", pid=pid, timeout=0.05)
        self.assertEqual(e.exception.code, "timeout")
        # SIGSTOP: listed as stopped, its CPU time frozen; SIGCONT: running again.
        def state():
            time.sleep(0.2)
            g = [g for g in c.request("list")["guests"] if g["pid"] == pid][0]
            return g["state"], g["cpu_seconds"]
        c.request("kill", pid=pid, signal="SIGSTOP")
        st1, cpu1 = state()
        st2, cpu2 = state()
        self.assertEqual((st1, st2), ("stopped", "stopped"))
        self.assertLess(cpu2 - cpu1, 0.05)
        c.request("kill", pid=pid, signal="SIGCONT")
        st3, cpu3 = state()
        self.assertEqual(st3, "running")
        self.assertGreater(cpu3, cpu2)
        c.request("kill", pid=pid, signal="SIGTERM")
        r = c.request("wait", pid=pid, timeout=10)
        self.assertEqual((r["signal"], r["signal_name"]), (15, "SIGTERM"))
        _, st = collect(c, [pid])
        self.assertEqual(st[pid]["signal"], 15)
        r = c.request("wait", pid=pid, reap=True)  # still known until reaped
        self.assertEqual(r["signal"], 15)
        with self.assertRaises(RequestError) as e:
            c.request("wait", pid=pid)
        self.assertEqual(e.exception.code, "no_such_guest")
        with self.assertRaises(RequestError) as e:
            c.request("kill", pid=pid)
        self.assertEqual(e.exception.code, "no_such_guest")
        s = c.request("stats")
        self.assertGreaterEqual(s["guests_launched"], 1)
        # A finished launch still counts what it translated (or took from
        # translations shared by earlier launches), and how long it took.
        pid = launch(c, [guest("hello.static")])
        collect(c, [pid])
        g = c.request("stats", pid=pid)
        self.assertGreater(g["translated_blocks"] + g["reused_blocks"], 10)
        if g["translated_blocks"]:
            self.assertGreater(g["translation_seconds"], 0)
        self.assertLess(g["translation_seconds"], 5)
        c.close()

    def test_pids_claimed_by_other_instances_are_skipped(self):
        claims = next((d for d in ("/dev/shm/hart-pids", "/tmp/hart-pids") if os.path.isdir(d)), None)
        if not claims:
            self.skipTest("no claim folder")
        c = self.d.client()
        first = launch(c, [guest("hello.static")])
        collect(c, [first])
        c.request("wait", pid=first, reap=True)
        # Another live instance (this test, by its host pid and start time)
        # holds the next three numbers; a dead one's claim is taken over.
        with open(f"/proc/{os.getpid()}/stat") as f:
            start = f.read().rsplit(")", 1)[1].split()[19]
        mine = [first + 1, first + 2, first + 3]
        paths = [os.path.join(claims, str(n)) for n in mine + [first + 4]]
        try:
            for path in paths[:3]:  # a claim: a symlink to "HOSTPID STARTTIME"
                os.symlink(f"{os.getpid()} {start}", path)
            os.symlink("999999999 1", paths[3])  # no such host process: stale
            # A guest that stays until killed: its claim is read while it lives.
            pid = launch(c, [guest("spin.static"), "60"])
            self.assertEqual(pid, first + 4)
            self.assertEqual(int(os.readlink(paths[3]).split()[0]), self.d.proc.pid)
            kill_all(c, [pid])
            c.request("wait", pid=pid, reap=True)
            deadline = time.monotonic() + 5
            while os.path.lexists(paths[3]) and time.monotonic() < deadline:
                time.sleep(0.02)
            self.assertFalse(os.path.lexists(paths[3]), "a reaped guest's claim stays")
        finally:
            for path in paths[:3]:
                os.unlink(path)
        c.close()

    def test_hundred_concurrent_guests(self):
        progs = [
            (["hello.static"], 0, expected_stdout("hello")),
            (["demo.static", "7"], 7, expected_stdout("demo")),
            (["exit_status.static"], 42, None),
            (["threads.static"], 0, expected_stdout("threads")),
            (["args_env.static", "one", "two"], 3, expected_stdout("args_env")),
            (["spin.static", "0.3"], 0, "spun\n"),
            (["fork_exec.static"], 0, expected_stdout("fork_exec")),
        ]
        c = self.d.client()
        want = {}
        for i in range(100):
            argv, status, out = progs[i % len(progs)]
            pid = launch(c, [guest(argv[0])] + argv[1:], env=["PATH=/usr/bin:/bin", "HART_TEST=1"],
                         cwd=GUEST)
            want[pid] = (argv, status, out)
        self.assertEqual(len(set(want)), 100, "pids are unique")
        # One long-running guest is killed while the others run on.
        victim = launch(c, [guest("spin.static"), "30"])
        c.request("kill", pid=victim, signal="SIGKILL")
        out, st = collect(c, list(want) + [victim])
        self.assertEqual(st[victim].get("signal"), 9)
        for pid, (argv, status, stdout) in want.items():
            self.assertNotIn("signal", st[pid], argv)
            self.assertEqual(st[pid]["exit_code"], status, argv)
            if stdout is not None:
                self.assertEqual(out[pid]["stdout"].decode(), stdout, argv)
        c.close()

    def test_crash_reported_while_others_run(self):
        c = self.d.client()
        slow = launch(c, [guest("spin.static"), "0.5"])
        with tempfile.TemporaryDirectory() as wd:
            # RLIMIT_CORE 0 (limits.core_bytes; else hartd's own): no core file, core false.
            crash = launch(c, [guest("signal_fatal.static")], cwd=wd, limits={"core_bytes": 0})
            out, st = collect(c, [crash])
            self.assertEqual(st[crash]["signal"], 11)
            self.assertEqual(st[crash]["signal_name"], "SIGSEGV")
            self.assertFalse(st[crash]["core"])
            self.assertEqual(os.listdir(wd), [])
            # With room for it: a core file named by core_pattern, core true.
            crash = launch(c, [guest("signal_fatal.static")], cwd=wd, core_pattern="core.%e.%s",
                           limits={"core_bytes": 1 << 30})
            out, st = collect(c, [crash])
            self.assertTrue(st[crash]["core"])
            self.assertEqual(os.listdir(wd), ["core.signal_fatal.st.11"])
            with open(os.path.join(wd, "core.signal_fatal.st.11"), "rb") as f:
                self.assertEqual(f.read(4), b"\x7fELF")  # %e: comm, 15 bytes
            # A jailed guest writes inside its root (an absolute pattern is a guest path).
            os.makedirs(os.path.join(wd, "root", "cores"))
            import shutil
            shutil.copy(guest("signal_fatal.static"), os.path.join(wd, "root", "crash"))
            crash = launch(c, ["/crash"], root=os.path.join(wd, "root"), cwd="/",
                           core_pattern="/cores/%p.core", limits={"core_bytes": 1 << 30})
            out, st = collect(c, [crash])
            self.assertTrue(st[crash]["core"])
            self.assertEqual(os.listdir(os.path.join(wd, "root", "cores")), [f"{crash}.core"])
            with self.assertRaises(RequestError) as e:
                c.request("launch", argv=[guest("signal_fatal.static")], core_pattern="|/bin/sh")
            self.assertEqual(e.exception.code, "bad_request")
        running = [g["pid"] for g in c.request("list")["guests"] if g["state"] == "running"]
        self.assertIn(slow, running)
        out, st = collect(c, [slow])
        self.assertEqual(st[slow]["exit_code"], 0)
        self.assertEqual(out[slow]["stdout"], b"spun\n")
        c.close()

    def test_ipc_namespace_per_launch(self):
        # Two launches create the same SysV IPC keys at once: each launch is
        # its own IPC namespace, so neither sees the other's objects.
        c = self.d.client()
        pids = [launch(c, [guest("ipc_key.static"), "1"]) for _ in range(2)]
        out, st = collect(c, pids)
        for p in pids:
            self.assertEqual(st[p].get("exit_code"), 0, (st[p], out[p]))
            self.assertEqual(out[p]["stdout"], b"created\nremoved\n")
        c.close()

    def test_proc_view(self):
        # /proc shows the guest's own launch; with "proc_view": "owner",
        # every process of the same owner in the daemon; never hartd.
        c = self.d.client()
        with tempfile.TemporaryDirectory() as tmp:
            gate = os.path.join(tmp, "go")
            other = launch(c, [guest("sleeper.nolibc"), gate])
            own = launch(c, [guest("proc_list.static")])
            wide = launch(c, [guest("proc_list.static")], proc_view="owner")
            out, st = collect(c, [own, wide])
            listed = {p: set(int(x) for x in out[p]["stdout"].split()) for p in (own, wide)}
            self.assertEqual(listed[own], {own})
            self.assertIn(other, listed[wide])
            self.assertIn(wide, listed[wide])
            self.assertNotIn(self.d.proc.pid, listed[wide] - {other, own, wide})
            with self.assertRaises(RequestError) as e:
                c.request("launch", argv=[guest("proc_list.static")], proc_view="everyone")
            self.assertEqual(e.exception.code, "bad_request")
            open(gate, "w").close()
            collect(c, [other])
        c.close()

    def test_fork_bomb_stops_at_process_limit(self):
        c = self.d.client()
        pid = launch(c, [guest("fork_bomb.static"), "1000"], limits={"processes": 10})
        out, st = collect(c, [pid])
        self.assertEqual(st[pid].get("exit_code"), 0, st[pid])
        self.assertEqual(out[pid]["stdout"], b"forks: 9 ok, then EAGAIN\n")
        self.assertTrue(self.d.alive())
        c.close()

    def test_memory_hog_gets_enomem(self):
        c = self.d.client()
        pid = launch(c, [guest("mem_hog.static"), "4000"], limits={"memory_bytes": 64 << 20})
        out, st = collect(c, [pid])
        self.assertEqual(st[pid].get("exit_code"), 0, st[pid])
        line = out[pid]["stdout"].decode()
        self.assertIn("then ENOMEM; malloc(64 MiB) failed", line)
        self.assertLess(int(line.split()[1]), 64)
        c.close()

    def test_wall_limit_kills_spinner(self):
        c = self.d.client()
        t0 = time.monotonic()
        pid = launch(c, [guest("spin.static"), "100"], limits={"wall_seconds": 0.3})
        _, st = collect(c, [pid])
        self.assertEqual(st[pid]["signal"], 9)
        self.assertEqual(st[pid]["limit"], "wall_seconds")
        self.assertLess(time.monotonic() - t0, 5)
        c.close()

    def test_cpu_limit_kills_spinner(self):
        # CPU seconds, not wall seconds: three threads spinning use them three
        # times as fast (on as many host CPUs as there are). The supervisor
        # looks again only when the limit could have been reached, so the
        # kill must still come close to it, not a tick of seconds later.
        c = self.d.client()
        for threads, limit in ((1, 0.6), (3, 0.9)):
            pid = launch(c, [guest("spin.static"), "100", str(threads)], limits={"cpu_seconds": limit})
            _, st = collect(c, [pid])
            self.assertEqual(st[pid].get("signal"), 9, st[pid])
            self.assertEqual(st[pid]["limit"], "cpu_seconds")
            used = c.request("stats", pid=pid)["cpu_seconds"]
            self.assertGreaterEqual(used, limit, threads)
            self.assertLess(used, limit + 0.5, threads)
        c.close()

    def test_captured_stdin(self):
        c = self.d.client()
        pid = launch(c, [guest("cat_stdin.static")], stdin="capture")
        c.request("input", pid=pid, data="hello ")
        c.request("input", pid=pid, data_b64="d29ybGQK", eof=True)  # "world\n"
        out, st = collect(c, [pid])
        self.assertEqual(out[pid]["stdout"], b"hello world\n")
        self.assertEqual(out[pid]["stderr"], b"bytes: 12\n")
        self.assertEqual(st[pid]["exit_code"], 0)
        c.close()

    def test_fd_passing_and_files(self):
        c = self.d.client()
        r, w = os.pipe()
        with tempfile.TemporaryDirectory() as tmp:
            inf, errf = os.path.join(tmp, "in.txt"), os.path.join(tmp, "err.txt")
            with open(inf, "w") as f:
                f.write("from a file\n")
            pid = c.request("launch", argv=[guest("cat_stdin.static")], fds=[w],
                            stdin={"file": inf}, stdout={"fd": True},
                            stderr={"file": errf})["pid"]
            os.close(w)
            with os.fdopen(r, "rb") as pipe_r:
                self.assertEqual(pipe_r.read(), b"from a file\n")  # EOF once the guest ends
            self.assertEqual(c.request("wait", pid=pid, timeout=10)["exit_code"], 0)
            with open(errf) as f:
                self.assertEqual(f.read(), "bytes: 12\n")
        with self.assertRaises(RequestError) as e:
            c.request("launch", argv=[guest("hello.static")], stdout={"fd": True})
        self.assertEqual(e.exception.code, "bad_request")
        self.assertIn("no fd was passed", e.exception.message)
        c.close()

    def test_root_jail(self):
        # "root": the program and every path are looked up inside the folder.
        c = self.d.client()
        import shutil
        with tempfile.TemporaryDirectory() as tmp:
            os.makedirs(os.path.join(tmp, "bin"))
            shutil.copy(guest("cat_stdin.static"), os.path.join(tmp, "bin", "cat"))
            with open(os.path.join(tmp, "in.txt"), "w") as f:
                f.write("inside the root\n")
            pid = launch(c, ["/bin/cat"], root=tmp, cwd="/bin",
                         stdin={"file": os.path.join(tmp, "in.txt")})
            out, st = collect(c, [pid])
            self.assertEqual(out[pid]["stdout"], b"inside the root\n")
            self.assertEqual(st[pid]["exit_code"], 0)
            with self.assertRaises(RequestError) as e:
                c.request("launch", argv=["/bin/missing"], root=tmp)
            self.assertEqual(e.exception.code, "exec_failed")
            with self.assertRaises(RequestError) as e:
                c.request("launch", argv=["/bin/cat"], root="relative/dir")
            self.assertEqual(e.exception.code, "bad_request")
        c.close()

    def test_exec_failed(self):
        c = self.d.client()
        for path in ("/nonexistent/prog", "/bin/true"):
            with self.assertRaises(RequestError) as e:
                c.request("launch", argv=[path])
            self.assertEqual(e.exception.code, "exec_failed")
            self.assertIn(path, e.exception.message)
        # A path with control bytes (as an ELF's PT_INTERP may hold): the
        # message stays one line, the bytes written as \xNN.
        with self.assertRaises(RequestError) as e:
            c.request("launch", argv=["/nonexistent/a\nb\tc"])
        self.assertEqual(e.exception.code, "exec_failed")
        self.assertIn("/nonexistent/a\\x0ab\\x09c", e.exception.message)
        self.assertNotIn("\n", e.exception.message)
        c.close()

    def test_address_space_field(self):
        c = self.d.client()
        # A small space still runs dynamic programs (fork, exec, threads).
        for size in ("1G", 1 << 30, "64G"):
            pid = launch(c, [guest("fork_exec.static")], address_space=size, cwd=GUEST,
                         env=["PATH=/usr/bin:/bin"])
            out, st = collect(c, [pid])
            self.assertEqual(st[pid].get("exit_code"), 0, (size, out[pid]))
            self.assertEqual(out[pid]["stdout"].decode(), expected_stdout("fork_exec"))
        for bad in ("3G", "512M", "512G", "lots", 12345, -1, True):
            with self.assertRaises(RequestError) as e:
                c.request("launch", argv=[guest("hello.static")], address_space=bad)
            self.assertEqual(e.exception.code, "bad_request", bad)
            self.assertIn("address_space", e.exception.message)
        c.close()

    def test_log_tail(self):
        c = self.d.client()
        pid = launch(c, [guest("cat_stdin.static")], stdin="capture")
        c.request("log", pid=pid, categories="strace", tail=True)
        c.request("input", pid=pid, data="x", eof=True)
        lines = []
        while True:
            ev = c.next_event()
            if ev["event"] == "log":
                lines.append(ev["line"])
            if ev["event"] == "exit":
                break
        self.assertTrue(any("read" in l for l in lines), lines[:5])
        with self.assertRaises(RequestError) as e:
            c.request("log", pid=pid, categories="no_such_category")
        self.assertEqual(e.exception.code, "bad_request")
        c.close()


class Garbage(WatchedTest):
    @classmethod
    def setUpClass(cls):
        cls.d = Daemon()

    @classmethod
    def tearDownClass(cls):
        cls.d.stop()

    def raw(self):
        s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        s.connect(self.d.sock)
        s.settimeout(10)
        return s, s.makefile("rb")

    def reply(self, f):
        return json.loads(f.readline())

    def test_bad_requests_get_error_replies(self):
        bystander = self.d.client()  # another connection, opened before the garbage
        s, f = self.raw()
        s.sendall(b"this is not json\n")
        self.assertEqual(self.reply(f)["error"]["code"], "bad_json")
        s.sendall(b"x" * (10 << 20) + b"\n")  # a 10 MB line
        r = self.reply(f)
        self.assertEqual(r["error"]["code"], "too_long")
        s.sendall(bytes(random.Random(5).randrange(256) for _ in range(5000)).replace(b"\n", b"")
                  + b"\n")
        self.assertEqual(self.reply(f)["error"]["code"], "bad_json")
        s.sendall(b"\xff\xfe{\"id\":1}\n")
        self.assertEqual(self.reply(f)["error"]["code"], "bad_json")
        # Deep nesting (found by tests/fuzz/control_fuzz.py): it overflowed
        # hartd's stack (recursive JSON copies); refused past 64 levels.
        for deep in (b'{"id":' + b"[" * 200000 + b"]" * 200000 + b',"op":"hello"}',
                     b'{"id":1,"op":"gdb_multi","launch":{"log":{"categories":'
                     + b"[" * 200000 + b"]" * 200000 + b"}}}",
                     b'{"id":1,"op":"list","x":' + b'{"a":' * 65 + b"1" + b"}" * 65 + b"}"):
            s.sendall(deep + b"\n")
            r = self.reply(f)
            self.assertEqual(r["error"]["code"], "bad_json", r)
            self.assertIn("deeper than 64", r["error"]["message"])
        s.sendall(b'{"id":1,"op":"list","x":' + b'{"a":' * 62 + b"1" + b"}" * 62 + b"}\n")
        self.assertEqual(self.reply(f)["error"]["code"], "bad_request")  # 63 levels: parsed
        cases = [
            ({"id": 1, "op": "frobnicate"}, "unknown_op"),
            ({"op": "list"}, "bad_request"),
            ({"id": [1], "op": "list"}, "bad_request"),
            ({"id": 2, "op": 5}, "bad_request"),
            ([1, 2, 3], "bad_request"),
            ({"id": 3, "op": "launch", "argv": 5}, "bad_request"),
            ({"id": 4, "op": "launch", "argv": []}, "bad_request"),
            ({"id": 5, "op": "launch", "argv": ["x", 1]}, "bad_request"),
            ({"id": 6, "op": "kill", "pid": "x"}, "bad_request"),
            ({"id": 7, "op": "kill", "pid": 1.5}, "bad_request"),
            ({"id": 8, "op": "kill", "pid": 1000, "signal": []}, "bad_request"),
            ({"id": 9, "op": "kill", "pid": 1000, "signal": "SIGNOPE"}, "bad_request"),
            ({"id": 10, "op": "launch", "argv": ["x"], "limits": {"memory_bytes": -1}},
             "bad_request"),
            ({"id": 11, "op": "launch", "argv": ["x"], "stdout": "tty"}, "bad_request"),
            ({"id": 12, "op": "wait", "pid": 99999999}, "no_such_guest"),
            ({"id": 13, "op": "list", "bogus": 1}, "bad_request"),
            ({"id": 113, "op": "launch", "argv": ["x"], "sysroot": "relative/root"}, "bad_request"),
            ({"id": "s", "op": "wait", "pid": 1000, "timeout": -1}, "bad_request"),
            ({"id": 14, "op": "gdb", "pid": 99999999}, "no_such_guest"),
        ]
        for req, code in cases:
            s.sendall(json.dumps(req).encode() + b"\n")
            r = self.reply(f)
            self.assertFalse(r["ok"], req)
            self.assertEqual(r["error"]["code"], code, (req, r))
            if isinstance(req, dict) and isinstance(req.get("id"), (int, str)):
                self.assertEqual(r["id"], req["id"])
            self.assertTrue(r["error"].get("message"), r)
        s.sendall(b'{"id":99,"op":"hello"}\n')  # the connection still works
        self.assertTrue(self.reply(f)["ok"])
        s.close()
        self.assertEqual(bystander.request("hello")["version"], 1)
        bystander.close()

    def test_abrupt_disconnects(self):
        for junk in (b'{"id":1,"op":"lau', b"x" * (3 << 20), b'{"id":1,"op":"list"}\n' * 50):
            s, _ = self.raw()
            s.sendall(junk)
            s.close()
        s, f = self.raw()  # half-sent launch with fds, then gone
        r, w = os.pipe()
        s.sendmsg([b'{"id":1,"op":"launch","argv":["x"],"stdout":{"fd":true}'],
                  [(socket.SOL_SOCKET, socket.SCM_RIGHTS, __import__("array").array("i", [w]))])
        s.close()
        os.close(w)
        self.assertTrue(self.d.alive())


class Hartctl(WatchedTest):
    @classmethod
    def setUpClass(cls):
        cls.d = Daemon()

    @classmethod
    def tearDownClass(cls):
        cls.d.stop()

    def hartctl(self, *args, **kw):
        kw.setdefault("stdout", subprocess.PIPE)
        kw.setdefault("stderr", subprocess.PIPE)
        return subprocess.run([os.path.join(SCRIPTS, "hartctl"), "--socket", self.d.sock, *args],
                              timeout=30, **kw)

    def test_run_status_and_stdio(self):
        p = self.hartctl("run", guest("demo.static"), "7", stdin=subprocess.DEVNULL)
        self.assertEqual(p.returncode, 7)
        self.assertEqual(p.stdout.decode(), expected_stdout("demo"))
        p = self.hartctl("run", guest("signal_fatal.static"), stdin=subprocess.DEVNULL)
        self.assertEqual(p.returncode, 128 + 11)
        p = self.hartctl("run", guest("cat_stdin.static"), input=b"through hartd\n")
        self.assertEqual((p.returncode, p.stdout, p.stderr), (0, b"through hartd\n", b"bytes: 14\n"))
        p = self.hartctl("run", "--", guest("args_env.static"), "one", "two",
                         stdin=subprocess.DEVNULL)
        self.assertEqual(p.returncode, 3)
        p = self.hartctl("run", "/nonexistent/prog", stdin=subprocess.DEVNULL)
        self.assertEqual(p.returncode, 126)
        self.assertIn(b"/nonexistent/prog", p.stderr)

    def test_run_ctrl_c(self):
        proc = subprocess.Popen([os.path.join(SCRIPTS, "hartctl"), "--socket", self.d.sock, "run",
                                 guest("spin.static"), "100"], stdin=subprocess.DEVNULL,
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        for _ in range(200):  # until the guest runs
            c = self.d.client()
            running = [g for g in c.request("list")["guests"]
                       if g["state"] == "running" and "spin.static" in g["argv"][0]]
            c.close()
            if running:
                break
            time.sleep(0.02)
        proc.send_signal(2)
        self.assertEqual(proc.wait(timeout=10), 128 + 2)
        proc.stdout.close()
        proc.stderr.close()

    def test_launch_ps_wait_kill_stats_gdb(self):
        p = self.hartctl("launch", guest("spin.static"), "100")
        self.assertEqual(p.returncode, 0, p.stderr)
        pid = int(p.stdout)
        p = self.hartctl("ps")
        self.assertIn(str(pid), p.stdout.decode())
        p = self.hartctl("--json", "ps")
        self.assertIn(pid, [g["pid"] for g in json.loads(p.stdout)])
        self.assertEqual(self.hartctl("stats", str(pid)).returncode, 0)
        p = self.hartctl("--json", "gdb", str(pid))
        self.assertEqual(p.returncode, 0, p.stderr)
        endpoint = json.loads(p.stdout)["gdb"]
        # By default a private Unix socket (0600) in a 0700 folder beside the control socket.
        gdb_dir = self.d.sock + ".gdb"
        self.assertRegex(endpoint, rf"^unix:{re.escape(gdb_dir)}/gdb-\d+\.sock$")
        self.assertEqual(stat.S_IMODE(os.stat(gdb_dir).st_mode), 0o700)
        self.assertEqual(stat.S_IMODE(os.stat(endpoint[5:]).st_mode), 0o600)
        p = self.hartctl("ps")  # the stub's endpoint in the GDB column
        self.assertRegex(p.stdout.decode(), rf"(?m)^\s*{pid}\s.*\s{re.escape(endpoint)}\s")
        self.assertEqual(self.hartctl("kill", "-s", "KILL", str(pid)).returncode, 0)
        p = self.hartctl("wait", str(pid))
        self.assertEqual(p.returncode, 128 + 9)
        # Distinct statuses: a timeout (124) and an unknown pid (125).
        spin = json.loads(self.hartctl("--json", "launch", guest("spin.static"), "100").stdout)["pid"]
        self.assertEqual(self.hartctl("wait", "--timeout", "0.1", str(spin)).returncode, 124)
        self.assertEqual(self.hartctl("kill", "-s", "KILL", str(spin)).returncode, 0)
        self.assertEqual(self.hartctl("wait", "999999").returncode, 125)

    def test_closed_stdout_is_sigpipe_not_a_traceback(self):
        # `hartctl --json ps | head`: the reader is gone before hartctl writes.
        pid = int(self.hartctl("launch", guest("spin.static"), "100").stdout)
        r, w = os.pipe()
        os.close(r)
        p = self.hartctl("--json", "ps", stdout=w)
        os.close(w)
        self.assertEqual(p.returncode, -signal.SIGPIPE, p.stderr)
        self.assertNotIn(b"Traceback", p.stderr)
        self.assertEqual(self.hartctl("kill", "-s", "KILL", str(pid)).returncode, 0)
        # `hart-ci ... | head`: the same for hart-ci's progress lines.
        r, w = os.pipe()
        os.close(r)
        with tempfile.TemporaryDirectory() as tmp:
            p = subprocess.run([os.path.join(SCRIPTS, "hart-ci"), "--socket", self.d.sock, "--junit",
                                os.path.join(tmp, "r.xml"), guest("hello.static")], stdout=w,
                               stderr=subprocess.PIPE, timeout=60)
        os.close(w)
        self.assertEqual(p.returncode, -signal.SIGPIPE, p.stderr)
        self.assertNotIn(b"Traceback", p.stderr)

    def test_no_daemon(self):
        p = subprocess.run([os.path.join(SCRIPTS, "hartctl"), "--socket", "/nonexistent/s", "ps"],
                           stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=30)
        self.assertEqual(p.returncode, 125)
        self.assertIn(b"no hartd is listening on /nonexistent/s", p.stderr)

    def test_hart_ci_junit(self):
        with tempfile.TemporaryDirectory() as tmp:
            tests = os.path.join(tmp, "tests")
            os.mkdir(tests)
            for name in ("hello.static", "exit_status.static", "signal_fatal.static",
                         "threads.static", "demo.static", "all_bytes.static"):
                os.symlink(guest(name), os.path.join(tests, name))
            lst = os.path.join(tmp, "list")
            with open(lst, "w") as f:
                f.write(f"{guest('spin.static')} 100  # times out\n{guest('spin.static')} 0\n")
                # Bytes XML 1.0 forbids in a test's output (and name).
                f.write(f"{guest('args_env.static')} ctl\x01\x1besc\n")
                # ...and 192 more short programs: 201 tests in all.
                for k in range(192):
                    f.write(f"{guest('args_env.static')} {k}  # exits 2\n" if k % 2 else
                            f"{guest('hello.static')}\n")
            xml = os.path.join(tmp, "out.xml")
            p = subprocess.run([os.path.join(SCRIPTS, "hart-ci"), "--socket", self.d.sock,
                                "-j", "3", "--timeout", "5", "--junit", xml, "--list", lst,
                                tests], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                               timeout=60)
            self.assertEqual(p.returncode, 1, p.stderr)
            # The 97 args_env runs (one argument) exit 2: failures; 96 hello runs pass.
            self.assertIn(b"201 tests, 101 passed, 100 failed", p.stdout)
            # Console lines name each test with its arguments (two list
            # entries of one program stay apart), quoted as for a shell.
            out = p.stdout.decode()
            spin = guest("spin.static")
            self.assertRegex(out, rf"(?m)^\[\d+/201\] TIMEOUT\s+{re.escape(spin)} 100 \(")
            self.assertRegex(out, rf"(?m)^\[\d+/201\] ok\s+{re.escape(spin)} 0 \(")
            self.assertIn("args_env.static 'ctl\\x01\\x1besc' (", out)
            root = ET.parse(xml).getroot()  # parses although a test printed \x01 and ESC
            suite = root.find("testsuite")
            self.assertEqual((suite.get("tests"), suite.get("failures")), ("201", "100"))
            # Every byte 0x00-0xff and malformed UTF-8 on both streams: the
            # report parses, controls show as \xNN, the text stays readable.
            case = [c for c in suite.findall("testcase") if c.get("name").endswith("all_bytes.static")][0]
            for tag in ("system-out", "system-err"):
                text = case.find(tag).text
                self.assertIn("readable text", text)
                for esc in ("\\x00", "\\x01", "\\x1b", "\\x1f"):
                    self.assertIn(esc, text)
                self.assertIn("\\x08\t\n\\x0b", text)  # tab and newline kept as they are
                self.assertIn(" !\"#$%&", text)  # printable ASCII intact
            ctl = [c for c in suite.findall("testcase") if "ctl" in c.get("name")]
            self.assertIn("argv[1]=ctl\\x01\\x1besc", ctl[0].find("system-out").text)
            kinds = {}
            for case in suite.findall("testcase"):
                fail = case.find("failure")
                kinds[case.get("name")] = fail.get("type") if fail is not None else "pass"
            self.assertEqual(kinds[os.path.join(tests, "signal_fatal.static")], "crash")
            self.assertEqual(kinds[os.path.join(tests, "exit_status.static")], "failure")
            self.assertEqual(kinds[guest("spin.static") + " 100"], "timeout")
            self.assertEqual(kinds[os.path.join(tests, "demo.static")], "pass")
            self.assertEqual(kinds[os.path.join(tests, "hello.static")], "pass")
            hello = [c for c in suite.findall("testcase") if c.get("name").endswith("hello.static")]
            self.assertIn("Hello", hello[0].find("system-out").text)


    def test_hart_ci_shards_and_merge(self):
        """Two shards of one list through hartd, merged: every test once."""
        with tempfile.TemporaryDirectory() as tmp:
            lst = os.path.join(tmp, "list")
            with open(lst, "w") as f:
                for k in range(10):  # 5 pass, 5 exit 2
                    f.write(f"{guest('args_env.static')} {k}\n" if k % 2 else f"{guest('hello.static')}\n")
            xmls = []
            for i in range(2):
                xmls.append(os.path.join(tmp, f"shard{i}.xml"))
                p = subprocess.run([os.path.join(SCRIPTS, "hart-ci"), "--socket", self.d.sock,
                                    "--list", lst, "--junit", xmls[-1]], env=dict(
                                        os.environ, CI_NODE_INDEX=str(i + 1), CI_NODE_TOTAL="2"),
                                   stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=60)
                self.assertIn(b"shard %d/2 (0-based, from GitLab CI" % i, p.stdout)
                self.assertIn(b"5 of 10 tests", p.stdout)
            out = os.path.join(tmp, "all.xml")
            p = subprocess.run([os.path.join(SCRIPTS, "hart-ci"), "merge", out, *xmls],
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=30)
            self.assertEqual(p.returncode, 0, p.stderr)
            root = ET.parse(out).getroot()
            self.assertEqual((root.get("tests"), root.get("failures")), ("10", "5"))
            names = sorted(c.get("name") for c in root.iter("testcase"))
            want = sorted(f"{guest('args_env.static')} {k}" if k % 2 else guest("hello.static")
                          for k in range(10))
            self.assertEqual(names, want)



class Retention(WatchedTest):
    def test_orphaned_statuses_go_soon_others_stay(self):
        d = Daemon("--keep-orphaned-seconds", "0.5")
        try:
            a = d.client()
            orphan = launch(a, [guest("hello.static")], events=True)
            collect(a, [orphan])  # ended, its exit event delivered
            a.close()             # ...and its launcher gone
            b = d.client()
            kept = launch(b, [guest("hello.static")], events=False)
            b.request("wait", pid=kept, timeout=10)
            b.close()
            c = d.client()
            deadline = time.monotonic() + 10
            while time.monotonic() < deadline:
                known = {g["pid"] for g in c.request("list")["guests"]}
                if orphan not in known:
                    break
                time.sleep(0.1)
            self.assertNotIn(orphan, known, "an orphaned status outlived --keep-orphaned-seconds")
            self.assertIn(kept, known)  # events:false (hartctl launch): kept for a later wait
            self.assertEqual(c.request("wait", pid=kept, timeout=1)["exit_code"], 0)
            # An ended launch still reports what it translated.
            g = c.request("stats", pid=kept)
            self.assertGreater(g["translated_blocks"] + g["reused_blocks"], 10)
            c.close()
        finally:
            d.stop()

class Lifecycle(WatchedTest):
    def test_systemd_socket_activation(self):
        """hartd started the way systemd starts a socket-activated service:
        the listening socket as fd 3, LISTEN_PID/LISTEN_FDS set; it serves
        that socket, hides the variables from guests, and leaves the socket
        file (systemd's) in place when it stops."""
        with tempfile.TemporaryDirectory() as tmp:
            path = os.path.join(tmp, "activated.sock")
            lst = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
            lst.bind(path)
            lst.listen(16)

            def as_systemd():
                os.dup2(lst.fileno(), 3)
                os.environ["LISTEN_PID"] = str(os.getpid())
                os.environ["LISTEN_FDS"] = "1"

            proc = subprocess.Popen([HARTD, "--log-file", os.path.join(tmp, "log")],
                                    preexec_fn=as_systemd, pass_fds=(3,),
                                    stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                                    stderr=subprocess.PIPE)
            try:
                deadline = time.monotonic() + 10
                while proc.poll() is None and time.monotonic() < deadline:
                    time.sleep(0.05)  # hartd accepts as soon as it runs; give it a moment
                    if os.path.exists(os.path.join(tmp, "log")):
                        break
                self.assertIsNone(proc.poll(), proc.stderr.read() if proc.poll() is not None else "")
                c = Client(path)
                self.assertEqual(c.request("hello")["version"], 1)
                pid = launch(c, [guest("args_env.static")],
                             env=["PATH=/bin", "LISTEN_PID=untouched"])
                out, st = collect(c, [pid])
                self.assertEqual(st[pid]["exit_code"], 1)
                c.request("shutdown", grace_seconds=1)
                c.close()
                self.assertEqual(proc.wait(timeout=20), 0)
                self.assertTrue(os.path.exists(path), "the activated socket belongs to systemd")
            finally:
                if proc.poll() is None:
                    proc.kill()
                    proc.wait()
                proc.stdout.close()
                proc.stderr.close()
                lst.close()

    def test_socket_mode_second_daemon_stale_socket(self):
        d = Daemon()
        try:
            self.assertEqual(stat.S_IMODE(os.stat(d.sock).st_mode), 0o600)
            p = subprocess.run([HARTD, "--socket", d.sock, "--foreground"],
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=10)
            self.assertEqual(p.returncode, 1)
            self.assertIn(b"already listening", p.stderr)
            self.assertTrue(d.alive())
        finally:
            d.stop()
        with tempfile.TemporaryDirectory() as tmp:
            path = os.path.join(tmp, "stale.sock")
            s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
            s.bind(path)  # bound, never listening: what a dead daemon leaves
            s.close()
            proc = subprocess.Popen([HARTD, "--socket", path], stdout=subprocess.PIPE,
                                    stderr=subprocess.PIPE)  # detaches once ready
            self.assertEqual(proc.wait(timeout=10), 0, proc.stderr.read())
            proc.stdout.close()
            proc.stderr.close()
            c = Client(path)
            c.request("shutdown", grace_seconds=0)
            try:
                while True:
                    c.read_some()
            except DaemonError:
                pass
            c.close()
            for _ in range(100):
                if not os.path.exists(path):
                    break
                time.sleep(0.02)
            self.assertFalse(os.path.exists(path))

    def test_tcp_token(self):
        s = socket.socket()
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
        s.close()
        d = Daemon("--tcp", f"127.0.0.1:{port}")
        try:
            token_file = d.sock + ".token"
            self.assertEqual(stat.S_IMODE(os.stat(token_file).st_mode), 0o600)
            with open(token_file) as f:
                token = f.read().strip()
            t = socket.create_connection(("127.0.0.1", port), timeout=10)
            f = t.makefile("rb")
            t.sendall(b'{"id":1,"op":"list"}\n')
            self.assertEqual(json.loads(f.readline())["error"]["code"], "unauthorized")
            self.assertEqual(f.readline(), b"")  # closed
            t.close()
            t = socket.create_connection(("127.0.0.1", port), timeout=10)
            f = t.makefile("rb")
            t.sendall(json.dumps({"id": 1, "op": "hello", "token": token}).encode() + b"\n")
            self.assertTrue(json.loads(f.readline())["ok"])
            t.sendall(b'{"id":2,"op":"list"}\n')
            self.assertTrue(json.loads(f.readline())["ok"])
            t.close()
        finally:
            d.stop()

    def test_sequential_launches_release_resources(self):
        """fds and threads of hartd are back to their baseline after many
        launches (1,000, as the issue asks)."""
        d = Daemon()
        try:
            def usage():
                fds = len(os.listdir(f"/proc/{d.proc.pid}/fd"))
                threads = len(os.listdir(f"/proc/{d.proc.pid}/task"))
                with open(f"/proc/{d.proc.pid}/status") as f:
                    rss = [int(l.split()[1]) for l in f if l.startswith("VmRSS:")][0]
                return fds, threads, rss

            c = d.client()

            def batch(n):
                for _ in range(n):
                    pid = launch(c, [guest("hello.static")])
                    collect(c, [pid])
                    c.request("wait", pid=pid, reap=True)

            batch(10)  # warm-up: the JIT's first code pages, thread pool, ...
            time.sleep(0.1)
            fds0, threads0, rss0 = usage()
            batch(1000)
            time.sleep(0.2)  # supervisors finish after the exit event
            fds1, threads1, rss1 = usage()
            self.assertEqual(fds1, fds0)
            self.assertEqual(threads1, threads0)
            self.assertLess(rss1 - rss0, 32 * 1024, (rss0, rss1))  # KiB
            c.close()
        finally:
            d.stop()

    def test_shutdown_with_running_guests(self):
        d = Daemon()
        c = d.client()
        pids = [launch(c, [guest("spin.static"), "100"]) for _ in range(3)]
        pids.append(launch(c, [guest("cat_stdin.static")], stdin="capture"))  # blocked in read
        c.request("shutdown", grace_seconds=2)
        _, st = collect(c, pids)
        for p in pids[:3]:
            self.assertEqual(st[p]["signal"], 15)
        self.assertEqual(d.proc.wait(timeout=10), 0)
        self.assertFalse(os.path.exists(d.sock))
        with open(d.log) as f:
            log = f.read()
        self.assertIn("hartd stopped", log)
        c.close()
        d.stop()


@contextlib.contextmanager
def running_daemon(*extra):
    """A Daemon with hartd options `extra` and a client of it, both closed after."""
    d = Daemon(*extra)
    c = d.client()
    try:
        yield d, c
    finally:
        c.close()
        d.stop()


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


def tcp_connect(port):
    """A connection to hartd's TCP port (which opens just after its Unix socket)."""
    deadline = time.monotonic() + 10
    while True:
        try:
            return socket.create_connection(("127.0.0.1", port), timeout=10)
        except ConnectionRefusedError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.02)


def security(name):
    return os.path.join(GUEST, "security", name)


def kill_all(c, pids):
    """SIGKILL to each launch; returns once their exit events came."""
    for p in pids:
        try:
            c.request("kill", pid=p, signal="SIGKILL")
        except RequestError as e:  # already ended (a debugger's kill): its exit event comes anyway
            if e.code != "no_such_guest":
                raise
    collect(c, pids)


def fd_count(pid):
    return len(os.listdir(f"/proc/{pid}/fd"))


def rss_kib(pid):
    with open(f"/proc/{pid}/status") as f:
        return [int(line.split()[1]) for line in f if line.startswith("VmRSS:")][0]


class Sealed(WatchedTest):
    """Guests are hostile: they run inside hartd's own process, so the
    control plane must refuse them (tests/guest/security holds the
    attackers)."""

    def test_guest_cannot_reach_the_control_plane(self):
        port = free_port()
        with running_daemon("--tcp", f"127.0.0.1:{port}") as (d, c):
            spin = launch(c, [guest("spin.static"), "100"])
            tcp_stub = c.request("gdb", pid=spin, listen="127.0.0.1:0")["gdb"]
            spin2 = launch(c, [guest("spin.static"), "100"])
            unix_stub = c.request("gdb", pid=spin2)["gdb"]
            multi = c.request("gdb_multi", listen="127.0.0.1:0")["gdb"]
            self.assertTrue(unix_stub.startswith("unix:"), unix_stub)
            targets = {"control": [f"unix:{d.sock}", f"tcp:{port}"],
                       "gdb": ["tcp:" + tcp_stub.rsplit(":", 1)[1], unix_stub,
                               "tcp:" + multi.rsplit(":", 1)[1]]}
            for kind, tg in targets.items():
                pid = launch(c, [security("reach_daemon"), kind, *tg])
                out, st = collect(c, [pid])
                self.assertEqual(st[pid].get("exit_code"), 0, (out, st))
                lines = out[pid]["stdout"].decode().splitlines()
                self.assertEqual(lines, [f"{t}: refused" for t in tg], out)
            # The same endpoints still serve clients outside hartd.
            t = socket.create_connection(("127.0.0.1", int(tcp_stub.rsplit(":", 1)[1])), timeout=10)
            t.sendall(b"$?#3f")
            got = b""
            while b"#" not in got:
                chunk = t.recv(64)
                if not chunk:
                    break
                got += chunk
            self.assertTrue(got.startswith(b"+$"), got)
            t.close()
            self.assertTrue(d.alive())
            with open(d.log) as f:
                log = f.read()
            self.assertIn("control unix connection refused", log)
            self.assertIn("control tcp connection refused", log)
            self.assertIn("debugger connection refused", log)
            kill_all(c, [spin, spin2])


def wait_output(c, pid, text, timeout=30):
    """Output events of pid until `text` has appeared; all stdout so far."""
    got = b""
    deadline = time.monotonic() + timeout
    while text.encode() not in got:
        if time.monotonic() > deadline:
            raise AssertionError(f"no {text!r} from {pid} in {timeout} s: {got!r}")
        ev = c.next_event()
        if ev.get("pid") == pid and ev["event"] == "output" and ev["stream"] == "stdout":
            got += ev["data"].encode()
        if ev.get("pid") == pid and ev["event"] == "exit":
            raise AssertionError(f"{pid} exited: {ev} {got!r}")
    return got.decode()


def tree_size(c, launch_pid):
    return len([g for g in c.request("list")["guests"]
                if g["launch"] == launch_pid and g["state"] != "zombie"])


class SealedFlood(WatchedTest):
    def test_connection_flood_from_a_guest(self):
        """A guest connecting in a loop is refused every time, and hartd's
        log does not grow with it."""
        with running_daemon() as (d, c):
            pid = launch(c, [security("reach_daemon"), "control", *[f"unix:{d.sock}"] * 200])
            out, st = collect(c, [pid])
            self.assertEqual(out[pid]["stdout"].decode().count(": refused"), 200)
            with open(d.log) as f:
                self.assertLessEqual(f.read().count("connection refused"), 20)
            self.assertTrue(d.alive())


class Trees(WatchedTest):
    """Fork bombs are stopped and trees can always be ended."""

    def bomb_then_kill(self, d, c, kill_args):
        pid = launch(c, [security("bomb")])  # no limits given: hartd's default applies
        out = wait_output(c, pid, "bombing")
        time.sleep(1)  # let it hit the limit
        self.assertLessEqual(tree_size(c, pid), 24)
        p = subprocess.run([os.path.join(SCRIPTS, "hartctl"), "--socket", d.sock, "kill", "--tree",
                            *kill_args, str(pid)], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                           timeout=30)
        # Within 2 s of the kill request (hartctl's own start-up, up to a
        # second or more on a loaded machine, is not the daemon's time).
        t0 = time.monotonic()
        self.assertEqual(p.returncode, 0, p.stderr)
        _, st = collect(c, [pid])
        self.assertLess(time.monotonic() - t0, 2.0)
        self.assertIn("signal", st[pid])
        self.assertEqual(tree_size(c, pid), 0)
        # The daemon serves the next launch.
        nxt = launch(c, [guest("hello.static")])
        o, st = collect(c, [nxt])
        self.assertEqual(st[nxt].get("exit_code"), 0)
        return out

    def test_fork_bomb_stopped_by_the_default_limit_and_killed(self):
        with running_daemon("--default-processes", "24") as (d, c):
            out = self.bomb_then_kill(d, c, [])  # hartctl kill --tree: SIGTERM to the tree
            self.assertIn("nproc 24", out)
            self.bomb_then_kill(d, c, ["-s", "KILL"])

    def test_default_process_limit(self):
        with running_daemon() as (d, c):
            pid = launch(c, [security("bomb")])
            self.assertIn("nproc 1024", wait_output(c, pid, "bombing"))
            c.request("kill", pid=pid, signal="SIGKILL", tree=True)
            collect(c, [pid])
            # An explicit limit overrides the default.
            pid = launch(c, [guest("fork_bomb.static"), "8"], limits={"processes": 4})
            out, st = collect(c, [pid])
            self.assertEqual(out[pid]["stdout"], b"forks: 3 ok, then EAGAIN\n")


    def test_tree_ends_with_its_first_process(self):
        with running_daemon() as (d, c):
            pid = launch(c, [security("orphan_tree"), "6"])
            out, st = collect(c, [pid])
            self.assertEqual(out[pid]["stdout"], b"children 6\n")
            self.assertEqual(st[pid].get("exit_code"), 0)
            self.assertEqual(tree_size(c, pid), 0)

    def refused_launch(self, c, limit):
        """A launch fails with the `limit` error naming `limit`."""
        with self.assertRaises(RequestError) as e:
            launch(c, [guest("hello.static")])
        self.assertEqual(e.exception.code, "limit")
        self.assertIn(limit, e.exception.message)

    def test_daemon_wide_limits(self):
        with running_daemon("--max-processes", "4", "--max-threads", "64") as (d, c):
            spins = [launch(c, [guest("spin.static"), "100"]) for _ in range(2)]
            # Forks pass the daemon's limit: EAGAIN in the guest.
            pid = launch(c, [guest("fork_bomb.static"), "8"])
            out, st = collect(c, [pid])
            self.assertEqual(out[pid]["stdout"], b"forks: 1 ok, then EAGAIN\n")
            spins += [launch(c, [guest("spin.static"), "100"]) for _ in range(2)]
            self.refused_launch(c, "max_processes")
            kill_all(c, spins)
            collect(c, [launch(c, [guest("hello.static")])])  # room again
        with running_daemon("--max-threads", "2") as (d, c):
            spins = [launch(c, [guest("spin.static"), "100"]) for _ in range(2)]
            self.refused_launch(c, "max_threads")
            kill_all(c, spins)


class Rsp:
    """A bare GDB remote-protocol client (acks on) of a hartd stub endpoint."""

    def __init__(self, endpoint):
        if endpoint.startswith("unix:"):
            self.s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
            self.s.settimeout(10)
            self.s.connect(endpoint[5:])
        else:
            host, port = endpoint.rsplit(":", 1)
            self.s = socket.create_connection((host, int(port)), timeout=10)
        self.buf = b""

    def request(self, pkt):
        body = pkt.encode()
        self.s.sendall(b"$" + body + b"#%02x" % (sum(body) & 0xff))
        while True:
            start = self.buf.find(b"$")
            end = self.buf.find(b"#", start)
            if start >= 0 and end >= 0 and len(self.buf) >= end + 3:
                reply = self.buf[start + 1:end].decode("latin-1")
                self.buf = self.buf[end + 3:]
                self.s.sendall(b"+")
                return reply
            chunk = self.s.recv(65536)
            if not chunk:
                raise ConnectionError("stub closed the connection")
            self.buf += chunk

    def vfile_open(self, path):
        return self.request("vFile:open:" + path.encode().hex() + ",0,0")

    def close(self):
        self.s.close()


class GdbFiles(WatchedTest):
    """vFile: files a debugger opens are closed with its session; hartd's
    own /proc is out of reach."""

    def vfile_session(self, c, end):
        """A debugger on a spinning guest opens 64 files (the stub's limit),
        then ends by `end` (disconnect, detach, kill); the guest is killed
        and reaped."""
        pid = launch(c, [guest("spin.static"), "100"])
        r = Rsp(c.request("gdb", pid=pid)["gdb"])
        r.request("?")  # the guest stops
        for i in range(64):
            self.assertRegex(r.vfile_open(guest("hello.static")), r"^F[0-9a-f]+$")
        self.assertTrue(r.vfile_open(guest("hello.static")).startswith("F-1,"))  # EMFILE
        if end == "detach":
            self.assertEqual(r.request("D"), "OK")
        elif end == "kill":
            r.s.sendall(b"$k#6b")
        r.close()
        kill_all(c, [pid])
        c.request("wait", pid=pid, reap=True)

    def test_vfile_fds_closed_when_sessions_end(self):
        with running_daemon() as (d, c):
            self.vfile_session(c, "disconnect")  # warm-up: threads, pools
            time.sleep(0.3)
            base = fd_count(d.proc.pid)
            for i in range(10):
                self.vfile_session(c, ("disconnect", "detach", "kill")[i % 3])
            deadline = time.monotonic() + 5
            while fd_count(d.proc.pid) > base and time.monotonic() < deadline:
                time.sleep(0.1)
            self.assertLessEqual(fd_count(d.proc.pid), base)

    def test_resources_return_after_launches_and_debuggers(self):
        """The issue's acceptance: after 1,000 launches (half never reaped,
        left to hartd's bounded retention) and 10 debugger sessions that
        open 64 files each, hartd's fds are at their baseline and its RSS
        within 10 MB of it."""
        with running_daemon("--keep-ended", "50", "--keep-ended-seconds", "3") as (d, c):
            def launches(n, reap):
                """n hello.static launches, 50 at a time on one connection;
                every other one reaped when `reap`."""
                for start in range(0, n, 50):
                    pids = [c.send("launch", argv=[guest("hello.static")], stdout="capture")
                            for _ in range(min(50, n - start))]
                    pids = [c.wait_reply(rid)["pid"] for rid in pids]
                    _, st = collect(c, pids)
                    self.assertTrue(all(s.get("exit_code") == 0 for s in st.values()), st)
                    for p in pids[::2] if reap else []:
                        c.request("wait", pid=p, reap=True)

            def settled(what, ok):
                """Polls what() until ok(value) (sweeps run every second or so)."""
                deadline = time.monotonic() + 10
                while not ok(what()) and time.monotonic() < deadline:
                    time.sleep(0.2)
                return what()

            launches(50, reap=False)  # warm-up: the JIT's first code pages, threads, pools
            self.vfile_session(c, "detach")
            settled(lambda: c.request("stats")["guests_kept"], lambda k: k == 0)
            time.sleep(1)
            fds0, rss0 = fd_count(d.proc.pid), rss_kib(d.proc.pid)
            launches(1000, reap=True)
            kept = c.request("stats")["guests_kept"]
            self.assertTrue(0 < kept <= 50, kept)  # --keep-ended: the unreaped ones are bounded
            # Kept launches hold no fd (each held its cwd once).
            self.assertLessEqual(settled(lambda: fd_count(d.proc.pid), lambda n: n <= fds0), fds0)
            for i in range(10):
                self.vfile_session(c, ("disconnect", "detach", "kill")[i % 3])
            self.assertEqual(settled(lambda: c.request("stats")["guests_kept"], lambda k: k == 0), 0)
            fds1 = settled(lambda: fd_count(d.proc.pid), lambda n: n <= fds0)
            rss1 = settled(lambda: rss_kib(d.proc.pid), lambda r: r - rss0 < 10 * 1024)
            print(f"\nhartd: {fds0} -> {fds1} fds, RSS {rss0} -> {rss1} KiB", file=sys.stderr)
            self.assertLessEqual(fds1, fds0)
            self.assertLess(rss1 - rss0, 10 * 1024, (rss0, rss1))  # KiB

    def test_detach_from_a_killed_guest_with_breakpoints(self):
        """Found by tests/fuzz/rsp_fuzz.py: a debugger that connects just
        after another one killed the guest (`k`) with a breakpoint set,
        and detaches, crashed hartd (the ended process had no translation
        cache to drop the breakpoint from)."""
        with open(guest("hello.static"), "rb") as f:
            elf = f.read()
        phoff, phentsize, phnum = struct.unpack_from("<Q", elf, 32)[0], *struct.unpack_from("<HH", elf, 54)
        text = [struct.unpack_from("<IIQQQQQQ", elf, phoff + i * phentsize) for i in range(phnum)]
        text = [p for p in text if p[0] == 1 and p[1] & 1][0]
        unused = (text[3] + text[5] - 16) & ~1  # the end of the text: not run by hello
        with running_daemon() as (d, c):
            for _ in range(20):  # the window: between the kill and the stub's closing
                r0 = c.request("launch", argv=[guest("hello.static")], gdb={"wait": True})
                r = Rsp(r0["gdb"])
                r.request("?")
                self.assertEqual(r.request("Z0,%x,2" % unused), "OK")
                r.s.sendall(b"$k#6b")
                r.close()
                with contextlib.suppress(ConnectionError, OSError):  # gone with its process
                    r = Rsp(r0["gdb"])
                    r.request("?")
                    r.request("D")
                    r.close()
                collect(c, [r0["pid"]])
                self.assertTrue(d.alive())

    def test_extended_remote_before_any_process(self):
        """Found by tests/fuzz/rsp_fuzz.py: qC with the multiprocess
        extension before gdb's `run` (no process yet) crashed the
        extended-remote server (hartd's and hart-run --multi's)."""
        with running_daemon() as (d, c):
            r = Rsp(c.request("gdb_multi")["gdb"])
            r.request("qSupported:multiprocess+")
            for pkt in ("qC", "Hg0", "g", "?", "qfThreadInfo", "qXfer:threads:read::0,fff"):
                r.request(pkt)
            r.close()
            self.assertTrue(d.alive())

    def test_vfile_inside_a_root(self):
        """In a root, vFile paths resolve as the guest's own lookups do:
        an absolute symlink stays inside the root."""
        with running_daemon() as (d, c), tempfile.TemporaryDirectory() as top:
            root, outside = os.path.join(top, "root"), os.path.join(top, "outside")
            os.makedirs(os.path.join(root, "bin"))
            os.makedirs(outside)
            with open(guest("spin.static"), "rb") as src, open(os.path.join(root, "bin/spin"), "wb") as dst:
                dst.write(src.read())
            os.chmod(os.path.join(root, "bin/spin"), 0o755)
            for name in ("victim", "secret"):
                with open(os.path.join(outside, name), "w") as f:
                    f.write("host\n")
            os.symlink(outside, os.path.join(root, "esc"))  # absolute: inside the root, /tmp/...
            pid = launch(c, ["/bin/spin", "100"], root=root, cwd="/")
            r = Rsp(c.request("gdb", pid=pid)["gdb"])
            r.request("?")
            self.assertTrue(r.vfile_open("/esc/secret").startswith("F-1,"))
            self.assertTrue(r.request("vFile:unlink:" + b"/esc/victim".hex()).startswith("F-1,"))
            self.assertTrue(os.path.exists(os.path.join(outside, "victim")))
            self.assertRegex(r.vfile_open("/bin/spin"), r"^F[0-9a-f]+$")
            r.close()
            # The gdb op's exe is the program's host path, the root's prefix once.
            self.assertEqual(c.request("gdb", pid=pid)["exe"],
                             os.path.join(os.path.realpath(root), "bin/spin"))
            kill_all(c, [pid])

    def test_vfile_never_opens_hartds_proc(self):
        with running_daemon() as (d, c):
            pid = launch(c, [guest("spin.static"), "100"])
            r = Rsp(c.request("gdb", pid=pid)["gdb"])
            r.request("?")
            link = os.path.join(d.dir.name, "to-proc")
            os.symlink(f"/proc/{d.proc.pid}/environ", link)
            for path in (f"/proc/{d.proc.pid}/environ", f"/proc/{d.proc.pid}/mem", link,
                         f"/proc/{d.proc.pid}/fd/0"):
                self.assertTrue(r.vfile_open(path).startswith("F-1,"), path)
            # The guest's own emulated /proc stays readable (gdb's info proc).
            self.assertRegex(r.vfile_open(f"/proc/{pid}/cmdline"), r"^F[0-9a-f]+$")
            r.close()
            kill_all(c, [pid])


class Hygiene(WatchedTest):
    """The TCP port before hello, and what ended guests leave behind."""

    def test_tcp_garbage_closes_before_hello(self):
        port = free_port()
        with running_daemon("--tcp", f"127.0.0.1:{port}", "--tcp-auth-seconds", "1") as (d, c):
            def refused(data, code):
                t = tcp_connect(port)
                f = t.makefile("rb")
                t.sendall(data)
                try:
                    self.assertEqual(json.loads(f.readline())["error"]["code"], code)
                    self.assertEqual(f.readline(), b"")  # closed
                except ConnectionResetError:
                    pass  # closed with our bytes unread: a reset (the error line may go with it)
                t.close()

            refused(b"not json\n", "bad_json")
            refused(b"\x00\xff\xfe garbage\n", "bad_json")
            refused(b"x" * 100000, "too_long")  # no newline needed
            refused(b'{"id":1,"op":"hello","token":"wrong token"}\n', "unauthorized")
            refused(b'{"id":1,"op":"list"}\n', "unauthorized")
            # Silent clients go after the timeout.
            t = tcp_connect(port)
            t0 = time.monotonic()
            self.assertEqual(t.recv(100), b"")
            self.assertLess(time.monotonic() - t0, 5)
            t.close()
            self.assertTrue(d.alive())

    def test_ended_guests_are_kept_bounded(self):
        with running_daemon("--keep-ended", "3") as (d, c):
            pids = []
            for _ in range(6):  # one after the other: they end in this order
                pids.append(launch(c, [guest("hello.static")]))
                collect(c, pids[-1:])
            time.sleep(0.2)
            kept = [g["pid"] for g in c.request("list")["guests"] if g["state"] == "zombie"]
            self.assertEqual(sorted(kept), sorted(pids)[3:])  # the oldest went first
            with self.assertRaises(RequestError) as e:
                c.request("wait", pid=pids[0])
            self.assertEqual(e.exception.code, "no_such_guest")
            self.assertEqual(c.request("wait", pid=pids[5])["exit_code"], 0)
        with running_daemon("--keep-ended-seconds", "1") as (d, c):
            pid = launch(c, [guest("hello.static")])
            collect(c, [pid])
            self.assertEqual(c.request("wait", pid=pid)["exit_code"], 0)
            time.sleep(2)
            self.assertEqual(c.request("list")["guests"], [])


def main():
    global HARTD, SCRIPTS, GUEST, EXPECTED, Client, RequestError, DaemonError
    HARTD, SCRIPTS, GUEST, EXPECTED = (os.path.abspath(a) for a in sys.argv[1:5])
    del sys.argv[1:5]
    sys.path.insert(0, SCRIPTS)
    import hartd_client
    RequestError, DaemonError = hartd_client.RequestError, hartd_client.DaemonError
    # Reads give up (after dumping hartd's state) rather than hang the file.
    Client = watched_client(hartd_client.Client, hartd_client.DaemonTimeout)
    unittest.main(verbosity=2)


if __name__ == "__main__":
    main()
