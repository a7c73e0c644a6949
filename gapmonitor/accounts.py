"""Who is acting, and what each role may do (issue 19). Every write function takes the Actor and calls
require() itself, so a page, a crafted widget value and the command line meet the same check on the
server side; hiding a button is never the check."""

import getpass
import logging
import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import duckdb
import pandas as pd
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from gapmonitor import db
from gapmonitor.audit import Entry
from gapmonitor.i18n import N_, _

ROLES = ("viewer", "contributor", "steward", "administrator")  # each may do what the ones before it may

# The least role each action needs.
ACTIONS = {
    "submit": "contributor",          # submit a citizen dataset for review, and new versions of one's own
    "save story": "contributor",      # save views into stories, reorder and delete one's own
    "import": "steward",              # import official data and boundaries; publish citizen data directly
    "remove": "steward",
    "review": "steward",              # assess, comment, publish, endorse or return a submission
    "map": "steward",                 # say which dimension values and series count for which group
    "threshold": "steward",
    "read audit": "steward",
    "manage accounts": "administrator",
}

# The roles in the words pages show (ROLES are the keys: stored, compared, on the command line).
ROLE_NAMES = {"viewer": N_("viewer"), "contributor": N_("contributor"), "steward": N_("steward"),
              "administrator": N_("administrator")}
# A refusal of each action, one whole sentence each (the role it needs is ACTIONS').
REFUSALS = {
    "submit": N_("{name} is signed in as {role}: to submit needs a contributor's account"),
    "save story": N_("{name} is signed in as {role}: to save story needs a contributor's account"),
    "import": N_("{name} is signed in as {role}: to import needs a steward's account"),
    "remove": N_("{name} is signed in as {role}: to remove needs a steward's account"),
    "review": N_("{name} is signed in as {role}: to review needs a steward's account"),
    "map": N_("{name} is signed in as {role}: to map needs a steward's account"),
    "threshold": N_("{name} is signed in as {role}: to threshold needs a steward's account"),
    "read audit": N_("{name} is signed in as {role}: to read audit needs a steward's account"),
    "manage accounts": N_("{name} is signed in as {role}: to manage accounts needs an administrator's account"),
}
assert REFUSALS.keys() == ACTIONS.keys(), "every action has its refusal"

log = logging.getLogger("gapmonitor.accounts")


def role_name(role: str) -> str:
    """A role in the session's language ('steward' -> 'responsable des données')."""
    return _(ROLE_NAMES[role]) if role in ROLE_NAMES else role


class NotAllowed(PermissionError):
    """An action the actor's role does not allow (the message names both, for the person refused)."""


@dataclass(frozen=True)
class Actor:
    username: str                     # an account's username; the command line: "command line (<os user>)"
    role: str                         # one of ROLES
    organisation: str | None = None
    display_name: str = ""

    def may(self, action: str) -> bool:
        return ROLES.index(self.role) >= ROLES.index(ACTIONS[action])

    def require(self, action: str, target: str | None = None) -> None:
        """Refuse, and log the refusal, an action this actor may not take."""
        if not self.may(action):
            log.warning("refused: %s (%s) tried to %s%s", self.username, self.role, action,
                        f" {target}" if target else "")
            raise NotAllowed(_(REFUSALS[action], name=self.display_name or self.username, role=role_name(self.role)))


VIEWER = Actor("viewer", "viewer")


def command_line() -> Actor:
    """The command line acts for the operator of the machine, who can write the database file anyway:
    as an administrator, named by the operating-system user in the audit log."""
    return Actor(f"command line ({getpass.getuser()})", "administrator")


SHARED_PASSWORD_ENV = "GAPMONITOR_EDITOR_PASSWORD"  # the shared editor password of versions before 10

# The app itself, for the writes no person makes: the first build, an account made at an upgrade.
SYSTEM = Actor("gapmonitor", "administrator", display_name="the app itself")

