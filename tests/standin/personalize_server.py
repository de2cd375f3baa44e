#!/usr/bin/env python3
"""A stand-in for Amazon Personalize on loopback, for the demo and the end-to-end tests.

It speaks awsJson1_1 (POST /, X-Amz-Target: AmazonPersonalize.<Op>) for
CreateBatchInferenceJob, DescribeBatchInferenceJob and ListBatchInferenceJobs, keeps jobs in
memory, and checks every request the way AWS would: the SigV4 signature is recomputed with
botocore (not with the project's signer), the input is checked against the installed AWS
model, and every response is checked against the same model before it is sent. Faults that
tests need (throttling, 5xx, delays, broken bodies) are switched on at run time through a
control endpoint on the same port; see README.md beside this file.

    python3 tests/standin/personalize_server.py [--port 0] [--log FILE] [--port-file FILE]

The first line on stdout is "listening on PORT"; nothing else is printed there.
"""
import argparse
import base64
import collections
import datetime
import gzip
import hashlib
import hmac
import io
import json
import os
import re
import socket
import struct
import sys
import threading
import time
import unicodedata
import uuid
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import urlsplit

import botocore.auth
import botocore.awsrequest
import botocore.credentials
import botocore.loaders
import botocore.model
import botocore.parsers
import botocore.validate

ACCOUNT_ID = "123456789012"
SIGNING_NAME = "personalize"
JSON_CONTENT_TYPE = "application/x-amz-json-1.1"
OPERATIONS = ("CreateBatchInferenceJob", "DescribeBatchInferenceJob", "ListBatchInferenceJobs")
# Describes walk a job through these; the last one sticks.
JOB_STATES = ("PENDING", "IN PROGRESS", "ACTIVE")
MAX_SKEW = datetime.timedelta(minutes=15)  # AWS rejects X-Amz-Date further off than this
MAX_REQUEST_BYTES = 16 * 1024 * 1024
CONTROL_PATHS = ("/__control", "/__requests", "/__reset")
SIGV4_TIME = "%Y%m%dT%H%M%SZ"


class ApiError(Exception):
    """An error answered the way AWS answers it: status, __type and message."""

    def __init__(self, status, code, message):
        super().__init__(f"{code}: {message}")
        self.status = status
        self.code = code
        self.message = message


def invalid_input(message):
    return ApiError(400, "InvalidInputException", message)


# --- Patterns ---------------------------------------------------------------------------
# AWS models carry Java regular expressions. Python's re lacks \p{...}, so those classes are
# expanded into explicit code point ranges built from unicodedata (exact, not approximated
# by \w or \s). Smithy patterns are not implicitly anchored, hence re.search.

_POSIX_CLASSES = {  # Java's US-ASCII \p{...} classes
    "ASCII": r"\x00-\x7f", "Lower": "a-z", "Upper": "A-Z", "Alpha": "a-zA-Z", "Digit": "0-9",
    "Alnum": "a-zA-Z0-9", "XDigit": "0-9a-fA-F", "Space": r" \t\n\x0b\f\r",
    "Blank": r" \t", "Cntrl": r"\x00-\x1f\x7f",
    "Punct": r"!-/:-@\[-`{-~", "Graph": r"!-~", "Print": r" -~",
}
_category_ranges = None
_category_lock = threading.Lock()


def _unicode_class(name):
    """The body of a character class (no brackets) for a Java \\p{name}."""
    global _category_ranges
    if name in _POSIX_CLASSES:
        return _POSIX_CLASSES[name]
    for prefix in ("Is", "general_category=", "gc="):
        if name.startswith(prefix) and len(name) > len(prefix):
            name = name[len(prefix):]
    with _category_lock:
        if _category_ranges is None:
            ranges = collections.defaultdict(list)
            for cp in range(0x110000):
                cat = unicodedata.category(chr(cp))
                for key in (cat, cat[0]):  # "Lu" and "L"
                    spans = ranges[key]
                    if spans and spans[-1][1] == cp - 1:
                        spans[-1][1] = cp
                    else:
                        spans.append([cp, cp])
            _category_ranges = dict(ranges)
    if name not in _category_ranges:
        raise ValueError(f"unsupported character class \\p{{{name}}}")
    return "".join(f"\\U{a:08x}" if a == b else f"\\U{a:08x}-\\U{b:08x}"
                   for a, b in _category_ranges[name])


