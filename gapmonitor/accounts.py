"""Who is acting, and what each role may do (issue 19). Every write function takes the Actor and calls
require() itself, so a page, a crafted widget value and the command line meet the same check on the
server side; hiding a button is never the check."""

import getpass
import logging
from dataclasses import dataclass

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

log = logging.getLogger("gapmonitor.accounts")


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
            raise NotAllowed(f"{self.display_name or self.username} is signed in as {self.role}: to {action} "
                             f"needs a {ACTIONS[action]}'s account")


VIEWER = Actor("viewer", "viewer")


def command_line() -> Actor:
    """The command line acts for the operator of the machine, who can write the database file anyway:
    as an administrator, named by the operating-system user in the audit log."""
    return Actor(f"command line ({getpass.getuser()})", "administrator")