ACCOUNT_ROLES = ROLES[1:]  # viewers need no account
PASSWORD_MIN = 12          # characters: length is what makes a password hard to guess (NIST SP 800-63B)
PASSWORD_MAX = 1024
USERNAME = re.compile(r"[a-z0-9][a-z0-9._-]{1,39}")
# The first administrator of a database that had only the shared editor password (versions before 10).
ADOPTED = "admin"
ADOPTED_REASON = "made from the shared editor password of versions before 10"

# argon2id with argon2-cffi's defaults (RFC 9106's second recommended profile: 64 MiB, 3 passes, 4 lanes)
_hasher = PasswordHasher()


class Refused(ValueError):
    """A sign-in or account change refused for a reason the person can act on."""


def check_password(password: str) -> None:
    """Refuse a password too short (or absurdly long) to be a good one; the message says the rule."""
    if not isinstance(password, str) or len(password) < PASSWORD_MIN:
        have = len(password) if isinstance(password, str) else 0
        raise Refused(_("a password needs at least {least} characters (this one has {have}); a few unrelated words "
                        "make a long one that is easy to remember", least=PASSWORD_MIN,
                        have=have))
    if len(password) > PASSWORD_MAX:
        raise Refused(_("a password can have at most {most} characters", most=PASSWORD_MAX))


def _username(username: str) -> str:
    name = (username or "").strip().lower()
    if not USERNAME.fullmatch(name):
        raise Refused(_("a username has 2 to 40 characters: lowercase letters, digits, '.', '_' or '-', starting "
                        "with a letter or digit (not {username})", username=repr(username)))
    return name


def _role(role: str) -> str:
    if role not in ACCOUNT_ROLES:
        raise Refused(_("the role of an account is one of {roles}, not {role}",
                        roles=", ".join(role_name(r) for r in ACCOUNT_ROLES), role=repr(role)))
    return role


def _email(email: str | None) -> str | None:
    email = (email or "").strip().lower()
    if email and not re.fullmatch(r"[^@\s]+@[^@\s]+\.[^@\s]+", email):
        raise Refused(_("{email} is not an e-mail address", email=repr(email)))
    return email or None


# "<username> is already a steward", one sentence per role.
_ALREADY = {"contributor": N_("{username} is already a contributor"), "steward": N_("{username} is already a steward"),
            "administrator": N_("{username} is already an administrator")}


def _text(value: str | None) -> str | None:
    return (value or "").strip() or None


@cache
def _dummy_hash() -> str:
    return _hasher.hash("not the password of any account")


def _verified(password_hash: str | None, password: str) -> bool:
    """Whether the password matches the hash; with no hash (no account, or no password) a dummy hash is
    checked instead, so that the time taken does not tell which usernames exist."""
    try:
        return _hasher.verify(password_hash or _dummy_hash(), password) and password_hash is not None
    except (VerificationError, InvalidHashError):
        return False


# ---- reading accounts (module SQL: the demo database has none, so no queries/*.sql file could return rows) ----

_ACCOUNT = ("select username, role, organisation, display_name, password_hash, email, active "
            "from account where username = ?")


def _actor(row) -> Actor:
    username, role, organisation, display_name = row[:4]
    return Actor(username, role, organisation, display_name)


def actor_of(con: duckdb.DuckDBPyConnection, username: str) -> Actor | None:
    """The account `username` as an Actor now (its role may have changed), None if it is not an active one."""
    rows = con.execute(_ACCOUNT, [username]).fetchall()
    return _actor(rows[0]) if rows and rows[0][6] else None


