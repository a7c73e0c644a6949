"""Who the tests act as. Every write takes an actor (gapmonitor.accounts.Actor) and checks its role itself:
the constants below need no account, since the write functions check the role of the Actor they are
given. Pages and sign-in read accounts from the database: account() makes a real one, sign_in() signs in
through the sidebar form in a real browser."""

from pathlib import Path

from gapmonitor import accounts
from gapmonitor.accounts import Actor, command_line

OPERATOR = command_line()  # the command line's operator of this machine: an administrator
STEWARD = Actor("a.editor", "steward", "Test statistical office", "A. Editor")
CONTRIBUTOR = Actor("c.member", "contributor", "Test CSO", "C. Member")
PASSWORD = "a-test-password-long-enough"


def account(path: Path, actor: Actor, password: str = PASSWORD) -> Actor:
    """Make the account of `actor` in the database at path (as the command line's operator); returns it."""
    accounts.create_account(OPERATOR, actor.username, actor.display_name, actor.role, password,
                            actor.organisation, path=path)
    return actor


def sign_in(page, username: str, password: str = PASSWORD) -> None:
    """Sign in with the sidebar form of the app's page open in `page` (Playwright), and wait for it to say so."""
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password", exact=True).fill(password)
    page.get_by_role("button", name="Sign in", exact=True).click()
    page.get_by_text("Signed in as ").wait_for(timeout=60_000)
