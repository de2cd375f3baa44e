"""Bad-input table (issue 5, item 4; the command-line and call-API rows — the generator's
rows are in tests/generator/test_generator.py). Every row points at a live Personalize
stand-in and checks: exit status 252 (program) or ACG_ERR_VALIDATION with attempts 0 (call
API), a message naming the member and the broken constraint, and that the stand-in's --log
file recorded no request at all.

Call-API rows that do not exist, on purpose: a wrong JSON type (requests are typed C structs,
the compiler checks the types), an embedded NUL (a C string ends at its NUL, so the call API
cannot be given one) and an unknown option (the call API has no options). A 10 MB inline
--cli-input-json cannot be passed on Linux (one argument is limited to 128 KiB), so the huge
program row uses file:// and another row passes 100 kB inline.
"""
import json
import os
import re
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from faultlib import (JOB_ARN, REGION, ROLE, SOLUTION, Logged, call_driver,  # noqa: E402
                      client_env, driver_result, memcheck, no_memory_errors, program, timed)
from pyharness import case, run as run_cases  # noqa: E402

S = Logged()
DESCRIBE = "describe-batch-inference-job"
LIST = "list-batch-inference-jobs"
CREATE = "create-batch-inference-job"
LONG_ARN = JOB_ARN + "a" * (300 - len(JOB_ARN))
HUGE = 10 * 1024 * 1024
CREATE_OK = ["--job-name", "bad-input", "--solution-version-arn", SOLUTION, "--role-arn", ROLE,
             "--job-input", '{"s3DataSource": {"path": "s3://bucket/in.json"}}',
             "--job-output", '{"s3DataDestination": {"path": "s3://bucket/out/"}}']


def cli(*args, valgrind=False):
    """Runs the program against the stand-in (its log emptied first)."""
    S.reset()
    argv = [program(), *args, "--endpoint-url", S.endpoint, "--region", REGION]
    result, seconds = timed(memcheck(argv) if valgrind else argv, env=client_env())
    # memcheck makes every run many times slower; the bound is for hangs, not speed
    assert seconds < (60 if os.environ.get("VALGRIND") else 10), f"{seconds:.1f} s"
    return result


def rejected(result, *patterns):
    """Exit 252, nothing on stdout, each regex in stderr, nothing sent."""
    assert result.returncode == 252, (result.returncode, result.stdout, result.stderr)
    assert result.stdout == "", result.stdout
    for pattern in patterns:
        assert re.search(pattern, result.stderr, re.IGNORECASE), (pattern, result.stderr)
    assert S.logged() == [], S.logged()


def api(*args):
    S.reset()
    result, seconds = timed([call_driver(), "--endpoint", S.endpoint, "--region", REGION, *args])
    assert seconds < 10, f"{seconds:.1f} s"
    return driver_result(result)


def api_rejected(out, where, *patterns):
    assert out["rc"] == "validation error" and out["attempts"] == 0, out
    assert out["where"] == where, out
    for pattern in patterns:
        assert re.search(pattern, out["message"], re.IGNORECASE), (pattern, out)
    assert S.logged() == [], S.logged()


# --- the command-line program ----------------------------------------------------------

@case("program: control row, a valid describe is sent (the log check works)")
def _():
    result = cli(DESCRIBE, "--batch-inference-job-arn", JOB_ARN + "none")
    assert result.returncode == 254, (result.returncode, result.stderr)
    assert [r["verdict"] for r in S.logged()] == ["ResourceNotFoundException"], S.logged()


@case("program: missing required member (option) -> 252 naming --batch-inference-job-arn")
def _():
    rejected(cli(DESCRIBE), r"required", r"--batch-inference-job-arn")


@case("program: missing required member (--cli-input-json {}) -> 252 naming it")
def _():
    rejected(cli(DESCRIBE, "--cli-input-json", "{}"),
             r"Missing required parameter", r'"batchInferenceJobArn"')


@case("program: missing nested required member -> 252 naming jobInput.s3DataSource")
def _():
    args = list(CREATE_OK)
    args[args.index("--job-input") + 1] = "{}"
    rejected(cli(CREATE, *args), r"Missing required parameter", r"jobInput\.s3DataSource")


@case("program: too long (300-character ARN) -> 252 naming the member and max length 256")
def _():
    rejected(cli(DESCRIBE, "--batch-inference-job-arn", LONG_ARN),
             r"batchInferenceJobArn", r"length", r"\b300\b", r"\b256\b")


@case("program: pattern mismatch (--batch-inference-job-arn nope) -> 252 naming the pattern")
def _():
    rejected(cli(DESCRIBE, "--batch-inference-job-arn", "nope"),
             r"batchInferenceJobArn", r"pattern", re.escape("arn:([a-z\\d-]+):personalize:"))


@case("program: out-of-range number (--max-results 1000) -> 252 naming the maximum 100")
def _():
    rejected(cli(LIST, "--max-results", "1000"), r"maxResults", r"1000", r"maximum 100")


@case("program: out-of-range number (--max-results 0) -> 252 naming the minimum 1")
def _():
    rejected(cli(LIST, "--max-results", "0"), r"maxResults", r"minimum 1")


@case("program: out of int32 range in --cli-input-json -> 252 naming the member")
def _():
    rejected(cli(LIST, "--cli-input-json", '{"maxResults": 99999999999}'),
             r"maxResults", r"out of range|32-bit")


@case("program: not a number (--max-results abc) -> 252 naming the option")
def _():
    rejected(cli(LIST, "--max-results", "abc"), r"--max-results", r"integer")


