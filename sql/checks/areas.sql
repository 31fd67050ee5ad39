-- Data tests: each query returns one row per violation (check, detail).
select 'area code duplicated' as check_name, code as detail
from areas group by code having count(*) > 1
union all
-- (a buurt that no wijk overlaps is placed under the gemeente, and recorded)
select 'buurt without wijk or gemeente', a.code
from areas a
where a.level = 'buurt'
  and (select count(distinct ancestor_level) from area_ancestors x
       where x.code = a.code and x.ancestor_level in ('wijk', 'gemeente'))
    < case when a.code in (select code from area_parent_checks) then 1 else 2 end
union all
select 'geometry invalid or empty', code
from areas where geom is null or st_isempty(geom) or not st_isvalid(geom)
union all
select 'geometry not polygonal', code
from areas where st_geometrytype(geom) not in ('POLYGON', 'MULTIPOLYGON');
