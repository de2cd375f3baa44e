"""Service errors and endpoint paths, build/bin/personalize next to the AWS CLI v1 (`aws`):
both programs get the same canned answer from tests/servers/recorder.py and must print the
same error line, byte for byte, and send the request to the same path (issue 10, item 10).

Errors: the code by every way it can arrive (X-Amzn-ErrorType with a URI or a namespace,
__type with either, a body "code", nothing at all), no message (the AWS CLI prints nothing
after the colon, not "Unknown"), empty and HTML bodies on 4xx and 5xx, a text body, and an
x-amzn-query-error header. Paths: --endpoint-url with a path, with dot segments, with an
escape, with a query.
"""
import json
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))),
                                "servers"))
from e2elib import REGION, client_env, program, run  # noqa: E402
from pyharness import case, run as run_cases  # noqa: E402
from recorder import Recorder  # noqa: E402

ARN = f"arn:aws:personalize:{REGION}:123456789012:batch-inference-job/x"
ARGS = ["personalize", "describe-batch-inference-job", "--batch-inference-job-arn", ARN]
ENV = client_env({"AWS_MAX_ATTEMPTS": "1"})

ANSWERS = [
    ("X-Amzn-ErrorType with a URI, body {}", 400,
     {"X-Amzn-ErrorType": "ResourceNotFoundException:http://internal.amazon.com/coral/x/"}, b"{}"),
    ("X-Amzn-ErrorType with a namespace, body {}", 400,
     {"X-Amzn-ErrorType": "aws.personalize#ResourceNotFoundException"}, b"{}"),
    ("__type with a namespace, no message", 400, {},
     b'{"__type": "com.amazonaws.personalize#ResourceNotFoundException"}'),
    ("__type with a URI, no message", 400, {},
     b'{"__type": "ResourceNotFoundException:http://internal.amazon.com/"}'),
    ("header and __type, no message", 400,
     {"X-Amzn-ErrorType": "ResourceNotFoundException:http://x/"},
     b'{"__type": "ResourceNotFoundException"}'),
    ("body code only", 400, {}, b'{"code": "ResourceNotFoundException"}'),
    ("Message with a capital M", 400, {}, b'{"__type": "InvalidInputException", "Message": "M"}'),
    ("errorMessage is not a message", 400, {}, b'{"__type": "InvalidInputException", '
                                               b'"errorMessage": "e"}'),
    ("empty body, 400", 400, {}, b""),
    ("empty body, 404", 404, {}, b""),
    ("empty body, 500", 500, {}, b""),
    ("empty body, 503", 503, {}, b""),
    ("{} on a 500", 500, {}, b"{}"),
    ("HTML on a 502", 502, {"Content-Type": "text/html"}, b"<html><body>bad gateway</body></html>"),
    ("HTML on a 403", 403, {"Content-Type": "text/html"}, b"<html><body>denied</body></html>"),
    ("text on a 400", 400, {}, b"plain words"),
    ("x-amzn-query-error", 400, {"x-amzn-query-error": "AWS.Personalize.NoSuchJob;Sender"},
     b'{"__type": "ResourceNotFoundException", "message": "no such job"}'),
]


def error_lines(text):
    return [line for line in text.splitlines() if line.startswith("An error occurred")]


def both(status, headers, body, endpoint_path=""):
    """(aws result, our result, [path the AWS CLI used, path we used])."""
    results, paths = [], []
    for argv in (["aws", *ARGS], [program(), *ARGS[1:]]):
        with Recorder(status=status, headers=headers, body=body) as r:
            result = run(argv + ["--endpoint-url", r.endpoint + endpoint_path, "--region", REGION],
                         env=ENV)
            results.append(result)
            paths.append([line.split(" ")[1] for line, _, _ in r.requests])
    return results[0], results[1], paths


for label, status, headers, body in ANSWERS:
    def check(status=status, headers=headers, body=body):
        aws, ours, _ = both(status, headers, body)
        want = error_lines(aws.stderr)
        assert len(want) == 1, aws.stderr
        assert error_lines(ours.stderr) == want, (ours.stderr, want)
        assert ours.returncode == 254, (ours.returncode, ours.stderr)
    case(f"error like the AWS CLI: {label}")(check)

for path in ("/custom", "/custom/", "/a/b//c", "/./a/../b", "/a%20b", "/custom?x=1", "?x=1"):
    def check_path(path=path):
        aws, ours, paths = both(200, {}, json.dumps({"batchInferenceJob": {}}).encode(), path)
        assert aws.returncode == 0 and ours.returncode == 0, (aws.stderr, ours.stderr)
        assert paths[1] == paths[0], paths
    case(f"--endpoint-url http://host{path}: the request path botocore uses")(check_path)


def closed_port():
    import socket
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@case("connection refused: the AWS CLI's line and exit status, byte for byte")
def _():
    url = f"http://127.0.0.1:{closed_port()}"
    aws, ours = (run(argv + ["--endpoint-url", url, "--region", REGION], env=ENV)
                 for argv in (["aws", *ARGS], [program(), *ARGS[1:]]))
    assert aws.stderr.startswith("\nCould not connect to the endpoint URL"), aws.stderr
    assert (ours.returncode, ours.stderr) == (aws.returncode, aws.stderr), (ours, aws.stderr)


if __name__ == "__main__":
    run_cases("tests/e2e/test_awscli_errors.py")
