-- Every area with itself and all areas above it: facts stored at the finest level
-- roll up to any level by one join.
create table area_ancestors as
with recursive chain(code, ancestor_code, depth) as (
    select code, code, 0 from areas
    union all
    select chain.code, areas.parent_code, chain.depth + 1
    from chain
    join areas on areas.code = chain.ancestor_code
    where areas.parent_code is not null and chain.depth < 8
)
select chain.code, chain.ancestor_code, anc.level as ancestor_level, chain.depth
from chain
join areas anc on anc.code = chain.ancestor_code;
