"""Differential tests of restJson1 against botocore, for installed services chosen for
variety (greedy labels, header maps, streaming, unions, documents, jsonvalue, host prefixes,
idempotency tokens, timestamps in every location, query maps and lists, literal query
strings, status codes, context parameters).

Per service, acg-gen output (--prefix svc) and tests/generated/rest_driver.c are compiled
into one driver program in $BUILD/restjson-diff/<service>/. Then, with seeded random
instances of every operation's input and output and of every modelled error:

- requests: botocore's RestJSONSerializer and prepare_request_dict against the runtime's
  acg_protocol_build (input given as --cli-input-json takes it), compared on method, path,
  query (a multiset of encoded pairs), headers (names case-insensitively, values exactly;
  jsonvalue headers as the JSON they carry), body (a JSON value, or bytes for raw
  payloads) and host prefix;
- responses: an HTTP response (status, headers, body) built from a random output instance
  as a service would send it, parsed by botocore's RestJSONParser and by acg_protocol_parse,
  the decoded struct printed with acg_json_encode(.member_names = true); the two must be the
  same values (timestamps as instants, blobs as bytes);
- errors: the same for modelled errors, plus the error code (X-Amzn-ErrorType, "code",
  "__type");
- endpoints: for the services whose operations bind endpoint parameters (contextParam,
  staticContextParams, operationContextParams, clientContextParams) the URL the rule set
  gives, against botocore's EndpointRulesetResolver.

Each compared instance counts as one test. DIFF_ROUNDS sets the instances per shape (default
4); DIFF_SERVICES="a b" limits the services."""
import base64
import concurrent.futures
import datetime
import email.utils
import gzip
import itertools
import json
import math
import os
import random
import shlex
import subprocess
import sys

import botocore
import botocore.awsrequest
import botocore.config
import botocore.exceptions
import botocore.model
import botocore.parsers
import botocore.serialize
import botocore.session
from botocore.compat import HTTPHeaders

sys.path.insert(0, os.path.join(os.path.dirname(__file__), ".."))
import pybuild  # noqa: E402

BUILD = os.environ.get("BUILD", "build")
# Under valgrind (make valgrind) every record costs a hundred times more.
ROUNDS = int(os.environ.get("DIFF_ROUNDS", "1" if os.environ.get("VALGRIND") else "4"))
DATA = os.path.join(os.path.dirname(botocore.__file__), "data")
WORK = os.path.join(BUILD, "restjson-diff")
EPOCH = datetime.datetime(1970, 1, 1, tzinfo=datetime.timezone.utc)
TOKEN = "00000000-1111-4222-8333-444444444444"

# Service: what it brings.
SERVICES = {
    "restfixture": "tests/fixtures/models/restjson: every binding, including forms no AWS model uses",
    "lambda": "literal query, statusCode, blob payloads, long labels, query timestamps",
    "glacier": "streaming in and out, structure payloads, literal query, statusCode, headers",
    "iot": "greedy labels, statusCode, structure payloads, idempotency tokens in the query",
    "mediastore-data": "greedy labels, streaming, long and timestamp response headers",
    "dataexchange": "header maps in and out, string payloads, query maps, host prefixes",
    "apigateway": "blob payloads, query maps, literal query, headers",
    "iot-data": "jsonvalue request header, blob payloads",
    "lex-runtime": "jsonvalue headers both ways, streaming",
    "medical-imaging": "union payload, host prefixes, streaming output",
    "bedrock-agentcore": "document payload, statusCode, idempotency token header",
    "amp": "query map of lists, idempotency tokens in the query",
    "route53globalresolver": "greedy labels, query map of lists",
    "connect": "timestamp request header, integer and long labels",
    "neptune-graph": "hostLabel, host prefixes, staticContextParams",
    "sesv2": "contextParam members",
    "cloudfront-keyvaluestore": "contextParam members, request and response headers",
    "polly": "list header, streaming output",
    "appconfig": "boolean and integer headers, blob payloads",
    "braket": "jsonvalue body members, documents",
    "groundstation": "unixTimestamp query, integer labels",
    "bedrock-runtime": "iso8601 query timestamps, blob payloads",
    "datazone": "timestamp response headers, idempotency tokens in header and query",
    "ebs": "integer headers, streaming both ways",
    "omics": "requiresLength streaming, jsonvalue body, host prefixes",
    "pinpoint": "structure payloads, iso8601 query timestamps",
    "geo-maps": "float query, blob payload output",
    "personalize-runtime": "Personalize's sibling",
    "personalize-events": "Personalize's sibling",
    "eks": "moto's",
    "batch": "moto's",
    "efs": "moto's",
    "appsync": "moto's",
}
# Services whose rule sets read operation context; dynamodb (awsJson) carries the only
# operationContextParams botocore ships and s3control (restXml) clientContextParams.
ENDPOINT_SERVICES = ["neptune-graph", "sesv2", "cloudfront-keyvaluestore", "dynamodb",
                     "s3control"]


