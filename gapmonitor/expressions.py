"""Computed measures of citizen records (issue 14): a small declared grammar, parsed here (never eval)
and translated to DuckDB SQL over the records' text cells.

    measure    := sum [comparison sum]            a comparison makes the measure yes/no (a percentage)
    comparison := > | >= | < | <= | = | <>
    sum        := product {(+ | -) product}
    product    := unary {(* | × | / | ÷) unary}
    unary      := - unary | number | column | sum(names) | ( measure )
    column     := a bare name [A-Za-z_][A-Za-z0-9_.]*, or "any name" in double quotes ("" for a quote)
    names      := name or glob {, name or glob}   e.g. sum(item_*), sum("litter/*"), sum(a, b, c)

A cell is text: trimmed, a missing marker is blank (0 with blanks_as_zero, else the record has no
value), anything else is try_cast to a finite double or is not a number (the record is left out).
Division by zero gives no value. Names enter SQL only through sql.identifier(); numbers are bound
as parameters."""

from __future__ import annotations

import difflib
import fnmatch
import hashlib
import re
from dataclasses import dataclass

import duckdb
import pandas as pd

from gapmonitor import record_files
from gapmonitor.formats import ReadError, fatal
from gapmonitor.i18n import _
from gapmonitor.sql import identifier

BARE = re.compile(r"[A-Za-z_][A-Za-z0-9_.]*")
NUMBER = re.compile(r"(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?")
PATTERN = re.compile(r"[A-Za-z0-9_.*?]+")             # a bare name or glob inside sum(...)
NAMELIKE = re.compile(r"[\w .\-/]+")                  # text that could be meant as one column's name
SYMBOLS = (">=", "<=", "<>", ">", "<", "=", "+", "-", "*", "×", "/", "÷", "(", ")", ",")
COMPARISONS = (">", ">=", "<", "<=", "=", "<>")
SAME = {"×": "*", "÷": "/"}                            # written forms of the same operator


@dataclass(frozen=True)
class Token:
    kind: str      # 'number', 'name', 'quoted', 'pattern', 'symbol', 'end'
    text: str      # as written ('quoted': the name inside the quotes)
    at: int        # 1-based character position in the measure


# The parse tree: a column is its slot in Measure.columns, so the SQL names it by position.
@dataclass(frozen=True)
class Number:
    value: float


@dataclass(frozen=True)
class Column:
    slot: int


@dataclass(frozen=True)
class Total:
    slots: tuple[int, ...]


@dataclass(frozen=True)
class Negative:
    operand: object


@dataclass(frozen=True)
class Binary:
    op: str        # + - * / or a comparison
    left: object
    right: object
    at: int = 0    # where the operator is written


@dataclass(frozen=True)
class Measure:
    text: str
    tree: object
    columns: tuple[str, ...]   # the file's columns it reads, in order of first use

    @property
    def yes_no(self) -> bool:
        return isinstance(self.tree, Binary) and self.tree.op in COMPARISONS


def tokens(text: str, file: str = "") -> list[Token]:
    """The measure's tokens; an unexpected character is refused with its position."""
    found, i, in_sum = [], 0, False
    while i < len(text):
        c = text[i]
        if c.isspace():
            i += 1
            continue
        if c == '"':
            end, name = i + 1, []
            while True:
                j = text.find('"', end)
                if j < 0:
                    raise _refused(file, text, _("a quoted name is not closed (the quote at character {position})",
                                                 position=i + 1))
                name.append(text[end:j])
                if text[j + 1:j + 2] != '"':
                    break
                name.append('"')
                end = j + 2
            found.append(Token("quoted", "".join(name), i + 1))
            i = j + 1
            continue
        match = (PATTERN.match(text, i) if in_sum and c not in "()," else
                 NUMBER.match(text, i) if c.isdigit() or c == "." else BARE.match(text, i))
        if match:
            kind = "pattern" if in_sum else "number" if c.isdigit() or c == "." else "name"
            found.append(Token(kind, match.group(), i + 1))
            i = match.end()
            continue
        symbol = next((s for s in SYMBOLS if text.startswith(s, i)), None)
        if symbol is None:
            raise _refused(file, text, _("unexpected character {character!r} at character {position}", character=c,
                                         position=i + 1))
        # names inside sum( ... ) are patterns: item_* is a glob there, not a product
        in_sum = (in_sum and symbol != ")") or (symbol == "(" and found[-1:] and found[-1].kind == "name"
                                                 and found[-1].text == "sum")
        found.append(Token("symbol", symbol, i + 1))
        i += len(symbol)
    return found + [Token("end", "", len(text) + 1)]


