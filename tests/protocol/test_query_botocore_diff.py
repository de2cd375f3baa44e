"""Differential tests of the awsQuery and ec2 protocols against botocore, on real models.

For each model (STS, IAM, SNS, CloudFormation, ElastiCache, RDS: awsQuery; EC2: ec2) the
tables are generated into the build folder and linked with tests/protocol/query_driver.c.
Then, with a fixed seed:
  - requests: a random input of every operation is serialized by botocore's QuerySerializer
    or EC2Serializer and by the C code; the form bodies must hold the same parameters, each
    encoded the same way (compared as multisets of "key=value");
  - responses: a random output of every operation is written as XML the way AWS answers
    (xml_body below mirrors what botocore's parser expects: result wrappers, wrapped and
    flattened lists and maps, locationNames) and parsed by botocore's parser and by the C
    decoder; the values must be equal (timestamps as instants, blobs as bytes);
  - errors: modelled errors decode into their structs as botocore's parser reads them, and
    error bodies give botocore's code and message.

QUERY_ROUNDS sets the random instances per operation (default 4)."""
import base64
import datetime
import gzip
import json
import math
import os
import random
import subprocess
import sys
from urllib.parse import urlencode
from xml.sax.saxutils import escape, quoteattr

import botocore
import botocore.loaders
import botocore.model
import botocore.parsers
import botocore.serialize

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, os.path.join(ROOT, "tests"))
import pybuild  # noqa: E402

BUILD = os.environ.get("BUILD", "build")
ROUNDS = int(os.environ.get("QUERY_ROUNDS", "4"))
WORK = os.path.join(BUILD, "querydiff")
MODELS = os.environ.get("QUERY_MODELS", "sts iam sns cloudformation elasticache rds ec2").split()
EPOCH = datetime.datetime(1970, 1, 1, tzinfo=datetime.timezone.utc)


def model_path(loader, name):
    version = loader.list_api_versions(name, "service-2")[-1]
    return os.path.join(os.path.dirname(botocore.__file__), "data", name, version,
                        "service-2.json.gz")


def build_driver(name, path):
    out = os.path.join(WORK, name)
    subprocess.run([os.path.join(BUILD, "bin", "acg-gen"), "--model", path, "--out", out],
                   check=True, capture_output=True)
    prefix = [f[:-2] for f in os.listdir(out) if f.endswith(".h")][0]
    exe = os.path.join(WORK, f"driver_{name}")
    subprocess.run(pybuild.cc("-Iruntime/include", "-I" + out, f"-DSERVICE={prefix}_service",
                              "tests/protocol/query_driver.c",
                              os.path.join(out, f"{prefix}_tables.c"),
                              os.path.join(out, f"{prefix}_endpoints.c"),
                              os.path.join(BUILD, "libacg.a"), "-o", exe),
                   check=True, cwd=ROOT if not os.path.isabs(BUILD) else None)
    return exe


class Driver:
    def __init__(self, exe):
        self.p = subprocess.Popen([exe], stdin=subprocess.PIPE, stdout=subprocess.PIPE)

    def call(self, verb, name, body):
        self.p.stdin.write(f"{verb} {name} {len(body)}\n".encode() + body)
        self.p.stdin.flush()
        status, n = self.p.stdout.readline().split()
        return int(status), self.p.stdout.read(int(n))

    def close(self):
        self.p.stdin.close()
        self.p.wait(timeout=30)


# ---- random values ----

REQ_CHARS = ["a", "Z", "0", " ", "&", "=", "+", "%", ".", "~", "\"", "<", "\n", "\t", "\x01",
             "é", "中", "😀", "\u2028"]
XML_CHARS = ["a", "Z", "0", " ", "&", "<", ">", "\"", "'", "\n", "\t", "\r", "é", "中", "😀",
             "]]>"]
FLOATS = [0.0, 1.0, -2.5, 0.1, 1234.5, 1e-05, 16777216.0, -0.75]


