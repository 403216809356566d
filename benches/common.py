"""What the benchmark scripts share: a free port, a process's RSS, the CPU a process tree
used, and profile files for a local S3 endpoint that the AWS CLI, rclone and s3share read
alike."""
import os, socket, subprocess, time


def free_port():
    s = socket.socket(); s.bind(("127.0.0.1", 0)); port = s.getsockname()[1]; s.close()
    return port


def rss_mb(pid):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return float("nan")


def profile_env(tmp, endpoints, access, secret, s3_section=""):
    """Writes config and credentials in `tmp` with one profile per name in `endpoints`
    (name -> endpoint URL) and returns os.environ pointed at them, the first profile chosen."""
    with open(os.path.join(tmp, "config"), "w") as f:
        for name, endpoint in endpoints.items():
            f.write(f"[profile {name}]\nregion = us-east-1\nendpoint_url = {endpoint}\n{s3_section}")
    with open(os.path.join(tmp, "credentials"), "w") as f:
        for name in endpoints:
            f.write(f"[{name}]\naws_access_key_id = {access}\naws_secret_access_key = {secret}\n")
    return dict(os.environ, AWS_CONFIG_FILE=os.path.join(tmp, "config"),
                AWS_SHARED_CREDENTIALS_FILE=os.path.join(tmp, "credentials"),
                AWS_PROFILE=next(iter(endpoints)), AWS_EC2_METADATA_DISABLED="true")


def rclone_bench(tmp, data, seconds=3600):
    """`rclone serve s3` on `data` (it checks signatures; it stops itself after `seconds`)
    and os.environ with profile "bench" on it (path style, a history in `tmp`)."""
    access, secret = "benchaccesskey", "benchsecretkey-0123456789"
    port = free_port()
    server = subprocess.Popen(["timeout", str(seconds), "rclone", "serve", "s3", "--config", "",
                               "--auth-key", f"{access},{secret}", data, "--addr", f"127.0.0.1:{port}"],
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    time.sleep(1)
    env = profile_env(tmp, {"bench": f"http://127.0.0.1:{port}"}, access, secret,
                      "s3 =\n    addressing_style = path\n")
    env["S3SHARE_HISTORY_FILE"] = os.path.join(tmp, "history.json")
    return server, env, port


def tree_cpu(pid):
    """CPU seconds used so far by process `pid` and every descendant still running."""
    ticks = os.sysconf("SC_CLK_TCK")
    parents, used = {}, {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/stat") as f:
                    fields = f.read().rsplit(")", 1)[1].split()
            except OSError:
                continue
            parents[int(entry)] = int(fields[1])
            used[int(entry)] = (int(fields[11]) + int(fields[12])) / ticks
    total, todo = 0.0, [pid]
    while todo:
        p = todo.pop()
        total += used.get(p, 0.0)
        todo.extend(c for c, parent in parents.items() if parent == p)
    return total
