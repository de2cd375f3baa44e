"""The input side of the generated programs against the AWS CLI v1, differentially: the same
command lines go through a program (`make cli` from the installed SQS, SSM, DynamoDB, EC2 and
Lambda models, and the checked-in Personalize one) and through `aws`, both pointed at a
capturing server on loopback (tests/servers/capture_server.py). They must send the same
requests (method, path, query, the protocol headers, the body as JSON or form pairs;
dates, signatures, user agents and lengths aside. Two differences are by design: the runtime
writes JSON without botocore's spaces, and writes an object's members in the model's order
where botocore keeps the order they were given in), print the same errors for bad input (the AWS CLI exits 255 where we
exit 252), and print the same --generate-cli-skeleton text.

Covered: shorthand for structures, maps, lists of structures (one word each) and their
nesting, quoting and escapes, `@=` files; lists of scalars as several words, one word or
JSON; file://, fileb://, http:// values and --cli-input-json from files; blobs raw (the AWS
CLI v1's way) in options, shorthand and --cli-input-json; the awsJson, ec2 and restJson1
serializers fed by them; the AWS CLI's error messages for bad shorthand, files and URLs.

The AWS CLI runs in-process with random.choice taking the first item, so the enum values it
picks for an input skeleton are deterministic. Where the AWS CLI v1 prints a syntax error's
location as the literal "{self._error_location()}", the location its parser computes is put
in before comparing (we print the location)."""
import json
import os
import subprocess
import sys
import tempfile
import urllib.parse
import urllib.request

import botocore.loaders
import botocore.model
from awscli import shorthand

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from e2elib import BOTOCORE_DATA, BUILD, PERSONALIZE, ROOT, program, stop  # noqa: E402
from pyharness import case, run as run_cases  # noqa: E402

MODELS = {"sqs": "2012-11-05", "ssm": "2014-11-06", "dynamodb": "2012-08-10",
          "ec2": "2016-11-15", "lambda": "2015-03-31"}
AWS = [sys.executable, "-c", "import random, sys; random.choice = lambda s: s[0]; "
       "from awscli.clidriver import main; sys.exit(main())"]
SERVER = {}
TMP = tempfile.mkdtemp(prefix="cli-input-")
SV = "arn:aws:personalize:us-west-2:123456789012:solution/movies/1a2b3c4d"
ROLE = "arn:aws:iam::123456789012:role/PersonalizeRole"
LOCATION = "{self._error_location()}"
# Headers that differ by design between the two clients, or carry no input.
SKIP_HEADERS = {"authorization", "x-amz-date", "user-agent", "content-length", "host",
                "accept-encoding", "accept", "amz-sdk-invocation-id", "amz-sdk-request",
                "x-amz-security-token", "expect", "connection", "x-amz-user-agent"}


def ours_path(name):
    return PERSONALIZE if name == "personalize" else os.path.join(BUILD, "e2e", f"{name}-input")


def env(config=None):
    e = dict(os.environ)
    for k in list(e):
        if k.startswith("AWS_"):
            del e[k]
    path = os.path.join(TMP, "config")
    with open(path, "w") as f:
        f.write(config or "[default]\n")
    e.update({"AWS_ACCESS_KEY_ID": "AKIDEXAMPLE", "AWS_SECRET_ACCESS_KEY": "secret",
              "AWS_DEFAULT_REGION": "us-east-1", "AWS_CONFIG_FILE": path,
              "AWS_SHARED_CREDENTIALS_FILE": os.path.join(TMP, "none"), "HOME": TMP,
              "NO_PROXY": "127.0.0.1", "no_proxy": "127.0.0.1", "AWS_MAX_ATTEMPTS": "1"})
    return e


def run(argv, config=None):
    return subprocess.run(argv, env=env(config), cwd=TMP, stdin=subprocess.DEVNULL,
                          capture_output=True, timeout=120)


def requests_seen():
    with urllib.request.urlopen(SERVER["url"] + "/_log", timeout=30) as r:
        return json.loads(r.read())


def unordered(pairs):
    """A JSON object as a dict: the runtime writes members in the model's order, botocore in
    the order they were given (a Python dict's), so only lists keep their order here."""
    return dict(pairs)


