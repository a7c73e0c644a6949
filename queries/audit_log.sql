-- one row per write in the audit log (who, when, what, why), newest first; each filter left null means all
select
    seq,
    logged_at,
    actor,
    role,
    action,
    target,
    detail,
    reason
from audit_log
where ($action::varchar is null or action = $action::varchar)
    and ($actor::varchar is null or actor = $actor::varchar)
    and ($first_day::date is null or logged_at >= $first_day::date)
    -- the last day counts whole: up to the start of the day after it
    and ($last_day::date is null or logged_at < $last_day::date + interval 1 day)
order by seq desc
