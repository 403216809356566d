#!/usr/bin/env python3
"""AWS CLI compatibility: the same profile files, read by the AWS CLI and by s3share.

For each case, writes an isolated HOME with config and credentials files, asks
`aws s3 presign` and `s3share link` for a link to the same object, and compares what
each chose: the URL (endpoint, addressing), the signing region, the access key, the
expiry. Both links are then opened with a plain HTTP client, without credentials, on the
test bed's S3 server (it checks SigV4 signatures and expiry): s3share's must open. For
the failure cases both must fail, and s3share must say why in one line.

Run (after `cargo build -p testbed --bins` and a build of s3share):
    python3 tests/compat/aws_cli.py
Needs: the AWS CLI (`pip install awscli`).
"""
import hashlib, os, shutil, subprocess, sys, tempfile, urllib.error, urllib.parse, urllib.request

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
TARGET = os.environ.get("CARGO_TARGET_DIR", os.path.join(ROOT, "target"))
S3SHARE = os.path.join(TARGET, "debug", "s3share")
ACCESS, SECRET = "compat-access-key", "compat-secret-key-0123456789"
BUCKET, KEY, BODY = "compat", "docs/report.txt", b"compat body"
# Everything the AWS CLI or s3share could pick up from the caller's environment.
CLEARED = [k for k in os.environ if k.startswith("AWS_")]


def opens(url):
    try:
        with urllib.request.urlopen(url, timeout=10) as r:
            return r.status == 200 and r.read() == BODY
    except (urllib.error.URLError, OSError):
        return False


def chosen(url):
    """What a presigned URL says about how it was made."""
    base, _, query = url.partition("?")
    q = dict(urllib.parse.parse_qsl(query))
    scope = q.get("X-Amz-Credential", "").split("/")
    return {
        "url": base,
        "access key": scope[0] if scope[0] else q.get("AWSAccessKeyId"),
        "region": scope[2] if len(scope) > 2 else None,
        "expires": q.get("X-Amz-Expires"),
    }


def run(home, args, env):
    full = {k: v for k, v in os.environ.items() if k not in CLEARED}
    full.update(HOME=home, AWS_EC2_METADATA_DISABLED="true",
                S3SHARE_HISTORY_FILE=os.path.join(home, "history.json"))
    full.update(env)
    return subprocess.run(args, env=full, capture_output=True, text=True, timeout=60)


def case(endpoint, name, config, credentials="", env=None, profile="share", fails=False,
         says=None, sso_token=False):
    env = env or {}
    home = tempfile.mkdtemp()
    aws = os.path.join(home, ".aws")
    os.makedirs(aws)
    with open(os.path.join(aws, "config"), "w") as f:
        f.write(config.replace("{E}", endpoint).replace("{A}", ACCESS).replace("{S}", SECRET))
    with open(os.path.join(aws, "credentials"), "w") as f:
        f.write(credentials.replace("{A}", ACCESS).replace("{S}", SECRET))
    if sso_token:  # what `aws sso login` leaves: the token, under the SHA-1 of the session
        os.makedirs(os.path.join(aws, "sso", "cache"))
        cached = hashlib.sha1(b"corp").hexdigest() + ".json"
        with open(os.path.join(aws, "sso", "cache", cached), "w") as f:
            f.write('{"accessToken": "token-from-login", "expiresAt": "2099-01-01T00:00:00Z",'
                    ' "region": "us-east-1", "startUrl": "https://corp.awsapps.com/start"}')
    pick = ["--profile", profile] if profile else []
    uri = f"s3://{BUCKET}/{KEY}"
    theirs = run(home, ["aws", *pick, "s3", "presign", uri, "--expires-in", "3600"], env)
    ours = run(home, [S3SHARE, *pick, "link", uri, "--expires", "1h"], env)
    shutil.rmtree(home)
    problems = []
    if fails:
        if theirs.returncode == 0:
            problems.append("the AWS CLI succeeded where a failure was expected")
        if ours.returncode == 0:
            problems.append("s3share succeeded where the AWS CLI fails")
        lines = ours.stderr.strip().splitlines()
        if len(lines) != 1:
            problems.append(f"s3share's error is {len(lines)} lines: {ours.stderr.strip()!r}")
        if says and says not in ours.stderr:
            problems.append(f"s3share's error does not name {says!r}: {ours.stderr.strip()!r}")
        shown = ours.stderr.strip()[:90]
    else:
        if theirs.returncode != 0:
            problems.append(f"the AWS CLI failed: {theirs.stderr.strip()}")
        if ours.returncode != 0:
            problems.append(f"s3share failed: {ours.stderr.strip()}")
        if not problems:
            a, b = chosen(theirs.stdout.strip()), chosen(ours.stdout.strip())
            for what in a:
                if a[what] != b[what]:
                    problems.append(f"{what}: AWS CLI {a[what]!r}, s3share {b[what]!r}")
            if not opens(ours.stdout.strip()):
                problems.append("s3share's link does not open")
            shown = f"{b['url']} ({b['region']}, key {b['access key']}, {b['expires']} s)"
        else:
            shown = ""
    print(f"{'ok  ' if not problems else 'FAIL'} {name}: {shown}")
    for p in problems:
        print(f"       {p}")
    return not problems


