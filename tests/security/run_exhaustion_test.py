#!/usr/bin/env python3
"""tests/security/run_exhaustion_test.py — one launch exhausting what hartd
shares between launches must hurt only itself.

File descriptors: hartd runs with RLIMIT_NOFILE 2048 and a hostile launch
(fd_hog.c) forks children that open files until refused, more than the
whole table holds. hartd keeps the top of its table for itself and lets
one launch hold a quarter of the rest (fd_table.h): the hog's children
must be refused with ENFILE (Linux's answer when the system's file table
is full) or EMFILE (their own limit), and at least one with ENFILE. While
the hog holds its fds, a new control connection must be answered and a
new launch must start, run and open a file, and hartd must survive.

    run_exhaustion_test.py HARTD CLIENT_SCRIPTS_DIR SECURITY_BIN_DIR
"""
import os
import signal
import sys

import sec_daemon


def fd_exhaustion(hartd, hartd_client, bins):
    failures = []
    hog = os.path.join(bins, "fd_hog.static")
    with sec_daemon.running(hartd, hartd_client, "hart-exh-", nofile=2048) as h:
        c = hartd_client.Client(h.sock, timeout=30)
        done = os.path.join(h.tmp, "done")
        hpid = c.request("launch", argv=[hog, done, "4"], stdout="capture", stderr="capture")["pid"]
        held = sec_daemon.lines_of(c, hpid, 2)[1]
        print(held)
        words = held.split()  # hog N fds, EMFILE a, ENFILE b, other c
        if words[-1] != "0" or words[-3].rstrip(",") == "0":
            failures.append("the hog was not refused with ENFILE alone: " + held)
        try:
            c2 = hartd_client.Client(h.sock, timeout=10)
            c2.request("hello")
            bpid = c2.request("launch", argv=[hog, done, "0"], stdout="capture",
                              stderr="capture")["pid"]
            out, err, ev = sec_daemon.run_to_end(c2, bpid)
            print("bystander:", out.strip(), err.strip(), ev)
            if ev.get("exit_code") != 0 or not out.startswith("open: "):
                failures.append(f"the bystander launch failed: {out!r} {ev}")
            c2.close()
        except (hartd_client.DaemonError, hartd_client.RequestError) as e:
            failures.append(f"hartd does not serve others while a launch holds its fds: {e}")
        open(done, "w").close()
        _, _, ev = sec_daemon.run_to_end(c, hpid)
        if ev.get("exit_code") != 0:
            failures.append(f"hog status {ev}")
        c.close()
        if h.proc.poll() is not None:
            failures.append(f"hartd died: {h.proc.returncode}")
    return failures, h


def main():
    hartd, scripts, bins = sys.argv[1:4]
    signal.alarm(90)  # never hang ctest: fail with a traceback instead
    sys.path.insert(0, os.path.abspath(scripts))
    import hartd_client

    failures, h = fd_exhaustion(hartd, hartd_client, bins)
    return sec_daemon.verdict(failures, h, "exhaustion stays with its launch")


if __name__ == "__main__":
    sys.exit(main())
