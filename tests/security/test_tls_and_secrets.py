"""Security checks (issue 5, item 6).

TLS: a self-signed certificate made at test time with openssl (SAN IP:127.0.0.1), and a
TLS-terminating proxy on 127.0.0.1 that forwards the bytes to the Personalize stand-in, so
the answers are the stand-in's and the signatures are still verified by it. The program and
the call API must refuse the certificate by default, accept it with --no-verify-ssl /
no_verify_ssl, and accept it when AWS_CA_BUNDLE / ca_bundle names it; a certificate for
another host name is refused even when trusted.

Secrets: the program with --debug and AWS_SESSION_TOKEN, and the call API with a debug log
callback and a session token, go through a plain recording proxy that captures the bytes
they send; every Signature=... they sent is taken from there (and recomputed from the
"string to sign" the debug log shows, which must give the same set). No output may hold the
secret key, the session token, a signature, the derived signing key or a value of a
`sensitive` member (Tag keys and values). Then the stand-in's own log, and every log file
under $BUILD/test-logs/ (what tests/run.sh kept of each suite run before this one), are
scanned for the example secret key and every session token the tests use. Found secrets are
reported by label and place, never printed.
"""
import glob
import hashlib
import hmac
import json
import os
import re
import select
import socket
import ssl
import subprocess
import sys
import tempfile
import threading

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(os.path.dirname(HERE), "faults"))
from faultlib import (ACCESS_KEY, BUILD, JOB_ARN, REGION, ROLE, ROOT,  # noqa: E402
                      SECRET_KEY, SOLUTION, Logged, call_driver, client_env, driver_result,
                      program, timed)
from pyharness import case, run as run_cases  # noqa: E402

SESSION_TOKEN = "IQoJSECURITYtestSESSIONtoken-4f1c9a7e2b"
WRONG_SECRET = "wrongSECRETkeyFORtests0123456789abcdefgh"
SENSITIVE = ("SENSITIVE-tag-key-7d3", "SENSITIVE-tag-value-91b")
WORK = tempfile.mkdtemp(prefix="acg-security-")
S = Logged("--session-token", SESSION_TOKEN)
# Explicit credentials for the call API (a session token in the config goes with explicit keys).
CREDENTIALS = ["--access-key", ACCESS_KEY, "--secret-key", SECRET_KEY,
               "--session-token", SESSION_TOKEN]
OUTPUTS = []  # (label, text) of everything this suite's clients printed


def make_cert(name, subject_alt_name):
    """A self-signed certificate and key (PEM files in WORK); returns (cert, key) paths."""
    cert, key = os.path.join(WORK, name + ".pem"), os.path.join(WORK, name + ".key")
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
                    "-subj", "/CN=localhost", "-addext", "subjectAltName=" + subject_alt_name,
                    "-keyout", key, "-out", cert],
                   check=True, capture_output=True, timeout=60)
    return cert, key


class Proxy:
    """Forwards each TCP connection to the stand-in, terminating TLS first when given a
    server context, and keeps every byte clients sent (for the signatures)."""

    def __init__(self, upstream_port, context=None):
        self.upstream_port = upstream_port
        self.context = context
        self.sent = bytearray()
        self.handshake_failures = []
        self.lock = threading.Lock()
        self.threads = []
        self.sockets = []
        self.listener = None

    def __enter__(self):
        self.listener = socket.socket()
        self.listener.bind(("127.0.0.1", 0))
        self.listener.listen(16)
        self.port = self.listener.getsockname()[1]
        self._spawn(self._accept)
        return self

    def __exit__(self, *exc):
        # shutdown() wakes the threads blocked in accept(), select() or recv(); close() alone
        # does not.
        with self.lock:
            for s in [self.listener, *self.sockets]:
                try:
                    s.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass
                s.close()
        for t in self.threads:
            t.join(timeout=5)

    def _spawn(self, fn, *args):
        t = threading.Thread(target=fn, args=args, daemon=True)
        self.threads.append(t)
        t.start()

    def _accept(self):
        while True:
            try:
                conn, _ = self.listener.accept()
            except OSError:
                return
            with self.lock:
                self.sockets.append(conn)
            self._spawn(self._serve, conn)

    def _serve(self, conn):
        conn.settimeout(20)
        if self.context is not None:
            try:
                conn = self.context.wrap_socket(conn, server_side=True)
            except (ssl.SSLError, OSError) as e:
                with self.lock:
                    self.handshake_failures.append(str(e))
                conn.close()
                return
        upstream = socket.create_connection(("127.0.0.1", self.upstream_port), timeout=20)
        with self.lock:
            self.sockets += [conn, upstream]
        try:
            while True:
                pending = isinstance(conn, ssl.SSLSocket) and conn.pending()
                ready = [conn] if pending else select.select([conn, upstream], [], [], 20)[0]
                if not ready:
                    return
                for s in ready:
                    data = s.recv(65536)
                    if not data:
                        return
                    if s is conn:
                        with self.lock:
                            self.sent += data
                        upstream.sendall(data)
                    else:
                        conn.sendall(data)
        except (OSError, ssl.SSLError):
            return
        finally:
            conn.close()
            upstream.close()

    def signatures(self):
        with self.lock:
            return set(re.findall(rb"Signature=([0-9a-f]{64})", bytes(self.sent)))

    def sent_text(self):
        with self.lock:
            return bytes(self.sent).decode("utf-8", errors="replace")


