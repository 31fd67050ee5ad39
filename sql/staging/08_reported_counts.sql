-- Registered crime as counts per area and period from published tables (e.g. the
-- Politie/CBS table 47022NED): periods are years (2024) or months (2024-03).
create table reported_counts as
select area_code, period, category, count, source, harmonised
from load_incident_counts
order by area_code, period, category;
