#!/usr/bin/env python3
"""The Python side of the benchmark, botocore and boto3 as users run them.

  py_bench.py round DIR SECONDS          botocore: parse (MB/s) and serialize (MB/s) per
                                         fixture with the model's output shape; SigV4 signs/s
  py_bench.py e2e URL OP SECONDS         boto3 calls/s and latency against URL (OP: describe
                                         or list)
  py_bench.py restjson FIXTURE SECONDS   Lambda GetFunction (restJson1): botocore's request
                                         building (serializer and prepare_request_dict)
                                         per second, its parser's decodes per second
  py_bench.py restjson-e2e URL SECONDS   boto3 get_function calls/s and latency against URL

One "key value" a line, like bench_decode. Each measurement repeats until SECONDS have
passed (at least once)."""
import datetime
import json
import os
import statistics
import sys
import time

import botocore.session
from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials
from botocore.parsers import create_parser
from botocore.serialize import JSONSerializer

ARN = "arn:aws:personalize:us-west-2:123456789012:batch-inference-job/movie-recs-nightly-2024-01-15"


def rate(fn, secs):
    n = 0
    t0 = time.perf_counter()
    while True:
        fn()
        n += 1
        t = time.perf_counter()
        if t - t0 >= secs:
            return n / (t - t0)


def round_main(folder, secs):
    model = botocore.session.get_session().get_service_model("personalize")
    parser = create_parser("json")
    ser = JSONSerializer()
    ops = {"describe": "DescribeBatchInferenceJob", "list100": "ListBatchInferenceJobs",
           "list10m": "ListBatchInferenceJobs"}
    for name, op in ops.items():
        with open(os.path.join(folder, name + ".json"), "rb") as f:
            body = f.read()
        shape = model.operation_model(op).output_shape
        resp = {"body": body, "headers": {}, "status_code": 200}
        mb = len(body) / 1e6
        parsed = parser.parse(resp, shape)
        print(f"decode.botocore.{name} {rate(lambda: parser.parse(resp, shape), secs) * mb:.3f}")
        parsed.pop("ResponseMetadata", None)
        # botocore's json serializer, on the same shape and values (what it does to request
        # bodies: _serialize walks the shape, then json.dumps).
        def serialize():
            out = {}
            ser._serialize(out, parsed, shape)
            return json.dumps(out, separators=(",", ":")).encode("utf-8")
        out_mb = len(serialize()) / 1e6
        print(f"serialize.botocore.{name} {rate(serialize, secs) * out_mb:.3f}")
        sys.stdout.flush()
    with open(os.path.join(folder, "describe.req"), "rb") as f:
        body = f.read()
    creds = Credentials("AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY")
    signer = SigV4Auth(creds, "personalize", "us-west-2")

    def sign():
        req = AWSRequest(method="POST", url="https://personalize.us-west-2.amazonaws.com/",
                         data=body, headers={"Content-Type": "application/x-amz-json-1.1",
                                             "X-Amz-Target": "AmazonPersonalize.DescribeBatchInferenceJob"})
        signer.add_auth(req)
    print(f"sigv4.botocore {rate(sign, secs):.1f}")


def measure_calls(call, secs):
    """Calls per second and latency of call, after one warm-up call."""
    call()
    lat = []
    t0 = time.perf_counter()
    while True:
        a = time.perf_counter()
        call()
        b = time.perf_counter()
        lat.append(b - a)
        if b - t0 >= secs:
            break
    lat.sort()
    print(f"calls {len(lat) / (b - t0):.2f}")
    print(f"median_ms {statistics.median(lat) * 1e3:.4f}")
    print(f"p99_ms {lat[min(len(lat) - 1, int(len(lat) * 0.99))] * 1e3:.4f}")


def e2e_main(url, op, secs):
    import boto3
    from botocore.config import Config
    client = boto3.client("personalize", endpoint_url=url, region_name="us-west-2",
                          aws_access_key_id="AKIDEXAMPLE",
                          aws_secret_access_key="wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY",
                          config=Config(retries={"max_attempts": 1}))
    if op == "describe":
        call = lambda: client.describe_batch_inference_job(batchInferenceJobArn=ARN)
    else:
        call = lambda: client.list_batch_inference_jobs(maxResults=100)
    measure_calls(call, secs)


def restjson_main(fixture, secs):
    from botocore.awsrequest import prepare_request_dict
    from botocore.compat import HTTPHeaders
    from botocore.serialize import create_serializer
    op = botocore.session.get_session().get_service_model("lambda").operation_model("GetFunction")
    ser = create_serializer("rest-json", include_validation=False)
    params = {"FunctionName": "movie-recs-nightly", "Qualifier": "$LATEST"}

    def build():
        req = ser.serialize_to_request(params, op)
        prepare_request_dict(req, endpoint_url="https://lambda.us-west-2.amazonaws.com")
    print(f"restjson.build.botocore {rate(build, secs):.1f}")
    with open(fixture, "rb") as f:
        body = f.read()
    headers = HTTPHeaders()
    for k, v in [("Date", "Mon, 15 Jan 2024 08:00:00 GMT"), ("Content-Type", "application/json"),
                 ("Content-Length", "2048"), ("Connection", "keep-alive"),
                 ("x-amzn-RequestId", "11111111-2222-3333-4444-555555555555")]:
        headers[k] = v
    parser = create_parser("rest-json")
    resp = {"body": body, "headers": headers, "status_code": 200}
    decodes = rate(lambda: parser.parse(resp, op.output_shape), secs)
    print(f"restjson.decode.botocore {decodes:.1f}")
    print(f"restjson.decode_mb.botocore {decodes * len(body) / 1e6:.3f}")


def restjson_e2e_main(url, secs):
    import boto3
    from botocore.config import Config
    client = boto3.client("lambda", endpoint_url=url, region_name="us-west-2",
                          aws_access_key_id="AKIDEXAMPLE",
                          aws_secret_access_key="wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY",
                          config=Config(retries={"max_attempts": 1}))
    call = lambda: client.get_function(FunctionName="movie-recs-nightly", Qualifier="$LATEST")
    measure_calls(call, secs)


if __name__ == "__main__":
    if len(sys.argv) == 4 and sys.argv[1] == "round":
        round_main(sys.argv[2], float(sys.argv[3]))
    elif len(sys.argv) == 5 and sys.argv[1] == "e2e":
        e2e_main(sys.argv[2], sys.argv[3], float(sys.argv[4]))
    elif len(sys.argv) == 4 and sys.argv[1] == "restjson":
        restjson_main(sys.argv[2], float(sys.argv[3]))
    elif len(sys.argv) == 4 and sys.argv[1] == "restjson-e2e":
        restjson_e2e_main(sys.argv[2], float(sys.argv[3]))
    else:
        sys.exit(__doc__)
