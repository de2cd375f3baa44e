"""Differential tests of restXml against botocore, on Route 53 and CloudFront (every
operation), with S3 Control and S3 when asked for (DIFF_SERVICES="s3control s3").

Per service, acg-gen output (--prefix svc) and tests/generated/rest_driver.c are compiled
into one driver program in $BUILD/restxml-diff/<service>/ (test_restjson_diff.py's build and
batch runner). Then, with seeded random instances of every operation's input and output and
of every modelled error:

- requests: botocore's RestXMLSerializer and prepare_request_dict (after the handlers
  botocore runs first: fix_route53_ids on Route 53's parameters, and on S3's operations
  remove_bucket_from_url_paths_from_model, since the endpoint rules place the bucket) against the runtime's
  acg_protocol_build, compared on method, path, query (a multiset of encoded pairs), headers
  (names case-insensitively, values exactly), host prefix and body: the same bytes, else
  the same XML (element names with their namespaces, attributes, text, children in order);
- responses: an HTTP response (status, headers, XML body with namespaces, attributes,
  wrapped and flattened lists and maps) built from a random output instance as the service
  would send it, parsed by botocore's RestXMLParser and by acg_protocol_parse; the decoded
  values must be the same (timestamps as instants, blobs as bytes);
- errors: the same for modelled errors in both layouts (<ErrorResponse><Error> as Route 53
  and CloudFront send them, a bare <Error> as S3 does), plus the code and message the client
  reports; and answers no shape is given for (empty bodies, HTML, malformed XML), whose code
  and message must be botocore's.

Each compared instance counts as one test. DIFF_ROUNDS sets the instances per shape (default
4); DIFF_SERVICES="a b" chooses the services."""
import base64
import datetime
import gzip
import json
import math
import os
import random
import re
import sys
import xml.etree.ElementTree as ET
from xml.sax.saxutils import escape, quoteattr

import botocore.exceptions
import botocore.handlers
import botocore.model
import botocore.parsers
import botocore.serialize
from botocore.compat import HTTPHeaders

sys.path.insert(0, os.path.dirname(__file__))
import test_restjson_diff as rj  # noqa: E402

rj.WORK = os.path.join(rj.BUILD, "restxml-diff")
ROUNDS = rj.ROUNDS

SERVICES = {
    "route53": "input roots named by the operation (locationName, xmlNamespace), query and "
               "header bindings, wrapped lists, long labels",
    "cloudfront": "structure payloads with their namespaces, blob payloads, ETag headers, "
                  "literal query strings",
    "s3control": "host prefixes, idempotency tokens in the body, maps, flattened lists",
    "s3": "flattened lists, xsi:type attributes, header maps, streaming payloads",
}
DEFAULT = ["route53", "cloudfront", "s3control", "s3"]

# Text for XML bodies: what an XML document can carry (no control characters but tab and
# line feed; a carriage return goes as &#13;), markup characters included.
XML_TEXT = ["a", "Z", "0", " ", "&", "<", ">", "\"", "'", "\n", "\t", "\r", "é", "中", "😀",
            "]]>", "/", "?", "=", "+", "%", "#", ","]


# ---- requests ----

def xml_tree(e):
    """An element as a comparable value: name (with namespace), attributes, text, children."""
    return (e.tag, sorted(e.attrib.items()), e.text or "",
            [xml_tree(c) for c in e], (e.tail or "").strip())


def same_xml(a, b):
    if a == b:
        return True
    try:
        return xml_tree(ET.fromstring(a)) == xml_tree(ET.fromstring(b))
    except ET.ParseError:
        return False


def compare_request(theirs, ours):
    for key in ("method", "path", "query", "host_prefix"):
        if theirs[key] != ours[key]:
            return f"{key}: botocore {theirs[key]!r}, ours {ours[key]!r}"
    if theirs["headers"] != ours["headers"]:
        return f"headers: botocore {theirs['headers']!r}, ours {ours['headers']!r}"
    if not same_xml(theirs["body"], ours["body"]):
        at = next((i for i, (x, y) in enumerate(zip(theirs["body"], ours["body"])) if x != y),
                  min(len(theirs["body"]), len(ours["body"])))
        return (f"body from byte {at}: botocore {theirs['body'][max(0, at - 100):at + 300]!r}, "
                f"ours {ours['body'][max(0, at - 100):at + 300]!r}")
    return None


