"""Data: the datasets in the database; for contributors, uploading citizen data; for stewards, importing,
mapping groups, thresholds and removing datasets. Each write checks the role again itself."""

from numbers import Integral
from pathlib import Path

import pandas as pd
import streamlit as st

from gapmonitor import group_suggestions, record_files, stewardship, submissions, ui, uploads
from gapmonitor.accounts import NotAllowed
from gapmonitor.formats import SUBJECTS, ReadError, boundaries, records, registry
from gapmonitor.i18n import N_, _, format_number, n_
from gapmonitor.importer import ImportRefused, apply, expand, import_each, is_data_zip, remove, summary

ui.ensure_navigation()

# Values that are keys (stored, compared in code) in the words the page shows, through _(...)
KINDS = {"official": N_("official"), "citizen": N_("citizen"), "reference": N_("reference")}
ORIGINS = {True: N_("demo"), False: N_("imported")}
STATUSES = {"submitted": N_("submitted"), "returned": N_("returned"), "published": N_("published"),
            "superseded": N_("superseded")}
MEASURES = [N_("A column"), N_("A formula over columns")]
PLACES = [N_("Area name column"), N_("Area code column"), N_("Coordinates"), N_("Country only")]
MAP_KINDS = [N_("A dimension value"), N_("A series")]
# The headers of the tables and downloads: the frames' own column names, in the words of the language
HEADERS = {c: c for c in (
    N_("kind"), N_("title"), N_("source"), N_("licence"), N_("origin"), N_("file_name"), N_("created_at"),
    N_("observations"), N_("severity"), N_("message"), N_("file"), N_("row"), N_("column"), N_("value"),
    N_("format"), N_("rows"), N_("rejected"), N_("result"), N_("dimension"), N_("datasets"), N_("suggested"),
    N_("series"), N_("description"), N_("indicator"), N_("key"), N_("name"), N_("first row"), N_("closest"),
    N_("series_description"), N_("unit"), N_("area"), N_("area_name"), N_("area_scheme"), N_("dims"), N_("year"),
    N_("time_detail"), N_("lower_bound"), N_("upper_bound"), N_("nature"), N_("sample_size"), N_("footnote"),
    N_("reliability"), N_("area_code"), N_("new_series"), N_("series_indicator"), N_("new_area"),
    N_("new_area_code"), N_("new_area_kind"), N_("first_row"))}
# The preview's counts (Preview.summary: the importer's keys and the readers'), as the metrics name them
SUMMARY_LABELS = {label.lower(): label for label in (
    N_("Indicators"), N_("Goals"), N_("New indicators"), N_("Indicators whose title or tier changes"),
    N_("Rows rejected"), N_("Areas"), N_("New areas"), N_("Features"), N_("Features rejected"),
    N_("Areas per country"), N_("Rows to import"), N_("Series"), N_("Years"), N_("Groups found"),
    N_("Records read"), N_("Records left out"), N_("Records in the estimates"),
    N_("Left out: turned down in the survey tool's review"), N_("Left out: rejected on review"),
    N_("Left out: no place"), N_("Left out: no period"), N_("Left out: not a number"),
    N_("Left out: neither yes nor no"), N_("Left out: no value"), N_("Left out: bad weight"))}


def headed(frame: pd.DataFrame) -> pd.DataFrame:
    """A frame to show or download: its headers in the session's language (the frame's own columns stay)."""
    return frame.rename(columns={c: _(HEADERS[c]) for c in frame.columns if c in HEADERS})


def capitalised(text: str) -> str:
    return text[:1].upper() + text[1:]


