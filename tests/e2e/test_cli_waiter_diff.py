"""`PROG wait NAME` against `aws SERVICE wait NAME` (AWS CLI v1), byte for byte: nothing on
stdout, the same "Waiter X failed: ..." line on stderr, the same exit status, for every
acceptor kind (path, pathAll, pathAny, status, error with a code, true and false), in
every role (success, failure, retry), against servers whose state changes while the
waiter polls:

- moto_server: IAM user-exists (status, error), DynamoDB table-exists and table-not-exists
  (path, error), EC2 instance-running, instance-stopped and instance-exists (pathAll,
  pathAny, path over a boolean, error); users, tables and instances appear, go or stop
  while the waiters run;
- the Personalize stand-in, whose jobs move PENDING, IN PROGRESS, ACTIVE on each describe:
  the checked-in batch-inference-job-active waiter (build/bin/personalize) and waiters of
  this test's own (a program built from a folder holding botocore's Personalize model and
  this test's waiters-2.json);
- tests/servers/http_server.py answering a script, for states neither of them reaches
  (CREATE FAILED, errors of any code).

Each side has servers of its own, set up the same way, so both run at once. The AWS CLI
reads shorter delays and fewer attempts from copies of the waiter models under
AWS_DATA_PATH (botocore's loader searches it before its own data); our programs get
--waiter-delay and --waiter-max-attempts, or the same numbers from the model they were
built from."""
import copy
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time

import boto3

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from clidiff import (BOTOCORE_DATA, Job, botocore_model, build_programs, difference,  # noqa: E402
                     run_many, _poll, _start)
from e2elib import (PERSONALIZE, REGION, ROOT, SOLUTION, StandIn, client_env,  # noqa: E402
                    create_args, free_port, program, stop, wait_for_port)
from pyharness import case, run as run_cases  # noqa: E402

TMP = tempfile.TemporaryDirectory(prefix="acg-waiter-diff-")
DATA = os.path.join(TMP.name, "data")          # AWS_DATA_PATH for the AWS CLI
ATTEMPTS = 3                                   # every shortened waiter: 3 polls, 1 s apart
OUR_LIMITS = ["--waiter-delay", "1", "--waiter-max-attempts", str(ATTEMPTS)]
ENV = client_env({"AWS_DATA_PATH": DATA})
SIDES = ("aws", "ours")
S = {}  # per side: "moto", "standin", "script" endpoints and handles; "programs"
JOB_ARN = "arn:aws:personalize:us-west-2:123456789012:batch-inference-job/"

# Waiters of this test's own for Personalize, beside the checked-in one: every matcher in
# every role, with expected values of each type (string, number, boolean).
CUSTOM_WAITERS = {
    "AllJobsActive": {
        "operation": "ListBatchInferenceJobs", "delay": 1, "maxAttempts": ATTEMPTS,
        "acceptors": [
            {"state": "success", "matcher": "pathAll", "argument": "batchInferenceJobs[].status",
             "expected": "ACTIVE"},
            {"state": "failure", "matcher": "pathAny", "argument": "batchInferenceJobs[].status",
             "expected": "CREATE FAILED"},
            {"state": "retry", "matcher": "pathAny", "argument": "batchInferenceJobs[].status",
             "expected": "PENDING"},
            {"state": "failure", "matcher": "error", "expected": "InvalidNextTokenException"}]},
    "JobGone": {
        "operation": "DescribeBatchInferenceJob", "delay": 1, "maxAttempts": ATTEMPTS,
        "acceptors": [
            {"state": "success", "matcher": "error", "expected": "ResourceNotFoundException"},
            {"state": "retry", "matcher": "status", "expected": 200},
            {"state": "failure", "matcher": "error", "expected": True}]},
    "JobFound": {
        "operation": "DescribeBatchInferenceJob", "delay": 1, "maxAttempts": ATTEMPTS,
        "acceptors": [
            {"state": "success", "matcher": "error", "expected": False},
            {"state": "retry", "matcher": "status", "expected": 400}]},
    "JobResults": {
        "operation": "DescribeBatchInferenceJob", "delay": 1, "maxAttempts": ATTEMPTS,
        "acceptors": [
            {"state": "success", "matcher": "path", "argument": "batchInferenceJob.numResults",
             "expected": 25},
            {"state": "failure", "matcher": "path",
             "argument": "batchInferenceJob.numResults == `5`", "expected": True},
            {"state": "retry", "matcher": "path", "argument": "batchInferenceJob.status",
             "expected": "PENDING"}]},
}


