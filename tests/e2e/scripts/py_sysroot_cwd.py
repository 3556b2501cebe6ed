# tests/e2e/scripts/py_sysroot_cwd.py — getcwd under -L names the cwd the way
# the guest named it (test e2e.python_sysroot_cwd): Python run by the
# sysroot's host path (as tests/pysuite runs it) finds its modules under that
# host path; chdir there must give that host path back from getcwd and
# /proc/self/cwd (as qemu-riscv64 does; CPython's test_contextlib and
# test_unittest compare them), also after relative chdirs and in a child;
# a folder named by its guest path (/usr) stays the guest path.
import os, subprocess, sys

lib = os.path.dirname(os.__file__)
os.chdir(lib)
print("host-named folder:", os.getcwd() == lib, os.readlink("/proc/self/cwd") == lib)
os.chdir("encodings")
print("relative below it:", os.getcwd() == os.path.join(lib, "encodings"))
os.chdir("..")
print("relative back up:", os.getcwd() == lib)
child = subprocess.run([sys.executable, "-c", "import os; print(os.getcwd())"],
                       stdout=subprocess.PIPE, text=True, check=True).stdout.strip()
print("child inherits it:", child == lib)
os.chdir("/usr")
print("guest-named folder:", os.getcwd(), os.readlink("/proc/self/cwd"))
os.chdir("lib")
print("relative below it:", os.getcwd())
