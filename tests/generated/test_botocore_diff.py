"""Differential tests against botocore for every shape of the full installed Personalize model.

For seeded random instances of every operation's input, botocore's JSON serializer writes the
request body; the runtime's generic decoder reads that body into the generated struct through
the service's tables and its encoder writes it again, and the two bodies must be the same
JSON value (timestamps included: botocore writes unixTimestamp as whole seconds). For every
operation's output, a random wire body is parsed by botocore's JSON parser and by the
runtime's decoder (printed in display style), and the values must agree (timestamps compared
as instants to the microsecond, blobs as bytes).

DIFF_ROUNDS sets the random instances per shape (default 40: a few thousand in all)."""
import base64
import datetime
import gzip
import json
import math
import os
import random
import shutil
import struct
import subprocess
import sys

import botocore
import botocore.model
import botocore.parsers
import botocore.serialize

sys.path.insert(0, os.path.join(os.path.dirname(__file__), ".."))
import pybuild  # noqa: E402

BUILD = os.environ.get("BUILD", "build")
ROUNDS = int(os.environ.get("DIFF_ROUNDS", "40"))
MODEL = os.path.join(os.path.dirname(botocore.__file__), "data", "personalize", "2018-05-22",
                     "service-2.json.gz")
WORK = os.path.join(BUILD, "diff")
EPOCH = datetime.datetime(1970, 1, 1, tzinfo=datetime.timezone.utc)


def build_driver():
    """Generates the model and compiles the driver against its tables. The driver is the
    same for any service: it finds a shape by name among the operations' inputs and outputs
    and the service's errors, and runs the runtime's generic decoder and encoder on it."""
    out = os.path.join(WORK, "personalize")
    shutil.rmtree(out, ignore_errors=True)  # files of an older generator would be compiled too
    subprocess.run([os.path.join(BUILD, "bin", "acg-gen"), "--model", MODEL, "--out", out],
                   check=True)
    src = os.path.join(WORK, "driver.c")
    with open(src, "w") as f:
        f.write(DRIVER)
    exe = os.path.join(WORK, "driver")
    srcs = [os.path.join(out, f) for f in sorted(os.listdir(out))
            if f.endswith(".c") and not f.endswith("_main.c")]
    subprocess.run(pybuild.cc("-Iruntime/include", "-Iruntime/internal", "-Icli/include",
                              "-I" + out, src, *srcs, os.path.join(BUILD, "libacg.a"), "-o", exe),
                   check=True)
    return exe


DRIVER = r"""#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "json/acg_json.h"
#include "personalize.h"

/* The top-level shape called name: an operation's input or output, or a modelled error. */
static const struct acg_shape *find_shape(const struct acg_service *svc, const char *name)
{
    for (size_t i = 0; i < svc->operation_count; i++) {
        const struct acg_operation *op = svc->operations[i];
        if (op->input != NULL && strcmp(op->input->name, name) == 0)
            return op->input;
        if (op->output != NULL && strcmp(op->output->name, name) == 0)
            return op->output;
    }
    for (size_t i = 0; i < svc->error_count; i++) {
        if (strcmp(svc->errors[i]->name, name) == 0)
            return svc->errors[i];
    }
    return NULL;
}

/* Decodes json into a zeroed struct of shape s, then writes it again in style. */
static int round_trip(const struct acg_shape *s, const char *json, size_t len,
                      enum acg_json_style style, struct acg_buf *out, struct acg_error *err)
{
    struct acg_arena *arena = acg_arena_new();
    void *v = calloc(1, s->size);
    int rc = arena != NULL && v != NULL ? ACG_OK : ACG_ERR_NOMEM;
    if (rc == ACG_OK)
        rc = acg_json_decode_body(json, len, s, v, arena, err);
    if (rc == ACG_OK) {
        struct acg_json_writer w;
        acg_json_writer_init(&w, out, style);
        w.err = err;
        rc = acg_json_encode(&w, s, v, NULL);
    }
    acg_arena_destroy(arena);
    free(v);
    return rc;
}

/* Records on stdin: "<wire|display> <Shape> <len>\n<len bytes>"; answers on stdout:
 * "<status> <len>\n<len bytes>" (the re-written JSON, or the error message). */
int main(void)
{
    char style[16], name[128];
    size_t len;
    while (scanf("%15s %127s %zu", style, name, &len) == 3) {
        char *buf = malloc(len + 1);
        if (buf == NULL || getchar() != '\n' || fread(buf, 1, len, stdin) != len)
            return 2;
        buf[len] = '\0';
        struct acg_buf out;
        struct acg_error err;
        int rc = ACG_ERR_INVALID_ARG;
        acg_buf_init(&out, 0);
        acg_error_init(&err);
        const struct acg_shape *s = find_shape(&personalize_service, name);
        if (s != NULL)
            rc = round_trip(s, buf, len,
                            strcmp(style, "wire") == 0 ? ACG_JSON_WIRE : ACG_JSON_DISPLAY,
                            &out, &err);
        else
            acg_error_set(&err, rc, "no shape %s", name);
        if (rc == ACG_OK) {
            printf("0 %zu\n", out.len);
            fwrite(out.data, 1, out.len, stdout);
        } else {
            char msg[1024];
            int n = snprintf(msg, sizeof msg, "%s: %s", err.where, err.message);
            printf("%d %d\n%s", rc, n, msg);
        }
        fflush(stdout);
        acg_buf_free(&out);
        free(buf);
    }
    return 0;
}
"""


