"""The generator from the outside: bad models give one clear file:line:column error and exit
2; output matches the golden files byte for byte and is the same on every run; --check names
every file a model change would touch; valid odd models (recursion, keywords) compile."""
import os
import re
import shutil
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.join(os.path.dirname(__file__), ".."))
from pyharness import case, run  # noqa: E402
import json_models  # noqa: E402

BUILD = os.environ.get("BUILD", "build")
GEN = os.path.join(BUILD, "bin", "acg-gen")
BAD = "tests/fixtures/bad_models"
TINY = "tests/fixtures/models/tiny/service-2.yaml"
GOLDEN = "tests/fixtures/golden/tiny"
STRICT = ["-std=c11", "-Wall", "-Wextra", "-Wpedantic", "-Werror", "-Wshadow",
          "-Wstrict-prototypes", "-Wmissing-prototypes", "-Wconversion"]


def gen(model, out, *extra):
    return subprocess.run([GEN, "--model", model, "--out", out, *extra],
                          capture_output=True, text=True, timeout=60)


# Each row: model file, the line:column the error must name, words the message must hold.
BAD_ROWS = [
    ("malformed.yaml", r":4:\d+: error: malformed YAML", "flow sequence"),
    ("dangling.yaml", r":9:\d+: error: ", 'target "Missing" is not defined'),
    ("unknown_type.yaml", r":11:\d+: error: ", 'unknown type "quaternion"'),
    ("duplicate_member.yaml", r":10:\d+: error: ", 'duplicate key "a"'),
    ("colliding_members.yaml", r":10:\d+: error: ", "collides"),
    ("bad_constraint.yaml", r":12:\d+: error: ", "\"ten\" is not a number"),
    ("wrong_protocol.yaml", r":1:\d+: error: ", '"smoke-signals" is not a protocol this generator knows'),
    ("missing_required.yaml", r":8:\d+: error: ", '"b" is not a member'),
]

for name, where, words in BAD_ROWS:
    def check(name=name, where=where, words=words):
        with tempfile.TemporaryDirectory() as out:
            r = gen(os.path.join(BAD, name), out)
            assert r.returncode == 2, (r.returncode, r.stderr)
            assert re.search(re.escape(os.path.join(BAD, name)) + where, r.stderr), r.stderr
            assert words in r.stderr, r.stderr
            assert r.stderr.count(": error: ") == 1, ("one error, no follow-on errors", r.stderr)
            assert "Segmentation" not in r.stderr
            assert os.listdir(out) == [], "nothing is written for a bad model"
    case(f"bad model {name} -> exit 2 naming file:line:col")(check)


@case("missing model file -> exit 2 with the path")
def _():
    r = gen("tests/fixtures/no-such-model.yaml", "/tmp/unused-out")
    assert r.returncode == 2 and "no-such-model.yaml" in r.stderr and "cannot open" in r.stderr


@case("golden: tiny model output equals tests/fixtures/golden/tiny byte for byte")
def _():
    with tempfile.TemporaryDirectory() as out:
        r = gen(TINY, out)
        assert r.returncode == 0, r.stderr
        got = sorted(os.listdir(out))
        assert got == sorted(os.listdir(GOLDEN)), (got, os.listdir(GOLDEN))
        for f in got:
            with open(os.path.join(out, f), "rb") as a, open(os.path.join(GOLDEN, f), "rb") as b:
                assert a.read() == b.read(), f"{f} differs from the golden copy (make golden)"


@case("deterministic: two runs give the same bytes")
def _():
    with tempfile.TemporaryDirectory() as a, tempfile.TemporaryDirectory() as b:
        assert gen(TINY, a).returncode == 0 and gen(TINY, b).returncode == 0
        for f in os.listdir(a):
            with open(os.path.join(a, f), "rb") as x, open(os.path.join(b, f), "rb") as y:
                assert x.read() == y.read(), f


@case("--check: clean output passes; a one-line model change fails and names the files")
def _():
    with tempfile.TemporaryDirectory() as tmp:
        out = os.path.join(tmp, "out")
        assert gen(TINY, out).returncode == 0
        r = gen(TINY, out, "--check")
        assert r.returncode == 0 and r.stdout == "", r.stdout
        changed = os.path.join(tmp, "service-2.yaml")
        with open(TINY) as f:
            text = f.read().replace("max: 16\n", "max: 17\n", 1)
        with open(changed, "w") as f:
            f.write(text)
        r = gen(changed, out, "--check")
        assert r.returncode == 1, r.returncode
        # The bound lives in the descriptor tables; the banner's model hash changes everywhere.
        assert "would change" in r.stdout and "tiny_tables.c" in r.stdout, r.stdout
        for f in ("tiny.h", "tiny_endpoints.c", "tiny_main.c"):
            assert f in r.stdout, (f, r.stdout)


@case("--operation selects the closure: only reachable shapes are generated")
def _():
    with tempfile.TemporaryDirectory() as out:
        r = gen(TINY, out, "--operation", "Forget")
        assert r.returncode == 0, r.stderr
        header = open(os.path.join(out, "tiny.h")).read()
        assert "struct tiny_forget_request {" in header
        assert "struct tiny_thing" not in header
        r = gen(TINY, out, "--operation", "NoSuchOp")
        assert r.returncode == 2 and "NoSuchOp" in r.stderr


