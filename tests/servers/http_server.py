"""Loopback HTTP/1.1 server for the client tests (tests/runtime/test_client*.c).

Started by the C test as a child process. It prints "PORT <n>" on stdout, then answers
one command per stdin line with one stdout line:

  script <json list>   queue responses for the next requests (replacing the queue)
  stats                JSON: connections accepted, the requests seen since the last reset
  count                "<connections> <requests>" since the last reset
  req <i>              JSON of request i (0-based), or null
  reset                forget requests and connection counts
  quit

A response spec is an object; every field is optional:
  status (200), body (text, default {}), headers ({}), delay_ms (before the status line),
  trickle_ms (pause between body bytes), close_after (bytes of the body sent before the
  connection is closed, with the full Content-Length announced), huge (a body of that many
  bytes), no_length (no Content-Length, close to end the body), close (Connection: close),
  hang (never answer; the connection stays open until the client gives up), body_file (the
  body is that file's bytes), chunked (Transfer-Encoding: chunked in chunks of that many
  bytes, no Content-Length), checksum ("good" or "bad": an x-amz-checksum-crc32 header of
  the body, or of something else).

Each request is checked: the SigV4 signature is recomputed with botocore's SigV4Auth from
the headers the client says it signed, and gzip bodies are decompressed.
"""
import argparse
import base64
import gzip
import json
import socketserver
import sys
import threading
import time
import zlib
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials

LOCK = threading.Lock()
STATE = {"queue": [], "requests": [], "connections": 0}
ARGS = None


def check_signature(handler, body):
    auth = handler.headers.get("Authorization", "")
    if not auth.startswith("AWS4-HMAC-SHA256 "):
        return False, "no SigV4 Authorization header"
    parts = dict(p.strip().split("=", 1) for p in auth[len("AWS4-HMAC-SHA256 "):].split(","))
    scope = parts["Credential"].split("/")
    signed = parts["SignedHeaders"].split(";")
    headers = {}
    for name in signed:
        values = handler.headers.get_all(name) or [""]
        headers[name] = ",".join(values)
    token = handler.headers.get("X-Amz-Security-Token")
    creds = Credentials(ARGS.access_key, ARGS.secret_key, token)
    req = AWSRequest(method=handler.command, url="http://" + handler.headers["Host"] + handler.path,
                     data=body, headers=headers)
    req.context["timestamp"] = handler.headers["X-Amz-Date"]
    signer = SigV4Auth(creds, scope[3], scope[2])
    cr = signer.canonical_request(req)
    sts = signer.string_to_sign(req, cr)
    sig = signer.signature(sts, req)
    if scope[0] != ARGS.access_key:
        return False, "access key " + scope[0]
    if sig != parts["Signature"]:
        return False, "signature mismatch; botocore canonical request:\n" + cr
    return True, ""


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def setup(self):
        super().setup()
        with LOCK:
            STATE["connections"] += 1

    def log_message(self, fmt, *args):
        pass

    def do_POST(self):
        self.handle_one()

    def do_GET(self):
        self.handle_one()

    def do_PUT(self):
        self.handle_one()

    def do_DELETE(self):
        self.handle_one()

    def handle_one(self):
        length = int(self.headers.get("Content-Length", "0"))
        raw = self.rfile.read(length) if length else b""
        body = raw
        if self.headers.get("Content-Encoding") == "gzip":
            body = gzip.decompress(raw)
        try:
            ok, why = check_signature(self, raw)
        except Exception as e:  # a malformed header is a finding, not a crash
            ok, why = False, "signature check failed: %r" % e
        record = {
            "method": self.command,
            "path": self.path,
            "headers": {k.lower(): v for k, v in self.headers.items()},
            "body": body.decode("utf-8", "replace"),
            "raw_len": len(raw),
            "sig_ok": ok,
            "sig_why": why,
            "time": time.time(),
        }
        with LOCK:
            STATE["requests"].append(record)
            spec = STATE["queue"].pop(0) if STATE["queue"] else {}
        self.answer(spec)

    def answer(self, spec):
        if spec.get("hang"):
            time.sleep(spec.get("hang"))
            self.close_connection = True
            return
        if spec.get("delay_ms"):
            time.sleep(spec["delay_ms"] / 1000.0)
        status = spec.get("status", 200)
        if "huge" in spec:
            body = b"x" * spec["huge"]
        elif "body_file" in spec:
            with open(spec["body_file"], "rb") as f:
                body = f.read()
        else:
            body = spec.get("body", "{}").encode("utf-8")
        self.send_response_only(status)
        headers = {"Content-Type": "application/x-amz-json-1.1",
                   "x-amzn-RequestId": "req-%d" % len(STATE["requests"])}
        headers.update(spec.get("headers", {}))
        if spec.get("checksum"):
            summed = body if spec["checksum"] == "good" else body + b"!"
            crc = zlib.crc32(summed).to_bytes(4, "big")
            headers["x-amz-checksum-crc32"] = base64.b64encode(crc).decode("ascii")
        if spec.get("chunked"):
            headers["Transfer-Encoding"] = "chunked"
        for k, v in headers.items():
            self.send_header(k, v)
        if not spec.get("no_length") and not spec.get("chunked"):
            self.send_header("Content-Length", str(len(body)))
        if spec.get("close") or spec.get("no_length") or "close_after" in spec:
            self.send_header("Connection", "close")
            self.close_connection = True
        self.end_headers()
        try:
            if "close_after" in spec:
                self.wfile.write(body[:spec["close_after"]])
                self.wfile.flush()
                return
            if spec.get("chunked"):
                n = spec["chunked"]
                for i in range(0, len(body), n):
                    piece = body[i:i + n]
                    self.wfile.write(b"%x\r\n%s\r\n" % (len(piece), piece))
                self.wfile.write(b"0\r\n\r\n")
                return
            if spec.get("trickle_ms"):
                for i in range(len(body)):
                    self.wfile.write(body[i:i + 1])
                    self.wfile.flush()
                    time.sleep(spec["trickle_ms"] / 1000.0)
                return
            self.wfile.write(body)
        except (BrokenPipeError, ConnectionResetError):
            self.close_connection = True


