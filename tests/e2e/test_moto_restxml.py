"""restXml end to end: the programs `make cli` builds from the installed Route 53 and
CloudFront models against moto_server, next to the AWS CLI v1 running the same scenarios.

Each side plays the scenario against a moto_server of its own (fresh state). The two
transcripts must then agree step by step, byte for byte: the exit status (0 for both, or
255 for the AWS CLI v1 and 254 for ours on a service error, the AWS CLI v2's convention),
stdout as printed, and the service error line. What moto makes up per run is masked on both
sides first, in the printed text: the ids it hands out (hosted zones, changes, health
checks, distributions, ETags) and timestamps.

The scenario covers URI labels, query strings (list-hosted-zones-by-name, max-items),
request bodies rooted in the operation's element with its namespace (create-hosted-zone,
change-resource-record-sets, change-tags-for-resource, create-health-check), response
headers printed before the body (create-hosted-zone's Location), wrapped lists, and
<ErrorResponse> errors (NoSuchHostedZone, DistributionAlreadyExists); CloudFront's
structure payloads (DistributionConfig, InvalidationBatch, Tags) with their namespace, and
ETag and Location headers."""
import json
import os
import re
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from e2elib import (BOTOCORE_DATA, BUILD, ROOT, client_env, compare_transcripts, run,  # noqa: E402
                    with_moto_servers)
from pyharness import case, run as run_cases  # noqa: E402

WORK = os.path.join(BUILD, "e2e", "restxml")
SERVICES = ["route53", "cloudfront"]
SERVERS = {}   # "aws", "ours": endpoint URL, while the servers run
PLAYS = {}
# Members whose values moto makes up (CloudFront): masked wherever they recur.
GENERATED = {"Id", "ETag", "DomainName", "ARN", "Location", "CallerReference"}

# Ids moto makes up: /hostedzone/ID, /change/ID, health check UUIDs.
ID_PATHS = re.compile(r"/(hostedzone|change|delegationset)/([A-Z0-9]+)")
UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")
DATETIME = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)?")


def model_file(svc):
    folder = os.path.join(BOTOCORE_DATA, svc)
    return os.path.join(folder, sorted(os.listdir(folder))[-1], "service-2.json.gz")


def program_path(svc):
    return os.path.join(WORK, "bin", svc)


def collect(value, found, key=None):
    """The values of GENERATED members anywhere in value."""
    if isinstance(value, dict):
        for k, v in value.items():
            collect(v, found, k)
    elif isinstance(value, list):
        for v in value:
            collect(v, found, key)
    elif key in GENERATED and isinstance(value, str) and len(value) >= 6:
        found.append((key, value))


class Player:
    def __init__(self, name, argv0, endpoint):
        self.name = name
        self.argv0 = argv0
        self.endpoint = endpoint
        self.transcript = []
        self.ids = {}   # made-up id -> marker, in order of appearance

    def __call__(self, op, *args, paginate=False):
        extra = [] if paginate else ["--no-paginate"]
        r = run([*self.argv0, op, *args, *extra, "--endpoint-url", self.endpoint],
                env=client_env({"AWS_MAX_ATTEMPTS": "1"}), timeout=120)
        self.transcript.append({"op": op, "rc": r.returncode, "stdout": r.stdout,
                                "stderr": r.stderr})
        for kind, value in ID_PATHS.findall(r.stdout):
            self.ids.setdefault(value, f"<{kind}-{len(self.ids)}>")
        for value in UUID.findall(r.stdout):
            self.ids.setdefault(value, f"<uuid-{len(self.ids)}>")
        out = json.loads(r.stdout) if r.returncode == 0 and r.stdout.strip() else {}
        if self.argv0[-1].endswith("cloudfront"):
            found = []
            collect(out, found)
            for key, value in found:
                self.ids.setdefault(value, f"<{key}-{len(self.ids)}>")
        return out

    def mask(self, text):
        for value, marker in sorted(self.ids.items(), key=lambda kv: -len(kv[0])):
            text = text.replace(value, marker)
        return DATETIME.sub("<time>", text)


