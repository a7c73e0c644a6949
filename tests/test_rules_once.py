"""Each rule once (issue #12): meets-the-bar, the quality tiers' thresholds, suppression, reliability and
release are each stated in one place, and the pages' answers follow that place. The static checks fail
when a copy of a rule comes back anywhere in the app's code (bench/baseline.py restates the rules in
pandas on purpose, as the benchmark's baseline, and is left out); the behavioural ones change a rule in
a test database and see the pages change with it."""

import re
from pathlib import Path

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from gapmonitor import db, estimates, stewardship
from gapmonitor.statuses import QUALITY_BARS, TIER_LABELS, TIERS

ROOT = Path(__file__).resolve().parents[1]
TIMEOUT = 60
GAP_RULES, RELEASE, STATUSES = "gapmonitor/schema/gap_rules.sql", "gapmonitor/schema/release.sql", "gapmonitor/statuses.py"
# Each rule's defining pattern, and the one file it may be written in.
RULES = {
    "meets the bar: a tier against the bar": (r"(tier\w*|rank)\)*\s*>=|>=\s*[\w$.\[\]'\"]*min_tier|min_tier\W*\s*<=", GAP_RULES),
    "meets the bar: endorsed": (r"""nso_review\s*(=|==|!=|<>)\s*['"]endorsed|['"]endorsed['"]\s*(=|==)\s*\w*nso_review""",
                                GAP_RULES),
    "quality tiers: the thresholds": (r"create (or replace )?view quality_tier\b", GAP_RULES),
    "quality tiers: a score against a number": (r"(score|confidentiality|ethics|coherence)\s*>=\s*\d|>=\s*(11|7)\b"
                                                r"|at least (11|7)\b", None),
    "quality tiers: the score": (r"relevance\s*\+\s*methodology", GAP_RULES),
    "suppression and reliability: a threshold of setting": (r"<\s*\(\s*select\s+value\s+from\s+setting", RELEASE),
    "suppression: a sample size against a number": (r"sample_size\w*\s*(<|>=)\s*\d|(<|>=)\s*\w*settings?\[", None),
    "reliability: its words": (r"then\s+'(suppressed|low reliability|reliable)'", RELEASE),
    "release: a figure of a suppressed estimate": (r"reliability\s*=\s*'suppressed'\s*then\s+null", RELEASE),
    "release: the figures released": (r"released\(\s*value\s*,", RELEASE),
    "tiers and bars: their words": (r"""(?-i:\b(QUALITY_BARS|TIER_LABELS|TIERS)\s*=)|['"]Any citizen data \(low\)['"]"""
                                    r"""|\|\s*(High|Medium|Low)\s*\|""", STATUSES),
}


def app_code() -> dict[str, str]:
    """The app's SQL and Python, by path: everything but the tests and the benchmark."""
    files = [ROOT / "app.py", *ROOT.glob("gapmonitor/**/*.py"), *ROOT.glob("gapmonitor/**/*.sql"),
             *ROOT.glob("queries/*.sql"), *ROOT.glob("pages/*.py"), *ROOT.glob("scripts/**/*.py")]
    return {str(f.relative_to(ROOT)): f.read_text(encoding="utf-8") for f in files if f.is_file()}


def without_comments(path: str, text: str) -> str:
    """Code only: SQL's -- comments and Python's # comments and docstrings say the rule in words, on purpose."""
    if path.endswith(".sql"):
        return re.sub(r"--[^\n]*", "", text)
    return re.sub(r'"""[\s\S]*?"""|#[^\n]*', "", text)


def homes(pattern: str) -> set[str]:
    return {path for path, text in app_code().items() if re.search(pattern, without_comments(path, text), re.IGNORECASE)}


@pytest.mark.parametrize("rule", RULES)
def test_each_rule_is_written_once(rule):
    pattern, home = RULES[rule]
    assert homes(pattern) == ({home} if home else set()), f"{rule}: written in {sorted(homes(pattern))}"


def test_the_rule_macros_are_each_defined_once():
    for name in ("meets_bar", "bar_years", "suppressed", "reliability", "released", "released_rows"):
        assert len(homes(rf"create (or replace )?macro {name}\(")) == 1, name


def test_the_tiers_words_are_of_the_tiers_the_rule_has(demo):
    ranks = sorted(r for r, in demo.execute("select tier_rank from quality_tier").fetchall())
    assert ranks == [t.rank for t in TIERS] == sorted(TIER_LABELS) == sorted(QUALITY_BARS.values())
    assert demo.execute("select count(*) from citizen_quality where tier_rank not in (select tier_rank from quality_tier)"
                        ).fetchone()[0] == 0


def run(at: AppTest) -> AppTest:
    at.run(timeout=TIMEOUT)
    assert not at.exception, [e.message for e in at.exception]
    return at


