"""Terminal safety (issue 10, item 5): text from a server, a file or the environment reaches
stdout, stderr and the --debug log with control characters escaped. C0 controls (ESC, BEL,
bare CR, ...), DEL and C1 controls (U+0080-U+009F as UTF-8, e.g. U+009B, an 8-bit CSI) show
as the four characters \\xNN; bytes that are not UTF-8 become U+FFFD; on stdout, whose text
is JSON, the same characters become JSON escapes (\\u009b), so the value is unchanged.

Each row serves a hostile answer from tests/servers/recorder.py and checks the bytes the
program wrote: no ESC, no C1, no bare CR, valid UTF-8, and the escaped form present.
"""
import json
import os
import re
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(os.path.dirname(HERE), "faults"))
sys.path.insert(0, os.path.join(os.path.dirname(HERE), "servers"))
from faultlib import client_env, program  # noqa: E402
from pyharness import case, run as run_cases  # noqa: E402
from recorder import Recorder  # noqa: E402

import subprocess  # noqa: E402

LIST = "list-batch-inference-jobs"
HOSTILE = "x\x1b]0;pwned\x07\x1b[2J\u009b31m\x7f\rfake\u0085"
WORK = tempfile.mkdtemp(prefix="acg-terminal-")


def run(argv, env):
    """Runs argv and returns (status, stdout bytes, stderr bytes): the raw bytes matter."""
    p = subprocess.run(argv, env=env, stdin=subprocess.DEVNULL, capture_output=True, timeout=60)
    return p.returncode, p.stdout, p.stderr


def assert_terminal_safe(data, label):
    """No C0 control but LF (and TAB), no DEL, no C1, no bare CR, valid UTF-8."""
    text = data.decode("utf-8")  # raises on invalid UTF-8
    bad = [f"U+{ord(c):04X} at {i}" for i, c in enumerate(text)
           if (ord(c) < 0x20 and c not in "\n\t") or 0x7f <= ord(c) <= 0x9f]
    assert not bad, f"{label}: {bad[:5]} in {data[:400]!r}"
    return text


def serve(status, body, headers=None, args=(), env=None):
    with Recorder(status=status, body=body, headers=headers) as r:
        e = client_env(dict({"AWS_MAX_ATTEMPTS": "1"}, **(env or {})))
        return run([program(), LIST, "--endpoint-url", r.endpoint, *args], e)


@case("service error: code, message and request id with ESC, BEL, C1, DEL, bare CR -> escaped")
def _():
    body = json.dumps({"__type": "aws#Evil\x1b[31mException", "message": HOSTILE}).encode()
    status, out, err = serve(400, body, {"x-amzn-RequestId": "req-\x1b[2J-1"})
    assert status == 254, (status, err)
    text = assert_terminal_safe(err, "stderr")
    assert "An error occurred (Evil\\x1b[31mException) when calling the ListBatchInferenceJobs" \
        " operation: x\\x1b]0;pwned\\x07\\x1b[2J\\x9b31m\\x7f\\x0dfake\\x85" in text, text
    assert out == b"", out


@case("service error, --debug: every log line is safe, the request id included")
def _():
    body = json.dumps({"__type": "Evil\x1bException", "message": HOSTILE}).encode()
    status, out, err = serve(400, body, {"x-amzn-RequestId": "req-\x1b[2J-1"}, args=["--debug"])
    assert status == 254, (status, err)
    text = assert_terminal_safe(err, "stderr --debug")
    assert "request id: req-\\x1b[2J-1" in text, text


@case("a body that is not JSON, with invalid UTF-8 and ESC -> U+FFFD and \\x1b")
def _():
    status, out, err = serve(400, b"\xff\xfe oops \x1b[2J \xc3")
    assert status == 254, (status, err)
    text = assert_terminal_safe(err, "stderr")
    assert "\ufffd" in text and "\\x1b[2J" in text, text


