#!/bin/sh
# make test-scale: generate every installed botocore model (every protocol: awsJson 1.0/1.1,
# restJson1, awsQuery, ec2, smithy-rpc-v2-cbor, restXml), compile each generated source
# (tables, endpoint rules, the program's main) with gcc and clang, -std=c11 -Wall -Wextra
# -Wpedantic -Werror, then link each model's command-line program (as make cli does) and run
# its help (tests/scale_one.sh).
# SCALE_MODELS=N limits the run to a fixed spread of N models (always including the
# largest); unset runs them all. SCALE_PROTOCOLS="json ..." limits it to those protocols. Runs $(nproc) models at a time and prints the wall time.
# Ends with "N passed, M failed" (one per model).
BUILD=${BUILD:-build}
OUT="$BUILD/scale"
GEN="$BUILD/bin/acg-gen"
PYTHON=${PYTHON:-python3}
rm -rf "$OUT"
mkdir -p "$OUT"
PROTOCOLS=${SCALE_PROTOCOLS:-json rest-json query ec2 smithy-rpc-v2-cbor rest-xml}
# shellcheck disable=SC2086
"$PYTHON" tests/json_models.py $PROTOCOLS > "$OUT/models.txt" || exit 1
if [ -n "$SCALE_MODELS" ]; then
    # every k-th model plus the largest (sagemaker), so the spread stays fixed run to run
    total=$(wc -l < "$OUT/models.txt")
    step=$(( total / SCALE_MODELS )); [ "$step" -ge 1 ] || step=1
    awk -v s="$step" 'NR % s == 1 || $1 == "sagemaker"' "$OUT/models.txt" > "$OUT/pick.txt"
    mv "$OUT/pick.txt" "$OUT/models.txt"
fi
start=$(date +%s)
# The libraries every model's program links with, as the Makefile's PKGS.
LIBS="$(pkg-config --libs yaml-0.1 libcurl libcrypto libpcre2-8 zlib inih expat) -lpthread -lm"
export BUILD LIBS
xargs -P "$(nproc)" -n 2 tests/scale_one.sh "$OUT" "$GEN" < "$OUT/models.txt" > "$OUT/results.txt"
end=$(date +%s)
grep '^FAIL' "$OUT/results.txt"
models=$(wc -l < "$OUT/models.txt")
pass=$(grep -c '^ok' "$OUT/results.txt")
fail=$(grep -c '^FAIL' "$OUT/results.txt")
# by the protocol each model's tables use (the generator's pick where a model lists several)
counts=$(sort "$OUT/protocols.txt" | uniq -c | awk '{printf "%s%s %s", (NR > 1 ? ", " : ""), $1, $2}')
echo "scale: $models models ($counts) generated, compiled with gcc and clang, linked and run in $((end - start)) s on $(nproc) cores"
echo "scale: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
