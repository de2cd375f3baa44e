"""Expired credentials (issue 10, item 7), through build/bin/personalize: credentials whose
Expiration has passed are refused, never used to sign; nothing reaches the server. (The
refresh rules are in tests/runtime/test_config_credentials.py, the signer's own refusal in
tests/runtime/test_sigv4.c.)
"""
import json
import os
import stat
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(os.path.dirname(HERE), "faults"))
sys.path.insert(0, os.path.join(os.path.dirname(HERE), "servers"))
from faultlib import client_env, program, timed  # noqa: E402
from pyharness import case, run as run_cases  # noqa: E402
from recorder import Recorder  # noqa: E402
import creds_server  # noqa: E402

WORK = tempfile.mkdtemp(prefix="acg-expired-")
NO_KEYS = {"AWS_ACCESS_KEY_ID": "", "AWS_SECRET_ACCESS_KEY": ""}
STILL_EXPIRED = "Credentials were refreshed, but the refreshed credentials are still expired."


def cli(env):
    with Recorder(body=b'{"batchInferenceJobs": []}') as r:
        result, _ = timed([program(), "list-batch-inference-jobs", "--endpoint-url", r.endpoint],
                          env=client_env(dict(NO_KEYS, **env)))
        return result, r


@case("credential_process with an Expiration in the past -> 255, botocore's words, nothing sent")
def _():
    doc = {"Version": 1, "AccessKeyId": "AKIDSTALE", "SecretAccessKey": "s", "SessionToken": "t",
           "Expiration": "2020-01-01T00:00:00Z"}
    script = os.path.join(WORK, "proc.sh")
    with open(script, "w") as f:
        f.write("#!/bin/sh\necho '" + json.dumps(doc) + "'\n")
    os.chmod(script, stat.S_IRWXU)
    config = os.path.join(WORK, "config")
    with open(config, "w") as f:
        f.write(f"[default]\ncredential_process = {script}\n")
    result, r = cli({"AWS_CONFIG_FILE": config})
    assert result.returncode == 255, (result.returncode, result.stderr)
    assert STILL_EXPIRED in result.stderr, result.stderr
    assert r.connections == 0, bytes(r.raw[:200])


@case("container credentials that expired in 2020 -> 255, nothing sent")
def _():
    server = creds_server.start(auth=None)
    server.expiration = "2020-01-01T00:00:00Z"
    try:
        url = f"http://127.0.0.1:{server.server_port}/creds"
        result, r = cli({"AWS_CONTAINER_CREDENTIALS_FULL_URI": url})
        assert result.returncode == 255, (result.returncode, result.stderr)
        assert STILL_EXPIRED in result.stderr, result.stderr
        assert r.connections == 0, bytes(r.raw[:200])
    finally:
        server.shutdown()


if __name__ == "__main__":
    try:
        run_cases("tests/security/test_expired.py")
    finally:
        for name in os.listdir(WORK):
            os.remove(os.path.join(WORK, name))
        os.rmdir(WORK)
