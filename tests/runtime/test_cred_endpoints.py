"""Where the credential providers send STS, SSO and SSO OIDC calls, against botocore: the
same region and settings give the URL and signing region botocore's client would use (its
endpoint rule sets, sts_regional_endpoints, FIPS, dual-stack, configured endpoint URLs), or
the same error text."""
import os
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.join(os.path.dirname(__file__), ".."))
from pyharness import case, run  # noqa: E402
import pybuild  # noqa: E402

BUILD = os.environ.get("BUILD", "build")
DRIVER = os.path.join(BUILD, "tests", f"cred_endpoint_driver.{os.getpid()}")
os.makedirs(os.path.dirname(DRIVER), exist_ok=True)
TMP = tempfile.mkdtemp(prefix="acg-cred-endpoints-")
CONFIG = os.path.join(TMP, "config")

ORACLE = r"""
import json, sys
import botocore.session
from botocore import UNSIGNED
from botocore.config import Config

class Stop(Exception):
    pass

service, region = sys.argv[1], (None if sys.argv[2] == "-" else sys.argv[2])
name = {"STS": "sts", "SSO": "sso", "SSO OIDC": "sso-oidc"}[service]
session = botocore.session.Session()
out = {}
def capture(request, **kwargs):
    out["url"] = request.url
    auth = request.headers.get("Authorization")
    if auth:
        out["signing_region"] = auth.decode().split("Credential=")[1].split("/")[2]
    raise Stop()
try:
    if name == "sts":
        client = session.create_client("sts", region_name=region, aws_access_key_id="AKID",
                                       aws_secret_access_key="secret")
        call = lambda: client.assume_role(RoleArn="arn:aws:iam::123456789012:role/R", RoleSessionName="session")
    elif name == "sso":
        client = session.create_client("sso", config=Config(signature_version=UNSIGNED, region_name=region))
        call = lambda: client.get_role_credentials(roleName="r", accountId="123456789012", accessToken="t")
    else:
        client = session.create_client("sso-oidc", config=Config(signature_version=UNSIGNED, region_name=region))
        call = lambda: client.create_token(grantType="refresh_token", clientId="c", clientSecret="s",
                                           refreshToken="r")
    client.meta.events.register("before-send", capture)
    call()
except Stop:
    pass
except Exception as e:
    out = {"error": str(e)}
print(json.dumps(out))
"""


def build():
    subprocess.run(pybuild.cc("-Iruntime/include", "-Iruntime/internal", "tests/runtime/cred_endpoint_driver.c",
                              os.path.join(BUILD, "libacg.a"), "-o", DRIVER), check=True)


def env(**extra):
    e = {"PATH": os.environ["PATH"], "HOME": TMP, "AWS_CONFIG_FILE": CONFIG,
         "AWS_SHARED_CREDENTIALS_FILE": os.devnull}
    e.update(extra)
    return e


def ours(service, region, **extra):
    wrapper = os.environ.get("VALGRIND", "").split()
    out = subprocess.run(wrapper + [DRIVER, service, region], env=env(**extra), capture_output=True, text=True,
                         timeout=120)
    assert out.returncode == 0, out.stderr
    got = dict(line.split("=", 1) for line in out.stdout.splitlines())
    got.pop("max_attempts", None)
    if "url" in got:
        got["url"] = got["url"].rstrip("/") + "/"
    return got


def botocore(service, region, **extra):
    import json
    out = subprocess.run([sys.executable, "-c", ORACLE, service, region], env=env(**extra), capture_output=True,
                         text=True, timeout=60)
    assert out.returncode == 0, out.stderr
    got = json.loads(out.stdout)
    if "url" in got:
        got["url"] = got["url"].split("?")[0]
        for suffix in ("/federation/credentials", "/token"):
            if got["url"].endswith(suffix):
                got["url"] = got["url"][: -len(suffix)]
        got["url"] = got["url"].rstrip("/") + "/"
    return got


