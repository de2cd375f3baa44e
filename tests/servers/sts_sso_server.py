"""A loopback stand-in for AWS STS (AssumeRole, AssumeRoleWithWebIdentity; awsQuery) and the
IAM Identity Center portal (SSO GetRoleCredentials; restJson1), for the credential provider
tests (tests/runtime/test_cred_providers.py). Written with Python's standard library and
botocore, never with this project's code, so it judges what the project sends.

    python3 tests/servers/sts_sso_server.py [--port 0]

The first line on stdout is `listening on PORT`. What it checks, as the real services do:

  AssumeRole: POST / with Content-Type application/x-www-form-urlencoded; Action=AssumeRole,
    Version=2011-06-15, RoleArn (an IAM role ARN), RoleSessionName ([\\w+=,.@-]{2,64}),
    DurationSeconds (900..43200) and ExternalId when the role demands one (control
    "external_ids"); a SigV4 signature (service sts, botocore's SigV4Auth recomputes it) by
    a known access key: the base user's or one this server issued, with its session token.
  AssumeRoleWithWebIdentity: the same form checks, no signature needed, WebIdentityToken
    equal to the control's "web_token".
  GetRoleCredentials: GET /federation/credentials?role_name=R&account_id=A, no signature,
    x-amz-sso_bearer_token equal to the control's "sso_token" (else 401
    UnauthorizedException).
  CreateToken (SSO OIDC): POST /token, JSON, no signature, grantType refresh_token with the
    control's "oidc" client_id, client_secret and refresh_token (else 400
    InvalidGrantException); answers its new_access_token (which GetRoleCredentials then
    takes) and new_refresh_token.

Issued credentials are fixed per role (derived from the role ARN, or from account and role
name for SSO), so a test knows which keys a chain ends with. With the control's "fixed"
true, every response is byte for byte the same for the same request (Date, request id and
expiration fixed), so botocore and the program can be run against it in turn and their
cache files compared.

Control (JSON): POST /__control {"throttle": N (the next N STS calls answer 400 Throttling),
"base": {"AKID": "secret"}, "web_token": "...",
"sso_token": "...", "external_ids": {"arn": "id"}, "mfa": {"serial": "code"}, "fixed": true,
"expiration": "ISO"}; AssumeRole with SerialNumber and TokenCode is accepted only for a device
in "mfa" with its code (six digits, as STS's TokenCode).
GET /__requests (what was received, with the verdict), POST /__reset.
"""
import argparse
import datetime
import hashlib
import hmac
import json
import re
import sys
import threading
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import botocore.auth
import botocore.awsrequest
import botocore.credentials

SIGV4_TIME = "%Y%m%dT%H%M%SZ"
LOCK = threading.RLock()
STATE = {}
FIXED_DATE = "Thu, 03 Dec 2026 10:00:00 GMT"
ROLE_ARN = re.compile(r"arn:aws[a-z-]*:iam::\d{12}:role/[\w+=,.@/-]+")
SESSION_NAME = re.compile(r"[\w+=,.@-]{2,64}")


def reset():
    with LOCK:
        STATE.clear()
        STATE.update(base={}, web_token=None, sso_token=None, external_ids={}, mfa={}, fixed=False,
                     expiration=None, requests=[], issued={}, counter=0)


def issued_for(name):
    """Fixed credentials for a role ARN (or an SSO account/role pair)."""
    h = hashlib.sha256(name.encode()).hexdigest().upper()
    return {"AccessKeyId": "ASIA" + h[:16], "SecretAccessKey": h[16:56],
            "SessionToken": "FwoGZX" + hashlib.sha256(("t" + name).encode()).hexdigest() * 4}


class ApiError(Exception):
    def __init__(self, status, code, message):
        super().__init__(message)
        self.status, self.code, self.message = status, code, message


class ExactHeadersSigV4(botocore.auth.SigV4Auth):
    def __init__(self, credentials, service, region, headers):
        super().__init__(credentials, service, region)
        self._headers = headers

    def headers_to_sign(self, request):
        return self._headers


