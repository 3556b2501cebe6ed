#!/usr/bin/env python3
"""tests/fuzz/control_fuzz.py — fuzzes hartd's control socket (Unix and
TCP with its token): random, mutated and structure-aware JSON lines built
from the op table of server/requests.cpp (every op, each field with
valid and hostile values: wrong types, huge and negative numbers, deep
nesting, invalid UTF-8, NULs), over-long lines, partial lines then a
disconnect, floods of concurrent connections, SCM_RIGHTS with junk fds.
After each batch hartd must answer hello and list, run hello.static to
completion and hold no more fds than at its start (fuzzlib.Hartd.health).
Every line hartd sends must be a JSON object with `ok` or `event`.

    control_fuzz.py --build BUILD --src SOURCE_DIR [--seconds N | --hours H] [--seed S]

Owns: the inputs. Does not own: the loop and the health check (fuzzlib.py).
"""
import array
import json
import os
import re
import socket
import struct
import sys
import time

import fuzzlib
from fuzzlib import Failure

# ---- the op table, read from server/requests.cpp ---------------------------------


def op_table(src):
    """{op: [(field, Type, required)]} and the nested objects' fields."""
    with open(os.path.join(src, "server", "requests.cpp")) as f:
        text = f.read()

    def fields(block):
        return [(n, t, r == "true") for n, t, r in
                re.findall(r'\{"(\w+)",\s*Type::(\w+),\s*(true|false)\}', block)]

    def named(var):
        return fields(re.search(var + r"\s*=\s*\{(.*?)\};", text, re.S).group(1))

    settings = named("kLaunchSettingFields")
    launch = fields(re.search(r"launch_fields\(\) \{(.*?)\n\}", text, re.S).group(1)) + settings
    table = re.search(r"table = \{(.*?)\n  \};", text, re.S).group(1)
    ops = {}
    for name, body in re.findall(r'\{"(\w+)",\s*(.*?),\s*op_\w+\}', table, re.S):
        ops[name] = launch if body.strip() == "launch_fields()" else fields(body)
    nested = {"limits": named("kLimitFields"), "gdb": named("kGdbFields"),
              "log": named("kLogFields"), "launch": settings}
    if len(ops) < 10 or "launch" not in ops or not ops["launch"] or not nested["limits"]:
        raise SystemExit(f"control_fuzz: could not read the op table of {src}/server/requests.cpp")
    return ops, nested


# ---- JSON text with what json.dumps cannot write ------------------------------------


class Raw:
    """Bytes put into the JSON text as they are (bad numbers, bad UTF-8...)."""

    def __init__(self, b):
        self.b = b


class Pairs(list):
    """An object as (key, value) pairs: duplicate keys allowed."""


def enc(v):
    if isinstance(v, Raw):
        return v.b
    if isinstance(v, Pairs):
        return b"{" + b",".join(enc(k) + b":" + enc(x) for k, x in v) + b"}"
    if isinstance(v, dict):
        return enc(Pairs(v.items()))
    if isinstance(v, list):
        return b"[" + b",".join(enc(x) for x in v) + b"]"
    return json.dumps(v).encode()


def deep(rng):
    n = rng.choice([63, 64, 65, 200, 5000, 100000, 400000])
    if rng.random() < 0.5:
        return Raw(b"[" * n + b"]" * n)
    return Raw(b'{"a":' * n + b"1" + b"}" * n)


RAW_NUMBERS = [b"1e999", b"-1e999", b"-0", b"1E+2", b"123456789012345678901234567890",
               b"-123456789012345678901234567890", b"1e-400", b"18446744073709551616",
               b"18446744073709551615", b"9223372036854775808", b"-9223372036854775809",
               b"2147483648", b"4294967296", b"0.5", b"1.0", b"00", b"01", b"-", b"1.", b".5",
               b"NaN", b"Infinity", b"0x10"]
RAW_STRINGS = [b'"\xff\xfe"', b'"\xc0\x80"', b'"\xed\xa0\x80"', b'"a\x00b"', b'"\\ud800"',
               b'"\\udc00\\ud800"', b'"\\u0000"', b'"\x80"', b'"\xf4\x90\x80\x80"', b'"\\x41"',
               b'"tab\there"', b'"nl\\nhere"', b'"\xe2\x82"', b'"\\', b'"']


