"""Editors close the rest: a dimension value or series that counts for no group is mapped by an editor
(stewardship.map_value / map_series, the command line, the Data page), applied to the data already in the
database, and removed again; bad mappings are refused and change nothing. The expected counts come from
plain queries over observation and dims_pairs, never from the macro groups_of that the mapping feeds."""

import duckdb
import pytest

from gapmonitor import db, group_suggestions, stewardship
from gapmonitor.accounts import Actor
from gapmonitor.__main__ import main
from tests.actors import STEWARD
from tests.conftest import derived_rows

# A national file written "Sex=F" (a spelling the reference maps for SDMX's SEX, not for a "Sex" column): the
# demo's FEMALE rows of one series with no series group (AG_PRD_FIESMS, 2.1.2), copied to an imported dataset.
SERIES = "AG_PRD_FIESMS"
COPY_AS_SEX_F = """
    insert into dataset (dataset_id, kind, title, source, is_demo) values ('nat', 'official', 'National file', 'NSO', false);
    insert into observation
    select * replace ('nat' as dataset_id, replace(dims, 'Sex=FEMALE', 'Sex=F') as dims)
    from observation
    where series = 'AG_PRD_FIESMS' and dims like '%Sex=FEMALE%';
"""
# The rows that have the pair Sex=F, by an exact pair (not a LIKE): their keys.
SEX_F_KEYS = """
    select dataset_id, series, area, dims, time_detail
    from observation as o
    where exists (select 1 from unnest(dims_pairs(o.dims)) as t(p) where p.dimension = 'Sex' and p.dim_value = 'F')
"""
KEY = "dataset_id, series, area, dims, time_detail"


@pytest.fixture
def national(fresh):
    """The demo database with the national dataset 'nat' whose Sex values are written F."""
    with db.writing(fresh) as con:
        con.execute(COPY_AS_SEX_F)
    return fresh


def rows(path, sql: str, params=None) -> list[tuple]:
    with duckdb.connect(str(path), read_only=True) as con:
        return con.execute(sql, params or []).fetchall()


def group_keys(path, group_id: str) -> set[tuple]:
    return set(rows(path, f"select {KEY} from observation_group where group_id = ?", [group_id]))


def observations(path) -> list[tuple]:
    return rows(path, "select * from observation order by all")


def test_the_national_value_counts_for_no_group_and_is_listed_with_its_rows_and_a_suggestion(national):
    sex_f = rows(national, SEX_F_KEYS)
    assert len(sex_f) == rows(national, "select count(*) from observation where dataset_id = 'nat'")[0][0] > 0
    with db.connect(national) as con:
        listed = db.query(con, "unmapped_dimension_values").set_index(["dimension", "value"])
    assert listed.loc[("Sex", "F"), "rows"] == len(sex_f) and listed.loc[("Sex", "F"), "datasets"] == 1
    assert ("Sex", "FEMALE") not in listed.index  # the reference maps it
    assert [g for g, _ in group_suggestions.for_value("Sex", "F")] == ["women"]
    # nothing of the national file counts for women yet: its rows' other groups come from Location etc. only
    assert not {k for k in group_keys(national, "women") if k[0] == "nat"}


def test_mapping_a_value_counts_exactly_its_rows_for_the_group_and_removing_it_restores_everything(national):
    sex_f = set(rows(national, SEX_F_KEYS))
    women_before, derived_before, observations_before = (group_keys(national, "women"), derived_rows(national),
                                                         observations(national))
    # the user scope's women cells before: none (nat is the only imported dataset and has no women rows)
    assert not rows(national, "select * from cell_year where group_id = 'women' and not is_demo")

    stewardship.map_value("Sex", "F", "women", why="F is this file's code for female", path=national, by=STEWARD)
    women_after = group_keys(national, "women")
    assert women_after - women_before == sex_f and women_before <= women_after
    # the cells: one per indicator, country (a subnational row counts for its country), year of those rows
    expected_cells = set(rows(national, """
        select s.indicator, coalesce(a.parent, a.code), o.year
        from observation as o join series as s on s.code = o.series join area as a on a.code = o.area
        where o.dataset_id = 'nat'"""))
    assert set(rows(national, "select indicator, area, year from cell_year where group_id = 'women' and not is_demo")) \
        == expected_cells
    assert rows(national, "select source, mapped_by, reason, mapped_at is not null from group_mapping "
                          "where dimension = 'Sex' and dim_value = 'F'") == \
        [("editor", "A. Editor", "F is this file's code for female", True)]
    assert observations(national) == observations_before  # a mapping changes no observation

    stewardship.unmap_value("Sex", "F", "women", path=national, by=STEWARD)
    assert group_keys(national, "women") == women_before
    # every derived table the gap rules read is as before, row for row (2.1.2 expected women already: the
    # demo's FEMALE rows; see the series test for an expected group a mapping adds)
    assert derived_rows(national) == derived_before
    assert observations(national) == observations_before


