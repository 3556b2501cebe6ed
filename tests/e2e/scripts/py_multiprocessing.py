# tests/e2e/scripts/py_multiprocessing.py — multiprocessing with the fork
# start method: a Pool, a Process with a Queue, a Pipe, shared Value/Array
# (test e2e.python_multiprocessing).
import multiprocessing as mp
import sys

def square(x):
    return x * x

def child(q, n):
    q.put(sum(range(n)))

def ping(conn):
    msg = conn.recv()
    conn.send(msg.upper())
    conn.close()

def quit3():
    sys.exit(3)

def bump(v, a):
    with v.get_lock():
        v.value += 10
    for i in range(len(a)):
        a[i] = a[i] * 2

if __name__ == "__main__":
    mp.set_start_method("fork")
    with mp.Pool(4) as pool:
        print("pool", pool.map(square, range(10)))
        print("imap", sorted(pool.imap_unordered(square, range(5))))
    q = mp.Queue()
    p = mp.Process(target=child, args=(q, 1000))
    p.start()
    print("queue", q.get(timeout=60))
    p.join()
    print("exitcode", p.exitcode)
    a, b = mp.Pipe()
    p = mp.Process(target=ping, args=(b,))
    p.start()
    a.send("hello")
    print("pipe", a.recv())
    p.join()
    v = mp.Value("i", 1)
    arr = mp.Array("d", [1.0, 2.5, 4.0])
    p = mp.Process(target=bump, args=(v, arr))
    p.start(); p.join()
    print("shared", v.value, list(arr))
    p = mp.Process(target=quit3)
    p.start(); p.join()
    print("child exit", p.exitcode)