def listing(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """Every account, active or not (never the password hashes), administrators first."""
    return con.execute("""
        select username, display_name, organisation, role, email, active, password_hash is not null as has_password,
            created_at, created_by
        from account
        order by active desc, list_position(['administrator', 'steward', 'contributor'], role), username
    """).df()


def sign_in(username: str, password: str, path: Path | None = None) -> Actor | None:
    """The account's Actor if the password is its password and the account is active; else None (the
    same answer, after the same work, for an unknown username, a deactivated account and a wrong password)."""
    name = (username or "").strip().lower()
    if not isinstance(password, str) or len(password) > PASSWORD_MAX:
        return None
    with db.connect(path) as con:
        rows = con.execute(_ACCOUNT, [name]).fetchall()
    row = rows[0] if rows else None
    usable = row is not None and row[6] and row[4] is not None
    if not _verified(row[4] if usable else None, password) or not usable:
        return None
    return _actor(row)


def is_account(username: str, path: Path | None = None) -> bool:
    """Whether an account of this name exists (for the sign-in log: a username that is none may be a
    password typed in the wrong box, and is not written down)."""
    with db.connect(path) as con:
        return bool(con.execute("select count(*) from account where username = ?",
                                [(username or "").strip().lower()]).fetchall()[0][0])


def identity_actor(user: dict, path: Path | None = None) -> Actor | None:
    """The active account whose e-mail address is the one an identity provider vouches for (st.user of a
    sign-in through st.login), or None: no e-mail, one the provider says is not verified, or no account
    with it. The provider only proves who someone is; the account says what they may do."""
    email = str(user.get("email") or "").strip().lower()
    if not email or user.get("email_verified") is False:
        return None
    with db.connect(path) as con:
        rows = con.execute("select username, role, organisation, display_name from account "
                           "where active and lower(email) = ?", [email]).fetchall()
    return _actor(rows[0]) if len(rows) == 1 else None


def uses_shared_password(con: duckdb.DuckDBPyConnection, username: str) -> bool:
    """Whether the account's password is still the one made from the shared editor password (its last
    password change in the audit log is its making at the upgrade)."""
    rows = con.execute("""
        select reason from audit_log
        where action = 'account' and target = ? and json_extract_string(detail, '$.change') in ('created', 'password')
        order by seq desc limit 1
    """, [username]).fetchall()
    return bool(rows) and rows[0][0] == ADOPTED_REASON


# ---- changing accounts: each an administrator's action, one write with its audit entry ----

def _found(con, username: str) -> tuple:
    rows = con.execute(_ACCOUNT, [username]).fetchall()
    if not rows:
        raise Refused(_("there is no account {username}", username=repr(username)))
    return rows[0]


def _keep_an_administrator(con, username: str) -> None:
    """Refuse to take the last active administrator away: nobody could manage accounts in the app then."""
    others = con.execute("select count(*) from account where active and role = 'administrator' and username <> ?",
                         [username]).fetchall()[0][0]
    if not others:
        raise Refused(_("{username} is the only active administrator: make another account an administrator first",
                        username=username))


def create_account(by: Actor, username: str, display_name: str, role: str, password: str | None = None,
                   organisation: str | None = None, email: str | None = None, path: Path | None = None) -> str:
    """Make an account; returns its username. Without a password it can only sign in through the identity
    provider, by its e-mail address."""
    by.require("manage accounts", username)
    username, role, email = _username(username), _role(role), _email(email)
    display_name, organisation = _text(display_name), _text(organisation)
    if not display_name:
        raise Refused(_("an account needs a display name (the name the app shows, e.g. Amina Otieno)"))
    if username in (VIEWER.username, SYSTEM.username):
        raise Refused(_("{username} is a name the app uses itself: choose another username", username=repr(username)))
    if password is not None:
        check_password(password)
    elif not email:
        raise Refused(_("an account needs a password, or an e-mail address to sign in through the identity provider"))
    password_hash = _hasher.hash(password) if password is not None else None
    entry = Entry(by, "account", username, {"change": "created", "role": role, "organisation": organisation})
    with db.writing(path, indicators=[], audit=entry) as con:
        if con.execute("select count(*) from account where username = ?", [username]).fetchall()[0][0]:
            raise Refused(_("there is already an account {username} (accounts are never deleted, only deactivated)",
                            username=repr(username)))
        if email and con.execute("select count(*) from account where active and lower(email) = ?", [email]).fetchall()[0][0]:
            raise Refused(_("another active account has the e-mail address {email}", email=email))
        con.execute("insert into account (username, display_name, organisation, role, password_hash, email, created_by) "
                    "values (?, ?, ?, ?, ?, ?, ?)",
                    [username, display_name, organisation, role, password_hash, email, by.username])
    return username


def set_password(by: Actor, username: str, password: str, current: str | None = None,
                 path: Path | None = None) -> None:
    """Give an account a new password: an administrator for any account; anyone for their own, with
    their current password."""
    username = (username or "").strip().lower()
    own = by.username == username
    if not own or not by.may("manage accounts"):
        if not own:
            by.require("manage accounts", username)
        elif sign_in(username, current or "", path) is None:
            raise Refused(_("the current password is not right"))
    check_password(password)
    password_hash = _hasher.hash(password)
    with db.writing(path, indicators=[], audit=Entry(by, "account", username, {"change": "password"})) as con:
        if not _found(con, username)[6]:
            raise Refused(_("the account {username} is deactivated", username=repr(username)))
        con.execute("update account set password_hash = ? where username = ?", [password_hash, username])


def set_role(by: Actor, username: str, role: str, path: Path | None = None) -> None:
    """Change what an account may do."""
    by.require("manage accounts", username)
    username, role = (username or "").strip().lower(), _role(role)
    entry = Entry(by, "account", username, {"change": "role", "to": role})
    with db.writing(path, indicators=[], audit=entry) as con:
        before = _found(con, username)[1]
        if before == role:
            raise Refused(_(_ALREADY[role], username=username))
        if before == "administrator":
            _keep_an_administrator(con, username)
        entry.detail["from"] = before  # the log is written after this body, in the same transaction
        con.execute("update account set role = ? where username = ?", [role, username])


def deactivate(by: Actor, username: str, path: Path | None = None) -> None:
    """Stop an account from signing in (kept: the audit log and the review history name it)."""
    by.require("manage accounts", username)
    username = (username or "").strip().lower()
    with db.writing(path, indicators=[], audit=Entry(by, "account", username, {"change": "deactivated"})) as con:
        row = _found(con, username)
        if not row[6]:
            raise Refused(_("the account {username} is already deactivated", username=repr(username)))
        if row[1] == "administrator":
            _keep_an_administrator(con, username)
        con.execute("update account set active = false where username = ?", [username])


class _AccountsExist(Exception):
    """Raised inside the writer's turn to leave it without writing: another process made accounts."""


def adopt_shared_password(path: Path | None, password: str | None, by: Actor = SYSTEM) -> bool:
    """A database with no account whose app had a shared editor password (versions before 10): that
    password becomes the password of the administrator `admin`, logged, so whoever edited before can
    sign in and make named accounts. Returns whether it was made now. With any account, or no password,
    nothing happens (the shared password is not read again once accounts exist)."""
    if not password:
        return False
    with db.connect(path) as con:
        if con.execute("select count(*) from account").fetchall()[0][0]:
            return False
    password_hash = _hasher.hash(password)  # kept even if shorter than PASSWORD_MIN: it is what they used
    entry = Entry(by, "account", ADOPTED, {"change": "created", "role": "administrator"}, ADOPTED_REASON)
    try:
        with db.writing(path, indicators=[], audit=entry) as con:
            if con.execute("select count(*) from account").fetchall()[0][0]:
                raise _AccountsExist
            con.execute("insert into account (username, display_name, role, password_hash, created_by) "
                        "values (?, 'Administrator', 'administrator', ?, ?)", [ADOPTED, password_hash, by.username])
    except _AccountsExist:
        return False
    log.warning("made the administrator account %r from the shared editor password: sign in as %s, set a new "
                "password and make named accounts", ADOPTED, ADOPTED)
    return True
