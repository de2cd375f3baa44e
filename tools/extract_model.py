"""Writes models/personalize/2018-05-22/service-2.yaml: the batch inference operations and
ListSolutions of the installed AWS Personalize model and every shape they reach, copied key for key, with the
documentation replaced by this project's own shorter text (DOCS below).

    python3 tools/extract_model.py > models/personalize/2018-05-22/service-2.yaml
"""
import gzip
import json
import os
import sys

import botocore
import yaml

SOURCE = os.path.join(os.path.dirname(botocore.__file__), "data", "personalize", "2018-05-22",
                      "service-2.json.gz")
OPERATIONS = ["CreateBatchInferenceJob", "DescribeBatchInferenceJob", "ListBatchInferenceJobs",
              "ListSolutions"]

# Our own words for every documented item: "Shape" or "Shape.member" (operations by name).
DOCS = {
    "": "Amazon Personalize trains recommendation models on your data and serves "
        "personalized recommendations from them, in real time or in batches.",
    "CreateBatchInferenceJob": "Starts a batch inference job: recommendations for every record "
        "of an input file in Amazon S3, written to an S3 output location.",
    "DescribeBatchInferenceJob": "Returns the settings and current status of one batch inference "
        "job.",
    "ListBatchInferenceJobs": "Lists batch inference jobs, newest first, optionally only those "
        "of one solution version. Pages through results with nextToken.",
    "BatchInferenceJob": "A batch inference job with its settings and state.",
    "BatchInferenceJob.jobName": "The job's name.",
    "BatchInferenceJob.batchInferenceJobArn": "The job's ARN.",
    "BatchInferenceJob.filterArn": "The ARN of the filter the job applies, if any.",
    "BatchInferenceJob.failureReason": "Why the job failed, when it did.",
    "BatchInferenceJob.solutionVersionArn": "The ARN of the solution version that produces the "
        "recommendations.",
    "BatchInferenceJob.numResults": "How many recommendations the job produced, counting the "
        "error entries written for input records that failed.",
    "BatchInferenceJob.jobInput": "Where the job reads its input in Amazon S3.",
    "BatchInferenceJob.jobOutput": "Where the job writes its output in Amazon S3.",
    "BatchInferenceJob.batchInferenceJobConfig": "Extra settings of the job.",
    "BatchInferenceJob.roleArn": "The ARN of the IAM role the job runs as.",
    "BatchInferenceJob.batchInferenceJobMode": "Whether the job makes recommendations only or "
        "also generates themes.",
    "BatchInferenceJob.themeGenerationConfig": "Settings for theme generation.",
    "BatchInferenceJob.status": "The job's state: PENDING, IN PROGRESS, ACTIVE, or CREATE "
        "FAILED.",
    "BatchInferenceJob.creationDateTime": "When the job was created.",
    "BatchInferenceJob.lastUpdatedDateTime": "When the job last changed.",
    "BatchInferenceJobConfig": "Extra settings of a batch inference job.",
    "BatchInferenceJobConfig.itemExplorationConfig": "Exploration hyperparameters as name and "
        "value strings, such as explorationWeight and explorationItemAgeCutOff; for recipes "
        "that support exploration.",
    "BatchInferenceJobConfig.rankingInfluence": "Weights from 0.0 to 1.0 for the POPULARITY and "
        "FRESHNESS ranking factors.",
    "BatchInferenceJobInput": "The input of a batch inference job.",
    "BatchInferenceJobInput.s3DataSource": "The S3 location of the input file, in the same "
        "region as the endpoint called.",
    "BatchInferenceJobOutput": "The output of a batch inference job.",
    "BatchInferenceJobOutput.s3DataDestination": "The S3 location the results are written to.",
    "BatchInferenceJobSummary": "The main facts of a batch inference job, as listed.",
    "BatchInferenceJobSummary.batchInferenceJobArn": "The job's ARN.",
    "BatchInferenceJobSummary.jobName": "The job's name.",
    "BatchInferenceJobSummary.status": "The job's state: PENDING, IN PROGRESS, ACTIVE, or "
        "CREATE FAILED.",
    "BatchInferenceJobSummary.creationDateTime": "When the job was created.",
    "BatchInferenceJobSummary.lastUpdatedDateTime": "When the job last changed.",
    "BatchInferenceJobSummary.failureReason": "Why the job failed, when it did.",
    "BatchInferenceJobSummary.solutionVersionArn": "The ARN of the solution version the job "
        "uses.",
    "BatchInferenceJobSummary.batchInferenceJobMode": "Whether the job makes recommendations "
        "only or also generates themes.",
    "CreateBatchInferenceJobRequest.jobName": "A name for the new job.",
    "CreateBatchInferenceJobRequest.solutionVersionArn": "The ARN of the solution version that "
        "makes the recommendations.",
    "CreateBatchInferenceJobRequest.filterArn": "The ARN of a filter to apply to the "
        "recommendations.",
    "CreateBatchInferenceJobRequest.numResults": "How many recommendations to make for each "
        "input record.",
    "CreateBatchInferenceJobRequest.jobInput": "The S3 location of the input, a JSON lines "
        "file.",
    "CreateBatchInferenceJobRequest.jobOutput": "The S3 location for the output.",
    "CreateBatchInferenceJobRequest.roleArn": "The ARN of an IAM role that may read the input "
        "and write the output buckets.",
    "CreateBatchInferenceJobRequest.batchInferenceJobConfig": "Extra settings of the job.",
    "CreateBatchInferenceJobRequest.tags": "Tags to attach to the job.",
    "CreateBatchInferenceJobRequest.batchInferenceJobMode": "THEME_GENERATION also groups "
        "similar items under descriptive themes; BATCH_INFERENCE, the default, does not.",
    "CreateBatchInferenceJobRequest.themeGenerationConfig": "For theme generation: which "
        "Items column holds each item's name.",
    "CreateBatchInferenceJobResponse.batchInferenceJobArn": "The new job's ARN.",
    "DescribeBatchInferenceJobRequest.batchInferenceJobArn": "The ARN of the job to describe.",
    "DescribeBatchInferenceJobResponse.batchInferenceJob": "The job.",
    "FieldsForThemeGeneration": "Items dataset columns used to generate themes.",
    "FieldsForThemeGeneration.itemName": "The column that holds each item's name.",
    "InvalidInputException": "A field or parameter has a value the service does not accept.",
    "InvalidNextTokenException": "The pagination token is not valid.",
    "LimitExceededException": "A request-rate or resource limit was exceeded.",
    "ListBatchInferenceJobsRequest.solutionVersionArn": "List only jobs of this solution "
        "version.",
    "ListBatchInferenceJobsRequest.nextToken": "The token from the previous page.",
    "ListBatchInferenceJobsRequest.maxResults": "At most this many jobs per page (default "
        "100).",
    "ListBatchInferenceJobsResponse.batchInferenceJobs": "The jobs on this page.",
    "ListBatchInferenceJobsResponse.nextToken": "The token for the next page; absent on the "
        "last page.",
    "ListSolutions": "Lists solutions, newest first, optionally only those of one dataset "
        "group. Pages through results with nextToken.",
    "ListSolutionsRequest.datasetGroupArn": "List only solutions of this dataset group.",
    "ListSolutionsRequest.nextToken": "The token from the previous page.",
    "ListSolutionsRequest.maxResults": "At most this many solutions per page.",
    "ListSolutionsResponse.solutions": "The solutions on this page.",
    "ListSolutionsResponse.nextToken": "The token for the next page; absent on the last page.",
    "SolutionSummary": "The main facts of a solution, as listed.",
    "SolutionSummary.name": "The solution's name.",
    "SolutionSummary.solutionArn": "The solution's ARN.",
    "SolutionSummary.status": "The solution's state: CREATE PENDING, CREATE IN_PROGRESS, ACTIVE, "
        "CREATE FAILED, or DELETE PENDING, DELETE IN_PROGRESS.",
    "SolutionSummary.creationDateTime": "When the solution was created.",
    "SolutionSummary.lastUpdatedDateTime": "When the solution last changed.",
    "SolutionSummary.recipeArn": "The ARN of the recipe the solution uses.",
    "ResourceAlreadyExistsException": "A resource with that name already exists.",
    "ResourceInUseException": "The resource is busy with another operation.",
    "ResourceNotFoundException": "No resource matches the given name or ARN.",
    "S3DataConfig": "An Amazon S3 location, with the KMS key for its objects.",
    "S3DataConfig.path": "The S3 path.",
    "S3DataConfig.kmsKeyArn": "The ARN of the KMS key that encrypts and decrypts the files.",
    "Tag": "A label on a resource: a key and an optional value.",
    "Tag.tagKey": "The tag's key, a category.",
    "Tag.tagValue": "The tag's value within its key.",
    "ThemeGenerationConfig": "Settings for generating themes in a batch inference job.",
    "ThemeGenerationConfig.fieldsForThemeGeneration": "The columns themes are built from.",
    "TooManyTagsException": "The resource would have more tags than allowed.",
}


