"""client-scripts/hart_ci_shard.py — hart-ci's sharding: which share of a test
list this machine runs, read from a flag or from the CI engine's
environment, and `hart-ci merge`, which joins the shards' JUnit reports.

Owns: the table of sharding conventions, the deterministic assignment of
tests to shards, the merge. Does not own: running tests (hart-ci).
Python 3 standard library only.

Conventions read when no --shard is given (each normalised to a 0-based
index and a count):
"""
import hashlib
import os
import xml.etree.ElementTree as ET

# (engine, index variable, count variable, base of the index). A count of
# None: the engine gives no count (Kubernetes Indexed Jobs set only
# JOB_COMPLETION_INDEX); --shard-count must then say it.
CONVENTIONS = [
    ("Bazel", "TEST_SHARD_INDEX", "TEST_TOTAL_SHARDS", 0),
    ("GoogleTest", "GTEST_SHARD_INDEX", "GTEST_TOTAL_SHARDS", 0),
    ("GitLab CI", "CI_NODE_INDEX", "CI_NODE_TOTAL", 1),
    ("CircleCI", "CIRCLE_NODE_INDEX", "CIRCLE_NODE_TOTAL", 0),
    ("Buildkite", "BUILDKITE_PARALLEL_JOB", "BUILDKITE_PARALLEL_JOB_COUNT", 0),
    ("Kubernetes Indexed Job", "JOB_COMPLETION_INDEX", None, 0),
]

__doc__ += "".join(f"    {engine:24} {i}{'/' + c if c else ' (count: --shard-count)'}"
                   f"{' (1-based)' if base else ''}\n" for engine, i, c, base in CONVENTIONS)


class ShardError(Exception):
    """The shard identity is missing a half, out of range or ambiguous."""


def _int(name, text):
    try:
        return int(text.strip())
    except ValueError:
        raise ShardError(f"{name}={text!r} is not a number") from None


def parse_flag(text):
    """--shard INDEX/COUNT (0-based INDEX) -> (index, count)."""
    if text.count("/") != 1:
        raise ShardError(f"--shard {text!r}: want INDEX/COUNT, e.g. 0/4")
    i, n = text.split("/")
    return _int("--shard index", i), _int("--shard count", n)


def identify(flag=None, count_flag=None, env=None):
    """(index, count, source) of this shard; (0, 1, None) when nothing asks
    for sharding. Raises ShardError when the identity is incomplete or
    the conventions present disagree: an unset count must never mean "run
    everything" silently."""
    env = os.environ if env is None else env
    if flag is not None:
        index, count = parse_flag(flag)
        if count_flag is not None and count_flag != count:
            raise ShardError(f"--shard {flag} and --shard-count {count_flag} disagree")
        found = [(index, count, "--shard")]
    else:
        found = []
        for engine, ivar, cvar, base in CONVENTIONS:
            has_i = ivar in env and env[ivar].strip() != ""
            has_c = cvar is not None and cvar in env and env[cvar].strip() != ""
            if not has_i and not has_c:
                continue
            if not has_i:
                raise ShardError(f"{engine}: {cvar} is set but {ivar} is not")
            if cvar is None or not has_c:
                if count_flag is None:
                    what = f"{cvar} is not set" if cvar else "it gives no count"
                    raise ShardError(f"{engine}: {ivar} is set but {what}; "
                                     f"give the number of shards with --shard-count N")
                count = count_flag
            else:
                count = _int(cvar, env[cvar])
                if count_flag is not None and count_flag != count:
                    raise ShardError(f"{engine}: {cvar}={count} but --shard-count {count_flag}")
            index = _int(ivar, env[ivar]) - base
            source = f"{engine} {ivar}" + (f"/{cvar}" if cvar and has_c else "")
            found.append((index, count, source))
        if not found:
            if count_flag is not None:
                raise ShardError("--shard-count without a shard index (--shard or a CI variable)")
            return 0, 1, None
        if len({(i, n) for i, n, _ in found}) > 1:
            raise ShardError("conflicting shard identities: " + "; ".join(
                f"{s} says {i}/{n} (0-based)" for i, n, s in found))
    index, count, source = found[0]
    if count < 1:
        raise ShardError(f"{source}: the number of shards must be at least 1, not {count}")
    if not 0 <= index < count:
        raise ShardError(f"{source}: shard index {index} (0-based) is outside 0..{count - 1}")
    return index, count, source


def mark_status_file(env=None):
    """Bazel's handshake: a test that shards touches TEST_SHARD_STATUS_FILE."""
    env = os.environ if env is None else env
    path = env.get("TEST_SHARD_STATUS_FILE")
    if path:
        with open(path, "a"):
            pass


def select(keys, index, count):
    """The positions in `keys` (a test's identity: its name and arguments)
    that shard `index` of `count` runs. Tests are ordered by a hash of their
    identity and dealt round-robin, so the shards are disjoint, their union
    is the list, their sizes differ by at most one, and the assignment does
    not depend on the order of the list (equal identities keep theirs)."""
    order = sorted(range(len(keys)),
                   key=lambda k: (hashlib.sha256(keys[k].encode("utf-8", "surrogateescape")).digest(),
                                  k))
    return sorted(order[index::count])


def _counts(suite):
    cases = suite.findall("testcase")
    failures = sum(1 for c in cases if c.find("failure") is not None)
    errors = sum(1 for c in cases if c.find("error") is not None)
    skipped = sum(1 for c in cases if c.find("skipped") is not None)
    seconds = sum(float(c.get("time") or 0) for c in cases)
    return len(cases), failures, errors, skipped, seconds


def merge(out_path, in_paths):
    """Writes one JUnit report holding every <testsuite> of the inputs, the
    totals counted again from their test cases. Returns the totals
    (tests, failures, errors, skipped). Raises ET.ParseError / OSError
    naming the bad input."""
    root = ET.Element("testsuites")
    totals = [0, 0, 0, 0, 0.0]
    for path in in_paths:
        try:
            top = ET.parse(path).getroot()
        except ET.ParseError as e:
            raise ET.ParseError(f"{path}: {e}") from None
        suites = [top] if top.tag == "testsuite" else top.findall("testsuite")
        for suite in suites:
            n = _counts(suite)
            for k in range(5):
                totals[k] += n[k]
            suite.set("tests", str(n[0]))
            suite.set("failures", str(n[1]))
            suite.set("errors", str(n[2]))
            suite.set("skipped", str(n[3]))
            root.append(suite)
    root.set("tests", str(totals[0]))
    root.set("failures", str(totals[1]))
    root.set("errors", str(totals[2]))
    root.set("skipped", str(totals[3]))
    root.set("time", f"{totals[4]:.3f}")
    tree = ET.ElementTree(root)
    ET.indent(tree)
    tree.write(out_path, encoding="utf-8", xml_declaration=True)
    return tuple(totals[:4])