def java_regex(pattern):
    """Compiles a model pattern (Java syntax) into an equivalent Python pattern."""
    out = []
    in_class = False
    i = 0
    while i < len(pattern):
        ch = pattern[i]
        if ch == "\\" and i + 1 < len(pattern):
            nxt = pattern[i + 1]
            if nxt in "pP":
                m = re.match(r"\{([A-Za-z_=]+)\}|([A-Za-z])", pattern[i + 2:])
                if not m:
                    raise ValueError(f"bad \\{nxt} in pattern {pattern!r}")
                body = _unicode_class(m.group(1) or m.group(2))
                if in_class:
                    if nxt == "P":
                        raise ValueError(f"\\P inside a class is not supported: {pattern!r}")
                    out.append(body)
                else:
                    out.append(("[^" if nxt == "P" else "[") + body + "]")
                i += 2 + m.end()
                continue
            out.append(pattern[i:i + 2])
            i += 2
            continue
        if ch == "[" and not in_class:
            in_class = True
            out.append(ch)
            # A "]" or "^]" right after "[" is a literal in both dialects.
            if pattern[i + 1:i + 2] == "^":
                out.append("^")
                i += 1
            if pattern[i + 1:i + 2] == "]":
                out.append(r"\]")
                i += 1
        elif ch == "]" and in_class:
            in_class = False
            out.append(ch)
        elif ch == "[" and in_class:
            out.append(r"\[")  # Java class unions/intersections are not used by AWS models
        else:
            out.append(ch)
        i += 1
    # re.ASCII: Java's \d, \w and \s are ASCII-only, unlike Python's defaults.
    return re.compile("".join(out), re.ASCII | re.DOTALL)


# --- Constraints ------------------------------------------------------------------------
# botocore's ParamValidator checks types, required members, unknown members and minimums;
# AWS also enforces maximums, patterns and enums server side, which is what this adds.

class Constraints:
    def __init__(self):
        self._patterns = {}

    def pattern(self, text):
        if text not in self._patterns:
            self._patterns[text] = java_regex(text)
        return self._patterns[text]

    def precompile(self, shape, seen=None):
        """Compiles every pattern reachable from shape, so a bad one fails at start-up."""
        seen = set() if seen is None else seen
        if shape.name in seen:
            return
        seen.add(shape.name)
        if "pattern" in shape.metadata:
            self.pattern(shape.metadata["pattern"])
        for child in _children(shape):
            self.precompile(child, seen)

    def check(self, shape, value, path=""):
        """Returns AWS-style messages ("Value 'x' at 'a.b' failed to satisfy constraint: ...")."""
        problems = []
        self._check(shape, value, path, problems)
        return problems

    def _check(self, shape, value, path, problems):
        meta = shape.metadata

        def fail(constraint):
            shown = "" if meta.get("sensitive") or isinstance(value, (dict, list)) \
                else f" '{value}'"
            where = path or shape.name
            problems.append(f"Value{shown} at '{where}' failed to satisfy constraint: "
                            f"Member must {constraint}")

        kind = shape.type_name
        if kind == "structure":
            for name in shape.required_members:
                if value.get(name) is None:
                    where = f"{path}.{name}" if path else name
                    problems.append(f"Value null at '{where}' failed to satisfy constraint: "
                                    f"Member must not be null")
            for name, member in shape.members.items():
                if value.get(name) is not None:
                    self._check(member, value[name], f"{path}.{name}" if path else name, problems)
            return
        if kind in ("string", "list", "map", "blob"):
            size = len(base64.b64decode(value)) if kind == "blob" else len(value)
            if "min" in meta and size < meta["min"]:
                fail(f"have length greater than or equal to {meta['min']}")
            if "max" in meta and size > meta["max"]:
                fail(f"have length less than or equal to {meta['max']}")
        if kind in ("integer", "long", "float", "double") and not isinstance(value, bool):
            if "min" in meta and value < meta["min"]:
                fail(f"have value greater than or equal to {meta['min']}")
            if "max" in meta and value > meta["max"]:
                fail(f"have value less than or equal to {meta['max']}")
        if kind == "string":
            if "pattern" in meta and not self.pattern(meta["pattern"]).search(value):
                fail(f"satisfy regular expression pattern: {meta['pattern']}")
            if shape.enum and value not in shape.enum:
                fail(f"satisfy enum value set: [{', '.join(shape.enum)}]")
        if kind == "list":
            for i, item in enumerate(value, 1):
                self._check(shape.member, item, f"{path}.{i}.member", problems)
        if kind == "map":
            for key, item in value.items():
                self._check(shape.key, key, f"{path}.{key}.key", problems)
                self._check(shape.value, item, f"{path}.{key}.value", problems)


def _children(shape):
    if shape.type_name == "structure":
        return list(shape.members.values())
    if shape.type_name == "list":
        return [shape.member]
    if shape.type_name == "map":
        return [shape.key, shape.value]
    return []


def drop_nulls(value):
    """JSON null members count as absent, as in AWS's JSON protocols."""
    if isinstance(value, dict):
        return {k: drop_nulls(v) for k, v in value.items() if v is not None}
    if isinstance(value, list):
        return [drop_nulls(v) for v in value]
    return value