def cli(endpoint, *args, env=None):
    result, seconds = timed([program(), *args, "--endpoint-url", endpoint, "--region", REGION],
                            env=client_env(env))
    assert seconds < 30, f"{seconds:.1f} s"
    OUTPUTS.append((f"program {' '.join(args[:1])}", result.stdout + result.stderr))
    return result


def api(endpoint, *args):
    result, seconds = timed([call_driver(), "--endpoint", endpoint, "--region", REGION, *args])
    assert seconds < 30, f"{seconds:.1f} s"
    OUTPUTS.append((f"call API {' '.join(args[-1:])}", result.stdout + result.stderr))
    return driver_result(result), result


# --- TLS -------------------------------------------------------------------------------

CERT = KEY = OTHER_CERT = OTHER_KEY = None


def tls_context(cert, key):
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert, key)
    return context


def tls_proxy(cert=None, key=None):
    return Proxy(S.port, tls_context(cert or CERT, key or KEY))


def ok_list(result):
    assert result.returncode == 0, (result.returncode, result.stdout, result.stderr)
    assert json.loads(result.stdout) == {"batchInferenceJobs": []}, result.stdout


def tls_env(extra=None):
    env = {"AWS_SESSION_TOKEN": SESSION_TOKEN}
    env.update(extra or {})
    return env


@case("TLS, program: a self-signed certificate is refused by default (255, names it)")
def _():
    S.reset()
    with tls_proxy() as p:
        result = cli(f"https://127.0.0.1:{p.port}", "list-batch-inference-jobs", env=tls_env())
    assert result.returncode == 255, (result.returncode, result.stdout, result.stderr)
    assert result.stdout == "", result.stdout
    assert re.search(r"certificate", result.stderr, re.I), result.stderr
    assert S.logged() == [], S.logged()  # nothing got through


@case("TLS, program: --no-verify-ssl accepts it and the call succeeds")
def _():
    S.reset()
    with tls_proxy() as p:
        result = cli(f"https://127.0.0.1:{p.port}", "list-batch-inference-jobs", "--no-verify-ssl",
                     env=tls_env())
    ok_list(result)
    assert [r["verdict"] for r in S.logged()] == ["ok"], S.logged()


@case("TLS, program: AWS_CA_BUNDLE naming the certificate accepts it")
def _():
    S.reset()
    with tls_proxy() as p:
        result = cli(f"https://127.0.0.1:{p.port}", "list-batch-inference-jobs",
                     env=tls_env({"AWS_CA_BUNDLE": CERT}))
    ok_list(result)
    assert [r["verdict"] for r in S.logged()] == ["ok"], S.logged()


@case("TLS, program: a trusted certificate for another host name is refused (255)")
def _():
    S.reset()
    with tls_proxy(OTHER_CERT, OTHER_KEY) as p:
        result = cli(f"https://127.0.0.1:{p.port}", "list-batch-inference-jobs",
                     env=tls_env({"AWS_CA_BUNDLE": OTHER_CERT}))
    assert result.returncode == 255, (result.returncode, result.stdout, result.stderr)
    assert re.search(r"certificate|host name", result.stderr, re.I), result.stderr
    assert S.logged() == [], S.logged()


