"""The bindings manifest: acg-gen --manifest generates what it lists, writes a lock with each
model's SHA-256 and the generator version, --check verifies the set (and reports a model
change against the lock's snapshot), --list names inputs and outputs, --out-root moves the
outputs, botocore's data folder works as a model source, and a bad manifest gets one
file:line:col error per problem."""
import hashlib
import os
import re
import shutil
import subprocess
import sys
import tempfile

import botocore

sys.path.insert(0, os.path.join(os.path.dirname(__file__), ".."))
from pyharness import case, run  # noqa: E402

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
GEN = os.path.join(ROOT, os.environ.get("BUILD", "build"), "bin", "acg-gen")
MODEL = "models/personalize/2018-05-22/service-2.yaml"
BOTOCORE_DATA = os.path.join(os.path.dirname(botocore.__file__), "data")
VERSION = re.search(r'GEN_VERSION "([^"]+)"',
                    open(os.path.join(ROOT, "generator", "plan.h")).read()).group(1)


def gen(*args, cwd=None, env=None):
    return subprocess.run([GEN, *args], capture_output=True, text=True, cwd=cwd, env=env,
                          timeout=120)


def scratch(tmp, manifest):
    """A copy of the repository's models beside a manifest, as a user's tree would be."""
    shutil.copytree(os.path.join(ROOT, "models"), os.path.join(tmp, "models"))
    with open(os.path.join(tmp, "acg.yaml"), "w") as f:
        f.write(manifest)
    return os.path.join(tmp, "acg.yaml")


BASIC = """version: 1
snapshots: .acg/snapshots
services:
  - name: personalize
    model: models/personalize/2018-05-22/service-2.yaml
    out: out/personalize
    operations:
      - DescribeBatchInferenceJob
"""


def sha256(path):
    with open(path, "rb") as f:
        return hashlib.sha256(f.read()).hexdigest()


@case("--manifest generates the services and writes the lock: model SHA-256, generator version")
def _():
    with tempfile.TemporaryDirectory(prefix="manifest-") as tmp:
        path = scratch(tmp, BASIC)
        r = gen("--manifest", path)
        assert r.returncode == 0, r.stderr
        out = os.path.join(tmp, "out", "personalize")
        assert sorted(os.listdir(out)) == ["MANIFEST", "personalize.h", "personalize_endpoints.c",
                                           "personalize_main.c", "personalize_tables.c"]
        lock = open(os.path.join(tmp, "acg.lock")).read()
        assert f"generator: acg-gen {VERSION}\n" in lock, lock
        assert f"model-sha256: {sha256(os.path.join(tmp, MODEL))}\n" in lock, lock
        assert "operations: [DescribeBatchInferenceJob]\n" in lock
        header = open(os.path.join(out, "personalize.h")).read()
        assert f"from {MODEL}\n" in header and "personalize_describe_batch_inference_job(" in header
        assert "personalize_create_batch_inference_job(" not in header
        assert os.path.isfile(os.path.join(tmp, ".acg", "snapshots", "personalize",
                                           "service-2.yaml"))
        assert gen("--manifest", path, "--check").returncode == 0


@case("the output does not depend on where acg-gen runs or how the manifest is named")
def _():
    with tempfile.TemporaryDirectory(prefix="manifest-") as tmp:
        path = scratch(tmp, BASIC)
        assert gen("--manifest", path).returncode == 0
        first = {n: open(os.path.join(tmp, "out", "personalize", n), "rb").read()
                 for n in os.listdir(os.path.join(tmp, "out", "personalize"))}
        lock = open(os.path.join(tmp, "acg.lock"), "rb").read()
        r = gen("--manifest", "acg.yaml", "--check", cwd=tmp)
        assert r.returncode == 0, r.stdout
        shutil.rmtree(os.path.join(tmp, "out"))
        assert gen("--manifest", "./acg.yaml", cwd=tmp).returncode == 0
        assert open(os.path.join(tmp, "acg.lock"), "rb").read() == lock
        for n, data in first.items():
            assert open(os.path.join(tmp, "out", "personalize", n), "rb").read() == data, n


@case("--check after a model change: exit 1, the lock's hash named, the change report shown")
def _():
    with tempfile.TemporaryDirectory(prefix="manifest-") as tmp:
        path = scratch(tmp, BASIC)
        assert gen("--manifest", path).returncode == 0
        model = os.path.join(tmp, MODEL)
        text = open(model).read()
        arn = "  Arn:\n    type: string\n    max: 256\n"
        assert arn in text
        text = text.replace(arn, arn.replace("256", "200"))
        open(model, "w").write(text)
        r = gen("--manifest", path, "--check")
        assert r.returncode == 1, (r.returncode, r.stdout, r.stderr)
        assert "personalize: the model changed since acg.lock" in r.stdout, r.stdout
        assert "changes behaviour (" in r.stdout and "validation is stricter" in r.stdout, r.stdout
        assert "would change" in r.stdout
        r = gen("--manifest", path)      # regenerating says the same, then updates the lock
        assert r.returncode == 0 and "validation is stricter" in r.stdout, r.stdout
        assert gen("--manifest", path, "--check").returncode == 0


