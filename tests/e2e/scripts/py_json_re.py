# tests/e2e/scripts/py_json_re.py — Python 3.13 standard library without
# threads or processes: json, re, collections, hashlib, struct, datetime
# arithmetic, decimal, big integers (test e2e.python_json_re).
import collections, datetime, decimal, hashlib, json, math, re, struct, sys

doc = {"name": "hartd", "arch": ["riscv64", "x86-64"], "jit": True,
       "ratio": 2.5, "nested": {"n": None, "list": list(range(5))}}
text = json.dumps(doc, sort_keys=True)
print(text)
back = json.loads(text)
print(back == doc, json.dumps(back["nested"], indent=2))

log = """2024-01-02 10:00:01 ERROR disk full on /dev/sda1
2024-01-02 10:00:05 INFO  started pid=1234
2024-01-02 10:01:00 ERROR net down eth0
2024-01-02 10:02:30 WARN  slow reply 350ms"""
pat = re.compile(r"^(\S+) (\S+) (?P<level>[A-Z]+)\s+(?P<msg>.*)$", re.M)
levels = collections.Counter(m["level"] for m in pat.finditer(log))
print(sorted(levels.items()))
print(re.sub(r"(\d+)ms", lambda m: f"{int(m[1]) / 1000:.2f}s", log.splitlines()[-1]))
print(re.findall(r"\b\w+\d\b", log))
print(re.split(r"[,;]\s*", "a, b;c ,d"))

print(hashlib.sha256(b"hartd").hexdigest())
print(struct.pack("<IhQ", 1, -2, 3).hex(), struct.unpack(">d", bytes.fromhex("400921fb54442d18"))[0])
d = datetime.date(2024, 2, 28) + datetime.timedelta(days=2)
print(d.isoformat(), d.strftime("%A %j"))
decimal.getcontext().prec = 30
print(decimal.Decimal(1) / decimal.Decimal(7))
print(2 ** 200 % 1000000007, math.factorial(30), math.isqrt(10 ** 30 + 1))
print(f"{math.pi:.12f} {math.exp(1):.12e} {math.sqrt(2):.15g} {1e308 * 10} {float('nan') != float('nan')}")
words = "the cat sat on the mat the end".split()
print(collections.Counter(words).most_common(2), sorted(set(words)))
print(sys.version_info[:2], sys.byteorder, sys.maxsize)
