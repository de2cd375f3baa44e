"""Output, --query and pagination, byte for byte against the AWS CLI v1.

Programs built with `make cli` from the installed DynamoDB (awsJson1_0), SQS (awsJson1_0),
IAM and SNS (awsQuery), EC2 (ec2) and API Gateway (restJson1) models, and the checked-in
Personalize program, run the same command lines as `aws` against `moto_server` and the
Personalize stand-in, which hold more items than a page: every output format the AWS CLI
v1 has (json, text, table; yaml and yaml-stream are AWS CLI v2's), with and without
--query (over merged pages too), paginated and not (--no-paginate, --page-size,
--max-items, --starting-token with the NextToken either program printed), the output
format from AWS_DEFAULT_OUTPUT and the profile, cli_timestamp_format from the profile.
stdout and stderr must be the same bytes; exit statuses correspond (clidiff.py)."""
import json
import os
import subprocess
import sys
import tempfile

import boto3

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from clidiff import Differ, botocore_model, build_programs  # noqa: E402
from e2elib import (PERSONALIZE, REGION, SOLUTION, StandIn, client_env, create_args,  # noqa: E402
                    free_port, program, stop, wait_for_port)
from pyharness import case, run as run_cases  # noqa: E402

MODELS = {"dynamodb": ("dynamodb", "2012-08-10"), "sqs": ("sqs", "2012-11-05"),
          "iam": ("iam", "2010-05-08"), "sns": ("sns", "2010-03-31"),
          "ec2": ("ec2", "2016-11-15"), "apigateway": ("apigateway", "2015-07-09")}
FORMATS = ("json", "text", "table")
STATE = {}
TMP = tempfile.TemporaryDirectory(prefix="acg-output-diff-")
CONFIG = os.path.join(TMP.name, "config")
# An explicit --profile makes both programs skip the environment's keys: each profile has
# its own.
KEYS = ("aws_access_key_id = AKIDEXAMPLE\n"
        "aws_secret_access_key = wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY\n")
with open(CONFIG, "w") as f:
    for name, settings in (("default", ""), ("iso", "cli_timestamp_format = iso8601\n"),
                           ("wire", "cli_timestamp_format = wire\noutput = text\n"),
                           ("tabular", "output = table\n"),
                           ("textual", "output = text\ncli_timestamp_format = iso8601\n"),
                           ("badtime", "cli_timestamp_format = epoch\n"),
                           ("badout", "output = xml\n")):
        f.write(f"[{'profile ' if name != 'default' else ''}{name}]\n{settings}{KEYS}")
# Wide terminals must not change the table layout: neither program reads COLUMNS.
ENV = client_env({"AWS_CONFIG_FILE": CONFIG, "COLUMNS": "200"})


def differ(name):
    if "programs" not in STATE:
        STATE["programs"] = build_programs(
            {n: botocore_model(*MODELS[n]) for n in MODELS}, "out-diff")
    return Differ(name, STATE["programs"][name], ENV,
                  ["--endpoint-url", STATE["moto"], "--region", REGION])


def boto(service):
    return boto3.client(service, endpoint_url=STATE["moto"], region_name=REGION,
                        aws_access_key_id=ENV["AWS_ACCESS_KEY_ID"],
                        aws_secret_access_key=ENV["AWS_SECRET_ACCESS_KEY"])


def populate():
    """More items than a page: 7 tables, 12 items, 7 users, 6 queues, 105 topics (SNS
    pages by 100 and has no page size), 6 instances in 2 reservations, 6 REST APIs."""
    ddb = boto("dynamodb")
    for i in range(1, 8):
        ddb.create_table(TableName=f"tbl-{i:02}", BillingMode="PAY_PER_REQUEST",
                         AttributeDefinitions=[{"AttributeName": "k", "AttributeType": "S"}],
                         KeySchema=[{"AttributeName": "k", "KeyType": "HASH"}])
    for i in range(12):
        item = {"k": {"S": f"key-{i:02}"}, "n": {"N": f"{i}.5"}, "b": {"B": bytes([i, 255])},
                "l": {"L": [{"S": "x"}, {"N": "1e3"}, {"BOOL": i % 2 == 0}]},
                "m": {"M": {"nested": {"S": "é ü ✓"}, "nul": {"NULL": True}}},
                "ss": {"SS": ["b", "a"]}}
        if i % 3 == 0:
            item["extra"] = {"S": "tab\there"}
        ddb.put_item(TableName="tbl-01", Item=item)
    iam = boto("iam")
    for i in range(1, 8):
        iam.create_user(UserName=f"user-{i:02}", Path="/team-a/" if i % 2 else "/team-b/")
    sqs = boto("sqs")
    for i in range(1, 7):
        sqs.create_queue(QueueName=f"q-{i:02}")
    sns = boto("sns")
    for i in range(105):
        sns.create_topic(Name=f"topic-{i:03}")
    ec2 = boto("ec2")
    for team in ("red", "blue"):
        ec2.run_instances(ImageId="ami-12c6146b", MinCount=3, MaxCount=3, InstanceType="t2.micro",
                          TagSpecifications=[{"ResourceType": "instance",
                                              "Tags": [{"Key": "team", "Value": team}]}])
    api = boto("apigateway")
    for i in range(1, 7):
        api.create_rest_api(name=f"api-{i:02}", description=f"API number {i}")