def parse(text: str, columns: list[str], file: str = "") -> Measure:
    """A measure from its text, against the file's columns: exactly a column name is that column;
    anything else must follow the grammar and name only columns the file has."""
    columns = list(columns)
    if text in columns:
        return Measure(text, Column(0), (text,))
    try:  # the grammar first, so an error names the token where the text stops being a formula
        _Parser(text, None, file).measure()
        return _Parser(text, columns, file).measure()
    except ReadError:
        # ... unless the text reads as a misspelt column name ('beach nmae', 'group-questoin')
        if NAMELIKE.fullmatch(text) and difflib.get_close_matches(text, columns, n=1, cutoff=0.8):
            raise _Parser(text, columns, file).unknown(text) from None
        raise


class _Parser:
    """Recursive descent over the tokens, one method per rule of the grammar."""

    def __init__(self, text: str, columns: list[str] | None, file: str):  # None: any name is a column
        self.text, self.columns, self.file = text, columns, file
        self.tokens, self.i, self.used = tokens(text, file), 0, []

    def measure(self) -> Measure:
        tree = self.comparison()
        self.expect("end")
        inner = [tree.left, tree.right] if isinstance(tree, Binary) and tree.op in COMPARISONS else [tree]
        for node in _walk(inner):
            if isinstance(node, Binary) and node.op in COMPARISONS:
                raise _refused(self.file, self.text, _("the comparison {operator!r} at character {position} can only "
                                                       "be the whole measure (e.g. collection_time > 30)",
                                                       operator=node.op, position=node.at))
        if not self.used and self.columns is not None:  # the same number for every record measures nothing
            raise _refused(self.file, self.text, _("it reads no column"))
        return Measure(self.text, tree, tuple(self.used))

    def comparison(self):
        left = self.sum()
        if self.peek().kind == "symbol" and self.peek().text in COMPARISONS:
            op = self.take()
            return Binary(op.text, left, self.sum(), op.at)
        return left

    def sum(self):
        tree = self.product()
        while self.peek().kind == "symbol" and self.peek().text in ("+", "-"):
            op = self.take()
            tree = Binary(op.text, tree, self.product(), op.at)
        return tree

    def product(self):
        tree = self.unary()
        while self.peek().kind == "symbol" and self.peek().text in ("*", "×", "/", "÷"):
            op = self.take()
            tree = Binary(SAME.get(op.text, op.text), tree, self.unary(), op.at)
        return tree

    def unary(self):
        token = self.take()
        if token.kind == "symbol" and token.text == "-":
            return Negative(self.unary())
        if token.kind == "number":
            return Number(float(token.text))
        if token.kind == "name" and token.text == "sum" and self.peek().text == "(" and self.peek().kind == "symbol":
            return self.total()
        if token.kind in ("name", "quoted"):
            return Column(self.slot(self.column(token)))
        if token.kind == "symbol" and token.text == "(":
            tree = self.comparison()
            self.expect("symbol", ")")
            return tree
        raise self.unexpected(token)

    def total(self) -> Total:
        self.expect("symbol", "(")
        slots = []
        while True:
            token = self.take()
            if token.kind not in ("pattern", "quoted"):
                raise self.unexpected(token)
            slots += [s for s in map(self.slot, self.matching(token)) if s not in slots]
            if self.take_if(")"):
                return Total(tuple(slots))
            self.expect("symbol", ",")

    def column(self, token: Token) -> str:
        """The column a name stands for: itself, or in a survey export the one column of that question
        ('minutes' for 'water/minutes'; record_files.answering)."""
        if self.columns is None:
            return token.text
        found = record_files.answering(self.columns, token.text)
        if len(found) > 1:
            raise _refused(self.file, self.text, _("the column {name!r} could be any of {columns}: name it by its full "
                                                   "path in double quotes", name=token.text, columns=", ".join(found)))
        if not found:
            raise self.unknown(token.text)
        return found[0]

    def matching(self, token: Token) -> list[str]:
        """The columns a name or glob of sum(...) stands for, in the file's order (a glob matches a full
        name, else a question's name at the end of a survey export's path: sum(item_*) for 'litter/item_*')."""
        if self.columns is None or not set("*?[") & set(token.text):
            return [self.column(token)]
        hits = [c for c in self.columns if fnmatch.fnmatchcase(c, token.text)] or [
            c for c in self.columns if any(fnmatch.fnmatchcase(c, f"*{s}{token.text}") for s in record_files.SEPARATORS)]
        if not hits:
            raise self.unknown(token.text)
        return hits

    def slot(self, column: str) -> int:
        if column not in self.used:
            self.used.append(column)
        return self.used.index(column)

    def unknown(self, name: str):
        close = difflib.get_close_matches(name, self.columns, n=3, cutoff=0.6)
        columns = ", ".join(self.columns)
        if name == self.text:
            message = (_("no column {name!r}; closest: {closest}; the file has: {columns}", name=name,
                         closest=", ".join(close), columns=columns) if close else
                       _("no column {name!r}; the file has: {columns}", name=name, columns=columns))
        else:
            message = (_("no column {name!r} (in the measure {measure!r}); closest: {closest}; the file has: {columns}",
                         name=name, measure=self.text, closest=", ".join(close), columns=columns) if close else
                       _("no column {name!r} (in the measure {measure!r}); the file has: {columns}", name=name,
                         measure=self.text, columns=columns))
        return fatal(self.file, message, value=self.text)

    def unexpected(self, token: Token):
        if token.kind == "end":
            return _refused(self.file, self.text, _("the measure ends too soon"))
        what = f'"{token.text}"' if token.kind == "quoted" else repr(token.text)
        return _refused(self.file, self.text, _("unexpected {token} at character {position}", token=what,
                                                position=token.at))

    def peek(self) -> Token:
        return self.tokens[self.i]

    def take(self) -> Token:
        self.i += 1
        return self.tokens[self.i - 1]

    def take_if(self, symbol: str) -> bool:
        if self.peek().kind == "symbol" and self.peek().text == symbol:
            self.i += 1
            return True
        return False

    def expect(self, kind: str, text: str | None = None) -> None:
        token = self.take()
        if token.kind != kind or (text is not None and token.text != text):
            raise self.unexpected(token)