@case("TLS, call API: refused by default, accepted with no_verify_ssl and with ca_bundle")
def _():
    S.reset()
    with tls_proxy() as p:
        endpoint = f"https://127.0.0.1:{p.port}"
        out, _ = api(endpoint, *CREDENTIALS, "list")
        assert out["rc"] == "transport error", out
        assert re.search(r"certificate", out["message"], re.I), out
        assert S.logged() == [], S.logged()
        out, _ = api(endpoint, *CREDENTIALS, "--no-verify-ssl", "list")
        assert out["rc"] == "ok", out
        out, _ = api(endpoint, *CREDENTIALS, "--ca-bundle", CERT, "list")
        assert out["rc"] == "ok", out
    assert [r["verdict"] for r in S.logged()] == ["ok", "ok"], S.logged()


# --- secrets in output -----------------------------------------------------------------

def signing_keys(secret, sent):
    """Hex SigV4 signing keys for every credential scope date found in the sent bytes."""
    keys = set()
    for day in set(re.findall(r"Credential=[^/]+/(\d{8})/", sent)):
        k = hmac.new(("AWS4" + secret).encode(), day.encode(), hashlib.sha256).digest()
        for part in (REGION, "personalize", "aws4_request"):
            k = hmac.new(k, part.encode(), hashlib.sha256).digest()
        keys.add(k.hex())
    return keys


def recomputed_signatures(text, secret):
    """Signatures for each 'string to sign' block the debug log shows."""
    lines = [re.sub(r"^(\S+Z DEBUG |call_driver DEBUG )", "", line) for line in text.splitlines()]
    found = set()
    for i, line in enumerate(lines):
        if line == "string to sign:":
            string_to_sign = "\n".join(lines[i + 1:i + 5])
            day = lines[i + 3].split("/")[0]
            k = hmac.new(("AWS4" + secret).encode(), day.encode(), hashlib.sha256).digest()
            for part in lines[i + 3].split("/")[1:]:
                k = hmac.new(k, part.encode(), hashlib.sha256).digest()
            found.add(hmac.new(k, string_to_sign.encode(), hashlib.sha256).hexdigest().encode())
    return found


def assert_clean(label, text, secrets):
    """No secret value in text; a hit is reported by its label and offset only."""
    hits = [f"{name} at offset {text.find(value)}" for name, value in secrets
            if value and value in text]
    assert not hits, f"{label} printed secrets: {hits}"


def safe(text):
    """text for a failure message: the known secrets and any signature replaced by labels."""
    for name, value in (("secret key", SECRET_KEY), ("wrong secret key", WRONG_SECRET),
                        ("session token", SESSION_TOKEN), ("tag key", SENSITIVE[0]),
                        ("tag value", SENSITIVE[1])):
        text = text.replace(value, f"<{name}>")
    return re.sub(r"[0-9a-f]{64}", "<64 hex digits>", text)


def secret_list(proxy):
    """Labelled secret values: keys, token, sensitive values, and what the proxy saw signed."""
    sent = proxy.sent_text()
    keys = signing_keys(SECRET_KEY, sent) | signing_keys(WRONG_SECRET, sent)
    return ([("the secret key", SECRET_KEY), ("the wrong secret key", WRONG_SECRET),
             ("the session token", SESSION_TOKEN),
             ("the sensitive tag key", SENSITIVE[0]), ("the sensitive tag value", SENSITIVE[1])]
            + [(f"signature #{i}", s.decode()) for i, s in enumerate(sorted(proxy.signatures()))]
            + [(f"signing key #{i}", k) for i, k in enumerate(sorted(keys))])


