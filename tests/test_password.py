"""The editor password cannot be guessed at speed: after each wrong password the client waits longer
(1 s, 2 s, 4 s... up to 5 minutes), a try during the wait is refused without the password being
checked, and every failure is logged with the client and the count, never the password."""

import logging
import re
import sys
import time
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from gapmonitor import throttle  # noqa: E402
from tests.browser import CHROMIUM, DONE, running_app  # noqa: E402

PASSWORD = "right-horse-battery"
WRONG = "wrong-guess-1234"
SCRIPT = """
import streamlit as st
from gapmonitor import ui
if ui.editor_signed_in():
    st.write("signed in as editor")
"""


def test_the_wait_doubles_from_one_second_up_to_five_minutes():
    t = throttle.Throttle()
    # 1 s after the first failure, doubled after each further one: 1, 2, 4 ... 256, then the 300 s cap
    assert [t.delay(n) for n in range(0, 11)] == [0, 1, 2, 4, 8, 16, 32, 64, 128, 256, 300]
    assert t.delay(50) == 300


def test_a_failure_counts_against_the_address_and_the_session():
    t = throttle.Throttle()
    assert t.failed(["address 10.0.0.7", "session a"], now=100.0) == (1, 1.0)
    assert t.wait(["address 10.0.0.7", "session a"], now=100.25) == 0.75
    # a new session from the same address waits as long: the address is the client
    assert t.wait(["address 10.0.0.7", "session b"], now=100.5) == 0.5
    assert t.wait(["address 10.0.0.8", "session c"], now=100.5) == 0  # another client: no wait
    assert t.wait(["address 10.0.0.7", "session b"], now=101.0) == 0  # the second is over
    # the new session's first failure is the address's second: 2 s
    assert t.failed(["address 10.0.0.7", "session b"], now=101.0) == (2, 2.0)
    t.succeeded(["address 10.0.0.7", "session b"])
    assert t.wait(["address 10.0.0.7", "session a"], now=101.5) == 0  # session a's own wait ended at 101
    assert t.failed(["address 10.0.0.7"], now=102.0) == (1, 1.0)  # a success starts the count again


def test_a_client_that_has_not_failed_for_a_day_starts_again():
    t = throttle.Throttle()
    for i in range(5):
        t.failed(["address 10.0.0.9"], now=float(i * 100))
    assert t.failed(["address 10.0.0.9"], now=500.0) == (6, 32.0)
    assert t.failed(["address 10.0.0.9"], now=500.0 + throttle.FORGET_AFTER + 1) == (1, 1.0)


def sign_in(at: AppTest, password: str) -> AppTest:
    at.text_input[0].input(password)
    at.button[0].click()
    return at.run()


def errors(at: AppTest) -> list[str]:
    return [e.value for e in at.error]


def test_the_sign_in_form_makes_a_client_wait_longer_after_each_wrong_password(monkeypatch, caplog):
    monkeypatch.setenv("GAPMONITOR_EDITOR_PASSWORD", PASSWORD)
    caplog.set_level(logging.WARNING, logger="gapmonitor.editor")
    at = AppTest.from_string(SCRIPT, default_timeout=60).run()
    assert not at.exception
    assert errors(sign_in(at, WRONG)) == ["Wrong password. You can try again in 1 second."]
    started = time.monotonic()
    # at once, the right password: refused without being checked, since the wait is not over
    assert errors(sign_in(at, PASSWORD)) == ["Too many wrong passwords: try again in 1 second."]
    assert "signed in as editor" not in [m.value for m in at.markdown]
    time.sleep(max(0.0, 1.05 - (time.monotonic() - started)))
    assert errors(sign_in(at, WRONG)) == ["Wrong password. You can try again in 2 seconds."]
    started = time.monotonic()
    assert errors(sign_in(at, PASSWORD)) == ["Too many wrong passwords: try again in 2 seconds."]
    time.sleep(max(0.0, 2.05 - (time.monotonic() - started)))
    assert errors(sign_in(at, PASSWORD)) == []
    assert [m.value for m in at.markdown] == ["signed in as editor"]

    lines = [r.getMessage() for r in caplog.records if r.name == "gapmonitor.editor"]
    # AppTest has no client address: the client is the session
    assert len(lines) == 4
    assert lines[0].startswith("wrong editor password from session ") and lines[0].endswith(": 1 in a row; next try allowed in 1 s")
    assert lines[1].startswith("editor sign-in from session ") and "refused unchecked" in lines[1]
    assert lines[2].endswith(": 2 in a row; next try allowed in 2 s")
    assert all(r.levelno == logging.WARNING for r in caplog.records if r.name == "gapmonitor.editor")
    assert not [line for line in lines if PASSWORD in line or WRONG in line]


# ---- the real app behind a proxy on this machine, in a real browser ----

def client_page(browser, url: str, forwarded_for: str):
    """A new session whose requests carry the header a proxy on this machine adds (nginx's X-Forwarded-For)."""
    page = browser.new_context(extra_http_headers={"X-Forwarded-For": forwarded_for}).new_page()
    page.goto(url + "/data")
    page.get_by_label("Editor password").wait_for(timeout=60_000)
    return page


def try_password(page, password: str) -> list[str]:
    """The error messages after a try: waited for until they differ from the previous try's (under load
    the page still shows those for a moment after the click), or the editor's page shows."""
    errors = page.locator("[data-testid=stAlertContentError]")
    before = errors.all_inner_texts()
    page.get_by_label("Editor password").fill(password)
    page.get_by_role("button", name="Sign in as editor").click()
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        page.wait_for_timeout(100)
        signed_in = page.get_by_text("Import a file", exact=True).count() > 0
        if (signed_in or errors.all_inner_texts() != before) and page.locator(DONE).count():
            break
    page.wait_for_selector(DONE, timeout=30_000, state="attached")
    return errors.all_inner_texts()


@pytest.mark.skipif(not CHROMIUM.exists(), reason=f"{CHROMIUM} not found")
def test_behind_a_proxy_the_wait_holds_for_every_session_of_the_client_address(browser, tmp_path, monkeypatch):
    monkeypatch.setenv("GAPMONITOR_EDITOR_PASSWORD", PASSWORD)
    log = tmp_path / "streamlit.log"
    with running_app(tmp_path / "gapmonitor.duckdb", log) as url:
        guesser = client_page(browser, url, "198.51.100.7")
        same_client = client_page(browser, url, "10.1.1.1, 198.51.100.7")  # the proxy added the last entry
        other_client = client_page(browser, url, "198.51.100.8")
        for n, wait in enumerate(["1 second", "2 seconds", "4 seconds"]):
            time.sleep(2 ** (n - 1) if n else 0)  # the previous wait is over
            assert try_password(guesser, WRONG) == [f"Wrong password. You can try again in {wait}."]
        # at once, another session of the same address: refused unchecked, though the password is right
        refused = try_password(same_client, PASSWORD)
        assert len(refused) == 1 and re.fullmatch(r"Too many wrong passwords: try again in [1-4] seconds?\.", refused[0])
        # another address is not held up
        assert try_password(other_client, PASSWORD) == []
        assert other_client.get_by_text("Import a file", exact=True).count() == 1
    lines = log.read_text().splitlines()
    assert [line for line in lines if line.startswith("wrong editor password from")] == [
        f"wrong editor password from 198.51.100.7: {n} in a row; next try allowed in {w} s" for n, w in [(1, 1), (2, 2), (3, 4)]]
    assert len([line for line in lines if line.startswith("editor sign-in from 198.51.100.7 refused unchecked")]) == 1
    assert not [line for line in lines if PASSWORD in line or WRONG in line]
