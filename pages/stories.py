"""Stories: saved views in a named order, presented full screen one after the other. Anyone can present;
contributors make stories and change their own, stewards change any (gapmonitor/stories.py checks)."""

import html

import pandas as pd
import streamlit as st

from gapmonitor import accounts, stories, ui
from gapmonitor.goals import GOALS
from gapmonitor.i18n import N_, _, format_date, n_

GOAL_PAGES = {g.slug: g for g in GOALS}
PAGE_NAMES = {"country": N_("Country profile"), "citizen": N_("Citizen data")}


def _page_name(page: str) -> str:
    """What a step shows, in the session's language: a goal's label, the country profile, citizen data."""
    if page in GOAL_PAGES:
        return GOAL_PAGES[page].label
    return _(PAGE_NAMES[page]) if page in PAGE_NAMES else page


def _changed(message: str) -> None:
    """Say what was done on the next run (the list is read again from the new database version)."""
    st.session_state["stories_done"] = message
    st.rerun()


def _write(write, done: str) -> None:
    """Run a story write; a refusal or bad input is shown as it is and changes nothing."""
    try:
        write()
    except (stories.StoryError, accounts.NotAllowed) as refused:
        st.error(_("Not changed: {reason}.", reason=refused))
    else:
        _changed(done)


def _new_story(who) -> None:
    with st.expander(_("New story")), st.form("new_story", clear_on_submit=True, border=False):
        title = st.text_input(_("Title"), max_chars=stories.MAX_TITLE)
        description = st.text_area(_("Description"), max_chars=stories.MAX_NOTE,
                                   help=_("Who it is for, what it argues: shown on this page only."))
        if st.form_submit_button(_("Create story")):
            _write(lambda: stories.create(title, who, description), _("Story “{title}” created.", title=title.strip()))


def _step_row(story, step, count: int, who, can_change: bool) -> None:
    n = int(step.position)
    cols = st.columns([0.4, 4.4, 2.2, 4] if can_change else [0.4, 4.4, 2.2])
    cols[0].markdown(f"**{n}.**")
    note = f"  \n*{html.escape(step.note)}*" if isinstance(step.note, str) and step.note else ""
    cols[1].markdown(f"**{html.escape(step.title)}**{note}")
    cols[2].markdown(_page_name(step.page))
    if not can_change:
        return
    with cols[3].container(horizontal=True, gap="small"):
        key = f"{story.story_id}_{n}"
        if st.button("↑", key=f"up_{key}", disabled=n == 1, help=_("Move up")):
            _write(lambda: stories.move_step(story.story_id, n, n - 1, who), _("Step {number} moved up.", number=n))
        if st.button("↓", key=f"down_{key}", disabled=n == count, help=_("Move down")):
            _write(lambda: stories.move_step(story.story_id, n, n + 1, who), _("Step {number} moved down.", number=n))
        with st.popover(_("Edit"), key=f"edit_{key}"), st.form(f"edit_form_{key}", border=False):
            title = st.text_input(_("Step title"), value=step.title, max_chars=stories.MAX_TITLE)
            new_note = st.text_area(_("Note for the presenter"), value=step.note if isinstance(step.note, str) else "",
                                    max_chars=stories.MAX_NOTE)
            if st.form_submit_button(_("Save")):
                _write(lambda: stories.edit_step(story.story_id, n, who, title=title, note=new_note),
                       _("Step {number} changed.", number=n))
        if st.button(_("Remove"), key=f"remove_{key}", help=_("Remove this step from the story")):
            _write(lambda: stories.remove_step(story.story_id, n, who), _("Step {number} removed.", number=n))


def _story(story, steps: pd.DataFrame, who) -> None:
    can_change = who.may("save story") and stories.may_change(who, story.created_by)
    with st.container(border=True, key=f"story_{story.story_id}"):
        st.subheader(story.title)
        about = f"{html.escape(story.description)}  \n" if isinstance(story.description, str) and story.description else ""
        updated = pd.Timestamp(story.updated_at)  # the date in the language, the time as stored (24-hour)
        # the date's pattern (Unicode CLDR: dd day, MMMM month's name, y year) is the translator's
        changed = format_date(updated.date(), _("dd MMMM y")) + f", {updated:%H:%M}"
        st.markdown(about + n_("By {author} · last changed {when} · {n} step", "By {author} · last changed {when} · {n} steps",
                               len(steps), author=html.escape(story.created_by), when=changed))
        with st.container(horizontal=True, vertical_alignment="center"):
            if len(steps):
                if st.button(_("Present"), key=f"present_{story.story_id}", icon=":material/slideshow:", type="primary",
                             help=_("Full screen, one step after the other: ← → or Page Up / Page Down move")):
                    st.switch_page("pages/stories.py", query_params={"story": story.story_id})  # presenting.bar takes it
                ui.story_slides(story.story_id, story.title)
            if can_change:
                with st.popover(_("Delete story"), key=f"delete_{story.story_id}"):
                    st.markdown(n_("Delete “{title}” and its {n} step? This cannot be undone.",
                                    "Delete “{title}” and its {n} steps? This cannot be undone.", len(steps),
                                    title=html.escape(story.title)))
                    if st.button(_("Delete"), key=f"delete_yes_{story.story_id}", type="primary"):
                        _write(lambda: stories.delete(story.story_id, who), _("Story “{title}” deleted.", title=story.title))
        st.markdown(_("Its link (works for anyone who can open this app): `{link}`", link=_link(story.story_id)))
        for step in steps.itertuples():
            _step_row(story, step, len(steps), who, can_change)
        if steps.empty:
            st.caption(_("No steps yet: open a goal page, a country profile or a citizen dataset and use "
                         "*Save this view to a story* in the sidebar."))


def _link(story_id: str) -> str:
    """The story's own link: this page's address with the story named (it opens the presentation)."""
    return f"{st.context.url or '/stories'}?story={story_id}"


ui.ensure_navigation()
st.title(_("Stories"))
st.markdown(_("A story is a sequence of saved views — a goal's map for a group, a country profile, a citizen "
              "dataset — each with a title and a note for the presenter. **Present** shows them one after the "
              "other, full screen: the arrow keys, Page Up and Page Down (a presentation clicker) or the buttons "
              "move between steps. Each step is drawn from the database when it is shown, so it shows the data as "
              "it is now; nothing is fetched from the internet."))
if done := st.session_state.pop("stories_done", None):
    st.success(done)

who = ui.actor()
if who.may("save story"):
    _new_story(who)
    st.caption(_("To add a step: open a goal page, a country profile or a citizen dataset, choose the view, and "
                 "use *Save this view to a story* in the sidebar."))
else:
    st.info(_("Anyone can present a story. To make stories, sign in (sidebar) with a contributor's account."))

listed = ui.localised("stories")
all_steps = ui.localised("story_steps")
if listed.empty:
    st.info(_("No stories yet."))
for story in listed.itertuples():
    _story(story, all_steps[all_steps.story_id == story.story_id], who)
