"""How Python-driven tests compile C: the same compiler and flags as the make run that
started them (make asan passes clang and the sanitizers through CC, CFLAGS and LDFLAGS)."""
import os
import shlex
import subprocess

PKGS = ["yaml-0.1", "libcurl", "libcrypto", "libpcre2-8", "zlib", "inih", "expat"]


def pkg_flags():
    out = subprocess.run(["pkg-config", "--cflags", "--libs", *PKGS], capture_output=True, text=True,
                         check=True).stdout
    return out.split()


def cc(*args):
    """The argument list for one compile-and-link: CC CFLAGS args... LDFLAGS pkg-libs -lpthread -lm."""
    return [*shlex.split(os.environ.get("CC") or "cc"), "-std=c11", "-D_POSIX_C_SOURCE=200809L",
            *shlex.split(os.environ.get("CFLAGS") or "-O1 -g"), *args,
            *shlex.split(os.environ.get("LDFLAGS") or ""), *pkg_flags(), "-lpthread", "-lm"]
