#!/usr/bin/env python3
"""tests/e2e/run_e2e.py — end-to-end tests: real Debian trixie riscv64
programs (bash, busybox, coreutils, gawk, sed, grep, findutils, Lua 5.4,
Python 3.13, sqlite3) run under a runner with `-L SYSROOT`, each compared
with the expected stdout in tests/e2e/expected/NAME.stdout and an exit status.

Owns: the table of tests (TESTS below), the fixture files every test finds in
its scratch folder, output normalization, the runners. Does not own: the
sysroot (scripts/fetch-sysroot builds it) nor CTest registration
(tests/CMakeLists.txt asks `--list` for the names).

usage:
  run_e2e.py --list
  run_e2e.py --runner PATH --sysroot ROOT --scratch DIR [--timeout S] NAME...
  run_e2e.py --runner native --scratch DIR NAME...   (the host's own programs;
                                                     to check expectations)
Each test runs in a fresh DIR/NAME holding the fixtures (data/, tree/,
lsdir/) and a copy of tests/e2e/scripts/ as scripts/, with a fixed
environment (PATH=/usr/bin:/bin, LC_ALL=C, TZ=UTC, HOME=that folder).
Exit 0 when all pass, 1 when one fails, 77 (CTest's skip) when the sysroot is
missing — scripts/fetch-sysroot could not fetch it, e.g. without network.
"""
import argparse
import os
import re
import shutil
import subprocess
import tempfile
import sys
from dataclasses import dataclass, field

HERE = os.path.dirname(os.path.abspath(__file__))
SKIP = 77


@dataclass
class Test:
    name: str
    argv: list                 # argv[0] is the guest path of the program
    status: int = 0            # expected exit status (128+N: death by signal N)
    stdin: str = ""            # text fed on stdin ("@path": that file of the scratch folder)
    sort: bool = False         # compare sorted lines (directory order varies)
    normalize: str = ""        # name of a normalization (see NORMALIZE)
    notes: str = ""
    root: bool = False         # run with the sysroot as a root (jail, -R) instead of -L;
                               # no native run: it sees the host's /


PY = "/usr/bin/python3.13"
TESTS = [
    Test("echo", ["/usr/bin/echo", "hello", "from", "riscv64"]),
    Test("busybox_applets", ["/usr/bin/busybox", "sort", "-r", "data/numbers.txt"]),
    Test("sort_stdin", ["/usr/bin/sort", "-k2,2", "-k1,1n"], stdin="@data/pairs.txt"),
    Test("bash_script", ["/usr/bin/bash", "scripts/shell_features.sh"]),
    Test("bash_extras", ["/usr/bin/bash", "scripts/bash_extras.sh"]),
    Test("busybox_sh", ["/usr/bin/busybox", "sh", "scripts/shell_features.sh"]),
    Test("sort_uniq", ["/usr/bin/bash", "-c",
                       "sort data/words.txt | uniq -c | sort -k1,1nr -k2 | head -n 8"]),
    Test("sha256sum", ["/usr/bin/sha256sum", "data/words.txt", "data/sales.csv",
                       "tree/a/one.txt", "lsdir/empty"]),
    Test("find_exec", ["/usr/bin/find", "tree", "-type", "f", "-name", "*.txt",
                       "-exec", "wc", "-c", "{}", ";"], sort=True),
    Test("find_printf", ["/usr/bin/find", "tree", "(", "-type", "f", "-printf", "%y %p %s %m\\n", ")",
                         "-o", "-printf", "%y %p %m\\n"], sort=True),
    Test("ls_l", ["/usr/bin/ls", "-l", "lsdir"], normalize="ls_l"),
    Test("awk", ["/usr/bin/gawk", "-f", "scripts/report.awk", "data/sales.csv"]),
    Test("sed", ["/usr/bin/sed", "-E", "-f", "scripts/edit.sed", "data/text.txt"]),
    Test("grep_r", ["/usr/bin/grep", "-rn", "-E", "TODO|FIXME", "tree"], sort=True),
    Test("lua", ["/usr/bin/lua5.4", "scripts/features.lua"]),
    Test("python_json_re", [PY, "scripts/py_json_re.py"]),
    Test("python_threads", [PY, "scripts/py_threads.py"]),
    Test("python_subprocess", [PY, "scripts/py_subprocess.py"]),
    Test("python_multiprocessing", [PY, "scripts/py_multiprocessing.py"]),
    Test("python_signals", [PY, "scripts/py_signals.py"]),
    Test("python_sqlite", [PY, "scripts/py_sqlite.py"]),
    Test("python_sysroot_cwd", [PY, "scripts/py_sysroot_cwd.py"],
         notes="getcwd gives back a host path inside the sysroot the guest chdir'ed to"),
    Test("sqlite3_shell", ["/usr/bin/sqlite3", "shop.db"], stdin="@scripts/shell.sql"),
    Test("segv_status", ["/usr/bin/bash", "scripts/segv_status.sh"]),
    Test("job_control", ["/usr/bin/bash", "-c",
                         "sleep 5 & p=$!; kill -STOP $p; sleep 0.2; "
                         "grep -q '^State:.T' /proc/$p/status && echo stopped; "
                         "kill -CONT $p; sleep 0.1; grep -q '^State:.T' /proc/$p/status || echo running; "
                         "kill $p; wait $p; echo \"status $?\"; "
                         "set -m; sleep 3 & q=$!; kill -TSTP $q; sleep 0.2; "
                         "jobs -l | grep -c Stopped; kill -CONT $q; sleep 0.1; jobs | grep -c Running; "
                         "kill -STOP $q; sleep 0.1; kill -9 $q; sleep 0.2; wait $q 2>/dev/null; "
                         "echo \"status $?\""],
         notes="SIGSTOP/SIGTSTP/SIGCONT with bash's job control (wait4 WUNTRACED/WCONTINUED)"),
    Test("root_jail", ["/usr/bin/bash", "-c",
                       "ls /; cat /proc/self/status | head -3; cd /../..; pwd; ls /dev/fd/; "
                       "readlink /proc/self/exe; ls /proc/self/task | wc -l; "
                       "cat /etc/debian_version >/dev/null && echo debian root; "
                       "echo x > /dev/null && echo dev null; "
                       "python3.13 -W error -c 'import os; pid = os.fork(); "
                       "os._exit(0) if pid == 0 else print(\"forked\", os.waitpid(pid, 0)[1])'"],
         root=True),
]
BY_NAME = {t.name: t for t in TESTS}


