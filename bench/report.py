#!/usr/bin/env python3
"""Turns the benchmark's "key value" lines into the table: median, min-max over the rounds,
ratios of medians, the targets of issues 6 and 11 and whether each is met. Prints it and writes
RESULTS.md.   usage: report.py RESULTS COMMANDS OUT.md"""
import os
import statistics
import sys

FIXTURES = [("describe", "Describe (1.2 KB)"), ("list100", "List, 100 jobs (38 KB)"),
            ("list10m", "List, ~10 MB")]


class Results:
    def __init__(self, path):
        self.values, self.text, self.na = {}, {}, {}
        for line in open(path, encoding="utf-8"):
            key, _, val = line.rstrip("\n").partition(" ")
            if key.startswith("na."):
                self.na[key[3:]] = val
                continue
            try:
                self.values.setdefault(key, []).append(float(val))
            except ValueError:
                self.text[key] = val

    def get(self, key):
        return self.values.get(key)

    def median(self, key):
        v = self.get(key)
        return statistics.median(v) if v else None

    def why_missing(self, key):
        best = ""
        for prefix, reason in self.na.items():
            if key.startswith(prefix) and len(prefix) >= len(best):
                best = prefix
        return self.na.get(best, "no measurement") if best or "" in self.na else "no measurement"


def fmt(x):
    if x is None:
        return "-"
    if x >= 1000:
        return f"{x:,.0f}"
    if x >= 100:
        return f"{x:.0f}"
    if x >= 10:
        return f"{x:.1f}"
    if x >= 1:
        return f"{x:.2f}"
    return f"{x:.3f}"


def t_ver(r, key):
    return r.text.get(key, "?")