def verify(method, path, headers, body):
    """SigV4 as STS checks it; returns the access key that signed."""
    def header(name):
        values = [v for k, v in headers if k.lower() == name]
        return values[0] if values else None

    authz = header("authorization")
    if not authz:
        raise ApiError(403, "MissingAuthenticationToken", "Request is missing Authentication Token")
    algorithm, _, rest = authz.partition(" ")
    parts = dict(p.strip().partition("=")[::2] for p in rest.split(","))
    if algorithm != "AWS4-HMAC-SHA256" or not all(parts.get(k) for k in ("Credential", "SignedHeaders", "Signature")):
        raise ApiError(400, "IncompleteSignature", "Authorization header is incomplete")
    scope = parts["Credential"].split("/")
    if len(scope) != 5 or scope[3] != "sts" or scope[4] != "aws4_request":
        raise ApiError(403, "SignatureDoesNotMatch", f"Credential should be scoped to correct service: 'sts'.")
    access_key, date, region, service, _ = scope
    amz_date = header("x-amz-date") or ""
    try:
        when = datetime.datetime.strptime(amz_date, SIGV4_TIME).replace(tzinfo=datetime.timezone.utc)
    except ValueError:
        raise ApiError(400, "IncompleteSignature", "X-Amz-Date is missing") from None
    now = datetime.datetime.now(datetime.timezone.utc)
    if abs((when - now).total_seconds()) > 900 or date != amz_date[:8]:
        raise ApiError(403, "SignatureDoesNotMatch", "Signature expired or not yet current")
    token = header("x-amz-security-token")
    with LOCK:
        known = dict(STATE["base"])
        known.update({v["AccessKeyId"]: (v["SecretAccessKey"], v["SessionToken"]) for v in STATE["issued"].values()})
    entry = known.get(access_key)
    if entry is None:
        raise ApiError(403, "InvalidClientTokenId", "The security token included in the request is invalid.")
    secret, want_token = (entry, None) if isinstance(entry, str) else entry
    if (token or None) != want_token:
        raise ApiError(403, "InvalidClientTokenId", "The security token included in the request is invalid.")
    signed = parts["SignedHeaders"].split(";")
    if "host" not in signed:
        raise ApiError(403, "SignatureDoesNotMatch", "'Host' must be a 'SignedHeader' in the AWS Authorization.")
    to_sign = botocore.awsrequest.HTTPHeaders()
    for name in signed:
        for v in [v for k, v in headers if k.lower() == name]:
            to_sign.add_header(name, v)
    request = botocore.awsrequest.AWSRequest(method=method, url=f"http://{header('host')}{path}", data=body)
    for name, value in to_sign.items():
        request.headers.add_header(name, value)
    request.context["timestamp"] = amz_date
    signer = ExactHeadersSigV4(botocore.credentials.Credentials(access_key, secret, want_token), service, region,
                               to_sign)
    canonical = signer.canonical_request(request)
    expected = signer.signature(signer.string_to_sign(request, canonical), request)
    if not hmac.compare_digest(expected, parts["Signature"]):
        raise ApiError(403, "SignatureDoesNotMatch",
                       "The request signature we calculated does not match the signature you provided. "
                       "Check your AWS Secret Access Key and signing method. Consult the service "
                       "documentation for details.")
    return access_key, region


def expiration(duration):
    with LOCK:
        fixed = STATE["expiration"]
    if fixed:
        return fixed
    when = datetime.datetime.now(datetime.timezone.utc) + datetime.timedelta(seconds=duration)
    return when.strftime("%Y-%m-%dT%H:%M:%SZ")


def form_checks(params, operation):
    if params.get("Version") != "2011-06-15":
        raise ApiError(400, "InvalidAction", "Could not find operation %s for version %s"
                       % (operation, params.get("Version")))
    arn = params.get("RoleArn")
    if not arn or not ROLE_ARN.fullmatch(arn):
        raise ApiError(400, "ValidationError", f"{arn!r} is not a valid role ARN")
    name = params.get("RoleSessionName")
    if not name or not SESSION_NAME.fullmatch(name):
        raise ApiError(400, "ValidationError",
                       "1 validation error detected: Value at 'roleSessionName' failed to satisfy constraint")
    duration = int(params.get("DurationSeconds", "3600"))
    if not 900 <= duration <= 43200:
        raise ApiError(400, "ValidationError",
                       "1 validation error detected: Value at 'durationSeconds' failed to satisfy constraint")
    return arn, name, duration


