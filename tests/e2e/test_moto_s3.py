"""S3 end to end: the program `make cli` builds from the installed S3 model next to the AWS
CLI v1's `aws s3api`, as users run them.

- Against moto_server (one each, fresh state): create-bucket, put-object --body FILE (with
  the default CRC32 and each algorithm --checksum-algorithm names), head-object,
  get-object OUTFILE, list-objects-v2 (merged pages, --max-items/--starting-token, odd keys
  that come back url-encoded), delete-object and the errors (NoSuchKey, NoSuchBucket,
  HeadObject's bodiless 404): exit status, stdout byte for byte (moto's times masked), the
  error line and the downloaded files must agree.
- Against a loopback server that checks every request's SigV4 signature with botocore's
  own S3SigV4Auth (the payload hash in X-Amz-Content-SHA256 included) and records it: both
  programs send the same method, path, query, body and x-amz-* headers (CopySource encoded,
  SSE-C keys with their MD5, EncodingType=url); over https a streaming upload goes
  aws-chunked with its checksum in a trailer in both; an <Error> in a 200 answer and a
  download whose checksum does not match fail the same way in both.
- A bucket in another region (a 301 with x-amz-bucket-region) is followed there once, the
  request signed for that region, by both.
- Addressing: the URL each program sends to, by the endpoint rules, for virtual-hosted and
  path-style buckets, a bucket that is no host label, `s3 = addressing_style = path`, a
  custom endpoint with and without `addressing_style = virtual`, GetBucketLocation.
"""
import base64
import hashlib
import json
import os
import re
import ssl
import subprocess
import sys
import tempfile
import threading
import zlib
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from e2elib import (BOTOCORE_DATA, BUILD, ROOT, client_env, compare_transcripts, free_port, run,  # noqa: E402
                    with_moto_servers)
from pyharness import case, run as run_cases  # noqa: E402

import botocore.auth  # noqa: E402
import botocore.awsrequest  # noqa: E402
import botocore.credentials  # noqa: E402

WORK = os.path.join(BUILD, "e2e", "s3")
PROGRAM = os.path.join(WORK, "bin", "s3")
SERVERS = {}   # "aws", "ours": moto endpoint URLs
PLAYS = {}
FILES = tempfile.mkdtemp(prefix="acg-s3-")
ACCESS, SECRET, REGION = "AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", "us-east-1"
BUCKET_REGION = "eu-west-1"   # where the checker's bucket "moved" is

ISO = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)?")
HTTP_DATE = re.compile(r"[A-Z][a-z]{2}, \d\d [A-Z][a-z]{2} \d{4} \d\d:\d\d:\d\d GMT")


def env(extra=None):
    e = client_env({"AWS_MAX_ATTEMPTS": "1", "AWS_DEFAULT_REGION": REGION,
                    "AWS_ACCESS_KEY_ID": ACCESS, "AWS_SECRET_ACCESS_KEY": SECRET})
    e.pop("AWS_REGION", None)
    e.update(extra or {})
    return e


def model_file():
    folder = os.path.join(BOTOCORE_DATA, "s3")
    return os.path.join(folder, sorted(os.listdir(folder))[-1], "service-2.json.gz")


def data_file(name, content):
    path = os.path.join(FILES, name)
    with open(path, "wb") as f:
        f.write(content)
    return path


SMALL = data_file("small.txt", b"hello world\n")
BINARY = data_file("binary.bin", bytes(range(256)) * 4099)   # ~1 MiB, every byte value
EMPTY = data_file("empty.txt", b"")


def mask(text):
    return HTTP_DATE.sub("<date>", ISO.sub("<time>", text))


class Player:
    def __init__(self, name, argv0, endpoint):
        self.name = name
        self.argv0 = argv0
        self.endpoint = endpoint
        self.transcript = []

    def __call__(self, op, *args, paginate=True, outfile=None):
        argv = [*self.argv0, op, *args, *([] if paginate else ["--no-paginate"]),
                "--endpoint-url", self.endpoint]
        out_path = None
        if outfile is not None:
            out_path = os.path.join(FILES, f"{self.name}-{outfile}")
            argv.insert(len(self.argv0) + 1 + len(args), out_path)
        r = run(argv, env=env(), timeout=120)
        got = None
        if out_path is not None and os.path.exists(out_path):
            with open(out_path, "rb") as f:
                got = hashlib.sha256(f.read()).hexdigest()
        self.transcript.append({"op": " ".join([op, *args]), "rc": r.returncode,
                                "stdout": r.stdout, "stderr": r.stderr, "file": got})
        return r


