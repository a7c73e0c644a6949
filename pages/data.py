"""Data: the datasets in the database; for contributors, uploading citizen data; for stewards, importing,
mapping groups, thresholds and removing datasets. Each write checks the role again itself."""

from pathlib import Path

import pandas as pd
import streamlit as st

from gapmonitor import group_suggestions, record_files, stewardship, submissions, ui, uploads
from gapmonitor.accounts import NotAllowed
from gapmonitor.formats import SUBJECTS, ReadError, boundaries, records, registry
from gapmonitor.importer import ImportRefused, apply, expand, import_each, is_data_zip, remove, summary

ui.ensure_navigation()


def import_form(result, file_name: str, form) -> None:
    """Title, source, licence, kind (and a citizen dataset's description), then the import itself: a
    steward's is published at once; a contributor's is submitted for the statistical office's review."""
    actor = ui.actor()
    contributor = not actor.may("import")
    about = (result.batch.dataset or {})
    with st.form(f"import_{form.name}"):
        title = st.text_input("Title", value=about.get("title") or Path(file_name).stem)
        source = st.text_input("Source (publisher, as you would cite it)")
        licence = st.text_input("Licence", value=about.get("licence", ""), placeholder="e.g. CC BY 4.0")
        # contributors bring citizen data only; stewards say what the file is
        kind = form.kind or ("citizen" if contributor else st.radio("Kind", ["official", "citizen"], horizontal=True))
        # the framework, boundaries: no producer; records: their subject was chosen in the mapping form
        description = None if kind == "reference" else describe(about, ask_subject=form.name != "records")
        replaces, note = (new_version_inputs() if contributor else (None, ""))
        # a submission is the whole file: its contributor corrects rejected rows rather than leaving them out
        skip = st.checkbox(f"Import the valid rows and skip the {result.rejected} rejected") \
            if result.rejected and not contributor else False
        if st.form_submit_button("Submit for review" if contributor else "Import", type="primary"):
            try:
                if contributor:
                    given = dict(description or {})
                    dataset = submissions.submit(result, by=actor, title=title, source=source, licence=licence,
                                                 description=given, consent_basis=given.pop("consent_basis", ""),
                                                 replaces=replaces, note=note)
                else:
                    dataset = apply(result, by=actor, title=title, source=source, licence=licence, kind=kind,
                                    accept_rejected=skip, description=description if kind == "citizen" else None)
            except (ImportRefused, ValueError, NotAllowed) as e:
                st.error(str(e))
            else:
                if contributor:
                    done = (f"Submitted for review as {dataset}. It is not public until the statistical office "
                            "publishes it; follow the office's review on the Submissions page.")
                else:
                    done = (f"Already imported as {dataset}, by another import meanwhile: nothing to do." if result.already
                            else f"Imported as {dataset}.")  # apply checks again inside the writers' turn
                import_done("records" if form.name == "records" else "file", done)


def new_version_inputs() -> tuple[str | None, str]:
    """A contributor's submission may be a new version of one of their organisation's datasets the office
    returned or published (inside the import form); and a note to the office."""
    mine = ui.query("submissions", **ui.actor_params())
    mine = mine[mine.status.isin(submissions.REPLACEABLE)]
    labels = {None: "— none: a new dataset —",
              **{r.dataset_id: f"{r.title} (version {r.version}, {r.status})" for r in mine.itertuples()}}
    replaces = st.selectbox("New version of", list(labels), format_func=labels.get,
                            help="One of your organisation's datasets the office returned or published. Publishing "
                                 "the new version replaces the published one on every page.")
    note = st.text_area("Note to the statistical office (optional)", placeholder="e.g. what changed in this version")
    return replaces, note


def import_done(section: str, message: str, outcomes: pd.DataFrame | None = None, ok: bool = True) -> None:
    """An import is done: the session's uploads leave the disk now, and the page runs again with empty
    uploaders (a new key), so that no later run writes them there again; the outcome is shown then."""
    uploads.discard(uploads.session_id())
    st.session_state["upload_round"] = upload_round() + 1
    st.session_state[f"import_done_{section}"] = (message, outcomes, ok)
    st.rerun()


