"""Writes tests/fixtures/jmespath/benchmarks-expected.json: Python jmespath's answer to
every case of the compliance suite's benchmarks.json (which has no results of its own), for
test_jmespath to check the C evaluator's answers against. Run from the repository root:
    python3 tests/runtime/jmespath_bench_expected.py [SUITE_DIR]"""
import json
import os
import sys

import jmespath

suite = sys.argv[1] if len(sys.argv) > 1 else os.environ.get(
    "JMESPATH_SUITE", "/work/shared/testdata/jmespath")
out = []
with open(os.path.join(suite, "benchmarks.json")) as f:
    for group in json.load(f):
        for case in group["cases"]:
            entry = {"expression": case["expression"]}
            try:
                entry["result"] = jmespath.search(case["expression"], group["given"])
            except jmespath.exceptions.JMESPathError as e:
                entry["error"] = type(e).__name__
            out.append(entry)
with open("tests/fixtures/jmespath/benchmarks-expected.json", "w") as f:
    json.dump(out, f, indent=1)
    f.write("\n")