def rand_string(rng, chars):
    return "".join(rng.choice(chars) for _ in range(rng.randint(0, 8)))


def rand_value(shape, rng, depth, chars, required=()):
    t = shape.type_name
    if t == "structure":
        names = list(shape.members)
        keep = 0.6 if depth < 3 else 0.1
        return {n: rand_value(shape.members[n], rng, depth + 1, chars) for n in names
                if n in required or shape.members[n].metadata.get("idempotencyToken")
                or rng.random() < keep}
    if t == "list":
        return [rand_value(shape.member, rng, depth + 1, chars)
                for _ in range(rng.randint(0, 3 if depth < 3 else 1))]
    if t == "map":
        return {rand_string(rng, chars) + str(i): rand_value(shape.value, rng, depth + 1, chars)
                for i in range(rng.randint(0, 3 if depth < 3 else 1))}
    if t == "string":
        if shape.enum and rng.random() < 0.5:
            return rng.choice(shape.enum)
        return rand_string(rng, chars)
    if t == "integer":
        return rng.choice([0, 1, -1, 2**31 - 1, -2**31, rng.randint(-1000, 1000)])
    if t == "long":
        return rng.choice([0, 2**63 - 1, -2**63, rng.randint(-2**40, 2**40)])
    if t == "float":
        return rng.choice(FLOATS)
    if t == "double":
        return rng.choice(FLOATS + [1e300, 3.141592653589793, 1e16, rng.uniform(-1e6, 1e6),
                                    float("inf"), float("-inf")])
    if t == "boolean":
        return rng.random() < 0.5
    if t == "timestamp":
        ms = rng.choice([0, 1, 999, rng.randint(0, 4102444800000), rng.randint(-2208988800000, 0)])
        return EPOCH + datetime.timedelta(milliseconds=ms)
    if t == "blob":
        return bytes(rng.randint(0, 255) for _ in range(rng.randint(0, 12)))
    raise AssertionError(f"unhandled type {t}")


def iso(v):
    return v.strftime("%Y-%m-%dT%H:%M:%S.") + f"{v.microsecond // 1000:03d}Z"


def as_json(shape, v):
    """The value as --cli-input-json would give it (timestamps ISO 8601, blobs base64)."""
    t = shape.type_name
    if t == "structure":
        return {k: as_json(shape.members[k], x) for k, x in v.items()}
    if t == "list":
        return [as_json(shape.member, x) for x in v]
    if t == "map":
        return {k: as_json(shape.value, x) for k, x in v.items()}
    if t == "timestamp":
        return iso(v)
    if t == "blob":
        return base64.b64encode(v).decode()
    return v


# ---- XML answers as AWS writes them ----

def text(shape, v):
    t = shape.type_name
    if t == "boolean":
        return "true" if v else "false"
    if t in ("float", "double"):
        if math.isnan(v):
            return "NaN"
        return ("Infinity" if v > 0 else "-Infinity") if math.isinf(v) else repr(v)
    if t == "timestamp":
        return iso(v)
    if t == "blob":
        return base64.b64encode(v).decode()
    return escape(str(v), {"\r": "&#13;"})


def element(shape, v, name):
    t = shape.type_name
    if t == "structure":
        attrs, inner = members_xml(shape, v)
        return f"<{name}{attrs}>{inner}</{name}>"
    if t == "list":
        item = shape.member.serialization.get("name", "member")
        return f"<{name}>" + "".join(element(shape.member, x, item) for x in v) + f"</{name}>"
    if t == "map":
        return f"<{name}>" + "".join(f"<entry>{entry(shape, k, x)}</entry>"
                                     for k, x in v.items()) + f"</{name}>"
    return f"<{name}>{text(shape, v)}</{name}>"


def entry(shape, k, x):
    kn = shape.key.serialization.get("name", "key")
    vn = shape.value.serialization.get("name", "value")
    return element(shape.key, k, kn) + element(shape.value, x, vn)