class Driver:
    """The driver process; one that dies on a record (a crash is a finding) is restarted,
    and that record answers status -99."""

    def __init__(self, exe):
        self.exe = exe
        self.p = subprocess.Popen([exe], stdin=subprocess.PIPE, stdout=subprocess.PIPE)

    def call(self, style, shape, body):
        try:
            self.p.stdin.write(f"{style} {shape} {len(body)}\n".encode() + body)
            self.p.stdin.flush()
            status, n = self.p.stdout.readline().split()
            data = self.p.stdout.read(int(n))
            return int(status), data
        except (ValueError, BrokenPipeError):
            self.p.kill()
            rc = self.p.wait(timeout=10)
            self.p = subprocess.Popen([self.exe], stdin=subprocess.PIPE, stdout=subprocess.PIPE)
            return -99, f"driver died (exit {rc})".encode()

    def close(self):
        self.p.stdin.close()
        self.p.wait(timeout=10)


# ---- random instances ----

CHARS = ["a", "Z", "0", " ", "\"", "\\", "/", "\n", "\t", "\x01", "\x1f", "é", "ß", "中", "😀",
         "\u2028", "\ufeff", "𝄞"]


def rand_string(rng):
    return "".join(rng.choice(CHARS) for _ in range(rng.randint(0, 12)))


def rand_float(rng, single):
    x = rng.choice([0.0, 1.0, -2.5, 0.1, 1e300, -1e-300, 3.141592653589793, float("inf"),
                    float("-inf"), float("nan"), rng.uniform(-1e6, 1e6)])
    if single and math.isfinite(x):
        x = struct.unpack("f", struct.pack("f", max(min(x, 3.0e38), -3.0e38)))[0]
    return x


def rand_value(shape, rng, depth):
    t = shape.type_name
    if t == "structure":
        if shape.is_document_type:
            return rng.choice([{}, {"a": [1, "x", None, True]}, "text", 12.5, [], None])
        names = list(shape.members)
        if not names:
            return {}
        if shape.is_tagged_union:
            n = rng.choice(names)
            return {n: rand_value(shape.members[n], rng, depth + 1)}
        pick = [n for n in names if rng.random() < (0.6 if depth < 3 else 0.15)]
        return {n: rand_value(shape.members[n], rng, depth + 1) for n in pick}
    if t == "list":
        k = rng.randint(0, 3 if depth < 3 else 1)
        return [rand_value(shape.member, rng, depth + 1) for _ in range(k)]
    if t == "map":
        k = rng.randint(0, 3 if depth < 3 else 1)
        return {rand_string(rng) + str(i): rand_value(shape.value, rng, depth + 1) for i in range(k)}
    if t == "string":
        if shape.enum and rng.random() < 0.5:
            return rng.choice(shape.enum)
        return rand_string(rng)
    if t == "integer":
        return rng.choice([0, 1, -1, 2**31 - 1, -2**31, rng.randint(-1000, 1000)])
    if t == "long":
        return rng.choice([0, 2**63 - 1, -2**63, 2**53 + 1, rng.randint(-2**40, 2**40)])
    if t in ("float", "double"):
        return rand_float(rng, t == "float")
    if t == "boolean":
        return rng.random() < 0.5
    if t == "timestamp":
        us = rng.choice([0, 1, 999999, 1000, rng.randint(0, 4102444800000) * 1000,
                         rng.randint(0, 4102444800000000), rng.randint(-2208988800000000, 0)])
        return EPOCH + datetime.timedelta(microseconds=us)
    if t == "blob":
        return bytes(rng.randint(0, 255) for _ in range(rng.randint(0, 20)))
    raise AssertionError(f"unhandled type {t}")


