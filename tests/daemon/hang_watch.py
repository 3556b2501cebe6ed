"""tests/daemon/hang_watch.py — makes a hang in a daemon test diagnosable
instead of a silent ctest timeout.

Owns: a per-test watchdog (a unittest.TestCase base whose run() arms a
timer), a client whose reads time out, and the dump both use: the Python
threads' tracebacks (faulthandler), every registered hartd's thread stacks
(`gdb -p PID -batch -ex 'thread apply all bt'`), its threads' kernel wait
channels, and the tail of its --log-file. When the watchdog expires it also
kills the registered hartds, so the test blocked on them fails with a
message and the file goes on; die_with_parent, so that a test killed by
ctest leaves no hartd behind. Does not own: starting daemons (the tests'
Daemon classes register theirs with watch()/unwatch()).

The budget of one test is TEST_SECONDS, but never past FILE_SECONDS after
the file started: ctest's TIMEOUT of the file (tests/CMakeLists.txt) kills
everything silently, so the dump must come before it.
"""
import contextlib
import ctypes
import faulthandler
import os
import signal
import shutil
import subprocess
import sys
import threading
import time
import unittest

FILE_START = time.monotonic()
FILE_SECONDS = float(os.environ.get("HART_TEST_FILE_SECONDS", "100"))
TEST_SECONDS = float(os.environ.get("HART_TEST_SECONDS", "60"))
READ_SECONDS = float(os.environ.get("HART_TEST_READ_SECONDS", "30"))

_daemons = []  # (process, log file path) of the hartds alive now
_lock = threading.Lock()
_dump_lock = threading.Lock()  # one dump at a time (a debugger attached twice fails)
_dumps = 0  # dumps so far


def die_with_parent():
    """preexec_fn of a daemon the tests start: it dies with the test
    (PR_SET_PDEATHSIG), so a test killed by ctest's timeout leaves no hartd
    behind holding guest pid claims."""
    ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG


def watch(proc, log_path):
    with _lock:
        _daemons.append((proc, log_path))


def unwatch(proc):
    with _lock:
        _daemons[:] = [d for d in _daemons if d[0] is not proc]


def _err(text):
    sys.stderr.write(text)
    sys.stderr.flush()


def _kernel_waits(pid):
    """One line per thread: tid, name, state, the kernel function it sleeps
    in, and its CPU time in clock ticks (a spinning thread's grows)."""
    lines = []
    try:
        tids = sorted(os.listdir(f"/proc/{pid}/task"), key=int)
    except OSError:
        return ""
    for tid in tids:
        try:
            with open(f"/proc/{pid}/task/{tid}/stat") as f:
                stat = f.read()
            with open(f"/proc/{pid}/task/{tid}/wchan") as f:
                wchan = f.read().strip()
        except OSError:
            continue
        name = stat[stat.index("(") + 1:stat.rindex(")")]
        fields = stat[stat.rindex(")") + 2:].split()
        state, cpu = fields[0], int(fields[11]) + int(fields[12])  # utime + stime
        lines.append(f"  {tid} {name!r} {state} {wchan} cpu {cpu}")
    return "\n".join(lines) + "\n"


def _unpinned():
    """The debugger may use every CPU, even when the test runs under taskset."""
    try:
        os.sched_setaffinity(0, range(os.cpu_count() or 1))
    except OSError:
        pass


def dump(why):
    """Everything that tells where a hang is, to stderr."""
    global _dumps
    with _dump_lock:
        _dumps += 1
        _dump(why)


def _dump(why):
    _err(f"\n===== hang_watch: {why} =====\n--- Python threads of the test:\n")
    faulthandler.dump_traceback(file=sys.stderr, all_threads=True)
    with _lock:
        daemons = list(_daemons)
    debugger = shutil.which("gdb") or shutil.which("gdb-multiarch")
    for proc, log_path in daemons:
        if proc.poll() is not None:
            continue
        _err(f"--- hartd {proc.pid}: threads and kernel waits:\n{_kernel_waits(proc.pid)}")
        if debugger:
            try:
                r = subprocess.run([debugger, "-p", str(proc.pid), "-batch", "-nx",
                                    "-ex", "set pagination off", "-ex", "thread apply all bt"],
                                   stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                                   stderr=subprocess.STDOUT, timeout=60, preexec_fn=_unpinned)
                _err(f"--- hartd {proc.pid}: thread stacks:\n"
                     + r.stdout.decode(errors="replace") + "\n")
            except subprocess.TimeoutExpired:
                _err(f"--- hartd {proc.pid}: {debugger} did not finish in 60 s\n")
            # A debugger killed while attached leaves its tracee stopped, and a
            # stopped hartd may hold what every hart instance waits for.
            with contextlib.suppress(OSError):
                os.kill(proc.pid, signal.SIGCONT)
        try:
            with open(log_path, errors="replace") as f:
                tail = f.readlines()[-80:]
            _err(f"--- hartd {proc.pid}: the last {len(tail)} lines of {log_path}:\n" + "".join(tail))
        except OSError as e:
            _err(f"--- hartd {proc.pid}: no log ({e})\n")
    _err("===== hang_watch: end =====\n")


class WatchedTest(unittest.TestCase):
    """A test that cannot hang the file: past its budget the state is
    dumped and the registered hartds are killed (the test then fails on
    the lost connection)."""

    def run(self, result=None):
        budget = max(5.0, min(TEST_SECONDS, FILE_START + FILE_SECONDS - time.monotonic()))
        dumps_before = _dumps

        def expire():
            with _dump_lock:  # after a client's dump in progress: no second one
                if _dumps == dumps_before:
                    _dump(f"{self.id()} still running after {budget:.0f} s")
            with _lock:
                daemons = list(_daemons)
            for proc, _ in daemons:
                _err(f"hang_watch: killing hartd {proc.pid} so that {self.id()} fails\n")
                proc.kill()

        timer = threading.Timer(budget, expire)
        timer.daemon = True
        timer.start()
        try:
            return super().run(result)
        finally:
            timer.cancel()


def watched_client(base, timeout_error):
    """A subclass of hartd_client.Client `base` whose reads give up after
    READ_SECONDS of silence, dumping the state first (timeout_error is
    hartd_client.DaemonTimeout)."""

    class WatchedClient(base):
        def __init__(self, path, timeout=READ_SECONDS):
            super().__init__(path, timeout=timeout)

        def read_some(self):
            try:
                return super().read_some()
            except timeout_error as e:
                dump(f"a client of {self.path}: {e}")
                raise

    return WatchedClient
