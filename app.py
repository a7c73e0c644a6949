"""SDG Gap Monitor: the map of the app. Page config and navigation, nothing else."""

import streamlit as st

from gapmonitor.goals import GOALS, THEMES
from pages.goal import goal_page

st.set_page_config(page_title="SDG Gap Monitor", layout="wide")

sections = {
    "SDG Gap Monitor": [
        st.Page("pages/overview.py", title="Overview", default=True),
        st.Page("pages/country.py", title="Country profile", url_path="country"),
        st.Page("pages/citizen.py", title="Citizen data", url_path="citizen"),
        st.Page("pages/data.py", title="Data", url_path="data"),
        st.Page("pages/about.py", title="About and method", url_path="about"),
    ]
}
for theme in THEMES:
    sections[theme] = [st.Page(goal_page(g.number), title=g.label, url_path=g.slug) for g in GOALS if g.theme == theme]

st.navigation(sections, expanded=True).run()
