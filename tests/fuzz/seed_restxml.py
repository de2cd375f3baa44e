"""Writes tests/fuzz/corpus/restxml/: seeds for fuzz_restxml.c from the restJson1 fixture
model read as a restXml service, made by the differential test's generators
(tests/generated/test_restxml_diff.py): an HTTP response (status, header lines, NUL, XML
body) for every output and modelled error (errors in both layouts), and --cli-input-json
for every operation's input, each behind the byte that picks it.

    python3 tests/fuzz/seed_restxml.py      # rewrites the corpus
"""
import json
import os
import random
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(os.path.dirname(HERE), "generated"))
sys.path.insert(0, os.path.dirname(HERE))
import botocore.model  # noqa: E402
import test_restjson_diff as rj  # noqa: E402
import test_restxml_diff as diff  # noqa: E402

OUT = os.path.join(HERE, "corpus", "restxml")


def main():
    with open(rj.FIXTURE) as f:
        service = botocore.model.ServiceModel(json.load(f), "restfixture")
    rng = random.Random(1)
    ops = sorted(service.operation_names)
    # The fuzz target's order: outputs in operation order, then errors sorted by code.
    outputs = [service.operation_model(n).output_shape for n in ops
               if service.operation_model(n).output_shape is not None]
    errors = sorted(service.error_shapes,
                    key=lambda s: s.metadata.get("error", {}).get("code", s.name))
    os.makedirs(OUT, exist_ok=True)
    for old in os.listdir(OUT):
        os.remove(os.path.join(OUT, old))
    n = 0
    for index, shape in enumerate(outputs + errors):
        for k in range(2):
            value = diff.rand_output(shape, rng)
            layout = None if index < len(outputs) else ("s3", "query")[k]
            try:
                status, headers, body = diff.http_response(service, shape, value, 200 + 200 *
                                                           (layout is not None), rng, layout)
            except Exception:   # a document member: XML has none
                continue
            head = "".join(f"{name}: {v}\n" for name, v in headers).encode()
            with open(os.path.join(OUT, f"r{index:02d}-{k}-{shape.name}.bin"), "wb") as f:
                f.write(bytes([(index << 1) % 256, (status - 200) % 256]) + head + b"\0" + body)
            n += 1
    for index, name in enumerate(ops):
        op = service.operation_model(name)
        if op.input_shape is None:
            continue
        params = rj.cli_json(op.input_shape, rj.rand_input(op, rng))
        with open(os.path.join(OUT, f"q{index:02d}-{name}.bin"), "wb") as f:
            f.write(bytes([((index << 1) | 1) % 256]) + json.dumps(params).encode())
        n += 1
    print(f"wrote {n} seeds to {OUT}")


if __name__ == "__main__":
    main()
