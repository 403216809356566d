#!/usr/bin/env python3
"""The file request page in a real browser (headless Chromium driven by Selenium).

Starts the test bed's S3 server (it checks POST policies), makes a request page with the
real `s3share` binary, opens the page link in Chromium, sends two files (one with a unicode
name) through the page's file chooser, waits for the page's "Done", checks the objects
byte for byte on the server, then sends a file over the limit and expects the page's size
message. Saves a screenshot of the page.

Run (after `cargo build -p testbed --bins` and `cargo test`, which builds s3share):
    python3 tests/browser/request_page.py [--screenshot assets/request-page.png]
Needs: chromium, chromium-driver (Debian), selenium (PyPI).
"""
import argparse, glob, os, shutil, subprocess, sys, tempfile

from bed import S3SHARE, chrome_options, profile_env, start_server, stop_server


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--screenshot", default=None)
    args = ap.parse_args()
    chromium = shutil.which("chromium")
    driver = shutil.which("chromedriver")
    if not chromium or not driver:
        print("skipped: chromium and chromium-driver are not installed (apt-get install chromium chromium-driver)")
        return 0
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait

    tmp = tempfile.mkdtemp()
    data = os.path.join(tmp, "s3")
    os.makedirs(data)
    server, endpoint = start_server(data, "inbox")
    browser = None
    try:
        env = profile_env(tmp, endpoint)
        made = subprocess.run(
            [S3SHARE, "--profile", "share", "request", "s3://inbox/scans/",
             "--title", "Scans for the audit", "--message", "Please send the signed pages <b>today</b>.",
             "--max-size", "1MB", "--expires", "1h"],
            env=env, capture_output=True, text=True)
        if made.returncode != 0:
            sys.exit(f"s3share request failed: {made.stderr}")
        link = made.stdout.strip()
        print("request:", made.stderr.strip().split(";")[0])

        files = {"report.txt": b"page one\n" * 100, "Prüfbericht März.txt": "über alles\n".encode() * 50}
        paths = []
        for name, body in files.items():
            path = os.path.join(tmp, name)
            with open(path, "wb") as f:
                f.write(body)
            paths.append(path)
        too_big = os.path.join(tmp, "too big.bin")
        with open(too_big, "wb") as f:
            f.write(b"\0" * (1024 * 1024 + 1))

        options = chrome_options(webdriver, chromium, tmp)
        browser = webdriver.Chrome(service=Service(driver), options=options)
        browser.get(link)
        heading = browser.find_element(By.TAG_NAME, "h1").text
        assert heading == "Scans for the audit", heading
        message = browser.find_element(By.CLASS_NAME, "message").text
        assert "<b>today</b>" in message, f"owner text shown as text: {message!r}"
        chooser = browser.find_element(By.ID, "files")
        chooser.send_keys("\n".join(paths))
        summary = WebDriverWait(browser, 30).until(
            lambda b: b.find_element(By.ID, "summary").text or None)
        print("page says:", summary)
        assert summary == "Done: 2 sent.", summary
        def received(name):
            # Each sender's files land in a folder of its own under the request's folder.
            return glob.glob(os.path.join(glob.escape(os.path.join(data, "inbox", "scans")), "*", glob.escape(name)))

        for name, body in files.items():
            found = received(name)
            assert len(found) == 1, found
            with open(found[0], "rb") as f:
                assert f.read() == body, f"{name} differs"

        # A second sender (the page opened again) sends a file of the same name: both stay.
        os.makedirs(os.path.join(tmp, "second"))
        second = os.path.join(tmp, "second", "report.txt")
        with open(second, "wb") as f:
            f.write(b"the second sender's report\n")
        browser.get(link)
        browser.find_element(By.ID, "files").send_keys(second)
        WebDriverWait(browser, 30).until(lambda b: b.find_element(By.ID, "summary").text == "Done: 1 sent.")
        kept = set()
        for path in received("report.txt"):
            with open(path, "rb") as f:
                kept.add(f.read())
        assert kept == {files["report.txt"], b"the second sender's report\n"}, kept
        print("two senders, one file name: both kept")
        if args.screenshot:
            browser.save_screenshot(args.screenshot)
            print("screenshot:", args.screenshot)

        chooser = browser.find_element(By.ID, "files")
        chooser.send_keys(too_big)
        WebDriverWait(browser, 30).until(lambda b: "not sent" in b.find_element(By.ID, "summary").text)
        notes = [n.text for n in browser.find_elements(By.CSS_SELECTOR, "li .bad")]
        assert any("Too large" in n for n in notes), notes
        assert not received("too big.bin")
        print("over the limit:", notes[-1])
        print("browser test passed")
        return 0
    finally:
        if browser:
            browser.quit()
        stop_server(server)
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
