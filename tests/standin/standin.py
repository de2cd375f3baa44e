"""Starts and drives the Personalize stand-in from a test.

    with StandIn() as s:
        s.control(throttle=2)
        ... point a client at s.endpoint ...
        assert s.requests() == []

The server runs as a child process on a free loopback port and is always stopped on exit.
"""
import json
import os
import selectors
import subprocess
import sys
import tempfile
import urllib.request

HERE = os.path.dirname(os.path.abspath(__file__))
SERVER = os.path.join(HERE, "personalize_server.py")

ACCESS_KEY = "AKIDEXAMPLE"
SECRET_KEY = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"
REGION = "us-west-2"

# urllib honours http_proxy; the stand-in is always reached directly.
_direct = urllib.request.build_opener(urllib.request.ProxyHandler({}))


class StandIn:
    def __init__(self, *args, start_timeout=20):
        """args: extra command-line options for personalize_server.py."""
        self.args = list(args)
        self.start_timeout = start_timeout
        self.proc = None
        self.port = None
        self.stderr = tempfile.TemporaryFile()

    @property
    def endpoint(self):
        return f"http://127.0.0.1:{self.port}"

    def start(self):
        self.proc = subprocess.Popen(
            [sys.executable, SERVER, "--port", "0", *self.args],
            stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=self.stderr)
        with selectors.DefaultSelector() as sel:
            sel.register(self.proc.stdout, selectors.EVENT_READ)
            ready = sel.select(self.start_timeout)
        line = self.proc.stdout.readline().decode() if ready else ""
        if not line.startswith("listening on "):
            self.stop()
            raise RuntimeError(f"stand-in did not start: {line!r} {self.errors()}")
        self.port = int(line.split()[-1])
        return self

    def stop(self):
        if self.proc and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=5)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(timeout=5)
        if self.proc and self.proc.stdout:
            self.proc.stdout.close()

    def errors(self):
        """What the server printed on stderr so far (internal errors show up here)."""
        self.stderr.seek(0)
        return self.stderr.read().decode(errors="replace")

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.stop()
        self.stderr.close()

    def _call(self, method, path, body=None):
        data = None if body is None else json.dumps(body).encode()
        req = urllib.request.Request(self.endpoint + path, data=data, method=method,
                                     headers={"Content-Type": "application/json"})
        with _direct.open(req, timeout=10) as resp:
            return json.loads(resp.read() or b"{}")

    def control(self, **switches):
        """Sets fault switches (see README.md); returns what is pending."""
        return self._call("POST", "/__control", switches)["pending"]

    def pending(self):
        return self._call("GET", "/__control")["pending"]

    def requests(self):
        """Every AWS-shaped request the stand-in received, oldest first."""
        return self._call("GET", "/__requests")["requests"]

    def reset(self):
        """Forgets jobs, pending faults and recorded requests."""
        self._call("POST", "/__reset", {})


def client_env(extra=None):
    """Environment for a client process: the example credentials, the region, no proxy, no
    shared config files from the machine and no instance metadata lookups (loopback only)."""
    env = {k: v for k, v in os.environ.items()
           if not k.startswith("AWS_") and k.lower() not in ("http_proxy", "https_proxy")}
    env.update({"AWS_ACCESS_KEY_ID": ACCESS_KEY, "AWS_SECRET_ACCESS_KEY": SECRET_KEY,
                "AWS_REGION": REGION, "AWS_DEFAULT_REGION": REGION,
                "AWS_CONFIG_FILE": os.devnull, "AWS_SHARED_CREDENTIALS_FILE": os.devnull,
                "AWS_EC2_METADATA_DISABLED": "true",
                "NO_PROXY": "127.0.0.1,localhost", "no_proxy": "127.0.0.1,localhost"})
    env.update(extra or {})
    return env
