# Issue 16's rows, sourced by bench/run.sh (its variables and its step function):
#   build16     builds the delay server, the simdjson ceiling and the Go SDK peer
#   decode16    one round of rows 12-13's decode contenders (called from rows 1-3's loop)
#   measure16   rows 9-12 against nginx and the delay server, ROUNDS rounds
# A contender that cannot be built is recorded as "not available" with the reason.
# shellcheck shell=sh disable=SC2154  # B, ROOT, URL_*, P_DELAY and the rest come from run.sh

# The Go SDK peer: Debian's aws-sdk-go-v2 (GOPATH mode, offline), its service/personalize
# copied into a GOPATH entry of our own with bench/go/shim added (the rest of the SDK tree
# linked in place, so its internal packages stay importable), and bench/go/acgbench.
build_go_peer() {
    sdk=/usr/share/gocode/src/github.com/aws/aws-sdk-go-v2
    gp=$B/gopath
    over=$gp/src/github.com/aws/aws-sdk-go-v2
    [ -d "$sdk/service/personalize" ] || { echo "$sdk/service/personalize is missing" >&2; return 1; }
    rm -rf "$gp"
    mkdir -p "$over/service" "$gp/src/acgbench"
    for e in "$sdk"/*; do
        [ "$(basename "$e")" = service ] || ln -s "$e" "$over/"
    done
    for e in "$sdk"/service/*; do
        [ "$(basename "$e")" = personalize ] || ln -s "$e" "$over/service/"
    done
    cp -r "$sdk/service/personalize" "$over/service/"
    cp bench/go/shim/zz_acg_bench_shim.go "$over/service/personalize/"
    cp bench/go/acgbench/main.go "$gp/src/acgbench/"
    (cd "$gp/src/acgbench" && GOPATH="$gp:/usr/share/gocode" GO111MODULE=off GOPROXY=off GOFLAGS='' \
        GOCACHE="$ROOT/build-bench/go-cache" go build -trimpath -ldflags='-s -w' -o "$B/go_personalize" .)
}

build16() {
    cc -std=c11 -O2 -Wall -Wextra bench/delay_server.c -o "$B/delay_server"
    printf '%s\n' "cc -std=c11 -O2 -Wall -Wextra bench/delay_server.c -o $B/delay_server" >>"$COMMANDS"
    # simdjson's contender links the generated C code and libacg into a C++ program.
    mkdir -p "$B/obj"
    SIMD_OK=1
    for f in $GENERATED_C; do
        $CCLINE -c "$f" -o "$B/obj/$(basename "$f" .c).o" || SIMD_OK=0
    done
    # shellcheck disable=SC2086
    if [ "$SIMD_OK" = 1 ] && g++ -std=c++17 -O2 -Wall -Wextra -Iruntime/include -Igenerated/personalize \
        bench/bench_simdjson.cpp "$B"/obj/*.o build-bench/libacg.a -lsimdjson $PKG_LIBS \
        -o "$B/bench_simdjson" 2>"$B/simdjson-build.err"; then
        :
    else
        SIMD_OK=0
        echo "na.ceiling. building bench_simdjson failed: $(tail -n 1 "$B/simdjson-build.err" | cut -c1-120)" >>"$RESULTS"
    fi
    printf '%s\n' "g++ -std=c++17 -O2 -Iruntime/include -Igenerated/personalize bench/bench_simdjson.cpp generated/personalize/*.o build-bench/libacg.a -lsimdjson ..." >>"$COMMANDS"
    GO_OK=
    if command -v go >/dev/null && build_go_peer 2>"$B/go-build.err"; then
        GO_OK=1
        echo "size.go_kb $(($(stat -c %s "$B/go_personalize") / 1024))" >>"$RESULTS"
    else
        reason=$(grep -v '^ *$' "$B/go-build.err" 2>/dev/null | tail -n 1 | cut -c1-120)
        for k in peer. decode.go size.go oneshot.go; do
            echo "na.$k building the Go SDK peer failed: ${reason:-no go command}" >>"$RESULTS"
        done
    fi
    printf '%s\n' "GOPATH=$B/gopath:/usr/share/gocode GO111MODULE=off GOPROXY=off go build -trimpath -ldflags='-s -w' acgbench (bench/go; service/personalize from /usr/share/gocode with bench/go/shim added)" >>"$COMMANDS"
    # Our program, stripped the same way, for the size comparison.
    cp build-bench/bin/personalize "$B/personalize.stripped"
    strip "$B/personalize.stripped"
    echo "size.gen_cli_kb $(($(stat -c %s "$B/personalize.stripped") / 1024))" >>"$RESULTS"
}

decode16() {
    if [ "$SIMD_OK" = 1 ]; then
        step "" "ceiling." "$B/bench_simdjson" "$B/fx" "$SECS"
    fi
    if [ "$GO_OK" = 1 ]; then
        step "" "decode.go" "$B/go_personalize" decode "$B/fx" "$SECS"
    fi
}

DELAY_PID=
stop_delay() {
    stop_child "$DELAY_PID"
    DELAY_PID=
}

measure16() {
    url_delay=http://127.0.0.1:$P_DELAY
    "$B/delay_server" "$P_DELAY" 10 "$B/fx/describe.json" 2>"$B/delay-server.err" &
    DELAY_PID=$!
    printf '%s\n' "$B/delay_server $P_DELAY 10 $B/fx/describe.json" >>"$COMMANDS"
    have_delay=0
    for _ in $(seq 50); do
        if curl -s -o /dev/null -X POST -d '{}' "$url_delay/"; then have_delay=1; break; fi
        sleep 0.1
    done
    [ "$have_delay" = 1 ] || echo "na.async. the delay server did not start" >>"$RESULTS"
    log "bench: rows 9-12 (issue 16: threads, calls in flight, 10 MB List memory, Go SDK), $ROUNDS rounds"
    for _ in $(seq "$ROUNDS"); do
        for n in 1 2 4 8; do
            step "threads.gen.$n." "threads.gen.$n." "$B/bench_e2e" threads gen "$n" "$URL_describe" "$E2E_SECS"
            step "threads.floor.$n." "threads.floor.$n." "$B/bench_e2e" threads floor "$n" "$URL_describe" "$E2E_SECS"
        done
        if [ "$have_delay" = 1 ]; then
            for n in 1 16 64 256; do
                step "async.$n." "async.$n." "$B/bench_e2e" async "$n" "$url_delay" "$E2E_SECS"
            done
        fi
        step "rsscall." "rsscall." "$B/bench_e2e" rss list "$URL_list10m"
        if [ "$GO_OK" = 1 ]; then
            step "peer.gen." "peer.gen." "$B/bench_e2e" gen describe "$URL_describe" "$E2E_SECS"
            step "peer.go." "peer.go." "$B/go_personalize" e2e "$URL_describe" "$E2E_SECS"
        fi
    done
    stop_delay
}

versions16() {
    echo "version.go $(go version 2>/dev/null | cut -d' ' -f3)"
    echo "version.aws_sdk_go_v2 $(dpkg-query -W -f '${Version}' golang-github-aws-aws-sdk-go-v2-dev 2>/dev/null || echo unknown)"
    echo "version.simdjson $(dpkg-query -W -f '${Version}' libsimdjson-dev 2>/dev/null || echo unknown)"
}