def show_import_done(section: str) -> None:
    """What the last import of this section did (kept over the rerun that emptied the uploaders)."""
    if done := st.session_state.pop(f"import_done_{section}", None):
        message, outcomes, ok = done
        (st.success if ok else st.warning)(message)
        if outcomes is not None:
            st.dataframe(outcomes, hide_index=True)


def upload_round() -> int:
    """Part of every uploader's key: a new round (after an import) gives empty uploaders."""
    return st.session_state.get("upload_round", 0)


def describe(about: dict, ask_subject: bool = True) -> dict:
    """The description of a citizen dataset, over what its file says (inside the import form), with the
    consent basis of the people it is about."""
    st.caption("Citizen data: describe who produced it and how (the Citizen data page shows this with its quality "
               "and review history).")
    subject = str(about.get("subject") or "people").strip().lower()
    c1, c2 = st.columns(2)
    return {"producer": c1.text_input("Producer", value=about.get("producer", "")),
            "producer_type": c2.text_input("Producer type", value=about.get("producer_type", ""),
                                           placeholder="e.g. Community-based organisation"),
            "method": st.text_input("Method", value=about.get("method", ""),
                                    placeholder="e.g. Household survey, trained volunteer enumerators"),
            "collection_start": c1.text_input("Collected from (YYYY-MM-DD)", value=about.get("collection_start") or ""),
            "collection_end": c2.text_input("Collected to (YYYY-MM-DD)", value=about.get("collection_end") or ""),
            "subject": subject if not ask_subject else st.radio(
                "What the records are about", list(SUBJECTS), format_func=SUBJECTS.get,
                index=list(SUBJECTS).index(subject) if subject in SUBJECTS else 0,
                help="Estimates about people or households are suppressed when they rest on too few respondents; "
                     "estimates about places or things are shown, flagged when few."),
            "consent_basis": st.text_input("Consent basis", value=about.get("consent_basis", ""),
                                           placeholder="e.g. Informed consent, recorded by the enumerators",
                                           help="How the people the data is about agreed to take part. Required for "
                                                "data about people submitted for review; shown on the dataset's "
                                                "public page.")}


def show_preview(result, file_name: str) -> None:
    """What an import would write and every problem found: nothing is written yet."""
    st.subheader("Preview: nothing is written yet")
    cols = st.columns(min(len(result.summary), 6))
    for i, (key, value) in enumerate(result.summary.items()):
        cols[i % len(cols)].metric(key.capitalize(), value if isinstance(value, (int, float)) else str(value))
    if result.problems:
        problems = pd.DataFrame([vars(p) for p in result.problems])
        st.markdown(f"**{len(result.errors)} error(s)** (rows rejected) and **{len(result.warnings)} warning(s)** "
                    "(rows kept):")
        st.dataframe(problems, hide_index=True, height=260)
        ui.download(problems, f"problems_{file_name}.csv", "Download the problems (CSV)")


def saved_upload(upload) -> Path:
    """The upload as a private file of this session (gapmonitor.uploads): read from there, never /tmp."""
    return uploads.save(uploads.session_id(), upload.name, upload.getvalue())

st.title("Data")
sources = ui.query("data_sources")
st.markdown("Every dataset in the database, with its source and licence. Demo datasets are "
            f"illustrative: **{ui.DEMO_NOTICE}**.")
st.dataframe(sources.assign(is_demo=sources.is_demo.map({True: "demo", False: "imported"}))
             .rename(columns={"is_demo": "origin"}).drop(columns=["dataset_id"]), hide_index=True)

actor = ui.actor()
if not actor.may("submit"):
    st.info("To import data, sign in (sidebar). Contributors (civil-society organisations) upload citizen data for "
            "the statistical office to review; the office's stewards import and publish data. Ask the office's "
            "administrator for an account.")
    st.stop()
settings = ui.settings()