def import_form(result, file_name: str, form) -> None:
    """Title, source, licence, kind (and a citizen dataset's description), then the import itself: a
    steward's is published at once; a contributor's is submitted for the statistical office's review."""
    actor = ui.actor()
    contributor = not actor.may("import")
    about = (result.batch.dataset or {})
    with st.form(f"import_{form.name}"):
        title = st.text_input(_("Title"), value=about.get("title") or Path(file_name).stem)
        source = st.text_input(_("Source (publisher, as you would cite it)"))
        licence = st.text_input(_("Licence"), value=about.get("licence", ""), placeholder=_("e.g. CC BY 4.0"))
        # contributors bring citizen data only; stewards say what the file is
        kind = form.kind or ("citizen" if contributor else st.radio(_("Kind"), ["official", "citizen"], horizontal=True,
                                                                    format_func=lambda k: _(KINDS[k])))
        # the framework, boundaries: no producer; records: their subject was chosen in the mapping form
        description = None if kind == "reference" else describe(about, ask_subject=form.name != "records")
        replaces, note = (new_version_inputs() if contributor else (None, ""))
        # a submission is the whole file: its contributor corrects rejected rows rather than leaving them out
        skip = st.checkbox(n_("Import the valid rows and skip the {n} rejected",
                              "Import the valid rows and skip the {n} rejected", result.rejected)) \
            if result.rejected and not contributor else False
        if st.form_submit_button(_("Submit for review") if contributor else _("Import"), type="primary"):
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
                    done = _("Submitted for review as {dataset}. It is not public until the statistical office "
                             "publishes it; follow the office's review on the Submissions page.", dataset=dataset)
                else:  # apply checks again inside the writers' turn
                    done = (_("Already imported as {dataset}, by another import meanwhile: nothing to do.",
                              dataset=dataset) if result.already else _("Imported as {dataset}.", dataset=dataset))
                import_done("records" if form.name == "records" else "file", done)


def new_version_inputs() -> tuple[str | None, str]:
    """A contributor's submission may be a new version of one of their organisation's datasets the office
    returned or published (inside the import form); and a note to the office."""
    mine = ui.query("submissions", **ui.actor_params())
    mine = mine[mine.status.isin(submissions.REPLACEABLE)]
    labels = {None: _("— none: a new dataset —"),
              **{r.dataset_id: _("{title} (version {version}, {status})", title=r.title, version=r.version,
                                 status=_(STATUSES[r.status]) if r.status in STATUSES else r.status)
                 for r in mine.itertuples()}}
    replaces = st.selectbox(_("New version of"), list(labels), format_func=labels.get,
                            help=_("One of your organisation's datasets the office returned or published. Publishing "
                                   "the new version replaces the published one on every page."))
    note = st.text_area(_("Note to the statistical office (optional)"),
                        placeholder=_("e.g. what changed in this version"))
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
            st.dataframe(headed(outcomes), hide_index=True)


def upload_round() -> int:
    """Part of every uploader's key: a new round (after an import) gives empty uploaders."""
    return st.session_state.get("upload_round", 0)


def describe(about: dict, ask_subject: bool = True) -> dict:
    """The description of a citizen dataset, over what its file says (inside the import form), with the
    consent basis of the people it is about."""
    st.caption(_("Citizen data: describe who produced it and how (the Citizen data page shows this with its quality "
                 "and review history)."))
    subject = str(about.get("subject") or "people").strip().lower()
    c1, c2 = st.columns(2)
    return {"producer": c1.text_input(_("Producer"), value=about.get("producer", "")),
            "producer_type": c2.text_input(_("Producer type"), value=about.get("producer_type", ""),
                                           placeholder=_("e.g. Community-based organisation")),
            "method": st.text_input(_("Method"), value=about.get("method", ""),
                                    placeholder=_("e.g. Household survey, trained volunteer enumerators")),
            "collection_start": c1.text_input(_("Collected from (YYYY-MM-DD)"),
                                              value=about.get("collection_start") or ""),
            "collection_end": c2.text_input(_("Collected to (YYYY-MM-DD)"), value=about.get("collection_end") or ""),
            "subject": subject if not ask_subject else st.radio(
                _("What the records are about"), list(SUBJECTS), format_func=lambda s: _(SUBJECTS[s]),
                index=list(SUBJECTS).index(subject) if subject in SUBJECTS else 0,
                help=_("Estimates about people or households are suppressed when they rest on too few respondents; "
                       "estimates about places or things are shown, flagged when few.")),
            "consent_basis": st.text_input(_("Consent basis"), value=about.get("consent_basis", ""),
                                           placeholder=_("e.g. Informed consent, recorded by the enumerators"),
                                           help=_("How the people the data is about agreed to take part. Required "
                                                  "for data about people submitted for review; shown on the "
                                                  "dataset's public page."))}


