"""acg-gen --vendor: the bindings of the repository's manifest vendored into an empty
folder, built three ways as the folder's README says (make, CMake, the one cc line), each
program run against the Personalize stand-in; vendoring again without the CLI removes what
acg-gen wrote before and no longer writes, and nothing else."""
import json
import os
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from e2elib import BUILD, REGION, ROOT, StandIn, create_args, run  # noqa: E402
from pyharness import case, run as run_cases  # noqa: E402

GEN = os.path.join(BUILD, "bin", "acg-gen")
STANDIN = StandIn()
STATE = {}
# Nothing from the repository or the build folder may leak in through the environment.
ENV = {k: v for k, v in os.environ.items()
       if k not in ("CPATH", "C_INCLUDE_PATH", "LIBRARY_PATH", "CFLAGS", "LDFLAGS", "MAKEFLAGS")}


def vendor(*extra):
    folder = STATE["vendor"]
    return subprocess.run([GEN, "--manifest", os.path.join(ROOT, "acg.yaml"), "--out-root",
                           STATE["scratch"], "--vendor", folder, *extra],
                          capture_output=True, text=True, timeout=120)


def readme_cc_line(folder):
    for line in open(os.path.join(folder, "README.md")).read().splitlines():
        if line.startswith("    cc "):
            return line.strip()
    raise AssertionError("the vendored README has no cc line")


def exercise(binary):
    """Creates and describes a job with the program on the stand-in."""
    STANDIN.reset()
    common = ["--endpoint-url", STANDIN.endpoint, "--region", REGION]
    result = run([binary, "create-batch-inference-job", *create_args("vendored"), *common])
    assert result.returncode == 0, (binary, result.returncode, result.stderr)
    arn = json.loads(result.stdout)["batchInferenceJobArn"]
    result = run([binary, "describe-batch-inference-job", "--batch-inference-job-arn", arn,
                  *common])
    assert result.returncode == 0, (binary, result.stderr)
    assert json.loads(result.stdout)["batchInferenceJob"]["jobName"] == "vendored"
    assert [r["verdict"] for r in STANDIN.requests()] == ["ok", "ok"]


@case("acg-gen --vendor DIR --with-cli fills an empty folder: sources, build files, README")
def _():
    result = vendor("--with-cli")
    assert result.returncode == 0, result.stderr
    folder = STATE["vendor"]
    for name in ("Makefile", "CMakeLists.txt", "README.md", "LICENSE", "VENDORED",
                 "runtime/include/acg_runtime.h", "runtime/internal/http/acg_http.h",
                 "cli/include/cli/acg_cli.h", "generated/personalize/personalize.h",
                 "generated/personalize/personalize_main.c"):
        assert os.path.isfile(os.path.join(folder, name)), name
    listed = open(os.path.join(folder, "VENDORED")).read().split()
    assert "runtime/client/acg_call.c" in listed and "Makefile" in listed
    assert vendor("--with-cli", "--check").returncode == 0


@case("the vendored folder builds with make and the program works")
def _():
    folder = STATE["vendor"]
    result = subprocess.run(["make", "-j2", "CFLAGS=-O1"], cwd=folder, env=ENV,
                            capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, result.stderr[-3000:]
    exercise(os.path.join(folder, "personalize"))


@case("the vendored folder builds with cmake and the program works")
def _():
    folder = STATE["vendor"]
    build = os.path.join(STATE["scratch"], "cmake-build")
    for argv in (["cmake", "-S", folder, "-B", build], ["cmake", "--build", build, "-j2"]):
        result = subprocess.run(argv, env=ENV, capture_output=True, text=True, timeout=600)
        assert result.returncode == 0, (argv, result.stdout[-2000:], result.stderr[-2000:])
    exercise(os.path.join(build, "personalize"))


@case("the vendored folder builds with the README's one cc line and the program works")
def _():
    folder = STATE["vendor"]
    subprocess.run(["make", "clean"], cwd=folder, env=ENV, capture_output=True, check=True)
    line = readme_cc_line(folder)
    assert line.endswith("-o personalize"), line
    result = subprocess.run(["sh", "-c", line], cwd=folder, env=ENV, capture_output=True,
                            text=True, timeout=600)
    assert result.returncode == 0, (line, result.stderr[-3000:])
    exercise(os.path.join(folder, "personalize"))


@case("vendoring again without the CLI removes the CLI and the program, keeps the user's files")
def _():
    folder = STATE["vendor"]
    open(os.path.join(folder, "mine.c"), "w").write("int mine;\n")
    os.remove(os.path.join(folder, "personalize"))
    result = vendor()
    assert result.returncode == 0, result.stderr
    assert not os.path.exists(os.path.join(folder, "cli", "acg_cli.c"))
    assert not os.path.exists(os.path.join(folder, "generated", "personalize",
                                           "personalize_main.c"))
    assert os.path.isfile(os.path.join(folder, "mine.c"))
    assert "cli/" not in open(os.path.join(folder, "VENDORED")).read()
    assert "acg_vendored_cli" not in open(os.path.join(folder, "CMakeLists.txt")).read()
    assert vendor("--check").returncode == 0
    result = vendor("--with-cli", "--check")
    assert result.returncode == 1 and "would change" in result.stdout, result.stdout


if __name__ == "__main__":
    STANDIN.start()
    try:
        with tempfile.TemporaryDirectory(prefix="vendor-folder-") as tmp:
            STATE["scratch"] = tmp
            STATE["vendor"] = os.path.join(tmp, "vendored")
            run_cases("tests/e2e/test_vendor_folder.py")
    finally:
        STANDIN.stop()
