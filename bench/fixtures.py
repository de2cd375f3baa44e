#!/usr/bin/env python3
"""Writes the benchmark's response bodies into DIR, deterministically (fixed seed, fixed
clock): describe.json (~1.2 KB DescribeBatchInferenceJob), list100.json (~38 KB,
ListBatchInferenceJobs with 100 summaries) and list10m.json (~10 MB, ListBatchInferenceJobs-
shaped, with escapes and non-ASCII text), plus the request bodies the calls send."""
import json
import random
import sys

ACCOUNT = "123456789012"
BASE_TS = 1700000000.0


def arn(kind, name):
    return f"arn:aws:personalize:us-west-2:{ACCOUNT}:{kind}/{name}"


def describe():
    job = {
        "jobName": "movie-recs-nightly-2024-01-15",
        "batchInferenceJobArn": arn("batch-inference-job", "movie-recs-nightly-2024-01-15"),
        "filterArn": arn("filter", "exclude-watched"),
        "failureReason": "",
        "solutionVersionArn": arn("solution", "movie-recs/3f2a9c1e"),
        "numResults": 25,
        "jobInput": {"s3DataSource": {
            "path": "s3://example-personalize-input/batch/users-2024-01-15.jsonl",
            "kmsKeyArn": f"arn:aws:kms:us-west-2:{ACCOUNT}:key/1234abcd-12ab-34cd-56ef-1234567890ab"}},
        "jobOutput": {"s3DataDestination": {
            "path": "s3://example-personalize-output/batch/2024-01-15/",
            "kmsKeyArn": f"arn:aws:kms:us-west-2:{ACCOUNT}:key/1234abcd-12ab-34cd-56ef-1234567890ab"}},
        "batchInferenceJobConfig": {
            "itemExplorationConfig": {"explorationWeight": "0.3", "explorationItemAgeCutOff": "30"},
            "rankingInfluence": {"POPULARITY": 0.25, "FRESHNESS": 0.75}},
        "roleArn": f"arn:aws:iam::{ACCOUNT}:role/service-role/PersonalizeBatchInferenceRole",
        "batchInferenceJobMode": "THEME_GENERATION",
        "themeGenerationConfig": {"fieldsForThemeGeneration": {"itemName": "TITLE"}},
        "status": "ACTIVE",
        "creationDateTime": 1705305600.123,
        "lastUpdatedDateTime": 1705309200.456,
    }
    return {"batchInferenceJob": job}


STATUSES = ["ACTIVE", "CREATE PENDING", "CREATE IN_PROGRESS", "CREATE FAILED"]
WORDS = ["nightly", "weekly", "movies", "books", "music", "recs", "test", "prod", "eu", "us"]
# Escapes and non-ASCII that a real failure message may hold: quotes, backslashes, control
# characters, two- three- and four-byte UTF-8.
ODD = ['quote "x"', "path C:\\tmp\\in", "tab\there", "line\nbreak", "café", "naïve résumé",
       "日本語のテキスト", "emoji 🎬🍿", "ctrl \u0001\u001f", "slash /a/b", "Ünïcödé ✓"]


def summary(rng, i, odd):
    name = f"job-{i:07d}-{rng.choice(WORDS)}-{rng.choice(WORDS)}"
    s = {
        "batchInferenceJobArn": arn("batch-inference-job", name),
        "jobName": name,
        "status": rng.choice(STATUSES),
        "creationDateTime": BASE_TS + i * 60 + rng.randrange(1000) / 1000,
        "lastUpdatedDateTime": BASE_TS + i * 60 + 30 + rng.randrange(1000) / 1000,
        "solutionVersionArn": arn("solution", f"sol-{rng.randrange(100):02d}/{rng.randrange(16**8):08x}"),
        "batchInferenceJobMode": rng.choice(["BATCH_INFERENCE", "THEME_GENERATION"]),
    }
    if s["status"] == "CREATE FAILED" or odd:
        s["failureReason"] = "Input file could not be read: " + " | ".join(
            rng.choice(ODD) for _ in range(3 if odd else 1))
    return s