def _refused(file: str, text: str, why: str):
    return fatal(file, _("the measure {measure!r} is not a column name nor a formula: {why}. A formula uses column "
                         "names, numbers, + - * / ( ), one comparison (> >= < <= = <>) and sum(item_*)", measure=text,
                         why=why), value=text)


def _walk(nodes):
    for node in nodes:
        yield node
        yield from _walk([node.left, node.right] if isinstance(node, Binary) else
                         [node.operand] if isinstance(node, Negative) else [])


def compares(text: str) -> bool:
    """Whether a measure's text is a comparison (a yes/no measure), read without a file's columns."""
    try:
        return _Parser(text, None, "").measure().yes_no
    except ReadError:  # not a formula: a column name
        return False


def slug(text: str) -> str:
    """The part of a default series code a measure gives: a bare column name as it always was
    (MAIN_WATER_SOURCE); anything else its words and a short hash of its tokens, so two formulas with
    the same words (a / b, a * b) never share a series."""
    words = re.sub(r"[^A-Z0-9]+", "_", text.upper()).strip("_")
    if BARE.fullmatch(text.strip()):
        return words
    try:
        canonical = "\x1f".join(f"{t.kind}:{t.text}" for t in tokens(text))
    except ReadError:  # not a formula (a column name with spaces): its text, trimmed
        canonical = " ".join(text.split())
    return f"{words[:40].strip('_')}_{hashlib.sha256(canonical.encode()).hexdigest()[:6].upper()}"


def measure_sql(measure: Measure) -> tuple[str, list[float]]:
    """The measure as a DuckDB expression over the cells' numbers (columns n0, n1, ... by slot), and
    the numbers it binds, in the order of its ? placeholders."""
    numbers: list[float] = []
    text = _node_sql(measure.tree, numbers)
    if measure.yes_no:
        return f"cast({text} as double)", numbers
    return text, numbers


