"""Differential test: seeded random JMESPath expressions over random JSON documents, through
the C evaluator (tests/runtime/jmespath_driver.c) and Python's jmespath (what the AWS CLI's
--query runs), compared exactly: the C side's compact JSON must be byte for byte
json.dumps(result, separators=(',', ':'), ensure_ascii=False), so integers against floats,
key order and float digits all count. Errors compare by kind; where Python raises its own
TypeError or ValueError (ordering a number against a string, a zero slice step) the C
evaluator's invalid-type or invalid-value is the match.

Environment: BUILD (build folder holding libacg.a), JMESPATH_PY_CASES (default 600),
JMESPATH_PY_SEED (default 20240601)."""
import json
import os
import random
import subprocess
import sys

sys.path.insert(0, os.path.join(os.path.dirname(__file__), ".."))
import pybuild  # noqa: E402

import jmespath  # noqa: E402
from jmespath import exceptions as jexc  # noqa: E402

BUILD = os.environ.get("BUILD", "build")
CASES = int(os.environ.get("JMESPATH_PY_CASES", "600"))
SEED = int(os.environ.get("JMESPATH_PY_SEED", "20240601"))
DRIVER = os.path.join(BUILD, "tests", f"jmespath_driver.{os.getpid()}")

KEYS = ["a", "b", "c", "foo", "bar", "n", "s"]
ODD_KEYS = ["x-y", "1", "", "é", "a b"]
STRINGS = ["", "a", "abc", "B", "foo bar", "é", "中文", "😀x", "12", " 3.5 ", "1_000", "-7",
           "1e3", "inf", "nan", "0x10", "a\"b", "tab\there", "\u0001", "Zebra", "apple"]
FUNCS = {
    "abs": 1, "avg": 1, "ceil": 1, "contains": 2, "ends_with": 2, "floor": 1, "join": 2,
    "keys": 1, "length": 1, "max": 1, "min": 1, "not_null": -1, "reverse": 1, "sort": 1,
    "starts_with": 2, "sum": 1, "to_array": 1, "to_number": 1, "to_string": 1, "type": 1,
    "values": 1,
}
BY_FUNCS = ["sort_by", "min_by", "max_by", "map"]


def rand_scalar(rng):
    r = rng.random()
    if r < 0.25:
        return rng.choice([0, 1, -1, 2, 3, 7, 10, 42, -15, 1000, 2 ** 40])
    if r < 0.4:
        return rng.choice([0.5, -1.5, 2.0, 1e-7, 3.14159, 1e16, 12345.678, -0.0, 0.1 + 0.2])
    if r < 0.75:
        return rng.choice(STRINGS)
    if r < 0.9:
        return rng.choice([True, False])
    return None


def rand_doc(rng, depth=0):
    r = rng.random()
    if depth >= 4 or r < 0.3:
        return rand_scalar(rng)
    if r < 0.65:
        kind = rng.random()
        n = rng.randint(0, 5)
        if kind < 0.3:  # homogeneous numbers or strings, so sort/max/sum get real work
            pool = [lambda: rng.randint(-50, 50), lambda: rng.uniform(-10, 10)] \
                if rng.random() < 0.5 else [lambda: rng.choice(STRINGS)]
            return [rng.choice(pool)() for _ in range(n)]
        return [rand_doc(rng, depth + 1) for _ in range(n)]
    obj = {}
    for _ in range(rng.randint(0, 5)):
        key = rng.choice(KEYS) if rng.random() < 0.9 else rng.choice(ODD_KEYS)
        obj[key] = rand_doc(rng, depth + 1)
    return obj


def literal(rng):
    r = rng.random()
    if r < 0.5:
        return "`" + json.dumps(rand_doc(rng, 2), ensure_ascii=rng.random() < 0.5).replace("`", "\\`") + "`"
    if r < 0.8:
        return "'" + rng.choice(STRINGS).replace("\\", "").replace("'", "\\'") + "'"
    return "`" + rng.choice(["1", "2.5", "-3", "0", "true", "null", "\"x\"", "[]", "{}", "foo"]) + "`"


def ident(rng):
    if rng.random() < 0.85:
        return rng.choice(KEYS)
    return json.dumps(rng.choice(ODD_KEYS))


