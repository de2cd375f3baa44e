"""Self-test of the Personalize stand-in, driven by botocore/boto3 clients and by raw HTTP.

The stand-in is what the end-to-end tests trust, so this checks it against clients the
project did not write: boto3 must be able to use it like AWS, and what it rejects (bad
signatures, bad input) must be exactly what AWS would reject.
"""
import datetime
import http.client
import json
import os
import socket
import sys
import tempfile
import time
from unittest import mock
from urllib.parse import urlsplit

import boto3
import botocore.auth
import botocore.awsrequest
import botocore.config
import botocore.credentials
import botocore.exceptions

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.dirname(HERE))
sys.path.insert(0, HERE)
from pyharness import case, run  # noqa: E402
from standin import ACCESS_KEY, REGION, SECRET_KEY, StandIn  # noqa: E402

JSON = "application/x-amz-json-1.1"
SOLUTION = "arn:aws:personalize:us-west-2:123456789012:solution/movies/1a2b3c4d"
ROLE = "arn:aws:iam::123456789012:role/PersonalizeRole"
STANDIN = StandIn()
# Botocore reads proxies from the environment; the stand-in is on loopback.
os.environ["NO_PROXY"] = os.environ["no_proxy"] = "127.0.0.1,localhost"


def client(secret=SECRET_KEY, attempts=1, validate=True, **config):
    """A boto3 client for the stand-in. attempts=1 means no retries; validate=False turns
    off botocore's own checks so bad input reaches the server."""
    cfg = botocore.config.Config(retries={"mode": "standard", "total_max_attempts": attempts},
                                 parameter_validation=validate, **config)
    return boto3.client("personalize", region_name=REGION, endpoint_url=STANDIN.endpoint,
                        aws_access_key_id=ACCESS_KEY, aws_secret_access_key=secret, config=cfg)


def job_input(name, **extra):
    base = dict(jobName=name, solutionVersionArn=SOLUTION, roleArn=ROLE,
                jobInput={"s3DataSource": {"path": "s3://bucket/in.json"}},
                jobOutput={"s3DataDestination": {"path": "s3://bucket/out/"}})
    return {**base, **extra}


def error_of(call, *args, **kwargs):
    """The ClientError a call raises (fails when it does not)."""
    try:
        call(*args, **kwargs)
    except botocore.exceptions.ClientError as e:
        return e.response
    raise AssertionError("the call succeeded")


def signed(target, body, *, endpoint=None, secret=SECRET_KEY, access_key=ACCESS_KEY,
           token=None, when=None, service="personalize", headers=None):
    """A request signed by botocore's SigV4Auth, as an AWSRequest (not sent)."""
    endpoint = endpoint or STANDIN.endpoint
    body = body if isinstance(body, bytes) else json.dumps(body).encode()
    hdrs = {"Content-Type": JSON, "X-Amz-Target": f"AmazonPersonalize.{target}"}
    hdrs.update(headers or {})
    req = botocore.awsrequest.AWSRequest(method="POST", url=endpoint + "/", data=body,
                                         headers=hdrs)
    creds = botocore.credentials.Credentials(access_key, secret, token)
    when = when or utcnow()
    with mock.patch("botocore.auth.get_current_datetime", return_value=when):
        botocore.auth.SigV4Auth(creds, service, REGION).add_auth(req)
    return req


def send(req, conn=None, timeout=10):
    """Sends an AWSRequest over http.client (to the server in its URL, on a new connection
    unless conn is given); returns (status, headers dict, body bytes)."""
    own = conn is None
    if own:
        conn = http.client.HTTPConnection("127.0.0.1", urlsplit(req.url).port, timeout=timeout)
    try:
        conn.request(req.method, "/", body=req.body, headers=dict(req.headers.items()))
        resp = conn.getresponse()
        return resp.status, {k.lower(): v for k, v in resp.getheaders()}, resp.read()
    finally:
        if own:
            conn.close()


def utcnow():
    """Naive UTC now, the form botocore's signer expects."""
    return datetime.datetime.now(datetime.timezone.utc).replace(tzinfo=None)