def hostile(rng):
    c = rng.random()
    if c < 0.25:
        return rng.choice([None, True, False, 0, -1, 1, 2 ** 31 - 1, 2 ** 31, 2 ** 32, 2 ** 53 + 1,
                           2 ** 63 - 1, 2 ** 63, 2 ** 64 - 1, -2 ** 63, 1e308, -1e308, 1.5, -0.0,
                           5e-324, 1e12, 65, 64, -65])
    if c < 0.45:
        return Raw(rng.choice(RAW_NUMBERS + RAW_STRINGS))
    if c < 0.6:
        return rng.choice(["", " ", "\u0000", "a\u0000b", "x" * rng.choice([255, 4097, 70000]),
                           "\U0001F600", "SIG", "SIGKILL\u0000", "-1", "1e9", "16G\u0000"])
    if c < 0.8:
        return rng.choice([[], {}, [1], [""], [None], {"a": 1}, [[]], {"": {}},
                           ["x"] * rng.randint(1, 3000), list(range(rng.randint(1, 500)))])
    if c < 0.9:
        return deep(rng)
    return Pairs([("file", "/x"), ("file", 1), ("fd", True), ("append", "no")][:rng.randint(0, 4)])


# ---- valid-looking values, per field -------------------------------------------------


class Env:
    """What a batch knows: paths, recent guest pids."""

    def __init__(self, ctx):
        self.tmp = ctx["tmp"]
        self.hartd = ctx["hartd"]
        self.pids = ctx.setdefault("pids", [1000])

    def path(self, rng, kind="file"):
        t = self.tmp
        return rng.choice([f"{t}/files/f{rng.randint(0, 7)}", f"{t}/nodir/x", t, f"{t}/files",
                           "/dev/null", "/dev/full", "", "relative/f", f"{t}/files/" + "n" * 300,
                           f"{t}/" + "d/" * 3000, "/proc/self/fd/9999"])

    def program(self, rng):
        g = self.hartd.guest
        return rng.choice([g("hello.static")] * 4 + [
            g("spin.static"), g("cat_stdin.static"), g("exit_status.static"), g("sleeper.nolibc"),
            g("hello.dynamic"), g("exit_status.nolibc-pie"), g("threads.static"), "/dev/null",
            "/dev/zero", self.tmp, "/nonexistent/prog", "relative", "/proc/self/exe",
            "/" + "x" * 5000, os.path.dirname(g("x")), g("hello.static") + "/", "/etc/passwd"])

    def value(self, rng, name, typ, nested):
        """A value that fits the field's meaning (mostly valid)."""
        if name == "argv":
            prog = self.program(rng)
            args = rng.choice([[], ["0.05"], ["0"], ["3"], ["x" * 1000], ["a"] * 200, ["\u00e9\U0001F600"]])
            return [prog] + args
        if name == "env":
            return rng.choice([[], ["A=1"], ["A"], ["=x"], [""], ["K=" + "v" * 100000],
                               [f"K{i}=v" for i in range(rng.randint(1, 20000))]])
        if name in ("cwd", "sysroot", "root"):
            return rng.choice(["/", self.tmp, "/usr/riscv64-linux-gnu", "/nonexistent", "/dev/null",
                               "/proc", "relative", "", os.path.dirname(self.hartd.guest("x"))])
        if name in ("stdin", "stdout", "stderr"):
            return rng.choice(["null", "capture", "capture", {"fd": True},
                               {"file": self.path(rng)}, {"file": self.path(rng), "append": True}])
        if name in ("gdb", "log", "limits", "launch") and typ == "Object":
            return {n: self.value(rng, n, t, nested) for n, t, _ in nested[name]
                    if rng.random() < 0.5}
        if name == "listen":
            return rng.choice(["127.0.0.1:0", "unix:" + f"{self.tmp}/g{rng.randint(0, 3)}.sock",
                               "0.0.0.0:0", "[::1]:0", "localhost:0", "127.0.0.1:99999",
                               "127.0.0.1:-1", "unix:", "unix:relative", "unix:/" + "s" * 200,
                               "garbage", ":", "127.0.0.1:", "8.8.8.8:53", "unix:" + self.tmp])
        if name in ("categories",):
            return rng.choice(["", "strace", "in_asm,int", "int,page,unimp,guest_errors", "help",
                               "bogus", ",", "strace,strace", "nochain"])
        if name == "file":  # log files
            return f"{self.tmp}/logs/l{rng.randint(0, 3)}" if rng.random() < 0.7 else self.path(rng)
        if name == "address_space":
            return rng.choice(["1G", "16G", "256G", "512G", "0", "1", "-1G", "16GG", "", "G",
                               "99999999999999999999T", 1 << 30, 1 << 34, 3 << 30, 0, "1T", "4K"])
        if name == "signal":
            return rng.choice(["SIGTERM", "TERM", "sigkill", "SIGSTOP", "SIGCONT", "SIGUSR1",
                               "SIGRTMIN+3", "SIGRTMAX", "SIG65", 0, 9, 19, 18, 64, "15", "KILL"])
        if name == "pid":
            return rng.choice(self.pids + [1, 999, 2 ** 31 - 1, self.pids[-1] + 1])
        if name == "data":
            return rng.choice(["", "x\n", "\u0000" * 10, "y" * 200000])
        if name == "data_b64":
            return rng.choice(["", "aGVsbG8K", "!!!", "a", "aGVsbG8=", "=" * 8, "QQ" * 50000])
        if name in ("timeout", "grace_seconds"):
            return rng.choice([0, 0.01, 0.2, 1e11])
        if name == "token":
            return rng.choice(["", "wrong", self.hartd.token if hasattr(self.hartd, "token") else ""])
        if name == "memory_bytes":
            return rng.choice([0, 1, 4096, 1 << 20, 64 << 20, 2 ** 64 - 1, 2 ** 63])
        if name in ("cpu_seconds", "wall_seconds"):
            return rng.choice([0, 0.001, 0.5, 2, 1e11])
        if name == "processes":
            return rng.choice([0, 1, 2, 10, 1000000, 1000001])
        if name == "open_files":
            return rng.choice([0, 1, 2, 3, 4, 64, 65536, 65537])
        return {"Bool": rng.random() < 0.5, "String": "x", "Count": rng.randint(0, 10),
                "Seconds": rng.random(), "Pid": 1000, "StringArray": ["a"], "Object": {},
                "Size": "16G", "Signal": 15, "Stdio": "null"}.get(typ, None)


