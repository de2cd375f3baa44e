"""End to end: build/bin/personalize against the Personalize stand-in, over real HTTP with
real SigV4 that the stand-in verifies with botocore.

Covers issue 4's "Done when": create, describe and list print the JSON AWS would; a bad
ARN, a missing required member and a 300-character ARN exit 252 naming the member and the
constraint with nothing sent; an unknown ARN exits 254 with AWS's error line; `make demo`'s
script prints the described job and exits 0.
"""
import json
import os
import re
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from e2elib import (CLOCK, REGION, ROOT, SECRET_KEY, SOLUTION, StandIn, client_env,  # noqa: E402
                    create_args, error_line, instant, program, run)
from pyharness import case, run as run_cases  # noqa: E402

STANDIN = StandIn("--clock", str(CLOCK))
JOB_ARN = f"arn:aws:personalize:{REGION}:123456789012:batch-inference-job/"
OPERATIONS = ("create-batch-inference-job", "describe-batch-inference-job",
              "list-batch-inference-jobs")


def cli(*args, env=None, standin=None):
    """Runs the generated program against the stand-in; returns the CompletedProcess."""
    standin = standin or STANDIN
    return run([program(), *args, "--endpoint-url", standin.endpoint, "--region", REGION],
               env=env)


def ok_json(result):
    assert result.returncode == 0, (result.returncode, result.stdout, result.stderr)
    return json.loads(result.stdout)


def assert_rejected_before_sending(result, *fragments):
    """Exit 252, each fragment (a regex) in stderr, nothing on stdout, nothing sent."""
    assert result.returncode == 252, (result.returncode, result.stdout, result.stderr)
    assert result.stdout == "", result.stdout
    for fragment in fragments:
        assert re.search(fragment, result.stderr, re.IGNORECASE), (fragment, result.stderr)
    assert STANDIN.requests() == [], STANDIN.requests()


MEMBER = r"batchInferenceJobArn|batch-inference-job-arn"


@case("create-batch-inference-job prints the new job's ARN")
def _():
    STANDIN.reset()
    out = ok_json(cli("create-batch-inference-job", *create_args("e2e-create")))
    assert out == {"batchInferenceJobArn": JOB_ARN + "e2e-create"}, out
    [request] = STANDIN.requests()
    assert request["verdict"] == "ok", request  # the stand-in verified the signature
    assert request["operation"] == "CreateBatchInferenceJob"
    assert request["auth"]["region"] == REGION
    assert json.loads(request["body"]) == {
        "jobName": "e2e-create", "solutionVersionArn": SOLUTION,
        "roleArn": "arn:aws:iam::123456789012:role/PersonalizeRole",
        "jobInput": {"s3DataSource": {"path": "s3://bucket/in.json"}},
        "jobOutput": {"s3DataDestination": {"path": "s3://bucket/out/"}}}


@case("describe-batch-inference-job prints the job; states walk to ACTIVE")
def _():
    STANDIN.reset()
    arn = ok_json(cli("create-batch-inference-job", *create_args("e2e-describe"),
                      "--num-results", "7"))["batchInferenceJobArn"]
    statuses = []
    for _ in range(3):
        out = ok_json(cli("describe-batch-inference-job", "--batch-inference-job-arn", arn))
        job = out["batchInferenceJob"]
        statuses.append(job["status"])
    assert statuses == ["PENDING", "IN PROGRESS", "ACTIVE"], statuses
    assert list(out) == ["batchInferenceJob"], out
    timestamps = {k: job.pop(k) for k in ("creationDateTime", "lastUpdatedDateTime")}
    assert job == {
        "jobName": "e2e-describe", "batchInferenceJobArn": arn, "solutionVersionArn": SOLUTION,
        "numResults": 7,
        "jobInput": {"s3DataSource": {"path": "s3://bucket/in.json"}},
        "jobOutput": {"s3DataDestination": {"path": "s3://bucket/out/"}},
        "roleArn": "arn:aws:iam::123456789012:role/PersonalizeRole",
        "batchInferenceJobMode": "BATCH_INFERENCE", "status": "ACTIVE"}, job
    # ISO 8601 strings (DESIGN.md), milliseconds exact. The fake clock gave the create the
    # first reading and each state change the next, 1.001 s apart.
    # As the AWS CLI v1 prints them (cli_timestamp_format wire): the JSON numbers received.
    for value in timestamps.values():
        assert isinstance(value, float), timestamps
    assert round(instant(timestamps["creationDateTime"]), 3) == CLOCK, timestamps
    assert round(instant(timestamps["lastUpdatedDateTime"]), 3) == round(CLOCK + 2.002, 3), \
        timestamps
    assert [r["verdict"] for r in STANDIN.requests()] == ["ok"] * 4