def raw(target, body, **kwargs):
    return send(signed(target, body, **kwargs))


def assert_error(result, status, code, *fragments):
    got_status, headers, body = result
    doc = json.loads(body)
    assert (got_status, doc["__type"]) == (status, code), (got_status, body)
    assert headers["x-amzn-errortype"] == code, headers
    assert headers["x-amzn-requestid"], headers
    for fragment in fragments:
        assert fragment in doc["message"], (fragment, doc["message"])
    return doc["message"]


def create(name):
    return client().create_batch_inference_job(**job_input(name))["batchInferenceJobArn"]


@case("create, then describes walk PENDING -> IN PROGRESS -> ACTIVE")
def _():
    STANDIN.reset()
    c = client()
    arn = c.create_batch_inference_job(**job_input("walk", numResults=5))["batchInferenceJobArn"]
    assert arn == f"arn:aws:personalize:{REGION}:123456789012:batch-inference-job/walk", arn
    seen = [c.describe_batch_inference_job(batchInferenceJobArn=arn)["batchInferenceJob"]
            for _ in range(4)]
    assert [j["status"] for j in seen] == ["PENDING", "IN PROGRESS", "ACTIVE", "ACTIVE"]
    job = seen[-1]
    assert job["jobName"] == "walk" and job["numResults"] == 5
    assert job["jobInput"] == {"s3DataSource": {"path": "s3://bucket/in.json"}}
    assert job["batchInferenceJobMode"] == "BATCH_INFERENCE"
    assert job["lastUpdatedDateTime"] >= job["creationDateTime"]
    assert seen[0]["lastUpdatedDateTime"] == seen[0]["creationDateTime"]


@case("timestamps are epoch seconds with milliseconds (fake clock)")
def _():
    with StandIn("--clock", "1764345600.123") as s:
        req = signed("CreateBatchInferenceJob", job_input("clock"), endpoint=s.endpoint)
        conn = http.client.HTTPConnection("127.0.0.1", s.port, timeout=10)
        try:
            status, _, body = send(req, conn)
            arn = json.loads(body)["batchInferenceJobArn"]
            req = signed("DescribeBatchInferenceJob", {"batchInferenceJobArn": arn},
                         endpoint=s.endpoint)
            status, _, body = send(req, conn)
        finally:
            conn.close()
    assert status == 200, body
    assert b'"creationDateTime": 1764345600.123' in body, body
    assert b'"lastUpdatedDateTime": 1764345600.123' in body, body


@case("list: newest first, filtered by solution version, paginated")
def _():
    STANDIN.reset()
    c = client()
    for name in ("first", "second", "third"):
        c.create_batch_inference_job(**job_input(name))
    other = SOLUTION.replace("1a2b3c4d", "ffff")
    c.create_batch_inference_job(**dict(job_input("other"), solutionVersionArn=other))
    names = [j["jobName"] for j in c.list_batch_inference_jobs()["batchInferenceJobs"]]
    assert names == ["other", "third", "second", "first"], names
    page = c.list_batch_inference_jobs(solutionVersionArn=SOLUTION, maxResults=2)
    assert [j["jobName"] for j in page["batchInferenceJobs"]] == ["third", "second"]
    rest = c.list_batch_inference_jobs(solutionVersionArn=SOLUTION, maxResults=2,
                                       nextToken=page["nextToken"])
    assert [j["jobName"] for j in rest["batchInferenceJobs"]] == ["first"]
    assert "nextToken" not in rest
    summary = rest["batchInferenceJobs"][0]
    assert set(summary) == {"batchInferenceJobArn", "jobName", "status", "creationDateTime",
                            "lastUpdatedDateTime", "solutionVersionArn",
                            "batchInferenceJobMode"}, summary
    err = error_of(c.list_batch_inference_jobs, nextToken="garbage")
    assert err["Error"]["Code"] == "InvalidNextTokenException", err