def closure(model):
    seen = []

    def walk(name):
        if name in seen:
            return
        seen.append(name)
        shape = model["shapes"][name]
        for member in shape.get("members", {}).values():
            walk(member["shape"])
        for key in ("member", "key", "value"):
            if key in shape:
                walk(shape[key]["shape"])

    for op in OPERATIONS:
        o = model["operations"][op]
        for key in ("input", "output"):
            if key in o:
                walk(o[key]["shape"])
        for err in o.get("errors", []):
            walk(err["shape"])
    return seen


def with_doc(d, key):
    """Replaces AWS's documentation with ours; an undocumented item stays undocumented."""
    if "documentation" not in d:
        return d
    out = dict(d)
    if key not in DOCS:
        sys.exit(f"extract_model: no documentation of our own for {key}")
    out["documentation"] = DOCS[key]
    return out


def main():
    with gzip.open(SOURCE, "rt") as f:
        model = json.load(f)
    shapes = {}
    for name in sorted(closure(model)):
        shape = with_doc(model["shapes"][name], name)
        if "members" in shape:
            shape["members"] = {m: with_doc(v, f"{name}.{m}") for m, v in shape["members"].items()}
        shapes[name] = shape
    out = {
        "version": model["version"],
        "metadata": model["metadata"],
        "operations": {op: with_doc(model["operations"][op], op) for op in OPERATIONS},
        "shapes": shapes,
        "documentation": DOCS[""],
    }
    sys.stdout.write("# Amazon Personalize, batch inference operations and ListSolutions: a subset of AWS's published\n"
                     "# model (botocore %s), with documentation in this project's words.\n"
                     "# Regenerate: python3 tools/extract_model.py > THIS FILE\n" % botocore.__version__)
    yaml.safe_dump(out, sys.stdout, sort_keys=False, allow_unicode=True, width=100,
                   default_flow_style=False)


if __name__ == "__main__":
    main()
