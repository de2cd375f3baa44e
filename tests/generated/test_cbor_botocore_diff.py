"""Differential tests of smithy-rpc-v2-cbor against botocore, for every installed model whose
metadata.protocols starts with it (9 in botocore 1.43).

For each model, acg-gen writes the sources into the build folder and a small generic driver
links its tables. Then, for seeded random instances:
  - requests: botocore's RpcV2CBORSerializer and our acg_protocol_build turn the same input
    into a request; path, headers and body bytes must be equal (and the bodies equal as
    values, decoded by botocore's CBOR parser);
  - responses: an output value is written as CBOR, once as botocore writes it and once in
    the other encodings a server may choose (indefinite lengths, wider integer heads, half
    and single floats, float timestamps, null members); botocore's RpcV2CBORParser and our
    decoder read it, and the values must agree (ours compared through the JSON the program
    prints: timestamps as instants to the millisecond, blobs as bytes);
  - errors: a modelled error's body with "__type"; the code and message must be botocore's,
    and the error's members must decode as botocore's modelled-error parse reads them.

CBOR_DIFF_ROUNDS sets the random instances per operation (default 12)."""
import base64
import datetime
import json
import math
import os
import shutil
import gzip
import random
import struct
import subprocess
import sys

import botocore
import botocore.loaders
import botocore.model
import botocore.parsers
import botocore.serialize

sys.path.insert(0, os.path.join(os.path.dirname(__file__), ".."))
import pybuild  # noqa: E402

BUILD = os.environ.get("BUILD", "build")
ROUNDS = int(os.environ.get("CBOR_DIFF_ROUNDS", "12"))
WORK = os.path.join(BUILD, "cbor-diff")
DATA = os.path.join(os.path.dirname(botocore.__file__), "data")
EPOCH = datetime.datetime(1970, 1, 1, tzinfo=datetime.timezone.utc)


def cbor_models():
    """(service name, api version) of every model whose first protocol is rpc-v2-cbor."""
    loader = botocore.loaders.Loader()
    found = []
    for name in sorted(loader.list_available_services("service-2")):
        data = loader.load_service_model(name, "service-2")
        md = data["metadata"]
        if md.get("protocols", [md.get("protocol")])[0] == "smithy-rpc-v2-cbor":
            found.append((name, md["apiVersion"], data))
    return found


