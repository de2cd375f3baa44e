"""restJson1 end to end: the programs `make cli` builds from the installed models of Lambda,
API Gateway, EKS, Batch, EFS, Glacier, IoT and AppSync, against moto_server, next to the AWS
CLI v1 running the same scenario.

Each program plays every scenario against a moto_server of its own (fresh state, so list
operations see the same resources); the two transcripts must then agree step by step: the
exit status (0 for both, or 255 for the AWS CLI v1 and 254 for ours on a service error, the
AWS CLI v2's convention), the printed JSON and the service error line. What moto makes up
per run is masked on both sides first: timestamps (by the model), generated ids (by
member name, and wherever the same text recurs later) and a few per-run values.

The scenarios use URI labels (greedy too), query strings, headers, --cli-input-json for
members bound to all of them, idempotency tokens filled when absent, binary payloads from
fileb://, structure payloads, status codes and a streaming download to an outfile."""
import base64
import io
import json
import os
import re
import subprocess
import sys
import time
import zipfile

import botocore.loaders
import botocore.model

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from e2elib import BOTOCORE_DATA, BUILD, ROOT, client_env, run, with_moto_servers  # noqa: E402
from pyharness import case, run as run_cases  # noqa: E402

SERVICES = ["lambda", "apigateway", "eks", "batch", "efs", "glacier", "iot", "appsync"]
WORK = os.path.join(BUILD, "e2e", "restjson")
ACCOUNT = "123456789012"
ROLE = f"arn:aws:iam::{ACCOUNT}:role/e2e"

# Members whose values moto makes up per run: masked, and their text masked wherever it
# recurs (ARNs, later arguments, messages).
GENERATED = {"id", "apiId", "FileSystemId", "AccessPointId", "archiveId", "jobId", "RevisionId",
             "rootResourceId", "parentId", "keyId", "MountTargetId", "NetworkInterfaceId",
             "deploymentId", "computeEnvironmentArn", "jobQueueArn", "thingId", "policyVersionId",
             "certificateId", "location", "CodeSha256", "nodegroupArn", "uris", "dns",
             "realtimeDns", "endpoint", "clientToken", "ClientToken", "CreationToken",
             "AvailabilityZoneId", "FileSystemArn", "AccessPointArn", "defaultVersionId",
             "generationId", "createdDate", "lastUpdatedDate", "version", "ecsClusterArn",
             "sha256TreeHash", "checksum", "apiKeyId", "expires", "deletes", "data", "issuer",
             "remoteAccessSecurityGroup"}
# Timestamps in string members (Lambda's LastModified).
TIME_STRINGS = {"LastModified", "CreationDate", "LastInventoryDate", "CompletionDate"}
UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")
EXECUTE_API = re.compile(r"[a-z0-9]{10}\.execute-api")
DATETIME = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z?")


def model_of(svc):
    data = botocore.loaders.Loader().load_service_model(svc, "service-2")
    return botocore.model.ServiceModel(data, service_name=svc)


def model_file(svc):
    folder = os.path.join(BOTOCORE_DATA, svc)
    return os.path.join(folder, sorted(os.listdir(folder))[-1], "service-2.json.gz")


def mask_times(shape, value):
    """Timestamps (by the model) replaced by a marker: each run has its own clock."""
    if shape is None:
        return value
    kind = shape.type_name
    if kind == "structure" and isinstance(value, dict):
        return {k: mask_times(shape.members[k], v) if k in shape.members else v
                for k, v in value.items()}
    if kind == "list" and isinstance(value, list):
        return [mask_times(shape.member, v) for v in value]
    if kind == "map" and isinstance(value, dict):
        return {k: mask_times(shape.value, v) for k, v in value.items()}
    if kind == "timestamp":
        return "<time>"
    return value


