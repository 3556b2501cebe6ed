#!/usr/bin/env python3
"""tests/guest/syscalls/compare.py — CTest driver of the syscall suite.

Runs the native build of a program on the host and its riscv64 build under
hart-run, each in a fresh empty working directory, and fails unless stdout
and exit status are identical. The native run is the oracle (real Linux).
With --as-user NAME (when run as root), both runs are that user's (its uid,
gid and no supplementary groups), the working directory its own: what an
unprivileged process may not do must be refused alike; without root that
variant is skipped (status 77), the plain runs being unprivileged already.
"""
import argparse
import difflib
import os
import subprocess
import sys
import tempfile


def become(user):
    """A preexec_fn that makes the child that user (no supplementary groups)."""
    def pre():
        os.setgroups([])
        os.setgid(user.pw_gid)
        os.setuid(user.pw_uid)
    return pre


def run(argv, timeout, user=None):
    with tempfile.TemporaryDirectory(prefix="hart-sc-") as d:
        pre = None
        if user:
            os.chown(d, user.pw_uid, user.pw_gid)
            pre = become(user)
        try:
            p = subprocess.run(argv, cwd=d, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                               stdin=subprocess.DEVNULL, timeout=timeout, preexec_fn=pre)
        except subprocess.TimeoutExpired:
            return None, b"", b"TIMEOUT"
        return p.returncode, p.stdout, p.stderr


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--runner", required=True)
    ap.add_argument("--native", required=True)
    ap.add_argument("--guest", required=True)
    ap.add_argument("--timeout", type=float, default=60)
    ap.add_argument("--as-user", help="run both as this user (needs root; else skip)")
    ap.add_argument("--host-release", action="store_true",
                    help="hart-run reports the host's kernel release (-r), so a program that tests"
                         " features newer than the host's kernel only where uname shows them sees"
                         " the same release in both runs")
    ap.add_argument("--no-enosys", action="store_true",
                    help="also fail if hart-run -d unimp reports a syscall answered ENOSYS")
    a = ap.parse_args()
    user = None
    if a.as_user:
        if os.geteuid() != 0:
            print(f"skipped: --as-user {a.as_user} needs root (the plain runs are unprivileged already)")
            return 77
        import pwd
        user = pwd.getpwnam(a.as_user)
        # The build folder must be reachable by that user (not under /root).
        probe = subprocess.run(["/bin/sh", "-c", 'test -x "$0" && test -r "$1" && test -x "$2"',
                                a.native, a.guest, a.runner],
                               preexec_fn=become(user))
        if probe.returncode != 0:
            print(f"skipped: user {a.as_user} cannot reach the test programs (a build folder it cannot enter)")
            return 77
    nat = run([os.path.abspath(a.native)], a.timeout, user)
    runner = [os.path.abspath(a.runner)]
    if a.host_release:
        runner += ["-r", os.uname().release]
    log = None
    if a.no_enosys:
        fd, log = tempfile.mkstemp(prefix="hart-sc-unimp-")
        os.close(fd)
        if user:
            os.chown(log, user.pw_uid, user.pw_gid)
        runner += ["-d", "unimp", "-D", log]
    gst = run(runner + [os.path.abspath(a.guest)], a.timeout, user)
    ok = nat[0] == gst[0] and nat[1] == gst[1]
    if log:
        with open(log, errors="replace") as f:
            unsupported = [l for l in f if "Unsupported syscall" in l or "Unknown syscall" in l]
        os.unlink(log)
        if unsupported:
            print("hart-run answered ENOSYS:\n" + "".join(unsupported))
            ok = False
    if nat[0] is None:
        print("native run timed out")
        ok = False
    if not ok:
        print(f"status: native {nat[0]}, hart-run {gst[0]}")
        diff = difflib.unified_diff(nat[1].decode(errors="replace").splitlines(),
                                    gst[1].decode(errors="replace").splitlines(),
                                    "native", "hart-run", lineterm="")
        print("\n".join(diff))
        if gst[2]:
            print("hart-run stderr:", gst[2].decode(errors="replace")[-3000:])
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
