#!/usr/bin/env python3
"""tests/security/run_exhaustion_test.py — one launch taking all it may of
what hartd shares between launches must hurt only itself.

Each round runs a hartd with a small table of what is exhausted and a
hostile launch (hog.c) that takes more than the whole of it and holds it.
Meanwhile a new control connection must be answered and a new launch (the
bystander) must start, open a file, start a thread and make an inotify
instance; the hog must have
been refused with Linux's errno for a full table, and hartd must survive.

- fds: hartd under RLIMIT_NOFILE 2048; the hog's children open files. hartd
  keeps the top of its table for itself and lets one launch hold a quarter
  of the rest (fd_table.h): the children are refused with ENFILE (Linux's
  answer when the system's file table is full) or EMFILE (their own
  limit), at least one with ENFILE.
- threads: hartd --max-threads 256; the hog starts threads. One launch may
  hold a quarter of the daemon's threads (process.h): EAGAIN.
- inotify: the hog makes inotify instances. The host's
  fs.inotify.max_user_instances (128 by default) is one pool for hartd's
  user: one launch may hold a quarter of it (fd_table.h
  inotify_launch_share): EMFILE, Linux's answer at that limit. The
  bystander must still make one.

And memory: a launch asks system calls that take a length for 1 GiB
buffers in memory it never touched (hog.c `buffers`); hartd must not hold
that much itself (its peak RSS, VmHWM, stays under 256 MiB), and the calls
answer what Linux answers.

And translated code: a launch makes hartd translate 57 MiB of code
(hog.c `code`: fresh functions, each called once, while another of its
threads spins in a loop that never leaves its block) under hartd
--code-cache 4M. Its cache is flushed whenever it holds 4 MiB, the
spinning thread is made to leave the flushed code so that it can be freed,
and hartd's peak RSS stays under 160 MiB (without the budget it passes
250 MiB); the functions return what they should, and another launch runs
meanwhile.

And control connections: when they fill hartd's fd table, accept fails
with EMFILE while a client stays queued; hartd must wait between tries (not
spin an io thread) and serve again once they close.

And what a launch leaves: a jailed hart-run guest writes 1 MiB into its
private /dev/shm; once hart-run has exited, that folder must be gone from
the host (hart-run ends with _exit, so no destructor removes it).

    run_exhaustion_test.py HARTD CLIENT_SCRIPTS_DIR SECURITY_BIN_DIR HART_RUN
"""
import glob
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import uuid

import sec_daemon


def hartd_died(name, h):
    return [f"{name}: hartd died: {h.proc.returncode}"] if h.proc.poll() is not None else []


def bystander_failed(name, out, ev):
    """The failure of a bystander launch (hog.c `bystander`), if it failed."""
    if out.split() != ["open:", "ok", "thread:", "ok", "inotify:", "ok"] or ev.get("exit_code") != 0:
        return [f"{name}: the bystander launch failed: {out!r} {ev}"]
    return []


def round_of(name, hartd, hartd_client, hog, hartd_options, hog_args, judge):
    failures = []
    with sec_daemon.running(hartd, hartd_client, "hart-exh-", **hartd_options) as h:
        c = hartd_client.Client(h.sock, timeout=30)
        done = os.path.join(h.tmp, "done")
        hpid = c.request("launch", argv=[hog, hog_args[0], done, *hog_args[1:]],
                         stdout="capture", stderr="capture")["pid"]
        held = sec_daemon.lines_of(c, hpid, 1)[0]
        print(f"{name}: {held}")
        if why := judge(held.split()):
            failures.append(f"{name}: {why}: {held}")
        try:
            c2 = hartd_client.Client(h.sock, timeout=10)
            c2.request("hello")
            bpid = c2.request("launch", argv=[hog, "bystander"], stdout="capture",
                              stderr="capture")["pid"]
            out, err, ev = sec_daemon.run_to_end(c2, bpid)
            print(f"{name}: bystander {out.split()} {err.strip()} {ev}")
            failures += bystander_failed(name, out, ev)
            c2.close()
        except (hartd_client.DaemonError, hartd_client.RequestError) as e:
            failures.append(f"{name}: hartd does not serve others while a launch holds it all: {e}")
        open(done, "w").close()
        _, _, ev = sec_daemon.run_to_end(c, hpid)
        if ev.get("exit_code") != 0:
            failures.append(f"{name}: hog status {ev}")
        c.close()
        failures += hartd_died(name, h)
    if failures:
        print("hartd log:\n" + h.log_text[-4000:])
    return failures


