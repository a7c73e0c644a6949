"""Stories: saved views in a named order, presented full screen one after the other. Anyone can present;
contributors make stories and change their own, stewards change any (gapmonitor/stories.py checks)."""

import html

import pandas as pd
import streamlit as st

from gapmonitor import accounts, stories, ui
from gapmonitor.goals import GOALS

PAGE_NAMES = {**{g.slug: g.label for g in GOALS}, "country": "Country profile", "citizen": "Citizen data"}


def _changed(message: str) -> None:
    """Say what was done on the next run (the list is read again from the new database version)."""
    st.session_state["stories_done"] = message
    st.rerun()


def _write(write, done: str) -> None:
    """Run a story write; a refusal or bad input is shown as it is and changes nothing."""
    try:
        write()
    except (stories.StoryError, accounts.NotAllowed) as refused:
        st.error(f"Not changed: {refused}.")
    else:
        _changed(done)


def _new_story(who) -> None:
    with st.expander("New story"), st.form("new_story", clear_on_submit=True, border=False):
        title = st.text_input("Title", max_chars=stories.MAX_TITLE)
        description = st.text_area("Description", max_chars=stories.MAX_NOTE,
                                   help="Who it is for, what it argues: shown on this page only.")
        if st.form_submit_button("Create story"):
            _write(lambda: stories.create(title, who, description), f"Story “{title.strip()}” created.")


def _step_row(story, step, count: int, who, can_change: bool) -> None:
    n = int(step.position)
    cols = st.columns([0.4, 4.4, 2.2, 4] if can_change else [0.4, 4.4, 2.2])
    cols[0].markdown(f"**{n}.**")
    note = f"  \n*{html.escape(step.note)}*" if isinstance(step.note, str) and step.note else ""
    cols[1].markdown(f"**{html.escape(step.title)}**{note}")
    cols[2].markdown(PAGE_NAMES.get(step.page, step.page))
    if not can_change:
        return
    with cols[3].container(horizontal=True, gap="small"):
        key = f"{story.story_id}_{n}"
        if st.button("↑", key=f"up_{key}", disabled=n == 1, help="Move up"):
            _write(lambda: stories.move_step(story.story_id, n, n - 1, who), f"Step {n} moved up.")
        if st.button("↓", key=f"down_{key}", disabled=n == count, help="Move down"):
            _write(lambda: stories.move_step(story.story_id, n, n + 1, who), f"Step {n} moved down.")
        with st.popover("Edit", key=f"edit_{key}"), st.form(f"edit_form_{key}", border=False):
            title = st.text_input("Step title", value=step.title, max_chars=stories.MAX_TITLE)
            new_note = st.text_area("Note for the presenter", value=step.note if isinstance(step.note, str) else "",
                                    max_chars=stories.MAX_NOTE)
            if st.form_submit_button("Save"):
                _write(lambda: stories.edit_step(story.story_id, n, who, title=title, note=new_note),
                       f"Step {n} changed.")
        if st.button("Remove", key=f"remove_{key}", help="Remove this step from the story"):
            _write(lambda: stories.remove_step(story.story_id, n, who), f"Step {n} removed.")


def _story(story, steps: pd.DataFrame, who) -> None:
    can_change = who.may("save story") and stories.may_change(who, story.created_by)
    with st.container(border=True, key=f"story_{story.story_id}"):
        st.subheader(story.title)
        about = f"{html.escape(story.description)}  \n" if isinstance(story.description, str) and story.description else ""
        st.markdown(f"{about}By {html.escape(story.created_by)} · last changed {pd.Timestamp(story.updated_at):%d %B %Y, %H:%M} · "
                    f"{len(steps)} step{'s' * (len(steps) != 1)}")
        with st.container(horizontal=True, vertical_alignment="center"):
            if len(steps):
                if st.button("Present", key=f"present_{story.story_id}", icon=":material/slideshow:", type="primary",
                             help="Full screen, one step after the other: ← → or Page Up / Page Down move"):
                    st.switch_page("pages/stories.py", query_params={"story": story.story_id})  # presenting.bar takes it
                ui.story_slides(story.story_id, story.title)
            if can_change:
                with st.popover("Delete story", key=f"delete_{story.story_id}"):
                    st.markdown(f"Delete “{html.escape(story.title)}” and its {len(steps)} steps? This cannot be undone.")
                    if st.button("Delete", key=f"delete_yes_{story.story_id}", type="primary"):
                        _write(lambda: stories.delete(story.story_id, who), f"Story “{story.title}” deleted.")
        st.markdown(f"Its link (works for anyone who can open this app): `{_link(story.story_id)}`")
        for step in steps.itertuples():
            _step_row(story, step, len(steps), who, can_change)
        if steps.empty:
            st.caption("No steps yet: open a goal page, a country profile or a citizen dataset and use "
                       "*Save this view to a story* in the sidebar.")


def _link(story_id: str) -> str:
    """The story's own link: this page's address with the story named (it opens the presentation)."""
    return f"{st.context.url or '/stories'}?story={story_id}"


ui.ensure_navigation()
st.title("Stories")
st.markdown("A story is a sequence of saved views — a goal's map for a group, a country profile, a citizen "
            "dataset — each with a title and a note for the presenter. **Present** shows them one after the "
            "other, full screen: the arrow keys, Page Up and Page Down (a presentation clicker) or the buttons "
            "move between steps. Each step is drawn from the database when it is shown, so it shows the data as "
            "it is now; nothing is fetched from the internet.")
if done := st.session_state.pop("stories_done", None):
    st.success(done)

who = ui.actor()
if who.may("save story"):
    _new_story(who)
    st.caption("To add a step: open a goal page, a country profile or a citizen dataset, choose the view, and "
               "use *Save this view to a story* in the sidebar.")
else:
    st.info("Anyone can present a story. To make stories, sign in (sidebar) with a contributor's account.")

listed = ui.query("stories")
all_steps = ui.query("story_steps")
if listed.empty:
    st.info("No stories yet.")
for story in listed.itertuples():
    _story(story, all_steps[all_steps.story_id == story.story_id], who)
