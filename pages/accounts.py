"""Accounts (administrators): who may sign in and as what. Make an account, set its password, change its
role, deactivate it (never delete: the audit log and the review history name accounts). Each change is
checked again and logged by gapmonitor.accounts."""

import streamlit as st

from gapmonitor import accounts, ui
from gapmonitor.accounts import NotAllowed
from gapmonitor.i18n import N_, _

ui.ensure_navigation()

st.title(_("Accounts"))
actor = ui.allowed_here("manage accounts", _("Managing accounts"))

# Each role's name, as the form offers it, and what it may do.
ROLES = {
    "contributor": (N_("Contributor"), N_("a civil-society organisation's member; submits citizen data for review "
                                          "and sees their organisation's submissions and the office's decisions")),
    "steward": (N_("Steward"), N_("the statistical office; imports official data, reviews, assesses, publishes or "
                                  "returns submissions, maps groups, sets thresholds, reads the audit log")),
    "administrator": (N_("Administrator"), N_("a steward who also manages accounts")),
}
# What a change of role says, one whole sentence per role.
NOW = {"contributor": N_("{username} is now a contributor."), "steward": N_("{username} is now a steward."),
       "administrator": N_("{username} is now an administrator.")}
# Column headers as the table shows them (the frame keeps its own names for the code).
HEADERS = {"username": N_("username"), "display_name": N_("display_name"), "organisation": N_("organisation"),
           "role": N_("role"), "email": N_("email"), "active": N_("active"), "password": N_("password"),
           "created_at": N_("created_at"), "created_by": N_("created_by")}


def role_title(role: str) -> str:
    return _(ROLES[role][0])


st.markdown(" ".join([_("Viewers need no account.")]
                     + [_("**{role}**: {may}.", role=_(name), may=_(may)) for name, may in ROLES.values()]))
if done := st.session_state.pop("accounts_done", None):
    st.success(done)


def done(message: str) -> None:
    st.session_state["accounts_done"] = message
    st.rerun()


listed = ui.account_list()
shown = (listed.assign(active=listed.active.map({True: _("active"), False: _("deactivated")}),
                       has_password=listed.has_password.map({True: _("yes"), False: _("no: identity provider only")}),
                       role=listed.role.map(accounts.role_name))
         .rename(columns={"has_password": "password"}))
st.dataframe(shown, hide_index=True, column_config={c: _(HEADERS[c]) for c in shown.columns if c in HEADERS})

st.header(_("Make an account"))
with st.form("make_account", clear_on_submit=True):
    c1, c2 = st.columns(2)
    username = c1.text_input(_("Username"), help=_("2 to 40 characters: lowercase letters, digits, '.', '_' or '-'"))
    name = c2.text_input(_("Display name"), placeholder=_("e.g. Amina Otieno"))
    role = c1.selectbox(_("Role"), list(ROLES), format_func=role_title)
    organisation = c2.text_input(_("Organisation"), help=_("A contributor's organisation (their submissions are "
                                                           "shared with its other members); a steward's office."))
    email = c1.text_input(_("E-mail"), help=_("Needed only to sign in through the organisation's identity provider."))
    password = c2.text_input(_("Password"), type="password",
                             help=_("At least {least} characters; leave it empty for an account that signs in only "
                                    "through the identity provider (it then needs an e-mail).",
                                    least=accounts.PASSWORD_MIN))
    again = c2.text_input(_("Password again"), type="password")
    if st.form_submit_button(_("Make the account"), type="primary"):
        try:
            if password != again:
                raise ValueError(_("the two passwords differ"))
            made = accounts.create_account(actor, username, name, role, password or None, organisation, email)
        except (ValueError, NotAllowed) as e:
            st.error(_("Not made: {reason}.", reason=e))
        else:
            done(_("Account {username} made ({role}). Give its password to its owner by a safe way; they can change "
                   "it in the sidebar once signed in.", username=made, role=accounts.role_name(role)))

st.header(_("Change an account"))
active = listed[listed.active]
names = {r.username: _("{name} ({username}, {role})", name=r.display_name, username=r.username,
                       role=accounts.role_name(r.role)) for r in active.itertuples()}
chosen = st.selectbox(_("Account"), list(names), format_func=names.get)
if chosen:
    c1, c2, c3 = st.columns(3)
    with c1.form("set_password", clear_on_submit=True):
        st.markdown(_("**Set its password**"))
        new = st.text_input(_("New password"), type="password")
        new_again = st.text_input(_("New password again"), type="password")
        if st.form_submit_button(_("Set the password")):
            try:
                if new != new_again:
                    raise ValueError(_("the two passwords differ"))
                accounts.set_password(actor, chosen, new)
            except (ValueError, NotAllowed) as e:
                st.error(_("Not changed: {reason}.", reason=e))
            else:
                done(_("New password set for {username}.", username=chosen))
    with c2.form("set_role"):
        st.markdown(_("**Change its role**"))
        current = str(active.set_index("username").role[chosen])
        new_role = st.selectbox(_("New role"), list(ROLES), index=list(ROLES).index(current), format_func=role_title)
        if st.form_submit_button(_("Change the role")):
            try:
                accounts.set_role(actor, chosen, new_role)
            except (ValueError, NotAllowed) as e:
                st.error(_("Not changed: {reason}.", reason=e))
            else:
                done(_(NOW[new_role], username=chosen))
    with c3.form("deactivate"):
        st.markdown(_("**Deactivate it**"))
        sure = st.checkbox(_("Yes: it can no longer sign in (it is kept, since the log names it)"))
        if st.form_submit_button(_("Deactivate")):
            try:
                if not sure:
                    raise ValueError(_("tick the box to confirm"))
                accounts.deactivate(actor, chosen)
            except (ValueError, NotAllowed) as e:
                st.error(_("Not deactivated: {reason}.", reason=e))
            else:
                done(_("{username} is deactivated.", username=chosen))
