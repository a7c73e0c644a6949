"""Accounts (issue 19): argon2id hashes, the password rule, sign-in (the same answer and about the same
time for an unknown username, a deactivated account and a wrong password), administrators' changes, the
identity provider's e-mail matched to an account, the shared editor password of versions before 10 made
into the first administrator, and signing in and out with the sidebar form in a real browser."""

import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

import duckdb
import pytest
from streamlit.testing.v1 import AppTest

from gapmonitor import accounts, db
from gapmonitor.accounts import Actor, NotAllowed, Refused
from tests.actors import OPERATOR, PASSWORD, STEWARD, account, sign_in
from tests.browser import CHROMIUM, open_page, running_app
from tests.test_migrations import tables_of_version

ROOT = Path(__file__).resolve().parents[1]
ADMIN = Actor("root.admin", "administrator", "National Statistics Office", "Rose Admin")
AMINA = Actor("amina", "contributor", "Water Watch", "Amina Otieno")


def stored(path: Path, username: str) -> tuple:
    with duckdb.connect(str(path), read_only=True) as con:
        return con.execute("select username, display_name, organisation, role, password_hash, email, active, created_by "
                           "from account where username = ?", [username]).fetchone()


def test_an_account_signs_in_with_its_password_only_and_the_password_is_kept_as_an_argon2id_hash(fresh):
    accounts.create_account(OPERATOR, "Amina ", "Amina Otieno", "contributor", PASSWORD, "Water Watch",
                            "Amina@Example.org", path=fresh)
    username, name, organisation, role, password_hash, email, active, created_by = stored(fresh, "amina")
    # the username and e-mail are kept in lower case, so that 'Amina' signs in as 'amina'
    assert (username, name, organisation, role, email, active) == (
        "amina", "Amina Otieno", "Water Watch", "contributor", "amina@example.org", True)
    assert created_by == OPERATOR.username
    # argon2id (RFC 9106), with its parameters in the string, a salt, and never the password itself
    assert password_hash.startswith("$argon2id$v=19$m=65536,t=3,p=4$") and PASSWORD not in password_hash
    assert accounts.sign_in("amina", PASSWORD, fresh) == AMINA
    assert accounts.sign_in(" AMINA ", PASSWORD, fresh) == AMINA
    assert accounts.sign_in("amina", PASSWORD + "x", fresh) is None
    assert accounts.sign_in("amina", PASSWORD.upper(), fresh) is None
    assert accounts.sign_in("nobody", PASSWORD, fresh) is None
    # two accounts with the same password have different hashes (each its own salt)
    accounts.create_account(OPERATOR, "sam", "Sam", "steward", PASSWORD, path=fresh)
    assert stored(fresh, "sam")[4] != password_hash


def test_an_unknown_username_takes_as_long_as_a_wrong_password(fresh):
    # a lookup alone takes milliseconds and an argon2 check about a tenth of a second: without the dummy
    # check, the time would tell which usernames exist
    account(fresh, AMINA)

    def seconds(username: str) -> float:
        started = time.perf_counter()
        assert accounts.sign_in(username, "not-the-password", fresh) is None
        return time.perf_counter() - started

    seconds("amina")  # the first call also makes the dummy hash
    known = statistics.median(seconds("amina") for _ in range(3))
    unknown = statistics.median(seconds("nobody-at-all") for _ in range(3))
    assert unknown > 0.5 * known and known > 0.5 * unknown, (known, unknown)


