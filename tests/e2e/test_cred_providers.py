"""The credential providers that call a service (issue 14): assume-role (source_profile chains,
credential_source), web identity and SSO, through build/bin/personalize against the
Personalize stand-in (which verifies every SigV4 signature) and a loopback STS/SSO stand-in
(tests/servers/sts_sso_server.py, which checks what STS and the SSO portal check).

botocore is the oracle: the same configuration is loaded by botocore's credential chain (with
the AWS CLI's JSONFileCache on ~/.aws/cli/cache, as awscli injects it) in a child process
against the same servers; cache file names and contents, and error messages, must be equal.
"""
import datetime
import hashlib
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.request

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from e2elib import REGION, ROOT, StandIn, program, run  # noqa: E402
from pyharness import case, run as run_cases  # noqa: E402

sys.path.insert(0, os.path.join(ROOT, "tests", "servers"))
import creds_server  # noqa: E402
from sts_sso_server import issued_for  # noqa: E402

SERVER = os.path.join(ROOT, "tests", "servers", "sts_sso_server.py")
ACCOUNT = "123456789012"
FINAL = f"arn:aws:iam::{ACCOUNT}:role/Final"
MIDDLE = f"arn:aws:iam::{ACCOUNT}:role/Middle"
BASE_KEY, BASE_SECRET = "AKIDBASEUSER", "base-user-secret"
ENV_KEY, ENV_SECRET = "AKIDENVUSER", "env-user-secret"
WEB_TOKEN = "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJzeXN0ZW06c2EifQ.c2lnbmF0dXJl"
SSO_TOKEN = "aoaAAAAAGZfake-sso-access-token"
SSO_ROLE, SSO_START = "ReadOnly", "https://d-123.awsapps.com/start"
_direct = urllib.request.build_opener(urllib.request.ProxyHandler({}))


class StsServer:
    def __init__(self):
        self.proc = subprocess.Popen([sys.executable, SERVER, "--port", "0"], stdout=subprocess.PIPE,
                                     stdin=subprocess.DEVNULL)
        line = self.proc.stdout.readline().decode()
        assert line.startswith("listening on "), line
        self.endpoint = f"http://127.0.0.1:{int(line.split()[-1])}"

    def call(self, path, body=None):
        req = urllib.request.Request(self.endpoint + path, method="POST" if body is not None else "GET",
                                     data=None if body is None else json.dumps(body).encode())
        with _direct.open(req, timeout=10) as r:
            return json.loads(r.read())

    def reset(self, **control):
        self.call("/__reset", {})
        control.setdefault("base", {BASE_KEY: BASE_SECRET, ENV_KEY: ENV_SECRET,
                                    "ASIACONTAINER": ["container-secret", "container-session-token"],
                                    "ASIAIMDS": ["container-secret", "container-session-token"]})
        control.setdefault("web_token", WEB_TOKEN)
        control.setdefault("sso_token", SSO_TOKEN)
        self.call("/__control", control)

    def requests(self):
        return self.call("/__requests")["requests"]

    def stop(self):
        self.proc.terminate()
        self.proc.wait(timeout=5)
        self.proc.stdout.close()


STS = StsServer()
FINAL_CREDS = issued_for(FINAL)
SSO_CREDS = issued_for(f"sso:{ACCOUNT}:{SSO_ROLE}")
PERSONALIZE = StandIn("--access-key", FINAL_CREDS["AccessKeyId"], "--secret-key", FINAL_CREDS["SecretAccessKey"],
                      "--session-token", FINAL_CREDS["SessionToken"]).start()
PERSONALIZE_SSO = StandIn("--access-key", SSO_CREDS["AccessKeyId"], "--secret-key", SSO_CREDS["SecretAccessKey"],
                          "--session-token", SSO_CREDS["SessionToken"]).start()
TMP = tempfile.mkdtemp(prefix="acg-providers-")


class Home:
    """A fresh HOME with ~/.aws/config (text) and an empty credential cache."""
    def __init__(self, config, credentials=""):
        self.path = tempfile.mkdtemp(dir=TMP)
        os.makedirs(os.path.join(self.path, ".aws"))
        self.config = os.path.join(self.path, ".aws", "config")
        with open(self.config, "w") as f:
            f.write(config)
        self.credentials = os.path.join(self.path, ".aws", "credentials")
        with open(self.credentials, "w") as f:
            f.write(credentials)
        self.cache = os.path.join(self.path, ".aws", "cli", "cache")

    def env(self, **extra):
        env = {"PATH": os.environ["PATH"], "HOME": self.path, "AWS_CONFIG_FILE": self.config,
               "AWS_SHARED_CREDENTIALS_FILE": self.credentials, "AWS_EC2_METADATA_DISABLED": "true",
               "AWS_ENDPOINT_URL_STS": STS.endpoint, "AWS_ENDPOINT_URL_SSO": STS.endpoint,
               "AWS_ENDPOINT_URL_SSO_OIDC": STS.endpoint,
               "AWS_DEFAULT_REGION": REGION, "NO_PROXY": "127.0.0.1,localhost", "no_proxy": "127.0.0.1,localhost"}
        if "PYTHONPATH" in os.environ:
            env["PYTHONPATH"] = os.environ["PYTHONPATH"]
        env.update({k: v for k, v in extra.items() if v is not None})
        return env

    def cache_files(self):
        if not os.path.isdir(self.cache):
            return {}
        out = {}
        for name in sorted(os.listdir(self.cache)):
            with open(os.path.join(self.cache, name)) as f:
                out[name] = f.read()
        return out

    def clone(self):
        """Another HOME with the same files and an empty cache (for botocore's run)."""
        other = Home("")
        shutil.copy(self.config, other.config)
        shutil.copy(self.credentials, other.credentials)
        return other


