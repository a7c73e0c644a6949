-- one row per population group of the vocabulary, with the dimension values that map to it
select
    g.group_id,
    g.label,
    g.definition,
    string_agg(m.dimension || ' = ' || m.dim_value, '; ' order by m.dimension, m.dim_value) as mapped_from
from population_group as g
left join group_mapping as m using (group_id)
group by g.group_id, g.label, g.definition, g.sort
order by g.sort
