"""Importing users' files: read one (gapmonitor.formats), check it against the database and show
what would change (a Preview), then write it whole or not at all. The Data page and the command line
both use these functions."""

import hashlib
import os
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

import duckdb
import numpy as np
import pandas as pd
import shapely

from gapmonitor import country_codes, db, group_suggestions, reference, titles
from gapmonitor.accounts import Actor
from gapmonitor.audit import Entry
from gapmonitor.formats import OBSERVATION_COLUMNS, SUBJECTS, Batch, Problem, ReadError, fatal, registry
from gapmonitor.i18n import N_, _, format_number, n_
from gapmonitor.sql import identifier
from gapmonitor.staging import Staged

AREA_COLUMNS = ["code", "local_code", "name", "parent"]  # Batch.new_areas
RESOLVE = Path(__file__).with_name("resolve_import.sql").read_text(encoding="utf-8")


def known_areas(con: duckdb.DuckDBPyConnection) -> set[str]:
    return {c for c, in con.execute("select code from area").fetchall()}


def checksum(path: str | Path, fmt: str | None = None, **options) -> str:
    """What makes an import the same dataset: by default the SHA-256 of the file's bytes (the same file
    imported twice is one dataset); a format can say otherwise (records: the file and how it is read)."""
    own = registry.get(fmt).checksum if fmt else None
    if own is not None:
        return own(path, **{o.name: options.get(o.name) for o in registry.get(fmt).options})
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def detect(path: str | Path, **given) -> str:
    """The name of a file's format (gapmonitor.formats.registry)."""
    return registry.detect(path, given).name


def read(path: str | Path, fmt: str | None = None, *, con: duckdb.DuckDBPyConnection | None = None,
         name: str | None = None, **options) -> Batch:
    """Read a file in the given (or detected) format with the options that format takes (others are
    not used). `name` is the file name to report (uploads); `con` the database, for a format that
    reads against it (citizen records match areas)."""
    path = Path(path)
    given = {k: v for k, v in options.items() if v not in (None, "")}
    form = registry.get(fmt) if fmt else registry.detect(path, given)
    for option in form.required(given):
        raise fatal(name or path, _("a {format} needs {option}", format=_(form.label), option=_(option.help)))
    batch = form.read(path, con, **{o.name: given.get(o.name) for o in form.options})
    if name:
        batch.file = name
        batch.problems = [Problem(p.severity, p.message, name, p.row, p.column, p.value) for p in batch.problems]
    return batch


def load(con: duckdb.DuckDBPyConnection, path: str | Path, fmt: str | None = None, *, name: str | None = None,
         **options) -> "Preview":
    """The way in for the command line and the Data page: read a file and preview it against the
    database. Writes nothing."""
    options = registry.given(options, name or path, con)  # --country GR, EL or Greece: GRC
    batch = read(path, fmt, con=con, name=name, **options)
    return preview(con, batch, checksum(path, batch.format, **options), options.get("country"))


@dataclass
class Preview:
    """What an import would write, and every problem found, before anything is written."""

    batch: Batch
    checksum: str
    country: str | None
    staged: Staged | None = None                                     # observations: where the rows are kept
    to_write: int = 0                                                # observations to write
    indicators: list[str] = field(default_factory=list)              # ... and the indicators they are of
    rejected: int = 0                                                # rows with an error
    new_series: pd.DataFrame = field(default_factory=pd.DataFrame)
    new_areas: pd.DataFrame = field(default_factory=pd.DataFrame)
    problems: list[Problem] = field(default_factory=list)
    already: str | None = None                                       # dataset id if imported before
    summary: dict = field(default_factory=dict)

    @property
    def rows(self) -> pd.DataFrame:
        """The observations to write, each with how it resolved, as one frame: read whole from the staging
        file (tests, and the Data page's look at a small citizen file); the importer itself reads them in SQL."""
        if self.staged is None:
            return pd.DataFrame()
        return self.staged.frame(f"select * exclude (_pos, kept) from ({_kept('main')}) order by _pos")

    @property
    def dataset_id(self) -> str:
        return f"import-{self.checksum[:16]}"

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.severity in ("error", "fatal")]

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "warning"]


def preview(con: duckdb.DuckDBPyConnection, batch: Batch, digest: str, country: str | None = None) -> Preview:
    """Check a batch against the database: resolve areas and series, find duplicates and unmapped
    dimension values, and summarise what would be imported. Writes nothing to the database (observations:
    how each row resolved goes into the import's staging file)."""
    result = Preview(batch=batch, checksum=digest, country=country, problems=list(batch.problems))
    found = con.execute("select dataset_id from dataset where checksum = ?", [digest]).fetchall()
    if found:
        result.already = found[0][0]
    writes = registry.get(batch.format).writes
    if writes == "indicators":
        return _preview_framework(con, result)
    if writes == "boundaries":
        return _preview_boundaries(con, result)
    return _preview_observations(con, result)


def _rejected(batch: Batch) -> int:
    """Rows (or features) a reader left out for an error: apply() refuses them unless accepted."""
    return len({p.row for p in batch.problems if p.severity == "error"})


def _preview_framework(con, result: Preview) -> Preview:
    result.rejected = _rejected(result.batch)
    new = result.batch.indicators
    con.register("incoming", new)
    changed = con.execute("""
        select count(*) filter (where i.code is null), count(*) filter (where i.title <> n.title or i.tier <> n.tier)
        from incoming as n left join indicator as i using (code)
    """).fetchall()[0]
    con.unregister("incoming")
    result.summary = {"indicators": len(new), "goals": new.goal.nunique(), "new indicators": changed[0],
                      "indicators whose title or tier changes": changed[1], "rows rejected": result.rejected}
    return result


