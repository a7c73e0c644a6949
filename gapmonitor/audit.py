"""The audit log: every write appends one row (who, when, what, why) in the transaction of the write
itself, through db.writing(audit=...), so a write and its record land together or not at all. Nothing
in the app updates or deletes a row of it."""

import json
from dataclasses import dataclass, field

import duckdb


@dataclass(frozen=True)
class Entry:
    """One write as the log keeps it. `actor` is an accounts.Actor; `detail` what changed (kept as JSON)."""

    actor: object  # accounts.Actor (not imported here: accounts uses the database, the log does not need it)
    action: str    # import, remove, mapping, assessment, decision, threshold, account, story...
    target: str | None = None
    detail: dict = field(default_factory=dict)
    reason: str | None = None


def record(con: duckdb.DuckDBPyConnection, entry: Entry) -> None:
    """Append `entry` on the writer's connection (inside its transaction: writers take turns, so the
    next number is the last one plus one)."""
    con.execute(
        "insert into audit_log (seq, logged_at, actor, role, action, target, detail, reason) "
        "select coalesce(max(seq), 0) + 1, current_timestamp, ?, ?, ?, ?, ?, ? from audit_log",
        [entry.actor.username, entry.actor.role, entry.action, entry.target,
         json.dumps(entry.detail, default=str, ensure_ascii=False, sort_keys=True) if entry.detail else None,
         entry.reason])
