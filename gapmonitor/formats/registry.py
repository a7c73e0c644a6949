"""The formats the importer reads, as a registry: every module of gapmonitor/formats that declares a
FORMAT is one, so a new format is one new module (Open SDG's sdg-build lists its inputs the same way,
one class per source). The importer, the command line and the Data page read only this registry."""

import importlib
import pkgutil
import warnings
from dataclasses import dataclass, field
from functools import cache, cached_property
from pathlib import Path
from typing import Callable

from gapmonitor import country_codes
from gapmonitor.formats import Batch, fatal, other_delimiter
from gapmonitor.i18n import N_, _


@dataclass(frozen=True)
class Option:
    """Something a reader needs besides the file. `kind` says how it is asked for: 'country' (any code
    or name of a country; `given` makes it the alpha-3 code readers take), 'file' (a second file),
    'property' (a property of the file's features), 'spec' (a records spec: a YAML file on the command
    line, a form on the Data page). `help` is marked with N_: show it with _(option.help)."""

    name: str
    help: str
    kind: str = "text"
    required: bool = False


# The option most formats share: a national file's own codes are read as areas of this country.
COUNTRY = Option("country", N_("the country a national file covers (its ISO code, M49 number or name)"), kind="country")


def given(options: dict, file: str | Path, con=None) -> dict:
    """The options as the readers take them: a country option named in any way country_codes knows
    (GR, EL, 300, Greece) becomes its code (GRC); one that names no country, or (with `con`) none the
    database holds, is a ReadError."""
    out = dict(options)
    held = country_codes.held(con) if con is not None else None
    for name in {o.name for f in formats() for o in f.options if o.kind == "country"}:
        value = out.get(name)
        if value not in (None, ""):
            out[name] = country_codes.code(value)
            if out[name] is None:
                raise fatal(file, _("the {option} given names no country: {hint}", option=name, hint=_(country_codes.HINT)),
                            column=name, value=value)
            if held is not None and out[name] not in held:
                raise fatal(file, _("the {option} given, {code}, is not a country of the database", option=name,
                                    code=out[name]), column=name, value=value)
    return out


@dataclass(frozen=True)
class Format:
    """One kind of file: how it is recognised, what it needs, how it reads, what it writes. `label` and
    `sign` are marked with N_ where they hold words: show them with _(format.label)."""

    name: str                                   # e.g. 'un-sdg': --format on the command line
    label: str                                  # what users call it
    read: Callable[..., Batch]                  # read(path, con, **options) -> Batch; con may be unused
    recognise: Callable[["Sniff"], bool] | None = None  # None: never detected, only chosen
    sign: str = ""                              # how users tell it (the unknown-format message)
    order: int = 50                             # detection order: the first that recognises a file wins
    options: tuple[Option, ...] = ()
    writes: str = "observations"                # 'observations', 'indicators' or 'boundaries'
    kind: str | None = None                     # the dataset kind it always is ('citizen', 'reference')
    columns: dict = field(default_factory=dict)  # the file's names of series, area, year (for messages)
    suffixes: tuple[str, ...] = (".csv",)       # what an upload may be
    checksum: Callable[..., str] | None = None  # checksum(path, **options); default: the file's bytes

    def __post_init__(self):
        # every reader is given a file that is there: a folder or a missing path is a plain ReadError,
        # not an IsADirectoryError deep in a reader
        read = self.read

        def read_a_file(path, *args, **kwargs):
            _a_file(path)
            return read(path, *args, **kwargs)

        object.__setattr__(self, "read", read_a_file)

    def required(self, options: dict) -> list[Option]:
        """The required options not given."""
        return [o for o in self.options if o.required and not options.get(o.name)]


class Sniff:
    """What detection looks at, read once and only when a format asks: suffix, first bytes, the CSV
    header's cells, a workbook's sheet names, and the options given."""

    def __init__(self, path: Path, given: dict | None = None):
        self.path = path
        self.suffix = path.suffix.lower()
        self.given = given or {}

    @cached_property
    def start(self) -> bytes:
        with open(self.path, "rb") as f:
            return f.read(4096)

    @cached_property
    def sheets(self) -> list[str]:
        import openpyxl

        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")  # odd print areas in real workbooks; harmless
                return openpyxl.load_workbook(self.path, read_only=True).sheetnames
        except Exception as e:
            raise fatal(self.path, _("not a readable Excel workbook ({error})", error=type(e).__name__)) from e

    @property
    def workbook(self) -> bool:
        return self.suffix in (".xlsx", ".xlsm")

    @cached_property
    def header(self) -> list[str]:
        """The first line's cells, unquoted ('[Reporting Type]' -> 'Reporting Type'); [] for a workbook."""
        if self.workbook:
            return []
        if self.start.startswith((b"\xff\xfe", b"\xfe\xff")) or b"\x00" in self.start:
            raise fatal(self.path, _("not UTF-8 text (UTF-16 text or binary data): save a CSV file as CSV UTF-8"))
        with open(self.path, encoding="utf-8-sig", errors="replace") as f:
            head = f.readline()
        return [c.strip().strip('"').strip("[]") for c in head.split(",")]


@cache
def formats() -> tuple[Format, ...]:
    """Every registered format, in detection order."""
    import gapmonitor.formats as package

    found = []
    for module in pkgutil.iter_modules(package.__path__):
        declared = getattr(importlib.import_module(f"{package.__name__}.{module.name}"), "FORMAT", None)
        if isinstance(declared, Format):
            found.append(declared)
    return tuple(sorted(found, key=lambda f: (f.order, f.name)))


def get(name: str) -> Format:
    for f in formats():
        if f.name == name:
            return f
    raise ValueError(f"unknown format {name!r}; known: {', '.join(f.name for f in formats())}")


def _a_file(path: str | Path) -> None:
    path = Path(path)
    if path.is_dir():
        raise fatal(path, _("a folder, not a file: name the file to import (or the folder on the command line)"))
    if not path.exists():
        raise fatal(path, _("file not found"))


def detect(path: str | Path, given: dict | None = None) -> Format:
    """The format of a file (and the options given), from what the formats recognise; a ReadError says
    what was expected."""
    path = Path(path)
    _a_file(path)
    if path.stat().st_size == 0:
        raise fatal(path, _("the file is empty"))
    sniff = Sniff(path, given)
    for f in formats():
        if f.recognise is not None and f.recognise(sniff):
            return f
    signs = [_(f.sign) for f in formats() if f.recognise is not None and f.sign]
    other = None if sniff.workbook or sniff.suffix == ".xml" else other_delimiter(sniff.header)
    if other:
        raise fatal(path, _("unknown format (its cells are separated by {delimiter}, not commas: save it as CSV UTF-8, "
                            "comma delimited): expected {formats} or {last}", delimiter=other,
                            formats=", ".join(signs[:-1]), last=signs[-1]))
    raise fatal(path, _("unknown format: expected {formats} or {last}", formats=", ".join(signs[:-1]), last=signs[-1]))
