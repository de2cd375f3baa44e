"""acg-gen --diff over the 32 published revisions of the Personalize model (every
consecutive pair, and the first against the last), checked against the same rules computed
here, independently, on the JSON with Python; then over hand-made changes that the history
never made (removals, type changes, stricter validation, reordered members)."""
import copy
import glob
import gzip
import json
import os
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.join(os.path.dirname(__file__), ".."))
from pyharness import case, run  # noqa: E402

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
GEN = os.path.join(ROOT, os.environ.get("BUILD", "build"), "bin", "acg-gen")
HISTORY = sorted(glob.glob(os.path.join(ROOT, "..", "..", "shared", "testdata", "models",
                                        "personalize-history", "*.service-2.json.gz")))
if not HISTORY:  # the worktree may sit elsewhere; /work/shared is where the history lives
    HISTORY = sorted(glob.glob("/work/shared/testdata/models/personalize-history/*.json.gz"))
SEVERITY = ["none", "compatible", "changes-behaviour", "breaks-abi", "breaks-source"]
EXIT = {"none": 0, "compatible": 10, "changes-behaviour": 11, "breaks-abi": 12,
        "breaks-source": 13}

# ---- the rules, on the JSON (the README's table, written again) ----

SKIPPED = {"type", "members", "member", "key", "value", "required", "min", "max", "pattern",
           "enum", "shape", "name", "input", "output", "errors", "http", "union", "document"}
DOCS = {"documentation", "documentationUrl"}
DEPRECATION = {"deprecated", "deprecatedMessage", "deprecatedSince"}
UNUSED = {"box", "idempotent"}


def load(path):
    opener = gzip.open if path.endswith(".gz") else open
    with opener(path, "rt") as f:
        return json.load(f)


def kind_of(shape):
    if shape["type"] == "structure":
        return "union" if shape.get("union") else "document" if shape.get("document") else \
            "structure"
    return shape["type"]


def reach(model, ops):
    """shape name -> set of 'in'/'out' for what the operations use."""
    found = {}

    def walk(name, how):
        if how in found.setdefault(name, set()):
            return
        found[name].add(how)
        s = model["shapes"][name]
        for m in s.get("members", {}).values():
            walk(m["shape"], how)
        for k in ("member", "key", "value"):
            if k in s:
                walk(s[k]["shape"], how)

    for name, op in model["operations"].items():
        if ops and name not in ops:
            continue
        if "input" in op:
            walk(op["input"]["shape"], "in")
        if "output" in op:
            walk(op["output"]["shape"], "out")
        for e in op.get("errors", []):
            walk(e["shape"], "out")
    return found


