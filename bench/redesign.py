#!/usr/bin/env python3
"""Row 8: issue 11's gates, the current generator against the pre-redesign one, both run here.

  redesign.py code OLD_TREE WORK ROUNDS   generated lines (whole Personalize and SageMaker
                                          models), compile time of the whole Personalize
                                          output (ROUNDS rounds, old and new taking turns),
                                          stripped program size
  redesign.py scale OLD_TREE              make test-scale's pass (tests/scale.sh) of each
                                          tree, one after the other, timed around the script

OLD_TREE is commit a3a4d28 (the last commit before the redesign) extracted and built by
bench/run.sh (OLD_TREE/build/bin/acg-gen, OLD_TREE/build/libacg.a); the current tree is the
working directory, built into build-bench/ (bin/acg-gen, libacg.a, libacg_cli.a). Both
generators read the same installed botocore models (tests/json_models.py).

Generated lines: every file acg-gen writes for the model (the MANIFEST too), counted as
newlines. Compile: each generated .c file compiled to an object one after the other, as the
Makefile compiles generated code (cc -std=c11 -D_POSIX_C_SOURCE=200809L -O2 -Werror and the
Makefile's warnings, so it also proves them warning-free); the sum of their wall times. Size:
those objects linked as each tree's Makefile links the program (cc -O2 objects libraries, and
the current tree's scripts/program_ldflags.sh flags), then stripped; and both linked with the
current tree's flags. Compile and scale times are wall times, with the CPU time (user + system of the
child processes) beside them: on a shared machine the CPU time moves less. One "key value" a line, like the other bench tools.

SCALE_MODELS=N in the environment is handed to both scale passes (the same fixed spread of N
models, tests/scale.sh); unset, both run every json-protocol model (the current tree's pass is
held to the json protocol with SCALE_PROTOCOLS, so both compile the same models)."""
import os
import re
import resource
import subprocess
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tests"))
import json_models  # noqa: E402

WARN = ("-Wall -Wextra -Wpedantic -Wshadow -Wundef -Wformat=2 -Wstrict-prototypes "
        "-Wmissing-prototypes").split()
NEW_PKGS = "yaml-0.1 libcurl libcrypto libpcre2-8 zlib inih expat".split()
OLD_PKGS = "yaml-0.1 libcurl libcrypto libpcre2-8 zlib inih".split()


def child_cpu():
    """user + system seconds of every finished child process so far (their children too)."""
    ru = resource.getrusage(resource.RUSAGE_CHILDREN)
    return ru.ru_utime + ru.ru_stime


def pkg(args, pkgs):
    return subprocess.run(["pkg-config", *args, *pkgs], check=True, capture_output=True,
                          text=True).stdout.split()


class Tree:
    """One generator with the runtime its output compiles and links against."""

    def __init__(self, name, root, build, includes, libs, pkgs):
        self.name, self.root = name, os.path.abspath(root)
        self.gen = os.path.join(self.root, build, "bin", "acg-gen")
        self.includes = [f"-I{os.path.join(self.root, i)}" for i in includes]
        self.libs = [os.path.join(self.root, build, lib) for lib in libs]
        self.cflags = pkg(["--cflags"], pkgs)
        self.ldlibs = pkg(["--libs"], pkgs) + ["-lpthread", "-lm"]
        script = os.path.join(self.root, "scripts", "program_ldflags.sh")
        self.program_ldflags = []   # the pre-redesign Makefile linked with no flags of its own
        if os.path.exists(script):
            self.program_ldflags = subprocess.run(["sh", script], check=True, capture_output=True,
                                                  text=True).stdout.split()

    def generate(self, model, out):
        subprocess.run(["rm", "-rf", out], check=True)
        # Warnings (operationContextParams paths a generator skips) are not the measurement.
        subprocess.run([self.gen, "--model", model, "--out", out], check=True,
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, cwd=self.root)

    def compile(self, out, objdir):
        """Compiles every .c of out into objdir, one after the other; returns the wall and
        CPU seconds."""
        os.makedirs(objdir, exist_ok=True)
        total = 0.0
        cpu0 = child_cpu()
        for src in sorted(f for f in os.listdir(out) if f.endswith(".c")):
            cmd = ["cc", "-std=c11", "-D_POSIX_C_SOURCE=200809L", "-O2", "-Werror", *WARN,
                   *self.includes, f"-I{out}", *self.cflags, "-c", os.path.join(out, src),
                   "-o", os.path.join(objdir, src[:-2] + ".o")]
            t0 = time.perf_counter()
            subprocess.run(cmd, check=True)
            total += time.perf_counter() - t0
        return total, child_cpu() - cpu0

    def link(self, objdir, binary, extra=()):
        objs = sorted(os.path.join(objdir, f) for f in os.listdir(objdir) if f.endswith(".o"))
        subprocess.run(["cc", "-O2", *extra, *objs, *self.libs, *self.ldlibs, "-o", binary],
                       check=True)
        subprocess.run(["strip", binary], check=True)
        return os.path.getsize(binary)


