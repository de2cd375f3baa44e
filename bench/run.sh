#!/bin/sh
# make bench: builds optimised binaries into build-bench/, starts nginx on loopback, runs every
# comparison of issue 6 with the contenders taking turns (A B A B ...), then issue 11's gates
# against the pre-redesign generator (commit a3a4d28, extracted and built under build-bench/),
# issue 16's rows (bench/run_issue16.sh: threads, calls in flight, the 10 MB List's memory,
# the AWS SDK for Go v2, simdjson), prints the table and writes it to bench/RESULTS.md.
# BENCH_QUICK=1: tiny counts, only to prove it works; the scale pass of row 8 (minutes) runs
# only without it.
set -eu
cd "$(dirname "$0")/.."
ROOT=$PWD
B=$ROOT/build-bench/bench
PYTHON=${PYTHON:-python3}
if [ "${BENCH_QUICK:-0}" = 1 ]; then
    ROUNDS=1 SECS=0.02 E2E_SECS=0.1 ONESHOT_ROUNDS=1 GEN_ROUNDS=1 ALLOC_CALLS=20 REDESIGN_ROUNDS=1
else
    ROUNDS=7 SECS=0.3 E2E_SECS=1 ONESHOT_ROUNDS=10 GEN_ROUNDS=3 ALLOC_CALLS=1000 REDESIGN_ROUNDS=3
fi
# The last commit before issue 11's redesign: row 8 measures its generator beside this one.
OLD_COMMIT=a3a4d28
rm -rf "$B"
mkdir -p "$B/fx"
RESULTS=$B/results.txt
COMMANDS=$B/commands.txt
: >"$RESULTS"
: >"$COMMANDS"

log() { printf '%s\n' "$*" >&2; }

# stop_child PID: kills and reaps a server this script started in the background (none: "").
stop_child() {
    [ -n "$1" ] || return 0
    kill "$1" 2>/dev/null || true
    wait "$1" 2>/dev/null || true
}

# step PREFIX NA_KEYS CMD...: runs CMD, appends its "key value" lines to RESULTS with PREFIX
# put in front of each key; a failure is recorded as "na.KEY reason" for each of the
# space-separated key prefixes NA_KEYS (what the table shows as "not available: reason"),
# and the run goes on.
step() {
    prefix=$1 na_keys=$2
    shift 2
    printf '%s\n' "$*" >>"$COMMANDS"
    status=0
    "$@" >"$B/step.out" 2>"$B/step.err" || status=$?
    sed "s/^/$prefix/" "$B/step.out" >>"$RESULTS"
    if [ "$status" != 0 ]; then
        reason=$(grep -v '^ *$' "$B/step.err" | tail -n 1 | tr -s ' \t' ' ' | cut -c1-150)
        log "bench: FAILED ($*): $reason"
        for k in $na_keys; do
            echo "na.$k ${reason:-exit status $status}" >>"$RESULTS"
        done
    fi
}

log "bench: building optimised binaries (-O2) into build-bench/"
make -s -j2 BUILD=build-bench CFLAGS=-O2 build-bench/libacg.a build-bench/libacg_cli.a \
    build-bench/bin/acg-gen build-bench/bin/personalize >&2
