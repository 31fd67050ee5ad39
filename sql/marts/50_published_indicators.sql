-- Published area-level indicators (e.g. a city's safety index) as indicator values,
-- under the id <source>.<indicator>; their direction is declared in the config.
-- A value carried from an older boundary vintage by overlay (harmonised = 'overlay') is
-- approximate (methods §1): flagged indicative; values matched by code or name keep
-- the publisher's figure as it is.
insert into indicator_values by name
select
    p.source || '.' || lower(p.indicator) as indicator,
    p.area_code,
    a.level,
    p.period,
    p.value,
    p.ci_low,
    p.ci_high,
    (p.ci_high - p.ci_low) / (2 * norm_ppf(1 - (1 - cast(setting_value('confidence') as double)) / 2))
        as se,
    p.n,
    case when p.harmonised = 'overlay' then 'indicative' else 'ok' end as flag,
    p.source,
    p.harmonised
from published_indicators p
join areas a on a.code = p.area_code;
