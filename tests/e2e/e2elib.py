"""Shared pieces of the end-to-end tests: where things are, running programs with bounded
time, the stand-in, and comparing outputs with timestamps as instants."""
import datetime
import os
import re
import socket
import subprocess
import sys
import time

import botocore.loaders
import botocore.model

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, os.path.join(ROOT, "tests"))
sys.path.insert(0, os.path.join(ROOT, "tests", "standin"))
from standin import ACCESS_KEY, REGION, SECRET_KEY, StandIn, client_env  # noqa: E402,F401

BUILD = os.path.join(ROOT, os.environ.get("BUILD", "build"))
PERSONALIZE = os.path.join(BUILD, "bin", "personalize")
BOTOCORE_DATA = os.path.join(os.path.dirname(botocore.loaders.__file__), "data")
REAL_MODEL = os.path.join(BOTOCORE_DATA, "personalize", "2018-05-22", "service-2.json.gz")

SOLUTION = "arn:aws:personalize:us-west-2:123456789012:solution/movies/1a2b3c4d"
ROLE = "arn:aws:iam::123456789012:role/PersonalizeRole"
# Fake clock for the stand-in: fixed timestamps with milliseconds.
CLOCK = 1764345600.123

# boto3 clients in the tests read proxies from the environment; every server is on loopback.
os.environ["NO_PROXY"] = os.environ["no_proxy"] = "127.0.0.1,localhost"

# Bounded wall time for every program a test runs.
TIMEOUT = 60


def program(path=PERSONALIZE):
    """The generated program; a test that needs it fails (never skips) when it is missing."""
    assert os.path.isfile(path) and os.access(path, os.X_OK), \
        f"{path} is missing: build it with `make` first"
    return path


def run(argv, env=None, timeout=TIMEOUT, cwd=None):
    """Runs argv, returns the CompletedProcess (text). A hang is a failure, not a wait."""
    return subprocess.run(argv, env=env if env is not None else client_env(), cwd=cwd,
                          stdin=subprocess.DEVNULL, capture_output=True, text=True,
                          timeout=timeout)


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for_port(port, proc, seconds=30):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"server exited with {proc.returncode} before listening")
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
            return
        except OSError:
            time.sleep(0.1)
    raise RuntimeError(f"nothing listening on 127.0.0.1:{port} after {seconds} s")


def stop(proc):
    if proc.poll() is None:
        proc.terminate()
        try:
            proc.wait(timeout=5)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=5)


def service_model():
    """The installed (current AWS) Personalize model, as botocore reads it."""
    data = botocore.loaders.Loader().load_service_model("personalize", "service-2")
    return botocore.model.ServiceModel(data, service_name="personalize")


def instant(value):
    """Epoch seconds of a timestamp printed as a number or as an ISO 8601 string, cut to
    the whole millisecond (the generated code keeps milliseconds and drops the rest, so a
    microsecond value is truncated, never rounded, to compare as the same instant)."""
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        micros = round(value * 1_000_000)
    else:
        assert isinstance(value, str), f"not a timestamp: {value!r}"
        moment = datetime.datetime.fromisoformat(value)
        assert moment.tzinfo is not None, f"timestamp without a zone: {value!r}"
        since = moment - datetime.datetime(1970, 1, 1, tzinfo=datetime.timezone.utc)
        micros = (since.days * 86400 + since.seconds) * 1_000_000 + since.microseconds
    return (micros // 1000) / 1000


def instants(shape, value):
    """value with every timestamp member (by the model) turned into epoch seconds in whole
    milliseconds, so outputs of different programs compare as instants."""
    kind = shape.type_name
    if kind == "structure" and isinstance(value, dict):
        return {k: instants(shape.members[k], v) if k in shape.members else v
                for k, v in value.items()}
    if kind == "list" and isinstance(value, list):
        return [instants(shape.member, v) for v in value]
    if kind == "map" and isinstance(value, dict):
        return {k: instants(shape.value, v) for k, v in value.items()}
    if kind == "timestamp":
        return instant(value)
    return value


def error_line(stderr, code, operation):
    """The AWS CLI's service error line in stderr, or None."""
    pattern = (rf"^An error occurred \({re.escape(code)}\) when calling the "
               rf"{re.escape(operation)} operation( \(reached max retries: \d+\))?: (.*)$")
    for line in stderr.splitlines():
        m = re.match(pattern, line)
        if m:
            return m
    return None


def compare_transcripts(aws, ours, error_of, masks=(None, None), mask_errors=True, also=None):
    """The AWS CLI's and our program's runs of the same steps agree, step by step: the exit
    status (0 for both, or the AWS CLI's 255 against our 254 for a service error), stdout
    byte for byte and the error line error_of(stderr) finds, each through its side's mask
    (masks: a function each, None for none; mask_errors=False leaves the error lines as
    they are). also(a, o) checks more of each step that succeeded. A step is a dict with
    "op", "rc", "stdout" and "stderr". Returns the number of service errors."""
    mask_aws, mask_ours = (m or (lambda text: text) for m in masks)
    assert len(aws) == len(ours), (len(aws), len(ours))
    errors = 0
    for a, o in zip(aws, ours):
        where = a["op"]
        if a["rc"] == 0:
            assert o["rc"] == 0, (where, o["rc"], o["stderr"][-2000:])
            if also is not None:
                also(a, o)
        else:
            errors += 1
            assert (a["rc"], o["rc"]) == (255, 254), (where, a["stderr"], o["stderr"])
        sa, so = mask_aws(a["stdout"]), mask_ours(o["stdout"])
        assert sa == so, (where, sa, so)
        ea, eo = error_of(a["stderr"]), error_of(o["stderr"])
        if mask_errors:
            ea, eo = mask_aws(ea), mask_ours(eo)
        assert ea == eo, (where, ea, eo)
    return errors


def create_args(name, solution=SOLUTION):
    """Member options of a CreateBatchInferenceJob call, as both CLIs take them."""
    return ["--job-name", name, "--solution-version-arn", solution, "--role-arn", ROLE,
            "--job-input", '{"s3DataSource": {"path": "s3://bucket/in.json"}}',
            "--job-output", '{"s3DataDestination": {"path": "s3://bucket/out/"}}']


def with_moto_servers(servers, suite, run_cases):
    """Runs the suite's cases with one moto_server each for "aws" and "ours" (fresh state),
    their endpoint URLs in servers while they run."""
    procs = []
    log = open(os.devnull, "w")
    try:
        for who in ("aws", "ours"):
            port = free_port()
            proc = subprocess.Popen(["moto_server", "-H", "127.0.0.1", "-p", str(port)],
                                    stdin=subprocess.DEVNULL, stdout=log, stderr=log,
                                    env=client_env())
            procs.append(proc)
            wait_for_port(port, proc)
            servers[who] = f"http://127.0.0.1:{port}"
        run_cases(suite)
    finally:
        for proc in procs:
            stop(proc)
        log.close()