def request_checks(svc, service, batch, rng, fail):
    serializer = botocore.serialize.create_serializer("rest-xml", include_validation=False)
    for name in service.operation_names:
        op = service.operation_model(name)
        if op.has_event_stream_input or op.has_event_stream_output:
            continue
        for _ in range(ROUNDS if op.input_shape is not None else 1):
            params = rj.rand_input(op, rng) if op.input_shape is not None else {}
            theirs_params = dict(params)
            if svc == "route53":   # the handler botocore runs before serializing
                botocore.handlers.fix_route53_ids(theirs_params, op)
            if svc == "s3":   # the endpoint rules place the bucket: out of the URI
                botocore.handlers.remove_bucket_from_url_paths_from_model(
                    theirs_params, op, context={})
            for m in (op.input_shape.members if op.input_shape else {}):
                if op.input_shape.members[m].metadata.get("idempotencyToken") and m not in params:
                    theirs_params[m] = rj.TOKEN
            label = f"{svc} requests {name}"
            try:
                theirs = rj.botocore_request(serializer, op, theirs_params)
            except botocore.exceptions.ParamValidationError:
                theirs = None   # a bad host label: ours must refuse it too
            except Exception as e:
                fail(label, f"botocore cannot serialize {params!r}: {e}")
                continue

            def check(status, raw, theirs=theirs, params=params):
                if theirs is None:
                    return None if status != 0 else f"a bad host label is not refused: {params!r}"
                if status != 0 and b"control character" in raw and any(
                        re.search("[\x00-\x1f\x7f]", v) for v in theirs["headers"].values()):
                    return None   # the runtime refuses what botocore would send broken
                if status != 0:
                    return f"{raw!r} for {params!r}"
                problem = compare_request(theirs, rj.our_request(raw))
                return problem and f"{problem} for {params!r}"
            batch.add("build", {"op": name, "input": rj.cli_json(op.input_shape, params)
                                if op.input_shape else {}}, label, check)


# ---- responses ----

def rand_body_value(shape, rng, depth):
    """A random value for a member that travels in the XML body."""
    t = shape.type_name
    if t == "structure":
        names = list(shape.members)
        if shape.is_tagged_union and names:
            n = rng.choice(names)
            return {n: rand_body_value(shape.members[n], rng, depth + 1)}
        keep = 0.6 if depth < 3 else 0.15
        return {n: rand_body_value(shape.members[n], rng, depth + 1) for n in names
                if rng.random() < keep}
    if t == "list":
        return [rand_body_value(shape.member, rng, depth + 1)
                for _ in range(rng.randint(0, 3 if depth < 3 else 1))]
    if t == "map":
        return {rj.rand_text(rng, XML_TEXT) + str(i): rand_body_value(shape.value, rng, depth + 1)
                for i in range(rng.randint(0, 3 if depth < 3 else 1))}
    if t == "string":
        if shape.enum and rng.random() < 0.5:
            return rng.choice(shape.enum)
        return rj.rand_text(rng, XML_TEXT)
    if t == "timestamp":
        return rj.rand_time(rng)
    return rj.rand_value(shape, rng, depth)


def rand_output(shape, rng):
    value = {}
    for name, m in shape.members.items():
        loc = m.serialization.get("location")
        if m.serialization.get("eventstream") or rng.random() > 0.7 or loc == "statusCode":
            continue
        if loc == "header" and m.type_name == "list":
            value[name] = [rj.header_text(rng).replace(",", "") or "x"
                           for _ in range(rng.randint(1, 3))]
        elif loc == "header" and m.type_name == "timestamp":
            fmt = m.serialization.get("timestampFormat", "rfc822")
            value[name] = rj.rand_time(rng, whole_seconds=fmt == "rfc822")
        elif loc in ("header", "headers"):
            value[name] = rj.rand_value(m, rng, 1, loc)
        else:
            value[name] = rand_body_value(m, rng, 1)
    return rj.ms_times(shape, value)


