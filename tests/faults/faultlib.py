"""Shared pieces of the fault, bad-input and secrets tests (issue 5, items 3, 4 and 6).

- program(): build/bin/personalize (the generated command-line program); a test that needs it
  fails when it is missing, it never skips.
- call_driver(): tests/faults/call_driver.c compiled with pybuild.cc (make's CC/CFLAGS/LDFLAGS)
  against $BUILD/libacg.a and generated/personalize/*.c minus personalize_main.c, once per
  suite, into $BUILD/tests/faults/.
- Logged: the Personalize stand-in started with --log FILE; logged() reads that file, so
  "attempts" and "nothing was sent" are what the server saw, not what the client says.
- timed(): runs a command with a hard timeout and returns (CompletedProcess, seconds).
"""
import json
import os
import re
import socket
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, os.path.join(ROOT, "tests"))
sys.path.insert(0, os.path.join(ROOT, "tests", "standin"))
import pybuild  # noqa: E402
from standin import ACCESS_KEY, REGION, SECRET_KEY, StandIn, client_env  # noqa: E402,F401

BUILD = os.path.join(ROOT, os.environ.get("BUILD", "build"))
PERSONALIZE = os.path.join(BUILD, "bin", "personalize")
GENERATED = os.path.join(ROOT, "generated", "personalize")
DRIVER_SRC = os.path.join(HERE, "call_driver.c")

SOLUTION = "arn:aws:personalize:us-west-2:123456789012:solution/movies/1a2b3c4d"
ROLE = "arn:aws:iam::123456789012:role/PersonalizeRole"
JOB_ARN = f"arn:aws:personalize:{REGION}:123456789012:batch-inference-job/"

# Every program a test runs is killed after this long: a hang is a failure, not a wait.
HARD_TIMEOUT = 60
VALGRIND = ["valgrind", "-q", "--error-exitcode=99", "--leak-check=full",
            "--errors-for-leak-kinds=definite,indirect,possible"]

_sanitized = {}


def memcheck(argv):
    """argv under valgrind memcheck, or as it is when the binary is built with
    AddressSanitizer (make asan): valgrind cannot run those, and ASan and LeakSanitizer
    already check every run of them. Either tool reports on stderr in lines that start with
    "==PID==", and with a non-zero exit (valgrind: 99)."""
    path = argv[0]
    if path not in _sanitized:
        with open(path, "rb") as f:
            _sanitized[path] = b"__asan_init" in f.read()
    return list(argv) if _sanitized[path] else VALGRIND + list(argv)


def no_memory_errors(result):
    assert result.returncode != 99, result.stderr
    assert not re.search(r"^==\d+==", result.stderr, re.M), result.stderr


os.environ["NO_PROXY"] = os.environ["no_proxy"] = "127.0.0.1,localhost"


def program():
    assert os.path.isfile(PERSONALIZE) and os.access(PERSONALIZE, os.X_OK), \
        f"{PERSONALIZE} is missing: build it with `make all` first"
    return PERSONALIZE


_drivers = {}


def call_driver(name="call_driver"):
    """Compiles call_driver.c (once per process) and returns the executable's path."""
    if name not in _drivers:
        lib = os.path.join(BUILD, "libacg.a")
        assert os.path.isfile(lib), f"{lib} is missing: build it with `make all` first"
        out_dir = os.path.join(BUILD, "tests", "faults")
        os.makedirs(out_dir, exist_ok=True)
        exe = os.path.join(out_dir, name)
        srcs = sorted(os.path.join(GENERATED, f) for f in os.listdir(GENERATED)
                      if f.endswith(".c") and f != "personalize_main.c")
        result = subprocess.run(
            pybuild.cc("-Wall", "-Wextra", "-I" + os.path.join(ROOT, "runtime", "include"),
                       "-I" + GENERATED, DRIVER_SRC, *srcs, lib, "-o", exe),
            capture_output=True, text=True, timeout=180)
        assert result.returncode == 0, f"compiling {DRIVER_SRC} failed:\n{result.stderr}"
        _drivers[name] = exe
    return _drivers[name]


def timed(argv, env=None, timeout=HARD_TIMEOUT, input=None):
    """Runs argv (str or bytes items) with stdin closed; returns (CompletedProcess, seconds).
    stdout and stderr are text, undecodable bytes replaced."""
    start = time.monotonic()
    result = subprocess.run(argv, env=env if env is not None else client_env(),
                            stdin=subprocess.DEVNULL if input is None else None, input=input,
                            capture_output=True, timeout=timeout)
    elapsed = time.monotonic() - start
    result.stdout = result.stdout.decode(errors="replace")
    result.stderr = result.stderr.decode(errors="replace")
    return result, elapsed


def driver_result(result):
    """The JSON object call_driver printed (its exit status is 0 or 1, never a crash)."""
    assert result.returncode in (0, 1), (result.returncode, result.stdout, result.stderr)
    return json.loads(result.stdout)


def closed_port():
    """A loopback port nothing listens on (bound by the OS, then released)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Logged(StandIn):
    """The stand-in with its request log in a file; logged() reads that file."""

    def __init__(self, *args):
        self.log_dir = tempfile.mkdtemp(prefix="acg-faults-")
        self.log_path = os.path.join(self.log_dir, "requests.jsonl")
        super().__init__("--log", self.log_path, *args)

    def logged(self):
        """Every AWS-shaped request the stand-in received since the last reset, from --log."""
        if not os.path.exists(self.log_path):
            return []
        with open(self.log_path, encoding="utf-8") as f:
            return [json.loads(line) for line in f if line.strip()]

    def verdicts(self):
        return [r["verdict"] for r in self.logged()]

    def remove_log(self):
        for name in os.listdir(self.log_dir):
            os.remove(os.path.join(self.log_dir, name))
        os.rmdir(self.log_dir)
