"""No value is pasted into SQL text: values are bound as parameters, and the only things interpolated
into SQL are identifiers quoted by gapmonitor.sql.identifier(), SQL text the code itself holds, or the
few SQL constants allow-listed below. The Python code is read with ast, so a value pasted anywhere
(an f-string, a concatenation, % or .format, a re.sub or .replace into SQL text) fails here with its
file and line, wherever the SQL is executed later."""

import ast
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
# The app's code: not tests/ (they build fixtures as they like), nor bench/ (a benchmark harness that
# generates synthetic data at the scales it chooses and pastes its own numbers and temp paths; it is
# not part of the app and reads no one's file).
SOURCES = sorted({*ROOT.glob("gapmonitor/**/*.py"), *ROOT.glob("pages/**/*.py"), *ROOT.glob("scripts/**/*.py"),
                  ROOT / "app.py"})
SQL_FILES = sorted({*ROOT.glob("queries/*.sql"), *ROOT.glob("gapmonitor/**/*.sql")})

# Module-level names that hold SQL text, each with why it may be interpolated into SQL.
SQL_TEXT = {
    "RESOLVE": "importer.py: resolve_import.sql, read from the package",
    "CELL_YEARS": "derived.py: cell_years.sql, read from the package",
    "EXPECTED_GROUPS": "derived.py: expected_groups.sql, read from the package",
    "PRIMARY": "derived.py: the first statement of suppression.sql",
    "SECONDARY": "derived.py: the second statement of suppression.sql",
    "_CSV_OPTIONS": "formats/__init__.py: read_csv's fixed options, a literal of the code",
    "PROBLEMS": "formats/unsdg.py: each row's condition is SQL over _load's columns, a literal of the code",
}
QUOTING = {"identifier"}  # sql.identifier(...) or identifier(...): any text becomes a safe name
EXECUTES = {"execute", "executemany", "sql", "query", "from_query", "read_sql"}  # their first argument is SQL
# Text that reads as SQL: a string built with these in its literal parts is SQL wherever it is run.
SQL_WORDS = re.compile(
    r"\bselect\b[\s\S]*\bfrom\b|\binsert\s+into\b|\bupdate\s+\w+\s+set\b|\bdelete\s+from\b|\bread_csv\s*\(|"
    r"\bcreate\s+(or\s+replace\s+)?(temp\s+|temporary\s+)?(table|view|macro)\b|\battach\b[\s\S]*\bas\b|"
    r"\bgroup\s+by\b|\border\s+by\b|\bcase\s+when\b|\bcoalesce\(|\bunion\s+all\b|\bgrouping\s+sets\b",
    re.IGNORECASE)
HOLE = "\x00"  # stands for an interpolated part when the literal parts are read