@case("--check: a generated file edited by hand, or a lock from another generator, is drift")
def _():
    with tempfile.TemporaryDirectory(prefix="manifest-") as tmp:
        path = scratch(tmp, BASIC)
        assert gen("--manifest", path).returncode == 0
        header = os.path.join(tmp, "out", "personalize", "personalize.h")
        open(header, "a").write("/* edited */\n")
        r = gen("--manifest", path, "--check")
        assert r.returncode == 1 and f"{header} would change" in r.stdout, r.stdout
        assert gen("--manifest", path).returncode == 0
        lock = os.path.join(tmp, "acg.lock")
        text = open(lock).read().replace(f"acg-gen {VERSION}", "acg-gen 0.0.1")
        open(lock, "w").write(text)
        r = gen("--manifest", path, "--check")
        assert r.returncode == 1 and "written by acg-gen 0.0.1" in r.stdout, r.stdout


@case("--list names the inputs and outputs; --out-root moves every output")
def _():
    with tempfile.TemporaryDirectory(prefix="manifest-") as tmp:
        path = scratch(tmp, BASIC)
        root = os.path.join(tmp, "build-here")
        r = gen("--manifest", path, "--list", "--out-root", root)
        assert r.returncode == 0, r.stderr
        lines = r.stdout.splitlines()
        assert f"in {os.path.join(tmp, MODEL)}" in lines, lines
        assert f"out {root}/out/personalize/personalize.h" in lines, lines
        assert f"out {root}/acg.lock" in lines, lines
        assert not os.path.exists(root)
        assert gen("--manifest", path, "--out-root", root).returncode == 0
        for line in lines:
            if line.startswith("out "):
                assert os.path.isfile(line[4:]), line
        assert not os.path.exists(os.path.join(tmp, "acg.lock"))


@case("botocore's installed data folder as a model source (manifest key, environment, python3)")
def _():
    with tempfile.TemporaryDirectory(prefix="manifest-") as tmp:
        manifest = BASIC.replace(f"model: {MODEL}", "model: botocore:personalize") \
            .replace("snapshots: .acg/snapshots\n", f"botocore: {BOTOCORE_DATA}\n")
        path = scratch(tmp, manifest)
        r = gen("--manifest", path)
        assert r.returncode == 0, r.stderr
        shown = "botocore:personalize/2018-05-22/service-2.json.gz"
        assert f"model: \"{shown}\"" in open(os.path.join(tmp, "acg.lock")).read()
        assert f"model: {shown}" in open(os.path.join(tmp, "out", "personalize", "MANIFEST")).read()
        real = os.path.join(BOTOCORE_DATA, "personalize", "2018-05-22", "service-2.json.gz")
        assert sha256(real) in open(os.path.join(tmp, "acg.lock")).read()
        # Without the key: $ACG_BOTOCORE_DATA, else python3's botocore.
        open(path, "w").write(BASIC.replace(f"model: {MODEL}",
                                            "model: botocore:personalize/2018-05-22"))
        env = dict(os.environ, ACG_BOTOCORE_DATA=BOTOCORE_DATA)
        assert gen("--manifest", path, "--check", env=env).returncode == 0
        env = {k: v for k, v in os.environ.items() if k != "ACG_BOTOCORE_DATA"}
        assert gen("--manifest", path, "--check", env=env).returncode == 0


@case("validation: warn in the manifest makes clients made without a configuration warn")
def _():
    with tempfile.TemporaryDirectory(prefix="manifest-") as tmp:
        path = scratch(tmp, BASIC.replace("    operations:", "    validation: warn\n"
                                                              "    operations:"))
        assert gen("--manifest", path).returncode == 0
        tables = open(os.path.join(tmp, "out", "personalize", "personalize_tables.c")).read()
        assert "defaults.validation = ACG_VALIDATE_WARN;" in tables
        cc = subprocess.run(["cc", "-std=c11", "-fsyntax-only", "-Wall", "-Werror",
                             "-I" + os.path.join(ROOT, "runtime", "include"),
                             os.path.join(tmp, "out", "personalize", "personalize_tables.c")],
                            capture_output=True, text=True)
        assert cc.returncode == 0, cc.stderr


