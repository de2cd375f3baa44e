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
# One driver per run: two runs sharing a build folder (parallel sessions, make -j) must not
# rebuild each other's binary mid-test.
DRIVER = os.path.join(BUILD, "tests", f"config_driver.{os.getpid()}")
os.makedirs(os.path.dirname(DRIVER), exist_ok=True)
TMP = tempfile.mkdtemp(prefix="acg-config-")
CONFIG = os.path.join(TMP, "config")
CREDENTIALS = os.path.join(TMP, "credentials")


def build():
    subprocess.run(pybuild.cc("-Iruntime/include", "-Iruntime/internal", "-Icli/include", "tests/runtime/config_driver.c",
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
    # VALGRIND="valgrind -q --leak-check=full --error-exitcode=99" runs every resolution under it
    wrapper = os.environ.get("VALGRIND", "").split()
    out = subprocess.run(wrapper + [DRIVER, profile, region, service, str(gets), str(step)], env=base,
                         capture_output=True, text=True, timeout=120)
    assert out.returncode != 99, out.stderr
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


@case("region: valid exactly when botocore's validate_region_name says so; never cut")
def _():
    from botocore.exceptions import InvalidRegionError
    from botocore.utils import validate_region_name
    reset()
    candidates = ["us-east-1", "a", "A1", "x" * 63, "x" * 64, "1" * 63, "123", "1a", "a1-",
                  "-a1", "us_east_1", "us.east.1", "evil.example#", "localhost:33537#",
                  "us-east-1/", "a@b", "caf\u00e9", "a--b", "us east 1", "9-9"]
    for region in candidates:
        try:
            validate_region_name(region)
            valid = True
        except InvalidRegionError:
            valid = False
        r = resolve(region=region)
        if valid:
            assert r.get("region") == region and "error" not in r, (region, r)
        else:
            assert "doesn't match a supported format" in r.get("error", ""), (region, r)
    write(CONFIG, "[default]\nregion = eu-west-1.evil.example\n")
    r = resolve()
    assert "config file (profile default)" in r["error"], r


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


@case("endpoint_url order: service env, global env, services section, profile; ignore switch")
def _():
    reset()
    write(CONFIG, "[default]\nendpoint_url = http://profile\nservices = local\n"
                  "[services local]\npersonalize =\n  endpoint_url = http://services-section\n")
    assert resolve()["endpoint_url"] == "http://services-section"
    assert resolve(AWS_ENDPOINT_URL_PERSONALIZE="http://service-env")["endpoint_url"] == "http://service-env"
    # botocore: both environment variables come before the config file
    assert resolve(AWS_ENDPOINT_URL="http://global-env")["endpoint_url"] == "http://global-env"
    assert resolve(service="Other", AWS_ENDPOINT_URL="http://global-env")["endpoint_url"] == "http://global-env"
    assert resolve(service="Other")["endpoint_url"] == "http://profile"
    assert resolve(AWS_IGNORE_CONFIGURED_ENDPOINT_URLS="true")["endpoint_url"] == ""
    assert resolve(service="Cost Explorer", AWS_ENDPOINT_URL_COST_EXPLORER="http://ce")["endpoint_url"] == "http://ce"
    write(CONFIG, "[default]\nservices = dev\n[services dev]\ncost_explorer =\n  endpoint_url = http://ce-section\n"
                  "elastic_load_balancing_v2 =\n  endpoint_url = http://elb\n")
    assert resolve(service="Cost Explorer")["endpoint_url"] == "http://ce-section"
    assert resolve(service="Elastic Load Balancing v2")["endpoint_url"] == "http://elb"
    assert resolve(service="Personalize")["endpoint_url"] == ""
    write(CONFIG, "[default]\nservices = missing\n[services other]\npersonalize =\n  endpoint_url = http://x\n")
    assert resolve()["error"] == ('The profile is configured to use the services section but the "missing" '
                                  'services configuration does not exist.'), resolve()
    assert resolve(AWS_ENDPOINT_URL="http://g")["endpoint_url"] == "http://g"   # found before the section is read


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


@case("lines longer than inih's 200-byte buffer: a 1,500-character session token arrives whole")
def _():
    reset()
    token = "IQoJb3JpZ2luX2VjE" * 88 + "END"
    long_url = "https://" + "a" * 300 + ".example.com"
    write(CREDENTIALS, f"[default]\naws_access_key_id = AKIDLONG\naws_secret_access_key = long-secret\n"
                       f"aws_session_token = {token}\n")
    write(CONFIG, f"[default]\nregion = eu-west-3\nservices = mine\n"
                  f"[services mine]\npersonalize =\n  endpoint_url = {long_url}\n")
    r = resolve(EXPECT_SECRET="long-secret")
    assert (r["access_key"], r["secret_ok"], r["token_len"]) == ("AKIDLONG", "1", str(len(token))), r
    assert (r["region"], r["endpoint_url"]) == ("eu-west-3", long_url), r
    write(CONFIG, "# " + "c" * 400 + "\n[default]\n; " + "d" * 300 + "\nregion = eu-south-1\n")
    assert resolve()["region"] == "eu-south-1", "long comments are comments"
    write(CONFIG, "[profile " + "x" * 300 + "]\nregion = us-east-1\n")
    assert resolve()["error"].startswith("Unable to parse config file"), "a 300-byte section name"


@case("a ';' inside a value is kept, as botocore keeps it; '~/' in AWS_CONFIG_FILE is HOME")
def _():
    reset()
    out = os.path.join(TMP, "semi-out")
    script = os.path.join(TMP, "proc-semi.sh")
    write(script, "#!/bin/sh\necho '{\"Version\": 1, \"AccessKeyId\": \"AKIDSEMI\", \"SecretAccessKey\": \"s\"}'\n")
    os.chmod(script, stat.S_IRWXU)
    write(CONFIG, f"[default]\ncredential_process = {script} ; touch {out}\nca_bundle = /etc/ca ; not a comment\n"
                  "s3 =\n  endpoint_url = http://a ; b\n")
    r = resolve()
    # no shell, as botocore: ';', 'touch' and the path are three more arguments
    assert r["access_key"] == "AKIDSEMI" and not os.path.exists(out), r
    assert r["ca_bundle"] == "/etc/ca ; not a comment", r
    os.makedirs(os.path.join(TMP, "alt"), exist_ok=True)
    write(os.path.join(TMP, "alt", "cfg"), "[default]\nregion = af-south-1\n")
    assert resolve(AWS_CONFIG_FILE="~/alt/cfg")["region"] == "af-south-1"


@case("a key id without its secret in the same file is partial, as botocore says")
def _():
    reset()
    write(CREDENTIALS, "[default]\naws_access_key_id = AKIDHALF\n")
    write(CONFIG, "[default]\naws_secret_access_key = config-secret\n")
    r = resolve()
    assert r["creds_error"] == ("Partial credentials found in shared-credentials-file, missing: "
                                "aws_secret_access_key"), r
    assert "config-secret" not in str(r)
    write(CREDENTIALS, "[default]\naws_secret_access_key = lonely-secret\n")
    write(CONFIG, "")
    r = resolve()   # a secret without a key id is no credentials at all, as in botocore
    assert r["creds_error"].startswith("Unable to locate credentials"), r
    write(CONFIG, "[default]\naws_access_key_id = AKIDCFGONLY\n")
    r = resolve()
    assert r["creds_error"] == "Partial credentials found in config-file, missing: aws_secret_access_key", r


@case("credential_process in [profile x] chosen by AWS_PROFILE; Version must be 1")
def _():
    reset()
    script = os.path.join(TMP, "proc-v.sh")
    write(script, "#!/bin/sh\necho '{\"Version\": 1, \"AccessKeyId\": \"AKIDPX\", \"SecretAccessKey\": \"px-secret\"}'\n")
    os.chmod(script, stat.S_IRWXU)
    write(CONFIG, f"[default]\nregion = us-east-1\n[profile x]\ncredential_process = {script}\n")
    r = resolve(AWS_PROFILE="x", EXPECT_SECRET="px-secret")
    assert (r["source"], r["access_key"], r["secret_ok"], r["expiration"]) == ("process", "AKIDPX", "1", "0"), r
    r = resolve()   # [default] has no credentials at all
    assert r["creds_error"].startswith("Unable to locate credentials"), r
    for doc in ('{"Version": 2, "AccessKeyId": "A", "SecretAccessKey": "S"}',
                '{"AccessKeyId": "A", "SecretAccessKey": "S"}'):
        write(script, "#!/bin/sh\necho '%s'\n" % doc)
        r = resolve(AWS_PROFILE="x")
        assert "Unsupported version" in r["creds_error"], r
    write(script, "#!/bin/sh\necho '{\"Version\": 1, \"AccessKeyId\": \"A\"}'\n")
    assert "SecretAccessKey is missing" in resolve(AWS_PROFILE="x")["creds_error"]
    write(script, "#!/bin/sh\necho 'not json'\n")
    assert resolve(AWS_PROFILE="x")["creds_error"] == "the process credentials are malformed"


@case("credential_process: the command line is split into words; the profile name is not pasted in")
def _():
    reset()
    out = os.path.join(TMP, "argv")
    script = os.path.join(TMP, "proc-args.sh")
    write(script, "#!/bin/sh\nprintf '%s|' \"$@\" > " + out + "\n"
                  "echo '{\"Version\": 1, \"AccessKeyId\": \"AKIDARGS\", \"SecretAccessKey\": \"s\"}'\n")
    os.chmod(script, stat.S_IRWXU)
    write(CONFIG, f"[profile a$(touch {TMP}/pwned)]\ncredential_process = {script} --role 'my role' x\n")
    r = resolve(profile=f"a$(touch {TMP}/pwned)")
    assert r["access_key"] == "AKIDARGS", r
    assert open(out).read() == "--role|my role|x|"
    assert not os.path.exists(os.path.join(TMP, "pwned"))


@case("credential_process (item 6): split as botocore's shlex.split splits it, run without a shell")
def _():
    import shlex
    reset()
    argv_out = os.path.join(TMP, "argv.json")
    script = os.path.join(TMP, "proc-argv.py")
    write(script, "#!" + sys.executable + "\nimport json, sys\n"
                  f"json.dump(sys.argv[1:], open({argv_out!r}, 'w'))\n"
                  "print(json.dumps({'Version': 1, 'AccessKeyId': 'AKIDSPLIT', 'SecretAccessKey': 's'}))\n")
    os.chmod(script, stat.S_IRWXU)
    pwned = os.path.join(TMP, "pwned-split")
    tails = ["a b", "'b c' d", '"b \\" c" d', "a\\ b", "'b\\' c", '"\\$x" "\\n"', "a#b #c",
             "''", 'a ""b', "a\tb", 'x"y z"w', "a\\\\b", '"b\\\\c"', "$HOME ~ *",
             f"; touch {pwned}", f"$(touch {pwned})", f"`touch {pwned}` | cat > {pwned} &",
             "caf\u00e9 'm\u00fcller'", "--role=arn:aws:iam::1:role/x --duration 900"]
    import json
    for tail in tails:
        command = f"{script} {tail}"
        write(CONFIG, "[default]\ncredential_process = " + command + "\n")
        r = resolve()
        assert r.get("access_key") == "AKIDSPLIT", (command, r)
        with open(argv_out) as f:
            assert json.load(f) == shlex.split(command)[1:], (command, shlex.split(command))
        assert not os.path.exists(pwned), command
    for bad, why in ((f"{script} 'open", "No closing quotation"), (f'{script} "open', "No closing quotation"),
                     (f"{script} trailing\\", "No escaped character")):
        write(CONFIG, "[default]\ncredential_process = " + bad + "\n")
        assert why in resolve().get("creds_error", ""), bad


@case("credential_process (item 6): a helper that never ends is killed at its timeout, one that "
      "prints for ever at 1 MiB; both are reaped")
def _():
    import time
    reset()
    pid_file = os.path.join(TMP, "sleeper.pid")
    script = os.path.join(TMP, "proc-sleep.sh")
    write(script, f"#!/bin/sh\necho $$ > {pid_file}\nexec sleep 30\n")
    os.chmod(script, stat.S_IRWXU)
    write(CONFIG, f"[default]\ncredential_process = {script}\n")
    start = time.monotonic()
    r = resolve(PROCESS_TIMEOUT_MS="1000")
    elapsed = time.monotonic() - start
    assert r["creds_error"] == "credential_process did not finish within 1000 ms and was stopped", r
    assert elapsed < (30 if os.environ.get("VALGRIND") else 10), elapsed
    pid = int(open(pid_file).read())
    assert not os.path.exists(f"/proc/{pid}"), "the helper is still running (or a zombie)"
    write(CONFIG, "[default]\ncredential_process = yes\n")   # prints "y" for ever
    start = time.monotonic()
    r = resolve()
    assert r["creds_error"] == "credential_process printed more than 1048576 bytes and was stopped", r
    assert time.monotonic() - start < (60 if os.environ.get("VALGRIND") else 10)


@case("credential_process (item 6): the helper gets stdin, stdout and stderr only, none of the "
      "caller's other descriptors")
def _():
    reset()
    leak = os.path.join(TMP, "leak")
    script = os.path.join(TMP, "proc-fds.sh")
    write(script, "#!/bin/sh\n"
                  f"if [ -e /proc/$$/fd/$CHECK_FD ]; then echo leaked > {leak}; fi\n"
                  "echo '{\"Version\": 1, \"AccessKeyId\": \"AKIDFDS\", \"SecretAccessKey\": \"s\"}'\n")
    os.chmod(script, stat.S_IRWXU)
    write(CONFIG, f"[default]\ncredential_process = {script}\n")
    with open(os.path.join(TMP, "held-open"), "w") as held:
        fd = held.fileno()
        base = {"HOME": TMP, "PATH": os.environ["PATH"], "AWS_CONFIG_FILE": CONFIG,
                "AWS_SHARED_CREDENTIALS_FILE": CREDENTIALS, "AWS_EC2_METADATA_DISABLED": "true",
                "CHECK_FD": str(fd)}
        out = subprocess.run([DRIVER, "-", "-", "Personalize", "1", "0"], env=base, pass_fds=(fd,),
                             capture_output=True, text=True, timeout=60)
    assert "access_key=AKIDFDS" in out.stdout, out.stdout
    assert not os.path.exists(leak), "descriptor %d reached credential_process" % fd


@case("config files (item 6): a FIFO, a device, a symlink to a FIFO, a directory are refused at "
      "once; the null device reads as empty")
def _():
    import time
    reset()
    fifo = os.path.join(TMP, "config.fifo")
    if not os.path.exists(fifo):
        os.mkfifo(fifo)
    link = os.path.join(TMP, "config.link")
    if not os.path.lexists(link):
        os.symlink(fifo, link)
    for var in ("AWS_CONFIG_FILE", "AWS_SHARED_CREDENTIALS_FILE"):
        for path in (fifo, link, "/dev/zero", TMP):
            start = time.monotonic()
            r = resolve(**{var: path})
            assert r.get("error") == f"{path} is not a regular file (a FIFO, socket, device or " \
                "directory); it was not read", (var, path, r)
            assert time.monotonic() - start < 20, (var, path)
    r = resolve(AWS_CONFIG_FILE="/dev/null", AWS_SHARED_CREDENTIALS_FILE="/dev/null")
    assert r["profile"] == "default" and "error" not in r, r
    token_file = os.path.join(TMP, "token.fifo")
    if not os.path.exists(token_file):
        os.mkfifo(token_file)
    r = resolve(AWS_CONTAINER_CREDENTIALS_FULL_URI="http://127.0.0.1:9/creds",
                AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE=token_file)
    assert "is not a regular file" in r.get("creds_error", ""), r


@case("config parsing (item 6) is linear: 200,000 keys in well under a second, the last one wins")
def _():
    reset()
    n = 200_000
    with open(CONFIG, "w") as f:
        f.write("[default]\n")
        f.write("".join(f"key{i} = value {i}\n" for i in range(n)))
        f.write("[profile other]\n")
        f.write("".join(f"key{i} = other\n" for i in range(n // 4)))
        f.write("[default]\nregion = eu-west-3\nkey7 = again\n")
    import resource
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    r = resolve()
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    # CPU time, not wall time: other work on the machine must not make this flaky. The
    # driver process also starts and prints; the parse itself is most of it.
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    assert r["region"] == "eu-west-3" and "error" not in r, r
    # (ASan builds run some 3x slower, valgrind some 30x; quadratic parsing took minutes.)
    limit = 120 if os.environ.get("VALGRIND") else 5 if "sanitize" in os.environ.get("CFLAGS", "") else 1.0
    assert cpu < limit, f"{n} keys took {cpu:.2f} s of CPU"


@case("expired credentials (item 7): a helper that hands out expired ones is refused as botocore "
      "refuses it; a refresh that brings expired ones keeps the old until they expire")
def _():
    reset()
    script = os.path.join(TMP, "proc-expired.sh")
    # the driver's clock starts at 1700000000 s = 2023-11-14T22:13:20Z
    write(script, "#!/bin/sh\necho '{\"Version\": 1, \"AccessKeyId\": \"AKIDOLD\", "
                  "\"SecretAccessKey\": \"s\", \"SessionToken\": \"t\", "
                  "\"Expiration\": \"2023-11-14T22:13:20Z\"}'\n")
    os.chmod(script, stat.S_IRWXU)
    write(CONFIG, f"[default]\ncredential_process = {script}\n")
    r = resolve()
    assert r["creds_error"] == ("Credentials were refreshed, but the refreshed credentials are "
                                "still expired."), r
    assert "access_key" not in r, r
    # first run: valid for 10 minutes; later runs: already expired at 22:13:20
    marker = os.path.join(TMP, "ran-once")
    write(script, "#!/bin/sh\nif [ -e %s ]; then exp=2023-11-14T22:13:20Z; else exp=2023-11-14T22:23:20Z; "
                  "touch %s; fi\n"
                  "echo '{\"Version\": 1, \"AccessKeyId\": \"AKIDOK\", \"SecretAccessKey\": \"s\", "
                  "\"Expiration\": \"'$exp'\"}'\n" % (marker, marker))
    # gets at +0, +7 min (in the margin: the refresh brings expired ones, the old are kept),
    # +14 min (the old have expired too: refused)
    r = resolve(gets=3, step=420000)
    assert r["access_key"] == ["AKIDOK", "AKIDOK"], r
    assert r["creds_error"].startswith("Credentials were refreshed, but"), r


@case("a refresh that fails inside the margin keeps the credentials until they expire")
def _():
    reset()
    counter = os.path.join(TMP, "count-fail")
    script = os.path.join(TMP, "proc-once.sh")
    # First run succeeds (expiry 22:23:20), every later run fails.
    write(script, "#!/bin/sh\nif [ -e %s ]; then echo 'broker down' >&2; exit 1; fi\ntouch %s\n"
                  "echo '{\"Version\": 1, \"AccessKeyId\": \"AKIDONCE\", \"SecretAccessKey\": \"once-secret\", "
                  "\"SessionToken\": \"t\", \"Expiration\": \"2023-11-14T22:23:20Z\"}'\n" % (counter, counter))
    os.chmod(script, stat.S_IRWXU)
    write(CONFIG, f"[default]\ncredential_process = {script}\n")
    # gets at +0, +7 min (inside the margin: refresh fails, old kept), +14 min (expired: error)
    r = resolve(gets=3, step=420000)
    assert r["access_key"] == ["AKIDONCE", "AKIDONCE"], r
    assert r["creds_error"] == "credential_process exited with status 1: broker down", r


@case("container credentials: the relative URI goes to 169.254.170.2 (in a private network namespace)")
def _():
    reset()
    probe = subprocess.run(["unshare", "-rn", "true"], capture_output=True)
    if probe.returncode != 0:
        raise RuntimeError("unshare -rn is not available here: " + probe.stderr.decode())
    server = os.path.join(os.path.dirname(__file__), "..", "servers", "creds_server.py")
    script = ("ip link set lo up && ip addr add 169.254.170.2/32 dev lo && "
              f"({sys.executable} {server} 169.254.170.2 80 > {TMP}/srv.log 2>&1 &) && "
              f"for i in $(seq 50); do grep -q listening {TMP}/srv.log && break; sleep 0.1; done && "
              f"exec {DRIVER} - - Personalize 1 0")
    env = {"HOME": TMP, "PATH": os.environ["PATH"], "AWS_CONFIG_FILE": CONFIG,
           "AWS_SHARED_CREDENTIALS_FILE": CREDENTIALS, "AWS_EC2_METADATA_DISABLED": "true",
           "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI": "/v2/credentials/task-role",
           "AWS_CONTAINER_CREDENTIALS_FULL_URI": "http://127.0.0.1:9/never-used",
           "EXPECT_SECRET": "container-secret"}
    out = subprocess.run(["unshare", "-rn", "sh", "-c", script], env=env, capture_output=True, text=True,
                         timeout=60)
    r = dict(l.split("=", 1) for l in out.stdout.splitlines() if "=" in l)
    assert (r.get("source"), r.get("access_key"), r.get("secret_ok")) == ("container", "ASIACONTAINER", "1"), \
        (out.stdout, out.stderr)


@case("container full URI: only https or loopback/agent hosts, compared whole")
def _():
    reset()
    for bad in ("http://127.0.0.1.evil.example/creds", "http://localhost@evil.example/creds",
                "http://localhost.evil.example/", "http://10.0.0.1/creds", "ftp://127.0.0.1/creds",
                "http://1270.0.0.1/creds"):
        r = resolve(AWS_CONTAINER_CREDENTIALS_FULL_URI=bad)
        assert "loopback" in r["creds_error"], (bad, r)
    server = creds_server.start(auth=None)
    try:
        r = resolve(AWS_CONTAINER_CREDENTIALS_FULL_URI=f"http://localhost:{server.server_port}/creds")
        assert r["access_key"] == "ASIACONTAINER", r
        r = resolve(AWS_CONTAINER_CREDENTIALS_FULL_URI=f"http://127.0.0.1:{server.server_port}/creds",
                    AWS_CONTAINER_AUTHORIZATION_TOKEN="a\r\nX-Evil: 1")
        assert "control character" in r["creds_error"], r
    finally:
        server.shutdown()


@case("container URL (item 4): judged by the host libcurl connects to, refused where botocore "
      "refuses, user info never sent")
def _():
    import socket
    from botocore.utils import ContainerMetadataFetcher
    reset()
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]   # closed once the block ends: accepted URLs fail to connect
    candidates = ["http://127.0.0.1:1@192.0.2.2:33037/creds", "http://localhost:x@host/",
                  "http://127.0.0.1:1@localhost.evil.example/", "http://127.1:%d/creds",
                  "http://%%6cocalhost:%d/creds", "http://0x7f.1:%d/", "http://2130706433:%d/",
                  "http://[::1]:%d/creds", "http://[::ffff:127.0.0.1]:%d/",
                  "http://user:pw@127.0.0.1:%d/creds", "http://LOCALHOST:%d/creds",
                  "http://127.0.0.2:%d/", "https://127.0.0.1:%d/", "http://169.254.170.23.evil/",
                  "http://127.0.0.1#@192.0.2.2/", "http://127.0.0.1\\@192.0.2.2/"]
    for template in candidates:
        url = template % port if "%d" in template else template.replace("%%", "%")
        try:
            ContainerMetadataFetcher()._validate_allowed_url(url)
            botocore_accepts = True
        except ValueError:
            botocore_accepts = False
        r = resolve(AWS_CONTAINER_CREDENTIALS_FULL_URI=url)
        refused = "Unsupported host" in r.get("creds_error", "") or \
            "is not a valid URL" in r.get("creds_error", "")
        if botocore_accepts:
            assert r.get("creds_error") == "the container credentials endpoint did not answer", \
                (url, r)
        else:
            assert refused, (url, r)
    # User information is dropped: the endpoint sees no Basic credentials, only the token.
    server = creds_server.start(auth="container-auth-token")
    try:
        r = resolve(AWS_CONTAINER_CREDENTIALS_FULL_URI=f"http://u:pw@127.0.0.1:{server.server_port}/creds",
                    AWS_CONTAINER_AUTHORIZATION_TOKEN="container-auth-token")
        assert r["access_key"] == "ASIACONTAINER", r
    finally:
        server.shutdown()


@case("container URL (item 4): http://127.0.0.1:1@192.0.2.2:PORT/ never gets the token to "
      "192.0.2.2 (a server there, in a private network namespace)")
def _():
    reset()
    probe = subprocess.run(["unshare", "-rn", "true"], capture_output=True)
    if probe.returncode != 0:
        raise RuntimeError("unshare -rn is not available here: " + probe.stderr.decode())
    server = os.path.join(os.path.dirname(__file__), "..", "servers", "creds_server.py")
    script = ("ip link set lo up && ip addr add 192.0.2.2/32 dev lo && "
              f"({sys.executable} {server} 192.0.2.2 33037 > {TMP}/srv2.log 2>&1 &) && "
              f"for i in $(seq 50); do grep -q listening {TMP}/srv2.log && break; sleep 0.1; done && "
              f"exec {DRIVER} - - Personalize 1 0")
    env = {"HOME": TMP, "PATH": os.environ["PATH"], "AWS_CONFIG_FILE": CONFIG,
           "AWS_SHARED_CREDENTIALS_FILE": CREDENTIALS, "AWS_EC2_METADATA_DISABLED": "true",
           "AWS_CONTAINER_CREDENTIALS_FULL_URI": "http://127.0.0.1:1@192.0.2.2:33037/creds",
           "AWS_CONTAINER_AUTHORIZATION_TOKEN": "container-auth-token"}
    out = subprocess.run(["unshare", "-rn", "sh", "-c", script], env=env, capture_output=True,
                         text=True, timeout=60)
    r = dict(l.split("=", 1) for l in out.stdout.splitlines() if "=" in l)
    assert "access_key" not in r, (out.stdout, out.stderr)   # the request never got there
    assert "Unsupported host '192.0.2.2'" in r.get("creds_error", ""), (out.stdout, out.stderr)


@case("container: one retry after a 500; credentials refreshed by the injected clock")
def _():
    reset()
    server = creds_server.start(auth=None)
    try:
        url = f"http://127.0.0.1:{server.server_port}/creds"
        server.fail_next = 1
        server.expiration = "2023-11-14T22:23:20Z"   # 10 minutes after the driver's first clock
        r = resolve(gets=3, step=240000, AWS_CONTAINER_CREDENTIALS_FULL_URI=url)
        assert r["access_key"] == ["ASIACONTAINER"] * 3, r
        # 500 then 200 for the first get; the second is cached; the third refreshes
        assert [h for h in server.hits] == [("GET", "/creds")] * 3, server.hits
        server.hits.clear()
        server.fail_next = 2
        r = resolve(AWS_CONTAINER_CREDENTIALS_FULL_URI=url)
        assert r["creds_error"] == "the container credentials endpoint answered 500", r
        assert len(server.hits) == 2, server.hits
    finally:
        server.shutdown()


@case("IMDS: v1 fallback when the token PUT is refused, a retry after a 500, refresh near expiry")
def _():
    reset()
    server = creds_server.start()
    try:
        base = f"http://127.0.0.1:{server.server_port}"
        server.imds_v1 = True
        r = resolve(AWS_EC2_METADATA_DISABLED=None, AWS_EC2_METADATA_SERVICE_ENDPOINT=base)
        assert r["access_key"] == "ASIAIMDS", r
        assert [m for m, _ in server.hits] == ["PUT", "GET", "GET"], server.hits
        server.imds_v1 = False
        server.hits.clear()
        server.fail_next = 1
        server.expiration = "2023-11-14T22:23:20Z"
        r = resolve(gets=3, step=240000, AWS_EC2_METADATA_DISABLED=None,
                    AWS_EC2_METADATA_SERVICE_ENDPOINT=base + "/")
        assert r["source"] == ["imds"] * 3, r
        # PUT 500, PUT, GET role, GET creds; then the third get runs the whole flow again
        assert [m for m, _ in server.hits] == ["PUT", "PUT", "GET", "GET", "PUT", "GET", "GET"], server.hits
    finally:
        server.shutdown()


@case("unreachable services: container reports it; IMDS gives up after one timeout, not two")
def _():
    reset()
    import socket
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    sock.close()   # nothing listens on port now
    r = resolve(AWS_CONTAINER_CREDENTIALS_FULL_URI=f"http://127.0.0.1:{port}/creds")
    assert r["creds_error"] == "the container credentials endpoint did not answer", r
    import time
    t0 = time.monotonic()
    r = resolve(AWS_EC2_METADATA_DISABLED=None, AWS_EC2_METADATA_SERVICE_ENDPOINT=f"http://127.0.0.1:{port}")
    assert r["creds_error"].startswith("Unable to locate credentials"), r
    if not os.environ.get("VALGRIND"):   # timing means nothing under valgrind
        assert time.monotonic() - t0 < 1.0, "a refused connection is not retried"
    server = creds_server.start()
    try:
        server.fail_next = 2   # the default two attempts both get 500; a third is allowed by the knob
        r = resolve(AWS_EC2_METADATA_DISABLED=None, AWS_METADATA_SERVICE_NUM_ATTEMPTS="3",
                    AWS_EC2_METADATA_SERVICE_ENDPOINT=f"http://127.0.0.1:{server.server_port}")
        assert r["access_key"] == "ASIAIMDS", r
        r = resolve(AWS_EC2_METADATA_DISABLED=None, AWS_EC2_METADATA_SERVICE_ENDPOINT="file:///etc/passwd")
        assert r["creds_error"].startswith("Unable to locate credentials"), r
    finally:
        server.shutdown()


@case("precedence across providers: env > credentials file > config file > process > container > IMDS")
def _():
    reset()
    server = creds_server.start(auth=None)
    try:
        script = os.path.join(TMP, "proc-prec.sh")
        write(script, "#!/bin/sh\necho '{\"Version\": 1, \"AccessKeyId\": \"AKIDPROC\", \"SecretAccessKey\": \"p\"}'\n")
        os.chmod(script, stat.S_IRWXU)
        base = f"http://127.0.0.1:{server.server_port}"
        env = dict(AWS_EC2_METADATA_DISABLED=None, AWS_EC2_METADATA_SERVICE_ENDPOINT=base,
                   AWS_CONTAINER_CREDENTIALS_FULL_URI=base + "/creds")
        assert resolve(**env)["source"] == "container"
        assert [p for _, p in server.hits] == ["/creds"], server.hits   # IMDS never asked
        write(CONFIG, f"[default]\ncredential_process = {script}\n")
        assert resolve(**env)["source"] == "process"
        write(CONFIG, f"[default]\ncredential_process = {script}\naws_access_key_id = AKIDCFG\n"
                      "aws_secret_access_key = c\n")
        # botocore and the AWS CLI docs: credential_process comes before config-file keys
        assert resolve(**env)["access_key"] == "AKIDPROC"
        write(CONFIG, "[default]\naws_access_key_id = AKIDCFG\naws_secret_access_key = c\n")
        assert resolve(**env)["access_key"] == "AKIDCFG"
        write(CONFIG, f"[default]\ncredential_process = {script}\n")
        write(CREDENTIALS, "[default]\naws_access_key_id = AKIDCRED\naws_secret_access_key = k\n")
        assert resolve(**env)["access_key"] == "AKIDCRED"
        r = resolve(AWS_ACCESS_KEY_ID="AKIDENV", AWS_SECRET_ACCESS_KEY="e", **env)
        assert r["access_key"] == "AKIDENV", r
        # AWS_PROFILE keeps environment keys first; a profile named by the caller does not
        r = resolve(AWS_PROFILE="default", AWS_ACCESS_KEY_ID="AKIDENV", AWS_SECRET_ACCESS_KEY="e", **env)
        assert r["access_key"] == "AKIDENV", r
        r = resolve(profile="default", AWS_ACCESS_KEY_ID="AKIDENV", AWS_SECRET_ACCESS_KEY="e", **env)
        assert r["access_key"] == "AKIDCRED", r
        # only one of the two environment keys: not env credentials
        assert resolve(AWS_ACCESS_KEY_ID="AKIDENV", **env)["access_key"] == "AKIDCRED"
    finally:
        server.shutdown()


@case("settings: bad numbers named, compression bounds, profile ignore switch, explicit endpoint always wins")
def _():
    reset()
    assert "max_attempts" in resolve(AWS_MAX_ATTEMPTS="0")["error"]
    assert "max_attempts" in resolve(AWS_MAX_ATTEMPTS="3x")["error"]
    assert resolve(AWS_REQUEST_MIN_COMPRESSION_SIZE_BYTES="0")["min_compression"] == "0"
    assert resolve(AWS_REQUEST_MIN_COMPRESSION_SIZE_BYTES="10485760")["min_compression"] == "10485760"
    assert "request_min_compression_size_bytes" in resolve(AWS_REQUEST_MIN_COMPRESSION_SIZE_BYTES="10485761")["error"]
    assert "request_min_compression_size_bytes" in resolve(AWS_REQUEST_MIN_COMPRESSION_SIZE_BYTES="-1")["error"]
    write(CONFIG, "[default]\nendpoint_url = http://profile\nignore_configured_endpoint_urls = true\n"
                  "ca_bundle = /etc/profile-ca.pem\n")
    r = resolve(AWS_ENDPOINT_URL="http://global-env")
    assert (r["endpoint_url"], r["ca_bundle"]) == ("", "/etc/profile-ca.pem"), r
    assert resolve(AWS_CA_BUNDLE="/env-ca.pem")["ca_bundle"] == "/env-ca.pem"
    r = resolve(AWS_IGNORE_CONFIGURED_ENDPOINT_URLS="false", AWS_ENDPOINT_URL="http://global-env")
    assert r["endpoint_url"] == "http://global-env", r
    r = resolve(EXPLICIT_ENDPOINT="http://explicit", AWS_ENDPOINT_URL_PERSONALIZE="http://svc")
    assert r["endpoint_url"] == "http://explicit", r
    write(CONFIG, "[default]\nuse_dualstack_endpoint = true\nuse_fips_endpoint = true\n")
    r = resolve(AWS_USE_FIPS_ENDPOINT="false")
    assert (r["use_fips"], r["use_dual_stack"]) == ("0", "1"), r


@case("sub-sections and comments: [default] vs [profile default] forms, several keys per sub-section")
def _():
    reset()
    write(CONFIG, "# top comment\n[default]\n; another\nregion = us-east-1\ns3 =\n"
                  "  max_concurrent_requests = 20\n  multipart_threshold = 64MB\nretry_mode = adaptive\n"
                  "[profile other]\nregion = eu-west-1\n")
    r = resolve()
    assert (r["s3.max_concurrent_requests"], r["retry_mode"], r["region"]) == ("20", "adaptive", "us-east-1"), r
    r = resolve(profile="other")
    assert (r["s3.max_concurrent_requests"], r["region"]) == ("", "eu-west-1"), r
    # in the credentials file, "[profile other]" is a profile literally named "profile other"
    write(CREDENTIALS, "[profile other]\naws_access_key_id = AKIDWRONG\naws_secret_access_key = w\n")
    assert resolve(profile="other")["creds_error"].startswith("Unable to locate credentials")


if __name__ == "__main__":
    try:
        build()
    except subprocess.CalledProcessError as e:
        print(f"build failed: {e}", file=sys.stderr)
        print("runtime/config-credentials: 0 passed, 1 failed")
        sys.exit(1)
    try:
        run("runtime/config-credentials")
    finally:
        if os.path.exists(DRIVER):
            os.unlink(DRIVER)
