"""Writes tests/fuzz/corpus/deserialize/: real bodies for fuzz_deserialize.c, each prefixed
by the byte that picks its shape (the order fuzz_deserialize.c collects them in: the top-level
shapes of personalize_service's tables, its operations' inputs and outputs and its errors,
sorted by shape name; SHAPES below lists them in that order). Responses come from the stand-in's own operations, so
they are what the tests' server sends; requests are what the program sends for them.

    python3 tests/fuzz/seed_deserialize.py      # rewrites the corpus
"""
import json
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(os.path.dirname(HERE), "standin"))
import personalize_server as standin  # noqa: E402

OUT = os.path.join(HERE, "corpus", "deserialize")
SHAPES = ["create_batch_inference_job_request", "create_batch_inference_job_response",
          "describe_batch_inference_job_request", "describe_batch_inference_job_response",
          "invalid_input_exception", "invalid_next_token_exception", "limit_exceeded_exception",
          "list_batch_inference_jobs_request", "list_batch_inference_jobs_response",
          "resource_already_exists_exception", "resource_in_use_exception",
          "resource_not_found_exception", "too_many_tags_exception"]
ROLE = "arn:aws:iam::123456789012:role/personalize-batch"
SOLUTION = "arn:aws:personalize:us-west-2:123456789012:solution/movies/9f2c1a3b"


def create_request(name):
    return {
        "jobName": name, "solutionVersionArn": SOLUTION, "roleArn": ROLE, "numResults": 25,
        "filterArn": "arn:aws:personalize:us-west-2:123456789012:filter/no-horror",
        "jobInput": {"s3DataSource": {"path": "s3://bucket/in/users.json",
                                      "kmsKeyArn": "arn:aws:kms:us-west-2:123456789012:key/1"}},
        "jobOutput": {"s3DataDestination": {"path": "s3://bucket/out/"}},
        "batchInferenceJobConfig": {"itemExplorationConfig": {"explorationWeight": "0.3"},
                                    "rankingInfluence": {"FRESHNESS": 0.5, "POPULARITY": 1.0}},
        "batchInferenceJobMode": "THEME_GENERATION",
        "themeGenerationConfig": {"fieldsForThemeGeneration": {"itemName": "TITLE"}},
        "tags": [{"tagKey": "team", "tagValue": "recs \u00e9t\u00e9 \U0001F3AC \"q\"\n"}],
    }


def main():
    service = standin.Personalize(standin.Clock())
    bodies = {}
    bodies["create_batch_inference_job_request"] = create_request("nightly-2024")
    bodies["create_batch_inference_job_response"] = service.call(
        "CreateBatchInferenceJob", create_request("nightly-2024"), "us-west-2")
    for i in range(3):
        service.call("CreateBatchInferenceJob", create_request(f"job-{i}"), "us-west-2")
    arn = bodies["create_batch_inference_job_response"]["batchInferenceJobArn"]
    bodies["describe_batch_inference_job_request"] = {"batchInferenceJobArn": arn}
    bodies["describe_batch_inference_job_response"] = service.call(
        "DescribeBatchInferenceJob", {"batchInferenceJobArn": arn}, "us-west-2")
    bodies["list_batch_inference_jobs_request"] = {"solutionVersionArn": SOLUTION,
                                                  "maxResults": 2, "nextToken": "b2Zmc2V0OjI="}
    bodies["list_batch_inference_jobs_response"] = service.call(
        "ListBatchInferenceJobs", {"maxResults": 2}, "us-west-2")
    for shape in SHAPES:
        if shape.endswith("_exception"):
            kind = "".join(w.title() for w in shape.split("_"))
            bodies[shape] = {"__type": f"com.amazonaws.personalize#{kind}",
                             "message": f"{kind}: a message with \\ and \u00fc"}
    os.makedirs(OUT, exist_ok=True)
    for index, shape in enumerate(SHAPES):
        body = json.dumps(standin.drop_nulls(bodies[shape]), ensure_ascii=False)
        with open(os.path.join(OUT, f"{index:02d}-{shape}.bin"), "wb") as f:
            f.write(bytes([index]) + body.encode("utf-8"))
    print(f"wrote {len(SHAPES)} seeds to {OUT}")


if __name__ == "__main__":
    main()