def judge_fds(w):  # hog N fds, EMFILE a, ENFILE b, other c
    return "" if w[-1] == "0" and w[-3].rstrip(",") != "0" else "not refused with ENFILE alone"


def judge_inotify(w):  # hog N inotify, EMFILE a, other b
    return "" if w[-1] == "0" and w[-3].rstrip(",") == "1" else "not refused with EMFILE"


def judge_threads(w):  # hog N threads, EAGAIN a, other b
    return "" if w[-1] == "0" and int(w[1]) < 256 else "not refused with EAGAIN within the limit"


def buffers(hartd, hartd_client, hog):
    failures = []
    with sec_daemon.running(hartd, hartd_client, "hart-exh-") as h:
        c = hartd_client.Client(h.sock, timeout=30)
        pid = c.request("launch", argv=[hog, "buffers"], stdout="capture", stderr="capture")["pid"]
        out, err, ev = sec_daemon.run_to_end(c, pid)
        with open(f"/proc/{h.proc.pid}/status") as f:
            hwm = [l for l in f if l.startswith("VmHWM:")][0].split()
        print("buffers:", out.split("\n"), err.strip(), ev, "hartd", *hwm)
        want = "recvmsg: EAGAIN\nsendmsg: ENOBUFS\nSIOCGIFCONF: ok\n"
        if out != want or ev.get("exit_code") != 0:
            failures.append(f"buffers: {out!r} {ev}, Linux: {want!r}")
        if int(hwm[1]) > 256 * 1024:
            failures.append(f"buffers: hartd's peak RSS reached {hwm[1]} kB")
        c.close()
    if failures:
        print("hartd log:\n" + h.log_text[-4000:])
    return failures


def code_churn(hartd, hartd_client, hog):
    failures = []
    with sec_daemon.running(hartd, hartd_client, "hart-exh-",
                            args=["--code-cache", "4M", "--translate-at", "1"]) as h:
        c = hartd_client.Client(h.sock, timeout=60)
        pid = c.request("launch", argv=[hog, "code", str(4 << 20), "4"], stdout="capture",
                        stderr="capture")["pid"]
        c2 = hartd_client.Client(h.sock, timeout=30)
        bpid = c2.request("launch", argv=[hog, "bystander"], stdout="capture", stderr="capture")["pid"]
        bout, _, bev = sec_daemon.run_to_end(c2, bpid)
        c2.close()
        out, err, ev = sec_daemon.run_to_end(c, pid)
        stats = c.request("stats", pid=pid)
        with open(f"/proc/{h.proc.pid}/status") as f:
            hwm = [l for l in f if l.startswith("VmHWM:")][0].split()
        print("code:", out.strip(), err.strip(), ev, "hartd", *hwm, "flushes",
              stats.get("code_cache_flushes"), "bystander", bout.split())
        if out.strip() != "code 65536 calls, sum ok" or ev.get("exit_code") != 0:
            failures.append(f"code: {out!r} {err!r} {ev}")
        if not stats.get("code_cache_flushes"):
            failures.append(f"code: the launch's code cache was never flushed: {stats}")
        if int(hwm[1]) > 160 * 1024:
            failures.append(f"code: hartd's peak RSS reached {hwm[1]} kB")
        failures += bystander_failed("code", bout, bev)
        c.close()
        failures += hartd_died("code", h)
    if failures:
        print("hartd log:\n" + h.log_text[-4000:])
    return failures


