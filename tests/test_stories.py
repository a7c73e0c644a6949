"""Stories (issue 15, item 4): saved views in a named order. Created, filled, reordered, edited and
deleted through gapmonitor.stories; read back through the queries the pages use. Refusals change
nothing; stories survive an import, a removal and a restart, since they are rows of the database."""

import inspect
import io
import logging
import re
from functools import partial

import duckdb
import pytest

from gapmonitor import accounts, db, importer, stories

AMINA = accounts.Actor("amina", "contributor", "Community Monitors", "Amina")
BO = accounts.Actor("bo", "contributor", "Another CSO", "Bo")
SAM = accounts.Actor("sam", "steward", "NSO", "Sam")

GOAL_VIEW = {"indicator": "5.2.1", "group": "disability", "view": "Gap status", "window": "5", "end": "2024",
             "bar": "Medium", "endorsed": "no"}
COUNTRY_VIEW = "area=KEN&goal=5&window=5&end=2025&bar=High&endorsed=no"
CITIZEN_VIEW = {"dataset": "cgd-disability-scorecard", "window": "5", "end": "2025", "bar": "Medium",
                "story": "other-story", "step": "3"}  # a view saved while presenting: the last two are not the view's


def read(path, name: str):
    """A query the pages use, on a fresh read-only connection (as a restarted app would read it)."""
    con = db.connect(path)
    try:
        return db.query(con, name)
    finally:
        con.close()


def steps_of(path, story_id: str):
    steps = read(path, "story_steps")
    return steps[steps.story_id == story_id].reset_index(drop=True)


def story_rows(path) -> list:
    """Everything stored about stories, and the audit log's length: what a refusal must leave as it is."""
    with duckdb.connect(str(path), read_only=True) as con:
        return [con.execute("select * from story order by all").fetchall(),
                con.execute("select * from story_step order by all").fetchall(),
                con.execute("select count(*) from audit_log").fetchall()[0][0]]


def story_audit(path, story_id: str) -> list[tuple]:
    with duckdb.connect(str(path), read_only=True) as con:
        return con.execute("select actor, role, action, detail from audit_log where target = ? order by seq",
                           [story_id]).fetchall()


def call(function, **given):
    """Call a write of importer with the actor argument when it takes one (it gets one with accounts)."""
    if "by" in inspect.signature(function).parameters:
        given["by"] = accounts.command_line()
    return function(**given)


@pytest.fixture
def three_steps(fresh):
    """A contributor's story with three steps: a goal page, a country profile, a citizen dataset."""
    story = stories.create("Who is missing: disability", AMINA, "For the ministry, 12 May", path=fresh)
    stories.add_step(story, "goal-5", GOAL_VIEW, "Violence data for women with disabilities", "Start here", AMINA,
                     path=fresh)
    stories.add_step(story, "country", COUNTRY_VIEW, "Kenya", "", AMINA, path=fresh)
    stories.add_step(story, "citizen", CITIZEN_VIEW, "The scorecard", "Its tier is Medium", AMINA, path=fresh)
    return fresh, story


def test_a_story_is_created_with_its_steps_in_order(three_steps):
    path, story = three_steps
    listed = read(path, "stories").set_index("story_id").loc[story]
    assert (listed.title, listed.description, listed.created_by, listed.steps) == \
        ("Who is missing: disability", "For the ministry, 12 May", "amina", 3)
    steps = steps_of(path, story)
    assert list(steps.position) == [1, 2, 3]
    assert list(steps.page) == ["goal-5", "country", "citizen"]
    assert list(steps.title) == ["Violence data for women with disabilities", "Kenya", "The scorecard"]
    assert [stories.params_of(p) for p in steps.params] == [
        GOAL_VIEW, stories.params_of(COUNTRY_VIEW),
        {"dataset": "cgd-disability-scorecard", "window": "5", "end": "2025", "bar": "Medium"}]
    assert steps.note[0] == "Start here" and steps.note.isna()[1]  # an empty note is no note
    # each write is in the audit log, by its author
    assert [(a, r, act) for a, r, act, _ in story_audit(path, story)] == [("amina", "contributor", "story")] * 4


