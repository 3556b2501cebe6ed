#!/usr/bin/env python3
"""tests/pysuite/run.py — CPython 3.13's own regression suites (Debian's
libpython3.13-testsuite in the riscv64 root) run under a runner with
`-L SYSROOT`, each test's outcome checked against the list of known failures
(tests/pysuite/known_failures.txt, with reasons).

Owns: which suites and which tests run (FULL, QUICK below), running regrtest
and reading its per-test results, the pass/fail summary. Does not own: the
sysroot (scripts/fetch-sysroot) nor CTest registration (tests/CMakeLists.txt
asks `--list` for the names of the quick groups).

usage:
  run.py --list                                   the quick groups (CTest)
  run.py --runner PATH --sysroot ROOT [--scratch DIR] GROUP...   quick groups
  run.py --runner PATH --sysroot ROOT --full [SUITE...]          long mode
  run.py --runner qemu-riscv64 ... --full         the oracle (qemu-riscv64 7.2)
Quick groups are bounded subsets (whole small suites or regrtest `--match`
selections) chosen to finish in about a minute in all on 2 cores. --full runs
every suite of FULL (or those named) sequentially with regrtest's --timeout,
and prints a summary: tests that pass, tests that fail as known (with the
reason), unexpected failures, and known failures that now pass.
Exit 0 when no test fails unexpectedly, 1 otherwise, 77 (CTest's skip) when
the root or its test package is missing.

Known failures (known_failures.txt): one line per test, `ID  REASON`, where ID
is `suite:Class.test_name` (a whole class: `suite:Class.*`) and REASON starts
with `env:` (fails under qemu-riscv64 too, for reasons of this container: no
network, root user, no tty...) or `hart:` (fails under hart-run only; the
cause is given).
"""
import argparse
import fnmatch
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
import xml.etree.ElementTree as ET

HERE = os.path.dirname(os.path.abspath(__file__))
SKIP = 77
PY = "/usr/bin/python3.13"

# The suites of issue 11's acceptance, fastest first, then more of the OS
# interface (descriptors, polling, mmap, locks, EINTR, threads and signals,
# terminals: each under half a minute under hart-run), then more suites that
# pass under both hart-run and qemu-riscv64.
FULL = ["test_tempfile", "test_shutil", "test_time", "test_pty", "test_signal",
        "test_sqlite3", "test_os", "test_subprocess", "test_socket", "test_asyncio",
        "test_fcntl", "test_select", "test_poll", "test_epoll", "test_selectors", "test_mmap",
        "test_posix", "test_resource", "test_eintr", "test_file_eintr", "test_threadsignals",
        "test_faulthandler", "test_termios",
        # More of the OS interface: paths and cwd, files, threads, users, ptys.
        "test_contextlib", "test_unittest", "test_fileio", "test_io", "test_threading", "test_thread",
        "test_queue", "test_logging", "test_socketserver", "test_glob", "test_stat",
        "test_genericpath", "test_posixpath", "test_pathlib", "test_pwd", "test_grp", "test_getpass",
        "test_wait3", "test_wait4", "test_fork1", "test_openpty", "test_ioctl", "test_tty",
        # The JIT on integer, float and decimal arithmetic, bytes and strings,
        # hashing and compression (each under 10 s under hart-run).
        "test_math", "test_float", "test_long", "test_int", "test_struct", "test_decimal",
        "test_fractions", "test_statistics", "test_cmath", "test_random", "test_re", "test_json",
        "test_bytes", "test_str", "test_array", "test_itertools", "test_hashlib", "test_zlib",
        "test_bz2", "test_lzma", "test_binascii"]
# Long mode's regrtest resources per suite: tests that only run with them
# (test_selectors' 2,000-socket epoll wait needs 'cpu', test_eintr 'walltime',
# test_socketserver's servers 'network': they listen on localhost only).
FULL_ARGS = {"test_selectors": ["-u", "cpu"], "test_eintr": ["-u", "walltime"],
             "test_socketserver": ["-u", "network"], "test_httpservers": ["-u", "network"],
             "test_xmlrpc": ["-u", "network"], "test_urllib2_localnet": ["-u", "network"]}

