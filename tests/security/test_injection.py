"""Header injection (issue 10, item 2): no value from any source may put a CR, LF or other
control character into a request line or header. build/bin/personalize is pointed at a
recording server (tests/servers/recorder.py), which counts every connection made to it, so
"nothing was sent" is what the wire saw. Configuration values are refused with exit 253,
credentials fetched at run time (credential_process, container, instance metadata) with
255; the message names the setting and where it came from, never the value.
"""
import json
import os
import stat
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(os.path.dirname(HERE), "faults"))
sys.path.insert(0, os.path.join(os.path.dirname(HERE), "servers"))
from faultlib import client_env, program, timed  # noqa: E402
from pyharness import case, run as run_cases  # noqa: E402
from recorder import Recorder  # noqa: E402
import creds_server  # noqa: E402

LIST = "list-batch-inference-jobs"
OK_BODY = b'{"batchInferenceJobs": []}'
INJECTED = "tok\r\nX-Injected: yes"
SMUGGLED = ("tok\r\nContent-Length: 0\r\n\r\nPOST /smuggled HTTP/1.1\r\nHost: evil\r\n"
            "X-Injected: yes")
WORK = tempfile.mkdtemp(prefix="acg-injection-")
NO_KEYS = {"AWS_ACCESS_KEY_ID": None, "AWS_SECRET_ACCESS_KEY": None, "AWS_SESSION_TOKEN": None}


def env_with(extra):
    env = client_env()
    for k, v in extra.items():
        if v is None:
            env.pop(k, None)
        else:
            env[k] = v
    return env


def cli(extra_env=None, *args, endpoint=None):
    with Recorder(body=OK_BODY) as r:
        argv = [program(), LIST, "--endpoint-url", endpoint or r.endpoint, *args]
        result, seconds = timed(argv, env=env_with(extra_env or {}))
        assert seconds < 30, seconds
        return result, r


def refused(result, recorder, status, *words, secret="Injected"):
    """Exit status, nothing on stdout, the words in stderr, no value echoed, nothing sent."""
    assert result.returncode == status, (result.returncode, result.stdout, result.stderr)
    assert result.stdout == "", result.stdout
    for w in words:
        assert w in result.stderr, (w, result.stderr)
    assert "control character" in result.stderr, result.stderr
    assert secret not in result.stderr, result.stderr
    assert recorder.connections == 0 and recorder.raw == b"", bytes(recorder.raw[:300])


def write(name, text, mode=None):
    path = os.path.join(WORK, name)
    with open(path, "w", newline="") as f:
        f.write(text)
    if mode:
        os.chmod(path, mode)
    return path


@case("control row: clean credentials reach the recorder, one request, exit 0")
def _():
    result, r = cli()
    assert result.returncode == 0, (result.returncode, result.stderr)
    assert len(r.requests) == 1, r.requests


@case("AWS_SESSION_TOKEN with CR LF and a second header -> 253, names it, nothing sent")
def _():
    result, r = cli({"AWS_SESSION_TOKEN": INJECTED})
    refused(result, r, 253, "AWS_SESSION_TOKEN", "the environment")


@case("AWS_ACCESS_KEY_ID with LF, AWS_SECRET_ACCESS_KEY with DEL -> 253, nothing sent")
def _():
    result, r = cli({"AWS_ACCESS_KEY_ID": "AKID\nX-Injected: yes"})
    refused(result, r, 253, "AWS_ACCESS_KEY_ID")
    result, r = cli({"AWS_SECRET_ACCESS_KEY": "secret\x7fInjected"})
    refused(result, r, 253, "AWS_SECRET_ACCESS_KEY")


@case("credentials file: aws_session_token with a bare CR, with ESC -> 253 naming file and profile")
def _():
    for bad in ("tok\rX-Injected: yes", "tok\x1b[2JInjected"):
        creds = write("credentials", "[default]\naws_access_key_id = AKIDFILE\n"
                      "aws_secret_access_key = file-secret\n"
                      f"aws_session_token = {bad}\n")
        result, r = cli(dict(NO_KEYS, AWS_SHARED_CREDENTIALS_FILE=creds))
        refused(result, r, 253, "aws_session_token", "shared credentials file (profile default)")


@case("credential_process: a token that smuggles a second request -> 255, nothing sent")
def _():
    doc = json.dumps({"Version": 1, "AccessKeyId": "AKIDPROC", "SecretAccessKey": "s",
                      "SessionToken": SMUGGLED})
    script = write("proc.sh", "#!/bin/sh\ncat <<'EOF'\n" + doc + "\nEOF\n", stat.S_IRWXU)
    config = write("config", f"[default]\ncredential_process = {script}\n")
    result, r = cli(dict(NO_KEYS, AWS_CONFIG_FILE=config))
    refused(result, r, 255, "SessionToken", "credential_process")


