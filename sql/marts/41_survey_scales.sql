-- Scale scores 0-10 (survey_estimates): the weighted mean with a t-interval on
-- Kish's effective sample size n_eff:
--   s2 = sum w (x - mean)^2 / sum w * n_eff / (n_eff - 1),  se = sqrt(s2 / n_eff),
--   interval = mean -/+ t(n_eff - 1) * se,
-- where the survey carries strata se is the Taylor-linearised standard error instead
-- (the degrees of freedom stay n_eff - 1).
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
stats as (
    select e.*, params.*, e.n_eff_kish as n_eff,
        case
            when e.variance_design is not null then sqrt(e.variance_design)
            when e.n_eff_kish > 1
                then sqrt(e.s2 * e.n_eff_kish / (e.n_eff_kish - 1) / e.n_eff_kish)
        end as se
    from survey_estimates e
    cross join params
    where starts_with(e.indicator, 'survey_scale.')
),
bounds as (
    select *, t_ppf(q, n_eff - 1) * se as half from stats
)
select
    indicator,
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
