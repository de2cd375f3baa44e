"""A loopback stand-in for the container credentials endpoint and EC2 instance metadata
(IMDSv2): checks what the real services check (the Authorization token; the session token
on every metadata GET) and counts the requests it serves.

Knobs, set on the returned server object:
  auth        the Authorization value /creds requires
  imds_v1     True: the token PUT answers 403 (IMDSv2 off) and GETs need no token
  fail_next   answer this many requests with 500 before serving normally
  expiration  the Expiration every credentials document carries
  extra       members merged into every credentials document (e.g. a hostile Token)
  imds_token  the IMDSv2 session token the token PUT hands out

Run as a script (`creds_server.py HOST PORT`) it serves in the foreground: the relative-URI
container test starts it inside a private network namespace on 169.254.170.2:80."""
import json
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

CREDS = {"AccessKeyId": "ASIACONTAINER", "SecretAccessKey": "container-secret",
         "Token": "container-session-token", "Expiration": "2030-01-01T00:00:00Z"}
IMDS_TOKEN = "imds-session-token-123"


class Handler(BaseHTTPRequestHandler):
    def log_message(self, *args):
        pass

    def reply(self, status, body):
        data = body.encode()
        self.send_response(status)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def failing(self):
        if self.server.fail_next > 0:
            self.server.fail_next -= 1
            self.reply(500, "busy")
            return True
        return False

    def creds(self, **extra):
        return json.dumps(dict(CREDS, Expiration=self.server.expiration,
                               **dict(extra, **self.server.extra)))

    def do_PUT(self):
        self.server.hits.append(("PUT", self.path))
        if self.failing():
            return
        if self.server.imds_v1:
            return self.reply(403, "IMDSv2 is off")
        if self.path == "/latest/api/token" and self.headers.get("X-aws-ec2-metadata-token-ttl-seconds"):
            return self.reply(200, self.server.imds_token)
        self.reply(400, "bad token request")

    def do_GET(self):
        self.server.hits.append(("GET", self.path))
        if self.failing():
            return
        if self.path.startswith("/latest/"):
            if not self.server.imds_v1 and \
                    self.headers.get("X-aws-ec2-metadata-token") != self.server.imds_token:
                return self.reply(401, "missing or wrong token")
            if self.path == "/latest/meta-data/iam/security-credentials/":
                return self.reply(200, "test-role\n")
            if self.path == "/latest/meta-data/iam/security-credentials/test-role":
                return self.reply(200, self.creds(AccessKeyId="ASIAIMDS", Code="Success"))
            return self.reply(404, "not found")
        if self.path in ("/creds", "/v2/credentials/task-role"):
            if self.server.auth is not None and self.headers.get("Authorization") != self.server.auth:
                return self.reply(403, "bad authorization")
            return self.reply(200, self.creds())
        self.reply(404, "not found")


def start(auth="container-auth-token", host="127.0.0.1", port=0):
    server = ThreadingHTTPServer((host, port), Handler)
    server.hits = []
    server.auth = auth
    server.imds_v1 = False
    server.fail_next = 0
    server.expiration = CREDS["Expiration"]
    server.extra = {}
    server.imds_token = IMDS_TOKEN
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


if __name__ == "__main__":
    s = start(auth=None, host=sys.argv[1], port=int(sys.argv[2]))
    print("listening", flush=True)
    threading.Event().wait()
