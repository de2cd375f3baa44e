#!/usr/bin/env python3
"""Row 6: the generator's wall time (generation alone) and the generated program's size.

  gen_bench.py GEN BUILD_DIR ROUNDS

Per round: acg-gen on the checked-in model, on the installed Personalize model, and on every
installed JSON-protocol model one after another (tests/json_models.py). Then, once: compile
time of the whole installed Personalize model's sources (-O2) and the stripped size of the
command-line program for DescribeBatchInferenceJob alone and for the whole model."""
import os
import shutil
import subprocess
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tests"))
import json_models  # noqa: E402

PKGS = "yaml-0.1 libcurl libcrypto libpcre2-8 zlib inih expat".split()


def gen(gen_bin, model, out, *extra):
    shutil.rmtree(out, ignore_errors=True)
    t0 = time.perf_counter()
    # Warnings (unsupported operationContextParams paths in a few models) are not timed output.
    subprocess.run([gen_bin, "--model", model, "--out", out, *extra], check=True,
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return time.perf_counter() - t0


def build(out, binary, libs):
    flags = subprocess.run(["pkg-config", "--cflags", "--libs", *PKGS], check=True,
                           capture_output=True, text=True).stdout.split()
    # Linked as `make cli` links a program.
    flags += subprocess.run(["sh", "scripts/program_ldflags.sh"], check=True,
                            capture_output=True, text=True).stdout.split()
    srcs = sorted(os.path.join(out, f) for f in os.listdir(out) if f.endswith(".c"))
    t0 = time.perf_counter()
    subprocess.run(["cc", "-std=c11", "-O2", "-Iruntime/include", "-Iruntime/internal", "-Icli/include", "-I" + out, *srcs, *libs, *flags,
                    "-lpthread", "-lm", "-o", binary], check=True)
    t = time.perf_counter() - t0
    subprocess.run(["strip", binary], check=True)
    return t, os.path.getsize(binary)


def main():
    gen_bin, build_dir, rounds = sys.argv[1], sys.argv[2], int(sys.argv[3])
    work = os.path.join(build_dir, "gen")
    os.makedirs(work, exist_ok=True)
    checked_in = "models/personalize/2018-05-22/service-2.yaml"
    models = list(json_models.json_models())
    full = dict(models)["personalize"]
    for _ in range(rounds):
        print(f"gen.checked_in_ms {gen(gen_bin, checked_in, work + '/checked-in') * 1e3:.2f}")
        print(f"gen.personalize_ms {gen(gen_bin, full, work + '/personalize') * 1e3:.2f}")
        total = 0.0
        for svc, path in models:
            total += gen(gen_bin, path, f"{work}/all/{svc}")
        print(f"gen.all_json_s {total:.3f}")
        sys.stdout.flush()
    print(f"gen.all_json_count {len(models)}")
    # The program's main calls acg_cli_main (libacg_cli), which sits on libacg.
    top = os.path.dirname(os.path.dirname(gen_bin))
    lib = [os.path.join(top, "libacg_cli.a"), os.path.join(top, "libacg.a")]
    t, size = build(work + "/personalize", work + "/personalize-all", lib)
    print(f"compile.personalize_s {t:.2f}")
    print(f"size.personalize_all_kb {size / 1024:.1f}")
    gen(gen_bin, full, work + "/describe-only", "--operation", "DescribeBatchInferenceJob")
    t, size = build(work + "/describe-only", work + "/personalize-describe", lib)
    print(f"compile.describe_only_s {t:.2f}")
    print(f"size.describe_only_kb {size / 1024:.1f}")
    for line in open(work + "/personalize/MANIFEST"):
        if line.startswith("operations:"):
            print(f"size.personalize_all_ops {len(line.split(','))}")


if __name__ == "__main__":
    main()
