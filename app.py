"""SDG Gap Monitor: the map of the app. Page config, the sign-in every page shares, and navigation."""

import streamlit as st

from gapmonitor import i18n, presenting, ui
from gapmonitor.goals import GOALS, THEMES
from gapmonitor.i18n import _
from pages.goal import goal_page

st.set_page_config(page_title="SDG Gap Monitor", layout="wide")
i18n.choose_language()  # before any word is written: ?lang= or the session's choice
actor = ui.actor()  # the sidebar's sign-in, after the navigation below, sets it

sections = {
    "SDG Gap Monitor": [
        st.Page("pages/overview.py", title=_("Overview"), default=True),
        st.Page("pages/country.py", title=_("Country profile"), url_path="country"),
        st.Page("pages/citizen.py", title=_("Citizen data"), url_path="citizen"),
        st.Page("pages/stories.py", title=_("Stories"), url_path="stories"),
        st.Page("pages/data.py", title=_("Data"), url_path="data"),
        st.Page("pages/about.py", title=_("About and method"), url_path="about"),
    ]
}
# listed for the roles that may use them (a viewer's navigation is as before); each page checks the role again
stewardship = []
if actor.may("submit"):  # contributors follow their submissions; stewards review them
    stewardship.append(st.Page("pages/submissions.py", title=_("Submissions"), url_path="submissions"))
if actor.may("read audit"):
    stewardship.append(st.Page("pages/audit.py", title=_("Audit log"), url_path="audit"))
if actor.may("manage accounts"):
    stewardship.append(st.Page("pages/accounts.py", title=_("Accounts"), url_path="accounts"))
if stewardship:
    sections[_("Stewardship")] = stewardship
for theme in THEMES:
    sections[_(theme)] = [st.Page(goal_page(g.number), title=g.label, url_path=g.slug) for g in GOALS if g.theme == theme]

page = st.navigation(sections, expanded=True)
i18n.language_switch()
ui.sign_in_sidebar()  # after st.navigation (see there why)
presenting.bar(page, sections)  # a story's link (?story=...): full screen, the step's view, its bar
page.run()
