#!/usr/bin/env python3
"""tests/e2e/openssl_vector.py — Debian trixie's OpenSSL (3.5, with RISC-V
vector crypto code chosen at run time) under hart-run, against the host's
native openssl: the digests and ciphertexts of one megabyte must be the same
bytes.

OpenSSL picks its code from riscv_hwprobe (or $OPENSSL_riscvcap): with what
hart reports it runs its Zvkned AES, Zvknha/b SHA-2 and Zvkb ChaCha20
routines, so this checks the vector crypto instructions on a real
library's own code, and that hwprobe advertises them so a library uses them
(the run with -d in_asm must show vaes*/vsha2* instructions). The same
commands with OPENSSL_riscvcap=rv64gc (OpenSSL's scalar code) must give the
same bytes too.

usage: openssl_vector.py --runner HART_RUN --sysroot ROOT --scratch DIR
Exit 77 (skipped) when the root or the host has no openssl.
"""
import argparse
import hashlib
import os
import shutil
import subprocess
import sys

KEY = bytes(range(32)).hex()
IV = bytes(range(15, -1, -1)).hex()
COMMANDS = [
    ["dgst", "-sha256", "-binary"],
    ["dgst", "-sha512", "-binary"],
    ["dgst", "-sha3-256", "-binary"],
    ["enc", "-aes-128-cbc", "-K", KEY[:32], "-iv", IV],
    ["enc", "-aes-256-ctr", "-K", KEY, "-iv", IV],
    ["enc", "-aes-192-ecb", "-K", KEY[:48]],
    ["enc", "-chacha20", "-K", KEY, "-iv", IV],
]
# Vector crypto instructions OpenSSL's riscv64 code uses for the above.
VECTOR_CRYPTO = ("vaesz", "vaesem", "vaesef", "vaesdm", "vaesdf", "vaeskf1", "vaeskf2",
                 "vsha2ms", "vsha2ch", "vsha2cl", "vrev8", "vror")


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--runner", required=True)
    ap.add_argument("--sysroot", required=True)
    ap.add_argument("--scratch", required=True)
    a = ap.parse_args()
    guest_openssl = os.path.join(a.sysroot, "usr/bin/openssl")
    host_openssl = shutil.which("openssl")
    if not os.path.exists(guest_openssl) or not host_openssl:
        print(f"skipped: no openssl in {a.sysroot} or on the host")
        return 77
    os.makedirs(a.scratch, exist_ok=True)
    data = b"".join(hashlib.sha256(i.to_bytes(4, "little")).digest() for i in range(31250)) + b"odd"
    guest = [a.runner, "-L", a.sysroot, "/usr/bin/openssl"]
    bad = 0
    for cmd in COMMANDS:
        want = subprocess.run([host_openssl, *cmd], input=data, capture_output=True)
        if want.returncode != 0:
            print(f"host openssl {' '.join(cmd)}: status {want.returncode}: skipped ({want.stderr[:200]!r})")
            continue
        for caps in (None, "rv64gc"):
            env = dict(os.environ)
            if caps:
                env["OPENSSL_riscvcap"] = caps
            got = subprocess.run([*guest, *cmd], input=data, capture_output=True, env=env, timeout=240)
            same = got.returncode == 0 and got.stdout == want.stdout
            label = f"{' '.join(cmd[:2])} ({'OpenSSL scalar code' if caps else 'what hwprobe selects'})"
            print(f"{label}: {'same' if same else 'DIFFERENT'}")
            if not same:
                bad += 1
                print(f"  status {got.returncode}, {len(got.stdout)} bytes vs {len(want.stdout)}; "
                      f"stderr {got.stderr[:300]!r}")
    # The vector routines ran: hwprobe told OpenSSL they exist.
    for cmd in (COMMANDS[0], COMMANDS[3]):
        log = os.path.join(a.scratch, "openssl_in_asm.log")
        subprocess.run([a.runner, "-d", "in_asm", "-D", log, "-L", a.sysroot, "/usr/bin/openssl", *cmd],
                       input=data[:4096], capture_output=True, timeout=240)
        with open(log, errors="replace") as f:
            used = sum(1 for line in f if any(f"  {m} " in line or f"\t{m}" in line or f" {m}." in line
                                              for m in VECTOR_CRYPTO))
        os.unlink(log)
        print(f"{' '.join(cmd[:2])}: {used} vector crypto instructions translated")
        if used == 0:
            print("  OpenSSL did not choose its vector crypto code (hwprobe?)")
            bad += 1
    print("PASS" if bad == 0 else f"FAIL: {bad}")
    return 0 if bad == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