def scenario(call):
    call("create-bucket", "--bucket", "bucket-one")
    call("create-bucket", "--bucket", "bucket.two")
    call("list-buckets")
    call("put-object", "--bucket", "bucket-one", "--key", "small.txt", "--body", SMALL)
    call("put-object", "--bucket", "bucket-one", "--key", "dir/binary.bin", "--body", BINARY,
         "--content-type", "application/octet-stream", "--metadata", "team=e2e,stage=test")
    call("put-object", "--bucket", "bucket-one", "--key", "empty", "--body", EMPTY)
    # CRC32C too, in the case below: botocore without its CRT refuses it
    for alg in ("SHA1", "SHA256", "CRC32"):
        call("put-object", "--bucket", "bucket.two", "--key", f"sum/{alg}", "--body", SMALL,
             "--checksum-algorithm", alg)
    call("put-object", "--bucket", "bucket-one", "--key", "odd key+plus/ümlaut & 'q'.txt",
         "--body", SMALL)
    call("copy-object", "--bucket", "bucket.two", "--key", "copied",
         "--copy-source", "bucket-one/odd key+plus/ümlaut & 'q'.txt")
    call("get-bucket-location", "--bucket", "bucket-one")
    call("head-object", "--bucket", "bucket-one", "--key", "dir/binary.bin")
    call("head-object", "--bucket", "bucket-one", "--key", "missing")
    call("get-object", "--bucket", "bucket-one", "--key", "dir/binary.bin", outfile="binary")
    call("get-object", "--bucket", "bucket-one", "--key", "odd key+plus/ümlaut & 'q'.txt",
         outfile="odd")
    call("get-object", "--bucket", "bucket.two", "--key", "sum/SHA256", outfile="sha256")
    call("get-object", "--bucket", "bucket-one", "--key", "empty", outfile="empty")
    call("get-object", "--bucket", "bucket-one", "--key", "missing", outfile="missing")
    call("list-objects-v2", "--bucket", "bucket-one")
    call("list-objects-v2", "--bucket", "bucket-one", paginate=False)
    call("list-objects-v2", "--bucket", "bucket.two", "--prefix", "sum/", "--max-items", "2")
    call("list-objects-v2", "--bucket", "bucket.two", "--page-size", "1")
    call("list-objects-v2", "--bucket", "bucket-one", "--delimiter", "/")
    call("list-objects-v2", "--bucket", "no-such-bucket")
    call("delete-object", "--bucket", "bucket-one", "--key", "small.txt")
    call("get-object", "--bucket", "bucket-one", "--key", "small.txt", outfile="deleted")
    call("list-objects-v2", "--bucket", "bucket-one", "--output", "text")


def play():
    if not PLAYS:
        for who, argv0 in (("aws", ["aws", "s3api"]), ("ours", [PROGRAM])):
            p = Player(who, argv0, SERVERS[who])
            scenario(p)
            PLAYS[who] = p
    return PLAYS["aws"], PLAYS["ours"]


def error_line(text):
    return "".join(line for line in text.splitlines() if line.startswith("An error occurred"))


@case("make cli builds the program from the installed S3 model")
def _():
    os.makedirs(os.path.dirname(PROGRAM), exist_ok=True)
    r = subprocess.run(["make", "--no-print-directory", "cli",
                        f"BUILD={os.environ.get('BUILD', 'build')}", f"MODEL={model_file()}",
                        f"CLI={os.path.abspath(PROGRAM)}"],
                       cwd=ROOT, capture_output=True, text=True, timeout=900)
    assert r.returncode == 0, r.stdout[-3000:] + r.stderr[-3000:]


@case("moto: every step exits the same way, prints the same bytes and writes the same file")
def _():
    aws, ours = play()

    def same_file(a, o):
        assert a["file"] == o["file"], (a["op"], a["file"], o["file"])

    errors = compare_transcripts(aws.transcript, ours.transcript, error_line,
                                 masks=(mask, mask), mask_errors=False, also=same_file)
    assert errors >= 4, errors
    print(f"  {len(aws.transcript)} steps agree ({errors} service errors)")


