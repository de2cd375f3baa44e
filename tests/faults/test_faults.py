"""Fault table (issue 5, item 3): build/bin/personalize and the generated call API
(tests/faults/call_driver.c) against the Personalize stand-in's fault switches and plain
sockets. Each row asserts the exit status or status code, the attempts the stand-in logged
(its --log file), the wall time (generous bounds) and the error text; a few program rows and
call-API rows run again under valgrind memcheck to show nothing leaks (in a `make asan` build,
whose binaries valgrind cannot run, those rows run them as they are and rely on AddressSanitizer
and LeakSanitizer, which report the same way: "==PID==" lines and a non-zero exit).

Connect timeout: a loopback socket that listens with backlog 0 and never accepts, its accept
queue filled first, so the kernel drops further SYNs and the client's connect hangs until its
own timeout (no unroutable-address trick: loopback only, deterministic here).
"""
import json
import os
import re
import socket
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from faultlib import (REGION, Logged, call_driver, client_env, closed_port,  # noqa: E402
                      driver_result, memcheck, no_memory_errors, program, timed)
from pyharness import case, run as run_cases  # noqa: E402

S = Logged()
LIST = "list-batch-inference-jobs"
EMPTY_LIST = {"batchInferenceJobs": []}
AWS_LINE = ("An error occurred ({code}) when calling the ListBatchInferenceJobs operation"
            "{retries}: {message}")


def fresh(**switches):
    """Forgets jobs, faults and the log, then sets the row's fault switches."""
    S.reset()
    if switches:
        S.control(**switches)


def cli(*args, env=None, endpoint=None, valgrind=False):
    argv = [program(), *args, "--endpoint-url", endpoint or S.endpoint, "--region", REGION]
    return timed(memcheck(argv) if valgrind else argv, env=client_env(env))


def api(*args, endpoint=None, valgrind=False):
    """Runs call_driver; returns (its JSON result, seconds, CompletedProcess)."""
    argv = [call_driver(), "--endpoint", endpoint or S.endpoint, "--region", REGION, *args]
    result, seconds = timed(memcheck(argv) if valgrind else argv)
    return driver_result(result), seconds, result


def ok_list(result):
    assert result.returncode == 0, (result.returncode, result.stdout, result.stderr)
    assert json.loads(result.stdout) == EMPTY_LIST, result.stdout


def failed(result, status, *patterns):
    """Exit status, nothing on stdout, each regex in stderr."""
    assert result.returncode == status, (result.returncode, result.stdout, result.stderr)
    assert result.stdout == "", result.stdout
    for pattern in patterns:
        assert re.search(pattern, result.stderr, re.IGNORECASE), (pattern, result.stderr)


def within(seconds, low, high):
    assert low <= seconds < high, f"wall time {seconds:.2f} s not in [{low}, {high})"


def statuses():
    return [r["status"] for r in S.logged()]


# --- throttling ------------------------------------------------------------------------

@case("program: throttled twice, retried, then succeeds (3 attempts logged)")
def _():
    fresh(throttle=2)
    result, seconds = cli(LIST)
    ok_list(result)
    assert S.verdicts() == ["throttle", "throttle", "ok"], S.logged()
    within(seconds, 0, 10)


@case("call API: throttled twice, retried, then succeeds (attempts 3)")
def _():
    fresh(throttle=2)
    out, seconds, _ = api("list")
    assert out["rc"] == "ok" and out["result"] == "0 jobs", out
    assert out["attempts"] == 3, out
    assert statuses() == [400, 400, 200], statuses()
    within(seconds, 0, 10)


@case("program: throttling exhausted -> 254, '(reached max retries: 2)', 3 attempts")
def _():
    fresh(throttle=5)
    result, seconds = cli(LIST)
    failed(result, 254, re.escape(AWS_LINE.format(code="ThrottlingException",
                                                 retries=" (reached max retries: 2)",
                                                 message="Rate exceeded")))
    assert statuses() == [400, 400, 400], S.logged()
    within(seconds, 0, 10)


