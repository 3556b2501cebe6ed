#!/usr/bin/env python3
"""tests/daemon/shared_code_test.py — translations shared across launches
(translator/shared_code.h) in a real hartd: a second launch of a program
translates (almost) nothing new and prints the same; a guest that rewrites
its own code (its .text, and code it generates at a fixed address) changes
nothing for the launches around it; `--shared-code 0` turns sharing off;
`stats` publishes the counters; launches interpret rarely-run blocks
(tier 0, `--translate-at`).

    shared_code_test.py HARTD CLIENT_SCRIPTS_DIR GUEST_BIN_DIR
"""
import os
import subprocess
import sys
import tempfile
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
GUEST = None
SYSROOT = "/usr/riscv64-linux-gnu"  # the cross compiler's, as for guest.*.dynamic
ht = None  # hartd_test.py: Daemon, launch, collect, wait_output


def guest(name):
    return os.path.join(GUEST, name)


def run(c, argv, **kw):
    """Launches argv, waits for it; (stdout, exit event, the launch's stats)."""
    pid = ht.launch(c, argv, events=True, **kw)
    out, status = ht.collect(c, [pid])
    return out[pid]["stdout"], status[pid], c.request("stats", pid=pid)


class SharedCode(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        # Every block translated at once (no tier 0): what is shared is
        # everything the launches run.
        cls.d = ht.Daemon("--translate-at", "1")

    @classmethod
    def tearDownClass(cls):
        cls.d.stop()

    def test_second_launch_translates_nothing_new(self):
        c = self.d.client()
        # A dynamic program: ld.so and libc are shared too.
        argv = [guest("hello.dynamic")]
        out1, st1, s1 = run(c, argv, sysroot=SYSROOT)
        out2, st2, s2 = run(c, argv, sysroot=SYSROOT)
        self.assertEqual((out1, st1["exit_code"]), (b"Hello from RISC-V!\n", 0))
        self.assertEqual((out2, st2["exit_code"]), (out1, 0))
        self.assertGreater(s1["translated_blocks"], 300, s1)
        # Everything the first launch ran, the second takes from the store.
        self.assertLessEqual(s2["translated_blocks"], s1["translated_blocks"] // 50, s2)
        self.assertGreaterEqual(s2["reused_blocks"], s1["translated_blocks"] * 9 // 10, s2)
        d = c.request("stats")["shared_code"]
        self.assertGreaterEqual(d["hits"], s2["reused_blocks"])
        self.assertGreaterEqual(d["blocks"], s1["translated_blocks"] * 9 // 10)
        self.assertGreater(d["bytes"], 0)
        self.assertEqual(d["budget"], 512 << 20)
        c.close()

    def test_code_rewritten_by_one_guest_is_not_seen_by_others(self):
        c = self.d.client()
        # The store learns the program's code as it is in the file.
        out, _, _ = run(c, [guest("smc_shared.static"), "read"])
        self.assertEqual(out, b"value 1 generated 5\n")
        with tempfile.TemporaryDirectory() as tmp:
            go = os.path.join(tmp, "go")
            # A guest rewrites its .text and its generated code, and stays.
            patcher = ht.launch(c, [guest("smc_shared.static"), "patch", go], events=True)
            seen = ht.wait_output(c, patcher, "patched value")
            self.assertIn("value 1 generated 5\npatched value 2 generated 6\n", seen)
            # Another launch, meanwhile: the code of the file, not the patched one.
            out, st, s = run(c, [guest("smc_shared.static"), "read"])
            self.assertEqual((out, st["exit_code"]), (b"value 1 generated 5\n", 0))
            self.assertGreater(s["reused_blocks"], 100, "the read launch did not use the store")
            # Different code generated at the same address: its own.
            out, _, _ = run(c, [guest("smc_shared.static"), "gen", "7"])
            self.assertEqual(out, b"generated 7\n")
            # The patcher still runs its patched code.
            open(go, "w").close()
            rest, status = ht.collect(c, [patcher])
            self.assertEqual(rest[patcher]["stdout"], b"still value 2 generated 6\n")
            self.assertEqual(status[patcher]["exit_code"], 0)
        out, _, _ = run(c, [guest("smc_shared.static"), "read"])
        self.assertEqual(out, b"value 1 generated 5\n")
        c.close()

    def test_sharing_off(self):
        d = ht.Daemon("--shared-code", "0", "--translate-at", "1")
        try:
            c = d.client()
            _, _, s1 = run(c, [guest("hello.static")])
            out, _, s = run(c, [guest("hello.static")])
            self.assertEqual(out, b"Hello from RISC-V!\n")
            self.assertEqual(s["reused_blocks"], 0)
            # The second launch translates for itself what the first did.
            self.assertGreater(s1["translated_blocks"], 50, s1)
            self.assertGreaterEqual(s["translated_blocks"], s1["translated_blocks"] * 9 // 10, s)
            self.assertEqual(c.request("stats")["shared_code"]["blocks"], 0)
            c.close()
        finally:
            d.stop()

    def test_tier0_interprets_what_runs_rarely(self):
        # Launches interpret a block until it has run translate_at - 1
        # times (default 12): much of a program's start-up runs once and is
        # never translated. --translate-at 1 translates every block at once.
        counts = {}
        for at in ("1", None):
            d = ht.Daemon("--shared-code", "0", *(["--translate-at", at] if at else []))
            try:
                c = d.client()
                out, _, s = run(c, [guest("hello.static")])
                self.assertEqual(out, b"Hello from RISC-V!\n")
                counts[at] = s["translated_blocks"]
                c.close()
            finally:
                d.stop()
        self.assertLess(counts[None], counts["1"] * 3 // 4, counts)
        print("translated blocks, --translate-at 1 / default:", counts["1"], counts[None], file=sys.stderr)

    def test_translate_at_must_be_a_count(self):
        for bad in ("256", "-1", "x", ""):
            p = subprocess.run([ht.HARTD, "--foreground", "--socket", "/nonexistent/s", "--translate-at", bad],
                               capture_output=True, text=True, timeout=30)
            self.assertNotEqual(p.returncode, 0, bad)
            self.assertIn("--translate-at", p.stderr, bad)


def main():
    global GUEST, ht
    hartd, scripts, GUEST = sys.argv[1:4]
    del sys.argv[1:4]
    sys.path.insert(0, scripts)
    sys.path.insert(0, HERE)
    import hartd_client
    import hartd_test
    hartd_test.HARTD = hartd
    hartd_test.Client, hartd_test.DaemonError = hartd_client.Client, hartd_client.DaemonError
    ht = hartd_test
    unittest.main(verbosity=2)


if __name__ == "__main__":
    main()