def show_preview(result, file_name: str) -> None:
    """What an import would write and every problem found: nothing is written yet."""
    st.subheader(_("Preview: nothing is written yet"))
    cols = st.columns(min(len(result.summary), 6))
    for i, (key, value) in enumerate(result.summary.items()):
        label = _(SUMMARY_LABELS[key]) if key in SUMMARY_LABELS else key.capitalize()
        shown = format_number(value) if isinstance(value, Integral) else value if isinstance(value, float) else str(value)
        cols[i % len(cols)].metric(label, shown)
    if result.problems:
        problems = pd.DataFrame([vars(p) for p in result.problems])
        problems["severity"] = problems.severity.map(_)  # fatal, error, warning: in the session's language
        st.markdown(_("**{errors} error(s)** (rows rejected) and **{warnings} warning(s)** (rows kept):",
                      errors=format_number(len(result.errors)), warnings=format_number(len(result.warnings))))
        st.dataframe(headed(problems), hide_index=True, height=260)
        ui.download(headed(problems), f"problems_{file_name}.csv", _("Download the problems (CSV)"))


def saved_upload(upload) -> Path:
    """The upload as a private file of this session (gapmonitor.uploads): read from there, never /tmp."""
    return uploads.save(uploads.session_id(), upload.name, upload.getvalue())

st.title(_("Data"))
sources = ui.query("data_sources")
st.markdown(_("Every dataset in the database, with its source and licence. Demo datasets are illustrative: "
              "**{notice}**.", notice=_(ui.DEMO_NOTICE)))
st.dataframe(headed(sources.assign(is_demo=sources.is_demo.map(lambda d: _(ORIGINS[bool(d)])),
                                   kind=sources.kind.map(lambda k: _(KINDS[k]) if k in KINDS else k))
                    .rename(columns={"is_demo": "origin"}).drop(columns=["dataset_id"])), hide_index=True)

actor = ui.actor()
if not actor.may("submit"):
    st.info(_("To import data, sign in (sidebar). Contributors (civil-society organisations) upload citizen data for "
              "the statistical office to review; the office's stewards import and publish data. Ask the office's "
              "administrator for an account."))
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
                _("Country the file covers") if option.required else _("Country the file covers (national files only)"),
                ([] if option.required else [None]) + list(countries.code), index=None if option.required else 0,
                format_func=lambda c: names.get(c, _("— a global file —")), placeholder=_("Choose the country"),
                help=_("National files give subnational codes (GeoCode, REF_AREA) that are read as areas of this "
                       "country."))
            if option.required and options[option.name] is None:
                st.info(_("Choose {option} to see what would be imported.", option=_(option.help)))
                return None
        elif option.kind == "file":
            extra = st.file_uploader(capitalised(_(option.help)), type=["xml"],
                                     key=f"option_{option.name}_{upload_round()}")
            if extra is None:
                if option.required:
                    st.info(_("This file needs {option}.", option=_(option.help)))
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
            options[option.name] = st.selectbox(capitalised(_(option.help)), properties,
                                                index=properties.index(default) if default in properties else 0)
        elif option.kind == "text":  # e.g. the indicator of an Open SDG file whose name does not say it
            options[option.name] = st.text_input(capitalised(_(option.help))).strip() or None
    return options


