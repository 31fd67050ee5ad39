-- Bookkeeping of a build: settings, sources with attribution, load log, quarantine.
create table build_settings (name text primary key, value text not null, description text);

create table build_info (key text primary key, value text);

create table sources (
    source text primary key,
    kind text not null,
    path text not null,
    publisher text,
    licence text,
    vintage integer,
    level text,
    crs text
);

create table load_log (
    source text not null,
    kind text not null,
    path text not null,
    checksum text not null,
    rows_read integer not null,
    rows_loaded integer not null,
    rows_quarantined integer not null,
    -- rows of other municipalities in national tables: not ours, not wrong
    rows_skipped integer not null,
    -- rows loaded with a note: an unreadable optional value left empty (see quarantine)
    rows_noted integer not null,
    notes text,
    started_at timestamp not null,
    finished_at timestamp not null
);

-- Rejected rows (severity 'rejected': not loaded) and rows loaded with a note
-- (severity 'note': an unreadable optional value was left empty).
create table quarantine (
    source text not null,
    row_number integer not null,
    field text not null,
    reason text not null,
    raw text,
    severity text not null default 'rejected' check (severity in ('rejected', 'note'))
);

create table series_breaks (period text primary key);

create macro setting_value(setting_name) as (
    select value from build_settings where name = setting_name
);

-- Indicators of published tables, as their source config declares them.
create table indicator_declarations (
    indicator text primary key,
    source text not null,
    publisher text,
    name_nl text not null,
    name_en text not null,
    definition_nl text,
    definition_en text,
    unit text,
    direction text not null check (direction in ('higher_worse', 'higher_better'))
);

-- How codes of other systems or vintages map onto the loaded areas.
create table crosswalk (
    source text not null,
    from_code text not null,
    from_vintage integer,
    to_code text not null,
    to_vintage integer,
    weight_from double,
    weight_to double,
    method text not null check (method in ('overlay', 'table', 'name'))
);

-- Parts of the analysis that could not run on this build's data, and why: a step
-- skips what its input does not allow (one incident, one area, no neighbours, no
-- survey) instead of failing; the Data page lists every row.
create table analysis_skips (
    step text not null,
    indicator text,
    level text,
    area_code text,
    period text,
    reason text not null
);

-- Areas whose coded parent was not used: not loaded, or less than half of the area
-- inside it (another vintage, a reused code). They take the parent they overlap
-- most (land first); shares are of the child's area.
create table area_parent_checks (
    code text not null,
    name text,
    level text not null,
    coded_parent text,
    parent_code text,
    share_in_coded double,
    share_in_parent double,
    reason text not null
);

-- Count tables that declare every area listed (option complete = true): an area they
-- do not list had no incidents.  Without it such an area has no figure, never 0.
create table complete_sources (source text primary key);