def bare(zone_id):
    """The zone id without its /hostedzone/ prefix (both sides strip it, as botocore's
    fix_route53_ids does; the scenario passes both forms)."""
    return zone_id.rsplit("/", 1)[-1]


def scenario(call):
    z1 = call("create-hosted-zone", "--name", "example.com", "--caller-reference", "ref-1",
              "--hosted-zone-config", "Comment=first zone,PrivateZone=false")
    zone = bare(z1.get("HostedZone", {}).get("Id", "missing"))
    call("create-hosted-zone", "--cli-input-json",
         json.dumps({"Name": "example.org.", "CallerReference": "ref-2",
                     "HostedZoneConfig": {"Comment": "a <second> & \"quoted\" zone"}}))
    call("create-hosted-zone", "--name", "example.com", "--caller-reference", "ref-1")
    call("get-hosted-zone", "--id", zone)
    call("get-hosted-zone", "--id", "/hostedzone/" + zone)
    call("list-hosted-zones")
    call("list-hosted-zones-by-name", "--dns-name", "example.org", "--max-items", "5")
    call("get-hosted-zone-count")
    batch = {"Comment": "add records", "Changes": [
        {"Action": "CREATE", "ResourceRecordSet": {
            "Name": "www.example.com", "Type": "A", "TTL": 300,
            "ResourceRecords": [{"Value": "192.0.2.1"}, {"Value": "192.0.2.2"}]}},
        {"Action": "UPSERT", "ResourceRecordSet": {
            "Name": "mail.example.com", "Type": "MX", "TTL": 60,
            "ResourceRecords": [{"Value": "10 mx.example.com"}]}},
        {"Action": "CREATE", "ResourceRecordSet": {
            "Name": "txt.example.com", "Type": "TXT", "TTL": 60,
            "ResourceRecords": [{"Value": "\"v=spf1 -all\""}]}}]}
    call("change-resource-record-sets", "--hosted-zone-id", zone, "--change-batch",
         json.dumps(batch))
    call("list-resource-record-sets", "--hosted-zone-id", zone)
    call("list-resource-record-sets", "--hosted-zone-id", zone, "--start-record-name",
         "txt.example.com", "--start-record-type", "TXT")
    call("change-tags-for-resource", "--resource-type", "hostedzone", "--resource-id", zone,
         "--add-tags", "Key=team,Value=e2e", "Key=stage,Value=test")
    call("list-tags-for-resource", "--resource-type", "hostedzone", "--resource-id", zone)
    call("create-health-check", "--caller-reference", "hc-1", "--health-check-config",
         json.dumps({"IPAddress": "192.0.2.10", "Port": 443, "Type": "HTTPS",
                     "ResourcePath": "/health", "RequestInterval": 30,
                     "FailureThreshold": 3}))
    call("list-health-checks")
    call("get-hosted-zone", "--id", "ZNOTTHERE")
    call("delete-hosted-zone", "--id", "ZNOTTHERE")
    call("list-hosted-zones", paginate=True)
    call("list-hosted-zones", "--max-items", "2", paginate=True)


DISTRIBUTION = {
    "CallerReference": "dist-1", "Comment": "e2e <distribution> & co", "Enabled": True,
    "Origins": {"Quantity": 1, "Items": [{
        "Id": "origin-1", "DomainName": "example-bucket.s3.amazonaws.com",
        "S3OriginConfig": {"OriginAccessIdentity": ""}}]},
    "DefaultCacheBehavior": {"TargetOriginId": "origin-1", "ViewerProtocolPolicy": "allow-all",
                             "MinTTL": 0}}