def import_file() -> None:
    """A published file (official data, citizen estimates in the template, boundaries, the framework); a
    contributor's citizen estimates, submitted for review."""
    contributor = not ui.actor().may("import")
    st.header(_("Submit citizen data for review") if contributor else _("Import a file"))
    show_import_done("file")
    if contributor:
        st.markdown(_("Upload your estimates (the template in `data/templates/`, or another format of estimates): "
                      "the preview shows what would be written and every problem, and **Submit for review** sends it "
                      "to the statistical office. It is not public until the office publishes it."))
    # records need a spec: they have their own section below; contributors bring estimates, not boundaries
    choices = [f for f in registry.formats() if not any(o.kind == "spec" for o in f.options)
               and (not contributor or f.writes == "observations")]
    files = st.file_uploader(_("File"), type=sorted({s.lstrip(".") for f in choices for s in f.suffixes}),
                             help=_("{formats}. Several files, or a zip of data files: each is imported as its own "
                                    "dataset.", formats="; ".join(_(f.label) for f in choices)),
                             accept_multiple_files=True,
                             key=f"file_upload_{upload_round()}")
    paths = [saved_upload(u) for u in files or []]
    if (len(paths) > 1 or (len(paths) == 1 and is_data_zip(paths[0]))) and contributor:
        st.warning(_("Submit one file at a time: each submission is reviewed on its own."))
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
            st.error(_("This is a {format}: contributors submit citizen data (estimates or records). The "
                       "statistical office imports other files.", format=_(detected.label)))
            return
        form = st.selectbox(_("Format"), choices, index=choices.index(detected), format_func=lambda f: _(f.label))
        options = option_inputs(form, path, path.parent, ui.query("countries"))
        if options is None:
            return
        try:
            result = ui.import_preview(path, form.name, upload.name, **options)
        except ReadError as e:
            st.error(_("Cannot import this file. {problem}", problem=e.problem))
            return

        show_preview(result, upload.name)
        if result.already:
            st.info(_("This file was imported before (dataset {dataset}): importing it again changes nothing.",
                      dataset=result.already))
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
        _("Country the files cover (national files only)"), [None] + list(countries.code),
        format_func=lambda c: names.get(c, _("— global files —")), key="several_country",
        help=_("Applied to every file that takes a country. An SDMX structure file uploaded with its data is used as "
               "their structure. A file that needs another option (a boundaries file's properties) is imported "
               "alone."))}
    st.subheader(n_("Preview of {n} files: nothing is written yet", "Preview of {n} files: nothing is written yet",
                    len(items)))
    st.dataframe(headed(summary(import_each(items, ui.import_preview, by=ui.actor(), options=options, dry_run=True))),
                 hide_index=True)
    with st.form("import_several"):
        title = st.text_input(_("Title (each dataset: this title and its file name; blank: the file name)"))
        source = st.text_input(_("Source (publisher, as you would cite it)"))
        licence = st.text_input(_("Licence"), placeholder=_("e.g. CC BY 4.0"))
        kind = st.radio(_("Kind"), ["official", "citizen"], horizontal=True, format_func=lambda k: _(KINDS[k]))
        description = describe({}) if kind == "citizen" else None
        if st.form_submit_button(_("Import all"), type="primary"):
            try:
                outcomes = import_each(items, ui.import_preview, by=ui.actor(), options=options, title=title,
                                       source=source, licence=licence, kind=kind, description=description)
            except NotAllowed as e:
                st.error(str(e))
                return
            failed = [o for o in outcomes if not o.ok]
            counts = {"done": format_number(len(outcomes) - len(failed)), "total": format_number(len(outcomes))}
            import_done("file", _("{done} of {total} files imported, already there or skipped; {failed} refused or "
                                  "not read (nothing of theirs was written).", failed=format_number(len(failed)),
                                  **counts) if failed else
                        _("{done} of {total} files imported, already there or skipped.", **counts),
                        summary(outcomes), ok=not failed)


def form_labels(records_path: Path) -> tuple[dict, dict]:
    """The labels of the survey's XLSForm, when given (KoboToolbox, ODK): questions and answers by column."""
    form = st.file_uploader(_("The survey's XLSForm (optional: its labels name the columns and answers below)"),
                            type=["xlsx"], key=f"records_xlsform_{upload_round()}")
    if form is None:
        return {}, {}
    try:
        labels, codes = record_files.labels_of(records_path, saved_upload(form))
        st.caption(_("The form labels {columns} of the file's columns and the answers of {answered}.",
                     columns=format_number(len(labels)), answered=format_number(len(codes))))
        return labels, codes
    except ReadError as e:
        st.warning(_("The XLSForm's labels cannot be used. {problem}", problem=e.problem))
        return {}, {}


