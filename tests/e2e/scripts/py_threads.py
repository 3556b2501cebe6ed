# tests/e2e/scripts/py_threads.py — 8 Python threads (clone, futex):
# a shared counter under a Lock, a Queue, a Barrier, Events, a
# ThreadPoolExecutor, thread-local data (test e2e.python_threads).
import queue, threading
from concurrent.futures import ThreadPoolExecutor

N = 8
lock = threading.Lock()
counter = 0
barrier = threading.Barrier(N)
results = queue.Queue()
local = threading.local()

def worker(i):
    global counter
    local.ident = i
    barrier.wait()
    for _ in range(2000):
        with lock:
            counter += 1
    s = sum(k * k for k in range(i * 1000))
    results.put((i, s, local.ident))

threads = [threading.Thread(target=worker, args=(i,), name=f"w{i}") for i in range(N)]
for t in threads:
    t.start()
for t in threads:
    t.join()
print("counter", counter)
out = sorted(results.get() for _ in range(N))
for i, s, ident in out:
    print("worker", i, s, ident == i)
print("alive", sum(t.is_alive() for t in threads), threading.active_count())

ev = threading.Event()
got = []
def waiter():
    ev.wait(10)
    got.append("woken")
t = threading.Thread(target=waiter)
t.start()
ev.set()
t.join()
print(got)

cond = threading.Condition()
items = []
def producer():
    for k in range(5):
        with cond:
            items.append(k)
            cond.notify()
def consumer(out):
    seen = 0
    while seen < 5:
        with cond:
            while len(items) <= seen:
                cond.wait(5)
            seen = len(items)
    out.append(list(items))
res = []
tc = threading.Thread(target=consumer, args=(res,))
tc.start()
tp = threading.Thread(target=producer)
tp.start()
tp.join(); tc.join()
print("condition", res)

with ThreadPoolExecutor(max_workers=N) as ex:
    print("pool", list(ex.map(lambda x: x ** 3, range(12))))