@case("moto: the downloads hold the uploaded bytes; the checksums came back and were checked")
def _():
    _, ours = play()
    by_op = {s["op"]: s for s in ours.transcript}
    with open(BINARY, "rb") as f:
        want = hashlib.sha256(f.read()).hexdigest()
    step = by_op["get-object --bucket bucket-one --key dir/binary.bin"]
    assert step["file"] == want, step
    out = json.loads(by_op["get-object --bucket bucket.two --key sum/SHA256"]["stdout"])
    assert out["ChecksumSHA256"] == base64.b64encode(
        hashlib.sha256(b"hello world\n").digest()).decode(), out
    out = json.loads(by_op["put-object --bucket bucket-one --key small.txt --body " + SMALL]["stdout"])
    crc = zlib.crc32(b"hello world\n").to_bytes(4, "big")
    assert out["ChecksumCRC32"] == base64.b64encode(crc).decode(), out


def crc32c(data):
    crc = 0xFFFFFFFF
    for byte in data:
        crc ^= byte
        for _ in range(8):
            crc = (crc >> 1) ^ 0x82F63B78 if crc & 1 else crc >> 1
    return (crc ^ 0xFFFFFFFF).to_bytes(4, "big")


@case("moto: CRC32C uploads (botocore needs its CRT for them) are stored and checked back")
def _():
    play()
    data = bytes(range(256)) * 40 + b"tail"
    path = data_file("crc32c.bin", data)
    want = base64.b64encode(crc32c(data)).decode()
    ours = Player("ours-crc32c", [PROGRAM], SERVERS["ours"])
    r = ours("put-object", "--bucket", "bucket.two", "--key", "sum/CRC32C", "--body", path,
             "--checksum-algorithm", "CRC32C")
    assert r.returncode == 0 and json.loads(r.stdout)["ChecksumCRC32C"] == want, r.stdout + r.stderr
    r = ours("get-object", "--bucket", "bucket.two", "--key", "sum/CRC32C", outfile="crc32c")
    assert r.returncode == 0 and json.loads(r.stdout)["ChecksumCRC32C"] == want, r.stdout + r.stderr
    assert ours.transcript[-1]["file"] == hashlib.sha256(data).hexdigest()


# ---- a server that checks signatures and records requests ----

