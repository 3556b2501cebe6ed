#!/usr/bin/env python3
"""tests/daemon/hart_exec_test.py — hart-exec, the native launcher, against a
real hartd: the guest gets hart-exec's own stdio, argv, environment and cwd;
the status is the guest's (an exit code, or death by the same signal);
signals sent to hart-exec reach the guest; ended guests are reaped; without
a daemon (or with arguments JSON cannot carry) it runs the program itself.
Then a cross-built CMake project runs its `ctest` through hartd with
CMAKE_CROSSCOMPILING_EMULATOR=hart-exec.

    hart_exec_test.py BIN_DIR CLIENT_SCRIPTS_DIR GUEST_BIN_DIR RISCV64_CC
"""
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
BIN = GUEST = CC = None
hartd_test = None  # the Daemon helper of hartd_test.py


def guest(name):
    return os.path.join(GUEST, name)


class HartExec(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.d = hartd_test.Daemon()
        cls.env = dict(os.environ, HARTD_SOCKET=cls.d.sock)

    @classmethod
    def tearDownClass(cls):
        cls.d.stop()

    def launches(self):
        c = self.d.client()
        n = c.request("stats")["guests_launched"]
        c.close()
        return n

    def run_exec(self, *args, env=None, **kw):
        kw.setdefault("stdout", subprocess.PIPE)
        kw.setdefault("stderr", subprocess.PIPE)
        kw.setdefault("stdin", subprocess.DEVNULL)
        return subprocess.run([os.path.join(BIN, "hart-exec"), *args], env=env or self.env,
                              timeout=60, **kw)

    def test_stdio_status_argv_env_cwd(self):
        before = self.launches()
        p = self.run_exec(guest("hello.static"))
        self.assertEqual((p.returncode, p.stdout, p.stderr), (0, b"Hello from RISC-V!\n", b""))
        self.assertEqual(self.run_exec(guest("exit_status.static")).returncode, 42)
        p = self.run_exec(guest("cat_stdin.static"), stdin=None, input=b"piped input\n")
        self.assertIn(b"piped input", p.stdout)
        p = self.run_exec(guest("args_env.static"), "one", "two", env=dict(self.env, PATH="/x"))
        self.assertEqual((p.returncode, p.stdout), (3, b"argv[1]=one\nargv[2]=two\nPATH set: yes\n"))
        p = self.run_exec(guest("args_env.static"), env={"HARTD_SOCKET": self.d.sock})
        self.assertIn(b"PATH set: no", p.stdout)
        # A relative program path and the cwd are the caller's.
        p = self.run_exec("./hello.static", cwd=GUEST)
        self.assertEqual(p.stdout, b"Hello from RISC-V!\n")
        self.assertEqual(self.launches() - before, 6, "hart-exec did not go through hartd")
        # Ended guests are forgotten (reaped): none lingers in the list.
        c = self.d.client()
        self.assertEqual([g for g in c.request("list")["guests"] if g["state"] != "running"], [])
        # ...but the daemon-wide counters still count what they translated
        # (tier 0 interprets what runs fewer than 12 times: tens of blocks each).
        s = c.request("stats")
        self.assertGreater(s["translated_blocks"] + s["reused_blocks"], 6 * 10)
        self.assertGreater(s["translation_seconds"], 0)
        c.close()

    def test_death_by_signal_and_forwarding(self):
        p = self.run_exec(guest("signal_fatal.static"))
        self.assertEqual(p.returncode, -signal.SIGSEGV)  # died of it, as natively
        for sig in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
            q = subprocess.Popen([os.path.join(BIN, "hart-exec"), guest("spin.static"), "100"],
                                 env=self.env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
            time.sleep(0.4)
            q.send_signal(sig)
            out, _ = q.communicate(timeout=20)
            self.assertEqual(q.returncode, -sig, f"{sig!r}: {out!r}")
        # A signal sent before the launch is answered is not lost.
        q = subprocess.Popen([os.path.join(BIN, "hart-exec"), guest("spin.static"), "100"],
                             env=self.env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        q.send_signal(signal.SIGTERM)
        self.assertIn(q.wait(timeout=20), (-signal.SIGTERM,))

    def test_argv0_and_errors(self):
        # -0 (binfmt_misc's preserved argv[0]): the guest's argv[0], while
        # the program run is the one named.
        q = subprocess.Popen([os.path.join(BIN, "hart-exec"), "-0", "renamed", guest("spin.static"), "100"],
                             env=self.env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            c = self.d.client()
            deadline = time.monotonic() + 10
            mine = []
            while not mine and time.monotonic() < deadline:
                mine = [g for g in c.request("list")["guests"] if g["argv"][:1] == ["renamed"]]
                time.sleep(0.05)
            c.close()
            self.assertEqual(mine[0]["argv"], ["renamed", "100"])
        finally:
            q.send_signal(signal.SIGTERM)
            q.wait(timeout=20)
        p = self.run_exec("/nonexistent/prog")
        self.assertEqual(p.returncode, 126)
        self.assertIn(b"/nonexistent/prog", p.stderr)
        self.assertEqual(self.run_exec("--bogus").returncode, 2)

    def test_fallback_without_daemon(self):
        before = self.launches()
        env = dict(self.env, HARTD_SOCKET="/nonexistent/hartd.sock")
        p = self.run_exec(guest("args_env.static"), "x", env=env)
        self.assertEqual((p.returncode, p.stdout), (2, b"argv[1]=x\nPATH set: yes\n"))
        # Arguments that are not UTF-8 cannot travel as JSON text: run here.
        p = self.run_exec(guest("args_env.static"), b"\xff\xfe")
        self.assertEqual(p.stdout, b"argv[1]=\xff\xfe\nPATH set: yes\n")
        p = self.run_exec("--no-daemon", guest("exit_status.static"))
        self.assertEqual(p.returncode, 42)
        self.assertEqual(self.launches(), before)

    def test_binfmt_d_file_is_the_registered_line(self):
        root = os.path.dirname(os.path.dirname(HERE))
        line = subprocess.run([os.path.join(root, "scripts", "binfmt"), "line", "--interpreter", "@HART_BINFMT@"],
                              stdout=subprocess.PIPE, text=True, check=True).stdout
        with open(os.path.join(root, "scripts", "binfmt.d", "hart-riscv64.conf.in")) as f:
            conf = [x + "\n" for x in f.read().splitlines() if x and not x.startswith("#")]
        self.assertEqual(conf, [line])

    def test_cross_built_cmake_project_ctest(self):
        if not shutil.which("cmake") or not shutil.which("ctest"):
            self.skipTest("cmake is not installed")
        with tempfile.TemporaryDirectory() as tmp:
            src, build = os.path.join(tmp, "src"), os.path.join(tmp, "build")
            os.mkdir(src)
            with open(os.path.join(src, "CMakeLists.txt"), "w") as f:
                f.write("cmake_minimum_required(VERSION 3.16)\nproject(tiny C)\nenable_testing()\n"
                        "add_executable(calc calc.c)\n"
                        "add_test(NAME adds COMMAND calc 2 3)\n"
                        "set_tests_properties(adds PROPERTIES PASS_REGULAR_EXPRESSION \"^5\\n\")\n"
                        "add_test(NAME fails COMMAND calc 2 x)\n"
                        "set_tests_properties(fails PROPERTIES WILL_FAIL TRUE)\n")
            with open(os.path.join(src, "calc.c"), "w") as f:
                f.write("#include <stdio.h>\n#include <stdlib.h>\n"
                        "int main(int c, char** v) { if (c != 3 || !atoi(v[2])) return 1;\n"
                        "  printf(\"%d\\n\", atoi(v[1]) + atoi(v[2])); return 0; }\n")
            with open(os.path.join(tmp, "riscv64.cmake"), "w") as f:
                f.write(f"set(CMAKE_SYSTEM_NAME Linux)\nset(CMAKE_SYSTEM_PROCESSOR riscv64)\n"
                        f"set(CMAKE_C_COMPILER {CC})\nset(CMAKE_EXE_LINKER_FLAGS -static)\n"
                        f"set(CMAKE_CROSSCOMPILING_EMULATOR {os.path.join(BIN, 'hart-exec')})\n")
            subprocess.run(["cmake", "-S", src, "-B", build, "-DCMAKE_TOOLCHAIN_FILE=" +
                            os.path.join(tmp, "riscv64.cmake")], check=True, env=self.env,
                           stdout=subprocess.DEVNULL, timeout=120)
            subprocess.run(["cmake", "--build", build], check=True, env=self.env,
                           stdout=subprocess.DEVNULL, timeout=120)
            before = self.launches()
            p = subprocess.run(["ctest", "--output-on-failure"], cwd=build, env=self.env,
                               stdout=subprocess.PIPE, stderr=subprocess.STDOUT, timeout=120)
            self.assertEqual(p.returncode, 0, p.stdout.decode())
            self.assertIn(b"100% tests passed, 0 tests failed out of 2", p.stdout)
            self.assertEqual(self.launches() - before, 2, "ctest's runs did not go through hartd")


class Binfmt(unittest.TestCase):
    """scripts/binfmt registers hart-binfmt for riscv64 ELF files; running one
    directly then goes through hartd, argv[0] included. Registered under a
    name of its own for a moment (the CTest test runs serially), always
    removed; binfmt_misc is mounted only if it was not, and unmounted."""
    DIR = "/proc/sys/fs/binfmt_misc"

    @classmethod
    def setUpClass(cls):
        cls.mounted_here = False
        if os.geteuid() != 0:
            raise unittest.SkipTest("binfmt_misc registration needs root")
        if not os.path.exists(os.path.join(cls.DIR, "register")):
            if subprocess.run(["mount", "-t", "binfmt_misc", "binfmt_misc", cls.DIR],
                              stderr=subprocess.DEVNULL).returncode != 0:
                raise unittest.SkipTest("binfmt_misc cannot be mounted here (container without it)")
            cls.mounted_here = True
        for stale in os.listdir(cls.DIR):  # from a run killed mid-way
            if stale.startswith("hart-test-"):
                with open(os.path.join(cls.DIR, stale), "w") as f:
                    f.write("-1")
        cls.name = f"hart-test-{os.getpid()}"
        cls.script = os.path.join(os.path.dirname(os.path.dirname(HERE)), "scripts", "binfmt")
        cls.d = hartd_test.Daemon()
        cls.env = dict(os.environ, HARTD_SOCKET=cls.d.sock)
        subprocess.run([cls.script, "register", "--name", cls.name, "--interpreter",
                        os.path.join(BIN, "hart-binfmt")], check=True, stdout=subprocess.DEVNULL)

    @classmethod
    def tearDownClass(cls):
        subprocess.run([cls.script, "unregister", "--name", cls.name], stdout=subprocess.DEVNULL)
        if cls.mounted_here:
            subprocess.run(["umount", cls.DIR])
        cls.d.stop()

    def test_direct_exec_goes_through_hartd(self):
        with open(os.path.join(self.DIR, self.name)) as f:
            self.assertIn("flags: PF", f.read())
        c = self.d.client()
        before = c.request("stats")["guests_launched"]
        p = subprocess.run([guest("args_env.static"), "direct"], env=self.env, stdout=subprocess.PIPE,
                           timeout=30)
        self.assertEqual((p.returncode, p.stdout), (2, b"argv[1]=direct\nPATH set: yes\n"))
        self.assertEqual(c.request("stats")["guests_launched"] - before, 1)
        # exec -a: the guest's argv[0] is the one the caller chose.
        q = subprocess.Popen(["renamed-by-exec", "100"], executable=guest("spin.static"), env=self.env,
                             stdout=subprocess.DEVNULL)
        try:
            deadline, mine = time.monotonic() + 10, []
            while not mine and time.monotonic() < deadline:
                mine = [g for g in c.request("list")["guests"] if g["argv"][:1] == ["renamed-by-exec"]]
                time.sleep(0.05)
            self.assertEqual(mine[0]["argv"], ["renamed-by-exec", "100"])
        finally:
            q.terminate()
            self.assertEqual(q.wait(timeout=20), -signal.SIGTERM)
        c.close()
        # Without a daemon: the program still runs (hart-run).
        p = subprocess.run([guest("exit_status.static")], env=dict(os.environ, HARTD_SOCKET="/nonexistent"),
                           timeout=30)
        self.assertEqual(p.returncode, 42)


def main():
    global BIN, GUEST, CC, hartd_test
    BIN, scripts, GUEST, CC = sys.argv[1:5]
    del sys.argv[1:5]
    sys.path.insert(0, scripts)
    sys.path.insert(0, HERE)
    import hartd_client
    import hartd_test as ht
    ht.HARTD = os.path.join(BIN, "hartd")
    ht.Client, ht.DaemonError = hartd_client.Client, hartd_client.DaemonError
    hartd_test = ht
    unittest.main(verbosity=2)


if __name__ == "__main__":
    main()