def test_a_mapped_series_counts_every_row_for_its_group_and_its_totals_still_for_total(fresh):
    # AG_LND_FRST (15.1.1, forest area) has only total rows in the demo; an editor maps it (a test's decision)
    total_rows = set(rows(fresh, f"select {KEY} from released_observation where series = 'AG_LND_FRST' and dims = ''"))
    assert len(total_rows) == rows(fresh, "select count(*) from observation where series = 'AG_LND_FRST'")[0][0] > 0
    before = derived_rows(fresh)
    total_before = group_keys(fresh, "total")
    assert ("15.1.1", "indigenous") not in before["expected_group"]

    stewardship.map_series("AG_LND_FRST", "indigenous", why="test", path=fresh, by=STEWARD)
    assert {k for k in group_keys(fresh, "indigenous") if k[1] == "AG_LND_FRST"} == total_rows
    # a value with no dimension is the headline value: it still counts for total too (release.sql, groups_of)
    assert group_keys(fresh, "total") == total_before
    assert rows(fresh, "select count(distinct area) > 0 from cell_year where indicator = '15.1.1' and group_id = 'indigenous'") == [(True,)]

    stewardship.unmap_series("AG_LND_FRST", "indigenous", path=fresh, by=STEWARD)
    # removing the mapping restores the counts exactly: the group it made expected is expected no longer
    assert derived_rows(fresh) == before


@pytest.mark.parametrize("call, message", [
    (lambda p: stewardship.map_value("Sex", "F", "woman", "x", p, by=STEWARD),
     "unknown group 'woman': the groups are total, women, disability, rural, poorest, migrants, children, youth, "
     "older, indigenous"),
    (lambda p: stewardship.map_value("Sex", "F", "total", "x", p, by=STEWARD), "'total' is the headline value"),
    (lambda p: stewardship.map_value("Sex", "Female", "women", "x", p, by=STEWARD), "no observation has Sex='Female'"),
    (lambda p: stewardship.map_value("Sex", "FEM", "women", "x", p, by=STEWARD), "no observation has Sex='FEM'"),
    (lambda p: stewardship.map_value("sex", "F", "women", "x", p, by=STEWARD), "no observation has sex='F'"),
    (lambda p: stewardship.map_value("Sex", "FEMALE", "women", "x", p, by=STEWARD),
     "Sex='FEMALE' already counts for women (reference mapping)"),
    (lambda p: stewardship.map_value("Sex", "F", "women", "", p, by=STEWARD), "say why"),
    (lambda p: stewardship.unmap_value("Sex", "FEMALE", "women", p, by=STEWARD),
     "Sex='FEMALE' -> women is not removed: it is a reference mapping"),
    (lambda p: stewardship.unmap_value("Sex", "F", "women", p, by=STEWARD), "there is no mapping of Sex='F' to 'women'"),
    (lambda p: stewardship.map_series("XX_NOT_HERE", "women", "x", p, by=STEWARD),
     "no observation is of series 'XX_NOT_HERE'"),
    (lambda p: stewardship.map_series("IC_GEN_MGTL", "women", "x", p, by=STEWARD),
     "series IC_GEN_MGTL already counts for women (reference mapping)"),
    (lambda p: stewardship.unmap_series("IC_GEN_MGTL", "women", p, by=STEWARD),
     "series IC_GEN_MGTL -> women is not removed: it is a reference mapping"),
    (lambda p: stewardship.unmap_series("AG_LND_FRST", "women", p, by=STEWARD), "there is no mapping of series AG_LND_FRST"),
])
def test_a_bad_mapping_is_refused_with_its_message_and_the_file_is_unchanged(national, call, message):
    before = national.read_bytes()
    with pytest.raises(ValueError) as refused:
        call(national)
    assert message in str(refused.value)
    assert national.read_bytes() == before
    assert not list(national.parent.glob("*.tmp"))


