"""Build data/reference/indicators.csv from the IAEG-SDGs tier classification (run once by a maintainer).

Input: the tidy CSV of the official workbook (Tier_classification_30_Nov_2022_clean.csv).
Usage: python scripts/build_indicators.py ../shared/realdata/sdg_framework/Tier_classification_30_Nov_2022_clean.csv
"""

import csv
import re
import sys
from pathlib import Path


def main(src: Path) -> None:
    out = Path(__file__).resolve().parents[1] / "data/reference/indicators.csv"
    seen, rows = set(), []
    with src.open(encoding="utf-8") as f:
        for r in csv.DictReader(f):
            code = r["indicator_num"].strip()
            if code in seen:
                continue
            seen.add(code)
            title = re.sub(r"^\s*" + re.escape(code) + r"\s+", "", r["indicator"]).strip()
            rows.append({"code": code, "goal": int(r["goal_num"]), "target": r["target_num"].strip(),
                         "title": " ".join(title.split()), "tier": r["updated_tier"].strip(),
                         "custodian": " ".join(r["cust_agency"].split())})
    with out.open("w", newline="", encoding="utf-8") as f:
        w = csv.DictWriter(f, fieldnames=list(rows[0]))
        w.writeheader()
        w.writerows(rows)
    print(f"{len(rows)} indicators -> {out}")


if __name__ == "__main__":
    main(Path(sys.argv[1]))
