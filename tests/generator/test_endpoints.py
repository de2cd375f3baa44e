"""Endpoint resolution, end to end: rule set -> C (generator/endpoints.c) -> compiled resolver
(runtime/acg_endpoint_rules.c, runtime/endpoints/acg_partitions.c).

- AWS's own endpoint tests for Personalize (tests/fixtures/endpoints/personalize), run on
  the checked-in YAML rule set, with the partitions table the tests were written against and
  with the current one (see tests/fixtures/endpoints/README.md).
- The YAML rule set in models/ is the installed botocore JSON one, value for value.
- botocore's own rule engine (EndpointProvider) as an oracle: a grid of regions in every
  partition, unknown and missing regions, FIPS, dual-stack, custom endpoints and context
  parameters (account ids, ARNs, stream ids, operation types, endpoint ids) for services
  with unusual rule sets, compared URL, signing name and region, or error text; and a smaller
  grid over every json-protocol and every rest-json service."""
import concurrent.futures
import copy
import gzip
import itertools
import json
import os
import subprocess
import sys

import botocore
import yaml
from botocore.endpoint_provider import EndpointProvider
from botocore.exceptions import EndpointResolutionError

sys.path.insert(0, os.path.join(os.path.dirname(__file__), ".."))
sys.path.insert(0, os.path.dirname(__file__))
from pyharness import case, run  # noqa: E402
import endpoints_build as eb  # noqa: E402
from json_models import json_models, rest_json_models  # noqa: E402

DATA = os.path.join(os.path.dirname(botocore.__file__), "data")
FIXTURE = "tests/fixtures/endpoints/personalize/endpoint-tests-1.json"
YAML_RULES = "models/personalize/2018-05-22/endpoint-rule-set-1.yaml"
with open(os.path.join(DATA, "partitions.json")) as f:
    PARTITIONS = json.load(f)

REGIONS = ["us-east-1", "us-west-2", "eu-central-1", "ap-southeast-7", "mx-central-1", "aws-global",
           "cn-north-1", "cn-northwest-1", "aws-cn-global", "us-gov-east-1", "us-gov-west-1",
           "us-iso-east-1", "us-isob-east-1", "eu-isoe-west-1", "us-isof-south-1", "eusc-de-east-1",
           "us-east-9", "mars-east-1", "us-east-1.evil.com", "", None]
ENDPOINTS = [None, "https://example.com", "http://localhost:8080/base/", "https://10.0.0.1:8443",
             "https://[::1]:8443/a/../b", "not a url", "https://example.com?query=1"]

# Context parameters worth varying, by name; services get those their rule set declares.
ARN = "arn:aws:dynamodb:us-east-1:222222222222:table/t1"
KINESIS_ARN = "arn:aws:kinesis:us-east-1:123456789012:stream/s1"
CONTEXT_VALUES = {
    "AccountId": ["123456789012", "not.an-account", ""],
    "AccountIdEndpointMode": ["preferred", "disabled", "required", "bogus"],
    "ResourceArn": [ARN, "arn:aws-cn:dynamodb:cn-north-1:333333333333:table/t2",
                    "arn:aws:dynamodb:us-east-1::table/t3", "arn:aws:s3:::bucket", "not-an-arn"],
    "ResourceArnList": [[ARN], ["arn:aws:dynamodb:us-west-2:444444444444:table/x", ARN], []],
    "StreamARN": [KINESIS_ARN, "arn:aws-cn:kinesis:cn-north-1:123456789012:stream/s2",
                  "arn:aws:kinesis:us-east-1::stream/s3", "arn:aws:kinesis:us-west-2:12345678901a:stream/s4",
                  "arn:aws:sqs:us-east-1:123456789012:stream/s5", "arn:aws-us-gov:kinesis:us-gov-west-1:1:stream/x",
                  "arn:aws:kinesis:us-east-1:123456789012:stream/s1/consumer/c1:1", "arn"],
    "ConsumerARN": ["arn:aws:kinesis:us-east-1:123456789012:stream/s1/consumer/c1:1"],
    "ResourceARN": [KINESIS_ARN],
    "StreamId": ["abc", "bad id"],
    "OperationType": ["control", "data"],
    "EndpointId": ["abcde.fghi", "abc", "bad_label", "-bad", "bad-", "a-b", "a" * 63, "a" * 64, "ab..c"],
}
SERVICES = ["personalize", "dynamodb", "kinesis", "events", "bcm-data-exports", "freetier", "logs",
            "ecr", "sagemaker", "cognito-idp", "ssm", "kms", "secretsmanager", "codebuild"]