@case("call API: throttling exhausted -> service error, ThrottlingException, exhausted")
def _():
    fresh(throttle=5)
    out, seconds, _ = api("list")
    assert out["rc"] == "service error" and out["aws_type"] == "ThrottlingException", out
    assert out["http_status"] == 400 and out["attempts"] == 3 and out["exhausted"], out
    assert out["message"] == "Rate exceeded", out
    assert len(S.logged()) == 3, S.logged()
    within(seconds, 0, 10)


# --- 5xx -------------------------------------------------------------------------------

@case("program: 500 then 503, retried within the quota, then succeeds")
def _():
    fresh(status=[500, 503])
    result, seconds = cli(LIST)
    ok_list(result)
    assert statuses() == [500, 503, 200], S.logged()
    within(seconds, 0, 10)


@case("call API: 500 then 503, retried within the quota, then succeeds")
def _():
    fresh(status=[500, 503])
    out, seconds, _ = api("list")
    assert out["rc"] == "ok" and out["attempts"] == 3, out
    assert statuses() == [500, 503, 200], S.logged()
    within(seconds, 0, 10)


@case("program: AWS_MAX_ATTEMPTS=2 with 503, 500 -> 254 after exactly 2 attempts")
def _():
    fresh(status=[503, 500, 500])
    result, seconds = cli(LIST, env={"AWS_MAX_ATTEMPTS": "2"})
    failed(result, 254, re.escape(AWS_LINE.format(code="InternalFailure",
                                                 retries=" (reached max retries: 1)",
                                                 message="stand-in fault: HTTP 500")))
    assert statuses() == [503, 500], S.logged()
    within(seconds, 0, 10)


@case("call API: max_attempts 2 with 503, 500 -> service error 500 after 2 attempts")
def _():
    fresh(status=[503, 500, 500])
    out, seconds, _ = api("--max-attempts", "2", "list")
    assert out["rc"] == "service error" and out["http_status"] == 500, out
    assert out["aws_type"] == "InternalFailure" and out["attempts"] == 2 and out["exhausted"], out
    assert statuses() == [503, 500], S.logged()
    within(seconds, 0, 10)


# --- connection refused, connect timeout, read timeout ----------------------------------

def attempts_logged(result):
    """Attempts the program's --debug log shows (no server can count refused connects)."""
    return len(re.findall(r"DEBUG sending POST .* \(attempt \d+ of \d+", result.stderr))


@case("program: connection refused (closed port) -> 255 after 3 attempts, bounded wall time")
def _():
    result, seconds = cli(LIST, "--debug", endpoint=f"http://127.0.0.1:{closed_port()}")
    failed(result, 255, r"connect", r"127\.0\.0\.1")
    assert attempts_logged(result) == 3, result.stderr
    within(seconds, 0, 10)


@case("call API: connection refused -> transport error, no HTTP status")
def _():
    out, seconds, _ = api("list", endpoint=f"http://127.0.0.1:{closed_port()}")
    assert out["rc"] == "transport error" and out["http_status"] == 0, out
    assert out["attempts"] == 3 and out["exhausted"], out
    assert re.search(r"connect", out["message"], re.I), out
    within(seconds, 0, 10)


class Unaccepting:
    """A loopback listener with backlog 0 that never accepts; its accept queue is filled
    first, so a new connection attempt gets no SYN-ACK and hangs until the client gives up."""

    def __enter__(self):
        self.server = socket.socket()
        self.server.bind(("127.0.0.1", 0))
        self.server.listen(0)
        self.port = self.server.getsockname()[1]
        self.fillers = []
        for _ in range(4):
            s = socket.socket()
            s.setblocking(False)
            s.connect_ex(("127.0.0.1", self.port))
            self.fillers.append(s)
        time.sleep(0.2)
        with socket.socket() as probe:  # the trick must hold here, or the row is meaningless
            probe.settimeout(0.5)
            try:
                probe.connect(("127.0.0.1", self.port))
                raise AssertionError("the full-backlog listener accepted a connection: "
                                     "the connect-timeout rows cannot work on this machine")
            except (TimeoutError, socket.timeout):
                pass
        return self

    def __exit__(self, *exc):
        for s in self.fillers:
            s.close()
        self.server.close()