def option_inputs(form, path: Path, folder: Path, countries: pd.DataFrame) -> dict | None:
    """A widget for each option the format takes, by its kind; None while a required one is missing."""
    names = dict(zip(countries.code, countries.name))
    options = {}
    for option in form.options:
        if option.kind == "country":
            # a required country has no default: a file read as the first country of a list is read wrongly
            options[option.name] = st.selectbox(
                "Country the file covers" + ("" if option.required else " (national files only)"),
                ([] if option.required else [None]) + list(countries.code), index=None if option.required else 0,
                format_func=lambda c: names.get(c, "— a global file —"), placeholder="Choose the country",
                help="National files give subnational codes (GeoCode, REF_AREA) that are read as areas of this country.")
            if option.required and options[option.name] is None:
                st.info(f"Choose {option.help} to see what would be imported.")
                return None
        elif option.kind == "file":
            extra = st.file_uploader(option.help[:1].upper() + option.help[1:], type=["xml"],
                                     key=f"option_{option.name}_{upload_round()}")
            if extra is None:
                if option.required:
                    st.info(f"This file needs {option.help}.")
                    return None
                continue
            options[option.name] = uploads.write(folder / (f"{option.name}-" + Path(extra.name).name),
                                                 extra.getvalue())
        elif option.kind == "property":
            try:
                properties = boundaries.layer_properties(path)
            except ReadError as e:
                st.error(str(e.problem))
                return None
            # the pair the properties' names give (ONS rgn17cd/rgn17nm...), else the first two: code, then name
            guessed = boundaries.guess_properties(properties) or tuple(properties[:2])
            default = guessed[0] if option.name == "code_property" else guessed[-1]
            options[option.name] = st.selectbox(option.help[:1].upper() + option.help[1:], properties,
                                                index=properties.index(default) if default in properties else 0)
        elif option.kind == "text":  # e.g. the indicator of an Open SDG file whose name does not say it
            options[option.name] = st.text_input(option.help[:1].upper() + option.help[1:]).strip() or None
    return options


def import_file() -> None:
    """A published file (official data, citizen estimates in the template, boundaries, the framework); a
    contributor's citizen estimates, submitted for review."""
    contributor = not ui.actor().may("import")
    st.header("Submit citizen data for review" if contributor else "Import a file")
    show_import_done("file")
    if contributor:
        st.markdown("Upload your estimates (the template in `data/templates/`, or another format of estimates): "
                    "the preview shows what would be written and every problem, and **Submit for review** sends it "
                    "to the statistical office. It is not public until the office publishes it.")
    # records need a spec: they have their own section below; contributors bring estimates, not boundaries
    choices = [f for f in registry.formats() if not any(o.kind == "spec" for o in f.options)
               and (not contributor or f.writes == "observations")]
    files = st.file_uploader("File", type=sorted({s.lstrip(".") for f in choices for s in f.suffixes}),
                             help="; ".join(f.label for f in choices) + ". Several files, or a zip of data files: "
                                  "each is imported as its own dataset.", accept_multiple_files=True,
                             key=f"file_upload_{upload_round()}")
    paths = [saved_upload(u) for u in files or []]
    if (len(paths) > 1 or (len(paths) == 1 and is_data_zip(paths[0]))) and contributor:
        st.warning("Submit one file at a time: each submission is reviewed on its own.")
    elif len(paths) > 1 or (len(paths) == 1 and is_data_zip(paths[0])):
        import_several(paths)
    elif paths:
        upload, path = files[0], paths[0]
        try:
            detected = registry.detect(path)
        except ReadError as e:
            st.error(str(e.problem))
            return
        if detected not in choices:
            st.error(f"This is a {detected.label}: contributors submit citizen data (estimates or records). The "
                     "statistical office imports other files.")
            return
        form = st.selectbox("Format", choices, index=choices.index(detected), format_func=lambda f: f.label)
        options = option_inputs(form, path, path.parent, ui.query("countries"))
        if options is None:
            return
        try:
            result = ui.import_preview(path, form.name, upload.name, **options)
        except ReadError as e:
            st.error(f"Cannot import this file. {e.problem}")
            return

        show_preview(result, upload.name)
        if result.already:
            st.info(f"This file was imported before (dataset {result.already}): importing it again changes nothing.")
            return
        import_form(result, upload.name, form)