def write_json(path, data):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w") as f:
        json.dump(data, f, indent=1)


def shortened(service, version):
    """botocore's waiters for service, every one polling ATTEMPTS times 1 s apart."""
    with open(os.path.join(BOTOCORE_DATA, service, version, "waiters-2.json")) as f:
        data = json.load(f)
    for w in data["waiters"].values():
        w["delay"], w["maxAttempts"] = 1, ATTEMPTS
    return data


def prepare_data():
    for service, version in (("iam", "2010-05-08"), ("dynamodb", "2012-08-10"),
                             ("ec2", "2016-11-15")):
        write_json(os.path.join(DATA, service, version, "waiters-2.json"),
                   shortened(service, version))
    # Personalize: botocore's model files and this test's waiters, one folder for both
    # programs (ours is built from it, the AWS CLI loads it first); the checked-in waiter
    # (YAML) goes in too, so `aws personalize wait batch-inference-job-active` exists.
    folder = os.path.join(DATA, "personalize", "2018-05-22")
    os.makedirs(folder)
    for name in ("service-2.json.gz", "endpoint-rule-set-1.json.gz", "paginators-1.json"):
        shutil.copy(os.path.join(BOTOCORE_DATA, "personalize", "2018-05-22", name), folder)
    waiters = {"version": 2, "waiters": copy.deepcopy(CUSTOM_WAITERS)}
    checked_in = yaml_load(os.path.join(ROOT, "models", "personalize", "2018-05-22",
                                        "waiters-2.yaml"))["waiters"]
    for name, w in checked_in.items():
        waiters["waiters"][name] = dict(w, delay=1, maxAttempts=ATTEMPTS)
    write_json(os.path.join(folder, "waiters-2.json"), waiters)
    return os.path.join(folder, "service-2.json.gz")


def yaml_load(path):
    import yaml
    with open(path) as f:
        return yaml.safe_load(f)


def programs():
    if "programs" not in S:
        custom = prepare_data()
        built = build_programs({"iam": botocore_model("iam", "2010-05-08"),
                                "dynamodb": botocore_model("dynamodb", "2012-08-10"),
                                "ec2": botocore_model("ec2", "2016-11-15"),
                                "personalize": custom}, "wait-diff")
        built["personalize-checked-in"] = program(PERSONALIZE)
        S["programs"] = built
    return S["programs"]


# ---- servers, one set per side ----

def boto(side, service):
    return boto3.client(service, endpoint_url=S[side]["moto"], region_name=REGION,
                        aws_access_key_id=ENV["AWS_ACCESS_KEY_ID"],
                        aws_secret_access_key=ENV["AWS_SECRET_ACCESS_KEY"])


