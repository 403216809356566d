"""What the browser tests share: the test bed's S3 server as a process, a profile "share"
on it for the real `s3share` binary, and headless Chromium's options."""
import os, shutil, subprocess

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
TARGET = os.environ.get("CARGO_TARGET_DIR", os.path.join(ROOT, "target"))
S3SHARE = os.path.join(TARGET, "debug", "s3share")
ACCESS, SECRET = "browser-test-access", "browser-test-secret-0123456789"


def start_server(data, bucket, *extra):
    """The test bed's server on `data` with `bucket` (and `extra` arguments, such as
    "--request-log", FILE); it stops when its stdin closes. Returns the process and its
    endpoint."""
    server = subprocess.Popen(
        [os.path.join(TARGET, "debug", "testbed-server"), data, ACCESS, SECRET, *extra, bucket],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    return server, server.stdout.readline().strip()


def stop_server(server):
    server.stdin.close()
    server.wait(timeout=10)


def profile_env(tmp, endpoint):
    """os.environ with profile "share" on `endpoint` (files in `tmp`), a history of its own
    and nothing of the caller's AWS variables."""
    with open(os.path.join(tmp, "config"), "w") as f:
        f.write(f"[profile share]\nregion = us-east-1\nendpoint_url = {endpoint}\n")
    with open(os.path.join(tmp, "credentials"), "w") as f:
        f.write(f"[share]\naws_access_key_id = {ACCESS}\naws_secret_access_key = {SECRET}\n")
    env = dict(os.environ, AWS_CONFIG_FILE=os.path.join(tmp, "config"),
               AWS_SHARED_CREDENTIALS_FILE=os.path.join(tmp, "credentials"),
               AWS_EC2_METADATA_DISABLED="true",
               S3SHARE_HISTORY_FILE=os.path.join(tmp, "history.json"))
    for k in ("AWS_PROFILE", "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN"):
        env.pop(k, None)
    return env


def chrome_options(webdriver, chromium, tmp):
    """Headless Chromium with a profile in `tmp` and nothing that reaches the network."""
    options = webdriver.ChromeOptions()
    options.binary_location = chromium
    for flag in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync",
                 f"--user-data-dir={os.path.join(tmp, 'profile')}", "--window-size=900,700"):
        options.add_argument(flag)
    return options


def chromium_or_skip():
    """(chromium, chromedriver) when both are installed; else None, and the test says it is
    skipped."""
    chromium, driver = shutil.which("chromium"), shutil.which("chromedriver")
    if not chromium or not driver:
        print("skipped: chromium and chromium-driver are not installed (apt-get install chromium chromium-driver)")
        return None
    return chromium, driver


def start_browser(tools, tmp, downloads):
    """Headless Chromium (from `chromium_or_skip`) that saves downloads into `downloads`."""
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service
    chromium, driver = tools
    options = chrome_options(webdriver, chromium, tmp)
    options.add_experimental_option("prefs", {
        "download.default_directory": downloads,
        "download.prompt_for_download": False,
        "profile.default_content_setting_values.automatic_downloads": 1,
    })
    browser = webdriver.Chrome(service=Service(driver), options=options)
    browser.execute_cdp_cmd("Browser.setDownloadBehavior", {"behavior": "allow", "downloadPath": downloads})
    return browser
