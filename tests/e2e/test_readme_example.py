"""The README's C examples are real: each ```c block compiles warning-free against the
checked-in Personalize bindings and the runtime, and runs against the stand-in doing what
the README says (a describe; the pager listing every job, the waiter returning ACG_OK)."""
import json
import os
import re
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from e2elib import (BUILD, REGION, ROOT, StandIn, client_env, create_args, program,  # noqa: E402
                    run)
import pybuild  # noqa: E402
from pyharness import case, run as run_cases  # noqa: E402

STANDIN = StandIn()
STATE = {}

# What the second block uses from the first: a client, an error record and a request.
PRELUDE = """\
    struct acg_error err;
    acg_error_init(&err);
    struct acg_client *client = personalize_client_new(NULL, &err);
    if (client == NULL)
        return 2;
    struct personalize_describe_batch_inference_job_request req;
    personalize_describe_batch_inference_job_request_init(&req);
    req.batch_inference_job_arn = argv[1];
"""
EPILOGUE = """\
    printf("rc=%d\\n", rc);
    acg_error_free(&err);
    acg_client_destroy(client);
"""


def blocks():
    text = open(os.path.join(ROOT, "README.md"), encoding="utf-8").read()
    return re.findall(r"```c\n(.*?)```", text, re.S)


def program_source(block, prelude, epilogue):
    # #include lines and functions ("static ...") go at file scope, the rest into main().
    includes = [line for line in block.splitlines() if line.startswith(("#include", "static "))]
    body = [line for line in block.splitlines() if not line.startswith(("#include", "static "))]
    return ("#include <stdio.h>\n#include \"personalize.h\"\n" + "\n".join(includes) +
            "\n\nint main(int argc, char **argv)\n{\n    (void)argc;\n    (void)argv;\n" +
            prelude + "\n".join("    " + line for line in body) + "\n" + epilogue +
            "    return 0;\n}\n")


def build(name, source):
    folder = STATE["folder"]
    src, exe = os.path.join(folder, name + ".c"), os.path.join(folder, name)
    with open(src, "w") as f:
        f.write(source)
    gen = os.path.join(ROOT, "generated", "personalize")
    # the compiler and flags of the make run (make asan: clang and the sanitizers)
    cc = pybuild.cc("-Wall", "-Wextra", "-Wpedantic", "-Werror",
                    "-I" + os.path.join(ROOT, "runtime", "include"), "-I" + gen, src,
                    os.path.join(gen, "personalize_tables.c"),
                    os.path.join(gen, "personalize_endpoints.c"),
                    os.path.join(BUILD, "libacg.a"), "-o", exe)
    result = subprocess.run(cc, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, (source, result.stderr[-3000:])
    return exe


def env():
    """The stand-in's credentials; the endpoint as a user would configure it."""
    return dict(client_env(), AWS_ENDPOINT_URL_PERSONALIZE=STANDIN.endpoint, AWS_REGION=REGION)


@case("the README has the describe example and the pager and waiter example")
def _():
    found = blocks()
    assert len(found) >= 2, found
    assert "personalize_describe_batch_inference_job(" in found[0], found[0]
    assert "_next_item(" in found[1] and "personalize_wait_" in found[1], found[1]


@case("the describe example compiles warning-free and calls the service")
def _():
    exe = build("describe", program_source(blocks()[0], "", ""))
    result = run([exe], env=env())
    # The example's ARN is a placeholder: the stand-in answers that it is malformed or
    # unknown, and the example prints the error's code and message.
    assert result.returncode == 0, (result.returncode, result.stderr)
    assert "Exception" in result.stderr or "Validation" in result.stderr, result.stderr


@case("the pager example lists every job over several pages; the waiter returns ACG_OK")
def _():
    STANDIN.reset()
    common = ["--endpoint-url", STANDIN.endpoint, "--region", REGION]
    arns = []
    for i in range(3):
        made = run([program(), "create-batch-inference-job", *create_args(f"readme-{i}"), *common])
        assert made.returncode == 0, made.stderr
        arns.append(json.loads(made.stdout)["batchInferenceJobArn"])
    # Two describes walk the job to IN PROGRESS, so the waiter's first poll sees ACTIVE.
    for _ in range(2):
        assert run([program(), "describe-batch-inference-job", "--batch-inference-job-arn",
                    arns[0], *common]).returncode == 0
    exe = build("pager", program_source(blocks()[1], PRELUDE, EPILOGUE))
    result = run([exe, arns[0]], env=env())
    assert result.returncode == 0, (result.returncode, result.stderr)
    lines = result.stdout.splitlines()
    assert {line.split()[0] for line in lines[:-1]} == {f"readme-{i}" for i in range(3)}, lines
    assert lines[-1] == "rc=0", lines
    STATE["arn"] = arns[0]


@case("the async example describes a job four times at once")
def _():
    exe = build("async", program_source(blocks()[2], PRELUDE, EPILOGUE.replace(
        'printf("rc=%d\\n", rc);', 'printf("rc=%d\\n", status[0]);')))
    result = run([exe, STATE["arn"]], env=env())
    assert result.returncode == 0, (result.returncode, result.stderr)
    lines = result.stdout.splitlines()
    assert len(lines) == 5 and all(line in ("IN PROGRESS", "ACTIVE") for line in lines[:4]), lines
    assert lines[-1] == "rc=0", lines


if __name__ == "__main__":
    STANDIN.start()
    try:
        with tempfile.TemporaryDirectory(prefix="readme-") as folder:
            STATE["folder"] = folder
            run_cases("tests/e2e/test_readme_example.py")
    finally:
        STANDIN.stop()