FIXTURE = os.path.join(os.path.dirname(__file__), "..", "fixtures", "models", "restjson",
                       "service-2.json")


def model_path(svc):
    if svc == "restfixture":
        return FIXTURE
    folder = os.path.join(DATA, svc)
    version = sorted(os.listdir(folder))[-1]
    return os.path.join(folder, version, "service-2.json.gz")


def build_driver(svc):
    """acg-gen output plus the driver, compiled into one program; returns its path."""
    out = os.path.join(WORK, svc)
    subprocess.run([os.path.join(BUILD, "bin", "acg-gen"), "--model", model_path(svc), "--out",
                    out, "--prefix", "svc"], check=True, capture_output=True)
    exe = os.path.join(out, "driver")
    srcs = [os.path.join(out, f) for f in sorted(os.listdir(out))
            if f.endswith(".c") and not f.endswith("_main.c")]
    env_cflags = os.environ.get("CFLAGS")
    args = pybuild.cc("-Iruntime/include", "-Iruntime/internal", "-I" + out,
                      "tests/generated/rest_driver.c", *srcs, os.path.join(BUILD, "libacg.a"),
                      "-o", exe)
    if not env_cflags:  # big tables: no need to optimise them
        args = [a if a != "-O1" else "-O0" for a in args]
    r = subprocess.run(args, capture_output=True, text=True)
    if r.returncode != 0:
        raise RuntimeError(f"{svc}: driver does not build:\n{r.stderr[:3000]}")
    return exe


class Batch:
    """Records for one driver program, run in one go (a round trip per record through a
    pipe costs more than the work), each with the check its answer must pass. A record the
    driver dies on fails (a crash is a finding) and the run goes on after it."""

    def __init__(self, exe):
        self.argv = shlex.split(os.environ.get("VALGRIND", "")) + [exe]
        self.items = []

    def add(self, cmd, record, label, check):
        """check(status, raw) returns None when the answer is right, else what is wrong."""
        data = json.dumps(record).encode()
        self.items.append((f"{cmd} {len(data)}\n".encode() + data, label, check))

    def run(self, fail):
        """Runs every record; calls fail(label, detail) for each wrong answer and returns
        {label kind: passed count}."""
        counts = {}
        start = 0
        while start < len(self.items):
            pending = self.items[start:]
            p = subprocess.run(self.argv, input=b"".join(i[0] for i in pending),
                               capture_output=True, timeout=3600)
            out, pos, done = p.stdout, 0, 0
            for _, label, check in pending:
                nl = out.find(b"\n", pos)
                if nl < 0:
                    break
                status, n = out[pos:nl].split()
                raw = out[nl + 1:nl + 1 + int(n)]
                pos = nl + 1 + int(n)
                done += 1
                problem = check(int(status), raw)
                if problem:
                    fail(label, problem)
                else:
                    kind = label.split()[1]
                    counts[kind] = counts.get(kind, 0) + 1
            if done < len(pending):
                fail(pending[done][1], f"the driver died (exit {p.returncode}): "
                                    f"{p.stderr.decode(errors='replace')[-600:]}")
                start += done + 1
            else:
                if p.returncode != 0:
                    fail(pending[-1][1] + " (exit)", f"the driver exits with {p.returncode}: "
                                                  f"{p.stderr.decode(errors='replace')[-600:]}")
                break
        return counts


# ---- random values ----

TEXT = ["a", "Z", "0", " ", "\"", "\\", "/", "?", "&", "=", "+", "%", "#", ",", "~", ".", "-",
        "_", "\n", "\t", "\x01", "é", "ß", "中", "😀", "\u2028", "𝄞"]
HEADER_TEXT = [chr(c) for c in range(0x21, 0x7f)] + [" "]


def rand_text(rng, chars=TEXT, low=0, high=10):
    return "".join(rng.choice(chars) for _ in range(rng.randint(low, high)))