def _preview_boundaries(con, result: Preview) -> Preview:
    batch = result.batch
    gdf = batch.boundaries
    # the reader counts the features it refused: another country's are refused together, in one error
    result.rejected = batch.summary.get("features rejected", _rejected(batch))
    known = set(con.execute("select parent, local_code from area where kind = 'subnational'").fetchall())
    new = [(parent, code) not in known for parent, code in zip(gdf.parent, gdf.code)]
    result.new_areas = pd.DataFrame({"parent": gdf.parent, "local_code": gdf.code, "name": gdf.name}).loc[new]
    per_country = gdf.parent.value_counts().sort_index()
    result.summary = {"areas": len(gdf), "new areas": len(result.new_areas), "features rejected": result.rejected,
                      "areas per country": ", ".join(f"{c} {n}" for c, n in per_country.items())}
    return result


def _preview_observations(con, result: Preview) -> Preview:
    """The rows stay in their staging file (the reader's, or one made here from its frame), attached to
    con while the preview reads them; how each resolved is written there too, for the writer. con is a
    connection of db.connect (an instance that can attach a file to write)."""
    result.staged = result.batch.staged or _stage(result.batch.observations)
    with result.staged.attached(con, read_only=False) as alias:
        con.execute(f"create or replace temp view incoming as select * from {identifier(alias)}.incoming")
        try:
            _check_observations(con, result, alias)
        finally:
            for view in ("resolved", "resolution", "incoming"):
                con.execute(f"drop view if exists {view}")
    return result


def _stage(observations: pd.DataFrame) -> Staged:
    """A reader's frame of observations in a staging file of its own, as `incoming` with `_pos`."""
    staged = Staged()
    frame = _incoming(observations)
    with staged.connect() as con:
        con.register("frame", frame.assign(_pos=np.arange(len(frame))))
        con.execute("create table incoming as select * from frame")
    return staged


def _kept(alias: str) -> str:
    """The rows to write (no error) with how each resolved, from the staging file attached as `alias`
    ('main' on the file's own connection)."""
    rows = identifier(alias)
    return f"select * from {rows}.incoming as i join {rows}.resolution as r using (_pos) where r.kept"