@case("a duplicate job name is ResourceAlreadyExistsException")
def _():
    STANDIN.reset()
    create("twice")
    err = error_of(client().create_batch_inference_job, **job_input("twice"))
    assert err["Error"]["Code"] == "ResourceAlreadyExistsException", err


@case("an unknown ARN is 400 ResourceNotFoundException with AWS's headers")
def _():
    STANDIN.reset()
    arn = "arn:aws:personalize:us-west-2:123456789012:batch-inference-job/missing"
    err = error_of(client().describe_batch_inference_job, batchInferenceJobArn=arn)
    assert err["Error"]["Code"] == "ResourceNotFoundException", err
    assert arn in err["Error"]["Message"]
    assert err["ResponseMetadata"]["HTTPStatusCode"] == 400
    assert len(err["ResponseMetadata"]["RequestId"]) == 36
    assert_error(raw("DescribeBatchInferenceJob", {"batchInferenceJobArn": arn}), 400,
                 "ResourceNotFoundException")


@case("bad input is InvalidInputException naming the member and the constraint")
def _():
    STANDIN.reset()
    describe = "DescribeBatchInferenceJob"
    assert_error(raw(describe, {"batchInferenceJobArn": "nope"}), 400, "InvalidInputException",
                 "'batchInferenceJobArn'", "regular expression pattern",
                 "arn:([a-z\\d-]+):personalize:.*:.*:.+")
    long_arn = "arn:aws:personalize:us-west-2:123456789012:batch-inference-job/" + "x" * 240
    assert len(long_arn) > 256
    assert_error(raw(describe, {"batchInferenceJobArn": long_arn}), 400,
                 "InvalidInputException", "'batchInferenceJobArn'",
                 "length less than or equal to 256")
    assert_error(raw(describe, {}), 400, "InvalidInputException",
                 "Missing required parameter", "batchInferenceJobArn")
    assert_error(raw(describe, b"{not json"), 400, "InvalidInputException", "not valid JSON")
    assert_error(raw(describe, b"[]"), 400, "InvalidInputException", "JSON object")
    assert_error(raw(describe, {"batchInferenceJobArn": 5}), 400, "InvalidInputException",
                 "Invalid type")
    assert_error(raw(describe, {"batchInferenceJobArn": "x", "extra": 1}), 400,
                 "InvalidInputException", "Unknown parameter")
    assert_error(raw("ListBatchInferenceJobs", {"maxResults": 101}), 400,
                 "InvalidInputException", "'maxResults'", "less than or equal to 100")
    bad = job_input("enum", batchInferenceJobMode="SOMETIMES",
                    jobInput={"s3DataSource": {"path": "ftp://x"}})
    message = assert_error(raw("CreateBatchInferenceJob", bad), 400, "InvalidInputException",
                           "2 validation errors", "'jobInput.s3DataSource.path'",
                           "enum value set: [BATCH_INFERENCE, THEME_GENERATION]")
    # Sensitive members (tag keys and values) are not echoed back.
    bad = job_input("tags", tags=[{"tagKey": "bad\u0001key", "tagValue": "v"}])
    message = assert_error(raw("CreateBatchInferenceJob", bad), 400, "InvalidInputException",
                           "'tags.1.member.tagKey'")
    assert "bad\u0001key" not in message, message
    # Java's \p{L} classes are honoured: letters outside ASCII are fine in tags.
    ok = job_input("unicode-tags", tags=[{"tagKey": "Grüße 東京 ٣", "tagValue": "é+@"}])
    status, _, body = raw("CreateBatchInferenceJob", ok)
    assert status == 200, body
    # JSON null means absent.
    status, _, body = raw("ListBatchInferenceJobs", {"nextToken": None})
    assert status == 200, body


@case("unknown target, wrong method and wrong Content-Type are UnknownOperationException")
def _():
    assert_error(raw("CreateSchema", {}), 400, "UnknownOperationException", "CreateSchema")
    req = signed("DescribeBatchInferenceJob", {}, headers={"X-Amz-Target": "Other.Describe"})
    assert_error(send(req), 400, "UnknownOperationException")
    req = signed("ListBatchInferenceJobs", {}, headers={"Content-Type": "application/json"})
    assert_error(send(req), 400, "UnknownOperationException", "Content-Type")