def import_several(paths: list[Path]) -> None:
    """Several files (or a zip of data files): one preview line each, then one button that imports each
    as its own dataset, all or nothing per file, and shows what became of each."""
    # uploads are saved under their own names, and a zip is unpacked into the session's private folder
    unpacked = uploads.scratch(uploads.session_id())
    items = expand(paths, unpacked)
    uploads.make_private(unpacked)
    countries = ui.query("countries")
    names = dict(zip(countries.code, countries.name))
    options = {"country": st.selectbox(
        "Country the files cover (national files only)", [None] + list(countries.code),
        format_func=lambda c: names.get(c, "— global files —"), key="several_country",
        help="Applied to every file that takes a country. An SDMX structure file uploaded with its data is used as "
             "their structure. A file that needs another option (a boundaries file's properties) is imported alone.")}
    st.subheader(f"Preview of {len(items)} files: nothing is written yet")
    st.dataframe(summary(import_each(items, ui.import_preview, by=ui.actor(), options=options, dry_run=True)),
                 hide_index=True)
    with st.form("import_several"):
        title = st.text_input("Title (each dataset: this title and its file name; blank: the file name)")
        source = st.text_input("Source (publisher, as you would cite it)")
        licence = st.text_input("Licence", placeholder="e.g. CC BY 4.0")
        kind = st.radio("Kind", ["official", "citizen"], horizontal=True)
        description = describe({}) if kind == "citizen" else None
        if st.form_submit_button("Import all", type="primary"):
            try:
                outcomes = import_each(items, ui.import_preview, by=ui.actor(), options=options, title=title,
                                       source=source, licence=licence, kind=kind, description=description)
            except NotAllowed as e:
                st.error(str(e))
                return
            failed = [o for o in outcomes if not o.ok]
            import_done("file", f"{len(outcomes) - len(failed)} of {len(outcomes)} files imported, already there or "
                        "skipped" + (f"; {len(failed)} refused or not read (nothing of theirs was written)."
                                     if failed else "."), summary(outcomes), ok=not failed)


def form_labels(records_path: Path) -> tuple[dict, dict]:
    """The labels of the survey's XLSForm, when given (KoboToolbox, ODK): questions and answers by column."""
    form = st.file_uploader("The survey's XLSForm (optional: its labels name the columns and answers below)",
                            type=["xlsx"], key=f"records_xlsform_{upload_round()}")
    if form is None:
        return {}, {}
    try:
        labels, codes = record_files.labels_of(records_path, saved_upload(form))
        st.caption(f"The form labels {len(labels)} of the file's columns and the answers of {len(codes)}.")
        return labels, codes
    except ReadError as e:
        st.warning(f"The XLSForm's labels cannot be used. {e.problem}")
        return {}, {}