@case("program: wrong JSON type in --cli-input-json (string for an integer) -> 252")
def _():
    rejected(cli(LIST, "--cli-input-json", '{"maxResults": "x"}'),
             r"Invalid type", r"maxResults", r"number|integer")


@case("program: wrong JSON type in --cli-input-json (number for a string) -> 252")
def _():
    rejected(cli(DESCRIBE, "--cli-input-json", '{"batchInferenceJobArn": 5}'),
             r"Invalid type", r"batchInferenceJobArn", r"string")


@case("program: wrong JSON type in --cli-input-json (array for the input) -> 252")
def _():
    # The AWS CLI names this parameter without dashes in its JSON errors.
    rejected(cli(LIST, "--cli-input-json", "[1]"), r"'cli-input-json'", r"object")


@case("program: invalid UTF-8 in an option value -> 252 naming --next-token")
def _():
    rejected(cli(LIST, "--next-token", b"a\xff\xfeb"), r"--next-token", r"UTF-8")


@case("program: invalid UTF-8 inside --cli-input-json -> 252 naming it and the byte offset")
def _():
    rejected(cli(LIST, "--cli-input-json", b'{"nextToken": "a\xffb"}'),
             r"'cli-input-json'", r"UTF-8", r"offset \d+")


@case("program: unpaired surrogate escape in --cli-input-json -> 252")
def _():
    rejected(cli(LIST, "--cli-input-json", '{"nextToken": "\\ud800"}'),
             r"'cli-input-json'", r"surrogate")


@case("program: embedded NUL (\\u0000 in --cli-input-json) -> 252 naming nextToken")
def _():
    rejected(cli(LIST, "--cli-input-json", '{"nextToken": "a\\u0000b"}'),
             r"nextToken", r"NUL")


@case("program: unknown option -> 252 naming it")
def _():
    rejected(cli(LIST, "--bogus", "1"), r"Unknown option", r"--bogus")


@case("program: unknown member in --cli-input-json -> 252 naming it and the valid ones")
def _():
    rejected(cli(LIST, "--cli-input-json", '{"bogus": 1}'),
             r"Unknown parameter", r'"bogus"', r"maxResults")


@case("program: huge input (10 MB --cli-input-json file://) -> 252 naming the length limit")
def _():
    path = os.path.join(S.log_dir, "huge.json")
    with open(path, "w") as f:
        json.dump({"nextToken": "a" * HUGE}, f)
    try:
        rejected(cli(LIST, "--cli-input-json", "file://" + path),
                 r"nextToken", rf"\b{HUGE}\b", r"max length: 1500")
    finally:
        os.remove(path)


@case("program: large inline --cli-input-json (100 kB) -> 252 naming the length limit")
def _():
    rejected(cli(LIST, "--cli-input-json", json.dumps({"nextToken": "a" * 100_000})),
             r"nextToken", r"\b100000\b", r"max length: 1500")


@case("memcheck, program: pattern mismatch and wrong JSON type; no errors, no leaks")
def _():
    for args in ([DESCRIBE, "--batch-inference-job-arn", "nope"],
                 [LIST, "--cli-input-json", '{"maxResults": "x"}']):
        result = cli(*args, valgrind=True)
        no_memory_errors(result)
        rejected(result)


# --- the call API ----------------------------------------------------------------------

@case("call API: control row, a valid describe is sent and decoded as a modelled error")
def _():
    out = api("describe", "--arn", JOB_ARN + "none")
    assert out["rc"] == "service error" and out["modeled"] == "ResourceNotFoundException", out
    assert len(S.logged()) == 1, S.logged()


@case("call API: missing required member -> validation error at batchInferenceJobArn")
def _():
    api_rejected(api("describe"), "batchInferenceJobArn", r"batchInferenceJobArn", r"required")


@case("call API: several missing required members -> every one named")
def _():
    out = api("create", "--job-name", "j")
    api_rejected(out, "solutionVersionArn", r"required")
    for member in ("solutionVersionArn", "jobInput", "jobOutput", "roleArn"):
        assert member in out["message"], out


@case("call API: too long (300-character ARN) -> validation error naming 300 and 256")
def _():
    api_rejected(api("describe", "--arn", LONG_ARN), "batchInferenceJobArn",
                 r"length", r"\b300\b", r"\b256\b")


@case("call API: pattern mismatch (nope) -> validation error naming the pattern")
def _():
    api_rejected(api("describe", "--arn", "nope"), "batchInferenceJobArn",
                 r"pattern", re.escape("arn:([a-z\\d-]+):personalize:"))


@case("call API: out-of-range number (maxResults 1000) -> validation error, maximum 100")
def _():
    api_rejected(api("list", "--max-results", "1000"), "maxResults", r"1000", r"maximum 100")


@case("call API: out-of-range number (maxResults 0) -> validation error, minimum 1")
def _():
    api_rejected(api("list", "--max-results", "0"), "maxResults", r"minimum 1")


@case("call API: invalid UTF-8 (nextToken) -> validation error naming UTF-8")
def _():
    api_rejected(api("list", "--next-token", b"a\xff\xfeb"), "nextToken", r"UTF-8")


@case("call API: huge input (10 MB nextToken) -> validation error naming the length limit")
def _():
    api_rejected(api("list", "--next-token-len", str(HUGE)), "nextToken",
                 rf"\b{HUGE}\b", r"1500")


@case("the stand-in reported no internal error")
def _():
    assert "stand-in: internal error" not in S.errors(), S.errors()


if __name__ == "__main__":
    try:
        S.start()
        run_cases("tests/faults/test_bad_input.py")
    finally:
        S.stop()
        S.remove_log()
