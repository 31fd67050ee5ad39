drop table load_areas;
drop table load_incidents;
drop table load_incident_levels;
drop table load_survey;
drop table load_initiatives;
drop table load_context;
drop table load_indicator_table;
drop table load_incident_counts;