def request(rng, ops, nested, env):
    """One request object: an op of the table with its fields, valid or not."""
    op = rng.choice(list(ops) + ["", "HELLO", "nope", "launch ", "hello\u0000"])
    obj = Pairs()
    r = rng.random()
    obj.append(("id", rng.randint(1, 10 ** 6) if r < 0.7 else hostile(rng) if r < 0.85
                else rng.choice(["s", "", 2 ** 64 - 1, -5])))
    if rng.random() < 0.97:
        obj.append(("op", op if rng.random() < 0.95 else hostile(rng)))
    for name, typ, required in ops.get(op, []):
        if not required and rng.random() < 0.5:
            continue
        if required and rng.random() < 0.05:
            continue
        obj.append((name, env.value(rng, name, typ, nested) if rng.random() < 0.75 else hostile(rng)))
    if rng.random() < 0.08:
        obj.append((rng.choice(["extra", "Op", "ID", "", "argv", "id"]), hostile(rng)))
    if op == "shutdown":
        obj.append(("not_a_field", 1))  # never a valid shutdown: the daemon must stay
    if rng.random() < 0.1:
        rng.shuffle(obj)
    return obj


def mutate(rng, line):
    b = bytearray(line)
    for _ in range(rng.randint(1, 8)):
        if not b:
            break
        i = rng.randrange(len(b))
        c = rng.random()
        if c < 0.3:
            b[i] = rng.randrange(256)
        elif c < 0.5:
            del b[i:i + rng.randint(1, 8)]
        elif c < 0.7:
            b[i:i] = rng.choice([b"\x00", b"\xff", b"{", b"[", b"\"", b"\\", b",", b":", b"}", b"]",
                                 b"\r", b"-1", b"1e999", b'"id":1,', b"\xe2\x82"])
        elif c < 0.85:
            j = rng.randrange(len(b))
            b[i:i] = b[j:j + rng.randint(1, 40)]
        else:
            b = b[:i]
    return bytes(b).replace(b"\n", b" ")


def line(rng, ops, nested, env):
    """One line to send (bytes ending in a newline, except a cut one)."""
    c = rng.random()
    if c < 0.6:
        data = enc(request(rng, ops, nested, env))
    elif c < 0.8:
        data = mutate(rng, enc(request(rng, ops, nested, env)))
        if b"shutdown" in data or b"\\u" in data:
            data = b'{"id":1,"op":"list"}'
    elif c < 0.88:
        data = bytes(rng.randrange(256) for _ in range(rng.randint(0, 300))).replace(b"\n", b"")
    elif c < 0.94:
        data = enc(Pairs([("id", 1), ("op", rng.choice(list(ops))), ("argv", deep(rng))]))
    else:
        data = rng.choice([b"", b" \t", b"\r", b"{}", b"[]", b"null", b"1", b'"x"', b"{\"id\":1}",
                           b'{"op":"hello"}', b"\x00", b"{\"id\":1,\"op\":\"hello\"}\r"])
    return data + b"\n"