def literal_text(node: ast.AST) -> str:
    """The literal parts of a string-building expression, with HOLE for each interpolated part."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    if isinstance(node, ast.JoinedStr):
        return "".join(v.value if isinstance(v, ast.Constant) else HOLE for v in node.values)
    if isinstance(node, ast.BinOp) and isinstance(node.op, (ast.Add, ast.Mod)):
        return literal_text(node.left) + HOLE + literal_text(node.right)
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "format":
        return literal_text(node.func.value)
    return HOLE


def is_sql_text(node: ast.AST) -> bool:
    if isinstance(node, ast.Name) and node.id in SQL_TEXT or isinstance(node, ast.Attribute) and node.attr in SQL_TEXT:
        return True
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
        return is_sql_text(node.left) or is_sql_text(node.right) or bool(SQL_WORDS.search(literal_text(node)))
    return bool(SQL_WORDS.search(literal_text(node)))


def call_name(node: ast.Call) -> str:
    f = node.func
    return f.attr if isinstance(f, ast.Attribute) else f.id if isinstance(f, ast.Name) else ""


def functions() -> dict[str, list]:
    """Every function the app defines, by name: (module, def) pairs, for following a call to its returns."""
    if not _FUNCTIONS:
        for path in SOURCES:
            module = Module(path)
            for node in ast.walk(module.tree):
                if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                    _FUNCTIONS.setdefault(node.name, []).append((module, node))
    return _FUNCTIONS


_FUNCTIONS: dict[str, list] = {}


class Module:
    """One source file: where each name is bound, function by function, for a small local data flow."""

    def __init__(self, path: Path):
        self.path = path
        self.tree = ast.parse(path.read_text(encoding="utf-8"))
        self.parent = {}
        for node in ast.walk(self.tree):
            for child in ast.iter_child_nodes(node):
                self.parent[child] = node
        self.problems: list[str] = []

    def where(self, node: ast.AST) -> str:
        return f"{self.path.relative_to(ROOT)}:{node.lineno}"

    def scopes(self, node: ast.AST):
        """The enclosing functions of a node, innermost first."""
        while node in self.parent:
            node = self.parent[node]
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda)):
                yield node

    def bindings(self, name: str, scope: ast.AST) -> list[ast.AST] | None:
        """What the function `scope` binds `name` to (values, loop iterables, appended items); None if
        it does not bind it; [None] where the value is unknown (a parameter)."""
        args = scope.args
        if name in {a.arg for a in [*args.posonlyargs, *args.args, *args.kwonlyargs, args.vararg, args.kwarg] if a}:
            return [None]
        found = []
        for node in ast.walk(scope):
            if isinstance(node, ast.Assign):
                for target in node.targets:
                    found += self._assigned(name, target, node.value)
            elif isinstance(node, (ast.AugAssign, ast.AnnAssign)) and node.value is not None:
                found += self._assigned(name, node.target, node.value)
            elif isinstance(node, ast.For):  # a comprehension's variables are its own: see safe()
                found += self._assigned(name, node.target, node.iter)
            elif isinstance(node, ast.NamedExpr):
                found += self._assigned(name, node.target, node.value)
            elif (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
                  and node.func.attr in ("append", "extend", "insert") and isinstance(node.func.value, ast.Name)
                  and node.func.value.id == name):
                found += node.args[-1:]
        return found or None

    @staticmethod
    def _assigned(name: str, target: ast.AST, value: ast.AST) -> list[ast.AST]:
        if isinstance(target, ast.Name):
            return [value] if target.id == name else []
        if isinstance(target, (ast.Tuple, ast.List)):
            if isinstance(value, (ast.Tuple, ast.List)) and len(value.elts) == len(target.elts):
                return [v for t, e in zip(target.elts, value.elts) for v in Module._assigned(name, t, e)]
            if isinstance(value, ast.Call) and call_name(value) == "zip" and len(value.args) == len(target.elts):
                return [v for t, e in zip(target.elts, value.args) for v in Module._assigned(name, t, e)]
            if isinstance(value, ast.Call) and call_name(value) == "enumerate" and len(target.elts) == 2 and value.args:
                index = ast.Call(func=ast.Name(id="range"), args=[], keywords=[])  # an integer
                return Module._assigned(name, target.elts[0], index) + Module._assigned(name, target.elts[1], value.args[0])
            if isinstance(value, ast.Call):  # a, b = f(): each name is that part of what f returns
                return [v for i, t in enumerate(target.elts) for v in Module._assigned(
                    name, t, ast.Subscript(value=value, slice=ast.Constant(i), lineno=value.lineno))]
            # unpacked from a collection: its parts are as safe as the collection
            return [value] if any(Module._assigned(name, t, value) for t in target.elts) else []
        if isinstance(target, ast.Starred):
            return Module._assigned(name, target.value, value)
        return []

    def safe(self, node: ast.AST | None, seen: frozenset = frozenset()) -> bool:
        """Whether an interpolated part can only be SQL the code wrote or a quoted identifier."""
        if node is None:
            return False
        if isinstance(node, ast.Constant):
            return True
        if isinstance(node, ast.JoinedStr):
            return all(self.safe(v.value, seen) for v in node.values if isinstance(v, ast.FormattedValue))
        if isinstance(node, ast.Call):
            name = call_name(node)
            if name in QUOTING:
                return True
            if name == "join" and isinstance(node.func, ast.Attribute):
                return self.safe(node.func.value, seen) and all(self.safe(a, seen) for a in node.args)
            if name in ("zip", "list", "tuple", "sorted", "reversed", "enumerate"):
                return all(self.safe(a, seen) for a in node.args)
            if name == "range":
                return True  # integers
            return self.returns_safe(node, None, seen)
        if isinstance(node, (ast.List, ast.Tuple, ast.Set)):
            return all(self.safe(e, seen) for e in node.elts)
        if isinstance(node, (ast.ListComp, ast.GeneratorExp, ast.SetComp)):
            return self.safe(node.elt, seen)  # its loop variables are looked up as bindings
        if isinstance(node, ast.Subscript) and isinstance(node.value, ast.Call) \
                and isinstance(node.slice, ast.Constant) and isinstance(node.slice.value, int):
            return self.returns_safe(node.value, node.slice.value, seen)  # one part of a returned tuple
        if isinstance(node, (ast.Starred, ast.Subscript)):
            return self.safe(node.value, seen)
        if isinstance(node, ast.IfExp):
            return self.safe(node.body, seen) and self.safe(node.orelse, seen)
        if isinstance(node, ast.BoolOp):
            return all(self.safe(v, seen) for v in node.values)
        if isinstance(node, ast.BinOp) and isinstance(node.op, (ast.Add, ast.Mod)):
            return self.safe(node.left, seen) and self.safe(node.right, seen)
        if isinstance(node, ast.Attribute):
            return node.attr in SQL_TEXT
        if isinstance(node, ast.Name):
            if node.id in SQL_TEXT:
                return True
            if (node, node.id) in seen:
                return True  # a cycle (x = x + ...): the other bindings decide
            outer = node
            while outer in self.parent:  # a comprehension's own variable: as safe as what it runs over
                outer = self.parent[outer]
                if isinstance(outer, (ast.ListComp, ast.SetComp, ast.GeneratorExp, ast.DictComp)):
                    bound = [b for c in outer.generators for b in self._assigned(node.id, c.target, c.iter)]
                    if bound:
                        return all(self.safe(b, seen | {(node, node.id)}) for b in bound)
            for scope in self.scopes(node):
                bound = self.bindings(node.id, scope)
                if bound is not None:
                    return all(self.safe(b, seen | {(node, node.id)}) for b in bound)
            return False  # a module-level name not allow-listed in SQL_TEXT, or a builtin
        return False

    def returns_safe(self, call: ast.Call, part: int | None, seen: frozenset) -> bool:
        """A call of a function the app defines (one of that name): safe if all it returns is; with
        `part`, that element of the tuples it returns."""
        found = [f for f in functions().get(call_name(call), []) if f[0].path == self.path] \
            or functions().get(call_name(call), [])  # the module's own function of that name first
        if len(found) != 1 or (call, part) in seen:
            return bool(found) and (call, part) in seen
        module, function = found[0]
        returned = [r.value for r in ast.walk(function) if isinstance(r, ast.Return)]
        if part is not None:
            returned = [r.elts[part] if isinstance(r, ast.Tuple) and part < len(r.elts) else r for r in returned]
        return bool(returned) and all(module.safe(r, seen | {(call, part)}) for r in returned)

    def check_sql(self, node: ast.AST) -> None:
        """Every interpolated part of an SQL-building expression must be safe; none in quotes."""
        if isinstance(node, ast.JoinedStr):
            values = node.values
            for i, v in enumerate(values):
                if not isinstance(v, ast.FormattedValue):
                    continue
                before = values[i - 1].value if i and isinstance(values[i - 1], ast.Constant) else ""
                after = values[i + 1].value if i + 1 < len(values) and isinstance(values[i + 1], ast.Constant) else ""
                if before.endswith("'") and after.startswith("'"):
                    self.problems.append(f"{self.where(v.value)}: a value pasted into an SQL literal: '{{{ast.unparse(v.value)}}}'")
                elif not self.safe(v.value):
                    self.problems.append(f"{self.where(v.value)}: pasted into SQL: {{{ast.unparse(v.value)}}}")
        elif isinstance(node, ast.BinOp):
            for part in (node.left, node.right):
                if isinstance(node.op, ast.Mod) and part is node.right or not isinstance(part, (ast.BinOp, ast.JoinedStr)):
                    if not self.safe(part):
                        self.problems.append(f"{self.where(part)}: pasted into SQL: {ast.unparse(part)}")
                else:
                    self.check_sql(part)
        elif isinstance(node, ast.Call):  # .format, re.sub or .replace on SQL text
            for part in [*node.args, *(k.value for k in node.keywords)]:
                if not self.safe(part):
                    self.problems.append(f"{self.where(part)}: pasted into SQL by {call_name(node)}(): {ast.unparse(part)}")

    def composed(self, node: ast.AST) -> bool:
        return isinstance(node, (ast.JoinedStr, ast.BinOp)) or (
            isinstance(node, ast.Call) and call_name(node) in ("format", "sub", "replace"))

    def check(self) -> list[str]:
        checked = set()
        for node in ast.walk(self.tree):
            if isinstance(node, ast.Call) and call_name(node) in EXECUTES and isinstance(node.func, ast.Attribute):
                sql = node.args[0] if node.args else next((k.value for k in node.keywords if k.arg == "query"), None)
                candidates = [sql]
                if isinstance(sql, ast.Name):  # assembled first, executed here
                    candidates = [b for s in self.scopes(sql) for b in (self.bindings(sql.id, s) or [])]
                for c in candidates:
                    if c is not None and self.composed(c) and c not in checked:
                        checked.add(c)
                        self.check_sql(self._sql_part(c))
            elif self.composed(node) and node not in checked and self.parent.get(node) is not None:
                subject = self._sql_part(node)
                if self._is_sql(node) and not self._inside_checked(node, checked):
                    checked.add(node)
                    self.check_sql(subject)
        return self.problems

    def _sql_part(self, node: ast.AST) -> ast.AST:
        """For re.sub(pattern, repl, text) and text.replace(old, new): a call with only the replacement."""
        if isinstance(node, ast.Call) and call_name(node) == "sub" and len(node.args) >= 3:
            return ast.Call(func=node.func, args=[node.args[1]], keywords=[], lineno=node.lineno)
        if isinstance(node, ast.Call) and call_name(node) == "replace" and len(node.args) >= 2:
            return ast.Call(func=node.func, args=[node.args[1]], keywords=[], lineno=node.lineno)
        return node

    def _is_sql(self, node: ast.AST) -> bool:
        if isinstance(node, ast.Call):
            name = call_name(node)
            if name == "sub" and len(node.args) >= 3:
                return is_sql_text(node.args[2])
            if name in ("replace", "format") and isinstance(node.func, ast.Attribute):
                return is_sql_text(node.func.value)
            return False
        return is_sql_text(node)

    def _inside_checked(self, node: ast.AST, checked: set) -> bool:
        while node in self.parent:
            node = self.parent[node]
            if node in checked:
                return True
        return False


@pytest.mark.parametrize("path", SOURCES, ids=lambda p: str(p.relative_to(ROOT)))
def test_no_value_is_pasted_into_sql(path):
    problems = Module(path).check()
    assert not problems, "bind values as $parameters, quote names with sql.identifier():\n" + "\n".join(problems)


@pytest.mark.parametrize("path", SQL_FILES, ids=lambda p: str(p.relative_to(ROOT)))
def test_sql_files_have_no_python_placeholders(path):
    # a {name} or %s in an SQL file would be filled in by Python: values enter as $name, bound
    text = path.read_text(encoding="utf-8")
    holes = re.findall(r"\{\w+\}|%s|%\(\w+\)s", text)
    assert not holes, f"{path.relative_to(ROOT)}: Python placeholders {holes}; use $name parameters"


PASTED = '''
import duckdb
from gapmonitor.sql import identifier
RESOLVE = "select 1"
def direct(con, code):
    con.execute(f"select * from area where code = '{code}'")
def assembled(con, path, column):
    text = f"select {identifier(column)} from read_csv({path!r})"
    return con.execute(text).df()
def concatenated(con, year):
    return con.sql("select * from observation where year = " + str(year))
def formatted(con, code):
    return con.execute("select * from area where code = '{}'".format(code))
def substituted(pattern):
    return RESOLVE.replace("$pattern", pattern)
def fine(con, column, years):
    parts = [f"{identifier(c)} as c{i}" for i, c in enumerate([column])]
    con.execute(f"select {', '.join(parts)} from area where year = any($years) {RESOLVE}", {"years": years})
'''


def test_the_scan_finds_pasted_values(tmp_path):
    # the scan can fail: each way of pasting above is found once, with its line; the last function passes
    path = ROOT / "gapmonitor" / "_pasted_example.py"  # relative_to(ROOT) in messages needs a path inside ROOT
    module = Module.__new__(Module)
    module.path, module.tree, module.problems = path, ast.parse(PASTED), []
    module.parent = {c: n for n in ast.walk(module.tree) for c in ast.iter_child_nodes(n)}
    problems = module.check()
    lines = sorted(int(p.split(":")[1]) for p in problems)
    assert lines == [6, 8, 11, 13, 15], problems
