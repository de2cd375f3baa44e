"""Vendoring: copy generated/personalize/ and runtime/ into an empty folder, build them with
the one `cc` line the README documents, and run the result against the stand-in.

The cc line is read from README.md (the first line of a code block, fenced or indented,
that starts with `cc ` and mentions runtime; continuation lines joined); when the README has
none, the line below stands in for it.
"""
import json
import os
import re
import shutil
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from e2elib import REGION, ROOT, StandIn, create_args, run  # noqa: E402
from pyharness import case, run as run_cases  # noqa: E402

FALLBACK_CC = ("cc -std=c11 -O2 -Iruntime/include -Iruntime/internal -Icli/include -Ipersonalize "
               "runtime/*/*.c cli/*.c personalize/*.c "
               "$(pkg-config --cflags --libs yaml-0.1 libcurl libcrypto libpcre2-8 zlib inih expat) "
               "-lpthread -lm -o personalize")
STANDIN = StandIn()
STATE = {}


def readme_cc_line():
    """The README's documented cc line, or None."""
    path = os.path.join(ROOT, "README.md")
    if not os.path.isfile(path):
        return None
    in_code = False
    lines = open(path, encoding="utf-8").read().splitlines()
    for i, line in enumerate(lines):
        if line.lstrip().startswith("```"):
            in_code = not in_code
            continue
        text = line.strip().removeprefix("$ ")
        code = in_code or line.startswith("    ") or line.startswith("\t")
        if code and text.startswith("cc ") and "runtime" in text:
            while text.endswith("\\") and i + 1 < len(lines):
                i += 1
                text = text[:-1].rstrip() + " " + lines[i].strip()
            return text
    return None


def output_name(line):
    m = re.search(r"(?:^|\s)-o\s*(\S+)", line)
    return m.group(1) if m else "a.out"


@case("the vendored sources build with the documented cc line in an empty folder")
def _():
    generated = os.path.join(ROOT, "generated", "personalize")
    assert os.path.isdir(generated) and os.listdir(generated), f"{generated} is missing"
    line = readme_cc_line() or FALLBACK_CC
    print(f"cc line: {line}  (from {'README.md' if readme_cc_line() else 'the fallback'})")
    folder = STATE["folder"]
    shutil.copytree(os.path.join(ROOT, "runtime"), os.path.join(folder, "runtime"))
    shutil.copytree(os.path.join(ROOT, "cli"), os.path.join(folder, "cli"))
    if "generated/personalize" in line:  # the layout acg-gen --vendor writes
        shutil.copytree(generated, os.path.join(folder, "generated", "personalize"))
    else:
        shutil.copytree(generated, os.path.join(folder, "personalize"))
    # Nothing from the repository or the build folder may leak in through the environment.
    env = {k: v for k, v in os.environ.items()
           if k not in ("CPATH", "C_INCLUDE_PATH", "LIBRARY_PATH", "CFLAGS", "LDFLAGS")}
    result = run(["sh", "-c", line], cwd=folder, env=env, timeout=600)
    assert result.returncode == 0, (line, result.stdout[-3000:], result.stderr[-3000:])
    binary = os.path.join(folder, output_name(line))
    assert os.access(binary, os.X_OK), f"no {binary} after: {line}"
    STATE["binary"] = binary


@case("the vendored program creates and describes a job on the stand-in")
def _():
    binary = STATE.get("binary")
    assert binary, "the vendored build did not produce a program"
    STANDIN.reset()
    common = ["--endpoint-url", STANDIN.endpoint, "--region", REGION]
    result = run([binary, "create-batch-inference-job", *create_args("vendored"), *common])
    assert result.returncode == 0, (result.returncode, result.stderr)
    arn = json.loads(result.stdout)["batchInferenceJobArn"]
    result = run([binary, "describe-batch-inference-job", "--batch-inference-job-arn", arn,
                  *common])
    assert result.returncode == 0, (result.returncode, result.stderr)
    job = json.loads(result.stdout)["batchInferenceJob"]
    assert (job["jobName"], job["status"]) == ("vendored", "PENDING"), job
    assert [r["verdict"] for r in STANDIN.requests()] == ["ok", "ok"]
    result = run([binary, "describe-batch-inference-job", "--batch-inference-job-arn", "nope",
                  *common])
    assert result.returncode == 252, (result.returncode, result.stderr)
    assert len(STANDIN.requests()) == 2


if __name__ == "__main__":
    STANDIN.start()
    try:
        with tempfile.TemporaryDirectory(prefix="vendor-") as folder:
            STATE["folder"] = folder
            run_cases("tests/e2e/test_vendor.py")
    finally:
        STANDIN.stop()
