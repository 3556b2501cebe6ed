"""tests/fuzz/fuzzlib.py — what the hartd fuzzers (control_fuzz.py,
rsp_fuzz.py, elf_fuzz.py) share: their options (--seed, --seconds, --hours,
--batch), a private hartd in a temporary folder, the health check after
every batch (hello, list, a real guest run to completion, hartd's fd count
bounded) and the failure report (seed, batch, its inputs, hartd's log).

Reproducible: batch I of seed S draws every input from Random("S:I"), so
`--seed S --batch I` replays the batch that failed (timing between
connections aside). Python 3 standard library only.

Owns: the fuzz loop and the daemon's health. Does not own: what is sent
(each fuzzer) or hartd's protocol client (client-scripts/hartd_client.py).
"""
import argparse
import os
import random
import select
import shlex
import signal
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "..", "client-scripts"))
import hartd_client  # noqa: E402

Client, RequestError, DaemonError = (hartd_client.Client, hartd_client.RequestError,
                                     hartd_client.DaemonError)

REPLY_TIMEOUT = 30  # seconds: a reply slower than this is a hang


class Failure(Exception):
    """hartd crashed, hung, leaked or stopped serving."""


def options(description, default_seconds):
    ap = argparse.ArgumentParser(description=description)
    ap.add_argument("--build", required=True, help="the build folder (bin/, guest/)")
    ap.add_argument("--src", default=os.path.join(HERE, "..", ".."),
                    help="the source folder (tables read from it; default: this checkout)")
    ap.add_argument("--seed", type=int, help="seed (default: random, printed)")
    ap.add_argument("--seconds", type=float, default=default_seconds,
                    help=f"run for this long (default {default_seconds})")
    ap.add_argument("--hours", type=float, help="run for this many hours (long mode)")
    ap.add_argument("--batch", type=int, help="replay only this batch of the seed")
    ap.add_argument("--keep", help="folder for the inputs of a failing batch (default: the temp folder, kept)")
    ap.add_argument("-v", "--verbose", action="store_true")
    return ap


def recv_ready(sock, timeout):
    """What sock has within timeout seconds: bytes, b"" at EOF or on an
    error (closed, reset), None if nothing came."""
    r, _, _ = select.select([sock], [], [], max(0, timeout))
    if not r:
        return None
    try:
        return sock.recv(1 << 20)
    except OSError:
        return b""


def until_exit(c, pid):
    """The output (bytes; data_b64 skipped) and the exit event of guest pid."""
    out, ev = [], {}
    while ev.get("event") != "exit" or ev.get("pid") != pid:
        ev = c.next_event()
        if ev.get("pid") == pid and ev["event"] == "output":
            out.append(ev.get("data", "").encode())
    return b"".join(out), ev


class Hartd:
    """A private hartd (--foreground, socket in `folder`)."""

    def __init__(self, build, folder, *extra):
        self.build = build
        self.folder = folder
        self.sock = os.path.join(folder, "hartd.sock")
        self.logfile = os.path.join(folder, "hartd.log")
        # HART_FUZZ_WRAP: a command to run hartd under, e.g. a debugger (see README).
        wrap = shlex.split(os.environ.get("HART_FUZZ_WRAP", ""))
        self.stdout = open(os.path.join(folder, "hartd.stdout"), "wb")
        self.proc = subprocess.Popen(
            wrap + [os.path.join(build, "bin", "hartd"), "--socket", self.sock, "--foreground",
             "--log-file", self.logfile, "--log-level", "warn", *extra],
            stdin=subprocess.DEVNULL, stdout=self.stdout, stderr=subprocess.PIPE, cwd=folder)
        deadline = time.monotonic() + 10
        while True:
            self.check_alive()
            try:
                self.client().close()
                break
            except DaemonError:
                if time.monotonic() > deadline:
                    raise Failure("hartd did not start")
                time.sleep(0.02)
        self.fd_base = None

    def client(self, timeout=REPLY_TIMEOUT):
        c = Client(self.sock)
        c.sock.settimeout(timeout)
        return c

    def check_alive(self):
        rc = self.proc.poll()
        if rc is not None:
            how = f"signal {signal.Signals(-rc).name}" if rc < 0 else f"status {rc}"
            raise Failure(f"hartd died ({how}): {self.proc.stderr.read().decode(errors='replace')[-2000:]}")

    def fds(self):
        return len(os.listdir(f"/proc/{self.proc.pid}/fd"))

    def guest(self, name):
        return os.path.join(self.build, "guest", name)

    def end_all_guests(self, c):
        """SIGKILL to every live guest tree; returns once none runs (reaping
        the launches, so that their statuses do not pile up)."""
        deadline = time.monotonic() + REPLY_TIMEOUT
        while True:
            guests = c.request("list")["guests"]
            live = [g for g in guests if g["state"] != "zombie"]
            for g in guests:
                if g["state"] == "zombie" and g["pid"] == g["launch"]:
                    try:
                        c.request("wait", pid=g["pid"], reap=True, timeout=0)
                    except RequestError:
                        pass
            if not live:
                return
            if time.monotonic() > deadline:
                raise Failure(f"guests do not end after SIGKILL: {live}")
            for g in live:
                try:
                    c.request("kill", pid=g["pid"], signal="SIGKILL", tree=True)
                except RequestError:
                    pass
            time.sleep(0.05)

    def health(self):
        """hartd answers hello and list, runs a real guest to completion,
        and (with every guest ended) holds no more fds than at its start."""
        self.check_alive()
        t0 = time.monotonic()
        try:
            c = self.client()
            try:
                if c.request("hello")["version"] != 1:
                    raise Failure("hello: wrong version")
                c.request("list")
                self.end_all_guests(c)
                # A batch may have sent `kill` to the next pid and closed
                # its connection; hartd may read that request only now, and
                # the pid is this launch's. Killed that way (a signal, no
                # core), it runs once more under the pid after.
                for attempt in range(2):
                    pid = c.request("launch", argv=[self.guest("hello.static")], stdout="capture")["pid"]
                    out, ev = until_exit(c, pid)
                    c.request("wait", pid=pid, reap=True)
                    if ev.get("exit_code") == 0 and b"Hello" in out:
                        break
                    if attempt or "signal" not in ev or ev.get("core"):
                        raise Failure(f"hello.static: {ev} {out!r}")
            finally:
                c.close()
        except (DaemonError, OSError) as e:
            self.check_alive()
            raise Failure(f"hartd does not serve (hang?) after {time.monotonic() - t0:.1f} s: {e}")
        self.check_alive()
        # fds: connections and guests of the batch are gone (hartd may still
        # be reading what a closed connection sent: guests it launches late
        # are ended too).
        if self.fd_base is None:
            self.fd_base = self.fds()
            return
        deadline = time.monotonic() + 10
        while self.fds() > self.fd_base + 2:
            if time.monotonic() > deadline:
                c = self.client()
                guests = c.request("list")["guests"]
                c.close()
                fds = sorted(f"{f}:{os.readlink(f'/proc/{self.proc.pid}/fd/{f}')}"
                             for f in os.listdir(f"/proc/{self.proc.pid}/fd"))
                raise Failure(f"hartd holds {len(fds)} fds, {self.fd_base} at the start: "
                              f"{' '.join(fds)}; guests: {guests}")
            time.sleep(0.1)
            c = self.client()
            self.end_all_guests(c)
            c.close()

    def log_tail(self, n=40):
        try:
            with open(self.logfile, errors="replace") as f:
                return "".join(f.readlines()[-n:])
        except OSError:
            return ""

    def stop(self):
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
                raise Failure("hartd did not stop on SIGTERM")
        self.proc.stderr.close()
        self.stdout.close()


