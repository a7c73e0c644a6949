"""SDMX-ML 2.1 data with its structure message (parsed by sdmx1); the row shape SDMX-CSV shares (sdmx_csv.py).

REF_AREA is passed through as given with area_scheme 'code'; the importer resolves it. The UN global
dataflow uses M49 numbers; Rwanda's national platform uses 'RW' for the country, 1-5 for the
provinces and two-digit 11-57 for the districts (first digit = province).

Structure-specific data names its structure in its header. With no structure file given, data of the
global SDG structure (IAEG-SDGs:SDG, any version) is read from its codes with the global DSD's
dimension list built in here (GLOBAL_SDG_DIMENSIONS); data of any other structure needs its DSD.
"""

import math
import re
import xml.etree.ElementTree as ET
from pathlib import Path

import pandas as pd
import sdmx

from gapmonitor.dimensions import key as dims_key
from gapmonitor.i18n import N_, _

from . import OBSERVATION_COLUMNS, Batch, ReadError, fatal
from gapmonitor.limits import NOT_FINITE, YEAR_RULE, year
from .registry import COUNTRY, Format, Option

# Dimensions that say which series, place and time an observation is, not which population group.
NOT_GROUP_DIMENSIONS = {"FREQ", "REPORTING_TYPE", "SERIES", "REF_AREA", "TIME_PERIOD"}

# The dimensions of the global SDG data structure IAEG-SDGs:SDG, in its order (the DimensionList of the
# IAEG-SDGs DSD; checked against Rwanda's national DSD NISR-SDGs:SDG(1.3), which is built on the global
# one and keeps the same sixteen, in /work/shared/realdata/open_sdg_rwanda/RWA_2025_SDG_DSD.xml).
# Every other XML attribute of a structure-specific <DataSet>, <Series> or <Obs> is an attribute
# (UNIT_MEASURE, UNIT_MULT, NATURE, OBS_STATUS, SOURCE_DETAIL...) or the measure OBS_VALUE.
GLOBAL_SDG_DIMENSIONS = (
    "FREQ", "REPORTING_TYPE", "SERIES", "REF_AREA", "SEX", "AGE", "URBANISATION", "INCOME_WEALTH_QUANTILE",
    "EDUCATION_LEV", "OCCUPATION", "CUST_BREAKDOWN", "COMPOSITE_BREAKDOWN", "DISABILITY_STATUS", "ACTIVITY",
    "PRODUCT", "TIME_PERIOD",
)
GLOBAL_SDG_STRUCTURE = ("IAEG-SDGs", "SDG")  # (agencyID, id); any version


def read_sdmx_ml(data_path, structure_path=None) -> Batch:
    """Read an SDMX-ML 2.1 data message; structure-specific data needs its structure message."""
    dsd = None
    for path in (data_path, structure_path):
        _check_namespace(path)
    if structure_path is not None:
        structure = _read_xml(structure_path)
        if not isinstance(structure, sdmx.message.StructureMessage):
            raise fatal(structure_path, _("not an SDMX structure message (it is a {kind})", kind=type(structure).__name__))
        dsds = list(structure.structure.values())
        if len(dsds) != 1:
            raise fatal(structure_path, _("expected one data structure definition (DSD), found {count}", count=len(dsds)))
        dsd = dsds[0]
    else:
        named = _structure_specific(data_path)
        if named is not None:
            agency, id_, version = named
            if (agency, id_) == GLOBAL_SDG_STRUCTURE:
                return _read_global_sdg(data_path)
            # sdmx1 would guess a structure, taking attributes such as UNIT_MEASURE for dimensions.
            which = f"{agency}:{id_}({version})" if agency or id_ else _("an unnamed structure")
            raise fatal(data_path, _("structure-specific data of {structure} needs its structure message "
                                     "(DSD + codelists); none given (only the global SDG structure {built_in} is "
                                     "built in)", structure=which, built_in=":".join(GLOBAL_SDG_STRUCTURE)))
    message = _read_xml(data_path, structure=dsd)
    if not isinstance(message, sdmx.message.DataMessage):
        raise fatal(data_path, _("not an SDMX data message (it is a {kind})", kind=type(message).__name__))
    if dsd is None and any("StructureSpecific" in type(ds).__name__ for ds in message.data):
        # sdmx1 would guess a structure, taking attributes such as UNIT_MEASURE for dimensions.
        raise fatal(data_path, _("structure-specific data needs its structure message (DSD + codelists); none given"))

    series = {code.id: _series_info(code) for code in _codelist(dsd, "SERIES")}
    areas = {code.id: str(code.name) for code in _codelist(dsd, "REF_AREA")}
    batch = Batch(Path(data_path).name, "sdmx-ml")
    rows, number = [], 0
    for dataset in message.data:
        for obs in dataset.obs:  # document order
            number += 1
            values = {k: _code(kv.value) for k, kv in obs.key.values.items()}
            values.update({k: _code(av.value) for k, av in {**dataset.attrib, **obs.attrib}.items()})
            values["OBS_VALUE"] = obs.value
            rows.append(observation(batch, number, values, list(obs.key.values), series, areas))
    batch = finish(batch, rows)
    for column, concept, codes in (("series", "SERIES", series), ("area", "REF_AREA", areas)):
        for code in sorted(set(batch.observations[column]) - set(codes)) if codes else []:
            batch.problem("warning", _("{concept} code is not in the structure's codelist", concept=concept),
                          column=concept, value=code)
    return batch


