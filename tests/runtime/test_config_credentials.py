"""Config files, the settings chain and every credentials provider, through real files in
temporary folders and real loopback servers reached through the same environment overrides
AWS SDKs honour."""
import os
import stat
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.join(os.path.dirname(__file__), ".."))
sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "servers"))
from pyharness import case, run  # noqa: E402
import creds_server  # noqa: E402
import pybuild  # noqa: E402

BUILD = os.environ.get("BUILD", "build")
DRIVER = os.path.join(BUILD, "tests", "config_driver")
os.makedirs(os.path.dirname(DRIVER), exist_ok=True)
TMP = tempfile.mkdtemp(prefix="acg-config-")
CONFIG = os.path.join(TMP, "config")
CREDENTIALS = os.path.join(TMP, "credentials")


def build():
    subprocess.run(pybuild.cc("-Iruntime/include", "tests/runtime/config_driver.c",
                              os.path.join(BUILD, "libacg.a"), "-o", DRIVER), check=True)


def write(path, text):
    with open(path, "w") as f:
        f.write(text)


def resolve(profile="-", region="-", service="Personalize", gets=1, step=0, **env):
    base = {"HOME": TMP, "PATH": os.environ["PATH"], "AWS_CONFIG_FILE": CONFIG,
            "AWS_SHARED_CREDENTIALS_FILE": CREDENTIALS, "AWS_EC2_METADATA_DISABLED": "true"}
    base.update({k: v for k, v in env.items() if v is not None})
    for k, v in env.items():
        if v is None:
            base.pop(k, None)
    out = subprocess.run([DRIVER, profile, region, service, str(gets), str(step)], env=base,
                         capture_output=True, text=True, timeout=30)
    lines = [l.split("=", 1) for l in out.stdout.splitlines() if "=" in l]
    result = {}
    for k, v in lines:
        result.setdefault(k, [])
        result[k].append(v)
    return {k: v[0] if len(v) == 1 else v for k, v in result.items()}


def reset():
    write(CONFIG, "")
    write(CREDENTIALS, "")


@case("env credentials win over files; the session token comes along")
def _():
    reset()
    write(CREDENTIALS, "[default]\naws_access_key_id = AKIDFILE\naws_secret_access_key = file-secret\n")
    r = resolve(AWS_ACCESS_KEY_ID="AKIDENV", AWS_SECRET_ACCESS_KEY="env-secret", AWS_SESSION_TOKEN="tok",
                EXPECT_SECRET="env-secret")
    assert (r["source"], r["access_key"], r["secret_ok"], r["token_len"]) == ("env", "AKIDENV", "1", "3"), r


@case("explicit keys win over the environment")
def _():
    reset()
    r = resolve(AWS_ACCESS_KEY_ID="AKIDENV", AWS_SECRET_ACCESS_KEY="env-secret", EXPLICIT_KEY="AKIDX",
                EXPLICIT_SECRET="x-secret", EXPECT_SECRET="x-secret")
    assert (r["source"], r["access_key"], r["secret_ok"]) == ("explicit", "AKIDX", "1"), r


@case("credentials file [name] and config file [profile name]; AWS_PROFILE picks")
def _():
    reset()
    write(CREDENTIALS, "[dev]\naws_access_key_id = AKIDDEV\naws_secret_access_key = dev-secret\n")
    write(CONFIG, "[profile dev]\nregion = eu-west-1\n[profile ops]\nregion = ap-south-1\n"
                  "aws_access_key_id = AKIDOPS\naws_secret_access_key = ops-secret\n")
    r = resolve(AWS_PROFILE="dev", EXPECT_SECRET="dev-secret")
    assert (r["profile"], r["region"], r["access_key"], r["secret_ok"]) == ("dev", "eu-west-1", "AKIDDEV", "1"), r
    r = resolve(profile="ops", AWS_PROFILE="dev", EXPECT_SECRET="ops-secret")
    assert (r["region"], r["access_key"], r["source"]) == ("ap-south-1", "AKIDOPS", "config-file"), r
    r = resolve(profile="dev", EXPECT_SECRET="dev-secret")
    assert r["source"] == "shared-credentials-file", r


@case("a named profile found nowhere is an error; the implicit default is not")
def _():
    reset()
    r = resolve(profile="nope")
    assert r["error"] == "The config profile (nope) could not be found", r
    r = resolve()
    assert r["profile"] == "default" and "error" not in r, r


@case("region chain: explicit > AWS_REGION > AWS_DEFAULT_REGION > profile")
def _():
    reset()
    write(CONFIG, "[default]\nregion = us-west-1\n")
    assert resolve()["region"] == "us-west-1"
    assert resolve(AWS_DEFAULT_REGION="us-east-2")["region"] == "us-east-2"
    assert resolve(AWS_DEFAULT_REGION="us-east-2", AWS_REGION="eu-north-1")["region"] == "eu-north-1"
    assert resolve(region="ca-central-1", AWS_REGION="eu-north-1")["region"] == "ca-central-1"


@case("max_attempts, retry_mode: environment over profile; bad values are named")
def _():
    reset()
    write(CONFIG, "[default]\nmax_attempts = 7\nretry_mode = legacy\n")
    r = resolve()
    assert (r["max_attempts"], r["retry_mode"]) == ("7", "legacy"), r
    r = resolve(AWS_MAX_ATTEMPTS="2", AWS_RETRY_MODE="standard")
    assert (r["max_attempts"], r["retry_mode"]) == ("2", "standard"), r
    assert "max_attempts" in resolve(AWS_MAX_ATTEMPTS="lots")["error"]
    assert "retry_mode" in resolve(AWS_RETRY_MODE="eager")["error"]


