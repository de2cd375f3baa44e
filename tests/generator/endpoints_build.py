"""Shared by the endpoint tests: builds tests/generator/endpoints_driver.c (rule set -> C)
against the generator's objects and the runtime, emits a resolver for a rule set, and builds
a small program around it that resolves parameter sets read from stdin."""
import glob
import os
import subprocess

BUILD = os.environ.get("BUILD", "build")
WORK = os.path.join(BUILD, "endpoints")
CC = os.environ.get("CC", "cc")
PKGS = ["yaml-0.1", "libcurl", "libcrypto", "libpcre2-8", "zlib", "inih"]
STRICT = ["-std=c11", "-Wall", "-Wextra", "-Wpedantic", "-Werror", "-Wshadow", "-Wstrict-prototypes",
          "-Wmissing-prototypes"]
# `make asan` builds into build-asan with clang's sanitizers; what links against those
# objects needs the same runtime.
SANITIZE = ["-fsanitize=address,undefined", "-fno-sanitize-recover=all"] if "asan" in os.path.basename(
    os.path.normpath(BUILD)) else []
if SANITIZE and "CC" not in os.environ:
    CC = "clang"


def libs():
    out = subprocess.run(["pkg-config", "--libs", *PKGS], capture_output=True, text=True, check=True)
    return out.stdout.split() + ["-lpthread", "-lm"]


def driver():
    """Path of the emitter driver, built once per run."""
    exe = os.path.join(WORK, "emit")
    if os.path.exists(exe) and os.path.getmtime(exe) >= max(
            os.path.getmtime(p) for p in glob.glob(os.path.join(BUILD, "generator", "*.o")) +
            [os.path.join(BUILD, "libacg.a"), "tests/generator/endpoints_driver.c"]):
        return exe
    os.makedirs(WORK, exist_ok=True)
    objs = [o for o in sorted(glob.glob(os.path.join(BUILD, "generator", "*.o")))
            if os.path.basename(o) != "main.o"]
    subprocess.run([CC, *STRICT, *SANITIZE, "-D_POSIX_C_SOURCE=200809L", "-g", "-Igenerator", "-Iruntime/include", "-Iruntime/internal", "-Icli/include",
                    "tests/generator/endpoints_driver.c", *objs, os.path.join(BUILD, "libacg.a"), *libs(),
                    "-o", exe], check=True)
    return exe


def emit(ruleset, fn_name, static=False, default_prefix=None):
    """The C text for one rule set (or the standard one for default_prefix)."""
    args = [driver()] + (["--static"] if static else [])
    args += ["--default", default_prefix] if default_prefix else [ruleset]
    args.append(fn_name)
    out = subprocess.run(args, capture_output=True, text=True)
    if out.returncode != 0:
        raise AssertionError(f"emitting {ruleset or default_prefix} failed:\n{out.stderr}")
    return out.stdout


