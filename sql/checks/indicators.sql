-- Data tests on the mart: intervals enclose their values, shown values have an n.
select 'interval does not enclose value' as check_name,
    indicator || ' ' || area_code || ' ' || period as detail
from indicator_values
where value is not null and (ci_low > value + 1e-9 or ci_high < value - 1e-9)
union all
select 'value without n', indicator || ' ' || area_code || ' ' || period
from indicator_values where value is not null and n is null
    and source not in (select source from sources where kind = 'indicator_table');
