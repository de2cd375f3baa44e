#!/bin/sh
# One model of the scale test: generate, compile every source (the tables, the endpoint
# rules and the program's main against cli/include) with gcc and clang, then link the
# command-line program from gcc's objects, libacg_cli.a and libacg.a, so every descriptor
# the tables name resolves, and run its help.
# Usage: scale_one.sh OUT GEN SERVICE MODEL; prints "ok SERVICE" or "FAIL SERVICE: reason",
# and appends the model's protocol to OUT/protocols.txt. LIBS: the libraries to link with.
OUT=$1 GEN=$2 svc=$3 model=$4
BUILD=${BUILD:-build}
LIBS=${LIBS:-"$(pkg-config --libs yaml-0.1 libcurl libcrypto libpcre2-8 zlib inih expat) -lpthread -lm"}
dir="$OUT/$svc"
flags="-std=c11 -O0 -Wall -Wextra -Wpedantic -Werror -Wshadow -Wstrict-prototypes -Wmissing-prototypes"
if ! "$GEN" --model "$model" --out "$dir" > "$OUT/$svc.gen.log" 2>&1; then
    echo "FAIL $svc: generation: $(grep -m1 error "$OUT/$svc.gen.log")"
    exit 0
fi
grep -o 'ACG_PROTOCOL_[A-Z0-9_]*' "$dir"/*_tables.c | head -n 1 | sed 's/.*ACG_PROTOCOL_//' |
    tr 'A-Z_' 'a-z-' >> "$OUT/protocols.txt"
for cc in gcc clang; do
    mkdir -p "$dir/$cc"
    for src in "$dir"/*.c; do
        obj="$dir/$cc/$(basename "$src" .c).o"
        if ! $cc $flags -Iruntime/include -Iruntime/internal -Icli/include -I"$dir" -c "$src" -o "$obj" > "$OUT/$svc.$cc.log" 2>&1; then
            echo "FAIL $svc: $cc: $(grep -m1 error "$OUT/$svc.$cc.log")"
            exit 0
        fi
    done
done
if [ ! -f "$BUILD/libacg.a" ] || [ ! -f "$BUILD/libacg_cli.a" ]; then
    echo "FAIL $svc: link: $BUILD/libacg.a or $BUILD/libacg_cli.a is missing"
    exit 0
fi
# The program, as make cli links it (the tables against the runtime and the CLI library).
# shellcheck disable=SC2086
if ! gcc "$dir"/gcc/*.o "$BUILD/libacg_cli.a" "$BUILD/libacg.a" $LIBS -o "$dir/program" \
        > "$OUT/$svc.link.log" 2>&1; then
    echo "FAIL $svc: link: $(grep -m1 -E 'undefined|error' "$OUT/$svc.link.log")"
    exit 0
fi
if ! "$dir/program" help > "$OUT/$svc.help.log" 2>&1; then
    echo "FAIL $svc: the program's help fails"
    exit 0
fi
rm -rf "$dir/gcc" "$dir/clang" "$dir/program"
echo "ok $svc"
