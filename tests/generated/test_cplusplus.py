"""C++ callers: a C++ file that includes the generated personalize.h (and the command-line
library's header) compiles warning-free with g++ and links against the C runtime, the
generated tables and the endpoint rules, and the program it makes runs."""
import os
import shlex
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
import pybuild  # noqa: E402
from pyharness import case, run  # noqa: E402

BUILD = os.environ.get("BUILD", "build")
GENERATED = "generated/personalize"

SOURCE = r"""
#include <cstdio>
#include <cstring>

#include "personalize.h"
#include "cli/acg_cli.h"

int main()
{
    struct personalize_describe_batch_inference_job_request req;
    personalize_describe_batch_inference_job_request_init(&req);
    req.batch_inference_job_arn = "arn:aws:personalize:us-west-2:123456789012:batch-inference-job/x";
    struct personalize_describe_batch_inference_job_response res;
    std::memset(&res, 0, sizeof res);
    personalize_describe_batch_inference_job_response_free(&res);
    struct acg_error err;
    acg_error_init(&err);
    struct acg_client_config cfg;
    acg_client_config_init(&cfg);
    cfg.region = "us-west-2";
    cfg.access_key_id = "AKIDEXAMPLE";
    cfg.secret_access_key = "secret";
    struct acg_client *client = personalize_client_new(&cfg, &err);
    if (client == NULL) {
        std::printf("no client: %s\n", err.message);
        return 1;
    }
    acg_client_destroy(client);
    std::printf("%s %zu\n", personalize_service.service_id, personalize_service.operation_count);
    return 0;
}
"""


@case("a C++ file including personalize.h compiles with g++ -Wall -Wextra -Werror and links")
def _():
    with tempfile.TemporaryDirectory() as tmp:
        src = os.path.join(tmp, "use.cpp")
        exe = os.path.join(tmp, "use")
        with open(src, "w") as f:
            f.write(SOURCE)
        objs = [os.path.join(BUILD, GENERATED, n + ".o")
                for n in ("personalize_tables", "personalize_endpoints")]
        # g++ as users would; under make asan the runtime is clang's, so clang++ links it.
        cxx = "clang++" if "clang" in (os.environ.get("CC") or "") else "g++"
        cmd = [cxx, "-std=c++17", "-Wall", "-Wextra", "-Wpedantic", "-Werror",
               "-Iruntime/include", "-Icli/include", "-I" + GENERATED, src, *objs,
               os.path.join(BUILD, "libacg.a"), *shlex.split(os.environ.get("LDFLAGS") or ""),
               *pybuild.pkg_flags(), "-lpthread", "-lm", "-o", exe]
        r = subprocess.run(cmd, capture_output=True, text=True)
        assert r.returncode == 0, (cmd, r.stderr[-3000:])
        r = subprocess.run([exe], capture_output=True, text=True, timeout=60,
                           env={"PATH": os.environ.get("PATH", ""), "AWS_CONFIG_FILE": "/dev/null",
                                "AWS_SHARED_CREDENTIALS_FILE": "/dev/null"})
        assert r.returncode == 0 and r.stdout == "Personalize 3\n", (r.returncode, r.stdout, r.stderr)


run("generated/cplusplus")
