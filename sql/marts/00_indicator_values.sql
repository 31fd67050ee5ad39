-- The indicator mart: one row per indicator x area x period, always with its
-- interval, its n and a flag (ok / indicative / suppressed / no-denominator).
-- se is the standard error on the value's own scale (for significance tests);
-- n is the unweighted number of respondents, or the count of incidents.
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
    flag text not null check (flag in ('ok', 'indicative', 'suppressed', 'no-denominator')),
    source text not null,
    -- how a value from another boundary vintage was mapped to these areas:
    -- overlay, table or name (null: native to the loaded boundaries)
    harmonised text,
    primary key (indicator, area_code, period)
);
