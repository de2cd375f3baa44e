#!/bin/sh
# One model of the scale test: generate, then compile every source with gcc and clang.
# Usage: scale_one.sh OUT GEN SERVICE MODEL; prints "ok SERVICE" or "FAIL SERVICE: reason",
# and appends the model's protocol to OUT/protocols.txt.
OUT=$1 GEN=$2 svc=$3 model=$4
dir="$OUT/$svc"
flags="-std=c11 -O0 -Wall -Wextra -Wpedantic -Werror -Wshadow -Wstrict-prototypes -Wmissing-prototypes"
if ! "$GEN" --model "$model" --out "$dir" > "$OUT/$svc.gen.log" 2>&1; then
    echo "FAIL $svc: generation: $(grep -m1 error "$OUT/$svc.gen.log")"
    exit 0
fi
grep -o 'ACG_PROTOCOL_[A-Z_]*' "$dir"/*_tables.c | head -n 1 | sed 's/.*ACG_PROTOCOL_//' |
    tr 'A-Z_' 'a-z-' >> "$OUT/protocols.txt"
for cc in gcc clang; do
    for src in "$dir"/*.c; do
        if ! $cc $flags -Iruntime/include -Icli/include -I"$dir" -c "$src" -o /dev/null > "$OUT/$svc.$cc.log" 2>&1; then
            echo "FAIL $svc: $cc: $(grep -m1 error "$OUT/$svc.$cc.log")"
            exit 0
        fi
    done
done
echo "ok $svc"
