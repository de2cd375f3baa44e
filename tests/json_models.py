"""Prints the service-2 model file of every installed botocore service whose protocol is one
of those given on the command line (default: json), by metadata.protocol or the first of
metadata.protocols, newest API version only: "SERVICE PATH" per line."""
import glob
import gzip
import json
import os
import sys

import botocore

DATA = os.path.join(os.path.dirname(botocore.__file__), "data")


def models(protocols=("json",)):
    for svc in sorted(os.listdir(DATA)):
        folder = os.path.join(DATA, svc)
        if not os.path.isdir(folder):
            continue
        version = sorted(os.listdir(folder))[-1]
        files = glob.glob(os.path.join(folder, version, "service-2.json*"))
        if not files:
            continue
        opener = gzip.open if files[0].endswith(".gz") else open
        with opener(files[0], "rt", encoding="utf-8") as f:
            meta = json.load(f)["metadata"]
        found = meta.get("protocols") or [meta.get("protocol")]
        if found[0] in protocols:
            yield svc, files[0]


def json_models():
    return models(("json",))


def rest_json_models():
    return models(("rest-json",))


if __name__ == "__main__":
    for svc, path in models(tuple(sys.argv[1:]) or ("json",)):
        sys.stdout.write(f"{svc} {path}\n")
