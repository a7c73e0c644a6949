"""Uploads, raw citizen records included, are kept privately beside the database and only as long as
needed: folders 0700 and files 0600, gone after the import, after their session and when the app stops,
and never written to /tmp."""

import os
import stat
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from conftest import REALDATA  # noqa: E402
from gapmonitor import db, importer, uploads  # noqa: E402
from tests.actors import STEWARD, account, sign_in  # noqa: E402
from tests.browser import CHROMIUM, open_page, running_app  # noqa: E402

UN = REALDATA / "un_sdg_global_db"
SMALL = ["unsdg_1.4.2_t142.csv", "unsdg_4.2.1_t421.csv"]
RECORDS = ROOT / "tests" / "surveys" / "odk_water_reports.csv"


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


@pytest.fixture
def store(tmp_path, monkeypatch) -> Path:
    """The uploads folder of a database in tmp_path (nothing there yet)."""
    monkeypatch.setenv("GAPMONITOR_DB", str(tmp_path / "gapmonitor.duckdb"))
    return tmp_path / "uploads"


def test_an_upload_is_private_beside_the_database(store):
    data = b"respondent,village,answer\n1,Chisoka,yes\n"
    path = uploads.save("s1", "records.csv", data)
    assert path.read_bytes() == data and path.name == "records.csv"
    assert path.is_relative_to(store)
    assert mode(path) == 0o600
    for folder in (store, path.parent, path.parent.parent):  # the store, the session's, the content's
        assert mode(folder) == 0o700
    assert (store / ".gitignore").read_text() == "*\n"  # git never sees an upload
    # the same content again is the same file, not a second copy
    assert uploads.save("s1", "records.csv", data) == path
    assert sorted(p.name for p in store.rglob("*") if p.is_file()) == [".gitignore", "records.csv"]


def test_an_upload_name_never_chooses_the_folder(store):
    path = uploads.save("s1", "../../../escape.csv", b"a\n1\n")
    assert path.name == "escape.csv" and path.parent.parent == store / f"{os.getpid()}-s1"


def test_a_zip_unpacked_into_the_session_scratch_folder_is_private(store, tmp_path):
    archive = tmp_path / "two.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        for name in SMALL:
            zf.write(UN / name, f"inner/{name}")
    saved = uploads.save("s1", archive.name, archive.read_bytes())
    scratch = uploads.scratch("s1")
    items = importer.expand([saved], scratch)
    uploads.make_private(scratch)
    unpacked = [i.path for i in items]
    assert [p.name for p in unpacked] == SMALL
    assert all(p.is_relative_to(scratch) and mode(p) == 0o600 for p in unpacked)
    folders = [scratch, *(p for p in scratch.rglob("*") if p.is_dir())]
    assert "inner" in [p.name for p in folders] and {mode(p) for p in folders} == {0o700}


def test_discard_removes_only_that_session(store):
    mine = uploads.save("s1", "a.csv", b"a\n1\n")
    theirs = uploads.save("s2", "b.csv", b"b\n2\n")
    uploads.discard("s1")
    assert not mine.exists() and not mine.parent.parent.exists()
    assert theirs.read_bytes() == b"b\n2\n"


def ended_pid() -> int:
    """The id of a process that has ended."""
    proc = subprocess.Popen(["true"])
    proc.wait()
    return proc.pid


def test_sweep_removes_ended_sessions_and_processes_and_idle_folders(store):
    uploads.save("live", "a.csv", b"a\n")
    uploads.save("ended", "b.csv", b"b\n")
    dead = store / f"{ended_pid()}-sessionofakilledapp"
    (dead / "0123456789abcdef").mkdir(parents=True)
    (dead / "0123456789abcdef" / "records.csv").write_bytes(b"x\n")
    with subprocess.Popen(["sleep", "30"]) as other:  # another app process, alive
        busy = store / f"{other.pid}-sessionofanotherapp"
        idle = store / f"{other.pid}-idlesession"
        busy.mkdir()
        idle.mkdir()
        os.utime(idle, (time.time() - uploads.MAX_IDLE - 60,) * 2)
        removed = uploads.sweep(alive=lambda session: session == "live")
        other.kill()
    mine = store / f"{os.getpid()}-live"
    assert sorted(p.name for p in removed) == sorted([f"{os.getpid()}-ended", dead.name, idle.name])
    assert sorted(p.name for p in store.iterdir()) == sorted([".gitignore", mine.name, busy.name])


def test_a_session_folder_in_use_is_kept_however_old_its_files(store):
    path = uploads.save("s1", "a.csv", b"a\n")
    os.utime(path, (0, 0))  # the file's own time does not count: the folder's last use does
    assert uploads.sweep(alive=lambda session: True) == []
    assert path.exists()