class Player:
    """Runs one program's side of a scenario and keeps the transcript."""

    def __init__(self, name, argv0, endpoint, svc):
        self.name = name
        self.argv0 = argv0
        self.endpoint = endpoint
        self.model = model_of(svc)
        self.transcript = []
        self.generated = {}     # made-up text -> its marker, in order of appearance
        self.files = os.path.join(WORK, svc, name)
        os.makedirs(self.files, exist_ok=True)

    def __call__(self, op, *args, aws=None, outfile=None):
        """Runs op with args (aws: other arguments for the AWS CLI); returns the output."""
        argv = list(aws if aws is not None and self.name == "aws" else args)
        if outfile is not None:
            argv.append(os.path.join(self.files, outfile))
        extra = ["--no-paginate"] if self.name == "aws" else []
        result = run([*self.argv0, op, *argv, *extra, "--endpoint-url", self.endpoint],
                     env=client_env({"AWS_MAX_ATTEMPTS": "1"}), timeout=120)
        step = {"op": op, "rc": result.returncode, "stderr": result.stderr, "output": None}
        if result.returncode == 0 and result.stdout.strip():
            step["output"] = json.loads(result.stdout)
        if outfile is not None and result.returncode == 0:
            with open(argv[-1], "rb") as f:
                step["file"] = f.read()
        self.transcript.append(step)
        return step["output"] or {}

    def note_generated(self, value, key=None):
        """Collects the values of GENERATED members, anywhere in value."""
        if isinstance(value, dict):
            for k, v in value.items():
                self.note_generated(v, k)
        elif isinstance(value, list):
            for v in value:
                self.note_generated(v, key)
        elif (key in GENERATED or (key or "").endswith("Id")) and \
                isinstance(value, (str, int)) and str(value) != "":
            self.generated.setdefault(str(value), f"<{key}>")

    def mask_text(self, text):
        for value, marker in sorted(self.generated.items(), key=lambda kv: -len(kv[0])):
            if len(value) >= 4:
                text = text.replace(value, marker)
        text = EXECUTE_API.sub("<api>.execute-api", UUID.sub("<uuid>", text))
        return DATETIME.sub("<time>", text)

    def mask(self, value, key=None):
        if isinstance(value, dict):
            return {k: self.mask(v, k) for k, v in value.items()}
        if isinstance(value, list):
            return [self.mask(v, key) for v in value]
        if key in TIME_STRINGS:
            return "<time>"
        if isinstance(value, str):
            return self.mask_text(value)
        if str(value) in self.generated and not isinstance(value, bool):
            return self.generated[str(value)]
        return value

    def masked(self, step):
        name = next(n for n in self.model.operation_names
                    if botocore.xform_name(n, "-") == step["op"])
        out = mask_times(self.model.operation_model(name).output_shape, step["output"])
        err = "".join(line for line in step["stderr"].splitlines()
                      if line.startswith("An error occurred"))
        return self.mask(out), self.mask_text(err)


def lambda_scenario(call, files):
    zipped = os.path.join(files, "fn.zip")
    with zipfile.ZipFile(zipped, "w") as z:
        z.writestr("lambda_function.py", "def handler(event, context):\n    return 1\n")
    with open(zipped, "rb") as f:
        code = base64.b64encode(f.read()).decode()
    # The blob inside --code is base64 text: the program reads blobs raw by default, as the
    # AWS CLI v1 does, unless told otherwise.
    call("create-function", "--function-name", "fn1", "--runtime", "python3.12", "--role", ROLE,
         "--handler", "lambda_function.handler", "--code", json.dumps({"ZipFile": code}),
         "--tags", '{"team": "e2e"}', "--cli-binary-format", "base64",
         aws=["--function-name", "fn1", "--runtime", "python3.12", "--role", ROLE, "--handler",
              "lambda_function.handler", "--zip-file", "fileb://" + zipped,
              "--tags", '{"team": "e2e"}'])
    call("get-function", "--function-name", "fn1")
    call("get-function-configuration", "--function-name", "fn1", "--qualifier", "$LATEST")
    call("update-function-code", "--function-name", "fn1", "--zip-file", "fileb://" + zipped)
    call("publish-version", "--function-name", "fn1", "--description", "first")
    call("create-alias", "--function-name", "fn1", "--name", "live", "--function-version", "1")
    call("get-alias", "--cli-input-json", '{"FunctionName": "fn1", "Name": "live"}')
    call("list-aliases", "--function-name", "fn1")
    call("list-versions-by-function", "--function-name", "fn1")
    arn = f"arn:aws:lambda:us-west-2:{ACCOUNT}:function:fn1"
    call("tag-resource", "--resource", arn, "--tags", '{"stage": "test", "a b": "c/d"}')
    call("list-tags", "--resource", arn)
    call("put-function-concurrency", "--function-name", "fn1",
         "--reserved-concurrent-executions", "5")
    call("get-function-concurrency", "--function-name", "fn1")
    call("add-permission", "--function-name", "fn1", "--statement-id", "s1", "--action",
         "lambda:InvokeFunction", "--principal", "s3.amazonaws.com")
    call("get-policy", "--function-name", "fn1")
    call("list-functions")
    call("get-function", "--function-name", "nope")
    call("delete-alias", "--function-name", "fn1", "--name", "live")
    call("delete-function", "--function-name", "fn1")
    call("list-functions")


