-- After the analysis steps: every figure made from incidents of a partial year carries
-- the months it holds, and smoothed rates the denominator year of their raw rate.
update indicator_values v
set coverage = partial.coverage
from (
    select period, max(coverage) as coverage from period_coverage
    where not complete group by period
) partial
where v.period = partial.period and v.coverage is null
    and (v.source = 'incidents' or v.indicator in (
        'index_part.incidents', 'unease_index.overall', 'unease_gap.perceived_minus_registered'
    ));

update indicator_values v
set denominator_period = raw.denominator_period
from indicator_values raw
where starts_with(v.indicator, 'incident_rate_eb.') and v.value is not null
    and raw.indicator = 'incident_rate.' || substr(v.indicator, length('incident_rate_eb.') + 1)
    and raw.area_code = v.area_code and raw.period = v.period and raw.method = 'direct';