def changed(path: Path, *statements: str) -> None:
    """The database at path with a rule replaced, written as the app writes (db.writing: a new file
    swapped in, its derived evidence rebuilt)."""
    with db.writing(path) as con:
        for statement in statements:
            con.execute(statement)


def read(path: Path, name: str, **params) -> pd.DataFrame:
    con = db.connect(path)
    try:
        return db.query(con, name, **params)
    finally:
        con.close()


INVERTED_BAR = ("create or replace macro meets_bar(tier_rank, nso_review, min_tier, endorsed_only) as "
                "not (tier_rank >= min_tier and (not endorsed_only or nso_review = 'endorsed'))")
RULES_SHOWN = {"first_year": 2021, "last_year": 2025, "min_tier": 2, "scope": "all", "endorsed_only": False}


def citizen_page_says(dataset: str) -> str:
    at = AppTest.from_file(str(ROOT / "pages/citizen.py"), default_timeout=TIMEOUT)
    at.query_params["dataset"] = dataset
    run(at)
    return " ".join(c.value for c in at.caption)


def test_the_pages_and_queries_follow_the_meets_bar_macro(fresh, monkeypatch):
    """Inverting meets_bar inverts the citizen page's answer and the queries' (a copy in the page or a
    query would not follow)."""
    dataset = "cgd-disability-scorecard"  # High and endorsed: it meets every bar
    before = read(fresh, "citizen_dataset", dataset=dataset, **RULES_SHOWN).meets_bar.iloc[0]
    filled_before = read(fresh, "gaps_filled_by_citizen_data", **RULES_SHOWN)
    statuses_before = read(fresh, "status_by_indicator_and_group", area="KEN", **RULES_SHOWN)
    monkeypatch.setenv("GAPMONITOR_DB", str(fresh))
    assert "It meets the quality bar chosen" in citizen_page_says(dataset)
    changed(fresh, INVERTED_BAR)
    assert read(fresh, "citizen_dataset", dataset=dataset, **RULES_SHOWN).meets_bar.iloc[0] == (not before)
    assert not read(fresh, "gaps_filled_by_citizen_data", **RULES_SHOWN).equals(filled_before)
    assert not read(fresh, "status_by_indicator_and_group", area="KEN", **RULES_SHOWN).equals(statuses_before)
    assert "It is below the quality bar chosen" in citizen_page_says(dataset)


def test_the_tiers_and_the_about_page_follow_the_thresholds(fresh, monkeypatch):
    """Raising a threshold in quality_tier changes the tiers and what the About page says."""
    monkeypatch.setenv("GAPMONITOR_DB", str(fresh))
    tiers = read(fresh, "quality_tiers")
    high = tiers.iloc[0]
    before = dict(read(fresh, "citizen_datasets", scope="all")[["dataset_id", "tier_rank"]].itertuples(index=False))

    def about() -> str:
        return " ".join(m.value for m in run(AppTest.from_file(str(ROOT / "pages/about.py"),
                                                               default_timeout=TIMEOUT)).markdown)

    assert f"| High | total at least {high.min_score} of {stewardship.MAX_SCORE}," in about()
    values = ", ".join(f"({t.tier_rank}, {stewardship.MAX_SCORE if t.tier_rank == high.tier_rank else t.min_score}, "
                       f"{t.min_first_five}, {t.min_ethics}, {t.min_confidentiality})" for t in tiers.itertuples())
    changed(fresh, f"create or replace view quality_tier as select * from (values {values}) as t({', '.join(tiers.columns)})")
    assert f"| High | total at least {stewardship.MAX_SCORE} of {stewardship.MAX_SCORE}," in about()
    after = dict(read(fresh, "citizen_datasets", scope="all")[["dataset_id", "tier_rank"]].itertuples(index=False))
    assert {d for d in before if before[d] == high.tier_rank} - {d for d in after if after[d] == high.tier_rank}


def test_the_import_preview_releases_by_the_schemas_rule(tiny):
    """as_released hides a small estimate by the schema's threshold, through the one release macro."""
    threshold = tiny.execute("select value from setting where key = 'min_sample_size'").fetchall()[0][0]
    rows = pd.DataFrame({"area": ["AAA", "AAA"], "area_name": ["Aland"] * 2, "dims": ["", "Sex=FEMALE"],
                         "time_detail": ["2024"] * 2, "value": [40.0, 50.0], "lower_bound": [30.0, 40.0],
                         "upper_bound": [50.0, 60.0], "sample_size": [threshold - 1, threshold]})
    shown = estimates.as_released(tiny, rows)
    assert list(shown.reliability[:1]) == ["suppressed"] and shown.value[:1].isna().all() and shown.sample_size[:1].isna().all()
    assert shown.value[1] == 50.0
    tiny.execute("create or replace macro released_rows(marked) as table select * from query_table(marked)")
    assert estimates.as_released(tiny, rows).value[0] == 40.0  # it follows the macro, not a copy
