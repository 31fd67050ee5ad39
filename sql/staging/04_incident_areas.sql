-- The area of every incident at every level: for a point, the area of that level
-- it lies in (point-in-polygon on the level's own polygons); otherwise, and where
-- no polygon of the level holds the point, the ancestor of its finest area.
--
-- Nearly every point lies in the ancestors of its finest area, so only the others are
-- stored (a point in a buurt that straddles two wijken, in the wijk polygon that holds
-- it), and incident_areas is a view: one row per incident and level of its ancestors,
-- not a table three times the size of incidents.
create table incident_area_overrides as
select pip.incident_id, pip.level, pip.area_code
from load_incident_levels pip
join load_incidents i on i.incident_id = pip.incident_id
join area_ancestors anc on anc.code = i.area_code and anc.ancestor_level = pip.level
where pip.area_code <> anc.ancestor_code
order by pip.incident_id, pip.level;

create view incident_areas as
select i.incident_id, anc.ancestor_level as level,
    coalesce(o.area_code, anc.ancestor_code) as area_code
from incidents i
join area_ancestors anc on anc.code = i.area_code
left join incident_area_overrides o
    on o.incident_id = i.incident_id and o.level = anc.ancestor_level;