def ruleset_path(svc):
    folder = os.path.join(DATA, svc)
    version = sorted(os.listdir(folder))[-1]
    return os.path.join(folder, version, "endpoint-rule-set-1.json.gz")


def load_ruleset(svc):
    with gzip.open(ruleset_path(svc), "rt") as f:
        return json.load(f)


def oracle(provider, ruleset, region, fips, dual, endpoint, ctx):
    """botocore's answer, in the runner's output format."""
    kwargs = {k: v for k, v in ctx.items()}
    for name, p in ruleset["parameters"].items():
        b = p.get("builtIn")
        if b == "AWS::Region" and region is not None:
            kwargs[name] = region
        elif b == "AWS::UseFIPS":
            kwargs[name] = fips
        elif b == "AWS::UseDualStack":
            kwargs[name] = dual
        elif b == "SDK::Endpoint" and endpoint is not None:
            kwargs[name] = endpoint
    try:
        ep = provider.resolve_endpoint(**kwargs)
    except EndpointResolutionError as e:
        msg = str(e.kwargs.get("msg", e))
        if msg.startswith("No endpoint found for parameters"):
            return "error No endpoint found for the given parameters"
        return "error " + msg
    name = region_out = "-"
    schemes = ep.properties.get("authSchemes", [])
    for scheme in schemes:
        if scheme.get("name") == "sigv4":
            name = scheme.get("signingName", "-")
            region_out = scheme.get("signingRegion", "-")
            break
    else:
        # Only schemes the runtime does not sign with (sigv4a, sigv4-s3express): the resolver
        # names the first, marked "!", and the client refuses to sign for it.
        others = [scheme.get("name") for scheme in schemes if scheme.get("name")]
        if others:
            name = "!" + others[0]
    return f"url {ep.url} {name} {region_out}"


def grid(ruleset, small=False):
    params = ruleset["parameters"]
    names = [n for n in params if "builtIn" not in params[n] or params[n]["builtIn"].startswith("AWS::Auth")]
    contexts = [{}]
    for name in names:
        for value in CONTEXT_VALUES.get(name, []):
            contexts.append({name: value})
    # pairs of parameters a rule set reads together
    if "StreamARN" in names:
        contexts += [{"StreamARN": KINESIS_ARN, "OperationType": op} for op in ("control", "data")]
        contexts += [{"StreamARN": KINESIS_ARN, "ConsumerARN": CONTEXT_VALUES["ConsumerARN"][0]}]
    if "AccountId" in names:
        contexts += [{"AccountId": "123456789012", "AccountIdEndpointMode": m} for m in ("preferred", "required",
                                                                                          "disabled")]
        contexts += [{"ResourceArn": ARN, "AccountIdEndpointMode": "required"},
                     {"ResourceArnList": [ARN], "AccountId": "111111111111"}]
    regions = REGIONS[::4] + [None] if small else REGIONS
    endpoints = ENDPOINTS[:2] if small else ENDPOINTS
    for region, fips, dual, endpoint in itertools.product(regions, (False, True), (False, True), endpoints):
        for ctx in contexts:
            yield region, fips, dual, endpoint, ctx


def to_line(region, fips, dual, endpoint, ctx, ruleset=None):
    """The runner's input line; builtIn parameters go by their builtIn name."""
    params = ruleset["parameters"] if ruleset else {}
    named = {params.get(k, {}).get("builtIn", k): v for k, v in ctx.items()}
    return eb.line_for(region, fips, dual, endpoint, named)


def compare_service(svc, small=False):
    ruleset = load_ruleset(svc)
    provider = EndpointProvider(ruleset, PARTITIONS)
    exe = eb.runner(svc, ruleset_path(svc))
    rows = list(grid(ruleset, small))
    got = eb.resolve_all(exe, [to_line(*r, ruleset=ruleset) for r in rows])
    bad = []
    for row, line in zip(rows, got):
        want = oracle(provider, ruleset, *row)
        if line != want:
            bad.append(f"{svc} {row}:\n    C:        {line}\n    botocore: {want}")
    assert not bad, "\n".join(bad[:8]) + f"\n({len(bad)} of {len(rows)} differ)"
    return len(rows)


counts = {"rows": 0}