def _check_observations(con, result: Preview, alias: str) -> None:
    """The preview's checks, on the staging file attached as `alias`: the problems, new series and areas,
    unmapped groups, the rows rejected and the summary, into result."""
    batch, rows = result.batch, identifier(alias)
    brought = batch.new_areas if batch.new_areas is not None else pd.DataFrame(columns=AREA_COLUMNS)
    con.register("batch_areas", brought[AREA_COLUMNS].astype("string"))
    con.execute(f"""
        create or replace table {rows}.resolution as
        select *, (area_code is not null or new_area) and series_indicator is not null and first_row = row as kept
        from ({RESOLVE})
    """, {"country": result.country, "aliases": str(country_codes.ALIASES)})
    con.unregister("batch_areas")
    con.execute(f"create or replace temp view resolution as select * from {rows}.resolution")
    # each row with its resolution; the queries below that scan every row read one side only
    con.execute("create or replace temp view resolved as "
                "select i.*, r.* exclude (_pos, row) from incoming as i join resolution as r using (_pos)")

    # the query says which problem (and its detail); the message is written here, in the interface's language
    unknown_area = {"m49": _("unknown area code (not an M49 country or region)"),
                    "iso3": _("unknown area code (not an ISO alpha-3 code of an M49 country)"),
                    None: _("unknown area code (not a country; choose the country of a national file to read it as "
                            "subnational)")}
    for row, column, value, problem, detail in con.execute("""
        select row, column_name, value, problem, detail from (
            select row, 'area' as column_name, area as value, 'area' as problem,
                case when area_scheme in ('m49', 'iso3') then area_scheme end as detail
            from resolved where area_code is null and not new_area
            union all
            select row, 'series', series, 'indicator', nullif(indicator, '')
            from resolved where series_indicator is null
            union all
            select row, 'series', series || ' ' || area || ' ' || dims || ' ' || time_detail, 'duplicate',
                first_row::varchar
            from resolved where first_row <> row
        ) order by row
    """).fetchall():
        if problem == "area":
            message = unknown_area[detail]
        elif problem == "indicator":
            message = (_("the indicator of this new series is unknown ({indicator})", indicator=detail) if detail
                       else _("the indicator of this new series is unknown (none given)"))
        else:
            message = _("duplicate observation: same series, area, group dimensions and period as row {row}",
                        row=detail)
        result.problems.append(Problem("error", message, batch.file, row, _source_column(batch, column), value))

    result.new_series = con.execute("""
        select distinct series as code, series_indicator as indicator, series_description as description, unit
        from resolved where new_series and series_indicator is not null order by code
    """).df()
    for s in result.new_series.itertuples():
        result.problems.append(Problem("warning", _("unknown series: added to the catalogue under indicator {indicator}",
                                                    indicator=s.indicator),
                                       batch.file, None, _source_column(batch, "series"), s.code))
    result.new_areas = con.execute("""
        -- a code may come with several names (rows for parts of it): the most frequent names it, and of
        -- names as frequent, the one met first in the file
        with names as (
            select new_area_code as code, coalesce(nullif(area_name, ''), area) as name, count(*) as n, min(row) as first,
                any_value(area) as local_code, any_value(new_area_kind) as kind,
                any_value(try_cast(case when area_scheme = 'm49' then area end as integer)) as m49
            from resolved where new_area group by all
        )
        select code, any_value(local_code) as local_code, first(name order by n desc, first) as name,
            any_value(kind) as kind, any_value(m49) as m49,
            case when any_value(kind) = 'subnational' then $country::varchar end as parent
        from names group by code order by code
    """, {"country": result.country}).df()
    if batch.new_areas is not None and len(batch.new_areas):  # the areas a reader found that rows use
        used = {c for c, in con.execute("select distinct area_code from resolution").fetchall()}
        brought = batch.new_areas.assign(kind="subnational", m49=pd.NA)
        brought = brought[brought.code.isin(used) & ~brought.code.isin(known_areas(con))]
        result.new_areas = pd.concat([result.new_areas, brought[list(result.new_areas.columns)]], ignore_index=True)
    for a in result.new_areas.itertuples():
        added = (_("new area {name!r}: added as a region (not drawn on maps)", name=a.name) if a.kind == "region"
                 else _("new area {name!r}: added as a subnational area of {country}", name=a.name, country=a.parent))
        result.problems.append(Problem("warning", added, batch.file, None, _source_column(batch, "area"), a.local_code))
    for row, year, counted in con.execute(
            "select row, year, bit_year(year) from incoming where year <> bit_year(year) order by row").fetchall():
        result.problems.append(Problem("warning", _("year {year} is outside the years the gap rules tell apart: "
                                                    "kept, and counted as {counted} in them", year=year,
                                                    counted=counted), batch.file, row,
                                       _source_column(batch, "year"), str(year)))
    con.register("batch_groups", _batch_groups(batch))
    for dimension, value, n in con.execute("""
        with keys as (select dims, count(*) as n from incoming where dims <> '' group by dims),  -- few: split each once
        parts as (select unnest(dims_pairs(dims)) as pair, n from keys)
        select pair.dimension, pair.dim_value, sum(n) from parts
        where (pair.dimension, pair.dim_value) not in (
            select (dimension, dim_value) from group_mapping union all select (dimension, dim_value) from batch_groups)
        group by all order by 1, 2
    """).fetchall():
        suggested = _suggested(group_suggestions.for_value(dimension, value))
        # English says "rows" whatever the count, as it always has; a translation has its plural forms
        message = (n_("dimension value maps to no population group ({n} rows): kept, counted for no group; an "
                      "editor can map it (Data page, or python -m gapmonitor map); suggested: {suggestions}",
                      "dimension value maps to no population group ({n} rows): kept, counted for no group; an "
                      "editor can map it (Data page, or python -m gapmonitor map); suggested: {suggestions}",
                      n, suggestions=suggested) if suggested else
                   n_("dimension value maps to no population group ({n} rows): kept, counted for no group",
                      "dimension value maps to no population group ({n} rows): kept, counted for no group", n))
        result.problems.append(Problem("warning", message, batch.file, None, dimension, value))
    for series, description, indicator, n in con.execute("""
        -- series new to the database that measure no group by definition, as far as the database knows
        select series, any_value(coalesce(nullif(series_description, ''), '')), any_value(series_indicator), count(*)
        from resolved
        where new_series and series_indicator is not null and series not in (select series from series_group)
        group by series order by series
    """).fetchall():
        if series in reference.official_series():
            continue  # the official list says which group it measures, or that it measures everyone
        suggested = _suggested(group_suggestions.for_series(series, description, indicator))
        message = (n_("series that, as far as the database knows, measures no population group of its own ({n} "
                      "rows): counted for its dimensions' groups only; an editor can map it (Data page, or python -m "
                      "gapmonitor map); suggested: {suggestions}",
                      "series that, as far as the database knows, measures no population group of its own ({n} "
                      "rows): counted for its dimensions' groups only; an editor can map it (Data page, or python -m "
                      "gapmonitor map); suggested: {suggestions}", n, suggestions=suggested)
                   if suggested else
                   n_("series that, as far as the database knows, measures no population group of its own ({n} "
                      "rows): counted for its dimensions' groups only",
                      "series that, as far as the database knows, measures no population group of its own ({n} "
                      "rows): counted for its dimensions' groups only", n))
        result.problems.append(Problem("warning", message, batch.file, None, _source_column(batch, "series"), series))

    bad = {row for row, in con.execute("select distinct row from resolution where not kept").fetchall()}
    if "rows rejected" in batch.summary:  # records: the reader counts the records it left out for an error
        result.rejected = batch.summary["rows rejected"] + len(bad)
    else:
        result.rejected = len(bad | {p.row for p in batch.problems if p.severity == "error"})
    result.indicators = [i for i, in con.execute(
        f"select distinct series_indicator from ({_kept(alias)}) order by 1").fetchall()]
    result.summary = _summary(con, result, alias)


def _suggested(groups: list[tuple[str, str]]) -> str:
    """A preview's hint: the group(s) an editor could map a value or series to, and why ("" for none)."""
    return "; ".join(f"{group} ({why})" for group, why in groups)


TEXT_COLUMNS = ["series", "series_description", "indicator", "unit", "area", "area_name", "area_scheme", "dims", "nature",
                "source", "footnote"]
BLANK_AS_EMPTY = ["series_description", "indicator", "unit", "area_name", "dims", "nature", "source", "footnote"]


def _incoming(observations: pd.DataFrame) -> pd.DataFrame:
    """A reader's observations as DuckDB is to read them: every column, text columns as text (a column
    of blanks can come as floats) with '' for blank, sample sizes as integers. Arrow-backed columns
    (the UN SDG reader's) are typed already and left as they are unless they hold a blank: converting
    them would copy a million cells for nothing."""
    obs = observations.reindex(columns=OBSERVATION_COLUMNS + ["footnote"])
    arrow = {c for c in obs.columns if isinstance(obs[c].dtype, pd.ArrowDtype)}
    if "sample_size" not in arrow:
        obs["sample_size"] = pd.to_numeric(obs.sample_size).astype("Int64")
    obs = obs.astype({c: "string" for c in TEXT_COLUMNS if c not in arrow})
    return obs.fillna({c: "" for c in BLANK_AS_EMPTY if c not in arrow or obs[c].hasnans})