def _node_sql(node, numbers: list[float]) -> str:
    # Every piece of SQL here is a literal of the code or identifier(); operators are chosen from
    # literals, so nothing of the user's text is pasted (tests/test_sql_text.py reads this).
    if isinstance(node, Number):
        numbers.append(node.value)
        return "?"
    if isinstance(node, Column):
        return identifier(f"n{node.slot}")
    if isinstance(node, Total):
        return "(" + " + ".join(identifier(f"n{s}") for s in node.slots) + ")"
    if isinstance(node, Negative):
        operand = _node_sql(node.operand, numbers)
        return f"(- {operand})"
    left = _node_sql(node.left, numbers)
    right = _node_sql(node.right, numbers)
    if node.op == "/":  # division by zero: no value
        return f"({left} / nullif({right}, 0))"
    for written, op in (("+", "+"), ("-", "-"), ("*", "*"), (">", ">"), (">=", ">="), ("<", "<"), ("<=", "<="),
                        ("=", "="), ("<>", "<>")):
        if node.op == written:
            return f"({left} {op} {right})"
    raise ValueError(f"no SQL for the operator {node.op!r}")


@dataclass
class Evaluation:
    """A measure's value for each record, and why a record has none."""

    y: pd.Series            # float; NaN where the record has no value
    blank: pd.Series        # bool: a cell the measure reads is blank (and blanks do not count as 0)
    not_number: pd.Series   # bool: a cell the measure reads is not a number
    bad_cells: pd.DataFrame  # index (the record), column, value: each cell that is not a number
    blanks: dict[str, int]   # the number of blank cells in each column the measure reads


def evaluate(con: duckdb.DuckDBPyConnection, records: pd.DataFrame, measure: Measure, missing,
             blanks_as_zero: bool = False) -> Evaluation:
    """The measure for every record, computed in DuckDB over the records' text cells."""
    cells = records[list(measure.columns)].set_axis([f"t{k}" for k in range(len(measure.columns))], axis=1)
    cells.insert(0, "_record", range(len(records)))
    slots = range(len(measure.columns))
    trimmed = ", ".join(f"trim(coalesce({identifier(f't{k}')}, '')) as {identifier(f't{k}')}" for k in slots)
    blank = ", ".join(f"list_contains(s.missing, {identifier(f't{k}')}) as {identifier(f'b{k}')}" for k in slots)
    number = ", ".join(f"case when list_contains(s.missing, {identifier(f't{k}')}) then s.blank "
                       f"when isfinite(try_cast({identifier(f't{k}')} as double)) "
                       f"then try_cast({identifier(f't{k}')} as double) end as {identifier(f'n{k}')}" for k in slots)
    flags = ", ".join(f"{identifier(f'b{k}')}, not {identifier(f'b{k}')} and {identifier(f'n{k}')} is null "
                      f"as {identifier(f'x{k}')}" for k in slots)
    formula, numbers = measure_sql(measure)
    con.register("record_cells", cells)
    try:
        # positional parameters, in the order of their ? in the text: the two settings, then the numbers
        out = con.execute(f"""
            with s as (select ?::varchar[] as missing, ?::double as blank),
            t as (select _record, {trimmed} from record_cells),
            v as (select _record, {blank}, {number} from t, s)
            select _record, case when isfinite(y) then y end as y, * exclude (_record, y) from (
                select _record, {formula} as y, {flags} from v)
            order by _record""", [sorted(missing), 0.0 if blanks_as_zero else None, *numbers]).df()
    finally:
        con.unregister("record_cells")
    index = records.index
    is_blank = out[[f"b{k}" for k in slots]].any(axis=1).to_numpy() & (not blanks_as_zero)
    bad = out[[f"x{k}" for k in slots]].to_numpy()
    rows, which = bad.nonzero()
    bad_cells = pd.DataFrame({"index": index[rows], "column": [measure.columns[k] for k in which],
                              "value": [records.iat[r, records.columns.get_loc(measure.columns[k])]
                                        for r, k in zip(rows, which)]}).sort_values(["index", "column"])
    return Evaluation(y=pd.Series(out.y.to_numpy(dtype=float), index=index), blank=pd.Series(is_blank, index=index),
                      not_number=pd.Series(bad.any(axis=1), index=index), bad_cells=bad_cells,
                      blanks={c: int(out[f"b{k}"].sum()) for k, c in enumerate(measure.columns)})