# --- fixtures ---------------------------------------------------------------
def lcg(seed):
    while True:
        seed = (seed * 6364136223846793005 + 1442695040888963407) % 2 ** 64
        yield seed >> 33


def write(path, text, mode=0o644):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w") as f:
        f.write(text)
    os.chmod(path, mode)


def make_fixtures(d):
    r = lcg(2024)
    vocab = ["alpha", "bravo", "charlie", "delta", "echo", "foxtrot", "golf",
             "hotel", "india", "juliet", "kilo", "lima"]
    write(f"{d}/data/words.txt",
          "".join(vocab[next(r) % len(vocab)] + "\n" for _ in range(500)))
    write(f"{d}/data/numbers.txt", "".join(f"{next(r) % 1000}\n" for _ in range(40)))
    write(f"{d}/data/pairs.txt",
          "".join(f"{next(r) % 50} {vocab[next(r) % 5]}\n" for _ in range(30)))
    items = ["apple", "banana", "blueberry", "cherry", "date"]
    rows = ["region,item,qty,price"]
    for _ in range(60):
        rows.append(f"{['north', 'south', 'east', 'west'][next(r) % 4]},"
                    f"{items[next(r) % 5]},{next(r) % 20 + 1},{(next(r) % 900 + 100) / 100:.2f}")
    write(f"{d}/data/sales.csv", "\n".join(rows) + "\n")
    write(f"{d}/data/text.txt",
          "contact ann@example.org or bob@test.org today\n"
          "drop this line\n"
          "BEGIN\n"
          "inside block: cab\n"
          "END\n"
          "after: abc, no mail@here.com change\n"
          "drop too\n"
          "last line\n")
    tree = {
        "a/one.txt": "first file\nTODO: write more\n",
        "a/two.c": "int main(void) { return 0; } /* FIXME: nothing */\n",
        "a/b/three.txt": "deep\nline two\nFIXME here\nTODO there\n",
        "a/b/c/four.txt": "deepest file, nothing to do\n",
        "top.txt": "TODO at top\n",
        "notes.md": "# notes\n- TODO: markdown item\n",
        "empty.txt": "",
    }
    for p, text in tree.items():
        write(f"{d}/tree/{p}", text)
    write(f"{d}/lsdir/readme", "read me\n" * 10, 0o644)
    write(f"{d}/lsdir/run.sh", "#!/bin/sh\necho run\n", 0o755)
    write(f"{d}/lsdir/secret", "s3cret\n", 0o600)
    write(f"{d}/lsdir/empty", "", 0o444)
    os.symlink("readme", f"{d}/lsdir/link")
    shutil.copytree(os.path.join(HERE, "scripts"), f"{d}/scripts")


# --- normalization ----------------------------------------------------------
LS_LINE = re.compile(r"^([-dlcbps][-rwxsStT]{9})[.+@]?\s+(\d+)\s+\S+\s+\S+\s+(\d+)\s+"
                     r"\S+\s+\d+\s+[\d:]+\s+(.*)$")