# --- Output -----------------------------------------------------------------------------

def to_wire(shape, value):
    """Python value -> JSON value for shape. Timestamps are epoch seconds (float, ms exact)
    unless the model says otherwise; members the model lacks are a bug in this server."""
    kind = shape.type_name
    if kind == "structure":
        unknown = set(value) - set(shape.members)
        if unknown:
            raise RuntimeError(f"{shape.name} has no members {sorted(unknown)}")
        return {name: to_wire(shape.members[name], value[name])
                for name in shape.members if value.get(name) is not None}
    if kind == "list":
        return [to_wire(shape.member, v) for v in value]
    if kind == "map":
        return {k: to_wire(shape.value, v) for k, v in value.items()}
    if kind == "timestamp":
        fmt = shape.serialization.get("timestampFormat", "unixTimestamp")
        if fmt == "unixTimestamp":
            return round(value, 3)
        moment = datetime.datetime.fromtimestamp(value, datetime.timezone.utc)
        if fmt == "iso8601":
            return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"
        return moment.strftime("%a, %d %b %Y %H:%M:%S GMT")
    if kind == "blob":
        return base64.b64encode(value).decode("ascii")
    return value


def _instants(value):
    """Parsed botocore output with datetimes as epoch seconds, for comparing with the wire."""
    if isinstance(value, dict):
        return {k: _instants(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_instants(v) for v in value]
    if isinstance(value, datetime.datetime):
        return round(value.timestamp(), 3)
    return value


# --- SigV4 ------------------------------------------------------------------------------

@dataclass
class Auth:
    """What a verified Authorization header said; recorded in the request log."""
    access_key: str
    date: str
    region: str
    service: str
    signed_headers: list
    amz_date: str
    session_token: bool


class ExactHeadersSigV4(botocore.auth.SigV4Auth):
    """botocore's SigV4 with the header set fixed to what the client says it signed
    (botocore would otherwise drop User-Agent and friends and add Host itself)."""

    def __init__(self, credentials, service, region, headers):
        super().__init__(credentials, service, region)
        self._headers = headers

    def headers_to_sign(self, request):
        return self._headers


class Verifier:
    def __init__(self, access_key, secret_key, session_token=None, region=None, clock=None):
        self.access_key = access_key
        self.secret_key = secret_key
        self.session_token = session_token
        self.region = region
        self.clock = clock or (lambda: datetime.datetime.now(datetime.timezone.utc))

    def verify(self, method, path, headers, body):
        """headers: list of (name, value) as received. Returns Auth or raises ApiError."""
        def header(name):
            values = [v for k, v in headers if k.lower() == name]
            return values[0] if values else None

        authz = header("authorization")
        if not authz:
            raise ApiError(403, "MissingAuthenticationTokenException", "Missing Authentication Token")
        algorithm, _, rest = authz.partition(" ")
        if algorithm != "AWS4-HMAC-SHA256":
            raise ApiError(403, "IncompleteSignatureException",
                           f"Unsupported AWS 'algorithm': '{algorithm}'")
        parts = {}
        for item in rest.split(","):
            key, eq, val = item.strip().partition("=")
            if eq:
                parts[key] = val
        missing = [k for k in ("Credential", "Signature", "SignedHeaders") if not parts.get(k)]
        if missing:
            raise ApiError(403, "IncompleteSignatureException", " ".join(
                f"Authorization header requires '{k}' parameter." for k in missing))
        scope = parts["Credential"].split("/")
        if len(scope) != 5:
            raise ApiError(403, "IncompleteSignatureException",
                           f"Credential should be scoped to 5 parts: '{parts['Credential']}'")
        access_key, date, region, service, terminator = scope
        amz_date = header("x-amz-date")
        try:
            when = datetime.datetime.strptime(amz_date or "", SIGV4_TIME).replace(
                tzinfo=datetime.timezone.utc)
        except ValueError:
            raise ApiError(403, "IncompleteSignatureException",
                           "Authorization header requires existence of either a 'X-Amz-Date' "
                           "or a 'Date' header.") from None
        if date != amz_date[:8]:
            raise ApiError(403, "InvalidSignatureException",
                           f"Date in Credential scope does not match YYYYMMDD from ISO-8601 "
                           f"version of date from HTTP: '{date}' != '{amz_date[:8]}'")
        if service != SIGNING_NAME:
            raise ApiError(403, "InvalidSignatureException",
                           f"Credential should be scoped to correct service: '{SIGNING_NAME}'.")
        if terminator != "aws4_request":
            raise ApiError(403, "InvalidSignatureException",
                           f"Credential should be scoped with a valid terminator: "
                           f"'aws4_request', not '{terminator}'.")
        if not re.fullmatch(r"[a-z0-9-]+", region) or (self.region and region != self.region):
            raise ApiError(403, "InvalidSignatureException",
                           f"Credential should be scoped to a valid region, not '{region}'.")
        token = header("x-amz-security-token")
        if access_key != self.access_key or (token or None) != self.session_token:
            raise ApiError(403, "UnrecognizedClientException",
                           "The security token included in the request is invalid.")
        now = self.clock()
        if when < now - MAX_SKEW:
            raise ApiError(403, "InvalidSignatureException",
                           f"Signature expired: {amz_date} is now earlier than "
                           f"{(now - MAX_SKEW).strftime(SIGV4_TIME)} "
                           f"({now.strftime(SIGV4_TIME)} - 15 min.)")
        if when > now + MAX_SKEW:
            raise ApiError(403, "InvalidSignatureException",
                           f"Signature not yet current: {amz_date} is still later than "
                           f"{(now + MAX_SKEW).strftime(SIGV4_TIME)} "
                           f"({now.strftime(SIGV4_TIME)} + 15 min.)")
        signed = parts["SignedHeaders"].split(";")
        if "host" not in signed:
            raise ApiError(403, "InvalidSignatureException",
                           "'Host' or ':authority' must be a 'SignedHeader' in the AWS Authorization.")
        content_sha = header("x-amz-content-sha256")
        # botocore trusts this header as the payload hash; AWS checks it against the body.
        if content_sha is not None and content_sha != hashlib.sha256(body).hexdigest():
            raise ApiError(403, "InvalidSignatureException",
                           "The provided 'x-amz-content-sha256' header does not match what "
                           "was computed.")

        to_sign = botocore.awsrequest.HTTPHeaders()
        for name in signed:
            values = [v for k, v in headers if k.lower() == name]
            if not values:
                raise ApiError(403, "InvalidSignatureException",
                               f"The request signature we calculated does not match the "
                               f"signature you provided: signed header '{name}' is missing.")
            for v in values:
                to_sign.add_header(name, v)
        request = botocore.awsrequest.AWSRequest(
            method=method, url=f"http://{header('host') or 'localhost'}{path}", data=body)
        for name, value in to_sign.items():
            request.headers.add_header(name, value)
        request.context["timestamp"] = amz_date
        creds = botocore.credentials.Credentials(access_key, self.secret_key, self.session_token)
        signer = ExactHeadersSigV4(creds, service, region, to_sign)
        canonical = signer.canonical_request(request)
        string_to_sign = signer.string_to_sign(request, canonical)
        expected = signer.signature(string_to_sign, request)
        if not hmac.compare_digest(expected, parts["Signature"]):
            if self.session_token:  # AWS echoes the canonical request; keep tokens out of it
                canonical = canonical.replace(self.session_token, "<session token>")
            raise ApiError(403, "InvalidSignatureException",
                           "The request signature we calculated does not match the signature "
                           "you provided. Check your AWS Secret Access Key and signing method. "
                           "Consult the service documentation for details.\n\nThe Canonical "
                           f"String for this request should have been\n'{canonical}'\n\nThe "
                           f"String-to-Sign should have been\n'{string_to_sign}'\n")
        return Auth(access_key, date, region, service, signed, amz_date, token is not None)


# --- Jobs -------------------------------------------------------------------------------

class Clock:
    """Epoch seconds for timestamps. With start=None, real time; otherwise a fake clock that
    starts there and moves 1.001 s per reading, so tests get fixed values with milliseconds."""

    def __init__(self, start=None):
        self._start = self._next = start
        self._lock = threading.Lock()

    def reset(self):
        with self._lock:
            self._next = self._start

    def now(self):
        if self._next is None:
            return round(time.time(), 3)
        with self._lock:
            value = round(self._next, 3)
            self._next += 1.001
            return value


@dataclass
class Job:
    arn: str
    request: dict  # the CreateBatchInferenceJob input, tags removed
    status: str
    created: float
    updated: float
    failure_reason: str = None


class Personalize:
    """The three operations over jobs kept in memory. Inputs arrive validated."""

    def __init__(self, clock):
        self.clock = clock
        self.jobs = {}  # arn -> Job, in creation order
        self.lock = threading.Lock()

    def reset(self):
        with self.lock:
            self.jobs.clear()
            self.clock.reset()

    def call(self, operation, params, region):
        with self.lock:
            return getattr(self, operation)(params, region)

    def CreateBatchInferenceJob(self, params, region):
        name = params["jobName"]
        arn = f"arn:aws:personalize:{region}:{ACCOUNT_ID}:batch-inference-job/{name}"
        if arn in self.jobs:
            raise ApiError(400, "ResourceAlreadyExistsException",
                           f"Batch inference job with ARN {arn} already exists.")
        now = self.clock.now()
        request = {k: v for k, v in params.items() if k != "tags"}
        request.setdefault("batchInferenceJobMode", "BATCH_INFERENCE")
        self.jobs[arn] = Job(arn, request, JOB_STATES[0], now, now)
        return {"batchInferenceJobArn": arn}

    def DescribeBatchInferenceJob(self, params, region):
        job = self.jobs.get(params["batchInferenceJobArn"])
        if job is None:
            raise ApiError(400, "ResourceNotFoundException",
                           f"Could not find batch inference job with ARN "
                           f"{params['batchInferenceJobArn']}.")
        described = dict(job.request, batchInferenceJobArn=job.arn, status=job.status,
                         failureReason=job.failure_reason, creationDateTime=job.created,
                         lastUpdatedDateTime=job.updated)
        # Each describe moves the job one state on, so tests see every state in order.
        if job.status in JOB_STATES and job.status != JOB_STATES[-1]:
            job.status = JOB_STATES[JOB_STATES.index(job.status) + 1]
            job.updated = self.clock.now()
        return {"batchInferenceJob": described}

    def ListBatchInferenceJobs(self, params, region):
        jobs = [j for j in reversed(list(self.jobs.values()))  # newest first, as AWS lists
                if params.get("solutionVersionArn") in (None, j.request["solutionVersionArn"])]
        start = 0
        if "nextToken" in params:
            try:
                start = int(base64.urlsafe_b64decode(params["nextToken"]).decode().split(":")[1])
                if not 0 <= start <= len(jobs):
                    raise ValueError(start)
            except (ValueError, IndexError, UnicodeDecodeError):
                raise ApiError(400, "InvalidNextTokenException", "Invalid next token.") from None
        end = start + params.get("maxResults", 100)
        page = [{"batchInferenceJobArn": j.arn, "jobName": j.request["jobName"],
                 "status": j.status, "creationDateTime": j.created,
                 "lastUpdatedDateTime": j.updated, "failureReason": j.failure_reason,
                 "solutionVersionArn": j.request["solutionVersionArn"],
                 "batchInferenceJobMode": j.request["batchInferenceJobMode"]}
                for j in jobs[start:end]]
        out = {"batchInferenceJobs": page}
        if end < len(jobs):
            out["nextToken"] = base64.urlsafe_b64encode(f"offset:{end}".encode()).decode()
        return out


# --- Faults -----------------------------------------------------------------------------

# Faults that replace or break the response; a request takes at most one, the first pending
# one in this order.
RESPONSE_FAULTS = ("status", "throttle", "html_error", "drop", "non_json", "truncate",
                   "close_mid_body", "reset_mid_body")
# Faults that shape how a response is sent; each applies to the next "count" requests.
VALUE_FAULTS = ("delay_ms", "trickle_ms_per_byte", "huge_body_bytes")
STATUS_ERRORS = {500: "InternalFailure", 502: "BadGateway", 503: "ServiceUnavailable",
                 504: "GatewayTimeout"}


@dataclass
class FaultPlan:
    kind: str = None  # one of RESPONSE_FAULTS, or None
    status: int = None  # for kind "status"
    html_status: int = 502
    delay_ms: int = 0
    trickle_ms_per_byte: int = 0
    huge_body_bytes: int = 0

    def names(self):
        names = [self.kind] if self.kind else []
        return names + [n for n in VALUE_FAULTS if getattr(self, n)]


class Faults:
    def __init__(self):
        self.lock = threading.Lock()
        self.clear()

    def clear(self):
        self.counts = {name: 0 for name in RESPONSE_FAULTS if name != "status"}
        self.statuses = collections.deque()
        self.values = {}  # name -> [value, remaining requests]
        self.html_status = 502

    def set(self, switches):
        """Applies a /__control body. Raises ValueError naming the first bad switch."""
        def count(name, value, low=0, high=1 << 31):
            if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
                raise ValueError(f"{name} must be an integer from {low} to {high}")
            return value

        known = set(RESPONSE_FAULTS) | set(VALUE_FAULTS) | {"count", "html_status"}
        for name in switches:
            if name not in known:
                raise ValueError(f"unknown switch {name!r}; known: {', '.join(sorted(known))}")
        repeat = count("count", switches.get("count", 1), 1)
        # Check every value before changing anything, so a bad call leaves no trace.
        updates = []
        for name, value in switches.items():
            if name == "status":
                values = value if isinstance(value, list) else [value]
                updates.append((name, [count(name, v, 100, 599) for v in values]))
            elif name == "html_status":
                updates.append((name, count(name, value, 100, 599)))
            elif name != "count":
                updates.append((name, count(name, value)))
        with self.lock:
            for name, value in updates:
                if name == "status":
                    self.statuses.extend(value)
                elif name == "html_status":
                    self.html_status = value
                elif name in self.counts:
                    self.counts[name] += value
                else:
                    self.values[name] = [value, repeat if value else 0]

    def pending(self):
        with self.lock:
            out = {k: v for k, v in self.counts.items() if v}
            if self.statuses:
                out["status"] = list(self.statuses)
            out.update({k: {"value": v, "count": n} for k, (v, n) in self.values.items() if n})
            return out

    def take(self):
        """The faults for the next AWS request, consumed."""
        plan = FaultPlan()
        with self.lock:
            plan.html_status = self.html_status
            for name in RESPONSE_FAULTS:
                if name == "status" and self.statuses:
                    plan.kind, plan.status = "status", self.statuses.popleft()
                    break
                if self.counts.get(name):
                    self.counts[name] -= 1
                    plan.kind = name
                    break
            for name, slot in self.values.items():
                if slot[1] > 0:
                    setattr(plan, name, slot[0])
                    slot[1] -= 1
        return plan


# --- Request log ------------------------------------------------------------------------

class RequestLog:
    """Every AWS-shaped request received, in memory and as JSON lines in --log. Signatures
    and session tokens are redacted; the rest is as received."""

    def __init__(self, path=None):
        self.lock = threading.Lock()
        self.entries = []
        self.path = path
        self.file = open(path, "w", encoding="utf-8") if path else None

    def add(self, entry):
        with self.lock:
            entry["seq"] = len(self.entries) + 1
            self.entries.append(entry)
            if self.file:
                self.file.write(json.dumps(entry) + "\n")
                self.file.flush()

    def all(self):
        with self.lock:
            return list(self.entries)

    def clear(self):
        with self.lock:
            self.entries.clear()
            if self.file:
                self.file.seek(0)
                self.file.truncate()


def redact_headers(headers):
    out = []
    for name, value in headers:
        if name.lower() == "authorization":
            value = re.sub(r"Signature=[0-9a-fA-F]*", "Signature=<redacted>", value)
        elif name.lower() == "x-amz-security-token":
            value = "<redacted>"
        out.append([name, value])
    return out


# --- HTTP -------------------------------------------------------------------------------

class StandInServer(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, address, model, verifier, log, clock, verbose=False):
        super().__init__(address, Handler)
        self.model = model
        self.verifier = verifier
        self.log = log
        self.faults = Faults()
        self.app = Personalize(clock)
        self.constraints = Constraints()
        self.validator = botocore.validate.ParamValidator()
        self.verbose = verbose
        for op in OPERATIONS:
            operation = model.operation_model(op)
            self.constraints.precompile(operation.input_shape)
            self.constraints.precompile(operation.output_shape)


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive; every response carries Content-Length
    server_version = "PersonalizeStandIn/1.0"

    def log_message(self, format, *args):
        if self.server.verbose:
            super().log_message(format, *args)

    def do_POST(self):
        self._dispatch("POST")

    def do_GET(self):
        self._dispatch("GET")

    def do_PUT(self):
        self._dispatch("PUT")

    def do_DELETE(self):
        self._dispatch("DELETE")

    def _read_body(self):
        if "chunked" in self.headers.get("Transfer-Encoding", "").lower():
            chunks = []
            while True:
                size = int(self.rfile.readline().split(b";")[0].strip() or b"0", 16)
                if size == 0:
                    while self.rfile.readline() not in (b"\r\n", b"\n", b""):
                        pass  # trailers
                    return b"".join(chunks)
                chunks.append(self.rfile.read(size))
                self.rfile.readline()
        length = int(self.headers.get("Content-Length") or 0)
        if length > MAX_REQUEST_BYTES:
            raise ApiError(413, "RequestEntityTooLarge", "Request body too large")
        body = self.rfile.read(length)
        if len(body) != length:
            raise ConnectionError("client closed mid-request")
        return body

    def _dispatch(self, method):
        try:
            body = self._read_body()
        except ApiError as e:
            self.close_connection = True
            self._send(e.status, *self._error_payload(e), FaultPlan())
            return
        except (ValueError, ConnectionError):
            self.close_connection = True
            return
        path = urlsplit(self.path).path
        if path in CONTROL_PATHS:
            self._control(method, path, body)
        else:
            self._aws(method, body)

    # Control endpoint: plain JSON, unsigned, not recorded.
    def _control(self, method, path, body):
        server = self.server
        status, out = 200, {}
        try:
            if path == "/__requests" and method == "GET":
                out = {"requests": server.log.all()}
            elif path == "/__control" and method == "GET":
                out = {"pending": server.faults.pending()}
            elif path == "/__control" and method == "POST":
                switches = json.loads(body or b"{}")
                if not isinstance(switches, dict):
                    raise ValueError("the body must be a JSON object")
                server.faults.set(switches)
                out = {"pending": server.faults.pending()}
            elif path == "/__reset" and method == "POST":
                server.faults.clear()
                server.app.reset()
                server.log.clear()
            else:
                status, out = 405, {"error": f"{method} {path} is not supported"}
        except ValueError as e:
            status, out = 400, {"error": str(e)}
        payload = json.dumps(out).encode()
        self._send(status, [("Content-Type", "application/json")], payload, FaultPlan())

    def _error_payload(self, error):
        body = json.dumps({"__type": error.code, "message": error.message}).encode()
        return [("Content-Type", JSON_CONTENT_TYPE), ("x-amzn-ErrorType", error.code)], body

    def _aws(self, method, body):
        server = self.server
        request_id = str(uuid.uuid4())
        headers = list(self.headers.items())
        entry = {"time": time.time(), "method": method, "path": self.path,
                 "headers": redact_headers(headers),
                 "body": body.decode("utf-8", errors="replace"),
                 "operation": None, "auth": None, "fault": [], "request_id": request_id}
        plan = FaultPlan()
        try:
            auth = server.verifier.verify(method, self.path, headers, body)
            entry["auth"] = auth.__dict__
            operation = self._operation(method)
            entry["operation"] = operation.name
            plan = server.faults.take()
            entry["fault"] = plan.names()
            status, out_headers, payload = self._fault_response(plan)
            if status is None:
                result = server.app.call(operation.name, self._input(operation, body), auth.region)
                status, out_headers, payload = 200, [("Content-Type", JSON_CONTENT_TYPE)], \
                    self._output(operation, result)
            entry["verdict"] = "ok" if status == 200 else (plan.kind or "error")
        except ApiError as e:
            status, (out_headers, payload) = e.status, self._error_payload(e)
            entry["verdict"] = e.code
            entry["message"] = e.message
        except Exception as e:  # a bug here must not look like a client fault
            print(f"stand-in: internal error: {e!r}", file=sys.stderr, flush=True)
            error = ApiError(500, "InternalFailure", f"stand-in internal error: {e}")
            status, (out_headers, payload) = 500, self._error_payload(error)
            entry["verdict"] = "InternalFailure"
            entry["message"] = str(e)
        entry["status"] = status
        server.log.add(entry)
        self._send(status, out_headers + [("x-amzn-RequestId", request_id)], payload, plan)

    def _operation(self, method):
        model = self.server.model
        target = self.headers.get("X-Amz-Target", "")
        prefix, _, name = target.partition(".")
        if method != "POST" or urlsplit(self.path).path != "/":
            raise ApiError(404, "UnknownOperationException",
                           f"awsJson1_1 requests are POST /, not {method} {self.path}")
        if prefix != model.metadata["targetPrefix"] or name not in OPERATIONS:
            raise ApiError(400, "UnknownOperationException",
                           f"Unknown operation: X-Amz-Target '{target}'")
        content_type = self.headers.get("Content-Type", "").split(";")[0].strip().lower()
        if content_type != JSON_CONTENT_TYPE:
            raise ApiError(400, "UnknownOperationException",
                           f"Content-Type must be {JSON_CONTENT_TYPE}, not '{content_type}'")
        return model.operation_model(name)

    def _input(self, operation, body):
        try:
            params = json.loads(body.decode("utf-8")) if body.strip() else {}
        except (UnicodeDecodeError, ValueError) as e:
            raise invalid_input(f"The request body is not valid JSON: {e}") from None
        if not isinstance(params, dict):
            raise invalid_input("The request body must be a JSON object.")
        params = drop_nulls(params)
        report = self.server.validator.validate(params, operation.input_shape)
        if report.has_errors():
            raise invalid_input(report.generate_report())
        problems = self.server.constraints.check(operation.input_shape, params)
        if problems:
            noun = "error" if len(problems) == 1 else "errors"
            raise invalid_input(f"{len(problems)} validation {noun} detected: "
                                + "; ".join(problems))
        return params

    def _output(self, operation, result):
        """Serializes by the model, then checks the bytes the way a client would see them:
        constraints of the output shape, and a botocore parse that must give them back."""
        shape = operation.output_shape
        wire = to_wire(shape, result)
        problems = self.server.constraints.check(shape, wire)
        if problems:
            raise RuntimeError(f"{operation.name} output breaks the model: {problems}")
        payload = json.dumps(wire).encode()
        parsed = botocore.parsers.create_parser("json").parse(
            {"status_code": 200, "headers": {}, "body": payload}, shape)
        parsed.pop("ResponseMetadata", None)
        if _instants(parsed) != wire:
            raise RuntimeError(f"{operation.name} output does not survive botocore's parser")
        return payload

    def _fault_response(self, plan):
        """(status, headers, body) for faults that replace the response, else (None,)*3."""
        if plan.kind == "throttle":
            error = ApiError(400, "ThrottlingException", "Rate exceeded")
            return (400, *self._error_payload(error))
        if plan.kind == "status":
            code = STATUS_ERRORS.get(plan.status, "ServiceError")
            error = ApiError(plan.status, code, f"stand-in fault: HTTP {plan.status}")
            return (plan.status, *self._error_payload(error))
        if plan.kind == "html_error":
            page = (f"<html><head><title>{plan.html_status} Error</title></head>"
                    f"<body><h1>{plan.html_status} Error</h1><p>The proxy could not reach "
                    f"the service.</p></body></html>\n").encode()
            return plan.html_status, [("Content-Type", "text/html")], page
        return None, None, None

    def _send(self, status, headers, payload, plan):
        """Writes the response, broken the way plan says."""
        if plan.delay_ms:
            time.sleep(plan.delay_ms / 1000)
        if plan.kind == "drop":  # no response at all
            self._hang_up(reset=False)
            return
        if plan.kind == "non_json":
            payload = b"<not json> the stand-in was told to send this instead of JSON\n"
        if plan.kind == "truncate":  # consistent framing, broken JSON
            payload = payload[:len(payload) // 2]
        length = max(len(payload), plan.huge_body_bytes)
        try:
            self.send_response(status)
            for name, value in headers:
                self.send_header(name, value)
            self.send_header("Content-Length", str(length))
            self.end_headers()
            if plan.kind in ("close_mid_body", "reset_mid_body"):
                self.wfile.write(payload[:len(payload) // 2])
                self._hang_up(reset=plan.kind == "reset_mid_body")
                return
            if plan.huge_body_bytes > len(payload):
                self._write_padded(payload, length)
            elif plan.trickle_ms_per_byte:
                for i in range(len(payload)):
                    self.wfile.write(payload[i:i + 1])
                    time.sleep(plan.trickle_ms_per_byte / 1000)
            else:
                self.wfile.write(payload)
        except (BrokenPipeError, ConnectionResetError):
            # The client gave up: a read timeout, or its body-size cap.
            self.close_connection = True

    def _write_padded(self, payload, length):
        """Sends payload grown to length bytes of still-valid JSON: spaces before the final
        closing brace, written in pieces so the stand-in never holds the whole body."""
        head, tail = (payload[:-1], payload[-1:]) if payload.endswith(b"}") else (payload, b"")
        self.wfile.write(head)
        left = length - len(head) - len(tail)
        block = b" " * 65536
        while left > 0:
            piece = block[:min(left, len(block))]
            self.wfile.write(piece)
            left -= len(piece)
        self.wfile.write(tail)

    def _hang_up(self, reset):
        """Ends the connection now: FIN (reset=False) or RST (reset=True, SO_LINGER 0)."""
        self.close_connection = True
        try:
            self.wfile.flush()
            if reset:
                self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER,
                                           struct.pack("ii", 1, 0))
                # The socket closes (and the RST goes out) only once every file object on
                # it is closed too.
                self.rfile.close()
                self.wfile.close()
                self.connection.close()
                self.wfile = io.BytesIO()  # http.server flushes wfile after the handler
            else:
                self.connection.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass


def load_model(path=None):
    """The installed botocore model by default; a service-2.json[.gz] path otherwise."""
    if path is None:
        data = botocore.loaders.Loader().load_service_model("personalize", "service-2")
    else:
        opener = gzip.open if path.endswith(".gz") else open
        with opener(path, "rt", encoding="utf-8") as f:
            data = json.load(f)
    return botocore.model.ServiceModel(data, service_name="personalize")


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=0, help="0 picks a free port")
    parser.add_argument("--port-file", help="also write the port to this file")
    parser.add_argument("--log", help="JSON-lines record of every AWS request received")
    parser.add_argument("--access-key", default="AKIDEXAMPLE")
    parser.add_argument("--secret-key", default="wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY")
    parser.add_argument("--session-token", help="when given, requests must carry it")
    parser.add_argument("--region", help="when given, requests must be signed for it")
    parser.add_argument("--model", help="service-2.json[.gz]; default: botocore's installed one")
    parser.add_argument("--clock", type=float,
                        help="fake clock start (epoch seconds) for fixed timestamps")
    parser.add_argument("--verbose", action="store_true", help="access log on stderr")
    args = parser.parse_args(argv)

    verifier = Verifier(args.access_key, args.secret_key, args.session_token, args.region)
    server = StandInServer((args.host, args.port), load_model(args.model), verifier,
                           RequestLog(args.log), Clock(args.clock), args.verbose)
    port = server.server_address[1]
    if args.port_file:
        with open(args.port_file + ".tmp", "w") as f:
            f.write(f"{port}\n")
        os.replace(args.port_file + ".tmp", args.port_file)  # readers never see half a file
    print(f"listening on {port}", flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()


if __name__ == "__main__":
    main()