@case("list-batch-inference-jobs prints the summaries, newest first, and pages")
def _():
    STANDIN.reset()
    for name in ("e2e-list-1", "e2e-list-2"):
        ok_json(cli("create-batch-inference-job", *create_args(name)))
    out = ok_json(cli("list-batch-inference-jobs"))
    names = [j["jobName"] for j in out["batchInferenceJobs"]]
    assert names == ["e2e-list-2", "e2e-list-1"], out
    summary = out["batchInferenceJobs"][0]
    assert summary["status"] == "PENDING" and summary["solutionVersionArn"] == SOLUTION
    assert summary["batchInferenceJobArn"] == JOB_ARN + "e2e-list-2"
    assert "nextToken" not in out
    page = ok_json(cli("list-batch-inference-jobs", "--max-results", "1",
                       "--solution-version-arn", SOLUTION))
    assert [j["jobName"] for j in page["batchInferenceJobs"]] == ["e2e-list-2"], page
    assert page.get("nextToken"), page
    rest = ok_json(cli("list-batch-inference-jobs", "--max-results", "1",
                       "--next-token", page["nextToken"]))
    assert [j["jobName"] for j in rest["batchInferenceJobs"]] == ["e2e-list-1"], rest


@case("--cli-input-json, inline and file://, gives the same request as member options")
def _():
    STANDIN.reset()
    document = {"jobName": "e2e-input-json", "solutionVersionArn": SOLUTION,
                "roleArn": "arn:aws:iam::123456789012:role/PersonalizeRole",
                "jobInput": {"s3DataSource": {"path": "s3://bucket/in.json"}},
                "jobOutput": {"s3DataDestination": {"path": "s3://bucket/out/"}},
                "numResults": 3,
                "batchInferenceJobConfig": {"rankingInfluence": {"POPULARITY": 0.5}}}
    ok_json(cli("create-batch-inference-job", "--cli-input-json", json.dumps(document)))
    with tempfile.NamedTemporaryFile("w", suffix=".json") as f:
        json.dump({"batchInferenceJobArn": JOB_ARN + "e2e-input-json"}, f)
        f.flush()
        out = ok_json(cli("describe-batch-inference-job", "--cli-input-json", f"file://{f.name}"))
    assert out["batchInferenceJob"]["batchInferenceJobConfig"] == \
        {"rankingInfluence": {"POPULARITY": 0.5}}, out
    bodies = [json.loads(r["body"]) for r in STANDIN.requests()]
    assert bodies == [document, {"batchInferenceJobArn": JOB_ARN + "e2e-input-json"}], bodies


@case("--batch-inference-job-arn nope: exit 252, member and pattern named, nothing sent")
def _():
    STANDIN.reset()
    assert_rejected_before_sending(
        cli("describe-batch-inference-job", "--batch-inference-job-arn", "nope"),
        MEMBER, r"pattern")


@case("a missing required member: exit 252, member named, nothing sent")
def _():
    STANDIN.reset()
    assert_rejected_before_sending(cli("describe-batch-inference-job"), MEMBER,
                                   r"required|missing")
    # A nested one too: jobInput.s3DataSource.path.
    args = create_args("e2e-nested")
    args[args.index("--job-input") + 1] = '{"s3DataSource": {}}'
    assert_rejected_before_sending(cli("create-batch-inference-job", *args),
                                   r"path", r"required|missing")


@case("a 300-character ARN: exit 252, member and length named, nothing sent")
def _():
    STANDIN.reset()
    arn = JOB_ARN + "x" * (300 - len(JOB_ARN))
    assert len(arn) == 300
    assert_rejected_before_sending(
        cli("describe-batch-inference-job", "--batch-inference-job-arn", arn),
        MEMBER, r"256", r"length|long")


@case("an unknown ARN: exit 254 with AWS's error line")
def _():
    STANDIN.reset()
    arn = JOB_ARN + "no-such-job"
    result = cli("describe-batch-inference-job", "--batch-inference-job-arn", arn)
    assert result.returncode == 254, (result.returncode, result.stdout, result.stderr)
    assert result.stdout == ""
    m = error_line(result.stderr, "ResourceNotFoundException", "DescribeBatchInferenceJob")
    assert m, result.stderr
    assert m.group(2) == f"Could not find batch inference job with ARN {arn}.", m.group(2)
    assert [r["verdict"] for r in STANDIN.requests()] == ["ResourceNotFoundException"]


@case("a wrong secret: the stand-in rejects the signature, exit 254")
def _():
    STANDIN.reset()
    env = client_env({"AWS_SECRET_ACCESS_KEY": "not-the-secret"})
    result = cli("list-batch-inference-jobs", env=env)
    assert result.returncode == 254, (result.returncode, result.stderr)
    assert error_line(result.stderr, "InvalidSignatureException", "ListBatchInferenceJobs"), \
        result.stderr
    assert "not-the-secret" not in result.stderr + result.stdout


@case("--region overrides AWS_REGION: signed for it, ARN in it")
def _():
    STANDIN.reset()
    env = client_env({"AWS_REGION": "eu-west-1", "AWS_DEFAULT_REGION": "eu-west-1"})
    result = run([program(), "create-batch-inference-job", *create_args("e2e-region"),
                  "--endpoint-url", STANDIN.endpoint, "--region", "ap-south-1"], env=env)
    assert ok_json(result)["batchInferenceJobArn"].startswith(
        "arn:aws:personalize:ap-south-1:"), result.stdout
    result = run([program(), "list-batch-inference-jobs", "--endpoint-url", STANDIN.endpoint],
                 env=env)
    ok_json(result)
    assert [r["auth"]["region"] for r in STANDIN.requests()] == ["ap-south-1", "eu-west-1"]