def every_format(lines):
    """Each command line in each format."""
    out = []
    for line in lines:
        argv, *rest = line if isinstance(line, tuple) else (line,)
        for fmt in FORMATS:
            out.append((argv + ["--output", fmt], *rest))
    return out


@case("dynamodb list-tables and scan: every format, pages merged, --query, paging options")
def _():
    d = differ("dynamodb")
    d.same(every_format([
        ["list-tables"],
        ["list-tables", "--page-size", "2"],
        ["list-tables", "--max-items", "3"],
        ["list-tables", "--max-items", "3", "--page-size", "2"],
        ["list-tables", "--no-paginate", "--limit", "2"],
        ["list-tables", "--limit", "2"],
        ["list-tables", "--page-size", "2", "--query", "TableNames[-1]"],
        ["list-tables", "--page-size", "3", "--query", "length(TableNames)"],
        ["list-tables", "--page-size", "3", "--query", "TableNames[?contains(@, '5')] | [0]"],
        ["scan", "--table-name", "tbl-01", "--page-size", "5"],
        ["scan", "--table-name", "tbl-01", "--max-items", "7", "--page-size", "5"],
        ["scan", "--table-name", "tbl-01", "--page-size", "4", "--query", "Items[].k.S"],
        ["scan", "--table-name", "tbl-01", "--page-size", "4", "--query",
         "{Count: Count, Scanned: ScannedCount, First: Items[0]}"],
        ["scan", "--table-name", "tbl-01", "--page-size", "5", "--return-consumed-capacity",
         "TOTAL", "--query", "[Count, ConsumedCapacity]"],
        ["scan", "--table-name", "tbl-01", "--no-paginate", "--limit", "3"],
        ["scan", "--table-name", "tbl-01", "--page-size", "5", "--query",
         "Items[?extra].[k.S, extra.S, n.N]"],
        ["describe-table", "--table-name", "tbl-01"],
        ["describe-table", "--table-name", "tbl-01", "--query", "Table.[TableName, CreationDateTime]"],
    ]))


@case("iam list-users (awsQuery, limit key MaxItems under --page-size): every format")
def _():
    d = differ("iam")
    d.same(every_format([
        ["list-users"],
        ["list-users", "--page-size", "3"],
        ["list-users", "--max-items", "4"],
        ["list-users", "--max-items", "4", "--page-size", "3"],
        ["list-users", "--no-paginate"],
        ["list-users", "--page-size", "2", "--query", "Users[].UserName"],
        ["list-users", "--page-size", "2", "--query",
         "Users[?Path=='/team-a/'].[UserName, Path]"],
        ["list-users", "--page-size", "3", "--query", "sort_by(Users, &Path)[].{n: UserName, p: Path}"],
        ["list-users", "--path-prefix", "/team-b/", "--page-size", "2"],
        ["get-user", "--user-name", "user-03"],
    ]))


@case("sqs list-queues and sns list-topics (105 topics: two pages by default): every format")
def _():
    sqs, sns = differ("sqs"), differ("sns")
    sqs.same(every_format([
        ["list-queues"],
        ["list-queues", "--page-size", "2"],
        ["list-queues", "--max-items", "3", "--page-size", "2"],
        ["list-queues", "--page-size", "4", "--queue-name-prefix", "q-0"],
        ["list-queues", "--page-size", "2", "--query", "QueueUrls[?ends_with(@, '3')]"],
    ]))
    sns.same(every_format([
        ["list-topics"],
        ["list-topics", "--max-items", "101"],
        ["list-topics", "--max-items", "7"],
        ["list-topics", "--query", "length(Topics)"],
        ["list-topics", "--no-paginate", "--query", "length(Topics)"],
        ["list-topics", "--query", "Topics[-2:].TopicArn"],
        ["list-topics", "--max-items", "100", "--query", "[length(Topics), NextToken]"],
    ]))