def personalize(home, *args, standin=None, **env):
    standin = standin or PERSONALIZE
    return run([program(), "list-batch-inference-jobs", "--endpoint-url", standin.endpoint, *args],
               env=home.env(**env))


BOTOCORE = r"""
import json, os, sys
import botocore.session
from botocore.utils import JSONFileCache
session = botocore.session.Session(profile=None if sys.argv[1] == "-" else sys.argv[1])
cache = JSONFileCache(os.path.expanduser(os.path.join("~", ".aws", "cli", "cache")))
try:
    chain = session.get_component("credential_provider")
    for name in ("assume-role", "assume-role-with-web-identity", "sso"):
        chain.get_provider(name).cache = cache
    if len(sys.argv) > 2:   # the MFA code typed at getpass's prompt
        chain.get_provider("assume-role")._prompter = lambda prompt: sys.argv[2]
    creds = session.get_credentials()
    frozen = creds.get_frozen_credentials() if creds is not None else None
    print(json.dumps({"method": creds.method if creds else None,
                      "access_key": frozen.access_key if frozen else None}))
except Exception as e:
    print(json.dumps({"error": str(e), "type": type(e).__name__}))
"""


def botocore_chain(home, profile="-", mfa_code=None, **env):
    """botocore's (and the AWS CLI's) answer for the same HOME and environment."""
    argv = [sys.executable, "-c", BOTOCORE, profile] + ([mfa_code] if mfa_code else [])
    out = subprocess.run(argv, env=home.env(**env), capture_output=True, text=True, timeout=60)
    assert out.returncode == 0, out.stderr
    return json.loads(out.stdout)


def ok(result):
    assert result.returncode == 0, (result.returncode, result.stdout, result.stderr)
    assert json.loads(result.stdout) == {"batchInferenceJobs": []}, result.stdout


def signed_by(standin=None):
    """The access key that signed the stand-in's last request (its signature verified)."""
    last = (standin or PERSONALIZE).requests()[-1]
    assert last["verdict"] == "ok", last
    return last["auth"]["access_key"]


def error_text(result, status):
    assert result.returncode == status, (result.returncode, result.stdout, result.stderr)
    assert result.stdout == ""
    return result.stderr.strip()


def config_error(result):
    """A configuration botocore refuses before any call: exit 253."""
    return error_text(result, 253)


def fetch_error(result):
    """Credentials that could not be fetched (ACG_ERR_CREDENTIALS): exit 255, as the AWS CLI."""
    return error_text(result, 255)


def in_two_hours():
    when = datetime.datetime.now(datetime.timezone.utc) + datetime.timedelta(hours=2)
    return when.strftime("%Y-%m-%dT%H:%M:%SZ")


BASE_PROFILE = f"""[profile base]
aws_access_key_id = {BASE_KEY}
aws_secret_access_key = {BASE_SECRET}
"""


# ---- assume-role ----

@case("assume-role: source_profile keys sign AssumeRole; the assumed credentials sign the call")
def _():
    STS.reset()
    home = Home(BASE_PROFILE + f"[profile dev]\nrole_arn = {FINAL}\nsource_profile = base\n")
    ok(personalize(home, "--profile", "dev"))
    [req] = STS.requests()
    assert req["verdict"] == "ok" and req["operation"] == "AssumeRole", req
    assert req["signed_by"] == BASE_KEY and req["signing_region"] == REGION, req
    assert req["params"]["Action"] == "AssumeRole" and req["params"]["Version"] == "2011-06-15", req
    assert req["params"]["RoleArn"] == FINAL, req
    assert req["params"]["RoleSessionName"].startswith("botocore-session-"), req
    assert req["body_order"] == ["Action", "Version", "RoleArn", "RoleSessionName"], req
    assert signed_by() == FINAL_CREDS["AccessKeyId"]
    # the cache file's name is the one botocore derives from the same arguments
    expected = botocore_chain(home.clone(), "dev")
    assert expected["access_key"] == FINAL_CREDS["AccessKeyId"], expected
    assert list(home.cache_files()) == ["%s.json" % hashlib.sha1(
        json.dumps({"RoleArn": FINAL}, sort_keys=True).encode()).hexdigest()], home.cache_files()