class Server(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True

    def handle_error(self, request, client_address):
        # Clients hanging up (timeouts, size caps) are what the tests provoke: no traceback.
        if isinstance(sys.exc_info()[1], (ConnectionError, TimeoutError)):
            return
        super().handle_error(request, client_address)


def main():
    global ARGS
    ap = argparse.ArgumentParser()
    ap.add_argument("--access-key", default="AKIDEXAMPLE")
    ap.add_argument("--secret-key", default="wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY")
    ARGS = ap.parse_args()
    srv = Server(("127.0.0.1", 0), Handler)
    threading.Thread(target=srv.serve_forever, daemon=True).start()
    print("PORT %d" % srv.server_address[1], flush=True)
    for line in sys.stdin:
        cmd, _, arg = line.strip().partition(" ")
        if cmd == "script":
            with LOCK:
                STATE["queue"] = json.loads(arg)
            print("ok", flush=True)
        elif cmd == "stats":
            with LOCK:
                out = json.dumps({"connections": STATE["connections"],
                                  "requests": STATE["requests"]})
            print(out, flush=True)
        elif cmd == "count":
            with LOCK:
                print("%d %d" % (STATE["connections"], len(STATE["requests"])), flush=True)
        elif cmd == "req":
            with LOCK:
                i = int(arg)
                reqs = STATE["requests"]
                print(json.dumps(reqs[i]) if 0 <= i < len(reqs) else "null", flush=True)
        elif cmd == "reset":
            with LOCK:
                STATE["requests"] = []
                STATE["connections"] = 0
                STATE["queue"] = []
            print("ok", flush=True)
        elif cmd == "quit":
            break
        else:
            print("error unknown command", flush=True)
    srv.shutdown()


if __name__ == "__main__":
    main()
