#!/usr/bin/env python3
"""The page of links in a real browser (headless Chromium driven by Selenium).

Starts the test bed's S3 server, makes a page for a folder with the real `s3share` binary
(`link --page --recursive`), opens the page link in Chromium, checks the list (names shown
as text, one row per file), presses "Download all" and checks every downloaded file byte for
byte against the bucket's. Saves a screenshot of the page.

Run (after `cargo build -p testbed --bins` and `cargo build`):
    python3 tests/browser/folder_page.py [--screenshot assets/folder-page.png]
Needs: chromium, chromium-driver (Debian), selenium (PyPI).
"""
import argparse, os, shutil, subprocess, sys, tempfile

from bed import S3SHARE, chromium_or_skip, profile_env, start_browser, start_server, stop_server

FILES = {
    "docs/Quarterly report.csv": b"quarter,revenue\nQ1,120\nQ2,135\n",
    "docs/Pr\u00fcfbericht M\u00e4rz (final).txt": "\u00fcber alles\n".encode() * 40,
    "docs/images/diagram.bin": bytes(range(256)) * 4096,
}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--screenshot", default=None)
    args = ap.parse_args()
    tools = chromium_or_skip()
    if not tools:
        return 0
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait

    tmp = tempfile.mkdtemp()
    data = os.path.join(tmp, "s3")
    for key, body in FILES.items():
        path = os.path.join(data, "shared", key)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "wb") as f:
            f.write(body)
    server, endpoint = start_server(data, "shared")
    browser = None
    try:
        env = profile_env(tmp, endpoint)
        made = subprocess.run(
            [S3SHARE, "--profile", "share", "link", "s3://shared/docs/",
             "--page", "--recursive", "--title", "Q3 documents", "--expires", "1h"],
            env=env, capture_output=True, text=True)
        if made.returncode != 0:
            sys.exit(f"s3share link --page failed: {made.stderr}")
        link = made.stdout.strip()
        print("page:", made.stderr.strip().splitlines()[0])

        downloads = os.path.join(tmp, "downloads")
        os.makedirs(downloads)
        browser = start_browser(tools, tmp, downloads)
        browser.get(link)
        assert browser.find_element(By.TAG_NAME, "h1").text == "Q3 documents"
        names = [a.text for a in browser.find_elements(By.CSS_SELECTOR, "tbody a")]
        expected = sorted(os.path.basename(k) for k in FILES)
        assert sorted(names) == expected, names
        ends = browser.find_element(By.ID, "ends").text
        assert "UTC" not in ends, f"the end in the reader's local time: {ends!r}"
        if args.screenshot:
            browser.save_screenshot(args.screenshot)
            print("screenshot:", args.screenshot)
        browser.find_element(By.ID, "all").click()

        def finished(_):
            got = os.listdir(downloads)
            done = [n for n in got if not n.endswith(".crdownload")]
            return len(done) == len(FILES) and len(got) == len(FILES)

        WebDriverWait(browser, 60).until(finished)
        for key, body in FILES.items():
            with open(os.path.join(downloads, os.path.basename(key)), "rb") as f:
                assert f.read() == body, f"{key} differs"
        print("Download all:", len(FILES), "files, byte-exact:", ", ".join(sorted(os.listdir(downloads))))
        print("browser test passed")
        return 0
    finally:
        if browser:
            browser.quit()
        stop_server(server)
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