def members_xml(shape, value):
    attrs, inner = "", ""
    for name, m in shape.members.items():
        if name not in value:
            continue
        v = value[name]
        xml_name = m.serialization.get("name", name)
        if m.serialization.get("xmlAttribute"):
            attrs += f" {xml_name}={quoteattr(text(m, v))}"
        elif m.type_name == "list" and m.serialization.get("flattened"):
            item = m.member.serialization.get("name", xml_name)
            inner += "".join(element(m.member, x, item) for x in v)
        elif m.type_name == "map" and m.serialization.get("flattened"):
            inner += "".join(f"<{xml_name}>{entry(m, k, x)}</{xml_name}>" for k, x in v.items())
        else:
            inner += element(m, v, xml_name)
    return attrs, inner


def xml_body(service, op, shape, value):
    ns = service.metadata.get("xmlNamespace", "")
    _, inner = members_xml(shape, value)
    if service.protocol == "ec2":
        return (f'<{op}Response xmlns="{ns}"><requestId>r-1</requestId>{inner}'
                f"</{op}Response>").encode()
    wrapper = shape.serialization["resultWrapper"]
    return (f'<{op}Response xmlns="{ns}"><{wrapper}>{inner}</{wrapper}>'
            f"<ResponseMetadata><RequestId>r-1</RequestId></ResponseMetadata></{op}Response>"
            ).encode()


def norm(shape, v):
    """A comparable form: timestamps as epoch ms, blobs as bytes, special floats as text."""
    t = shape.type_name
    if v is None:
        return None
    if t == "structure":
        return {k: norm(shape.members[k], x) for k, x in v.items() if k in shape.members}
    if t == "list":
        return [norm(shape.member, x) for x in v]
    if t == "map":
        return {k: norm(shape.value, x) for k, x in v.items()}
    if t == "timestamp":
        if isinstance(v, str):
            v = datetime.datetime.fromisoformat(v.replace("Z", "+00:00"))
        return round((v - EPOCH) / datetime.timedelta(milliseconds=1))
    if t == "blob":
        return v if isinstance(v, bytes) else base64.b64decode(v)
    if t in ("float", "double"):
        if isinstance(v, str):
            return v
        if math.isinf(v):
            return "Infinity" if v > 0 else "-Infinity"
        return "NaN" if math.isnan(v) else repr(float(v))
    return v


class Counter:
    def __init__(self):
        self.passed = self.failed = 0

    def check(self, ok, what, *detail):
        if ok:
            self.passed += 1
            return
        self.failed += 1
        if self.failed <= 12:
            print(f"FAIL {what}:", *[str(d)[:600] for d in detail], file=sys.stderr)


def check_requests(c, d, service, rng):
    serializer = botocore.serialize.create_serializer(service.protocol, include_validation=False)
    for op in service.operation_names:
        om = service.operation_model(op)
        for _ in range(ROUNDS if om.input_shape is not None else 1):
            params = {}
            if om.input_shape is not None:
                params = rand_value(om.input_shape, rng, 0, REQ_CHARS,
                                    om.input_shape.required_members)
            body = serializer.serialize_to_request(params, om)["body"]
            want = sorted(urlencode(body, doseq=True).split("&"))
            status, ours = d.call("req", op, json.dumps(as_json(om.input_shape, params)
                                                        if params else {}).encode())
            got = sorted(ours.decode().split("&")) if status == 0 else None
            c.check(got == want, f"{service.service_name} request {op}",
                    set(want) - set(got or []), set(got or []) - set(want))


