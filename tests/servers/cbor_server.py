"""A loopback stand-in for an rpc-v2-cbor service (AWS Marketplace Entitlement Service,
GetEntitlements), for tests/e2e/test_cbor_e2e.py.

    python3 tests/servers/cbor_server.py --port 0    (prints "listening on PORT")

Every request is checked as AWS would: POST /service/AWSMPEntitlementService/operation/<Op>,
the rpc-v2-cbor headers, a SigV4 signature recomputed with botocore (service
aws-marketplace, the example credentials), and a CBOR body read by botocore's parser. The
answer is CBOR; the ProductCode picks it:
    "error"     400 InvalidParameterException with a message
    "throttle"  400 ThrottlingException (a retryable error)
    "html"      502 with an HTML page from a "proxy"
    otherwise   200: an empty page with NextToken "page-2", then (for that token) two
                entitlements (a fractional timestamp, values of several types)
A failed check answers 400/403 with the reason as an error's message, so the client shows
it. GET /log returns the requests seen (headers, decoded body) as JSON."""
import argparse
import hashlib
import io
import json
import struct
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import botocore.auth
import botocore.awsrequest
import botocore.credentials
import botocore.parsers
from botocore.compat import HTTPHeaders

ACCESS_KEY = "AKIDEXAMPLE"
SECRET_KEY = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"
SERVICE = "AWSMPEntitlementService"
SIGNING_NAME = "aws-marketplace"
NAMESPACE = "com.amazonaws.marketplaceentitlementservice"
LOG = []
LOCK = threading.Lock()


class Tag1(float):
    """A timestamp to write as tag 1 over a double."""


def cbor(v):
    """A minimal CBOR writer for the answers (definite lengths, smallest heads)."""
    def head(major, n):
        for info, width in ((24, 1), (25, 2), (26, 4), (27, 8)):
            if n < 24:
                return bytes([major << 5 | n])
            if n < 1 << (8 * width):
                return bytes([major << 5 | info]) + n.to_bytes(width, "big")
        raise ValueError(n)
    if isinstance(v, Tag1):
        return b"\xc1\xfb" + struct.pack(">d", v)
    if isinstance(v, bool):
        return b"\xf5" if v else b"\xf4"
    if isinstance(v, int):
        return head(0, v) if v >= 0 else head(1, -1 - v)
    if isinstance(v, float):
        return b"\xfb" + struct.pack(">d", v)
    if isinstance(v, str):
        return head(3, len(v.encode())) + v.encode()
    if isinstance(v, list):
        return head(4, len(v)) + b"".join(cbor(x) for x in v)
    if isinstance(v, dict):
        return head(5, len(v)) + b"".join(cbor(k) + cbor(x) for k, x in v.items())
    raise TypeError(type(v))


class Refused(Exception):
    def __init__(self, status, code, message):
        super().__init__(message)
        self.status, self.code, self.message = status, code, message


class ExactHeadersSigV4(botocore.auth.SigV4Auth):
    """botocore's SigV4 over exactly the headers the client says it signed."""

    def __init__(self, region, headers, signed):
        super().__init__(botocore.credentials.Credentials(ACCESS_KEY, SECRET_KEY), SIGNING_NAME,
                         region)
        self._signed = HTTPHeaders()
        for k in signed:
            self._signed[k] = headers.get(k, "")

    def headers_to_sign(self, request):
        return self._signed


def check_signature(method, path, headers, body):
    authz = headers.get("authorization", "")
    fields = dict(p.strip().split("=", 1) for p in authz.partition(" ")[2].split(",") if "=" in p)
    scope = fields.get("Credential", "").split("/")
    if len(scope) != 5 or scope[0] != ACCESS_KEY or scope[3] != SIGNING_NAME:
        raise Refused(403, "UnrecognizedClientException", f"bad credential scope {scope}")
    signed = fields.get("SignedHeaders", "").split(";")
    request = botocore.awsrequest.AWSRequest(method=method, url="http://" + headers["host"] + path,
                                             data=body)
    request.context["timestamp"] = headers.get("x-amz-date", "")
    signer = ExactHeadersSigV4(scope[2], headers, signed)
    string_to_sign = signer.string_to_sign(request, signer.canonical_request(request))
    if signer.signature(string_to_sign, request) != fields.get("Signature"):
        raise Refused(403, "InvalidSignatureException",
                      "The request signature we calculated does not match the signature you "
                      "provided.")


def check_protocol(path, headers):
    want = {"smithy-protocol": "rpc-v2-cbor", "accept": "application/cbor",
            "content-type": "application/cbor"}
    for k, v in want.items():
        if headers.get(k) != v:
            raise Refused(400, "ValidationException", f"header {k} is {headers.get(k)!r}")
    if "x-amz-target" in headers:
        raise Refused(400, "ValidationException", "X-Amz-Target is not allowed")
    if path != f"/service/{SERVICE}/operation/GetEntitlements":
        raise Refused(404, "UnknownOperationException", f"no operation at {path}")


def answer(request):
    code = request.get("ProductCode")
    if code == "error":
        raise Refused(400, "InvalidParameterException", "ProductCode error is not offered")
    if code == "throttle":
        raise Refused(400, "ThrottlingException", "Rate exceeded")
    return {
        "Entitlements": [
            {"ProductCode": code, "Dimension": "seats", "CustomerIdentifier": "c-1",
             "Value": {"IntegerValue": 25}, "ExpirationDate": Tag1(1764345600.123)},
            {"ProductCode": code, "Dimension": "tier", "CustomerAWSAccountId": "123456789012",
             "Value": {"StringValue": "gold"}, "ExpirationDate": 1764345601},
        ],
    } if request.get("NextToken") == "page-2" else {
        "Entitlements": [], "NextToken": "page-2"}


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):
        pass

    def send(self, status, body, ctype="application/cbor"):
        self.send_response(status)
        self.send_header("smithy-protocol", "rpc-v2-cbor")
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("x-amzn-RequestId", "cbor-req-1")
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self):
        with LOCK:
            self.send(200, json.dumps(LOG).encode(), "application/json")

    def do_POST(self):
        body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
        headers = {k.lower(): v for k, v in self.headers.items()}
        try:
            check_signature("POST", self.path, headers, body)
            check_protocol(self.path, headers)
            parser = botocore.parsers.RpcV2CBORParser()
            request = parser.parse_data_item(io.BufferedReader(io.BytesIO(body)))
            with LOCK:
                LOG.append({"path": self.path, "headers": headers, "body": request,
                            "sha256": hashlib.sha256(body).hexdigest()})
            if request.get("ProductCode") == "html":
                return self.send(502, b"<html><body>Bad Gateway</body></html>", "text/html")
            self.send(200, cbor(answer(request)))
        except Refused as r:
            self.send(r.status, cbor({"__type": f"{NAMESPACE}#{r.code}", "message": r.message}))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--port", type=int, default=0)
    args = ap.parse_args()
    server = ThreadingHTTPServer(("127.0.0.1", args.port), Handler)
    print(f"listening on {server.server_address[1]}", flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    return 0


if __name__ == "__main__":
    sys.exit(main())
