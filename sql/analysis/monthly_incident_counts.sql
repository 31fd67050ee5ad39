-- Incidents per level, area, category and month 'YYYY-MM', from point incidents in
-- the area they lie in at each level (incident_areas): one pass over the incidents
-- for every monthly series of the trend step (etl/stats/trend.py), which adds the
-- categories up to 'total' and fills months and areas without incidents with 0.
select ia.level, ia.area_code, i.category, i.month, count(*) as n
from incidents i
join incident_areas ia on ia.incident_id = i.incident_id
where list_contains($levels, ia.level)
group by all