def normal(req):
    """What a request says about its input, in a form both clients must agree on."""
    path, _, query = req["path"].partition("?")
    headers = sorted((k.lower(), v) for k, v in req["headers"]
                     if k.lower() not in SKIP_HEADERS)
    ctype = dict(headers).get("content-type", "")
    body = req["body"]
    if "json" in ctype and body:
        body = json.loads(body.encode("latin-1"), object_pairs_hook=unordered)
    elif "x-www-form-urlencoded" in ctype:
        body = sorted(urllib.parse.parse_qsl(body, keep_blank_values=True))
    return {"method": req["method"], "path": urllib.parse.unquote(path),
            "query": urllib.parse.parse_qsl(query, keep_blank_values=True),
            "headers": headers, "body": body}


def both(service, args, config=None, ours_extra=(), aws_args=None):
    """Runs args through our program and the AWS CLI; returns both results and requests."""
    common = ["--endpoint-url", SERVER["url"], "--output", "json"]
    mine = run([program(ours_path(service)), *args, *ours_extra, *common], config)
    mine_reqs = requests_seen()
    theirs = run([*AWS, service, *(aws_args if aws_args is not None else args), *common], config)
    their_reqs = requests_seen()
    return mine, mine_reqs, theirs, their_reqs


def same_request(service, *args, config=None, ours_extra=(), aws_args=None):
    mine, mreq, theirs, treq = both(service, args, config, ours_extra, aws_args)
    assert theirs.returncode == 0 and len(treq) == 1, (theirs.returncode, theirs.stderr[-1500:])
    assert mine.returncode == 0, (mine.returncode, mine.stderr[-1500:])
    assert [normal(r) for r in mreq] == [normal(r) for r in treq], \
        (json.dumps([normal(r) for r in mreq])[:3000], json.dumps([normal(r) for r in treq])[:3000])


def located(stderr, value):
    """aws's stderr with the location its parser computes for value put in."""
    if LOCATION not in stderr:
        return stderr
    try:
        shorthand.ShorthandParser().parse(value)
    except shorthand.ShorthandParseSyntaxError as e:
        return stderr.replace(LOCATION, e._error_location())
    raise AssertionError(f"{value!r} parses in the AWS CLI")


def same_error(service, *args, value=None, last_line=False):
    """Both refuse the command before sending, with the same message."""
    mine, mreq, theirs, treq = both(service, args)
    assert mreq == [] and treq == [], (mreq, treq)
    assert mine.returncode == 252, (mine.returncode, mine.stderr)
    assert theirs.returncode not in (0, 252), (theirs.returncode, theirs.stderr)
    ours_text = mine.stderr.decode()
    aws_text = theirs.stderr.decode()
    if value is not None:
        aws_text = located(aws_text, value)
    if last_line:
        ours_text, aws_text = ours_text.splitlines()[-1], aws_text.splitlines()[-1]
        ours_text = ours_text.split(": error: ", 1)[-1]
        aws_text = aws_text.split(": error: ", 1)[-1]
    assert ours_text == aws_text, (ours_text, aws_text)


def same_stdout(service, *args):
    mine, _, theirs, _ = both(service, args)
    assert theirs.returncode == 0, theirs.stderr[-1500:]
    assert mine.returncode == 0, mine.stderr[-1500:]
    assert mine.stdout == theirs.stdout, (mine.stdout.decode()[:3000], theirs.stdout.decode()[:3000])


def write(name, data):
    path = os.path.join(TMP, name)
    with open(path, "wb") as f:
        f.write(data if isinstance(data, bytes) else data.encode())
    return path


def queue():
    return SERVER["url"] + "/123456789012/q"


def create_job(*extra):
    return ["create-batch-inference-job", "--job-name", "j", "--solution-version-arn", SV,
            "--role-arn", ROLE, *extra]


@case("make cli builds the SQS, SSM, DynamoDB, EC2 and Lambda programs; the server starts")
def _():
    for name, version in MODELS.items():
        model = os.path.join(BOTOCORE_DATA, name, version, "service-2.json.gz")
        result = subprocess.run(["make", "--no-print-directory", "cli",
                                 f"BUILD={os.environ.get('BUILD', 'build')}", f"MODEL={model}",
                                 f"CLI={ours_path(name)}"], cwd=ROOT, capture_output=True,
                                text=True, timeout=900)
        assert result.returncode == 0, (result.stdout[-2000:], result.stderr[-2000:])
        program(ours_path(name))
    proc = subprocess.Popen([sys.executable, os.path.join(ROOT, "tests", "servers",
                                                          "capture_server.py")],
                            stdout=subprocess.PIPE, text=True)
    SERVER["proc"] = proc
    SERVER["url"] = f"http://127.0.0.1:{proc.stdout.readline().strip()}"


