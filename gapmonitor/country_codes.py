"""A country as users name it, to its ISO alpha-3 code (the database's country code): alpha-3 or alpha-2
codes, UN M49 numbers ('4' or '004'), English names (the M49 name and pycountry's name, common and
official names), and the aliases of data/reference/country_aliases.csv (Eurostat's EL and UK). The one resolver
of the records' country column, the citizen template's country column, the --country option and
(through the same alias list) official imports' codes."""

import csv
import re
import unicodedata
from functools import cache

import pycountry

from gapmonitor.i18n import N_
from gapmonitor.reference import REFERENCE

ALIASES = REFERENCE / "country_aliases.csv"
# What a country may be given as, for messages: marked for the catalogue, shown with _(HINT)
HINT = N_("give an ISO 3166 alpha-3 or alpha-2 code (GRC or GR; EL and UK as Eurostat writes them), an M49 number or "
          "an English name")


def fold(text: str) -> str:
    """Text as compared: no accents, case or punctuation ("Côte d’Ivoire" -> 'cote d ivoire')."""
    text = unicodedata.normalize("NFKD", str(text)).encode("ascii", "ignore").decode().lower()
    return " ".join(re.sub(r"[^a-z0-9]+", " ", text).split())


@cache
def _index() -> tuple[dict[str, str | None], dict[int, str], dict[str, str]]:
    """Keys (folded codes and names) -> code, M49 number -> code, code -> alpha-2, for every ISO 3166-1
    country and every country of data/reference/areas.csv (whether the database holds one is the
    caller's question). A name two countries share maps to None: it names neither."""
    with open(REFERENCE / "areas.csv", encoding="utf-8", newline="") as f:
        areas = [(a["iso3"], a["iso2"], int(a["m49"]), [a["name"]]) for a in csv.DictReader(f)]
    with open(ALIASES, encoding="utf-8", newline="") as f:
        aliases = list(csv.DictReader(f))
    iso = [(c.alpha_3, c.alpha_2, int(c.numeric), [getattr(c, n, "") for n in ("name", "common_name", "official_name")])
           for c in pycountry.countries]
    keys: dict[str, str | None] = {}

    def add(key: str, code: str) -> None:
        if key:
            keys[fold(key)] = code if keys.get(fold(key), code) == code else None

    for alpha3, two, _m49, names in iso + areas:
        for key in (alpha3, two, *names):
            add(key, alpha3)
    for a in aliases:
        add(a["alias"], a["code"])
    return (keys, {m49: alpha3 for alpha3, _two, m49, _names in iso + areas},
            {alpha3: two for alpha3, two, _m49, _names in iso + areas})


def code(value) -> str | None:
    """The country code a value names, or None ('EL' -> 'GRC', '004' -> 'AFG', 'Viet Nam' -> 'VNM')."""
    text = "" if value is None else str(value).strip()
    keys, m49, _alpha2 = _index()
    if text.isdigit():
        return m49.get(int(text))
    if not text:
        return None
    folded = fold(text)
    # "The Gambia", "St Lucia": the article and the abbreviation are not part of the name
    for spelling in (folded, re.sub(r"^the ", "", folded), re.sub(r"^st ", "saint ", folded)):
        if spelling in keys:
            return keys[spelling]
    return None


def alpha2(country: str) -> str | None:
    """The ISO alpha-2 code of a country code (for ISO 3166-2 subdivision codes, which start with it)."""
    return _index()[2].get(country) or None


def held(con) -> frozenset[str]:
    """The countries the database holds: a code resolved above must be one of them before data is
    attached to it (ISO and the reference list know Antarctica, Taiwan and others the database has not)."""
    return frozenset(c for c, in con.execute("select code from area where kind = 'country'").fetchall())
