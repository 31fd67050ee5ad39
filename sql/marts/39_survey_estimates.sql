-- Direct estimates of the survey indicators per area, period and indicator, before
-- suppression: yes/no items as shares (0-1) and the 0-10 scale scores (nuisance, decay,
-- cohesion; per respondent 10 * mean(recoded items) / max, only when at least 2/3 of the
-- scale's items are answered).  Per area: the unweighted n, the weighted mean
-- (= the share p for yes/no items), Kish's effective n = (sum w)^2 / sum w^2, the
-- weighted within-area variance s2 = sum w (y - mean)^2 / sum w and, where every
-- respondent of the area carries a stratum, the Taylor-linearised (design-based)
-- variance of the mean:
--   z_i = w_i (y_i - mean) / sum w   for respondents of the area (0 outside it),
--   z_hc = sum of z over the respondents of primary sampling unit c in stratum h
--          (a respondent is its own unit when the file has no clusters),
--   var = sum_h n_h / (n_h - 1) * (sum_c z_hc^2 - (sum_c z_hc)^2 / n_h),
-- with n_h the units of stratum h in the period (with replacement: no finite
-- population correction).  A stratum with a single unit gives no variance: then the
-- area keeps Kish's effective n.  Read by 40_survey_shares.sql, 41_survey_scales.sql
-- and the small-area models (etl/stats/small_area.py).
create table survey_estimates as
with answers as (
    unpivot (
        select respondent_id, period, area_code, weight, stratum, cluster, unsafe_ever,
            unsafe_own_buurt, unsafe_often_buurt, avoid_route, no_door_evening, victim_any,
            participates_initiative,
            -- (very) satisfied = 4 or 5 on the 1-5 scale
            cast(satisfaction_police >= 4 as double) as satisfied_police,
            cast(satisfaction_municipality >= 4 as double) as satisfied_municipality
        from survey_responses
    ) on unsafe_ever, unsafe_own_buurt, unsafe_often_buurt, avoid_route, no_door_evening,
        victim_any, participates_initiative, satisfied_police, satisfied_municipality
    into name item value answer
),
-- nuisance and decay: 1 = often, 2 = sometimes, 3 = (almost) never -> 3 - x (0..2)
-- cohesion: 1 = fully disagree ... 5 = fully agree -> x - 1 (0..4)
scale_items as (
    select respondent_id, period, area_code, weight, stratum, cluster,
        'nuisance' as scale, 2.0 as top, 4 as k,
        [3 - nuisance_youth, 3 - nuisance_neighbours, 3 - nuisance_drunk, 3 - nuisance_drugs]
            as items
    from survey_responses
    union all
    select respondent_id, period, area_code, weight, stratum, cluster, 'decay', 2.0, 4,
        [3 - decay_litter, 3 - decay_vandalism, 3 - decay_graffiti, 3 - decay_dogpoo]
    from survey_responses
    union all
    select respondent_id, period, area_code, weight, stratum, cluster, 'cohesion', 4.0, 4,
        [cohesion_know - 1, cohesion_pleasant - 1, cohesion_home - 1, cohesion_contact - 1]
    from survey_responses
),
observations as (
    select 'survey_share.' || item as indicator, respondent_id, period, area_code, weight,
        stratum, cluster, answer as y
    from answers
    where answer is not null
    union all
    select 'survey_scale.' || scale, respondent_id, period, area_code, weight, stratum,
        cluster, 10 * list_avg(list_filter(items, x -> x is not null)) / top
    from scale_items
    where 3 * len(list_filter(items, x -> x is not null)) >= 2 * k
),
in_area as (
    select o.indicator, anc.ancestor_code as area_code, anc.ancestor_level as level,
        o.period, o.weight, o.y, o.stratum, coalesce(o.cluster, o.respondent_id) as unit
    from observations o
    join area_ancestors anc on anc.code = o.area_code
),
sums as (
    select indicator, area_code, level, period,
        count(*) as n,
        sum(weight) as sw,
        sum(weight * weight) as sw2,
        sum(weight * y) / sum(weight) as mean,
        count(stratum) = count(*) as stratified
    from in_area
    group by all
),
deviations as (
    select i.indicator, i.area_code, i.period, i.stratum, i.unit, i.weight,
        i.y - s.mean as dev, s.sw, s.stratified
    from in_area i
    join sums s using (indicator, area_code, period)
),
spread as (
    select indicator, area_code, period, sum(weight * dev * dev) / any_value(sw) as s2
    from deviations
    group by all
),
units as (
    select indicator, area_code, period, stratum, unit, sum(weight * dev) / any_value(sw) as z
    from deviations
    where stratified
    group by all
),
strata as (
    select period, stratum, count(distinct coalesce(cluster, respondent_id)) as n_h
    from survey_responses
    where stratum is not null
    group by all
),
taylor as (
    select u.indicator, u.area_code, u.period,
        sum(st.n_h / (st.n_h - 1) * (u.z2 - u.z1 * u.z1 / st.n_h)) as variance,
        bool_and(st.n_h > 1) as estimable
    from (
        select indicator, area_code, period, stratum, sum(z * z) as z2, sum(z) as z1
        from units group by all
    ) u
    join strata st using (period, stratum)
    group by all
)
select s.indicator, s.area_code, s.level, s.period, s.n, s.mean,
    s.sw * s.sw / s.sw2 as n_eff_kish, spread.s2,
    case when t.estimable then greatest(t.variance, 0) end as variance_design
from sums s
join spread using (indicator, area_code, period)
left join taylor t using (indicator, area_code, period);