DRIVER = r'''
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "json/acg_json.h"
#include "protocol/acg_protocol.h"
#include "HEADER"

#define SVC SERVICE_SYMBOL

static const struct acg_shape *find_error(const char *name)
{
    for (size_t i = 0; i < SVC.error_count; i++)
        if (strcmp(SVC.errors[i]->name, name) == 0)
            return SVC.errors[i];
    return NULL;
}

/* A struct of shape s as the program prints it (JSON, timestamps in ISO 8601). */
static int dump(const struct acg_shape *s, const void *v, struct acg_buf *out, struct acg_error *err)
{
    struct acg_json_writer w;
    acg_json_writer_init(&w, out, ACG_JSON_DISPLAY);
    w.err = err;
    return acg_json_encode(&w, s, v, NULL);
}

/* req OP: JSON input -> request (meta: path and headers; body: CBOR).
 * out OP: CBOR body -> output, printed as JSON.
 * err SHAPE STATUS: CBOR error body -> "code\nmessage\n" and the error's members as JSON. */
static int run(const char *mode, const char *name, long status, const char *in, size_t len,
               struct acg_buf *meta, struct acg_buf *body, struct acg_error *err)
{
    const struct acg_operation *op = acg_service_find_operation(&SVC, name);
    const struct acg_shape *s = op != NULL ? (mode[0] == 'r' ? op->input : op->output)
                                           : find_error(name);
    struct acg_arena *arena = acg_arena_new();
    void *v = s != NULL ? acg_arena_calloc(arena, 1, s->size) : NULL;
    int rc = ACG_OK;
    if (strcmp(mode, "req") == 0) {
        struct acg_request req;
        acg_request_init(&req);
        if (s != NULL)
            rc = acg_json_decode_input(in, len, s, v, arena, err);
        if (rc == ACG_OK)
            rc = acg_protocol_build(&SVC, op, v, NULL, &req, err);
        if (rc == ACG_OK)
            rc = acg_buf_printf(meta, "%s\n", req.path.data);
        for (size_t i = 0; rc == ACG_OK && i < req.header_count; i++)
            rc = acg_buf_printf(meta, "%s: %s\n", req.headers[i].name, req.headers[i].value);
        if (rc == ACG_OK && req.body.len > 0)
            rc = acg_buf_append(body, req.body.data, req.body.len);
        acg_request_free(&req);
    } else {
        struct acg_http_message msg = { status, in, len, NULL, 0 };
        if (mode[0] == 'e') {
            struct acg_error e;
            acg_error_init(&e);
            if (acg_protocol_parse_error(&SVC, &msg, NULL, &e) == ACG_ERR_SERVICE)
                rc = acg_buf_printf(meta, "%s\n%s", e.aws_type, e.message);
        }
        if (rc == ACG_OK && s != NULL)
            rc = acg_protocol_parse(&SVC, s, &msg, v, arena, err);
        if (rc == ACG_OK && s != NULL)
            rc = dump(s, v, body, err);
    }
    acg_arena_destroy(arena);
    return rc;
}

/* Records on stdin: "MODE NAME STATUS LEN\n" and LEN bytes; answers on stdout:
 * "RC METALEN BODYLEN\n", then the meta and the body (or the error message as meta). */
int main(void)
{
    char mode[8], name[256];
    long status;
    size_t len;
    while (scanf("%7s %255s %ld %zu", mode, name, &status, &len) == 4) {
        char *in = malloc(len + 1);
        if (in == NULL || getchar() != '\n' || fread(in, 1, len, stdin) != len)
            return 2;
        struct acg_buf meta, body;
        struct acg_error err;
        acg_buf_init(&meta, 0);
        acg_buf_init(&body, 0);
        acg_error_init(&err);
        int rc = run(mode, name, status, in, len, &meta, &body, &err);
        if (rc != ACG_OK) {
            acg_buf_reset(&meta);
            acg_buf_reset(&body);
            if (acg_buf_printf(&meta, "%s: %s", err.where, err.message) != ACG_OK)
                return 3;
        }
        printf("%d %zu %zu\n", rc, meta.len, body.len);
        fwrite(meta.data ? meta.data : "", 1, meta.len, stdout);
        fwrite(body.data ? body.data : "", 1, body.len, stdout);
        fflush(stdout);
        acg_error_free(&err);
        acg_buf_free(&meta);
        acg_buf_free(&body);
        free(in);
    }
    return 0;
}
'''


def cbor_only(name, version):
    """The model offers json too, which botocore (and so the generator) would pick: a copy
    that offers rpc-v2-cbor only, with the endpoint rules beside it."""
    folder = os.path.join(WORK, "models", name)
    os.makedirs(folder, exist_ok=True)
    with gzip.open(os.path.join(DATA, name, version, "service-2.json.gz"), "rt") as f:
        data = json.load(f)
    data["metadata"]["protocols"] = ["smithy-rpc-v2-cbor"]
    with open(os.path.join(folder, "service-2.json"), "w") as f:
        json.dump(data, f)
    rules = "endpoint-rule-set-1.json.gz"
    shutil.copy(os.path.join(DATA, name, version, rules), os.path.join(folder, rules))
    return os.path.join(folder, "service-2.json")


def build_driver(name, version):
    out = os.path.join(WORK, name)
    model = cbor_only(name, version)
    subprocess.run([os.path.join(BUILD, "bin", "acg-gen"), "--model", model, "--out", out],
                   check=True, stdout=subprocess.DEVNULL)
    header = next(f for f in os.listdir(out) if f.endswith(".h"))
    with open(os.path.join(out, header)) as f:
        symbol = next(line.split()[-1].rstrip(";") for line in f
                      if line.startswith("extern const struct acg_service "))
    src = os.path.join(out, "driver.c")
    with open(src, "w") as f:
        f.write(DRIVER.replace("HEADER", header).replace("SERVICE_SYMBOL", symbol))
    exe = os.path.join(out, "driver")
    srcs = [os.path.join(out, f) for f in sorted(os.listdir(out))
            if f.endswith(".c") and not f.endswith("_main.c")]
    subprocess.run(pybuild.cc("-Iruntime/include", "-Iruntime/internal", "-I" + out, *srcs,
                              os.path.join(BUILD, "libacg.a"), "-o", exe), check=True)
    return exe


