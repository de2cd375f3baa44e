"""The built Personalize program against tests/servers/http_server.py on loopback: the whole
path (CLI -> generated call -> acg_client -> libcurl) with the server recomputing every
signature with botocore. Covers the fault table at the program level: throttling then
success, 500/503 within the budget, an HTML error page, connection refused, a read timeout,
a connection closed mid-body, a body over the cap; and --debug output free of the secret
key, the session token and the signature."""
import json
import os
import socket
import subprocess
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(__file__), ".."))
from pyharness import case, run  # noqa: E402

BUILD = os.environ.get("BUILD", "build")
BIN = os.path.join(BUILD, "bin", "personalize")
AK = "AKIDEXAMPLE"
SK = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"
TOKEN = "IQoJb3JpZ2luX2VjCLItokenSECRETvalue0123456789"
ARN = "arn:aws:personalize:us-east-1:123456789012:batch-inference-job/job1"
# Under memcheck (make valgrind) a program starts and runs many times slower.
SLOW = 8 if os.environ.get("VALGRIND") else 1


class Server:
    def __init__(self):
        self.p = subprocess.Popen([sys.executable, "tests/servers/http_server.py"],
                                  stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
        self.port = int(self.p.stdout.readline().split()[1])
        self.url = "http://127.0.0.1:%d" % self.port

    def cmd(self, line):
        self.p.stdin.write(line + "\n")
        self.p.stdin.flush()
        return self.p.stdout.readline().strip()

    def script(self, specs):
        assert self.cmd("script " + json.dumps(specs)) == "ok"

    def reset(self):
        self.cmd("reset")

    def requests(self):
        return json.loads(self.cmd("stats"))["requests"]

    def stop(self):
        self.cmd("quit")
        self.p.wait(timeout=10)


SRV = Server()


def env(**extra):
    e = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "HOME": "/nonexistent",
        "AWS_CONFIG_FILE": "/nonexistent/config",
        "AWS_SHARED_CREDENTIALS_FILE": "/nonexistent/credentials",
        "AWS_EC2_METADATA_DISABLED": "true",
        "AWS_ACCESS_KEY_ID": AK,
        "AWS_SECRET_ACCESS_KEY": SK,
        "AWS_SESSION_TOKEN": TOKEN,
        "AWS_REGION": "us-east-1",
    }
    e.update(extra)
    return e


def cli(*args, url=None, **extra):
    cmd = [BIN, "describe-batch-inference-job", "--batch-inference-job-arn", ARN,
           "--endpoint-url", url or SRV.url] + list(args)
    t0 = time.monotonic()
    p = subprocess.run(cmd, capture_output=True, text=True, env=env(**extra), timeout=60)
    return p, time.monotonic() - t0


def no_secrets(text, signatures=()):
    assert SK not in text, "secret key printed"
    assert TOKEN not in text, "session token printed"
    assert "Signature=" not in text, "Authorization header printed"
    for sig in signatures:
        assert sig not in text, "signature printed"


def signatures(reqs):
    out = []
    for r in reqs:
        auth = r["headers"].get("authorization", "")
        if "Signature=" in auth:
            out.append(auth.split("Signature=")[1])
    return out


@case("success with --debug: signed as botocore signs, debug lines present, no secrets")
def _():
    SRV.reset()
    SRV.script([{"body": json.dumps({"batchInferenceJob": {"jobName": "j1", "status": "ACTIVE"}})}])
    p, _ = cli("--debug")
    assert p.returncode == 0, p.stderr
    assert json.loads(p.stdout)["batchInferenceJob"]["jobName"] == "j1"
    reqs = SRV.requests()
    assert len(reqs) == 1 and reqs[0]["sig_ok"], reqs[0]["sig_why"]
    h = reqs[0]["headers"]
    assert h["x-amz-target"] == "AmazonPersonalize.DescribeBatchInferenceJob"
    assert h["content-type"] == "application/x-amz-json-1.1"
    assert h["x-amz-security-token"] == TOKEN
    assert "expect" not in h
    assert json.loads(reqs[0]["body"]) == {"batchInferenceJobArn": ARN}
    for line in ("endpoint: " + SRV.url, "canonical request:", "string to sign:",
                 "status: 200", "request id: req-1"):
        assert line in p.stderr, line
    no_secrets(p.stdout + p.stderr, signatures(reqs))