def header_text(rng):
    """A header value as HTTP carries it: printable ASCII, no space at either end."""
    return rand_text(rng, HEADER_TEXT, 1, 12).strip() or "x"


def rand_float():
    # Short decimals: a float member keeps 24 bits, and both sides write the shortest digits.
    return [0.0, 1.0, -2.5, 0.5, 0.1, 1e10, 3.25, -0.001, 123456.0, float("inf"),
            float("-inf"), float("nan")]


def rand_time(rng, whole_seconds=False):
    us = rng.choice([0, 1, 999999, 123000, rng.randint(0, 4102444800) * 1000000,
                     rng.randint(0, 4102444800000) * 1000, rng.randint(-2208988800000000, 0)])
    if whole_seconds:
        us -= us % 1000000
    return EPOCH + datetime.timedelta(microseconds=us)


def json_value(rng, depth=0):
    """A JSON value for documents and jsonvalue members (ASCII strings: botocore writes
    jsonvalue headers with ensure_ascii)."""
    kind = rng.randint(0, 6 if depth < 2 else 3)
    if kind == 0:
        return None if depth else {}
    if kind == 1:
        return rng.choice([True, False, 0, -7, 2.5, 1e21])
    if kind in (2, 3):
        return rand_text(rng, HEADER_TEXT, 0, 6)
    if kind == 4:
        return [json_value(rng, depth + 1) for _ in range(rng.randint(0, 3))]
    return {rand_text(rng, HEADER_TEXT, 1, 4): json_value(rng, depth + 1)
            for _ in range(rng.randint(0, 3))}


def rand_value(shape, rng, depth, where="body"):
    """A random Python value for shape as botocore takes it. where: the member's location,
    which limits what a value may hold (headers carry printable ASCII)."""
    t = shape.type_name
    if t == "structure":
        if shape.is_document_type:
            return json_value(rng)
        names = [n for n, m in shape.members.items()
                 if not m.serialization.get("eventstream")]
        if not names:
            return {}
        if shape.is_tagged_union:
            n = rng.choice(names)
            return {n: rand_value(shape.members[n], rng, depth + 1)}
        pick = [n for n in names if rng.random() < (0.6 if depth < 3 else 0.15)]
        return {n: rand_value(shape.members[n], rng, depth + 1) for n in pick}
    if t == "list":
        k = rng.randint(0, 3 if depth < 3 else 1)
        if where == "header":
            k = rng.randint(1, 3)
        return [rand_value(shape.member, rng, depth + 1, where) for _ in range(k)]
    if t == "map":
        k = rng.randint(0, 3 if depth < 3 else 1)
        if where == "headers":
            return {rand_text(rng, "abcdefghij-", 1, 6) + str(i): header_text(rng)
                    for i in range(k)}
        return {rand_text(rng) + str(i): rand_value(shape.value, rng, depth + 1, where)
                for i in range(k)}
    if t == "string":
        if shape.enum and rng.random() < 0.5:
            return rng.choice(shape.enum)
        return header_text(rng) if where in ("header", "headers") else rand_text(rng)
    if t == "integer":
        return rng.choice([0, 1, -1, 2**31 - 1, -2**31, rng.randint(-1000, 1000)])
    if t == "long":
        return rng.choice([0, 2**63 - 1, -2**63, 2**53 + 1, rng.randint(-2**40, 2**40)])
    if t in ("float", "double"):
        return rng.choice(rand_float())
    if t == "boolean":
        return rng.random() < 0.5
    if t == "timestamp":
        return rand_time(rng)
    if t == "blob":
        return bytes(rng.randint(0, 255) for _ in range(rng.randint(0, 20)))
    raise AssertionError(f"unhandled type {t}")


def is_jsonvalue_header(m):
    return m.serialization.get("jsonvalue") and m.serialization.get("location") == "header"


def rand_input(op, rng):
    """Random parameters for op's input: URI labels always (botocore needs them), values
    fit for where each member travels, idempotency tokens absent half the time."""
    shape = op.input_shape
    params = {}
    for name, m in shape.members.items():
        loc = m.serialization.get("location")
        if m.serialization.get("eventstream"):
            continue
        label = m.serialization.get("hostLabel")
        if loc != "uri" and not label and rng.random() > 0.6:
            continue
        if label:  # a valid host label, mostly
            params[name] = rand_text(rng, "abcXYZ019-." if rng.random() < 0.8 else TEXT, 1, 8)
        elif is_jsonvalue_header(m):
            params[name] = json_value(rng)
        else:
            params[name] = rand_value(m, rng, 1, loc or "body")
    return params