def _summary(con, result: Preview, alias: str) -> dict:
    s = con.execute(f"""
        select count(*), count(distinct series), count(distinct coalesce(area_code, new_area_code)), min(year), max(year)
        from ({_kept(alias)})
    """).fetchall()[0]
    result.to_write = s[0]
    groups = con.execute("""
        with parts as (select unnest(dims_pairs(dims)) as pair from (select distinct dims from incoming where dims <> '')),
        mapping as (select dimension, dim_value, group_id from group_mapping union all select * from batch_groups),
        found as (
            select m.group_id from parts join mapping as m
                on m.dimension = parts.pair.dimension and m.dim_value = parts.pair.dim_value
            union all  -- and the groups its series measure by definition
            select group_id from series_group where series in (select distinct series from incoming)
        )
        select distinct g.label from found join population_group as g using (group_id) order by g.label
    """).fetchall()
    con.unregister("batch_groups")
    # a reader that counts its own rejected rows says so (records: the records left out for an error,
    # not the problems that name them, one per area name)
    return {**result.batch.summary, "rows to import": s[0], "rows rejected": result.rejected, "series": s[1], "areas": s[2],
            "years": f"{s[3]}–{s[4]}" if s[3] is not None else "", "groups found": ", ".join(titles.group(g) for g, in groups) or _("none")}


def _batch_groups(batch: Batch) -> pd.DataFrame:
    """The group mapping rows a file brings (citizen records: 'Wealth group=Hanging-in' -> poorest)."""
    empty = pd.DataFrame({"dimension": [], "dim_value": [], "group_id": []}, dtype="string")
    return empty if batch.group_mapping is None else batch.group_mapping[list(empty.columns)].astype("string")


def _source_column(batch: Batch, column: str) -> str:
    """The name a format gives the column a problem is about."""
    return registry.get(batch.format).columns.get(column, column)


def apply(result: Preview, *, by: Actor, title: str, source: str, licence: str = "", kind: str = "official",
          description: dict | None = None, accept_rejected: bool = False, path: Path | None = None) -> str:
    """Write a previewed import whole, as one dataset; return its id. Nothing is written if the file
    was imported before (same checksum), or if rows were rejected and accept_rejected is False.
    Citizen data needs its description (producer, producer_type, method; collection_start and
    collection_end as dates): `description`, over what the file itself says (Batch.dataset).
    `by` must be a steward, or a contributor submitting citizen data for review (status 'submitted')."""
    form = registry.get(result.batch.format)
    kind = form.kind or kind  # citizen records and the template are citizen data; the framework is reference
    # a contributor may only submit citizen observations for review: official data, boundaries or a
    # framework, or anything published at once, needs a steward
    submitting = kind == "citizen" and form.writes == "observations" and (description or {}).get("status") == "submitted"
    by.require("submit" if submitting else "import", result.batch.file)
    if submitting:  # who submits is the signed-in account, whatever the caller wrote
        description = {**description, "submitted_by": by.username}
    if result.already:
        return result.already
    if stopping := refusal(result, accept_rejected):
        raise ImportRefused(stopping)
    if not title.strip() or not source.strip():
        raise ValueError(_("an import needs a title and a source"))
    about = citizen_description(result.batch, description) if kind == "citizen" else None
    try:
        entry = Entry(by, "import", result.dataset_id, {
            "title": title.strip(), "source": source.strip(), "kind": kind, "format": result.batch.format,
            "file": result.batch.file, "checksum": result.checksum, "status": (about or {}).get("status")})
        with db.writing(path, indicators=_changed_indicators(result), audit=entry) as con:
            _write(con, result, form, kind, title, source, licence, about)
    except _ImportedMeanwhile as found:
        result.already = found.dataset_id  # another writer imported the same file while this one waited
    return result.already or result.dataset_id


class _ImportedMeanwhile(Exception):
    """Raised inside the writer's turn to leave it without writing: the file is in the database now."""

    def __init__(self, dataset_id: str):
        self.dataset_id = dataset_id


def _recheck(con, result: Preview) -> None:
    """What the preview checked against the database, checked again in the writer's turn on the
    database as it is now (another import may have been written since the preview): the same file
    imported, or an area or series the rows use removed. New areas and series another import added
    meanwhile are not added twice (the writers insert only what is missing)."""
    found = con.execute("select dataset_id from dataset where checksum = ?", [result.checksum]).fetchall()
    if found:
        raise _ImportedMeanwhile(found[0][0])
    if registry.get(result.batch.format).writes != "observations" or not result.to_write:
        return
    # the areas this file brings (citizen records' ISO 3166-2 or reviewed names) are not in the database yet
    brought = list(result.new_areas.code) if "code" in result.new_areas else []
    kept = _kept(result.staged.alias)
    gone = con.execute(f"""
        select 'area', area_code from ({kept})
        where area_code is not null and area_code not in (select code from area) and area_code not in (select unnest(?))
        union all
        select 'series', series from ({kept}) where not new_series and series not in (select code from series)
        limit 1
    """, [brought]).fetchall()
    if gone:
        what, value = gone[0]
        message = (_("the area was removed from the database after this file was checked: check the file again")
                   if what == "area" else
                   _("the series was removed from the database after this file was checked: check the file again"))
        raise ImportRefused([Problem("error", message, result.batch.file, None, _source_column(result.batch, what),
                                     value)])


