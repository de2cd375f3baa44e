#!/bin/sh
# make fuzz FUZZ_SECONDS=N: builds every tests/fuzz/fuzz_*.c with libFuzzer, AddressSanitizer
# and UndefinedBehaviorSanitizer, runs each for N seconds on a copy of its seed corpus
# (tests/fuzz/corpus/<name>/), and reports executions and crashes per target. A crash's
# input is kept under $BUILD/crashes/<name>/ for a regression seed. Ends "N passed, M failed".
# FUZZ_TARGETS="tests/fuzz/fuzz_cbor.c" runs only those targets.
BUILD=${BUILD:-build-fuzz}
SECONDS_EACH=${FUZZ_SECONDS:-10}
CC=clang
SAN="-fsanitize=address,undefined -fno-sanitize-recover=all"
PKGS="yaml-0.1 libcurl libcrypto libpcre2-8 zlib inih expat"
GEN=${GEN:-build/bin/acg-gen}
CFLAGS="-std=c11 -D_POSIX_C_SOURCE=200809L -g -O1 $SAN -Iruntime/include -Iruntime/internal -Icli/include -Igenerator -Itools -Igenerated/personalize -Itests/fixtures/golden/tiny -I$BUILD/gen/restfixture $(pkg-config --cflags $PKGS)"
LIBS="$(pkg-config --libs $PKGS) -lpthread -lm"
mkdir -p "$BUILD/obj" "$BUILD/bin" "$BUILD/crashes" || exit 1

# The generator's templates, built into it as in the Makefile (tools/embed.c).
cc -std=c11 -O1 tools/embed.c -o "$BUILD/bin/embed" || exit 1
"$BUILD/bin/embed" gen_embedded_templates templates/*.tmpl > "$BUILD/templates_embedded.c.tmp" || exit 1
cmp -s "$BUILD/templates_embedded.c.tmp" "$BUILD/templates_embedded.c" ||
    mv "$BUILD/templates_embedded.c.tmp" "$BUILD/templates_embedded.c"

# The restJson1 fixture model, generated for fuzz_restjson.c.
"$GEN" --model tests/fixtures/models/restjson/service-2.json --out "$BUILD/gen/restfixture" \
    --prefix restfixture || exit 1

# Objects: the runtime, the generator's stages and its templates, the raw request parser,
# the checked-in Personalize sources, the tiny golden fixture's and the restJson1 fixture's.
# Objects compile again when a header changed since the last run (a struct's layout may have).
stamp="$BUILD/obj/.headers"
if [ -f "$stamp" ] && [ -n "$(find runtime cli generator generated tests/fixtures -name '*.h' \
        -newer "$stamp" | head -n 1)" ]; then
    rm -f "$BUILD"/obj/*.o
fi
objs=""
for src in runtime/*/*.c cli/*.c generator/*.c "$BUILD/templates_embedded.c" tools/rawreq.c \
           generated/personalize/*.c tests/fixtures/golden/tiny/*.c "$BUILD"/gen/restfixture/*.c; do
    case "$src" in generator/main.c|*_main.c) continue ;; esac
    obj="$BUILD/obj/$(echo "$src" | tr '/' '_').o"
    if [ ! -f "$obj" ] || [ "$src" -nt "$obj" ]; then
        $CC $CFLAGS -fsanitize=fuzzer-no-link -c "$src" -o "$obj" || exit 1
    fi
    objs="$objs $obj"
done
touch "$stamp"

pass=0
fail=0
for target in ${FUZZ_TARGETS:-tests/fuzz/fuzz_*.c}; do
    name=$(basename "$target" .c | sed 's/^fuzz_//')
    exe="$BUILD/bin/fuzz_$name"
    if ! $CC $CFLAGS -fsanitize=fuzzer "$target" $objs $LIBS -o "$exe" 2>"$BUILD/$name.build.log"; then
        echo "fuzz $name: build failed: $(grep -m1 error "$BUILD/$name.build.log")"
        fail=$((fail + 1))
        continue
    fi
    work="$BUILD/corpus/$name"
    rm -rf "$work"
    mkdir -p "$work" "$BUILD/crashes/$name"
    [ -d "tests/fuzz/corpus/$name" ] && cp -r "tests/fuzz/corpus/$name/." "$work/"
    "$exe" -max_total_time="$SECONDS_EACH" -timeout=10 -rss_limit_mb=2048 -max_len=65536 \
        -artifact_prefix="$BUILD/crashes/$name/" "$work" > "$BUILD/$name.log" 2>&1
    rc=$?
    runs=$(grep -Eo 'Done [0-9]+ runs' "$BUILD/$name.log" | grep -Eo '[0-9]+' | tail -n 1)
    crashes=$(find "$BUILD/crashes/$name" -type f | wc -l)
    if [ "$rc" -eq 0 ] && [ "$crashes" -eq 0 ]; then
        pass=$((pass + 1))
        echo "fuzz $name: ${runs:-0} executions, 0 crashes"
    else
        fail=$((fail + 1))
        echo "fuzz $name: ${runs:-?} executions, $crashes crash inputs (exit $rc), see $BUILD/$name.log"
        grep -m3 -E 'ERROR|SUMMARY' "$BUILD/$name.log"
    fi
done
echo "fuzz: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
