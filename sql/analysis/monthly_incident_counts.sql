-- Incidents per level, area, category and month 'YYYY-MM' for the trend step
-- (etl/stats/trend.py, which adds the categories up to 'total' and fills months and
-- areas without incidents with 0): the rows of the view incident_areas counted
-- without expanding it.  Incidents are counted per finest area, category and month
-- (one pass), summed into every ancestor, and the few points lying in another area
-- of a level than their finest area's ancestor (incident_area_overrides) are moved
-- from that ancestor to the area that holds them.
with per_area as (
    select area_code, category, month, count(*) as n
    from incidents
    where area_code is not null
    group by all
),
rolled as (
    select anc.ancestor_level as level, anc.ancestor_code as area_code, p.category,
        p.month, sum(p.n) as n
    from per_area p
    join area_ancestors anc on anc.code = p.area_code
    where list_contains($levels, anc.ancestor_level)
    group by all
),
moved as (
    select o.level, anc.ancestor_code as from_code, o.area_code as to_code, i.category,
        i.month
    from incident_area_overrides o
    join incidents i on i.incident_id = o.incident_id
    join area_ancestors anc on anc.code = i.area_code and anc.ancestor_level = o.level
    where list_contains($levels, o.level)
)
select level, area_code, category, month, sum(n)::bigint as n
from (
    select level, area_code, category, month, n from rolled
    union all
    select level, from_code, category, month, -1 from moved
    union all
    select level, to_code, category, month, 1 from moved
)
group by all
having sum(n) <> 0