def test_story_ids_are_short_url_safe_and_unique(fresh):
    made = [stories.create("Ñandú & the 2030 Agenda: gaps / “quotes”?", AMINA, path=fresh) for _ in range(3)]
    assert len(set(made)) == 3
    for story_id in made:
        assert re.fullmatch(r"nandu-the-2030-agenda-ga-[0-9a-f]{4}", story_id), story_id
    assert re.fullmatch(r"story-[0-9a-f]{4}", stories.new_id("???"))


def test_moving_a_step_shifts_the_ones_between(three_steps):
    path, story = three_steps
    stories.move_step(story, 3, 1, AMINA, path=path)
    assert list(steps_of(path, story).title) == ["The scorecard", "Violence data for women with disabilities", "Kenya"]
    stories.move_step(story, 1, 3, AMINA, path=path)  # and back
    assert list(steps_of(path, story).title) == ["Violence data for women with disabilities", "Kenya", "The scorecard"]
    stories.move_step(story, 2, 3, AMINA, path=path)  # down one
    steps = steps_of(path, story)
    assert list(steps.title) == ["Violence data for women with disabilities", "The scorecard", "Kenya"]
    assert list(steps.position) == [1, 2, 3]
    assert list(steps.page) == ["goal-5", "citizen", "country"]  # the view moves with its title


def test_editing_a_step_changes_only_what_is_given(three_steps):
    path, story = three_steps
    stories.edit_step(story, 1, AMINA, title="Violence: disability", path=path)
    stories.edit_step(story, 3, AMINA, note="", path=path)  # clears the note
    stories.edit_step(story, 2, AMINA, note="Point at Turkana", path=path)
    steps = steps_of(path, story)
    assert list(steps.title) == ["Violence: disability", "Kenya", "The scorecard"]
    assert steps.note[0] == "Start here" and steps.note[1] == "Point at Turkana" and steps.note.isna()[2]


def test_removing_a_step_keeps_positions_dense(three_steps):
    path, story = three_steps
    stories.remove_step(story, 2, AMINA, path=path)
    steps = steps_of(path, story)
    assert list(steps.position) == [1, 2] and list(steps.title) == ["Violence data for women with disabilities",
                                                                     "The scorecard"]
    assert read(path, "stories").set_index("story_id").steps[story] == 2
    stories.add_step(story, "goal-1", "indicator=1.1.1", "Poverty", "", AMINA, path=path)
    assert list(steps_of(path, story).position) == [1, 2, 3]


def test_deleting_a_story_deletes_its_steps(three_steps):
    path, story = three_steps
    other = stories.create("Another", AMINA, path=path)
    stories.add_step(other, "country", "area=MWI", "Malawi", "", AMINA, path=path)
    stories.delete(story, AMINA, path=path)
    assert story not in set(read(path, "stories").story_id)
    assert story not in set(read(path, "story_steps").story_id)
    assert list(steps_of(path, other).title) == ["Malawi"]  # the other story is untouched
    assert story_audit(path, story)[-1][2:] == ("story", '{"deleted": true}')


def test_a_viewer_is_refused_and_nothing_changes(three_steps, caplog):
    path, story = three_steps
    before = story_rows(path)
    writes = [lambda: stories.create("Mine", accounts.VIEWER, path=path),
              lambda: stories.add_step(story, "goal-5", GOAL_VIEW, "x", "", accounts.VIEWER, path=path),
              lambda: stories.move_step(story, 1, 2, accounts.VIEWER, path=path),
              lambda: stories.edit_step(story, 1, accounts.VIEWER, title="x", path=path),
              lambda: stories.remove_step(story, 1, accounts.VIEWER, path=path),
              lambda: stories.delete(story, accounts.VIEWER, path=path)]
    with caplog.at_level(logging.WARNING, logger="gapmonitor.accounts"):
        for write in writes:
            with pytest.raises(accounts.NotAllowed, match="signed in as viewer: to save story needs a contributor"):
                write()
    assert story_rows(path) == before
    assert len([r for r in caplog.records if "refused: viewer (viewer) tried to save story" in r.getMessage()]) == 6