# ---- shorthand ----

@case("personalize: shorthand structures, a map of strings, a map of doubles, list of structures")
def _():
    same_request("personalize", *create_job(
        "--job-input", "s3DataSource={path=s3://b/in.json,kmsKeyArn=arn:aws:kms:us-west-2:"
        "123456789012:key/k}", "--job-output", "s3DataDestination={path=s3://b/out/}",
        "--num-results", "25", "--tags", "tagKey=a,tagValue=b", "tagKey=c,tagValue=d",
        "--batch-inference-job-config",
        "itemExplorationConfig={explorationWeight=0.3,x=y},rankingInfluence={POPULARITY=0.25,"
        "FRESHNESS=1}"))


@case("personalize: quoting, escapes and spaces in shorthand; JSON beside shorthand")
def _():
    same_request("personalize", *create_job(
        "--job-input", ' {"s3DataSource": {"path": "s3://b/in.json"}}',
        "--job-output", "s3DataDestination = { path = 's3://b/o,ut/' }",
        "--tags", "tagKey='a=b',tagValue=\"c d\"", "tagKey=e f ,tagValue=g",
        "--batch-inference-job-config", "itemExplorationConfig={k='it\\'s',l=\"say \\\"hi\\\"\","
        "m=a\\,b,n='x,y'}"))


@case("personalize: tags as JSON, as one word of JSON and as JSON objects word by word")
def _():
    same_request("personalize", *create_job(
        "--job-input", "s3DataSource={path=s3://b/in.json}",
        "--job-output", "s3DataDestination={path=s3://b/out/}",
        "--tags", '[{"tagKey": "a", "tagValue": "b"}]'))
    same_request("personalize", *create_job(
        "--job-input", "s3DataSource={path=s3://b/in.json}",
        "--job-output", "s3DataDestination={path=s3://b/out/}",
        "--tags", '{"tagKey": "a", "tagValue": "b"}', '{"tagKey": "c", "tagValue": "d"}'))


@case("personalize: file:// for an option, @= inside shorthand, --cli-input-json from a file")
def _():
    path = write("path.txt", "s3://b/from-file.json")
    job_input = write("input.json", '{"s3DataSource": {"path": "s3://b/in.json"}}\r\n')
    same_request("personalize", *create_job(
        "--job-input", f"file://{job_input}",
        "--job-output", f"s3DataDestination={{path@=file://{path}}}"))
    num = write("num.txt", "12\n")
    same_request("personalize", *create_job(
        "--job-input", f"s3DataSource={{path=s3://b/x}}", "--num-results", f"file://{num}",
        "--job-output", f"s3DataDestination={{path@=file://{path}}}"))
    whole = write("whole.json", json.dumps({
        "jobName": "from-file", "solutionVersionArn": SV, "roleArn": ROLE,
        "jobInput": {"s3DataSource": {"path": "s3://b/in.json"}},
        "jobOutput": {"s3DataDestination": {"path": "s3://b/out/"}}, "numResults": 3}))
    same_request("personalize", "create-batch-inference-job", "--cli-input-json",
                 f"file://{whole}", "--num-results", "7", "--job-name", "override")
    same_request("personalize", "create-batch-inference-job", "--cli-input-json",
                 f"fileb://{whole}")


@case("sqs: --attribute-names All, several names, a JSON list; the queue URL is not fetched")
def _():
    same_request("sqs", "get-queue-attributes", "--queue-url", queue(), "--attribute-names", "All")
    same_request("sqs", "get-queue-attributes", "--queue-url", queue(), "--attribute-names",
                 "Policy", "VisibilityTimeout")
    same_request("sqs", "get-queue-attributes", "--queue-url", queue(), "--attribute-names",
                 '["Policy", "All"]')
    same_request("sqs", "get-queue-attributes", "--queue-url", queue())