for service in SERVICES:
    def check(svc=service):
        counts["rows"] += compare_service(svc)
    case(f"{service}: the generated resolver agrees with botocore's rule engine on a full grid")(check)


@case("every json-protocol service agrees with botocore on a small grid")
def _():
    total = services = 0
    for svc, _model in json_models():
        total += compare_service(svc, small=True)
        services += 1
    counts["rows"] += total
    print(f"endpoints: {counts['rows']} parameter sets agree with botocore ({len(SERVICES)} services on "
          f"the full grid, all {services} json-protocol services on the small one)")


@case("every rest-json service agrees with botocore on a small grid (two at a time)")
def _():
    services = [svc for svc, _model in rest_json_models()]
    assert len(services) >= 240, f"only {len(services)} rest-json models found"
    eb.driver()
    with concurrent.futures.ThreadPoolExecutor(max_workers=2) as pool:
        total = sum(pool.map(lambda svc: compare_service(svc, small=True), services))
    counts["rows"] += total
    print(f"endpoints: {total} parameter sets agree with botocore for all {len(services)} "
          f"rest-json services on the small grid")


def fixture_rows():
    with open(FIXTURE) as f:
        tests = json.load(f)["testCases"]
    rows = []
    for t in tests:
        p = t.get("params", {})
        want = ("url " + t["expect"]["endpoint"]["url"]) if "endpoint" in t["expect"] else "error " + t["expect"]["error"]
        rows.append((t["documentation"], eb.line_for(p.get("Region"), p.get("UseFIPS", False),
                                                      p.get("UseDualStack", False), p.get("Endpoint")), want, p))
    return rows


def old_partitions():
    """partitions.json as it was when AWS wrote the Personalize tests: aws-iso and aws-iso-b
    without dual-stack."""
    data = copy.deepcopy(PARTITIONS)
    for p in data["partitions"]:
        if p["id"] in ("aws-iso", "aws-iso-b"):
            p["outputs"]["supportsDualStack"] = False
    return data


def run_fixture(exe):
    rows = fixture_rows()
    got = eb.resolve_all(exe, [r[1] for r in rows])
    return rows, [g if g.startswith("error ") else " ".join(g.split()[:2]) for g in got]


@case("personalize: AWS's endpoint tests, all 35, pass with the partitions table they were written for")
def _():
    os.makedirs(eb.WORK, exist_ok=True)
    path = os.path.join(eb.WORK, "partitions-old.json")
    with open(path, "w") as f:
        json.dump(old_partitions(), f)
    src = os.path.join(eb.WORK, "partitions_old.c")
    with open(src, "w") as f:
        subprocess.run([sys.executable, "tools/gen_partitions.py", path], stdout=f, check=True)
    # The runner's own acg_partitions symbols keep the archive's acg_partitions.o out.
    exe = eb.runner("personalize-old", YAML_RULES, extra_sources=[src])
    rows, got = run_fixture(exe)
    assert len(rows) == 35
    bad = [f"{doc}: {g} != {want}" for (doc, _l, want, _p), g in zip(rows, got) if g != want]
    assert not bad, "\n".join(bad)


@case("personalize: AWS's endpoint tests with today's partitions: 31 as written, the 4 iso dual-stack "
      "ones as botocore answers")
def _():
    exe = eb.runner("personalize-yaml", YAML_RULES)
    rows, got = run_fixture(exe)
    provider = EndpointProvider(load_ruleset("personalize"), PARTITIONS)
    ruleset = load_ruleset("personalize")
    changed = 0
    for (doc, _l, want, p), g in zip(rows, got):
        if g == want:
            continue
        region = p.get("Region", "")
        assert region.startswith(("us-iso-", "us-isob-")) and p.get("UseDualStack"), f"{doc}: {g} != {want}"
        botocore_says = oracle(provider, ruleset, region, p.get("UseFIPS", False), True, None, {})
        assert g == " ".join(botocore_says.split()[:2]), (doc, g, botocore_says)
        changed += 1
    assert changed == 4, changed


@case("personalize: the issue's examples")
def _():
    exe = eb.runner("personalize-yaml", YAML_RULES)
    got = eb.resolve_all(exe, [eb.line_for("us-gov-east-1", fips=True), eb.line_for("cn-north-1", dual=True),
                               eb.line_for("us-east-1", fips=True, endpoint="https://example.com"),
                               eb.line_for("us-east-1", dual=True, endpoint="https://example.com"),
                               eb.line_for(None)])
    assert got[0] == "url https://personalize-fips.us-gov-east-1.amazonaws.com - -", got[0]
    assert got[1] == "url https://personalize.cn-north-1.api.amazonwebservices.com.cn - -", got[1]
    assert got[2] == "error Invalid Configuration: FIPS and custom endpoint are not supported", got[2]
    assert got[3] == "error Invalid Configuration: Dualstack and custom endpoint are not supported", got[3]
    assert got[4] == "error Invalid Configuration: Missing Region", got[4]