def apigateway_scenario(call, files):
    api = call("create-rest-api", "--name", "api1", "--description", "e2e",
               "--tags", '{"team": "e2e"}')
    api_id = api.get("id", "missing")
    call("get-rest-api", "--rest-api-id", api_id)
    call("get-rest-apis")
    resources = call("get-resources", "--rest-api-id", api_id)
    root = next((r["id"] for r in resources.get("items", []) if r.get("path") == "/"), "missing")
    res = call("create-resource", "--rest-api-id", api_id, "--parent-id", root,
               "--path-part", "pets")
    res_id = res.get("id", "missing")
    call("put-method", "--rest-api-id", api_id, "--resource-id", res_id, "--http-method", "GET",
         "--authorization-type", "NONE", "--request-parameters",
         '{"method.request.querystring.page": false}')
    call("get-method", "--cli-input-json", json.dumps(
        {"restApiId": api_id, "resourceId": res_id, "httpMethod": "GET"}))
    call("put-integration", "--rest-api-id", api_id, "--resource-id", res_id, "--http-method",
         "GET", "--type", "MOCK")
    call("create-deployment", "--rest-api-id", api_id, "--stage-name", "prod")
    call("get-stages", "--rest-api-id", api_id)
    call("get-resources", "--rest-api-id", api_id, "--embed", '["methods"]')
    call("get-export", "--rest-api-id", api_id, "--stage-name", "prod", "--export-type", "swagger",
         "--parameters", '{"extensions": "integrations"}', outfile="export.json")
    call("get-rest-api", "--rest-api-id", "nope")
    call("delete-rest-api", "--rest-api-id", api_id)
    call("get-rest-apis")


def eks_scenario(call, files):
    vpc = '{"subnetIds": ["subnet-1", "subnet-2"], "endpointPublicAccess": true}'
    call("create-cluster", "--name", "c1", "--role-arn", ROLE, "--resources-vpc-config", vpc,
         "--tags", '{"team": "e2e"}')
    call("describe-cluster", "--name", "c1")
    call("list-clusters")
    call("create-nodegroup", "--cluster-name", "c1", "--nodegroup-name", "ng1", "--node-role",
         ROLE, "--subnets", '["subnet-1"]', "--scaling-config",
         '{"minSize": 1, "maxSize": 2, "desiredSize": 1}')
    call("describe-nodegroup", "--cluster-name", "c1", "--nodegroup-name", "ng1")
    call("list-nodegroups", "--cluster-name", "c1", "--max-results", "5")
    call("describe-cluster", "--name", "nope")
    call("delete-nodegroup", "--cluster-name", "c1", "--nodegroup-name", "ng1")
    call("delete-cluster", "--name", "c1")
    call("list-clusters")


def batch_scenario(call, files):
    call("create-compute-environment", "--compute-environment-name", "ce1", "--type",
         "UNMANAGED", "--state", "ENABLED", "--service-role", ROLE)
    call("describe-compute-environments", "--compute-environments", '["ce1"]')
    call("create-job-queue", "--job-queue-name", "q1", "--priority", "1", "--state", "ENABLED",
         "--compute-environment-order", '[{"order": 1, "computeEnvironment": "ce1"}]')
    call("describe-job-queues")
    call("register-job-definition", "--job-definition-name", "jd1", "--type", "container",
         "--container-properties", '{"image": "busybox", "vcpus": 1, "memory": 128, '
         '"command": ["echo", "hi"]}')
    call("describe-job-definitions", "--job-definition-name", "jd1")
    call("update-job-queue", "--job-queue", "q1", "--priority", "5")
    call("describe-job-queues", "--job-queues", '["q1"]')
    call("list-jobs", "--job-queue", "q1")
    call("update-job-queue", "--job-queue", "nope", "--priority", "1")
    call("deregister-job-definition", "--job-definition", "jd1:1")
    call("describe-job-definitions", "--status", "INACTIVE")


