"""Bounded work (issue 10, item 6), through build/bin/personalize: a configuration file that
is a FIFO and a credential_process that prints for ever end the program at once with an
error, and nothing is sent. (The runtime's own rows are in
tests/runtime/test_config_credentials.py; the trickling server in tests/faults/test_faults.py.)
"""
import os
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(os.path.dirname(HERE), "faults"))
sys.path.insert(0, os.path.join(os.path.dirname(HERE), "servers"))
from faultlib import client_env, program, timed  # noqa: E402
from pyharness import case, run as run_cases  # noqa: E402
from recorder import Recorder  # noqa: E402

LIST = "list-batch-inference-jobs"
WORK = tempfile.mkdtemp(prefix="acg-bounded-")
LIMIT = 120 if os.environ.get("VALGRIND") else 15


def cli(env):
    with Recorder() as r:
        result, seconds = timed([program(), LIST, "--endpoint-url", r.endpoint],
                                env=client_env(env), timeout=LIMIT + 30)
        return result, seconds, r


@case("AWS_CONFIG_FILE is a FIFO (nobody writes it) -> 253 at once, names it, nothing sent")
def _():
    fifo = os.path.join(WORK, "config.fifo")
    os.mkfifo(fifo)
    result, seconds, r = cli({"AWS_CONFIG_FILE": fifo})
    assert result.returncode == 253, (result.returncode, result.stderr)
    assert f"{fifo} is not a regular file" in result.stderr, result.stderr
    assert seconds < LIMIT and r.connections == 0, (seconds, r.connections)


@case("credential_process = yes (prints for ever) -> 255 after 1 MiB, nothing sent")
def _():
    config = os.path.join(WORK, "config")
    with open(config, "w") as f:
        f.write("[default]\ncredential_process = yes\n")
    env = {"AWS_CONFIG_FILE": config, "AWS_ACCESS_KEY_ID": "", "AWS_SECRET_ACCESS_KEY": ""}
    result, seconds, r = cli(env)
    assert result.returncode == 255, (result.returncode, result.stderr)
    assert "credential_process printed more than 1048576 bytes and was stopped" in \
        result.stderr, result.stderr
    assert seconds < LIMIT and r.connections == 0, (seconds, r.connections)


if __name__ == "__main__":
    try:
        run_cases("tests/security/test_bounded.py")
    finally:
        for name in os.listdir(WORK):
            os.remove(os.path.join(WORK, name))
        os.rmdir(WORK)