class Script:
    """tests/servers/http_server.py: answers requests from a queue of scripted responses."""

    def __init__(self):
        self.proc = subprocess.Popen([sys.executable, os.path.join(ROOT, "tests", "servers",
                                                                   "http_server.py")],
                                     stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
        self.port = int(self.proc.stdout.readline().split()[1])
        self.endpoint = f"http://127.0.0.1:{self.port}"

    def cmd(self, line):
        self.proc.stdin.write(line + "\n")
        self.proc.stdin.flush()
        return self.proc.stdout.readline().strip()

    def script(self, responses):
        assert self.cmd("reset") == "ok"
        assert self.cmd("script " + json.dumps(responses)) == "ok"

    def requests(self):
        return json.loads(self.cmd("stats"))["requests"]

    def close(self):
        self.proc.stdin.close()
        self.proc.wait(timeout=10)


def start_moto():
    port = free_port()
    proc = subprocess.Popen(["moto_server", "-H", "127.0.0.1", "-p", str(port)],
                            stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL, env=client_env())
    wait_for_port(port, proc)
    return proc, f"http://127.0.0.1:{port}"


def populate(side):
    iam, ddb, ec2 = boto(side, "iam"), boto(side, "dynamodb"), boto(side, "ec2")
    iam.create_user(UserName="present")
    for name in ("tbl-present", "tbl-doomed"):
        ddb.create_table(TableName=name, BillingMode="PAY_PER_REQUEST",
                         AttributeDefinitions=[{"AttributeName": "k", "AttributeType": "S"}],
                         KeySchema=[{"AttributeName": "k", "KeyType": "HASH"}])
    for role in ("web", "doomed", "sleepy"):
        ec2.run_instances(ImageId="ami-12c6146b", MinCount=2, MaxCount=2, InstanceType="t2.micro",
                          TagSpecifications=[{"ResourceType": "instance",
                                              "Tags": [{"Key": "role", "Value": role}]}])
    doomed = instances(side, "doomed")
    ec2.terminate_instances(InstanceIds=doomed[:1])


def instances(side, role):
    ec2 = boto(side, "ec2")
    found = ec2.describe_instances(Filters=[{"Name": "tag:role", "Values": [role]}])
    return sorted(i["InstanceId"] for r in found["Reservations"] for i in r["Instances"])


def role_filter(role):
    return json.dumps([{"Name": "tag:role", "Values": [role]}])


# ---- running both sides ----

def wait_both(name, argv, endpoint="moto", ours_extra=OUR_LIMITS, during=None, env=None,
              expect=None):
    """Runs `aws SERVICE wait ...` and `PROG wait ...` with the same argv against their own
    servers, at once; `during(side)` runs for each side 1.5 s after both started. Asserts
    they agree and returns the AWS CLI's result."""
    service = name.split("-")[0]
    jobs = []
    for side in SIDES:
        common = ["--endpoint-url", S[side][endpoint], "--region", REGION]
        run_env = dict(ENV, **(env or {}))
        if side == "aws":
            jobs.append(Job([service, "wait", *argv, *common], run_env))
        else:
            jobs.append(Job(["wait", *argv, *common, *ours_extra], run_env,
                            ours=programs()[name]))
    if during is None:
        run_many(jobs)
    else:
        for job in jobs:
            _start(job)
        time.sleep(1.5)
        for side in SIDES:
            during(side)
        pending = list(jobs)
        while pending:
            pending = [j for j in pending if not _poll(j)]
            time.sleep(0.01)
    theirs, mine = jobs[0].result, jobs[1].result
    why = difference(theirs, mine, name)
    assert why is None, f"wait {' '.join(argv)}:\n{why}"
    if expect is not None:
        assert expect in theirs.err and (expect == "" or theirs.rc == 255), theirs
        if expect == "":
            assert theirs.rc == 0 and theirs.err == "", theirs
    return theirs


def attempts_reason(tail):
    return f"failed: Max attempts exceeded{tail}\n"


@case("iam user-exists: status success, error NoSuchEntity retried, a user created meanwhile")
def _():
    wait_both("iam", ["user-exists", "--user-name", "present"], expect="")
    wait_both("iam", ["user-exists", "--user-name", "absent"], expect=attempts_reason(
        ". Previously accepted state: Matched expected service error code: NoSuchEntity"))
    wait_both("iam", ["user-exists", "--user-name", "late"],
              during=lambda side: boto(side, "iam").create_user(UserName="late"), expect="")


@case("dynamodb table-exists / table-not-exists: path, error, a table deleted meanwhile")
def _():
    wait_both("dynamodb", ["table-exists", "--table-name", "tbl-present"], expect="")
    wait_both("dynamodb", ["table-exists", "--table-name", "tbl-absent"], expect=attempts_reason(
        ". Previously accepted state: Matched expected service error code: "
        "ResourceNotFoundException"))
    wait_both("dynamodb", ["table-not-exists", "--table-name", "tbl-present"],
              expect=attempts_reason(""))
    wait_both("dynamodb", ["table-not-exists", "--table-name", "tbl-doomed"],
              during=lambda side: boto(side, "dynamodb").delete_table(TableName="tbl-doomed"),
              expect="")


@case("ec2 instance-running / instance-stopped / instance-exists: pathAll, pathAny, path, error")
def _():
    wait_both("ec2", ["instance-running", "--filters", role_filter("web")], expect="")
    wait_both("ec2", ["instance-running", "--filters", role_filter("doomed")], expect=(
        'Waiter encountered a terminal failure state: For expression '
        '"Reservations[].Instances[].State.Name" we matched expected path: "terminated" at '
        'least once'))
    wait_both("ec2", ["instance-stopped", "--filters", role_filter("sleepy")],
              during=lambda side: boto(side, "ec2").stop_instances(
                  InstanceIds=instances(side, "sleepy")), expect="")
    wait_both("ec2", ["instance-stopped", "--filters", role_filter("web")],
              expect=attempts_reason(""))
    wait_both("ec2", ["instance-exists", "--filters", role_filter("web")], expect="")
    wait_both("ec2", ["instance-exists", "--instance-ids", '["i-0123456789abcdef0"]'],
              expect=attempts_reason(". Previously accepted state: Matched expected service "
                                     "error code: InvalidInstanceID.NotFound"))


def create_job(side, name, num_results=None):
    extra = ["--num-results", str(num_results)] if num_results else []
    r = subprocess.run([PERSONALIZE, "create-batch-inference-job", *create_args(name), *extra,
                        "--endpoint-url", S[side]["standin"].endpoint], env=ENV,
                       capture_output=True, text=True, timeout=60)
    assert r.returncode == 0, r.stderr


@case("personalize batch-inference-job-active (checked in) against the stand-in: path")
def _():
    for side in SIDES:
        S[side]["standin"].reset()
        create_job(side, "to-active")
        create_job(side, "slow")
    argv = ["batch-inference-job-active", "--batch-inference-job-arn"]
    wait_both("personalize-checked-in", argv + [JOB_ARN + "to-active"], endpoint="standin_url",
              expect="")
    wait_both("personalize-checked-in", argv + [JOB_ARN + "slow"], endpoint="standin_url",
              ours_extra=["--waiter-delay", "1", "--waiter-max-attempts", "2"],
              env={"AWS_DATA_PATH": two_attempts()}, expect=attempts_reason(
                  '. Previously accepted state: For expression "batchInferenceJob.status" we '
                  'matched expected path: "IN PROGRESS"'))
    wait_both("personalize-checked-in", argv + [JOB_ARN + "never"], endpoint="standin_url",
              expect="failed: An error occurred (ResourceNotFoundException): Could not find")


def two_attempts():
    """A data folder whose BatchInferenceJobActive polls twice (ahead of DATA)."""
    path = os.path.join(TMP.name, "two", "personalize", "2018-05-22", "waiters-2.json")
    if not os.path.exists(path):
        with open(os.path.join(DATA, "personalize", "2018-05-22", "waiters-2.json")) as f:
            data = json.load(f)
        data["waiters"]["BatchInferenceJobActive"]["maxAttempts"] = 2
        write_json(path, data)
    return os.pathsep.join([os.path.join(TMP.name, "two"), DATA])


@case("personalize waiters of the test's own against the stand-in: status, error true/false")
def _():
    for side in SIDES:
        S[side]["standin"].reset()
        create_job(side, "here")
        create_job(side, "results", num_results=25)
        create_job(side, "five", num_results=5)
        create_job(side, "fresh")
    arn = ["--batch-inference-job-arn"]
    w = ("personalize", "standin_url", [])
    wait_both(w[0], ["job-gone"] + arn + [JOB_ARN + "nowhere"], w[1], w[2], expect="")
    wait_both(w[0], ["job-gone"] + arn + [JOB_ARN + "here"], w[1], w[2], expect=attempts_reason(
        ". Previously accepted state: Matched expected HTTP status code: 200"))
    wait_both(w[0], ["job-found"] + arn + [JOB_ARN + "here"], w[1], w[2], expect="")
    wait_both(w[0], ["job-found"] + arn + [JOB_ARN + "later"], w[1], w[2],
              during=lambda side: create_job(side, "later"), expect="")
    wait_both(w[0], ["job-found"] + arn + [JOB_ARN + "nowhere"], w[1], w[2],
              expect=attempts_reason(". Previously accepted state: Matched expected HTTP "
                                     "status code: 400"))
    wait_both(w[0], ["job-results"] + arn + [JOB_ARN + "results"], w[1], w[2], expect="")
    wait_both(w[0], ["job-results"] + arn + [JOB_ARN + "five"], w[1], w[2], expect=(
        'terminal failure state: For expression "batchInferenceJob.numResults == `5`" we '
        'matched expected path: "True"'))
    # PENDING (retry), IN PROGRESS, ACTIVE (no match): botocore names the last acceptor
    # it tried, not the one that matched before.
    wait_both(w[0], ["job-results"] + arn + [JOB_ARN + "fresh"], w[1], w[2],
              expect=attempts_reason(
                  '. Previously accepted state: For expression "batchInferenceJob.status" we '
                  'matched expected path: "PENDING"'))
    wait_both(w[0], ["job-results"] + arn + [JOB_ARN + "here"], w[1], w[2],
              expect=attempts_reason(""))


def jobs_page(*states):
    return {"body": json.dumps({"batchInferenceJobs": [
        {"jobName": f"j{i}", "status": s} for i, s in enumerate(states)]})}


def error(status, code, message):
    return {"status": status, "headers": {"x-amzn-ErrorType": code},
            "body": json.dumps({"__type": code, "message": message})}


@case("personalize all-jobs-active against scripted answers: pathAll, pathAny, error codes")
def _():
    scripts = [
        ([jobs_page("PENDING", "ACTIVE"), jobs_page("IN PROGRESS", "ACTIVE"),
          jobs_page("ACTIVE", "ACTIVE")], ""),
        ([jobs_page("PENDING"), jobs_page("ACTIVE", "CREATE FAILED")],
         'terminal failure state: For expression "batchInferenceJobs[].status" we matched '
         'expected path: "CREATE FAILED" at least once'),
        ([jobs_page(), jobs_page(), jobs_page()], attempts_reason("")),
        ([jobs_page("PENDING"), jobs_page("IN PROGRESS"), jobs_page("IN PROGRESS")],
         attempts_reason(". Previously accepted state: Matched expected service error "
                         "code: InvalidNextTokenException")),
        ([jobs_page("PENDING"), error(400, "InvalidNextTokenException", "Token expired.")],
         "terminal failure state: Matched expected service error code: "
         "InvalidNextTokenException"),
        ([error(400, "ResourceInUseException", "Job j0 is busy: 5 > 4")],
         "failed: An error occurred (ResourceInUseException): Job j0 is busy: 5 > 4\n"),
        # botocore's message is "" when the body has none: nothing after the colon
        ([{"status": 404, "body": "{}"}], "failed: An error occurred (404): \n"),
    ]
    for script, expect in scripts:
        for side in SIDES:
            S[side]["script"].script(script)
        wait_both("personalize", ["all-jobs-active"], "script_url", [], expect=expect)
        sent = {side: [(r["path"], r["headers"].get("x-amz-target"), json.loads(r["body"] or "{}"),
                        r["sig_ok"]) for r in S[side]["script"].requests()] for side in SIDES}
        assert sent["aws"] == sent["ours"], sent
    for side in SIDES:
        S[side]["script"].script([error(400, "AccessDeniedException", "No.")])
    wait_both("personalize", ["job-gone", "--batch-inference-job-arn", JOB_ARN + "x"],
              "script_url", [], expect="terminal failure state: Matched expected service error "
                                       "code: True")


if __name__ == "__main__":
    try:
        for side in SIDES:
            S[side] = {}
            S[side]["moto_proc"], S[side]["moto"] = start_moto()
            S[side]["standin"] = StandIn().start()
            S[side]["standin_url"] = S[side]["standin"].endpoint
            S[side]["script"] = Script()
            S[side]["script_url"] = S[side]["script"].endpoint
            populate(side)
        run_cases("tests/e2e/test_cli_waiter_diff.py")
    finally:
        for side in SIDES:
            for key, close in (("moto_proc", stop), ("standin", lambda s: s.stop()),
                               ("script", lambda s: s.close())):
                if key in S.get(side, {}):
                    close(S[side][key])
        TMP.cleanup()
