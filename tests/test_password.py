"""Passwords cannot be guessed at speed: after each wrong password the account and the client wait
longer (1 s, 2 s, 4 s... up to 5 minutes), a try during the wait is refused without the password being
checked, whichever of the two it is waiting for, and every failure is logged with the account (only
when there is one: an unknown username may be a password typed in the wrong box), the client and the
count, never the password."""

import logging
import re
import sys
import time
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from gapmonitor import db, throttle, ui  # noqa: E402
from gapmonitor.accounts import Actor  # noqa: E402
from tests.actors import account  # noqa: E402
from tests.browser import CHROMIUM, DONE, running_app  # noqa: E402

SAM = Actor("sam", "steward", "National Statistics Office", "Sam Steward")
AMINA = Actor("amina", "contributor", "Water Watch", "Amina Otieno")
PASSWORDS = {"sam": "right-horse-battery", "amina": "staple-river-lantern"}
WRONG = "wrong-guess-1234"
SCRIPT = """
import streamlit as st
from gapmonitor import ui
who = ui.sign_in_sidebar()
st.write(f"acting as {who.username} ({who.role})")
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


# ---- the sidebar form under AppTest (each AppTest is its own session: a client without an address) ----

@pytest.fixture
def two_accounts(fresh, monkeypatch):
    monkeypatch.setenv("GAPMONITOR_DB", str(fresh))
    monkeypatch.setattr(ui, "SIGN_IN", throttle.Throttle())  # no wait left over from another test
    for who in (SAM, AMINA):
        account(fresh, who, PASSWORDS[who.username])
    return fresh


def session() -> AppTest:
    at = AppTest.from_string(SCRIPT, default_timeout=60).run()
    assert not at.exception
    return at


def sign_in(at: AppTest, username: str, password: str) -> AppTest:
    [t for t in at.text_input if t.label == "Username"][0].input(username)
    [t for t in at.text_input if t.label == "Password"][0].input(password)
    [b for b in at.button if b.label == "Sign in"][0].click()
    return at.run()


def errors(at: AppTest) -> list[str]:
    return [e.value for e in at.error]


def acting_as(at: AppTest) -> str:
    return [m.value for m in at.markdown if m.value.startswith("acting as")][0]


def test_a_failure_counts_against_the_account_too():
    # the keys the sign-in form counts a failure against: the account tried, and the client (address, session)
    t = throttle.Throttle()
    t.failed(["account sam", "address 198.51.100.7", "session a"], now=100.0)
    assert t.wait(["account sam", "address 198.51.100.8", "session b"], now=100.5) == 0.5  # another client, same account
    assert t.wait(["account amina", "address 198.51.100.7", "session c"], now=100.5) == 0.5  # same client, other account
    assert t.wait(["account amina", "address 198.51.100.8", "session b"], now=100.5) == 0  # neither


def test_the_sign_in_form_makes_a_client_wait_longer_after_each_wrong_password(two_accounts, caplog):
    # every AppTest session has the same session id: one client (other clients: the browser test below)
    caplog.set_level(logging.WARNING, logger="gapmonitor.sign_in")
    at = session()
    assert errors(sign_in(at, "sam", WRONG)) == ["Wrong username or password. You can try again in 1 second."]
    started = time.monotonic()
    # at once, the right password: refused without being checked, since the wait is not over
    assert errors(sign_in(at, "sam", PASSWORDS["sam"])) == ["Too many wrong passwords: try again in 1 second."]
    assert acting_as(at) == "acting as viewer (viewer)"
    time.sleep(max(0.0, 1.05 - (time.monotonic() - started)))
    assert errors(sign_in(at, "sam", WRONG)) == ["Wrong username or password. You can try again in 2 seconds."]
    started = time.monotonic()
    # the client's try of another account waits too
    assert errors(sign_in(at, "amina", PASSWORDS["amina"])) == ["Too many wrong passwords: try again in 2 seconds."]
    time.sleep(max(0.0, 2.05 - (time.monotonic() - started)))
    assert errors(sign_in(at, "amina", PASSWORDS["amina"])) == []
    assert acting_as(at) == "acting as amina (contributor)"
    assert "Signed in as Amina Otieno (contributor)" in [m.value for m in at.markdown]

    lines = [r.getMessage() for r in caplog.records if r.name == "gapmonitor.sign_in"]
    # AppTest has no client address: the client is the session
    assert len(lines) == 4, lines
    assert re.fullmatch(r"wrong password for account sam from session .+: 1 in a row; next try allowed in 1 s", lines[0])
    assert re.fullmatch(r"sign-in to account sam from session .+ refused unchecked: .*", lines[1])
    assert lines[2].endswith(": 2 in a row; next try allowed in 2 s")
    assert lines[3].startswith("sign-in to account amina from session ") and "refused unchecked" in lines[3]
    assert all(r.levelno == logging.WARNING for r in caplog.records if r.name == "gapmonitor.sign_in")
    assert not [line for line in lines if any(p in line for p in (*PASSWORDS.values(), WRONG))]


def test_an_unknown_username_is_refused_as_a_wrong_password_and_not_logged(two_accounts, caplog):
    caplog.set_level(logging.WARNING, logger="gapmonitor.sign_in")
    at = session()
    typed_in_the_wrong_box = PASSWORDS["sam"].replace("-", "")  # what a user might type as a username
    assert errors(sign_in(at, typed_in_the_wrong_box, WRONG)) == [
        "Wrong username or password. You can try again in 1 second."]
    (line,) = [r.getMessage() for r in caplog.records if r.name == "gapmonitor.sign_in"]
    assert line.startswith("wrong password for an unknown username from session ")
    assert typed_in_the_wrong_box not in line


def test_a_deactivated_account_is_refused_and_a_session_signed_in_before_loses_its_role(two_accounts):
    from gapmonitor import accounts
    from tests.actors import OPERATOR

    signed = session()
    sign_in(signed, "amina", PASSWORDS["amina"])
    assert acting_as(signed) == "acting as amina (contributor)"
    accounts.deactivate(OPERATOR, "amina", path=two_accounts)
    assert acting_as(signed.run()) == "acting as viewer (viewer)"  # the next run reads the account again
    later = session()
    assert errors(sign_in(later, "amina", PASSWORDS["amina"])) == [
        "Wrong username or password. You can try again in 1 second."]


# ---- the real app behind a proxy on this machine, in a real browser ----

def client_page(browser, url: str, forwarded_for: str):
    """A new session whose requests carry the header a proxy on this machine adds (nginx's X-Forwarded-For)."""
    page = browser.new_context(extra_http_headers={"X-Forwarded-For": forwarded_for}).new_page()
    page.goto(url + "/data")
    page.get_by_label("Username").wait_for(timeout=60_000)
    return page


def try_password(page, username: str, password: str) -> list[str]:
    """The error messages after a try: waited for until they differ from the previous try's (under load
    the page still shows those for a moment after the click), or the page says who is signed in."""
    errors = page.locator("[data-testid=stAlertContentError]")
    before = errors.all_inner_texts()
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password", exact=True).fill(password)
    page.get_by_role("button", name="Sign in", exact=True).click()
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        page.wait_for_timeout(100)
        signed_in = page.get_by_text("Signed in as ").count() > 0
        if (signed_in or errors.all_inner_texts() != before) and page.locator(DONE).count():
            break
    page.wait_for_selector(DONE, timeout=30_000, state="attached")
    return errors.all_inner_texts()


@pytest.mark.skipif(not CHROMIUM.exists(), reason=f"{CHROMIUM} not found")
def test_behind_a_proxy_the_wait_holds_for_every_session_of_the_client_address_and_for_the_account(
        browser, tmp_path):
    log = tmp_path / "streamlit.log"
    path = db.ensure_database(tmp_path / "gapmonitor.duckdb")
    for who in (SAM, AMINA):
        account(path, who, PASSWORDS[who.username])
    with running_app(path, log) as url:
        guesser = client_page(browser, url, "198.51.100.7")
        same_client = client_page(browser, url, "10.1.1.1, 198.51.100.7")  # the proxy added the last entry
        other_client = client_page(browser, url, "198.51.100.8")
        third_client = client_page(browser, url, "198.51.100.9")
        for n, wait in enumerate(["1 second", "2 seconds", "4 seconds", "8 seconds"]):
            time.sleep(2 ** (n - 1) if n else 0)  # the previous wait is over
            assert try_password(guesser, "sam", WRONG) == [f"Wrong username or password. You can try again in {wait}."]
        # at once, another session of the same address, another account: refused unchecked, though it is right
        refused = try_password(same_client, "amina", PASSWORDS["amina"])
        assert len(refused) == 1 and re.fullmatch(r"Too many wrong passwords: try again in [1-8] seconds?\.", refused[0])
        # another address, the account guessed at: refused unchecked too
        refused = try_password(other_client, "sam", PASSWORDS["sam"])
        assert len(refused) == 1 and re.fullmatch(r"Too many wrong passwords: try again in [1-8] seconds?\.", refused[0])
        # another address, another account: not held up
        assert try_password(third_client, "amina", PASSWORDS["amina"]) == []
        assert third_client.get_by_text("Signed in as Amina Otieno (contributor)").count() == 1
    lines = log.read_text().splitlines()
    assert [line for line in lines if line.startswith("wrong password for")] == [
        f"wrong password for account sam from 198.51.100.7: {n} in a row; next try allowed in {w} s"
        for n, w in [(1, 1), (2, 2), (3, 4), (4, 8)]]
    assert len([line for line in lines if line.startswith("sign-in to account amina from 198.51.100.7 refused unchecked")]) == 1
    assert len([line for line in lines if line.startswith("sign-in to account sam from 198.51.100.8 refused unchecked")]) == 1
    assert not [line for line in lines if any(p in line for p in (*PASSWORDS.values(), WRONG))]