@case("assume-role: the cache file's name and bytes are botocore's (AWS CLI JSONFileCache)")
def _():
    STS.reset(fixed=True, expiration=in_two_hours())
    config = (BASE_PROFILE + f"[profile dev]\nrole_arn = {FINAL}\nsource_profile = base\n"
              "role_session_name = acg-test\nexternal_id = ext-42\nduration_seconds = 1800\n")
    STS.call("/__control", {"external_ids": {FINAL: "ext-42"}})
    home = Home(config)
    ok(personalize(home, "--profile", "dev"))
    req = STS.requests()[-1]
    assert req["params"]["ExternalId"] == "ext-42" and req["params"]["DurationSeconds"] == "1800", req
    assert req["params"]["RoleSessionName"] == "acg-test", req
    other = home.clone()
    assert botocore_chain(other, "dev")["access_key"] == FINAL_CREDS["AccessKeyId"]
    mine, theirs = home.cache_files(), other.cache_files()
    assert len(mine) == 1 and mine == theirs, (mine, theirs)
    assert json.loads(list(mine.values())[0])["Credentials"]["AccountId"] == ACCOUNT


@case("assume-role: a throttled AssumeRole is retried; RetryAttempts in the cache as botocore counts it")
def _():
    config = (BASE_PROFILE + f"[profile dev]\nrole_arn = {FINAL}\nsource_profile = base\n"
              "role_session_name = acg-test\n")
    homes, expiration = [], in_two_hours()
    for who in ("acg", "botocore"):
        STS.reset(fixed=True, expiration=expiration, throttle=1)
        home = Home(config)
        if who == "acg":
            ok(personalize(home, "--profile", "dev"))
        else:
            assert botocore_chain(home, "dev")["access_key"] == FINAL_CREDS["AccessKeyId"]
        assert [r["verdict"] for r in STS.requests()] == ["Throttling", "ok"], STS.requests()
        homes.append(home.cache_files())
    assert homes[0] == homes[1], homes
    assert json.loads(list(homes[0].values())[0])["ResponseMetadata"]["RetryAttempts"] == 1
    # throttled past the attempts: botocore's line with the retries
    STS.reset(throttle=10)
    home = Home(config)
    message = fetch_error(personalize(home, "--profile", "dev", AWS_MAX_ATTEMPTS="2"))
    assert message == botocore_chain(home, "dev", AWS_MAX_ATTEMPTS="2")["error"], message
    assert "(reached max retries: 1)" in message, message


@case("assume-role: a second run reuses the cache; so does a run after botocore wrote it")
def _():
    STS.reset()
    home = Home(BASE_PROFILE + f"[profile dev]\nrole_arn = {FINAL}\nsource_profile = base\n")
    ok(personalize(home, "--profile", "dev"))
    ok(personalize(home, "--profile", "dev"))
    assert len(STS.requests()) == 1, STS.requests()
    STS.reset()
    other = home.clone()
    botocore_chain(other, "dev")
    assert len(STS.requests()) == 1
    ok(personalize(other, "--profile", "dev"))
    assert len(STS.requests()) == 1, "the program called STS although botocore's cache entry was fresh"
    assert signed_by() == FINAL_CREDS["AccessKeyId"]


@case("assume-role: a cache entry with under 15 minutes left is fetched anew and rewritten")
def _():
    STS.reset()
    home = Home(BASE_PROFILE + f"[profile dev]\nrole_arn = {FINAL}\nsource_profile = base\n")
    soon = (datetime.datetime.now(datetime.timezone.utc) + datetime.timedelta(minutes=10)).strftime(
        "%Y-%m-%dT%H:%M:%SZ")
    STS.call("/__control", {"expiration": soon})
    ok(personalize(home, "--profile", "dev"))
    STS.call("/__control", {"expiration": None})
    ok(personalize(home, "--profile", "dev"))
    assert len(STS.requests()) == 2, STS.requests()
    [text] = home.cache_files().values()
    left = datetime.datetime.strptime(json.loads(text)["Credentials"]["Expiration"], "%Y-%m-%dT%H:%M:%SUTC")
    assert left > datetime.datetime.utcnow() + datetime.timedelta(minutes=50), text


@case("assume-role: chained roles: each hop signed with the previous role's credentials")
def _():
    STS.reset()
    home = Home(BASE_PROFILE + f"[profile middle]\nrole_arn = {MIDDLE}\nsource_profile = base\n"
                f"[profile dev]\nrole_arn = {FINAL}\nsource_profile = middle\n")
    ok(personalize(home, "--profile", "dev"))
    first, second = STS.requests()
    assert first["params"]["RoleArn"] == MIDDLE and first["signed_by"] == BASE_KEY, first
    assert second["params"]["RoleArn"] == FINAL, second
    assert second["signed_by"] == issued_for(MIDDLE)["AccessKeyId"], second
    assert signed_by() == FINAL_CREDS["AccessKeyId"]
    assert len(home.cache_files()) == 2
    other = home.clone()
    assert botocore_chain(other, "dev")["access_key"] == FINAL_CREDS["AccessKeyId"]
    assert sorted(other.cache_files()) == sorted(home.cache_files())


