-- The indicator mart: one row per indicator x area x period, always with its
-- interval, its n and a flag (ok / indicative / suppressed / no-denominator / incomplete).
-- se is the standard error on the value's own scale (for significance tests);
-- n is the unweighted number of respondents, or the count of incidents.
-- method says how a value was estimated: 'direct' (from the area's own data; every
-- mart below) or 'model' (a small-area model, etl/stats/small_area.py, written after
-- every other analysis step).  Readers that do not ask for a method read 'direct'.
-- model_share is the share of a model value that comes from the regression part
-- (1 - gamma); flag 'synthetic' marks a model value for an area without respondents.
create table indicator_values (
    indicator text not null,
    area_code text not null,
    level text not null,
    period text not null,
    value double,
    ci_low double,
    ci_high double,
    se double,
    n double,
    flag text not null
        check (flag in ('ok', 'indicative', 'suppressed', 'no-denominator', 'synthetic', 'incomplete')),
    source text not null,
    -- how a value from another boundary vintage was mapped to these areas:
    -- overlay, table or name (null: native to the loaded boundaries)
    harmonised text,
    method text not null default 'direct' check (method in ('direct', 'model')),
    model_share double,
    -- the months a partial period holds ('2017-01..2017-09', period_coverage); null when
    -- the period is whole or has no months (survey waves)
    coverage text,
    -- the year of the population a rate is divided by (the period's own where a source
    -- has it, else the nearest year, else the boundary file's vintage)
    denominator_period text,
    primary key (indicator, area_code, period, method)
);