def cli_json(shape, v):
    """A value as --cli-input-json takes it: blobs base64, timestamps ISO 8601."""
    t = shape.type_name
    if v is None:
        return None
    if t == "structure":
        if shape.is_document_type:
            return v
        return {k: (x if is_jsonvalue_header(shape.members[k]) else cli_json(shape.members[k], x))
                for k, x in v.items()}
    if t == "list":
        return [cli_json(shape.member, x) for x in v]
    if t == "map":
        return {k: cli_json(shape.value, x) for k, x in v.items()}
    if t == "timestamp":
        return v.strftime("%Y-%m-%dT%H:%M:%S.%fZ")
    if t == "blob":
        return base64.b64encode(v).decode()
    return v


# ---- requests ----

def split_url(url):
    """Path and query pairs of a URL botocore prepared."""
    rest = url.split("://", 1)[1]
    path = "/" + rest.split("/", 1)[1] if "/" in rest else "/"
    path, _, query = path.partition("?")
    return path, sorted(q for q in query.split("&") if q)


def botocore_request(serializer, op, params):
    req = serializer.serialize_to_request(params, op)
    prepared = dict(req)
    botocore.awsrequest.prepare_request_dict(prepared, endpoint_url="https://h.example")
    path, query = split_url(prepared["url"])
    body = req["body"]
    if isinstance(body, str):
        body = body.encode()
    return {"method": req["method"], "path": path, "query": query,
            "headers": {k.lower(): str(v) for k, v in req["headers"].items()},
            "body": body if isinstance(body, bytes) else b"",
            "host_prefix": req.get("host_prefix")}


def our_request(raw):
    r = json.loads(raw)
    path = r["path"]
    query = r["query"]
    return {"method": r["method"], "path": path,
            "query": sorted(q for q in query.split("&") if q),
            "headers": {k.lower(): v for k, v in r["headers"]},
            "body": base64.b64decode(r["body"]), "host_prefix": r["host_prefix"]}


def same_body(a, b):
    if a == b:
        return True
    try:
        return json.loads(a) == json.loads(b)
    except ValueError:
        return False


def jsonvalue_headers(op):
    members = op.input_shape.members if op.input_shape is not None else {}
    return {m.serialization.get("name", n).lower()
            for n, m in members.items() if is_jsonvalue_header(m)}


def compare_request(op, theirs, ours):
    """None, or what differs."""
    for key in ("method", "path", "query", "host_prefix"):
        if theirs[key] != ours[key]:
            return f"{key}: botocore {theirs[key]!r}, ours {ours[key]!r}"
    th, oh = dict(theirs["headers"]), dict(ours["headers"])
    for name in jsonvalue_headers(op):
        for h in (th, oh):
            if name in h:
                h[name] = json.loads(base64.b64decode(h[name]))
    if th != oh:
        return f"headers: botocore {th!r}, ours {oh!r}"
    payload = op.input_shape.serialization.get("payload") if op.input_shape else None
    if payload and getattr(op.input_shape.members[payload], "is_document_type", False) \
            and theirs["body"] != b"{}":
        # botocore writes a document payload as {"null": value} (its serializer's key is
        # None there); no AWS model has one in a request. Compare with the value itself.
        theirs = dict(theirs, body=json.dumps(json.loads(theirs["body"])["null"]).encode())
    if not same_body(theirs["body"], ours["body"]):
        return f"body: botocore {theirs['body'][:300]!r}, ours {ours['body'][:300]!r}"
    return None


# ---- responses ----

def http_date(v):
    return email.utils.formatdate(math.floor((v - EPOCH).total_seconds()), usegmt=True)


def ts_text(v, fmt):
    if fmt == "iso8601":
        return v.strftime("%Y-%m-%dT%H:%M:%S.%fZ")
    if fmt == "unixTimestamp":
        ms = round((v - EPOCH) / datetime.timedelta(milliseconds=1))
        return ms / 1000 if ms % 1000 else ms // 1000
    return http_date(v)


