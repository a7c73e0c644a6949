"""What each role may and may not do (issue 19, item 5), checked on the server side in three places: the
write functions themselves, the command line (--as), and the pages. Viewers need no account;
contributors submit citizen data; stewards import, remove, review, map, set thresholds and read the
audit log; administrators also manage accounts (gapmonitor.accounts.ACTIONS)."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from gapmonitor import accounts, db, importer, stewardship
from gapmonitor.accounts import VIEWER, Actor, NotAllowed
from tests.actors import PASSWORD, account

ROOT = Path(__file__).resolve().parents[1]
CONTRIBUTOR = Actor("amina", "contributor", "Water Watch", "Amina Otieno")
STEWARD = Actor("sam", "steward", "National Statistics Office", "Sam Steward")
ADMINISTRATOR = Actor("rose", "administrator", "National Statistics Office", "Rose Admin")
ROLES = {"viewer": VIEWER, "contributor": CONTRIBUTOR, "steward": STEWARD, "administrator": ADMINISTRATOR}
FILE = "SeriesCode,GeoAreaCode,GeoAreaName,TimePeriod,Value\nSP_LGL_LNDDOC,4,Afghanistan,2015,1.5\n"
ASSESSMENT = stewardship.Assessment(3, 1, 1, 1, 1, 1, 1, 1, "under review")


@pytest.fixture
def office(fresh, tmp_path):
    """The demo database with one account of each role, and a small UN SDG file previewed against it."""
    for who in (CONTRIBUTOR, STEWARD, ADMINISTRATOR):
        account(fresh, who)
    file = tmp_path / "land.csv"
    file.write_text(FILE, encoding="utf-8")
    with db.connect(fresh) as con:
        preview = importer.load(con, file)
    return fresh, file, preview


# Each write, called so that once past the role check it stops at a plain error of its own (no such dataset,
# a missing title...) before anything is written: what is checked here is only who gets past the check.
WRITES = {
    "import official data": ("steward", lambda by, p, preview: importer.apply(preview, by=by, title="", source="s", path=p)),
    "submit citizen data": ("contributor", lambda by, p, preview: importer.apply(
        preview, by=by, title="", source="s", kind="citizen", description={"status": "submitted"}, path=p)),
    # a contributor submits citizen observations only: official data called a submission is still an import
    "submit official data": ("steward", lambda by, p, preview: importer.apply(
        preview, by=by, title="", source="s", description={"status": "submitted"}, path=p)),
    "remove": ("steward", lambda by, p, _: importer.remove("no-such-dataset", p, by=by)),
    "map a value": ("steward", lambda by, p, _: stewardship.map_value("Sex", "F", "no-group", "x", p, by=by)),
    "unmap a value": ("steward", lambda by, p, _: stewardship.unmap_value("Sex", "F", "women", p, by=by)),
    "map a series": ("steward", lambda by, p, _: stewardship.map_series("NO_SERIES", "women", "x", p, by=by)),
    "unmap a series": ("steward", lambda by, p, _: stewardship.unmap_series("NO_SERIES", "women", p, by=by)),
    "assess": ("steward", lambda by, p, _: stewardship.save_assessment("no-such-dataset", ASSESSMENT, p, by=by)),
    "set thresholds": ("steward", lambda by, p, _: stewardship.set_thresholds(50, 40, p, by=by)),
    "make an account": ("administrator", lambda by, p, _: accounts.create_account(
        by, "newcomer", "N", "no-role", PASSWORD, path=p)),
    "set the administrator's password": ("administrator", lambda by, p, _: accounts.set_password(by, "rose", "short", path=p)),
    "change a role": ("administrator", lambda by, p, _: accounts.set_role(by, "nobody", "steward", p)),
    "deactivate": ("administrator", lambda by, p, _: accounts.deactivate(by, "nobody", p)),
}


@pytest.mark.parametrize("role", list(ROLES))
def test_each_write_lets_through_the_roles_it_allows_and_refuses_the_others(office, role, caplog):
    path, _, preview = office
    before = path.read_bytes()
    who = ROLES[role]
    outcome = {}
    for name, (least, write) in WRITES.items():
        try:
            write(who, path, preview)
        except NotAllowed as refused:
            outcome[name] = "refused"
            assert str(refused).startswith(f"{who.display_name or who.username} is signed in as {role}: to ")
        except ValueError:
            outcome[name] = "allowed"  # past the check, stopped by the write's own error
        else:
            outcome[name] = "written"
    rank = ["viewer", "contributor", "steward", "administrator"].index
    assert outcome == {name: "allowed" if rank(role) >= rank(least) else "refused" for name, (least, _) in WRITES.items()}
    assert path.read_bytes() == before  # nothing written by any of them
    refusals = [r.getMessage() for r in caplog.records if r.name == "gapmonitor.accounts"]
    assert len(refusals) == list(outcome.values()).count("refused")  # each refusal is logged
    assert all(line.startswith(f"refused: {who.username} ({role}) tried to ") for line in refusals)


# ---- the command line, as each account ----

def cli(path: Path, *args: str, password: str = PASSWORD, user: str | None = None) -> subprocess.CompletedProcess:
    env = {**os.environ, "GAPMONITOR_PASSWORD": password}
    env.pop(accounts.SHARED_PASSWORD_ENV, None)
    return subprocess.run([sys.executable, "-m", "gapmonitor", "--db", str(path), *(["--as", user] if user else []),
                           *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)


def test_a_contributor_on_the_command_line_is_refused_a_stewards_commands_with_exit_code_2(office):
    path, file, _ = office
    before = path.read_bytes()
    steward_commands = [["import", str(file), "--source", "NSO"], ["remove", "demo-official"],
                        ["map", "--series", "AG_LND_FRST", "--group", "indigenous", "--why", "x"],
                        ["unmap", "--series", "AG_LND_FRST", "--group", "indigenous"], ["audit"],
                        ["account", "list"]]
    for command in steward_commands:
        run = cli(path, *command, user="amina")
        assert run.returncode == 2, (command, run.stdout, run.stderr)
        action = {"import": "import", "remove": "remove", "map": "map", "unmap": "map", "audit": "read audit",
                  "account": "manage accounts"}[command[0]]
        # the person is told why; the refusal is logged (the log goes to stderr on the command line)
        assert f"refused: Amina Otieno is signed in as contributor: to {action} needs a" in run.stderr
        assert f"refused: amina (contributor) tried to {action}" in run.stderr
    assert path.read_bytes() == before
    # a dry run writes nothing: anyone with an account may look at what a file holds
    assert cli(path, "import", str(file), "--source", "NSO", "--dry-run", user="amina").returncode == 0


def test_a_steward_and_an_administrator_on_the_command_line(office):
    path, _, _ = office
    run = cli(path, "audit", user="sam")
    assert run.returncode == 0 and "account" in run.stdout and "rose" in run.stdout
    run = cli(path, "account", "list", user="sam")
    assert run.returncode == 2 and "to manage accounts needs a" in run.stderr
    run = cli(path, "remove", "no-such-dataset", user="sam")  # past the check: the dataset's own error
    assert run.returncode == 1 and "no dataset 'no-such-dataset'" in run.stderr
    run = cli(path, "account", "role", "amina", "steward", user="rose")
    assert run.returncode == 0 and run.stdout.strip() == "amina is now a steward"
    assert accounts.sign_in("amina", PASSWORD, path).role == "steward"
    # a wrong password, or no such account: nothing is done
    for user, password in (("rose", "not-her-password"), ("nobody", PASSWORD)):
        run = cli(path, "account", "list", user=user, password=password)
        assert run.returncode == 2 and run.stderr.strip() == (
            f"cannot act as {user}: wrong username or password, or the account is deactivated")
    # without --as: the operator of the machine, an administrator named in the log by the OS user
    run = cli(path, "account", "deactivate", "amina")
    assert run.returncode == 0
    assert accounts.sign_in("amina", PASSWORD, path) is None


# ---- the pages, as each account (the session's actor, as the sidebar's sign-in sets it) ----

def page(path: Path, monkeypatch, file: str, who: Actor, **params) -> AppTest:
    monkeypatch.setenv("GAPMONITOR_DB", str(path))
    at = AppTest.from_file(str(ROOT / "pages" / file), default_timeout=60)
    if who is not VIEWER:
        at.session_state["actor"] = who
    at.query_params.update(params)
    at.run()
    assert not at.exception, [e.message for e in at.exception]
    return at


STEWARDS_SECTIONS = ["Who counts: values and series that count for no group", "Confidentiality thresholds",
                     "Remove a dataset"]


def test_the_data_page_by_role(office, monkeypatch):
    path, _, _ = office
    viewer = page(path, monkeypatch, "data.py", VIEWER)
    assert not viewer.header and not viewer.button and not viewer.get("file_uploader")
    assert any(i.value.startswith("To import data, sign in (sidebar).") for i in viewer.info)
    contributor = [h.value for h in page(path, monkeypatch, "data.py", CONTRIBUTOR).header]
    assert "Turn citizen records into estimates" in contributor  # uploads (as submissions: tests/test_submissions.py)
    assert not set(STEWARDS_SECTIONS) & set(contributor)
    for who in (STEWARD, ADMINISTRATOR):
        assert set(STEWARDS_SECTIONS) <= {h.value for h in page(path, monkeypatch, "data.py", who).header}


@pytest.mark.parametrize("file, who, refusal", [
    ("accounts.py", VIEWER, "Managing accounts is for administrators. Sign in (sidebar) with such an account."),
    ("accounts.py", CONTRIBUTOR, "Managing accounts is for administrators. You are signed in as a contributor."),
    ("accounts.py", STEWARD, "Managing accounts is for administrators. You are signed in as a steward."),
    ("audit.py", VIEWER, "The audit log is for stewards and administrators. Sign in (sidebar) with such an account."),
    ("audit.py", CONTRIBUTOR, "The audit log is for stewards and administrators. You are signed in as a contributor."),
])
def test_a_page_refuses_whom_it_is_not_for_and_shows_nothing_of_it(office, monkeypatch, file, who, refusal):
    at = page(office[0], monkeypatch, file, who)
    assert [e.value for e in at.error] == [refusal]
    assert not at.dataframe and not at.get("download_button") and not at.text_input and not at.button


def test_an_administrator_sees_and_changes_accounts_on_the_accounts_page(office, monkeypatch):
    path, _, _ = office
    at = page(path, monkeypatch, "accounts.py", ADMINISTRATOR)
    listed = at.dataframe[0].value
    assert list(listed.username) == ["rose", "sam", "amina"] and "password_hash" not in listed.columns
    # a new contributor, made with the form
    fields = {t.label: t for t in at.text_input}
    fields["Username"].input("kofi")
    fields["Display name"].input("Kofi Mensah")
    fields["Organisation"].input("Water Watch")
    fields["Password"].input("kofi-first-password")
    fields["Password again"].input("kofi-first-password")
    [b for b in at.button if b.label == "Make the account"][0].click()
    at.run()
    assert at.success[0].value.startswith("Account kofi made (contributor).")
    assert accounts.sign_in("kofi", "kofi-first-password", path) == Actor("kofi", "contributor", "Water Watch",
                                                                         "Kofi Mensah")
    # a password too short: refused, with the rule
    fields = {t.label: t for t in at.text_input}
    fields["Username"].input("short")
    fields["Display name"].input("S")
    fields["Password"].input("short")
    fields["Password again"].input("short")
    [b for b in at.button if b.label == "Make the account"][0].click()
    at.run()
    assert [e.value for e in at.error] == ["Not made: a password needs at least 12 characters (this one has 5); a few "
                                           "unrelated words make a long one that is easy to remember."]


def test_only_a_steward_is_offered_to_assess_a_citizen_dataset(office, monkeypatch):
    path, _, _ = office
    for who, shown in ((VIEWER, False), (CONTRIBUTOR, False), (STEWARD, True)):
        at = page(path, monkeypatch, "citizen.py", who, dataset="cgd-disability-scorecard")
        assert any(b.label.startswith("Assess this dataset") for b in at.button) == shown