class Differ:
    def __init__(self, old, new, ops):
        self.old, self.new, self.ops = old, new, ops
        self.reach_old, self.reach_new = reach(old, ops), reach(new, ops)
        self.found = []

    def add(self, cls, kind, path):
        self.found.append((cls, kind, path))

    def ckind(self, model, name):
        s = model["shapes"][name]
        k = kind_of(s)
        if k in ("structure", "union"):
            return f"{k}:{name}"
        if k == "list":
            return "list:" + self.ckind(model, s["member"]["shape"])
        if k == "map":
            return "map:" + self.ckind(model, s["value"]["shape"])
        return k

    def traits(self, path, o, n):
        for key in list(o) + [k for k in n if k not in o]:
            if key in SKIPPED or o.get(key) == n.get(key):
                continue
            if key in DOCS:
                self.add("compatible", "documentation", f"{path}.{key}")
            elif key in DEPRECATION:
                self.add("compatible", "deprecation", f"{path}.{key}")
            elif key in UNUSED:
                self.add("compatible", "trait", f"{path}.{key}")
            else:
                self.add("changes-behaviour", "trait", f"{path}.{key}")

    def constraints(self, path, o, n):
        for b in ("min", "max"):
            if (b in o or b in n) and (b not in o or b not in n or float(o[b]) != float(n[b])):
                self.add("changes-behaviour", "constraint", f"{path}.{b}")
        if o.get("pattern") != n.get("pattern"):
            self.add("changes-behaviour", "constraint", f"{path}.pattern")
        for v in o.get("enum", []):
            if v not in n.get("enum", []):
                self.add("breaks-source", "enum-value-removed", f"{path}.enum.{v}")
        for v in n.get("enum", []):
            if v not in o.get("enum", []):
                self.add("changes-behaviour", "enum-value-added", f"{path}.enum.{v}")

    def target(self, path, ot, nt):
        if ot == nt:
            return
        if self.ckind(self.old, ot) != self.ckind(self.new, nt):
            self.add("breaks-source", "member-type-changed", path)
            return
        self.add("compatible", "member-target-changed", path)
        o, n = self.old["shapes"][ot], self.new["shapes"][nt]
        self.constraints(path, o, n)
        self.traits(path, o, n)

    def member(self, path, mo, mn, req_o, req_n, is_input):
        self.target(path, mo["shape"], mn["shape"])
        if req_o != req_n:
            self.add("changes-behaviour" if is_input else "compatible",
                     "required-added" if req_n else "required-removed", f"{path}.required")
        self.traits(path, mo, mn)

    def members(self, name, o, n, is_input):
        om, nm = o.get("members", {}), n.get("members", {})
        ro, rn = set(o.get("required", [])), set(n.get("required", []))
        for m in om:
            path = f"shapes.{name}.members.{m}"
            if m not in nm:
                self.add("breaks-source", "member-removed", path)
            else:
                self.member(path, om[m], nm[m], m in ro, m in rn, is_input)
        for m in nm:
            if m not in om:
                self.add("breaks-abi", "member-added", f"shapes.{name}.members.{m}")
                if m in rn and is_input:
                    self.add("changes-behaviour", "required-added",
                             f"shapes.{name}.members.{m}.required")
        order = [list(nm).index(m) for m in om if m in nm]
        if order != sorted(order):
            self.add("breaks-abi", "member-order-changed", f"shapes.{name}.members")

    def shape(self, name):
        o, n = self.old["shapes"][name], self.new["shapes"][name]
        path = f"shapes.{name}"
        if kind_of(o) != kind_of(n):
            self.add("breaks-source", "shape-type-changed", path)
            return
        is_input = "in" in self.reach_new[name]
        self.traits(path, o, n)
        self.constraints(path, o, n)
        if kind_of(o) in ("structure", "union"):
            self.members(name, o, n, is_input)
        for k in ("member", "key", "value"):
            if k in o and k in n:
                self.member(f"{path}.{k}", o[k], n[k], False, False, is_input)

    def operation(self, name):
        o, n = self.old["operations"][name], self.new["operations"][name]
        path = f"operations.{name}"
        for io in ("input", "output"):
            if o.get(io, {}).get("shape") != n.get(io, {}).get("shape"):
                self.add("breaks-source", f"operation-{io}-changed", f"{path}.{io}")
        oe = [e["shape"] for e in o.get("errors", [])]
        ne = [e["shape"] for e in n.get("errors", [])]
        for e in oe:
            if e not in ne:
                self.add("changes-behaviour", "error-removed", f"{path}.errors.{e}")
        for e in ne:
            if e not in oe:
                self.add("changes-behaviour", "error-added", f"{path}.errors.{e}")
        oh, nh = o.get("http", {}), n.get("http", {})
        for k in set(oh) | set(nh):
            if oh.get(k) != nh.get(k):
                self.add("changes-behaviour", "http-changed", f"{path}.http.{k}")
        self.traits(path, o, n)

    def run(self):
        om, nm = self.old["metadata"], self.new["metadata"]
        for k in set(om) | set(nm):
            if om.get(k) != nm.get(k):
                cls = "breaks-source" if k == "serviceId" else \
                    "compatible" if k in ("serviceFullName", "uid") else "changes-behaviour"
                self.add(cls, "metadata", f"metadata.{k}")
        if self.old.get("documentation") != self.new.get("documentation"):
            self.add("compatible", "documentation", "documentation")
        for name in sorted(set(self.old["operations"]) | set(self.new["operations"])):
            if self.ops and name not in self.ops:
                continue
            if name not in self.new["operations"]:
                self.add("breaks-source", "operation-removed", f"operations.{name}")
            elif name not in self.old["operations"]:
                self.add("compatible", "operation-added", f"operations.{name}")
            else:
                self.operation(name)
        for name in self.new["shapes"]:
            if name in self.old["shapes"] and self.reach_old.get(name) and \
                    self.reach_new.get(name):
                self.shape(name)
        return sorted(self.found)