def expr(rng, depth=0):
    if depth > 3:
        return rng.choice([ident(rng), "@", literal(rng)])
    r = rng.random()
    sub = lambda: expr(rng, depth + 1)  # noqa: E731
    if r < 0.12:
        return ident(rng)
    if r < 0.2:
        return f"{sub()}.{ident(rng)}"
    if r < 0.26:
        return f"{sub()}[{rng.randint(-3, 3)}]"
    if r < 0.32:
        parts = [rng.choice(["", str(rng.randint(-4, 4))]) for _ in range(3)]
        if parts[2] == "0" and rng.random() < 0.7:
            parts[2] = "-1"
        text = f"{parts[0]}:{parts[1]}" + (f":{parts[2]}" if rng.random() < 0.6 else "")
        return f"{sub()}[{text}]"
    if r < 0.4:
        return f"{sub()}[*].{ident(rng)}" if rng.random() < 0.5 else f"{sub()}[*]"
    if r < 0.44:
        return f"{sub()}.*"
    if r < 0.48:
        return f"{sub()}[]"
    if r < 0.55:
        op = rng.choice(["==", "!=", "<", "<=", ">", ">="])
        return f"{sub()}[?{ident(rng)} {op} {rng.choice([literal(rng), ident(rng)])}]"
    if r < 0.62:
        op = rng.choice(["==", "!=", "<", "<=", ">", ">="])
        return f"{sub()} {op} {sub()}"
    if r < 0.68:
        return f"{sub()} {rng.choice(['&&', '||'])} {sub()}"
    if r < 0.7:
        return f"!{sub()}"
    if r < 0.74:
        return f"{sub()} | {sub()}"
    if r < 0.78:
        return "[" + ", ".join(sub() for _ in range(rng.randint(1, 3))) + "]"
    if r < 0.82:
        return "{" + ", ".join(f"{ident(rng)}: {sub()}" for _ in range(rng.randint(1, 3))) + "}"
    if r < 0.92:
        name = rng.choice(list(FUNCS))
        n = FUNCS[name]
        if n < 0:
            n = rng.randint(1, 3)
        if rng.random() < 0.05:
            n += rng.choice([-1, 1])
        return f"{name}(" + ", ".join(sub() for _ in range(max(n, 0))) + ")"
    if r < 0.95:
        name = rng.choice(BY_FUNCS)
        key = rng.choice([ident(rng), "@", f"to_number({ident(rng)})", f"length(@)"])
        if name == "map":
            return f"map(&{key}, {sub()})"
        return f"{name}({sub()}, &{key})"
    if r < 0.97:
        args = ", ".join(rng.choice(["`{\"a\": 1}`", "{a: a, b: `2`}", "@"]) for _ in range(rng.randint(1, 3)))
        return f"merge({args})"
    return literal(rng)


def mutate(rng, text):
    """Occasionally breaks an expression, to compare syntax errors too."""
    if rng.random() > 0.08 or not text:
        return text
    i = rng.randrange(len(text))
    choice = rng.random()
    if choice < 0.4:
        return text[:i] + text[i + 1:]
    return text[:i] + rng.choice("[]{}().,|&!*@`'\"?:=<>-0 ") + text[i:]


def py_kind(e):
    if isinstance(e, (jexc.ParseError, jexc.EmptyExpressionError)) and not isinstance(e, jexc.ArityError):
        return "syntax"
    if isinstance(e, jexc.ArityError):
        return "invalid-arity"
    if isinstance(e, jexc.UnknownFunctionError):
        return "unknown-function"
    if isinstance(e, (jexc.JMESPathTypeError, TypeError)):
        return "invalid-type"
    if isinstance(e, (ValueError, OverflowError)):
        return "invalid-value"
    return type(e).__name__


def python_answer(expression, data):
    try:
        result = jmespath.search(expression, data)
    except Exception as e:  # the library's errors and the raw ones it lets through
        return "error " + py_kind(e)
    try:
        return "ok " + json.dumps(result, separators=(",", ":"), ensure_ascii=False)
    except (TypeError, ValueError):
        return None  # an expression reference escaped as a value: nothing to compare


def main():
    subprocess.run(pybuild.cc("-Iruntime/include", "tests/runtime/jmespath_driver.c",
                              os.path.join(BUILD, "libacg.a"), "-o", DRIVER), check=True)
    rng = random.Random(SEED)
    cases = []
    while len(cases) < CASES:
        data = rand_doc(rng)
        text = mutate(rng, expr(rng))
        want = python_answer(text, data)
        if want is not None:
            cases.append((text, data, want))
    feed = "".join(json.dumps([t, d]) + "\n" for t, d, _ in cases)
    wrapper = os.environ.get("VALGRIND", "").split()
    proc = subprocess.run(wrapper + [DRIVER], input=feed, capture_output=True, text=True,
                          timeout=600)
    os.unlink(DRIVER)
    lines = proc.stdout.split("\n")
    passed = failed = errors = 0
    for i, (text, data, want) in enumerate(cases):
        got = lines[i] if i < len(lines) else "(no answer)"
        if got.startswith("error "):
            got = " ".join(got.split(" ")[:2])
            errors += 1
        if got == want:
            passed += 1
        else:
            failed += 1
            if failed <= 20:
                print(f"MISMATCH {text!r}\n  data: {json.dumps(data, ensure_ascii=False)}\n"
                      f"  python: {want}\n  c:      {got}", file=sys.stderr)
    if proc.returncode != 0:
        print(f"driver exited {proc.returncode}: {proc.stderr[-2000:]}", file=sys.stderr)
        failed += 1
    print(f"jmespath differential: {len(cases)} cases ({errors} errors) seed {SEED}")
    print(f"test_jmespath_py: {passed} passed, {failed} failed")
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