@case("assume-role: a source_profile with credential_process, or with SSO, gives the source keys")
def _():
    STS.reset()
    home = Home("")
    helper = os.path.join(home.path, "helper.py")
    with open(helper, "w") as f:
        f.write("import json\nprint(json.dumps({'Version': 1, 'AccessKeyId': %r, 'SecretAccessKey': %r}))\n"
                % (BASE_KEY, BASE_SECRET))
    with open(home.config, "w") as f:
        f.write(f"[profile tool]\ncredential_process = {sys.executable} {helper}\n"
                f"[profile dev]\nrole_arn = {FINAL}\nsource_profile = tool\n")
    ok(personalize(home, "--profile", "dev"))
    assert STS.requests()[-1]["signed_by"] == BASE_KEY, STS.requests()
    # SSO as the source: GetRoleCredentials first, then AssumeRole signed with its keys
    STS.reset()
    home = Home(SSO_SESSION + f"[profile dev]\nrole_arn = {FINAL}\nsource_profile = sso\n")
    sso_token_file(home, "corp", in_two_hours())
    ok(personalize(home, "--profile", "dev"))
    get, assume = STS.requests()
    assert get["operation"] == "GetRoleCredentials" and assume["operation"] == "AssumeRole", STS.requests()
    assert assume["signed_by"] == SSO_CREDS["AccessKeyId"] and assume["verdict"] == "ok", assume
    assert signed_by() == FINAL_CREDS["AccessKeyId"]


@case("assume-role: a profile with role_arn and credential_process assumes the role, as botocore")
def _():
    STS.reset()
    home = Home(BASE_PROFILE)
    helper = os.path.join(home.path, "helper.py")
    with open(helper, "w") as f:
        f.write("import json\nprint(json.dumps({'Version': 1, 'AccessKeyId': 'AKIDPROCESS', "
                "'SecretAccessKey': 'process-secret'}))\n")
    with open(home.config, "a") as f:
        f.write(f"[profile dev]\nrole_arn = {FINAL}\nsource_profile = base\n"
                f"credential_process = {sys.executable} {helper}\n")
    ok(personalize(home, "--profile", "dev"))
    assert STS.requests()[-1]["signed_by"] == BASE_KEY, STS.requests()
    assert signed_by() == FINAL_CREDS["AccessKeyId"]
    assert botocore_chain(home.clone(), "dev")["access_key"] == FINAL_CREDS["AccessKeyId"]


@case("assume-role: STS is signed for the command's region (--region), as botocore's nested client")
def _():
    STS.reset()
    home = Home(BASE_PROFILE + f"[profile dev]\nrole_arn = {FINAL}\nsource_profile = base\nregion = us-west-2\n")
    ok(personalize(home, "--profile", "dev", "--region", "eu-central-1"))
    assert STS.requests()[-1]["signing_region"] == "eu-central-1", STS.requests()


@case("assume-role: a source_profile loop is refused with botocore's message, nothing sent")
def _():
    STS.reset()
    home = Home(f"[profile a]\nrole_arn = {FINAL}\nsource_profile = b\n"
                f"[profile b]\nrole_arn = {MIDDLE}\nsource_profile = c\n"
                f"[profile c]\nrole_arn = {MIDDLE}\nsource_profile = a\n")
    message = config_error(personalize(home, "--profile", "a"))
    expected = botocore_chain(home, "a")
    assert expected["type"] == "InfiniteLoopConfigError", expected
    assert message == expected["error"], (message, expected)
    assert "Visited profiles: ['a', 'b', 'c']" in message, message
    assert STS.requests() == []


@case("--no-sign-request loads no credentials, as botocore's UNSIGNED client: no loop error, no STS call")
def _():
    STS.reset()
    home = Home(f"[profile a]\nrole_arn = {FINAL}\nsource_profile = b\n"
                f"[profile b]\nrole_arn = {MIDDLE}\nsource_profile = a\n")
    result = personalize(home, "--profile", "a", "--no-sign-request")
    assert "Infinite loop" not in result.stderr, result.stderr
    assert result.returncode == 254 and "MissingAuthenticationToken" in result.stderr, result.stderr
    assert STS.requests() == []


@case("assume-role: a profile may source its own keys (botocore's self-reference rule)")
def _():
    STS.reset()
    home = Home(f"[profile dev]\nrole_arn = {FINAL}\nsource_profile = dev\n"
                f"aws_access_key_id = {BASE_KEY}\naws_secret_access_key = {BASE_SECRET}\n")
    ok(personalize(home, "--profile", "dev"))
    assert STS.requests()[0]["signed_by"] == BASE_KEY
    loop = Home(f"[profile dev]\nrole_arn = {FINAL}\nsource_profile = dev\n")
    assert config_error(personalize(loop, "--profile", "dev")) == botocore_chain(loop, "dev")["error"]