def check_responses(c, d, service, rng):
    parser = botocore.parsers.create_parser(service.protocol)
    for op in service.operation_names:
        shape = service.operation_model(op).output_shape
        if shape is None:
            continue
        for _ in range(ROUNDS):
            body = xml_body(service, op, shape, rand_value(shape, rng, 0, XML_CHARS))
            parsed = parser.parse({"body": body, "headers": {}, "status_code": 200}, shape)
            parsed.pop("ResponseMetadata", None)
            status, ours = d.call("resp", op, body)
            mine = json.loads(ours) if status == 0 and ours.strip() else ours
            c.check(status == 0 and norm(shape, mine) == norm(shape, parsed),
                    f"{service.service_name} response {op}", body, ours)


def check_errors(c, d, service, rng):
    parser = botocore.parsers.create_parser(service.protocol)
    shapes = [service.shape_for(n) for n in service.shape_names]
    for shape in [s for s in shapes if s.metadata.get("exception")][:40]:
        value = rand_value(shape, rng, 0, XML_CHARS)
        _, inner = members_xml(shape, value)
        code = shape.metadata.get("error", {}).get("code", shape.name)
        body = (f"<ErrorResponse><Error><Type>Sender</Type><Code>{code}</Code>{inner}</Error>"
                "<RequestId>r-2</RequestId></ErrorResponse>").encode()
        parsed = parser.parse({"body": body, "headers": {}, "status_code": 400}, shape)
        status, ours = d.call("error", shape.name, body)
        mine = json.loads(ours) if status == 0 else ours
        c.check(status == 0 and norm(shape, mine) == norm(shape, parsed),
                f"{service.service_name} error {shape.name}", body, ours)


GENERIC = [
    (b"<ErrorResponse xmlns='x'><Error><Type>Sender</Type><Code>NoSuchEntity</Code>"
     b"<Message>The user with name x cannot be found.</Message></Error>"
     b"<RequestId>abc</RequestId></ErrorResponse>", "query"),
    (b"<Response><Errors><Error><Code>InvalidInstanceID.NotFound</Code><Message>The instance "
     b"ID 'i-1' does not exist</Message></Error></Errors><RequestID>req</RequestID></Response>",
     "ec2"),
    (b"<ErrorResponse><Error><Code>Throttling</Code></Error></ErrorResponse>", "query"),
]


def check_generic_errors(c, d, service):
    parser = botocore.parsers.create_parser(service.protocol)
    for body, protocol in GENERIC:
        if protocol != service.protocol:
            continue
        parsed = parser.parse({"body": body, "headers": {}, "status_code": 400}, None)
        status, ours = d.call("fault", "-", body)
        code, message, request_id = ours.decode().split("\n")
        c.check(status == 0 and code == parsed["Error"]["Code"]
                and message == parsed["Error"].get("Message", "")
                and request_id == parsed["ResponseMetadata"].get("RequestId", ""),
                f"{service.service_name} generic error", body, ours)
    for body in (b"", b"<html><body>Bad Gateway</body></html>", b"<Error><Code>"):
        status, ours = d.call("fault", "-", body)
        c.check(status == 0 and ours.startswith(b"400\n"), "non-XML error body", body, ours)


def main():
    c = Counter()
    loader = botocore.loaders.Loader()
    os.makedirs(WORK, exist_ok=True)
    for i, name in enumerate(MODELS):
        path = model_path(loader, name)
        # The model file itself, as acg-gen reads it: botocore's loader would also merge
        # its sdk-extras (RDS's client-side SourceRegion, for one).
        with gzip.open(path, "rt") as f:
            service = botocore.model.ServiceModel(json.load(f), name)
        try:
            d = Driver(build_driver(name, path))
        except Exception as e:  # the build is itself a test
            c.check(False, f"build {name}", e)
            continue
        rng = random.Random(1000 + i)
        check_requests(c, d, service, rng)
        check_responses(c, d, service, rng)
        check_errors(c, d, service, rng)
        check_generic_errors(c, d, service)
        d.close()
    print(f"protocol/query-botocore-diff: {c.passed} passed, {c.failed} failed")
    sys.exit(1 if c.failed else 0)


if __name__ == "__main__":
    main()
