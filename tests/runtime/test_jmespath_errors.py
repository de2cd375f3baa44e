"""Differential test of JMESPath error messages: every error case of the official compliance
suite, and hand-picked expressions for each exception the Python library (and Python under
it) raises, through Python's jmespath (str() of the exception, which the AWS CLI prints) and
the C module (tests/runtime/jmespath_driver.c), compared as text and by kind; then seeded
random broken and ill-typed expressions (test_jmespath_py.py's generator) that make Python
raise, but for those where an expression reference escapes as a value, whose message holds
an object's address.

The suite is read from $JMESPATH_SUITE, else ../shared/testdata/jmespath beside the
repository, else /work/shared/testdata/jmespath. Environment: BUILD (build folder holding
libacg.a), JMESPATH_ERRORS_RANDOM (default 1000 random cases), JMESPATH_ERRORS_SEED."""
import glob
import json
import os
import random
import subprocess
import sys

sys.path.insert(0, os.path.join(os.path.dirname(__file__), ".."))
sys.path.insert(0, os.path.dirname(__file__))
import pybuild  # noqa: E402
import test_jmespath_py as gen  # noqa: E402
from test_jmespath_py import py_kind  # noqa: E402

import jmespath  # noqa: E402

BUILD = os.environ.get("BUILD", "build")
DRIVER = os.path.join(BUILD, "tests", f"jmespath_errors_driver.{os.getpid()}")
RANDOM = int(os.environ.get("JMESPATH_ERRORS_RANDOM", "1000"))
SEED = int(os.environ.get("JMESPATH_ERRORS_SEED", "20261203"))

# (expression, data): each must make Python raise.
DATA = {"a": 1, "foo": [1, "x"], "s": "it's", "n": None, "o": {"k": [1, 2.5, "é\u0085\n"]},
        "users": [{"n": "b", "age": 3}, {"n": "a", "age": "x"}, {"n": "c"}]}
