-- Denominators per area and year: the area's own context figure when the source has
-- one, else the sum over its buurten, else the inhabitants of the boundary file.
create table area_population as
with periods as (
    select distinct year as period from incidents
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
)
select
    a.code as area_code,
    a.level,
    p.period,
    coalesce(own.inhabitants, rolled.inhabitants, a.inhabitants) as inhabitants,
    coalesce(own.dwellings, rolled.dwellings) as dwellings,
    coalesce(own.addresses, rolled.addresses) as addresses
from areas a
cross join periods p
left join own on own.area_code = a.code and own.period = p.period
left join rolled on rolled.area_code = a.code and rolled.period = p.period;
