"""awsQueryCompatible services (issue 10, item 10): SQS, on awsJson 1.0 since 2023, keeps its
old awsQuery error codes in an x-amzn-query-error header, and botocore asks for it with a
signed x-amzn-query-mode: true on every request. The program `make cli` builds from
botocore's installed SQS model must send that header and print the code the AWS CLI prints:
`sqs get-queue-url --queue-name nope` against moto_server ends in
AWS.SimpleQueueService.NonExistentQueue, not QueueDoesNotExist.
"""
import os
import subprocess
import sys

import botocore

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))),
                                "servers"))
from e2elib import BUILD, ROOT, client_env, free_port, program, run, stop, wait_for_port  # noqa: E402
from pyharness import case, run as run_cases  # noqa: E402
from recorder import Recorder  # noqa: E402

SQS_MODEL = os.path.join(os.path.dirname(botocore.__file__), "data", "sqs", "2012-11-05",
                         "service-2.json.gz")
CLI = os.path.join(BUILD, "e2e", "sqs")
MOTO = {}


def sqs(*args, endpoint=None, argv0=None):
    argv = argv0 or [program(CLI)]
    return run([*argv, *args, "--endpoint-url", endpoint or MOTO["endpoint"],
                "--region", "us-east-1"], env=client_env())


@case("make cli builds SQS from botocore's model; its descriptor says awsQueryCompatible")
def _():
    if os.path.exists(CLI):
        os.remove(CLI)
    result = run(["make", "--no-print-directory", "cli", f"BUILD={os.environ.get('BUILD', 'build')}",
                  f"MODEL={SQS_MODEL}", f"CLI={CLI}"], cwd=ROOT, env=dict(os.environ), timeout=900)
    assert result.returncode == 0, (result.stdout[-3000:], result.stderr[-3000:])
    with open(os.path.join(BUILD, "cli", "sqs", "sqs_tables.c")) as f:
        assert ".flags = ACG_SERVICE_QUERY_COMPATIBLE," in f.read()


@case("every request carries x-amzn-query-mode: true, signed, as botocore sends it")
def _():
    with Recorder(body=b'{"QueueUrl": "http://q/1"}') as r:
        result = sqs("get-queue-url", "--queue-name", "q1", endpoint=r.endpoint)
        requests = list(r.requests)
    assert result.returncode == 0, result.stderr
    assert len(requests) == 1, requests
    _, headers, _ = requests[0]
    assert headers.get("x-amzn-query-mode") == "true", headers
    signed = headers["authorization"].split("SignedHeaders=")[1].split(",")[0].split(";")
    assert "x-amzn-query-mode" in signed, signed


@case("sqs get-queue-url --queue-name nope: the AWS CLI's line, AWS.SimpleQueueService.NonExistentQueue")
def _():
    ours = sqs("get-queue-url", "--queue-name", "nope")
    theirs = sqs("sqs", "get-queue-url", "--queue-name", "nope", argv0=["aws"])
    line = ("An error occurred (AWS.SimpleQueueService.NonExistentQueue) when calling the "
            "GetQueueUrl operation: The specified queue does not exist.")
    assert line in theirs.stderr, theirs.stderr
    assert ours.returncode == 254, (ours.returncode, ours.stderr)
    assert ours.stderr.strip() == theirs.stderr.strip(), (ours.stderr, theirs.stderr)


@case("a queue created through the program is found by its URL")
def _():
    created = sqs("create-queue", "--queue-name", "acg-e2e")
    assert created.returncode == 0, created.stderr
    found = sqs("get-queue-url", "--queue-name", "acg-e2e")
    assert found.returncode == 0 and "acg-e2e" in found.stdout, (found.stdout, found.stderr)


if __name__ == "__main__":
    port = free_port()
    log = open(os.devnull, "w")
    proc = subprocess.Popen(["moto_server", "-H", "127.0.0.1", "-p", str(port)],
                            stdin=subprocess.DEVNULL, stdout=log, stderr=log, env=client_env())
    try:
        wait_for_port(port, proc)
        MOTO["endpoint"] = f"http://127.0.0.1:{port}"
        run_cases("tests/e2e/test_moto_sqs.py")
    finally:
        stop(proc)
        log.close()