def cloudfront_scenario(call):
    d = call("create-distribution", "--distribution-config", json.dumps(DISTRIBUTION))
    dist = d.get("Distribution", {})
    dist_id = dist.get("Id", "missing")
    # moto's ARN lacks the empty region ("cloudfront:123..."), which the model's pattern
    # refuses before sending (botocore does not check patterns): the ARN as AWS writes it.
    arn = f"arn:aws:cloudfront::123456789012:distribution/{dist_id}"
    call("create-distribution", "--distribution-config", json.dumps(DISTRIBUTION))
    call("get-distribution", "--id", dist_id)
    call("get-distribution-config", "--id", dist_id)
    call("list-distributions")
    call("tag-resource", "--resource", arn, "--tags",
         json.dumps({"Items": [{"Key": "team", "Value": "e2e"}, {"Key": "a b", "Value": "c/d"}]}))
    call("list-tags-for-resource", "--resource", arn)
    call("create-invalidation", "--distribution-id", dist_id, "--invalidation-batch",
         json.dumps({"Paths": {"Quantity": 2, "Items": ["/index.html", "/img/*"]},
                     "CallerReference": "inv-1"}))
    call("list-invalidations", "--distribution-id", dist_id)
    call("get-distribution", "--id", "ENOTTHERE")
    call("list-distributions")


SCENARIOS = {"route53": scenario, "cloudfront": cloudfront_scenario}


def play(svc="route53"):
    if svc not in PLAYS:
        players = {}
        for who, argv0 in (("aws", ["aws", svc]), ("ours", [program_path(svc)])):
            p = Player(who, argv0, SERVERS[who])
            SCENARIOS[svc](p)
            players[who] = p
        PLAYS[svc] = players
    return PLAYS[svc]["aws"], PLAYS[svc]["ours"]


def error_line(text):
    return "".join(line for line in text.splitlines() if line.startswith("An error occurred"))


@case("make cli builds the programs from the installed Route 53 and CloudFront models")
def _():
    for svc in SERVICES:
        os.makedirs(os.path.dirname(program_path(svc)), exist_ok=True)
        r = subprocess.run(["make", "--no-print-directory", "cli",
                            f"BUILD={os.environ.get('BUILD', 'build')}",
                            f"MODEL={model_file(svc)}", f"CLI={os.path.abspath(program_path(svc))}"],
                           cwd=ROOT, capture_output=True, text=True, timeout=900)
        assert r.returncode == 0, r.stdout[-3000:] + r.stderr[-3000:]
        assert os.access(program_path(svc), os.X_OK)


def compare(svc):
    aws, ours = play(svc)
    errors = compare_transcripts(aws.transcript, ours.transcript, error_line,
                                 masks=(aws.mask, ours.mask))
    assert errors >= 1 and len(aws.transcript) - errors >= 8, (errors, len(aws.transcript))
    print(f"  {svc}: {len(aws.transcript)} steps agree ({errors} service errors)")


for _svc in SERVICES:
    case(f"{_svc}: every step exits the same way and prints the same bytes as the AWS CLI")(
        lambda svc=_svc: compare(svc))


@case("route53: the records created are listed back with their values")
def _():
    _, ours = play()
    step = next(s for s in ours.transcript if s["op"] == "list-resource-record-sets")
    sets = {(r["Name"], r["Type"]): r for r in json.loads(step["stdout"])["ResourceRecordSets"]}
    assert [v["Value"] for v in sets[("www.example.com.", "A")]["ResourceRecords"]] == \
        ["192.0.2.1", "192.0.2.2"], sets
    assert sets[("txt.example.com.", "TXT")]["ResourceRecords"][0]["Value"] == \
        "\"v=spf1 -all\"", sets


@case("route53: create-hosted-zone prints the Location header first, as the AWS CLI does")
def _():
    _, ours = play()
    out = ours.transcript[0]["stdout"]
    assert out.lstrip("{ \n").startswith("\"Location\""), out[:200]


if __name__ == "__main__":
    with_moto_servers(SERVERS, "e2e/moto-restxml", run_cases)
