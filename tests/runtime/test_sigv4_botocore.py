"""SigV4 through the build/bin/sigv4 tool.

1. The tool's output for every case of AWS's official suite equals the suite's files.
2. The tool refuses bad input with a message and exit status 2, and never prints the secret.
3. Differential test: seeded random requests signed by the tool and by botocore's SigV4Auth
   must give the same canonical request, string to sign and Authorization header.

Environment: BUILD (default build), SIGV4_SUITE (default the copy in tests/fixtures/sigv4, else
../shared/testdata/sigv4 beside the repository), SIGV4_SEED and SIGV4_CASES to replay or
widen the random run.
"""
import datetime
import os
import random
import subprocess
import sys
from unittest import mock
from urllib.parse import quote

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, os.path.join(ROOT, "tests"))

from pyharness import case, run  # noqa: E402

import botocore.auth  # noqa: E402
from botocore.auth import SigV4Auth  # noqa: E402
from botocore.awsrequest import AWSRequest  # noqa: E402
from botocore.credentials import Credentials  # noqa: E402

BUILD = os.environ.get("BUILD", "build")
TOOL = os.path.join(ROOT, BUILD, "bin", "sigv4")
SUITE = os.environ.get("SIGV4_SUITE") or next(
    (d for d in (os.path.join(ROOT, "tests", "fixtures", "sigv4"),
                 os.path.join(ROOT, "..", "shared", "testdata", "sigv4")) if os.path.isdir(d)),
    os.path.join(ROOT, "tests", "fixtures", "sigv4"))
SEED = int(os.environ.get("SIGV4_SEED", "20150830"))
CASES = int(os.environ.get("SIGV4_CASES", "300"))

ACCESS_KEY = "AKIDEXAMPLE"
SECRET = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"
SUITE_ARGS = ["--access-key", ACCESS_KEY, "--secret-key", SECRET, "--region", "us-east-1",
              "--service", "service", "--time", "20150830T123600Z"]
VANILLA_TOKEN = "6e86291e8372ff2a2260956d9b8aae1d763fbf315fa00fa31553b73ebf194267"
STS_TOKEN = (
    "AQoDYXdzEPT//////////wEXAMPLEtc764bNrC9SAPBSM22wDOk4x4HIZ8j4FZTwdQWLWsKWHGBuFqwAeMicRXm"
    "xfpSPfIeoIYRqTflfKD8YUuwthAx7mSEI/qkPpKPi/kMcGdQrmGdeehM4IC1NtBmUpp2wUE8phUZampKsburE"
    "Dy0KPkyQDYwT7WZ0wq5VSXDvp75YU9HFvlRd8Tx6q6fE8YQcHNVXAkiY9q6d+xo0rKwT38xVqr7ZD0u0iPPkU"
    "L64lIZbqBAz+scqKmlzm8FDrypNC9Yjc8fPOLn9FX9KSYvKTr4rvx3iSIlTJabIQwj2ICCR/oLxBA==")
# The token cases take the token from outside their .req file (post-sts-token/readme.txt).
SUITE_EXTRA = {
    "get-vanilla-with-session-token": ["--session-token", VANILLA_TOKEN],
    "post-sts-header-before": ["--session-token", STS_TOKEN],
    "post-sts-header-after": ["--session-token", STS_TOKEN, "--omit-session-token"],
}
SUITE_CASE_COUNT = 34


def tool(args, stdin):
    return subprocess.run([TOOL] + args, input=stdin, capture_output=True, timeout=30)


def expected_output(creq, sts, authz):
    return (f"--- canonical request\n{creq}\n--- string to sign\n{sts}\n"
            f"--- authorization\n{authz}\n")


def assert_equal(got, want, what):
    if got != want:
        raise AssertionError(f"{what} differs\n--- want\n{want}\n--- got\n{got}")


# ---- 1. the official suite through the tool ----

def suite_cases():
    found = []
    for dirpath, _dirs, files in os.walk(SUITE):
        name = os.path.basename(dirpath)
        if name + ".req" in files:
            found.append((name, dirpath))
    return sorted(found, key=lambda c: c[1])


def read_text(path):
    return read_bytes(path).decode("utf-8")


def read_bytes(path):
    with open(path, "rb") as f:
        return f.read()