def test_another_contributor_cannot_change_the_story_but_a_steward_can(three_steps, caplog):
    path, story = three_steps
    before = story_rows(path)
    writes = [lambda: stories.add_step(story, "goal-5", GOAL_VIEW, "x", "", BO, path=path),
              lambda: stories.move_step(story, 1, 2, BO, path=path),
              lambda: stories.edit_step(story, 1, BO, title="x", path=path),
              lambda: stories.remove_step(story, 1, BO, path=path),
              lambda: stories.delete(story, BO, path=path)]
    with caplog.at_level(logging.WARNING, logger="gapmonitor.stories"):
        for write in writes:
            with pytest.raises(accounts.NotAllowed, match="“Who is missing: disability” is amina's"):
                write()
    assert story_rows(path) == before
    assert len([r for r in caplog.records if f"bo (contributor) tried to change story {story} of amina"
                in r.getMessage()]) == 5
    stories.edit_step(story, 1, SAM, note="Checked by the NSO", path=path)
    stories.move_step(story, 1, 3, SAM, path=path)
    assert list(steps_of(path, story).note)[-1] == "Checked by the NSO"
    assert story_audit(path, story)[-1][:2] == ("sam", "steward")


def test_bad_input_is_refused_with_what_and_where_and_changes_nothing(three_steps):
    path, story = three_steps
    before = story_rows(path)
    cases = [
        (lambda: stories.create("   ", AMINA, path=path), "a story title is needed"),
        (lambda: stories.create("x" * 201, AMINA, path=path), "the story title is 201 characters long; at most 200"),
        (lambda: stories.add_step(story, "data", {}, "Imports", "", AMINA, path=path),
         "views of the page 'data' cannot be saved"),
        (lambda: stories.add_step(story, "goal-5", {"x": "y" * 3000}, "Long", "", AMINA, path=path),
         "the view's URL state is 3002 characters long; at most 2000"),
        (lambda: stories.add_step(story, "goal-5", GOAL_VIEW, "", "", AMINA, path=path), "a step title is needed"),
        (lambda: stories.add_step("no-such-story", "goal-5", GOAL_VIEW, "x", "", AMINA, path=path),
         "no story 'no-such-story': it was deleted, or the id is mistyped"),
        (lambda: stories.move_step(story, 4, 1, AMINA, path=path), f"story '{story}' has no step 4 \\(it has 3 steps\\)"),
        (lambda: stories.move_step(story, 1, 0, AMINA, path=path), f"story '{story}' has no step 0"),
        (lambda: stories.edit_step(story, 9, AMINA, title="x", path=path), "has no step 9"),
        (lambda: stories.edit_step(story, 1, AMINA, note="n" * 4001, path=path), "the note is 4001 characters long"),
        (lambda: stories.remove_step(story, "1", AMINA, path=path), "has no step '1'"),
        (lambda: stories.delete("no-such-story", AMINA, path=path), "no story 'no-such-story'"),
    ]
    for write, message in cases:
        with pytest.raises(stories.StoryError, match=message):
            write()
    assert story_rows(path) == before


