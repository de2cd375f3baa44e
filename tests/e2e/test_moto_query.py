"""awsQuery and ec2 end to end: programs built with `make cli` from the installed STS, IAM,
SNS and EC2 models call `moto_server`, and what they print is compared with the AWS CLI's
(`aws --endpoint-url ...`, v1) output as JSON values (timestamps as instants). Service
errors print the AWS CLI's code and message and exit 254."""
import json
import os
import subprocess
import sys

import botocore.loaders
import botocore.model

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from e2elib import (BOTOCORE_DATA, BUILD, REGION, ROOT, client_env, error_line,  # noqa: E402
                    free_port, instants, program, run, stop, wait_for_port)
from pyharness import case, run as run_cases  # noqa: E402

MODELS = {"sts": "2011-06-15", "iam": "2010-05-08", "sns": "2010-03-31", "ec2": "2016-11-15"}
MOTO = {}  # "endpoint" while the server runs
STATE = {}
LOADER = botocore.loaders.Loader()


def cli_path(name):
    return os.path.join(BUILD, "e2e", f"{name}-query")


def ours(name, *args):
    return run([program(cli_path(name)), *args, "--endpoint-url", MOTO["endpoint"],
                "--region", REGION], timeout=120)


def theirs(name, *args):
    return run(["aws", name, *args, "--endpoint-url", MOTO["endpoint"], "--region", REGION,
                "--output", "json"], timeout=120)


def ok_json(result):
    assert result.returncode == 0, (result.returncode, result.stdout, result.stderr)
    return json.loads(result.stdout) if result.stdout.strip() else {}


def same(name, operation, a, b):
    """Equal as JSON values, timestamps compared as instants."""
    model = botocore.model.ServiceModel(LOADER.load_service_model(name, "service-2"), name)
    shape = model.operation_model(operation).output_shape
    assert instants(shape, a) == instants(shape, b), (json.dumps(a)[:2000], json.dumps(b)[:2000])


def same_error(name, operation, our_args, their_args, code):
    mine, aws = ours(name, *our_args), theirs(name, *their_args)
    assert mine.returncode == 254, (mine.returncode, mine.stderr)
    m, a = error_line(mine.stderr, code, operation), error_line(aws.stderr, code, operation)
    assert m is not None and a is not None, (mine.stderr, aws.stderr)
    assert m.group(2) == a.group(2), (m.group(2), a.group(2))


@case("make cli builds the STS, IAM, SNS and EC2 programs from the installed models")
def _():
    for name, version in MODELS.items():
        model = os.path.join(BOTOCORE_DATA, name, version, "service-2.json.gz")
        result = subprocess.run(["make", "--no-print-directory", "cli",
                                 f"BUILD={os.environ.get('BUILD', 'build')}", f"MODEL={model}",
                                 f"CLI={cli_path(name)}"], cwd=ROOT, capture_output=True,
                                text=True, timeout=900)
        assert result.returncode == 0, (result.stdout[-2000:], result.stderr[-2000:])
        program(cli_path(name))


@case("sts get-caller-identity and assume-role print what the AWS CLI prints")
def _():
    same("sts", "GetCallerIdentity", ok_json(ours("sts", "get-caller-identity")),
         ok_json(theirs("sts", "get-caller-identity")))
    args = ["assume-role", "--role-arn", "arn:aws:iam::123456789012:role/e2e",
            "--role-session-name", "e2e-session", "--duration-seconds", "900"]
    mine, aws = ok_json(ours("sts", *args)), ok_json(theirs("sts", *args))
    # Each call makes new credentials: compare everything else, and the credentials' shape.
    assert mine["AssumedRoleUser"]["Arn"] == aws["AssumedRoleUser"]["Arn"], (mine, aws)
    assert set(mine["Credentials"]) == set(aws["Credentials"]), (mine, aws)
    assert set(mine) == set(aws), (mine, aws)


@case("iam create-user, get-user, list-users, delete-user; NoSuchEntity as the AWS CLI")
def _():
    created = ok_json(ours("iam", "create-user", "--user-name", "e2e-alice", "--path", "/e2e/"))
    assert created["User"]["UserName"] == "e2e-alice", created
    same("iam", "GetUser", ok_json(ours("iam", "get-user", "--user-name", "e2e-alice")),
         ok_json(theirs("iam", "get-user", "--user-name", "e2e-alice")))
    same("iam", "ListUsers", ok_json(ours("iam", "list-users")), ok_json(theirs("iam", "list-users")))
    deleted = ours("iam", "delete-user", "--user-name", "e2e-alice")
    assert deleted.returncode == 0 and deleted.stdout.strip() in ("", "{}"), deleted
    same_error("iam", "GetUser", ["get-user", "--user-name", "e2e-alice"],
               ["get-user", "--user-name", "e2e-alice"], "NoSuchEntity")
    bad = ours("iam", "create-user", "--user-name", "", "--debug")
    assert bad.returncode == 252 and "UserName" in bad.stderr, (bad.returncode, bad.stderr)
    assert "endpoint:" not in bad.stderr, bad.stderr   # nothing was sent


@case("sns create-topic, list-topics, publish; NotFound as the AWS CLI")
def _():
    arn = ok_json(ours("sns", "create-topic", "--name", "e2e-topic"))["TopicArn"]
    assert arn.endswith(":e2e-topic"), arn
    same("sns", "ListTopics", ok_json(ours("sns", "list-topics")),
         ok_json(theirs("sns", "list-topics", "--no-paginate")))
    published = ok_json(ours("sns", "publish", "--topic-arn", arn, "--message", "hi & <there>"))
    assert published["MessageId"], published
    missing = arn.replace("e2e-topic", "e2e-missing")
    same_error("sns", "Publish", ["publish", "--topic-arn", missing, "--message", "x"],
               ["publish", "--topic-arn", missing, "--message", "x"], "NotFound")


@case("ec2 describe-regions, run-instances, describe-instances; a bad id as the AWS CLI")
def _():
    same("ec2", "DescribeRegions", ok_json(ours("ec2", "describe-regions")),
         ok_json(theirs("ec2", "describe-regions")))
    ran = ok_json(ours("ec2", "run-instances", "--image-id", "ami-12c6146b", "--min-count", "1",
                       "--max-count", "1", "--instance-type", "t2.micro",
                       "--tag-specifications",
                       '[{"ResourceType": "instance", "Tags": [{"Key": "team", "Value": "e2e"}]}]'))
    instance = ran["Instances"][0]["InstanceId"]
    assert ran["Instances"][0]["Tags"] == [{"Key": "team", "Value": "e2e"}], ran
    same("ec2", "DescribeInstances",
         ok_json(ours("ec2", "describe-instances", "--instance-ids", json.dumps([instance]))),
         ok_json(theirs("ec2", "describe-instances", "--instance-ids", instance)))
    same_error("ec2", "DescribeInstances",
               ["describe-instances", "--instance-ids", '["i-0123456789abcdef0"]'],
               ["describe-instances", "--instance-ids", "i-0123456789abcdef0"],
               "InvalidInstanceID.NotFound")


if __name__ == "__main__":
    port = free_port()
    log = open(os.devnull, "w")
    proc = subprocess.Popen(["moto_server", "-H", "127.0.0.1", "-p", str(port)],
                            stdin=subprocess.DEVNULL, stdout=log, stderr=log, env=client_env())
    try:
        wait_for_port(port, proc)
        MOTO["endpoint"] = f"http://127.0.0.1:{port}"
        run_cases("tests/e2e/test_moto_query.py")
    finally:
        stop(proc)
        log.close()
