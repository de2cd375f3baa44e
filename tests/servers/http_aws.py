"""A loopback stand-in for an AWS JSON service, scripted by the request path, for the
client tests (tests/runtime/test_client.c starts it and reads the port from stdout).

Every request goes to /s/<scenario>/<key>; requests with the same key share a counter, so
"fail the first two, then succeed" needs no state in the client. The server records what
it saw per key (headers, the TCP connection it came on, the body after gzip decoding) and
GET /log/<key> returns that record as JSON. GET /conns returns the number of TCP
connections accepted so far."""
import gzip
import json
import socket
import struct
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

LOCK = threading.Lock()
SEEN = {}          # key -> list of request records
CONNS = [0]


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"   # keep-alive, as AWS endpoints do

    def log_message(self, *args):
        pass

    def setup(self):
        super().setup()
        with LOCK:
            CONNS[0] += 1
            self.conn_id = CONNS[0]

    def reply(self, status, body, ctype="application/x-amz-json-1.1", headers=()):
        data = body.encode() if isinstance(body, str) else body
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(data)))
        self.send_header("x-amzn-RequestId", "req-%d" % self.n)
        for k, v in headers:
            self.send_header(k, v)
        self.end_headers()
        self.wfile.write(data)

    def do_GET(self):
        self.n = 0
        if self.path == "/conns":
            return self.reply(200, json.dumps({"conns": CONNS[0]}), "application/json")
        if self.path.startswith("/log/"):
            with LOCK:
                rec = SEEN.get(self.path[5:], [])
                return self.reply(200, json.dumps(rec), "application/json")
        self.reply(404, "no")

    def do_POST(self):
        parts = self.path.split("/")
        scenario, key = (parts[2], parts[3]) if len(parts) >= 4 else ("ok", "none")
        length = int(self.headers.get("Content-Length", "0"))
        raw = self.rfile.read(length)
        body = raw
        gz = self.headers.get("Content-Encoding") == "gzip"
        if gz:
            body = gzip.decompress(raw)
        rec = {"headers": {k.lower(): v for k, v in self.headers.items()}, "conn": self.conn_id,
               "body": body.decode("utf-8", "replace"), "wire_len": len(raw), "gzip": gz}
        with LOCK:
            SEEN.setdefault(key, []).append(rec)
            self.n = len(SEEN[key])
        getattr(self, "s_" + scenario)()

    # ---- scenarios ----

    def s_ok(self):
        h = {k.lower(): v for k, v in self.headers.items()}
        problems = []
        if not h.get("x-amz-target", "").startswith("Test_20240101."):
            problems.append("target")
        if h.get("content-type") != "application/x-amz-json-1.1":
            problems.append("content-type")
        if not h.get("authorization", "").startswith("AWS4-HMAC-SHA256 Credential=AKIDTEST/"):
            problems.append("authorization")
        if "x-amz-date" not in h or "expect" in h:
            problems.append("date/expect")
        if problems:
            return self.reply(400, json.dumps({"__type": "BadRequest", "message": ",".join(problems)}))
        self.reply(200, json.dumps({"ok": True, "n": self.n}))

    def s_flaky(self):      # 500, 503, then success
        if self.n == 1:
            return self.reply(500, json.dumps({"__type": "InternalFailure", "message": "boom"}))
        if self.n == 2:
            return self.reply(503, "")
        self.s_ok()

    def s_throttle(self):   # throttled once, as AWS answers: header and __type
        if self.n == 1:
            return self.reply(400, json.dumps({"__type": "ThrottlingException",
                                               "message": "Rate exceeded"}),
                              headers=[("X-Amzn-ErrorType", "ThrottlingException:http://internal/")])
        self.s_ok()

    def s_modelled(self):   # a modelled retryable exception once
        if self.n == 1:
            return self.reply(409, json.dumps({"__type": "com.test#RetryMeException", "message": "again"}))
        self.s_ok()

    def s_down(self):       # always 503
        self.reply(503, json.dumps({"__type": "ServiceUnavailable", "message": "down"}))

    def s_bad(self):        # non-retryable 400
        self.reply(400, json.dumps({"__type": "com.amazonaws.test#ValidationException",
                                    "Message": "field x is bad"}))

    def s_html(self):
        self.reply(403, "<html><head><title>403 Forbidden</title></head><body>nope</body></html>",
                   "text/html")

    def s_big(self):        # 2 MiB, announced
        self.reply(200, b'"' + b"x" * (2 << 20) + b'"')

    def s_bigchunked(self):  # 2 MiB, chunked: no Content-Length to refuse early
        self.send_response(200)
        self.send_header("Transfer-Encoding", "chunked")
        self.end_headers()
        chunk = b"y" * 65536
        try:
            for _ in range(32):
                self.wfile.write(b"%x\r\n%s\r\n" % (len(chunk), chunk))
            self.wfile.write(b"0\r\n\r\n")
        except OSError:
            pass

    def s_stall(self):      # headers never come
        time.sleep(4)
        self.close_connection = True

    def s_okthenstall(self):  # the second request on a kept-alive connection stalls
        if self.n == 1:
            return self.s_ok()
        self.s_stall()

    def s_reset(self):      # half a body, then a TCP reset
        self.send_response(200)
        self.send_header("Content-Length", "1000")
        self.end_headers()
        self.wfile.write(b'{"partial": "')
        self.wfile.flush()
        self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        self.close_connection = True
        self.connection.close()

    def s_resetonce(self):  # a reset, then success
        if self.n == 1:
            return self.s_reset()
        self.s_ok()

    def s_echo(self):       # what arrived, for the compression tests
        self.reply(200, json.dumps({"gzip": self.headers.get("Content-Encoding") == "gzip"}))


class Server(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True

    def handle_error(self, request, client_address):
        pass   # resets and refusals are what several scenarios are about


def main():
    srv = Server(("127.0.0.1", 0), Handler)
    if len(sys.argv) == 4 and sys.argv[1] == "--tls":   # --tls CERT KEY
        import ssl
        ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        ctx.load_cert_chain(sys.argv[2], sys.argv[3])
        srv.socket = ctx.wrap_socket(srv.socket, server_side=True)
    print(srv.server_address[1], flush=True)
    # The test closes our stdin when it is done: exit then, even if it crashed.
    threading.Thread(target=srv.serve_forever, daemon=True).start()
    sys.stdin.read()


if __name__ == "__main__":
    main()
