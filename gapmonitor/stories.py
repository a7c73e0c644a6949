"""Stories: saved views in a named order, for presenting (issue 15, item 4). A step is a page's URL
path and its URL state, so it is drawn live from the database whenever it is shown. Stories are rows of
the database (tables story and story_step): they survive imports, removals and restarts.

Every change is one write (db.writing) with its row of the audit log. Contributors save views and change
their own stories; stewards (and administrators) change anyone's. Pages read stories with the queries
stories.sql and story_steps.sql."""

import logging
import re
import secrets
import unicodedata
from pathlib import Path
from urllib.parse import parse_qsl, urlencode

from gapmonitor import accounts, audit, db
from gapmonitor.goals import GOALS
from gapmonitor.i18n import N_, _, n_

# The pages a view can be saved from (URL paths, as in app.py): the 17 goal pages, the country profile
# and the citizen dataset page.
PAGES = (*(g.slug for g in GOALS), "country", "citizen")
# URL parameters that belong to the presentation, not to the view.
PRESENTATION_PARAMS = ("story", "step")
MAX_TITLE = 200
MAX_NOTE = 4000
MAX_PARAMS = 2000  # characters of a view's query string (a page's whole URL state is a few hundred)

log = logging.getLogger("gapmonitor.stories")


class StoryError(ValueError):
    """A story change that cannot be made as asked (no such story or step, an empty title...)."""


def params_text(params) -> str:
    """A view's URL state as the query string stored with its step: from a dict (or a query string),
    without the presentation's own parameters."""
    pairs = parse_qsl(params, keep_blank_values=True) if isinstance(params, str) else list(dict(params).items())
    return urlencode([(str(k), str(v)) for k, v in pairs if k not in PRESENTATION_PARAMS])


def params_of(text: str) -> dict[str, str]:
    """A stored query string as a dict (one value per name)."""
    return dict(parse_qsl(text or "", keep_blank_values=True))


def new_id(title: str) -> str:
    """A short, URL-safe id: the title's first words as a slug and four random characters."""
    ascii_title = unicodedata.normalize("NFKD", title).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_title.lower()).strip("-")[:24].rstrip("-") or "story"
    return f"{slug}-{secrets.token_hex(2)}"


def file_name(title: str) -> str:
    """A story's title as a file name (its slug)."""
    return new_id(title).rsplit("-", 1)[0]


# The texts of a story and a step, and the refusals of each, one whole sentence each.
FIELDS = {
    "story title": (N_("a story title is needed"), N_("the story title is {length} characters long; at most {most}")),
    "step title": (N_("a step title is needed"), N_("the step title is {length} characters long; at most {most}")),
    "description": (N_("a description is needed"), N_("the description is {length} characters long; at most {most}")),
    "note": (N_("a note is needed"), N_("the note is {length} characters long; at most {most}")),
}


def _text(value, what: str, limit: int, required: bool) -> str:
    text = (value or "").strip()
    needed, too_long = FIELDS[what]
    if required and not text:
        raise StoryError(_(needed))
    if len(text) > limit:
        raise StoryError(_(too_long, length=len(text), most=limit))
    return text


def may_change(by: accounts.Actor, owner: str) -> bool:
    """Whether `by` may change a story made by `owner`: their own, or any for stewards and administrators."""
    return by.username == owner or accounts.ROLES.index(by.role) >= accounts.ROLES.index("steward")


def _owned(con, story_id: str, by: accounts.Actor) -> tuple[str, int]:
    """The story's title and number of steps, once it is known to exist and `by` may change it."""
    found = con.execute("select title, created_by from story where story_id = ?", [story_id]).fetchall()
    if not found:
        raise StoryError(_("no story {story}: it was deleted, or the id is mistyped", story=repr(story_id)))
    title, owner = found[0]
    if not may_change(by, owner):
        log.warning("refused: %s (%s) tried to change story %s of %s", by.username, by.role, story_id, owner)
        raise accounts.NotAllowed(_("{name} is signed in as {role}: a contributor changes only their own stories, "
                                    "and “{title}” is {owner}'s", name=by.display_name or by.username,
                                    role=accounts.role_name(by.role), title=title, owner=owner))
    steps = con.execute("select count(*) from story_step where story_id = ?", [story_id]).fetchall()[0][0]
    return title, steps