@case("secrets, program --debug: create/describe/list, service, retry and transport errors")
def _():
    S.reset()
    runs = []
    with Proxy(S.port) as p:
        endpoint = f"http://127.0.0.1:{p.port}"
        env = {"AWS_SESSION_TOKEN": SESSION_TOKEN}
        tags = json.dumps([{"tagKey": SENSITIVE[0], "tagValue": SENSITIVE[1]}])
        create = cli(endpoint, "create-batch-inference-job", "--debug", "--job-name", "sec-1",
                     "--solution-version-arn", SOLUTION, "--role-arn", ROLE,
                     "--job-input", '{"s3DataSource": {"path": "s3://bucket/in.json"}}',
                     "--job-output", '{"s3DataDestination": {"path": "s3://bucket/out/"}}',
                     "--tags", tags, env=env)
        runs.append((create, 0))
        runs.append((cli(endpoint, "describe-batch-inference-job", "--debug",
                         "--batch-inference-job-arn", JOB_ARN + "sec-1", env=env), 0))
        runs.append((cli(endpoint, "describe-batch-inference-job", "--debug",
                         "--batch-inference-job-arn", JOB_ARN + "missing", env=env), 254))
        runs.append((cli(endpoint, "list-batch-inference-jobs", "--debug", env=env), 0))
        S.control(throttle=3)
        runs.append((cli(endpoint, "list-batch-inference-jobs", "--debug", env=env), 254))
        S.control(truncate=1)
        runs.append((cli(endpoint, "list-batch-inference-jobs", "--debug", env=env), 255))
        runs.append((cli(endpoint, "create-batch-inference-job", "--debug", "--job-name", "sec-1",
                         "--solution-version-arn", SOLUTION, "--role-arn", ROLE,
                         "--job-input", '{"s3DataSource": {"path": "s3://bucket/in.json"}}',
                         "--job-output", '{"s3DataDestination": {"path": "s3://bucket/out/"}}',
                         "--tags", json.dumps([{"tagKey": SENSITIVE[0] + "#",
                                                "tagValue": SENSITIVE[1]}]), env=env), 252))
        runs.append((cli(endpoint, "list-batch-inference-jobs", "--debug",
                         env=dict(env, AWS_SECRET_ACCESS_KEY=WRONG_SECRET)), 254))
        runs.append((cli(endpoint, "list-batch-inference-jobs", "--debug",
                         env=dict(env, AWS_SESSION_TOKEN=SESSION_TOKEN + "x")), 254))
    for result, status in runs:
        assert result.returncode == status, \
            (status, result.returncode, safe(result.stderr[-2000:]))
    verdicts = [r["verdict"] for r in S.logged()]
    assert verdicts == ["ok", "ok", "ResourceNotFoundException", "ok", "throttle", "throttle",
                        "throttle", "ok", "InvalidSignatureException",
                        "UnrecognizedClientException"], verdicts
    # The capture is real: one signature per request sent, the token was on the wire, and
    # the debug log's strings to sign give exactly the signatures sent with the right key.
    sent = p.sent_text()
    assert SESSION_TOKEN in sent and len(p.signatures()) == len(verdicts), len(p.signatures())
    shown = "\n".join(r.stderr for i, (r, _) in enumerate(runs) if i != 7)
    expected = recomputed_signatures(shown, SECRET_KEY) | \
        recomputed_signatures(runs[7][0].stderr, WRONG_SECRET)  # run #7 signs with the wrong key
    assert expected == p.signatures(), "the debug log's strings to sign give other signatures"
    secrets = secret_list(p)
    for i, (result, _) in enumerate(runs):
        assert "string to sign" in result.stderr or i == 6, safe(result.stderr[-2000:])  # 252
        assert_clean(f"program run #{i}", result.stdout + result.stderr, secrets)


