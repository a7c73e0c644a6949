-- The gap rules and the quality rule, defined once: the derived evidence per cell (rebuilt with every
-- write by gapmonitor/cell_years.sql) and the macros every page's query reads it through.

-- Quality tier of each citizen dataset: a transparent rule over the seven criteria (About page).
create view citizen_quality as
select
    dataset_id,
    relevance + methodology + accuracy + timeliness + coherence + ethics + confidentiality as score,
    case
        when relevance + methodology + accuracy + timeliness + coherence + ethics + confidentiality >= 11
            and least(relevance, methodology, accuracy, timeliness, coherence) >= 1
            and ethics = 2 and confidentiality = 2 then 3
        when relevance + methodology + accuracy + timeliness + coherence + ethics + confidentiality >= 7
            and ethics >= 1 and confidentiality >= 1 then 2
        else 1
    end as tier_rank
from citizen_dataset;

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
    endorsed_tier integer not null     -- the same, counting only datasets the statistical office endorsed
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
    -- the years with citizen data of quality tier >= 1, >= 2, >= 3; then the same counting only datasets
    -- the statistical office endorsed. Columns, not lists: a scan that keeps a few rows of many (one
    -- country's cells) then reads only those rows' values, where a list column is read whole.
    citizen_1 hugeint not null,
    citizen_2 hugeint not null,
    citizen_3 hugeint not null,
    endorsed_1 hugeint not null,
    endorsed_2 hugeint not null,
    endorsed_3 hugeint not null
);

-- Years as bits: 1950-2075 (126 bits). A year outside counts as the nearest end (bit_year), in the
-- data and in a window alike, so a window still finds every year inside it; an import warns of such rows.
create macro bit_year(y) as least(greatest(y, 1950), 2075);

create macro year_bit(y) as 1::hugeint << (bit_year(y) - 1950);

create macro year_bits(first_year, last_year) as
    case when first_year > last_year then 0::hugeint else (year_bit(last_year) << 1) - year_bit(first_year) end;

-- The years y of the rows where condition holds, as bits (an aggregate).
create macro years_with(y, condition) as bit_or(case when condition then year_bit(y) else 0 end);

-- The gap rules, defined once. A cell is an indicator, country and expected group over the years
-- first_year..last_year, counting the data in scope. Citizen data "meets the bar" when its dataset's
-- quality tier is at least min_tier (1 low, 2 medium, 3 high) and, with endorsed_only, the statistical
-- office has endorsed the dataset (its NSO review status).
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
-- (expected_groups.sql). The optional only_* arguments narrow the cells (a page rarely needs all).
create macro covered_cells(first_year, last_year, min_tier, scope, endorsed_only := false,
                           only_goal := null, only_indicator := null, only_area := null) as table
with evidence as (
    select
        c.indicator,
        c.area,
        c.group_id,
        (c.official & year_bits(first_year, last_year)) <> 0 as has_official,
        (case when endorsed_only
            then case min_tier when 1 then c.endorsed_1 when 2 then c.endorsed_2 else c.endorsed_3 end
            else case min_tier when 1 then c.citizen_1 when 2 then c.citizen_2 else c.citizen_3 end
        end & year_bits(first_year, last_year)) <> 0 as meets_bar,
        (case when endorsed_only then c.endorsed_1 else c.citizen_1 end & year_bits(first_year, last_year)) <> 0
            as has_citizen
    from cell as c
    where c.scope = scope
        and (only_goal is null or c.goal = only_goal)
        and (only_indicator is null or c.indicator = only_indicator)
        and (only_area is null or c.area = only_area)
)
select indicator, area, group_id, gap_status(has_official, meets_bar, has_citizen) as status
from evidence
where has_official or has_citizen;

-- Every expected cell with its status: the covered ones, and no_data for the rest.
create macro gap_cells(first_year, last_year, min_tier, scope, endorsed_only := false,
                       only_goal := null, only_indicator := null, only_area := null) as table
with expected as (
    select e.indicator, e.group_id, a.code as area
    from expected_group as e
    join indicator as i on i.code = e.indicator
    cross join area as a
    where a.kind = 'country'
        and (only_goal is null or i.goal = only_goal)
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