MESSAGE_NAMESPACE = "http://www.sdmx.org/resources/sdmxml/schemas/v2_1/message"


def _check_namespace(path) -> None:
    """A ReadError if the root element is not an SDMX-ML 2.1 message (another version's namespace, a
    misspelt one, or other XML): sdmx1 would fail on it with a NotImplementedError, printing the XML.
    A file that is missing, empty or not XML is left for the readers, which say so."""
    if path is None:
        return
    try:
        with open(path, "rb") as f:
            _event, root = next(ET.iterparse(f, events=("start",)))
    except (OSError, ET.ParseError, StopIteration):
        return
    namespace = root.tag[1:].split("}", 1)[0] if root.tag.startswith("{") else ""
    if namespace != MESSAGE_NAMESPACE:
        message = (_("not an SDMX-ML 2.1 message: its root element <{element}> is in another namespace (SDMX-ML "
                     "2.1's is {namespace})", element=local(root.tag), namespace=MESSAGE_NAMESPACE) if namespace else
                   _("not an SDMX-ML 2.1 message: its root element <{element}> is in no namespace (SDMX-ML 2.1's is "
                     "{namespace})", element=local(root.tag), namespace=MESSAGE_NAMESPACE))
        raise fatal(path, message, value=namespace or None)


def _structure_specific(path) -> tuple[str, str, str] | None:
    """(agencyID, id, version) of the structure a structure-specific data message names in its header
    (the <Ref> of <common:Structure>, else the DataStructure in the namespace URN; '' where not found);
    None if the file is not structure-specific data or not readable (then _read_xml tells why)."""
    ref, urn, root = None, None, None
    try:
        with open(path, "rb") as f:
            for event, element in ET.iterparse(f, events=("start", "end")):
                name = local(element.tag)
                if root is None:
                    root = name
                    if "StructureSpecific" not in root:
                        return None
                if event == "start" and name == "DataSet" or event == "end" and name == "Header":
                    break
                if event == "end" and name == "Ref" and ref is None:
                    ref = element.attrib
                if event == "end" and name == "Structure" and element.get("namespace"):
                    urn = element.get("namespace")
    except (OSError, ET.ParseError):  # missing, empty, not XML, cut off in the header: _read_xml tells
        return None
    if root is None:
        return None
    if ref is not None and ref.get("id"):
        return ref.get("agencyID", ""), ref.get("id", ""), ref.get("version", "")
    found = re.search(r"DataStructure=([^:]+):([^(:]+)\(([^)]*)\)", urn or "")
    return found.groups() if found else ("", "", "")