class Inputs:
    """What a batch sent, for the failure report."""

    def __init__(self):
        self.items = []

    def add(self, kind, data):
        self.items.append((kind, data))

    def save(self, path):
        with open(path, "w") as f:
            for kind, data in self.items:
                f.write(f"{kind}\t{data!r}\n")


def run(name, args, batch, make_daemon=None, health=None):
    """The fuzz loop: batch(rng, inputs, ctx) until the time is up, each
    followed by the health check. ctx is a dict the fuzzer may use (it
    holds 'hartd' and 'tmp'). Exits 0, or 1 with a report."""
    seed = args.seed if args.seed is not None else random.SystemRandom().randrange(1 << 32)
    seconds = args.hours * 3600 if args.hours else args.seconds
    print(f"{name}: seed {seed} (replay: --seed {seed} [--batch I]), {seconds:g} s", flush=True)
    tmp = tempfile.mkdtemp(prefix=f"hart-{name}-")
    ctx = {"tmp": tmp, "build": os.path.abspath(args.build), "verbose": args.verbose}
    d = make_daemon(ctx) if make_daemon else Hartd(ctx["build"], tmp)
    ctx["hartd"] = d
    check = health or (lambda ctx: d.health())
    t0 = time.monotonic()
    i = args.batch if args.batch is not None else 0
    done = 0
    inputs = Inputs()
    try:
        check(ctx)  # the baseline
        while True:
            inputs = Inputs()
            rng = random.Random(f"{seed}:{i}")
            try:
                batch(rng, inputs, ctx)
            except (DaemonError, OSError) as e:
                d.check_alive()
                raise Failure(f"lost hartd: {e}")
            check(ctx)
            done += 1
            if args.verbose or done % 50 == 0:
                print(f"{name}: batch {i} ok ({time.monotonic() - t0:.0f} s)", flush=True)
            i += 1
            if args.batch is not None or time.monotonic() - t0 > seconds:
                break
        d.stop()
    except Failure as e:
        keep = args.keep or tmp
        os.makedirs(keep, exist_ok=True)
        path = os.path.join(keep, f"{name}-seed{seed}-batch{i}.inputs")
        inputs.save(path)
        print(f"{name}: FAILED in batch {i} of seed {seed}: {e}\n"
              f"replay: {sys.argv[0]} --build {args.build} --seed {seed} --batch {i}\n"
              f"inputs: {path}\nhartd log ({d.logfile}):\n{d.log_tail()}", flush=True)
        if d.proc.poll() is None:
            d.proc.kill()
        return 1
    print(f"{name}: {done} batches in {time.monotonic() - t0:.1f} s, hartd healthy", flush=True)
    if ctx.get("counts"):
        print(f"{name}: " + ", ".join(f"{k} {v}" for k, v in sorted(ctx["counts"].items())), flush=True)
    import shutil
    shutil.rmtree(tmp, ignore_errors=True)
    return 0
