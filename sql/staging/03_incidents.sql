-- Registered incidents, dated by the begin of their time window, at the finest area.
create table incidents as
select
    incident_id,
    category,
    date,
    date_end,
    cast(year(date) as text) as year,
    strftime(date, '%Y-%m') as month,
    x_rd,
    y_rd,
    area_code,
    source,
    row_number
from load_incidents
order by date, incident_id;
