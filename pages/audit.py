"""The audit log (stewards): every write, who made it and as what, when, what it changed and why;
filtered and downloaded as CSV. Nothing in the app changes or deletes a row of it."""

import streamlit as st

from gapmonitor import ui
from gapmonitor.i18n import N_, _, format_number, n_

# Column headers as the table and the CSV download show them (the frame keeps its own names for the code).
HEADERS = {"seq": N_("seq"), "logged_at": N_("logged_at"), "actor": N_("actor"), "role": N_("role"),
           "action": N_("action"), "target": N_("target"), "detail": N_("detail"), "reason": N_("reason")}

ui.ensure_navigation()

st.title(_("Audit log"))
ui.allowed_here("read audit", _("The audit log"))

st.markdown(_("Every write to the database, appended in the same transaction as the write itself: imports, "
              "removals, group mappings, assessments, review decisions, thresholds and account changes. The app "
              "has no way to change or delete an entry. *detail* says what changed; *reason* is why, as the person "
              "gave it."))
ALL = {"action": None, "actor": None, "first_day": None, "last_day": None}
everything = ui.query("audit_log", **ALL)
if everything.empty:  # a database from before version 10, with no write since
    st.info(_("No write has been logged yet."))
    st.stop()
c1, c2, c3 = st.columns(3)
# the actions are the names the log stores (English, like the log itself); the actors are usernames
action = c1.selectbox(_("Action"), [None, *sorted(everything.action.unique())], format_func=lambda a: a or _("All"))
actor = c2.selectbox(_("Who"), [None, *sorted(everything.actor.unique())], format_func=lambda a: a or _("Everyone"))
first, last = everything.logged_at.min().date(), everything.logged_at.max().date()
days = c3.date_input(_("Days"), value=(first, last), help=_("The first and last day of the entries shown."))
first_day, last_day = (tuple(days) + (None, None))[:2]  # while a range is being picked, only its first day

shown = ui.query("audit_log", action=action, actor=actor, first_day=first_day, last_day=last_day or first_day)
headers = {c: _(HEADERS[c]) for c in shown.columns if c in HEADERS}
st.caption(n_("{shown} of {n} entry, newest first.", "{shown} of {n} entries, newest first.", len(everything),
              shown=format_number(len(shown))))
st.dataframe(shown, hide_index=True, column_config=headers)
ui.download(shown.rename(columns=headers), "audit_log.csv", _("Download these entries (CSV)"))
