-- Reported totals against the sum of the areas one level below that report their
-- own figures (e.g. a gemeente total against its buurten): the difference is shown,
-- never hidden.
create table count_reconciliation as
with yearly as (
    select area_code, period, category, sum(count) as n
    from reported_counts where length(period) = 4 group by all
    union all
    select area_code, left(period, 4), category, sum(count)
    from reported_counts where period similar to '\d{4}-\d{2}'
    group by all having count(distinct period) = 12
),
pairs as (
    select parent.area_code, pa.level, parent.period, parent.category, parent.n as reported,
        child_area.level as child_level, sum(child.n) as sum_of_children, count(*) as children
    from yearly parent
    join areas pa on pa.code = parent.area_code
    join area_ancestors anc on anc.ancestor_code = parent.area_code and anc.depth > 0
    join areas child_area on child_area.code = anc.code
    join yearly child on child.area_code = anc.code and child.period = parent.period
        and child.category = parent.category
    group by all
)
select *, reported - sum_of_children as difference,
    case when reported > 0 then (reported - sum_of_children) / reported end as share_difference
from pairs
order by area_code, period, category, child_level;
