"""What the statistical office decides as steward of citizen data: each dataset's quality assessment
and review status, the confidentiality thresholds, and who counts for which group (editors' mappings of
dimension values and series to groups). Every change is one write (db.writing), so the
maps' quality bar and the suppression follow at once."""

from dataclasses import dataclass
from pathlib import Path

from gapmonitor import db
from gapmonitor.accounts import Actor
from gapmonitor.audit import Entry
from gapmonitor.i18n import N_, _
from gapmonitor.sql import identifier

# The words of these constants are English (marked for the catalogue): a page shows one with _(...).
# The Copenhagen Framework on Citizen Data's ladder of citizen participation.
PARTICIPATION = {
    1: N_("Citizens provide data (data subjects only)"),
    2: N_("Citizens collect data designed by others"),
    3: N_("Citizens take part in analysis or interpretation"),
    4: N_("Citizens co-design the data collection"),
    5: N_("Citizens lead: design, collect, analyse and disseminate"),
}
CRITERIA = {
    "relevance": N_("Relevance to the indicator and the group"),
    "methodology": N_("Documented methodology"),
    "accuracy": N_("Accuracy, validated against official or other data"),
    "timeliness": N_("Timeliness"),
    "coherence": N_("Coherence with official definitions and classifications"),
    "ethics": N_("Ethics and informed consent"),
    "confidentiality": N_("Confidentiality of respondents"),
}
SCORES = {0: N_("Not met"), 1: N_("Partly met"), 2: N_("Fully met")}
MAX_SCORE = len(CRITERIA) * max(SCORES)  # a dataset's score is its criteria summed (the view citizen_quality)
REVIEW = (N_("not reviewed"), N_("under review"), N_("endorsed"))  # keys, stored; shown with _()


@dataclass
class Assessment:
    participation_level: int
    relevance: int
    methodology: int
    accuracy: int
    timeliness: int
    coherence: int
    ethics: int
    confidentiality: int
    nso_review: str
    assessment_note: str = ""

    def check(self) -> None:
        if self.participation_level not in PARTICIPATION:
            raise ValueError(_("participation level must be 1 to 5, not {level}", level=repr(self.participation_level)))
        for name in CRITERIA:
            if getattr(self, name) not in SCORES:
                raise ValueError(_("{criterion} must be scored 0, 1 or 2, not {score}", criterion=name,
                                   score=repr(getattr(self, name))))
        if self.nso_review not in REVIEW:
            raise ValueError(_("review status must be one of {statuses}", statuses=", ".join(_(r) for r in REVIEW)))


def who(by: Actor) -> str:
    """How an assessment or mapping names the steward who made it (the audit log keeps the username)."""
    return by.display_name or by.username


def save_assessment(dataset_id: str, assessment: Assessment, path: Path | None = None, *, by: Actor) -> None:
    """Record a steward's assessment of a citizen dataset (with who made it and when)."""
    by.require("review", dataset_id)
    assessment.check()
    fields = [*CRITERIA, "participation_level", "nso_review", "assessment_note"]
    values = [getattr(assessment, f) for f in fields]
    entry = Entry(by, "assessment", dataset_id, dict(zip(fields, values)))
    with db.writing(path, audit=entry) as con:
        if not con.execute("select count(*) from citizen_dataset where dataset_id = ?", [dataset_id]).fetchall()[0][0]:
            raise ValueError(_("no citizen dataset {dataset}", dataset=repr(dataset_id)))
        con.execute(f"update citizen_dataset set {', '.join(f'{identifier(f)} = ?' for f in fields)}, assessed_by = ?, "
                    "assessed_at = current_timestamp where dataset_id = ?", values + [who(by), dataset_id])


