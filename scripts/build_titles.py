"""Build data/reference/titles.csv: the official titles of goals, targets and indicators in the UN
languages, from Open SDG's translation project (open-sdg/sdg-translations, MIT licence; the texts are the
UN's official translations of the framework). Run by a maintainer when the translations change:

    python scripts/build_titles.py ../shared/realdata/sdg_translations

English titles stay those of data/reference (goals.csv, indicators.csv); this file adds the others.
"""

import csv
import sys
from pathlib import Path

import yaml

LANGUAGES = {"fr": "fr", "es": "es", "ar": "ar", "ru": "ru", "zh-Hans": "zh"}  # folder -> the app's code
KINDS = {"global_goals.yml": "goal", "global_targets.yml": "target", "global_indicators.yml": "indicator"}
OUT = Path(__file__).resolve().parents[1] / "data/reference/titles.csv"


def rows(source: Path):
    for folder, lang in LANGUAGES.items():
        for file, kind in KINDS.items():
            texts = yaml.safe_load((source / folder / file).read_text(encoding="utf-8"))
            for key, text in texts.items():
                code, _sep, part = key.rpartition("-")  # 1-1-1-title, 1-short
                yield {"kind": kind, "code": code.replace("-", "."), "lang": lang, "part": part,
                       "text": " ".join(str(text).split())}


def main(source: Path) -> None:
    found = sorted(rows(source), key=lambda r: (r["lang"], r["kind"], r["code"], r["part"]))
    with OUT.open("w", newline="", encoding="utf-8") as f:
        writer = csv.DictWriter(f, fieldnames=["kind", "code", "lang", "part", "text"])
        writer.writeheader()
        writer.writerows(found)
    print(f"{len(found)} titles -> {OUT}")


if __name__ == "__main__":
    main(Path(sys.argv[1]))
