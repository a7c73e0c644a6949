"""The floor of a page's server time in row g: a page that sends what another page sent, computing
nothing. Its widgets (kind, place, label, options, key) are drawn again through Streamlit's API, so they
are registered and checked as the page's are; every other element (markdown, metrics, charts, tables) is
sent as the very message the page sent, recorded from AppTest, through the DeltaGenerator's internal
`_enqueue` (bench only: no public API sends a ready message). No query, no figure, no frame is made."""

import base64
import json

from streamlit.proto.Element_pb2 import Element
from streamlit.testing.v1.element_tree import Block, Widget

KINDS = {"selectbox", "radio", "slider", "checkbox", "download_button"}
FIELDS = {f.message_type.name: f.name for f in Element.DESCRIPTOR.fields if f.message_type}


def _walk(node):
    for child in getattr(node, "children", {}).values():
        if isinstance(child, Block):
            yield from _walk(child)
        else:
            yield child


def recorded(at) -> list[dict]:
    """What a page AppTest ran sent, in order: its widgets as specs, its other elements as messages."""
    found = []
    for place, part in (("sidebar", at.sidebar), ("main", at.main)):
        for e in _walk(part):
            kind = FIELDS.get(type(e.proto).__name__)
            if isinstance(e, Widget) and kind in KINDS:
                options = [str(o) for o in getattr(e, "options", None) or []]
                found.append({"place": place, "kind": kind, "label": e.proto.label, "options": options,
                              "key": getattr(e, "key", None)})
            elif kind:
                found.append({"place": place, "kind": "element", "field": kind,
                              "proto": base64.b64encode(e.proto.SerializeToString()).decode()})
    return found


def widgets_only(spec: list[dict]) -> list[dict]:
    return [w for w in spec if w["kind"] != "element"]


def script(spec: list[dict]) -> str:
    """A Streamlit script sending these widgets and elements, timed like the page (bench.page_timer)."""
    return f'''
import base64, json
import streamlit as st
from streamlit.proto.Element_pb2 import Element
from bench import page_timer

SPEC = json.loads({json.dumps(json.dumps(spec))})
MESSAGES = [None if w["kind"] != "element" else
            getattr(Element(), w["field"]).__class__.FromString(base64.b64decode(w["proto"])) for w in SPEC]
with page_timer.timed():
    for i, (w, message) in enumerate(zip(SPEC, MESSAGES)):
        where = st.sidebar if w["place"] == "sidebar" else st._main
        if w["kind"] == "element":
            where._enqueue(w["field"], message)
        elif w["kind"] == "selectbox":
            where.selectbox(w["label"], w["options"], key=w["key"] or f"w{{i}}")
        elif w["kind"] == "radio":
            where.radio(w["label"], w["options"], key=w["key"] or f"w{{i}}")
        elif w["kind"] == "slider":
            where.slider(w["label"], 1, 15, 5, key=w["key"] or f"w{{i}}")
        elif w["kind"] == "checkbox":
            where.checkbox(w["label"], key=w["key"] or f"w{{i}}")
        else:
            where.download_button(w["label"], b"", file_name="empty.txt", key=f"w{{i}}")
'''
