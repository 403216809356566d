#!/usr/bin/env python3
"""Startup and idle cost of the real window under Xvfb, on the demo bucket.

For each run: time from process start to the first frame drawn (the app prints a marker on
its first frame when S3SHARE_REPORT_FIRST_FRAME is set), then resident memory and CPU time
used over 10 s of idling; once with nothing on screen changing, once with a link copied and
its countdown ticking. Prints figures; asserts nothing.

Run: python3 benches/startup.py [--runs 5] [--debug]
Needs Xvfb, xdotool (apt) and cargo; builds the release binary unless --debug.
"""
import argparse, os, shutil, statistics, subprocess, sys, tempfile, time

from common import rss_mb

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
TICK = os.sysconf("SC_CLK_TCK")


def cpu_seconds(pid):
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / TICK


# Mappings of the GL stack (Mesa's software renderer and what it loads): not the app's.
GL_DRIVER = ("dri", "gallium", "libLLVM", "libGLX", "libEGL", "libGL.so", "libglapi",
             "libvulkan", "lvp", "swrast", "libdrm", "libgbm", "libxcb", "libX11", "libz3",
             "libstdc++", "libelf", "libsensors", "libedit", "libxml2", "libicu")


def own_rss_mb(pid):
    """RSS minus the file mappings of the GL driver stack, from /proc/PID/smaps."""
    total = driver = 0
    current = ""
    with open(f"/proc/{pid}/smaps") as f:
        for line in f:
            parts = line.split()
            if parts and "-" in parts[0] and len(parts) >= 5 and not line.startswith(("Rss", "Size")):
                current = parts[5] if len(parts) > 5 else ""
            elif line.startswith("Rss:"):
                kb = int(parts[1])
                total += kb
                if any(name in current for name in GL_DRIVER):
                    driver += kb
    return (total - driver) / 1024, driver / 1024


def idle(pid, seconds):
    before = cpu_seconds(pid)
    time.sleep(seconds)
    return (cpu_seconds(pid) - before) / seconds * 100, rss_mb(pid)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--seconds", type=float, default=10)
    ap.add_argument("--debug", action="store_true")
    args = ap.parse_args()
    for tool in ("Xvfb", "xdotool"):
        if not shutil.which(tool):
            sys.exit(f"{tool} is missing: apt-get install xvfb xdotool")
    profile = "debug" if args.debug else "release"
    target = os.environ.get("CARGO_TARGET_DIR", os.path.join(ROOT, "target"))
    subprocess.run(["cargo", "build", "--quiet"] + ([] if args.debug else ["--release"]), cwd=ROOT, check=True)
    binary = os.path.join(target, profile, "s3share")

    display = f":{150 + os.getpid() % 300}"
    xvfb = subprocess.Popen(["Xvfb", display, "-screen", "0", "1100x680x24", "-nolisten", "tcp"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    time.sleep(1)
    firsts, ready, idle_cpu, idle_rss, tick_cpu, tick_rss = [], [], [], [], [], []
    own_rss, driver_rss = [], []
    try:
        for run in range(args.runs):
            work = tempfile.mkdtemp()
            env = dict(os.environ, DISPLAY=display, S3SHARE_REPORT_FIRST_FRAME="1",
                       S3SHARE_DATA_DIR=os.path.join(work, "data"),
                       XDG_CONFIG_HOME=os.path.join(work, "config"),
                       AWS_CONFIG_FILE=os.path.join(work, "none"),
                       AWS_SHARED_CREDENTIALS_FILE=os.path.join(work, "none"))
            t0 = time.perf_counter()
            app = subprocess.Popen([binary, "--demo"], env=env, stdout=subprocess.DEVNULL,
                                   stderr=subprocess.PIPE, text=True)
            for line in app.stderr:
                if "GL context ready" in line:
                    ready.append(int(line.split("ready ")[1].split(" ms")[0]))
                if "first frame" in line:
                    firsts.append((time.perf_counter() - t0) * 1000)
                    break
            # Keep reading stderr so the app never blocks on a full pipe.
            subprocess.Popen(["cat"], stdin=app.stderr, stdout=subprocess.DEVNULL)
            time.sleep(2)  # let the demo bucket load
            cpu, rss = idle(app.pid, args.seconds)
            idle_cpu.append(cpu); idle_rss.append(rss)
            own, driver = own_rss_mb(app.pid)
            own_rss.append(own); driver_rss.append(driver)
            # Open reports/, select a file, Copy link: the countdown repaints once a second.
            for x, y in ((300, 162), (300, 162), (843, 250)):
                subprocess.run(["xdotool", "mousemove", str(x), str(y), "click", "1"], env=env)
                time.sleep(1)
            subprocess.run(["xdotool", "mousemove", "1000", "600"], env=env)
            time.sleep(1)
            cpu, rss = idle(app.pid, args.seconds)
            tick_cpu.append(cpu); tick_rss.append(rss)
            app.terminate(); app.wait(timeout=10)
            shutil.rmtree(work, ignore_errors=True)
    finally:
        xvfb.terminate()
    med = statistics.median
    print(f"{profile} build, {args.runs} runs under Xvfb (Mesa software GL)")
    print(f"first frame after process start: median {med(firsts):.0f} ms (min {min(firsts):.0f}, max {max(firsts):.0f})")
    if ready:
        print(f"  of which main() to window + GL context ready (eframe/winit/Mesa): median {med(ready):.0f} ms")
    print(f"idle, nothing changing:  CPU {med(idle_cpu):.2f} % of one core over {args.seconds:.0f} s, RSS {med(idle_rss):.0f} MB")
    print(f"  of which the GL driver's mapped files {med(driver_rss):.0f} MB; the app's own "
          f"{med(own_rss):.0f} MB (RSS minus those, from /proc/PID/smaps)")
    print(f"idle, countdown ticking: CPU {med(tick_cpu):.2f} % of one core over {args.seconds:.0f} s, RSS {med(tick_rss):.0f} MB")


if __name__ == "__main__":
    main()