V4 = "s3 =\n  signature_version = s3v4\n"
KEYS = "[share]\naws_access_key_id = {A}\naws_secret_access_key = {S}\n"


def main():
    if not shutil.which("aws"):
        sys.exit("the AWS CLI is not installed: pip install awscli")
    tmp = tempfile.mkdtemp()
    data = os.path.join(tmp, "s3")
    os.makedirs(os.path.join(data, BUCKET, os.path.dirname(KEY)))
    with open(os.path.join(data, BUCKET, KEY), "wb") as f:
        f.write(BODY)
    server = subprocess.Popen([os.path.join(TARGET, "debug", "testbed-server"), data, ACCESS, SECRET, "--sts"],
                              stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    try:
        e = server.stdout.readline().strip()
        profile = "[profile share]\nregion = us-east-1\n"
        results = [
            case(e, "keys in the credentials file, endpoint_url",
                 profile + "endpoint_url = {E}\n" + V4, KEYS),
            case(e, "keys in the config file",
                 profile + "endpoint_url = {E}\naws_access_key_id = {A}\naws_secret_access_key = {S}\n" + V4),
            case(e, "AWS_ENDPOINT_URL_S3 over a wrong endpoint_url",
                 profile + "endpoint_url = http://127.0.0.1:9\n" + V4, KEYS,
                 env={"AWS_ENDPOINT_URL_S3": e}),
            case(e, "AWS_ENDPOINT_URL",
                 profile + V4, KEYS, env={"AWS_ENDPOINT_URL": e}),
            case(e, "services section",
                 profile + "services = local\n" + V4 + "\n[services local]\ns3 =\n  endpoint_url = {E}\n", KEYS),
            case(e, "--profile over keys in the environment",
                 profile + "endpoint_url = {E}\n" + V4, KEYS,
                 env={"AWS_ACCESS_KEY_ID": "AKSTALEFROMENV", "AWS_SECRET_ACCESS_KEY": "stale"}),
            case(e, "AWS_PROFILE",
                 profile + "endpoint_url = {E}\n" + V4, KEYS, env={"AWS_PROFILE": "share"}, profile=None),
            case(e, "AWS_DEFAULT_PROFILE",
                 profile + "endpoint_url = {E}\n" + V4, KEYS, env={"AWS_DEFAULT_PROFILE": "share"}, profile=None),
            case(e, "environment keys, no profile",
                 "[default]\nregion = us-east-1\nendpoint_url = {E}\n" + V4, "",
                 env={"AWS_ACCESS_KEY_ID": ACCESS, "AWS_SECRET_ACCESS_KEY": SECRET}, profile=None),
            case(e, "addressing_style = virtual on an IP endpoint (stays path)",
                 profile + "endpoint_url = {E}\ns3 =\n  signature_version = s3v4\n  addressing_style = virtual\n", KEYS),
            case(e, "addressing_style = path",
                 profile + "endpoint_url = {E}\ns3 =\n  signature_version = s3v4\n  addressing_style = path\n", KEYS),
            case(e, "credential_process",
                 profile + "endpoint_url = {E}\n" + V4 +
                 f"credential_process = printf '{{\"Version\": 1, \"AccessKeyId\": \"{ACCESS}\", \"SecretAccessKey\": \"{SECRET}\"}}'\n"),
            case(e, "assumed role (source_profile), STS at AWS_ENDPOINT_URL_STS",
                 profile + "endpoint_url = {E}\nrole_arn = arn:aws:iam::111122223333:role/R\nsource_profile = base\n" + V4,
                 "[base]\naws_access_key_id = {A}\naws_secret_access_key = {S}\n",
                 env={"AWS_ENDPOINT_URL_STS": e}),
            case(e, "assumed role, STS named by a services section",
                 profile + "role_arn = arn:aws:iam::111122223333:role/R\nsource_profile = base\nservices = local\n" + V4 +
                 "\n[services local]\ns3 =\n  endpoint_url = {E}\nsts =\n  endpoint_url = {E}\n",
                 "[base]\naws_access_key_id = {A}\naws_secret_access_key = {S}\n"),
            case(e, "SSO session after aws sso login, portal at AWS_ENDPOINT_URL_SSO",
                 profile + "endpoint_url = {E}\nsso_session = corp\nsso_account_id = 111122223333\nsso_role_name = Dev\n" + V4 +
                 "\n[sso-session corp]\nsso_start_url = https://corp.awsapps.com/start\nsso_region = us-east-1\n",
                 env={"AWS_ENDPOINT_URL_SSO": e}, sso_token=True),
            case(e, "SSO session before aws sso login",
                 profile + "endpoint_url = {E}\nsso_session = corp\nsso_account_id = 111122223333\nsso_role_name = Dev\n" +
                 "\n[sso-session corp]\nsso_start_url = https://corp.awsapps.com/start\nsso_region = us-east-1\n",
                 env={"AWS_ENDPOINT_URL_SSO": e}, fails=True, says="aws sso login --profile share"),
            case(e, "source_profile loop",
                 profile + "endpoint_url = {E}\nrole_arn = arn:aws:iam::1:role/A\nsource_profile = other\n\n"
                 "[profile other]\nrole_arn = arn:aws:iam::1:role/B\nsource_profile = share\n",
                 fails=True, says="other"),
            case(e, "config file that does not parse",
                 profile + "endpoint_url = {E}\nthis line is not a setting\n", KEYS,
                 fails=True, says="config"),
            case(e, "unknown profile", profile + "endpoint_url = {E}\n", KEYS, profile="nope",
                 fails=True, says="nope"),
            case(e, "source_profile that does not exist",
                 profile + "endpoint_url = {E}\nrole_arn = arn:aws:iam::111122223333:role/R\nsource_profile = missing\n",
                 fails=True, says="missing"),
            case(e, "credential_process that exits 1",
                 profile + "endpoint_url = {E}\ncredential_process = sh -c 'echo token expired >&2; exit 1'\n",
                 fails=True, says="token expired"),
            case(e, "no credentials at all", profile + "endpoint_url = {E}\n", fails=True, says="share"),
        ]
    finally:
        server.stdin.close()
        server.wait(timeout=10)
        shutil.rmtree(tmp)
    print(f"{sum(results)} of {len(results)} cases agree with the AWS CLI")
    return 0 if all(results) else 1


if __name__ == "__main__":
    sys.exit(main())
