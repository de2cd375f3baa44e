#!/bin/sh
# Runs every test binary and every tests/**/test_*.py, prints each suite's line, and ends
# with the total "N passed, M failed". A suite that crashes or prints no count line counts
# as one failure.
BUILD=${BUILD:-build}
PYTHON=${PYTHON:-python3}
LOGS="$BUILD/test-logs"
mkdir -p "$LOGS"
total_pass=0
total_fail=0

run_one() {
    name=$1; shift
    log="$LOGS/$(echo "$name" | tr '/' '_').log"
    # A suite that hangs is a failure, not a stuck CI run.
    timeout -k 10 "${TEST_TIMEOUT:-600}" "$@" >"$log" 2>&1
    rc=$?
    [ "$rc" -eq 124 ] && echo "timed out after ${TEST_TIMEOUT:-600} s" >>"$log"
    line=$(grep -E '^[A-Za-z0-9_./-]*:? ?[0-9]+ passed, [0-9]+ failed' "$log" | tail -n 1)
    p=$(echo "$line" | sed -nE 's/(^|.*[^0-9])([0-9]+) passed, ([0-9]+) failed.*/\2/p')
    f=$(echo "$line" | sed -nE 's/(^|.*[^0-9])([0-9]+) passed, ([0-9]+) failed.*/\3/p')
    if [ -z "$p" ]; then p=0; f=1; fi
    if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then f=1; fi
    total_pass=$((total_pass + p))
    total_fail=$((total_fail + f))
    status=ok
    [ "$f" -ne 0 ] && status=FAIL
    printf '%-48s %5s passed %3s failed  %s\n' "$name" "$p" "$f" "$status"
    if [ "$f" -ne 0 ]; then
        tail -n 25 "$log" | sed 's/^/    | /'
    fi
}

VG=""
if [ -n "$VALGRIND" ]; then
    VG="valgrind -q --error-exitcode=99 --leak-check=full --errors-for-leak-kinds=definite,indirect"
fi

# Under valgrind the Python suites get a build folder of their own: every entry links to
# the real one except bin/, whose programs (personalize, acg-gen, sigv4) are scripts that
# run the real ones under memcheck, so every program run the suites make is checked.
PY_BUILD=$BUILD
if [ -n "$VALGRIND" ]; then
    PY_BUILD="$BUILD-memcheck"
    rm -rf "$PY_BUILD"
    mkdir -p "$PY_BUILD/bin"
    for e in "$BUILD"/*; do
        [ "$(basename "$e")" = bin ] || ln -s "$(cd "$(dirname "$e")" && pwd)/$(basename "$e")" "$PY_BUILD/"
    done
    for b in "$BUILD"/bin/*; do
        w="$PY_BUILD/bin/$(basename "$b")"
        if [ ! -x "$b" ]; then   # make's dependency files and the like stay as they are
            ln -s "$(cd "$(dirname "$b")" && pwd)/$(basename "$b")" "$w"
            continue
        fi
        printf '#!/bin/sh\nexec %s %s "$@"\n' "$VG" "$(cd "$(dirname "$b")" && pwd)/$(basename "$b")" >"$w"
        chmod +x "$w"
    done
fi

for t in $(find "$BUILD/tests" -type f -perm -u+x -name 'test_*' 2>/dev/null | sort); do
    run_one "${t#$BUILD/}" $VG "$t"
done
# SUITES="tests/a/test_x.py ..." runs only those Python suites (CI's valgrind pass: the
# programs under memcheck are 20-50 times slower); unset, every one.
for t in ${SUITES:-$(find tests -name 'test_*.py' | sort)}; do
    run_one "$t" env BUILD="$PY_BUILD" VALGRIND="$VG" "$PYTHON" "$t"
done
echo "$total_pass passed, $total_fail failed"
[ "$total_fail" -eq 0 ]
