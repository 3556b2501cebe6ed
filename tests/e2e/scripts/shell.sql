-- tests/e2e/scripts/shell.sql — the sqlite3 shell on a file database
-- (test e2e.sqlite3_shell): schema, inserts, joins, aggregates, dot-commands.
.headers on
.mode list
CREATE TABLE dept (id INTEGER PRIMARY KEY, name TEXT NOT NULL);
CREATE TABLE emp (id INTEGER PRIMARY KEY, name TEXT, dept INTEGER REFERENCES dept(id), salary INTEGER);
INSERT INTO dept VALUES (1, 'eng'), (2, 'ops'), (3, 'empty');
INSERT INTO emp (name, dept, salary) VALUES
  ('ada', 1, 120), ('bo', 1, 100), ('cy', 2, 90), ('di', 2, 95), ('ed', 1, 130);
SELECT d.name, count(e.id) AS n, coalesce(sum(e.salary), 0) AS total
  FROM dept d LEFT JOIN emp e ON e.dept = d.id GROUP BY d.id ORDER BY d.id;
.mode csv
SELECT name, salary FROM emp WHERE salary > (SELECT avg(salary) FROM emp) ORDER BY salary DESC;
.mode column
SELECT name, rank() OVER (ORDER BY salary DESC) AS r FROM emp ORDER BY r;
.headers off
.mode list
BEGIN; DELETE FROM emp; ROLLBACK;
SELECT count(*) FROM emp;
CREATE INDEX emp_dept ON emp(dept);
.tables
.schema dept
PRAGMA integrity_check;
SELECT printf('%.3f', 22.0 / 7), upper('done');
