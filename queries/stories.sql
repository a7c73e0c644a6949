-- one row per story: its title, description, who made it, when it last changed, and how many steps it has
select
    s.story_id,
    s.title,
    s.description,
    s.created_by,
    s.created_at,
    s.updated_at,
    count(t.position) as steps
from story as s
left join story_step as t using (story_id)
group by all
order by s.updated_at desc, s.title