def assumed_xml(operation, arn, name, creds, exp, extra=""):
    account = arn.split(":")[4]
    role = arn.split("/")[-1]
    with LOCK:
        STATE["counter"] += 1
        fixed = STATE["fixed"]
        rid = "c6104cbe-af31-11e0-8154-%012d" % (0 if fixed else STATE["counter"])
    return (f'<{operation}Response xmlns="https://sts.amazonaws.com/doc/2011-06-15/">\n'
            f"  <{operation}Result>\n{extra}"
            f"    <AssumedRoleUser>\n      <AssumedRoleId>AROA3XFRBF535PLBIFPI4:{name}</AssumedRoleId>\n"
            f"      <Arn>arn:aws:sts::{account}:assumed-role/{role}/{name}</Arn>\n    </AssumedRoleUser>\n"
            f"    <Credentials>\n      <AccessKeyId>{creds['AccessKeyId']}</AccessKeyId>\n"
            f"      <SecretAccessKey>{creds['SecretAccessKey']}</SecretAccessKey>\n"
            f"      <SessionToken>{creds['SessionToken']}</SessionToken>\n"
            f"      <Expiration>{exp}</Expiration>\n    </Credentials>\n"
            f"    <PackedPolicySize>6</PackedPolicySize>\n"
            f"  </{operation}Result>\n  <ResponseMetadata>\n    <RequestId>{rid}</RequestId>\n"
            f"  </ResponseMetadata>\n</{operation}Response>\n"), rid


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "StandIn/1.0"
    sys_version = ""

    def log_message(self, *args):
        pass

    def date_time_string(self, timestamp=None):
        with LOCK:
            fixed = STATE["fixed"]
        return FIXED_DATE if fixed else super().date_time_string(timestamp)

    def send(self, status, body, ctype, rid=None):
        data = body.encode()
        self.send_response(status)
        if rid:
            self.send_header("x-amzn-RequestId", rid)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def record(self, entry):
        with LOCK:
            STATE["requests"].append(entry)

    def do_GET(self):
        url = urllib.parse.urlsplit(self.path)
        if url.path == "/__requests":
            with LOCK:
                return self.send(200, json.dumps({"requests": STATE["requests"]}), "application/json")
        if url.path.endswith("/federation/credentials"):
            return self.sso(url)
        self.send(404, "{}", "application/json")

    def sso(self, url):
        query = urllib.parse.parse_qs(url.query, keep_blank_values=True)
        headers = list(self.headers.items())
        entry = {"operation": "GetRoleCredentials", "path": url.path, "query": url.query,
                 "headers": {k.lower(): ("<redacted>" if k.lower() == "x-amz-sso_bearer_token" else v)
                             for k, v in headers}}
        token = self.headers.get("x-amz-sso_bearer_token")
        with LOCK:
            want = STATE["sso_token"]
        try:
            if self.headers.get("Authorization"):
                raise ApiError(400, "InvalidRequestException", "GetRoleCredentials is not signed")
            role, account = query.get("role_name", [None])[0], query.get("account_id", [None])[0]
            if not role or not account or not re.fullmatch(r"\d{12}", account):
                raise ApiError(400, "InvalidRequestException", "role_name and account_id are required")
            if not token or token != want:
                raise ApiError(401, "UnauthorizedException", "Session token not found or invalid")
            creds = issued_for(f"sso:{account}:{role}")
            with LOCK:
                STATE["issued"][f"sso:{account}:{role}"] = creds
                fixed_exp = STATE["expiration"]
            if fixed_exp:
                exp_ms = int(datetime.datetime.fromisoformat(fixed_exp.replace("Z", "+00:00")).timestamp() * 1000)
            else:
                exp_ms = int((datetime.datetime.now(datetime.timezone.utc).timestamp() + 3600) * 1000)
            body = {"roleCredentials": {"accessKeyId": creds["AccessKeyId"],
                                        "secretAccessKey": creds["SecretAccessKey"],
                                        "sessionToken": creds["SessionToken"], "expiration": exp_ms}}
            entry.update(verdict="ok", role=role, account=account)
            self.record(entry)
            self.send(200, json.dumps(body), "application/json", "sso-req-1")
        except ApiError as e:
            entry.update(verdict=e.code)
            self.record(entry)
            data = json.dumps({"message": e.message})
            self.send_response(e.status)
            self.send_header("x-amzn-ErrorType", e.code)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data.encode())

    def oidc(self, body):
        """SSO OIDC CreateToken with grantType refresh_token (restJson1, unsigned)."""
        with LOCK:
            want = STATE.get("oidc") or {}
        entry = {"operation": "CreateToken", "path": self.path,
                 "headers": {k.lower(): v for k, v in self.headers.items()}}
        try:
            params = json.loads(body or b"{}")
            entry["params"] = sorted(params)
            if self.headers.get("Authorization"):
                raise ApiError(400, "InvalidRequestException", "CreateToken is not signed")
            if params.get("grantType") != "refresh_token":
                raise ApiError(400, "UnsupportedGrantTypeException", "grantType")
            if (params.get("clientId"), params.get("clientSecret"), params.get("refreshToken")) != (
                    want.get("client_id"), want.get("client_secret"), want.get("refresh_token")):
                raise ApiError(400, "InvalidGrantException", "Invalid refresh token provided")
            out = {"accessToken": want["new_access_token"], "tokenType": "Bearer", "expiresIn": 3600,
                   "refreshToken": want["new_refresh_token"]}
            with LOCK:
                STATE["sso_token"] = want["new_access_token"]
            entry.update(verdict="ok")
            self.record(entry)
            self.send(200, json.dumps(out), "application/json", "oidc-req-1")
        except ApiError as e:
            entry.update(verdict=e.code)
            self.record(entry)
            data = json.dumps({"error": "invalid_grant", "error_description": e.message})
            self.send_response(e.status)
            self.send_header("x-amzn-ErrorType", e.code)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data.encode())

    def do_POST(self):
        length = int(self.headers.get("Content-Length", "0"))
        body = self.rfile.read(length)
        url = urllib.parse.urlsplit(self.path)
        if url.path == "/__control":
            switches = json.loads(body or b"{}")
            with LOCK:
                STATE.update(switches)
            return self.send(200, "{}", "application/json")
        if url.path == "/__reset":
            reset()
            return self.send(200, "{}", "application/json")
        if url.path.endswith("/token"):
            return self.oidc(body)
        params = dict(urllib.parse.parse_qsl(body.decode(), keep_blank_values=True))
        headers = list(self.headers.items())
        entry = {"operation": params.get("Action"), "path": self.path,
                 "params": {k: ("<redacted>" if k == "WebIdentityToken" else v) for k, v in params.items()},
                 "body_order": [k for k, _ in urllib.parse.parse_qsl(body.decode(), keep_blank_values=True)],
                 "headers": {k.lower(): v for k, v in headers
                             if k.lower() not in ("authorization", "x-amz-security-token")}}
        try:
            ctype = self.headers.get("Content-Type", "")
            if not ctype.startswith("application/x-www-form-urlencoded"):
                raise ApiError(400, "InvalidAction", "Content-Type must be form-encoded")
            action = params.get("Action")
            with LOCK:
                throttled = STATE.get("throttle", 0) > 0
                if throttled:
                    STATE["throttle"] -= 1
            if throttled:
                raise ApiError(400, "Throttling", "Rate exceeded")
            if action == "AssumeRole":
                key, region = verify("POST", self.path, headers, body)
                entry.update(signed_by=key, signing_region=region)
                arn, name, duration = form_checks(params, action)
                with LOCK:
                    want_external = STATE["external_ids"].get(arn)
                if want_external is not None and params.get("ExternalId") != want_external:
                    raise ApiError(403, "AccessDenied", f"User: {key} is not authorized to perform: "
                                   f"sts:AssumeRole on resource: {arn}")
                if "SerialNumber" in params or "TokenCode" in params:
                    with LOCK:
                        want_code = STATE["mfa"].get(params.get("SerialNumber"))
                    code = params.get("TokenCode", "")
                    if not re.fullmatch(r"\d{6}", code):
                        raise ApiError(400, "ValidationError", "1 validation error detected: Value at "
                                       "'tokenCode' failed to satisfy constraint: Member must have length "
                                       "less than or equal to 6")
                    if want_code is None or code != want_code:
                        raise ApiError(403, "AccessDenied", "MultiFactorAuthentication failed with invalid "
                                       "MFA one time pass code. ")
                creds = issued_for(arn)
                extra = ""
            elif action == "AssumeRoleWithWebIdentity":
                if self.headers.get("Authorization"):
                    raise ApiError(400, "InvalidAction", "AssumeRoleWithWebIdentity is not signed here")
                arn, name, duration = form_checks(params, action)
                with LOCK:
                    want = STATE["web_token"]
                token = params.get("WebIdentityToken")
                if not token or token != want:
                    raise ApiError(400, "InvalidIdentityToken", "The web identity token is not valid")
                creds = issued_for(arn)
                extra = ("    <SubjectFromWebIdentityToken>system:serviceaccount:ns:sa</SubjectFromWebIdentityToken>\n"
                         "    <Audience>sts.amazonaws.com</Audience>\n"
                         "    <Provider>arn:aws:iam::123456789012:oidc-provider/oidc.example</Provider>\n")
            else:
                raise ApiError(400, "InvalidAction", f"Could not find operation {action} for version "
                               f"{params.get('Version')}")
            with LOCK:
                STATE["issued"][arn] = creds
            xml, rid = assumed_xml(action, arn, name, creds, expiration(duration), extra)
            entry.update(verdict="ok", issued=creds["AccessKeyId"])
            self.record(entry)
            self.send(200, xml, "text/xml", rid)
        except ApiError as e:
            entry.update(verdict=e.code)
            self.record(entry)
            xml = ('<ErrorResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/">\n  <Error>\n'
                   f"    <Type>Sender</Type>\n    <Code>{e.code}</Code>\n    <Message>{e.message}</Message>\n"
                   "  </Error>\n  <RequestId>err-1</RequestId>\n</ErrorResponse>\n")
            self.send(e.status, xml, "text/xml", "err-1")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--port", type=int, default=0)
    args = ap.parse_args()
    reset()
    server = ThreadingHTTPServer(("127.0.0.1", args.port), Handler)
    print(f"listening on {server.server_address[1]}", flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass


if __name__ == "__main__":
    main()