def import_records() -> None:
    """Raw citizen records, mapped column by column, to estimates."""
    st.header("Turn citizen records into estimates")
    show_import_done("records")
    st.markdown("Upload raw records (a household survey, water-point checks, crowdsourced reports) as CSV or XLSX — "
                "a KoboToolbox or ODK Central export as it comes: columns by their question names, submissions not "
                "approved left out — "
                "say what each column means, and the app computes one estimate per area, group and period with its "
                "sample size and 95% interval. **Only the estimates are stored; the records never are** (while you work, "
                "they wait in a folder only the app can open, removed after the import or when you leave). For "
                "estimates you have already computed, use the template in `data/templates/` above.")
    raw = st.file_uploader("Records (CSV or XLSX)", type=["csv", "xlsx"], key=f"records_upload_{upload_round()}")
    if raw is not None:
        records_path = saved_upload(raw)
        try:
            columns = record_files.columns_of(records_path)
        except ReadError as e:
            st.error(f"Cannot read the records. {e.problem}")
            return
        labels, codes = form_labels(records_path)
        named = lambda c: "— none —" if c is None else f"{c} — {labels[c]}" if c in labels else c  # noqa: E731
        guessed = record_files.guess(records_path)
        at = lambda c, options: options.index(c) if c in options else 0  # noqa: E731 (a guessed default)
        c1, c2 = st.columns(2)
        indicator = c1.text_input("SDG indicator (official code)", placeholder="e.g. 6.1.1")
        description = c2.text_input("What the estimate measures", placeholder="e.g. Households using an improved water source")
        computed = st.radio("The measure", ["A column", "A formula over columns"], horizontal=True,
                            key="records_measure_kind") == "A formula over columns"
        c1, c2 = st.columns(2)
        if computed:
            measure = st.text_input("Formula", placeholder="e.g. sum(item_*) / length_m * 100").strip()
            st.caption("Column names (in \"double quotes\" if they hold spaces, / or -), numbers, + - * / and ( ); "
                       "`sum(item_*)` adds the columns whose names match, `sum(a, b)` those named. Its value is "
                       "averaged; one comparison (`>` `>=` `<` `<=` `=` `<>`) makes it yes/no, a percentage. Examples: "
                       "`sum(item_*) / length_m * 100` (litter items per 100 m of beach), "
                       "`water_collection_time_minutes > 30`.")
            yes = []
        else:
            measure = c1.selectbox("Measure column", columns, format_func=named)
            answers = record_files.values_of(records_path, measure)
            yes = c2.multiselect("Values that count as yes (none: the measure is a number, averaged)", answers,
                                 format_func=lambda v: f"{v} ({codes[measure][v]})" if v in codes.get(measure, {}) else v)
        c1, c2 = st.columns(2)
        blanks_as_zero = c1.checkbox("Count blank cells as 0", help="For counts where a blank means none was found "
                                     "(litter items, cases). Otherwise a record with a blank cell in the measure has "
                                     "no value and is left out.")
        weight = c2.selectbox("Weight column (none: every record counts the same)", [None] + columns, format_func=named,
                              help="Survey weights: numbers above 0. A blank, zero or negative weight leaves its "
                                   "record out, with an error naming it.")
        places = ["Area name column", "Area code column", "Coordinates", "Country only"]
        where = st.radio("Where each record is", places, horizontal=True, index=2 if guessed["latitude"] else 0)
        countries = ui.query("countries")
        names = dict(zip(countries.code, countries.name))
        c1, c2 = st.columns(2)
        country_column = c1.selectbox("Country column (none: one country)", [None] + columns)
        country = None if country_column else c2.selectbox("Country", [None] + list(countries.code),
                                                           format_func=lambda c: names.get(c, "— from the coordinates —"))
        spec = {"indicator": indicator.strip(), "description": description.strip(), "measure": measure, "yes": yes,
                "blanks_as_zero": blanks_as_zero, "weight": weight, "country": country, "country_column": country_column}
        if where in ("Area name column", "Area code column"):
            spec["area_column"] = st.selectbox("Area column", columns)
            spec["area_match"] = "name" if where == "Area name column" else "code"
        elif where == "Coordinates":
            c1, c2 = st.columns(2)
            spec["latitude"] = c1.selectbox("Latitude column", columns, index=at(guessed["latitude"], columns))
            spec["longitude"] = c2.selectbox("Longitude column", columns, index=at(guessed["longitude"], columns))
        c1, c2 = st.columns(2)
        spec["period_column"] = c1.selectbox("Date or year column (none: one period)", [None] + columns,
                                             index=at(guessed["period"], [None] + columns), format_func=named)
        if spec["period_column"]:
            spec["date_format"] = c2.text_input("Date format (blank: a year or YYYY-MM-DD)", placeholder="%m/%d/%Y") or None
        else:
            spec["period"] = c2.text_input("Period of every record", placeholder="e.g. 2021")
        groups = ui.query("population_groups")
        groups_by_id = {None: "— no group (kept as a breakdown) —", **dict(zip(groups.group_id, groups.label))}
        spec["groups"] = []
        for column in st.multiselect("Group columns (e.g. respondent gender, wealth group)", columns, format_func=named):
            with st.expander(f"Groups in {column}", expanded=True):
                dimension = st.text_input("Dimension name", value=column, key=f"dim_{column}",
                                          help="Written with each value, e.g. Sex=Female. 'Sex' values Female/FEMALE "
                                               "already mean women.")
                mapping = {v: st.selectbox(f"{v} ({codes[column][v]})" if v in codes.get(column, {}) else v,
                                           list(groups_by_id), format_func=groups_by_id.get, key=f"grp_{column}_{v}")
                           for v in record_files.values_of(records_path, column)}
                spec["groups"].append({"column": column, "dimension": dimension,
                                       "groups": {v: g for v, g in mapping.items() if g}})
        spec["country_totals"] = st.checkbox("Also estimate each country from all its records")
        spec["subject"] = st.radio("What the records are about", list(SUBJECTS), format_func=SUBJECTS.get,
                                   horizontal=True, key="records_subject")
        spec["area_review"] = st.session_state.setdefault("area_review", {})
        if not (spec["indicator"] and spec["description"] and measure) or not (spec.get("period") or spec["period_column"]):
            st.info("Give the indicator, what the estimate measures, the measure and the period to see the estimates.")
            return
        try:
            result = ui.import_preview(records_path, "records", raw.name, records=records.RecordSpec.from_dict(spec))
            batch = result.batch
        except ReadError as e:
            st.error(f"Cannot turn these records into estimates. {e.problem}")
            return
        review = batch.unmatched if batch.unmatched is not None else pd.DataFrame()
        if len(review):
            st.warning(f"{len(review)} area name(s) match no area: review them (nothing is dropped until you decide).")
            decided = st.data_editor(review.assign(decision=""), hide_index=True, disabled=["key", "name", "first row", "closest"],
                                     column_config={"decision": st.column_config.TextColumn(
                                         "Decision", help="An area code (e.g. ET-TI, from 'closest'), 'new' to add the "
                                                          "name as an area of its country, or 'skip' to leave it out")})
            if st.button("Apply the review"):
                st.session_state["area_review"].update({k: d.strip() for k, d in zip(decided.key, decided.decision) if d.strip()})
                st.rerun()
        show_preview(result, raw.name)
        if len(result.rows):
            shown = ui.released_estimates(result.rows, spec["subject"])
            hidden = int((shown.reliability == "suppressed").sum())
            if spec["subject"] == "people":
                st.markdown(f"**{len(shown)} estimates**, {hidden} suppressed for too few respondents. On import, the "
                            "cells that would give a suppressed one back by subtraction are withheld too.")
            else:
                small = int((shown.reliability == "low reliability").sum())
                st.markdown(f"**{len(shown)} estimates**, none suppressed (records about places hold no personal "
                            f"data); {small} marked low reliability for a small sample.")
            st.dataframe(shown, hide_index=True, height=300)
        if not result.already:
            import_form(result, raw.name, registry.get("records"))


