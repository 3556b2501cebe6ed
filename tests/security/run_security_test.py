#!/usr/bin/env python3
"""tests/security/run_security_test.py — the isolation suite: two guests in
one hartd, one holding a secret (victim.c), the other hostile (attacker.c).
The attacker is told the victim's pid and the secret's address, hartd's
host pid, the control socket's path and a TCP and a Unix gdb endpoint
(opened on the victim and hartd's extended-remote endpoint), and tries
every path it knows. Passes when it reports no breach, the victim's secret
is intact, hartd still answers and is unharmed, and nothing of the
attacker's reached the control plane.

    run_security_test.py HARTD CLIENT_SCRIPTS_DIR SECURITY_BIN_DIR [--jail]

--jail runs the attacker in a root (a folder with just its program): the
control socket and gdb endpoints are then named by host paths it cannot
see, plus a symlink inside the root that points at the control socket;
it is told the root's host path, which it must find nowhere.
"""
import argparse
import os
import shutil
import signal
import sys

import sec_daemon


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("hartd")
    ap.add_argument("scripts")
    ap.add_argument("bins")
    ap.add_argument("--jail", action="store_true")
    args = ap.parse_args()
    signal.alarm(90)  # a guest stopped by a debugger that got through waits for ever
    sys.path.insert(0, os.path.abspath(args.scripts))
    import hartd_client

    failures = []
    with sec_daemon.running(args.hartd, hartd_client, "hart-sec-") as h:
        d, sock, tmp = h.proc, h.sock, h.tmp
        c = hartd_client.Client(sock)
        done = os.path.join(tmp, "done")
        victim = os.path.join(args.bins, "victim.static")
        vpid = c.request("launch", argv=[victim, done], stdout="capture", stderr="capture")["pid"]
        _, vpid_s, vaddr = sec_daemon.lines_of(c, vpid, 1)[0].split()[:3]
        assert int(vpid_s) == vpid, (vpid_s, vpid)
        gdb_tcp = c.request("gdb", pid=vpid, listen="127.0.0.1:0")["gdb"]
        gdb_port = gdb_tcp.rsplit(":", 1)[1]
        gdb_unix_path = os.path.join(tmp, "multi.sock")
        c.request("gdb_multi", listen="unix:" + gdb_unix_path)

        attacker = os.path.join(args.bins, "attacker.static")
        scratch = os.path.join(tmp, "scratch")
        os.mkdir(scratch)
        launch = {}
        if args.jail:
            root = os.path.join(tmp, "root")
            os.makedirs(os.path.join(root, "bin"))
            os.makedirs(os.path.join(root, "tmp"))
            shutil.copy(attacker, os.path.join(root, "bin", "attacker"))
            os.symlink(sock, os.path.join(root, "tmp", "ctl"))  # a way out, if symlinks escaped
            argv = ["/bin/attacker", str(vpid), vaddr, str(d.pid), "/tmp/ctl", gdb_port,
                    gdb_unix_path, "/tmp", os.path.realpath(root)]
            launch["root"] = root
        else:
            argv = [attacker, str(vpid), vaddr, str(d.pid), sock, gdb_port, gdb_unix_path,
                    scratch]
        apid = c.request("launch", argv=argv, stdout="capture", stderr="capture", **launch)["pid"]
        text, err, status = sec_daemon.run_to_end(c, apid)
        print(text)
        if err:
            print("attacker stderr:", err)
        breaches = [l for l in text.splitlines() if l.startswith("BREACH")]
        if breaches:
            failures.append("%d breaches" % len(breaches))
        if "breaches: 0" not in text:
            failures.append("the attacker did not finish: %r" % status)
        if "own /proc/self/mem: works" not in text:
            failures.append("the guest's own /proc/self/mem does not work")
        if status.get("exit_code") != 0:
            failures.append("attacker status %r" % status)
        # The victim is intact and hartd answers.
        open(done, "w").close()
        vout, _, _ = sec_daemon.run_to_end(c, vpid)
        if "secret intact" not in vout:
            failures.append("victim: %r" % vout)
        if c.request("hello")["version"] != 1:
            failures.append("hartd does not answer")
        c.close()
        if d.poll() is not None:
            failures.append("hartd died: %r" % d.returncode)
    return sec_daemon.verdict(failures, h, "isolation holds")


if __name__ == "__main__":
    sys.exit(main())
