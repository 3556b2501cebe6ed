#!/usr/bin/env python3
"""tests/security/run_cross_launch_test.py — two launches under one hartd,
one hostile: launch A (cross_attacker.c) is told the pid and a thread id
of launch B (cross_victim.c) and hartd's host pid and thread ids, and tries
to read or change B's per-thread CPU affinity and names and its /proc
settings (comm, oom_score_adj, timerslack_ns, loginuid, coredump_filter),
by those ids and by scanning id ranges. Run twice: A with the default
/proc view ("launch": B must look absent, ESRCH and ENOENT as Linux gives
for a task outside the pid namespace) and with proc_view "owner" (B is
listed, but read-only to A). Passes when A reports no breach and B's
state, as B itself reads it, is the same after the attacks as before.

    run_cross_launch_test.py HARTD CLIENT_SCRIPTS_DIR SECURITY_BIN_DIR
"""
import os
import signal
import sys

import sec_daemon


def round_with_view(c, hartd_pid, bins, tmp, view):
    failures = []
    done = os.path.join(tmp, "done-" + view)
    vpid = c.request("launch", argv=[os.path.join(bins, "cross_victim.static"), done],
                     stdout="capture", stderr="capture")["pid"]
    head = sec_daemon.lines_of(c, vpid, 2)
    _, pid_text, tid_text = head[0].split()
    assert int(pid_text) == vpid, head
    before = head[1]
    # Host ids: hartd's pid and its threads (the io_context's, vCPUs').
    host = [str(hartd_pid)] + sorted(os.listdir(f"/proc/{hartd_pid}/task"), key=int)[:16]
    argv = [os.path.join(bins, "cross_attacker.static"), view, pid_text, tid_text, *host]
    apid = c.request("launch", argv=argv, stdout="capture", stderr="capture", proc_view=view)["pid"]
    text, err, status = sec_daemon.run_to_end(c, apid)
    print(f"--- view {view}: attacker {apid} against victim {vpid} (thread {tid_text})")
    print("\n".join(l for l in text.splitlines() if not l.startswith("ok ")))
    if err:
        print("attacker stderr:", err)
    if any(l.startswith("BREACH") for l in text.splitlines()):
        failures.append(f"{view}: breaches")
    if "breaches: 0" not in text or status.get("exit_code") != 0:
        failures.append(f"{view}: the attacker did not finish cleanly: {status}")
    open(done, "w").close()
    after = sec_daemon.lines_of(c, vpid, 1)[0]
    print(before)
    print(after)
    if after.replace("after:", "before:", 1) != before:
        failures.append(f"{view}: the victim's state changed:\n  {before}\n  {after}")
    _, _, ev = sec_daemon.run_to_end(c, vpid)  # B's exit
    if ev.get("exit_code") != 0:
        failures.append(f"{view}: victim status {ev}")
    return failures


def main():
    hartd, scripts, bins = sys.argv[1:4]
    signal.alarm(90)  # never hang ctest: fail with a traceback instead
    sys.path.insert(0, os.path.abspath(scripts))
    import hartd_client

    failures = []
    with sec_daemon.running(hartd, hartd_client, "hart-cross-") as h:
        c = hartd_client.Client(h.sock, timeout=60)
        for view in ("launch", "owner"):
            failures += round_with_view(c, h.proc.pid, bins, h.tmp, view)
        if c.request("hello")["version"] != 1:
            failures.append("hartd does not answer")
        c.close()
        if h.proc.poll() is not None:
            failures.append(f"hartd died: {h.proc.returncode}")
    return sec_daemon.verdict(failures, h, "launches are isolated")


if __name__ == "__main__":
    sys.exit(main())