@case("sqs: a map of structures in shorthand with a raw blob; a body from a file; tags")
def _():
    body = write("body.txt", "line one\r\nline two\rend\n")
    same_request("sqs", "send-message", "--queue-url", queue(), "--message-body",
                 f"file://{body}", "--message-attributes",
                 "a={DataType=String,StringValue=x},b={DataType=Binary,BinaryValue=hello}",
                 "--delay-seconds", "5")
    same_request("sqs", "tag-queue", "--queue-url", queue(), "--tags", "team=a,cost=42")
    same_request("sqs", "send-message-batch", "--queue-url", queue(), "--entries",
                 "Id=1,MessageBody=a", "Id=2,MessageBody=b,DelaySeconds=3")


@case("ssm: --names as several words and as one; list of tag structures; a URL value fetched")
def _():
    same_request("ssm", "get-parameters", "--names", "/p/a", "/p/b", "--with-decryption")
    same_request("ssm", "get-parameters", "--names", "/p/a")
    same_request("ssm", "put-parameter", "--name", "/p/a", "--value", "v", "--type", "String",
                 "--tags", "Key=a,Value=b", "Key=c,Value=")
    url = SERVER["url"] + "/_text/fetched%20text"
    same_request("ssm", "put-parameter", "--name", "/p/url", "--value", url, "--type", "String")
    # cli_follow_urlparam = false: the URL is the value.
    same_request("ssm", "put-parameter", "--name", "/p/url", "--value", url, "--type", "String",
                 config="[default]\ncli_follow_urlparam = false\n")


@case("dynamodb: maps of attribute-value unions in shorthand, nested lists and maps, blobs")
def _():
    same_request("dynamodb", "put-item", "--table-name", "t1", "--item",
                 "id={S=1},n={N=5},b={B=hello},ok={BOOL=true},z={NULL=false},"
                 "l={L=[{S=a},{N=1}]},m={M={x={S=y}}},ss={SS=[a,b]},one={SS=a},bs={BS=[x,y]}")
    same_request("dynamodb", "query", "--table-name", "t1", "--key-condition-expression",
                 "id = :v", "--expression-attribute-values", ":v={S=1}", "--limit", "10")
    same_request("dynamodb", "put-item", "--table-name", "t1", "--item",
                 '{"id": {"S": "1"}, "b": {"B": "hello"}, "bs": {"BS": ["x"]}}')
    same_request("dynamodb", "put-item", "--cli-input-json",
                 '{"TableName": "t1", "Item": {"b": {"B": "hello"}}}')
    items = write("items.json", json.dumps({"t1": [{"PutRequest": {"Item": {"b": {"B": "zz"}}}}]}))
    same_request("dynamodb", "batch-write-item", "--request-items", f"file://{items}")


@case("dynamodb: a blob read with fileb:// inside shorthand (@=) is sent as its bytes")
def _():
    raw = write("raw.bin", bytes(range(256)))
    same_request("dynamodb", "put-item", "--table-name", "t1", "--item", f"b={{B@=fileb://{raw}}}")


@case("--cli-binary-format base64 (and the profile's setting) takes blobs as base64 text")
def _():
    same_request("dynamodb", "put-item", "--table-name", "t1", "--item", "b={B=aGVsbG8=}",
                 ours_extra=["--cli-binary-format", "base64"],
                 aws_args=["put-item", "--table-name", "t1", "--item", "b={B=hello}"])
    same_request("dynamodb", "put-item", "--table-name", "t1", "--item", "b={B=aGVsbG8=}",
                 config="[default]\ncli_binary_format = base64\n",
                 aws_args=["put-item", "--table-name", "t1", "--item", "b={B=hello}"])
    same_request("dynamodb", "put-item", "--table-name", "t1", "--item", "b={B=hello}",
                 config="[default]\ncli_binary_format = raw-in-base64-out\n")


@case("ec2: filters as structures word by word, list options, booleans in shorthand")
def _():
    same_request("ec2", "describe-instances", "--filters",
                 "Name=instance-state-name,Values=running,stopped", "Name=tag:Team,Values=a",
                 "--instance-ids", "i-1", "i-2", "--max-results", "5")
    same_request("ec2", "create-tags", "--resources", "i-1", "i-2", "--tags", "Key=a,Value=b",
                 "Key=c,Value=")
    same_request("ec2", "modify-instance-attribute", "--instance-id", "i-1",
                 "--source-dest-check", "Value=false", "--disable-api-termination", "Value=true")
    same_request("ec2", "describe-instances", "--filters",
                 '[{"Name": "a", "Values": ["b"]}]', "--dry-run")