def _write(con, result: Preview, form, kind: str, title: str, source: str, licence: str, about: dict | None) -> None:
    """Write a previewed import on a writer's connection (db.writing), after checking it again there."""
    if result.staged is not None:  # its rows, read from their staging file (let go when con closes)
        result.staged.attach(con)
    _recheck(con, result)
    con.execute("insert into dataset (dataset_id, kind, title, source, licence, is_demo, file_name, checksum) "
                "values (?, ?, ?, ?, ?, false, ?, ?)",
                [result.dataset_id, kind, title.strip(), source.strip(), licence.strip(), result.batch.file,
                 result.checksum])
    # looked up at each call, not kept in a table: tests replace a writer to simulate a failure
    {"indicators": _write_framework, "boundaries": _write_boundaries,
     "observations": _write_observations}[form.writes](con, result)
    if about:
        # A contributor's submission (status 'submitted', gapmonitor/submissions.py) is under the office's
        # review from now, and its history starts with a 'submitted' row. A new version joins its lineage
        # and is numbered here, in the writers' turn, after the versions already there.
        submitted = about["status"] == "submitted"
        con.execute("""
            insert into citizen_dataset (dataset_id, producer, producer_type, method, collection_start, collection_end,
                subject, status, nso_review, submitted_by, lineage, version, consent_basis)
            select $dataset, $producer, $producer_type, $method, $start, $end, $subject, $status, $nso_review,
                $submitted_by, $lineage::varchar,
                coalesce((select max(version) from citizen_dataset where $lineage::varchar in (dataset_id, lineage)), 0) + 1,
                $consent_basis
        """, {"dataset": result.dataset_id, "producer": about["producer"], "producer_type": about["producer_type"],
              "method": about["method"], "start": about.get("collection_start") or None,
              "end": about.get("collection_end") or None, "subject": about["subject"], "status": about["status"],
              "nso_review": "under review" if submitted else "not reviewed", "submitted_by": about.get("submitted_by"),
              "lineage": about.get("lineage"), "consent_basis": about.get("consent_basis")})
        if submitted:
            con.execute("insert into review (dataset_id, by_account, decision, reasons) values (?, ?, 'submitted', ?)",
                        [result.dataset_id, about["submitted_by"], about.get("note") or None])


def _changed_indicators(result: Preview) -> list[str] | None:
    """The indicators whose gap evidence an import of observations changes, so that only theirs is
    rebuilt. None (rebuild all) for other imports, and for a file that maps dimension values to groups:
    that can give rows of any indicator a group."""
    if registry.get(result.batch.format).writes != "observations" or len(_batch_groups(result.batch)):
        return None
    return result.indicators


def citizen_description(batch: Batch, given: dict | None) -> dict:
    """The description of a citizen dataset: what the caller gives, over what the file says; a
    ValueError names what is missing or wrong. Its subject (what the records are about) is 'people'
    unless someone says 'places'."""
    # who submits, and as what, is the caller's to say, never the file's
    about = {k: v for k, v in (batch.dataset or {}).items()
             if v not in (None, "") and k not in ("status", "submitted_by", "lineage", "note")}
    about.update({k: v for k, v in (given or {}).items() if v not in (None, "")})
    missing = [k for k in ("producer", "producer_type", "method") if not str(about.get(k, "")).strip()]
    if missing:
        raise ValueError(_("citizen data needs its {fields} (who produced it, what kind of producer, how)",
                           fields=", ".join(missing)))
    about["subject"] = str(about.get("subject", "people")).strip().lower()
    if about["subject"] not in SUBJECTS:
        raise ValueError(_("the subject of citizen data is 'people' (people or households: small estimates are "
                           "suppressed) or 'places' (places or things: nothing is suppressed), not {subject!r}",
                           subject=about["subject"]))
    # a steward's import is published at once; a contributor's upload is a submission (gapmonitor/submissions.py)
    about["status"] = str(about.get("status", "published")).strip()
    if about["status"] not in ("published", "submitted"):
        raise ValueError(_("a citizen dataset is imported 'published' or 'submitted' for review, not {status!r}",
                           status=about["status"]))
    if about["status"] == "submitted" and not str(about.get("submitted_by", "")).strip():
        raise ValueError(_("a submission needs the account that submits it"))
    about["consent_basis"] = str(about.get("consent_basis", "")).strip() or None
    return about


def _write_framework(con, result: Preview) -> None:
    con.register("incoming", result.batch.indicators)
    con.execute("""
        update indicator set goal = n.goal, target = n.target, title = n.title, tier = n.tier, custodian = n.custodian
        from incoming as n where indicator.code = n.code
    """)
    con.execute("""
        insert into indicator
        select code, goal, target, title, tier, custodian, indicator_sort_key(code) from incoming
        where code not in (select code from indicator)
    """)
    con.unregister("incoming")


def _write_boundaries(con, result: Preview) -> None:
    gdf = result.batch.boundaries
    points = gdf.geometry.representative_point()
    frame = pd.DataFrame({"parent": gdf.parent.astype(str), "local_code": gdf.code.astype(str),
                          "name": gdf.name.astype(str), "geometry": shapely.to_geojson(gdf.geometry.to_numpy()),
                          "lat": points.y, "lon": points.x})
    con.register("incoming", frame)
    params = {"dataset": result.dataset_id}
    # each feature an area of its own country (parent); a new one remembers this import, which remove takes away
    con.execute("""
        insert into area (code, local_code, name, kind, parent, lat, lon, added_by)
        select parent || '-' || local_code, local_code, name, 'subnational', parent, lat, lon, $dataset
        from incoming as i
        where not exists (select 1 from area as a
                          where a.kind = 'subnational' and a.parent = i.parent and a.local_code = i.local_code)
    """, params)
    con.execute("""
        update area set geometry = i.geometry, lat = i.lat, lon = i.lon, boundary_dataset = $dataset
        from incoming as i
        where area.parent = i.parent and area.kind = 'subnational' and area.local_code = i.local_code
    """, params)
    con.unregister("incoming")


