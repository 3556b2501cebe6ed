#!/usr/bin/env python3
"""tests/cli/hart_run_cli_test.py — hart-run's command line and its answers
to bad input: every bad file gets exactly one line on stderr naming the file
and the problem, exit status 1, and never a crash.

    hart_run_cli_test.py HART_RUN GUEST_BIN_DIR
"""
import os
import re
import subprocess
import sys
import tempfile
import unittest

HART = GUEST = None


def run(*args, **kw):
    return subprocess.run([HART, *args], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                          stdin=subprocess.DEVNULL, timeout=30, **kw)


class BadFiles(unittest.TestCase):
    def check_one_line_error(self, path, *words):
        p = run(path)
        self.assertEqual(p.returncode, 1, p.stderr)
        err = p.stderr.decode()
        self.assertEqual(err.count("\n"), 1, f"want one line, got {err!r}")
        self.assertIn(path, err)
        for w in words:
            self.assertIn(w, err.lower())
        self.assertEqual(p.stdout, b"")

    def test_x86_binary(self):
        self.check_one_line_error("/bin/true", "risc-v")

    def test_truncated_riscv_binary(self):
        with open(os.path.join(GUEST, "hello.static"), "rb") as f:
            data = f.read()
        with tempfile.TemporaryDirectory() as d:
            for cut in (10, 63, 64 + 20, 2000, len(data) // 2):
                path = os.path.join(d, f"cut{cut}")
                with open(path, "wb") as f:
                    f.write(data[:cut])
                self.check_one_line_error(path)

    def test_garbage_and_empty(self):
        with tempfile.TemporaryDirectory() as d:
            for name, content in (("empty", b""), ("text", b"hello world\n" * 100),
                                  ("zeros", b"\0" * 4096)):
                path = os.path.join(d, name)
                with open(path, "wb") as f:
                    f.write(content)
                self.check_one_line_error(path)

    def test_missing_file_and_directory(self):
        self.check_one_line_error("/nonexistent/prog")
        self.check_one_line_error("/tmp")


class Options(unittest.TestCase):
    def test_help_and_version(self):
        self.assertEqual(run("-h").returncode, 0)
        v = run("-version")
        self.assertEqual(v.returncode, 0)
        self.assertIn(b"hart-run", v.stdout)

    def test_bad_log_category(self):
        p = run("-d", "bogus", os.path.join(GUEST, "hello.static"))
        self.assertEqual(p.returncode, 1)
        self.assertIn(b"bogus", p.stderr)

    def test_unknown_option(self):
        p = run("-frobnicate", os.path.join(GUEST, "hello.static"))
        self.assertEqual(p.returncode, 1)

    def test_log_shows_guest_ir_and_host_code(self):
        p = run("-d", "in_asm,op,out_asm", os.path.join(GUEST, "hello.static"))
        self.assertEqual(p.returncode, 0)
        self.assertEqual(p.stdout, b"Hello from RISC-V!\n")
        log = p.stderr.decode()
        self.assertIn("IN:", log)
        self.assertRegex(log, r"addi\s+sp,sp,-\d+")
        self.assertIn("get_reg x2", log)  # IR
        self.assertIn("OUT: [size=", log)
        self.assertRegex(log, r"\[r15\+0x[0-9a-f]+\]")  # host code reads CpuState

    def test_log_file_and_env(self):
        with tempfile.TemporaryDirectory() as d:
            log = os.path.join(d, "log")
            p = run("-D", log, "-d", "in_asm", "-E", "PATH=/x", "-0", "renamed",
                    os.path.join(GUEST, "args_env.static"), "a")
            self.assertEqual(p.returncode, 2)
            self.assertEqual(p.stdout, b"argv[1]=a\nPATH set: yes\n")
            self.assertEqual(p.stderr, b"")
            with open(log) as f:
                self.assertIn("IN:", f.read())
            p = run("-U", "PATH", os.path.join(GUEST, "args_env.static"))
            self.assertIn(b"PATH set: no", p.stdout)


class GuestPids(unittest.TestCase):
    """Guest pids of concurrent hart-run instances never collide (names like
    /tmp/x.$$ stay private), claims go with the run, -pid N repeats. (hartd's
    skipping of numbers claimed by others: tests/daemon/hartd_test.py.)"""
    CLAIMS = next((d for d in ("/dev/shm/hart-pids", "/tmp/hart-pids") if os.path.isdir(d)), None)

    def pids(self, p):
        """The pids in a -strace log (one per line), in order of appearance."""
        seen = []
        for line in p.stderr.decode().splitlines():
            head = line.split(" ", 1)[0]
            if head.isdigit() and int(head) not in seen:
                seen.append(int(head))
        return seen

    def strace(self, *opts, prog="fork_exec.static"):
        return subprocess.Popen([HART, *opts, "-strace", os.path.join(GUEST, prog)],
                                stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, stdin=subprocess.DEVNULL)

    def test_concurrent_runs_have_distinct_pids(self):
        # Four instances, each with eight children alive at the same time.
        procs = [subprocess.Popen([HART, "-strace", os.path.join(GUEST, "fork_bomb.static"), "8", "hold"],
                                  stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, stdin=subprocess.PIPE)
                 for _ in range(4)]
        sets = []
        for p in procs:
            live = set()
            for line in p.stderr:  # until its eight forks are done
                m = re.match(rb"(\d+) clone\(.* = (\d+)$", line.strip())
                if m:
                    live |= {int(m[1]), int(m[2])}
                if len(live) == 9:
                    break
            self.assertEqual(len(live), 9)
            sets.append(live)
        for p in procs:
            p.stdin.close()
            p.stderr.read()
            p.stderr.close()
            self.assertEqual(p.wait(timeout=60), 0)
        for a in range(len(sets)):
            for b in range(a + 1, len(sets)):
                self.assertFalse(sets[a] & sets[b], "two live guests of concurrent instances shared a pid")

    def test_claims_are_released(self):
        if not self.CLAIMS:
            self.skipTest("no claim folder")
        p = self.strace()
        _, p.stderr = p.communicate(timeout=60)
        pids = self.pids(p)
        left = [n for n in os.listdir(self.CLAIMS) if n.isdigit() and int(n) in pids]
        self.assertEqual(left, [])

    def test_stale_claims_are_swept(self):
        if not self.CLAIMS:
            self.skipTest("no claim folder")
        with open(f"/proc/{os.getpid()}/stat") as f:
            start = f.read().rsplit(")", 1)[1].split()[19]
        stale, live = os.path.join(self.CLAIMS, "4190001"), os.path.join(self.CLAIMS, "4190002")
        for path, target in ((stale, "999999999 1"), (live, f"{os.getpid()} {start}")):
            if os.path.lexists(path):
                os.unlink(path)
            os.symlink(target, path)
        try:
            p = subprocess.run([HART, os.path.join(GUEST, "hello.static")], env=dict(os.environ, HART_PID_SWEEP="1"),
                               stdout=subprocess.PIPE, timeout=30)
            self.assertEqual(p.returncode, 0)
            self.assertFalse(os.path.lexists(stale), "a dead instance's claim survived the sweep")
            self.assertTrue(os.path.lexists(live), "the sweep removed a live claim")
        finally:
            for path in (stale, live):
                if os.path.lexists(path):
                    os.unlink(path)

    def test_forced_pid_repeats(self):
        for _ in range(2):
            p = self.strace("-pid", "1000")
            _, p.stderr = p.communicate(timeout=60)
            self.assertEqual(self.pids(p)[:3], [1000, 1001, 1002])


if __name__ == "__main__":
    HART, GUEST = sys.argv[1], sys.argv[2]
    unittest.main(argv=[sys.argv[0], "-v"])
