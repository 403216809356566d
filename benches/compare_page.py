#!/usr/bin/env python3
"""Time to one link for many files: `s3share link s3://…/folder/ --page` for folders of 10,
1,000 and 10,000 files, next to what people do otherwise: a shell loop of `aws s3 presign`
(one process per file, timed on 10 files and scaled), which gives a list to paste, not a page. The test bed's server serves generated folders (s3s checks every
signature; the listing is cut by index), so only the page is a real object.

Prints figures; asserts nothing. Needs cargo and pip (installs awscli).
Run: python3 benches/compare_page.py [--debug]
"""
import argparse, os, subprocess, sys, tempfile, time

from common import profile_env

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
COUNTS = [10, 1000, 10000]


def timed(cmd, env):
    t0 = time.perf_counter()
    out = subprocess.run(cmd, env=env, capture_output=True, text=True)
    if out.returncode != 0:
        sys.exit(f"{' '.join(cmd[:4])} failed: {out.stderr.strip()}")
    return time.perf_counter() - t0, out


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--debug", action="store_true", help="use the debug build (faster to build)")
    args = ap.parse_args()
    subprocess.run([sys.executable, "-m", "pip", "install", "--quiet",
                    "--disable-pip-version-check", "awscli"], check=True)
    profile = [] if args.debug else ["--release"]
    subprocess.run(["cargo", "build", "--quiet", *profile, "-p", "testbed", "--bins"], cwd=ROOT, check=True)
    subprocess.run(["cargo", "build", "--quiet", *profile], cwd=ROOT, check=True)
    target = os.environ.get("CARGO_TARGET_DIR", os.path.join(ROOT, "target"))
    bin_dir = os.path.join(target, "debug" if args.debug else "release")
    s3share = os.path.join(bin_dir, "s3share")

    tmp = tempfile.mkdtemp()
    access, secret = "benchaccesskey", "benchsecretkey-0123456789"
    synthetic = []
    for n in COUNTS:
        synthetic += ["--synthetic", f"bench/n{n}/={n}"]
    server = subprocess.Popen([os.path.join(bin_dir, "testbed-server"), os.path.join(tmp, "data"),
                               access, secret, *synthetic], stdin=subprocess.PIPE,
                              stdout=subprocess.PIPE, text=True)
    try:
        endpoint = server.stdout.readline().strip()
        env = profile_env(tmp, {"bench": endpoint}, access, secret)
        env["S3SHARE_HISTORY_FILE"] = os.path.join(tmp, "history.json")
        for k in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN"):
            env.pop(k, None)
        presign10 = 0.0
        for i in range(10):
            presign10 += timed(["aws", "s3", "presign", f"s3://bench/n10/IMG_{i:07}.jpg"], env)[0]
        print(f"local server {endpoint}, {'debug' if args.debug else 'release'} build; seconds")
        print(f"{'files':>6} {'--page':>8} {'page KB':>8} {'aws presign x N':>16}")
        for n in COUNTS:
            page_s, out = timed([s3share, "link", f"s3://bench/n{n}/", "--page"], env)
            url = out.stdout.strip()
            size = len(subprocess.run(["curl", "-s", url], capture_output=True).stdout) / 1024
            print(f"{n:>6} {page_s:8.2f} {size:8.0f} {presign10 / 10 * n:16.1f}")
    finally:
        server.stdin.close()
        server.wait(timeout=10)


if __name__ == "__main__":
    main()
