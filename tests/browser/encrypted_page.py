#!/usr/bin/env python3
"""The encrypted share's page in a real browser (headless Chromium driven by Selenium).

Starts the test bed's S3 server with a request log, encrypts files into it with the real
`s3share upload --encrypt`, opens each link in Chromium and presses Download:
  - a 100 MB file (`--size-mb`) arrives byte for byte in the download folder;
  - a file whose ciphertext was changed on the server shows the error and saves nothing;
  - a passphrase link says a wrong passphrase as such, then decrypts with the right one;
  - a link that ended while its page was open says so and saves nothing;
  - no request the page made carries the key, the salt or a referrer (the server's log).
Prints the decryption time and the browser's peak memory, and saves a screenshot.

Run (after `cargo build -p testbed --bins` and `cargo build`):
    python3 tests/browser/encrypted_page.py [--size-mb 100] [--screenshot assets/encrypted-page.png]
Needs: chromium, chromium-driver (Debian), selenium (PyPI).
"""
import argparse, hashlib, os, shutil, subprocess, sys, tempfile, time

from bed import S3SHARE, chromium_or_skip, profile_env, start_browser, start_server, stop_server


def browser_memory_mb(pid):
    """Peak resident memory (VmHWM) of Chromium's processes, summed, in MB."""
    total = 0
    try:
        out = subprocess.run(["pgrep", "-f", "chromium"], capture_output=True, text=True).stdout
        for p in out.split():
            try:
                with open(f"/proc/{p}/status") as f:
                    for line in f:
                        if line.startswith("VmHWM:"):
                            total += int(line.split()[1])
            except OSError:
                pass
    except FileNotFoundError:
        return None
    return total // 1024


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--size-mb", type=int, default=100)
    ap.add_argument("--screenshot", default=None)
    args = ap.parse_args()
    tools = chromium_or_skip()
    if not tools:
        return 0
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait

    tmp = tempfile.mkdtemp()
    data = os.path.join(tmp, "s3")
    os.makedirs(os.path.join(data, "shared"))
    log = os.path.join(tmp, "requests.log")
    server, endpoint = start_server(data, "shared", "--request-log", log)
    browser = None
    try:
        env = profile_env(tmp, endpoint)

        def share(path, *extra):
            made = subprocess.run(
                [S3SHARE, "--profile", "share", "upload", path, "s3://shared/", "--encrypt", *extra],
                env=env, capture_output=True, text=True)
            if made.returncode != 0:
                sys.exit(f"s3share upload --encrypt failed: {made.stderr}")
            return made.stdout.strip()

        big = os.path.join(tmp, "big-report.bin")
        block = os.urandom(1024 * 1024)
        digest = hashlib.sha256()
        with open(big, "wb") as f:
            for i in range(args.size_mb):
                chunk = block[i:] + block[:i]
                f.write(chunk)
                digest.update(chunk)
        started = time.monotonic()
        big_link = share(big, "--expires", "1h")
        print(f"s3share upload --encrypt: {args.size_mb} MB in {time.monotonic() - started:.1f} s (debug build)")

        small = os.path.join(tmp, "notes.txt")
        with open(small, "wb") as f:
            f.write(b"meeting notes\n" * 20000)
        tampered_link = share(small, "--expires", "1h")
        # Flip one byte of the stored ciphertext on the server's disk.
        stored = [os.path.join(root, n) for root, _, names in os.walk(os.path.join(data, "shared", ".s3share", "links"))
                  for n in names if n == "data"]
        newest = max(stored, key=os.path.getmtime)
        with open(newest, "r+b") as f:
            f.seek(100_000)
            b = f.read(1)
            f.seek(100_000)
            f.write(bytes([b[0] ^ 1]))

        secret = os.path.join(tmp, "pass.txt")
        with open(secret, "w") as f:
            f.write("correct horse battery staple\n")
        plan = os.path.join(tmp, "plan.txt")
        with open(plan, "wb") as f:
            f.write(b"the plan\n" * 1000)
        pass_link = share(plan, "--expires", "1h", "--passphrase-file", secret)
        short_link = share(plan, "--expires", "8s")

        downloads = os.path.join(tmp, "downloads")
        os.makedirs(downloads)
        browser = start_browser(tools, tmp, downloads)

        def status():
            return browser.find_element(By.ID, "status").text

        def saved():
            return sorted(n for n in os.listdir(downloads) if not n.endswith(".crdownload"))

        # The ended link first: its page is opened, then its end passes.
        browser.get(short_link)
        opened_at = time.monotonic()
        assert browser.find_element(By.ID, "download").text == "Download"
        time.sleep(max(0, 10 - (time.monotonic() - opened_at)))
        browser.find_element(By.ID, "download").click()
        WebDriverWait(browser, 30).until(lambda _: "ended" in status())
        assert saved() == [], saved()
        print("ended link:", status())

        # The big file: byte for byte.
        browser.get(big_link)
        assert "big-report.bin" in browser.find_element(By.TAG_NAME, "h1").text
        if args.screenshot:
            browser.save_screenshot(args.screenshot)
            print("screenshot:", args.screenshot)
        started = time.monotonic()
        browser.find_element(By.ID, "download").click()
        WebDriverWait(browser, 600).until(lambda _: "saved" in status() or "nothing" in status().lower())
        WebDriverWait(browser, 120).until(lambda _: saved() == ["big-report.bin"] and not
                                          any(n.endswith(".crdownload") for n in os.listdir(downloads)))
        took = time.monotonic() - started
        got = hashlib.sha256()
        with open(os.path.join(downloads, "big-report.bin"), "rb") as f:
            for chunk in iter(lambda: f.read(1 << 20), b""):
                got.update(chunk)
        assert got.digest() == digest.digest(), "the downloaded file differs"
        peak = browser_memory_mb(None)
        print(f"Download: {args.size_mb} MB decrypted and saved byte-exact in {took:.1f} s "
              f"({args.size_mb / took:.0f} MB/s); Chromium's peak memory {peak} MB")

        # A changed ciphertext: the error, and nothing saved.
        browser.get(tampered_link)
        browser.find_element(By.ID, "download").click()
        WebDriverWait(browser, 60).until(lambda _: "Nothing was saved" in status())
        assert "changed after it was encrypted" in status(), status()
        time.sleep(1)
        assert saved() == ["big-report.bin"], saved()
        print("tampered:", status())

        # A passphrase: wrong, then right.
        browser.get(pass_link)
        field = browser.find_element(By.ID, "pass")
        field.send_keys("incorrect horse battery")
        browser.find_element(By.ID, "download").click()
        WebDriverWait(browser, 60).until(lambda _: "Wrong passphrase" in status())
        assert browser.find_element(By.ID, "download").is_enabled(), "a wrong passphrase can be retried"
        field.clear()
        field.send_keys("correct horse battery staple")
        browser.find_element(By.ID, "download").click()
        WebDriverWait(browser, 60).until(lambda _: "plan.txt" in saved())
        with open(os.path.join(downloads, "plan.txt"), "rb") as f:
            assert f.read() == b"the plan\n" * 1000
        print("passphrase: wrong one said, right one decrypts")

        # The server saw no key, no salt, no referrer.
        secrets = []
        for link in (big_link, tampered_link, pass_link, short_link):
            fragment = link.split("#", 1)[1]
            secrets += [v.split("=", 1)[1] for v in fragment.split("&") if v[:2] in ("k=", "s=")]
        with open(log) as f:
            lines = f.read().splitlines()
        gets = [l for l in lines if l.startswith("GET ")]
        assert gets, "the log holds the page's requests"
        for line in lines:
            assert not any(s in line for s in secrets), f"a key reached the server: {line[:80]}"
            assert line.endswith("referer=-"), f"a referrer reached the server: {line[:120]}"
        print(f"request log: {len(lines)} requests, none with a key, salt or referrer")
        print("browser test passed")
        return 0
    finally:
        if browser:
            browser.quit()
        stop_server(server)
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
