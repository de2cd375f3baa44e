"""Prints the service-2 model file of every installed botocore service whose protocol is
json (metadata.protocol, or the first of metadata.protocols), newest API version only."""
import glob
import gzip
import json
import os
import sys

import botocore

DATA = os.path.join(os.path.dirname(botocore.__file__), "data")


def json_models():
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
        protocols = meta.get("protocols") or [meta.get("protocol")]
        if protocols[0] == "json":
            yield svc, files[0]


if __name__ == "__main__":
    for svc, path in json_models():
        sys.stdout.write(f"{svc} {path}\n")