def import_records() -> None:
    """Raw citizen records, mapped column by column, to estimates."""
    st.header(_("Turn citizen records into estimates"))
    show_import_done("records")
    st.markdown(_("Upload raw records (a household survey, water-point checks, crowdsourced reports) as CSV or XLSX — "
                  "a KoboToolbox or ODK Central export as it comes: columns by their question names, submissions not "
                  "approved left out — "
                  "say what each column means, and the app computes one estimate per area, group and period with its "
                  "sample size and 95% interval. **Only the estimates are stored; the records never are** (while you "
                  "work, they wait in a folder only the app can open, removed after the import or when you leave). "
                  "For estimates you have already computed, use the template in `data/templates/` above."))
    raw = st.file_uploader(_("Records (CSV or XLSX)"), type=["csv", "xlsx"], key=f"records_upload_{upload_round()}")
    if raw is not None:
        records_path = saved_upload(raw)
        try:
            columns = record_files.columns_of(records_path)
        except ReadError as e:
            st.error(_("Cannot read the records. {problem}", problem=e.problem))
            return
        labels, codes = form_labels(records_path)
        named = lambda c: _("— none —") if c is None else f"{c} — {labels[c]}" if c in labels else c  # noqa: E731
        guessed = record_files.guess(records_path)
        at = lambda c, options: options.index(c) if c in options else 0  # noqa: E731 (a guessed default)
        c1, c2 = st.columns(2)
        indicator = c1.text_input(_("SDG indicator (official code)"), placeholder=_("e.g. 6.1.1"))
        description = c2.text_input(_("What the estimate measures"),
                                    placeholder=_("e.g. Households using an improved water source"))
        computed = st.radio(_("The measure"), MEASURES, horizontal=True, format_func=_,
                            key="records_measure_kind") == "A formula over columns"
        c1, c2 = st.columns(2)
        if computed:
            measure = st.text_input(_("Formula"), placeholder=_("e.g. sum(item_*) / length_m * 100")).strip()
            st.caption(_("Column names (in \"double quotes\" if they hold spaces, / or -), numbers, + - * / and ( ); "
                         "`sum(item_*)` adds the columns whose names match, `sum(a, b)` those named. Its value is "
                         "averaged; one comparison (`>` `>=` `<` `<=` `=` `<>`) makes it yes/no, a percentage. "
                         "Examples: `sum(item_*) / length_m * 100` (litter items per 100 m of beach), "
                         "`water_collection_time_minutes > 30`."))
            yes = []
        else:
            measure = c1.selectbox(_("Measure column"), columns, format_func=named)
            answers = record_files.values_of(records_path, measure)
            yes = c2.multiselect(_("Values that count as yes (none: the measure is a number, averaged)"), answers,
                                 format_func=lambda v: f"{v} ({codes[measure][v]})" if v in codes.get(measure, {}) else v)
        c1, c2 = st.columns(2)
        blanks_as_zero = c1.checkbox(_("Count blank cells as 0"),
                                     help=_("For counts where a blank means none was found (litter items, cases). "
                                            "Otherwise a record with a blank cell in the measure has no value and is "
                                            "left out."))
        weight = c2.selectbox(_("Weight column (none: every record counts the same)"), [None] + columns,
                              format_func=named,
                              help=_("Survey weights: numbers above 0. A blank, zero or negative weight leaves its "
                                     "record out, with an error naming it."))
        where = st.radio(_("Where each record is"), PLACES, horizontal=True, index=2 if guessed["latitude"] else 0,
                         format_func=_)
        countries = ui.query("countries")
        names = dict(zip(countries.code, countries.name))
        c1, c2 = st.columns(2)
        country_column = c1.selectbox(_("Country column (none: one country)"), [None] + columns,
                                      format_func=lambda c: _("None") if c is None else c)
        country = None if country_column else c2.selectbox(_("Country"), [None] + list(countries.code),
                                                           format_func=lambda c: names.get(c, _("— from the coordinates —")))
        spec = {"indicator": indicator.strip(), "description": description.strip(), "measure": measure, "yes": yes,
                "blanks_as_zero": blanks_as_zero, "weight": weight, "country": country, "country_column": country_column}
        if where in ("Area name column", "Area code column"):
            spec["area_column"] = st.selectbox(_("Area column"), columns)
            spec["area_match"] = "name" if where == "Area name column" else "code"
        elif where == "Coordinates":
            c1, c2 = st.columns(2)
            spec["latitude"] = c1.selectbox(_("Latitude column"), columns, index=at(guessed["latitude"], columns))
            spec["longitude"] = c2.selectbox(_("Longitude column"), columns, index=at(guessed["longitude"], columns))
        c1, c2 = st.columns(2)
        spec["period_column"] = c1.selectbox(_("Date or year column (none: one period)"), [None] + columns,
                                             index=at(guessed["period"], [None] + columns), format_func=named)
        if spec["period_column"]:
            spec["date_format"] = c2.text_input(_("Date format (blank: a year or YYYY-MM-DD)"),
                                                placeholder="%m/%d/%Y") or None
        else:
            spec["period"] = c2.text_input(_("Period of every record"), placeholder=_("e.g. 2021"))
        groups = ui.localised("population_groups")
        groups_by_id = {None: _("— no group (kept as a breakdown) —"), **dict(zip(groups.group_id, groups.label))}
        spec["groups"] = []
        for column in st.multiselect(_("Group columns (e.g. respondent gender, wealth group)"), columns,
                                     format_func=named):
            with st.expander(_("Groups in {column}", column=column), expanded=True):
                dimension = st.text_input(_("Dimension name"), value=column, key=f"dim_{column}",
                                          help=_("Written with each value, e.g. Sex=Female. 'Sex' values Female/FEMALE "
                                                 "already mean women."))
                mapping = {v: st.selectbox(f"{v} ({codes[column][v]})" if v in codes.get(column, {}) else v,
                                           list(groups_by_id), format_func=groups_by_id.get, key=f"grp_{column}_{v}")
                           for v in record_files.values_of(records_path, column)}
                spec["groups"].append({"column": column, "dimension": dimension,
                                       "groups": {v: g for v, g in mapping.items() if g}})
        spec["country_totals"] = st.checkbox(_("Also estimate each country from all its records"))
        spec["subject"] = st.radio(_("What the records are about"), list(SUBJECTS), format_func=lambda s: _(SUBJECTS[s]),
                                   horizontal=True, key="records_subject")
        spec["area_review"] = st.session_state.setdefault("area_review", {})
        if not (spec["indicator"] and spec["description"] and measure) or not (spec.get("period") or spec["period_column"]):
            st.info(_("Give the indicator, what the estimate measures, the measure and the period to see the "
                      "estimates."))
            return
        try:
            result = ui.import_preview(records_path, "records", raw.name, records=records.RecordSpec.from_dict(spec))
            batch = result.batch
        except ReadError as e:
            st.error(_("Cannot turn these records into estimates. {problem}", problem=e.problem))
            return
        review = batch.unmatched if batch.unmatched is not None else pd.DataFrame()
        if len(review):
            st.warning(n_("{n} area name(s) match no area: review them (nothing is dropped until you decide).",
                          "{n} area name(s) match no area: review them (nothing is dropped until you decide).",
                          len(review)))
            shown_as = {c: _(HEADERS[c]) for c in review.columns if c in HEADERS}  # the frame keeps its columns
            decided = st.data_editor(review.assign(decision=""), hide_index=True, disabled=["key", "name", "first row", "closest"],
                                     column_config={**shown_as, "decision": st.column_config.TextColumn(
                                         _("Decision"), help=_("An area code (e.g. ET-TI, from 'closest'), 'new' to "
                                                               "add the name as an area of its country, or 'skip' to "
                                                               "leave it out"))})
            if st.button(_("Apply the review")):
                st.session_state["area_review"].update({k: d.strip() for k, d in zip(decided.key, decided.decision) if d.strip()})
                st.rerun()
        show_preview(result, raw.name)
        if result.to_write:
            shown = ui.released_estimates(result.rows, spec["subject"])
            hidden = int((shown.reliability == "suppressed").sum())
            if spec["subject"] == "people":
                st.markdown(_("**{estimates} estimates**, {hidden} suppressed for too few respondents. On import, the "
                              "cells that would give a suppressed one back by subtraction are withheld too.",
                              estimates=format_number(len(shown)), hidden=format_number(hidden)))
            else:
                small = int((shown.reliability == "low reliability").sum())
                st.markdown(_("**{estimates} estimates**, none suppressed (records about places hold no personal "
                              "data); {small} marked low reliability for a small sample.",
                              estimates=format_number(len(shown)), small=format_number(small)))
            st.dataframe(headed(shown), hide_index=True, height=300)
        if not result.already:
            import_form(result, raw.name, registry.get("records"))