def connections(hartd, hartd_client):
    """Control connections fill hartd's fd table (RLIMIT_NOFILE 64): accept
    fails with EMFILE while a client stays queued. hartd must wait between
    tries rather than spin an io thread (an immediate retry fails at once,
    for ever), and must serve again once the connections close."""
    failures = []
    with sec_daemon.running(hartd, hartd_client, "hart-exh-", nofile=64) as h:
        held = []
        for _ in range(200):  # until the listen backlog is full too
            s = socket.socket(socket.AF_UNIX)
            s.setblocking(False)
            try:
                s.connect(h.sock)
            except BlockingIOError:
                s.close()
                break
            held.append(s)
        time.sleep(0.3)
        def cpu():
            with open(f"/proc/{h.proc.pid}/stat") as f:
                fields = f.read().rsplit(")", 1)[1].split()
            return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
        c0 = cpu()
        time.sleep(2)
        spent = cpu() - c0
        print(f"connections: {len(held)} held, hartd used {spent:.2f} s of CPU in 2 s")
        # A spinning accept loop takes a whole CPU; waiting between tries
        # takes next to none. (Half a CPU leaves room for a loaded machine.)
        if spent > 1.0:
            failures.append(f"connections: hartd spun ({spent:.2f} s CPU in 2 s with a full fd table)")
        for s in held:
            s.close()
        try:
            c = hartd_client.Client(h.sock, timeout=10)
            c.request("hello")
            c.close()
        except Exception as e:  # noqa: BLE001 (any failure is the finding)
            failures.append(f"connections: no answer once the table had room again: {e}")
    if failures:
        print("hartd log:\n" + h.log_text[-2000:])
    return failures


def jail_shm(hart_run, hog):
    failures = []
    root = tempfile.mkdtemp(prefix="hart-exh-root-")
    try:
        os.mkdir(os.path.join(root, "bin"))
        shutil.copy(hog, os.path.join(root, "bin", "hog"))
        marker = "hog-" + uuid.uuid4().hex
        r = subprocess.run([hart_run, "-R", root, "/bin/hog", "shm", marker], capture_output=True,
                           text=True, timeout=60)
        print("shm:", r.stdout.strip(), r.stderr.strip(), r.returncode)
        if r.returncode != 0 or "wrote" not in r.stdout:
            failures.append(f"shm: the guest failed: {r}")
        left = glob.glob(f"/dev/shm/hart-root-*/{marker}")
        if left:
            failures.append(f"shm: the jail's /dev/shm outlived hart-run: {left}")
            for f in left:
                shutil.rmtree(os.path.dirname(f), ignore_errors=True)
    finally:
        shutil.rmtree(root, ignore_errors=True)
    return failures


def main():
    hartd, scripts, bins, hart_run = sys.argv[1:5]
    signal.alarm(90)  # never hang ctest: fail with a traceback instead
    sys.path.insert(0, os.path.abspath(scripts))
    import hartd_client

    hog = os.path.join(bins, "hog.static")
    failures = round_of("fds", hartd, hartd_client, hog, {"nofile": 2048}, ["fds", "4"], judge_fds)
    failures += round_of("threads", hartd, hartd_client, hog, {"args": ["--max-threads", "256"]},
                         ["threads"], judge_threads)
    failures += round_of("inotify", hartd, hartd_client, hog, {}, ["inotify"], judge_inotify)
    failures += buffers(hartd, hartd_client, hog)
    failures += code_churn(hartd, hartd_client, hog)
    failures += connections(hartd, hartd_client)
    failures += jail_shm(hart_run, hog)
    if failures:
        print("FAILED: " + "; ".join(failures))
        return 1
    print("exhaustion stays with its launch")
    return 0


if __name__ == "__main__":
    sys.exit(main())
