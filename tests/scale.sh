#!/bin/sh
# make test-scale: generate every installed json and rest-json botocore model (awsJson 1.0/1.1
# and restJson1) and compile each generated source with gcc and clang, -std=c11 -Wall -Wextra
# -Wpedantic -Werror; then link one command-line program per protocol from the generated
# sources, the runtime and the CLI library. SCALE_MODELS=N limits the run to a fixed spread
# of N models (always including the largest); unset runs them all. Runs $(nproc) models at a
# time and prints the wall time. Ends with "N passed, M failed" (one per model, one per link).
BUILD=${BUILD:-build}
OUT="$BUILD/scale"
GEN="$BUILD/bin/acg-gen"
PYTHON=${PYTHON:-python3}
rm -rf "$OUT"
mkdir -p "$OUT"
"$PYTHON" tests/json_models.py json rest-json > "$OUT/models.txt" || exit 1
if [ -n "$SCALE_MODELS" ]; then
    # every k-th model plus the largest (sagemaker), so the spread stays fixed run to run
    total=$(wc -l < "$OUT/models.txt")
    step=$(( total / SCALE_MODELS )); [ "$step" -ge 1 ] || step=1
    awk -v s="$step" 'NR % s == 1 || $1 == "sagemaker"' "$OUT/models.txt" > "$OUT/pick.txt"
    mv "$OUT/pick.txt" "$OUT/models.txt"
fi
start=$(date +%s)
xargs -P "$(nproc)" -n 2 tests/scale_one.sh "$OUT" "$GEN" < "$OUT/models.txt" > "$OUT/results.txt"
end=$(date +%s)
# A whole program for one service of each protocol: the tables link against the runtime.
PKGS="yaml-0.1 libcurl libcrypto libpcre2-8 zlib inih"
for svc in personalize lambda; do
    dir="$OUT/$svc"
    [ -d "$dir" ] || continue
    if cc -std=c11 -O0 -Iruntime/include -Icli/include -I"$dir" "$dir"/*.c "$BUILD/libacg_cli.a" \
            "$BUILD/libacg.a" $(pkg-config --cflags --libs $PKGS) -lpthread -lm \
            -o "$OUT/$svc.bin" > "$OUT/$svc.link.log" 2>&1 &&
            "$OUT/$svc.bin" help > /dev/null 2>&1; then
        echo "ok $svc: linked"
    else
        echo "FAIL $svc: link: $(grep -m1 -E 'error|undefined' "$OUT/$svc.link.log")"
    fi
done >> "$OUT/results.txt"
grep '^FAIL' "$OUT/results.txt"
models=$(wc -l < "$OUT/models.txt")
pass=$(grep -c '^ok' "$OUT/results.txt")
fail=$(grep -c '^FAIL' "$OUT/results.txt")
echo "scale: $models models ($(grep -c '^json' "$OUT/protocols.txt") json, $(grep -c '^rest-json' "$OUT/protocols.txt") rest-json) generated and compiled with gcc and clang in $((end - start)) s on $(nproc) cores"
echo "scale: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