def _write_observations(con, result: Preview) -> None:
    con.register("new_series", result.new_series)
    con.execute("insert into series select code, indicator, description, unit, null from new_series "
                "where code not in (select code from series)")  # another import may have added it since the preview
    con.unregister("new_series")
    con.register("new_areas", result.new_areas)
    con.execute("""
        insert into area (code, local_code, m49, name, kind, parent, added_by)
        select code, local_code, m49, name, kind, parent, $dataset from new_areas
        where code not in (select code from area)  -- another import may have added it since the preview: its own
    """, {"dataset": result.dataset_id})
    con.unregister("new_areas")
    con.register("new_groups", _batch_groups(result.batch))
    con.execute("""
        insert into group_mapping (dimension, dim_value, group_id, reason, source, mapped_at)
        select dimension, dim_value, group_id, 'given with ' || $file, 'file', current_timestamp from new_groups
        where (dimension, dim_value, group_id) not in (select (dimension, dim_value, group_id) from group_mapping)
    """, {"file": result.batch.file})
    con.unregister("new_groups")
    con.execute(f"""
        insert into observation (dataset_id, series, area, dims, year, time_detail, value, lower_bound, upper_bound,
                                 nature, source, footnote, sample_size)
        select $dataset, series, coalesce(area_code, new_area_code), dims, year, time_detail, value,
            lower_bound, upper_bound, nullif(nature, ''), nullif(source, ''), nullif(footnote, ''), sample_size
        from ({_kept(result.staged.alias)})
    """, {"dataset": result.dataset_id})
    # The preview rejects duplicates; this keeps the rule whatever the way in (observation has no index).
    twice = con.execute("""
        select series, area, dims, time_detail from observation where dataset_id = $dataset
        group by all having count(*) > 1 order by all limit 1
    """, {"dataset": result.dataset_id}).fetchall()
    if twice:
        raise ImportRefused([Problem("error", _("duplicate observation: same series, area, group dimensions and "
                                                "period as another row"), result.batch.file, None, None,
                                     " ".join(twice[0]))])


def remove(dataset_id: str, path: Path | None = None, *, by: Actor) -> None:
    """Remove an imported dataset and what it added: its observations, the areas it added that nothing
    else uses, the shapes it gave; demo data cannot be removed. `by` must be a steward."""
    by.require("remove", dataset_id)
    with db.writing(path, audit=Entry(by, "remove", dataset_id)) as con:
        found = con.execute("select is_demo from dataset where dataset_id = ?", [dataset_id]).fetchall()
        if not found:
            raise ValueError(_("no dataset {dataset!r}", dataset=dataset_id))
        if found[0][0]:
            raise ValueError(_("the demo data cannot be removed"))
        con.execute("delete from observation where dataset_id = ?", [dataset_id])
        # The areas it added go, but those another dataset needs (its observations are there, or a later
        # import gave the shape) stay and become that dataset's, to go when nothing needs them any more.
        con.execute("""
            delete from area
            where added_by = $dataset and coalesce(boundary_dataset, $dataset) = $dataset
                and not exists (select 1 from observation as o where o.area = area.code)
        """, {"dataset": dataset_id})
        con.execute("""
            update area set added_by = coalesce(
                (select min(o.dataset_id) from observation as o where o.area = area.code),
                nullif(boundary_dataset, $dataset))
            where added_by = $dataset
        """, {"dataset": dataset_id})
        # The shapes it gave go, and the points taken from them: only boundaries give a subnational area
        # either, so the area is as before (a shape an earlier import gave is not kept: it is gone too).
        con.execute("update area set geometry = null, lat = null, lon = null, boundary_dataset = null "
                    "where boundary_dataset = ?", [dataset_id])
        con.execute("delete from citizen_dataset where dataset_id = ?", [dataset_id])
        con.execute("delete from dataset where dataset_id = ?", [dataset_id])


class ImportRefused(Exception):
    """An import that would not land whole: the problems say why."""

    def __init__(self, problems: list[Problem]):
        self.problems = problems
        shown = "\n".join(str(p) for p in problems[:20])
        more = "\n" + _("… and {count} more", count=format_number(len(problems) - 20)) if len(problems) > 20 else ""
        super().__init__(n_("{n} problem(s) stop this import:", "{n} problem(s) stop this import:", len(problems))
                         + f"\n{shown}{more}")


# ---------------------------------------------------------------------------------------------
# Several files in one go (the command line's `import A B folder/ 'x/*.csv' data.zip`, the Data page's
# "Import all"): each file is read, previewed and written on its own, all or nothing per file, and
# one summary says what became of each.

ZIP_DATA_FOLDER = "zip"  # where a zip of data files is unpacked, inside the caller's scratch folder


@dataclass
class Item:
    """One file of a several-file import: `name` as messages show it (`archive.zip:member.csv` for a
    member of a zip), `path` the file to read, `group` the folder or zip it came from (a structure file
    serves the data files of its own group), `note` why it is not read (no such file, skipped)."""

    name: str
    path: Path | None
    group: str = ""
    structure: bool = False      # an SDMX structure message: a data file's --structure, not data
    note: str = ""               # set: not read, for this reason
    skipped: bool = False        # not read on purpose (not a data file): no failure


@dataclass
class Outcome:
    """What became of one file: its preview (when it was read) and a result for the summary."""

    item: Item
    format: str = ""
    rows: int | None = None
    rejected: int | None = None
    result: str = ""
    ok: bool = False             # imported, already there, or skipped on purpose
    preview: "Preview | None" = None
    dataset: str | None = None


def data_suffixes() -> set[str]:
    """The suffixes of the files a folder is read for: those the formats read, and .zip."""
    return {s for f in registry.formats() for s in f.suffixes} | {".zip"}


def is_structure_message(path: str | Path) -> bool:
    """An SDMX-ML structure message (a DSD with its codelists), not data: its root is `Structure`."""
    path = Path(path)
    if path.suffix.lower() != ".xml" or not path.is_file():
        return False
    import xml.etree.ElementTree as ET

    try:
        for _event, element in ET.iterparse(path, events=("start",)):
            return element.tag.rsplit("}", 1)[-1] == "Structure"
    except ET.ParseError:
        return False
    return False


def _zip_members(path: Path) -> list[str] | None:
    """The file members of a zip of data files; None when the file is not a zip or is a zipped
    shapefile (one boundaries file, read whole by gapmonitor/formats/boundaries.py)."""
    import zipfile

    if path.suffix.lower() != ".zip" or not zipfile.is_zipfile(path):
        return None
    with zipfile.ZipFile(path) as zf:
        names = [i.filename for i in zf.infolist() if not i.is_dir()]
    if any(n.lower().endswith(".shp") for n in names):
        return None
    return [n for n in names if not n.startswith("__MACOSX/") and not PurePosixPath(n).name.startswith(".")]


