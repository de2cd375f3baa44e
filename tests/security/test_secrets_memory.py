"""Secrets in memory (issue 10, item 9): every buffer the runtime owns that held a secret is
wiped before it is released. tests/runtime/config_driver.c loads a profile and gets
credentials; tests/security/free_scan.c, preloaded, searches every block the process frees
(and every block a realloc leaves behind) for the session token. The paths covered are the
ones that involve no libcurl (whose own buffers keep what it sent until they are reused:
runtime/README.md): the shared credentials file (a token longer than inih's line, so the
old parking path is covered too) and credential_process.

AddressSanitizer replaces malloc and free itself, so in a `make asan` build this suite checks
nothing and says so (valgrind runs do not wrap this driver: it is run directly).
"""
import os
import stat
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, os.path.join(ROOT, "tests"))
from pyharness import case, run as run_cases  # noqa: E402
import pybuild  # noqa: E402

BUILD = os.path.join(ROOT, os.environ.get("BUILD", "build"))
WORK = tempfile.mkdtemp(prefix="acg-memory-")
DRIVER = os.path.join(WORK, "config_driver")
SHIM = os.path.join(WORK, "free_scan.so")
TOKEN = "IQoJSECRETinMEMORYtoken" + "x7Q" * 400 + "END"   # 1,226 bytes
SANITIZED = "sanitize" in os.environ.get("CFLAGS", "")


def build():
    subprocess.run(pybuild.cc("-I" + os.path.join(ROOT, "runtime", "include"),
                              "-I" + os.path.join(ROOT, "runtime", "internal"),
                              os.path.join(ROOT, "tests", "runtime", "config_driver.c"),
                              os.path.join(BUILD, "libacg.a"), "-o", DRIVER),
                   check=True, capture_output=True)
    subprocess.run(["cc", "-O1", "-shared", "-fPIC", os.path.join(HERE, "free_scan.c"),
                    "-o", SHIM], check=True, capture_output=True)


def driver(config="/dev/null", credentials="/dev/null"):
    env = {"HOME": WORK, "PATH": os.environ["PATH"], "AWS_CONFIG_FILE": config,
           "AWS_SHARED_CREDENTIALS_FILE": credentials, "AWS_EC2_METADATA_DISABLED": "true",
           "LD_PRELOAD": SHIM, "ACG_SCAN_SECRET": TOKEN}
    out = subprocess.run([DRIVER, "-", "-", "Personalize", "2", "0"], env=env,
                         capture_output=True, text=True, timeout=60)
    return out


def clean(out):
    assert f"token_len={len(TOKEN)}" in out.stdout, (out.stdout, out.stderr[-500:])
    hits = out.stderr.count("SECRET-IN-FREED-BLOCK")
    assert hits == 0, f"{hits} freed block(s) still held the session token"


def write(name, text, mode=None):
    path = os.path.join(WORK, name)
    with open(path, "w") as f:
        f.write(text)
    if mode:
        os.chmod(path, mode)
    return path


@case("the scanner works: a block freed with the token in it is reported")
def _():
    probe = os.path.join(WORK, "probe")
    src = write("probe.c", '#include <stdlib.h>\n#include <string.h>\n'
                'int main(void) { const char *t = getenv("ACG_SCAN_SECRET");\n'
                '  char *p = malloc(strlen(t) + 1); strcpy(p, t); free(p); return 0; }\n')
    subprocess.run(["cc", src, "-o", probe], check=True)
    out = subprocess.run([probe], env={"LD_PRELOAD": SHIM, "ACG_SCAN_SECRET": TOKEN},
                         capture_output=True, text=True, timeout=60)
    assert "SECRET-IN-FREED-BLOCK" in out.stderr, out.stderr


@case("shared credentials file: no freed block keeps the session token")
def _():
    if SANITIZED:
        print("skipped under a sanitizer: it owns malloc and free")
        return
    creds = write("credentials", "[default]\naws_access_key_id = AKIDMEM\n"
                  "aws_secret_access_key = mem-secret\n"
                  f"aws_session_token = {TOKEN}\n[other]\naws_session_token = {TOKEN}\n")
    clean(driver(credentials=creds))


@case("credential_process: no freed block keeps the session token")
def _():
    if SANITIZED:
        print("skipped under a sanitizer: it owns malloc and free")
        return
    script = write("proc.sh", "#!/bin/sh\necho '{\"Version\": 1, \"AccessKeyId\": \"AKIDMEM\", "
                   f"\"SecretAccessKey\": \"s\", \"SessionToken\": \"{TOKEN}\"}}'\n", stat.S_IRWXU)
    config = write("config", f"[default]\ncredential_process = {script}\n")
    clean(driver(config=config))


if __name__ == "__main__":
    try:
        build()
        run_cases("tests/security/test_secrets_memory.py")
    finally:
        for name in os.listdir(WORK):
            os.remove(os.path.join(WORK, name))
        os.rmdir(WORK)
