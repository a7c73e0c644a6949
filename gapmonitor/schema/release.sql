-- Release and confidentiality: what of each observation may leave the database. Pages read only
-- the views (released_observation, observation_group), so no page can get around it.

-- Confidentiality, applied here so that no page, chart, map or download can get around it. A citizen
-- estimate about people or households (citizen_dataset.subject 'people', and any citizen data whose
-- subject is not known) behind fewer respondents or records than min_sample_size (or behind an unknown
-- number) is suppressed, and so is a cell that would give a suppressed one back by subtraction (the table
-- `withheld`, gapmonitor/suppression.sql). A suppressed row stays visible, marked 'suppressed', but
-- value, bounds and sample size are null. Estimates about places and things (subject 'places': water
-- points, beaches, sensors) hold no personal data and are never suppressed. Below reliable_sample_size
-- an estimate is released and marked 'low reliability', whatever its subject (an unknown number too).
-- Official data is released as published. The thresholds are rows of `setting`, which editors change.
create macro suppressed(kind, n, subject) as
    kind = 'citizen' and subject is distinct from 'places'
    and coalesce(n, 0) < (select value from setting where key = 'min_sample_size');

create macro reliability(kind, n, subject) as
    case
        when kind <> 'citizen' then null
        when suppressed(kind, n, subject) then 'suppressed'
        when coalesce(n, 0) < (select value from setting where key = 'reliable_sample_size') then 'low reliability'
        else 'reliable'
    end;

-- A figure as released: nothing of a suppressed estimate.
create macro released(x, reliability) as case when reliability = 'suppressed' then null else x end;

-- Rows as released, the release rule applied once: of rows marked with their reliability (a table or
-- CTE named by `marked`), each figure as released. Used by released_observation and by the import
-- preview (gapmonitor/estimates.py, as_released).
create macro released_rows(marked) as table
select * replace (
    released(value, reliability) as value,
    released(lower_bound, reliability) as lower_bound,
    released(upper_bound, reliability) as upper_bound,
    released(sample_size, reliability) as sample_size
)
from query_table(marked);

-- Citizen estimates withheld: 'primary' (too few respondents) or 'secondary' (complementary). Derived:
-- rebuilt with every write.
create table withheld (
    dataset_id varchar not null,
    series varchar not null,
    area varchar not null,
    dims varchar not null,
    time_detail varchar not null,
    reason varchar not null check (reason in ('primary', 'secondary')),
    primary key (dataset_id, series, area, dims, time_detail)
);

-- What the public sees (issue 19), the rule written once: a citizen dataset is public once a steward
-- has published it. A submission, one returned to its contributors and a superseded version stay in
-- the database for the review and its history, but reach no public view, query, map, download or gap
-- rule. Data that is not citizen data (official, reference) is public as imported. Every public read of
-- `dataset` or `observation` goes through public_dataset (released_observation, observation_group and
-- the derived tables built from them do).
create macro is_public(status) as coalesce(status, 'published') = 'published';

create view public_dataset as
select d.*
from dataset as d
left join citizen_dataset as c using (dataset_id)
where is_public(c.status);

-- The office's own: stewards and administrators (gapmonitor/accounts.py: each role may do what the ones
-- before it may). They see every submission and the reviewers' private notes.
create macro is_steward(role) as coalesce(role in ('steward', 'administrator'), false);

-- Who may follow a citizen dataset submitted for review, whatever its status: the office; a contributor
-- those submitted by their own account or by an account of their own organisation; a viewer none. The
-- queries of submissions take the actor's role, organisation and username as parameters and ask this.
create macro sees_submission(role, organisation, username, submitted_by, submitter_organisation) as
    is_steward(role)
    or coalesce(role = 'contributor' and (submitted_by = username or organisation = submitter_organisation), false);

