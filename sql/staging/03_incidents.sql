-- Registered incidents, dated by the begin of their time window, at the finest area.
--
-- The text columns name the compression DuckDB would choose for them anyway (FSST for
-- the registration numbers, a dictionary for the few categories, periods, areas and
-- sources), so that writing millions of rows does not first try every other method.
create table incidents (
    incident_id text using compression fsst,
    category text using compression dictionary,
    date date,
    date_end date,
    year text using compression dictionary,
    month text using compression dictionary,
    x_rd double,
    y_rd double,
    area_code text using compression dictionary,
    source text using compression dictionary,
    row_number integer
);

insert into incidents
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
