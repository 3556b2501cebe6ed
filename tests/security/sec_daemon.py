"""tests/security/sec_daemon.py — the hartd of an isolation suite
(run_security_test.py, run_cross_launch_test.py): started on a private
socket in a temporary folder, waited for, stopped at the end, and the
suite's verdict printed with the tail of hartd's log when it failed; a
launch's output read from the control connection's events.
Owns: that start, stop, reading and verdict. Does not own: any attack.
"""
import contextlib
import os
import resource
import shutil
import subprocess
import tempfile
import time


class Hartd:
    def __init__(self, proc, sock, tmp):
        self.proc, self.sock, self.tmp = proc, sock, tmp
        self.log_text = ""  # hartd's log, once stopped


@contextlib.contextmanager
def running(hartd, client_module, prefix, nofile=None, args=()):
    """hartd --foreground on tmp/hartd.sock with more options `args`,
    answering when entered; with nofile, its RLIMIT_NOFILE (soft and hard)
    is that."""
    tmp = tempfile.mkdtemp(prefix=prefix)
    sock = os.path.join(tmp, "hartd.sock")
    log = os.path.join(tmp, "hartd.log")
    limit = (lambda: resource.setrlimit(resource.RLIMIT_NOFILE, (nofile, nofile))) if nofile else None
    proc = subprocess.Popen([hartd, "--socket", sock, "--foreground", "--log-file", log, *args],
                            stdin=subprocess.DEVNULL, preexec_fn=limit)
    h = Hartd(proc, sock, tmp)
    try:
        for _ in range(500):
            try:
                client_module.Client(sock).close()
                break
            except client_module.DaemonError:
                time.sleep(0.02)
        yield h
    finally:
        if proc.poll() is None:
            proc.terminate()
            proc.wait(timeout=10)
        with open(log) as f:
            h.log_text = f.read()
        shutil.rmtree(tmp, ignore_errors=True)


def verdict(failures, h, passed):
    """Prints the verdict; the exit status."""
    if failures:
        print("hartd log:\n" + h.log_text[-4000:])
        print("FAILED: " + "; ".join(failures))
        return 1
    print(passed)
    return 0


def lines_of(c, pid, count):
    """The launch's output until it has `count` lines (it must not exit before)."""
    out = b""
    while out.count(b"\n") < count:
        ev = c.next_event()
        if ev.get("pid") != pid:
            continue
        if ev["event"] == "output":
            out += ev["data"].encode()
        elif ev["event"] == "exit":
            raise SystemExit(f"launch {pid} exited early: {ev} {out!r}")
    return out.decode().splitlines()


def run_to_end(c, pid):
    """The launch's stdout and stderr (text) and its exit event, once it exits."""
    out = {"stdout": b"", "stderr": b""}
    while True:
        ev = c.next_event()
        if ev.get("pid") != pid:
            continue
        if ev["event"] == "output":
            out[ev["stream"]] += ev["data"].encode()
        elif ev["event"] == "exit":
            return out["stdout"].decode(errors="replace"), out["stderr"].decode(errors="replace"), ev