class Driver:
    def __init__(self, exe):
        prefix = os.environ.get("VALGRIND", "").split()
        self.p = subprocess.Popen([*prefix, exe], stdin=subprocess.PIPE, stdout=subprocess.PIPE)

    def call(self, mode, name, data, status=200):
        self.p.stdin.write(f"{mode} {name} {status} {len(data)}\n".encode() + data)
        self.p.stdin.flush()
        rc, m, b = (int(x) for x in self.p.stdout.readline().split())
        return rc, self.p.stdout.read(m), self.p.stdout.read(b)

    def close(self):
        self.p.stdin.close()
        return self.p.wait(timeout=60)


# ---- random values ----

CHARS = ["a", "Z", "0", " ", "\"", "\\", "\n", "\t", "\x01", "é", "ß", "中", "😀", "\u2028"]


def rand_string(rng):
    return "".join(rng.choice(CHARS) for _ in range(rng.randint(0, 10)))


def rand_float(rng, single):
    x = rng.choice([0.0, 1.0, -2.5, 0.1, 1e300, -1e-300, 3.141592653589793, float("inf"),
                    float("-inf"), float("nan"), rng.uniform(-1e6, 1e6)])
    if single and math.isfinite(x):
        x = struct.unpack("f", struct.pack("f", max(min(x, 3.0e38), -3.0e38)))[0]
    return x


def rand_value(shape, rng, depth, request):
    t = shape.type_name
    if t == "structure":
        names = list(shape.members)
        if shape.is_tagged_union and names:
            n = rng.choice(names)
            return {n: rand_value(shape.members[n], rng, depth + 1, request)}
        pick = [n for n in names if rng.random() < (0.6 if depth < 3 else 0.15)]
        return {n: rand_value(shape.members[n], rng, depth + 1, request) for n in pick}
    if t == "list":
        k = rng.randint(0, 3 if depth < 3 else 1)
        return [rand_value(shape.member, rng, depth + 1, request) for _ in range(k)]
    if t == "map":
        k = rng.randint(0, 3 if depth < 3 else 1)
        return {rand_string(rng) + str(i): rand_value(shape.value, rng, depth + 1, request)
                for i in range(k)}
    if t == "string":
        return rng.choice(shape.enum) if shape.enum and rng.random() < 0.5 else rand_string(rng)
    if t == "integer":
        return rng.choice([0, 23, 24, 255, 256, 65535, 65536, -1, -24, -25, 2**31 - 1, -2**31,
                           rng.randint(-1000, 1000)])
    if t == "long":
        return rng.choice([0, 2**32, 2**63 - 1, -2**63, 2**53 + 1, rng.randint(-2**40, 2**40)])
    if t in ("float", "double"):
        return rand_float(rng, t == "float")
    if t == "boolean":
        return rng.random() < 0.5
    if t == "timestamp":
        # botocore writes whole seconds, and cannot write a negative timestamp at all.
        if request:
            s = rng.choice([0, 23, 1700000000, rng.randint(0, 253402300799)])
            return EPOCH + datetime.timedelta(seconds=s)
        ms = rng.choice([0, 1, 999, rng.randint(0, 4102444800000), rng.randint(-2208988800000, 0)])
        return EPOCH + datetime.timedelta(milliseconds=ms)
    if t == "blob":
        return bytes(rng.randint(0, 255) for _ in range(rng.randint(0, 20)))
    raise AssertionError(f"unhandled type {t}")


def as_cli_json(shape, v):
    """The input as --cli-input-json writes it: epoch seconds, base64 blobs, NaN tokens."""
    t = shape.type_name
    if t == "structure":
        return {k: as_cli_json(shape.members[k], x) for k, x in v.items()}
    if t == "list":
        return [as_cli_json(shape.member, x) for x in v]
    if t == "map":
        return {k: as_cli_json(shape.value, x) for k, x in v.items()}
    if t == "timestamp":
        return int((v - EPOCH).total_seconds())
    if t == "blob":
        return base64.b64encode(v).decode()
    return v


# ---- CBOR as a server may write it ----

