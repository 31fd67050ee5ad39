-- Denominators per area and year: the area's own context figure when the source has
-- one, else the sum over its buurten; for a year without figures, those of the
-- nearest year (population_period says which), else the boundary file's inhabitants.
create table area_population as
with periods as (
    select distinct year as period from incidents
    union
    select distinct left(period, 4) from reported_counts
    union
    select distinct period from context where variable = 'inhabitants'
),
own as (
    select area_code, period,
        max(value) filter (where variable = 'inhabitants') as inhabitants,
        max(value) filter (where variable = 'dwellings') as dwellings,
        max(value) filter (where variable = 'addresses') as addresses
    from context
    group by all
),
rolled as (
    select anc.ancestor_code as area_code, own.period,
        sum(own.inhabitants) as inhabitants,
        sum(own.dwellings) as dwellings,
        sum(own.addresses) as addresses
    from own
    join areas a on a.code = own.area_code and a.level = 'buurt'
    join area_ancestors anc on anc.code = own.area_code
    group by all
),
known as (
    select coalesce(own.area_code, rolled.area_code) as area_code,
        coalesce(own.period, rolled.period) as period,
        coalesce(own.inhabitants, rolled.inhabitants) as inhabitants,
        coalesce(own.dwellings, rolled.dwellings) as dwellings,
        coalesce(own.addresses, rolled.addresses) as addresses
    from own full join rolled using (area_code, period)
    where coalesce(own.inhabitants, rolled.inhabitants) is not null
),
nearest as (
    select a.code as area_code, p.period,
        arg_min(k.period, abs(cast(left(k.period, 4) as integer)
            - cast(left(p.period, 4) as integer))) as population_period
    from areas a
    cross join periods p
    join known k on k.area_code = a.code
    group by all
)
select
    a.code as area_code,
    a.level,
    p.period,
    coalesce(k.inhabitants, a.inhabitants) as inhabitants,
    k.dwellings,
    k.addresses,
    case when k.inhabitants is not null then n.population_period end as population_period
from areas a
cross join periods p
left join nearest n on n.area_code = a.code and n.period = p.period
left join known k on k.area_code = a.code and k.period = n.population_period;
