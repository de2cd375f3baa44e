"""Scale: the endpoint rule set of every installed json-protocol botocore model (newest API
version; metadata.protocol "json" or "json" first in metadata.protocols) becomes C that gcc
and clang accept with -std=c11 -Wall -Wextra -Wpedantic -Werror -Wshadow
-Wstrict-prototypes -Wmissing-prototypes. One emit and one compile per service and
compiler, two at a time. Set ENDPOINT_SCALE_CC=gcc to skip clang."""
import concurrent.futures
import os
import shutil
import subprocess
import sys

sys.path.insert(0, os.path.join(os.path.dirname(__file__), ".."))
sys.path.insert(0, os.path.dirname(__file__))
from pyharness import case, run  # noqa: E402
import endpoints_build as eb  # noqa: E402
from json_models import json_models  # noqa: E402

COMPILERS = [c for c in os.environ.get("ENDPOINT_SCALE_CC", "gcc clang").split() if shutil.which(c)]
MODELS = list(json_models())
OUT = os.path.join(eb.WORK, "scale")


def one(svc, model):
    """Emits and compiles one service's resolver; returns None or a failure text."""
    ruleset = os.path.join(os.path.dirname(model), "endpoint-rule-set-1.json.gz")
    if not os.path.exists(ruleset):
        return f"{svc}: no endpoint-rule-set-1.json.gz beside {model}"
    fn = svc.replace("-", "_") + "_resolve_endpoint"
    try:
        code = eb.emit(ruleset, fn)
    except AssertionError as e:
        return str(e)
    path = os.path.join(OUT, svc + ".c")
    with open(path, "w") as f:
        f.write('#include "endpoints/acg_endpoint_rules.h"\n\n')
        f.write(f"int {fn}(const struct acg_endpoint_params *params, struct acg_endpoint *out,\n"
                "    struct acg_error *err);\n\n")
        f.write(code)
    for cc in COMPILERS:
        r = subprocess.run([cc, *eb.STRICT, "-Iruntime/include", "-Iruntime/internal", "-Icli/include", "-fsyntax-only", path],
                           capture_output=True, text=True)
        if r.returncode != 0 or r.stderr:
            return f"{svc}: {cc} rejects {path}:\n{r.stderr[:2000]}"
    return None


@case(f"{len(MODELS)} json-protocol models: every endpoint rule set emits and compiles cleanly")
def _():
    assert len(MODELS) >= 140, f"only {len(MODELS)} json-protocol models found"
    assert "gcc" in COMPILERS, "gcc is needed"
    os.makedirs(OUT, exist_ok=True)
    eb.driver()
    with concurrent.futures.ThreadPoolExecutor(max_workers=2) as pool:
        failures = [f for f in pool.map(lambda m: one(*m), MODELS) if f]
    print(f"endpoints scale: {len(MODELS) - len(failures)} of {len(MODELS)} rule sets compile under "
          f"{' and '.join(COMPILERS)}")
    assert not failures, "\n".join(failures[:5]) + f"\n({len(failures)} failed)"


@case("models without a rule set: the standard regional resolver compiles cleanly")
def _():
    os.makedirs(OUT, exist_ok=True)
    path = os.path.join(OUT, "standard.c")
    with open(path, "w") as f:
        f.write('#include "endpoints/acg_endpoint_rules.h"\n\n')
        f.write(eb.emit(None, "standard_resolve_endpoint", static=True, default_prefix="personalize"))
        f.write("\nacg_resolve_endpoint_fn standard_resolver(void);\n"
                "acg_resolve_endpoint_fn standard_resolver(void)\n{\n"
                "    return standard_resolve_endpoint;\n}\n")
    for cc in COMPILERS:
        r = subprocess.run([cc, *eb.STRICT, "-Iruntime/include", "-Iruntime/internal", "-Icli/include", "-fsyntax-only", path],
                           capture_output=True, text=True)
        assert r.returncode == 0 and not r.stderr, r.stderr


if __name__ == "__main__":
    run("generator/endpoints_scale")