@case("endpoint_url order: service env, services section, global env, profile; ignore switch")
def _():
    reset()
    write(CONFIG, "[default]\nendpoint_url = http://profile\nservices = local\n"
                  "[services local]\npersonalize =\n  endpoint_url = http://services-section\n")
    assert resolve()["endpoint_url"] == "http://services-section"
    assert resolve(AWS_ENDPOINT_URL_PERSONALIZE="http://service-env")["endpoint_url"] == "http://service-env"
    assert resolve(AWS_ENDPOINT_URL="http://global-env")["endpoint_url"] == "http://services-section"
    assert resolve(service="Other", AWS_ENDPOINT_URL="http://global-env")["endpoint_url"] == "http://global-env"
    assert resolve(service="Other")["endpoint_url"] == "http://profile"
    assert resolve(AWS_IGNORE_CONFIGURED_ENDPOINT_URLS="true")["endpoint_url"] == ""
    assert resolve(service="Cost Explorer", AWS_ENDPOINT_URL_COST_EXPLORER="http://ce")["endpoint_url"] == "http://ce"


@case("indented sub-sections, FIPS and dual-stack switches, compression size")
def _():
    reset()
    write(CONFIG, "[default]\ns3 =\n    max_concurrent_requests = 10\nuse_fips_endpoint = true\n"
                  "request_min_compression_size_bytes = 100\n")
    r = resolve(AWS_USE_DUALSTACK_ENDPOINT="true")
    assert r["s3.max_concurrent_requests"] == "10", r
    assert (r["use_fips"], r["use_dual_stack"], r["min_compression"]) == ("1", "1", "100"), r


@case("credential_process: read, cached, refreshed before expiry; failures name no secret")
def _():
    reset()
    counter = os.path.join(TMP, "count")
    script = os.path.join(TMP, "proc.sh")
    write(script, "#!/bin/sh\necho x >> %s\n"
                  "echo '{\"Version\": 1, \"AccessKeyId\": \"AKIDPROC\", \"SecretAccessKey\": \"proc-secret\", "
                  "\"SessionToken\": \"t\", \"Expiration\": \"2023-11-14T22:23:20Z\"}'\n" % counter)
    os.chmod(script, stat.S_IRWXU)
    write(CONFIG, f"[default]\ncredential_process = {script}\n")
    # 1700000000 s is 22:13:20; expiry at 22:23:20 is 10 minutes later. Three gets 4 minutes
    # apart: the first fetches, the second is cached, the third is inside the 5-minute margin.
    r = resolve(gets=3, step=240000, EXPECT_SECRET="proc-secret")
    assert r["source"] == ["process"] * 3 and r["secret_ok"] == ["1"] * 3, r
    assert open(counter).read().count("x") == 2, open(counter).read()
    # A failing helper's first stderr line comes back; a key-like run in it does not.
    secret = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"
    write(script, "#!/bin/sh\necho 'sso session expired for %s; run aws sso login' >&2\n"
                  "echo 'second line' >&2\nexit 3\n" % secret)
    r = resolve()
    assert r["creds_error"] == ("credential_process exited with status 3: sso session expired for "
                                "[redacted]; run aws sso login"), r
    assert secret not in str(r)


@case("container credentials: full URI on loopback with a token and a token file")
def _():
    reset()
    server = creds_server.start(auth="container-auth-token")
    try:
        url = f"http://127.0.0.1:{server.server_port}/creds"
        r = resolve(AWS_CONTAINER_CREDENTIALS_FULL_URI=url, AWS_CONTAINER_AUTHORIZATION_TOKEN="container-auth-token",
                    EXPECT_SECRET="container-secret")
        assert (r["source"], r["access_key"], r["secret_ok"]) == ("container", "ASIACONTAINER", "1"), r
        token_file = os.path.join(TMP, "token")
        write(token_file, "container-auth-token\n")
        r = resolve(AWS_CONTAINER_CREDENTIALS_FULL_URI=url, AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE=token_file)
        assert r["access_key"] == "ASIACONTAINER", r
        r = resolve(AWS_CONTAINER_CREDENTIALS_FULL_URI=url, AWS_CONTAINER_AUTHORIZATION_TOKEN="wrong")
        assert "403" in r["creds_error"], r
        r = resolve(AWS_CONTAINER_CREDENTIALS_FULL_URI="http://example.com/creds")
        assert "loopback" in r["creds_error"], r
    finally:
        server.shutdown()


@case("IMDSv2: token first, then role and credentials with the token; disabled means not asked")
def _():
    reset()
    server = creds_server.start()
    try:
        base = f"http://127.0.0.1:{server.server_port}"
        r = resolve(AWS_EC2_METADATA_DISABLED=None, AWS_EC2_METADATA_SERVICE_ENDPOINT=base,
                    EXPECT_SECRET="container-secret")
        assert (r["source"], r["access_key"], r["secret_ok"]) == ("imds", "ASIAIMDS", "1"), r
        assert server.hits[0] == ("PUT", "/latest/api/token"), server.hits
        assert len(server.hits) == 3, server.hits
        server.hits.clear()
        r = resolve(AWS_EC2_METADATA_DISABLED="true", AWS_EC2_METADATA_SERVICE_ENDPOINT=base)
        assert r["creds_error"].startswith("Unable to locate credentials"), r
        assert server.hits == [], server.hits
    finally:
        server.shutdown()


@case("no credentials anywhere: AWS's message")
def _():
    reset()
    r = resolve()
    assert r["creds_error"] == ('Unable to locate credentials. You can configure credentials by running '
                                '"aws configure".'), r


if __name__ == "__main__":
    try:
        build()
    except subprocess.CalledProcessError as e:
        print(f"build failed: {e}", file=sys.stderr)
        print("runtime/config-credentials: 0 passed, 1 failed")
        sys.exit(1)
    run("runtime/config-credentials")
