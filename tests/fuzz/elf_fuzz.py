#!/usr/bin/env python3
"""tests/fuzz/elf_fuzz.py — fuzzes the ELF loader: mutants of the real
guest programs (build/guest/*.static, *.dynamic, *.nolibc, *.nolibc-pie)
with hostile ELF headers and program headers (type, machine, class, entry,
phoff/phnum/phentsize; segment types, flags — execute-only text,
writable+executable, none —, offsets and addresses past the file or the
address space, unaligned, overlapping, p_filesz > p_memsz, huge p_memsz,
odd alignments), PT_INTERP pointing at missing files, folders, devices,
itself, x86 programs, unterminated or huge; truncated files and flipped
bytes, launched through hartd (`launch`) and through hart-run.

Every mutant runs in a jail (the launch field `root`, hart-run -R: a
temporary folder with the mutants and the riscv64 ld.so and libc): mutated
code makes system calls with random arguments, and the fuzzer may run as
root (a mutant of root_jail.static once chmod'ed the host's /dev).

Each must give a clean error (hartd: `exec_failed` with a one-line
message; hart-run: status 1 with its message) or run as a guest, which
may die of a guest signal: never a crash or hang of hartd or hart-run.
hartd serves the next launch after each batch (fuzzlib.Hartd.health).

    elf_fuzz.py --build BUILD [--seconds N | --hours H] [--seed S]

Owns: the mutants and their verdicts. Does not own: the loop and the
health check (fuzzlib.py).
"""
import glob
import os
import shutil
import struct
import subprocess
import sys
import time

import fuzzlib
from fuzzlib import Failure

SYSROOT = "/usr/riscv64-linux-gnu"
JAIL_LIBS = ["ld-linux-riscv64-lp64d.so.1", "libc.so.6"]
EHDR = struct.Struct("<16sHHIQQQIHHHHHH")
PHDR = struct.Struct("<IIQQQQQQ")
PT_LOAD, PT_DYNAMIC, PT_INTERP, PT_NOTE, PT_PHDR, PT_TLS = 1, 2, 3, 4, 6, 7
PT_GNU_STACK, PT_GNU_RELRO = 0x6474E551, 0x6474E552
WALL = 2  # seconds a mutant may run under hartd


def hostile_u64(rng, near=0):
    return rng.choice([0, 1, 2, 3, 0x1000, 0xfff, 0x10000, 0x7fffffff, 0x80000000, 0xffffffff,
                       1 << 32, 1 << 38, (1 << 38) - 0x1000, 1 << 40, 1 << 47, (1 << 47) - 1,
                       1 << 63, (1 << 64) - 1, (1 << 64) - 0x1000, near, near + 1, near - 1,
                       near + 0x1000, near * 2, rng.getrandbits(64), rng.getrandbits(20)]) % (1 << 64)


def pack_phdr(data, off, p):
    """Writes a program header, its fields wrapped to their widths."""
    PHDR.pack_into(data, off, p[0] % (1 << 32), p[1] % (1 << 32), *(x % (1 << 64) for x in p[2:]))


def phdrs(data):
    e = EHDR.unpack_from(data)
    phoff, phentsize, phnum = e[5], e[9], e[10]
    out = []
    for i in range(phnum):
        off = phoff + i * phentsize
        if phentsize >= PHDR.size and off + PHDR.size <= len(data):
            out.append((off, list(PHDR.unpack_from(data, off))))
    return out


def set_interp(data, rng, ph_off, ph, paths):
    """PT_INTERP's string replaced (in place if it fits, else appended)."""
    path = rng.choice(paths)
    raw = path.encode() + (b"" if rng.random() < 0.1 else b"\0")
    if len(raw) <= ph[5] and ph[2] + len(raw) <= len(data):
        data[ph[2]:ph[2] + len(raw)] = raw
        ph[5] = len(raw)
    else:
        ph[2] = len(data)
        data += raw
        ph[5] = len(raw) if rng.random() < 0.9 else hostile_u64(rng, len(raw))
    pack_phdr(data, ph_off, ph)
    return data