def listing(count, odd, token):
    rng = random.Random(20240115 + count)
    out = {"batchInferenceJobs": [summary(rng, i, odd) for i in range(count)]}
    if token:
        out["nextToken"] = "eyJvZmZzZXQiOjEwMH0=" * 4
    return out


def get_function():
    """A Lambda GetFunction answer (restJson1) as AWS sends it: the configuration, the code
    location, tags, reserved concurrency (~2 KB)."""
    fn = "movie-recs-nightly"
    cfg = {
        "FunctionName": fn,
        "FunctionArn": f"arn:aws:lambda:us-west-2:{ACCOUNT}:function:{fn}",
        "Runtime": "python3.12", "Role": f"arn:aws:iam::{ACCOUNT}:role/service-role/recs-role",
        "Handler": "app.handler", "CodeSize": 5242880, "Description": "Nightly batch recommendations",
        "Timeout": 900, "MemorySize": 3008, "LastModified": "2024-01-15T08:00:00.000+0000",
        "CodeSha256": "k+EDzeIEH2Jkb8WK9tBGjEw4cCO695MBwuug001VGIE=", "Version": "$LATEST",
        "VpcConfig": {"SubnetIds": ["subnet-0a1b2c3d", "subnet-4e5f6a7b"],
                      "SecurityGroupIds": ["sg-0123456789abcdef0"], "VpcId": "vpc-0a1b2c3d"},
        "Environment": {"Variables": {"TABLE": "recs", "STAGE": "prod", "LOG_LEVEL": "info",
                                      "MODEL_ARN": arn("solution", "movie-recs/3f2a9c1e")}},
        "TracingConfig": {"Mode": "Active"},
        "RevisionId": "4e3a4f0c-8d23-4c55-9c2b-1d2e3f4a5b6c",
        "Layers": [{"Arn": f"arn:aws:lambda:us-west-2:{ACCOUNT}:layer:numpy:7", "CodeSize": 20971520}],
        "State": "Active", "LastUpdateStatus": "Successful", "PackageType": "Zip",
        "Architectures": ["arm64"], "EphemeralStorage": {"Size": 2048},
        "SnapStart": {"ApplyOn": "None", "OptimizationStatus": "Off"},
        "RuntimeVersionConfig": {"RuntimeVersionArn": "arn:aws:lambda:us-west-2::runtime:0123456789abcdef"},
        "LoggingConfig": {"LogFormat": "JSON", "ApplicationLogLevel": "INFO",
                          "SystemLogLevel": "WARN", "LogGroup": f"/aws/lambda/{fn}"},
    }
    return {"Configuration": cfg,
            "Code": {"RepositoryType": "S3",
                     "Location": "https://awslambda-us-west-2-tasks.s3.us-west-2.amazonaws.com/"
                                 "snapshots/123456789012/movie-recs-nightly-0a1b2c3d?versionId="
                                 "abc&X-Amz-Security-Token=IQoJb3JpZ2luX2VjEJr%2F%2F%2F%2F"},
            "Tags": {"team": "recs", "cost-centre": "42", "env": "prod"},
            "Concurrency": {"ReservedConcurrentExecutions": 10}}


def dump(obj):
    # As AWS sends it: compact, non-ASCII as UTF-8 bytes (json escapes control characters).
    return json.dumps(obj, separators=(",", ":"), ensure_ascii=False).encode("utf-8")


def main():
    out = sys.argv[1]
    bodies = {"describe.json": dump(describe()),
              "list100.json": dump(listing(100, False, True))}
    # ~10 MB: as many summaries as fit, every one carrying escapes and non-ASCII text.
    n = 10 * 1000 * 1000 // len(dump(listing(100, True, False))) * 100
    bodies["list10m.json"] = dump(listing(n, True, False))
    req = {"describe.req": dump({"batchInferenceJobArn": describe()["batchInferenceJob"]["batchInferenceJobArn"]}),
           "list.req": dump({"maxResults": 100})}
    bodies.update(req)
    bodies["getfunction.json"] = dump(get_function())
    for name, data in bodies.items():
        with open(f"{out}/{name}", "wb") as f:
            f.write(data)
        print(f"{name} {len(data)}")


if __name__ == "__main__":
    main()