def suggested(suggestions: list[tuple[str, str]]) -> str:
    return ", ".join(g for g, _ in suggestions)


def who_counts() -> None:
    """Dimension values and series that count for no group; an editor maps one, or removes an own mapping."""
    st.header("Who counts: values and series that count for no group")
    st.markdown("A dimension value counts for a group only when a mapping says so (`Sex = FEMALE` → women). The "
                "values and series below count for **no group**: their observations are in the database, but no "
                "group's map shows them. A suggestion is only a suggestion; a mapping is stored with who, when "
                "and why, applied at once to the data already here and to later imports. It never changes "
                "observations, only how they are counted; removing it restores the counts.")
    if done := st.session_state.pop("who_counts_done", None):
        st.success(done)
    groups = ui.query("population_groups")
    labels = dict(zip(groups.group_id, groups.label))
    choices = [g for g in groups.group_id if g != "total"]
    values = ui.query("unmapped_dimension_values")
    value_hints = [group_suggestions.for_value(d, v) for d, v in zip(values.dimension, values.value)]
    series = ui.query("series_without_group")
    series_hints = [group_suggestions.for_series(c, d, i)
                    for c, d, i in zip(series.series, series.description, series.indicator)]
    st.subheader(f"Dimension values that count for no group ({len(values)})")
    st.dataframe(values.assign(suggested=[suggested(h) for h in value_hints]), hide_index=True, height=220)
    st.subheader(f"Series with no group of their own ({len(series)})")
    st.caption("Their rows count for groups through their dimensions only. Many are total-only on purpose (forests, "
               "tariffs, or series split \"by sex\"): map one only if its definition is about a group.")
    st.dataframe(series.assign(suggested=[suggested(h) for h in series_hints]), hide_index=True, height=220)

    st.subheader("Map one to a group")
    kind = st.radio("Map", ["A dimension value", "A series"], horizontal=True, key="map_kind")
    items = (list(zip(values.dimension, values.value, values.rows, value_hints)) if kind == "A dimension value"
             else list(zip(series.series, series.description, series.rows, series_hints)))
    if not items:
        st.caption("Nothing to map.")
    else:
        items.sort(key=lambda item: not item[3])  # those with a suggestion first, each kept in its list's order
        named = {(f"{a} = {b}" if kind == "A dimension value" else f"{a}: {b}") + f" ({n:,} rows)": (a, b, n, h)
                 for a, b, n, h in items}
        chosen = st.selectbox("Value" if kind == "A dimension value" else "Series", list(named), key="map_item")
        first, second, _, hints = named[chosen]
        for group, why in hints:
            st.caption(f"Suggested: **{labels.get(group, group)}**: {why}")
        with st.form("map_group"):
            default = choices.index(hints[0][0]) if hints and hints[0][0] in choices else None
            group = st.selectbox("Group", choices, index=default, format_func=labels.get, placeholder="Choose a group")
            why = st.text_input("Why the value or series denotes the group",
                                placeholder=hints[0][1] if hints else "e.g. F is the female code of this file's Sex column")
            if st.form_submit_button("Map", type="primary"):
                try:
                    if group is None:
                        raise ValueError("choose a group")
                    if kind == "A dimension value":
                        stewardship.map_value(first, second, group, why, by=ui.actor())
                        st.session_state["who_counts_done"] = f"{first} = {second} now counts for {labels[group]}."
                    else:
                        stewardship.map_series(first, group, why, by=ui.actor())
                        st.session_state["who_counts_done"] = f"Series {first} now counts for {labels[group]}."
                except (ValueError, NotAllowed) as e:
                    st.error(str(e))
                else:
                    st.rerun()

    st.subheader("Editors' mappings")
    mine = stewardship.editor_mappings()
    if mine.empty:
        st.caption("No editor has mapped a value or series yet.")
    for i, m in mine.iterrows():
        what = f"Series {m.series}" if m.kind == "series" else f"{m.dimension} = {m.value}"
        c1, c2 = st.columns([5, 1])
        c1.markdown(f"**{what}** → {labels.get(m.group_id, m.group_id)}  \n"
                    f"by {m.mapped_by}, {m.mapped_at:%Y-%m-%d %H:%M}: {m.reason}")
        if c2.button("Remove", key=f"unmap_{i}"):
            try:
                if m.kind == "series":
                    stewardship.unmap_series(m.series, m.group_id, by=ui.actor())
                else:
                    stewardship.unmap_value(m.dimension, m.value, m.group_id, by=ui.actor())
            except (ValueError, NotAllowed) as e:
                st.error(str(e))
            else:
                st.session_state["who_counts_done"] = f"Removed: {what} no longer counts for {labels[m.group_id]}."
                st.rerun()


