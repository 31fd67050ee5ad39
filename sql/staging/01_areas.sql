-- Areas of every level with RD geometry (metric work) and WGS84 display geometry.
create table areas as
select
    code,
    name,
    level,
    parent_code,
    gemeente_code,
    vintage,
    inhabitants,
    is_water,
    source,
    st_geomfromwkb(geom_wkb) as geom,
    st_geomfromwkb(display_wkb) as geom_display,
    st_area(st_geomfromwkb(geom_wkb)) / 1e6 as area_km2
from load_areas
order by level, code;