@case("secrets, call API with a debug log: ok, modelled error, retries, validation error")
def _():
    S.reset()
    with Proxy(S.port) as p:
        endpoint = f"http://127.0.0.1:{p.port}"
        token = [*CREDENTIALS, "--debug"]
        runs = [api(endpoint, *token, "create", "--job-name", "sec-api", "--solution-version-arn",
                    SOLUTION, "--role-arn", ROLE, "--input-path", "s3://bucket/in.json",
                    "--output-path", "s3://bucket/out/"),
                api(endpoint, *token, "describe", "--arn", JOB_ARN + "sec-api"),
                api(endpoint, *token, "describe", "--arn", JOB_ARN + "missing"),
                api(endpoint, *token, "list")]
        S.control(throttle=3)
        runs.append(api(endpoint, *token, "list"))
        runs.append(api(endpoint, *token, "describe", "--arn", "nope"))
    assert [out["rc"] for out, _ in runs] == ["ok", "ok", "service error", "ok", "service error",
                                              "validation error"], [o for o, _ in runs]
    assert len(p.signatures()) == len(S.logged()) == 7, (len(p.signatures()), S.logged())
    shown = "\n".join(result.stderr for _, result in runs)
    assert recomputed_signatures(shown, SECRET_KEY) == p.signatures(), \
        "the debug log's strings to sign give other signatures"
    secrets = secret_list(p)
    for i, (_, result) in enumerate(runs):
        assert "call_driver DEBUG" in result.stderr, safe(result.stderr)
        assert_clean(f"call API run #{i}", result.stdout + result.stderr, secrets)


@case("secrets: every output of this suite, the stand-in's log and its stderr are clean")
def _():
    assert OUTPUTS, "nothing was recorded"
    secrets = [("the secret key", SECRET_KEY), ("the session token", SESSION_TOKEN),
               ("the wrong secret key", WRONG_SECRET),
               ("the sensitive tag key", SENSITIVE[0]), ("the sensitive tag value", SENSITIVE[1])]
    for label, text in OUTPUTS:
        assert_clean(label, text, secrets)
    with open(S.log_path, encoding="utf-8") as f:
        assert_clean("the stand-in's --log", f.read(), secrets[:3])
    assert_clean("the stand-in's stderr", S.errors(), secrets[:3])


def test_tokens():
    """Session tokens the test sources use (long enough to be distinctive): TOKEN constants
    and literals given as a session token, plus this suite's."""
    tokens = {SESSION_TOKEN, "SESSION-TOKEN-e2e", "SESSION-TOKEN-debug", "TOKEN-123",
              "container-session-token", "imds-session-token-123", "thread-token"}
    patterns = [r'#define\s+\w*TOKEN\w*\s+"([^"]{8,})"', r'\b\w*TOKEN\w*\s*=\s*"([^"]{8,})"',
                r'session[-_]token["\']?\s*[,:=]\s*["\']([^"\']{8,})["\']',
                r'SESSION_TOKEN["\']?\s*[,:=]\s*["\']([^"\']{8,})["\']']
    for path in glob.glob(os.path.join(ROOT, "tests", "**", "*.*"), recursive=True):
        if not path.endswith((".py", ".c", ".sh")) or os.path.dirname(path) == HERE:
            continue
        with open(path, encoding="utf-8", errors="replace") as f:
            text = f.read()
        for pattern in patterns:
            tokens.update(re.findall(pattern, text))
    return sorted(t for t in tokens if not t.startswith(("AWS_", "--")))


@case("secrets: no log under $BUILD/test-logs holds the example secret key or a test token")
def _():
    tokens = test_tokens()
    assert SESSION_TOKEN in tokens and "SESSION-TOKEN-debug" in tokens, tokens
    secrets = [("the example secret key", SECRET_KEY)] + \
        [(f"test session token #{i}", t) for i, t in enumerate(tokens)]
    logs = sorted(glob.glob(os.path.join(BUILD, "test-logs", "*.log")))
    print(f"scanned {len(logs)} logs under {os.path.join(BUILD, 'test-logs')} for the secret key "
          f"and {len(tokens)} session tokens")
    hits = []
    for path in logs:
        with open(path, encoding="utf-8", errors="replace") as f:
            text = f.read()
        hits += [f"{os.path.basename(path)}: {name}" for name, value in secrets if value in text]
    assert not hits, f"secrets in test logs: {hits}"


if __name__ == "__main__":
    try:
        CERT, KEY = make_cert("localhost-ip", "IP:127.0.0.1,DNS:localhost")
        OTHER_CERT, OTHER_KEY = make_cert("other-host", "DNS:other.example")
        S.start()
        run_cases("tests/security/test_tls_and_secrets.py")
    finally:
        S.stop()
        S.remove_log()
        for name in os.listdir(WORK):
            os.remove(os.path.join(WORK, name))
        os.rmdir(WORK)
