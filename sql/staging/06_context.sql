-- Context figures per area and period, long format (variable, value).
create table context as
select area_code, period, variable, value, source
from load_context
order by variable, area_code, period;
