-- Weighted share (%) of respondents per yes/no item, with a Wilson interval on the
-- effective sample size n_eff = (sum w)^2 / sum w^2.  Withheld when the unweighted
-- n is below min_survey_n; indicative when n < indicative_survey_n or the
-- half-width exceeds indicative_halfwidth.
insert into indicator_values by name
with params as (
    select
        cast(setting_value('min_survey_n') as double) as min_n,
        cast(setting_value('indicative_survey_n') as double) as indicative_n,
        cast(setting_value('indicative_halfwidth') as double) as max_half,
        norm_ppf(1 - (1 - cast(setting_value('confidence') as double)) / 2) as z
),
answers as (
    unpivot (
        select respondent_id, period, area_code, weight, unsafe_ever, unsafe_own_buurt,
            unsafe_often_buurt, avoid_route, no_door_evening, victim_any,
            participates_initiative,
            -- (very) satisfied = 4 or 5 on the 1-5 scale
            cast(satisfaction_police >= 4 as double) as satisfied_police,
            cast(satisfaction_municipality >= 4 as double) as satisfied_municipality
        from survey_responses
    ) on unsafe_ever, unsafe_own_buurt, unsafe_often_buurt, avoid_route, no_door_evening,
        victim_any, participates_initiative, satisfied_police, satisfied_municipality
    into name item value answer
),
sums as (
    select anc.ancestor_code as area_code, anc.ancestor_level as level, a.period, a.item,
        count(*) as n,
        sum(a.weight) as sw,
        sum(a.weight * a.weight) as sw2,
        sum(a.weight * a.answer) as swy
    from answers a
    join area_ancestors anc on anc.code = a.area_code
    where a.answer is not null
    group by all
),
wilson as (
    select sums.*, params.*,
        swy / sw as p,
        sw * sw / sw2 as n_eff
    from sums cross join params
),
bounds as (
    select *,
        (p + z * z / (2 * n_eff)) / (1 + z * z / n_eff) as centre,
        z / (1 + z * z / n_eff) * sqrt(p * (1 - p) / n_eff + z * z / (4 * n_eff * n_eff))
            as half
    from wilson
)
select
    'survey_share.' || item as indicator,
    area_code,
    level,
    period,
    case when n >= min_n then 100 * p end as value,
    case when n >= min_n then 100 * greatest(centre - half, 0) end as ci_low,
    case when n >= min_n then 100 * least(centre + half, 1) end as ci_high,
    case when n >= min_n then 100 * sqrt(p * (1 - p) / n_eff) end as se,
    n,
    case
        when n < min_n then 'suppressed'
        when n < indicative_n or half > max_half then 'indicative'
        else 'ok'
    end as flag,
    'survey' as source
from bounds;
