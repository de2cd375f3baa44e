"""Differential test of the output formats: seeded random response-like values, with and
without a --query, through the C formatters (tests/cli/output_driver.c) and through the
AWS CLI's own formatter classes, compared byte for byte.

json, text and table: the installed AWS CLI v1 (awscli.formatter.JSONFormatter,
TextFormatter, TableFormatter), instantiated as the CLI does with an args namespace
(query, color). The table's terminal width comes from awscli.table.determine_terminal_width,
which asks stdout's window and falls back to 80; the test patches that function to return
the width it gives the C side (80, 40 or 120). With --color on, TableFormatter wraps
sys.stdout with colorama (autoreset), so stdout is swapped for a buffer before the
formatter is built and the formatter writes to it as it would to the terminal.

yaml and yaml-stream: AWS CLI v1 has neither. The reference is AWS CLI v2's YAML output
as reconstructed here: ruamel.yaml's safe dumper (typ='safe', default_flow_style=False,
which uses the libyaml emitter of ruamel.yaml.clib, Debian's python3-ruamel.yaml) for lists
and objects, json.dumps for a scalar result, nothing for {} (yaml), and [result] for
yaml-stream.

Environment: BUILD (with libacg.a and libacg_cli.a), OUTPUT_CASES (responses, default 200),
OUTPUT_SEED (default 7)."""
import argparse
import copy
import io
import json
import os
import random
import subprocess
import sys
import unicodedata

sys.path.insert(0, os.path.join(os.path.dirname(__file__), ".."))
import pybuild  # noqa: E402

import jmespath  # noqa: E402
import awscli.table  # noqa: E402
from awscli.formatter import JSONFormatter, TableFormatter, TextFormatter  # noqa: E402

sys.path.append("/usr/lib/python3/dist-packages")  # Debian's ruamel.yaml (+ clib)
from ruamel.yaml import YAML  # noqa: E402

BUILD = os.environ.get("BUILD", "build")
RESPONSES = int(os.environ.get("OUTPUT_CASES", "200"))
SEED = int(os.environ.get("OUTPUT_SEED", "7"))
DRIVER = os.path.join(BUILD, "tests", f"output_driver.{os.getpid()}")
OPERATION = "DescribeBatchInferenceJob"

WORDS = ["alpha", "Beta", "gamma delta", "arn:aws:personalize:us-east-1:123:job/x", "",
         "true", "no", "123", "1e3", "0x1F", "null", "~", "2024-01-02", "2024-01-02T03:04:05Z",
         "- dash", "key: value", "#hash", "a #b", "it's", 'say "hi"', "tab\there",
         "line1\nline2", "trailing ", " leading", "中文字符", "ｆｕｌｌ", "émoji 😀", "x" * 90,
         "a somewhat long sentence with many words " * 3, "\u00e9t\u00e9", "@at", "%pct",
         "back\\slash", "ctrl\u0001char", "nbsp\u00a0here", "ACTIVE", "CREATE PENDING",
         "Zeta", "yes", "ok?", "[x]", "{y}", "a,b", "---", "...", "=", "<<"]
KEYS = ["Name", "Status", "Arn", "Size", "Count", "Tags", "Items", "Config", "Enabled",
        "CreationDateTime", "jobName", "numResults", "Value", "Key", "a", "B", "ümlaut",
        "名前", "with space", "x" * 130]


def scalar(rng):
    r = rng.random()
    if r < 0.45:
        return rng.choice(WORDS)
    if r < 0.65:
        return rng.choice([0, 1, -3, 42, 1000000, 2 ** 40, 7])
    if r < 0.78:
        return rng.choice([0.5, 1.0, -2.25, 1e-07, 1e16, 3.14159, 123456.789, 0.1 + 0.2, 1e300])
    if r < 0.9:
        return rng.choice([True, False])
    return None


def record(rng, depth):
    keys = rng.sample(KEYS[:16], rng.randint(1, 5))
    if rng.random() < 0.1:
        keys.append(rng.choice(KEYS[16:]))
    return {k: value(rng, depth + 1, scalar_bias=0.7) for k in keys}


def value(rng, depth, scalar_bias=0.5):
    if depth >= 4 or rng.random() < scalar_bias:
        return scalar(rng)
    r = rng.random()
    if r < 0.35:  # a list of records with mostly the same keys
        return [record(rng, depth) for _ in range(rng.randint(0, 4))]
    if r < 0.55:
        return [scalar(rng) for _ in range(rng.randint(0, 4))]
    if r < 0.65:
        return [value(rng, depth + 1) for _ in range(rng.randint(0, 3))]
    return record(rng, depth)


def response(rng):
    resp = {}
    for key in rng.sample(["Items", "Count", "NextToken", "Config", "Tags", "Empty", "Job"],
                          rng.randint(1, 5)):
        if key == "Items":
            resp[key] = [record(rng, 1) for _ in range(rng.randint(0, 4))]
        elif key == "Count":
            resp[key] = rng.randint(0, 100)
        elif key == "Empty":
            resp[key] = rng.choice([[], {}, "", None])
        else:
            resp[key] = value(rng, 1, scalar_bias=0.3)
    return resp


