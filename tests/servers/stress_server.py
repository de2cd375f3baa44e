#!/usr/bin/env python3
"""Loopback server for the thread stress test (tests/runtime/test_threads_stress.c): a
container credentials endpoint that hands out a new key on every fetch, with credentials
that expire quickly, and Personalize's DescribeBatchInferenceJob, whose every request has
its SigV4 signature checked by the stand-in's botocore-based verifier against the key it
names. Some calls are answered with 500, 503 or throttling first, by a rule the client
cannot influence, so the test knows how many requests to expect.

    python3 tests/servers/stress_server.py TOKEN

TOKEN is the Authorization value /creds requires. The first stdout line is "PORT n". Then
one command per stdin line, one JSON reply line each:
    lifetime MS   credentials fetched from now on expire MS after their fetch
    stats         counters (see STATS; connections counts those that carried calls)
EOF stops the server."""
import datetime
import hashlib
import json
import os
import secrets
import socket
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "standin"))
from personalize_server import ApiError, Verifier  # noqa: E402

REGION = "us-west-2"
TARGET = "AmazonPersonalize.DescribeBatchInferenceJob"
# A key stays acceptable this long after it expires: a request signed just before expiry
# may arrive just after (AWS allows the same).
GRACE_S = 60

lock = threading.Lock()
keys = {}                       # access key -> (secret, token, expires epoch)
lifetime_ms = [300_000 + 50]    # default: 50 ms outside the client's 5-minute margin
STATS = {"requests": 0, "ok": 0, "faults": 0, "rejected": 0, "fetches": 0,
         "keys_used": 0, "bad_input": 0, "connections": 0}
used = set()


def fault_for(invocation_id, attempt):
    """The fault an attempt gets: decided by the invocation id (the same on every attempt
    of a call) so each call is retried at most twice."""
    h = int(hashlib.sha256(invocation_id.encode()).hexdigest()[:8], 16) % 8
    if h == 0 and attempt == 1:
        return 500, "InternalFailure", "We encountered an internal error."
    if h == 1 and attempt == 1:
        return 400, "ThrottlingException", "Rate exceeded"
    if h == 2 and attempt <= 2:
        return 503, "ServiceUnavailable", "Service unavailable"
    return None


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):
        pass

    def setup(self):
        super().setup()
        # The headers and the body go out in two writes: without this, Nagle holds the body
        # until the client's delayed ACK (40 ms a response).
        self.request.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self.counted = False

    def reply(self, status, payload, extra=()):
        data = json.dumps(payload).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/x-amz-json-1.1")
        self.send_header("Content-Length", str(len(data)))
        self.send_header("x-amzn-RequestId", secrets.token_hex(8))
        for name, value in extra:
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(data)

    def error(self, status, code, message):
        self.reply(status, {"__type": code, "message": message}, [("x-amzn-ErrorType", code)])

    def do_GET(self):
        if self.path != "/creds" or self.headers.get("Authorization") != self.server.token:
            return self.reply(403, {"error": "forbidden"})
        now = datetime.datetime.now(datetime.timezone.utc)
        with lock:
            STATS["fetches"] += 1
            n = STATS["fetches"]
            expires = now + datetime.timedelta(milliseconds=lifetime_ms[0])
            ak, sk, tok = f"ASIASTRESS{n:06d}", secrets.token_hex(20), f"token-{n}-" + secrets.token_hex(16)
            keys[ak] = (sk, tok, expires.timestamp())
        self.reply(200, {"AccessKeyId": ak, "SecretAccessKey": sk, "Token": tok,
                         "Expiration": expires.strftime("%Y-%m-%dT%H:%M:%S.")
                         + f"{expires.microsecond // 1000:03d}Z"})

    def do_POST(self):
        body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
        headers = list(self.headers.items())
        with lock:
            STATS["requests"] += 1
            if not self.counted:   # connections that carried calls, not credential fetches
                STATS["connections"] += 1
                self.counted = True
        try:
            ak = self.authorize(headers, body)
        except ApiError as e:
            with lock:
                STATS["rejected"] += 1
            sys.stderr.write(f"rejected: {e.code}: {e.message}\n")
            return self.error(e.status, e.code, e.message)
        try:
            arn = json.loads(body)["batchInferenceJobArn"]
            name = arn.rsplit("/", 1)[1]
            attempt = int(self.headers["amz-sdk-request"].split(";")[0].split("=")[1])
            invocation = self.headers["amz-sdk-invocation-id"]
            assert self.headers["X-Amz-Target"] == TARGET
        except (ValueError, KeyError, IndexError, TypeError, AssertionError):
            with lock:
                STATS["bad_input"] += 1
            return self.error(400, "InvalidInputException", "bad request")
        fault = fault_for(invocation, attempt)
        with lock:
            used.add(ak)
            STATS["keys_used"] = len(used)
            STATS["faults" if fault else "ok"] += 1
        if fault:
            return self.error(*fault)
        self.reply(200, {"batchInferenceJob": {
            "jobName": name, "batchInferenceJobArn": arn, "status": "ACTIVE",
            "numResults": len(name), "roleArn": f"arn:aws:iam::123456789012:role/{name}",
            "solutionVersionArn": "arn:aws:personalize:us-west-2:123456789012:solution/s/1",
            "jobInput": {"s3DataSource": {"path": f"s3://bucket/{name}/in.json"}},
            "jobOutput": {"s3DataDestination": {"path": f"s3://bucket/{name}/out/"}}}})

    def authorize(self, headers, body):
        """The stand-in's checks, with the secret of whichever issued key signed."""
        authz = self.headers.get("Authorization", "")
        ak = authz.partition("Credential=")[2].split("/")[0]
        now = datetime.datetime.now(datetime.timezone.utc).timestamp()
        with lock:
            entry = keys.get(ak)
        if entry is None or now > entry[2] + GRACE_S:
            raise ApiError(403, "UnrecognizedClientException",
                           "The security token included in the request is invalid.")
        Verifier(ak, entry[0], entry[1], REGION).verify("POST", self.path, headers, body)
        return ak


def main():
    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    server.token = sys.argv[1] if len(sys.argv) > 1 else "stress-token"
    threading.Thread(target=server.serve_forever, daemon=True).start()
    print(f"PORT {server.server_address[1]}", flush=True)
    for line in sys.stdin:
        cmd = line.split()
        with lock:
            if cmd and cmd[0] == "lifetime":
                lifetime_ms[0] = int(cmd[1])
                reply = {"lifetime_ms": lifetime_ms[0]}
            elif cmd and cmd[0] == "stats":
                reply = dict(STATS)
            else:
                reply = {"error": line.strip()}
        print(json.dumps(reply), flush=True)
    server.shutdown()


if __name__ == "__main__":
    main()
