#!/usr/bin/env python3
"""Startup and idle cost of the real window under Xvfb, on the demo bucket.

For each run: time from process start to the first frame drawn (the app prints a marker on
its first frame when S3SHARE_REPORT_FIRST_FRAME is set), then resident memory and CPU time
used over 10 s of idling; once with nothing on screen changing, once with a link copied and
its countdown ticking. Prints figures; asserts nothing.

With --heap, one more run under heaptrack: the peak heap split by the library that asked
for it, so the GL driver's own heap (Mesa's software renderer allocates through malloc, which
no mapping tells apart from the app's) can be taken off the app's own memory too.

Run: python3 benches/startup.py [--runs 5] [--debug] [--heap]
Needs Xvfb, xdotool (apt) and cargo (and heaptrack for --heap); builds the release binary
unless --debug.
"""
import argparse, os, re, shutil, statistics, subprocess, sys, tempfile, time

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


def app_env(display, work):
    """The environment of one run: the demo bucket, nothing of this machine's AWS setup."""
    return dict(os.environ, DISPLAY=display, S3SHARE_REPORT_FIRST_FRAME="1",
                S3SHARE_DATA_DIR=os.path.join(work, "data"),
                XDG_CONFIG_HOME=os.path.join(work, "config"),
                XDG_DATA_HOME=os.path.join(work, "share"),
                AWS_CONFIG_FILE=os.path.join(work, "none"),
                AWS_SHARED_CREDENTIALS_FILE=os.path.join(work, "none"))


SIZE = re.compile(r"^([\d.]+)([KMG]?)B? peak memory consumed over", re.M)


def heap_by_library(binary, display, seconds):
    """Peak heap (MB) by the library whose code asked for it, from one run under heaptrack
    (the demo bucket open for `seconds`): {library: MB}, and the peak heap heaptrack saw."""
    work = tempfile.mkdtemp()
    out = os.path.join(work, "heap")
    app = subprocess.Popen(["heaptrack", "-o", out, binary, "--demo"], env=app_env(display, work),
                           stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    time.sleep(seconds)
    subprocess.run(["pkill", "-TERM", "-f", f"^{re.escape(binary)} --demo"])
    app.wait(timeout=60)
    found = [f for f in os.listdir(work) if f.startswith("heap")]
    text = subprocess.run(["heaptrack_print", "-f", os.path.join(work, found[0]), "--print-peaks",
                           "1", "--print-allocators", "0", "--print-temporary", "0", "-n", "400",
                           "-s", "1"], capture_output=True, text=True).stdout
    shutil.rmtree(work, ignore_errors=True)
    scale = {"": 1e-6, "K": 1e-3, "M": 1, "G": 1e3}
    by_library = {}
    # One block per place that allocates, its first frame's library; code without a name
    # (`??`: libstdc++'s operator new, JIT code) is counted for the library below it.
    for block in re.split(r"\n(?=[\d.]+[KMG]?B? peak memory consumed over)", text):
        size = SIZE.search(block)
        if not size:
            continue
        libraries = [os.path.basename(m) for m in re.findall(r"^\s+in (\S+)", block, re.M)]
        library = next((lib for lib in libraries if lib != "??"), "??")
        mb = float(size.group(1)) * scale[size.group(2)]
        by_library[library] = by_library.get(library, 0) + mb
    peak = re.search(r"peak heap memory consumption: ([\d.]+)([KMG]?)", text)
    return by_library, float(peak.group(1)) * scale[peak.group(2)] if peak else float("nan")


def idle(pid, seconds):
    before = cpu_seconds(pid)
    time.sleep(seconds)
    return (cpu_seconds(pid) - before) / seconds * 100, rss_mb(pid)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--seconds", type=float, default=10)
    ap.add_argument("--debug", action="store_true")
    ap.add_argument("--heap", action="store_true", help="one more run under heaptrack")
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
            env = app_env(display, work)
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
        if args.heap:
            heap, peak = heap_by_library(binary, display, 2 + args.seconds)
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
    if args.heap:
        driver = sum(mb for lib, mb in heap.items() if any(name in lib for name in GL_DRIVER))
        print(f"heap at its peak (heaptrack, one run): {peak:.1f} MB; by the library that asked:")
        for lib, mb in sorted(heap.items(), key=lambda item: -item[1])[:8]:
            print(f"  {lib:34} {mb:6.2f} MB")
        print(f"  of which the GL driver stack's {driver:.1f} MB: the app's own memory without "
              f"it {med(own_rss) - driver:.0f} MB (own memory above minus the driver's heap)")
    print(f"idle, countdown ticking: CPU {med(tick_cpu):.2f} % of one core over {args.seconds:.0f} s, RSS {med(tick_rss):.0f} MB")


if __name__ == "__main__":
    main()
