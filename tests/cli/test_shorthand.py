"""The shorthand parser (cli/acg_shorthand.c) against the AWS CLI v1's own
(awscli.shorthand.ShorthandParser and BackCompatVisitor), over hand-picked edge cases and
thousands of generated inputs: the same value as JSON, or the same error message.

Each input is parsed twice: alone, and then adjusted to a test structure with members of
every kind (tests/cli/shorthand_driver.c builds the same structure as descriptors), so the
model-driven conversions (numbers, booleans, lone values into lists, document members) are
compared too. Where we differ on purpose (integers beyond int64, which no member holds, and
digits other than ASCII ones) the inputs are left out. One more documented difference: the AWS CLI v1 prints a syntax error's location as
the literal "{self._error_location()}"; we print the location it computes, so the expected
message here is built from that computation.

Python's json.loads messages, which the AWS CLI prints for bad JSON values, are compared the
same way (cli/acg_pyjson.c): hand-picked texts and generated ones."""
import json
import os
import random
import subprocess
import sys

from awscli import shorthand
from botocore import model as bmodel

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
import pybuild  # noqa: E402

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
BUILD = os.path.join(ROOT, os.environ.get("BUILD", "build"))
DRIVER = os.path.join(BUILD, "tests", f"shorthand_driver.{os.getpid()}")
SEED = 20240613
GENERATED = 6000

SHAPES = {
    "Top": {"type": "structure", "members": {
        "a": {"shape": "Count"}, "b": {"shape": "Weight"}, "c": {"shape": "Flag"},
        "d": {"shape": "Texts"}, "e": {"shape": "Counts"}, "f": {"shape": "Weights"},
        "g": {"shape": "Inner"}, "h": {"shape": "Inners"}, "i": {"shape": "Text"},
        "j": {"shape": "Doc"}}},
    "Inner": {"type": "structure", "members": {
        "n": {"shape": "Count"}, "on": {"shape": "Flag"}, "names": {"shape": "Texts"},
        "doc": {"shape": "Doc"}}},
    "Inners": {"type": "list", "member": {"shape": "Inner"}},
    "Texts": {"type": "list", "member": {"shape": "Text"}},
    "Counts": {"type": "list", "member": {"shape": "Count"}},
    "Weights": {"type": "map", "key": {"shape": "Text"}, "value": {"shape": "Weight"}},
    "Count": {"type": "integer"}, "Weight": {"type": "double"}, "Flag": {"type": "boolean"},
    "Text": {"type": "string"}, "Doc": {"type": "structure", "members": {}, "document": True},
}
TOP = bmodel.ShapeResolver(SHAPES).get_shape_by_name("Top")

EDGE = [
    "a=b", "a=b,c", "a=b,c=d", "a=b,c,d=e,f", "a=[b,c]", "a=[]", "a=[,]", "a={}", "a={b=c}",
    "a={b=[1,2],c={d=e}}", "a=[{b=c},{d=e}]", "a=", "a=,b=c", "=b", "a", "", " ", "a=b,",
    "a=b ,c=d", "a = b", "a =b, c= d", "a=b\\,c", "a='b,c'", 'a="b,c"', "a='it\\'s'",
    'a="say \\"hi\\""', "a='b\\\\'", "a='b", 'a="b', "a='b\\'", "a='x\\'y\\'", "a=b,a=c",
    "a=b,c=d,a=e", "a={b=1,b=2}", "a=[b", "a={b=c", "a={b=c,}", "a=[b,]", "a=[b c]",
    "a=b c", "a=b\nc=d", "a=b,\nb==c", "a=b,\nc=d\n,e==f", "a==b", "a=b=c", "a=[b=c]",
    "a@=b", "a @= b", "a@b=c", "a=b,@=c", "k-1_.#/:x=v",
    "a=é,b=日本", "a=😀", "a=x😀y", "a=\u00a0b\u00a0", "a=b\x1c", "a=b\t", "a=\tb",
    "a=[ b , c ]", "a={ b = c , d = e }", "a=[[1,2],[3]]", "a={b={c={d=e}}}", "a=b,,c=d",
    "a=b,c,", "a=b,'c',d", "a=b,\"c\"", "a=b,c d,e=f", "a=b\\", "a=\\,", "a=b\\,",
    "a=1,b=2.5,c=true", "a=x", "b=nan,c=FALSE", "b=1_000.5,a= 42 ", "a=1_0,b=.5e-3",
    "a=[1,2]", "a={x=1}", "c=maybe", "c=[true]", "d=one", "d=[one,two]", "d=one,two",
    "e=1", "e=[1,2]", "f={k=1.5,l=2}", "f={k=x}", "g={n=1,on=false,names=x}", "g={doc=1}",
    "g={doc={}}", "h=[{n=1},{n=2,names=[a,b]}]", "h={n=1}", "j=1", "i=1", "a=-7", "a=+7",
    "a=0x10", "b=1e400", "b=-inf", "b=Infinity", "a=9223372036854775807", "a=1__0",
    "b=1.", "b=.", "b=e5", "a=-9223372036854775808", "b=1_", "g={n=[1]}", "g=x",
]

ALPHABET = ["a", "b", "k", "key", "=", "=", "=", "@=", ",", ",", " ", "[", "]", "{", "}",
            "'", '"', "\\", "\\,", "\n", "\t", "é", "😀", "\u00a0", "\x1c", "1", "2.5",
            "true", "x y", "-", "_", ".", ":", "/", "#", "*", "?", "|", "~", "^", "(", ")"]