# Bounded subsets for the normal test command: group name -> regrtest arguments.
QUICK = {
    "tempfile": ["test_tempfile"],
    "shutil": ["test_shutil"],
    "time": ["test_time"],
    "contextlib": ["test_contextlib", "-m", "TestChdir"],
    "pty": ["test_pty"],
    "signal": ["test_signal", "-m", "PosixTests", "-m", "WakeupSignalTests",
               "-m", "PendingSignalsTests"],
    "sqlite3": ["test_sqlite3", "-m", "test_dbapi", "-m", "test_transactions"],
    "os": ["test_os", "-m", "FileTests", "-m", "StatAttributeTests", "-m", "UtimeTests",
           "-m", "MakedirTests", "-m", "WalkTests", "-m", "FwalkTests", "-m", "PosixUidGidTests",
           "-m", "Pep383Tests", "-m", "TestScandir", "-m", "PipeTests"],
    "subprocess": ["test_subprocess", "-m", "*.POSIXProcessTestCase.test_*pipe*",
                   "-m", "*.POSIXProcessTestCase.test_*close_fds*"],
    "socket": ["test_socket", "-m", "GeneralModuleTests", "-m", "BasicSocketPairTest",
               "-m", "UnixStreamBase*", "-m", "SendmsgUnixStreamTest",
               "-m", "RecvmsgUnixStreamTest", "-m", "SCMRightsTest"],
}

def load_known(path):
    known = {}
    with open(path) as f:
        for line in f:
            line = line.split("#", 1)[0].rstrip()
            if line:
                tid, _, reason = line.partition(" ")
                known[tid] = reason.strip()
    return known


def known_reason(known, tid):
    for pat, reason in known.items():
        if fnmatch.fnmatchcase(tid, pat):
            return reason
    return None


def test_id(suite, dotted):
    """suite:Class.test from test.test_os.Class.test (or a subpackage's)."""
    parts = dotted.split(".")
    return f"{suite}:{'.'.join(parts[-2:])}"


def parse(suite, xml_path, text):
    """{id: pass|fail|skip}: from regrtest's --junit-xml when it was written,
    else (a crash, a timeout) from the FAIL:/ERROR: lines and the '... ok' ends
    of the verbose output."""
    out = {}
    if os.path.exists(xml_path):
        try:
            for tc in ET.parse(xml_path).iter("testcase"):
                kids = {c.tag for c in tc}
                res = ("fail" if kids & {"failure", "error"} else
                       "skip" if "skipped" in kids or tc.get("status") == "skipped" else "pass")
                out[test_id(suite, tc.get("name", "?"))] = res
            return out
        except ET.ParseError:
            out = {}
    for m in re.finditer(r"^(\w+) \(([\w.]+)\).*? \.\.\. (ok|skipped)", text, re.M):
        out[test_id(suite, m.group(2))] = "pass" if m.group(3) == "ok" else "skip"
    for m in re.finditer(r"^(?:FAIL|ERROR): (\w+) \(([\w.]+)\)", text, re.M):
        out[test_id(suite, m.group(2))] = "fail"
    return out


def run_regrtest(runner, sysroot, args, scratch, timeout, log, xml_path):
    env = {"PATH": "/usr/bin:/bin", "LC_ALL": "C.UTF-8", "TZ": "UTC", "HOME": scratch,
           "TERM": "dumb", "TMPDIR": scratch, "PWD": scratch}
    argv = [runner, "-L", sysroot, sysroot + PY, "-m", "test", "-v",
            "--timeout", str(int(timeout)), "--junit-xml", xml_path, *args]
    t0 = time.time()
    try:
        p = subprocess.run(argv, cwd=scratch, env=env, stdin=subprocess.DEVNULL,
                           stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                           timeout=timeout + 60)
        text, status = p.stdout.decode(errors="replace"), p.returncode
    except subprocess.TimeoutExpired as e:
        text, status = (e.stdout or b"").decode(errors="replace") + "\n[run.py: TIMEOUT]\n", -1
    with open(log, "w") as f:
        f.write(" ".join(argv) + "\n" + text)
    return text, status, time.time() - t0


