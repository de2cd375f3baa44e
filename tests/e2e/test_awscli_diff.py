"""The AWS CLI v1 (installed as `aws`) and build/bin/personalize, run with the same inputs
against the stand-in, must print the same JSON and send the same requests.

Each program gets its own fresh stand-in with the same fake clock, and runs the same
scenario; the transcripts are then compared step by step: exit status class, output JSON
(timestamps compared as instants, since the AWS CLI v1 prints epoch numbers and the
generated program ISO 8601 strings), service error lines, and the request bodies the
stand-in received (same JSON, same operation).
"""
import json
import os
import sys

from botocore import xform_name

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from e2elib import (CLOCK, REGION, SOLUTION, StandIn, client_env, create_args,  # noqa: E402
                    error_line, instants, program, run, service_model)
from pyharness import case, run as run_cases  # noqa: E402

MODEL = service_model()
FILTER = "arn:aws:personalize:us-west-2:123456789012:filter/no-watched"
CONFIG = ('{"rankingInfluence": {"POPULARITY": 0.25, "FRESHNESS": 1}, '
          '"itemExplorationConfig": {"explorationWeight": "0.3"}}')
TAGS = '[{"tagKey": "team", "tagValue": "recs"}, {"tagKey": "cost-centre", "tagValue": "42"}]'
INPUT_JSON = json.dumps({
    "jobName": "diff-input-json", "solutionVersionArn": SOLUTION.replace("1a2b3c4d", "9999"),
    "roleArn": "arn:aws:iam::123456789012:role/PersonalizeRole",
    "jobInput": {"s3DataSource": {"path": "s3://bucket/in.json",
                                  "kmsKeyArn": "arn:aws:kms:us-west-2:123456789012:key/k1"}},
    "jobOutput": {"s3DataDestination": {"path": "s3://bucket/out/"}},
    "batchInferenceJobMode": "THEME_GENERATION",
    "themeGenerationConfig": {"fieldsForThemeGeneration": {"itemName": "TITLE"}}})


def operation_name(kebab):
    return next(n for n in MODEL.operation_names if xform_name(n, "-") == kebab)


class Runner:
    """Runs one program's side of the scenario and keeps its transcript."""

    def __init__(self, argv0, list_extra=()):
        self.argv0 = argv0
        self.list_extra = list(list_extra)
        self.transcript = []
        self.standin = None

    def __call__(self, op, *args):
        extra = self.list_extra if op.startswith("list-") else []
        result = run([*self.argv0, op, *args, *extra, "--endpoint-url", self.standin.endpoint,
                      "--region", REGION], env=client_env())
        name = operation_name(op)
        step = {"op": op, "args": args, "rc": result.returncode, "stderr": result.stderr}
        if result.returncode == 0:
            step["output"] = instants(MODEL.operation_model(name).output_shape,
                                      json.loads(result.stdout))
        self.transcript.append(step)
        return step

    def play(self):
        with StandIn("--clock", str(CLOCK)) as self.standin:
            scenario(self)
            self.requests = [(r["operation"], json.loads(r["body"]) if r["body"] else None,
                              r["verdict"])
                             for r in self.standin.requests()]
        return self


def scenario(call):
    """The same inputs for both programs. Outputs feed later steps (ARNs, next tokens)."""
    arn = call("create-batch-inference-job", *create_args("diff-job"), "--num-results", "25",
               "--filter-arn", FILTER, "--batch-inference-job-config", CONFIG,
               "--tags", TAGS, "--batch-inference-job-mode", "BATCH_INFERENCE")
    arn = arn.get("output", {}).get("batchInferenceJobArn", "missing")
    call("create-batch-inference-job", "--cli-input-json", INPUT_JSON)
    call("create-batch-inference-job", *create_args("diff-job"))  # a duplicate
    for _ in range(3):
        call("describe-batch-inference-job", "--batch-inference-job-arn", arn)
    call("list-batch-inference-jobs")
    page = call("list-batch-inference-jobs", "--max-results", "1")
    token = page.get("output", {}).get("nextToken", "missing")
    call("list-batch-inference-jobs", "--max-results", "1", "--next-token", token)
    call("list-batch-inference-jobs", "--solution-version-arn", SOLUTION)
    call("describe-batch-inference-job", "--batch-inference-job-arn",
         arn.replace("diff-job", "no-such-job"))


def plays():
    if not hasattr(plays, "done"):
        # --no-paginate: the AWS CLI otherwise pages through list results itself and turns
        # --max-results into a client-side cap with its own NextToken.
        aws = Runner(["aws", "personalize"], list_extra=["--no-paginate"]).play()
        ours = Runner([program()]).play()
        plays.done = (aws, ours)
    return plays.done


@case("every step: success matches success, and service errors match")
def _():
    aws, ours = plays()
    assert len(aws.transcript) == len(ours.transcript)
    for a, o in zip(aws.transcript, ours.transcript):
        where = f"{a['op']} {a['args']}"
        assert (a["rc"] == 0) == (o["rc"] == 0), (where, a, o)
        if a["rc"] != 0:
            # The AWS CLI v1 exits 255 on service errors; v2 and the generated program 254.
            assert (a["rc"], o["rc"]) == (255, 254), (where, a["rc"], o["rc"], o["stderr"])


@case("every step prints the same JSON (timestamps as instants)")
def _():
    aws, ours = plays()
    for a, o in zip(aws.transcript, ours.transcript):
        if a["rc"] == 0 and o["rc"] == 0:
            assert a["output"] == o["output"], (a["op"], a["args"], a["output"], o["output"])
    assert sum(step["rc"] == 0 for step in ours.transcript) == 9, \
        [(s["op"], s["rc"]) for s in ours.transcript]


@case("service errors print the same error line")
def _():
    aws, ours = plays()
    for a, o in zip(aws.transcript, ours.transcript):
        if a["rc"] == 0:
            continue
        name = operation_name(a["op"])
        for code in ("ResourceAlreadyExistsException", "ResourceNotFoundException"):
            ma, mo = error_line(a["stderr"], code, name), error_line(o["stderr"], code, name)
            if ma:
                assert mo, (o["stderr"], a["stderr"])
                assert ma.group(2) == mo.group(2), (ma.group(0), mo.group(0))
                break
        else:
            raise AssertionError(f"unexpected error from aws: {a['stderr']}")


@case("the stand-in received the same requests from both programs")
def _():
    aws, ours = plays()
    assert len(aws.requests) == len(ours.requests) == len(aws.transcript), \
        (aws.requests, ours.requests)
    for a, o in zip(aws.requests, ours.requests):
        assert a == o, (a, o)
    assert all(verdict != "InvalidSignatureException" for _, _, verdict in ours.requests)


if __name__ == "__main__":
    run_cases("tests/e2e/test_awscli_diff.py")