class Checker(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    tls = False    # the https checker's class sets it
    log = []
    answers = {}   # (method, path) -> (status, headers, body)

    def log_message(self, *args):
        pass

    def verify(self, body):
        auth = self.headers.get("Authorization", "")
        m = re.match(r"AWS4-HMAC-SHA256 Credential=([^/]+)/(\d{8})/([^/]+)/([^/]+)/aws4_request, "
                     r"SignedHeaders=([^,]+), Signature=([0-9a-f]{64})$", auth)
        if m is None:
            return f"no SigV4 Authorization header: {auth!r}"
        key, _, region, service, signed, signature = m.groups()
        if key != ACCESS or region not in (REGION, BUCKET_REGION) or service != "s3":
            return f"scope {key}/{region}/{service}"
        sha = self.headers.get("X-Amz-Content-SHA256")
        unsigned = ("UNSIGNED-PAYLOAD", "STREAMING-UNSIGNED-PAYLOAD-TRAILER")
        if sha != hashlib.sha256(body).hexdigest() and not (self.tls and sha in unsigned):
            return f"X-Amz-Content-SHA256 {sha} is not the body's hash"
        headers = {name: self.headers[name] for name in signed.split(";")}
        req = botocore.awsrequest.AWSRequest(
            method=self.command, url=f"http://{self.headers['Host']}{self.path}",
            headers=headers, data=body)
        req.context["timestamp"] = self.headers["X-Amz-Date"]
        signer = botocore.auth.S3SigV4Auth(
            botocore.credentials.Credentials(ACCESS, SECRET), "s3", region)
        canonical = signer.canonical_request(req)
        expected = signer.signature(signer.string_to_sign(req, canonical), req)
        return None if expected == signature else f"signature differs; canonical:\n{canonical}"

    def read_chunked(self):
        body = b""
        while True:
            size = int(self.rfile.readline().split(b";")[0].strip(), 16)
            if size == 0:
                while self.rfile.readline() not in (b"\r\n", b"\n", b""):
                    pass
                return body
            body += self.rfile.read(size)
            self.rfile.readline()

    def handle_any(self):
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        if self.headers.get("Transfer-Encoding", "").lower() == "chunked":
            body = self.read_chunked()
        problem = self.verify(body)
        Checker.log.append({
            "agent": "aws" if "aws-cli" in self.headers.get("User-Agent", "") else "ours",
            "method": self.command, "path": self.path, "body": hashlib.sha256(body).hexdigest(),
            "amz": sorted((k.lower(), v) for k, v in self.headers.items()
                          if (k.lower().startswith("x-amz-") or
                              k.lower() in ("content-encoding", "transfer-encoding")) and
                          k.lower() not in ("x-amz-date",)),
            "problem": problem})
        status, headers, answer = Checker.answers.get(
            (self.command, self.path.split("?")[0]), (200, {}, b""))
        if self.path.startswith("/moved") and f"/{BUCKET_REGION}/" not in \
                self.headers.get("Authorization", ""):
            # the bucket is in another region: S3's answer to a request signed for this one
            status, headers = 301, {"x-amz-bucket-region": BUCKET_REGION}
            answer = b"" if self.command == "HEAD" else (
                b"<Error><Code>PermanentRedirect</Code><Message>The bucket you are attempting "
                b"to access must be addressed using the specified endpoint.</Message></Error>")
        if problem is not None:
            status, headers, answer = 403, {}, (
                b"<Error><Code>SignatureDoesNotMatch</Code><Message>checker</Message></Error>")
        self.send_response(status)
        for k, v in headers.items():
            self.send_header(k, v)
        self.send_header("Content-Length", str(len(answer)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(answer)

    do_GET = do_PUT = do_POST = do_DELETE = do_HEAD = handle_any


class TlsChecker(Checker):
    tls = True


CHECKER = {}


def checker(tls=False):
    key = "https" if tls else "http"
    if key not in CHECKER:
        server = ThreadingHTTPServer(("127.0.0.1", 0), TlsChecker if tls else Checker)
        if tls:
            cert, pkey = os.path.join(FILES, "cert.pem"), os.path.join(FILES, "key.pem")
            subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes",
                            "-keyout", pkey, "-out", cert, "-days", "1", "-subj",
                            "/CN=127.0.0.1"], check=True, capture_output=True)
            context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
            context.load_cert_chain(cert, pkey)
            server.socket = context.wrap_socket(server.socket, server_side=True)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        CHECKER[key] = f"{key}://127.0.0.1:{server.server_address[1]}"
    return CHECKER[key]


def both(*args, outfile=None, tls=False):
    """Runs args with each program against the checker; their records and results."""
    results = {}
    for who, argv0 in (("aws", ["aws", "s3api"]), ("ours", [PROGRAM])):
        Checker.log.clear()
        argv = [*argv0, *args, *([os.path.join(FILES, f"chk-{who}")] if outfile else []),
                "--endpoint-url", checker(tls), *(["--no-verify-ssl"] if tls else [])]
        r = run(argv, env=env())
        results[who] = (r, list(Checker.log))
    return results


SIGNED = [
    ("create-bucket", "--bucket", "chk"),
    ("put-object", "--bucket", "chk", "--key", "a b/c+d~e%f.txt", "--body", SMALL),
    ("put-object", "--bucket", "chk", "--key", "bin", "--body", BINARY,
     "--checksum-algorithm", "SHA256", "--content-type", "x/y"),
    ("list-objects-v2", "--bucket", "chk", "--prefix", "a b/", "--start-after", "x=y&z",
     "--no-paginate"),
    ("head-object", "--bucket", "chk", "--key", "dir/k"),
    ("delete-object", "--bucket", "chk", "--key", "dir/k"),
    ("get-bucket-location", "--bucket", "chk"),
    ("copy-object", "--bucket", "chk", "--key", "c", "--copy-source", "chk/a b+c?versionId=abc"),
    ("copy-object", "--bucket", "chk", "--key", "c", "--copy-source", "chk/ä?versionId=a b"),
    ("put-object", "--bucket", "chk", "--key", "k", "--body", SMALL, "--sse-customer-algorithm",
     "AES256", "--sse-customer-key", "0123456789abcdef0123456789abcdef"),
    ("copy-object", "--bucket", "chk", "--key", "c", "--copy-source", "chk/k",
     "--copy-source-sse-customer-algorithm", "AES256", "--copy-source-sse-customer-key",
     "0123456789abcdef0123456789abcdef", "--sse-customer-key", "k2",
     "--sse-customer-key-md5", "given"),
]


@case("checker: each request is signed as botocore's S3SigV4Auth signs it and matches aws's")
def _():
    for args in SIGNED:
        res = both(*args)
        (ra, la), (ro, lo) = res["aws"], res["ours"]
        assert lo and all(x["problem"] is None for x in lo), (args, lo, ro.stderr[-1500:])
        assert la and all(x["problem"] is None for x in la), (args, la)
        strip = [{k: v for k, v in x.items() if k != "agent"} for x in la]
        mine = [{k: v for k, v in x.items() if k != "agent"} for x in lo]
        assert strip == mine, (args, strip, mine)


@case("https: a streaming upload goes aws-chunked with its checksum in a trailer, as botocore's")
def _():
    for args in (("put-object", "--bucket", "chk", "--key", "big", "--body", BINARY),
                 ("put-object", "--bucket", "chk", "--key", "e", "--body", EMPTY,
                  "--content-encoding", "gzip", "--checksum-algorithm", "SHA1"),
                 ("put-object", "--bucket", "chk", "--key", "s", "--body", SMALL,
                  "--checksum-crc32", "rwg7LQ=="),
                 ("put-bucket-tagging", "--bucket", "chk", "--tagging",
                  "TagSet=[{Key=a,Value=b}]")):
        res = both(*args, tls=True)
        (ra, la), (ro, lo) = res["aws"], res["ours"]
        assert ro.returncode == 0 and lo and all(x["problem"] is None for x in lo), \
            (args, ro.stderr[-1500:], lo)
        assert la and all(x["problem"] is None for x in la), (args, la)
        strip = [{k: v for k, v in x.items() if k != "agent"} for x in la]
        mine = [{k: v for k, v in x.items() if k != "agent"} for x in lo]
        assert strip == mine, (args, strip, mine)


@case("checker: get-object's download is signed and written; the request matches aws's")
def _():
    Checker.answers[("GET", "/chk/file")] = (200, {"Content-Type": "text/plain"}, b"payload\n")
    try:
        res = both("get-object", "--bucket", "chk", "--key", "file", outfile=True)
    finally:
        Checker.answers.clear()
    (ra, la), (ro, lo) = res["aws"], res["ours"]
    assert ro.returncode == 0 and all(x["problem"] is None for x in lo), (ro.stderr, lo)
    assert [dict(x, agent=None) for x in la] == [dict(x, agent=None) for x in lo], (la, lo)
    assert ra.stdout == ro.stdout, (ra.stdout, ro.stdout)
    with open(os.path.join(FILES, "chk-ours"), "rb") as f:
        assert f.read() == b"payload\n"


@case("checker: a bucket in another region is followed there once, as botocore redirects")
def _():
    for args in (("list-objects-v2", "--bucket", "moved", "--no-paginate"),
                 ("head-object", "--bucket", "moved", "--key", "k"),
                 ("put-object", "--bucket", "moved", "--key", "k", "--body", SMALL)):
        res = both(*args)
        (ra, la), (ro, lo) = res["aws"], res["ours"]
        assert ra.returncode == 0 and ro.returncode == 0, (args, ra.stderr, ro.stderr)
        assert len(la) == len(lo) == 2 and all(x["problem"] is None for x in la + lo), (la, lo)
        strip = [{k: v for k, v in x.items() if k != "agent"} for x in la]
        mine = [{k: v for k, v in x.items() if k != "agent"} for x in lo]
        assert strip == mine, (args, strip, mine)
        assert ra.stdout == ro.stdout, (args, ra.stdout, ro.stdout)


@case("checker: an <Error> in a 200 answer fails the call as in botocore")
def _():
    Checker.answers[("POST", "/chk/k")] = (
        200, {}, b"<?xml version='1.0'?>\n<Error><Code>InternalError</Code>"
                 b"<Message>We encountered an internal error.</Message></Error>")
    try:
        res = both("complete-multipart-upload", "--bucket", "chk", "--key", "k", "--upload-id",
                   "u1", "--multipart-upload", "Parts=[{ETag=e,PartNumber=1}]")
    finally:
        Checker.answers.clear()
    (ra, _), (ro, _) = res["aws"], res["ours"]
    assert (ra.returncode, ro.returncode) == (255, 254), (ra.returncode, ro.returncode, ro.stderr)
    assert error_line(ra.stderr) == error_line(ro.stderr), (ra.stderr, ro.stderr)
    assert "InternalError" in error_line(ro.stderr), ro.stderr


@case("checker: a download whose checksum does not match is refused with botocore's words")
def _():
    wrong = base64.b64encode(zlib.crc32(b"other").to_bytes(4, "big")).decode()
    Checker.answers[("GET", "/chk/file")] = (200, {"x-amz-checksum-crc32": wrong}, b"payload\n")
    try:
        res = both("get-object", "--bucket", "chk", "--key", "file", outfile=True)
    finally:
        Checker.answers.clear()
    (ra, _), (ro, _) = res["aws"], res["ours"]
    got = base64.b64encode(zlib.crc32(b"payload\n").to_bytes(4, "big")).decode()
    line = f"Expected checksum {wrong} did not match calculated checksum: {got}"
    assert ra.returncode != 0 and line in ra.stderr, ra.stderr
    assert ro.returncode != 0 and line in ro.stderr, ro.stderr


@case("a bucket name botocore refuses is refused before sending, in botocore's words")
def _():
    for bucket in ("bad name", "a/b", ""):
        args = ["list-objects-v2", "--bucket", bucket, "--endpoint-url", checker()]
        a = run(["aws", "s3api", *args], env=env())
        o = run([PROGRAM, *args], env=env())
        assert (a.returncode, o.returncode) == (255, 252), (bucket, a.stderr, o.stderr)
        assert a.stderr == o.stderr, (bucket, a.stderr, o.stderr)


# ---- addressing ----

def sent_url(argv0, args, extra_env):
    """The URL a program sends its first request to (the connection itself fails at once:
    every request goes through a proxy that is not there)."""
    port = free_port()
    e = env({"HTTPS_PROXY": f"http://127.0.0.1:{port}", "https_proxy": f"http://127.0.0.1:{port}",
             "HTTP_PROXY": f"http://127.0.0.1:{port}", "http_proxy": f"http://127.0.0.1:{port}",
             "NO_PROXY": "", "no_proxy": "", **extra_env})
    r = run([*argv0, *args, "--debug"], env=e)
    m = re.search(r"Sending http request: <AWSPreparedRequest stream_output=\w+, method=\w+, "
                  r"url=(\S+),", r.stderr)
    if m is None:
        m = re.search(r"sending [A-Z]+ (\S+) \(attempt", r.stderr)
    assert m is not None, r.stderr[-3000:]
    return m.group(1)


ADDRESSING = [
    ([], ["list-objects-v2", "--bucket", "my-bucket"]),
    ([], ["head-object", "--bucket", "my.dotted.bucket", "--key", "a/b c"]),
    ([], ["head-object", "--bucket", "Not_A_Label", "--key", "k"]),
    ([], ["get-bucket-location", "--bucket", "my-bucket"]),
    (["path"], ["list-objects-v2", "--bucket", "my-bucket"]),
    (["virtual", "http://localhost:9"], ["list-objects-v2", "--bucket", "my-bucket"]),
    (["auto", "http://localhost:9"], ["list-objects-v2", "--bucket", "my-bucket"]),
    (["auto", "https://s3.example.com/base"], ["head-object", "--bucket", "b", "--key", "k"]),
    ([], ["list-buckets"]),
    ([], ["head-object", "--bucket", "arn:aws:s3:eu-west-1:123456789012:accesspoint/myap",
          "--key", "k"]),
    (["path"], ["get-object", "--bucket", "arn:aws:s3:eu-west-1:123456789012:accesspoint/ap",
                "--key", "a/b", os.path.join(FILES, "out")]),
]


@case("addressing: each program sends to the URL botocore's rules give (virtual, path, custom)")
def _():
    for i, (style, args) in enumerate(ADDRESSING):
        extra = {"AWS_DEFAULT_REGION": "eu-west-1"}
        if style:
            cfg = os.path.join(FILES, f"config-{i}")
            with open(cfg, "w") as f:
                f.write(f"[default]\ns3 =\n    addressing_style = {style[0]}\n")
            extra["AWS_CONFIG_FILE"] = cfg
        if len(style) > 1:
            args = [*args, "--endpoint-url", style[1]]
        a = sent_url(["aws", "s3api"], args, extra)
        o = sent_url([PROGRAM], args, extra)
        assert a == o, (style, args, a, o)


@case("buckets only another auth scheme can sign for fail with a message that names it")
def _():
    for bucket, scheme in (("mybucket--usw2-az1--x-s3", "sigv4-s3express"),
                           ("arn:aws:s3::123456789012:accesspoint/mfzwi23gnjvgw.mrap", "sigv4a")):
        r = run([PROGRAM, "head-object", "--bucket", bucket, "--key", "k"],
                env=env({"AWS_DEFAULT_REGION": "us-west-2"}))
        assert r.returncode == 255, (bucket, r.returncode, r.stderr)
        assert f"the endpoint needs the {scheme} auth scheme, which this runtime does not " \
               "support" in r.stderr, r.stderr


if __name__ == "__main__":
    with_moto_servers(SERVERS, "e2e/moto-s3", run_cases)