def set_thresholds(min_sample_size: int, reliable_sample_size: int, path: Path | None = None, *, by: Actor) -> None:
    """Change the confidentiality threshold (estimates behind fewer are suppressed) and the reliability
    threshold (estimates behind fewer are flagged)."""
    by.require("threshold")
    if not 1 <= min_sample_size <= reliable_sample_size:
        raise ValueError(_("the thresholds need 1 <= suppression threshold <= reliability threshold"))
    entry = Entry(by, "threshold", "setting", {"min_sample_size": min_sample_size,
                                               "reliable_sample_size": reliable_sample_size})
    with db.writing(path, audit=entry) as con:
        entry.detail["before"] = dict(con.execute(  # the log is written after this body, in the same transaction
            "select key, value from setting where key in ('min_sample_size', 'reliable_sample_size')").fetchall())
        con.execute("update setting set value = ? where key = 'min_sample_size'", [min_sample_size])
        con.execute("update setting set value = ? where key = 'reliable_sample_size'", [reliable_sample_size])


# Who counts for which group: a steward's mappings of dimension values and series to groups. A mapping never
# changes observations, only how they are counted (the macro groups_of, schema/release.sql); every change is
# one write, so the derived tables (cell_year, cell) follow in the same transaction. Stored with source
# 'editor', who, when and why; 'reference' rows (data/reference) and 'file' rows (from an import) are not an
# editor's to remove.
NOT_EDITORS = {  # why a mapping of that source is not removed (English; shown with _())
    "reference": N_("it is a reference mapping, shipped in data/reference and written again at every migration; "
                    "editors cannot remove it (change the reference files and their build script instead)"),
    "file": N_("it came with an imported file; editors cannot remove it (remove or re-import that dataset instead)"),
}


def _required(why: str) -> str:
    why = (why or "").strip()
    if not why:
        raise ValueError(_("say why the value denotes the group (the reason is stored with the mapping)"))
    return why


def _check_group(con, group_id: str) -> None:
    known = [g for g, in con.execute("select group_id from population_group order by sort").fetchall()]
    if group_id not in known:
        raise ValueError(_("unknown group {group}: the groups are {groups}", group=repr(group_id),
                           groups=", ".join(known)))
    if group_id == "total":
        raise ValueError(_("'total' is the headline value (observations with no dimension); a dimension value or "
                           "series cannot be mapped to it"))


# A mapping that exists, by its source: without, and with, who made it (English; shown with _()).
EXISTS = {
    "reference": (N_("{mapping} already counts for {group} (reference mapping)"),
                  N_("{mapping} already counts for {group} (reference mapping by {who})")),
    "file": (N_("{mapping} already counts for {group} (file mapping)"),
             N_("{mapping} already counts for {group} (file mapping by {who})")),
    "editor": (N_("{mapping} already counts for {group} (editor mapping)"),
               N_("{mapping} already counts for {group} (editor mapping by {who})")),
}


def _label(dimension: str, value: str) -> str:
    return f"{dimension}={value!r}"


def _add(con, table: str, key: dict, group_id: str, by: str, why: str, label: str) -> None:
    """An editor's row of group_mapping or series_group (`key`: its columns besides the group), refused
    when that mapping exists."""
    where = " and ".join(f"{identifier(c)} = ?" for c in key)
    existing = con.execute(f"select source, mapped_by from {identifier(table)} where {where} and group_id = ?",
                           [*key.values(), group_id]).fetchall()
    if existing:
        source, who = existing[0]
        anonymous, named = EXISTS[source]
        raise ValueError(_(named if who else anonymous, mapping=label, group=group_id, who=who))
    columns = ", ".join(identifier(c) for c in key)
    con.execute(f"insert into {identifier(table)} ({columns}, group_id, reason, source, mapped_by, mapped_at) "
                f"values ({', '.join('?' for _column in key)}, ?, ?, 'editor', ?, current_timestamp)",
                [*key.values(), group_id, why, by])