@case("AWS_SESSION_TOKEN is sent and checked")
def _():
    with StandIn("--session-token", "SESSION-TOKEN-e2e") as s:
        env = client_env({"AWS_SESSION_TOKEN": "SESSION-TOKEN-e2e"})
        ok_json(cli("list-batch-inference-jobs", env=env, standin=s))
        result = cli("list-batch-inference-jobs", standin=s)
        assert result.returncode == 254, (result.returncode, result.stderr)
        assert error_line(result.stderr, "UnrecognizedClientException",
                          "ListBatchInferenceJobs"), result.stderr
        logged = s.requests()
        assert [r["verdict"] for r in logged] == ["ok", "UnrecognizedClientException"], logged
        assert logged[0]["auth"]["session_token"] is True


@case("no credentials anywhere: exit 253, nothing sent")
def _():
    STANDIN.reset()
    env = client_env()
    for name in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY"):
        del env[name]
    env["AWS_EC2_METADATA_DISABLED"] = "true"  # no instance metadata lookups off loopback
    with tempfile.TemporaryDirectory() as home:  # no ~/.aws either
        env["HOME"] = home
        result = cli("list-batch-inference-jobs", env=env)
    assert result.returncode == 253, (result.returncode, result.stderr)
    assert STANDIN.requests() == []


@case("--debug logs the endpoint and signing steps, never a secret")
def _():
    STANDIN.reset()
    with StandIn("--session-token", "SESSION-TOKEN-debug") as s:
        env = client_env({"AWS_SESSION_TOKEN": "SESSION-TOKEN-debug"})
        result = cli("list-batch-inference-jobs", "--debug", env=env, standin=s)
        ok_json(result)
    assert re.search(rf"^(\S+ DEBUG )?endpoint: {re.escape(s.endpoint)}/?$", result.stderr, re.M), \
        result.stderr
    everything = result.stdout + result.stderr
    for secret in (SECRET_KEY, "SESSION-TOKEN-debug"):
        assert secret not in everything, secret
    assert not re.search(r"Signature=[0-9a-f]{64}", everything), "signature printed"


@case("help lists the operations and each operation's options")
def _():
    result = run([program(), "help"])
    assert result.returncode == 0, (result.returncode, result.stderr)
    for name in OPERATIONS:
        assert name in result.stdout, name
    result = run([program(), "describe-batch-inference-job", "help"])
    assert result.returncode == 0, (result.returncode, result.stderr)
    assert "--batch-inference-job-arn" in result.stdout, result.stdout


@case("help of a paginated operation: the AWS CLI's paging note and options, tokens hidden")
def _():
    result = run([program(), "list-batch-inference-jobs", "help"])
    assert result.returncode == 0, (result.returncode, result.stderr)
    text = " ".join(result.stdout.split())
    assert ("list-batch-inference-jobs is a paginated operation. Multiple API calls may be "
            "issued") in text, result.stdout
    assert "following query expressions: batchInferenceJobs" in text, result.stdout
    for option in ("--starting-token", "--page-size", "--max-items"):
        assert f"[{option} <value>]" in result.stdout and f"{option} (" in result.stdout, option
    for hidden in ("--next-token", "--max-results"):
        assert hidden not in result.stdout, hidden
    waiter = run([program(), "wait", "batch-inference-job-active", "help"])
    assert waiter.returncode == 0, (waiter.returncode, waiter.stderr)
    assert "--waiter-delay (integer)" in waiter.stdout, waiter.stdout
    assert "--max-items" not in waiter.stdout, waiter.stdout


@case("scripts/demo.sh (make demo) waits for the job, prints it ACTIVE, lists it, exits 0")
def _():
    program()  # the demo uses it; say so plainly when it is missing
    result = run(["sh", os.path.join(ROOT, "scripts", "demo.sh")], cwd=ROOT,
                 env=dict(os.environ, BUILD=os.environ.get("BUILD", "build")), timeout=120)
    assert result.returncode == 0, (result.returncode, result.stdout, result.stderr)
    # The JSON printed after the describe command line.
    after = result.stdout[result.stdout.index("describe-batch-inference-job"):]
    described = json.JSONDecoder().raw_decode(after[after.index("{"):])[0]
    job = described["batchInferenceJob"]
    # The waiter returned only once the job was ACTIVE.
    assert job["status"] == "ACTIVE" and job["batchInferenceJobArn"].startswith(
        "arn:aws:personalize:"), job
    assert "|  demo-job |  ACTIVE  |" in result.stdout, result.stdout


@case("the stand-in printed nothing on stderr (no internal errors)")
def _():
    assert STANDIN.errors() == "", STANDIN.errors()


if __name__ == "__main__":
    STANDIN.start()
    try:
        run_cases("tests/e2e/test_e2e.py")
    finally:
        STANDIN.stop()
