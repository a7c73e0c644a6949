"""The interface's message catalogues (gapmonitor/locale): extract the marked strings from the code and
bring the French and Spanish .po files up to date, keeping their translations.

    python scripts/catalogues.py               extract, update fr and es, print what is untranslated
    python scripts/catalogues.py fill F.json   write translations {"msgid": {"fr": "...", "es": "..."}}
                                               (a plural: {"fr": ["singular", "plural"], ...}) into the .po files
    python scripts/catalogues.py check F.json FILE...
                                               the messages of these source files that F.json lacks, and
                                               translations whose {placeholders} differ from the English
"""

import csv
import json
from datetime import datetime, timezone
import re
import sys
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_file
from babel.messages.pofile import read_po, write_po

ROOT = Path(__file__).resolve().parents[1]
LOCALE = ROOT / "gapmonitor" / "locale"
# the code, and the population groups' labels and definitions (reference data the interface shows as its words)
SOURCES = [ROOT / "app.py", *sorted((ROOT / "pages").glob("*.py")), *sorted((ROOT / "gapmonitor").rglob("*.py")),
           ROOT / "data" / "reference" / "groups.csv"]
KEYWORDS = {"_": None, "N_": None, "n_": (1, 2)}
TRANSLATED = ("fr", "es")
LANGUAGE_NAMES = {"fr": "French", "es": "Spanish"}
PLURAL_FORMS = {"fr": "nplurals=2; plural=(n > 1);", "es": "nplurals=2; plural=(n != 1);"}
PLACEHOLDER = re.compile(r"(?<!\{)\{(\w*)[^{}]*\}(?!\})")


def messages(files) -> dict:
    """msgid (a plural: (singular, plural)) -> the places it is used, for the marked strings of files."""
    found = {}
    for path in files:
        if path.name == "__main__.py" and path.parent.name == "gapmonitor":
            continue  # the command line stays in English
        where = str(Path(path).resolve().relative_to(ROOT))
        if path.suffix == ".csv":
            with path.open(encoding="utf-8", newline="") as f:
                for line, row in enumerate(csv.DictReader(f), start=2):
                    for text in (row["label"], row["definition"]):
                        found.setdefault(text, []).append((where, line))
            continue
        for line, message, _comments, _context in extract_from_file("python", str(path), keywords=KEYWORDS):
            found.setdefault(message, []).append((where, line))
    return found


def template() -> Catalog:
    pot = Catalog(project="SDG Gap Monitor", charset="utf-8")
    for message, places in messages(SOURCES).items():
        pot.add(message, locations=places)
    return pot


def _read(lang: str) -> Catalog:
    path = LOCALE / lang / "LC_MESSAGES" / "messages.po"
    if not path.exists():
        return Catalog(locale=lang, project="SDG Gap Monitor", charset="utf-8")
    with path.open("rb") as f:
        return read_po(f, locale=lang)


def _write(lang: str, catalog: Catalog) -> None:
    path = LOCALE / lang / "LC_MESSAGES" / "messages.po"
    path.parent.mkdir(parents=True, exist_ok=True)
    catalog._plural_forms = PLURAL_FORMS[lang]  # noqa: SLF001 (Babel takes Plural-Forms from its locale data otherwise)
    catalog.version, catalog.copyright_holder = "main", "SDG Gap Monitor contributors"
    catalog.msgid_bugs_address = catalog.last_translator = catalog.language_team = "SDG Gap Monitor team"
    catalog.fuzzy = False
    catalog.revision_date = datetime.now(timezone.utc)
    catalog.header_comment = (f"# {LANGUAGE_NAMES[lang]} messages of SDG Gap Monitor's interface: "
                              "python scripts/catalogues.py updates them from the code.")
    with path.open("wb") as f:
        write_po(f, catalog, width=110, sort_output=True, include_previous=False, ignore_obsolete=True)


def update() -> None:
    pot = template()
    for lang in TRANSLATED:
        catalog = _read(lang)
        catalog.update(pot, no_fuzzy_matching=True)
        _write(lang, catalog)
        untranslated = [m.id for m in catalog if m.id and not (all(m.string) if m.pluralizable else m.string)]
        print(f"{lang}: {len(catalog)} messages, {len(untranslated)} untranslated")


def fill(path: str) -> None:
    wanted = json.loads(Path(path).read_text(encoding="utf-8"))
    for lang in TRANSLATED:
        catalog = _read(lang)
        for message in catalog:
            key = message.id[0] if message.pluralizable else message.id
            if key in wanted and lang in wanted[key]:
                text = wanted[key][lang]
                message.string = tuple(text) if message.pluralizable else text
                message.flags.discard("fuzzy")
        _write(lang, catalog)


def _placeholders(text) -> set[str]:
    texts = text if isinstance(text, (list, tuple)) else [text]
    return {name for t in texts for name in PLACEHOLDER.findall(t)}


def check(path: str, files: list[str]) -> int:
    wanted = json.loads(Path(path).read_text(encoding="utf-8"))
    problems = 0
    for message in messages([ROOT / f for f in files]):
        key = message[0] if isinstance(message, tuple) else message
        english = _placeholders(message)
        for lang in TRANSLATED:
            text = wanted.get(key, {}).get(lang)
            if not text:
                print(f"missing {lang}: {key!r}")
                problems += 1
            elif _placeholders(text) != english:
                print(f"placeholders differ {lang}: {key!r} -> {text!r}")
                problems += 1
    print(f"{problems} problem(s)")
    return problems


if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] == "fill":
        fill(sys.argv[2])
    elif len(sys.argv) > 1 and sys.argv[1] == "check":
        sys.exit(1 if check(sys.argv[2], sys.argv[3:]) else 0)
    else:
        update()
