-- The gap rules and the quality rule, defined once: the derived evidence per cell (rebuilt with every
-- write by gapmonitor/cell_years.sql) and the macros every page's query reads it through.

-- The quality tiers, as data: the thresholds the rule citizen_quality applies and the About page states
-- (queries/quality_tiers.sql). A dataset is in the highest tier whose every threshold it reaches: its
-- score (the seven criteria summed, 0-14), its weakest of the first five criteria (relevance,
-- methodology, accuracy, timeliness, coherence), ethics and confidentiality (each 0 not met, 1 partly,
-- 2 fully). The lowest tier asks for nothing. Reference, not data: recreated from this file.
create view quality_tier as
select *
from (values
    (3, 11, 1, 2, 2),
    (2, 7, 0, 1, 1),
    (1, 0, 0, 0, 0)
) as t(tier_rank, min_score, min_first_five, min_ethics, min_confidentiality);

-- Quality tier of each citizen dataset: a transparent rule over the seven criteria (About page).
create view citizen_quality as
with scored as (
    select
        dataset_id,
        relevance + methodology + accuracy + timeliness + coherence + ethics + confidentiality as score,
        least(relevance, methodology, accuracy, timeliness, coherence) as first_five,
        ethics,
        confidentiality
    from citizen_dataset
)
select s.dataset_id, s.score, max(t.tier_rank) as tier_rank
from scored as s
join quality_tier as t
    on s.score >= t.min_score
    and s.first_five >= t.min_first_five
    and s.ethics >= t.min_ethics
    and s.confidentiality >= t.min_confidentiality
group by s.dataset_id, s.score;

-- Meets the bar, defined once: citizen data counts as filling a gap when its dataset's quality tier is
-- at least min_tier (1 low, 2 medium, 3 high: the quality bar) and, with endorsed_only, the statistical
-- office has endorsed the dataset (its NSO review status). Every query and page asks this macro:
-- gapmonitor/cell_years.sql precomputes it per cell for each bar (the columns of cell, read through
-- bar_years), queries/gaps_filled_by_citizen_data.sql and queries/citizen_dataset.sql per dataset.
create macro meets_bar(tier_rank, nso_review, min_tier, endorsed_only) as
    tier_rank >= min_tier and (not endorsed_only or nso_review = 'endorsed');

-- The evidence for each cell, year by year: one row per indicator, country, group, year and origin
-- (demo or imported), saying whether official data exists and the best quality tier of the citizen
-- data (0: none). Derived from observation_group, so it holds released data only; rebuilt by
-- gapmonitor/cell_years.sql in the same transaction as every change to the data.
create table cell_year (
    indicator varchar not null,
    area varchar not null,             -- the country (subnational data counts for its country)
    group_id varchar not null,
    year integer not null,
    is_demo boolean not null,
    has_official boolean not null,
    citizen_tier integer not null,     -- 0 none, 1 low, 2 medium, 3 high
    endorsed_tier integer not null     -- the same, of the data that meets the lowest bar with endorsed_only
);