def check(suite, results, known, status, text, verbose):
    """Returns (unexpected, known_failed, now_passing) id lists."""
    unexpected, kfail, fixed = [], [], []
    for tid, res in sorted(results.items()):
        reason = known_reason(known, tid)
        if res == "fail":
            (kfail if reason else unexpected).append(tid)
        elif res == "pass" and reason:
            fixed.append(tid)
    # A crash, a timeout or a suite that did not load: no per-test line tells.
    if status != 0 and not unexpected and not kfail:
        tid = f"{suite}:<run>"
        if known_reason(known, tid) is None:
            unexpected.append(tid)
            if verbose:
                print(text[-3000:])
    return unexpected, kfail, fixed


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--list", action="store_true", help="print the quick group names")
    ap.add_argument("--runner", help="hart-run or qemu-riscv64")
    ap.add_argument("--sysroot")
    ap.add_argument("--scratch", default=None)
    ap.add_argument("--full", action="store_true", help="run whole suites (long mode)")
    ap.add_argument("--timeout", type=float, default=None,
                    help="seconds per regrtest run (default 240 quick, 1800 full)")
    ap.add_argument("--known", default=os.path.join(HERE, "known_failures.txt"))
    ap.add_argument("-v", "--verbose", action="store_true")
    ap.add_argument("names", nargs="*")
    a = ap.parse_args()
    if a.list:
        print("\n".join(QUICK))
        return 0
    if not a.runner:
        ap.error("--runner is required")
    if not a.sysroot or not os.path.exists(os.path.join(a.sysroot, ".hart-sysroot-stamp")):
        print(f"no sysroot at {a.sysroot} (scripts/fetch-sysroot could not build it?): skipped")
        return SKIP
    a.sysroot = os.path.abspath(a.sysroot)
    if os.sep in a.runner:
        a.runner = os.path.abspath(a.runner)
    if not os.path.exists(os.path.join(a.sysroot, "usr/lib/python3.13/test/test_os.py")):
        print(f"{a.sysroot} has no libpython3.13-testsuite (rerun scripts/fetch-sysroot): skipped")
        return SKIP
    if a.full:
        runs = [(s, [s, *FULL_ARGS.get(s, [])]) for s in (a.names or FULL)]
    else:
        unknown = [n for n in a.names if n not in QUICK]
        if unknown:
            ap.error(f"unknown group(s): {', '.join(unknown)}")
        runs = [(QUICK[n][0], QUICK[n]) for n in (a.names or QUICK)]
    timeout = a.timeout or (1800 if a.full else 240)
    known = load_known(a.known)
    os.umask(0o022)
    base = os.path.abspath(a.scratch or tempfile.mkdtemp(prefix="hart-pysuite-"))
    os.makedirs(base, exist_ok=True)
    total_unexpected, rows = [], []
    for suite, args in runs:
        d = os.path.join(base, f"{suite}-{os.path.basename(a.runner)}")
        shutil.rmtree(d, ignore_errors=True)
        os.makedirs(d)
        log = os.path.join(base, f"{suite}-{os.path.basename(a.runner)}.log")
        xml_path = log[:-4] + ".xml"
        if os.path.exists(xml_path):
            os.unlink(xml_path)
        text, status, secs = run_regrtest(a.runner, a.sysroot, args, d, timeout, log, xml_path)
        results = parse(suite, xml_path, text)
        unexpected, kfail, fixed = check(suite, results, known, status, text, a.verbose)
        counts = {k: sum(1 for r in results.values() if r == k) for k in ("pass", "fail", "skip")}
        rows.append((suite, counts, len(kfail), len(unexpected), secs, status))
        print(f"{suite}: {counts['pass']} passed, {counts['fail']} failed "
              f"({len(kfail)} known, {len(unexpected)} unexpected), {counts['skip']} skipped, "
              f"regrtest status {status}, {secs:.0f}s  [log: {log}]")
        for tid in unexpected:
            print(f"  UNEXPECTED FAILURE {tid}")
        if a.verbose:
            for tid in kfail:
                print(f"  known failure {tid}: {known_reason(known, tid)}")
        for tid in fixed:
            print(f"  now passes (known failure: {known_reason(known, tid)}): {tid}")
        total_unexpected += unexpected
    if len(rows) > 1:
        print(f"\n{'suite':16} {'pass':>5} {'fail':>5} {'known':>6} {'unexp':>6} {'skip':>5} {'secs':>6}")
        for suite, c, nk, nu, secs, _ in rows:
            print(f"{suite:16} {c['pass']:5} {c['fail']:5} {nk:6} {nu:6} {c['skip']:5} {secs:6.0f}")
    print(f"{'FAILED' if total_unexpected else 'ok'}: {len(total_unexpected)} unexpected failure(s)")
    return 1 if total_unexpected else 0


if __name__ == "__main__":
    sys.exit(main())
