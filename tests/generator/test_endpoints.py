"""Endpoint resolution: the C the generator writes from a service's rule set gives, for a
grid of regions (every partition), FIPS, dual-stack, custom endpoints, missing regions and
context parameters, the same URL (or the same error text) as botocore's own rule-set
engine, for Personalize and for a spread of other json-protocol services."""
import gzip
import itertools
import json
import os
import subprocess
import sys

import botocore
from botocore.endpoint_provider import EndpointProvider
from botocore.exceptions import EndpointResolutionError

sys.path.insert(0, os.path.join(os.path.dirname(__file__), ".."))
from pyharness import case, run  # noqa: E402

BUILD = os.environ.get("BUILD", "build")
DATA = os.path.join(os.path.dirname(botocore.__file__), "data")
WORK = os.path.join(BUILD, "endpoints")
SERVICES = ["personalize", "dynamodb", "kinesis", "logs", "ecr", "cognito-idp", "sagemaker",
            "glue", "codebuild", "secretsmanager", "ssm", "kms"]
REGIONS = ["us-east-1", "us-west-2", "eu-central-1", "cn-north-1", "cn-northwest-1",
           "us-gov-east-1", "us-gov-west-1", "us-iso-east-1", "us-isob-east-1", "eu-isoe-west-1",
           "us-isof-south-1", "eusc-de-east-1", "ap-southeast-7", "mars-east-1", None]
DRIVER = r'''
#include <stdio.h>
#include <string.h>
#include "SVC.h"
/* stdin lines: region|fips|dualstack|endpoint|NAME=VALUE,...  ("-" for unset) */
int main(void)
{
    char line[4096];
    while (fgets(line, sizeof line, stdin) != NULL) {
        char *f[5] = { 0 };
        char *p = line;
        line[strcspn(line, "\n")] = '\0';
        for (int i = 0; i < 5; i++) {
            f[i] = p;
            p = strchr(p, '|');
            if (p == NULL)
                break;
            *p++ = '\0';
        }
        struct acg_endpoint_param ctx[8];
        size_t n = 0;
        for (char *kv = f[4] && *f[4] ? strtok(f[4], ",") : NULL; kv && n < 8; kv = strtok(NULL, ",")) {
            char *eq = strchr(kv, '=');
            *eq = '\0';
            memset(&ctx[n], 0, sizeof ctx[n]);
            ctx[n].name = kv;
            if (strcmp(eq + 1, "true") == 0 || strcmp(eq + 1, "false") == 0) {
                ctx[n].type = ACG_EP_BOOL;
                ctx[n].boolean = eq[1] == 't';
            } else {
                ctx[n].type = ACG_EP_STRING;
                ctx[n].str = eq + 1;
            }
            n++;
        }
        struct acg_endpoint_params params;
        memset(&params, 0, sizeof params);
        params.builtins.region = strcmp(f[0], "-") ? f[0] : NULL;
        params.builtins.use_fips = f[1][0] == '1';
        params.builtins.use_dual_stack = f[2][0] == '1';
        params.builtins.endpoint = strcmp(f[3], "-") ? f[3] : NULL;
        params.context = ctx;
        params.context_count = n;
        struct acg_endpoint ep;
        struct acg_error err;
        acg_error_init(&err);
        if (SVC_resolve_endpoint(&params, &ep, &err) == ACG_OK)
            printf("url %s %s %s\n", ep.url, ep.signing_name[0] ? ep.signing_name : "-",
                   ep.signing_region[0] ? ep.signing_region : "-");
        else
            printf("error %s\n", err.message);
        fflush(stdout);
    }
    return 0;
}
'''


def model_path(svc):
    folder = os.path.join(DATA, svc)
    version = sorted(os.listdir(folder))[-1]
    return os.path.join(folder, version)


def build(svc):
    out = os.path.join(WORK, svc)
    subprocess.run([os.path.join(BUILD, "bin", "acg-gen"), "--model",
                    os.path.join(model_path(svc), "service-2.json.gz"), "--out", out, "--prefix", "svc"],
                   check=True, capture_output=True)
    with open(os.path.join(out, "driver.c"), "w") as f:
        f.write(DRIVER.replace("SVC", "svc"))
    exe = os.path.join(out, "driver")
    libs = subprocess.run(["pkg-config", "--libs", "libpcre2-8"], capture_output=True, text=True).stdout.split()
    subprocess.run(["cc", "-std=c11", "-O1", "-Iruntime/include", "-I" + out, os.path.join(out, "driver.c"),
                    os.path.join(out, "svc_endpoints.c"), os.path.join(BUILD, "libacg.a"), *libs,
                    "-lpthread", "-lm", "-o", exe], check=True)
    return exe


