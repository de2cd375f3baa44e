#!/bin/sh
# make demo: fully offline. Starts the Personalize stand-in on a free loopback port, creates
# a batch inference job with the generated program, waits for it to become ACTIVE (the
# batch-inference-job-active waiter), describes and lists it, and stops the stand-in. (make has regenerated and built everything before this runs.)
set -eu
BUILD=${BUILD:-build}
PYTHON=${PYTHON:-python3}
BIN="$BUILD/bin/personalize"
REGION=us-west-2

[ -x "$BIN" ] || { echo "demo: $BIN is missing; run make first" >&2; exit 1; }

tmp=$(mktemp -d)
pid=""
cleanup() {
    if [ -n "$pid" ]; then
        kill "$pid" 2>/dev/null || true
        wait "$pid" 2>/dev/null || true
    fi
    rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

"$PYTHON" tests/standin/personalize_server.py --port 0 --port-file "$tmp/port" \
    >/dev/null 2>"$tmp/standin.err" &
pid=$!
# Wait (at most 20 s) for the stand-in to write its port.
i=0
while [ ! -s "$tmp/port" ]; do
    i=$((i + 1))
    if [ "$i" -gt 200 ] || ! kill -0 "$pid" 2>/dev/null; then
        echo "demo: the stand-in did not start" >&2
        cat "$tmp/standin.err" >&2
        exit 1
    fi
    sleep 0.1
done
ENDPOINT="http://127.0.0.1:$(cat "$tmp/port")"
echo "Personalize stand-in listening on $ENDPOINT (loopback only, nothing leaves this machine)"

# The stand-in's example credentials, and nothing from the user's own AWS setup.
unset AWS_PROFILE AWS_SESSION_TOKEN AWS_ENDPOINT_URL AWS_ENDPOINT_URL_PERSONALIZE
export AWS_ACCESS_KEY_ID=AKIDEXAMPLE
export AWS_SECRET_ACCESS_KEY=wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY
export AWS_CONFIG_FILE=/dev/null AWS_SHARED_CREDENTIALS_FILE=/dev/null
export NO_PROXY=127.0.0.1 no_proxy=127.0.0.1

echo
echo "\$ $BIN create-batch-inference-job --job-name demo-job ... --endpoint-url $ENDPOINT --region $REGION"
created=$("$BIN" create-batch-inference-job \
    --job-name demo-job \
    --solution-version-arn arn:aws:personalize:$REGION:123456789012:solution/movies/1a2b3c4d \
    --role-arn arn:aws:iam::123456789012:role/PersonalizeRole \
    --job-input '{"s3DataSource": {"path": "s3://demo-bucket/users.json"}}' \
    --job-output '{"s3DataDestination": {"path": "s3://demo-bucket/recommendations/"}}' \
    --endpoint-url "$ENDPOINT" --region "$REGION")
echo "$created"
arn=$(printf '%s' "$created" |
      "$PYTHON" -c 'import json, sys; print(json.load(sys.stdin)["batchInferenceJobArn"])')

echo
echo "\$ $BIN wait batch-inference-job-active --batch-inference-job-arn $arn --waiter-delay 1 ..."
"$BIN" wait batch-inference-job-active --batch-inference-job-arn "$arn" --waiter-delay 1 \
    --endpoint-url "$ENDPOINT" --region "$REGION"
echo "(the job is ACTIVE)"

echo
echo "\$ $BIN describe-batch-inference-job --batch-inference-job-arn $arn --endpoint-url $ENDPOINT --region $REGION"
"$BIN" describe-batch-inference-job --batch-inference-job-arn "$arn" \
    --endpoint-url "$ENDPOINT" --region "$REGION"

echo
echo "\$ $BIN list-batch-inference-jobs --output table --endpoint-url $ENDPOINT --region $REGION"
"$BIN" list-batch-inference-jobs --output table --endpoint-url "$ENDPOINT" --region "$REGION" \
    --query 'batchInferenceJobs[].{Name: jobName, Status: status}'

kill "$pid" 2>/dev/null || true
wait "$pid" 2>/dev/null || true
pid=""
echo
echo "Stopped the stand-in."