def efs_scenario(call, files):
    fs = call("create-file-system", "--creation-token", "tok1", "--performance-mode",
              "generalPurpose", "--tags", '[{"Key": "Name", "Value": "e2e"}]')
    fs_id = fs.get("FileSystemId", "missing")
    call("describe-file-systems", "--file-system-id", fs_id)
    call("describe-file-systems")
    call("put-lifecycle-configuration", "--file-system-id", fs_id, "--lifecycle-policies",
         '[{"TransitionToIA": "AFTER_30_DAYS"}]')
    call("describe-lifecycle-configuration", "--file-system-id", fs_id)
    call("create-access-point", "--file-system-id", fs_id, "--root-directory", '{"Path": "/a"}')
    call("describe-access-points", "--file-system-id", fs_id)
    call("describe-file-systems", "--file-system-id", "fs-00000000")
    call("delete-file-system", "--file-system-id", fs_id)
    call("describe-file-systems")


def glacier_scenario(call, files):
    archive = os.path.join(files, "archive.bin")
    with open(archive, "wb") as f:
        f.write(bytes(range(256)) * 64 + b"\x00end")
    call("create-vault", "--account-id", "-", "--vault-name", "v1")
    call("describe-vault", "--account-id", "-", "--vault-name", "v1")
    call("list-vaults", "--account-id", "-")
    up = call("upload-archive", "--account-id", "-", "--vault-name", "v1", "--archive-description",
              "e2e", "--body", "fileb://" + archive,
              aws=["--account-id", "-", "--vault-name", "v1", "--archive-description", "e2e",
                   "--body", archive])
    job = call("initiate-job", "--account-id", "-", "--vault-name", "v1", "--job-parameters",
               json.dumps({"Type": "archive-retrieval", "ArchiveId": up.get("archiveId", "x"),
                           "Tier": "Expedited"}))
    job_id = job.get("jobId", "missing")
    time.sleep(2.5)   # moto completes an expedited job after two seconds
    call("describe-job", "--account-id", "-", "--vault-name", "v1", "--job-id", job_id)
    call("list-jobs", "--account-id", "-", "--vault-name", "v1")
    call("get-job-output", "--account-id", "-", "--vault-name", "v1", "--job-id", job_id,
         outfile="out.bin")
    call("describe-vault", "--account-id", "-", "--vault-name", "nope")
    call("delete-archive", "--account-id", "-", "--vault-name", "v1", "--archive-id",
         up.get("archiveId", "x"))
    call("delete-vault", "--account-id", "-", "--vault-name", "v1")
    call("list-vaults", "--account-id", "-")


def iot_scenario(call, files):
    call("create-thing-type", "--thing-type-name", "sensor")
    call("create-thing", "--thing-name", "t1", "--thing-type-name", "sensor",
         "--attribute-payload", '{"attributes": {"room": "1", "floor": "2"}}')
    call("describe-thing", "--thing-name", "t1")
    call("list-things", "--attribute-name", "room", "--attribute-value", "1")
    call("update-thing", "--thing-name", "t1", "--attribute-payload",
         '{"attributes": {"room": "3"}, "merge": true}')
    call("describe-thing", "--cli-input-json", '{"thingName": "t1"}')
    call("create-policy", "--policy-name", "p1", "--policy-document",
         '{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "iot:*", '
         '"Resource": "*"}]}')
    call("get-policy", "--policy-name", "p1")
    call("list-policies")
    call("create-thing-group", "--thing-group-name", "g1")
    call("add-thing-to-thing-group", "--thing-group-name", "g1", "--thing-name", "t1")
    call("list-things-in-thing-group", "--thing-group-name", "g1")
    call("describe-thing", "--thing-name", "nope")
    call("delete-thing", "--thing-name", "t1")
    call("list-things")


def appsync_scenario(call, files):
    api = call("create-graphql-api", "--name", "api1", "--authentication-type", "API_KEY",
               "--tags", '{"team": "e2e"}')
    api_id = api.get("graphqlApi", {}).get("apiId", "missing")
    call("get-graphql-api", "--api-id", api_id)
    call("list-graphql-apis")
    call("create-api-key", "--api-id", api_id, "--description", "k")
    call("list-api-keys", "--api-id", api_id)
    call("update-graphql-api", "--api-id", api_id, "--name", "api2", "--authentication-type",
         "API_KEY")
    call("get-graphql-api", "--api-id", "nope")
    call("delete-graphql-api", "--api-id", api_id)
    call("list-graphql-apis")


