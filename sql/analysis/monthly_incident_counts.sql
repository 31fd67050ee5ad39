-- Incidents per level, area, category (and 'total') and month 'YYYY-MM', from point
-- incidents in the area they lie in at each level (incident_areas): one pass over
-- the incidents for every monthly series of the trend step.  Months and areas without
-- incidents have no row (the step fills them with 0).
select ia.level, ia.area_code,
    case when grouping(i.category) = 1 then 'total' else i.category end as category,
    i.month, count(*) as n
from incidents i
join incident_areas ia on ia.incident_id = i.incident_id
where list_contains($levels, ia.level)
group by grouping sets ((ia.level, ia.area_code, i.category, i.month), (ia.level, ia.area_code, i.month))