@pytest.mark.parametrize("change, message", [
    (lambda p: accounts.create_account(OPERATOR, "amina", "A", "contributor", "eleven-char", path=p),
     "a password needs at least 12 characters (this one has 11)"),
    (lambda p: accounts.create_account(OPERATOR, "Amina Otieno", "A", "contributor", PASSWORD, path=p),
     "a username has 2 to 40 characters: lowercase letters, digits, '.', '_' or '-'"),
    (lambda p: accounts.create_account(OPERATOR, "amina", "  ", "contributor", PASSWORD, path=p),
     "an account needs a display name"),
    (lambda p: accounts.create_account(OPERATOR, "amina", "A", "viewer", PASSWORD, path=p),
     "the role of an account is one of contributor, steward, administrator, not 'viewer'"),
    (lambda p: accounts.create_account(OPERATOR, "amina", "A", "contributor", path=p),
     "an account needs a password, or an e-mail address to sign in through the identity provider"),
    (lambda p: accounts.create_account(OPERATOR, "amina", "A", "contributor", PASSWORD, email="amina at home", path=p),
     "'amina at home' is not an e-mail address"),
    (lambda p: accounts.create_account(OPERATOR, "viewer", "A", "contributor", PASSWORD, path=p),
     "'viewer' is a name the app uses itself"),
    (lambda p: accounts.create_account(OPERATOR, "root.admin", "Again", "steward", PASSWORD, path=p),
     "there is already an account 'root.admin' (accounts are never deleted, only deactivated)"),
    (lambda p: accounts.create_account(OPERATOR, "rose2", "R", "steward", PASSWORD, email="ROSE@nso.example", path=p),
     "another active account has the e-mail address rose@nso.example"),
    (lambda p: accounts.set_password(OPERATOR, "root.admin", "short", path=p), "at least 12 characters (this one has 5)"),
    (lambda p: accounts.set_password(OPERATOR, "nobody", PASSWORD, path=p), "there is no account 'nobody'"),
    # one's own password, without the right to manage accounts: the current one is needed
    (lambda p: accounts.set_password(Actor("root.admin", "contributor"), "root.admin", "a-new-password-here",
                                     current="wrong", path=p), "the current password is not right"),
    (lambda p: accounts.set_role(OPERATOR, "root.admin", "steward", p),
     "root.admin is the only active administrator: make another account an administrator first"),
    (lambda p: accounts.set_role(OPERATOR, "root.admin", "administrator", p), "root.admin is already an administrator"),
    (lambda p: accounts.deactivate(OPERATOR, "root.admin", p),
     "root.admin is the only active administrator: make another account an administrator first"),
])
def test_a_bad_account_change_is_refused_with_its_message_and_changes_nothing(fresh, change, message):
    accounts.create_account(OPERATOR, ADMIN.username, ADMIN.display_name, ADMIN.role, PASSWORD, ADMIN.organisation,
                            "rose@nso.example", path=fresh)
    before = fresh.read_bytes()
    with pytest.raises(Refused) as refused:
        change(fresh)
    assert message in str(refused.value)
    assert fresh.read_bytes() == before


def test_administrators_change_passwords_and_roles_and_deactivate_and_others_change_only_their_own_password(fresh):
    account(fresh, ADMIN)
    account(fresh, AMINA)
    with pytest.raises(NotAllowed):
        accounts.set_password(AMINA, "root.admin", "a-password-for-the-admin", path=fresh)
    accounts.set_password(ADMIN, "amina", "a-password-the-admin-gave", path=fresh)
    assert accounts.sign_in("amina", PASSWORD, fresh) is None
    assert accounts.sign_in("amina", "a-password-the-admin-gave", fresh) == AMINA
    # her own, with the current one
    accounts.set_password(AMINA, "amina", "her-own-new-password", current="a-password-the-admin-gave", path=fresh)
    assert accounts.sign_in("amina", "her-own-new-password", fresh) == AMINA
    for change in (lambda: accounts.set_role(AMINA, "amina", "steward", fresh),
                   lambda: accounts.deactivate(AMINA, "root.admin", fresh),
                   lambda: accounts.create_account(AMINA, "friend", "F", "steward", PASSWORD, path=fresh)):
        with pytest.raises(NotAllowed, match="Amina Otieno is signed in as contributor: to manage accounts needs an "
                                             "administrator's account"):
            change()
    accounts.set_role(ADMIN, "amina", "steward", fresh)
    assert accounts.sign_in("amina", "her-own-new-password", fresh).role == "steward"
    accounts.deactivate(ADMIN, "amina", fresh)
    assert accounts.sign_in("amina", "her-own-new-password", fresh) is None
    with pytest.raises(Refused, match="the account 'amina' is already deactivated"):
        accounts.deactivate(ADMIN, "amina", fresh)
    with duckdb.connect(str(fresh), read_only=True) as con:
        listed = accounts.listing(con)
    assert list(listed.username) == ["root.admin", "amina"] and list(listed.active) == [True, False]
    assert "password_hash" not in listed.columns