def same(service, region, **extra):
    mine, theirs = ours(service, region, **extra), botocore(service, region, **extra)
    if "signing_region" not in theirs:
        mine.pop("signing_region", None)   # unsigned: no scope to compare
    elif mine.get("signing_region") == "":
        mine["signing_region"] = region     # the rule set named none: the client's region
    assert mine == theirs, (service, region, extra, mine, theirs)


def write_config(text):
    with open(CONFIG, "w") as f:
        f.write(text)


STS_REGIONS = ["us-west-2", "us-east-1", "eu-west-1", "ap-southeast-2", "aws-global", "cn-north-1",
               "us-gov-west-1", "us-iso-east-1", "eu-central-2"]


@case("STS: regional endpoints (the default) for every partition")
def _():
    write_config("")
    for region in STS_REGIONS:
        same("STS", region)


@case("STS: sts_regional_endpoints = legacy, from the environment and from the profile")
def _():
    write_config("")
    for region in STS_REGIONS:
        same("STS", region, AWS_STS_REGIONAL_ENDPOINTS="legacy")
    write_config("[default]\nsts_regional_endpoints = legacy\n")
    for region in ("us-east-1", "eu-west-1", "ap-east-1"):
        same("STS", region)
    write_config("")


@case("STS: FIPS and dual-stack endpoints, and their errors")
def _():
    write_config("")
    for region in ("us-east-1", "us-west-2", "us-gov-west-1", "cn-north-1", "eu-west-1"):
        same("STS", region, AWS_USE_FIPS_ENDPOINT="true")
        same("STS", region, AWS_USE_DUALSTACK_ENDPOINT="true")
        same("STS", region, AWS_USE_FIPS_ENDPOINT="true", AWS_USE_DUALSTACK_ENDPOINT="true")


@case("STS: a configured endpoint URL (AWS_ENDPOINT_URL_STS, AWS_ENDPOINT_URL, services section)")
def _():
    write_config("")
    same("STS", "eu-west-1", AWS_ENDPOINT_URL_STS="http://127.0.0.1:9999")
    same("STS", "eu-west-1", AWS_ENDPOINT_URL="https://proxy.example")
    write_config("[default]\nservices = local\n[services local]\nsts =\n  endpoint_url = http://localhost:4566\n")
    same("STS", "us-west-2")
    write_config("")


@case("STS: an invalid sts_regional_endpoints is refused with botocore's message")
def _():
    write_config("")
    mine = ours("STS", "us-west-2", AWS_STS_REGIONAL_ENDPOINTS="sometimes")
    theirs = botocore("STS", "us-west-2", AWS_STS_REGIONAL_ENDPOINTS="sometimes")
    assert mine == theirs, (mine, theirs)


@case("SSO and SSO OIDC: the portal's and OIDC's endpoints for each region, FIPS and dual-stack")
def _():
    write_config("")
    for service in ("SSO", "SSO OIDC"):
        for region in ("us-east-1", "eu-west-1", "ap-southeast-2", "cn-north-1", "us-gov-west-1"):
            same(service, region)
            same(service, region, AWS_USE_FIPS_ENDPOINT="true")
            same(service, region, AWS_USE_DUALSTACK_ENDPOINT="true")
        same(service, "us-east-1", AWS_ENDPOINT_URL_SSO="http://127.0.0.1:1",
             AWS_ENDPOINT_URL_SSO_OIDC="http://127.0.0.1:2")


@case("max_attempts for the credentials clients: the client's rule")
def _():
    write_config("")
    wrapper = os.environ.get("VALGRIND", "").split()
    def attempts(**extra):
        out = subprocess.run(wrapper + [DRIVER, "STS", "us-east-1"], env=env(**extra), capture_output=True,
                             text=True, timeout=120).stdout
        return dict(line.split("=", 1) for line in out.splitlines())["max_attempts"]
    assert attempts() == "3"
    assert attempts(AWS_RETRY_MODE="legacy") == "5"
    assert attempts(AWS_RETRY_MODE="legacy", AWS_MAX_ATTEMPTS="2") == "2"
    assert attempts(AWS_MAX_ATTEMPTS="7") == "7"


build()
try:
    run("runtime/cred-endpoints")
finally:
    os.unlink(DRIVER)