def test_stories_survive_an_import_a_removal_and_a_restart(three_steps, tmp_path):
    path, story = three_steps
    saved = steps_of(path, story)
    # one official value for Kenya (UN Global SDG Indicators Database export columns)
    file = tmp_path / "unsdg_1.1.1_kenya.csv"
    file.write_text("Goal,Target,Indicator,SeriesCode,SeriesDescription,GeoAreaCode,GeoAreaName,TimePeriod,Value,"
                    "Time_Detail,Source,FootNote,Nature,Units,Sex\n"
                    "1,1.1,1.1.1,SI_POV_DAY1,Proportion below international poverty line,404,Kenya,2021,29.4,2021,"
                    "World Bank,,C,PERCENT,FEMALE\n", encoding="utf-8")
    with db.connect(path) as con:
        preview = importer.load(con, file)
    dataset = call(importer.apply, result=preview, title="Kenya poverty", source="test", path=path)
    with duckdb.connect(str(path), read_only=True) as con:
        assert con.execute("select count(*) from observation where dataset_id = ?", [dataset]).fetchall() == [(1,)]
    assert steps_of(path, story).equals(saved)
    call(importer.remove, dataset_id=dataset, path=path)
    assert steps_of(path, story).equals(saved)
    # a restart: a new process makes sure of its database, then reads it afresh
    db._inspected.clear()
    assert db.ensure_database(path) == path
    assert steps_of(path, story).equals(saved)
    assert read(path, "stories").set_index("story_id").title[story] == "Who is missing: disability"


def test_saving_a_view_into_a_new_story_is_one_write(fresh):
    story, position = stories.save_view(None, "goal-5", GOAL_VIEW, "Violence", "Pause here", AMINA,
                                        new_story="For the donor", path=fresh)
    assert position == 1
    assert read(fresh, "stories").set_index("story_id").loc[story, ["title", "steps"]].tolist() == ["For the donor", 1]
    assert len(story_audit(fresh, story)) == 1  # the story and its first step, one write
    again = stories.save_view(story, "country", COUNTRY_VIEW, "Kenya", "", AMINA, path=fresh)
    assert again == (story, 2)
    assert list(steps_of(fresh, story).title) == ["Violence", "Kenya"]
    before = story_rows(fresh)
    with pytest.raises(stories.StoryError, match="a step title is needed"):  # checked before the story is made
        stories.save_view(None, "goal-5", GOAL_VIEW, " ", "", AMINA, new_story="Half made", path=fresh)
    with pytest.raises(accounts.NotAllowed):
        stories.save_view(None, "goal-5", GOAL_VIEW, "x", "", accounts.VIEWER, new_story="Viewer's", path=fresh)
    assert story_rows(fresh) == before


def test_the_saved_view_leaves_out_the_presentation(fresh):
    assert stories.params_text({"area": "KEN", "story": "s-1", "step": "2", "goal": "0"}) == "area=KEN&goal=0"
    assert stories.params_text("indicator=5.2.1&group=women&step=1") == "indicator=5.2.1&group=women"
    assert stories.params_of("view=Gap+status&bar=Any+citizen+data+%28low%29") == \
        {"view": "Gap status", "bar": "Any citizen data (low)"}


def test_the_demo_database_has_one_illustrative_story(demo_db):
    listed = read(demo_db, "stories")
    assert list(listed.title) == ["Illustrative demo story: disability data in Kenya"]
    assert "not official statistics" in listed.description[0]
    steps = read(demo_db, "story_steps")
    assert list(steps.page) == ["goal-1", "country", "citizen"]
    assert all(note.startswith("Illustrative data.") for note in steps.note)


def test_a_story_becomes_slides_one_per_step_with_the_presenters_notes(three_steps):
    from pptx import Presentation

    from gapmonitor.exports import images

    path, story = three_steps
    stories.remove_step(story, 2, AMINA, path=path)  # the deck follows the story as it is now
    con = db.connect(path)
    try:
        deck = Presentation(io.BytesIO(stories.deck(story, partial(db.query, con))))
        with pytest.raises(stories.StoryError, match="story 'no-such-story' has no steps"):
            stories.deck("no-such-story", partial(db.query, con))
    finally:
        con.close()
        images.EXPORTER.close()  # the exporter's Chromium: not left running for the tests after this one
    slides = list(deck.slides)
    assert len(slides) == 2
    notes = [slide.notes_slide.notes_text_frame.text for slide in slides]
    assert notes[0].startswith("Presenter's note: Start here") and "Method:" in notes[0]
    assert notes[1].startswith("Presenter's note: Its tier is Medium") and "Sources and licences:" in notes[1]
    # each slide is its step's view: the goal page's indicator, then the citizen dataset
    assert "5.2.1" in slides[0].shapes.title.text + notes[0]
    assert "indicator=5.2.1" in notes[0] and "dataset=cgd-disability-scorecard" in notes[1]  # the links restoring them