def test_the_identity_providers_e_mail_is_matched_to_an_active_account(fresh):
    accounts.create_account(OPERATOR, "amina", "Amina Otieno", "contributor", None, "Water Watch",
                            "amina@waterwatch.example", path=fresh)  # no password: the identity provider only
    assert accounts.sign_in("amina", "", fresh) is None
    user = {"is_logged_in": True, "email": "Amina@WaterWatch.example", "email_verified": True, "name": "A. O."}
    assert accounts.identity_actor(user, fresh) == AMINA
    assert accounts.identity_actor({**user, "email_verified": False}, fresh) is None  # the provider does not vouch
    assert accounts.identity_actor({**user, "email": "someone@else.example"}, fresh) is None
    assert accounts.identity_actor({"is_logged_in": True}, fresh) is None
    accounts.deactivate(OPERATOR, "amina", fresh)
    assert accounts.identity_actor(user, fresh) is None


# ---- the shared editor password of versions before 10 ----

OLD_PASSWORD = "s3cret-old"  # shorter than the rule for new passwords: it is what the office used, kept as it is


@pytest.fixture
def version_9(tmp_path) -> Path:
    """A database of schema version 9 holding an office's own dataset (so it is migrated, not rebuilt)."""
    path = tmp_path / "gapmonitor.duckdb"
    with duckdb.connect(str(path)) as con:
        con.execute(tables_of_version(9))
        con.execute("insert into meta values ('schema_version', '9')")
        con.execute("""
            insert into goal values (1, 'No Poverty', 'End poverty', '#E5243B', 'People');
            insert into indicator values ('1.1.1', 1, '1.1', 'Poverty', 'Tier I', 'World Bank', '001.001.001');
            insert into series values ('S1', '1.1.1', 'Series one', 'PERCENT', false);
            insert into area (code, local_code, name, kind) values ('AAA', 'AAA', 'Aland', 'country');
            insert into dataset (dataset_id, kind, title, source, is_demo) values
                ('mine', 'official', 'Household survey', 'Statistics office', false);
            insert into observation (dataset_id, series, area, dims, year, time_detail, value) values
                ('mine', 'S1', 'AAA', '', 2019, '2019', 1.5);
        """)
    return path


def audit_rows(path: Path) -> list[tuple]:
    with duckdb.connect(str(path), read_only=True) as con:
        return con.execute("select actor, role, action, target, json_extract_string(detail, '$.change'), reason "
                           "from audit_log order by seq").fetchall()


def test_the_command_line_makes_the_shared_password_the_first_administrator_of_a_version_9_database(version_9):
    env = {**os.environ, accounts.SHARED_PASSWORD_ENV: OLD_PASSWORD, "GAPMONITOR_PASSWORD": OLD_PASSWORD}
    run = subprocess.run([sys.executable, "-m", "gapmonitor", "--db", str(version_9), "--as", "admin", "audit"],
                         cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)
    assert run.returncode == 0, run.stderr
    assert "made the administrator account 'admin' from the shared editor password" in run.stderr
    assert accounts.ADOPTED_REASON in run.stdout
    with duckdb.connect(str(version_9), read_only=True) as con:
        assert con.execute("select value from meta where key = 'schema_version'").fetchall() == [("10",)]
        assert con.execute("select count(*) from observation").fetchall() == [(1,)]  # migrated, not rebuilt
    assert stored(version_9, "admin")[3:4] == ("administrator",) and OLD_PASSWORD not in stored(version_9, "admin")[4]
    assert audit_rows(version_9) == [(OPERATOR.username, "administrator", "account", "admin", "created",
                                      accounts.ADOPTED_REASON)]
    assert accounts.sign_in("admin", OLD_PASSWORD, version_9) == Actor("admin", "administrator", None, "Administrator")
    # once an account exists the shared password is not read again: a new one changes nothing
    assert not accounts.adopt_shared_password(version_9, "another-shared-password")
    assert accounts.sign_in("admin", "another-shared-password", version_9) is None and len(audit_rows(version_9)) == 1