def thresholds() -> None:
    """The confidentiality and reliability thresholds (stewards)."""
    st.header("Confidentiality thresholds")
    with st.form("thresholds"):
        c1, c2 = st.columns(2)
        low = c1.number_input("Suppress citizen estimates based on fewer than", min_value=1, max_value=1000,
                              value=settings["min_sample_size"])
        reliable = c2.number_input("Flag as low reliability below", min_value=1, max_value=10000,
                                   value=settings["reliable_sample_size"])
        if st.form_submit_button("Save the thresholds"):
            try:
                stewardship.set_thresholds(int(low), int(reliable), by=ui.actor())
            except (ValueError, NotAllowed) as e:
                st.error(str(e))
            else:
                st.success("Saved: every page, map and download now applies them.")
                st.rerun()


def remove_a_dataset() -> None:
    """Remove an imported dataset (stewards)."""
    st.header("Remove a dataset")
    imported = sources[~sources.is_demo]
    if imported.empty:
        st.caption("No imported dataset yet.")
        return
    labels = dict(zip(imported.dataset_id, imported.title))
    chosen = st.selectbox("Dataset", list(imported.dataset_id), format_func=lambda d: f"{labels[d]} ({d})")
    confirm = st.checkbox("Yes, remove it and its observations")
    if st.button("Remove", disabled=not confirm):
        try:
            remove(chosen, by=ui.actor())
        except (ValueError, NotAllowed) as e:
            st.error(str(e))
        else:
            st.success(f"Removed {labels[chosen]}.")
            st.rerun()


import_file()
import_records()
# the steward's sections; each write checks the role again, whatever a page shows
if actor.may("map"):
    who_counts()
if actor.may("threshold"):
    thresholds()
if actor.may("remove"):
    remove_a_dataset()
