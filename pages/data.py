"""Data: the datasets in the database, and for editors, importing and removing them."""

import tempfile
from pathlib import Path

import pandas as pd
import streamlit as st

from gapmonitor import ui
from gapmonitor.formats import ReadError, boundaries
from gapmonitor.importer import FORMATS, ImportRefused, apply, checksum, detect, preview, read, remove
from gapmonitor.ui import connection

ui.ensure_navigation()

st.title("Data")
sources = ui.query("data_sources")
st.markdown("Every dataset in the database, with its source and licence. Demo datasets are "
            f"illustrative: **{ui.DEMO_NOTICE}**.")
st.dataframe(sources.assign(is_demo=sources.is_demo.map({True: "demo", False: "imported"}))
             .rename(columns={"is_demo": "origin"}).drop(columns=["dataset_id"]), hide_index=True)

if not ui.editor_signed_in():
    st.stop()

st.header("Import a file")
upload = st.file_uploader("File", type=["csv", "xlsx", "xml", "zip", "geojson", "json", "gpkg"],
                          help="; ".join(FORMATS.values()))
if upload is not None:
    folder = Path(tempfile.mkdtemp(prefix="gapmonitor-upload-"))
    path = folder / Path(upload.name).name  # a bare name: an upload's name never chooses the folder
    path.write_bytes(upload.getvalue())
    try:
        detected = detect(path)
    except ReadError as e:
        st.error(str(e.problem))
        st.stop()
    formats = list(FORMATS)
    fmt = st.selectbox("Format", formats, index=formats.index(detected), format_func=FORMATS.get)
    countries = ui.query("countries")
    names = dict(zip(countries.code, countries.name))
    national = fmt in ("open-sdg", "boundaries")
    country = st.selectbox(
        "Country the file covers" + ("" if national else " (national files only)"),
        ([] if national else [None]) + list(countries.code), format_func=lambda c: names.get(c, "— a global file —"),
        help="National files give subnational codes (GeoCode, REF_AREA) that are read as areas of this country.")
    options = {"country": country}
    if fmt == "sdmx-ml":
        dsd = st.file_uploader("SDMX structure file (DSD)", type=["xml"])
        if dsd is None:
            st.info("SDMX-ML structure-specific data needs its structure message.")
            st.stop()
        options["structure"] = folder / ("structure-" + Path(dsd.name).name)
        options["structure"].write_bytes(dsd.getvalue())
    if fmt == "boundaries":
        try:
            properties = boundaries.layer_properties(path)
        except ReadError as e:
            st.error(str(e.problem))
            st.stop()
        c1, c2 = st.columns(2)
        options["code_property"] = c1.selectbox("Property with the area code", properties)
        options["name_property"] = c2.selectbox("Property with the area name", properties,
                                                index=min(1, len(properties) - 1))
    try:
        batch = read(path, fmt, name=upload.name, **options)
    except ReadError as e:
        st.error(f"Cannot import this file. {e.problem}")
        st.stop()
    with connection() as con:
        result = preview(con, batch, checksum(path), country)

    st.subheader("Preview: nothing is written yet")
    cols = st.columns(len(result.summary))
    for col, (key, value) in zip(cols, result.summary.items()):
        col.metric(key.capitalize(), value if isinstance(value, (int, float)) else str(value))
    if result.problems:
        problems = pd.DataFrame([vars(p) for p in result.problems])
        st.markdown(f"**{len(result.errors)} error(s)** (rows rejected) and **{len(result.warnings)} warning(s)** "
                    "(rows kept):")
        st.dataframe(problems, hide_index=True, height=260)
        ui.download(problems, f"problems_{upload.name}.csv", "Download the problems (CSV)")
    if result.already:
        st.info(f"This file was imported before (dataset {result.already}): importing it again changes nothing.")
        st.stop()
    with st.form("import"):
        title = st.text_input("Title", value=Path(upload.name).stem)
        source = st.text_input("Source (publisher, as you would cite it)")
        licence = st.text_input("Licence", placeholder="e.g. CC BY 4.0")
        kind = st.radio("Kind", ["official", "citizen"], horizontal=True) if batch.format not in ("framework", "boundaries") else "official"
        skip = st.checkbox(f"Import the valid rows and skip the {result.rejected} rejected") if result.rejected else False
        if st.form_submit_button("Import", type="primary"):
            try:
                dataset = apply(result, title=title, source=source, licence=licence, kind=kind, accept_rejected=skip)
            except (ImportRefused, ValueError) as e:
                st.error(str(e))
            else:
                st.success(f"Imported as {dataset}.")

st.header("Remove a dataset")
imported = sources[~sources.is_demo]
if imported.empty:
    st.caption("No imported dataset yet.")
else:
    labels = dict(zip(imported.dataset_id, imported.title))
    chosen = st.selectbox("Dataset", list(imported.dataset_id), format_func=lambda d: f"{labels[d]} ({d})")
    confirm = st.checkbox("Yes, remove it and its observations")
    if st.button("Remove", disabled=not confirm):
        remove(chosen)
        st.success(f"Removed {labels[chosen]}.")
        st.rerun()