@case("a request signed with a wrong secret is 403 InvalidSignatureException")
def _():
    STANDIN.reset()
    err = error_of(client(secret="not-the-secret").list_batch_inference_jobs)
    assert err["Error"]["Code"] == "InvalidSignatureException", err
    assert err["ResponseMetadata"]["HTTPStatusCode"] == 403
    assert err["Error"]["Message"].startswith(
        "The request signature we calculated does not match the signature you provided")
    assert [r["verdict"] for r in STANDIN.requests()] == ["InvalidSignatureException"]


@case("a tampered body, header or target is rejected")
def _():
    req = signed("ListBatchInferenceJobs", {"maxResults": 5})
    req.data = json.dumps({"maxResults": 6}).encode()  # same length, other bytes
    assert_error(send(req), 403, "InvalidSignatureException", "Canonical String")
    req = signed("ListBatchInferenceJobs", {})
    req.headers.replace_header("X-Amz-Target", "AmazonPersonalize.DescribeBatchInferenceJob")
    assert_error(send(req), 403, "InvalidSignatureException")
    # botocore trusts x-amz-content-sha256 as the payload hash; the stand-in checks it.
    req = signed("ListBatchInferenceJobs", {"maxResults": 5},
                 headers={"X-Amz-Content-SHA256": "0" * 64})
    assert_error(send(req), 403, "InvalidSignatureException", "x-amz-content-sha256")
    # The control case: the same request untouched is accepted.
    status, _, body = send(signed("ListBatchInferenceJobs", {"maxResults": 5}))
    assert status == 200, body


@case("missing, malformed, expired and foreign credentials are rejected as AWS does")
def _():
    req = signed("ListBatchInferenceJobs", {})
    del req.headers["Authorization"]
    assert_error(send(req), 403, "MissingAuthenticationTokenException")
    req = signed("ListBatchInferenceJobs", {})
    req.headers.replace_header("Authorization", "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE")
    assert_error(send(req), 403, "IncompleteSignatureException")
    old = utcnow() - datetime.timedelta(minutes=20)
    assert_error(raw("ListBatchInferenceJobs", {}, when=old), 403, "InvalidSignatureException",
                 "Signature expired")
    future = utcnow() + datetime.timedelta(minutes=20)
    assert_error(raw("ListBatchInferenceJobs", {}, when=future), 403,
                 "InvalidSignatureException", "not yet current")
    assert_error(raw("ListBatchInferenceJobs", {}, access_key="AKIDOTHER"), 403,
                 "UnrecognizedClientException")
    assert_error(raw("ListBatchInferenceJobs", {}, service="s3"), 403,
                 "InvalidSignatureException", "correct service")
    assert_error(raw("ListBatchInferenceJobs", {}, token="unexpected"), 403,
                 "UnrecognizedClientException")
    # 14 minutes off is still inside AWS's window.
    near = utcnow() - datetime.timedelta(minutes=14)
    assert raw("ListBatchInferenceJobs", {}, when=near)[0] == 200


@case("a configured session token is required and checked")
def _():
    with StandIn("--session-token", "TOKEN-123") as s:
        ok = raw("ListBatchInferenceJobs", {}, endpoint=s.endpoint, token="TOKEN-123")
        assert ok[0] == 200, ok
        for token in (None, "TOKEN-999"):
            result = raw("ListBatchInferenceJobs", {}, endpoint=s.endpoint, token=token)
            assert_error(result, 403, "UnrecognizedClientException")
        logged = json.dumps(s.requests())
        assert "TOKEN-123" not in logged and "TOKEN-999" not in logged