def wire(shape, v):
    """The restJson1 body form of a value (timestamps in whole milliseconds as epoch
    numbers, as a double keeps them)."""
    t = shape.type_name
    if v is None:
        return None
    if t == "structure":
        if shape.is_document_type:
            return v
        return {shape.members[k].serialization.get("name", k): wire(shape.members[k], x)
                for k, x in v.items()}
    if t == "list":
        return [wire(shape.member, x) for x in v]
    if t == "map":
        return {k: wire(shape.value, x) for k, x in v.items()}
    if t == "timestamp":
        return ts_text(v, shape.serialization.get("timestampFormat", "unixTimestamp"))
    if t == "blob":
        return base64.b64encode(v).decode()
    if t in ("float", "double") and not math.isfinite(v):
        return "NaN" if math.isnan(v) else ("Infinity" if v > 0 else "-Infinity")
    if t in ("integer", "long") and abs(v) < 2**53 and v % 7 == 3:
        return float(v)   # "10.0": botocore reads restJson1 integers with int()
    return v


def header_form(m, v):
    t = m.type_name
    if is_jsonvalue_header(m):
        return base64.b64encode(json.dumps(v).encode()).decode()
    if t == "timestamp":
        return str(ts_text(v, m.serialization.get("timestampFormat", "rfc822")))
    if t == "list":
        return ", ".join(header_form(m.member, x) for x in v)
    if t == "boolean":
        return "true" if v else "false"
    if t in ("float", "double"):
        return wire(m, v) if not math.isfinite(v) else repr(v)
    return str(v)


def rand_output(shape, rng):
    """A random output or error instance, with values fit for where each member travels."""
    value = {}
    for name, m in shape.members.items():
        loc = m.serialization.get("location")
        union_payload = name == shape.serialization.get("payload") and getattr(m, "is_tagged_union", False)
        if m.serialization.get("eventstream") or (rng.random() > 0.7 and not union_payload):
            continue
        if loc == "statusCode":
            continue
        if loc == "header" and m.type_name == "list" and m.member.type_name == "string":
            value[name] = [header_text(rng).replace(",", "") or "x" for _ in range(rng.randint(1, 3))]
        elif loc == "header" and m.type_name == "list":
            value[name] = [rand_value(m.member, rng, 1, loc) for _ in range(rng.randint(1, 3))]
            if m.member.type_name == "timestamp":
                value[name] = [t.replace(microsecond=0) for t in value[name]]
        elif loc == "header" and m.type_name == "timestamp":
            fmt = m.serialization.get("timestampFormat", "rfc822")
            value[name] = rand_time(rng, whole_seconds=fmt == "rfc822")
        elif is_jsonvalue_header(m):
            value[name] = json_value(rng)
        elif loc in ("header", "headers"):
            value[name] = rand_value(m, rng, 1, loc)
        elif m.type_name == "timestamp":
            value[name] = rand_time(rng, whole_seconds=False)
        else:
            value[name] = rand_value(m, rng, 1)
    return value


def ms_times(shape, v):
    """Timestamps cut to whole milliseconds: an epoch number keeps no more."""
    t = shape.type_name
    if v is None:
        return None
    if t == "structure" and not shape.is_document_type:
        return {k: ms_times(shape.members[k], x) for k, x in v.items()}
    if t == "list":
        return [ms_times(shape.member, x) for x in v]
    if t == "map":
        return {k: ms_times(shape.value, x) for k, x in v.items()}
    if t == "timestamp":
        return v.replace(microsecond=v.microsecond - v.microsecond % 1000)
    return v


def http_response(shape, value, status, rng):
    """Status, headers and body as a service sends value."""
    headers = [("x-amzn-requestid", "req-1"), ("Date", "Tue, 14 Nov 2023 22:13:20 GMT")]
    body_members = {}
    payload = shape.serialization.get("payload")
    for name, m in shape.members.items():
        loc = m.serialization.get("location")
        if loc == "statusCode":
            status = value.get(name, status)
        elif name not in value:
            continue
        elif loc == "header":
            headers.append((m.serialization.get("name", name), header_form(m, value[name])))
        elif loc == "headers":
            prefix = m.serialization.get("name", "")
            headers += [(prefix + k, v) for k, v in value[name].items()]
        elif name != payload:
            body_members[name] = value[name]
    body = b""
    if payload is not None:
        pm = shape.members[payload]
        pv = value.get(payload)
        if pv is None:
            body = b""
        elif pm.type_name == "blob":
            body = pv
        elif pm.type_name == "string":
            body = pv.encode()
        else:
            body = json.dumps(wire(pm, pv)).encode()
    elif body_members or rng.random() < 0.8:
        body = json.dumps(wire(shape, {k: v for k, v in body_members.items()})).encode()
    if body and payload is None:
        headers.append(("Content-Type", "application/json"))
    return status, headers, body