@case("container credentials: a Token with CR LF -> 255; the service gets nothing")
def _():
    server = creds_server.start(auth=None)
    server.extra = {"Token": INJECTED}
    try:
        url = f"http://127.0.0.1:{server.server_port}/creds"
        result, r = cli(dict(NO_KEYS, AWS_CONTAINER_CREDENTIALS_FULL_URI=url))
        refused(result, r, 255, "SessionToken", "container credentials endpoint")
        assert server.hits == [("GET", "/creds")], server.hits
    finally:
        server.shutdown()


@case("container: AWS_CONTAINER_AUTHORIZATION_TOKEN with CR LF -> 253; not even the "
      "credentials endpoint is asked")
def _():
    server = creds_server.start(auth=None)
    try:
        url = f"http://127.0.0.1:{server.server_port}/creds"
        result, r = cli(dict(NO_KEYS, AWS_CONTAINER_CREDENTIALS_FULL_URI=url,
                             AWS_CONTAINER_AUTHORIZATION_TOKEN=INJECTED))
        refused(result, r, 253, "AWS_CONTAINER_AUTHORIZATION_TOKEN")
        assert server.hits == [], server.hits
    finally:
        server.shutdown()


@case("instance metadata: a Token with CR LF, an IMDSv2 session token with LF -> 255")
def _():
    server = creds_server.start()
    server.extra = {"Token": INJECTED}
    try:
        base = f"http://127.0.0.1:{server.server_port}"
        imds = dict(NO_KEYS, AWS_EC2_METADATA_DISABLED=None,
                    AWS_EC2_METADATA_SERVICE_ENDPOINT=base)
        result, r = cli(imds)
        refused(result, r, 255, "SessionToken", "instance metadata")
        server.extra = {}
        server.imds_token = "imds\nX-Injected: yes"
        server.hits.clear()
        result, r = cli(imds)
        refused(result, r, 255, "IMDSv2 session token")
        assert server.hits == [("PUT", "/latest/api/token")], server.hits
    finally:
        server.shutdown()


@case("region with LF from AWS_REGION, from the config file -> 253, nothing sent")
def _():
    result, r = cli({"AWS_REGION": "us-west-2\nX-Injected: yes"})
    refused(result, r, 253, "AWS_REGION")
    config = write("config", "[default]\nregion = us-west-2\x1bInjected\n")
    result, r = cli({"AWS_REGION": None, "AWS_DEFAULT_REGION": None, "AWS_CONFIG_FILE": config})
    refused(result, r, 253, "config file (profile default)")


@case("region (item 3): AWS_REGION='localhost:PORT#' and --region 'evil.example#' -> 253, "
      "no connection anywhere")
def _():
    with Recorder() as target:
        env = env_with({"AWS_REGION": f"localhost:{target.port}#", "AWS_MAX_ATTEMPTS": "1",
                        "AWS_SESSION_TOKEN": "region-test-session-token"})
        result, _ = timed([program(), LIST, "--cli-connect-timeout", "2", "--cli-read-timeout",
                           "2"], env=env)
        assert result.returncode == 253, (result.returncode, result.stderr)
        assert "doesn't match a supported format" in result.stderr, result.stderr
        assert "AWS_REGION" in result.stderr, result.stderr
        assert target.connections == 0, bytes(target.raw[:100])
        result, _ = timed([program(), LIST, "--region", "evil.example#"], env=client_env())
        assert result.returncode == 253, (result.returncode, result.stderr)
        assert "Provided region_name 'evil.example#' doesn't match a supported format" in \
            result.stderr, result.stderr
        assert "--region" in result.stderr, result.stderr


@case("endpoint URL with CR LF from AWS_ENDPOINT_URL, --endpoint-url, the profile -> 253")
def _():
    with Recorder() as target:
        bad = target.endpoint + "/\r\nX-Injected: yes"
        result, r = cli({"AWS_ENDPOINT_URL": bad}, endpoint=None)
        # --endpoint-url (the recorder's) wins over the variable: not refused, sent there
        assert result.returncode == 0, result.stderr
        env = env_with({"AWS_ENDPOINT_URL": bad})
        result, _ = timed([program(), LIST], env=env)
        refused(result, target, 253, "AWS_ENDPOINT_URL")
        result, _ = timed([program(), LIST, "--endpoint-url", bad], env=client_env())
        refused(result, target, 253, "--endpoint-url")
        config = write("config", f"[default]\nendpoint_url = {target.endpoint}/\rInjected\n")
        result, _ = timed([program(), LIST], env=env_with({"AWS_CONFIG_FILE": config}))
        refused(result, target, 253, "endpoint URL", "config file")


if __name__ == "__main__":
    try:
        run_cases("tests/security/test_injection.py")
    finally:
        for name in os.listdir(WORK):
            os.remove(os.path.join(WORK, name))
        os.rmdir(WORK)
