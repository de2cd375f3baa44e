"""Against a server the project did not write: moto's (`moto_server`) Personalize schema
operations, driven by the program `make cli` builds from the REAL installed Personalize
model (botocore's service-2.json.gz, every operation), and checked with boto3 against what
moto stored.
"""
import datetime
import json
import os
import subprocess
import sys

import boto3
import botocore.config

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from e2elib import (ACCESS_KEY, BUILD, REAL_MODEL, REGION, ROOT, SECRET_KEY,  # noqa: E402
                    client_env, error_line, free_port, instants, program, run, service_model,
                    stop, wait_for_port)
from pyharness import case, run as run_cases  # noqa: E402

MODEL = service_model()
CLI = os.path.join(BUILD, "e2e", "personalize-full")
SCHEMA = json.dumps({
    "type": "record", "name": "Interactions", "namespace": "com.amazonaws.personalize.schema",
    "fields": [{"name": "USER_ID", "type": "string"}, {"name": "ITEM_ID", "type": "string"},
               {"name": "TIMESTAMP", "type": "long"}], "version": "1.0"})
MOTO = {}  # "endpoint", "boto3": set while the server runs


def cli(*args):
    return run([program(CLI), *args, "--endpoint-url", MOTO["endpoint"], "--region", REGION])


def ok_json(result):
    assert result.returncode == 0, (result.returncode, result.stdout, result.stderr)
    return json.loads(result.stdout) if result.stdout.strip() else {}


def as_instants(operation, value):
    """Output with timestamps as epoch seconds (boto3's datetimes included)."""
    def plain(v):
        if isinstance(v, datetime.datetime):
            return v.timestamp()
        if isinstance(v, dict):
            return {k: plain(x) for k, x in v.items() if k != "ResponseMetadata"}
        if isinstance(v, list):
            return [plain(x) for x in v]
        return v
    return instants(MODEL.operation_model(operation).output_shape, plain(value))


def same_within_a_millisecond(ours, stored, path="$"):
    """Equal, except timestamps (now floats) may differ below 1 ms: moto keeps microseconds,
    the generated program keeps milliseconds exact."""
    if isinstance(stored, float) and isinstance(ours, (int, float)):
        assert abs(ours - stored) < 0.001, (path, ours, stored)
    elif isinstance(stored, dict):
        assert isinstance(ours, dict) and set(ours) == set(stored), (path, ours, stored)
        for k in stored:
            same_within_a_millisecond(ours[k], stored[k], f"{path}.{k}")
    elif isinstance(stored, list):
        assert isinstance(ours, list) and len(ours) == len(stored), (path, ours, stored)
        for i, (a, b) in enumerate(zip(ours, stored)):
            same_within_a_millisecond(a, b, f"{path}[{i}]")
    else:
        assert ours == stored, (path, ours, stored)


@case("make cli builds the program from the real installed Personalize model")
def _():
    assert os.path.isfile(REAL_MODEL), REAL_MODEL
    if os.path.exists(CLI):
        os.remove(CLI)  # prove this run built it
    result = run(["make", "--no-print-directory", "cli", f"BUILD={os.environ.get('BUILD', 'build')}",
                  f"MODEL={REAL_MODEL}", f"CLI={CLI}"], cwd=ROOT, env=dict(os.environ),
                 timeout=900)
    assert result.returncode == 0, (result.stdout[-3000:], result.stderr[-3000:])
    program(CLI)


@case("create-schema, describe-schema, list-schemas, delete-schema against moto")
def _():
    moto = MOTO["boto3"]
    created = ok_json(cli("create-schema", "--name", "e2e-schema", "--schema", SCHEMA))
    arn = created["schemaArn"]
    assert arn == f"arn:aws:personalize:{REGION}:123456789012:schema/e2e-schema", created
    stored = moto.describe_schema(schemaArn=arn)["schema"]
    assert stored["name"] == "e2e-schema" and stored["schema"] == SCHEMA, stored

    described = ok_json(cli("describe-schema", "--schema-arn", arn))
    same_within_a_millisecond(as_instants("DescribeSchema", described),
                              as_instants("DescribeSchema", moto.describe_schema(schemaArn=arn)))
    assert isinstance(described["schema"]["creationDateTime"], float), described

    listed = ok_json(cli("list-schemas"))
    same_within_a_millisecond(as_instants("ListSchemas", listed),
                              as_instants("ListSchemas", moto.list_schemas()))
    assert [x["name"] for x in listed["schemas"]] == ["e2e-schema"], listed

    deleted = ok_json(cli("delete-schema", "--schema-arn", arn))
    assert deleted == {}, deleted  # DeleteSchema has no output
    assert moto.list_schemas()["schemas"] == []

    gone = cli("describe-schema", "--schema-arn", arn)
    assert gone.returncode == 254, (gone.returncode, gone.stderr)
    assert error_line(gone.stderr, "ResourceNotFoundException", "DescribeSchema"), gone.stderr


@case("a schema created with boto3 reads back the same through the program")
def _():
    moto = MOTO["boto3"]
    arn = moto.create_schema(name="boto3-schema", schema=SCHEMA, domain="ECOMMERCE")["schemaArn"]
    try:
        described = ok_json(cli("describe-schema", "--schema-arn", arn))
        assert described["schema"]["domain"] == "ECOMMERCE", described
        same_within_a_millisecond(as_instants("DescribeSchema", described),
                                  as_instants("DescribeSchema", moto.describe_schema(schemaArn=arn)))
    finally:
        moto.delete_schema(schemaArn=arn)


@case("bad input stops before sending (exit 252), with the full model too")
def _():
    result = cli("describe-schema", "--schema-arn", "nope")
    assert result.returncode == 252, (result.returncode, result.stderr)
    assert "schemaArn" in result.stderr or "schema-arn" in result.stderr, result.stderr


if __name__ == "__main__":
    port = free_port()
    log = open(os.devnull, "w")
    proc = subprocess.Popen(["moto_server", "-H", "127.0.0.1", "-p", str(port)],
                            stdin=subprocess.DEVNULL, stdout=log, stderr=log,
                            env=client_env())
    try:
        wait_for_port(port, proc)
        MOTO["endpoint"] = f"http://127.0.0.1:{port}"
        MOTO["boto3"] = boto3.client(
            "personalize", region_name=REGION, endpoint_url=MOTO["endpoint"],
            aws_access_key_id=ACCESS_KEY, aws_secret_access_key=SECRET_KEY,
            config=botocore.config.Config(retries={"total_max_attempts": 1}))
        run_cases("tests/e2e/test_moto.py")
    finally:
        stop(proc)
        log.close()