@case("program: connect timeout (--cli-connect-timeout 1, never accepted) -> 255, 3 attempts")
def _():
    with Unaccepting() as u:
        result, seconds = cli(LIST, "--cli-connect-timeout", "1", "--debug",
                              endpoint=f"http://127.0.0.1:{u.port}")
    failed(result, 255, r"timeout|timed out", r"connect")
    assert attempts_logged(result) == 3, result.stderr
    within(seconds, 1, 10)  # it waited for the timeout (3 attempts), and not much longer


@case("call API: connect timeout 500 ms, 1 attempt -> transport error in about 0.5 s")
def _():
    with Unaccepting() as u:
        out, seconds, _ = api("--connect-timeout-ms", "500", "--max-attempts", "1", "list",
                              endpoint=f"http://127.0.0.1:{u.port}")
    assert out["rc"] == "transport error" and out["attempts"] == 1, out
    assert re.search(r"timeout|timed out", out["message"], re.I), out
    within(seconds, 0.4, 5)


@case("program: read timeout (--cli-read-timeout 1, 3 s delay each) -> 255 after 3 attempts")
def _():
    fresh(delay_ms=3000, count=3)
    result, seconds = cli(LIST, "--cli-read-timeout", "1")
    failed(result, 255, r"timeout|timed out")
    assert len(S.logged()) == 3, S.logged()
    within(seconds, 3, 10)


@case("program: one read timeout, retried, then succeeds")
def _():
    fresh(delay_ms=3000, count=1)
    result, seconds = cli(LIST, "--cli-read-timeout", "1")
    ok_list(result)
    assert len(S.logged()) == 2, S.logged()
    within(seconds, 1, 10)


@case("call API: read timeout 1000 ms -> transport error after 3 attempts")
def _():
    fresh(delay_ms=3000, count=3)
    out, seconds, _ = api("--read-timeout-ms", "1000", "list")
    assert out["rc"] == "transport error" and out["attempts"] == 3 and out["exhausted"], out
    assert re.search(r"timeout|timed out", out["message"], re.I), out
    assert len(S.logged()) == 3, S.logged()
    within(seconds, 3, 10)


# --- broken bodies ---------------------------------------------------------------------

@case("program: connection reset mid-body, every attempt -> 255 after 3 attempts")
def _():
    fresh(reset_mid_body=3)
    result, seconds = cli(LIST)
    failed(result, 255, r"Connection was closed before we received a valid response from "
                        r"endpoint URL")
    assert len(S.logged()) == 3, S.logged()
    within(seconds, 0, 10)


@case("program: connection reset mid-body once, retried, then succeeds")
def _():
    fresh(reset_mid_body=1)
    result, seconds = cli(LIST)
    ok_list(result)
    assert S.verdicts() == ["ok", "ok"], S.logged()  # the first ran; its answer was broken
    within(seconds, 0, 10)


@case("call API: connection reset mid-body -> transport error after 3 attempts")
def _():
    fresh(reset_mid_body=3)
    out, seconds, _ = api("list")
    assert out["rc"] == "transport error" and out["attempts"] == 3, out
    assert out["message"].startswith("Connection was closed before we received a valid "), out
    within(seconds, 0, 10)


@case("program: connection closed mid-body (FIN) -> 255 naming the missing bytes")
def _():
    fresh(close_mid_body=3)
    result, seconds = cli(LIST)
    failed(result, 255, r"closed|bytes remaining")
    assert len(S.logged()) == 3, S.logged()
    within(seconds, 0, 10)


