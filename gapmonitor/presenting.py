"""Presentation mode: a story's steps shown one after the other, full screen, each drawn live by its own
page from the database. A URL with `?story=<id>` (and `&step=<n>`, then the step's own view) turns it on:
app.py calls bar() between st.navigation and the page's run. The bar says where the presenter is, moves
by button or key, and says when a step names an indicator, country or dataset the database no longer
holds; the presentation goes on."""

import streamlit as st

from gapmonitor import stories, ui
from gapmonitor.i18n import N_, _

# Keys: arrows for a keyboard, Page Down / Page Up for the clickers presenters hold (they send those).
# Streamlit 1.67's st.button(shortcut=...) takes one key each, so the clicker's keys have buttons of their
# own, hidden.
NEXT, PREVIOUS = "Right", "Left"
CLICKER_NEXT, CLICKER_PREVIOUS = "PageDown", "PageUp"
DRAWN = "presenting_drawn"  # session key: the (story, step) last drawn, to tell a new step from a rerun
NOTE_SHOWN = "presenting_note_shown"  # session key: whether the presenter asked for the notes
STORIES_PAGE = "stories"
# Session keys a new step keeps: the sign-in (ui.actor, ui.sign_in_sidebar) and the presentation's own
# (presenting_*). The others are the step before's widget values and page messages: a widget's value
# would win over the new step's URL state (seen in the browser: the same goal page twice showed the first
# step's indicator again), so they go.
KEEP = ("actor", "identity", "editor")

FULL_SCREEN = """<style>
[data-testid="stSidebar"], [data-testid="stSidebarCollapsedControl"], [data-testid="stExpandSidebarButton"],
[data-testid="stHeader"], [data-testid="stToolbar"], [data-testid="stDecoration"], .st-key-presenting_clicker
    { display: none !important; }
[data-testid="stMainBlockContainer"] { padding: 0.5rem 2rem 2rem !important; max-width: 100% !important; }
[data-testid="stMain"] [data-testid="stMarkdownContainer"] p,
[data-testid="stMain"] [data-testid="stMarkdownContainer"] li { font-size: 1.15rem; }
[data-testid="stMain"] [data-testid="stCaptionContainer"] p { font-size: 1rem; }
[data-testid="stMain"] h1 { font-size: 2.3rem; padding-top: 0.5rem; }
[data-testid="stMain"] [data-testid="stMetricValue"] [data-testid="stMarkdownContainer"] p { font-size: 2.4rem; }
.st-key-presenting_bar { border-bottom: 2px solid #004488; padding-bottom: 0.4rem; }
.st-key-presenting_bar [data-testid="stMarkdownContainer"] { margin-bottom: 0 !important; }
.st-key-presenting_bar [data-testid="stMarkdownContainer"] p { font-size: 1.3rem; margin: 0; }
.st-key-presenting_note_text [data-testid="stMarkdownContainer"] p { font-size: 1.05rem; color: #333; }
</style>"""


def bar(current, sections: dict) -> None:
    """In presentation mode (the URL names a story), hide everything but the page, draw the bar, and make
    sure the page shows the step the URL names. `current` is the page st.navigation chose; `sections`
    the pages given to it. Outside presentation mode it does nothing."""
    story_id = st.query_params.get("story")
    if not story_id:
        st.session_state.pop(DRAWN, None)
        return
    st.html(FULL_SCREEN)
    pages = {page.url_path: page for listed in sections.values() for page in listed}
    steps = ui.localised("story_steps")
    steps = steps[steps.story_id == story_id].reset_index(drop=True)
    if steps.empty:
        listed = ui.localised("stories")
        if story_id in set(listed.story_id):
            said = _("The story “{story}” has no steps yet.", story=story_id)
        else:
            said = _("The story “{story}” is not in this database (deleted, or the link is mistyped).", story=story_id)
        _bar_without_steps(said, pages)
        st.stop()

    count = len(steps)
    n = _step_number(st.query_params.get("step"), count)
    step = steps.iloc[n - 1]
    target = pages.get(step.page)
    if target is None:
        _draw_bar(steps, n, pages, story_id)
        st.error(_("Step {number} shows the page “{page}”, which this app no longer has.", number=n, page=step.page))
        st.stop()

    wanted = {**stories.params_of(step.params), "story": story_id, "step": str(n)}
    drawn = st.session_state.get(DRAWN)
    if drawn != (story_id, n):  # a new step: from the Stories page (a link, Present, Next...) or a fresh session
        if drawn is not None and current.url_path != STORIES_PAGE:
            _go(n, pages, story_id)  # the browser's back button, a changed URL: by way of the Stories page too
        _forget_widget_values()
        st.session_state[DRAWN] = (story_id, n)
    if current.url_path != step.page:
        st.switch_page(target, query_params=wanted)
    if drawn != (story_id, n):
        st.query_params.from_dict(wanted)
    _draw_bar(steps, n, pages, story_id)
    _say_what_is_missing(step.page, stories.params_of(step.params), last=n == count)