HAND = [
    # LexerError, EmptyExpressionError
    "", "a ~", "a = b", "a =", "-", "foo[-", "foo[1:-]", "é", "a.中", "'abc", "`abc", "\"abc",
    "\"ab\\q\"", "\"a\tb\"", "\"\\u12\"", "\"\\u12345\\z\"", "`\"a` b`", "`{\"a\": }`", "a \x0b",
    "é ~", "foo ==== bar", "\"x\\\"",
    # IncompleteExpressionError
    " ", "Users[?", "{a: b", "[1", "a [?", "foo[*", "!", "a.[", "a.{", "{", "{a", "{a:", "[?a",
    "a|", "a||", "a&&", "&", "a.*.b(", "é[?", "foo[?a == `1`", "(a", "f(a,", "[a, b",
    # ParseError
    "foo.", "a b", "\"foo\"(1)", "foo.\"bar\"(1)", "@(1)", "`1`(2)", "foo[1:2:3:4]", "{1: b}",
    "a ]", "`{\"a\": 1}` `1.5`", "a `{\"a\": [1, true, null]}`", "a `1e16`", "a `true`",
    "a 'x'", "a || b c", "a.`1`", "a[`1`]", "a[1.5]", "foo[?a==]", "foo[:", "'a' 'b'",
    "a[0]b", "a.b.c.(d)", "a.1", "a.-1", "a.-007", "a.-0", "3", "*.3", "[*]3", "a{b}",
    "a.*b", "[]b", "a[?b]c", "foo[1:2:3:]", "foo[:a]", "é.[1] é", "{\"k\": a, 3: b}",
    "abs(@) ]", "a[*)", "a[1 2]", "@ @", "`[1]` 2", "* *", "a && ||", "a.*.{",
    "a.(b)", "[0][1]c", "`\"é\"` x", "a | b | )", "\"\\u00e9\" x", "a[:2:3 ]]",
    "a.\"b\" `[\"x\", {\"y\": 1.0}]`", "(a)(b)c", "a[007 1]", "a[-00 1]", "a[-0012 1]",
    "a[99999999999999999999999 1]", "é.ü 'ß'", "\"é\" \"ü\"", "\u4e2d\u6587[ \u00e9",
    # UnknownFunctionError, ArityError, VariadictArityError
    "nope(@)", "(a)(b)", "abs()", "abs(`1`, `2`)", "not_null()", "merge()", "sort_by(@)",
    "starts_with('a')", "map(&a)", "to_string(`1`, `2`, `3`)",
    # JMESPathTypeError
    "length(`null`)", "length(n)", "abs('abc')", "abs(s)", "abs(`[1, \"a\"]`)", "abs(o)",
    "avg(`[1, \"a\"]`)", "max(`[true]`)", "max(`[1, \"a\"]`)", "min(`[null, 1]`)",
    "sort(`[\"a\", 1]`)", "sort(`[{}]`)", "sum(foo)", "join(',', `[1]`)", "join(`1`, `[]`)",
    "keys(foo)", "values('x')", "sort_by(@, `1`)", "sort_by(users, &age)",
    "sort_by(users, &n)[0] | sort_by(users, &bogus)", "sort_by(`[{\"a\":true},{\"a\":\"x\"}]`, &a)",
    "max_by(users, &[n])", "min_by(users, &o)", "map(`1`, foo)", "map(&a, `{}`)",
    "contains(`1`, 'a')", "ends_with(s, `1`)", "reverse(`1.5`)", "ceil('1')", "floor(`true`)",
    "abs(`-0.0`) && abs(`[1.5e300, 1e-7, 1e16, 0.1]`)", "abs(`{\"it's\": \"a\\\"b\", \"x\": [\"\\u00e9\\u0085\\n\\t\\\\\"]}`)",
    "abs(`\"\\u2028\\u00a0\\u200b\\ud83d\\ude00\"`)", "abs(`[\"\\u2028\\u00a0\\u200b\\ud83d\\ude00\\u0378\"]`)",
    "abs(`[\"\\u007f\\u0000\\u001f\"]`)", "abs(`[\"it's \\\"q\\\"\"]`)", "merge(`1`)",
    "not_null(`1`) | length(@)",
    # Python's own TypeError, ValueError, OverflowError
    "merge(`{}`, `1`)", "merge(`{}`, 'ab')", "merge(`{}`, `[1]`)", "merge(`{}`, `[\"abc\"]`)",
    "merge(`{}`, `null`)", "merge(`{}`, `[[1, 2, 3]]`)", "merge(`{}`, `true`)", "merge(`{}`, `2.5`)",
    "contains('abc', `1`)", "contains('abc', `null`)", "contains('abc', foo)",
    "max_by(users, &age)", "min_by(users, &age)", "'a' < `1`", "`1` >= 'a'", "`1.5` > 'a'",
    "'a' <= `2`", "foo[?@ > `0`]", "`[1]`[::0]", "foo[::0]", "ceil(`1e400`)", "floor(`-1e400`)",
    "floor(`NaN`)", "merge(`{}`, `[[\"a\", 1], \"bc\", 5]`)", "merge(`{}`, `[[[1], 2]]`)",
    "merge(`{}`, `[{\"x\": 1, \"y\": 2}, [1]]`)", "merge(`{}`, `[\"ab\", {\"k\": {}}]`)",
    "merge(`{}`, `[[{}, 1]]`)", "merge(`{}`, `[\"\u00e9\u00fc\", \"abc\"]`)",
    # an expression reference met as a value
    "!(&a) || length(n)", "sort_by(n, !&a)", "(&a) == `1` || abs(n)", "(&a) != `1` && abs(n)",
    "(&a) < `1` || abs(n)", "foo[?(&a)] | abs(@)", "(&a) && abs(n)",
]
# Messages longer than acg_error.message holds, with their own data.
LONG = [
    ("a" * 600 + " ~", {}),
    ("foo." + "b" * 300 + " c", {}),
    ("[" + ", ".join(["x"] * 200), {}),
    ("abs(@)", {f"key{i}": ["é" * 3, i, None, True, 1.5] for i in range(100)}),
    ("length(@[0])", [None] * 3),
    ("join(', ', @)", ["x" * 700, 1]),
]