def suggested(suggestions: list[tuple[str, str]]) -> str:
    return ", ".join(g for g, _why in suggestions)


def who_counts() -> None:
    """Dimension values and series that count for no group; an editor maps one, or removes an own mapping."""
    st.header(_("Who counts: values and series that count for no group"))
    st.markdown(_("A dimension value counts for a group only when a mapping says so (`Sex = FEMALE` → women). The "
                  "values and series below count for **no group**: their observations are in the database, but no "
                  "group's map shows them. A suggestion is only a suggestion; a mapping is stored with who, when "
                  "and why, applied at once to the data already here and to later imports. It never changes "
                  "observations, only how they are counted; removing it restores the counts."))
    if done := st.session_state.pop("who_counts_done", None):
        st.success(done)
    groups = ui.localised("population_groups")
    labels = dict(zip(groups.group_id, groups.label))
    choices = [g for g in groups.group_id if g != "total"]
    values = ui.query("unmapped_dimension_values")
    value_hints = [group_suggestions.for_value(d, v) for d, v in zip(values.dimension, values.value)]
    series = ui.query("series_without_group")
    series_hints = [group_suggestions.for_series(c, d, i)
                    for c, d, i in zip(series.series, series.description, series.indicator)]
    st.subheader(_("Dimension values that count for no group ({count})", count=format_number(len(values))))
    st.dataframe(headed(values.assign(suggested=[suggested(h) for h in value_hints])), hide_index=True, height=220)
    st.subheader(_("Series with no group of their own ({count})", count=format_number(len(series))))
    st.caption(_("Their rows count for groups through their dimensions only. Many are total-only on purpose (forests, "
                 "tariffs, or series split \"by sex\"): map one only if its definition is about a group."))
    st.dataframe(headed(series.assign(suggested=[suggested(h) for h in series_hints])), hide_index=True, height=220)

    st.subheader(_("Map one to a group"))
    kind = st.radio(_("What to map"), MAP_KINDS, horizontal=True, key="map_kind", format_func=_)
    items = (list(zip(values.dimension, values.value, values.rows, value_hints)) if kind == "A dimension value"
             else list(zip(series.series, series.description, series.rows, series_hints)))
    if not items:
        st.caption(_("Nothing to map."))
    else:
        items.sort(key=lambda item: not item[3])  # those with a suggestion first, each kept in its list's order
        named = {(n_("{dimension} = {value} ({n} rows)", "{dimension} = {value} ({n} rows)", n, dimension=a, value=b)
                  if kind == "A dimension value" else
                  n_("{series}: {description} ({n} rows)", "{series}: {description} ({n} rows)", n, series=a,
                     description=b)): (a, b, n, h)
                 for a, b, n, h in items}
        chosen = st.selectbox(_("Value") if kind == "A dimension value" else _("Series"), list(named), key="map_item")
        first, second, _rows, hints = named[chosen]
        for group, why in hints:
            st.caption(_("Suggested: **{group}**: {why}", group=labels.get(group, group), why=why))
        with st.form("map_group"):
            default = choices.index(hints[0][0]) if hints and hints[0][0] in choices else None
            group = st.selectbox(_("Group"), choices, index=default, format_func=labels.get,
                                 placeholder=_("Choose a group"))
            why = st.text_input(_("Why the value or series denotes the group"),
                                placeholder=hints[0][1] if hints else _("e.g. F is the female code of this file's Sex "
                                                                        "column"))
            if st.form_submit_button(_("Map to the group"), type="primary"):
                try:
                    if group is None:
                        raise ValueError(_("choose a group"))
                    if kind == "A dimension value":
                        stewardship.map_value(first, second, group, why, by=ui.actor())
                        st.session_state["who_counts_done"] = _("{dimension} = {value} now counts for {group}.",
                                                                dimension=first, value=second, group=labels[group])
                    else:
                        stewardship.map_series(first, group, why, by=ui.actor())
                        st.session_state["who_counts_done"] = _("Series {series} now counts for {group}.",
                                                                series=first, group=labels[group])
                except (ValueError, NotAllowed) as e:
                    st.error(str(e))
                else:
                    st.rerun()

    st.subheader(_("Editors' mappings"))
    mine = stewardship.editor_mappings()
    if mine.empty:
        st.caption(_("No editor has mapped a value or series yet."))
    for i, m in mine.iterrows():
        what = _("Series {series}", series=m.series) if m.kind == "series" else f"{m.dimension} = {m.value}"
        c1, c2 = st.columns([5, 1])
        c1.markdown(_("**{what}** → {group}  \nby {editor}, {when}: {reason}", what=what,
                      group=labels.get(m.group_id, m.group_id), editor=m.mapped_by,
                      when=f"{m.mapped_at:%Y-%m-%d %H:%M}", reason=m.reason))
        if c2.button(_("Remove"), key=f"unmap_{i}"):
            try:
                if m.kind == "series":
                    stewardship.unmap_series(m.series, m.group_id, by=ui.actor())
                else:
                    stewardship.unmap_value(m.dimension, m.value, m.group_id, by=ui.actor())
            except (ValueError, NotAllowed) as e:
                st.error(str(e))
            else:
                st.session_state["who_counts_done"] = _("Removed: {what} no longer counts for {group}.", what=what,
                                                        group=labels[m.group_id])
                st.rerun()