def mutate(rng, orig, env):
    data = bytearray(orig)
    for _ in range(rng.randint(1, 4)):
        k = rng.random()
        ph = phdrs(data) if len(data) >= EHDR.size else []
        if k < 0.2 and len(data) >= EHDR.size:
            e = list(EHDR.unpack_from(data))
            f = rng.randrange(1, 14)
            if f == 1:
                e[1] = rng.choice([0, 1, 2, 3, 4, 0xfe00, 0xffff])  # e_type
            elif f == 2:
                e[2] = rng.choice([0, 3, 62, 183, 243, 0xffff])  # e_machine
            elif f in (4, 5, 6):
                e[f] = hostile_u64(rng, e[f])  # e_entry, e_phoff, e_shoff
            elif f == 7:
                e[7] = rng.getrandbits(32)  # e_flags (float ABI, RVC, RVE)
            elif f in (9, 10):
                e[f] = rng.choice([0, 1, 2, 55, 56, 57, 64, 100, 0xff, 0xffff, e[f] + 1, max(0, e[f] - 1)]) % 0x10000
            else:
                ident = bytearray(e[0])
                i = rng.choice([4, 5, 6, 7, 8, 0, 1])
                ident[i] = rng.choice([0, 1, 2, 3, 0xff])
                e[0] = bytes(ident)
            EHDR.pack_into(data, 0, *e)
        elif k < 0.6 and ph:
            off, p = rng.choice(ph)
            f = rng.randrange(8)
            if f == 0:
                p[0] = rng.choice([PT_LOAD, PT_LOAD, PT_INTERP, PT_DYNAMIC, PT_TLS, PT_PHDR,
                                   PT_GNU_STACK, PT_GNU_RELRO, PT_NOTE, 0, 0x70000003, 0xffffffff])
            elif f == 1:
                p[1] = rng.choice([0, 1, 2, 3, 4, 5, 6, 7, 0xffffffff])  # X-only, W-only, none...
            elif f == 2:
                p[2] = hostile_u64(rng, p[2])
            elif f == 3:
                p[3] = hostile_u64(rng, p[3])
                p[4] = p[3]
            elif f == 5:
                p[5] = rng.choice([p[6] + 1, p[5] * 2, len(data), len(data) + 1, hostile_u64(rng, p[5])])
            elif f == 6:
                p[6] = rng.choice([0, p[5], p[5] - 1 if p[5] else 0, 1 << 30, 1 << 37, 1 << 40,
                                   (1 << 64) - 1, hostile_u64(rng, p[6])])
            else:
                p[7] = rng.choice([0, 1, 3, 0x1000, 0x10000, 1 << 40, (1 << 64) - 1])
            pack_phdr(data, off, p)
        elif k < 0.68 and len(ph) >= 2:  # overlapping: one header's place given to another
            (o1, p1), (o2, p2) = rng.sample(ph, 2)
            p2[2:8] = p1[2:8] if rng.random() < 0.5 else [p2[2], p1[3], p1[3], p2[5], p2[6], p2[7]]
            pack_phdr(data, o2, p2)
        elif k < 0.78 and ph:
            interp = [(o, p) for o, p in ph if p[0] == PT_INTERP] or \
                     [(o, p) for o, p in ph if p[0] in (PT_NOTE, PT_GNU_STACK)]
            if interp:
                o, p = rng.choice(interp)
                p[0] = PT_INTERP
                data = set_interp(data, rng, o, p, env.interps)
        elif k < 0.9:
            for _ in range(rng.randint(1, 20)):
                if data:
                    i = rng.randrange(min(len(data), 4096) if rng.random() < 0.8 else len(data))
                    data[i] = rng.randrange(256)
        else:
            data = data[:rng.randrange(len(data) + 1)]
    return bytes(data)


class Env:
    """The seeds and the jail: /m holds the mutants, /lib the dynamic linker
    and libc, /g a few real programs (PT_INTERP targets)."""

    def __init__(self, ctx):
        build = ctx["build"]
        self.jail = os.path.join(ctx["tmp"], "jail")
        self.seeds = sorted(p for p in glob.glob(os.path.join(build, "guest", "*"))
                            if os.path.isfile(p) and p.rsplit(".", 1)[-1] in ("static", "dynamic", "nolibc", "nolibc-pie")
                            and not any(x in p for x in ("fork_bomb", "mem_hog", "root_jail")))
        for sub in ("m", "lib", "g", "tmp"):
            os.makedirs(os.path.join(self.jail, sub), exist_ok=True)
        for lib in JAIL_LIBS:
            shutil.copy(os.path.join(SYSROOT, "lib", lib), os.path.join(self.jail, "lib", lib))
        for g in ("hello.static", "hello.dynamic"):
            shutil.copy(os.path.join(build, "guest", g), os.path.join(self.jail, "g", g))
        self.data = {}
        for p in self.seeds:
            with open(p, "rb") as f:
                self.data[p] = f.read()
        self.interps = ["/lib/ld-linux-riscv64-lp64d.so.1", "/nonexistent/ld.so", "", "/", "/m",
                        "/dev/zero", "/dev/null", "/proc/self/exe", "/lib/libc.so.6", "relative/ld.so",
                        "/" + "l" * 5000, "/m/self.elf", "/g/hello.static", "/g/hello.dynamic",
                        "/proc/self/fd/0", "/../../../../usr/riscv64-linux-gnu/lib/libc.so.6"]