def _position(position, steps: int, story_id: str) -> int:
    if not isinstance(position, int) or isinstance(position, bool) or not 1 <= position <= steps:
        raise StoryError(n_("story {story} has no step {position} (it has {n} step)",
                            "story {story} has no step {position} (it has {n} steps)", steps,
                            story=repr(story_id), position=repr(position)))
    return position


def _touch(con, story_id: str) -> None:
    con.execute("update story set updated_at = current_timestamp where story_id = ?", [story_id])


def _renumber(con, story_id: str, order: list[int]) -> None:
    """Give the steps now at the positions in `order` the positions 1..n, in that order. Every position
    of the story is rewritten in the write's transaction (the table has no key on the position)."""
    con.execute("update story_step set position = list_position(?::integer[], position) where story_id = ?",
                [order, story_id])


class _Taken(Exception):
    """The random id drawn for a new story is taken (rare): draw again."""


def create(title: str, by: accounts.Actor, description: str = "", path: Path | None = None) -> str:
    """Make a story with no steps; returns its id."""
    return _create(title, by, description, None, path)


def save_view(story_id: str | None, page: str, params, title: str, note: str, by: accounts.Actor,
              new_story: str = "", path: Path | None = None) -> tuple[str, int]:
    """Add a view as the last step of a story, or (story_id None) as the first step of a new story
    titled `new_story`, in one write; returns the story's id and the step's position."""
    by.require("save story", story_id or new_story)
    if story_id is None:
        step = _step(page, params, title, note)
        return _create(new_story, by, "", step, path), 1
    return story_id, add_step(story_id, page, params, title, note, by, path)


def _step(page: str, params, title: str, note: str) -> tuple[str, str, str, str]:
    """A view as a step is stored (page, query string, title, note), once checked."""
    if page not in PAGES:
        raise StoryError(_("views of the page {page} cannot be saved: only goal pages, the country profile and "
                           "citizen datasets", page=repr(page)))
    query = params_text(params)
    if len(query) > MAX_PARAMS:
        raise StoryError(_("the view's URL state is {length} characters long; at most {most}",
                           length=len(query), most=MAX_PARAMS))
    return page, query, _text(title, "step title", MAX_TITLE, required=True), _text(note, "note", MAX_NOTE, required=False)


def _insert_step(con, story_id: str, position: int, step: tuple[str, str, str, str]) -> None:
    page, query, title, note = step
    con.execute("insert into story_step (story_id, position, title, note, page, params) values (?, ?, ?, ?, ?, ?)",
                [story_id, position, title, note or None, page, query])


def _create(title: str, by: accounts.Actor, description: str, step: tuple | None, path: Path | None) -> str:
    by.require("save story", title)
    title = _text(title, "story title", MAX_TITLE, required=True)
    description = _text(description, "description", MAX_NOTE, required=False)
    detail = {"created": title, **({"added step": step[2], "page": step[0], "params": step[1]} if step else {})}
    for _attempt in range(20):
        story_id = new_id(title)
        try:
            with db.writing(path, indicators=[], audit=audit.Entry(by, "story", story_id, detail)) as con:
                if con.execute("select count(*) from story where story_id = ?", [story_id]).fetchall()[0][0]:
                    raise _Taken
                con.execute("insert into story (story_id, title, description, created_by) values (?, ?, ?, ?)",
                            [story_id, title, description or None, by.username])
                if step:
                    _insert_step(con, story_id, 1, step)
            return story_id
        except _Taken:
            continue
    raise StoryError(_("no free story id after 20 tries: give the story a different title"))