def norm(shape, v, ours):
    """A comparable form: timestamps as epoch µs, blobs as bytes, special floats as text,
    jsonvalue headers as the JSON they hold."""
    t = shape.type_name
    if v is None:
        return None
    if t == "structure":
        if shape.is_document_type:
            return v
        out = {}
        for k, x in v.items():
            if k not in shape.members:
                continue
            m = shape.members[k]
            if is_jsonvalue_header(m):
                out[k] = x
            else:
                out[k] = norm(m, x, ours)
        return out
    if t == "list":
        return [norm(shape.member, x, ours) for x in v]
    if t == "map":
        return {k: norm(shape.value, x, ours) for k, x in v.items()}
    if t == "timestamp":
        if isinstance(v, str):
            v = datetime.datetime.fromisoformat(v.replace("Z", "+00:00"))
        return (v - EPOCH) // datetime.timedelta(microseconds=1)
    if t == "blob":
        if isinstance(v, (bytes, bytearray)):
            return bytes(v)
        return base64.b64decode(v) if ours else v.encode()
    if t in ("float", "double"):
        if isinstance(v, str):
            return v
        if math.isnan(v):
            return "NaN"
        if math.isinf(v):
            return "Infinity" if v > 0 else "-Infinity"
        return float(v)
    return v


def error_code_forms(code, rng):
    """How a service names an error: header, body "code", body "__type" (qualified)."""
    form = rng.randint(0, 3)
    if form == 0:
        return [("X-Amzn-ErrorType", f"{code}:http://internal.amazon.com/coral/com.amazon.x/")], {}
    if form == 1:
        return [], {"code": code}
    if form == 2:
        return [], {"__type": f"com.amazonaws.svc#{code}"}
    return [("x-amzn-ErrorType", code)], {"__type": "Other"}


# ---- endpoints ----

CONTEXT_STRINGS = ["arn:aws:dynamodb:us-east-1:222222222222:table/t1", "t1", "123456789012",
                   "arn:aws:s3:us-west-2:123456789012:accesspoint/ap1",
                   "arn:aws:s3-outposts:us-west-2:123456789012:outpost/op-01234567890123456/bucket/b1",
                   "arn:aws:cloudfront::123456789012:key-value-store/k1",
                   "arn:aws:ses:us-east-1:123456789012:endpoint/e1", "e1.ab", "g-0123456789"]


def endpoint_input(svc, op, rng):
    """Input for an endpoint check: context-bound members from CONTEXT_STRINGS, the rest
    plausible (host labels valid). botocore's s3control customisation refuses ARNs in Name
    before the rule set runs, so that member gets none."""
    shape = op.input_shape
    params = {}
    for name, m in (shape.members.items() if shape else []):
        ctx = m.metadata.get("contextParam")
        plain = m.serialization.get("hostLabel") or (svc == "s3control" and name == "Name")
        if plain or m.type_name == "string" and (
                ctx or m.serialization.get("location") == "uri" or name in shape.required_members):
            params[name] = rng.choice(CONTEXT_STRINGS[1:3] if plain else CONTEXT_STRINGS)
        elif name in shape.required_members or rng.random() < 0.5:
            params[name] = endpoint_value(m, rng, 1)
    return params


def endpoint_value(shape, rng, depth):
    """rand_value with strings and map keys from CONTEXT_STRINGS, so that nested members
    (DynamoDB's TransactItems[*].Get.TableName, keys(RequestItems)) carry ARNs too."""
    t = shape.type_name
    if t == "structure" and not shape.is_document_type and depth < 5:
        names = list(shape.members)
        if shape.is_tagged_union and names:
            names = [rng.choice(names)]
        return {n: endpoint_value(shape.members[n], rng, depth + 1) for n in names
                if shape.is_tagged_union or rng.random() < 0.7}
    if t == "list" and depth < 5:
        return [endpoint_value(shape.member, rng, depth + 1) for _ in range(rng.randint(0, 3))]
    if t == "map" and depth < 5:
        return {rng.choice(CONTEXT_STRINGS): endpoint_value(shape.value, rng, depth + 1)
                for _ in range(rng.randint(0, 2))}
    if t == "string":
        return rng.choice(CONTEXT_STRINGS)
    return rand_value(shape, rng, 9)