@case("assume-role: credential_source Environment, EcsContainer and Ec2InstanceMetadata")
def _():
    STS.reset()
    home = Home(f"[profile dev]\nrole_arn = {FINAL}\ncredential_source = Environment\n")
    ok(personalize(home, "--profile", "dev", AWS_ACCESS_KEY_ID=ENV_KEY, AWS_SECRET_ACCESS_KEY=ENV_SECRET))
    assert STS.requests()[-1]["signed_by"] == ENV_KEY
    none = Home(f"[profile dev]\nrole_arn = {FINAL}\ncredential_source = Environment\n")
    assert fetch_error(personalize(none, "--profile", "dev")) == botocore_chain(none, "dev")["error"]
    server = creds_server.start(auth=None)
    try:
        server.expiration = in_two_hours()
        port = server.server_address[1]
        STS.reset()
        home = Home(f"[profile dev]\nrole_arn = {FINAL}\ncredential_source = EcsContainer\n")
        ok(personalize(home, "--profile", "dev",
                       AWS_CONTAINER_CREDENTIALS_FULL_URI=f"http://127.0.0.1:{port}/creds"))
        assert STS.requests()[-1]["signed_by"] == "ASIACONTAINER", STS.requests()
        STS.reset()
        home = Home(f"[profile dev]\nrole_arn = {FINAL}\ncredential_source = Ec2InstanceMetadata\n")
        ok(personalize(home, "--profile", "dev", AWS_EC2_METADATA_DISABLED="false",
                       AWS_EC2_METADATA_SERVICE_ENDPOINT=f"http://127.0.0.1:{port}"))
        assert STS.requests()[-1]["signed_by"] == "ASIAIMDS", STS.requests()
    finally:
        server.shutdown()


@case("assume-role: configuration errors carry botocore's messages")
def _():
    STS.reset()
    configs = {
        "both": f"role_arn = {FINAL}\nsource_profile = base\ncredential_source = Environment\n",
        "neither": f"role_arn = {FINAL}\n",
        "bad-source": f"role_arn = {FINAL}\ncredential_source = Nowhere\n",
        "missing": f"role_arn = {FINAL}\nsource_profile = nobody\n",
        "empty-source": f"role_arn = {FINAL}\nsource_profile = empty\n",
    }
    text = BASE_PROFILE + "[profile empty]\nregion = us-west-2\n" + "".join(
        f"[profile {name}]\n{body}" for name, body in configs.items())
    home = Home(text)
    for name in configs:
        message = config_error(personalize(home, "--profile", name))
        expected = botocore_chain(home, name)
        assert "error" in expected and message == expected["error"], (name, message, expected)
    assert STS.requests() == []


@case("assume-role: STS's refusal is botocore's ClientError line; the environment's keys win without --profile")
def _():
    STS.reset()
    STS.call("/__control", {"external_ids": {FINAL: "right"}})
    home = Home(BASE_PROFILE + f"[profile dev]\nrole_arn = {FINAL}\nsource_profile = base\nexternal_id = wrong\n")
    message = fetch_error(personalize(home, "--profile", "dev"))
    expected = botocore_chain(home, "dev")
    assert message == expected["error"], (message, expected)
    assert message.startswith("An error occurred (AccessDenied) when calling the AssumeRole operation: "), message
    # AWS_PROFILE does not drop the environment provider, which comes before assume-role
    STS.reset()
    envd = Home(f"[profile dev]\nrole_arn = {FINAL}\nsource_profile = base\n" + BASE_PROFILE)
    result = personalize(envd, AWS_PROFILE="dev", AWS_ACCESS_KEY_ID=FINAL_CREDS["AccessKeyId"],
                         AWS_SECRET_ACCESS_KEY=FINAL_CREDS["SecretAccessKey"],
                         AWS_SESSION_TOKEN=FINAL_CREDS["SessionToken"])
    ok(result)
    assert STS.requests() == []


MFA = f"arn:aws:iam::{ACCOUNT}:mfa/alice"
MFA_HOME = BASE_PROFILE + f"[profile dev]\nrole_arn = {FINAL}\nsource_profile = base\nmfa_serial = {MFA}\n"


def on_terminal(home, typed, *args):
    """The program on a terminal of its own (a pseudo-terminal): what it wrote there up to
    the prompt, then the line typed; returns (exit status, everything the terminal showed)."""
    import pty
    pid, fd = pty.fork()
    if pid == 0:
        argv = [program(), "list-batch-inference-jobs", "--endpoint-url", PERSONALIZE.endpoint, *args]
        os.execve(argv[0], argv, home.env())
    import select
    seen, deadline = b"", time.monotonic() + 120

    def read_some():
        """What the terminal shows next; b"" once the child is gone or the time is up."""
        ready, _, _ = select.select([fd], [], [], max(0.0, deadline - time.monotonic()))
        try:
            return os.read(fd, 4096) if ready else b""
        except OSError:   # the child closed its side
            return b""

    while b"Enter MFA code for" not in seen:
        chunk = read_some()
        if not chunk:
            break
        seen += chunk
    os.write(fd, typed.encode() + b"\n")
    while True:
        chunk = read_some()
        if not chunk:
            break
        seen += chunk
    if time.monotonic() >= deadline:
        os.kill(pid, 9)
    _, status = os.waitpid(pid, 0)
    os.close(fd)
    return os.waitstatus_to_exitcode(status), seen.decode(errors="replace")