def expected(old_path, new_path, ops=()):
    return Differ(load(old_path), load(new_path), set(ops)).run()


# ---- acg-gen --diff ----

def acg_diff(old_path, new_path, ops=(), fmt="json"):
    argv = [GEN, "--diff", old_path, new_path, "--format", fmt]
    for op in ops:
        argv += ["--operation", op]
    result = subprocess.run(argv, capture_output=True, text=True, timeout=60)
    return result


def found(old_path, new_path, ops=()):
    result = acg_diff(old_path, new_path, ops)
    assert result.returncode in EXIT.values(), (result.returncode, result.stderr)
    report = json.loads(result.stdout)
    changes = sorted((c["class"], c["kind"], c["path"]) for c in report["changes"])
    assert report["most_severe"] == max((c[0] for c in changes), key=SEVERITY.index,
                                        default="none")
    assert result.returncode == EXIT[report["most_severe"]], result.returncode
    for cls in SEVERITY[1:]:
        assert report["counts"][cls] == sum(1 for c in changes if c[0] == cls)
    return changes, report


def compare(old_path, new_path, ops=()):
    got, report = found(old_path, new_path, ops)
    want = expected(old_path, new_path, ops)
    assert got == want, (os.path.basename(old_path), os.path.basename(new_path),
                         sorted(set(got) - set(want))[:10], sorted(set(want) - set(got))[:10])
    return report


TOTALS = {}


@case("the history holds 32 revisions")
def _():
    assert len(HISTORY) == 32, HISTORY


@case("every consecutive pair: acg-gen's findings equal the independent computation")
def _():
    for old, new in zip(HISTORY, HISTORY[1:]):
        report = compare(old, new)
        for cls, n in report["counts"].items():
            TOTALS[cls] = TOTALS.get(cls, 0) + n
        TOTALS[report["most_severe"] + " pairs"] = TOTALS.get(report["most_severe"] + " pairs",
                                                              0) + 1
    print("consecutive pairs:", json.dumps(TOTALS, sort_keys=True))


@case("first to last: the same, and it breaks the ABI")
def _():
    report = compare(HISTORY[0], HISTORY[-1])
    print("first to last:", json.dumps(report["counts"], sort_keys=True))
    assert report["most_severe"] == "breaks-abi", report["counts"]


@case("--operation narrows the comparison to what the operations reach")
def _():
    ops = ("CreateBatchInferenceJob", "DescribeBatchInferenceJob")
    for old, new in [(HISTORY[0], HISTORY[-1]), (HISTORY[16], HISTORY[17])]:
        report = compare(old, new, ops)
        assert all(c["path"].split(".")[1] not in ("CreateSolution", "Solution")
                   for c in report["changes"]), report["changes"][:3]


@case("the text report carries the same counts and names the most severe class")
def _():
    old, new = HISTORY[16], HISTORY[17]
    text = acg_diff(old, new, fmt="text")
    _, report = found(old, new)
    c = report["counts"]
    assert (f"breaks source: {c['breaks-source']}, breaks ABI: {c['breaks-abi']}, "
            f"changes behaviour: {c['changes-behaviour']}, compatible: {c['compatible']}; "
            "most severe: breaks ABI") in text.stdout, text.stdout[-400:]
    assert text.returncode == 12
    assert "struct personalize_create_batch_inference_job_request" in text.stdout


@case("a model compared with itself: no change, exit 0")
def _():
    result = acg_diff(HISTORY[-1], HISTORY[-1])
    assert result.returncode == 0, result.returncode
    assert json.loads(result.stdout)["changes"] == []


def mutated(tmp, name, change):
    """The last revision with change(model) applied, written to tmp/name/service-2.json."""
    model = copy.deepcopy(load(HISTORY[-1]))
    change(model)
    os.makedirs(os.path.join(tmp, name), exist_ok=True)
    path = os.path.join(tmp, name, "service-2.json")
    with open(path, "w") as f:
        json.dump(model, f)
    return path


def shapes(m):
    return m["shapes"]


