#!/usr/bin/env python3
"""tests/cli/hart_ci_shard_test.py — hart-ci's sharding without a daemon
(`--print-tests` shows a shard's share): shards are disjoint and cover the
list, the assignment survives reordering, every CI convention is read as
documented, an incomplete or ambiguous identity fails loudly (status 2), and
`hart-ci merge` joins JUnit files with the right totals.

    hart_ci_shard_test.py CLIENT_SCRIPTS_DIR
"""
import os
import random
import subprocess
import sys
import tempfile
import unittest
import xml.etree.ElementTree as ET

SCRIPTS = None
ENGINE_VARS = ["TEST_SHARD_INDEX", "TEST_TOTAL_SHARDS", "TEST_SHARD_STATUS_FILE", "GTEST_SHARD_INDEX",
               "GTEST_TOTAL_SHARDS", "CI_NODE_INDEX", "CI_NODE_TOTAL", "CIRCLE_NODE_INDEX",
               "CIRCLE_NODE_TOTAL", "BUILDKITE_PARALLEL_JOB", "BUILDKITE_PARALLEL_JOB_COUNT",
               "JOB_COMPLETION_INDEX"]


def hart_ci(*args, env=None):
    e = {k: v for k, v in os.environ.items() if k not in ENGINE_VARS}
    e.update(env or {})
    return subprocess.run([os.path.join(SCRIPTS, "hart-ci"), *args], stdout=subprocess.PIPE,
                          stderr=subprocess.PIPE, text=True, env=e, timeout=30)