# ---- connections -----------------------------------------------------------------------


class Conn:
    """A raw connection that checks every line hartd sends."""

    def __init__(self, d, pids, tcp=False):
        self.pids = pids  # pids of launch replies go here
        if tcp:
            self.s = socket.create_connection(("127.0.0.1", d.tcp_port), timeout=fuzzlib.REPLY_TIMEOUT)
        else:
            self.s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
            self.s.settimeout(fuzzlib.REPLY_TIMEOUT)
            self.s.connect(d.sock)
        self.buf = b""
        self.ids = set()

    def send(self, data, fds=()):
        try:
            if fds:
                sent = self.s.sendmsg([data], [(socket.SOL_SOCKET, socket.SCM_RIGHTS,
                                                array.array("i", fds))])
                self.s.sendall(data[sent:])
            else:
                self.s.sendall(data)
            return True
        except OSError:  # hartd closed it (TCP before hello, a reader too slow...)
            return False

    def drain(self, block=False):
        """Reads what is there; checks the lines. False at EOF."""
        while True:
            chunk = fuzzlib.recv_ready(self.s, fuzzlib.REPLY_TIMEOUT if block else 0)
            if chunk is None and block:
                raise Failure("no reply within %d s (hang?)" % fuzzlib.REPLY_TIMEOUT)
            if chunk is None or not chunk:
                return chunk is None
            self.buf += chunk
            while b"\n" in self.buf:
                ln, self.buf = self.buf.split(b"\n", 1)
                try:
                    msg = json.loads(ln)
                except ValueError:
                    raise Failure(f"hartd sent a line that is not JSON: {ln[:200]!r}")
                if not isinstance(msg, dict) or ("ok" not in msg and "event" not in msg):
                    raise Failure(f"hartd sent a line without ok or event: {ln[:200]!r}")
                if "id" in msg and isinstance(msg["id"], (str, int)):
                    self.ids.add(msg["id"])
                if msg.get("ok") and isinstance(msg.get("pid"), int) and "event" not in msg:
                    self.pids.append(msg["pid"])
            if block:
                return True

    def sync(self, tag):
        """Sends hello with id `tag` and reads until its reply."""
        if not self.send(enc({"id": tag, "op": "hello"}) + b"\n"):
            return False
        deadline = time.monotonic() + fuzzlib.REPLY_TIMEOUT
        while tag not in self.ids:
            if time.monotonic() > deadline:
                raise Failure(f"no reply to hello {tag} (hang?)")
            if not self.drain(block=True):
                return False
        return True

    def close(self, rst=False):
        if rst:
            self.s.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        self.s.close()


def junk_fds(rng, tmp):
    """Open fds of many kinds; the caller closes them."""
    fds = []
    for _ in range(rng.randint(1, 24)):
        k = rng.randrange(9)
        try:
            if k == 0:
                fds.append(os.open("/dev/null", os.O_RDWR))
            elif k == 1:
                fds.extend(os.pipe())
            elif k == 2:
                a, b = socket.socketpair()
                fds += [a.detach(), b.detach()]
            elif k == 3:
                fds.append(os.eventfd(0))
            elif k == 4:
                fds.append(os.open(tmp, os.O_RDONLY | os.O_DIRECTORY))
            elif k == 5:
                fds.append(os.memfd_create("junk"))
            elif k == 6:
                s = socket.socket()
                s.bind(("127.0.0.1", 0))
                s.listen()
                fds.append(s.detach())
            elif k == 7:
                fds.append(os.open("/proc/self/stat", os.O_RDONLY))
            else:
                fds.append(os.open(os.path.join(tmp, "files", "passed"), os.O_RDWR | os.O_CREAT, 0o600))
        except OSError:
            pass
    return fds


# ---- batches ---------------------------------------------------------------------------


