"""The checked-in Personalize YAML model is a faithful subset of AWS's installed model: the
same operations and shapes, every key and value equal except documentation, the shape
closure complete, and the documentation our own."""
import gzip
import json
import os
import sys

import botocore
import yaml

sys.path.insert(0, os.path.join(os.path.dirname(__file__), ".."))
from pyharness import case, run  # noqa: E402

OURS = "models/personalize/2018-05-22/service-2.yaml"
AWS = os.path.join(os.path.dirname(botocore.__file__), "data", "personalize", "2018-05-22",
                   "service-2.json.gz")
with open(OURS) as f:
    ours = yaml.safe_load(f)
with gzip.open(AWS, "rt") as f:
    aws = json.load(f)


def strip_docs(node):
    if isinstance(node, dict):
        return {k: strip_docs(v) for k, v in node.items() if k != "documentation"}
    if isinstance(node, list):
        return [strip_docs(v) for v in node]
    return node


@case("metadata equals the installed model's")
def _():
    assert ours["metadata"] == aws["metadata"]


@case("operations equal the installed model's, documentation aside")
def _():
    assert set(ours["operations"]) == {"CreateBatchInferenceJob", "DescribeBatchInferenceJob",
                                       "ListBatchInferenceJobs", "ListSolutions"}
    for name, op in ours["operations"].items():
        assert strip_docs(op) == strip_docs(aws["operations"][name]), name


@case("every shape equals the installed model's, documentation aside")
def _():
    for name, shape in ours["shapes"].items():
        assert strip_docs(shape) == strip_docs(aws["shapes"][name]), name


@case("the shape closure is complete: every reference resolves")
def _():
    refs = []
    for op in ours["operations"].values():
        refs += [op[k]["shape"] for k in ("input", "output") if k in op]
        refs += [e["shape"] for e in op.get("errors", [])]
    for shape in ours["shapes"].values():
        refs += [m["shape"] for m in shape.get("members", {}).values()]
        refs += [shape[k]["shape"] for k in ("member", "key", "value") if k in shape]
    missing = sorted(set(refs) - set(ours["shapes"]))
    assert not missing, missing
    assert len(ours["shapes"]) == 50


@case("documentation is our own: no string equals AWS's text")
def _():
    def docs(node, path=""):
        if isinstance(node, dict):
            for k, v in node.items():
                if k == "documentation":
                    yield path, v
                else:
                    yield from docs(v, f"{path}.{k}")
    theirs = dict(docs({"operations": aws["operations"], "shapes": aws["shapes"]}))
    count = 0
    for path, text in docs({"operations": ours["operations"], "shapes": ours["shapes"]}):
        assert "<p>" not in text, path
        assert text != theirs.get(path), path
        count += 1
    assert count > 60, count


if __name__ == "__main__":
    run("models/personalize")