SCENARIOS = {"lambda": lambda_scenario, "apigateway": apigateway_scenario, "eks": eks_scenario,
             "batch": batch_scenario, "efs": efs_scenario, "glacier": glacier_scenario,
             "iot": iot_scenario, "appsync": appsync_scenario}
SERVERS = {}   # "aws", "ours": endpoint URL, while the servers run
PLAYS = {}


def program_path(svc):
    return os.path.join(WORK, "bin", svc)


def play(svc):
    if svc not in PLAYS:
        players = {}
        for who, argv0 in (("aws", ["aws", svc]), ("ours", [program_path(svc)])):
            p = Player(who, argv0, SERVERS[who], svc)
            if svc in ("lambda", "batch"):   # moto checks that the role exists
                subprocess.run(["aws", "iam", "create-role", "--role-name", "e2e",
                                "--assume-role-policy-document", "{}", "--endpoint-url",
                                SERVERS[who]], env=client_env(), capture_output=True)
            SCENARIOS[svc](p, p.files)
            for step in p.transcript:
                p.note_generated(step["output"])
            players[who] = p
        PLAYS[svc] = players
    return PLAYS[svc]["aws"], PLAYS[svc]["ours"]


def same_error(aws, ours):
    """The same error line; for a body that is not JSON (moto's "404 Not Found" pages) the
    AWS CLI shows the body as the message, the program says what it got around it."""
    m = re.match(r"(.*: )Not Found \(HTTP \d+; body not JSON: (.*)\)$", ours)
    return aws == ours or (m is not None and aws == m.group(1) + m.group(2))


def compare(svc):
    aws, ours = play(svc)
    assert len(aws.transcript) == len(ours.transcript)
    steps = 0
    for a, o in zip(aws.transcript, ours.transcript):
        where = (svc, a["op"])
        if a["rc"] == 0:
            assert o["rc"] == 0, (where, o["rc"], o["stderr"][-2000:])
        else:
            # Service errors: the AWS CLI v1 exits 255, v2 and the generated program 254.
            assert (a["rc"], o["rc"]) == (255, 254), (where, a["stderr"], o["stderr"])
        ma, ea = aws.masked(a)
        mo, eo = ours.masked(o)
        assert ma == mo, (where, ma, mo)
        assert same_error(ea, eo), (where, ea, eo)
        fa, fo = (p.mask_text(st["file"].decode("utf-8", "replace")) if "file" in st else None
                  for p, st in ((aws, a), (ours, o)))
        assert fa == fo, (where, "downloaded files differ", fa, fo)
        steps += 1
    errors = sum(1 for a in aws.transcript if a["rc"] != 0)
    assert errors >= 1 and steps - errors >= 5, (svc, steps, errors)
    print(f"  {svc}: {steps} steps agree ({errors} service errors)")


def build_programs():
    os.makedirs(os.path.join(WORK, "bin"), exist_ok=True)
    procs = []
    for svc in SERVICES:
        procs.append(subprocess.Popen(
            ["make", "--no-print-directory", "cli", f"BUILD={os.environ.get('BUILD', 'build')}",
             f"MODEL={model_file(svc)}", f"CLI={os.path.abspath(program_path(svc))}"],
            cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT))
        if len(procs) == 2:
            out = procs.pop(0)
            assert out.wait(timeout=900) == 0, out.stdout.read()[-3000:]
    for out in procs:
        assert out.wait(timeout=900) == 0, out.stdout.read()[-3000:]


@case("make cli builds the program from each installed restJson1 model (8 services)")
def _():
    build_programs()
    for svc in SERVICES:
        assert os.access(program_path(svc), os.X_OK), svc


for _svc in SERVICES:
    case(f"{_svc}: the program and the AWS CLI v1 print the same JSON and exit the same way")(
        lambda svc=_svc: compare(svc))


@case("glacier: the streamed download is the uploaded archive, written to the outfile")
def _():
    aws, ours = play("glacier")
    step = next(s for s in ours.transcript if s["op"] == "get-job-output")
    with open(os.path.join(ours.files, "archive.bin"), "rb") as f:
        assert step["file"] == f.read()
    assert "body" not in step["output"], step["output"]


if __name__ == "__main__":
    with_moto_servers(SERVERS, "tests/e2e/test_moto_restjson.py", run_cases)