MUTATIONS = {
    # name: (change, the (class, kind, path) it must produce)
    "member-removed": (lambda m: shapes(m)["BatchInferenceJob"]["members"].pop("filterArn"),
                       ("breaks-source", "member-removed", "shapes.BatchInferenceJob.members.filterArn")),
    "type-changed": (lambda m: shapes(m)["BatchInferenceJob"]["members"]["numResults"]
                     .update(shape="Arn"),
                     ("breaks-source", "member-type-changed",
                      "shapes.BatchInferenceJob.members.numResults")),
    "enum-removed": (lambda m: shapes(m)["BatchInferenceJobMode"]["enum"].remove("THEME_GENERATION"),
                     ("breaks-source", "enum-value-removed",
                      "shapes.BatchInferenceJobMode.enum.THEME_GENERATION")),
    "enum-added": (lambda m: shapes(m)["BatchInferenceJobMode"]["enum"].append("NEW_MODE"),
                   ("changes-behaviour", "enum-value-added",
                    "shapes.BatchInferenceJobMode.enum.NEW_MODE")),
    "max-lowered": (lambda m: shapes(m)["Name"].update(max=32),
                    ("changes-behaviour", "constraint", "shapes.Name.max")),
    "pattern-dropped": (lambda m: shapes(m)["Name"].pop("pattern"),
                        ("changes-behaviour", "constraint", "shapes.Name.pattern")),
    "operation-removed": (lambda m: m["operations"].pop("ListBatchInferenceJobs"),
                          ("breaks-source", "operation-removed",
                           "operations.ListBatchInferenceJobs")),
    "required-added": (lambda m: shapes(m)["CreateBatchInferenceJobRequest"]["required"]
                       .append("filterArn"),
                       ("changes-behaviour", "required-added",
                        "shapes.CreateBatchInferenceJobRequest.members.filterArn.required")),
    "reordered": (lambda m: shapes(m)["Tag"].update(
                  members=dict(reversed(list(shapes(m)["Tag"]["members"].items())))),
                  ("breaks-abi", "member-order-changed", "shapes.Tag.members")),
    "uri-changed": (lambda m: m["operations"]["DescribeBatchInferenceJob"]["http"]
                    .update(requestUri="/describe"),
                    ("changes-behaviour", "http-changed",
                     "operations.DescribeBatchInferenceJob.http.requestUri")),
    "service-id": (lambda m: m["metadata"].update(serviceId="Personalize Two"),
                   ("breaks-source", "metadata", "metadata.serviceId")),
    "union": (lambda m: shapes(m)["BatchInferenceJobInput"].update(union=True),
              ("breaks-source", "shape-type-changed", "shapes.BatchInferenceJobInput")),
}


@case("hand-made changes the history never made: each found and classified as computed here")
def _():
    with tempfile.TemporaryDirectory(prefix="diff-") as tmp:
        base = mutated(tmp, "base", lambda m: None)
        for name, (change, must) in MUTATIONS.items():
            path = mutated(tmp, name, change)
            got, report = found(base, path)
            assert must in got, (name, got[:5])
            assert got == expected(base, path), (name, got, expected(base, path))
            assert report["most_severe"] == must[0] or \
                SEVERITY.index(report["most_severe"]) > SEVERITY.index(must[0]), name


@case("endpoint rule sets beside the models are compared too")
def _():
    with tempfile.TemporaryDirectory(prefix="diff-") as tmp:
        old = mutated(tmp, "old", lambda m: None)
        new = mutated(tmp, "new", lambda m: None)
        rules = {"version": "1.0", "parameters": {"Region": {"type": "String"}}, "rules": []}
        with open(os.path.join(tmp, "old", "endpoint-rule-set-1.json"), "w") as f:
            json.dump(rules, f)
        rules["parameters"]["UseFIPS"] = {"type": "Boolean"}
        with open(os.path.join(tmp, "new", "endpoint-rule-set-1.json"), "w") as f:
            json.dump(rules, f)
        got, report = found(old, new)
        assert got == [("changes-behaviour", "endpoint-rules", "endpointRuleSet")], got
        assert "parameters added: UseFIPS; removed: none" in report["changes"][0]["message"]


@case("a missing model or an unknown operation: exit 2 with file:line:col diagnostics")
def _():
    result = acg_diff(HISTORY[0], "/nonexistent/service-2.json")
    assert result.returncode == 2 and "/nonexistent/service-2.json" in result.stderr, result
    result = acg_diff(HISTORY[0], HISTORY[1], ops=("NoSuchOperation",))
    assert result.returncode == 2 and "NoSuchOperation: in neither model" in result.stderr, result


if __name__ == "__main__":
    run("tests/generator/test_diff_history.py")
