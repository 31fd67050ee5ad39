-- Incidents per area, year and category (plus 'total'), zeros included.
create table incident_counts as
with years as (select distinct year as period from incidents),
categories as (select distinct category from incidents union select 'total'),
counted as (
    select anc.ancestor_code as area_code, i.year as period,
        coalesce(i.category, 'total') as category, count(*) as n
    from incidents i
    join area_ancestors anc on anc.code = i.area_code
    group by grouping sets ((anc.ancestor_code, i.year, i.category), (anc.ancestor_code, i.year))
)
select a.code as area_code, a.level, y.period, c.category, coalesce(counted.n, 0) as n
from areas a
cross join years y
cross join categories c
left join counted
    on counted.area_code = a.code and counted.period = y.period and counted.category = c.category;