def register_suite():
    cases = suite_cases()

    @case("suite: all %d cases found under %s" % (SUITE_CASE_COUNT, SUITE))
    def _count():
        assert len(cases) == SUITE_CASE_COUNT, f"found {len(cases)}; set SIGV4_SUITE"

    for name, path in cases:
        def check(name=name, path=path):
            with open(os.path.join(path, name + ".req"), "rb") as f:
                raw = f.read()
            r = tool(SUITE_ARGS + SUITE_EXTRA.get(name, []), raw)
            assert r.returncode == 0, r.stderr.decode()
            want = expected_output(*(read_text(os.path.join(path, f"{name}.{ext}"))
                                     for ext in ("creq", "sts", "authz")))
            assert_equal(r.stdout.decode("utf-8"), want, f"tool output for {name}")
            assert SECRET.encode() not in r.stdout + r.stderr
        case(f"suite via tool: {os.path.relpath(path, SUITE)}")(check)


# ---- 2. bad input and secrecy ----

BAD_INPUTS = [
    ("empty request", SUITE_ARGS, b""),
    ("no HTTP version", SUITE_ARGS, b"GET /\nHost: h\n"),
    ("continuation first", SUITE_ARGS, b"GET / HTTP/1.1\n  folded\n"),
    ("header without colon", SUITE_ARGS, b"GET / HTTP/1.1\nHost h\n"),
    ("space in header name", SUITE_ARGS, b"GET / HTTP/1.1\nBad Name: v\n"),
    ("NUL in head", SUITE_ARGS, b"GET / HTTP/1.1\nA: \0\n"),
    ("missing --region", [a for a in SUITE_ARGS if a not in ("--region", "us-east-1")],
     b"GET / HTTP/1.1\n"),
    ("bad --time", SUITE_ARGS[:-1] + ["2015-08-30T12:36:00Z"], b"GET / HTTP/1.1\n"),
    ("--time without value", SUITE_ARGS[:-1], b"GET / HTTP/1.1\n"),
    ("unknown argument", SUITE_ARGS + ["--frobnicate"], b"GET / HTTP/1.1\n"),
    ("region with a slash", ["--region=us/east-1" if a == "us-east-1" else a
                             for a in SUITE_ARGS], b"GET / HTTP/1.1\nHost: h\n"),
    ("secret too long", [SECRET * 4 if a == SECRET else a for a in SUITE_ARGS],
     b"GET / HTTP/1.1\n"),
]


def register_bad_inputs():
    for label, args, stdin in BAD_INPUTS:
        def check(args=args, stdin=stdin):
            r = tool(args, stdin)
            assert r.returncode == 2, (r.returncode, r.stderr)
            assert r.stdout == b"", r.stdout
            message = r.stderr.decode()
            assert message.startswith("sigv4: ") and len(message) > 20, message
            assert SECRET.encode() not in r.stdout + r.stderr, "secret printed"
        case(f"tool rejects: {label}")(check)

    @case("tool: --help exits 0")
    def _help():
        r = tool(["--help"], b"")
        assert r.returncode == 0 and b"--access-key" in r.stdout

    @case("tool: --no-normalize-path signs the path as sent")
    def _no_normalize():
        raw = b"GET //a/./b%20c/../ HTTP/1.1\nHost:example.amazonaws.com\n"
        r = tool(SUITE_ARGS + ["--no-normalize-path"], raw)
        assert r.returncode == 0, r.stderr
        assert r.stdout.split(b"\n")[2] == b"//a/./b%20c/../"
        r = tool(SUITE_ARGS, raw)
        assert r.stdout.split(b"\n")[2] == b"/a/"

    @case("tool: --no-normalize-path encodes what cannot go on the wire raw, as AWS's suite: "
          "get-space, get-utf8, get-unreserved, get-vanilla give the suite's canonical request")
    def _no_normalize_suite():
        # Cases whose path needs no dot-segment or slash removal: with normalisation off they
        # must give exactly the suite's canonical request, signature and all.
        for name in ("normalize-path/get-space", "get-utf8", "get-unreserved", "get-vanilla"):
            path = os.path.join(SUITE, name)
            base = os.path.basename(path)
            raw = read_bytes(os.path.join(path, f"{base}.req"))
            r = tool(SUITE_ARGS + ["--no-normalize-path"], raw)
            assert r.returncode == 0, (name, r.stderr)
            want = expected_output(*(read_text(os.path.join(path, f"{base}.{ext}"))
                                     for ext in ("creq", "sts", "authz")))
            assert_equal(r.stdout.decode("utf-8"), want, f"{name} without normalisation")
        raw = b'GET /a b/"q"/<x>/%41/\xc3\xa9/!$&\'()*+,;=:@~ HTTP/1.1\nHost:h\n'
        r = tool(SUITE_ARGS + ["--no-normalize-path"], raw)
        assert r.stdout.split(b"\n")[2] == b"/a%20b/%22q%22/%3Cx%3E/%41/%C3%A9/!$&'()*+,;=:@~", r.stdout