def head(major, n, rng):
    """A head for n, in the smallest form or (sometimes) a wider one."""
    widths = [w for w, limit in ((0, 24), (1, 256), (2, 65536), (4, 2**32), (8, 2**64)) if n < limit]
    w = widths[0] if rng is None or rng.random() < 0.7 else rng.choice(widths)
    if w == 0:
        return bytes([major << 5 | n])
    info = {1: 24, 2: 25, 4: 26, 8: 27}[w]
    return bytes([major << 5 | info]) + n.to_bytes(w, "big")


def text(s, rng):
    b = s.encode()
    if rng is not None and len(b) > 1 and rng.random() < 0.2:
        cut = rng.randint(1, len(b) - 1)
        while cut < len(b) and (b[cut] & 0xC0) == 0x80:
            cut += 1
        return b"\x7f" + head(3, cut, None) + b[:cut] + head(3, len(b) - cut, None) + b[cut:] + b"\xff"
    return head(3, len(b), rng) + b


def container(major, items, rng, pairs=False):
    n = len(items) // 2 if pairs else len(items)
    if rng is not None and rng.random() < 0.3:
        return bytes([major << 5 | 31]) + b"".join(items) + b"\xff"
    return head(major, n, rng) + b"".join(items)


def fits(fmt, v):
    try:
        return struct.unpack(fmt, struct.pack(fmt, v))[0] == v
    except OverflowError:
        return False


def encode_number(v, single, rng):
    if not math.isfinite(v):
        return b"\xf9" + struct.pack(">e", v)
    if rng is not None and rng.random() < 0.3 and fits(">e", v):
        return b"\xf9" + struct.pack(">e", v)
    if single or (rng is not None and rng.random() < 0.3 and fits(">f", v)):
        return b"\xfa" + struct.pack(">f", v)
    return b"\xfb" + struct.pack(">d", v)


def encode(shape, v, rng):
    """CBOR for an output value; rng None: botocore's encodings, else a server's choice."""
    t = shape.type_name
    if t == "structure":
        items = []
        for k, x in v.items():
            items += [text(k, rng), encode(shape.members[k], x, rng)]
            if rng is not None and not shape.is_tagged_union and rng.random() < 0.05:
                items += [text("unknownMember", rng), container(4, [b"\x01", b"\xf6"], rng)]
        return container(5, items, rng, pairs=True)
    if t == "list":
        return container(4, [encode(shape.member, x, rng) for x in v], rng)
    if t == "map":
        items = []
        for k, x in v.items():
            items += [text(k, rng), encode(shape.value, x, rng)]
        return container(5, items, rng, pairs=True)
    if t == "string":
        return text(v, rng)
    if t == "boolean":
        return b"\xf5" if v else b"\xf4"
    if t in ("integer", "long"):
        return head(0, v, rng) if v >= 0 else head(1, -1 - v, rng)
    if t in ("float", "double"):
        return encode_number(v, t == "float" and rng is None, rng)
    if t == "timestamp":
        ms = round((v - EPOCH) / datetime.timedelta(milliseconds=1))
        if ms % 1000 == 0 and (rng is None or rng.random() < 0.5):
            s = ms // 1000
            return b"\xc1" + (head(0, s, rng) if s >= 0 else head(1, -1 - s, rng))
        return b"\xc1\xfb" + struct.pack(">d", ms / 1000)
    if t == "blob":
        return head(2, len(v), rng) + v
    raise AssertionError(t)


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
        if math.isnan(v):
            return "NaN"
        if math.isinf(v):
            return "Infinity" if v > 0 else "-Infinity"
        # The program prints a float's shortest single-precision text; compare as floats.
        return struct.unpack("f", struct.pack("f", v))[0] if t == "float" else float(v)
    return v


def one_line(s):
    return "".join(" " if ord(c) < 0x20 or c == "\x7f" else c for c in s)


class Counter:
    def __init__(self):
        self.passed = self.failed = 0

    def check(self, ok, what, *detail):
        if ok:
            self.passed += 1
            return
        self.failed += 1
        if self.failed <= 12:
            print(f"FAIL {what}:", *[repr(d)[:600] for d in detail], file=sys.stderr)