@case("lambda (restJson1): maps in shorthand, nested maps, lists inside structures")
def _():
    same_request("lambda", "tag-resource", "--resource",
                 "arn:aws:lambda:us-east-1:123456789012:function:f", "--tags", "a=b,c=d")
    same_request("lambda", "update-function-configuration", "--function-name", "f",
                 "--environment", "Variables={AB=1,BC=x y}", "--timeout", "10",
                 "--layers", "arn:aws:lambda:us-east-1:123456789012:layer:l:1")
    same_request("lambda", "create-function", "--function-name", "f", "--runtime",
                 "python3.12", "--role", "arn:aws:iam::123456789012:role/r", "--handler", "h",
                 "--code", "S3Bucket=bucket,S3Key=k", "--tags", "a=b", "--vpc-config",
                 "SubnetIds=s-1,s-2,SecurityGroupIds=[g-1]")


# ---- errors ----

@case("bad shorthand: the AWS CLI's syntax and duplicate-key messages")
def _():
    bad = "s3DataSource={path=s3://b/x"
    same_error("personalize", *create_job("--job-input", bad, "--job-output", "a=b"), value=bad)
    dup = "tagKey=a,tagKey=b"
    same_error("personalize", *create_job("--job-input", "s3DataSource={path=s3://b/x}",
                                          "--job-output", "s3DataDestination={path=s3://b/o/}",
                                          "--tags", dup), value=dup)
    bad = "a={N=1"
    same_error("dynamodb", "put-item", "--table-name", "t1", "--item", bad, value=bad)
    bad = "Name=a,Values=[x"
    same_error("ec2", "describe-instances", "--filters", bad, value=bad)
    bad = "a=b,\nc==d"
    same_error("sqs", "tag-queue", "--queue-url", queue(), "--tags", bad, value=bad)


@case("bad values inside shorthand: Python's conversion messages")
def _():
    same_error("personalize", *create_job("--job-input", "s3DataSource={path=s3://b/x}",
                                          "--job-output", "s3DataDestination={path=s3://b/o/}",
                                          "--batch-inference-job-config",
                                          "rankingInfluence={POPULARITY=abc}"))
    same_error("sqs", "send-message-batch", "--queue-url", queue(), "--entries",
               "Id=1,MessageBody=a,DelaySeconds=soon")


@case("files and URLs that cannot be read: the AWS CLI's messages")
def _():
    same_error("personalize", *create_job("--job-input", "file:///nonexistent/in.json",
                                          "--job-output", "a=b"))
    binary = write("binary.bin", b"\xff\xfe\x00bad")
    same_error("personalize", *create_job("--job-input", f"file://{binary}",
                                          "--job-output", "a=b"))
    same_error("ssm", "put-parameter", "--name", "/p", "--type", "String", "--value",
               SERVER["url"] + "/_status/404")
    same_error("personalize", "create-batch-inference-job", "--cli-input-json",
               "file:///nonexistent/whole.json")


@case("bad JSON: Python's json messages, as the AWS CLI prints them")
def _():
    same_error("personalize", *create_job("--job-input", '{"s3DataSource": 5',
                                          "--job-output", "a=b"))
    same_error("personalize", *create_job("--job-input", '{"s3DataSource": {"path": "x"}}',
                                          "--job-output", "{'a': 1}"))
    same_error("personalize", "create-batch-inference-job", "--cli-input-json",
               '{"jobName": "j",\n "roleArn" 1}')
    same_error("sqs", "get-queue-attributes", "--queue-url", queue(), "--attribute-names",
               '["All", ]')
    same_error("dynamodb", "put-item", "--table-name", "t1", "--item", '{"a": {"S": "\\q"}}')


@case("--generate-cli-skeleton with a value it does not know")
def _():
    same_error("personalize", "list-batch-inference-jobs", "--generate-cli-skeleton", "inputs",
               last_line=True)


# ---- skeletons ----