def thresholds() -> None:
    """The confidentiality and reliability thresholds (stewards)."""
    st.header(_("Confidentiality thresholds"))
    with st.form("thresholds"):
        c1, c2 = st.columns(2)
        low = c1.number_input(_("Suppress citizen estimates based on fewer than"), min_value=1, max_value=1000,
                              value=settings["min_sample_size"])
        reliable = c2.number_input(_("Flag as low reliability below"), min_value=1, max_value=10000,
                                   value=settings["reliable_sample_size"])
        if st.form_submit_button(_("Save the thresholds")):
            try:
                stewardship.set_thresholds(int(low), int(reliable), by=ui.actor())
            except (ValueError, NotAllowed) as e:
                st.error(str(e))
            else:
                st.success(_("Saved: every page, map and download now applies them."))
                st.rerun()


def remove_a_dataset() -> None:
    """Remove an imported dataset (stewards)."""
    st.header(_("Remove a dataset"))
    imported = sources[~sources.is_demo]
    if imported.empty:
        st.caption(_("No imported dataset yet."))
        return
    labels = dict(zip(imported.dataset_id, imported.title))
    chosen = st.selectbox(_("Dataset"), list(imported.dataset_id), format_func=lambda d: f"{labels[d]} ({d})")
    confirm = st.checkbox(_("Yes, remove it and its observations"))
    if st.button(_("Remove"), disabled=not confirm):
        try:
            remove(chosen, by=ui.actor())
        except (ValueError, NotAllowed) as e:
            st.error(str(e))
        else:
            st.success(_("Removed {title}.", title=labels[chosen]))
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
