#!/usr/bin/env python3
"""tests/daemon/capacity_test.py — how many guests one hartd holds: 4,000
concurrent sleeping guests (the tiny nolibc `sleeper`) in one daemon, all
accepted and all exiting 0; the launch past the daemon's address-space cap
answered with a `limit` error, not `exec_failed`; with no cap, the host's
own address space running out answers `limit` too. Prints what the guests
cost hartd (host VMAs, fds, threads and resident memory per guest) and how
long the launches took.

    capacity_test.py HARTD CLIENT_SCRIPTS_DIR GUEST_BIN_DIR [--guests N]
"""
import argparse
import os
import sys
import time
import unittest

import hartd_test  # its Daemon (tests/daemon/ is this script's folder)

GUEST = None
N = 4000
Client = None


class Daemon(hartd_test.Daemon):
    """hartd_test's daemon, with a file that ends the sleepers and a look
    at hartd's host resources."""

    def __init__(self, *extra):
        super().__init__(*extra)
        self.go = os.path.join(self.dir.name, "go")  # sleepers exit once it exists

    def usage(self):
        """(host VMAs, fds, threads, resident KiB) of hartd now."""
        pid = self.proc.pid
        with open(f"/proc/{pid}/maps") as f:
            maps = sum(1 for _ in f)
        with open(f"/proc/{pid}/status") as f:
            rss = next(int(l.split()[1]) for l in f if l.startswith("VmRSS:"))
        return (maps, len(os.listdir(f"/proc/{pid}/fd")), len(os.listdir(f"/proc/{pid}/task")), rss)

    def stop(self):
        open(self.go, "w").close()
        super().stop()


def launch_many(c, d, n, **fields):
    """Pipelines n launches of the sleeper on one connection: (pids, errors)."""
    sleeper = os.path.join(GUEST, "sleeper.nolibc")
    ids = [c.send("launch", argv=[sleeper, d.go, "100"], **fields) for _ in range(n)]
    pids, errors = [], []
    for rid in ids:
        r = c.wait_reply(rid)
        if r.get("ok"):
            pids.append(r["pid"])
        else:
            errors.append(r["error"])
    return pids, errors


def exits(c, pids):
    """The exit events of pids, until all have come."""
    want, got = set(pids), {}
    while len(got) < len(want):
        ev = c.next_event()
        if ev.get("event") == "exit" and ev.get("pid") in want:
            got[ev["pid"]] = ev
    return got


class Capacity(unittest.TestCase):
    def test_thousands_of_sleeping_guests_then_limit(self):
        # The cap admits exactly N guests of the default size (16 GiB).
        d = Daemon("--max-address-space", f"{16 * N}G")
        try:
            c = Client(d.sock)
            self.assertTrue(c.request("hello")["ok"])
            base = d.usage()
            t0 = time.monotonic()
            pids, errors = launch_many(c, d, N)
            took = time.monotonic() - t0
            self.assertEqual(errors, [], errors[:3])
            self.assertEqual(len(set(pids)), N)
            time.sleep(0.5)  # every vCPU has reached its first nanosleep
            peak = d.usage()
            running = c.request("stats")["guests_running"]
            self.assertEqual(running, N)
            per = [(b - a) / N for a, b in zip(base, peak)]
            print(f"\n{N} guests launched in {took:.2f} s; hartd before {base}, with them {peak} "
                  f"(VMAs, fds, threads, resident KiB); per guest {per[0]:.1f} VMAs, {per[1]:.1f} fds, "
                  f"{per[2]:.1f} threads, {per[3]:.0f} KiB", file=sys.stderr)
            # Room for them all well inside the host's limits here
            # (vm.max_map_count 65530, 20000 open files, pid_max 32768).
            self.assertLess(per[0], 13)
            self.assertLessEqual(per[1], 2.1)
            self.assertLessEqual(per[2], 2.1)
            # Resident memory: ~230 KiB a sleeping guest (its vCPU's jump
            # cache is half of it). 441 KiB when every host thread carried
            # a 68 KiB TLS image and the heat table was zeroed at once.
            self.assertLess(per[3], 340)

            # One more: the cap is reached, a `limit` error naming it.
            _, errors = launch_many(c, d, 1)
            self.assertEqual(len(errors), 1)
            self.assertEqual(errors[0]["code"], "limit", errors[0])
            self.assertIn("cap", errors[0]["message"])
            self.assertIn("guest address space", errors[0]["message"])

            open(d.go, "w").close()
            st = exits(c, pids)
            bad = {p: e for p, e in st.items() if e.get("exit_code") != 0}
            self.assertEqual(bad, {}, list(bad.items())[:3])
            # All released: room again.
            time.sleep(0.5)
            more, errors = launch_many(c, d, 2, address_space="1G")
            self.assertEqual(errors, [])
            exits(c, more)
            c.close()
        finally:
            d.stop()

    def test_host_address_space_running_out_is_a_limit(self):
        # 2^38-byte guests: the host's 2^47 bytes hold ~500 of them.
        d = Daemon()
        try:
            c = Client(d.sock)
            pids, errors = launch_many(c, d, 600, address_space="256G")
            self.assertGreater(len(pids), 400)
            self.assertTrue(errors)
            for e in errors:
                self.assertEqual(e["code"], "limit", e)
                self.assertIn("exhausted", e["message"])
            open(d.go, "w").close()
            st = exits(c, pids)
            self.assertTrue(all(e.get("exit_code") == 0 for e in st.values()))
            c.close()
        finally:
            d.stop()


def main():
    global GUEST, N, Client
    ap = argparse.ArgumentParser()
    ap.add_argument("hartd")
    ap.add_argument("scripts")
    ap.add_argument("guest")
    ap.add_argument("--guests", type=int, default=N)
    a, rest = ap.parse_known_args()
    hartd_test.HARTD, scripts, GUEST = (os.path.abspath(x) for x in (a.hartd, a.scripts, a.guest))
    N = a.guests
    sys.path.insert(0, scripts)
    import hartd_client
    Client = hartd_client.Client
    hartd_test.Client, hartd_test.DaemonError = Client, hartd_client.DaemonError
    unittest.main(argv=[sys.argv[0]] + rest, verbosity=2)


if __name__ == "__main__":
    main()
