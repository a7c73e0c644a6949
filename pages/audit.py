"""The audit log (stewards): every write, who made it and as what, when, what it changed and why;
filtered and downloaded as CSV. Nothing in the app changes or deletes a row of it."""

import streamlit as st

from gapmonitor import ui

ui.ensure_navigation()

st.title("Audit log")
ui.allowed_here("read audit", "The audit log")

st.markdown("Every write to the database, appended in the same transaction as the write itself: imports, "
            "removals, group mappings, assessments, review decisions, thresholds and account changes. The app "
            "has no way to change or delete an entry. *detail* says what changed; *reason* is why, as the person "
            "gave it.")
ALL = {"action": None, "actor": None, "first_day": None, "last_day": None}
everything = ui.query("audit_log", **ALL)
if everything.empty:  # a database from before version 10, with no write since
    st.info("No write has been logged yet.")
    st.stop()
c1, c2, c3 = st.columns(3)
action = c1.selectbox("Action", [None, *sorted(everything.action.unique())], format_func=lambda a: a or "All")
actor = c2.selectbox("Who", [None, *sorted(everything.actor.unique())], format_func=lambda a: a or "Everyone")
first, last = everything.logged_at.min().date(), everything.logged_at.max().date()
days = c3.date_input("Days", value=(first, last), help="The first and last day of the entries shown.")
first_day, last_day = (tuple(days) + (None, None))[:2]  # while a range is being picked, only its first day

shown = ui.query("audit_log", action=action, actor=actor, first_day=first_day, last_day=last_day or first_day)
st.caption(f"{len(shown)} of {len(everything)} entries, newest first.")
st.dataframe(shown, hide_index=True)
ui.download(shown, "audit_log.csv", "Download these entries (CSV)")