QUERIES = [None, None, None, "Items", "Items[0]", "Items[*].Name", "Items[].Tags", "Count",
           "Config", "Job", "[Items, Items]", "keys(@)", "{c: Count, first: Items[0]}",
           "Items[0].Name", "length(Items || `[]`)", "NextToken", "Empty", "Missing",
           "[Config, Config, Items[0]]", "Items[?Size > `1`]", "values(@)", "Tags", "@"]


class Args(argparse.Namespace):
    pass


def run_v1(fmt, color, width, query, resp):
    """What the AWS CLI v1 formatter writes, and whether it raised."""
    args = Args(query=jmespath.compile(query) if query else None, color=color)
    awscli.table.determine_terminal_width = lambda default_width=80: width
    saved = sys.stdout, sys.stderr  # colorama.init wraps both
    buf = io.StringIO()
    sys.stdout = buf
    failed = False
    try:
        cls = {"json": JSONFormatter, "text": TextFormatter, "table": TableFormatter}[fmt]
        formatter = cls(args)
        formatter(OPERATION, copy.deepcopy(resp))
    except Exception:  # the AWS CLI would report it and exit 255
        failed = True
    finally:
        sys.stdout, sys.stderr = saved
    return failed, buf.getvalue()


def run_v2_yaml(fmt, query, resp):
    data = jmespath.search(query, resp) if query else resp
    out = io.StringIO()
    y = YAML(typ="safe")
    y.default_flow_style = False
    if fmt == "yaml-stream":
        y.dump([data], out)
    elif data != {}:
        if isinstance(data, (dict, list)):
            y.dump(data, out)
        else:
            out.write(json.dumps(data, ensure_ascii=False) + "\n")
    return False, out.getvalue()


def expected(case):
    fmt, color, width, _, query, resp = case
    if query:
        try:
            jmespath.search(query, resp)
        except Exception:  # the CLI fails before printing: compare that both refuse
            return "query-error", ""
    if fmt.startswith("yaml"):
        return run_v2_yaml(fmt, query, resp)
    return run_v1(fmt, color, width, query, resp)


def read_answers(data, count):
    answers, pos = [], 0
    for _ in range(count):
        nl = data.index(b"\n", pos)
        head = data[pos:nl].decode()
        pos = nl + 1
        kind, _, rest = head.partition(" ")
        if kind in ("ok", "error"):
            n = int(rest)
            answers.append((kind == "error", data[pos:pos + n].decode("utf-8", "replace")))
            pos += n + 1
        else:
            answers.append(("query-error", "") if kind == "query-error" else (True, head))
    return answers


def upper_cases():
    """Text output upper-cases the key of a list of objects (str.upper()): keys made of every
    code point below U+20000, which holds every one that has an upper case, 256 a key (no
    surrogates or control characters, which a key cannot hold as text)."""
    cases = []
    for start in range(0x80, 0x20000, 256):
        key = "".join(chr(cp) for cp in range(start, start + 256)
                      if not 0xD800 <= cp <= 0xDFFF and unicodedata.category(chr(cp)) != "Cc")
        cases.append(["text", "off", 80, OPERATION, None, {key: [{"a": "1"}]}])
    return cases


def main():
    subprocess.run(pybuild.cc("-Iruntime/include", "-Icli/include", "tests/cli/output_driver.c",
                              os.path.join(BUILD, "libacg_cli.a"), os.path.join(BUILD, "libacg.a"),
                              "-o", DRIVER), check=True)
    rng = random.Random(SEED)
    cases = []
    for _ in range(RESPONSES):
        resp = response(rng)
        query = rng.choice(QUERIES)
        for fmt, color in (("json", "off"), ("text", "off"), ("table", "off"), ("table", "on"),
                           ("yaml", "off"), ("yaml-stream", "off")):
            width = rng.choice([80, 80, 40, 120]) if fmt == "table" else 80
            cases.append([fmt, color, width, OPERATION, query, resp])
    cases += upper_cases()
    feed = "".join(json.dumps(c, ensure_ascii=False) + "\n" for c in cases)
    wrapper = os.environ.get("VALGRIND", "").split()
    proc = subprocess.run(wrapper + [DRIVER], input=feed.encode(), capture_output=True, timeout=600)
    os.unlink(DRIVER)
    answers = read_answers(proc.stdout, len(cases))
    passed = failed = 0
    per_format = {}
    for case, got in zip(cases, answers):
        want = expected(case)
        key = case[0] + ("+color" if case[1] == "on" else "")
        ok = got == want
        per_format.setdefault(key, [0, 0, 0])[0 if ok else 1] += 1
        per_format[key][2] += want[0] is True
        if ok:
            passed += 1
        else:
            failed += 1
            if failed <= 10:
                print(f"MISMATCH {case[0]} color={case[1]} width={case[2]} query={case[4]!r}\n"
                      f"  response: {json.dumps(case[5], ensure_ascii=False)[:400]}\n"
                      f"  aws ({'error' if want[0] else 'ok'}):\n{want[1]!r}\n"
                      f"  c   ({'error' if got[0] else 'ok'}):\n{got[1]!r}", file=sys.stderr)
    if proc.returncode != 0:
        print(f"driver exited {proc.returncode}: {proc.stderr[-2000:]!r}", file=sys.stderr)
        failed += 1
    for key, (p, f, errors) in sorted(per_format.items()):
        print(f"  {key:12} {p} equal, {f} different ({errors} where the AWS CLI fails)")
    print(f"test_output_formats: {passed} passed, {failed} failed")
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
