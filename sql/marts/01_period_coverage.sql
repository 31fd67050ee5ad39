-- Which months every year of every incident source holds: a point extract covers the
-- months from its first to its last date; monthly counts (2024-03) the months they
-- list; yearly counts declare a whole year.  complete = all twelve months; coverage
-- ('2017-01..2017-09') is set only for a partial year, and marks every figure of it.
create table period_coverage as
with extracts as (
    select source, min(date) as first_date, max(date) as last_date
    from incidents group by source
),
point_years as (
    select source, cast(y as text) as period,
        case when y = year(first_date) then month(first_date) else 1 end as first_month,
        case when y = year(last_date) then month(last_date) else 12 end as last_month
    from extracts, range(year(first_date), year(last_date) + 1) t(y)
),
points as (
    select source, 'incidents' as kind, period, first_month, last_month,
        last_month - first_month + 1 as months
    from point_years
),
monthly as (
    select source, 'incident_counts' as kind, left(period, 4) as period,
        min(cast(right(period, 2) as integer)) as first_month,
        max(cast(right(period, 2) as integer)) as last_month,
        count(distinct period) as months
    from reported_counts where period similar to '\d{4}-\d{2}'
    group by all
),
yearly as (
    select distinct source, 'incident_counts' as kind, period, 1, 12, 12
    from reported_counts where length(period) = 4
),
covered as (
    select * from points union all select * from monthly union all select * from yearly
)
select source, kind, period, first_month, last_month, months, months = 12 as complete,
    case when months < 12 then
        period || '-' || lpad(cast(first_month as text), 2, '0') || '..'
        || period || '-' || lpad(cast(last_month as text), 2, '0')
    end as coverage
from covered
order by source, period;