class Sharding(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.TemporaryDirectory()
        # 60 entries: the same program with different arguments, and twice the
        # very same entry (both must run, in one shard or two).
        self.entries = [f"/t/prog{k % 7} arg{k}" for k in range(58)] + ["/t/same x", "/t/same x"]
        self.list = self.write_list(self.entries)

    def tearDown(self):
        self.tmp.cleanup()

    def write_list(self, entries, name="list"):
        path = os.path.join(self.tmp.name, name)
        with open(path, "w") as f:
            f.write("# a comment\n" + "\n".join(entries) + "\n")
        return path

    def share(self, lst, *args, env=None):
        p = hart_ci("--list", lst, "--print-tests", *args, env=env)
        self.assertEqual(p.returncode, 0, p.stderr)
        return p.stdout.splitlines()

    def test_disjoint_cover_balanced_and_stable(self):
        shuffled = list(self.entries)
        random.Random(7).shuffle(shuffled)
        other = self.write_list(shuffled, "shuffled")
        for count in (1, 3, 7, 61):
            shares = [self.share(self.list, "--shard", f"{i}/{count}") for i in range(count)]
            union = sorted(t for s in shares for t in s)
            self.assertEqual(union, sorted(self.entries), f"{count} shards do not cover the list once")
            sizes = [len(s) for s in shares]
            self.assertLessEqual(max(sizes) - min(sizes), 1, sizes)
            for i in range(count):  # the same tests whatever the list's order
                self.assertEqual(sorted(self.share(other, "--shard", f"{i}/{count}")),
                                 sorted(shares[i]))
        # Different arguments are different tests: they spread.
        self.assertGreater(len({tuple(self.share(self.list, "--shard", f"{i}/4")) for i in range(4)}), 1)

    def test_conventions(self):
        want = {i: self.share(self.list, "--shard", f"{i}/3") for i in range(3)}
        status = os.path.join(self.tmp.name, "bazel-status")
        cases = [
            ({"TEST_SHARD_INDEX": "2", "TEST_TOTAL_SHARDS": "3", "TEST_SHARD_STATUS_FILE": status}, 2, ()),
            ({"GTEST_SHARD_INDEX": "0", "GTEST_TOTAL_SHARDS": "3"}, 0, ()),
            ({"CI_NODE_INDEX": "1", "CI_NODE_TOTAL": "3"}, 0, ()),  # GitLab counts from 1
            ({"CI_NODE_INDEX": "3", "CI_NODE_TOTAL": "3"}, 2, ()),
            ({"CIRCLE_NODE_INDEX": "1", "CIRCLE_NODE_TOTAL": "3"}, 1, ()),
            ({"BUILDKITE_PARALLEL_JOB": "2", "BUILDKITE_PARALLEL_JOB_COUNT": "3"}, 2, ()),
            ({"JOB_COMPLETION_INDEX": "1"}, 1, ("--shard-count", "3")),
            # Two engines that agree are one identity.
            ({"GTEST_SHARD_INDEX": "1", "GTEST_TOTAL_SHARDS": "3", "CIRCLE_NODE_INDEX": "1",
              "CIRCLE_NODE_TOTAL": "3"}, 1, ()),
        ]
        for env, index, extra in cases:
            with self.subTest(env=env):
                self.assertEqual(self.share(self.list, *extra, env=env), want[index])
        self.assertTrue(os.path.exists(status), "Bazel's TEST_SHARD_STATUS_FILE was not touched")
        # The flag is the explicit choice: it wins over the environment.
        self.assertEqual(self.share(self.list, "--shard", "0/3", env={"CI_NODE_INDEX": "3",
                                                                       "CI_NODE_TOTAL": "3"}), want[0])
        # No sharding asked for: everything.
        self.assertEqual(len(self.share(self.list)), len(self.entries))

    def test_ambiguous_identity_fails_loudly(self):
        bad = [
            ({"JOB_COMPLETION_INDEX": "0"}, (), "--shard-count"),
            ({"CI_NODE_INDEX": "1"}, (), "CI_NODE_TOTAL is not set"),
            ({"GTEST_TOTAL_SHARDS": "4"}, (), "GTEST_SHARD_INDEX is not"),
            ({"GTEST_SHARD_INDEX": "0", "GTEST_TOTAL_SHARDS": "3", "CI_NODE_INDEX": "2",
              "CI_NODE_TOTAL": "3"}, (), "conflicting"),
            ({"CI_NODE_INDEX": "0", "CI_NODE_TOTAL": "3"}, (), "outside"),  # 1-based: 0 is wrong
            ({"TEST_SHARD_INDEX": "3", "TEST_TOTAL_SHARDS": "3"}, (), "outside"),
            ({"TEST_SHARD_INDEX": "x", "TEST_TOTAL_SHARDS": "3"}, (), "not a number"),
            ({}, ("--shard", "3"), "INDEX/COUNT"),
            ({}, ("--shard", "1/0"), "at least 1"),
            ({}, ("--shard-count", "3"), "without a shard index"),
            ({"GTEST_SHARD_INDEX": "0", "GTEST_TOTAL_SHARDS": "3"}, ("--shard-count", "4"), "--shard-count"),
        ]
        for env, args, words in bad:
            with self.subTest(env=env, args=args):
                p = hart_ci("--list", self.list, "--print-tests", *args, env=env)
                self.assertEqual(p.returncode, 2, p.stdout)
                self.assertEqual(p.stdout, "")
                self.assertIn(words, p.stderr)

    def test_merge(self):
        def report(name, cases):
            root = ET.Element("testsuites")
            suite = ET.SubElement(root, "testsuite", name="hart-ci", tests="999")  # recounted
            for n, (kind, seconds) in enumerate(cases):
                c = ET.SubElement(suite, "testcase", name=f"{name}{n}", time=str(seconds))
                if kind != "pass":
                    ET.SubElement(c, kind, message="m")
            path = os.path.join(self.tmp.name, name + ".xml")
            ET.ElementTree(root).write(path, encoding="utf-8", xml_declaration=True)
            return path
        a = report("a", [("pass", 1), ("failure", 2), ("error", 0.5)])
        b = report("b", [("pass", 1), ("skipped", 0), ("failure", 1)])
        out = os.path.join(self.tmp.name, "all.xml")
        p = hart_ci("merge", out, a, b)
        self.assertEqual(p.returncode, 0, p.stderr)
        root = ET.parse(out).getroot()
        self.assertEqual([root.get(k) for k in ("tests", "failures", "errors", "skipped", "time")],
                         ["6", "2", "1", "1", "5.500"])
        self.assertEqual([s.get("tests") for s in root.findall("testsuite")], ["3", "3"])
        # A damaged input names itself and writes nothing.
        broken = os.path.join(self.tmp.name, "broken.xml")
        with open(broken, "w") as f:
            f.write("<testsuites><testsuite>")
        p = hart_ci("merge", os.path.join(self.tmp.name, "x.xml"), a, broken)
        self.assertEqual(p.returncode, 1)
        self.assertIn("broken.xml", p.stderr)
        self.assertFalse(os.path.exists(os.path.join(self.tmp.name, "x.xml")))
        self.assertEqual(hart_ci("merge", out).returncode, 2)


if __name__ == "__main__":
    SCRIPTS = sys.argv[1]
    unittest.main(argv=[sys.argv[0], "-v"])