def add_step(story_id: str, page: str, params, title: str, note: str, by: accounts.Actor,
             path: Path | None = None) -> int:
    """Add a view (a page's URL path and its URL state, as a dict or a query string) as the story's last
    step; returns its position."""
    by.require("save story", story_id)
    step = _step(page, params, title, note)
    detail = {"added step": step[2], "page": page, "params": step[1]}
    with db.writing(path, indicators=[], audit=audit.Entry(by, "story", story_id, detail)) as con:
        _title, steps = _owned(con, story_id, by)
        _insert_step(con, story_id, steps + 1, step)
        _touch(con, story_id)
    return steps + 1


def move_step(story_id: str, position: int, to: int, by: accounts.Actor, path: Path | None = None) -> None:
    """Move the step at `position` to position `to`; the steps between shift by one."""
    by.require("save story", story_id)
    with db.writing(path, indicators=[], audit=audit.Entry(by, "story", story_id,
                                                           {"moved step": position, "to": to})) as con:
        _title, steps = _owned(con, story_id, by)
        _position(position, steps, story_id)
        _position(to, steps, story_id)
        order = [p for p in range(1, steps + 1) if p != position]
        order.insert(to - 1, position)
        _renumber(con, story_id, order)
        _touch(con, story_id)


def edit_step(story_id: str, position: int, by: accounts.Actor, title: str | None = None,
              note: str | None = None, path: Path | None = None) -> None:
    """Change a step's title and/or note (None: keep it)."""
    by.require("save story", story_id)
    if title is not None:
        title = _text(title, "step title", MAX_TITLE, required=True)
    if note is not None:
        note = _text(note, "note", MAX_NOTE, required=False)
    detail = {"edited step": position, **({"title": title} if title is not None else {}),
              **({"note": note} if note is not None else {})}
    with db.writing(path, indicators=[], audit=audit.Entry(by, "story", story_id, detail)) as con:
        _title, steps = _owned(con, story_id, by)
        _position(position, steps, story_id)
        con.execute("update story_step set title = coalesce(?, title), note = case when ? then ? else note end "
                    "where story_id = ? and position = ?",
                    [title, note is not None, note or None, story_id, position])
        _touch(con, story_id)


def remove_step(story_id: str, position: int, by: accounts.Actor, path: Path | None = None) -> None:
    """Remove a step; the steps after it move up one."""
    by.require("save story", story_id)
    with db.writing(path, indicators=[], audit=audit.Entry(by, "story", story_id, {"removed step": position})) as con:
        _title, steps = _owned(con, story_id, by)
        _position(position, steps, story_id)
        con.execute("delete from story_step where story_id = ? and position = ?", [story_id, position])
        _renumber(con, story_id, [p for p in range(1, steps + 1) if p != position])
        _touch(con, story_id)


def delete(story_id: str, by: accounts.Actor, path: Path | None = None) -> None:
    """Delete a story and its steps."""
    by.require("save story", story_id)
    with db.writing(path, indicators=[], audit=audit.Entry(by, "story", story_id, {"deleted": True})) as con:
        _owned(con, story_id, by)
        con.execute("delete from story_step where story_id = ?", [story_id])
        con.execute("delete from story where story_id = ?", [story_id])


def deck(story_id: str, query, lang: str | None = None) -> bytes:
    """The story as slides (PPTX): one slide per step, each the evidence of its view as the database holds
    it now, with the method, sources and the presenter's note in the speaker notes. `query(name, **params)`
    runs the named queries: db.query on a connection, or the pages' cached ui.query. Its words are in `lang`
    (default: the session's)."""
    from gapmonitor import evidence
    from gapmonitor.exports import slides

    steps = query("story_steps")
    steps = steps[steps.story_id == story_id]
    if steps.empty:
        raise StoryError(_("story {story} has no steps to make slides of (or no longer exists)", story=repr(story_id)))
    return slides.deck([(evidence.of(evidence.View(s.page, params_of(s.params)), query=query, lang=lang),
                         s.note if isinstance(s.note, str) else "") for s in steps.itertuples()])
