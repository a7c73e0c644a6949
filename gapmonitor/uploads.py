"""Uploaded files on disk, privately and briefly: the readers take a path, so an upload (raw citizen
records included) is written once, to a folder only the app's user can open (0700, files 0600) beside
the database, one folder per app process and session. Nothing goes to /tmp.

It goes when the import is done (`discard`), when its session has ended (`sweep`, at app start and on
each new upload: Streamlit has no session-end hook that always runs), when the app stops (atexit) and,
for a process killed outright, at the next start of any app on this database."""

import atexit
import hashlib
import os
import re
import shutil
import threading
import time
from pathlib import Path

from gapmonitor import db

MAX_IDLE = 6 * 3600  # seconds: a session folder unused this long goes even if its session may live
FOLDER = re.compile(r"(\d+)-([0-9A-Za-z_-]+)")  # <pid>-<session id>: whose folder it is
_started = threading.Lock()
_registered: set[int] = set()  # pids whose exit hook is registered (a fork gets its own)
_roots: set[Path] = set()  # the uploads folders this process wrote to (a test may change the database)


def root(create: bool = True) -> Path:
    """The uploads folder beside the database, private, with a .gitignore so no upload is ever committed."""
    folder = db.database_path().parent / "uploads"
    if not create:
        return folder
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    _roots.add(folder)
    os.chmod(folder, 0o700)  # an older folder, or one made under a loose umask
    ignore = folder / ".gitignore"
    if not ignore.exists():
        write(ignore, b"*\n")
    return folder


def session_id() -> str:
    """The current Streamlit session's id ('' outside a session)."""
    from streamlit.runtime.scriptrunner import get_script_run_ctx

    ctx = get_script_run_ctx()
    return ctx.session_id if ctx else ""


def session_alive(session: str) -> bool | None:
    """Whether this process's Streamlit runtime still holds the session connected; None without a runtime."""
    from streamlit.runtime import Runtime

    if not Runtime.exists():
        return None
    return Runtime.instance().is_active_session(session)


def session_folder(session: str) -> Path:
    """This process's folder for the session (made private; its time marks the session's last upload)."""
    folder = root() / f"{os.getpid()}-{session or 'none'}"
    folder.mkdir(mode=0o700, exist_ok=True)
    os.utime(folder)
    return folder


def write(path: Path, data: bytes) -> Path:
    """Write a private file (0600) whole: written aside and renamed, so no reader sees half of it."""
    aside = path.with_name(f".{path.name}.{os.getpid()}.{threading.get_ident()}")
    fd = os.open(aside, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "wb") as out:
        out.write(data)
    os.replace(aside, path)
    return path


def save(session: str, name: str, data: bytes) -> Path:
    """The upload as a file under its own (bare) name, in a folder named by its content: a rerun finds it
    there rather than writing it again. A new upload first sweeps away ended sessions' folders."""
    start()
    folder = session_folder(session) / hashlib.sha256(data).hexdigest()[:16]
    path = folder / Path(name).name  # a bare name: an upload's name never chooses the folder
    if not path.exists():
        sweep()
        folder.mkdir(mode=0o700, parents=True, exist_ok=True)
        write(path, data)
    return path


def scratch(session: str, name: str = "unpacked") -> Path:
    """A private folder of the session for files made from uploads (a zip's members)."""
    folder = session_folder(session) / name
    folder.mkdir(mode=0o700, exist_ok=True)
    return folder


def make_private(folder: Path) -> None:
    """Folders 0700 and files 0600 under `folder` (what was unpacked there with the usual modes)."""
    for path in [folder, *folder.rglob("*")]:
        if not path.is_symlink():
            os.chmod(path, 0o700 if path.is_dir() else 0o600)


def discard(session: str) -> None:
    """Remove the session's uploads (an import is done: what it read is in the database now)."""
    shutil.rmtree(root(create=False) / f"{os.getpid()}-{session or 'none'}", ignore_errors=True)


def _process_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # someone else's process: alive
        return True
    return True


def sweep(now: float | None = None, max_idle: float = MAX_IDLE, alive=session_alive) -> list[Path]:
    """Remove the session folders whose session has ended: of this process, those the runtime no longer
    holds connected (`alive(session)` False); of another, those of a process that has ended; and any
    unused for `max_idle` seconds (another live process's ended sessions). Returns what it removed."""
    now = time.time() if now is None else now
    removed = []
    top = root(create=False)
    for folder in top.iterdir() if top.is_dir() else []:
        match = FOLDER.fullmatch(folder.name)
        if not match or not folder.is_dir():
            continue
        pid, session = int(match[1]), match[2]
        ended = alive(session) is False if pid == os.getpid() else not _process_alive(pid)
        try:
            idle = now - folder.stat().st_mtime > max_idle
        except FileNotFoundError:  # another session's sweep was first
            continue
        if ended or idle:
            shutil.rmtree(folder, ignore_errors=True)
            removed.append(folder)
    return removed


def remove_own() -> None:
    """Remove every folder of this process (the app is stopping)."""
    for top in _roots:
        for folder in top.glob(f"{os.getpid()}-*"):
            shutil.rmtree(folder, ignore_errors=True)


def start() -> None:
    """Once per process: sweep what stopped or killed apps left, and remove this process's folders at exit."""
    with _started:
        if os.getpid() in _registered:
            return
        _registered.add(os.getpid())
        atexit.register(remove_own)
    sweep()