@case("program: server hangs up without answering once, retried, then succeeds")
def _():
    fresh(drop=1)
    result, seconds = cli(LIST)
    ok_list(result)
    assert len(S.logged()) == 2, S.logged()
    within(seconds, 0, 10)


# A broken 200 body must say that the service's response could not be read, so a user can
# tell it from a problem with their own input.
RESPONSE_PROBLEM = r"respon|invalid JSON|not JSON"


@case("program: truncated JSON (framing intact) -> 255, 1 attempt, says the response is broken")
def _():
    fresh(truncate=1)
    result, seconds = cli(LIST)
    failed(result, 255)
    assert len(S.logged()) == 1, S.logged()
    within(seconds, 0, 10)
    failed(result, 255, RESPONSE_PROBLEM)


@case("call API: truncated JSON -> malformed JSON error, 1 attempt")
def _():
    fresh(truncate=1)
    out, seconds, _ = api("list")
    assert out["rc"] == "malformed JSON" and out["attempts"] == 1, out
    assert out["message"], out
    within(seconds, 0, 10)


@case("program: a 200 whose body is not JSON -> 255, 1 attempt, says the response is broken")
def _():
    fresh(non_json=1)
    result, seconds = cli(LIST)
    failed(result, 255)
    assert len(S.logged()) == 1, S.logged()
    within(seconds, 0, 10)
    failed(result, 255, RESPONSE_PROBLEM)


@case("program: HTML error page (502, no error type) -> 254 after 3 attempts")
def _():
    fresh(html_error=3)
    result, seconds = cli(LIST)
    failed(result, 254, re.escape("An error occurred (502) when calling the "
                                  "ListBatchInferenceJobs operation (reached max retries: 2)"),
           r"Bad Gateway")
    assert statuses() == [502, 502, 502], S.logged()
    within(seconds, 0, 10)


@case("call API: HTML error page -> service error, HTTP 502, 3 attempts")
def _():
    fresh(html_error=3)
    out, seconds, _ = api("list")
    assert out["rc"] == "service error" and out["http_status"] == 502, out
    assert out["attempts"] == 3 and out["exhausted"], out
    within(seconds, 0, 10)


@case("program: a 70 MB body (over the 64 MiB cap) -> 255 naming the limit, 1 attempt")
def _():
    fresh(huge_body_bytes=70 * 1024 * 1024)
    result, seconds = cli(LIST)
    failed(result, 255, r"larger than the 67108864-byte limit")
    assert len(S.logged()) == 1, S.logged()
    within(seconds, 0, 10)


@case("call API: max_response_bytes 1 MB, a 2 MB body -> too large, 1 attempt")
def _():
    fresh(huge_body_bytes=2_000_000)
    out, seconds, _ = api("--max-response-bytes", "1000000", "list")
    assert out["rc"] == "too large" and out["attempts"] == 1, out
    assert "1000000-byte limit" in out["message"], out
    assert len(S.logged()) == 1, S.logged()
    within(seconds, 0, 10)


@case("call API: max_response_bytes 1 MB, a 500 kB body (valid JSON) -> ok")
def _():
    fresh(huge_body_bytes=500_000)
    out, seconds, _ = api("--max-response-bytes", "1000000", "list")
    assert out["rc"] == "ok" and out["result"] == "0 jobs", out
    within(seconds, 0, 10)


# --- slow server -----------------------------------------------------------------------

@case("program: body trickled 1 byte / 20 ms under a 1 s read timeout -> correct output")
def _():
    fresh(trickle_ms_per_byte=20)
    result, seconds = cli(LIST, "--cli-read-timeout", "1")
    ok_list(result)
    assert len(S.logged()) == 1, S.logged()
    within(seconds, 0.4, 10)  # 26 bytes at 20 ms each


@case("program: 1 byte / 0.9 s under --cli-read-timeout 5 -> 255 as a read timeout within ~5 s "
      "(the rate floor; silence alone never comes)")