def norm_ls_l(text):
    out = []
    for line in text.splitlines():
        if line.startswith("total "):
            out.append("total N")
            continue
        m = LS_LINE.match(line)
        out.append(f"{m[1]} {m[2]} OWNER GROUP {m[3]} DATE {m[4]}" if m else line)
    return "\n".join(out) + "\n"


NORMALIZE = {"ls_l": norm_ls_l}


def compare_text(t, data):
    text = data.decode("utf-8", errors="replace")
    if t.normalize:
        text = NORMALIZE[t.normalize](text)
    if t.sort:
        text = "".join(sorted(text.splitlines(keepends=True)))
    return text


# --- running ----------------------------------------------------------------
def run_one(t, runner, sysroot, scratch, timeout, verbose, runner_args=()):
    d = os.path.join(scratch, t.name)
    shutil.rmtree(d, ignore_errors=True)
    os.makedirs(d)
    make_fixtures(d)
    if runner == "native":
        argv = list(t.argv)
    elif t.root:
        argv = [runner, *runner_args, "-R", sysroot] + t.argv
    else:
        argv = [runner, *runner_args, "-L", sysroot, sysroot + t.argv[0]] + t.argv[1:]
    env = {"PATH": "/usr/bin:/bin", "LC_ALL": "C", "TZ": "UTC", "HOME": d,
           "TERM": "dumb", "PWD": d}
    stdin = t.stdin
    if stdin.startswith("@"):
        with open(os.path.join(d, stdin[1:])) as f:
            stdin = f.read()
    try:
        p = subprocess.run(argv, cwd=d, env=env, input=stdin.encode(),
                           stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=timeout)
    except subprocess.TimeoutExpired as e:
        print(f"[{t.name}] TIMEOUT after {timeout}s: {' '.join(argv)}")
        if e.stdout:
            print("stdout so far:", e.stdout.decode(errors="replace")[-2000:])
        return False
    status = p.returncode if p.returncode >= 0 else 128 - p.returncode
    with open(os.path.join(HERE, "expected", t.name + ".stdout"), "rb") as f:
        want = compare_text(t, f.read())
    got = compare_text(t, p.stdout)
    ok = got == want and status == t.status
    if not ok or verbose:
        print(f"[{t.name}] {'ok' if ok else 'FAILED'}: {' '.join(argv)}")
        if status != t.status:
            print(f"  status: expected {t.status}, got {status}")
        if got != want:
            import difflib
            print("  stdout differs (--- expected, +++ got):")
            for line in difflib.unified_diff(want.splitlines(), got.splitlines(),
                                             "expected", "got", lineterm="", n=1):
                print("   ", line)
        if p.stderr and not ok:
            print("  stderr (last 3000 bytes):")
            print(p.stderr.decode(errors="replace")[-3000:])
    return ok


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--list", action="store_true", help="print the test names")
    ap.add_argument("--runner", help="hart-run, qemu-riscv64, or 'native'")
    ap.add_argument("--sysroot")
    ap.add_argument("--runner-args", default="",
                    help="more runner options, e.g. '-one-insn-per-tb' or '-d unimp,strace -D log'")
    ap.add_argument("--scratch", default=None, help="work folder (default: a new temporary one)")
    ap.add_argument("--timeout", type=float, default=180)
    ap.add_argument("-v", "--verbose", action="store_true")
    ap.add_argument("names", nargs="*")
    a = ap.parse_args()
    if a.list:
        print("\n".join(t.name for t in TESTS))
        return 0
    if not a.runner:
        ap.error("--runner is required")
    if a.runner != "native":
        if not a.sysroot or not os.path.exists(os.path.join(a.sysroot, ".hart-sysroot-stamp")):
            print(f"no sysroot at {a.sysroot} (scripts/fetch-sysroot could not build it?): skipped")
            return SKIP
        a.sysroot = os.path.abspath(a.sysroot)
    names = a.names or [t.name for t in TESTS]
    unknown = [n for n in names if n not in BY_NAME]
    if unknown:
        ap.error(f"unknown test(s): {', '.join(unknown)}")
    os.umask(0o022)  # fixture modes (find -printf %m, ls -l) and the guests' umask
    if a.scratch is None:
        a.scratch = tempfile.mkdtemp(prefix="hart-e2e-")
    os.makedirs(a.scratch, exist_ok=True)
    scratch = os.path.abspath(a.scratch)
    failed = [n for n in names
              if not run_one(BY_NAME[n], a.runner, a.sysroot, scratch, a.timeout, a.verbose,
                             a.runner_args.split())]
    if len(names) > 1:
        print(f"{len(names) - len(failed)} passed, {len(failed)} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
