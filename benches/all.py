#!/usr/bin/env python3
"""Every figure of the performance targets in one run, each beside the tool people would
otherwise use (each section is one of the benches in this folder; they print figures and
assert nothing — the machine is shared and noisy, so read them as ratios):

  1. many links      compare_many.py (rclone serve s3) and --bed (the test bed's s3s):
                     10,000 tried links/s beside one-by-one fetches, `aws s3 presign` in a
                     loop and boto3; the server's own CPU seconds beside each run; the folder
                     page and revocable copies beside `aws s3 cp --recursive` (--revocable)
  2. memory, 3. first frame
                     startup.py: first frame after process start, idle CPU and the app's own
                     memory under Xvfb, the heap split by library (--heap, heaptrack);
                     compare_list.py (with --full): memory with a million
                     rows listed, beside `aws s3 ls` and `rclone lsf`
  4. WAN uploads     compare_upload.py --wan: 1 GiB through a simulated 40 ms / 200 Mbit/s
                     link, MB/s and peak memory beside `aws s3 cp` and `rclone copyto`, and
                     where s3share's time goes (--phases)
  5. signing         compare_links.py: presigns/s in-process (cargo bench presign) beside
                     boto3, and a link from process start beside `aws s3 presign`
  6. encryption and copies
                     compare_encrypted.py: an encrypted upload's MB/s beside a plain one and
                     `aws s3 cp`; compare_revocable.py: server-side copy time for 1 MB, 100 MB
                     and 1 GB beside `aws s3 cp s3://… s3://…`

Run: python3 benches/all.py [--quick] [--full]
  --quick  smaller sizes (100 MiB uploads, 1 run each) to see the shape in minutes
  --full   also the million-row listing and window (compare_list.py, tens of minutes)
Needs what each bench needs (cargo, pip, Xvfb, xdotool, apt's time, heaptrack); each
installs its pip packages itself.
"""
import argparse, os, subprocess, sys, time

HERE = os.path.dirname(os.path.abspath(__file__))


def section(title, args):
    print(f"\n=== {title}\n$ python3 benches/{' '.join(args)}", flush=True)
    t0 = time.perf_counter()
    done = subprocess.run([sys.executable, os.path.join(HERE, args[0]), *args[1:]],
                          cwd=os.path.dirname(HERE), stderr=subprocess.STDOUT,
                          stdout=subprocess.PIPE, text=True)
    lines = [l for l in done.stdout.splitlines()
             if not l.startswith(("WARNING: Running pip", "[notice]"))]
    print("\n".join(lines))
    if done.returncode != 0:
        print(f"(this bench failed with exit code {done.returncode}; the others go on)")
    print(f"({time.perf_counter() - t0:.0f} s)", flush=True)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--quick", action="store_true")
    ap.add_argument("--full", action="store_true")
    args = ap.parse_args()
    quick = args.quick
    upload_mib = "100" if quick else "1024"
    runs = "1" if quick else "3"
    section("1. Many links (rclone serve s3)", ["compare_many.py", "--revocable"])
    section("1. Many links (the test bed's server)", ["compare_many.py", "--bed"])
    section("2, 3. First frame, idle CPU, the app's own memory",
            ["startup.py", "--runs", runs] + ([] if quick else ["--heap"]))
    if args.full:
        section("2. A million rows listed", ["compare_list.py"])
    section("4. Uploads across a WAN",
            ["compare_upload.py", "--wan", "--phases", "--size-mib", upload_mib])
    section("5. Signing", ["compare_links.py", "--runs", "5" if quick else "20"])
    section("6. Encryption", ["compare_encrypted.py", "--size-mb", upload_mib, "--runs", runs])
    section("6. Revocable copies (server-side copy time)",
            ["compare_revocable.py", "--runs", runs])


if __name__ == "__main__":
    main()