def _():
    fresh(trickle_ms_per_byte=900)
    result, seconds = cli(LIST, "--cli-read-timeout", "5", "--debug",
                          env={"AWS_MAX_ATTEMPTS": "1"})
    # botocore's line on stderr; libcurl's reason (the rate floor) in the debug log
    failed(result, 255, r'\nRead timeout on endpoint URL: "http://127\.0\.0\.1:\d+/"\n',
           r"under 16 bytes a second")
    assert len(S.logged()) == 1, S.logged()
    within(seconds, 4.5, 9)


@case("call API: 1 byte / 100 ms, read timeout 1 s -> a read timeout in ~1 s (the rate floor: "
      "10 bytes a second is under 16); the total cap is tests/runtime/test_client_loopback.c's")
def _():
    fresh(trickle_ms_per_byte=100)
    out, seconds, _ = api("--read-timeout-ms", "1000", "--max-attempts", "1", "list")
    assert out["rc"] == "transport error" and out["attempts"] == 1, out
    assert out["message"].startswith("Read timeout on endpoint URL: "), out
    within(seconds, 0.9, 5)


# --- under valgrind (or, in an ASan build, under its own sanitizers) ---------------------

@case("memcheck, program: throttled twice then succeeds; no errors, no leaks")
def _():
    fresh(throttle=2)
    result, _ = cli(LIST, valgrind=True)
    no_memory_errors(result)
    ok_list(result)


@case("memcheck, program: throttling exhausted -> 254; no errors, no leaks")
def _():
    fresh(throttle=5)
    result, _ = cli(LIST, valgrind=True)
    no_memory_errors(result)
    failed(result, 254, r"reached max retries: 2")


@case("memcheck, program: reset mid-body -> 255; no errors, no leaks")
def _():
    fresh(reset_mid_body=3)
    result, _ = cli(LIST, valgrind=True)
    no_memory_errors(result)
    failed(result, 255, r"Connection was closed before we received a valid response from "
                        r"endpoint URL")


@case("memcheck, program: truncated JSON -> 255; no errors, no leaks")
def _():
    fresh(truncate=1)
    result, _ = cli(LIST, valgrind=True)
    no_memory_errors(result)
    failed(result, 255)


@case("memcheck, program: HTML error page -> 254; no errors, no leaks")
def _():
    fresh(html_error=3)
    result, _ = cli(LIST, valgrind=True)
    no_memory_errors(result)
    failed(result, 254, r"\(502\)")


@case("memcheck, program: read timeout -> 255; no errors, no leaks")
def _():
    fresh(delay_ms=3000, count=3)
    result, _ = cli(LIST, "--cli-read-timeout", "1", valgrind=True)
    no_memory_errors(result)
    failed(result, 255, r"timeout|timed out")


@case("memcheck, program: connection refused -> 255; no errors, no leaks")
def _():
    result, _ = cli(LIST, endpoint=f"http://127.0.0.1:{closed_port()}", valgrind=True)
    no_memory_errors(result)
    failed(result, 255, r"connect")


@case("memcheck, call API: 500/503 retried, truncated JSON, too large; no errors, no leaks")
def _():
    fresh(status=[500, 503])
    out, _, result = api("list", valgrind=True)
    no_memory_errors(result)
    assert out["rc"] == "ok", out
    fresh(truncate=1)
    out, _, result = api("list", valgrind=True)
    no_memory_errors(result)
    assert out["rc"] == "malformed JSON", out
    fresh(huge_body_bytes=2_000_000)
    out, _, result = api("--max-response-bytes", "1000000", "list", valgrind=True)
    no_memory_errors(result)
    assert out["rc"] == "too large", out


@case("the stand-in reported no internal error")
def _():
    # socketserver also prints a traceback when a client resets a connection, which several
    # rows do on purpose (a client hanging up at its cap); only the stand-in's own failures
    # count here.
    assert "stand-in: internal error" not in S.errors(), S.errors()


if __name__ == "__main__":
    try:
        S.start()
        run_cases("tests/faults/test_faults.py")
    finally:
        S.stop()
        S.remove_log()