@case("README: adding ListSolutions to the bindings is one manifest line and a regeneration")
def _():
    with tempfile.TemporaryDirectory(prefix="manifest-") as tmp:
        shutil.copytree(os.path.join(ROOT, "models"), os.path.join(tmp, "models"))
        lines = open(os.path.join(ROOT, "acg.yaml")).read().splitlines(keepends=True)
        last = max(i for i, line in enumerate(lines) if line.strip().startswith("- "))
        lines.insert(last + 1, lines[last].split("-")[0] + "- ListSolutions\n")
        open(os.path.join(tmp, "acg.yaml"), "w").write("".join(lines))
        r = gen("--manifest", "acg.yaml", cwd=tmp)          # what make regen runs
        assert r.returncode == 0, r.stderr
        out = os.path.join(tmp, "generated", "personalize")
        header = open(os.path.join(out, "personalize.h")).read()
        assert "int personalize_list_solutions(struct acg_client *client," in header
        assert "struct personalize_solution_summary {" in header
        assert "ListSolutions" in open(os.path.join(tmp, "acg.lock")).read()
        assert '"list-solutions"' in open(os.path.join(out, "personalize_main.c")).read() or \
            '"ListSolutions"' in open(os.path.join(out, "personalize_main.c")).read()
        for c in ("personalize_tables.c", "personalize_main.c"):
            cc = subprocess.run(["cc", "-std=c11", "-fsyntax-only", "-Wall", "-Werror",
                                 "-I" + os.path.join(ROOT, "runtime", "include"),
                                 "-I" + os.path.join(ROOT, "cli", "include"), "-I" + out,
                                 os.path.join(out, c)], capture_output=True, text=True)
            assert cc.returncode == 0, (c, cc.stderr)
        assert gen("--manifest", "acg.yaml", "--check", cwd=tmp).returncode == 0


BAD = [
    ("version: 2\nservices: []\n", "acg.yaml:1:10: error: version: 2 is not a manifest version"),
    ("version: 1\nservice: []\n", "acg.yaml:2:1: error: manifest: unknown key \"service\""),
    ("version: 1\nservices: []\n", "acg.yaml:2:11: error: services: expected a list of services"),
    ("version: 1\nservices:\n  - name: p\n    out: o\n    operations: all\n",
     "acg.yaml:3:5: error: services[0]: \"model\" is required"),
    ("version: 1\nservices:\n  - name: p\n    model: nowhere.yaml\n    out: o\n"
     "    operations: all\n", "acg.yaml:4:12: error: model: no such file or folder"),
    ("version: 1\nservices:\n  - name: p\n    model: " + MODEL + "\n    out: o\n"
     "    operations: [DescribeBatchInferenceJob, NoSuchThing]\n",
     "acg.yaml:6:45: error: services.p.operations: NoSuchThing is not an operation of " + MODEL),
    ("version: 1\nservices:\n  - name: p\n    model: " + MODEL + "\n    out: o\n"
     "    operations: some\n", "acg.yaml:6:17: error: services[0].operations: expected a list"),
    ("version: 1\nservices:\n  - name: p\n    model: " + MODEL + "\n    out: o\n"
     "    operations: all\n    validation: loose\n",
     "acg.yaml:7:17: error: services[0].validation: \"loose\" is not enforce, warn or off"),
    ("version: 1\nservices:\n  - name: p\n    model: " + MODEL + "\n    out: o\n"
     "    operations: all\n  - name: p\n    model: " + MODEL + "\n    out: o2\n"
     "    operations: all\n", "acg.yaml:7:11: error: services[1].name: \"p\" is taken"),
    ("version: 1\nservices:\n  - name: p\n    modle: x\n",
     "acg.yaml:4:5: error: services[0]: unknown key \"modle\""),
    ("version: 1\nservices: [\n", "acg.yaml:3:1: error: malformed YAML"),
]


@case("bad manifests: each problem reported as file:line:col: error: ..., exit 2")
def _():
    with tempfile.TemporaryDirectory(prefix="manifest-") as tmp:
        shutil.copytree(os.path.join(ROOT, "models"), os.path.join(tmp, "models"))
        for text, want in BAD:
            open(os.path.join(tmp, "acg.yaml"), "w").write(text)
            r = gen("--manifest", "acg.yaml", cwd=tmp)
            assert r.returncode == 2, (text, r.returncode, r.stderr)
            assert want in r.stderr, (text, r.stderr)
            assert not os.path.exists(os.path.join(tmp, "o")), text


if __name__ == "__main__":
    run("tests/generator/test_manifest.py")