@case("stdout: JSON strings with C1 and DEL come out as JSON escapes, the same value")
def _():
    job = {"jobName": "n\u009b31m\x7f\x1b[2J", "batchInferenceJobArn": "arn:x",
           "status": "ACTIVE"}
    body = json.dumps({"batchInferenceJobs": [job]}).encode()
    status, out, err = serve(200, body)
    assert status == 0, (status, err)
    text = assert_terminal_safe(out, "stdout")
    assert "\\u009b31m\\u007f\\u001b[2J" in text, text
    assert json.loads(text)["batchInferenceJobs"][0]["jobName"] == job["jobName"], text


HOSTILE_SHOWN = "x\\x1b]0;pwned\\x07\\x1b[2J\\x9b31m\\x7f\\x0dfake\\x85"
TABLE_COLOURS = re.compile(r"\x1b\[(0|1|2|33|34)m")   # acg_output_table.c's own codes


def hostile_jobs():
    job = {"jobName": HOSTILE, "batchInferenceJobArn": "arn:\x1b[2J", "status": "ACTIVE"}
    return json.dumps({"batchInferenceJobs": [job]}).encode()


@case("--output text, table and yaml: server text escaped, pages and all")
def _():
    for fmt in ("text", "table", "yaml", "yaml-stream"):
        status, out, err = serve(200, hostile_jobs(), args=["--output", fmt])
        assert status == 0, (fmt, status, err)
        text = assert_terminal_safe(out, f"stdout --output {fmt}")
        if fmt in ("text", "table"):
            assert HOSTILE_SHOWN in text, (fmt, text)


@case("--output table --color on: the table's colours stay, the server's codes are escaped")
def _():
    status, out, err = serve(200, hostile_jobs(), args=["--output", "table", "--color", "on"])
    assert status == 0, (status, err)
    assert b"\x1b[1m" in out, out
    text = assert_terminal_safe(TABLE_COLOURS.sub("", out.decode()).encode(), "table colours")
    assert HOSTILE_SHOWN in text and "arn:\\x1b[2J" in text, text


@case("an output format from the environment is escaped in its error")
def _():
    status, out, err = serve(200, b"{}", env={"AWS_DEFAULT_OUTPUT": "bogus\x1b[2J"})
    assert status == 255, (status, err)
    text = assert_terminal_safe(err, "stderr")
    assert "Unknown output type: bogus\\x1b[2J" in text, text


@case("--cli-input-json from a file that is not JSON: the echoed text is escaped")
def _():
    path = os.path.join(WORK, "input.json")
    with open(path, "w") as f:
        f.write("{oops \x1b]0;pwned\x07")
    status, out, err = run([program(), LIST, "--cli-input-json", "file://" + path], client_env())
    assert status == 252, (status, err)
    text = assert_terminal_safe(err, "stderr")
    assert "JSON received: {oops \\x1b]0;pwned\\x07" in text, text


@case("a config file value echoed in an error (retry_mode) is escaped")
def _():
    config = os.path.join(WORK, "config")
    with open(config, "w") as f:
        f.write("[default]\nretry_mode = eager\x1b]0;pwned\x07\n")
    status, out, err = serve(200, b"{}", env={"AWS_CONFIG_FILE": config})
    assert status == 253, (status, err)
    text = assert_terminal_safe(err, "stderr")
    assert "retry_mode" in text and "\\x1b]0;pwned\\x07" in text, text


@case("an option name from argv with ESC is escaped in the usage error")
def _():
    status, out, err = run([program(), LIST, "--bogus\x1b[2J"], client_env())
    assert status == 252, (status, err)
    text = assert_terminal_safe(err, "stderr")
    assert re.search(r"Unknown options: --bogus\\x1b\[2J", text), text


if __name__ == "__main__":
    try:
        run_cases("tests/security/test_terminal.py")
    finally:
        for name in os.listdir(WORK):
            os.remove(os.path.join(WORK, name))
        os.rmdir(WORK)