def trees(old_tree):
    new = Tree("new", ".", "build-bench", ["runtime/include", "cli/include"],
               ["libacg_cli.a", "libacg.a"], NEW_PKGS)
    old = Tree("old", old_tree, "build", ["runtime/include"], ["libacg.a"], OLD_PKGS)
    return old, new


def lines(folder):
    n = 0
    for f in os.listdir(folder):
        with open(os.path.join(folder, f), "rb") as fh:
            n += fh.read().count(b"\n")
    return n


def text_data(objdir):
    """text + data bytes of the generated objects (what the generated code itself adds)."""
    objs = sorted(os.path.join(objdir, f) for f in os.listdir(objdir) if f.endswith(".o"))
    out = subprocess.run(["size", *objs], check=True, capture_output=True, text=True).stdout
    return sum(int(row.split()[0]) + int(row.split()[1]) for row in out.splitlines()[1:])


def code_main(old_tree, work, rounds):
    old, new = trees(old_tree)
    models = dict(json_models.json_models())
    for svc in ("personalize", "sagemaker"):
        for t in (old, new):
            out = os.path.join(work, f"{t.name}-{svc}")
            t.generate(models[svc], out)
            print(f"redesign.lines.{t.name}.{svc} {lines(out)}")
    with open(os.path.join(work, "new-personalize", "MANIFEST"), encoding="utf-8") as f:
        for row in f:
            if row.startswith("operations:"):
                print(f"redesign.personalize_ops {len(row.split(','))}")
    sys.stdout.flush()
    # Compile: old then new, ROUNDS times (the first round also warms the headers' cache).
    for _ in range(rounds):
        for t in (old, new):
            wall, cpu = t.compile(os.path.join(work, f"{t.name}-personalize"),
                                  os.path.join(work, f"{t.name}-obj"))
            print(f"redesign.compile.{t.name} {wall:.3f}")
            print(f"redesign.compile_cpu.{t.name} {cpu:.3f}")
            sys.stdout.flush()
    print(f"redesign.program_ldflags {' '.join(new.program_ldflags)}")
    for t in (old, new):
        objdir = os.path.join(work, f"{t.name}-obj")
        prog = os.path.join(work, f"{t.name}-personalize-prog")
        own = t.link(objdir, prog, t.program_ldflags)
        print(f"redesign.size.{t.name}_kb {own / 1024:.1f}")
        same = t.link(objdir, prog + "-same", new.program_ldflags)
        print(f"redesign.size_same.{t.name}_kb {same / 1024:.1f}")
        print(f"redesign.objsize.{t.name}_kb {text_data(objdir) / 1024:.1f}")
    return 0


def scale_pass(t, build):
    env = dict(os.environ, BUILD=build, SCALE_PROTOCOLS="json")
    t0, cpu0 = time.perf_counter(), child_cpu()
    p = subprocess.run(["sh", "tests/scale.sh"], cwd=t.root, env=env, capture_output=True,
                       text=True)
    secs, cpu = time.perf_counter() - t0, child_cpu() - cpu0
    m = re.search(r"scale: (\d+) passed, (\d+) failed", p.stdout)
    if not m:
        sys.stderr.write(p.stdout + p.stderr)
        raise SystemExit(f"{t.name} scale pass printed no summary (exit {p.returncode})")
    for row in p.stdout.splitlines():
        if row.startswith("FAIL"):
            sys.stderr.write(f"{t.name}: {row}\n")
    return secs, cpu, int(m.group(1)), int(m.group(2))


def scale_main(old_tree):
    old, new = trees(old_tree)
    # The pre-redesign pass first; the current one second, under the same conditions.
    for t, build in ((old, "build"), (new, "build-bench")):
        secs, cpu, passed, failed = scale_pass(t, build)
        print(f"redesign.scale.{t.name}_s {secs:.1f}")
        print(f"redesign.scale_cpu.{t.name}_s {cpu:.1f}")
        print(f"redesign.scale.{t.name}.passed {passed}")
        print(f"redesign.scale.{t.name}.failed {failed}")
        sys.stdout.flush()
    print(f"redesign.scale.sample {os.environ.get('SCALE_MODELS') or 0}")
    return 0


def main():
    if len(sys.argv) == 5 and sys.argv[1] == "code":
        os.makedirs(sys.argv[3], exist_ok=True)
        return code_main(sys.argv[2], sys.argv[3], int(sys.argv[4]))
    if len(sys.argv) == 3 and sys.argv[1] == "scale":
        return scale_main(sys.argv[2])
    sys.stderr.write(__doc__)
    return 2


if __name__ == "__main__":
    sys.exit(main())
