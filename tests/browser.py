"""Real-browser helpers: the app on a free local port, Debian's chromium, and a page visit that records
what left the machine, what the console complained about, and which exception boxes the app drew."""

import os
import socket
import subprocess
import sys
import time
import urllib.request
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

import pytest

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

CHROMIUM = Path("/usr/bin/chromium")  # Debian's; `playwright install` must never run here
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]
HOST = "127.0.0.1"
VIEWPORT = {"width": 1400, "height": 1200}
DONE = "[data-testid=stApp][data-test-script-state=notRunning]"  # a script run has finished
SHAPES = "path.choroplethlocation"  # one per country a Plotly geo map has drawn
POINTS = ".scattergeo path.point"  # small states, drawn as dots
# Streamlit's frontend finds its base path by probing <page-path>/_stcore/health and
# <page-path>/_stcore/host-config before falling back to the root; on a deep path those probes get a
# 404 that Chromium logs as a console error. That is Streamlit's own discovery, not an app fault:
# exactly these two 404s (for the path that was opened) are ignored, nothing else.
PROBES = ("/_stcore/health", "/_stcore/host-config")
FAILED_404 = "Failed to load resource: the server responded with a status of 404"


def free_port() -> int:
    """A TCP port on 127.0.0.1 nobody listens on right now."""
    with socket.socket() as s:
        s.bind((HOST, 0))
        return s.getsockname()[1]


@contextmanager
def running_app(db_path: Path, log_path: Path, timeout: float = 90):
    """Build the demo database at db_path, run the app on a free port; yields its base URL."""
    from gapmonitor import db

    db.ensure_database(db_path)
    port = free_port()
    env = {**os.environ, "GAPMONITOR_DB": str(db_path)}
    command = [sys.executable, "-m", "streamlit", "run", "app.py", "--server.port", str(port),
               "--server.address", HOST, "--server.headless", "true",
               # other people edit pages while tests run: no reruns because a source file changed
               "--server.fileWatcherType", "none"]
    with open(log_path, "wb") as log:
        proc = subprocess.Popen(command, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
    with serving_until_stopped(proc, f"http://{HOST}:{port}", "streamlit", lambda: log_path.read_text()[-3000:],
                               timeout) as url:
        yield url


@contextmanager
def serving_until_stopped(proc: subprocess.Popen, url: str, name: str, last_words, timeout: float):
    """A server process started by the caller: yields its URL once /_stcore/health answers (an error with
    last_words() if it exits or stays silent for `timeout` seconds), and stops it afterwards."""
    try:
        deadline = time.monotonic() + timeout
        while True:
            if proc.poll() is not None:
                raise RuntimeError(f"{name} exited ({proc.returncode}):\n{last_words()}")
            try:
                with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as r:
                    if r.status == 200:
                        break
            except OSError:
                pass
            if time.monotonic() > deadline:
                raise RuntimeError(f"{name} not answering after {timeout}s:\n{last_words()}")
            time.sleep(0.25)
        yield url
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


@contextmanager
def chromium():
    """Debian's headless chromium, driven by Playwright."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()


@dataclass
class Visit:
    """One page opened in its own browser context (so its own Streamlit session), with what it did."""
    page: object
    path: str
    external_requests: list[str] = field(default_factory=list)
    console_errors: list[str] = field(default_factory=list)
    probe_404s: list[str] = field(default_factory=list)
    first_map_seconds: float | None = None

    def exceptions(self) -> list[str]:
        """The texts of the exception boxes the app shows."""
        return self.page.locator("[data-testid=stException]").all_inner_texts()

    def problems(self) -> dict:
        """Everything that should be empty on a healthy page."""
        return {"external requests": self.external_requests, "console errors": self.console_errors,
                "exception boxes": self.exceptions()}

    def wait_done(self, timeout: float = 60_000) -> None:
        """Wait until the current script run has finished."""
        self.page.wait_for_selector(DONE, timeout=timeout, state="attached")

    def close(self) -> None:
        self.page.context.close()


def _is_external(url: str) -> bool:
    parts = urlsplit(url)
    if parts.scheme in ("data", "blob", "about"):
        return False
    return parts.hostname != HOST


def open_page(browser, base_url: str, path: str, wait_for: str | None = None,
              viewport: dict | None = None, settle_ms: int = 400) -> Visit:
    """Open base_url + path in a fresh context, recording external requests, console errors and page
    errors; wait until the first script run has finished (and `wait_for`, e.g. the map, is there)."""
    context = browser.new_context(viewport=viewport or VIEWPORT, accept_downloads=True)
    page = context.new_page()
    visit = Visit(page=page, path=path)
    page_path = urlsplit(path).path.rstrip("/")

    def on_request(request):
        if _is_external(request.url):
            visit.external_requests.append(request.url)

    def on_console(message):
        if message.type != "error":
            return
        where = (message.location or {}).get("url", "")
        probe = urlsplit(where).path
        if (message.text.startswith(FAILED_404) and page_path
                and probe in {page_path + p for p in PROBES}):
            visit.probe_404s.append(where)
        else:
            visit.console_errors.append(f"{message.text} ({where})")

    context.on("request", on_request)
    page.on("websocket", lambda ws: _is_external(ws.url) and visit.external_requests.append(ws.url))
    page.on("console", on_console)
    page.on("pageerror", lambda error: visit.console_errors.append(f"page error: {error}"))

    start = time.perf_counter()
    page.goto(base_url + path)
    if wait_for:
        page.wait_for_selector(wait_for, timeout=60_000, state="attached")
        if wait_for == SHAPES:
            visit.first_map_seconds = time.perf_counter() - start
    visit.wait_done()
    if wait_for:
        page.wait_for_selector(wait_for, timeout=60_000, state="attached")
    page.wait_for_timeout(settle_ms)  # late console messages and requests
    return visit


def map_marks(page) -> list[dict]:
    """What the page's geo maps draw: one {kind, code, fill} per country shape or small-state point."""
    return page.evaluate("""() => [
        ...[...document.querySelectorAll('path.choroplethlocation')].map(el => (
            {kind: 'shape', code: el.__data__ && el.__data__.loc, fill: getComputedStyle(el).fill})),
        ...[...document.querySelectorAll('.scattergeo path.point')].map(el => (
            {kind: 'point', code: el.__data__ && el.__data__.data && el.__data__.data[0],
             fill: getComputedStyle(el).fill})),
    ]""")


# ---- pytest fixtures (imported by the browser test modules) ----

@pytest.fixture(scope="session")
def app_db(tmp_path_factory) -> Path:
    """Where the browser tests' app keeps its demo database (built by `app_url`)."""
    return tmp_path_factory.mktemp("browser-app") / "gapmonitor.duckdb"


@pytest.fixture(scope="session")
def app_url(app_db):
    """The app, run once for the session on a free port with its own demo database."""
    with running_app(app_db, app_db.with_name("streamlit.log")) as url:
        yield url


@pytest.fixture(scope="session")
def browser():
    """Debian's chromium, one for the session."""
    if not CHROMIUM.exists():
        pytest.skip(f"{CHROMIUM} not found: install Debian's chromium (never `playwright install`)")
    with chromium() as b:
        yield b