@case("ec2 describe-instances and describe-regions (ec2 protocol): every format")
def _():
    d = differ("ec2")
    d.same(every_format([
        ["describe-instances"],
        ["describe-instances", "--page-size", "5"],
        ["describe-instances", "--max-items", "1", "--page-size", "5"],
        ["describe-instances", "--query",
         "Reservations[].Instances[].[InstanceId, State.Name, Tags[0].Value]"],
        ["describe-instances", "--page-size", "5", "--filters",
         '[{"Name": "tag:team", "Values": ["blue"]}]', "--query",
         "Reservations[].Instances[].{id: InstanceId, type: InstanceType, team: Tags[0].Value}"],
        ["describe-regions", "--query", "Regions[?starts_with(RegionName, 'eu-')]"],
    ]))


@case("apigateway get-rest-apis (restJson1, position/limit): every format")
def _():
    d = differ("apigateway")
    d.same(every_format([
        ["get-rest-apis"],
        ["get-rest-apis", "--page-size", "2"],
        ["get-rest-apis", "--max-items", "3", "--page-size", "2"],
        ["get-rest-apis", "--page-size", "4", "--query", "items[].[name, description]"],
        ["get-rest-apis", "--no-paginate", "--limit", "2", "--query", "items[].name"],
    ]))


def token_of(result):
    assert result.rc == 0, result
    return json.loads(result.out)["NextToken"]


@case("--starting-token: each program resumes from the NextToken the other printed")
def _():
    chains = {
        "dynamodb": [["list-tables", "--page-size", "2", "--max-items", "3"],
                     ["scan", "--table-name", "tbl-01", "--page-size", "5", "--max-items", "6"],
                     ["scan", "--table-name", "tbl-01", "--page-size", "4", "--max-items", "4"]],
        "iam": [["list-users", "--page-size", "3", "--max-items", "4"]],
        "sqs": [["list-queues", "--page-size", "4", "--max-items", "2"]],
        "sns": [["list-topics", "--max-items", "102"], ["list-topics", "--max-items", "3"]],
        "ec2": [["describe-instances", "--page-size", "5", "--max-items", "1"]],
        "apigateway": [["get-rest-apis", "--page-size", "2", "--max-items", "3"]],
    }
    for name, lines in chains.items():
        d = differ(name)
        for argv in lines:
            first = d.same([argv + ["--output", "json"]])
            aws_token, our_token = token_of(first[0][0]), token_of(first[0][1])
            assert aws_token == our_token
            rest = argv[:-2]  # the same page size, no --max-items: to the end
            lines2 = []
            for fmt in FORMATS:
                lines2 += [rest + ["--starting-token", aws_token, "--output", fmt],
                           rest + ["--starting-token", our_token, "--max-items", "2",
                                   "--output", fmt]]
            d.same(lines2)
    d = differ("dynamodb")
    d.same([["list-tables", "--starting-token", "not base64 at all"],
            ["list-tables", "--starting-token", "tbl-03"],
            ["list-tables", "--starting-token", "tbl-03___1"],
            ["list-tables", "--no-paginate", "--starting-token", "x"],
            ["list-tables", "--no-paginate", "--max-items", "2", "--page-size", "1"]])


@case("output format from --output, AWS_DEFAULT_OUTPUT and the profile; timestamps by profile")
def _():
    lines = []
    for argv in (["iam", "list-users", "--page-size", "3"],
                 ["dynamodb", "describe-table", "--table-name", "tbl-01"],
                 ["ec2", "describe-instances", "--page-size", "5", "--query",
                  "Reservations[].Instances[].[InstanceId, LaunchTime]"],
                 ["apigateway", "get-rest-apis", "--page-size", "4"]):
        for extra in ({"AWS_PROFILE": "iso"}, {"AWS_PROFILE": "wire"},
                      {"AWS_PROFILE": "textual"}, {"AWS_PROFILE": "tabular"},
                      {"AWS_PROFILE": "tabular", "AWS_DEFAULT_OUTPUT": "json"},
                      {"AWS_DEFAULT_OUTPUT": "text"}, {"AWS_DEFAULT_OUTPUT": "csv"},
                      {"AWS_PROFILE": "badout"}, {"AWS_PROFILE": "badtime"}):
            lines.append((argv[0], argv[1:], extra))
        lines.append((argv[0], argv[1:] + ["--profile", "textual", "--output", "json"], {}))
        lines.append((argv[0], argv[1:] + ["--profile", "iso", "--output", "table"],
                      {"AWS_DEFAULT_OUTPUT": "text"}))
    found = []
    for name in MODELS:
        mine = [(argv, extra) for service, argv, extra in lines if service == name]
        if mine:
            found += differ(name).compare(mine)[0]
    assert not found, "\n\n".join(found)