def request_checks(svc, service, batch, rng, fail):
    serializer = botocore.serialize.create_serializer("rest-json", include_validation=False)
    for name in service.operation_names:
        op = service.operation_model(name)
        if op.has_event_stream_input or op.has_event_stream_output:
            continue
        for _ in range(ROUNDS if op.input_shape is not None else 1):
            params = rand_input(op, rng) if op.input_shape is not None else {}
            theirs_params = dict(params)
            for m in (op.input_shape.members if op.input_shape else {}):
                if op.input_shape.members[m].metadata.get("idempotencyToken") and m not in params:
                    theirs_params[m] = TOKEN
            label = f"{svc} requests {name}"
            try:
                theirs = botocore_request(serializer, op, theirs_params)
            except botocore.exceptions.ParamValidationError:
                theirs = None   # a bad host label: ours must refuse it too
            except Exception as e:
                fail(label, f"botocore cannot serialize {params!r}: {e}")
                continue

            def check(status, raw, op=op, theirs=theirs, params=params):
                if theirs is None:
                    return None if status != 0 else f"a bad host label is not refused: {params!r}"
                if status != 0:
                    return f"{raw!r} for {params!r}"
                problem = compare_request(op, theirs, our_request(raw))
                return problem and f"{problem} for {params!r}"
            batch.add("build", {"op": name, "input": cli_json(op.input_shape, params)
                                if op.input_shape else {}}, label, check)


def response_checks(svc, service, batch, rng, fail):
    parser = botocore.parsers.create_parser("rest-json")
    for name in service.operation_names:
        op = service.operation_model(name)
        shape = op.output_shape
        if op.has_event_stream_input or op.has_event_stream_output or shape is None:
            continue
        for _ in range(ROUNDS):
            value = ms_times(shape, rand_output(shape, rng))
            status, headers, body = http_response(shape, value, op.http.get("responseCode", 200),
                                                  rng)
            hh = HTTPHeaders()
            for k, v in headers:
                hh[k] = v
            label = f"{svc} responses {name}"
            try:
                parsed = parser.parse({"status_code": status, "headers": hh, "body": body}, shape)
                parsed.pop("ResponseMetadata", None)
            except UnicodeDecodeError:
                parsed = None   # botocore decodes blob payloads as UTF-8
            except Exception as e:
                fail(label, f"botocore cannot parse {body[:200]!r}: {e}")
                continue

            def check(rc, raw, shape=shape, parsed=parsed, headers=headers, body=body):
                if rc != 0:
                    return f"{raw!r} for {headers!r} {body[:300]!r}"
                ours = json.loads(raw)["value"]
                if parsed is None:
                    ok = base64.b64decode(ours.get(shape.serialization["payload"], "")) == body
                else:
                    ok = norm(shape, ours, True) == norm(shape, parsed, False)
                return None if ok else (f"botocore {parsed!r}, ours {ours!r} for {headers!r} "
                                        f"{body[:300]!r}")
            batch.add("parse", {"shape": shape.name, "status": status, "headers": headers,
                                "body": base64.b64encode(body).decode()}, label, check)


def error_checks(svc, service, batch, rng):
    parser = botocore.parsers.create_parser("rest-json")
    for err_shape in service.error_shapes:
        code = err_shape.metadata.get("error", {}).get("code", err_shape.name)
        http_status = err_shape.metadata.get("error", {}).get("httpStatusCode", 400)
        for _ in range(ROUNDS):
            value = ms_times(err_shape, rand_output(err_shape, rng))
            status, headers, body = http_response(err_shape, value, http_status, rng)
            extra_headers, extra_body = error_code_forms(code, rng)
            if err_shape.serialization.get("payload") is None:
                b = json.loads(body) if body else {}
                b.update(extra_body)
                body = json.dumps(b).encode()
            headers += extra_headers
            hh = HTTPHeaders()
            for k, v in headers:
                hh[k] = v
            response = {"status_code": status, "headers": hh, "body": body}
            generic = parser.parse(response, None)
            modelled = parser.parse(response, err_shape)

            def check(rc, raw, err_shape=err_shape, generic=generic, modelled=modelled,
                      headers=headers, body=body):
                if rc != 0:
                    return f"{raw!r} for {headers!r} {body[:300]!r}"
                ours = json.loads(raw)
                if ours["code"] != generic["Error"]["Code"]:
                    return f"code: botocore {generic['Error']['Code']!r}, ours {ours['code']!r}"
                if norm(err_shape, ours["value"], True) != norm(err_shape, modelled, False):
                    return f"botocore {modelled!r}, ours {ours['value']!r}"
                return None
            batch.add("parse", {"shape": err_shape.name, "status": status, "headers": headers,
                                "body": base64.b64encode(body).decode()},
                      f"{svc} errors {err_shape.name}", check)