@case("--no-sign-request: no credentials looked up, nothing signed, the call still made")
def _():
    SRV.reset()
    SRV.script([{"body": json.dumps({"batchInferenceJob": {"jobName": "j1"}})}])
    # No key in the environment: the credential chain would fail if it were consulted.
    p, _ = cli("--no-sign-request", AWS_ACCESS_KEY_ID="", AWS_SECRET_ACCESS_KEY="",
               AWS_SESSION_TOKEN="")
    assert p.returncode == 0, p.stderr
    reqs = SRV.requests()
    assert len(reqs) == 1, reqs
    h = reqs[0]["headers"]
    for name in ("authorization", "x-amz-security-token", "x-amz-date"):
        assert name not in h, (name, h)
    assert h["x-amz-target"] == "AmazonPersonalize.DescribeBatchInferenceJob"


def tls_server(folder):
    """A loopback HTTPS server answering every POST with {}, its certificate self-signed
    for 127.0.0.1; returns (server, the certificate's path)."""
    import http.server
    import ssl
    import threading
    cert, key = os.path.join(folder, "cert.pem"), os.path.join(folder, "key.pem")
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
                    "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1",
                    "-keyout", key, "-out", cert], check=True, capture_output=True)

    class Answer(http.server.BaseHTTPRequestHandler):
        def do_POST(self):
            self.rfile.read(int(self.headers.get("content-length", 0)))
            self.send_response(200)
            self.send_header("content-type", "application/x-amz-json-1.1")
            self.send_header("content-length", "2")
            self.end_headers()
            self.wfile.write(b"{}")

        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Answer)
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert, key)
    server.socket = context.wrap_socket(server.socket, server_side=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, cert


@case("--ca-bundle: a self-signed server is refused without it (botocore's SSL line), "
      "trusted with it")
def _():
    import tempfile
    with tempfile.TemporaryDirectory() as folder:
        server, cert = tls_server(folder)
        try:
            url = "https://127.0.0.1:%d" % server.server_address[1]
            p, _ = cli(url=url, AWS_MAX_ATTEMPTS="1")
            assert p.returncode == 255, (p.returncode, p.stderr)
            assert p.stderr.startswith("\nSSL validation failed for " + url + "/"), p.stderr
            p, _ = cli("--ca-bundle", cert, url=url)
            assert p.returncode == 0 and p.stdout == "", (p.returncode, p.stderr)  # {}: nothing
            p, _ = cli(url=url, AWS_CA_BUNDLE=cert)   # the environment's, as the AWS CLI
            assert p.returncode == 0, (p.returncode, p.stderr)
        finally:
            server.shutdown()


@case("throttled twice then success: three attempts, exit 0, same invocation id")
def _():
    SRV.reset()
    thr = {"status": 400, "body": json.dumps({"__type": "ThrottlingException", "message": "Rate exceeded"})}
    SRV.script([thr, thr, {}])
    p, dt = cli("--debug")
    assert p.returncode == 0, p.stderr
    reqs = SRV.requests()
    assert [r["headers"]["amz-sdk-request"] for r in reqs] == \
        ["attempt=1; max=3", "attempt=2; max=3", "attempt=3; max=3"]
    assert len({r["headers"]["amz-sdk-invocation-id"] for r in reqs}) == 1
    assert len({r["headers"]["x-amz-date"] + r["headers"]["authorization"] for r in reqs}) == 3
    assert all(r["sig_ok"] for r in reqs)
    assert "retrying in " in p.stderr
    assert dt < (1 + 2 + 5) * SLOW   # full jitter: under 1 s then under 2 s, plus slack
    no_secrets(p.stdout + p.stderr, signatures(reqs))


@case("503 every time: exit 254 with the AWS CLI's message and the retries count")
def _():
    SRV.reset()
    SRV.script([{"status": 503, "body": json.dumps({"__type": "ServiceUnavailable", "message": "try later"})}] * 2)
    p, _ = cli(AWS_MAX_ATTEMPTS="2")
    assert p.returncode == 254, (p.returncode, p.stderr)
    assert "An error occurred (ServiceUnavailable) when calling the DescribeBatchInferenceJob " \
           "operation (reached max retries: 1): try later" in p.stderr, p.stderr
    assert len(SRV.requests()) == 2


@case("modelled error, not retried: exit 254, code and message from the body")
def _():
    SRV.reset()
    SRV.script([{"status": 400, "headers": {"X-Amzn-ErrorType": "ResourceNotFoundException:http://internal.amazon.com/"},
                 "body": json.dumps({"__type": "com.amazonaws.personalize#ResourceNotFoundException",
                                     "message": "Could not find job"})}])
    p, _ = cli()
    assert p.returncode == 254, p.stderr
    assert "An error occurred (ResourceNotFoundException) when calling the " \
           "DescribeBatchInferenceJob operation: Could not find job" in p.stderr, p.stderr
    assert len(SRV.requests()) == 1


@case("HTML error page from a proxy: exit 254 naming the status")
def _():
    SRV.reset()
    page = {"status": 502, "headers": {"Content-Type": "text/html"},
            "body": "<html><head><title>502 Bad Gateway</title></head><body>nginx</body></html>"}
    SRV.script([page] * 3)
    p, _ = cli()
    assert p.returncode == 254, p.stderr
    assert "An error occurred (502)" in p.stderr and "Bad Gateway" in p.stderr, p.stderr
    assert len(SRV.requests()) == 3


def dead_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


@case("connection refused: exit 255 in bounded time, no traceback, no secrets")
def _():
    p, dt = cli("--debug", url="http://127.0.0.1:%d" % dead_port(), AWS_MAX_ATTEMPTS="1")
    assert p.returncode == 255, (p.returncode, p.stderr)
    assert "127.0.0.1" in p.stderr
    assert dt < 5 * SLOW
    no_secrets(p.stdout + p.stderr)


@case("read timeout: --cli-read-timeout 1 against a server that never answers")
def _():
    SRV.reset()
    SRV.script([{"hang": 6}])
    p, dt = cli("--cli-read-timeout", "1", AWS_MAX_ATTEMPTS="1")
    assert p.returncode == 255, (p.returncode, p.stderr)
    assert "timeout" in p.stderr.lower() or "timed out" in p.stderr.lower(), p.stderr
    assert 0.9 < dt < 4 * SLOW, dt


@case("connection closed mid-body: retried, then success")
def _():
    SRV.reset()
    body = json.dumps({"batchInferenceJob": {"jobName": "after-reset"}})
    SRV.script([{"close_after": 7, "body": body}, {"body": body}])
    p, _ = cli()
    assert p.returncode == 0, p.stderr
    assert json.loads(p.stdout)["batchInferenceJob"]["jobName"] == "after-reset"
    assert len(SRV.requests()) == 2


@case("truncated JSON with a 200: exit 255, not a crash")
def _():
    SRV.reset()
    SRV.script([{"body": "{\"batchInferenceJob\": {\"jobName\": \"x\""}])
    p, _ = cli()
    assert p.returncode == 255, (p.returncode, p.stderr)
    assert p.stdout == ""


@case("a body over the 64 MiB cap: exit 255, one attempt")
def _():
    SRV.reset()
    SRV.script([{"huge": 64 * 1024 * 1024 + 1}])
    p, dt = cli()
    assert p.returncode == 255, (p.returncode, p.stderr)
    assert "limit" in p.stderr, p.stderr
    assert len(SRV.requests()) == 1


@case("sensitive output members print as the AWS CLI prints them; --redact-sensitive hides them "
      "(tiny model)")
def _():
    tiny = os.path.join(BUILD, "e2e", "tiny")
    model = os.path.abspath("tests/fixtures/models/tiny/service-2.yaml")
    made = subprocess.run(["make", "--no-print-directory", "cli", "BUILD=" + BUILD,
                           "MODEL=" + model, "CLI=" + os.path.abspath(tiny)],
                          capture_output=True, text=True, timeout=600)
    assert made.returncode == 0, made.stderr[-2000:]
    secret = "tiny-SECRET-value-5e2"
    body = json.dumps({"thing": {"name": "a", "secret": secret, "count": 3}})
    outputs = []
    for extra in (["--redact-sensitive"], []):
        SRV.reset()
        SRV.script([{"body": body}])
        p = subprocess.run([tiny, "put-thing", "--name", "a", "--endpoint-url", SRV.url] + extra,
                           capture_output=True, text=True, env=env(), timeout=60)
        assert p.returncode == 0, (p.returncode, p.stderr)
        [req] = SRV.requests()
        assert req["sig_ok"] and req["headers"]["x-amz-target"] == "TinyService.PutThing", req
        outputs.append(json.loads(p.stdout)["thing"])
    assert outputs[0] == {"name": "a", "secret": "*** sensitive ***", "count": 3}, outputs[0]
    assert outputs[1] == {"name": "a", "secret": secret, "count": 3}, outputs[1]


try:
    run("http_cli")
finally:
    SRV.stop()