def batch(rng, inputs, ctx):
    d = ctx["hartd"]
    env = Env(ctx)
    ops, nested = ctx["ops"]
    kind = rng.choice(["stream"] * 5 + ["flood", "fds", "fds", "long", "tcp", "tcp"])
    inputs.add("batch", kind)
    if kind in ("stream", "tcp"):
        tcp = kind == "tcp"
        c = Conn(d, env.pids, tcp=tcp)
        if tcp:
            r = rng.random()
            hello = (enc({"id": 0, "op": "hello", "token": d.token}) + b"\n" if r < 0.7
                     else line(rng, ops, nested, env))
            inputs.add("send", hello)
            c.send(hello)
        data = b"".join(line(rng, ops, nested, env) for _ in range(rng.randint(5, 60)))
        inputs.add("send", data)
        pos = 0
        while pos < len(data):  # in chunks that cut lines anywhere
            n = rng.choice([1, 7, 100, 4096, 65536, len(data)])
            if not c.send(data[pos:pos + n]):
                break
            pos += n
            if rng.random() < 0.3 and not c.drain():
                break
        end = rng.random()
        if end < 0.5:
            c.sync("end")
        elif end < 0.8:
            c.send(b'{"id":"cut","op":"lau')  # a partial line, then gone
            c.close(rst=rng.random() < 0.5)
            return
        c.close(rst=rng.random() < 0.3)
    elif kind == "flood":
        conns = []
        for _ in range(rng.randint(20, 150)):
            try:
                c = Conn(d, env.pids, tcp=rng.random() < 0.2)
            except OSError as e:
                raise Failure(f"connection {len(conns)} refused: {e}")
            conns.append(c)
            ln = line(rng, ops, nested, env)
            c.send(ln[:rng.randint(0, len(ln))])
        inputs.add("flood", len(conns))
        if conns:
            conns[-1].send(enc({"id": "x", "op": "list"}) + b"\n")
        for c in conns:
            c.close(rst=rng.random() < 0.3)
    elif kind == "fds":
        c = Conn(d, env.pids)
        for _ in range(rng.randint(3, 15)):
            fds = junk_fds(rng, d.folder)
            r = rng.random()
            if r < 0.5:
                stdio = {k: {"fd": True} for k in ("stdin", "stdout", "stderr") if rng.random() < 0.6}
                req = dict(id=rng.randint(1, 99), op="launch",
                           argv=[env.program(rng)] + rng.choice([[], ["0.05"]]), **stdio)
                data = enc(req) + b"\n"
            else:
                data = line(rng, ops, nested, env)
            if rng.random() < 0.2:  # fds with the second line of two
                data = b'{"id":1,"op":"list"}\n' + data
            inputs.add("sendmsg", (data, len(fds)))
            # At most 253 fds go in one message (SCM_MAX_FD).
            ok = c.send(data, fds[:253])
            for fd in fds:
                os.close(fd)
            if not ok:
                break
            c.drain()
        if rng.random() < 0.5:
            c.sync("end")
        c.close()
    elif kind == "long":
        c = Conn(d, env.pids)
        r = rng.random()
        if r < 0.4:
            data = b'{"id":1,"op":"hello","token":"' + b"x" * ((1 << 20) + rng.randint(-40, 40)) + b'"}\n'
        elif r < 0.7:
            data = b"[" * rng.randint(1 << 20, 3 << 20)  # no newline: discarded to the end
        else:
            data = enc({"id": 2, "op": "launch", "argv": [d.guest("hello.static")],
                        "env": ["K%d=%s" % (i, "v" * 60) for i in range(12000)]}) + b"\n"
        inputs.add("send", data[:200] + b"... (%d bytes)" % len(data))
        c.send(data)
        if rng.random() < 0.6 and (data.endswith(b"\n") or rng.random() < 0.5):
            c.send(b"\n")
            c.sync("end")
        c.close()
    del env.pids[:-50]


def main():
    ap = fuzzlib.options(__doc__.split("\n")[0], default_seconds=12)
    args = ap.parse_args()
    ops, nested = op_table(args.src)

    def make_daemon(ctx):
        s = socket.socket()
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
        s.close()
        os.makedirs(os.path.join(ctx["tmp"], "files"))
        os.makedirs(os.path.join(ctx["tmp"], "logs"))
        d = fuzzlib.Hartd(ctx["build"], ctx["tmp"], "--tcp", f"127.0.0.1:{port}",
                          "--tcp-auth-seconds", "2", "--keep-ended", "64",
                          "--default-processes", "16", "--max-processes", "256")
        d.tcp_port = port
        with open(d.sock + ".token") as f:
            d.token = f.read().strip()
        return d

    ctx_ops = (ops, nested)
    print(f"control_fuzz: ops {', '.join(ops)}")

    def batch_with_ops(rng, inputs, ctx):
        ctx["ops"] = ctx_ops
        batch(rng, inputs, ctx)

    sys.exit(fuzzlib.run("control_fuzz", args, batch_with_ops, make_daemon=make_daemon))


if __name__ == "__main__":
    main()
