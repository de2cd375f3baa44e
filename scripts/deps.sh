#!/bin/sh
# Installs the Debian packages a make target needs when any is missing (as root), or prints
# the exact install line and stops. Groups: build (the default), test, bench, lint, docs.
#   scripts/deps.sh [--missing] GROUP...   --missing: only print what is missing
set -e
only_list=
if [ "${1:-}" = --missing ]; then
    only_list=1
    shift
fi
[ $# -gt 0 ] || set -- build
pkgs=""
for group in "$@"; do
    case $group in
    build) pkgs="$pkgs libyaml-dev libcurl4-openssl-dev libssl-dev libpcre2-dev zlib1g-dev
                libinih-dev libexpat1-dev pkg-config gcc make" ;;
    test)  pkgs="$pkgs clang valgrind curl libclang-rt-14-dev g++ python3-ruamel.yaml cmake man-db doxygen" ;;
    bench) pkgs="$pkgs libjsmn-dev libcjson-dev nginx-light curl g++ golang-go
                golang-github-aws-aws-sdk-go-v2-dev libsimdjson-dev" ;;
    lint)  pkgs="$pkgs clang-tidy cppcheck" ;;
    docs)  pkgs="$pkgs doxygen" ;;
    *) echo "deps.sh: unknown group '$group'" >&2; exit 2 ;;
    esac
done
missing=""
for p in $pkgs; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' ||
        missing="$missing $p"
done
if [ -n "$only_list" ]; then
    echo "$missing"
    exit 0
fi
[ -z "$missing" ] && exit 0
if [ "$(id -u)" = 0 ]; then
    echo "installing:$missing"
    apt-get update -qq &&
        DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $missing >/dev/null
else
    echo "missing packages; run: sudo apt-get install -y$missing" >&2
    exit 1
fi