SIDEBAR = """
import streamlit as st
from gapmonitor import ui
who = ui.sign_in_sidebar()
st.write(f"acting as {who.username} ({who.role})")
"""


def test_the_app_makes_the_first_administrator_who_is_told_to_set_a_password_and_make_named_accounts(
        version_9, monkeypatch):
    monkeypatch.setenv("GAPMONITOR_DB", str(version_9))
    monkeypatch.setenv(accounts.SHARED_PASSWORD_ENV, OLD_PASSWORD)
    at = AppTest.from_string(SIDEBAR, default_timeout=60).run()
    assert not at.exception
    assert audit_rows(version_9) == [("gapmonitor", "administrator", "account", "admin", "created",
                                      accounts.ADOPTED_REASON)]
    [t for t in at.text_input if t.label == "Username"][0].input("admin")
    [t for t in at.text_input if t.label == "Password"][0].input(OLD_PASSWORD)
    [b for b in at.button if b.label == "Sign in"][0].click()
    at.run()
    assert "Signed in as Administrator (administrator)" in [m.value for m in at.markdown]
    (warning,) = [w.value for w in at.warning]
    assert warning.startswith("Your password is the shared editor password of earlier versions. Set your own below, "
                              "and make a named account for each person who used it")
    # the administrator sets a new password in the sidebar: the warning goes
    [t for t in at.text_input if t.label == "Current password"][0].input(OLD_PASSWORD)
    [t for t in at.text_input if t.label == "New password"][0].input("the-office-admin-password")
    [t for t in at.text_input if t.label == "New password again"][0].input("the-office-admin-password")
    [b for b in at.button if b.label == "Change password"][0].click()
    at.run()
    assert [s.value for s in at.success] == ["Your password is changed."] and not at.warning
    assert accounts.sign_in("admin", OLD_PASSWORD, version_9) is None
    assert accounts.sign_in("admin", "the-office-admin-password", version_9).role == "administrator"


def test_without_a_shared_password_a_version_9_database_gets_no_account(version_9, monkeypatch):
    monkeypatch.delenv(accounts.SHARED_PASSWORD_ENV, raising=False)
    assert not accounts.adopt_shared_password(db.ensure_database(version_9), None)
    assert audit_rows(version_9) == [] and stored(version_9, "admin") is None


# ---- the sidebar in a real browser ----

@pytest.mark.skipif(not CHROMIUM.exists(), reason=f"{CHROMIUM} not found: the browser tests need Debian's chromium")
def test_a_steward_signs_in_with_the_sidebar_form_and_out_again(browser, tmp_path):
    path = db.ensure_database(tmp_path / "gapmonitor.duckdb")
    account(path, STEWARD)
    with running_app(path, tmp_path / "streamlit.log") as url:
        visit = open_page(browser, url, "/data")
        page = visit.page
        nav = page.locator("[data-testid=stSidebarNav]")
        assert nav.get_by_text("Audit log").count() == 0
        sign_in(page, STEWARD.username)
        page.get_by_text("Import a file", exact=True).wait_for()
        visit.wait_done()
        sidebar = page.locator("[data-testid=stSidebar]")
        assert sidebar.get_by_text("Signed in as A. Editor (steward)").count() == 1
        assert nav.get_by_text("Audit log").count() == 1 and nav.get_by_text("Accounts").count() == 0
        page.screenshot(path=str(tmp_path / "signed_in.png"))
        page.get_by_role("button", name="Sign out").click()
        page.get_by_label("Username").wait_for()
        visit.wait_done()
        assert sidebar.get_by_text("Signed in as").count() == 0 and nav.get_by_text("Audit log").count() == 0
        assert page.get_by_text("Import a file", exact=True).count() == 0
        assert visit.problems() == {"external requests": [], "console errors": [], "exception boxes": []}
        visit.close()
