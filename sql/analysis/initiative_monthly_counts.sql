-- Incidents per buurt, category and month, for the before/after comparisons of
-- initiatives (etl/stats/initiatives.py): counted here once, so the comparisons read
-- a few rows per buurt and month however many incidents there are.  The month is one
-- integer, year * 12 + month - 1 (etl.stats.initiative_methods.month_number), made
-- from the counted rows, not from every incident.
with counted as (
    select area_code, category, month, count(*) as n
    from incidents
    where area_code is not null and month is not null
    group by all
)
select
    area_code,
    category,
    cast(left(month, 4) as integer) * 12 + cast(substr(month, 6, 2) as integer) - 1 as m,
    n
from counted
order by all;
