-- Citizen initiatives: one of the seven forms, start and end, at the finest area.
create table initiatives as
select
    initiative_id,
    name,
    type,
    start_date,
    end_date,
    x_rd,
    y_rd,
    area_code,
    members,
    key_persons,
    source,
    row_number
from load_initiatives
order by start_date, initiative_id;