@case("personalize: the YAML rule set in models/ is botocore's JSON one, value for value")
def _():
    with open(YAML_RULES) as f:
        mine = yaml.safe_load(f)
    assert mine == load_ruleset("personalize")


@case("no rule set: the standard regional resolver answers as Personalize's rule set does")
def _():
    exe = eb.runner("standard", default_prefix="personalize")
    provider = EndpointProvider(load_ruleset("personalize"), PARTITIONS)
    ruleset = load_ruleset("personalize")
    rows = [(r, fi, d, e, {}) for r, fi, d, e in itertools.product(REGIONS, (False, True), (False, True),
                                                                       ENDPOINTS[:3])]
    got = eb.resolve_all(exe, [to_line(*r) for r in rows])
    for row, line in zip(rows, got):
        assert line == oracle(provider, ruleset, *row), (row, line)


@case("runtime/endpoints/acg_partitions.c is what tools/gen_partitions.py writes from the installed partitions.json")
def _():
    out = subprocess.run([sys.executable, "tools/gen_partitions.py"], capture_output=True, text=True, check=True)
    with open("runtime/endpoints/acg_partitions.c") as f:
        assert f.read() == out.stdout, "rerun: python3 tools/gen_partitions.py > runtime/endpoints/acg_partitions.c"
    ids = [p["id"] for p in PARTITIONS["partitions"]]
    for pid in ("aws", "aws-cn", "aws-us-gov", "aws-iso", "aws-iso-b", "aws-iso-e", "aws-iso-f", "aws-eusc"):
        assert pid in ids and f'{{ "{pid}", ' in out.stdout, pid


def all_nodes(n, path=()):
    yield path, n
    if isinstance(n, dict):
        for k, v in n.items():
            yield from all_nodes(v, path + (k,))
    elif isinstance(n, list):
        for i, v in enumerate(n):
            yield from all_nodes(v, path + (i,))


@case("200 broken variants of kinesis's rule set: a diagnostic or C that compiles, never a crash")
def _():
    import random
    base = load_ruleset("kinesis")
    nodes = list(all_nodes(base))[1:]
    rng = random.Random(7)
    path = os.path.join(eb.WORK, "broken.json")
    outcomes = {"diagnosed": 0, "compiled": 0}
    for _ in range(200):
        d = copy.deepcopy(base)
        where, _node = rng.choice(nodes)
        parent = d
        for k in where[:-1]:
            parent = parent[k]
        how = rng.randrange(3)
        if how == 0:
            del parent[where[-1]]
        elif how == 1:
            parent[where[-1]] = rng.choice([None, 7, "x{y", {"fn": "isSet"}, [], {}, True])
        else:
            parent[where[-1]] = {"ref": "Nope"}
        with open(path, "w") as f:
            json.dump(d, f)
        r = subprocess.run([eb.driver(), path, "resolve"], capture_output=True, text=True)
        assert r.returncode in (0, 1), (where, how, r.returncode, r.stderr[-500:])
        if r.returncode == 1:
            assert "error: endpoint rules:" in r.stderr or "error:" in r.stderr, r.stderr
            outcomes["diagnosed"] += 1
            continue
        src = os.path.join(eb.WORK, "broken.c")
        with open(src, "w") as f:
            f.write('#include "endpoints/acg_endpoint_rules.h"\n\nint resolve(const struct acg_endpoint_params *params, '
                    'struct acg_endpoint *out,\n    struct acg_error *err);\n\n' + r.stdout)
        c = subprocess.run([eb.CC, *eb.STRICT, "-Iruntime/include", "-Iruntime/internal", "-Icli/include", "-fsyntax-only", src], capture_output=True,
                           text=True)
        assert c.returncode == 0, (where, how, c.stderr[:1000])
        outcomes["compiled"] += 1
    assert outcomes["diagnosed"] > 50 and outcomes["compiled"] > 20, outcomes


if __name__ == "__main__":
    run("generator/endpoints_e2e")
