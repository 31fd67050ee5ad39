-- Incident rate per 1,000 (inhabitants, or addresses/dwellings by setting) with an
-- exact Poisson interval; no rate where the denominator is missing or below the
-- minimum population (the count stays in n).  A rate of a partial year carries the
-- months it holds (coverage); every rate the year of its denominator.
insert into indicator_values by name
with params as (
    select
        cast(setting_value('min_inhabitants') as double) as min_pop,
        cast(setting_value('confidence') as double) as conf,
        setting_value('rate_denominator') as denominator
),
base as (
    select c.area_code, c.level, c.period, c.category, c.n, p.inhabitants,
        coalesce(p.population_period, cast(a.vintage as text)) as denominator_period,
        partial.coverage,
        case params.denominator
            when 'addresses' then p.addresses
            when 'dwellings' then p.dwellings
            else p.inhabitants
        end as denom,
        params.min_pop, params.conf
    from incident_counts c
    cross join params
    left join area_population p on p.area_code = c.area_code and p.period = c.period
    join areas a on a.code = c.area_code
    left join (
        select period, max(coverage) as coverage from period_coverage
        where not complete group by period
    ) partial on partial.period = c.period
),
judged as (
    select *, coalesce(inhabitants, 0) >= min_pop and coalesce(denom, 0) > 0 as has_rate
    from base
)
select
    'incident_rate.' || category as indicator,
    area_code,
    level,
    period,
    case when has_rate then n / denom * 1000 end as value,
    case when has_rate then
        case when n = 0 then 0 else chi2_ppf((1 - conf) / 2, 2 * n) / 2 / denom * 1000 end
    end as ci_low,
    case when has_rate then chi2_ppf(1 - (1 - conf) / 2, 2 * n + 2) / 2 / denom * 1000 end
        as ci_high,
    case when has_rate then sqrt(n) / denom * 1000 end as se,
    n,
    case when has_rate then 'ok' else 'no-denominator' end as flag,
    'incidents' as source,
    coverage,
    case when has_rate then denominator_period end as denominator_period
from judged;
