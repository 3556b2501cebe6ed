#!/usr/bin/env python3
"""tests/guest/run_root_test.py — runs a guest program under hart-run -R in a
fresh temporary root (root jail mode) and compares its stdout and status
with the expected ones; then checks that nothing escaped the root (no file
created outside it).

The root holds the program as /prog, etc/greeting, a/b/ and symlinks that
try to leave it (absolute, relative with many `..`, to /).
"""
import argparse
import os
import shutil
import subprocess
import sys
import tempfile


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--runner", required=True)
    ap.add_argument("--expected-stdout", required=True)
    ap.add_argument("--expected-status", type=int, default=0)
    ap.add_argument("program")
    a = ap.parse_args()
    if os.path.exists("/hart_escape_probe"):
        os.unlink("/hart_escape_probe")
    with tempfile.TemporaryDirectory(prefix="hart-root-") as outer:
        root = os.path.join(outer, "root")
        os.makedirs(os.path.join(root, "etc"))
        os.makedirs(os.path.join(root, "a", "b"))
        shutil.copy(a.program, os.path.join(root, "prog"))
        with open(os.path.join(root, "etc", "greeting"), "w") as f:
            f.write("hello from the root\n")
        os.symlink("/etc/greeting", os.path.join(root, "a", "b", "abs"))
        os.symlink("../../../../../../etc", os.path.join(root, "a", "up"))
        os.symlink("/etc", os.path.join(root, "a", "hostetc"))
        os.symlink("/", os.path.join(root, "a", "root"))
        os.symlink("../proc/self/mounts", os.path.join(root, "etc", "mtab"))
        os.symlink("/proc/self", os.path.join(root, "a", "self"))
        # A file beside the root that a `..` escape would find.
        os.makedirs(os.path.join(outer, "etc"))
        with open(os.path.join(outer, "etc", "greeting"), "w") as f:
            f.write("ESCAPED\n")
        # A listening socket outside the root, and a symlink to it inside.
        import socket
        host_sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        host_sock.bind(os.path.join(outer, "host.sock"))
        host_sock.listen(1)
        os.symlink(os.path.join(outer, "host.sock"), os.path.join(root, "a", "hostsock"))
        p = subprocess.run([os.path.abspath(a.runner), "-R", root, "/prog"], stdout=subprocess.PIPE,
                           stderr=subprocess.PIPE, stdin=subprocess.DEVNULL, timeout=60,
                           cwd=outer)
        out = p.stdout.decode(errors="replace")
        expected = open(a.expected_stdout).read()
        ok = True
        if out != expected or p.returncode != a.expected_status:
            print(f"status {p.returncode} (expected {a.expected_status})")
            import difflib
            print("\n".join(difflib.unified_diff(expected.splitlines(), out.splitlines(),
                                                 "expected", "hart-run", lineterm="")))
            print("stderr:", p.stderr.decode(errors="replace")[-2000:])
            ok = False
        if os.path.exists("/hart_escape_probe"):
            print("ESCAPE: /hart_escape_probe was created on the host")
            os.unlink("/hart_escape_probe")
            ok = False
        if not os.path.exists(os.path.join(root, "hart_escape_probe")):
            print("the file created through /dangling is not in the root")
            ok = False
        if not os.path.islink(os.path.join(root, "a", "b", "abs")):
            print("a symlink in the root was damaged")
            ok = False
        st = os.stat("/dev/null")
        if not __import__("stat").S_ISCHR(st.st_mode) or (st.st_mode & 0o777) != 0o666:
            print("the host's /dev/null was changed")
            ok = False
        if not os.path.isfile("/etc/passwd"):
            print("the host's /etc/passwd is gone")
            ok = False
        return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