def suite_dir():
    here = os.path.dirname(os.path.abspath(__file__))
    for d in (os.environ.get("JMESPATH_SUITE"), os.path.join(here, "..", "..", "..", "shared",
                                                              "testdata", "jmespath"),
              "/work/shared/testdata/jmespath"):
        if d and os.path.isdir(d):
            return d
    raise SystemExit("no JMESPath compliance suite found (set JMESPATH_SUITE)")


def suite_cases():
    cases = []
    for path in sorted(glob.glob(os.path.join(suite_dir(), "*.json"))):
        with open(path, encoding="utf-8") as f:
            for suite in json.load(f):
                for c in suite["cases"]:
                    if "error" in c:
                        cases.append((f"{os.path.basename(path)}: {c['expression']!r}",
                                      c["expression"], suite["given"]))
    return cases


def random_cases():
    """Broken and ill-typed expressions over random documents: one in two is mutated."""
    rng = random.Random(SEED)
    cases = []
    while len(cases) < RANDOM:
        data = gen.rand_doc(rng)
        text = gen.expr(rng)
        if text and rng.random() < 0.5:
            i = rng.randrange(len(text))
            if rng.random() < 0.5:
                text = text[:i] + rng.choice("[]{}().,|!*@`'\"?:=<>-0 ~é") + text[i:]
            else:
                text = text[:i] + text[i + 1:]
        want = python_error(text, data)
        if want is not None and "_Expression object" not in want[1]:
            cases.append((f"random: {text!r}", text, data))
    return cases


def python_error(expression, data):
    """(kind, str(exception)), or None when Python raises nothing."""
    try:
        jmespath.search(expression, data)
    except Exception as e:  # the library's errors and the raw ones it lets through
        return py_kind(e), str(e)
    return None


def main():
    os.makedirs(os.path.dirname(DRIVER), exist_ok=True)
    subprocess.run(pybuild.cc("-Iruntime/include", "tests/runtime/jmespath_driver.c",
                              os.path.join(BUILD, "libacg.a"), "-o", DRIVER), check=True)
    cases = suite_cases()
    n_suite = len(cases)
    cases += [(f"hand-picked: {e!r}", e, DATA) for e in HAND]
    cases += [(f"long: {e[:40]!r}...", e, d) for e, d in LONG]
    cases += random_cases()
    feed = "".join(json.dumps([e, d]) + "\n" for _, e, d in cases)
    wrapper = os.environ.get("VALGRIND", "").split()
    proc = subprocess.run(wrapper + [DRIVER], input=feed, capture_output=True, text=True,
                          timeout=600)
    os.unlink(DRIVER)
    lines = proc.stdout.split("\n")
    passed = failed = 0
    for i, (name, expression, data) in enumerate(cases):
        want = python_error(expression, data)
        got = lines[i] if i < len(lines) else "(no answer)"
        if got.startswith("error "):
            _, kind, text = got.split(" ", 2)
            got = (kind, json.loads(text))
        if want is not None and got == want:
            passed += 1
            continue
        failed += 1
        print(f"MISMATCH {name}\n  python: {want!r}\n  c:      {got!r}", file=sys.stderr)
    if proc.returncode != 0:
        print(f"driver exited {proc.returncode}: {proc.stderr[-2000:]}", file=sys.stderr)
        failed += 1
    print(f"jmespath errors: {n_suite} compliance error cases, {len(HAND)} hand-picked, "
          f"{len(LONG)} long, {RANDOM} random (seed {SEED})")
    print(f"test_jmespath_errors: {passed} passed, {failed} failed")
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