def test_the_app_stopping_removes_its_own_folders(store, tmp_path):
    # a separate process saves an upload and exits normally: its atexit hook removes its folder
    script = ("from gapmonitor import uploads\n"
              "print(uploads.save('s1', 'records.csv', b'a\\n1\\n'))\n")
    env = {**os.environ, "GAPMONITOR_DB": str(tmp_path / "gapmonitor.duckdb")}
    out = subprocess.run([sys.executable, "-c", script], cwd=ROOT, env=env, capture_output=True, text=True, check=True)
    written = Path(out.stdout.strip())
    assert written.parent.parent.parent == store  # it was written there...
    assert not written.exists() and [p.name for p in store.iterdir()] == [".gitignore"]  # ...and is gone


# ---- the real app, in a real browser ----

needs_browser = pytest.mark.skipif(not CHROMIUM.exists(), reason=f"{CHROMIUM} not found")


def session_folders(store: Path) -> list[Path]:
    return sorted(p for p in store.iterdir() if p.is_dir()) if store.exists() else []


def wait_for(condition, timeout: float = 20.0) -> bool:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            return False
        time.sleep(0.2)
    return True


def signed_in(browser, url):
    visit = open_page(browser, url, "/data")
    sign_in(visit.page, STEWARD.username)
    visit.page.get_by_text("Import a file", exact=True).wait_for()
    return visit


def upload_records(visit) -> None:
    uploader = visit.page.locator("[data-testid=stFileUploader]", has_text="Records (CSV or XLSX)")
    uploader.locator("input[type=file]").set_input_files(str(RECORDS))
    visit.page.get_by_text("SDG indicator (official code)").wait_for(timeout=60_000)
    visit.wait_done()


@needs_browser
@pytest.mark.skipif(not UN.exists(), reason="../shared/realdata is absent")
def test_uploads_through_the_app_stay_private_and_go_with_the_import_the_session_and_the_app(
        browser, tmp_path, monkeypatch):
    folder = tmp_path / "app"
    folder.mkdir()
    store = folder / "uploads"
    temp = tmp_path / "tmpdir"  # the app's /tmp: it must stay empty
    temp.mkdir()
    archive = tmp_path / "two_exports.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        for name in SMALL:
            zf.write(UN / name, name)
    killed = store / f"{ended_pid()}-sessionofakilledapp" / "0123456789abcdef"  # left by an app killed outright
    killed.mkdir(parents=True)
    (killed / RECORDS.name).write_bytes(RECORDS.read_bytes())
    account(db.ensure_database(folder / "gapmonitor.duckdb"), STEWARD)
    monkeypatch.setenv("TMPDIR", str(temp))
    with running_app(folder / "gapmonitor.duckdb", folder / "streamlit.log") as url:
        # session A: the app's first page has swept what the killed app left, before any upload
        a = signed_in(browser, url)
        assert session_folders(store) == []
        # a zip of two exports and raw records
        a.page.locator("input[type=file]").first.set_input_files(str(archive))
        a.page.get_by_text("Preview of 2 files").wait_for(timeout=60_000)
        upload_records(a)
        (a_folder,) = session_folders(store)
        files = sorted(p for p in a_folder.rglob("*") if p.is_file())
        assert sorted(p.name for p in files) == sorted(["two_exports.zip", RECORDS.name, *SMALL])
        assert [p for p in files if p.name == RECORDS.name][0].read_bytes() == RECORDS.read_bytes()
        assert {mode(p) for p in files} == {0o600}
        assert {mode(p) for p in [store, *a_folder.rglob("*"), a_folder] if p.is_dir()} == {0o700}
        a.close()  # the session ends (its websocket closes)

        # session B: its first upload sweeps A's folder away
        b = signed_in(browser, url)
        time.sleep(1)  # the server has seen A's websocket close
        upload_records(b)
        (b_folder,) = session_folders(store)
        assert b_folder != a_folder and not a_folder.exists()
        # an import: B's uploads go at once
        b.page.locator("input[type=file]").first.set_input_files(str(UN / SMALL[0]))
        b.page.get_by_text("Preview: nothing is written yet").wait_for(timeout=60_000)
        b.wait_done()
        b.page.get_by_label("Source (publisher, as you would cite it)").fill("UN Global SDG Indicators Database")
        b.page.get_by_role("button", name="Import", exact=True).click()
        b.page.get_by_text("Imported as import-").wait_for(timeout=60_000)
        b.wait_done()
        assert session_folders(store) == []
        # records uploaded again, then the app stops with them there
        upload_records(b)
        assert len(session_folders(store)) == 1
        assert b.problems() == {"external requests": [], "console errors": [], "exception boxes": []}
    assert [p.name for p in store.iterdir()] == [".gitignore"]
    assert list(temp.rglob("*")) == []
