#!/usr/bin/env python3
"""CloudFront signed URLs, byte for byte against an independent implementation.

For keys with spaces, `+`, `%` and non-ASCII names, `s3share link --via-cloudfront` (canned
policy; custom policy with a start and an IP range; with a download filename) must print
exactly the URL that botocore's `CloudFrontSigner` makes for the same resource URL, end,
key id and private key (signing with the `rsa` package). Each signature is also checked
with `openssl dgst -sha1 -verify` against the public key, over the decoded policy.

Run (after `cargo build -p testbed --bins` and a build of s3share):
    python3 tests/compat/cloudfront.py
Needs: botocore and rsa (both come with `pip install awscli`), openssl.
"""
import base64, datetime, os, shutil, subprocess, sys, tempfile, time, urllib.parse

sys.path.insert(0, os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "browser"))
from bed import ROOT, S3SHARE, profile_env, start_server, stop_server  # noqa: E402

import rsa  # noqa: E402
from botocore.signers import CloudFrontSigner  # noqa: E402

KEY_ID = "K2JCJMDEHXQW5F"
FIXTURES = os.path.join(ROOT, "tests", "fixtures")
PRIVATE = os.path.join(FIXTURES, "cloudfront-test-key.pem")
PUBLIC = os.path.join(FIXTURES, "cloudfront-test-key.pub.pem")
DOMAIN = "d111111abcdef8.cloudfront.net"
NAMES = ["a b.pdf", "c+d.pdf", "e%f.pdf", "Prüfbericht März.txt", "日本 資料.txt", "plain.txt"]


def run(env, *args):
    done = subprocess.run([S3SHARE, "--profile", "share", *args], env=env, capture_output=True, text=True)
    if done.returncode != 0:
        sys.exit(f"s3share {' '.join(args[:2])} failed: {done.stderr.strip()}")
    return done.stdout.strip()


def botocore_signer():
    with open(PRIVATE, "rb") as f:
        key = rsa.PrivateKey.load_pkcs1(
            subprocess.run(["openssl", "rsa", "-traditional"], input=f.read(), capture_output=True, check=True).stdout)
    return CloudFrontSigner(KEY_ID, lambda message: rsa.sign(message, key, "SHA-1"))


def cf_b64decode(text):
    return base64.b64decode(text.replace("-", "+").replace("_", "=").replace("~", "/"))


def openssl_verifies(policy, signature, tmp):
    with open(os.path.join(tmp, "policy"), "wb") as f:
        f.write(policy)
    with open(os.path.join(tmp, "signature"), "wb") as f:
        f.write(signature)
    done = subprocess.run(["openssl", "dgst", "-sha1", "-verify", PUBLIC, "-signature",
                           os.path.join(tmp, "signature"), os.path.join(tmp, "policy")],
                          capture_output=True, text=True)
    return done.returncode == 0 and "Verified OK" in done.stdout


def split(url):
    """The resource URL (what was signed) and the CloudFront parameters."""
    marker = min(i for i in (url.find("Expires="), url.find("Policy=")) if i >= 0)
    resource = url[:marker - 1]
    params = dict(urllib.parse.parse_qsl(url[marker:], keep_blank_values=True))
    return resource, params


def main():
    if not shutil.which("openssl"):
        sys.exit("openssl is needed")
    signer = botocore_signer()
    tmp = tempfile.mkdtemp()
    data = os.path.join(tmp, "data")
    os.makedirs(data)
    server, endpoint = start_server(data, "cfshare")
    failures, checked = [], 0
    try:
        env = profile_env(tmp, endpoint)
        for name in NAMES:
            path = os.path.join(tmp, name)
            with open(path, "w") as f:
                f.write(name)
            run(env, "upload", path, "s3://cfshare/media/", "--no-check")
        run(env, "cloudfront", "set", "cfshare", "--domain", DOMAIN, "--key-id", KEY_ID,
            "--private-key", PRIVATE, "--origin-path", "/media")
        start = datetime.datetime.fromtimestamp(int(time.time()) + 3600, tz=datetime.timezone.utc)
        cases = []
        for name in NAMES:
            uri = f"s3://cfshare/media/{name}"
            cases.append((f"canned {name!r}", [uri, "--expires", "30d"]))
            cases.append((f"custom {name!r}", [uri, "--expires", "1y", "--ip", "203.0.113.0/24",
                                               "--not-before", start.strftime("%Y-%m-%dT%H:%M:%SZ")]))
        cases.append(("canned, download filename", ["s3://cfshare/media/a b.pdf", "--expires", "90d",
                                                    "--filename", "Plan 2027 (final).pdf"]))
        for label, args in cases:
            ours = run(env, "link", *args, "--via-cloudfront", "--no-check")
            resource, params = split(ours)
            if "Expires" in params:
                end = datetime.datetime.fromtimestamp(int(params["Expires"]), tz=datetime.timezone.utc)
                theirs = signer.generate_presigned_url(resource, date_less_than=end)
                policy = signer.build_policy(resource, end).encode()
            else:
                ours_policy = cf_b64decode(params["Policy"]).decode()
                end = datetime.datetime.fromtimestamp(
                    int(ours_policy.split('"DateLessThan":{"AWS:EpochTime":')[1].split("}")[0]),
                    tz=datetime.timezone.utc)
                policy = signer.build_policy(resource, end, date_greater_than=start,
                                             ip_address="203.0.113.0/24").encode()
                theirs = signer.generate_presigned_url(resource, policy=policy)
            checked += 1
            if ours != theirs:
                failures.append(f"{label}:\n  s3share:  {ours}\n  botocore: {theirs}")
            if not openssl_verifies(policy, cf_b64decode(params["Signature"]), tmp):
                failures.append(f"{label}: openssl does not verify the signature")
            print(f"{label}: {'same URL' if ours == theirs else 'DIFFERENT'}; openssl verifies")
    finally:
        stop_server(server)
        shutil.rmtree(tmp, ignore_errors=True)
    if failures:
        sys.exit("\n".join(failures))
    print(f"{checked} CloudFront URLs byte for byte as botocore signs them")


if __name__ == "__main__":
    main()