PKG_LIBS="$(pkg-config --cflags --libs libcurl libcrypto yaml-0.1 libpcre2-8 zlib inih expat) -lpthread -lm"
GENERATED_C=$(ls generated/personalize/*.c | grep -v '_main\.c$')
CCLINE="cc -std=c11 -D_POSIX_C_SOURCE=200809L -O2 -Wall -Wextra -Iruntime/include -Iruntime/internal -Icli/include -Igenerated/personalize"
# shellcheck disable=SC2086
$CCLINE bench/bench_decode.c bench/cjson_decode.c $GENERATED_C build-bench/libacg.a -lcjson \
    $PKG_LIBS -o "$B/bench_decode"
# shellcheck disable=SC2086
$CCLINE bench/bench_e2e.c $GENERATED_C build-bench/libacg.a $PKG_LIBS -o "$B/bench_e2e"
# Row 8: Lambda GetFunction (restJson1), from acg-gen output for the installed Lambda model.
LAMBDA_MODEL=$($PYTHON -c 'import botocore.loaders as l, os; d = os.path.join(os.path.dirname(l.__file__), "data", "lambda"); print(os.path.join(d, sorted(os.listdir(d))[-1], "service-2.json.gz"))')
build-bench/bin/acg-gen --model "$LAMBDA_MODEL" --out "$B/lambda" --prefix lambda
# shellcheck disable=SC2086
$CCLINE -I"$B/lambda" bench/bench_restjson.c "$B/lambda/lambda_tables.c" "$B/lambda/lambda_endpoints.c" \
    build-bench/libacg.a $PKG_LIBS -o "$B/bench_restjson"
printf '%s\n' "build-bench/bin/acg-gen --model $LAMBDA_MODEL --out $B/lambda --prefix lambda" \
    "$CCLINE -I$B/lambda bench/bench_restjson.c $B/lambda/lambda_tables.c $B/lambda/lambda_endpoints.c build-bench/libacg.a ..." >>"$COMMANDS"
cc -O2 -shared -fPIC bench/malloc_count.c -o "$B/malloc_count.so"
printf '%s\n' "$CCLINE bench/bench_decode.c bench/cjson_decode.c generated/personalize/*.c (not _main.c) build-bench/libacg.a -lcjson ..." \
    "$CCLINE bench/bench_e2e.c generated/personalize/*.c (not _main.c) build-bench/libacg.a ..." >>"$COMMANDS"

# shellcheck source=bench/run_issue16.sh
. bench/run_issue16.sh
build16

log "bench: fixtures"
$PYTHON bench/fixtures.py "$B/fx" | sed 's/^\([^ ]*\) /fixture.\1 /' >>"$RESULTS"
printf '%s\n' "$PYTHON bench/fixtures.py $B/fx" >>"$COMMANDS"

# nginx from Debian (nginx-light), a non-daemon child serving the fixtures on loopback.
NGINX=$(command -v nginx || echo /usr/sbin/nginx)
if [ ! -x "$NGINX" ]; then
    log "bench: installing nginx-light"
    apt-get install -y nginx-light >&2 || true
fi
NGINX_PID=
stop_nginx() {
    stop_child "$NGINX_PID"
    NGINX_PID=
}
trap 'stop_nginx; stop_delay' EXIT
trap 'stop_nginx; stop_delay; exit 130' INT TERM
set -- $($PYTHON -c 'import socket
s=[socket.socket() for _ in range(5)]
[x.bind(("127.0.0.1",0)) for x in s]
print(*[x.getsockname()[1] for x in s])')
P_DESCRIBE=$1 P_LIST100=$2 P_LIST10M=$3 P_GETFUNCTION=$4 P_DELAY=$5
URL_describe=http://127.0.0.1:$P_DESCRIBE URL_list100=http://127.0.0.1:$P_LIST100 URL_list10m=http://127.0.0.1:$P_LIST10M
URL_getfunction=http://127.0.0.1:$P_GETFUNCTION
HAVE_NGINX=0
if [ -x "$NGINX" ]; then
    sh bench/nginx.sh "$B" "$P_DESCRIBE" "$P_LIST100" "$P_LIST10M" "$P_GETFUNCTION"
    "$NGINX" -p "$B" -c "$B/nginx.conf" -e "$B/nginx-error.log" &
    NGINX_PID=$!
    printf '%s\n' "$NGINX -p $B -c $B/nginx.conf (config: bench/nginx.sh)" >>"$COMMANDS"
    for _ in $(seq 50); do
        if curl -s -o /dev/null -X POST -d '{}' "$URL_describe/"; then HAVE_NGINX=1; break; fi
        sleep 0.1
    done
fi
if [ "$HAVE_NGINX" = 0 ]; then
    log "bench: nginx did not start; rows 4 and 5 are not available"
    for k in e2e oneshot allocs.call restjson.e2e threads async rsscall peer; do echo "na.$k. nginx did not start (see $B/nginx-error.log)" >>"$RESULTS"; done
fi

# Rows 1-3: C (generated, cJSON, jsmn in one process) and botocore take turns, ROUNDS times.
log "bench: rows 1-3 (decode, serialize, SigV4), $ROUNDS rounds"
for _ in $(seq "$ROUNDS"); do
    step "" "decode.gen decode.cjson decode.jsmn serialize.gen sigv4.gen" "$B/bench_decode" round "$B/fx" "$SECS"
    step "" "decode.botocore serialize.botocore sigv4.botocore" $PYTHON bench/py_bench.py round "$B/fx" "$SECS"
    decode16
done

# Row 8: restJson1 (Lambda GetFunction) building and decoding, C and botocore in turns.
log "bench: row 8 (restJson1: Lambda GetFunction), $ROUNDS rounds"
for _ in $(seq "$ROUNDS"); do
    step "" "restjson.build.gen restjson.decode.gen restjson.decode_mb.gen" "$B/bench_restjson" round "$B/fx/getfunction.json" "$SECS"
    step "" "restjson.build.botocore restjson.decode.botocore restjson.decode_mb.botocore" $PYTHON bench/py_bench.py restjson "$B/fx/getfunction.json" "$SECS"
done
if [ "$HAVE_NGINX" = 1 ]; then
    for _ in $(seq "$ROUNDS"); do
        step "restjson.e2e.gen." "restjson.e2e.gen." "$B/bench_restjson" gen "$URL_getfunction" "$E2E_SECS"
        step "restjson.e2e.floor." "restjson.e2e.floor." "$B/bench_restjson" floor "$URL_getfunction" "$E2E_SECS"
        step "restjson.e2e.boto3." "restjson.e2e.boto3." $PYTHON bench/py_bench.py restjson-e2e "$URL_getfunction" "$E2E_SECS"
    done
fi

# Row 4: per fixture, generated / floor / boto3 take turns, ROUNDS times.
if [ "$HAVE_NGINX" = 1 ]; then
    log "bench: row 4 (end-to-end against nginx), $ROUNDS rounds"
    for _ in $(seq "$ROUNDS"); do
        for fx in describe list100 list10m; do
            op=list
            [ "$fx" = describe ] && op=describe
            eval url=\$URL_$fx
            step "e2e.gen.$fx." "e2e.gen.$fx." "$B/bench_e2e" gen $op "$url" "$E2E_SECS"
            step "e2e.floor.$fx." "e2e.floor.$fx." "$B/bench_e2e" floor $op "$url" "$E2E_SECS"
            step "e2e.boto3.$fx." "e2e.boto3.$fx." $PYTHON bench/py_bench.py e2e "$url" $op "$E2E_SECS"
        done
    done

    log "bench: row 5 (one-shot program), $ONESHOT_ROUNDS rounds"
    ARN=arn:aws:personalize:us-west-2:123456789012:batch-inference-job/movie-recs-nightly-2024-01-15
    ARGS="describe-batch-inference-job --batch-inference-job-arn $ARN --endpoint-url $URL_describe --region us-west-2"
    AWS=$(command -v aws || echo aws)
    (
        export AWS_ACCESS_KEY_ID=AKIDEXAMPLE AWS_SECRET_ACCESS_KEY=wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY \
            AWS_CONFIG_FILE=/nonexistent AWS_SHARED_CREDENTIALS_FILE=/nonexistent AWS_EC2_METADATA_DISABLED=true
        step "" "oneshot." $PYTHON bench/oneshot.py "$ONESHOT_ROUNDS" \
            "gen=build-bench/bin/personalize $ARGS" \
            "aws=$AWS personalize $ARGS" \
            ${GO_OK:+"go=$B/go_personalize once $URL_describe"} \
            "curl=curl -sS -f -o /dev/null -X POST -H 'Content-Type: application/x-amz-json-1.1' -H 'X-Amz-Target: AmazonPersonalize.DescribeBatchInferenceJob' --data-binary @$B/fx/describe.req $URL_describe/"
    )
    step "allocs.call." "allocs.call." env LD_PRELOAD="$B/malloc_count.so" "$B/bench_e2e" allocs describe "$URL_describe" "$ALLOC_CALLS"
    measure16
fi

log "bench: row 6 (generator), $GEN_ROUNDS rounds"
step "" "gen. compile. size." $PYTHON bench/gen_bench.py build-bench/bin/acg-gen "$B" "$GEN_ROUNDS"

log "bench: row 7 (allocations, peak RSS)"
step "allocs.list10m." "allocs.list10m." env LD_PRELOAD="$B/malloc_count.so" "$B/bench_decode" allocs "$B/fx/list10m.json"
step "allocs.describe." "allocs.describe." env LD_PRELOAD="$B/malloc_count.so" "$B/bench_decode" allocs "$B/fx/describe.json"
step "" "rss.gen" "$B/bench_decode" rss "$B/fx/list10m.json" gen
step "" "rss.cjson" "$B/bench_decode" rss "$B/fx/list10m.json" cjson
step "" "rss.pull" "$B/bench_decode" rss "$B/fx/list10m.json" pull

stop_nginx

# Row 8: issue 11's gates. The pre-redesign tree comes from git (git archive, nothing in the
# working tree or the index changes) and builds with its own Makefile into OLD/build.
OLD=$B/old
log "bench: row 8 (the redesign against $OLD_COMMIT)"
printf '%s\n' "git archive $OLD_COMMIT | tar -x -C $OLD && make -C $OLD BUILD=build CFLAGS=-O2 build/bin/acg-gen build/libacg.a" >>"$COMMANDS"
OLD_OK=0
if git cat-file -e "$OLD_COMMIT^{commit}" 2>/dev/null; then
    mkdir -p "$OLD"
    if git archive "$OLD_COMMIT" | tar -x -C "$OLD" &&
        make -C "$OLD" -s -j2 BUILD=build CFLAGS=-O2 build/bin/acg-gen build/libacg.a >&2; then
        OLD_OK=1
    else
        echo "na.redesign. building $OLD_COMMIT failed" >>"$RESULTS"
    fi
else
    echo "na.redesign. commit $OLD_COMMIT is not in this clone's history" >>"$RESULTS"
fi
if [ "$OLD_OK" = 1 ]; then
    step "" "redesign.lines redesign.compile redesign.size redesign.objsize" \
        $PYTHON bench/redesign.py code "$OLD" "$B/redesign" "$REDESIGN_ROUNDS"
    if [ "${BENCH_QUICK:-0}" = 1 ]; then
        echo "na.redesign.scale full run only (not with BENCH_QUICK=1)" >>"$RESULTS"
    else
        log "bench: row 8, make test-scale's pass of both trees (minutes)"
        step "" "redesign.scale" $PYTHON bench/redesign.py scale "$OLD"
    fi
fi

# Machine and versions, then the table.
{
    echo "machine.nproc $(nproc)"
    echo "machine.cpu $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//')"
    echo "machine.kernel $(uname -sr)"
    echo "machine.date $(date -u +%Y-%m-%dT%H:%M:%SZ)"
    echo "machine.commit $(git rev-parse --short HEAD 2>/dev/null || echo unknown)"
    echo "version.nginx $("$NGINX" -v 2>&1 | sed 's/.*\///')"
    echo "version.botocore $($PYTHON -c 'import botocore; print(botocore.__version__)')"
    echo "version.python $($PYTHON -c 'import platform; print(platform.python_version())')"
    echo "version.aws $(aws --version 2>&1 | cut -d' ' -f1)"
    echo "version.curl $(curl --version | head -n 1 | cut -d' ' -f2)"
    echo "version.cjson $(dpkg-query -W -f '${Version}' libcjson-dev 2>/dev/null || echo unknown)"
    echo "version.jsmn $(dpkg-query -W -f '${Version}' libjsmn-dev 2>/dev/null || echo unknown)"
    versions16
    echo "config.quick ${BENCH_QUICK:-0}"
    echo "config.rounds $ROUNDS"
    echo "config.secs $SECS"
    echo "config.e2e_secs $E2E_SECS"
    echo "config.oneshot_rounds $ONESHOT_ROUNDS"
    echo "config.redesign_rounds $REDESIGN_ROUNDS"
    echo "config.old_commit $OLD_COMMIT"
} >>"$RESULTS"
$PYTHON bench/report.py "$RESULTS" "$COMMANDS" bench/RESULTS.md