@case("assume-role: mfa_serial asks for the code on the terminal, without echo, as the AWS CLI does")
def _():
    STS.reset(mfa={MFA: "314159"})
    home = Home(MFA_HOME)
    status, shown = on_terminal(home, "314159", "--profile", "dev")
    assert status == 0, shown
    assert f"Enter MFA code for {MFA}: " in shown and "314159" not in shown, shown
    assert '"batchInferenceJobs": []' in shown, shown
    [req] = STS.requests()
    assert req["params"]["SerialNumber"] == MFA and req["params"]["TokenCode"] == "314159", req
    assert signed_by() == FINAL_CREDS["AccessKeyId"]
    # botocore with the same code typed: the same parameters in the same order, the same cache
    STS.reset(mfa={MFA: "314159"})
    other = home.clone()
    assert botocore_chain(other, "dev", mfa_code="314159")["access_key"] == FINAL_CREDS["AccessKeyId"]
    [theirs] = STS.requests()
    assert theirs["body_order"] == req["body_order"], (theirs["body_order"], req["body_order"])
    assert sorted(other.cache_files()) == sorted(home.cache_files())
    # a wrong code: STS's refusal, nothing cached
    STS.reset(mfa={MFA: "314159"})
    third = home.clone()
    status, shown = on_terminal(third, "271828", "--profile", "dev")
    assert status == 255 and "MultiFactorAuthentication failed" in shown, shown
    assert third.cache_files() == {}


@case("assume-role: mfa_serial without a terminal reads stdin as getpass does; nothing typed, nothing sent")
def _():
    STS.reset(mfa={MFA: "314159"})
    home = Home(MFA_HOME)
    argv = [program(), "list-batch-inference-jobs", "--endpoint-url", PERSONALIZE.endpoint, "--profile", "dev"]
    result = subprocess.run(argv, env=home.env(), stdin=subprocess.DEVNULL, capture_output=True, text=True,
                            timeout=60, start_new_session=True)
    message = fetch_error(result)
    assert message.startswith("Warning: Password input may be echoed.\nEnter MFA code for " + MFA), message
    assert message.endswith(f"No MFA code was entered for {MFA}."), message
    assert STS.requests() == []
    result = subprocess.run(argv, env=home.env(), input="314159\n", capture_output=True, text=True,
                            timeout=60, start_new_session=True)
    ok(result)
    assert STS.requests()[-1]["params"]["TokenCode"] == "314159"


@case("assume-role: mfa_serial uses the AWS CLI's cached role credentials without asking")
def _():
    STS.reset()
    mfa = MFA
    home = Home(MFA_HOME)
    # what the AWS CLI caches after the prompt: same key (SerialNumber in it), used as it is
    key = hashlib.sha1(json.dumps({"RoleArn": FINAL, "SerialNumber": mfa}, sort_keys=True).encode()).hexdigest()
    os.makedirs(home.cache)
    with open(os.path.join(home.cache, key + ".json"), "w") as f:
        json.dump({"Credentials": dict(FINAL_CREDS, Expiration=in_two_hours())}, f)
    result = subprocess.run([program(), "list-batch-inference-jobs", "--endpoint-url", PERSONALIZE.endpoint,
                             "--profile", "dev"], env=home.env(), stdin=subprocess.DEVNULL, capture_output=True,
                            text=True, timeout=60, start_new_session=True)
    ok(result)
    assert STS.requests() == [] and signed_by() == FINAL_CREDS["AccessKeyId"]


# ---- web identity ----

@case("web identity: AWS_WEB_IDENTITY_TOKEN_FILE + AWS_ROLE_ARN, unsigned, cached as botocore caches it")
def _():
    STS.reset(fixed=True, expiration=in_two_hours())
    home = Home("")
    token = os.path.join(home.path, "token")
    with open(token, "w") as f:
        f.write(WEB_TOKEN)
    env = dict(AWS_WEB_IDENTITY_TOKEN_FILE=token, AWS_ROLE_ARN=FINAL, AWS_ROLE_SESSION_NAME="pod-1")
    ok(personalize(home, **env))
    [req] = STS.requests()
    assert req["verdict"] == "ok" and req["operation"] == "AssumeRoleWithWebIdentity", req
    assert "authorization" not in req["headers"], req
    assert req["params"]["RoleSessionName"] == "pod-1" and req["params"]["RoleArn"] == FINAL, req
    assert signed_by() == FINAL_CREDS["AccessKeyId"]
    other = home.clone()
    assert botocore_chain(other, **env)["method"] == "assume-role-with-web-identity"
    assert home.cache_files() == other.cache_files() and len(home.cache_files()) == 1, (
        home.cache_files(), other.cache_files())


