"""A loopback stand-in for the container credentials endpoint and EC2 instance metadata
(IMDSv2): checks what the real services check (the Authorization token; the session token
on every metadata GET) and counts the requests it serves."""
import json
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

    def do_PUT(self):
        self.server.hits.append(("PUT", self.path))
        if self.path == "/latest/api/token" and self.headers.get("X-aws-ec2-metadata-token-ttl-seconds"):
            return self.reply(200, IMDS_TOKEN)
        self.reply(400, "bad token request")

    def do_GET(self):
        self.server.hits.append(("GET", self.path))
        if self.path.startswith("/latest/"):
            if self.headers.get("X-aws-ec2-metadata-token") != IMDS_TOKEN:
                return self.reply(401, "missing or wrong token")
            if self.path == "/latest/meta-data/iam/security-credentials/":
                return self.reply(200, "test-role\n")
            if self.path == "/latest/meta-data/iam/security-credentials/test-role":
                creds = dict(CREDS, AccessKeyId="ASIAIMDS", Code="Success")
                return self.reply(200, json.dumps(creds))
            return self.reply(404, "not found")
        if self.path == "/creds":
            if self.headers.get("Authorization") != self.server.auth:
                return self.reply(403, "bad authorization")
            return self.reply(200, json.dumps(CREDS))
        self.reply(404, "not found")


def start(auth="container-auth-token"):
    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.hits = []
    server.auth = auth
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server