# ---- the Stories page (under AppTest; presenting is tested in a real browser: test_browser_present.py) ----

def stories_page(path, monkeypatch, actor=None):
    from streamlit.testing.v1 import AppTest

    monkeypatch.setenv("GAPMONITOR_DB", str(path))
    at = AppTest.from_file(str(db.ROOT / "pages" / "stories.py"), default_timeout=60)
    if actor is not None:
        at.session_state["actor"] = actor
    at.run()
    assert not at.exception, [e.message for e in at.exception]
    return at


def test_a_viewer_sees_the_stories_and_may_present_but_not_change_them(three_steps, monkeypatch):
    path, story = three_steps
    at = stories_page(path, monkeypatch)
    assert [h.value for h in at.subheader] == ["Who is missing: disability",
                                               "Illustrative demo story: disability data in Kenya"]
    assert any(i.value.startswith("Anyone can present a story.") for i in at.info)
    # Present for each story; no move, remove, edit or new story for a viewer
    assert [b.key for b in at.button] == [f"present_{story}", "present_illustrative-demo-story"] and not at.text_input
    links = [m.value for m in at.markdown if m.value.startswith("Its link")]
    assert links[0].endswith(f"`/stories?story={story}`")


def test_a_contributor_orders_her_story_on_the_page_and_only_hers(three_steps, monkeypatch):
    path, story = three_steps
    accounts.create_account(accounts.command_line(), "amina", "Amina", "contributor", "a long enough password",
                            path=path)
    at = stories_page(path, monkeypatch, AMINA)
    assert at.button(key=f"down_{story}_1") and at.button(key=f"remove_{story}_3")
    theirs = [b.key for b in at.button if "illustrative-demo-story" in (b.key or "")]
    assert theirs == ["present_illustrative-demo-story"]  # the demo's story is not hers: she may present it only
    at.button(key=f"down_{story}_1").click()
    at.run()
    assert not at.exception, [e.message for e in at.exception]
    assert [s.value for s in at.success] == ["Step 1 moved down."]
    assert list(steps_of(path, story).title) == ["Kenya", "Violence data for women with disabilities", "The scorecard"]
    at.button(key=f"remove_{story}_3").click()
    at.run()
    assert list(steps_of(path, story).title) == ["Kenya", "Violence data for women with disabilities"]


def test_a_contributor_edits_a_step_and_deletes_her_story_on_the_page(three_steps, monkeypatch):
    path, story = three_steps
    accounts.create_account(accounts.command_line(), "amina", "Amina", "contributor", "a long enough password",
                            path=path)
    at = stories_page(path, monkeypatch, AMINA)
    next(t for t in at.text_input if t.label == "Step title" and t.value == "Kenya").set_value("Kenya, county by county")
    next(a for a in at.text_area if a.label == "Note for the presenter" and a.value == "").set_value("Turkana first")
    at.button(key=f"FormSubmitter:edit_form_{story}_2-Save").click()
    at.run()
    assert [s.value for s in at.success] == ["Step 2 changed."]
    steps = steps_of(path, story)
    assert (steps.title[1], steps.note[1]) == ("Kenya, county by county", "Turkana first")
    at.button(key=f"delete_yes_{story}").click()
    at.run()
    assert [s.value for s in at.success] == ["Story “Who is missing: disability” deleted."]
    assert story not in set(read(path, "stories").story_id)
    assert [h.value for h in at.subheader] == ["Illustrative demo story: disability data in Kenya"]
