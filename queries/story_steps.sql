-- one row per step of every story, in each story's order: the step's title, the presenter's note, and
-- the view it shows (a page's URL path and its URL query string)
select
    t.story_id,
    t.position,
    t.title,
    t.note,
    t.page,
    t.params,
    count(*) over (partition by t.story_id) as steps
from story_step as t
join story as s using (story_id)
order by t.story_id, t.position