def endpoint_checks(svc, session, batch, rng):
    client_params = [{}]
    for p in session.get_service_data(svc).get("clientContextParams", {}):
        key = botocore.xform_name(p)
        client_params += [{key: True}, {key: False}]
    grid = [(r, f, dl, None) for r in ["us-east-1", "eu-west-1", "cn-north-1", "us-gov-west-1"]
            for f, dl in [(False, False), (True, False), (False, True)]]
    grid.append(("us-west-2", False, False, "https://custom.example"))
    for (region, fips, dual, url), cp in itertools.product(grid, client_params):
        cfg = botocore.config.Config(client_context_params=cp, use_fips_endpoint=fips,
                                     use_dualstack_endpoint=dual,
                                     account_id_endpoint_mode="preferred")
        client = session.create_client(svc, region_name=region, config=cfg, endpoint_url=url,
                                       aws_access_key_id="AKID", aws_secret_access_key="SECRET")
        model = client.meta.service_model
        for name in model.operation_names:
            op = model.operation_model(name)
            if op.has_event_stream_input or op.has_event_stream_output:
                continue
            params = endpoint_input(svc, op, rng) if op.input_shape is not None else {}
            try:
                theirs = client._ruleset_resolver.construct_endpoint(
                    op, params, {"client_config": client.meta.config}).url
            except Exception as e:
                theirs = "error: " + str(e)

            def check(rc, raw, theirs=theirs, params=params):
                if rc not in (0, 1):
                    return f"{raw!r} for {params!r}"
                ours = json.loads(raw)["url"] if rc == 0 else "error: " + raw.decode()
                if ours == theirs or (theirs.startswith("error") and ours.startswith("error")):
                    return None
                return f"botocore {theirs}, ours {ours} for {params!r}"
            batch.add("endpoint", {
                "op": name, "input": cli_json(op.input_shape, params) if op.input_shape else {},
                "region": region, "fips": fips, "dualstack": dual, "client": cp, "endpoint": url,
                "account_id_endpoint_mode": "preferred"},
                f"{svc} endpoints {name} {region} fips={fips} dual={dual} {url} {cp}", check)


def main():
    chosen = os.environ.get("DIFF_SERVICES", "").split()
    picked = [s for s in SERVICES if not chosen or s in chosen]
    endpoint_picked = [s for s in ENDPOINT_SERVICES if not chosen or s in chosen]
    everything = list(dict.fromkeys(picked + endpoint_picked))
    passed = failed = 0
    kinds = {}

    def fail(label, detail):
        nonlocal failed
        failed += 1
        kind = " ".join(label.split()[:3])
        kinds[kind] = kinds.get(kind, 0) + 1
        if kinds[kind] <= 2 and failed <= 40:
            print(f"FAIL {label}: {str(detail)[:1500]}", file=sys.stderr)

    os.makedirs(WORK, exist_ok=True)
    with concurrent.futures.ThreadPoolExecutor(max_workers=os.cpu_count() or 2) as pool:
        futures = {s: pool.submit(build_driver, s) for s in everything}
    drivers = {}
    for s, f in futures.items():
        try:
            drivers[s] = f.result()
            passed += 1
        except Exception as e:  # the build is itself a test
            fail(f"{s} build", e)

    session = botocore.session.get_session()
    summary = []
    for svc in everything:
        if svc not in drivers:
            continue
        batch = Batch(drivers[svc])
        if svc in picked:
            path = model_path(svc)
            with (gzip.open(path, "rt") if path.endswith(".gz") else open(path)) as f:
                service = botocore.model.ServiceModel(json.load(f), svc)
            rng = random.Random(f"restjson:{svc}")
            request_checks(svc, service, batch, rng, fail)
            response_checks(svc, service, batch, rng, fail)
            error_checks(svc, service, batch, rng)
        if svc in endpoint_picked:
            endpoint_checks(svc, session, batch, random.Random(f"endpoint:{svc}"))
        counts = batch.run(fail)
        passed += sum(counts.values())
        summary.append(f"  {svc}: " + ", ".join(f"{v} {k}" for k, v in counts.items()))

    for kind, k in sorted(kinds.items()):
        print(f"  failed: {kind}: {k}", file=sys.stderr)
    print("\n".join(summary))
    print(f"generated/restjson-diff: {passed} passed, {failed} failed")
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
