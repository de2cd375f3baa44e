#!/bin/sh
# make test-scale: generate every installed json-protocol botocore model, compile each
# generated source (tables, endpoint rules, the program's main) with gcc and clang, -std=c11
# -Wall -Wextra -Wpedantic -Werror, and link each model's command-line program
# (tests/scale_one.sh).
# SCALE_MODELS=N limits the run to a fixed spread of N models (always including the
# largest); unset runs them all. Ends with "N passed, M failed" (one per model).
BUILD=${BUILD:-build}
OUT="$BUILD/scale"
GEN="$BUILD/bin/acg-gen"
PYTHON=${PYTHON:-python3}
rm -rf "$OUT"
mkdir -p "$OUT"
"$PYTHON" tests/json_models.py > "$OUT/models.txt" || exit 1
if [ -n "$SCALE_MODELS" ]; then
    # every k-th model plus the largest (sagemaker), so the spread stays fixed run to run
    total=$(wc -l < "$OUT/models.txt")
    step=$(( total / SCALE_MODELS )); [ "$step" -ge 1 ] || step=1
    awk -v s="$step" 'NR % s == 1 || $1 == "sagemaker"' "$OUT/models.txt" > "$OUT/pick.txt"
    mv "$OUT/pick.txt" "$OUT/models.txt"
fi
start=$(date +%s)
BUILD=$BUILD xargs -P "$(nproc)" -n 2 tests/scale_one.sh "$OUT" "$GEN" < "$OUT/models.txt" > "$OUT/results.txt"
end=$(date +%s)
grep '^FAIL' "$OUT/results.txt"
pass=$(grep -c '^ok' "$OUT/results.txt")
fail=$(grep -c '^FAIL' "$OUT/results.txt")
echo "scale: $pass of $((pass + fail)) json-protocol models generate, compile warning-free under gcc and clang and link ($((end - start)) s)"
echo "scale: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
