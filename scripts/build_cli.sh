#!/bin/sh
# make cli MODEL=/abs/service-2.json[.gz] CLI=/abs/path/binary: generate the model's sources
# (endpoint rule set from beside MODEL when present) and link the command-line program.
set -e
MODEL=$1 CLI=$2 BUILD=${3:-build}
[ -f "$MODEL" ] || { echo "make cli: no model at '$MODEL'" >&2; exit 2; }
name=$(basename "$CLI")
dir="$BUILD/cli/$name"
rm -rf "$dir"
"$BUILD/bin/acg-gen" --model "$MODEL" --out "$dir"
mkdir -p "$(dirname "$CLI")"
PKGS="yaml-0.1 libcurl libcrypto libpcre2-8 zlib inih expat"
${CC:-cc} -std=c11 ${CFLAGS:--O2} ${LDFLAGS:-} -Iruntime/include -Iruntime/internal -Icli/include -I"$dir" "$dir"/*.c "$BUILD/libacg_cli.a" "$BUILD/libacg.a" \
    $(pkg-config --cflags --libs $PKGS) -lpthread -lm -o "$CLI"
echo "built $CLI from $MODEL"
