#!/bin/sh
# One model of the scale test: generate, compile every source with gcc and clang, link the
# command-line program from the gcc objects and run its help.
# Usage: scale_one.sh OUT GEN SERVICE MODEL; prints "ok SERVICE" or "FAIL SERVICE: reason",
# and appends the model's protocol to OUT/protocols.txt.
OUT=$1 GEN=$2 svc=$3 model=$4
dir="$OUT/$svc"
BUILD=${BUILD:-build}
flags="-std=c11 -O0 -Wall -Wextra -Wpedantic -Werror -Wshadow -Wstrict-prototypes -Wmissing-prototypes"
if ! "$GEN" --model "$model" --out "$dir" > "$OUT/$svc.gen.log" 2>&1; then
    echo "FAIL $svc: generation: $(grep -m1 error "$OUT/$svc.gen.log")"
    exit 0
fi
grep -o 'ACG_PROTOCOL_[A-Z_]*' "$dir"/*_tables.c | head -n 1 | sed 's/.*ACG_PROTOCOL_//' |
    tr 'A-Z_' 'a-z-' >> "$OUT/protocols.txt"
mkdir -p "$dir/obj"
for cc in gcc clang; do
    for src in "$dir"/*.c; do
        obj=/dev/null
        [ "$cc" = gcc ] && obj="$dir/obj/$(basename "$src" .c).o"
        if ! $cc $flags -Iruntime/include -Icli/include -I"$dir" -c "$src" -o "$obj" > "$OUT/$svc.$cc.log" 2>&1; then
            echo "FAIL $svc: $cc: $(grep -m1 error "$OUT/$svc.$cc.log")"
            exit 0
        fi
    done
done
# The program, as make cli links it (the tables against the runtime and the CLI library).
if ! gcc "$dir"/obj/*.o "$BUILD/libacg_cli.a" "$BUILD/libacg.a" $LIBS -o "$dir/program" \
        > "$OUT/$svc.link.log" 2>&1; then
    echo "FAIL $svc: link: $(grep -m1 -E 'error|undefined' "$OUT/$svc.link.log")"
    exit 0
fi
if ! "$dir/program" help > "$OUT/$svc.help.log" 2>&1; then
    echo "FAIL $svc: the program's help fails"
    exit 0
fi
rm -rf "$dir/obj" "$dir/program"
echo "ok $svc"