# ---- 3. differential test against botocore ----
#
# What the random requests avoid, and why (everything else varies freely):
# - queries are generated already in canonical form (upper-case %XX for every byte outside
#   the unreserved set, no '+', no escaped unreserved characters): botocore sorts the raw
#   pairs without decoding and re-encoding them, while the runtime canonicalises first, so
#   only canonical input has one well-defined answer for both.
# - no Date header (botocore rewrites it into an RFC 1123 date and drops X-Amz-Date; the
#   runtime always signs X-Amz-Date and leaves Date alone, as aws-c-auth does).
# - header values are printable ASCII, a few UTF-8 letters, spaces, tabs and folded lines:
#   Python's str.split() also folds Unicode spaces such as U+00A0 that HTTP does not.
# - paths start with '/' and hold no '?', '#' or control characters (they are not paths).
# Dot segments are included: botocore's remove_dot_segments applies the same rule as the
# runtime and aws-c-auth (drop "" and ".", ".." pops, keep a trailing '/').

UNRESERVED = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~"
PATH_PIECES = ["a", "Bc", "x-y_z.~", "%20", "%2F", "%2f", "%41", "sp ace", "$!*'()", "&=+,;:@",
               "\u00e9t\u00e9", "\u1234", "..a", "...", "%25", "0"]
KEY_PIECES = ["Param", "param", "a", "A", "x-y", "k~", "Z_9", "%2F", "%3D", "%26", "%20",
              "%2B", "%E1%88%B4", "%25", "%C3%A9"]
VALUE_PIECES = KEY_PIECES + ["value", "1", "", "%2C%20"]
HEADER_NAMES = ["X-Amz-Meta-Color", "x-amz-meta-color", "Content-Type", "Accept", "X-Custom",
                "X-CUSTOM", "My-Header1", "Cache-Control", "User-Agent", "X-Amzn-Trace-Id",
                "Expect", "Connection", "If-Match", "X-Amz-Target", "Content-Length"]
VALUE_WORDS = ["value", "a", "b", "\"quoted\"", "application/x-amz-json-1.1", "1,2", "k=v",
               "caf\u00e9", "x:y", "AmazonPersonalize.DescribeBatchInferenceJob", "~!@#$%^&*()"]
METHODS = ["GET", "POST", "PUT", "DELETE", "HEAD", "PATCH", "OPTIONS"]
REGIONS = ["us-east-1", "eu-central-1", "ap-southeast-2", "cn-north-1", "us-gov-west-1"]
SERVICES = ["personalize", "service", "execute-api", "dynamodb", "s3"]
B64 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"


class _Recording(SigV4Auth):
    """SigV4Auth that keeps the canonical request and string to sign it computed: asking
    again after add_auth would include the Authorization header it has just added."""

    def string_to_sign(self, request, canonical_request):
        sts = super().string_to_sign(request, canonical_request)
        self.seen = (canonical_request, sts)
        return sts


class _PathAsSent(_Recording):
    """botocore's S3 path rule (S3SigV4Auth._normalize_url_path: the path as sent) without
    S3's payload rules. "As sent" is the path urllib3 puts on the wire: botocore signs the
    URL's path as it is, and urllib3 percent-encodes what cannot go in a request line (a
    space, '"', non-ASCII bytes); RFC 3986 path characters and %XX escapes stay."""

    def _normalize_url_path(self, path):
        return quote(path, safe="/%:@!$&'()*+,;=~")


def random_path(rng):
    if rng.random() < 0.05:
        return "/"
    segments = []
    for _ in range(rng.randint(0, 6)):
        roll = rng.random()
        if roll < 0.12:
            segments.append(".")
        elif roll < 0.24:
            segments.append("..")
        elif roll < 0.32:
            segments.append("")
        else:
            segments.append("".join(rng.choice(PATH_PIECES) for _ in range(rng.randint(1, 3))))
    path = "/" + "/".join(segments)
    if rng.random() < 0.3:
        path += "/"
    return path


def random_query(rng):
    roll = rng.random()
    if roll < 0.25:
        return None
    if roll < 0.3:
        return ""
    pairs = []
    keys = [rng.choice(KEY_PIECES) + rng.choice(["", "", rng.choice(KEY_PIECES)])
            for _ in range(rng.randint(1, 4))]
    for _ in range(rng.randint(1, 7)):
        key = rng.choice(keys)  # repeats are likely
        form = rng.random()
        if form < 0.15:
            pairs.append(key)
        elif form < 0.3:
            pairs.append(key + "=")
        else:
            value = "".join(rng.choice(VALUE_PIECES) for _ in range(rng.randint(1, 3)))
            pairs.append(f"{key}={value}")
    return "&".join(pairs)