-- The areas the public sees: all but those a dataset that is not public added (a subnational area named
-- in a submission's records), until it is published.
create view public_area as
select *
from area
where added_by is null or added_by not in (select dataset_id from citizen_dataset where not is_public(status));

-- The observations of the datasets in `datasets` (a table, view or CTE of dataset rows), marked with
-- their reliability and released. Suppression (withheld) covers every dataset, published or not, so a
-- steward reviewing a submission sees its estimates exactly as publishing would release them
-- (queries/submission_estimates.sql); the public sees released_observation, of public datasets only.
create macro released_of(datasets) as table
with marked as (
    select o.*, d.kind, d.is_demo,
        case when w.reason is not null then 'suppressed' else reliability(d.kind, o.sample_size, c.subject) end
            as reliability
    from observation as o
    join query_table(datasets) as d using (dataset_id)
    left join citizen_dataset as c using (dataset_id)
    left join withheld as w using (dataset_id, series, area, dims, time_detail)
)
select * from released_rows(marked);

create view released_observation as
select * from released_of(public_dataset);

-- The estimates of some datasets (a table or CTE of dataset rows) as released, one row each, in the
-- columns a dataset's page and a steward's review show them (queries/dataset_estimates.sql,
-- queries/submission_estimates.sql).
create macro estimates_of(datasets) as table
select
    s.indicator,
    o.series,
    s.description as series_description,
    s.unit,
    o.area,
    a.name as area_name,
    coalesce(a.parent, a.code) as country,
    o.dims,
    o.time_detail as period,
    o.year,
    o.value,
    o.lower_bound,
    o.upper_bound,
    o.sample_size,
    o.reliability
from released_of(datasets) as o
join series as s on s.code = o.series
join area as a on a.code = o.area
order by s.indicator, o.series, a.name, o.dims, o.year;

-- The groups each row speaks for, defined once: one row per row of `rows` (a table or CTE of
-- observations) and group. A group comes from a dimension value (group_mapping: a value for rural women
-- counts for women and for rural people) or from the series itself (series_group: every value of
-- SI_COV_DISAB counts for persons with disabilities, whatever else its dimensions say; the group is not
-- given twice when a dimension says it too). A value with no dimension is the total: the headline
-- value of its indicator (for a group series, also its group's).
create macro groups_of(rows) as table
select *, 'total' as group_id
from query_table(rows)
where dims = ''
union all
(with parts as (
    select *, unnest(dims_parts(dims)) as part
    from query_table(rows)
    where dims <> ''
)
select parts.* exclude (part), m.group_id
from parts
join (select distinct dims_part(dimension, dim_value) as part, group_id from group_mapping) as m using (part))
union all
(with by_series as (  -- each series' groups, with the key parts that give the group already (a few rows)
    select g.series, g.group_id,
        coalesce(list(dims_part(m.dimension, m.dim_value)) filter (where m.group_id is not null), []) as parts
    from series_group as g
    left join group_mapping as m on m.group_id = g.group_id
    group by g.series, g.group_id
)
select r.*, s.group_id
from query_table(rows) as r
join by_series as s on s.series = r.series
where not list_has_any(dims_parts(r.dims), s.parts));

-- One row per released (not suppressed) observation and group it speaks for.
create view observation_group as
with released as (select * from released_observation where value is not null)
select * from groups_of(released);

-- The history of each citizen dataset, one row per event: its review rows (submitted, comment, returned,
-- published, published and endorsed) and, for a dataset the office imported itself (no submission), that
-- import, 'imported' (published at once). by_account: who (null for an import: the dataset row does not
-- say; the audit log does). Pages show private_note to stewards only (queries/submission_reviews.sql).
create view dataset_event as
select dataset_id, decided_at as event_at, by_account, decision, reasons, private_note
from review
union all
select c.dataset_id, d.created_at, null, 'imported', null, null
from citizen_dataset as c
join dataset as d using (dataset_id)
where c.dataset_id not in (select dataset_id from review where decision = 'submitted');
