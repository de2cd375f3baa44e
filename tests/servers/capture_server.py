"""A loopback server that records every POST, PUT, DELETE (and GET outside its own paths)
and answers with the smallest success body of the request's protocol, so two clients can be
compared by what they send. Started with a port of 0, it prints the port it listens on.

  GET /_log          the requests recorded since the last GET /_log, as JSON, and forgets them
  GET /_text/WORDS   answers 200 with WORDS as the body (a parameter value read from a URL)
  GET /_status/N     answers N (a URL that fails)
"""
import json
import sys
import threading
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

LOCK = threading.Lock()
LOG = []


def answer_for(headers, body):
    """(content type, body) of an empty success in the request's protocol."""
    ctype = headers.get("Content-Type", "")
    if "x-www-form-urlencoded" in ctype:
        form = dict(urllib.parse.parse_qsl(body.decode("utf-8", "replace")))
        action = form.get("Action", "Operation")
        if form.get("Version") == "2016-11-15":  # EC2: no Result wrapper
            xml = (f'<{action}Response xmlns="http://ec2.amazonaws.com/doc/2016-11-15/">'
                   f"<requestId>req-1</requestId></{action}Response>")
        else:
            xml = (f"<{action}Response><{action}Result></{action}Result><ResponseMetadata>"
                   f"<RequestId>req-1</RequestId></ResponseMetadata></{action}Response>")
        return "text/xml", xml.encode()
    if "x-amz-json" in ctype:
        return ctype, b"{}"
    return "application/json", b"{}"


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):
        pass

    def send(self, status, ctype, data):
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(data)))
        self.send_header("x-amzn-RequestId", "req-1")
        self.end_headers()
        self.wfile.write(data)

    def record(self):
        length = int(self.headers.get("Content-Length", "0"))
        body = self.rfile.read(length) if length else b""
        with LOCK:
            LOG.append({"method": self.command, "path": self.path,
                        "headers": [[k, v] for k, v in self.headers.items()],
                        "body": body.decode("latin-1")})
        ctype, data = answer_for(self.headers, body)
        self.send(200, ctype, data)

    def do_GET(self):
        if self.path == "/_log":
            with LOCK:
                data = json.dumps(LOG).encode()
                LOG.clear()
            return self.send(200, "application/json", data)
        if self.path.startswith("/_text/"):
            text = urllib.parse.unquote(self.path[len("/_text/"):])
            return self.send(200, "text/plain; charset=utf-8", text.encode())
        if self.path.startswith("/_status/"):
            return self.send(int(self.path[len("/_status/"):]), "text/plain", b"no")
        self.record()

    do_POST = do_PUT = do_DELETE = do_PATCH = do_HEAD = record


def main():
    server = ThreadingHTTPServer(("127.0.0.1", int(sys.argv[1]) if len(sys.argv) > 1 else 0),
                                 Handler)
    print(server.server_address[1], flush=True)
    server.serve_forever()


if __name__ == "__main__":
    main()