@case("recursive shapes and C keywords generate and compile under gcc and clang")
def _():
    with tempfile.TemporaryDirectory() as out:
        assert gen(os.path.join(BAD, "recursive.yaml"), out).returncode == 0
        assert gen(TINY, out + "/tiny").returncode == 0
        for d in (out, out + "/tiny"):
            for f in os.listdir(d):
                if not f.endswith(".c"):
                    continue
                for cc in ("gcc", "clang"):
                    r = subprocess.run([cc, *STRICT, "-Iruntime/include", "-Iruntime/internal", "-Icli/include", "-I" + d, "-c",
                                        os.path.join(d, f), "-o", "/dev/null"],
                                       capture_output=True, text=True)
                    assert r.returncode == 0, (cc, f, r.stderr[:2000])
        assert "default_;" in open(out + "/tiny/tiny.h").read()


COUNT_MODEL = """\
metadata: { apiVersion: "1", endpointPrefix: x, protocol: json, serviceId: X, targetPrefix: X }
operations:
  Op:
    input: { shape: Scan }
shapes:
  Scan:
    type: structure
    members:
      Items: { shape: Names }
      ItemsCount: { shape: N }
      HasFlag: { shape: B }
      Flag: { shape: B }
  Names:
    type: list
    member: { shape: K }
  K: { type: string }
  N: { type: integer }
  B: { type: boolean }
"""


@case("each _async wrapper starts its own operation: its index in the service's sorted table")
def _():
    out = tempfile.mkdtemp(prefix="acg-async-")
    try:
        model = dict(json_models.json_models())["personalize"]
        r = gen(model, out)
        assert r.returncode == 0, r.stderr
        header = open(os.path.join(out, "personalize.h")).read()
        tables = open(os.path.join(out, "personalize_tables.c")).read()
        table = re.search(r"operations\[\] = \{\n(.*?)\n\};", tables, re.S).group(1)
        ops = re.findall(r"&(\w+)_op,", table)
        assert len(ops) > 60 and ops == sorted(ops), ops
        wrappers = re.findall(r"personalize_(\w+)_async\(.*?personalize_service\.operations\[(\d+)\]",
                              header, re.S)
        assert len(wrappers) == len(ops), (len(wrappers), len(ops))
        for name, index in wrappers:
            assert ops[int(index)] == name, (name, index, ops[int(index)])
    finally:
        shutil.rmtree(out)


@case("a derived field (x_count, has_x) yields to a member of that name with a trailing '_'")
def _():
    with tempfile.TemporaryDirectory() as out:
        model = os.path.join(out, "model.yaml")
        with open(model, "w") as f:
            f.write(COUNT_MODEL)
        r = gen(model, out + "/x")
        assert r.returncode == 0, r.stderr
        header = open(out + "/x/x.h").read()
        for field in ("size_t items_count_;", "int32_t items_count;", "bool has_items_count;",
                      "bool has_has_flag;", "bool has_flag;", "bool has_flag_;"):
            assert field in header, (field, header[-1500:])
        tables = open(out + "/x/x_tables.c").read()
        assert "offsetof(T, items_count_)" in tables and "offsetof(T, has_flag_)" in tables
        r = subprocess.run(["gcc", *STRICT, "-Iruntime/include", "-Icli/include", "-I" + out + "/x",
                            "-c", out + "/x/x_tables.c", "-o", "/dev/null"],
                           capture_output=True, text=True)
        assert r.returncode == 0, r.stderr[:2000]


ENTRY_MODEL = """\
metadata: { apiVersion: "1", endpointPrefix: x, protocol: json, serviceId: X, targetPrefix: X }
operations:
  Op:
    input: { shape: In }
shapes:
  In:
    type: structure
    members:
      Metadata: { shape: Metadata }
      Entries: { shape: EntryList }
  Metadata:
    type: map
    key: { shape: K }
    value: { shape: K }
  EntryList:
    type: list
    member: { shape: MetadataEntry }
  MetadataEntry:
    type: structure
    members:
      Name: { shape: K }
  K: { type: string }
"""


@case("a map's entry struct yields to a shape of that name (S3's Metadata and MetadataEntry)")
def _():
    with tempfile.TemporaryDirectory() as out:
        model = os.path.join(out, "model.yaml")
        with open(model, "w") as f:
            f.write(ENTRY_MODEL)
        r = gen(model, out + "/x")
        assert r.returncode == 0, r.stderr
        header = open(out + "/x/x.h").read()
        assert "struct x_metadata_map_entry {" in header and "struct x_metadata_entry {" in header
        for f in ("x_tables.c", "x_endpoints.c"):
            r = subprocess.run(["gcc", *STRICT, "-Iruntime/include", "-Iruntime/internal",
                                "-Icli/include", "-I" + out + "/x", "-c", out + "/x/" + f,
                                "-o", "/dev/null"], capture_output=True, text=True)
            assert r.returncode == 0, r.stderr[:2000]


if __name__ == "__main__":
    run("generator")
