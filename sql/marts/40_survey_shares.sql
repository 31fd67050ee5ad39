-- Weighted share (%) of respondents per yes/no item (survey_estimates), with a
-- Wilson interval on the effective sample size: Kish's n_eff = (sum w)^2 / sum w^2,
-- or, where the survey carries strata, the design-based n_eff = p (1 - p) / var(p)
-- from the Taylor-linearised variance (Kish's where that variance is 0, at p = 0 or 1).
-- Withheld when the unweighted n is below min_survey_n; indicative when
-- n < indicative_survey_n or the half-width exceeds indicative_halfwidth.
insert into indicator_values by name
with params as (
    select
        cast(setting_value('min_survey_n') as double) as min_n,
        cast(setting_value('indicative_survey_n') as double) as indicative_n,
        cast(setting_value('indicative_halfwidth') as double) as max_half,
        norm_ppf(1 - (1 - cast(setting_value('confidence') as double)) / 2) as z
),
wilson as (
    select e.*, e.mean as p, params.*,
        case
            when e.variance_design > 0 then e.mean * (1 - e.mean) / e.variance_design
            else e.n_eff_kish
        end as n_eff
    from survey_estimates e cross join params
    where starts_with(e.indicator, 'survey_share.')
),
bounds as (
    select *,
        (p + z * z / (2 * n_eff)) / (1 + z * z / n_eff) as centre,
        z / (1 + z * z / n_eff) * sqrt(p * (1 - p) / n_eff + z * z / (4 * n_eff * n_eff))
            as half
    from wilson
)
select
    indicator,
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
