-- Published area-level indicator tables (values computed elsewhere).
create table published_indicators as
select area_code, indicator, period, value, ci_low, ci_high, n, source, harmonised
from load_indicator_table;