def random_value(rng):
    words = [rng.choice(VALUE_WORDS) for _ in range(rng.randint(0, 4))]
    out = rng.choice(["", " ", "  ", "\t"])
    for i, word in enumerate(words):
        if i:
            out += rng.choice([" ", "  ", "   ", "\t", " \t "])
        out += word
    return out + rng.choice(["", " ", "   "])


def random_request(rng):
    method = rng.choice(METHODS)
    path = random_path(rng)
    query = random_query(rng)
    headers = [("Host", rng.choice(["example.amazonaws.com", "personalize.us-east-1.amazonaws.com",
                                    "localhost:8080"]))]
    for _ in range(rng.randint(0, 6)):
        name = rng.choice(HEADER_NAMES)
        value = random_value(rng)
        if rng.random() < 0.15:
            # a folded (multi-line) value: a continuation line in the raw request
            value = value.rstrip() + "\n" + rng.choice([" ", "   ", "\t"]) + rng.choice(VALUE_WORDS)
        headers.append((name, value))
    if rng.random() < 0.2:
        headers.append(("X-Amz-Date", "19990101T000000Z"))  # stale: the signer replaces it
    if rng.random() < 0.1:
        headers.append(("Authorization", "AWS4-HMAC-SHA256 Credential=stale"))
    if rng.random() < 0.1:
        headers.append(("X-Amz-Content-SHA256", "UNSIGNED-PAYLOAD"))
    rng.shuffle(headers)
    body = b""
    if rng.random() < 0.6:
        body = bytes(rng.randrange(256) for _ in range(rng.randint(1, 200)))
    return method, path, query, headers, body


def raw_request(method, path, query, headers, body):
    target = path + ("" if query is None else "?" + query)
    lines = [f"{method} {target} HTTP/1.1"]
    for name, value in headers:
        # a value's own line breaks are already continuation lines (next line starts blank)
        lines.append(f"{name}:{value}")
    return ("\n".join(lines) + "\n\n").encode("utf-8") + body


def random_credentials(rng):
    access = "AKIA" + "".join(rng.choice("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567") for _ in range(16))
    secret = "".join(rng.choice(B64) for _ in range(40))
    token = None
    if rng.random() < 0.3:
        token = "".join(rng.choice(B64) for _ in range(rng.randint(16, 400)))
    return access, secret, token


def botocore_sign(method, path, query, headers, body, creds, region, service, when, normalize):
    access, secret, token = creds
    url = "http://example.amazonaws.com" + path + ("" if query is None else "?" + query)
    request = AWSRequest(method=method, url=url, data=body)
    for name, value in headers:
        request.headers[name] = value  # HTTPHeaders appends: repeated names stay, in order
    signer = (_Recording if normalize else _PathAsSent)(
        Credentials(access, secret, token), service, region)
    # botocore reads the clock through get_current_datetime at signing time
    with mock.patch.object(botocore.auth, "get_current_datetime", return_value=when):
        signer.add_auth(request)
    creq, sts = signer.seen
    return creq, sts, request.headers["Authorization"]


def register_differential():
    rng = random.Random(SEED)
    start = datetime.datetime(2000, 1, 1)
    for i in range(CASES):
        method, path, query, headers, body = random_request(rng)
        creds = random_credentials(rng)
        region = rng.choice(REGIONS)
        service = rng.choice(SERVICES)
        when = start + datetime.timedelta(seconds=rng.randrange(36 * 365 * 86400))
        normalize = rng.random() < 0.8

        def check(method=method, path=path, query=query, headers=headers, body=body,
                  creds=creds, region=region, service=service, when=when, normalize=normalize):
            access, secret, token = creds
            args = ["--access-key", access, "--secret-key", secret, "--region", region,
                    "--service", service, "--time", when.strftime("%Y%m%dT%H%M%SZ")]
            if token is not None:
                args += ["--session-token", token]
            if not normalize:
                args.append("--no-normalize-path")
            raw = raw_request(method, path, query, headers, body)
            r = tool(args, raw)
            assert r.returncode == 0, (r.returncode, r.stderr.decode(), raw)
            want = expected_output(*botocore_sign(method, path, query, headers, body, creds,
                                                  region, service, when, normalize))
            assert_equal(r.stdout.decode("utf-8"), want, f"request {raw[:300]!r}")
            assert secret.encode() not in r.stdout + r.stderr, "secret printed"
        case(f"botocore differential #{i} (SIGV4_SEED={SEED})")(check)


if __name__ == "__main__":
    register_suite()
    register_bad_inputs()
    register_differential()
    run("sigv4_botocore")