@case("--log records every AWS request as JSON lines, signatures redacted")
def _():
    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, "requests.jsonl")
        with StandIn("--log", path) as s:
            raw("ListBatchInferenceJobs", {}, endpoint=s.endpoint)
            raw("ListBatchInferenceJobs", {}, endpoint=s.endpoint, secret="wrong")
            s.control(throttle=1)
            raw("ListBatchInferenceJobs", {"maxResults": 3}, endpoint=s.endpoint)
            over_http = s.requests()
            with open(path, encoding="utf-8") as f:
                in_file = [json.loads(line) for line in f]
            assert in_file == over_http, (in_file, over_http)
            assert [r["verdict"] for r in in_file] == [
                "ok", "InvalidSignatureException", "throttle"]
            assert [r["status"] for r in in_file] == [200, 403, 400]
            assert in_file[2]["fault"] == ["throttle"]
            assert in_file[2]["body"] == '{"maxResults": 3}'
            assert in_file[0]["operation"] == "ListBatchInferenceJobs"
            assert in_file[0]["auth"]["region"] == REGION
            text = open(path, encoding="utf-8").read()
            assert "Signature=<redacted>" in text and SECRET_KEY not in text
            s.reset()
            assert s.requests() == [] and open(path).read() == ""


@case("keep-alive: several requests on one connection, Content-Length on each")
def _():
    conn = http.client.HTTPConnection("127.0.0.1", STANDIN.port, timeout=10)
    try:
        for body in ({}, {"batchInferenceJobArn": "nope"}):
            for target in ("ListBatchInferenceJobs", "DescribeBatchInferenceJob"):
                status, headers, payload = send(signed(target, body), conn)
                assert int(headers["content-length"]) == len(payload), headers
                assert headers["content-type"] == JSON
        assert conn.sock is not None  # never closed by the server
    finally:
        conn.close()


@case("throttle: ThrottlingException, then retried by botocore until it succeeds")
def _():
    STANDIN.reset()
    STANDIN.control(throttle=1)
    err = error_of(client().list_batch_inference_jobs)
    assert err["Error"]["Code"] == "ThrottlingException", err
    assert err["ResponseMetadata"]["HTTPHeaders"]["x-amzn-errortype"] == "ThrottlingException"
    STANDIN.reset()
    STANDIN.control(throttle=2)
    out = client(attempts=3).list_batch_inference_jobs()
    assert out["ResponseMetadata"]["RetryAttempts"] == 2
    assert [r["verdict"] for r in STANDIN.requests()] == ["throttle", "throttle", "ok"]


@case("status [500, 503]: answered in order, retried by botocore")
def _():
    STANDIN.reset()
    STANDIN.control(status=[500, 503])
    assert STANDIN.pending() == {"status": [500, 503]}
    out = client(attempts=3).list_batch_inference_jobs()
    assert out["ResponseMetadata"]["RetryAttempts"] == 2
    assert [r["status"] for r in STANDIN.requests()] == [500, 503, 200]
    STANDIN.control(status=503)
    err = error_of(client().list_batch_inference_jobs)
    assert err["Error"]["Code"] == "ServiceUnavailable", err
    assert STANDIN.pending() == {}


@case("faults queue in a fixed order, one per request, and do not change state")
def _():
    STANDIN.reset()
    STANDIN.control(throttle=1, status=[500], non_json=1)
    results = [raw("CreateBatchInferenceJob", job_input("q"))[0] for _ in range(3)]
    assert results == [500, 400, 200], results  # the 200 carries non-JSON
    assert [r["fault"] for r in STANDIN.requests()] == [["status"], ["throttle"], ["non_json"]]
    # The job was created by the third request only; a fourth finds it.
    assert_error(raw("CreateBatchInferenceJob", job_input("q")), 400,
                 "ResourceAlreadyExistsException")


@case("html_error: an HTML page with html_status (default 502)")
def _():
    STANDIN.control(html_error=1)
    status, headers, body = raw("ListBatchInferenceJobs", {})
    assert status == 502 and headers["content-type"] == "text/html", (status, headers)
    assert body.startswith(b"<html>") and int(headers["content-length"]) == len(body)
    STANDIN.control(html_error=1, html_status=403)
    assert raw("ListBatchInferenceJobs", {})[0] == 403