# Reads lines "region|fips|dualstack|endpoint|NAME=VALUE;NAME=VALUE" ("-" for unset;
# "true"/"false" give booleans, "[x,y]" a string array; AWS::Auth::AccountId and
# AWS::Auth::AccountIdEndpointMode go to the builtins) and prints "url URL SIGNING_NAME
# SIGNING_REGION" or "error MESSAGE" for each.
RUNNER = r'''
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "endpoints/acg_endpoint_rules.h"

static int resolve_endpoint(const struct acg_endpoint_params *params, struct acg_endpoint *out,
                            struct acg_error *err);

#include "resolver.c"

static char *field(char **p, int sep)
{
    char *start = *p;
    char *end = start ? strchr(start, sep) : NULL;
    if (end != NULL) {
        *end = '\0';
        *p = end + 1;
    } else {
        *p = NULL;
    }
    return start;
}

int main(void)
{
    char line[8192];
    while (fgets(line, sizeof line, stdin) != NULL) {
        line[strcspn(line, "\n")] = '\0';
        char *p = line;
        char *region = field(&p, '|'), *fips = field(&p, '|'), *dual = field(&p, '|');
        char *endpoint = field(&p, '|');
        char *extra = p;
        struct acg_endpoint_params params;
        memset(&params, 0, sizeof params);
        struct acg_endpoint_param ctx[16];
        const char *arrays[16][8];
        size_t n = 0;
        char *q = extra != NULL && *extra != '\0' ? extra : NULL;
        while (q != NULL && n < 16) {
            char *kv = field(&q, ';');
            char *eq = strchr(kv, '=');
            if (eq == NULL)
                continue;
            *eq = '\0';
            memset(&ctx[n], 0, sizeof ctx[n]);
            ctx[n].name = kv;
            char *v = eq + 1;
            /* builtIn parameters other than the four columns come by their builtIn name */
            if (strcmp(kv, "AWS::Auth::AccountId") == 0) {
                params.builtins.account_id = v;
                continue;
            }
            if (strcmp(kv, "AWS::Auth::AccountIdEndpointMode") == 0) {
                params.builtins.account_id_endpoint_mode = v;
                continue;
            }
            if (strcmp(v, "true") == 0 || strcmp(v, "false") == 0) {
                ctx[n].type = ACG_EP_BOOL;
                ctx[n].boolean = v[0] == 't';
            } else if (v[0] == '[') {
                size_t k = 0;
                char *items = v + 1;
                items[strcspn(items, "]")] = '\0';
                while (items != NULL && *items != '\0' && k < 8)
                    arrays[n][k++] = field(&items, ',');
                ctx[n].type = ACG_EP_STRING_ARRAY;
                ctx[n].strs = arrays[n];
                ctx[n].strs_count = k;
            } else {
                ctx[n].type = ACG_EP_STRING;
                ctx[n].str = v;
            }
            n++;
        }
        params.builtins.region = strcmp(region, "-") != 0 ? region : NULL;
        params.builtins.use_fips = fips[0] == '1';
        params.builtins.use_dual_stack = dual[0] == '1';
        params.builtins.endpoint = strcmp(endpoint, "-") != 0 ? endpoint : NULL;
        params.context = ctx;
        params.context_count = n;
        struct acg_endpoint ep;
        struct acg_error err;
        acg_error_init(&err);
        if (resolve_endpoint(&params, &ep, &err) == ACG_OK)
            printf("url %s %s %s\n", ep.url, ep.signing_name[0] ? ep.signing_name : "-",
                   ep.signing_region[0] ? ep.signing_region : "-");
        else
            printf("error %s\n", err.message);
        acg_error_free(&err);
    }
    return 0;
}
'''


def runner(name, ruleset=None, default_prefix=None, extra_sources=()):
    """Builds WORK/name/run: the resolver for ruleset plus RUNNER's main; returns its path."""
    folder = os.path.join(WORK, name)
    os.makedirs(folder, exist_ok=True)
    with open(os.path.join(folder, "resolver.c"), "w") as f:
        f.write(emit(ruleset, "resolve_endpoint", static=True, default_prefix=default_prefix))
    with open(os.path.join(folder, "run.c"), "w") as f:
        f.write(RUNNER)
    exe = os.path.join(folder, "run")
    subprocess.run([CC, *STRICT, *SANITIZE, "-D_POSIX_C_SOURCE=200809L", "-O1", "-g", "-Iruntime/include", "-Iruntime/internal", "-Icli/include",
                    "-I" + folder, os.path.join(folder, "run.c"), *extra_sources,
                    os.path.join(BUILD, "libacg.a"), *libs(), "-o", exe], check=True)
    return exe


def line_for(region=None, fips=False, dual=False, endpoint=None, context=None):
    ctx = ";".join(f"{k}={'[' + ','.join(v) + ']' if isinstance(v, list) else str(v).lower() if isinstance(v, bool) else v}"
                   for k, v in (context or {}).items())
    return f"{'-' if region is None else region}|{int(fips)}|{int(dual)}|{'-' if endpoint is None else endpoint}|{ctx}\n"


def resolve_all(exe, lines):
    out = subprocess.run([exe], input="".join(lines), capture_output=True, text=True, check=True)
    got = out.stdout.splitlines()
    assert len(got) == len(lines), (len(got), len(lines), out.stderr)
    return got
