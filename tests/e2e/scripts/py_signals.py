# tests/e2e/scripts/py_signals.py — Python signal handlers: SIGUSR1 sent to
# ourselves, SIGALRM from alarm() and setitimer() interrupting a sleep,
# sigprocmask/pending, SIGCHLD from a child, default SIGTERM to a child
# (test e2e.python_signals).
import os, signal, time

got = []
signal.signal(signal.SIGUSR1, lambda s, f: got.append(("usr1", s)))
os.kill(os.getpid(), signal.SIGUSR1)
print(got)

signal.signal(signal.SIGALRM, lambda s, f: got.append("alarm"))
signal.alarm(1)
t0 = time.monotonic()
signal.pause()
print("after pause", got[-1], 0.5 < time.monotonic() - t0 < 5)

signal.setitimer(signal.ITIMER_REAL, 0.2)
time.sleep(2)  # PEP 475: sleep resumes after the handler
print("itimer", got.count("alarm"))

signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGUSR2})
os.kill(os.getpid(), signal.SIGUSR2)
print("pending", signal.SIGUSR2 in signal.sigpending())
signal.signal(signal.SIGUSR2, lambda s, f: got.append("usr2"))
signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGUSR2})
print("unblocked", got[-1])

class Boom(Exception):
    pass
def raiser(s, f):
    raise Boom(signal.Signals(s).name)
signal.signal(signal.SIGUSR1, raiser)
try:
    os.kill(os.getpid(), signal.SIGUSR1)
    time.sleep(1)
except Boom as e:
    print("exception from handler", e)

chld = []
signal.signal(signal.SIGCHLD, lambda s, f: chld.append(s))
pid = os.fork()
if pid == 0:
    time.sleep(30)
    os._exit(0)
os.kill(pid, signal.SIGTERM)
_, status = os.waitpid(pid, 0)
print("child killed by", signal.Signals(os.WTERMSIG(status)).name, "sigchld", len(chld) >= 1)
print("ignored", signal.getsignal(signal.SIGPIPE) == signal.SIG_IGN, signal.getsignal(signal.SIGINT) is signal.default_int_handler)