def test_a_duplicate_editor_mapping_is_refused_and_only_editors_rows_are_removed(national):
    stewardship.map_value("Sex", "F", "women", "F is female", national, by=STEWARD)
    before = national.read_bytes()
    with pytest.raises(ValueError, match=r"Sex='F' already counts for women \(editor mapping by A. Editor\)"):
        stewardship.map_value("Sex", "F", "women", "again", national, by=Actor("b.editor", "steward", None, "B. Editor"))
    assert national.read_bytes() == before
    # a value can denote several groups: a second group is a second mapping
    stewardship.map_value("Sex", "F", "poorest", "a test's decision", national, by=STEWARD)
    assert {k for k in group_keys(national, "poorest") if k[0] == "nat"} == set(rows(national, SEX_F_KEYS))
    assert list(stewardship.editor_mappings(national).group_id) in (["poorest", "women"], ["women", "poorest"])


def test_the_command_line_maps_lists_and_unmaps(national, capsys):
    assert main(["--db", str(national), "unmapped"]) == 0
    out = capsys.readouterr().out
    line = next(x for x in out.splitlines() if x.split()[:2] == ["Sex", "F"])
    assert line.split()[2:] == [str(len(rows(national, SEX_F_KEYS))), "1", "women"]  # rows, datasets, suggested
    assert "AG_LND_FRST" in out

    assert main(["--db", str(national), "map", "--dimension", "Sex", "--value", "F", "--group", "women", "--why", "F is female"]) == 0
    assert "now counts for women" in capsys.readouterr().out
    assert main(["--db", str(national), "unmapped"]) == 0
    assert not [x for x in capsys.readouterr().out.splitlines() if x.split()[:2] == ["Sex", "F"]]

    before = national.read_bytes()
    assert main(["--db", str(national), "map", "--dimension", "Sex", "--value", "F", "--group", "women", "--why", "again"]) == 1
    assert "already counts for women" in capsys.readouterr().err
    assert main(["--db", str(national), "map", "--series", "AG_LND_FRST", "--group", "everyone", "--why", "x"]) == 1
    assert "unknown group 'everyone'" in capsys.readouterr().err
    assert national.read_bytes() == before

    assert main(["--db", str(national), "map", "--series", "AG_LND_FRST", "--group", "indigenous", "--why", "a test's decision"]) == 0
    assert main(["--db", str(national), "unmap", "--series", "AG_LND_FRST", "--group", "indigenous"]) == 0
    assert main(["--db", str(national), "unmap", "--dimension", "Sex", "--value", "F", "--group", "women"]) == 0
    assert main(["--db", str(national), "unmap", "--dimension", "Sex", "--value", "FEMALE", "--group", "women"]) == 1
    assert "reference mapping" in capsys.readouterr().err
    assert stewardship.editor_mappings(national).empty


@pytest.mark.parametrize("dimension, value, groups", [
    ("Age", "15-24", ["youth"]), ("AGE", "Y15T17", ["children", "youth"]), ("Age group", "65 and over", ["older"]),
    ("Age", "15+", []), ("Age", "Total", []),  # 15+ mixes youth and adults: no suggestion
    ("SEX", "F", ["women"]), ("Sex", "M", []), ("Gender", "Girls", ["women"]),
    ("URBANISATION", "R", ["rural"]), ("Location", "URBAN", []), ("Location", "Urban and rural", []),
    ("Disability status", "PD", ["disability"]), ("Disability", "Without disability", []),
    ("Disability status", "Not disabled", []),
    ("Migratory status", "NON-MIGRANT", []), ("Country of birth", "Not born in the UK", ["migrants"]),
    ("Country of birth", "Foreign-born", ["migrants"]),
    ("Quantile", "Q1", ["poorest"]), ("Quantile", "Q5", []), ("Wealth", "Bottom 40%", []),
    ("Wealth", "Poorest quintile", ["poorest"]),
    ("Ethnicity", "Indigenous", ["indigenous"]), ("Ethnicity", "Non-indigenous", []),
])
def test_suggestions_for_values(dimension, value, groups):
    assert [g for g, _ in group_suggestions.for_value(dimension, value)] == groups


def test_suggestions_for_series_use_the_description_rules_of_the_series_table():
    assert [g for g, _ in group_suggestions.for_series(
        "XX", "Proportion of women aged 20-24 years who were married before age 18 (%)", "5.3.1")] == ["women", "youth"]
    assert group_suggestions.for_series("XX", "Unemployment rate, by sex and age (%)", "8.5.2") == []
    assert [g for g, _ in group_suggestions.for_series("XX", "Some count", "5.5.1")] == ["women"]  # the indicator