def check_requests(c, name, service, d, rng):
    serializer = botocore.serialize.create_serializer("smithy-rpc-v2-cbor", include_validation=False)
    parser = botocore.parsers.create_parser("smithy-rpc-v2-cbor")
    for op in service.operation_names:
        om = service.operation_model(op)
        if om.has_event_stream_input or om.has_event_stream_output:
            continue
        for _ in range(ROUNDS if om.input_shape is not None else 1):
            params = rand_value(om.input_shape, rng, 0, True) if om.input_shape else {}
            want = serializer.serialize_to_request(params, om)
            data = json.dumps(as_cli_json(om.input_shape, params)).encode() if om.input_shape else b""
            rc, meta, body = d.call("req", op, data)
            lines = meta.decode().split("\n")
            headers = dict(line.split(": ", 1) for line in lines[1:] if line)
            same_values = rc == 0 and (body == want["body"] or (
                parser._initial_body_parse(body) == parser._initial_body_parse(want["body"])))
            c.check(rc == 0 and lines[0] == want["url_path"] and headers == want["headers"] and
                    body == want["body"] and same_values,
                    f"{name} request {op}", params, want["url_path"], want["headers"],
                    want["body"], meta, body)


def check_responses(c, name, service, d, rng):
    parser = botocore.parsers.create_parser("smithy-rpc-v2-cbor")
    for op in service.operation_names:
        shape = service.operation_model(op).output_shape
        if shape is None:
            continue
        for i in range(ROUNDS):
            value = rand_value(shape, rng, 0, False)
            body = encode(shape, value, None if i % 2 == 0 else rng)
            parsed = parser.parse({"body": body, "headers": {}, "status_code": 200}, shape)
            parsed.pop("ResponseMetadata", None)
            rc, meta, ours = d.call("out", op, body)
            mine = json.loads(ours) if rc == 0 else None
            c.check(rc == 0 and norm(shape, mine) == norm(shape, parsed) ==
                    norm(shape, value), f"{name} response {op}", body, meta, ours, parsed)


def check_errors(c, name, service, d, rng):
    parser = botocore.parsers.create_parser("smithy-rpc-v2-cbor")
    ns = service.metadata.get("uid", name)
    for shape in service.error_shapes:
        for i in range(max(2, ROUNDS // 3)):
            value = rand_value(shape, rng, 0, False)
            tail = encode(shape, value, None if i % 2 == 0 else rng)
            # The map's head counts the added "__type": write it as an indefinite map.
            body = b"\xbf" + text("__type", None) + text(f"com.amazonaws.{ns}#{shape.name}", None)
            body += strip_head(tail) + b"\xff"
            response = {"body": body, "headers": {}, "status_code": 400}
            want = parser.parse(dict(response), None)["Error"]
            members = parser._do_modeled_error_parse(dict(response), shape)
            rc, meta, ours = d.call("err", shape.name, body, 400)
            code, _, message = meta.decode().partition("\n")
            mine = json.loads(ours) if rc == 0 else None
            c.check(rc == 0 and code == want["Code"] and message == one_line(want["Message"]) and
                    norm(shape, mine) == norm(shape, members),
                    f"{name} error {shape.name}", body, meta, ours, want, members)


def strip_head(item):
    """The pairs of an encoded map, without its head (and break)."""
    info = item[0] & 31
    if info == 31:
        return item[1:-1]
    return item[1 + {24: 1, 25: 2, 26: 4, 27: 8}.get(info, 0):]


def main():
    c = Counter()
    models = cbor_models()
    c.check(len(models) >= 9, "nine rpc-v2-cbor models", [m[0] for m in models])
    for i, (name, version, data) in enumerate(models):
        service = botocore.model.ServiceModel(data, service_name=name)
        try:
            d = Driver(build_driver(name, version))
        except Exception as e:  # the build is itself a test
            c.check(False, f"{name} build", str(e))
            continue
        rng = random.Random(1000 + i)
        check_requests(c, name, service, d, rng)
        check_responses(c, name, service, d, rng)
        check_errors(c, name, service, d, rng)
        c.check(d.close() == 0, f"{name} driver exit")
    print(f"generated/cbor-botocore-diff: {c.passed} passed, {c.failed} failed")
    sys.exit(1 if c.failed else 0)


if __name__ == "__main__":
    main()
