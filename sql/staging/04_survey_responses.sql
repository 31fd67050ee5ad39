-- Respondent microdata with canonical item names and the respondent's area.
create table survey_responses as
select * exclude (row_number), row_number
from load_survey
order by period, respondent_id;
