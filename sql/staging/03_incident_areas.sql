-- The area of every incident at every level: for a point, the area of that level
-- it lies in (point-in-polygon on the level's own polygons); otherwise, and where
-- no polygon of the level holds the point, the ancestor of its finest area.
create table incident_areas as
select i.incident_id, anc.ancestor_level as level,
    coalesce(pip.area_code, anc.ancestor_code) as area_code
from load_incidents i
join area_ancestors anc on anc.code = i.area_code
left join load_incident_levels pip
    on pip.incident_id = i.incident_id and pip.level = anc.ancestor_level
order by i.incident_id, level;