def _zip_state(path: Path) -> str | None:
    """Why a .zip cannot be unpacked (not a zip, a damaged one), or None."""
    import zipfile

    try:
        with zipfile.ZipFile(path) as zf:
            bad = zf.testzip()
    except (zipfile.BadZipFile, OSError) as e:
        return _("not a readable zip ({error})", error=e)
    return None if bad is None else _("a damaged zip (member {member} does not match its checksum)", member=bad)


def is_data_zip(path: str | Path) -> bool:
    """A zip of data files (each imported on its own), not a zipped shapefile."""
    return Path(path).is_file() and _zip_members(Path(path)) is not None


def _unzip(path: Path, scratch: Path, name: str) -> list[Item]:
    """Each member of a zip of data files, unpacked into the scratch folder; an unsafe member (absolute
    or with '..') is not unpacked, and says so."""
    import zipfile

    folder = scratch / ZIP_DATA_FOLDER / hashlib.sha256(str(path.resolve()).encode()).hexdigest()[:12]
    items = []
    with zipfile.ZipFile(path) as zf:
        for member in sorted(_zip_members(path)):
            shown = f"{name}:{member}"
            parts = PurePosixPath(member.replace("\\", "/")).parts
            if member.startswith(("/", "\\")) or (len(member) > 1 and member[1] == ":") or ".." in parts:
                items.append(Item(shown, None, name, note=_("an unsafe path in the zip (absolute or '..'): not unpacked")))
                continue
            if PurePosixPath(member).suffix.lower() not in data_suffixes() - {".zip"}:
                items.append(Item(shown, None, name, note=_("not a data file (by its suffix)"), skipped=True))
                continue
            target = folder.joinpath(*parts)
            target.parent.mkdir(parents=True, exist_ok=True)
            if not (target.is_file() and target.stat().st_size == zf.getinfo(member).file_size):
                aside = target.with_name(f".{target.name}.{os.getpid()}")  # renamed whole: never read half
                with zf.open(member) as src, open(aside, "wb") as out:
                    while block := src.read(1 << 20):
                        out.write(block)
                os.replace(aside, target)
            items.append(Item(shown, target, name, structure=is_structure_message(target)))
    return items


def expand(paths: list[str | Path], scratch: str | Path) -> list[Item]:
    """The files a several-file import reads, in order: a file as given; a folder's files, sorted by
    name (not its subfolders: a folder tree often holds other tools' inputs and outputs, and importing
    them unasked would write datasets nobody chose; name a subfolder to import it); a glob's matches,
    sorted (a quoted glob the shell did not expand); a zip of data files unpacked into `scratch`, each
    member an item named `archive.zip:member.csv` (a zipped shapefile stays one boundaries file). A
    path that is none of these is an item with a note that says so."""
    import glob

    scratch = Path(scratch)
    suffixes = data_suffixes()
    items: list[Item] = []

    def one(path: Path, name: str, group: str, named: bool) -> None:
        if path.is_dir():
            items.append(Item(name, None, group, note=_("a folder inside the folder: not read (name it to import it)"),
                              skipped=True))
        elif path.suffix.lower() == ".zip" and (broken := _zip_state(path)) is not None:
            items.append(Item(name, None, group, note=broken))
        elif is_data_zip(path):
            items.extend(_unzip(path, scratch, name))
        elif not named and (path.name.startswith(".") or path.suffix.lower() not in suffixes):
            items.append(Item(name, None, group, note=_("not a data file (by its suffix)"), skipped=True))
        else:
            items.append(Item(name, path, group, structure=is_structure_message(path)))

    for given in paths:
        path = Path(given)
        if path.is_dir():
            for child in sorted(path.iterdir(), key=lambda p: p.name):
                if not child.name.startswith("."):
                    one(child, child.name, str(path), named=False)
        elif path.exists():
            one(path, path.name, str(path.parent), named=True)
        elif glob.has_magic(str(given)):
            matches = sorted(glob.glob(str(given)))
            if not matches:
                items.append(Item(str(given), None, "", note=_("no file matches this pattern")))
            for match in matches:
                m = Path(match)
                if m.is_dir():
                    items.append(Item(m.name, None, str(m.parent), note=_("a folder: not read (name it to import it)"),
                                      skipped=True))
                else:
                    one(m, m.name, str(m.parent), named=True)
        else:
            items.append(Item(str(given), None, "", note=_("no such file or folder")))
    return items


def _structures(items: list[Item]) -> dict[str, Path]:
    """The structure file each group's data files are read with: the group's only structure message
    (or the only one of all, for a group that has none)."""
    by_group: dict[str, list[Path]] = {}
    for item in items:
        if item.structure and item.path is not None:
            by_group.setdefault(item.group, []).append(item.path)
    every = [p for paths in by_group.values() for p in paths]
    found = {g: paths[0] for g, paths in by_group.items() if len(paths) == 1}
    return {"": every[0]} | found if len(every) == 1 else found


def _counted(preview: Preview) -> int:
    """The rows (indicators, areas) an import writes."""
    writes = registry.get(preview.batch.format).writes
    if writes == "indicators":
        return len(preview.batch.indicators)
    if writes == "boundaries":
        return len(preview.batch.boundaries)  # the reader leaves rejected features out
    return preview.to_write


NOTHING_TO_IMPORT = N_("nothing to import: no row of the file has a value that can be imported (see the rows skipped)")


def refusal(preview: Preview, accept_rejected: bool = False) -> list[Problem]:
    """The problems that stop an import (apply refuses it for them): fatal ones, else the rejected rows'
    errors unless they are accepted, or nothing to write; [] when it can be written."""
    fatal_problems = [p for p in preview.problems if p.severity == "fatal"]
    if fatal_problems:
        return fatal_problems
    if preview.rejected and not accept_rejected:
        return preview.errors or [Problem("error", n_("{n} row(s) rejected", "{n} row(s) rejected", preview.rejected),
                                          preview.batch.file)]
    if not _counted(preview):  # an empty dataset would say the file was imported, and show nothing
        return [Problem("fatal", _(NOTHING_TO_IMPORT), preview.batch.file)]
    return []


