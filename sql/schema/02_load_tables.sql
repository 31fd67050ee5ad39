-- Validated rows as the loader writes them (canonical names, typed); staging reads these.
create table load_areas (
    code text not null,
    name text not null,
    level text not null,
    parent_code text,
    gemeente_code text,
    vintage integer not null,
    inhabitants bigint,
    is_water boolean not null,
    source text not null,
    geom_wkb blob not null,
    display_wkb blob not null
);

-- The incident load tables are temporary: millions of rows that the staging reads once
-- (sorted into incidents) are not compressed into the database file only to be dropped;
-- beyond DuckDB's memory_limit they spill to its temporary directory.
create temp table load_incidents (
    source text not null,
    row_number integer not null,
    incident_id text not null,
    category text not null,
    date date not null,
    date_end date,
    x_rd double,
    y_rd double,
    area_code text not null
);

-- Point incidents placed by point-in-polygon on the polygons of every level above
-- the finest (not only rolled up from their buurt), so counts per wijk agree with
-- the wijk shapes even where a buurt straddles two wijken.  A loader may leave out the
-- rows where that area is the ancestor of the incident's finest area (the staging
-- takes those from area_ancestors).
create temp table load_incident_levels (
    incident_id text not null,
    level text not null,
    area_code text not null
);

create table load_survey (
    source text not null,
    row_number integer not null,
    respondent_id text not null,
    period text not null,
    area_code text not null,
    weight double not null,
    age_group text,
    sex text,
    stratum text,
    cluster text,
    x_rd double,
    y_rd double,
    unsafe_ever double, unsafe_own_buurt double, unsafe_often_buurt double,
    avoid_route double, no_door_evening double, victim_any double,
    participates_initiative double,
    nuisance_youth double, nuisance_neighbours double, nuisance_drunk double,
    nuisance_drugs double,
    decay_litter double, decay_vandalism double, decay_graffiti double, decay_dogpoo double,
    cohesion_know double, cohesion_pleasant double, cohesion_home double,
    cohesion_contact double, willing_act double,
    satisfaction_police double, satisfaction_municipality double
);

create table load_initiatives (
    source text not null,
    row_number integer not null,
    initiative_id text not null,
    name text not null,
    type text not null,
    start_date date not null,
    end_date date,
    x_rd double,
    y_rd double,
    area_code text not null,
    members integer,
    key_persons integer
);

create table load_context (
    source text not null,
    area_code text not null,
    period text not null,
    variable text not null,
    value double
);

create table load_indicator_table (
    source text not null,
    area_code text not null,
    indicator text not null,
    period text not null,
    value double not null,
    ci_low double,
    ci_high double,
    n integer,
    harmonised text
);

create table load_incident_counts (
    source text not null,
    row_number integer not null,
    area_code text not null,
    period text not null,
    category text not null,
    count double not null,
    harmonised text
);
