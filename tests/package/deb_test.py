#!/usr/bin/env python3
"""tests/package/deb_test.py — the Debian package: `cpack` in the build folder
writes hart_VERSION_amd64.deb; unpacked into a scratch root (dpkg-deb -x), its
layout is the documented one (CMakeLists.txt, "installation") and a guest runs
from it: hart-run directly, then the installed hartd with the installed
hartctl, hart-exec and hart-ci as clients.

    deb_test.py BUILD_DIR GUEST_BIN_DIR
"""
import glob
import os
import subprocess
import sys
import tempfile
import time
import unittest

BUILD = GUEST = None


class Package(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.TemporaryDirectory(prefix="hart-deb-")
        out = os.path.join(cls.tmp.name, "out")
        p = subprocess.run(["cpack", "-B", out], cwd=BUILD, stdout=subprocess.PIPE,
                           stderr=subprocess.STDOUT, text=True, timeout=300)
        if p.returncode != 0:
            raise AssertionError("cpack failed:\n" + p.stdout)
        debs = glob.glob(os.path.join(out, "hart_*_amd64.deb"))
        if len(debs) != 1:
            raise AssertionError(f"want one .deb, got {debs}")
        cls.deb = debs[0]
        cls.root = os.path.join(cls.tmp.name, "root")
        subprocess.run(["dpkg-deb", "-x", cls.deb, cls.root], check=True, timeout=60)

    @classmethod
    def tearDownClass(cls):
        cls.tmp.cleanup()

    def path(self, rel):
        return os.path.join(self.root, rel)

    def test_control_and_layout(self):
        info = subprocess.run(["dpkg-deb", "-f", self.deb, "Package", "Depends", "Architecture"],
                              stdout=subprocess.PIPE, text=True, check=True).stdout
        self.assertIn("Package: hart", info)
        self.assertIn("Architecture: amd64", info)
        self.assertIn("python3", info)
        self.assertIn("libc6", info)  # shared-library dependencies were computed
        for f in ("usr/bin/hartd", "usr/bin/hart-run", "usr/bin/hart-exec", "usr/bin/hartctl",
                  "usr/bin/hart-ci", "usr/libexec/hart/hart-binfmt",
                  "usr/lib/hart/hartd_client.py", "usr/share/doc/hartd/README.md"):
            self.assertTrue(os.path.exists(self.path(f)), f)
        self.assertEqual(os.readlink(self.path("usr/libexec/hart/hart-binfmt")), "../../bin/hart-exec")
        with open(self.path("usr/lib/systemd/user/hartd.service")) as f:
            self.assertIn("ExecStart=/usr/bin/hartd ", f.read())
        with open(self.path("usr/share/hart/binfmt.d/hart-riscv64.conf")) as f:
            self.assertIn(":/usr/libexec/hart/hart-binfmt:PF", f.read())
        # Stripped: the package carries no debug info.
        out = subprocess.run(["file", "-L", self.path("usr/bin/hartd")], stdout=subprocess.PIPE,
                             text=True).stdout
        if out:
            self.assertIn("stripped", out)
            self.assertNotIn("not stripped", out)

    def test_guests_run_from_the_installed_layout(self):
        hello = os.path.join(GUEST, "hello.static")
        p = subprocess.run([self.path("usr/bin/hart-run"), hello], stdout=subprocess.PIPE, timeout=30)
        self.assertEqual(p.stdout, b"Hello from RISC-V!\n")
        sock = os.path.join(self.tmp.name, "hartd.sock")
        d = subprocess.Popen([self.path("usr/bin/hartd"), "--socket", sock, "--foreground",
                              "--log-file", os.path.join(self.tmp.name, "hartd.log")],
                             stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            deadline = time.monotonic() + 10
            while not os.path.exists(sock) and time.monotonic() < deadline:
                time.sleep(0.02)
            env = dict(os.environ, HARTD_SOCKET=sock)
            p = subprocess.run([self.path("usr/bin/hartctl"), "run", hello], env=env,
                               stdout=subprocess.PIPE, timeout=30)
            self.assertEqual((p.returncode, p.stdout), (0, b"Hello from RISC-V!\n"))
            p = subprocess.run([self.path("usr/bin/hart-exec"), os.path.join(GUEST, "exit_status.static")],
                               env=env, timeout=30)
            self.assertEqual(p.returncode, 42)
            p = subprocess.run([self.path("usr/bin/hart-ci"), "--junit", os.path.join(self.tmp.name, "r.xml"),
                                hello], env=env, stdout=subprocess.PIPE, timeout=60)
            self.assertIn(b"1 tests, 1 passed", p.stdout)
            stats = subprocess.run([self.path("usr/bin/hartctl"), "--json", "stats"], env=env,
                                   stdout=subprocess.PIPE, text=True, timeout=30).stdout
            self.assertIn('"guests_launched": 3', stats)
        finally:
            d.terminate()
            d.wait(timeout=20)


if __name__ == "__main__":
    BUILD, GUEST = sys.argv[1], sys.argv[2]
    del sys.argv[1:3]
    unittest.main(verbosity=2)