def _step_number(given, count: int) -> int:
    """The step the URL asks for, 1 when it asks for none or for one that is not a number; the last
    one when it asks for more than there are."""
    try:
        n = int(given)
    except (TypeError, ValueError):
        return 1
    return min(max(n, 1), count)


def _forget_widget_values() -> None:
    """Drop the widget values of the step before: a widget keeps its value across reruns, and it would
    win over the new step's URL state (the same sidebar controls, or the same goal page again)."""
    for key in list(st.session_state.keys()):
        if key not in KEEP and not str(key).startswith("presenting_"):
            del st.session_state[key]


def _go(n: int, pages: dict, story_id: str) -> None:
    """Go to step n by way of the Stories page, which bar() sends on to the step's page at once. The
    detour makes the browser drop the widgets it shows: a widget with a key keeps its id, and the browser
    would show, and send back at the next click, the value it had in the step before (seen in the browser:
    the same goal page twice, or the sidebar's period from the step before)."""
    st.switch_page(pages[STORIES_PAGE], query_params={"story": story_id, "step": str(n)})


def _exit(pages: dict) -> None:
    st.session_state.pop(DRAWN, None)
    st.switch_page(pages[STORIES_PAGE])


def _flip_note() -> None:
    st.session_state[NOTE_SHOWN] = not st.session_state.get(NOTE_SHOWN, False)


def _draw_bar(steps, n: int, pages: dict, story_id: str) -> None:
    count = len(steps)
    step = steps.iloc[n - 1]
    with st.container(key="presenting_bar", horizontal=True, vertical_alignment="center", gap="medium"):
        previous = st.button(_("◀ Previous"), key="presenting_previous", shortcut=PREVIOUS, disabled=n == 1,
                             help=_("Previous step (← or Page Up)"))
        st.markdown(_("**Step {number} of {count}** · {title}", number=n, count=count, title=_escape(step.title)),
                    width="stretch")
        following = st.button(_("Next ▶"), key="presenting_next", shortcut=NEXT, disabled=n == count, type="primary",
                              help=_("Next step (→ or Page Down)"))
        show_note = st.session_state.get(NOTE_SHOWN, False)
        # a button, not a toggle: a toggle is a checkbox input, and the browser keeps the focus there, where
        # Streamlit ignores the arrow keys (they belong to the input)
        st.button(_("Hide note") if show_note else _("Note"), key="presenting_note", on_click=_flip_note,
                  help=_("The presenter's note for this step"))
        leave = st.button(_("Exit"), key="presenting_exit", help=_("Leave the presentation for the Stories page"))
    with st.container(key="presenting_clicker"):
        previous |= st.button(_("Previous"), key="presenting_clicker_previous", shortcut=CLICKER_PREVIOUS,
                              disabled=n == 1)
        following |= st.button(_("Next"), key="presenting_clicker_next", shortcut=CLICKER_NEXT, disabled=n == count)
    if show_note:
        with st.container(key="presenting_note_text"):
            st.markdown(f"*{_escape(step.note)}*" if isinstance(step.note, str) and step.note
                        else _("*No note for this step.*"))
    if leave:
        _exit(pages)
    if following and n < count:
        _go(n + 1, pages, story_id)
    if previous and n > 1:
        _go(n - 1, pages, story_id)


def _bar_without_steps(message: str, pages: dict) -> None:
    with st.container(key="presenting_bar", horizontal=True, vertical_alignment="center"):
        st.markdown(_("**Presentation**"), width="stretch")
        leave = st.button(_("Exit"), key="presenting_exit")
    st.warning(message + " " + _("Open the Stories page to choose another."))
    if leave:
        _exit(pages)


def _escape(text: str) -> str:
    """A title or note as plain text in markdown (its own * _ [ ] ` # do not format it)."""
    return "".join("\\" + c if c in "\\`*_{}[]()#+-.!|<>~$" else c for c in str(text))


# What each page shows, by the URL parameter that names it, and how to say it is gone (shown with _()).
NAMED = {
    "indicator": ("indicator_found", N_("indicator {code}: no series of it has data in this database any more")),
    "area": ("area_found", N_("the country or area {code}: it is not in this database")),
    "dataset": ("dataset_found", N_("the citizen dataset {code}: it was removed, or is no longer public")),
}


def _say_what_is_missing(page: str, params: dict, last: bool) -> None:
    """When the step names an indicator, country or dataset the database no longer holds, say which; the
    page below shows what the database holds now, and the presentation goes on."""
    named = {"goal": "indicator", "country": "area", "citizen": "dataset"}
    kind = named.get(page.split("-")[0])
    code = params.get(kind) if kind else None
    if not code:
        return
    found = ui.query("view_presence", **{k: (code if k == kind else None) for k in NAMED}).iloc[0]
    column, words = NAMED[kind]
    if not found[column]:
        what = _(words, code=_escape(code))
        if last:
            said = _("**Missing since this step was saved:** {what}. The page below shows what the database holds now.",
                     what=what)
        else:
            said = _("**Missing since this step was saved:** {what}. The page below shows what the database holds now. "
                     "Next goes on to the next step.", what=what)
        st.warning(said, icon="⚠️")