def wire(shape, v):
    """The awsJson wire form of a random value, for response bodies."""
    t = shape.type_name
    if v is None:
        return None
    if t == "structure":
        if shape.is_document_type:
            return v
        return {k: wire(shape.members[k], x) for k, x in v.items()}
    if t == "list":
        return [wire(shape.member, x) for x in v]
    if t == "map":
        return {k: wire(shape.value, x) for k, x in v.items()}
    if t == "timestamp":
        # Whole milliseconds: more digits than a double keeps would make botocore's reading
        # (through a float) differ from the exact one by design.
        ms = round((v - EPOCH) / datetime.timedelta(milliseconds=1))
        return ms / 1000 if ms % 1000 else ms // 1000
    if t == "blob":
        return base64.b64encode(v).decode()
    if t in ("float", "double") and not math.isfinite(v):
        return "NaN" if math.isnan(v) else ("Infinity" if v > 0 else "-Infinity")
    return v


def norm(shape, v):
    """A comparable form: timestamps as epoch µs, blobs as bytes, special floats as text."""
    t = shape.type_name
    if v is None:
        return None
    if t == "structure":
        if shape.is_document_type:
            return v
        return {k: norm(shape.members[k], x) for k, x in v.items() if k in shape.members}
    if t == "list":
        return [norm(shape.member, x) for x in v]
    if t == "map":
        return {k: norm(shape.value, x) for k, x in v.items()}
    if t == "timestamp":
        if isinstance(v, str):
            v = datetime.datetime.fromisoformat(v.replace("Z", "+00:00"))
        if isinstance(v, datetime.datetime):
            return (v - EPOCH) // datetime.timedelta(microseconds=1)
        return round(v * 1000000)
    if t == "blob":
        return v if isinstance(v, bytes) else base64.b64decode(v)
    if t in ("float", "double"):
        if isinstance(v, str):
            return v
        if math.isnan(v):
            return "NaN"
        if math.isinf(v):
            return "Infinity" if v > 0 else "-Infinity"
        return float(v)
    return v


def main():
    """Each compared instance counts as one test, so the closing line counts them."""
    with gzip.open(MODEL, "rt") as f:
        service = botocore.model.ServiceModel(json.load(f), "personalize")
    serializer = botocore.serialize.create_serializer("json", include_validation=False)
    parser = botocore.parsers.create_parser("json")
    passed = failed = 0

    def fail(what, *detail):
        nonlocal failed
        failed += 1
        if failed <= 10:
            print(f"FAIL {what}:", *detail, file=sys.stderr)

    try:
        d = Driver(build_driver())
    except Exception as e:  # the build is itself a test
        print(f"FAIL build: {e}", file=sys.stderr)
        print("generated/botocore-diff: 0 passed, 1 failed")
        sys.exit(1)

    rng = random.Random(20181122)
    for op in service.operation_names:
        om = service.operation_model(op)
        if om.input_shape is None:
            continue
        for _ in range(ROUNDS):
            params = rand_value(om.input_shape, rng, 0)
            body = serializer.serialize_to_request(params, om)["body"]
            status, ours = d.call("wire", om.input_shape.name, body)
            if status != 0 or json.loads(ours) != json.loads(body):
                fail(f"request {op}", body[:400], ours[:400])
            else:
                passed += 1

    rng = random.Random(5222018)
    for op in service.operation_names:
        shape = service.operation_model(op).output_shape
        if shape is None:
            continue
        for _ in range(ROUNDS):
            value = rand_value(shape, rng, 0)
            body = json.dumps(wire(shape, value)).encode()
            parsed = parser.parse({"body": body, "headers": {}, "status_code": 200}, shape)
            parsed.pop("ResponseMetadata", None)
            status, ours = d.call("display", shape.name, body)
            mine = json.loads(ours) if status == 0 and ours.strip() else None
            if status != 0 or norm(shape, mine) != norm(shape, parsed):
                fail(f"response {op}", body[:400], ours[:400])
            else:
                passed += 1

    # Bodies botocore would reject must fail here too, with the member path, never crash.
    bad = [b'{"batchInferenceJob": {"jobInput": {"s3DataSource": {"path": 5}}}}',
           b'{"batchInferenceJob": []}', b'{"a":1,}', b'{}{}', b'tru', b'"\\ud800"',
           b'{"batchInferenceJob": {"numResults": 1e99}}', b'\xff\xfe', b'[', b'']
    for body in bad:
        status, msg = d.call("display", "DescribeBatchInferenceJobResponse", body)
        if (status == 0) != (body == b''):  # an empty body is an empty output, as AWS sends
            fail("bad body accepted", body, msg)
        else:
            passed += 1
    status, msg = d.call("display", "DescribeBatchInferenceJobResponse", bad[0])
    if b"batchInferenceJob.jobInput.s3DataSource.path" not in msg:
        fail("error path", msg)
    else:
        passed += 1
    d.close()
    print(f"generated/botocore-diff: {passed} passed, {failed} failed")
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
