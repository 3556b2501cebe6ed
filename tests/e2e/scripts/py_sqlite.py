# tests/e2e/scripts/py_sqlite.py — Python's sqlite3 module on a file
# database and in memory: schema, parameters, transactions, aggregates,
# a user function, rollback (test e2e.python_sqlite).
import sqlite3

con = sqlite3.connect("py.db")
con.execute("CREATE TABLE t (id INTEGER PRIMARY KEY, name TEXT, score REAL)")
con.executemany("INSERT INTO t (name, score) VALUES (?, ?)",
                [("ann", 91.5), ("bob", 78.0), ("cid", 85.25), ("dee", 99.0)])
con.commit()
print(con.execute("SELECT count(*), avg(score), max(name) FROM t").fetchone())
con.create_function("initial", 1, lambda s: s[0].upper())
print(con.execute("SELECT initial(name) || ':' || score FROM t WHERE score > ? ORDER BY score DESC", (80,)).fetchall())
try:
    with con:
        con.execute("UPDATE t SET score = 0")
        raise RuntimeError("abort")
except RuntimeError:
    pass
print("after rollback", con.execute("SELECT sum(score) FROM t").fetchone()[0])
con.close()

con = sqlite3.connect("py.db")
print([tuple(r) for r in con.execute("SELECT id, name FROM t ORDER BY id")])
con.close()

mem = sqlite3.connect(":memory:")
mem.execute("CREATE TABLE kv (k TEXT PRIMARY KEY, v BLOB)")
mem.execute("INSERT INTO kv VALUES ('a', x'00ff'), ('b', NULL)")
print(mem.execute("SELECT k, hex(v), typeof(v) FROM kv ORDER BY k").fetchall())
print(mem.execute("WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < 10) SELECT group_concat(x * x) FROM c").fetchone()[0])
print(sqlite3.sqlite_version_info >= (3, 40))