-- The same evidence per cell, ready for any window of years: one row per scope ('all', 'demo' or
-- 'user', the choices of in_scope), indicator, country and group, holding for each kind of evidence
-- the set of years that have it, as bits of a HUGEINT (bit y - 1950 for year y). A page's window is
-- then one bitwise AND per cell instead of a group-by over the years, which is what makes every
-- click fast at the size of the UN SDG database. Derived: rebuilt with cell_year.
create table cell (
    scope varchar not null,
    goal integer not null,             -- the indicator's goal (a page often asks for one)
    indicator varchar not null,
    area varchar not null,             -- a country (regions have no cells)
    group_id varchar not null,
    official hugeint not null,         -- the years with official data
    -- the years with citizen data that meets the bar: citizen_<min_tier> without, endorsed_<min_tier> with
    -- endorsed_only (meets_bar, applied by cell_years.sql; read through bar_years). Columns, not lists: a
    -- scan that keeps a few rows of many (one country's cells) then reads only those rows' values, where
    -- a list column is read whole.
    citizen_1 hugeint not null,
    citizen_2 hugeint not null,
    citizen_3 hugeint not null,
    endorsed_1 hugeint not null,
    endorsed_2 hugeint not null,
    endorsed_3 hugeint not null
);

-- The indicators in this database, per scope ('all', 'demo', 'user'): those with at least one observation
-- of one of their series in the data of that scope, released (a suppressed estimate's row is released too,
-- without its value), at any area (country, region or subnational unit) and in any year. Only they have
-- expected cells: an indicator without one is *not in this database* for the data shown, which is not
-- *no data* (the indicator is in the database, but not for that country, group or window). The
-- indicator framework and the series catalogue list more indicators than any database holds data for.
-- Derived: rebuilt with cell_year (gapmonitor/cell_years.sql).
create table indicator_in_scope (
    scope varchar not null,
    indicator varchar not null
);

-- Whether an indicator is in this database for a scope (indicator_in_scope, above).
create macro in_database(indicator_code, scope_name) as
    exists (select 1 from indicator_in_scope as d where d.indicator = indicator_code and d.scope = scope_name);

-- The expected (indicator, group) pairs of the indicators in this database, per scope, with the
-- indicator's goal: each is one cell per country. Derived (cell_years.sql), a few thousand rows kept
-- ready so that every page's count of expected cells reads one small table instead of joining three.
create table expected_in_scope (
    data_scope varchar not null,       -- 'all', 'demo' or 'user' (a column named scope would clash with
                                       -- the gap rules' parameter of that name)
    goal integer not null,
    indicator varchar not null,
    group_id varchar not null
);

-- The expected pairs of a scope: every count of expected cells starts here.
create macro expected_pairs(scope_name) as table
select indicator, group_id, goal from expected_in_scope where data_scope = scope_name;

-- Years as bits: 1950-2075 (126 bits). A year outside counts as the nearest end (bit_year), in the
-- data and in a window alike, so a window still finds every year inside it; an import warns of such rows.
create macro bit_year(y) as least(greatest(y, 1950), 2075);

create macro year_bit(y) as 1::hugeint << (bit_year(y) - 1950);

create macro year_bits(first_year, last_year) as
    case when first_year > last_year then 0::hugeint else (year_bit(last_year) << 1) - year_bit(first_year) end;

-- The years y of the rows where condition holds, as bits (an aggregate).
create macro years_with(y, condition) as bit_or(case when condition then year_bit(y) else 0 end);

-- The years in which a cell's citizen data meets the bar (min_tier, endorsed_only): the column of cell
-- that cell_years.sql filled with meets_bar for that bar. A page's bar picks a column; it is not tested again.
create macro bar_years(min_tier, endorsed_only, citizen_1, citizen_2, citizen_3, endorsed_1, endorsed_2, endorsed_3) as
    case when endorsed_only
        then case min_tier when 1 then endorsed_1 when 2 then endorsed_2 else endorsed_3 end
        else case min_tier when 1 then citizen_1 when 2 then citizen_2 else citizen_3 end
    end;

-- The gap rules, defined once. A cell is an indicator, country and expected group over the years
-- first_year..last_year, counting the data in scope. Its citizen data meets the bar by meets_bar.
create macro gap_status(has_official, meets_bar, has_citizen) as
    case
        when has_official and meets_bar then 'official_and_citizen'
        when has_official then 'official'
        when meets_bar then 'citizen_fills_gap'
        when has_citizen then 'citizen_below_bar'
        else 'no_data'
    end;

-- The cells with some data in the window (every status but no_data): what coverage counts are made of.
-- Every cell is of an expected (indicator, group): data disaggregated by a group makes it expected
-- (expected_groups.sql); and of an indicator in this database for the scope: the cell's own data puts it there. The optional only_* arguments narrow the cells (a page rarely needs all).
create macro covered_cells(first_year, last_year, min_tier, scope, endorsed_only := false,
                           only_goal := null, only_indicator := null, only_area := null) as table
with evidence as (
    select
        c.indicator,
        c.area,
        c.group_id,
        (c.official & year_bits(first_year, last_year)) <> 0 as has_official,
        (bar_years(min_tier, endorsed_only, c.citizen_1, c.citizen_2, c.citizen_3,
                   c.endorsed_1, c.endorsed_2, c.endorsed_3) & year_bits(first_year, last_year)) <> 0 as meets_bar,
        -- any citizen data: it meets the lowest bar
        (bar_years(1, endorsed_only, c.citizen_1, c.citizen_2, c.citizen_3,
                   c.endorsed_1, c.endorsed_2, c.endorsed_3) & year_bits(first_year, last_year)) <> 0 as has_citizen
    from cell as c
    where c.scope = scope
        and (only_goal is null or c.goal = only_goal)
        and (only_indicator is null or c.indicator = only_indicator)
        and (only_area is null or c.area = only_area)
)
select indicator, area, group_id, gap_status(has_official, meets_bar, has_citizen) as status
from evidence
where has_official or has_citizen;

-- Every expected cell with its status: the covered ones, and no_data for the rest. An indicator not in
-- this database for the scope has no cells at all (not in this database is not no data).
create macro gap_cells(first_year, last_year, min_tier, scope, endorsed_only := false,
                       only_goal := null, only_indicator := null, only_area := null) as table
with expected as (  -- of the indicators in this database for the scope only (expected_pairs)
    select e.indicator, e.group_id, a.code as area
    from expected_pairs(scope) as e
    cross join area as a
    where a.kind = 'country'
        and (only_goal is null or e.goal = only_goal)
        and (only_indicator is null or e.indicator = only_indicator)
        and (only_area is null or a.code = only_area)
)
select e.indicator, e.area, e.group_id, coalesce(c.status, 'no_data') as status
from expected as e
left join covered_cells(first_year, last_year, min_tier, scope, endorsed_only := endorsed_only,
                        only_goal := only_goal, only_indicator := only_indicator, only_area := only_area) as c
    using (indicator, area, group_id);

-- How many countries there are: each expected (indicator, group) is one cell per country.
create macro country_count() as (select count(*) from area where kind = 'country');

-- Coverage counts, defined once for every query: a cell is covered officially when it has official
-- data (with or without citizen data); coverage is a percentage of expected cells.
create macro has_official(status) as status in ('official', 'official_and_citizen');

create macro coverage_pct(part, whole) as round(100.0 * part / nullif(whole, 0), 1);