def _remove(table: str, key: dict, group_id: str, label: str, path: Path | None, by: Actor, shown: str) -> None:
    """Delete an editor's mapping; refused when there is none, or when it is not an editor's. `label` names
    the mapping in the audit log (English), `shown` in a refusal (the session's language)."""
    by.require("map", label)
    where = " and ".join(f"{identifier(c)} = ?" for c in key) + " and group_id = ?"
    entry = Entry(by, "mapping", f"{label} -> {group_id}", {"change": "removed", **key, "group_id": group_id})
    with db.writing(path, audit=entry) as con:
        found = con.execute(f"select source from {identifier(table)} where {where}", [*key.values(), group_id]).fetchall()
        if not found:
            raise ValueError(_("there is no mapping of {mapping} to {group}", mapping=shown, group=repr(group_id)))
        if found[0][0] != "editor":
            raise ValueError(_("{mapping} -> {group} is not removed: {why}", mapping=shown, group=group_id,
                               why=_(NOT_EDITORS[found[0][0]])))
        con.execute(f"delete from {identifier(table)} where {where}", [*key.values(), group_id])


def _added(by: Actor, key: dict, group_id: str, why: str, label: str) -> Entry:
    by.require("map", label)
    return Entry(by, "mapping", f"{label} -> {group_id}", {"change": "added", **key, "group_id": group_id}, why)


def map_value(dimension: str, value: str, group_id: str, why: str, path: Path | None = None, *, by: Actor) -> None:
    """Count the observations with the dimension value `dimension`=`value` for `group_id` (a steward's mapping)."""
    entry = _added(by, {"dimension": dimension, "dim_value": value}, group_id, why, _label(dimension, value))
    why = _required(why)
    with db.writing(path, audit=entry) as con:
        _check_group(con, group_id)
        if not con.execute(
                "select count(*) from (select distinct dims from observation where dims <> '') as o, "
                "unnest(dims_pairs(o.dims)) as t(pair) where pair.dimension = ? and pair.dim_value = ?",
                [dimension, value]).fetchall()[0][0]:
            raise ValueError(_("no observation has {mapping}: a mapping is made for a value in the data (dimension "
                               "and value exactly as written, case included)", mapping=_label(dimension, value)))
        _add(con, "group_mapping", {"dimension": dimension, "dim_value": value}, group_id, who(by), why,
             _label(dimension, value))


def unmap_value(dimension: str, value: str, group_id: str, path: Path | None = None, *, by: Actor) -> None:
    """Remove an editor's mapping of a dimension value to a group; the counts are as before it."""
    label = _label(dimension, value)
    _remove("group_mapping", {"dimension": dimension, "dim_value": value}, group_id, label, path, by, label)


def map_series(series: str, group_id: str, why: str, path: Path | None = None, *, by: Actor) -> None:
    """Count every observation of a series for `group_id`: the series measures the group by definition."""
    entry = _added(by, {"series": series}, group_id, why, f"series {series}")
    why = _required(why)
    with db.writing(path, audit=entry) as con:
        _check_group(con, group_id)
        if not con.execute("select count(*) from observation where series = ?", [series]).fetchall()[0][0]:
            raise ValueError(_("no observation is of series {series}: a mapping is made for a series in the data",
                               series=repr(series)))
        _add(con, "series_group", {"series": series}, group_id, who(by), why, _("series {series}", series=series))


def unmap_series(series: str, group_id: str, path: Path | None = None, *, by: Actor) -> None:
    """Remove an editor's mapping of a series to a group; the counts are as before it."""
    _remove("series_group", {"series": series}, group_id, f"series {series}", path, by,
            _("series {series}", series=series))


def editor_mappings(path: Path | None = None):
    """The editors' mappings, values and series, newest first (a DataFrame: kind, dimension, value, series,
    group_id, reason, mapped_by, mapped_at)."""
    with db.connect(path) as con:
        return con.execute("""
            select 'value' as kind, dimension, dim_value as value, null as series, group_id, reason, mapped_by, mapped_at
            from group_mapping where source = 'editor'
            union all
            select 'series', null, null, series, group_id, reason, mapped_by, mapped_at
            from series_group where source = 'editor'
            order by mapped_at desc, kind, dimension, value, series, group_id
        """).df()