@case("web identity: from the profile; a bad token and a missing role ARN as botocore reports them")
def _():
    STS.reset()
    home = Home("")
    token = os.path.join(home.path, "token")
    with open(token, "w") as f:
        f.write(WEB_TOKEN)
    with open(home.config, "w") as f:
        f.write(f"[profile pod]\nweb_identity_token_file = {token}\nrole_arn = {FINAL}\n"
                f"[profile norole]\nweb_identity_token_file = {token}\n")
    ok(personalize(home, "--profile", "pod"))
    assert STS.requests()[-1]["params"]["RoleSessionName"].startswith("botocore-session-")
    assert config_error(personalize(home, "--profile", "norole")) == botocore_chain(home, "norole")["error"]
    STS.reset(web_token="another-token")
    fresh = home.clone()
    message = fetch_error(personalize(fresh, "--profile", "pod"))
    assert message == botocore_chain(fresh, "pod")["error"], message
    assert message.startswith("An error occurred (InvalidIdentityToken) when calling the "
                              "AssumeRoleWithWebIdentity operation"), message


# ---- SSO ----

def sso_token_file(home, name, expires):
    folder = os.path.join(home.path, ".aws", "sso", "cache")
    os.makedirs(folder, exist_ok=True)
    with open(os.path.join(folder, hashlib.sha1(name.encode()).hexdigest() + ".json"), "w") as f:
        json.dump({"startUrl": SSO_START, "region": REGION, "accessToken": SSO_TOKEN, "expiresAt": expires}, f)


SSO_SESSION = (f"[profile sso]\nsso_session = corp\nsso_account_id = {ACCOUNT}\nsso_role_name = {SSO_ROLE}\n"
               f"[sso-session corp]\nsso_start_url = {SSO_START}\nsso_region = {REGION}\n")
SSO_LEGACY = (f"[profile legacy]\nsso_start_url = {SSO_START}\nsso_region = {REGION}\n"
              f"sso_account_id = {ACCOUNT}\nsso_role_name = {SSO_ROLE}\n")


@case("sso: sso_session token from ~/.aws/sso/cache, GetRoleCredentials with the bearer token")
def _():
    STS.reset(fixed=True, expiration=in_two_hours())
    home = Home(SSO_SESSION)
    sso_token_file(home, "corp", in_two_hours())
    ok(personalize(home, "--profile", "sso", standin=PERSONALIZE_SSO))
    [req] = STS.requests()
    assert req["verdict"] == "ok" and req["operation"] == "GetRoleCredentials", req
    assert req["path"] == "/federation/credentials", req
    assert req["query"] == f"role_name={SSO_ROLE}&account_id={ACCOUNT}", req
    assert "authorization" not in req["headers"], req
    assert signed_by(PERSONALIZE_SSO) == SSO_CREDS["AccessKeyId"]
    other = home.clone()
    sso_token_file(other, "corp", in_two_hours())
    assert botocore_chain(other, "sso")["method"] == "sso"
    assert home.cache_files() == other.cache_files() and len(home.cache_files()) == 1, (
        home.cache_files(), other.cache_files())
    ok(personalize(home, "--profile", "sso", standin=PERSONALIZE_SSO))
    assert len(STS.requests()) == 2, STS.requests()   # ours, botocore's, and no second of ours


@case("sso: legacy profile; expired and missing tokens as botocore words them, nothing sent")
def _():
    STS.reset()
    home = Home(SSO_LEGACY + SSO_SESSION)
    sso_token_file(home, SSO_START, in_two_hours())
    ok(personalize(home, "--profile", "legacy", standin=PERSONALIZE_SSO))
    assert STS.requests()[-1]["verdict"] == "ok"
    STS.reset()
    past = (datetime.datetime.now(datetime.timezone.utc) - datetime.timedelta(minutes=5)).strftime(
        "%Y-%m-%dT%H:%M:%SZ")
    for profile, name in (("legacy", SSO_START), ("sso", "corp")):
        stale = Home(SSO_LEGACY + SSO_SESSION)
        sso_token_file(stale, name, past)
        message = fetch_error(personalize(stale, "--profile", profile, standin=PERSONALIZE_SSO))
        assert message == botocore_chain(stale, profile)["error"], (profile, message)
        empty = Home(SSO_LEGACY + SSO_SESSION)
        message = fetch_error(personalize(empty, "--profile", profile, standin=PERSONALIZE_SSO))
        assert message == botocore_chain(empty, profile)["error"], (profile, message)
    stale = Home(SSO_LEGACY)
    sso_token_file(stale, SSO_START, past)
    assert "aws sso login" in fetch_error(personalize(stale, "--profile", "legacy", standin=PERSONALIZE_SSO))
    assert STS.requests() == []


@case("sso: a token the portal refuses, and configuration errors, as botocore reports them")
def _():
    STS.reset(sso_token="not-the-one-we-have")
    home = Home(SSO_SESSION + f"[profile half]\nsso_session = corp\nsso_role_name = {SSO_ROLE}\n"
                f"[profile ghost]\nsso_session = nowhere\nsso_account_id = {ACCOUNT}\nsso_role_name = x\n"
                f"[profile clash]\nsso_session = corp\nsso_region = eu-west-1\nsso_account_id = {ACCOUNT}\n"
                f"sso_role_name = x\n"
                f"[profile old]\nsso_account_id = {ACCOUNT}\nsso_role_name = x\n")
    sso_token_file(home, "corp", in_two_hours())
    message = fetch_error(personalize(home, "--profile", "sso", standin=PERSONALIZE_SSO))
    assert message == botocore_chain(home, "sso")["error"], message
    assert "aws sso login" in message, message
    for profile in ("half", "ghost", "clash", "old"):
        message = config_error(personalize(home, "--profile", profile, standin=PERSONALIZE_SSO))
        assert message == botocore_chain(home, profile)["error"], (profile, message)


