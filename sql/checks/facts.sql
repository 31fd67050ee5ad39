-- Data tests on facts: keys unique, every fact in a known area.
select 'incident id duplicated' as check_name, incident_id as detail
from incidents group by incident_id having count(*) > 1
union all
select 'incident in unknown area', incident_id
from incidents where area_code not in (select code from areas)
union all
select 'respondent in unknown area', respondent_id
from survey_responses where area_code not in (select code from areas)
union all
select 'initiative in unknown area', initiative_id
from initiatives where area_code not in (select code from areas)
union all
select 'a year has both point incidents and reported counts (they would add up twice)',
    year
from (select distinct year from incidents) p
join (select distinct left(period, 4) as year from reported_counts) r using (year);
