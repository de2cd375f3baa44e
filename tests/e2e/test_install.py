"""make install / make uninstall: acg-gen, libacg static and shared (soname from the runtime
ABI), libacg_cli, the public headers in one folder, pkg-config files, the CMake package, man
pages; an out-of-tree example (examples/installed) built against the installed SDK with
pkg-config and with CMake, each run against the Personalize stand-in; a DESTDIR install
stages everything under DESTDIR; make uninstall leaves nothing behind."""
import os
import re
import shutil
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from e2elib import ROOT, StandIn, client_env  # noqa: E402
from pyharness import case, run as run_cases  # noqa: E402

BUILD = os.environ.get("BUILD", "build")
ABI = re.search(r"#define ACG_RUNTIME_ABI (\d+)",
                open(os.path.join(ROOT, "runtime", "include", "acg_runtime.h")).read()).group(1)
STANDIN = StandIn()
STATE = {}
ENV = {k: v for k, v in os.environ.items()
       if k not in ("CPATH", "C_INCLUDE_PATH", "LIBRARY_PATH", "CFLAGS", "LDFLAGS", "MAKEFLAGS",
                    "MAKELEVEL", "MFLAGS", "PKG_CONFIG_PATH")}


def make(*args):
    result = subprocess.run(["make", "-s", "-j2", f"BUILD={BUILD}", *args], cwd=ROOT, env=ENV,
                            capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, (args, result.stdout[-2000:], result.stderr[-2000:])
    return result


def files_under(folder):
    return sorted(os.path.relpath(os.path.join(d, f), folder)
                  for d, _, names in os.walk(folder) for f in names)


def run_example(binary):
    STANDIN.reset()
    result = subprocess.run([binary, STANDIN.endpoint], env=client_env(), capture_output=True,
                            text=True, timeout=60)
    assert result.returncode == 0, (binary, result.stdout, result.stderr)
    assert result.stdout == "installed PENDING\n", result.stdout
    assert [r["verdict"] for r in STANDIN.requests()] == ["ok", "ok"]


@case("make install PREFIX=...: programs, libraries, headers, pkg-config, CMake, man pages")
def _():
    prefix = STATE["prefix"]
    make("install", f"PREFIX={prefix}")
    files = files_under(prefix)
    for want in ("bin/acg-gen", "bin/personalize", "lib/libacg.a", f"lib/libacg.so.{ABI}",
                 "lib/libacg.so", "lib/libacg_cli.a", "lib/pkgconfig/acg.pc",
                 "lib/pkgconfig/acg_cli.pc", "lib/cmake/acg/acgConfig.cmake",
                 "lib/cmake/acg/acgConfigVersion.cmake", "include/acg/acg_runtime.h",
                 "include/acg/client/acg_client.h", "include/acg/cli/acg_cli.h",
                 "share/man/man1/acg-gen.1", "share/man/man1/acg-cli.1",
                 "share/man/man1/personalize.1", "share/acg/runtime/include/acg_runtime.h",
                 "share/acg/runtime/client/acg_call.c", "share/acg/LICENSE"):
        assert want in files, want
    assert os.readlink(os.path.join(prefix, "lib", "libacg.so")) == f"libacg.so.{ABI}"
    # Only the public headers: nothing from runtime/internal.
    internal = {os.path.basename(p) for p in files_under(os.path.join(ROOT, "runtime", "internal"))}
    public = [p for p in files if p.startswith("include/")]
    assert not internal & {os.path.basename(p) for p in public}, internal & set(public)
    dyn = subprocess.run(["readelf", "-d", os.path.join(prefix, "lib", f"libacg.so.{ABI}")],
                         capture_output=True, text=True).stdout
    assert f"Library soname: [libacg.so.{ABI}]" in dyn, dyn
    assert "libyaml" not in dyn
    page = subprocess.run(["man", "-l", os.path.join(prefix, "share/man/man1/acg-gen.1")],
                          capture_output=True, text=True, env=dict(ENV, MANWIDTH="80"))
    assert "--manifest FILE" in page.stdout and page.returncode == 0, page.stderr


@case("an out-of-tree program builds with pkg-config against the install and runs")
def _():
    folder = os.path.join(STATE["tmp"], "with-pkg-config")
    shutil.copytree(os.path.join(ROOT, "examples", "installed"), folder)
    env = dict(ENV, PKG_CONFIG_PATH=os.path.join(STATE["prefix"], "lib", "pkgconfig"))
    result = subprocess.run(["make"], cwd=folder, env=env, capture_output=True, text=True,
                            timeout=300)
    assert result.returncode == 0, (result.stdout[-2000:], result.stderr[-2000:])
    assert os.path.isfile(os.path.join(folder, "gen", "personalize", "personalize.h"))
    run_example(os.path.join(folder, "example"))


@case("an out-of-tree program builds with CMake: find_package(acg), acg_generate(), runs")
def _():
    folder = os.path.join(STATE["tmp"], "with-cmake")
    shutil.copytree(os.path.join(ROOT, "examples", "installed"), folder)
    build = os.path.join(folder, "build")
    for argv in (["cmake", "-S", folder, "-B", build, f"-DCMAKE_PREFIX_PATH={STATE['prefix']}"],
                 ["cmake", "--build", build]):
        result = subprocess.run(argv, env=ENV, capture_output=True, text=True, timeout=300)
        assert result.returncode == 0, (argv, result.stdout[-2000:], result.stderr[-2000:])
    assert "acg-gen: generating the bindings" in result.stdout, result.stdout
    assert not os.path.exists(os.path.join(folder, "gen")), "generated into the source tree"
    run_example(os.path.join(build, "example"))


@case("the installed acg-gen vendors from its own copy of the runtime")
def _():
    out = os.path.join(STATE["tmp"], "vendored")
    result = subprocess.run([os.path.join(STATE["prefix"], "bin", "acg-gen"), "--model",
                             os.path.join(ROOT, "models", "personalize", "2018-05-22",
                                          "service-2.yaml"), "--vendor", out],
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    assert os.path.isfile(os.path.join(out, "runtime", "client", "acg_call.c"))


@case("make uninstall removes everything make install put there")
def _():
    make("uninstall", f"PREFIX={STATE['prefix']}")
    assert files_under(STATE["prefix"]) == [], files_under(STATE["prefix"])[:10]


@case("DESTDIR stages the install; the files still name PREFIX; uninstall clears it")
def _():
    stage = os.path.join(STATE["tmp"], "stage")
    make("install", f"DESTDIR={stage}", "PREFIX=/opt/acg")
    files = files_under(stage)
    assert "opt/acg/bin/acg-gen" in files and f"opt/acg/lib/libacg.so.{ABI}" in files, files[:5]
    pc = open(os.path.join(stage, "opt/acg/lib/pkgconfig/acg.pc")).read()
    assert "prefix=/opt/acg\n" in pc and stage not in pc, pc
    make("uninstall", f"DESTDIR={stage}", "PREFIX=/opt/acg")
    assert files_under(stage) == [], files_under(stage)[:10]


if __name__ == "__main__":
    STANDIN.start()
    try:
        with tempfile.TemporaryDirectory(prefix="install-") as tmp:
            STATE["tmp"] = tmp
            STATE["prefix"] = os.path.join(tmp, "prefix")
            run_cases("tests/e2e/test_install.py")
    finally:
        STANDIN.stop()