def generated(rng):
    """Inputs built from a template of keys and values, then a few characters changed."""
    def value(depth):
        r = rng.random()
        if depth < 3 and r < 0.15:
            return "[" + ",".join(value(depth + 1) for _ in range(rng.randint(0, 3))) + "]"
        if depth < 3 and r < 0.3:
            return "{" + ",".join(f"{rng.choice('abcdk')}={value(depth + 1)}"
                                  for _ in range(rng.randint(0, 3))) + "}"
        if r < 0.4:
            return ",".join(rng.choice(["x", "1", "y z", "2.5"]) for _ in range(rng.randint(2, 3)))
        return "".join(rng.choice(ALPHABET) for _ in range(rng.randint(0, 4)))
    text = ",".join(f"{rng.choice('abcdefghij')}={value(0)}" for _ in range(rng.randint(1, 3)))
    chars = list(text)
    for _ in range(rng.randint(0, 2)):
        if chars:
            chars[rng.randrange(len(chars))] = rng.choice(ALPHABET)
    return "".join(chars)


JSON_EDGE = ["", " ", "{", '{"a"', '{"a":', '{"a":1', '{"a":1,', '{"a":1,}', "{a:1}", "[",
             "[1", "[1,", "[1,]", "[1 2]", '"abc', '"a\x01"', '"a\\q"', '"\\u12"', '"\\u12x4"',
             "{} x", "tru", "nul", "-", "01", "1.", "1.5e", "1e+", "[1]]", '{"a" 1}', '"\\',
             "é{", '{"é":1,\n"b" 2}', "NaN", "-Infinity", "[-]", "Infinity", "-NaN", "[nulls]",
             '{"a": [1, {"b": null}], "c": "\\u00e9"}', "\t[\r\n]\n", "\x0c[]", '"\\ud800"',
             '"\\u1234', '{"a":1 "b":2}', "[1,\n\n  x]", "1 2", "-01", "2.e5", "0.5E-3"]
JSON_PIECES = ["{", "}", "[", "]", ",", ":", '"a"', '"é"', "1", "-2.5e3", "null", "true", " ",
               "\n", "NaN", '"\\n"', '"x', "\\", "f", "0", "."]


def json_expected(text):
    try:
        json.loads(text)
    except ValueError as e:
        return ("error", str(e))
    return ("ok", "")


def expected(text, adjust):
    try:
        value = shorthand.ShorthandParser().parse(text)
        if adjust:
            shorthand.BackCompatVisitor().visit(value, TOP)
    except shorthand.ShorthandParseSyntaxError as e:
        return ("error", "Expected: '%s', received: '%s' for input:\n%s"
                % (e.expected, e.actual, e._error_location()))
    except shorthand.ShorthandParseError as e:
        return ("error", str(e))
    except RecursionError:
        return None
    except (ValueError, TypeError, AttributeError) as e:
        return ("plain", str(e))
    return ("ok", json.dumps(value, ensure_ascii=False, separators=(",", ":")))


def read_answers(data, count):
    answers, pos = [], 0
    for _ in range(count):
        end = data.index(b"\n", pos)
        head = data[pos:end].decode()
        pos = end + 1
        kind, _, size = head.partition(" ")
        n = int(size) if size else 0
        answers.append((kind, data[pos:pos + n].decode("utf-8", "replace")))
        pos += n + 1
    return answers


def main():
    os.makedirs(os.path.dirname(DRIVER), exist_ok=True)
    subprocess.run(pybuild.cc("-Iruntime/include", "-Iruntime/internal", "-Icli/include",
                              "-Icli", "tests/cli/shorthand_driver.c",
                              os.path.join(BUILD, "libacg_cli.a"), os.path.join(BUILD, "libacg.a"),
                              "-o", DRIVER), check=True, cwd=ROOT)
    rng = random.Random(SEED)
    texts = EDGE + [generated(rng) for _ in range(GENERATED)]
    cases = []
    for text in texts:
        for adjust in (False, True):
            want = expected(text, adjust)
            if want is not None:
                cases.append((text, adjust, want))
    json_texts = JSON_EDGE + ["".join(rng.choice(JSON_PIECES) for _ in range(rng.randint(1, 8)))
                              for _ in range(GENERATED // 2)]
    for text in json_texts:
        cases.append((text, "json", json_expected(text)))
    feed = "".join(json.dumps([t, "Top"] if adj is True else [t, "json"] if adj else [t],
                              ensure_ascii=False) + "\n" for t, adj, _ in cases)
    wrapper = os.environ.get("VALGRIND", "").split()
    proc = subprocess.run(wrapper + [DRIVER], input=feed.encode(), capture_output=True,
                          timeout=600)
    os.unlink(DRIVER)
    answers = read_answers(proc.stdout, len(cases))
    passed = failed = 0
    kinds = {}
    for (text, adjust, want), got in zip(cases, answers):
        kinds[want[0]] = kinds.get(want[0], 0) + 1
        if got == want:
            passed += 1
            continue
        failed += 1
        if failed <= 12:
            how = "json" if adjust == "json" else "adjusted" if adjust else "parsed"
            print(f"MISMATCH {how} {text!r}\n  aws: {want!r}\n"
                  f"  c:   {got!r}", file=sys.stderr)
    if proc.returncode != 0:
        print(f"driver exited {proc.returncode}: {proc.stderr[-2000:]!r}", file=sys.stderr)
        failed += 1
    print("  cases by the AWS CLI's outcome: " +
          ", ".join(f"{k} {n}" for k, n in sorted(kinds.items())))
    print(f"test_shorthand: {passed} passed, {failed} failed")
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
