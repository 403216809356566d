#!/usr/bin/env python3
"""What a revocable link costs next to a normal one, on the local server (the test bed's
s3s-fs server, started as a process on 127.0.0.1).

For objects of 1 MB, 100 MB and 1 GB, median of N runs each, process start to link on stdout:
  s3share link              (HEAD, sign, try the link)
  s3share link --revocable  (HEAD, write+delete probe, server-side copy, sign, try)
  aws s3 cp s3://… s3://…   (the AWS CLI's server-side copy alone, for reference)
  aws s3 presign            (signs only, checks nothing)
and s3share revoke ID (delete the copy, try the link until it is refused).

Prints figures; asserts nothing. Needs cargo and pip (installs awscli).
Run: python3 benches/compare_revocable.py [--runs 5] [--debug]
"""
import argparse, json, os, statistics, subprocess, sys, tempfile, time

from common import free_port, profile_env

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SIZES = [("1 MB", 1_000_000), ("100 MB", 100_000_000), ("1 GB", 1_000_000_000)]


def timed(cmd, env):
    t0 = time.perf_counter()
    out = subprocess.run(cmd, env=env, capture_output=True, text=True)
    ms = (time.perf_counter() - t0) * 1000
    if out.returncode != 0:
        sys.exit(f"{' '.join(cmd[:3])} failed: {out.stderr.strip()}")
    return ms, out.stdout.strip()


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--debug", action="store_true", help="use the debug build (faster to build)")
    args = ap.parse_args()

    subprocess.run([sys.executable, "-m", "pip", "install", "--quiet",
                    "--disable-pip-version-check", "awscli"], check=True)
    profile = [] if args.debug else ["--release"]
    subprocess.run(["cargo", "build", "--quiet", *profile, "-p", "testbed", "--bins"],
                   cwd=ROOT, check=True)
    subprocess.run(["cargo", "build", "--quiet", *profile], cwd=ROOT, check=True)
    target = os.environ.get("CARGO_TARGET_DIR", os.path.join(ROOT, "target"))
    bin_dir = os.path.join(target, "debug" if args.debug else "release")
    s3share = os.path.join(bin_dir, "s3share")

    tmp = tempfile.mkdtemp()
    data = os.path.join(tmp, "data")
    access, secret = "benchaccesskey", "benchsecretkey-0123456789"
    server = subprocess.Popen([os.path.join(bin_dir, "testbed-server"), data, access, secret,
                               "bench"], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    try:
        endpoint = server.stdout.readline().strip()
        for name, size in SIZES:
            with open(os.path.join(data, "bench", f"{name.replace(' ', '')}.bin"), "wb") as f:
                block = os.urandom(1 << 20)
                left = size
                while left:
                    f.write(block[:min(left, len(block))])
                    left -= min(left, len(block))
        env = profile_env(tmp, {"bench": endpoint}, access, secret)
        env["S3SHARE_HISTORY_FILE"] = os.path.join(tmp, "history.json")
        for k in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN"):
            env.pop(k, None)

        print(f"local server {endpoint}, {'debug' if args.debug else 'release'} build, "
              f"median of {args.runs} runs, ms from process start to link on stdout")
        print(f"{'object':>8} {'link':>8} {'revocable':>10} {'aws s3 cp':>10} "
              f"{'presign':>8} {'revoke':>8}")
        for name, _ in SIZES:
            uri = f"s3://bench/{name.replace(' ', '')}.bin"
            normal, revocable, copy, presign, revoke = [], [], [], [], []
            for i in range(args.runs):
                normal.append(timed([s3share, "link", uri], env)[0])
                ms, url = timed([s3share, "link", "--revocable", uri], env)
                revocable.append(ms)
                history = subprocess.run([s3share, "history", "--json"], env=env,
                                         capture_output=True, text=True).stdout
                path = url.split("?")[0]
                row = next(json.loads(l) for l in history.splitlines()
                           if json.loads(l)["url"].startswith(path))
                revoke.append(timed([s3share, "revoke", row["id"]], env)[0])
                copy.append(timed(["aws", "s3", "cp", "--quiet", uri,
                                   f"s3://bench/aws-copy-{i}.bin"], env)[0])
                presign.append(timed(["aws", "s3", "presign", uri], env)[0])
            med = statistics.median
            print(f"{name:>8} {med(normal):8.0f} {med(revocable):10.0f} {med(copy):10.0f} "
                  f"{med(presign):8.0f} {med(revoke):8.0f}")
    finally:
        server.stdin.close()
        server.wait(timeout=10)


if __name__ == "__main__":
    main()