def cases(ruleset):
    params = ruleset["parameters"]
    extra = [n for n, p in params.items() if "builtIn" not in p]
    for region, fips, dual, endpoint in itertools.product(
            REGIONS, (False, True), (False, True), (None, "https://example.com:8443/base")):
        ctx = {}
        if "AccountId" in params and region == "us-east-1":
            ctx["AccountId"] = "123456789012"
        for name in extra:
            if params[name]["type"].lower() == "string" and name.lower().endswith("arn"):
                ctx[name] = "arn:aws:kinesis:us-east-1:123456789012:stream/s1"
            elif name == "OperationType":
                ctx[name] = "control"
        yield region, fips, dual, endpoint, ctx


def expected(provider, ruleset, region, fips, dual, endpoint, ctx):
    kwargs = dict(ctx)
    names = ruleset["parameters"]
    for name, p in names.items():
        b = p.get("builtIn")
        if b == "AWS::Region" and region:
            kwargs[name] = region
        elif b == "AWS::UseFIPS":
            kwargs[name] = fips
        elif b == "AWS::UseDualStack":
            kwargs[name] = dual
        elif b == "SDK::Endpoint" and endpoint:
            kwargs[name] = endpoint
    try:
        ep = provider.resolve_endpoint(**kwargs)
    except EndpointResolutionError as e:
        return "error " + str(e.kwargs.get("msg", e))
    return "url " + ep.url


state = {"compared": 0}


def compare(svc):
    rules_path = os.path.join(model_path(svc), "endpoint-rule-set-1.json.gz")
    with gzip.open(rules_path, "rt") as f:
        ruleset = json.load(f)
    with open(os.path.join(DATA, "partitions.json")) as f:
        partitions = json.load(f)
    provider = EndpointProvider(ruleset, partitions)
    exe = build(svc)
    rows = list(cases(ruleset))
    stdin = "".join(f"{r or '-'}|{int(fi)}|{int(d)}|{e or '-'}|{','.join(f'{k}={v}' for k, v in c.items())}\n"
                    for r, fi, d, e, c in rows)
    got = subprocess.run([exe], input=stdin, capture_output=True, text=True, check=True).stdout.splitlines()
    assert len(got) == len(rows)
    for row, line in zip(rows, got):
        want = expected(provider, ruleset, *row)
        mine = line if line.startswith("error ") else " ".join(line.split()[:2])
        assert mine == want, (svc, row, mine, want)
        state["compared"] += 1


for svc in SERVICES:
    case(f"{svc}: generated resolver agrees with botocore on {len(REGIONS) * 8} parameter sets")(
        lambda svc=svc: compare(svc))


@case("personalize: the URLs and errors AWS's endpoint tests name")
def _():
    exe = os.path.join(WORK, "personalize", "driver")
    lines = ["us-gov-east-1|1|0|-|", "cn-north-1|0|1|-|", "us-east-1|1|0|https://example.com|",
             "us-east-1|0|1|https://example.com|", "-|0|0|-|", "us-east-1|1|1|-|"]
    got = subprocess.run([exe], input="\n".join(lines) + "\n", capture_output=True, text=True,
                         check=True).stdout.splitlines()
    assert got[0].startswith("url https://personalize-fips.us-gov-east-1.amazonaws.com "), got[0]
    assert got[1].startswith("url https://personalize.cn-north-1.api.amazonwebservices.com.cn "), got[1]
    assert got[2] == "error Invalid Configuration: FIPS and custom endpoint are not supported", got[2]
    assert got[3] == "error Invalid Configuration: Dualstack and custom endpoint are not supported", got[3]
    assert got[4] == "error Invalid Configuration: Missing Region", got[4]
    assert got[5].startswith("url https://personalize-fips.us-east-1.api.aws "), got[5]


if __name__ == "__main__":
    run("generator/endpoints")
