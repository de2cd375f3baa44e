"""Output and exit status (issue 10, item 8; the core-dump half of item 9): build/bin/personalize
against tests/servers/recorder.py with its standard descriptors in odd states.

A reader that goes away (`| head -c 10`), a pipe already closed, a full device and a closed
standard output all give 255 with a message on stderr, never 141 (SIGPIPE) and never 0 with
the output lost. A program started with descriptor 0, 1 or 2 closed never hands it to
libcurl: with stdout closed, the JSON output must not end up in the HTTP connection.
"""
import json
import os
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(os.path.dirname(HERE), "faults"))
sys.path.insert(0, os.path.join(os.path.dirname(HERE), "servers"))
from faultlib import client_env, program  # noqa: E402
from pyharness import case, run as run_cases  # noqa: E402
from recorder import Recorder  # noqa: E402

LIST = "list-batch-inference-jobs"
JOBS = {"batchInferenceJobs": [
    {"batchInferenceJobArn": f"arn:aws:personalize:us-west-2:123456789012:batch-inference-job/j{i}",
     "jobName": f"j{i}", "status": "ACTIVE"} for i in range(3000)]}
BIG = json.dumps(JOBS).encode()   # some 300 kB of output, several pipe buffers
WORK = tempfile.mkdtemp(prefix="acg-output-")


def native_program():
    """The program itself. Under `make valgrind` program() is a script that runs it under
    memcheck, and valgrind cannot start at all when descriptor 2 is closed."""
    path = program()
    with open(path, "rb") as f:
        head = f.read(2)
    if head != b"#!":
        return path
    with open(path) as f:
        words = f.read().split()
    return words[words.index('"$@"') - 1]


def start(r, stdout, preexec=None, stderr=subprocess.PIPE, args=(), binary=None):
    binary = binary or program()
    argv = [binary, LIST, "--endpoint-url", r.endpoint, *args] if not args else [binary, *args]
    return subprocess.Popen(argv, env=client_env(), stdin=subprocess.DEVNULL, stdout=stdout,
                            stderr=stderr, preexec_fn=preexec)


def finish(p):
    err = p.stderr.read().decode(errors="replace") if p.stderr else ""
    return p.wait(timeout=60), err


@case("`| head -c 10`: the reader goes away after 10 bytes -> 255 and a message, not 141")
def _():
    with Recorder(body=BIG) as r:
        p = start(r, subprocess.PIPE)
        first = p.stdout.read(10)
        p.stdout.close()
        status, err = finish(p)
    assert first == b'{\n    "bat', first
    assert status == 255, (status, err)
    assert "Could not write the output: Broken pipe" in err, err


@case("a pipe whose reader is already gone -> 255, even for a small output")
def _():
    rd, wr = os.pipe()
    os.close(rd)
    with Recorder(body=b'{"batchInferenceJobs": []}') as r:
        p = start(r, wr)
        os.close(wr)
        status, err = finish(p)
    assert status == 255, (status, err)
    assert "Broken pipe" in err, err


@case("stdout on /dev/full -> 255 naming the error")
def _():
    with open("/dev/full", "w") as full, Recorder(body=BIG) as r:
        p = start(r, full)
        status, err = finish(p)
    assert status == 255, (status, err)
    assert "No space left on device" in err, err


@case("help into a reader that went away -> 255")
def _():
    rd, wr = os.pipe()
    os.close(rd)
    with Recorder() as r:
        p = start(r, wr, args=("help",))
        os.close(wr)
        status, err = finish(p)
    assert status == 255, (status, err)


@case("started with stdout closed: 255, and the output never goes into the HTTP connection")
def _():
    with Recorder(body=b'{"batchInferenceJobs": []}') as r:
        p = start(r, None, preexec=lambda: os.close(1))
        status, err = finish(p)
        raw = bytes(r.raw)
        requests = list(r.requests)
    assert status == 255, (status, err)
    assert "standard output is closed" in err, err
    assert len(requests) == 1, requests
    head, _, body = raw.partition(b"\r\n\r\n")
    assert body == requests[0][2], f"stray bytes on the wire after the request: {body[:200]!r}"


@case("started with stdin and stderr closed: the call still works (exit 0), nothing strays")
def _():
    out_path = os.path.join(WORK, "out.json")
    with open(out_path, "w") as out, Recorder(body=b'{"batchInferenceJobs": []}') as r:
        def close_0_2():
            os.close(0)
            os.close(2)
        p = start(r, out, preexec=close_0_2, stderr=None, binary=native_program())
        status = p.wait(timeout=60)
        raw = bytes(r.raw)
    assert status == 0, status
    with open(out_path) as f:
        assert json.load(f) == {"batchInferenceJobs": []}
    assert raw.count(b"POST / HTTP/1.1") == 1, raw[:300]


@case("no core dumps while the program holds credentials: RLIMIT_CORE is 0 (seen from "
      "credential_process, its child, in /proc/PARENT/limits)")
def _():
    limits = os.path.join(WORK, "limits")
    script = os.path.join(WORK, "proc.sh")
    with open(script, "w") as f:
        f.write(f"#!/bin/sh\ngrep 'Max core file size' /proc/$PPID/limits > {limits}\n"
                "echo '{\"Version\": 1, \"AccessKeyId\": \"AKIDCORE\", \"SecretAccessKey\": \"s\"}'\n")
    os.chmod(script, 0o700)
    config = os.path.join(WORK, "config")
    with open(config, "w") as f:
        f.write(f"[default]\ncredential_process = {script}\n")
    env = client_env({"AWS_CONFIG_FILE": config, "AWS_ACCESS_KEY_ID": "",
                      "AWS_SECRET_ACCESS_KEY": ""})
    with Recorder(body=b'{"batchInferenceJobs": []}') as r:
        p = subprocess.run([program(), LIST, "--endpoint-url", r.endpoint], env=env,
                           capture_output=True, timeout=60,
                           preexec_fn=lambda: __import__("resource").setrlimit(
                               __import__("resource").RLIMIT_CORE, (1 << 30, 1 << 30)))
    assert p.returncode == 0, p.stderr
    with open(limits) as f:
        fields = f.read().split()
    assert fields[4:6] == ["0", "0"], fields


if __name__ == "__main__":
    try:
        run_cases("tests/security/test_output.py")
    finally:
        for name in os.listdir(WORK):
            os.remove(os.path.join(WORK, name))
        os.rmdir(WORK)