def one_mutant(rng, env, n):
    seed = rng.choice(env.seeds)
    data = mutate(rng, env.data[seed], env)
    name = "self.elf" if rng.random() < 0.05 else f"m{n}.elf"  # self.elf: its PT_INTERP may name it
    with open(os.path.join(env.jail, "m", name), "wb") as f:
        f.write(data)
    os.chmod(os.path.join(env.jail, "m", name), 0o755)
    return seed, "/m/" + name, data  # the path in the jail


def count(ctx, what):
    ctx.setdefault("counts", {})
    ctx["counts"][what] = ctx["counts"].get(what, 0) + 1


def through_hartd(rng, inputs, ctx, env):
    d = ctx["hartd"]
    c = d.client()
    try:
        pending = {}
        for n in range(rng.randint(4, 12)):
            seed, path, data = one_mutant(rng, env, n)
            req = {"argv": [path, "1"], "stdout": "capture", "stderr": "capture",
                   "limits": {"wall_seconds": WALL}, "root": env.jail, "cwd": "/tmp"}
            if rng.random() < 0.3:
                req["limits"]["memory_bytes"] = 256 << 20
            if rng.random() < 0.2:
                req["address_space"] = rng.choice(["1G", "256G"])
            inputs.add("hartd", (os.path.basename(seed), path, data.hex() if len(data) < 2000 else len(data)))
            try:
                pid = c.request("launch", **req)["pid"]
                pending[pid] = path
                count(ctx, "hartd ran")
            except fuzzlib.RequestError as e:
                msg = e.message
                if e.code != "exec_failed" or not msg or "\n" in msg:
                    raise Failure(f"launch of a mutant of {seed}: {e.code}: {msg!r}")
                count(ctx, "hartd exec_failed")
            except fuzzlib.DaemonError as e:
                d.check_alive()
                raise Failure(f"no reply to the launch of a mutant of {seed} (hang?): {e}")
        deadline = time.monotonic() + WALL + 20
        while pending:
            if time.monotonic() > deadline:
                raise Failure(f"mutants still running past their wall limit: {pending}")
            ev = c.next_event()
            if ev.get("event") == "exit" and ev.get("pid") in pending:
                if "signal" in ev:
                    count(ctx, "hartd guest signals")
                del pending[ev["pid"]]
                c.request("wait", pid=ev["pid"], reap=True)
    except fuzzlib.DaemonError as e:
        d.check_alive()
        raise Failure(f"hartd stopped answering: {e}")
    finally:
        c.close()


def through_hart_run(rng, inputs, ctx, env):
    hart_run = os.path.join(ctx["build"], "bin", "hart-run")
    for n in range(rng.randint(1, 4)):
        seed, path, data = one_mutant(rng, env, 100 + n)
        log = os.path.join(ctx["tmp"], "hr.log")
        argv = [hart_run, "-d", "int", "-D", log, "-R", env.jail, path, "1"]
        inputs.add("hart-run", (os.path.basename(seed), argv, data.hex() if len(data) < 2000 else len(data)))
        try:
            p = subprocess.run(argv, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                               stderr=subprocess.PIPE, timeout=WALL + 3, cwd=ctx["tmp"])
        except subprocess.TimeoutExpired:
            count(ctx, "hart-run timeouts")
            continue
        count(ctx, "hart-run status 1" if p.returncode == 1 else "hart-run other statuses"
              if p.returncode >= 0 else "hart-run guest signals")  # a guest looping in mutated code (a loader hang shows in hartd's launch)
        err = p.stderr.decode(errors="replace")
        if p.returncode < 0:
            with open(log, errors="replace") as f:
                text = f.read()
            if "uncaught target signal" not in text:
                raise Failure(f"hart-run died of signal {-p.returncode} on a mutant of {seed}: "
                              f"{err[-2000:]} {text[-2000:]}")
        elif p.returncode == 1 and err.startswith("hart-run:") and err.count("\n") > 1 \
                and "uncaught" not in err:
            raise Failure(f"hart-run: more than one line for a bad file: {err[:2000]!r}")


def main():
    ap = fuzzlib.options(__doc__.split("\n")[0], default_seconds=12)
    args = ap.parse_args()

    def batch(rng, inputs, ctx):
        if "elf_env" not in ctx:
            ctx["elf_env"] = Env(ctx)
        env = ctx["elf_env"]
        if rng.random() < 0.75:
            through_hartd(rng, inputs, ctx, env)
        else:
            through_hart_run(rng, inputs, ctx, env)

    sys.exit(fuzzlib.run("elf_fuzz", args, batch))


if __name__ == "__main__":
    main()