def ts_xml(v, rng):
    """A timestamp as AWS writes one in XML: ISO 8601 with milliseconds, mostly."""
    form = rng.randint(0, 5)
    if form == 0 and v.microsecond == 0:
        return v.strftime("%Y-%m-%dT%H:%M:%SZ")
    if form == 1 and v.microsecond == 0 and v.year >= 1970:
        return str((v - rj.EPOCH) // datetime.timedelta(seconds=1))
    return v.strftime("%Y-%m-%dT%H:%M:%S.") + f"{v.microsecond // 1000:03d}Z"


def text(shape, v, rng):
    t = shape.type_name
    if t == "boolean":
        return "true" if v else "false"
    if t in ("float", "double"):
        if math.isnan(v):
            return "NaN"
        return ("Infinity" if v > 0 else "-Infinity") if math.isinf(v) else repr(v)
    if t == "timestamp":
        return ts_xml(v, rng)
    if t == "blob":
        return base64.b64encode(v).decode()
    return escape(str(v), {"\r": "&#13;"})


def ns_attr(shape):
    ns = shape.serialization.get("xmlNamespace")
    if isinstance(ns, dict):
        prefix = ns.get("prefix")
        return f' xmlns{":" + prefix if prefix else ""}="{ns["uri"]}"'
    return f' xmlns="{ns}"' if isinstance(ns, str) else ""


def element(shape, v, name, rng):
    t = shape.type_name
    if t == "structure":
        attrs, inner = members_xml(shape, v, rng)
        return f"<{name}{ns_attr(shape)}{attrs}>{inner}</{name}>"
    if t == "list":
        item = shape.member.serialization.get("name", "member")
        return f"<{name}>" + "".join(element(shape.member, x, item, rng) for x in v) + f"</{name}>"
    if t == "map":
        return f"<{name}>" + "".join(f"<entry>{entry(shape, k, x, rng)}</entry>"
                                     for k, x in v.items()) + f"</{name}>"
    return f"<{name}>{text(shape, v, rng)}</{name}>"


def entry(shape, k, x, rng):
    kn = shape.key.serialization.get("name", "key")
    vn = shape.value.serialization.get("name", "value")
    return element(shape.key, k, kn, rng) + element(shape.value, x, vn, rng)


def members_xml(shape, value, rng):
    attrs, inner = "", ""
    for name, m in shape.members.items():
        if name not in value or m.serialization.get("location"):
            continue
        v = value[name]
        xml_name = m.serialization.get("name", name)
        if m.serialization.get("xmlAttribute"):
            attrs += f" {xml_name}={quoteattr(text(m, v, rng))}"
            if ":" in xml_name:
                attrs += f' xmlns:{xml_name.split(":")[0]}="http://www.w3.org/2001/XMLSchema-instance"'
        elif m.type_name == "list" and m.serialization.get("flattened"):
            item = m.member.serialization.get("name", xml_name)
            inner += "".join(element(m.member, x, item, rng) for x in v)
        elif m.type_name == "map" and m.serialization.get("flattened"):
            inner += "".join(f"<{xml_name}>{entry(m, k, x, rng)}</{xml_name}>"
                             for k, x in v.items())
        else:
            inner += element(m, v, xml_name, rng)
    return attrs, inner


def header_form(m, v):
    t = m.type_name
    if t == "timestamp":
        return str(rj.ts_text(v, m.serialization.get("timestampFormat", "rfc822")))
    if t == "list":
        return ", ".join(header_form(m.member, x) for x in v)
    if t == "boolean":
        return "true" if v else "false"
    if t in ("float", "double"):
        return rj.wire(m, v) if not math.isfinite(v) else repr(v)
    if t == "blob":
        return base64.b64encode(v).decode()
    return str(v)


def http_response(service, shape, value, status, rng, error_layout=None):
    """Status, headers and body as the service sends value. error_layout: "query"
    (<ErrorResponse><Error>) or "s3" (<Error>) for an error."""
    headers = [("x-amzn-requestid", "req-1"), ("Date", "Tue, 14 Nov 2023 22:13:20 GMT")]
    payload = shape.serialization.get("payload")
    for name, m in shape.members.items():
        loc = m.serialization.get("location")
        if name not in value:
            continue
        if loc == "header":
            headers.append((m.serialization.get("name", name), header_form(m, value[name])))
        elif loc == "headers":
            prefix = m.serialization.get("name", "")
            headers += [(prefix + k, v) for k, v in value[name].items()]
    ns = service.metadata.get("xmlNamespace")
    ns = ns.get("uri") if isinstance(ns, dict) else ns
    xmlns = f' xmlns="{ns}"' if ns and rng.random() < 0.7 else ""
    decl = '<?xml version="1.0" encoding="UTF-8"?>\n' if rng.random() < 0.5 else ""
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
            body = (decl + element(pm, pv, pm.serialization.get("name", payload), rng)).encode()
        return status, headers, body
    attrs, inner = members_xml(shape, value, rng)
    if error_layout == "query":
        code = shape.metadata.get("error", {}).get("code", shape.name)
        body = (f"{decl}<ErrorResponse{xmlns}><Error><Type>Sender</Type><Code>{code}</Code>"
                f"{inner}</Error><RequestId>req-1</RequestId></ErrorResponse>")
    elif error_layout == "s3":
        code = shape.metadata.get("error", {}).get("code", shape.name)
        body = (f"{decl}<Error><Code>{code}</Code>{inner}<RequestId>req-1</RequestId>"
                f"<HostId>h</HostId></Error>")
    elif not inner and not attrs and rng.random() < 0.5:
        body = ""
    else:
        root = shape.serialization.get("name", shape.name)
        body = f"{decl}<{root}{xmlns}{attrs}>{inner}</{root}>"
    return status, headers, body.encode()


def hh_of(headers):
    hh = HTTPHeaders()
    for k, v in headers:
        hh[k] = v
    return hh


# Outputs left out, with the reason.
SKIP_OUTPUTS = {
    # Two members read the same element (Event, and Events flattened as <Event>): botocore
    # gives each <Event> to both, or a list of Elements to the scalar when there are
    # several; the runtime gives each element to one member. The operation is deprecated
    # (GetBucketNotificationConfiguration replaces it).
    ("s3", "GetBucketNotification"),
}


def response_checks(svc, service, batch, rng, fail):
    parser = botocore.parsers.create_parser("rest-xml")
    for name in service.operation_names:
        op = service.operation_model(name)
        shape = op.output_shape
        if op.has_event_stream_input or op.has_event_stream_output or shape is None or \
                (svc, name) in SKIP_OUTPUTS:
            continue
        for _ in range(ROUNDS):
            value = rand_output(shape, rng)
            status, headers, body = http_response(service, shape, value,
                                                  op.http.get("responseCode", 200), rng)
            label = f"{svc} responses {name}"
            try:
                parsed = parser.parse({"status_code": status, "headers": hh_of(headers),
                                       "body": body}, shape)
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
                    ok = rj.norm(shape, ours, True) == rj.norm(shape, parsed, False)
                return None if ok else (f"botocore {parsed!r}, ours {ours!r} for {headers!r} "
                                        f"{body[:600]!r}")
            batch.add("parse", {"shape": shape.name, "status": status, "headers": headers,
                                "body": base64.b64encode(body).decode()}, label, check)


def error_checks(svc, service, batch, rng):
    parser = botocore.parsers.create_parser("rest-xml")
    for err_shape in service.error_shapes:
        http_status = err_shape.metadata.get("error", {}).get("httpStatusCode", 400)
        for i in range(ROUNDS):
            value = rand_output(err_shape, rng)
            layout = "s3" if (svc == "s3") == (i % 4 != 3) else "query"
            status, headers, body = http_response(service, err_shape, value, http_status, rng,
                                                  layout)
            response = {"status_code": status, "headers": hh_of(headers), "body": body}
            generic = parser.parse(response, None)
            modelled = parser.parse(response, err_shape)

            def check(rc, raw, err_shape=err_shape, generic=generic, modelled=modelled,
                      headers=headers, body=body):
                if rc != 0:
                    return f"{raw!r} for {headers!r} {body[:300]!r}"
                ours = json.loads(raw)
                if ours["code"] != generic["Error"]["Code"]:
                    return f"code: botocore {generic['Error']['Code']!r}, ours {ours['code']!r}"
                if ours["message"] != one_line(generic["Error"].get("Message", "")):
                    return (f"message: botocore {generic['Error'].get('Message')!r}, "
                            f"ours {ours['message']!r}")
                if rj.norm(err_shape, ours["value"], True) != rj.norm(err_shape, modelled, False):
                    return f"botocore {modelled!r}, ours {ours['value']!r} for {body[:600]!r}"
                return None
            batch.add("parse", {"shape": err_shape.name, "status": status, "headers": headers,
                                "body": base64.b64encode(body).decode()},
                      f"{svc} errors {err_shape.name}", check)


def one_line(text):
    """A message as the client keeps it: control characters as spaces (one line)."""
    return re.sub("[\x00-\x1f\x7f]", " ", text or "")


# Answers with no modelled error: (status, body).
FAULTS = [
    (404, b""), (403, b""), (301, b""), (412, b""), (500, b""), (503, b"  "),
    (503, b"<html><body><b>Http/1.1 Service Unavailable</b></body></html>"),
    (400, b"<Error><Code>NoSuchBucket</Code><Message>The specified bucket does not exist"
          b"</Message><BucketName>b</BucketName><RequestId>r</RequestId><HostId>h</HostId>"
          b"</Error>"),
    (400, b'<?xml version="1.0" encoding="UTF-8"?>\n<ErrorResponse xmlns="https://route53'
          b'.amazonaws.com/doc/2013-04-01/"><Error><Type>Sender</Type><Code>Throttling</Code>'
          b"<Message>Rate exceeded</Message></Error><RequestId>r</RequestId></ErrorResponse>"),
    (400, b"<ErrorResponse><Error><Code>InvalidInput</Code></Error></ErrorResponse>"),
    (500, b"<Error><Code>InternalError</Code><Message>We encountered an internal error."
          b"</Message></Error>"),
    (400, b"<Error><Code>"),
    (502, b"Bad Gateway"),
]


def fault_checks(svc, batch):
    parser = botocore.parsers.create_parser("rest-xml")
    for status, body in FAULTS:
        response = {"status_code": status, "headers": hh_of([]), "body": body}
        generic = parser.parse(response, None)["Error"]

        def check(rc, raw, generic=generic, status=status, body=body):
            if rc != 0:
                return f"{raw!r} for {status} {body!r}"
            ours = json.loads(raw)
            want = (generic.get("Code", ""), one_line(generic.get("Message", "")))
            got = (ours["code"], ours["message"])
            return None if want == got else f"botocore {want!r}, ours {got!r} for {status} {body!r}"
        batch.add("fault", {"status": status, "headers": [],
                            "body": base64.b64encode(body).decode()},
                  f"{svc} faults {status}", check)


def main():
    chosen = os.environ.get("DIFF_SERVICES", "").split() or DEFAULT
    passed = failed = 0
    kinds = {}

    def fail(label, detail):
        nonlocal failed
        failed += 1
        kind = " ".join(label.split()[:3])
        kinds[kind] = kinds.get(kind, 0) + 1
        if kinds[kind] <= 2 and failed <= 40:
            print(f"FAIL {label}: {str(detail)[:1800]}", file=sys.stderr)

    os.makedirs(rj.WORK, exist_ok=True)
    summary = []
    for svc in chosen:
        try:
            exe = rj.build_driver(svc)
            passed += 1
        except Exception as e:  # the build is itself a test
            fail(f"{svc} build", e)
            continue
        path = rj.model_path(svc)
        with (gzip.open(path, "rt") if path.endswith(".gz") else open(path)) as f:
            service = botocore.model.ServiceModel(json.load(f), svc)
        batch = rj.Batch(exe)
        rng = random.Random(f"restxml:{svc}")
        request_checks(svc, service, batch, rng, fail)
        response_checks(svc, service, batch, rng, fail)
        error_checks(svc, service, batch, rng)
        fault_checks(svc, batch)
        counts = batch.run(fail)
        passed += sum(counts.values())
        summary.append(f"  {svc}: " + ", ".join(f"{v} {k}" for k, v in counts.items()))

    for kind, k in sorted(kinds.items()):
        print(f"  failed: {kind}: {k}", file=sys.stderr)
    print("\n".join(summary))
    print(f"generated/restxml-diff: {passed} passed, {failed} failed")
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