@case("sso: an sso_session token near its end is refreshed through SSO OIDC as botocore refreshes it")
def _():
    oidc = {"client_id": "client-1", "client_secret": "client-secret-1", "refresh_token": "refresh-1",
            "new_access_token": "aoaNEWTOKEN", "new_refresh_token": "refresh-2"}
    soon = (datetime.datetime.now(datetime.timezone.utc) + datetime.timedelta(minutes=5)).strftime(
        "%Y-%m-%dT%H:%M:%SZ")
    homes, registration = [], in_two_hours()
    for who in ("acg", "botocore"):
        STS.reset(oidc=oidc)
        home = Home(SSO_SESSION)
        folder = os.path.join(home.path, ".aws", "sso", "cache")
        os.makedirs(folder)
        path = os.path.join(folder, hashlib.sha1(b"corp").hexdigest() + ".json")
        with open(path, "w") as f:
            json.dump({"startUrl": SSO_START, "region": REGION, "accessToken": SSO_TOKEN, "expiresAt": soon,
                       "clientId": "client-1", "clientSecret": "client-secret-1",
                       "registrationExpiresAt": registration, "refreshToken": "refresh-1"}, f)
        if who == "acg":
            ok(personalize(home, "--profile", "sso", standin=PERSONALIZE_SSO))
        else:
            assert botocore_chain(home, "sso")["method"] == "sso"
        create, get = STS.requests()
        assert create["operation"] == "CreateToken" and create["verdict"] == "ok", create
        assert "authorization" not in create["headers"], create
        assert get["operation"] == "GetRoleCredentials" and get["verdict"] == "ok", get
        with open(path) as f:
            homes.append(json.load(f))
    mine, theirs = homes
    assert list(mine) == list(theirs), (mine, theirs)
    assert mine["accessToken"] == "aoaNEWTOKEN" and mine["refreshToken"] == "refresh-2", mine
    gap = abs(datetime.datetime.strptime(mine["expiresAt"], "%Y-%m-%dT%H:%M:%SZ") -
              datetime.datetime.strptime(theirs["expiresAt"], "%Y-%m-%dT%H:%M:%SZ"))
    assert gap.total_seconds() <= 60, (mine["expiresAt"], theirs["expiresAt"])
    assert {k: v for k, v in mine.items() if k != "expiresAt"} == {
        k: v for k, v in theirs.items() if k != "expiresAt"}
    # expired, and the refresh refused: botocore's message, GetRoleCredentials never asked
    STS.reset(oidc=dict(oidc, refresh_token="another"))
    home = Home(SSO_SESSION)
    folder = os.path.join(home.path, ".aws", "sso", "cache")
    os.makedirs(folder)
    past = (datetime.datetime.now(datetime.timezone.utc) - datetime.timedelta(minutes=5)).strftime(
        "%Y-%m-%dT%H:%M:%SZ")
    with open(os.path.join(folder, hashlib.sha1(b"corp").hexdigest() + ".json"), "w") as f:
        json.dump({"startUrl": SSO_START, "region": REGION, "accessToken": SSO_TOKEN, "expiresAt": past,
                   "clientId": "client-1", "clientSecret": "client-secret-1",
                   "registrationExpiresAt": in_two_hours(), "refreshToken": "refresh-1"}, f)
    message = fetch_error(personalize(home, "--profile", "sso", standin=PERSONALIZE_SSO))
    assert message == botocore_chain(home, "sso")["error"], message
    assert [r["operation"] for r in STS.requests()] == ["CreateToken", "CreateToken"], STS.requests()


@case("sso: a bearer token with a line break is refused before anything is sent")
def _():
    STS.reset()
    home = Home(SSO_SESSION)
    folder = os.path.join(home.path, ".aws", "sso", "cache")
    os.makedirs(folder)
    with open(os.path.join(folder, hashlib.sha1(b"corp").hexdigest() + ".json"), "w") as f:
        json.dump({"accessToken": SSO_TOKEN + "\r\nX-Evil: 1", "expiresAt": in_two_hours()}, f)
    result = personalize(home, "--profile", "sso", standin=PERSONALIZE_SSO)
    assert fetch_error(result) and "control character" in result.stderr, result.stderr
    assert SSO_TOKEN not in result.stderr
    assert STS.requests() == []


try:
    run_cases("e2e/cred-providers")
finally:
    STS.stop()
    PERSONALIZE.stop()
    PERSONALIZE_SSO.stop()
    shutil.rmtree(TMP, ignore_errors=True)
