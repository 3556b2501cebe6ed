# bench/py/mix.py — a short Python program of the kinds Python code spends
# its time on: a bytecode loop with integer arithmetic, dict and str work
# (a word count), sorting with a key, method calls on small objects,
# recursion, a generator pipeline and bytes/struct handling. Prints one
# checksum that is the same on every Python 3 (no hash-order or
# float-formatting dependence). Usage: python3 mix.py [scale]
import struct
import sys


class Vec:
    __slots__ = ("x", "y")

    def __init__(self, x, y):
        self.x = x
        self.y = y

    def add(self, o):
        return Vec(self.x + o.x, self.y + o.y)

    def dot(self, o):
        return self.x * o.x + self.y * o.y


def fib(n):
    return n if n < 2 else fib(n - 1) + fib(n - 2)


def words(seed, n):
    x = seed
    for _ in range(n):
        x = (x * 1103515245 + 12345) & 0x7FFFFFFF
        yield "w%d" % (x % 997)


def run(scale):
    acc = 0
    for r in range(scale):
        # integer loop
        s = 0
        for i in range(20000):
            s = (s + i * i) ^ (i >> 3)
        acc = (acc * 31 + s) & 0xFFFFFFFF
        # word count with a dict, then the top words by count and name
        counts = {}
        for w in words(r + 1, 6000):
            counts[w] = counts.get(w, 0) + 1
        top = sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))[:10]
        acc = (acc * 31 + sum(c for _, c in top) + len("".join(w for w, _ in top))) & 0xFFFFFFFF
        # objects and method calls
        v = Vec(1, 2)
        d = 0
        for i in range(5000):
            v = v.add(Vec(i & 7, -(i & 3)))
            d += v.dot(Vec(1, 1)) & 0xFF
        acc = (acc * 31 + d) & 0xFFFFFFFF
        # recursion
        acc = (acc * 31 + fib(18)) & 0xFFFFFFFF
        # bytes and struct
        buf = b"".join(struct.pack("<IH", i * 2654435761 & 0xFFFFFFFF, i & 0xFFFF) for i in range(3000))
        total = sum(a ^ b for a, b in struct.iter_unpack("<IH", buf))
        acc = (acc * 31 + total) & 0xFFFFFFFF
        # string building and splitting
        text = ",".join(str(i * 7 % 1000) for i in range(4000))
        acc = (acc * 31 + sum(int(t) for t in text.split(",") if t.endswith("7"))) & 0xFFFFFFFF
    return acc


if __name__ == "__main__":
    scale = int(sys.argv[1]) if len(sys.argv) > 1 else 4
    print("mix %d" % run(scale))