def _read_global_sdg(data_path) -> Batch:
    """Structure-specific data of the global SDG structure without its DSD: the codes as they stand,
    the dimensions those of GLOBAL_SDG_DIMENSIONS, every other XML attribute an attribute. No code
    lists, so series descriptions, indicators and area names stay empty (the importer fills known
    series from its catalogue)."""
    batch = Batch(Path(data_path).name, "sdmx-ml")
    rows, number, groups = [], 0, 0
    dataset, series = {}, {}
    try:
        with open(data_path, "rb") as f:
            for event, element in ET.iterparse(f, events=("start", "end")):
                name = local(element.tag)
                if event == "start":
                    if name == "DataSet":
                        dataset, series = plain(element), {}
                    elif name == "Series":
                        series = plain(element)
                    continue
                if name == "Obs":  # under a <Series>, or straight under <DataSet> (all dimensions at Obs)
                    number += 1
                    values = {**dataset, **series, **plain(element)}
                    rows.append(observation(batch, number, values, list(GLOBAL_SDG_DIMENSIONS)))
                    element.clear()
                elif name == "Series":
                    series = {}
                    element.clear()
                elif name == "Group":
                    groups += 1
                    element.clear()
    except FileNotFoundError:
        raise fatal(data_path, _("file not found"))
    except ET.ParseError as e:
        raise fatal(data_path, _("not well-formed XML (cut off?): {error}", error=e), row=e.position[0]) from e
    if groups:
        batch.problem("warning", _("{count} <Group> element(s): their attributes are left out", count=groups))
    return finish(batch, rows)


def local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def plain(element) -> dict:
    """An element's XML attributes without namespace (ss:structureRef, xsi:type are not SDMX concepts)."""
    return {k: v for k, v in element.attrib.items() if not k.startswith("{")}


def observation(batch, row, values, dimensions, series=None, areas=None) -> dict | None:
    """One output row from the codes and texts of one observation, or None with the reason recorded."""
    get = lambda concept: text(values.get(concept))  # noqa: E731
    for column in ("SERIES", "REF_AREA", "TIME_PERIOD"):
        if not get(column):
            batch.problem("error", _("{column} is empty", column=column), row, column, "")
            return None
    period, raw = get("TIME_PERIOD"), get("OBS_VALUE")
    if year(period) is None:
        batch.problem("error", _("TIME_PERIOD does not start with a year ({rule})", rule=_(YEAR_RULE)), row,
                      "TIME_PERIOD", period)
        return None
    value = _number(raw)
    if value is None and _number(raw, finite=False) is not None:
        batch.problem("error", _("OBS_VALUE is {not_finite}", not_finite=_(NOT_FINITE)), row, "OBS_VALUE", raw)
        return None
    if value is None:
        missing = raw.upper() in ("", "NAN")  # NaN is SDMX's marker for a missing value
        message = _("OBS_VALUE is missing") if missing else _("OBS_VALUE is not a number")
        batch.problem("error", message, row, "OBS_VALUE", raw)
        return None
    bounds = {}
    for column in ("LOWER_BOUND", "UPPER_BOUND"):
        bounds[column] = _number(get(column))
        if get(column) and bounds[column] is None:
            batch.problem("warning", _("{column} is not a number; left out", column=column), row, column, get(column))
    description, indicator = (series or {}).get(get("SERIES"), ("", ""))
    groups = [(d, get(d)) for d in dimensions if d not in NOT_GROUP_DIMENSIONS]  # the key leaves totals out
    return {
        "row": row, "series": get("SERIES"), "series_description": description, "indicator": indicator,
        "unit": get("UNIT_MEASURE"), "area": get("REF_AREA"), "area_name": (areas or {}).get(get("REF_AREA"), ""),
        "area_scheme": "code", "dims": dims_key(groups),
        "year": year(period), "time_detail": period, "value": value,
        "lower_bound": bounds["LOWER_BOUND"], "upper_bound": bounds["UPPER_BOUND"],
        "nature": get("NATURE"), "source": get("SOURCE_DETAIL"),
    }


