# tests/e2e/scripts/py_subprocess.py — Python's subprocess running other
# guest programs: capture stdout, feed stdin, exit statuses, a pipeline of
# two children, os.fork/waitpid, and os.system through /bin/sh
# (test e2e.python_subprocess).
import os, subprocess, sys

r = subprocess.run(["echo", "hello from echo"], capture_output=True, text=True)
print(repr(r.stdout), r.returncode)
r = subprocess.run(["sort"], input="pear\napple\nfig\n", capture_output=True, text=True)
print(r.stdout.split())
r = subprocess.run([sys.executable, "-c", "import sys; print('child', sys.argv[1:]); sys.exit(5)", "x", "y"],
                   capture_output=True, text=True)
print(r.stdout.strip(), r.returncode)
r = subprocess.run(["sh", "-c", "echo $((6 * 7)); exit 2"], stdout=subprocess.PIPE, text=True)
print(r.stdout.strip(), r.returncode)
p1 = subprocess.Popen(["printf", "b\\na\\nb\\nc\\n"], stdout=subprocess.PIPE)
p2 = subprocess.Popen(["sort", "-u"], stdin=p1.stdout, stdout=subprocess.PIPE, text=True)
p1.stdout.close()
print(p2.communicate()[0].split(), p1.wait(), p2.returncode)
print(subprocess.check_output(["sha256sum"], input=b"abc").split()[0].decode())
try:
    subprocess.run(["false"], check=True)
except subprocess.CalledProcessError as e:
    print("CalledProcessError", e.returncode)
try:
    subprocess.run(["/no/such/program"])
except FileNotFoundError as e:
    print("FileNotFoundError", e.errno)

pid = os.fork()
if pid == 0:
    os._exit(9)
_, status = os.waitpid(pid, 0)
print("fork child exit", os.waitstatus_to_exitcode(status))
sys.stdout.flush()
print("os.system", os.waitstatus_to_exitcode(os.system("exit 4")))
