#!/bin/sh
# make lint: banned functions, the runtime's module order, cppcheck and clang-tidy. Ends with
# "N passed, M failed" (one per check).
BUILD=${BUILD:-build}
pass=0
fail=0
result() {
    if [ "$1" -eq 0 ]; then pass=$((pass + 1)); echo "lint $2: ok"; else fail=$((fail + 1)); echo "lint $2: FAILED"; fi
}
SOURCES=$(ls runtime/*/*.c cli/*.c generator/*.c tools/*.c)

# 1. Functions with a safer replacement in the codebase (curl's checksrc list, in short).
! grep -nE '\b(sprintf|strcpy|strcat|strtok|atoi|gmtime|localtime|rand|srand)\(' $SOURCES
result $? "banned functions"

# 2. A module includes only the public headers of modules before it, and private headers
#    (runtime/internal/) of itself or modules before it.
ORDER="common shape json xml cbor jmespath auth http endpoints protocol client"
status=0
for src in runtime/*/*.c runtime/include/*/*.h runtime/internal/*/*.h; do
    mod=$(echo "$src" | sed -E 's#runtime/(include/|internal/)?([a-z]+)/.*#\2#')
    rank=$(echo "$ORDER" | tr ' ' '\n' | grep -n "^$mod\$" | cut -d: -f1)
    for inc in $(sed -nE 's/^#include "([a-z]+)\/[^"]*".*/\1/p' "$src"); do
        r=$(echo "$ORDER" | tr ' ' '\n' | grep -n "^$inc\$" | cut -d: -f1)
        if [ -z "$r" ] || [ "$r" -gt "$rank" ]; then
            echo "$src: includes a header of module $inc, which comes after $mod"
            status=1
        fi
    done
done
result $status "module order"

INC="-Iruntime/include -Iruntime/internal -Icli/include -Igenerator -Itools"
# 3. cppcheck.
cppcheck --quiet --enable=warning,portability,performance --std=c11 --error-exitcode=1 \
    --inline-suppr --suppress=missingIncludeSystem -D_POSIX_C_SOURCE=200809L $INC \
    runtime cli generator tools
result $? "cppcheck"

# 4. clang-tidy (.clang-tidy lists the checks), two files at a time.
FLAGS="-std=c11 -D_POSIX_C_SOURCE=200809L $INC $(pkg-config --cflags yaml-0.1 libcurl)"
# The files go before "--": what follows it is the compiler's command line.
echo "$SOURCES" | tr ' ' '\n' | FLAGS=$FLAGS xargs -P 2 -n 4 sh -c \
    'clang-tidy --quiet "$@" -- $FLAGS' clang-tidy >"$BUILD/tidy.log" 2>&1
status=$?
grep -E 'warning:|error:' "$BUILD/tidy.log" | grep -v 'warnings generated' | sort -u
result $status "clang-tidy"

echo "lint: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
