-- Which citizen estimates are withheld, rebuilt with every write (derived.refresh), as the table
-- `withheld`. Primary: fewer respondents than min_sample_size (the macro `suppressed`: citizen data
-- about people; data about places is never withheld, so it has no primary cell to protect). Secondary
-- (complementary): a breakdown whose cells, with the total, would give a withheld cell back by
-- subtraction (Mangochi: all 140 households, Hanging-in 42, Stepping-up 93, so Stepping-out 5) gets its
-- next smallest cell withheld too. Siblings are estimates of one dataset, series, area and period whose
-- dimension keys differ only in the value of one dimension; a set of siblings with exactly one withheld
-- cell also loses its smallest other cell. derived.refresh repeats the second statement until it
-- adds nothing, since one cell withheld in the wealth breakdown can be the only one in the sex breakdown.
-- Every dataset's cells, published or not: a steward reviews a submission as publishing would release it.

-- primary
delete from withheld;
insert into withheld
select o.dataset_id, o.series, o.area, o.dims, o.time_detail, 'primary'
from observation as o
join dataset as d using (dataset_id)
left join citizen_dataset as c using (dataset_id)
where suppressed(d.kind, o.sample_size, c.subject);

-- secondary: one pass
insert into withheld
with cells as (
    select o.dataset_id, o.series, o.area, o.dims, o.time_detail, o.sample_size, dims_pairs(o.dims) as pairs,
        w.dims is not null as is_withheld
    from observation as o
    join dataset as d using (dataset_id)
    left join withheld as w using (dataset_id, series, area, dims, time_detail)
    where d.kind = 'citizen' and o.dims <> ''
        and (o.dataset_id, o.series, o.area, o.time_detail) in (select (dataset_id, series, area, time_detail) from withheld)
),
keyed as (  -- one row per cell and dimension it varies in: the key is its pairs with that one's value left out
    select *, list_transform(pairs, lambda p, j: {'dimension': p.dimension,
        'dim_value': case when j = i then null else p.dim_value end}) as sibling_key
    from (select *, unnest(generate_series(1, len(pairs))) as i from cells)
),
sets as (
    select dataset_id, series, area, time_detail, sibling_key
    from keyed
    group by all
    having count(*) >= 2 and count(*) filter (where is_withheld) = 1
)
select distinct dataset_id, series, area, dims, time_detail, 'secondary'
from (
select distinct on (k.dataset_id, k.series, k.area, k.time_detail, k.sibling_key)
    k.dataset_id, k.series, k.area, k.dims, k.time_detail
from keyed as k
join sets using (dataset_id, series, area, time_detail, sibling_key)
where not k.is_withheld
    and (k.dataset_id, k.series, k.area, k.dims, k.time_detail) not in (
        select (dataset_id, series, area, dims, time_detail) from withheld)
order by k.dataset_id, k.series, k.area, k.time_detail, k.sibling_key, k.sample_size, k.dims
);
