"""Accounts (administrators): who may sign in and as what. Make an account, set its password, change its
role, deactivate it (never delete: the audit log and the review history name accounts). Each change is
checked again and logged by gapmonitor.accounts."""

import streamlit as st

from gapmonitor import accounts, ui
from gapmonitor.accounts import NotAllowed

ui.ensure_navigation()

st.title("Accounts")
actor = ui.allowed_here("manage accounts", "Managing accounts")

ROLES = {
    "contributor": "Contributor: a civil-society organisation's member; submits citizen data for review and sees "
                   "their organisation's submissions and the office's decisions",
    "steward": "Steward: the statistical office; imports official data, reviews, assesses, publishes or returns "
               "submissions, maps groups, sets thresholds, reads the audit log",
    "administrator": "Administrator: a steward who also manages accounts",
}
st.markdown("Viewers need no account. " + " ".join(f"**{r.split(':')[0]}**:{r.split(':', 1)[1]}." for r in ROLES.values()))
if done := st.session_state.pop("accounts_done", None):
    st.success(done)


def done(message: str) -> None:
    st.session_state["accounts_done"] = message
    st.rerun()


listed = ui.account_list()
st.dataframe(listed.assign(active=listed.active.map({True: "active", False: "deactivated"}),
                           has_password=listed.has_password.map({True: "yes", False: "no: identity provider only"}))
             .rename(columns={"has_password": "password"}), hide_index=True)

st.header("Make an account")
with st.form("make_account", clear_on_submit=True):
    c1, c2 = st.columns(2)
    username = c1.text_input("Username", help="2 to 40 characters: lowercase letters, digits, '.', '_' or '-'")
    name = c2.text_input("Display name", placeholder="e.g. Amina Otieno")
    role = c1.selectbox("Role", list(ROLES), format_func=lambda r: ROLES[r].split(":")[0])
    organisation = c2.text_input("Organisation", help="A contributor's organisation (their submissions are shared "
                                                      "with its other members); a steward's office.")
    email = c1.text_input("E-mail", help="Needed only to sign in through the organisation's identity provider.")
    password = c2.text_input("Password", type="password",
                             help=f"At least {accounts.PASSWORD_MIN} characters; leave it empty for an account that "
                                  "signs in only through the identity provider (it then needs an e-mail).")
    again = c2.text_input("Password again", type="password")
    if st.form_submit_button("Make the account", type="primary"):
        try:
            if password != again:
                raise ValueError("the two passwords differ")
            made = accounts.create_account(actor, username, name, role, password or None, organisation, email)
        except (ValueError, NotAllowed) as e:
            st.error(f"Not made: {e}.")
        else:
            done(f"Account {made} made ({role}). Give its password to its owner by a safe way; they can change it "
                 "in the sidebar once signed in.")

st.header("Change an account")
active = listed[listed.active]
names = dict(zip(active.username, active.display_name + " (" + active.username + ", " + active.role + ")"))
chosen = st.selectbox("Account", list(names), format_func=names.get)
if chosen:
    c1, c2, c3 = st.columns(3)
    with c1.form("set_password", clear_on_submit=True):
        st.markdown("**Set its password**")
        new = st.text_input("New password", type="password")
        new_again = st.text_input("New password again", type="password")
        if st.form_submit_button("Set the password"):
            try:
                if new != new_again:
                    raise ValueError("the two passwords differ")
                accounts.set_password(actor, chosen, new)
            except (ValueError, NotAllowed) as e:
                st.error(f"Not changed: {e}.")
            else:
                done(f"New password set for {chosen}.")
    with c2.form("set_role"):
        st.markdown("**Change its role**")
        current = str(active.set_index("username").role[chosen])
        new_role = st.selectbox("New role", list(ROLES), index=list(ROLES).index(current),
                                format_func=lambda r: ROLES[r].split(":")[0])
        if st.form_submit_button("Change the role"):
            try:
                accounts.set_role(actor, chosen, new_role)
            except (ValueError, NotAllowed) as e:
                st.error(f"Not changed: {e}.")
            else:
                done(f"{chosen} is now a {new_role}.")
    with c3.form("deactivate"):
        st.markdown("**Deactivate it**")
        sure = st.checkbox("Yes: it can no longer sign in (it is kept, since the log names it)")
        if st.form_submit_button("Deactivate"):
            try:
                if not sure:
                    raise ValueError("tick the box to confirm")
                accounts.deactivate(actor, chosen)
            except (ValueError, NotAllowed) as e:
                st.error(f"Not deactivated: {e}.")
            else:
                done(f"{chosen} is deactivated.")