def preview_each(items: list[Item], load_one, fmt: str | None = None, **options):
    """Each item with its preview, one at a time (a generator: the caller writes one before the next is
    previewed, so the next sees it). `load_one(path, fmt, name, **options) -> Preview` reads a file
    against the database (importer.load on a connection, or ui.import_preview). A file that cannot be
    read is an Outcome with the reason; it stops nothing."""
    structures = {} if options.get("structure") else _structures(items)
    users: dict[Path, list[str]] = {}
    for item in items:
        if item.path is not None and not item.structure and item.path.suffix.lower() == ".xml":
            used = structures.get(item.group) or structures.get("")
            if used is not None:
                users.setdefault(used, []).append(item.name)
    for item in items:
        if item.note:
            yield Outcome(item, result=_("skipped: {reason}", reason=item.note) if item.skipped
                          else _("not read: {reason}", reason=item.note), ok=item.skipped)
            continue
        if item.structure:
            served = users.get(item.path, [])
            why = (_("used as the structure of {files}", files=", ".join(served)) if served else
                   _("--structure given") if options.get("structure") else _("no data file here to read with it"))
            yield Outcome(item, format=_("sdmx structure"),
                          result=_("skipped: an SDMX structure message, not data ({why})", why=why), ok=True)
            continue
        given = dict(options)
        used = structures.get(item.group) or structures.get("")
        if used is not None and item.path.suffix.lower() == ".xml":
            given["structure"] = used
        try:
            preview = load_one(item.path, fmt, item.name, **given)
        except ReadError as e:
            yield Outcome(item, result=_("not read: {reason} (row {row})", reason=e.problem.message, row=e.problem.row)
                          if e.problem.row is not None else _("not read: {reason}", reason=e.problem.message))
            continue
        except Exception as e:  # noqa: BLE001 - one unreadable file must not stop the others; say why
            yield Outcome(item, result=_("not read: {reason}", reason=f"{type(e).__name__}: {e}"))
            continue
        yield Outcome(item, format=_(registry.get(preview.batch.format).label), rows=_counted(preview),
                      rejected=preview.rejected, preview=preview)


def import_each(items: list[Item], load_one, *, by: Actor, fmt: str | None = None, options: dict | None = None,
                dry_run: bool = False, title: str | None = None, source: str = "", licence: str = "",
                kind: str = "official", description: dict | None = None, accept_rejected: bool = False,
                path: Path | None = None, report=None) -> list[Outcome]:
    """Preview each file and (unless dry_run) write it as its own dataset, all or nothing per file;
    a refused or unreadable file writes nothing and stops nothing. Each dataset's title: `title` and the
    file's name (or the file's own title, or its name, when no title is given). `report(outcome,
    preview)` is called as each file is done (the command line prints its preview then). `by` imports
    (apply checks the role: a refusal stops all the files, as it would refuse each)."""
    outcomes = []
    for outcome in preview_each(items, load_one, fmt, **(options or {})):
        outcomes.append(outcome)
        preview = outcome.preview
        if preview is None:
            if report is not None:
                report(outcome, None)
            continue
        stopping = refusal(preview, accept_rejected)
        if preview.already:
            outcome.result, outcome.ok, outcome.dataset = (_("already imported as {dataset}", dataset=preview.already),
                                                           True, preview.already)
        elif stopping:
            outcome.result = (_("would be refused: {reason}", reason=_first(stopping[0])) if dry_run
                              else _("refused: {reason}", reason=_first(stopping[0])))
        elif dry_run:
            outcome.result, outcome.ok = _("would import as {dataset}", dataset=preview.dataset_id), True
        else:
            described = preview.batch.dataset or {}
            named = f"{title.strip()}: {outcome.item.name}" if title and title.strip() else \
                described.get("title") or outcome.item.name
            try:
                outcome.dataset = apply(preview, by=by, title=named, source=source,
                                        licence=licence or described.get("licence", ""), kind=kind,
                                        description=description, accept_rejected=accept_rejected, path=path)
            except ImportRefused as e:
                outcome.result = _("refused: {reason}", reason=_first(e.problems[0]) if e.problems
                                   else _("no reason given"))
            except ValueError as e:  # a missing title, source or citizen description
                outcome.result = _("refused: {reason}", reason=e)
            else:  # already: by another writer meanwhile
                outcome.result, outcome.ok = (_("already imported as {dataset}", dataset=outcome.dataset)
                                              if preview.already else
                                              _("imported as {dataset}", dataset=outcome.dataset)), True
        if report is not None:
            report(outcome, preview)
        outcome.preview = None  # the rows are written (or not): keep only what the summary shows
    return outcomes


def _first(problem: Problem) -> str:
    """A problem for the summary: its message, where and what, without the file (the row names it)."""
    where = ", ".join(x for x in (_("row {row}", row=problem.row) if problem.row is not None else "",
                                  _("column {column!r}", column=problem.column) if problem.column else "",
                                  _("value {value!r}", value=problem.value) if problem.value not in (None, "") else "")
                      if x)
    return _("{problem} ({where})", problem=problem.message, where=where) if where else problem.message


def summary(outcomes: list[Outcome]) -> pd.DataFrame:
    """One line per file: file, format, rows, rejected, result."""
    return pd.DataFrame({"file": [o.item.name for o in outcomes], "format": [o.format for o in outcomes],
                         "rows": pd.array([o.rows for o in outcomes], dtype="Int64"),
                         "rejected": pd.array([o.rejected for o in outcomes], dtype="Int64"),
                         "result": [o.result for o in outcomes]})
