-- Incidents per area, year and category (plus 'total'), zeros included where an
-- absent row means none (see zero_years), from two
-- kinds of source:
--   * point incidents, counted in the area they lie in at every level (as in the view
--     incident_areas, without joining incidents to themselves);
--   * reported counts (e.g. 47022NED): a year's figure, or the sum of its 12 months,
--     for the area reported; an area without its own figure gets the sum over the
--     finest areas below it.  count_reconciliation compares reported totals with the
--     sum of the areas below them.
create table incident_counts as
with point_counts as (
    select coalesce(o.area_code, anc.ancestor_code) as area_code, i.year as period,
        coalesce(i.category, 'total') as category, count(*) as n
    from incidents i
    join area_ancestors anc on anc.code = i.area_code
    left join incident_area_overrides o
        on o.incident_id = i.incident_id and o.level = anc.ancestor_level
    group by grouping sets (
        (coalesce(o.area_code, anc.ancestor_code), i.year, i.category),
        (coalesce(o.area_code, anc.ancestor_code), i.year)
    )
),
yearly as (
    select area_code, period, category, sum(count) as n, 1 as rank
    from reported_counts where length(period) = 4
    group by all
    union all
    select area_code, left(period, 4), category, sum(count), 2
    from reported_counts where period similar to '\d{4}-\d{2}'
    group by all
    having count(distinct period) = 12
),
own as (
    select area_code, period, category, arg_min(n, rank) as n
    from yearly group by all
),
finest as (
    select min(l) as level from (
        select case level when 'buurt' then 1 when 'wijk' then 2 when 'stadsdeel' then 3
            else 4 end as l
        from areas a join own on own.area_code = a.code
    )
),
rolled as (
    select anc.ancestor_code as area_code, own.period, own.category, sum(own.n) as n
    from own
    join areas a on a.code = own.area_code
    join area_ancestors anc on anc.code = own.area_code
    where case a.level when 'buurt' then 1 when 'wijk' then 2 when 'stadsdeel' then 3
        else 4 end = (select level from finest)
    group by all
),
reported as (
    select coalesce(own.area_code, rolled.area_code) as area_code,
        coalesce(own.period, rolled.period) as period,
        coalesce(own.category, rolled.category) as category,
        coalesce(own.n, rolled.n) as n
    from own full join rolled using (area_code, period, category)
),
counted as (
    select area_code, period, category, n from point_counts
    union all
    select area_code, period, category, n from reported
),
years as (select distinct period from counted),
categories as (select distinct category from counted union select 'total'),
-- where an absent row means 0: every area in a year of point incidents (the extract
-- covers the municipality), and in a year of a count table declared complete; else
-- only areas the table lists (or that sum areas it lists) get counts
zero_years as (
    select distinct period from point_counts
    union
    select distinct left(period, 4) from reported_counts
    where source in (select source from complete_sources)
),
listed as (select distinct area_code, period from reported)
select a.code as area_code, a.level, y.period, c.category,
    coalesce(sum(counted.n), 0) as n
from areas a
cross join years y
cross join categories c
left join counted
    on counted.area_code = a.code and counted.period = y.period and counted.category = c.category
left join listed on listed.area_code = a.code and listed.period = y.period
where y.period in (select period from zero_years) or listed.area_code is not null
group by all;
