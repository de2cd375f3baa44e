#!/bin/sh
# make check-setup: proves that `make demo` works the first time on a machine that lacks a
# Debian package the build needs. It removes libinih-dev (as root; the step is skipped
# otherwise), clones this repository into a scratch folder and runs `make demo` there once.
# The package is installed again by that run, as it would be for a new user.
set -u
if [ "$(id -u)" != 0 ]; then
    echo "check-setup: skipped (needs root to remove and install packages)"
    exit 0
fi
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
git clone -q "$(pwd)" "$scratch/acg" || exit 1
DEBIAN_FRONTEND=noninteractive apt-get remove -y -qq libinih-dev >/dev/null 2>&1
if dpkg-query -W -f='${Status}' libinih-dev 2>/dev/null | grep -q 'install ok installed'; then
    echo "check-setup: could not remove libinih-dev" >&2
    exit 1
fi
(cd "$scratch/acg" && make demo) >"$scratch/demo.log" 2>&1
status=$?
if [ "$status" -ne 0 ]; then
    tail -n 30 "$scratch/demo.log" >&2
    echo "check-setup: make demo on a machine without libinih-dev exited with $status" >&2
    exit 1
fi
grep -q '"status": "ACTIVE"' "$scratch/demo.log" || {
    echo "check-setup: make demo did not print the described job" >&2
    exit 1
}
echo "check-setup: make demo without libinih-dev installed it and exited 0"
