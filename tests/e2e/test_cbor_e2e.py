"""End to end over smithy-rpc-v2-cbor: the program `make cli` builds from botocore's
AWS Marketplace Entitlement Service model (a cbor-first model) calls a loopback stand-in
(tests/servers/cbor_server.py) that checks SigV4 signatures with botocore and answers in
CBOR. The AWS CLI calls the same server as the reference: the same output values from the
same request bytes, and for service errors the same message (exit 254, AWS CLI v2's code;
v1 exits 255). botocore itself prefers awsJson over rpc-v2-cbor when a model offers both, so
the AWS CLI gets a copy of the model that offers only rpc-v2-cbor (AWS_DATA_PATH)."""
import datetime
import gzip
import hashlib
import json
import os
import shutil
import subprocess
import sys
import urllib.request


sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import e2elib  # noqa: E402
from pyharness import case, run  # noqa: E402

SERVER = os.path.join(e2elib.ROOT, "tests", "servers", "cbor_server.py")
MODEL = os.path.join(e2elib.BOTOCORE_DATA, "marketplace-entitlement", "2017-01-11",
                     "service-2.json.gz")
PROGRAM = os.path.join(e2elib.BUILD, "cbor-e2e", "marketplace-entitlement")
STATE = {}


def cbor_only_model(folder):
    """A copy of the model that offers rpc-v2-cbor only, where AWS_DATA_PATH finds it."""
    with gzip.open(MODEL, "rt") as f:
        data = json.load(f)
    data["metadata"]["protocols"] = ["smithy-rpc-v2-cbor"]
    target = os.path.join(folder, "marketplace-entitlement", "2017-01-11")
    os.makedirs(target, exist_ok=True)
    with open(os.path.join(target, "service-2.json"), "w") as f:
        json.dump(data, f)
    rules = "endpoint-rule-set-1.json.gz"
    shutil.copy(os.path.join(os.path.dirname(MODEL), rules), os.path.join(target, rules))
    return folder


def setup():
    STATE["data"] = cbor_only_model(os.path.join(e2elib.BUILD, "cbor-e2e", "data"))
    # Offered json and rpc-v2-cbor, botocore (and so the generator) picks json: the program
    # is built from the copy that offers rpc-v2-cbor only, as the AWS CLI reads it.
    model = os.path.join(STATE["data"], "marketplace-entitlement", "2017-01-11", "service-2.json")
    subprocess.run(["make", "-s", "cli", f"MODEL={os.path.abspath(model)}", f"CLI={PROGRAM}",
                    f"BUILD={os.environ.get('BUILD', 'build')}"], cwd=e2elib.ROOT, check=True,
                   stdout=subprocess.DEVNULL, timeout=300)
    port = e2elib.free_port()
    proc = subprocess.Popen([sys.executable, SERVER, "--port", str(port)],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    e2elib.wait_for_port(port, proc)
    STATE.update(proc=proc, endpoint=f"http://127.0.0.1:{port}")


def program(*args, secret=e2elib.SECRET_KEY):
    env = e2elib.client_env({**ENV, "AWS_DEFAULT_REGION": "us-east-1",
                             "AWS_SECRET_ACCESS_KEY": secret})
    prefix = os.environ.get("VALGRIND", "").split()
    return e2elib.run([*prefix, PROGRAM, *args, "--endpoint-url", STATE["endpoint"]], env=env,
                      timeout=120)


def reference(*args, secret=e2elib.SECRET_KEY):
    """The AWS CLI's run of the same command against the same server."""
    env = e2elib.client_env({**ENV, "AWS_DEFAULT_REGION": "us-east-1",
                             "AWS_DATA_PATH": STATE["data"], "AWS_SECRET_ACCESS_KEY": secret})
    return e2elib.run(["aws", "marketplace-entitlement", *args, "--endpoint-url",
                       STATE["endpoint"]], env=env, timeout=120)


def log():
    with urllib.request.build_opener(urllib.request.ProxyHandler({})).open(
            STATE["endpoint"] + "/log", timeout=10) as r:
        return json.load(r)


def instants(value):
    """Output with every timestamp as epoch ms: the AWS CLI v1 prints them as received
    (epoch numbers), our program (like v2) in ISO 8601."""
    shape = e2elib.botocore.model.ServiceModel(
        e2elib.botocore.loaders.Loader().load_service_model("marketplace-entitlement",
                                                            "service-2"),
        "marketplace-entitlement").operation_model("GetEntitlements").output_shape
    return e2elib.instants(shape, value)


ENV = {"AWS_RETRY_MODE": "standard", "AWS_MAX_ATTEMPTS": "3"}


@case("success: the AWS CLI's output, from the same request bytes")
def _():
    for args in (["--no-paginate"], ["--no-paginate", "--next-token", "page-2"]):
        r = program("get-entitlements", "--product-code", "p1", *args)
        want = reference("get-entitlements", "--product-code", "p1", *args)
        assert r.returncode == 0 and want.returncode == 0, (r.stderr, want.stderr)
        mine, theirs = json.loads(r.stdout), json.loads(want.stdout)
        assert instants(mine) == instants(theirs), (mine, theirs)
        ours, cli = log()[-2:]
        assert ours["path"] == cli["path"] == \
            "/service/AWSMPEntitlementService/operation/GetEntitlements"
        assert ours["sha256"] == cli["sha256"], (ours["body"], cli["body"])
        for h in ("smithy-protocol", "accept", "content-type"):
            assert ours["headers"][h] == cli["headers"][h], h
    # the fractional timestamp prints as the AWS CLI v1 prints it: the number received
    assert mine["Entitlements"][0]["ExpirationDate"] == 1764345600.123
    assert theirs["Entitlements"][0]["ExpirationDate"] == 1764345600.123


def same_error(args, code, secret=e2elib.SECRET_KEY):
    r = program(*args, secret=secret)
    want = reference(*args, secret=secret)
    assert r.returncode == 254 and want.returncode == 255, (r.returncode, want.returncode)
    assert r.stderr.strip() == want.stderr.strip(), (r.stderr, want.stderr)
    assert e2elib.error_line(r.stderr, code, "GetEntitlements") is not None, r.stderr


@case("a modelled error: exit 254 and the AWS CLI's line")
def _():
    same_error(["get-entitlements", "--product-code", "error"], "InvalidParameterException")


@case("a throttling error is retried, then reported as the AWS CLI reports it")
def _():
    same_error(["get-entitlements", "--product-code", "throttle"], "ThrottlingException")


@case("a bad signature is refused by the server's botocore check")
def _():
    same_error(["get-entitlements", "--product-code", "p1"], "InvalidSignatureException",
               secret="wrong")


@case("a proxy's HTML page: the status is the code")
def _():
    r = program("get-entitlements", "--product-code", "html")
    assert r.returncode == 254, (r.returncode, r.stderr)
    m = e2elib.error_line(r.stderr, "502", "GetEntitlements")
    assert m is not None and "Bad Gateway" in m.group(2), r.stderr


@case("a missing required member is caught before sending (exit 252)")
def _():
    r = program("get-entitlements")
    assert r.returncode == 252, (r.returncode, r.stderr)
    assert "--product-code" in r.stderr, r.stderr


if __name__ == "__main__":
    try:
        setup()
        run("e2e/cbor")
    finally:
        if "proc" in STATE:
            e2elib.stop(STATE["proc"])
