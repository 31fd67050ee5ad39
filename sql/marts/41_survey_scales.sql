-- Scale scores 0-10 (nuisance, decay, cohesion): per respondent 10 * mean(recoded
-- items) / max, only when at least 2/3 of the scale's items are answered; per area
-- the weighted mean with a t-interval on the effective sample size:
--   s2 = sum w (x - mean)^2 / sum w * n_eff / (n_eff - 1),  se = sqrt(s2 / n_eff),
--   interval = mean -/+ t(n_eff - 1) * se.
-- Withheld below min_survey_n respondents; indicative below indicative_survey_n or
-- when the half-width exceeds indicative_halfwidth * 10 points.
insert into indicator_values by name
with params as (
    select
        cast(setting_value('min_survey_n') as double) as min_n,
        cast(setting_value('indicative_survey_n') as double) as indicative_n,
        10 * cast(setting_value('indicative_halfwidth') as double) as max_half,
        1 - (1 - cast(setting_value('confidence') as double)) / 2 as q
),
-- nuisance and decay: 1 = often, 2 = sometimes, 3 = (almost) never -> 3 - x (0..2)
-- cohesion: 1 = fully disagree ... 5 = fully agree -> x - 1 (0..4)
items as (
    select respondent_id, period, area_code, weight, 'nuisance' as scale, 2.0 as top, 4 as k,
        [3 - nuisance_youth, 3 - nuisance_neighbours, 3 - nuisance_drunk, 3 - nuisance_drugs]
            as answers
    from survey_responses
    union all
    select respondent_id, period, area_code, weight, 'decay', 2.0, 4,
        [3 - decay_litter, 3 - decay_vandalism, 3 - decay_graffiti, 3 - decay_dogpoo]
    from survey_responses
    union all
    select respondent_id, period, area_code, weight, 'cohesion', 4.0, 4,
        [cohesion_know - 1, cohesion_pleasant - 1, cohesion_home - 1, cohesion_contact - 1]
    from survey_responses
),
scored as (
    select respondent_id, period, area_code, weight, scale,
        10 * list_avg(list_filter(answers, x -> x is not null)) / top as score
    from items
    where 3 * len(list_filter(answers, x -> x is not null)) >= 2 * k
),
sums as (
    select anc.ancestor_code as area_code, anc.ancestor_level as level, s.period, s.scale,
        count(*) as n,
        sum(s.weight) as sw,
        sum(s.weight * s.weight) as sw2,
        sum(s.weight * s.score) / sum(s.weight) as mean
    from scored s
    join area_ancestors anc on anc.code = s.area_code
    group by all
),
spread as (
    select sums.area_code, sums.period, sums.scale,
        sum(s.weight * (s.score - sums.mean) ^ 2) as ssw
    from sums
    join area_ancestors anc on anc.ancestor_code = sums.area_code
    join scored s on s.area_code = anc.code and s.period = sums.period and s.scale = sums.scale
    group by all
),
stats as (
    select sums.*, params.*, sw * sw / sw2 as n_eff,
        case when sw * sw / sw2 > 1
            then sqrt(spread.ssw / sw * (sw * sw / sw2) / (sw * sw / sw2 - 1) / (sw * sw / sw2))
        end as se
    from sums
    join spread using (area_code, period, scale)
    cross join params
),
bounds as (
    select *, t_ppf(q, n_eff - 1) * se as half from stats
)
select
    'survey_scale.' || scale as indicator,
    area_code,
    level,
    period,
    case when n >= min_n then mean end as value,
    case when n >= min_n then greatest(mean - half, 0) end as ci_low,
    case when n >= min_n then least(mean + half, 10) end as ci_high,
    case when n >= min_n then se end as se,
    n,
    case
        when n < min_n then 'suppressed'
        when n < indicative_n or half > max_half then 'indicative'
        else 'ok'
    end as flag,
    'survey' as source
from bounds;