@case("non_json and truncate: framing intact, body not JSON")
def _():
    STANDIN.control(non_json=1)
    status, headers, body = raw("ListBatchInferenceJobs", {})
    assert status == 200 and int(headers["content-length"]) == len(body)
    STANDIN.control(truncate=1)
    status, headers, truncated = raw("ListBatchInferenceJobs", {})
    assert status == 200 and int(headers["content-length"]) == len(truncated)
    for text in (body, truncated):
        try:
            json.loads(text)
        except ValueError:
            continue
        raise AssertionError(f"parsed: {text!r}")


@case("close_mid_body, reset_mid_body and drop break the connection")
def _():
    STANDIN.control(close_mid_body=1)
    try:
        raw("ListBatchInferenceJobs", {})
        raise AssertionError("read a whole body")
    except http.client.IncompleteRead as e:
        assert 0 < len(e.partial) < e.expected + len(e.partial)
    STANDIN.control(reset_mid_body=1)
    try:
        raw("ListBatchInferenceJobs", {})
        raise AssertionError("read a whole body")
    except ConnectionResetError:  # an RST, not a clean close
        pass
    STANDIN.control(drop=1)
    try:
        raw("ListBatchInferenceJobs", {})
        raise AssertionError("got a response")
    except (http.client.RemoteDisconnected, ConnectionResetError):
        pass
    # The next request is served normally.
    assert raw("ListBatchInferenceJobs", {})[0] == 200


@case("delay_ms: the response waits; a client read timeout fires")
def _():
    STANDIN.control(delay_ms=1500)
    started = time.monotonic()
    try:
        send(signed("ListBatchInferenceJobs", {}), timeout=0.5)
        raise AssertionError("no timeout")
    except (socket.timeout, TimeoutError):
        assert time.monotonic() - started < 1.4
    time.sleep(1.2)  # let the delayed response go out before the next case
    STANDIN.control(delay_ms=300, count=2)
    for _ in range(2):
        started = time.monotonic()
        assert raw("ListBatchInferenceJobs", {})[0] == 200
        assert time.monotonic() - started >= 0.3
    started = time.monotonic()
    raw("ListBatchInferenceJobs", {})
    assert time.monotonic() - started < 0.3


@case("trickle_ms_per_byte: the body arrives byte by byte, intact")
def _():
    STANDIN.control(trickle_ms_per_byte=5)
    started = time.monotonic()
    status, headers, body = raw("DescribeBatchInferenceJob", {"batchInferenceJobArn": "nope"})
    elapsed = time.monotonic() - started
    assert status == 400 and json.loads(body)["__type"] == "InvalidInputException"
    assert elapsed >= len(body) * 0.005 * 0.9, (elapsed, len(body))


@case("huge_body_bytes: a valid JSON body of exactly that size")
def _():
    STANDIN.reset()
    create("huge")
    STANDIN.control(huge_body_bytes=5_000_000)
    status, headers, body = raw("ListBatchInferenceJobs", {})
    assert status == 200 and len(body) == 5_000_000 == int(headers["content-length"])
    assert json.loads(body)["batchInferenceJobs"][0]["jobName"] == "huge"


@case("the control endpoint rejects unknown or bad switches and is not recorded")
def _():
    STANDIN.reset()
    for bad in ({"throttel": 1}, {"throttle": -1}, {"status": [42]}, {"delay_ms": "x"},
                {"throttle": 1, "count": 0}, {"throttle": 2, "status": [500, "503"]}):
        try:
            STANDIN.control(**bad)
            raise AssertionError(f"accepted {bad}")
        except Exception as e:  # urllib's HTTPError for the 400
            assert getattr(e, "code", None) == 400, e
    assert STANDIN.pending() == {} and STANDIN.requests() == []


@case("the stand-in printed nothing on stderr (no internal errors, no tracebacks)")
def _():
    assert STANDIN.errors() == "", STANDIN.errors()


if __name__ == "__main__":
    STANDIN.start()
    try:
        run("tests/standin/test_standin.py")
    finally:
        STANDIN.stop()