@case("table --color on and off, bad --query expressions and ones that fail on the response, "
      "queries the table cannot show")
def _():
    d = differ("iam")
    d.same([["list-users", "--output", "table", "--color", "on", "--page-size", "3"],
            ["list-users", "--output", "table", "--color", "off"],
            ["list-users", "--output", "text", "--color", "on"],
            ["list-users", "--query", "Users[?", "--page-size", "3"],
            ["list-users", "--query", "Users[0].UserName ~"],
            ["list-users", "--query", "Users[0]..UserName", "--output", "text"],
            ["list-users", "--query", ""],
            ["list-users", "--query", "sort_by(Users, &Tags)"],
            ["list-users", "--query", "Users[?UserName > `1`]", "--output", "table"],
            ["list-users", "--query", "length(Users, Users)"],
            ["list-users", "--query", "nope(Users)", "--output", "text"],
            ["list-users", "--query", "Users[0] | abs(@)"],
            ["list-users", "--query", "Users[].[UserName, CreateDate, Tags]", "--output", "table"],
            ["list-users", "--query", "[[`1`, `2`], [`3`]]", "--output", "table"],
            ["list-users", "--query", "`null`"],
            ["list-users", "--query", "`null`", "--output", "text"],
            ["list-users", "--query", "Users[0].UserName", "--output", "table"]])


def standin_lines():
    return every_format([
        ["list-batch-inference-jobs"],
        ["list-batch-inference-jobs", "--page-size", "3"],
        ["list-batch-inference-jobs", "--max-items", "4", "--page-size", "3"],
        ["list-batch-inference-jobs", "--max-results", "2"],
        ["list-batch-inference-jobs", "--no-paginate", "--max-results", "2"],
        ["list-batch-inference-jobs", "--page-size", "2", "--query",
         "batchInferenceJobs[?status=='ACTIVE'].jobName"],
        ["list-batch-inference-jobs", "--page-size", "2", "--query",
         "batchInferenceJobs[].[jobName, status, creationDateTime]"],
        ["list-batch-inference-jobs", "--page-size", "5", "--solution-version-arn",
         SOLUTION.replace("1a2b3c4d", "other")],
    ])


@case("personalize list-batch-inference-jobs against the stand-in: every format, pages, tokens")
def _():
    with StandIn("--clock", "1764345600.123") as s:
        d = Differ("personalize", program(PERSONALIZE), ENV,
                   ["--endpoint-url", s.endpoint, "--region", REGION])
        for i in range(7):
            solution = SOLUTION if i % 3 else SOLUTION.replace("1a2b3c4d", "other")
            r = subprocess.run([PERSONALIZE, "create-batch-inference-job",
                                *create_args(f"job-{i}", solution), "--endpoint-url", s.endpoint],
                               env=ENV, capture_output=True, text=True, timeout=60)
            assert r.returncode == 0, r.stderr
        arn = json.loads(r.stdout)["batchInferenceJobArn"]
        for _ in range(3):  # job-6 to ACTIVE
            subprocess.run([PERSONALIZE, "describe-batch-inference-job",
                            "--batch-inference-job-arn", arn, "--endpoint-url", s.endpoint],
                           env=ENV, capture_output=True, timeout=60)
        lines = standin_lines()
        for profile in ("iso", "textual", "tabular"):
            lines.append((["list-batch-inference-jobs", "--page-size", "3"],
                          {"AWS_PROFILE": profile}))
        d.same(lines)
        first = d.same([["list-batch-inference-jobs", "--page-size", "2", "--max-items", "3"]])
        token = json.loads(first[0][1].out)["NextToken"]
        d.same([["list-batch-inference-jobs", "--page-size", "2", "--starting-token", token,
                 "--output", fmt] for fmt in FORMATS] +
               [["list-batch-inference-jobs", "--starting-token", "bm9wZQ=="],
                ["list-batch-inference-jobs", "--next-token", "bm9wZQ=="]])


if __name__ == "__main__":
    port = free_port()
    log = open(os.devnull, "w")
    proc = subprocess.Popen(["moto_server", "-H", "127.0.0.1", "-p", str(port)],
                            stdin=subprocess.DEVNULL, stdout=log, stderr=log, env=client_env())
    try:
        wait_for_port(port, proc)
        STATE["moto"] = f"http://127.0.0.1:{port}"
        populate()
        run_cases("tests/e2e/test_cli_output_diff.py")
    finally:
        stop(proc)
        log.close()
        TMP.cleanup()