def finish(batch: Batch, rows: list) -> Batch:
    batch.observations = pd.DataFrame([r for r in rows if r is not None], columns=OBSERVATION_COLUMNS).astype(
        {"value": float, "lower_bound": float, "upper_bound": float})
    if not rows:
        batch.problem("warning", _("the file holds no observations"))
    # A series reported in several units mixes numbers that cannot be compared (Rwanda: counts and %).
    for code, units in batch.observations.groupby("series")["unit"].unique().items():
        if len(units) > 1:
            batch.problem("warning", _("series {code} comes in several units", code=code), column="UNIT_MEASURE",
                          value=", ".join(sorted(units)))
    return batch


def _read_xml(path, **kwargs):
    try:
        with open(path, "rb") as f:
            start = f.read(512).lstrip(b"\xef\xbb\xbf \t\r\n")
            if not start:
                raise fatal(path, _("file is empty"))
            if not start.startswith(b"<"):  # else sdmx1 may take it for SDMX-CSV or JSON
                raise fatal(path, _("not XML, so not SDMX-ML"))
            f.seek(0)
            # well-formed first: sdmx1 prints its whole parse stack to stdout on a syntax error
            # (a truncated download), and the syntax error's line is the row to report
            try:
                for _event, element in ET.iterparse(f, events=("end",)):
                    element.clear()
            except ET.ParseError as e:
                raise fatal(path, _("not well-formed XML (cut off?): {error}", error=e), row=e.position[0]) from e
            f.seek(0)
            return sdmx.read_sdmx(f, format="XML", **kwargs)
    except FileNotFoundError:
        raise fatal(path, _("file not found"))
    except ReadError:
        raise
    except Exception as e:  # lxml syntax errors, sdmx1 assertions on non-SDMX XML...
        # an XML syntax error (a truncated download) knows its line: report it as the row
        raise fatal(path, _("not readable as SDMX-ML: {error}", error=e), row=getattr(e.__cause__ or e, "lineno", None))


def _codelist(dsd, concept) -> list:
    """The codes of the codelist that the DSD gives for a dimension or attribute; [] if none."""
    components = [*dsd.dimensions.components, *dsd.attributes.components] if dsd is not None else []
    for component in components:  # not ComponentList.get(), which adds a missing component
        if component.id == concept and component.local_representation is not None:
            return list(component.local_representation.enumerated or [])
    return []


def _series_info(code) -> tuple[str, str]:
    """(description, indicator) of a SERIES code, from its name and its 'Indicator' annotation."""
    indicator = next((str(a.text).strip() for a in code.annotations if a.type == "Indicator"), "")
    description = str(code.name).strip()
    # Names end with the indicator, "... poverty line [1.1.1]", which has its own column.
    return description.removesuffix(f" [{indicator}]") if indicator else description, indicator


def _code(value) -> str:
    return getattr(value, "id", value)  # coded values come as Code objects when the structure is known


def text(value) -> str:
    return "" if value is None or (isinstance(value, float) and math.isnan(value)) else str(value).strip()


def _number(text: str, finite: bool = True) -> float | None:
    """The number a cell holds; None for none, for NaN, and (unless finite is False) for an infinity."""
    try:
        number = float(text)
    except (TypeError, ValueError):
        return None
    if math.isnan(number) or (finite and math.isinf(number)):  # NaN is SDMX's missing value
        return None
    return number


COLUMNS = {"series": "SERIES", "area": "REF_AREA", "year": "TIME_PERIOD"}
STRUCTURE = Option("structure", N_("the SDMX structure file (DSD) of structure-specific SDMX-ML data "
                                   "(not needed for the global SDG structure IAEG-SDGs:SDG)"), kind="file")

FORMAT = Format(
    name="sdmx-ml", label=N_("SDMX-ML 2.1 data (with its structure file)"),
    read=lambda path, con, country=None, structure=None: read_sdmx_ml(path, structure),
    recognise=lambda f: f.suffix == ".xml", sign=N_("SDMX-ML (.xml)"), order=20, options=(COUNTRY, STRUCTURE),
    columns=COLUMNS, suffixes=(".xml",),
)