@case("--generate-cli-skeleton [input]: the AWS CLI's input skeletons")
def _():
    same_stdout("personalize", "create-batch-inference-job", "--generate-cli-skeleton")
    same_stdout("personalize", "list-batch-inference-jobs", "--generate-cli-skeleton", "input")
    same_stdout("dynamodb", "put-item", "--generate-cli-skeleton")
    same_stdout("ec2", "describe-instances", "--generate-cli-skeleton")
    same_stdout("lambda", "create-function", "--generate-cli-skeleton", "input")
    same_stdout("sqs", "list-queues", "--generate-cli-skeleton")


@case("--generate-cli-skeleton output: the AWS CLI's output skeletons, input checked first")
def _():
    same_stdout("personalize", "describe-batch-inference-job", "--batch-inference-job-arn",
                "arn:aws:personalize:us-west-2:123456789012:batch-inference-job/j",
                "--generate-cli-skeleton", "output")
    same_stdout("dynamodb", "list-tables", "--generate-cli-skeleton", "output")
    same_stdout("ec2", "describe-regions", "--generate-cli-skeleton", "output")
    same_stdout("sqs", "get-queue-attributes", "--queue-url", queue(),
                "--generate-cli-skeleton", "output")
    mine = run([program(PERSONALIZE), "describe-batch-inference-job",
                "--generate-cli-skeleton", "output"])
    assert mine.returncode == 252 and b"--batch-inference-job-arn" in mine.stderr, mine


# ---- help ----

def our_examples(service, command):
    """{option: shorthand example with whitespace removed} from `PROG COMMAND help`."""
    result = run([program(ours_path(service)), command, "help"])
    if result.returncode != 0:
        return None  # not in the checked-in subset of the model
    text = result.stdout.decode()
    examples, option, block = {}, None, None
    for line in text.splitlines():
        if line.startswith("    --"):
            option, block = line.split()[0][2:], None
        elif line.strip() == "Shorthand Syntax:":
            block = examples.setdefault(option, [])
        elif line.startswith("        ") and not line.startswith("         ") and \
                line.strip().endswith(":") and block is not None:
            block = None
        elif block is not None and line.startswith("            "):
            block.append(line)
        elif block is not None and line.strip() and not line.startswith("            "):
            block = None
    long = [line for v in examples.values() for line in v
            if len(line) > 80 and "," in line.rstrip(",")]
    assert not long, ("example lines over 80 columns", long)
    return {k: "".join("".join(v).split()) for k, v in examples.items()}


MODEL_CACHE = {}


def service_model(service):
    if service not in MODEL_CACHE:
        data = botocore.loaders.Loader().load_service_model(service, "service-2")
        MODEL_CACHE[service] = botocore.model.ServiceModel(data, service)
    return MODEL_CACHE[service]


def aws_examples(service, operation):
    from awscli.argprocess import ParamShorthandDocGen
    from botocore import xform_name
    docgen = ParamShorthandDocGen()
    model = service_model(service)
    shape = model.operation_model(operation).input_shape
    found = {}
    for name, member in (shape.members.items() if shape is not None else []):
        if not docgen.supports_shorthand(member):
            continue
        arg = type("Arg", (), {"argument_model": member, "name": xform_name(name, "-"),
                               "cli_name": "--" + xform_name(name, "-")})()
        example = docgen.generate_shorthand_example(arg, service, xform_name(operation, "-"))
        if example:
            found[xform_name(name, "-")] = "".join(example.split())
    return found


@case("help: the AWS CLI's Shorthand Syntax example for every option of every command")
def _():
    from botocore import xform_name
    compared = 0
    for service in ["personalize", *MODELS]:
        model = service_model(service)
        names = model.operation_names if service != "ec2" else model.operation_names[::3]
        for operation in names:
            command = xform_name(operation, "-")
            theirs = aws_examples(service, operation)
            mine = our_examples(service, command)
            if mine is None:
                continue
            for global_name in ("output", "region", "profile", "query", "debug"):
                theirs.pop(global_name, None)
            assert mine == theirs, (service, command, mine, theirs)
            compared += len(theirs)
    assert compared > 300, compared
    print(f"  help: {compared} shorthand examples compared")


@case("the server stops")
def _():
    stop(SERVER["proc"])


if __name__ == "__main__":
    run_cases("test_cli_input_diff")