def main():
    r = Results(sys.argv[1])
    commands = open(sys.argv[2], encoding="utf-8").read().splitlines()
    rows = []      # (row, what, unit, median, range, ratio, target, verdict)
    verdicts = []  # (target text, met?)

    def measure(row, what, key, unit):
        v = r.get(key)
        if not v:
            rows.append((row, what, unit, f"not available: {r.why_missing(key)}", "", "", "", ""))
            return None
        m = statistics.median(v)
        rng = f"{fmt(min(v))}–{fmt(max(v))}" if len(v) > 1 else "(1 run)"
        rows.append((row, what, unit, fmt(m), rng, "", "", ""))
        return m

    def ratio(row, what, num, den, target=None, ok=None, label=None, pct=False):
        if num is None or den is None or den == 0:
            text = "not available: a side is missing"
            rows.append((row, what, "", "", "", text, target or "", "MISSED (not measured)" if target else ""))
            if target:
                verdicts.append((label or what, None))
            return
        x = num / den
        shown = f"{x * 100:.1f}%" if pct else (f"{x:.3f}×" if x < 0.1 else f"{x:.2f}×")
        verdict = ""
        if target:
            met = ok(x)
            verdict = "met" if met else "**MISSED**"
            verdicts.append((f"{label or what} {target}: {shown}", met))
        rows.append((row, what, "", "", "", shown, target or "", verdict))

    # Row 1 and 2
    for fx, label in FIXTURES:
        g = measure("1 decode", f"{label}: generated", f"decode.gen.{fx}", "MB/s")
        c = measure("1 decode", f"{label}: cJSON (openapi-generator style)", f"decode.cjson.{fx}", "MB/s")
        b = measure("1 decode", f"{label}: botocore parser", f"decode.botocore.{fx}", "MB/s")
        j = measure("1 decode", f"{label}: jsmn tokenising alone (strict, parent links)", f"decode.jsmn.{fx}", "MB/s")
        ratio("1 decode", f"{label}: generated / cJSON", g, c, "≥ 3.5×", lambda x: x >= 3.5,
              f"decode {fx} vs cJSON")
        ratio("1 decode", f"{label}: generated / botocore", g, b, "≥ 30×", lambda x: x >= 30,
              f"decode {fx} vs botocore")
        ratio("1 decode", f"{label}: generated / jsmn alone", g, j)
    for fx, label in FIXTURES:
        g = measure("2 serialize", f"{label}: generated", f"serialize.gen.{fx}", "MB/s")
        b = measure("2 serialize", f"{label}: botocore serializer", f"serialize.botocore.{fx}", "MB/s")
        ratio("2 serialize", f"{label}: generated / botocore", g, b, "≥ 10×", lambda x: x >= 10,
              f"serialize {fx} vs botocore")
    # Row 3
    g = measure("3 SigV4", "runtime, signing key cached (as the client signs)", "sigv4.gen.cached", "signs/s")
    n = measure("3 SigV4", "runtime, key derived every time", "sigv4.gen.nocache", "signs/s")
    b = measure("3 SigV4", "botocore SigV4Auth.add_auth", "sigv4.botocore", "signs/s")
    ratio("3 SigV4", "runtime (cached) / botocore", g, b, "≥ 30×", lambda x: x >= 30, "SigV4 signs/s vs botocore")
    ratio("3 SigV4", "runtime (uncached) / botocore", n, b)
    # Row 4
    for fx, label in FIXTURES:
        vals = {}
        for who, name in [("gen", "generated call API"), ("floor", "libcurl floor"), ("boto3", "boto3")]:
            vals[who] = measure("4 end-to-end", f"{label}: {name}", f"e2e.{who}.{fx}.calls", "calls/s")
            measure("4 end-to-end", f"{label}: {name} latency median", f"e2e.{who}.{fx}.median_ms", "ms")
            measure("4 end-to-end", f"{label}: {name} latency p99", f"e2e.{who}.{fx}.p99_ms", "ms")
        if fx == "describe":
            ratio("4 end-to-end", f"{label}: generated / floor", vals["gen"], vals["floor"], "≥ 0.8×",
                  lambda x: x >= 0.8, "describe calls/s vs libcurl floor")
            ratio("4 end-to-end", f"{label}: generated / boto3", vals["gen"], vals["boto3"], "≥ 20×",
                  lambda x: x >= 20, "describe calls/s vs boto3")
            ratio("4 end-to-end", f"{label}: libcurl floor / boto3 (the most any client can reach)",
                  vals["floor"], vals["boto3"])
        elif fx == "list10m":
            ratio("4 end-to-end", f"{label}: generated / floor", vals["gen"], vals["floor"], "≥ 0.5×",
                  lambda x: x >= 0.5, "10 MB list calls/s vs libcurl floor")
            ratio("4 end-to-end", f"{label}: generated / boto3", vals["gen"], vals["boto3"])
        else:
            ratio("4 end-to-end", f"{label}: generated / floor", vals["gen"], vals["floor"])
            ratio("4 end-to-end", f"{label}: generated / boto3", vals["gen"], vals["boto3"])
    # Row 5
    gw = measure("5 one-shot", "generated program: wall", "oneshot.gen.wall_ms", "ms")
    cw = measure("5 one-shot", "bare curl POST: wall", "oneshot.curl.wall_ms", "ms")
    aw = measure("5 one-shot", "aws personalize (AWS CLI): wall", "oneshot.aws.wall_ms", "ms")
    gr = measure("5 one-shot", "generated program: peak RSS", "oneshot.gen.rss_kb", "KiB")
    measure("5 one-shot", "bare curl POST: peak RSS", "oneshot.curl.rss_kb", "KiB")
    ar = measure("5 one-shot", "AWS CLI: peak RSS", "oneshot.aws.rss_kb", "KiB")
    ratio("5 one-shot", "wall: generated / curl", gw, cw, "≤ 1.1×", lambda x: x <= 1.1, "one-shot wall vs curl")
    ratio("5 one-shot", "wall: AWS CLI / generated", aw, gw, "≥ 40×", lambda x: x >= 40, "one-shot speed-up over the AWS CLI")
    ratio("5 one-shot", "peak RSS: generated / AWS CLI", gr, ar, "≤ 0.25×", lambda x: x <= 0.25, "one-shot peak RSS vs AWS CLI")
    # Row 6
    measure("6 generator", "generate: checked-in model (3 operations)", "gen.checked_in_ms", "ms")
    p = measure("6 generator", "generate: installed Personalize model (all operations)", "gen.personalize_ms", "ms")
    if p is not None:
        ok = p <= 50
        rows.append(("6 generator", "target: whole Personalize ≤ 50 ms", "", "", "", "", "≤ 50 ms", "met" if ok else "**MISSED**"))
        verdicts.append((f"generate whole Personalize ≤ 50 ms: {p:.1f} ms", ok))
    n_models = r.median("gen.all_json_count")
    a = measure("6 generator", f"generate: every installed JSON-protocol model ({fmt(n_models)} models)", "gen.all_json_s", "s")
    if a is not None:
        ok = a <= 10
        rows.append(("6 generator", "target: all JSON models ≤ 10 s", "", "", "", "", "≤ 10 s", "met" if ok else "**MISSED**"))
        verdicts.append((f"generate every JSON-protocol model ≤ 10 s: {a:.2f} s", ok))
    measure("6 generator", "compile (cc -O2): whole Personalize model's sources", "compile.personalize_s", "s")
    measure("6 generator", "compile (cc -O2): DescribeBatchInferenceJob alone", "compile.describe_only_s", "s")
    measure("6 generator", "program size, stripped: DescribeBatchInferenceJob alone", "size.describe_only_kb", "KiB")
    measure("6 generator", f"program size, stripped: whole Personalize model ({int(r.median('size.personalize_all_ops') or 0)} operations)", "size.personalize_all_kb", "KiB")
    # Row 7
    measure("7 memory", "heap allocations per describe call (generated call API)", "allocs.call.allocs_per_call", "allocs")
    measure("7 memory", "heap allocations per Describe decode: generated", "allocs.describe.allocs.gen", "allocs")
    measure("7 memory", "heap allocations per Describe decode: cJSON", "allocs.describe.allocs.cjson", "allocs")
    measure("7 memory", "heap allocations per 10 MB decode: generated", "allocs.list10m.allocs.gen", "allocs")
    measure("7 memory", "heap allocations per 10 MB decode: cJSON", "allocs.list10m.allocs.cjson", "allocs")
    size_kb = (r.median("fixture.list10m.json") or 0) / 1024
    before = measure("7 memory", "process peak RSS with the 10 MB body read, before decoding", "rss.gen.before_kb", "KiB")
    peak = measure("7 memory", "process peak RSS after the generated decode", "rss.gen.peak_kb", "KiB")
    measure("7 memory", "process peak RSS after the cJSON decode", "rss.cjson.peak_kb", "KiB")
    if peak is not None and size_kb:
        x = peak / size_kb
        ok = x <= 3
        rows.append(("7 memory", "peak RSS / body size (whole process, body included)", "", "", "", f"{x:.2f}×", "≤ 3×", "met" if ok else "**MISSED**"))
        verdicts.append((f"peak RSS decoding 10 MB ≤ 3× body: {x:.2f}× (whole process)", ok))
        rows.append(("7 memory", "decode's own growth / body size (peak minus before)", "", "", "", f"{(peak - before) / size_kb:.2f}×", "", ""))
    # Row 8: issue 11's gates, the current generator against the pre-redesign one in this run.
    old = f"pre-redesign ({r.text.get('config.old_commit', 'a3a4d28')})"
    ops = int(r.median("redesign.personalize_ops") or 0)
    for svc, name in [("personalize", f"whole Personalize model ({ops} operations)"),
                      ("sagemaker", "whole SageMaker model")]:
        o = measure("8 redesign", f"generated lines, {name}: {old}", f"redesign.lines.old.{svc}", "lines")
        n = measure("8 redesign", f"generated lines, {name}: current", f"redesign.lines.new.{svc}", "lines")
        ratio("8 redesign", f"generated lines, {name}: current / pre-redesign", n, o, "≤ 35%",
              lambda x: x <= 0.35, f"generated lines, {svc}, current vs pre-redesign", pct=True)
    o = measure("8 redesign", f"compile (cc -O2, file by file as the Makefile does), whole Personalize output: {old}",
                "redesign.compile.old", "s")
    n = measure("8 redesign", "compile (cc -O2, file by file as the Makefile does), whole Personalize output: current",
                "redesign.compile.new", "s")
    ratio("8 redesign", "compile, whole Personalize output: current / pre-redesign", n, o, "≤ 1/3",
          lambda x: x <= 1 / 3, "compile whole Personalize, current vs pre-redesign")
    o = measure("8 redesign", f"  the same, CPU time (user + system): {old}", "redesign.compile_cpu.old", "s")
    n = measure("8 redesign", "  the same, CPU time (user + system): current", "redesign.compile_cpu.new", "s")
    ratio("8 redesign", "  compile CPU time: current / pre-redesign", n, o)
    o = measure("8 redesign", f"program size, stripped, whole Personalize model: {old}", "redesign.size.old_kb", "KiB")
    n = measure("8 redesign", "program size, stripped, whole Personalize model: current", "redesign.size.new_kb", "KiB")
    ratio("8 redesign", "program size, whole Personalize: current / pre-redesign", n, o, "< 1×",
          lambda x: x < 1, "stripped program size, whole Personalize, current vs pre-redesign")
    flags = r.text.get("redesign.program_ldflags", "link flags")
    o = measure("8 redesign", f"  both linked with the current tree's {flags}: {old}", "redesign.size_same.old_kb", "KiB")
    n = measure("8 redesign", f"  both linked with the current tree's {flags}: current", "redesign.size_same.new_kb", "KiB")
    ratio("8 redesign", "  program size, same link flags: current / pre-redesign", n, o)
    o = measure("8 redesign", f"  generated objects alone, text + data: {old}", "redesign.objsize.old_kb", "KiB")
    n = measure("8 redesign", "  generated objects alone, text + data: current", "redesign.objsize.new_kb", "KiB")
    ratio("8 redesign", "  generated objects alone: current / pre-redesign", n, o)
    sample = int(r.median("redesign.scale.sample") or 0)
    models = "every json-protocol model" if not sample else f"a fixed spread of {sample} json-protocol models (SCALE_MODELS={sample}, sagemaker included)"
    counted = {}
    for who, label in [("old", f"{old}: compile with gcc and clang"),
                       ("new", "current: compile with gcc and clang, link the program")]:
        p = r.median(f"redesign.scale.{who}.passed")
        f = r.median(f"redesign.scale.{who}.failed")
        counted[who] = (p, f)
        extra = f" ({int(p)} of {int(p + f)} passed)" if p is not None and f is not None else ""
        counted[who + "_s"] = measure("8 redesign", f"make test-scale over {models}, {label}{extra}",
                                      f"redesign.scale.{who}_s", "s")
    p, f = counted["new"]
    if p is not None and f is not None:
        ok = f == 0
        rows.append(("8 redesign", "make test-scale, current: every model generates, compiles warning-free (gcc, clang) and links",
                     "", "", "", f"{int(p)} of {int(p + f)}", "all", "met" if ok else "**MISSED**"))
        verdicts.append((f"make test-scale, current: {int(p)} of {int(p + f)} models pass", ok))
        ratio("8 redesign", "make test-scale wall time: current / pre-redesign", counted["new_s"], counted["old_s"],
              "< 1×", lambda x: x < 1, "make test-scale time, current vs pre-redesign")
        o = measure("8 redesign", f"  make test-scale CPU time (user + system): {old}", "redesign.scale_cpu.old_s", "s")
        n = measure("8 redesign", "  make test-scale CPU time (user + system): current", "redesign.scale_cpu.new_s", "s")
        ratio("8 redesign", "  make test-scale CPU time: current / pre-redesign", n, o)
    else:
        why = r.why_missing("redesign.scale.new.passed")
        for what in ("make test-scale, current: every model passes", "make test-scale wall time: current / pre-redesign"):
            rows.append(("8 redesign", what, "", "", "", "", "all" if "every" in what else "< 1×", f"not measured: {why}"))
            verdicts.append((f"{what}: {why}", "skipped" if r.median("config.quick") else None))

    # Row 8: one restJson1 operation, Lambda GetFunction
    label = "Lambda GetFunction (restJson1)"
    g = measure("8 restJson1", f"{label}: request building, generated", "restjson.build.gen", "builds/s")
    b = measure("8 restJson1", f"{label}: request building, botocore (serializer, prepare_request_dict)",
                "restjson.build.botocore", "builds/s")
    ratio("8 restJson1", f"{label}: request building, generated / botocore", g, b)
    g = measure("8 restJson1", f"{label}: response decoding (headers, 2 KB body), generated",
                "restjson.decode.gen", "decodes/s")
    b = measure("8 restJson1", f"{label}: response decoding, botocore parser", "restjson.decode.botocore",
                "decodes/s")
    ratio("8 restJson1", f"{label}: response decoding, generated / botocore", g, b)
    vals = {}
    for who, name in [("gen", "generated call API"), ("floor", "libcurl floor"), ("boto3", "boto3")]:
        vals[who] = measure("8 restJson1", f"{label}: {name}", f"restjson.e2e.{who}.calls", "calls/s")
        measure("8 restJson1", f"{label}: {name} latency median", f"restjson.e2e.{who}.median_ms", "ms")
    ratio("8 restJson1", f"{label}: calls, generated / libcurl floor", vals["gen"], vals["floor"])
    ratio("8 restJson1", f"{label}: calls, generated / boto3", vals["gen"], vals["boto3"])

    # Rows 9-13: issue 16.
    gen = {}
    for n in (1, 2, 4, 8):
        what = f"{n} thread{'s' if n > 1 else ''}"
        gen[n] = measure("9 threads", f"describe, {what} on one shared client", f"threads.gen.{n}.calls", "calls/s")
        f = measure("9 threads", f"describe, {n} independent libcurl loop{'s' if n > 1 else ''} (one handle each)",
                    f"threads.floor.{n}.calls", "calls/s")
        ratio("9 threads", f"{what}: shared client / libcurl loops", gen[n], f, "≥ 0.8×", lambda x: x >= 0.8,
              f"{what} on one client vs {n} libcurl loops")
    ratio("9 threads", "2 threads / 1 thread, one shared client", gen[2], gen[1], "≥ 1.7×", lambda x: x >= 1.7,
          "2 threads vs 1 thread on one client")
    for n in (1, 16, 64, 256):
        a = measure("10 in flight", f"describe, {n} in flight from one thread (async API), 10 ms server delay",
                    f"async.{n}.calls", "calls/s")
        rows.append(("10 in flight", f"  ideal: {n} in flight / 10 ms", "calls/s", fmt(n / 0.010), "", "", "", ""))
        target = {16: ("≥ 0.8×", 0.8), 64: ("≥ 0.8×", 0.8), 256: ("≥ 0.6×", 0.6)}.get(n)
        if target:
            ratio("10 in flight", f"{n} in flight: async / ideal", a, n / 0.010, target[0],
                  lambda x, t=target[1]: x >= t, f"{n} in flight vs in-flight/latency")
        else:
            ratio("10 in flight", f"{n} in flight: async / ideal", a, n / 0.010)
    label = "List, ~10 MB"
    g = r.median("e2e.gen.list10m.calls")
    f = r.median("e2e.floor.list10m.calls")
    ratio("11 10 MB List", f"{label}: generated / libcurl floor (row 4's measurements)", g, f, "≥ 0.35×",
          lambda x: x >= 0.35, "10 MB list calls/s vs libcurl floor (issue 16)")
    body_kb = (r.median("fixture.list10m.json") or 0) / 1024
    before = measure("11 10 MB List", "one List call: process peak RSS before it (client made)", "rsscall.before_kb", "KiB")
    peak = measure("11 10 MB List", "one List call: process peak RSS after it", "rsscall.peak_kb", "KiB")
    if peak is not None and before is not None and body_kb:
        rows.append(("11 10 MB List", "  whole process peak RSS / body", "", "", "", f"{peak / body_kb:.2f}×", "", ""))
        x = (peak - before) / body_kb
        ok = x <= 1.5
        rows.append(("11 10 MB List", "  the call's peak RSS growth (peak minus before) / body", "", "", "",
                     f"{x:.2f}×", "≤ 1.5×", "met" if ok else "**MISSED**"))
        verdicts.append((f"10 MB List call's peak RSS growth ≤ 1.5× body: {x:.2f}×", ok))
    else:
        ratio("11 10 MB List", "  the call's peak RSS growth / body", None, None, "≤ 1.5×", None,
              "10 MB List call's peak RSS growth vs body")
    pb = measure("11 10 MB List", "decode alone, the body pulled from a file in 64 KiB pieces "
                 "(acg_json_decode_pull, as a large call now decodes): peak RSS before", "rss.pull.before_kb", "KiB")
    pp = measure("11 10 MB List", "  the same: peak RSS after", "rss.pull.peak_kb", "KiB")
    if pb is not None and pp is not None and body_kb:
        rows.append(("11 10 MB List", "  decode in pieces: peak RSS growth / body (the body never held whole; "
                     "row 7 has the whole-body decode)", "", "", "", f"{(pp - pb) / body_kb:.2f}×", "", ""))
    g = r.median("decode.gen.list10m")
    pm = measure("11 10 MB List", "decode in 64 KiB pieces from memory (row 1's loop)", "decode.pull.list10m", "MB/s")
    ratio("11 10 MB List", "decode in pieces / whole body (row 1)", pm, g)
    peer = ("AWS SDK for Go v2 (Debian golang-github-aws-aws-sdk-go-v2-dev "
            f"{t_ver(r, 'version.aws_sdk_go_v2')}, service/personalize)")
    g = measure("12 Go SDK", "describe, keep-alive: generated call API", "peer.gen.calls", "calls/s")
    o = measure("12 Go SDK", f"describe, keep-alive: {peer}", "peer.go.calls", "calls/s")
    ratio("12 Go SDK", "describe calls/s: generated / Go SDK", g, o, "> 1×", lambda x: x > 1,
          "describe calls/s vs the Go SDK")
    gw = r.median("oneshot.gen.wall_ms")
    ow = measure("12 Go SDK", "one-shot program (row 5's turns): Go SDK program, wall", "oneshot.go.wall_ms", "ms")
    orss = measure("12 Go SDK", "one-shot program: Go SDK program, peak RSS", "oneshot.go.rss_kb", "KiB")
    ratio("12 Go SDK", "one-shot wall: generated / Go SDK (row 5's generated program)", gw, ow, "< 1×",
          lambda x: x < 1, "one-shot wall vs the Go SDK")
    ratio("12 Go SDK", "one-shot peak RSS: generated / Go SDK", r.median("oneshot.gen.rss_kb"), orss)
    measure("12 Go SDK", "program size, stripped: generated, checked-in model (3 operations; libcurl and "
            "libcrypto are shared libraries)", "size.gen_cli_kb", "KiB")
    whole = r.median("size.personalize_all_kb")
    go = measure("12 Go SDK", "program size, stripped (-s -w): Go SDK program (static: its HTTP and TLS "
                 "stack inside)", "size.go_kb", "KiB")
    ratio("12 Go SDK", "program size: generated whole Personalize model (row 6) / Go SDK program", whole, go,
          "< 1×", lambda x: x < 1, "program size vs the Go SDK")
    for fx, flabel in FIXTURES:
        o = measure("12 Go SDK", f"decode {flabel}: Go SDK's generated deserializer (json.Decoder into "
                    "interface{}, then the typed walk)", f"decode.go.{fx}", "MB/s")
        ratio("12 Go SDK", f"decode {flabel}: generated (row 1) / Go SDK", r.median(f"decode.gen.{fx}"), o)
    for fx, flabel in FIXTURES:
        g = measure("13 ceiling", f"decode {flabel}: generated (same process as simdjson)", f"ceiling.gen.{fx}", "MB/s")
        c = measure("13 ceiling", f"decode {flabel}: simdjson On-Demand into the same structs "
                    f"({r.text.get('ceiling.simdjson_impl', '?')} kernel)", f"ceiling.simdjson.{fx}", "MB/s")
        ratio("13 ceiling", f"decode {flabel}: generated / simdjson", g, c, "≥ 0.5×", lambda x: x >= 0.5,
              f"decode {fx} vs simdjson")

    t = r.text
    lines = []
    lines.append("# Benchmark results (issues 6, 11 and 16)")
    lines.append("")
    lines.append(f"Machine: {int(r.median('machine.nproc') or 0)} CPUs (nproc), CPU model `{t.get('machine.cpu', '?')}`, "
                 f"{t.get('machine.kernel', '?')}. Run {t.get('machine.date', '?')} at commit {t.get('machine.commit', '?')}"
                 f"{' with BENCH_QUICK=1 (tiny counts, not for comparison)' if r.median('config.quick') else ''}.")
    lines.append(f"Versions: nginx {t.get('version.nginx', '?')}, botocore {t.get('version.botocore', '?')}, "
                 f"Python {t.get('version.python', '?')}, {t.get('version.aws', '?')}, curl {t.get('version.curl', '?')}, "
                 f"libcjson {t.get('version.cjson', '?')}, libjsmn {t.get('version.jsmn', '?')}, "
                 f"{t.get('version.go', 'go ?')}, aws-sdk-go-v2 {t.get('version.aws_sdk_go_v2', '?')}, "
                 f"simdjson {t.get('version.simdjson', '?')}.")
    lines.append(f"Fixtures (bytes): describe {fmt(r.median('fixture.describe.json'))}, "
                 f"list100 {fmt(r.median('fixture.list100.json'))}, list10m {fmt(r.median('fixture.list10m.json'))}.")
    lines.append(f"Rounds: {int(r.median('config.rounds') or 0)} alternating rounds (C then Python, generated then floor then "
                 f"boto3), {r.median('config.secs')} s per throughput measurement, {r.median('config.e2e_secs')} s per "
                 f"end-to-end measurement, {int(r.median('config.oneshot_rounds') or 0)} one-shot rounds. Median over rounds, "
                 "min–max across rounds; ratios are of medians.")
    lines.append("")
    lines.append("| row | measurement | unit | median | min–max | ratio | target | verdict |")
    lines.append("| --- | --- | --- | ---: | --- | ---: | --- | --- |")
    for row in rows:
        lines.append("| " + " | ".join(str(c) for c in row) + " |")
    lines.append("")
    lines.append("## Targets")
    lines.append("")
    for text, met in verdicts:
        state = {True: "met", False: "MISSED", None: "MISSED (not measured)", "skipped": "not measured"}[met]
        lines.append(f"- {state}: {text}")
    lines.append("")
    notes = os.path.join(os.path.dirname(os.path.abspath(__file__)), "notes.md")
    if os.path.exists(notes):
        lines.append(open(notes, encoding="utf-8").read().rstrip("\n"))
        lines.append("")
    lines.append("## Commands")
    lines.append("")
    lines.append("```")
    lines.extend(commands)
    lines.append("```")
    out = "\n".join(lines) + "\n"
    sys.stdout.write(out)
    with open(sys.argv[3], "w", encoding="utf-8") as f:
        f.write(out)


if __name__ == "__main__":
    main()
