-- Incidents staged as text (view ingest_text: line and the canonical columns), typed,
-- with `clean` for the rows that pass every check of etl/validate.py in the forms that
-- cover nearly all of a police extract.  The other rows are left to that validator.
--
-- Dates and numbers are read by the macros of sql/ingest/macros.sql.
--
-- Parameters: $white_edge (a regular expression: white space, as Python's str.strip
-- knows it, at either end of a value or beside a chr(0)), $white_ends (the same at
-- either end of a value, to remove it), $missing (the
-- texts read as missing), $lo and $hi (the plausible dates; a date may fall on the day
-- $hi), $sentinel, $smallest, $largest (numbers refused), $iso_form and $compact_form
-- (the names etl/dates.py gives the two forms of date, for the load log).
create or replace temp table ingest_checked as
with stripped as (
    -- spaces around a text are trimmed here; any other white space at either end of a
    -- text (a tab, a no-break space) is for Python's str.strip: such a row is not clean
    -- ($white_edge); dates, numbers and area codes with white space are not clean
    select
        line,
        trim(coalesce(incident_id, '')) as incident_id,
        trim(coalesce(category, '')) as category,
        coalesce(date, '') as date_text,
        coalesce(date_end, '') as date_end_text,
        coalesce(x, '') as x_text,
        coalesce(y, '') as y_text,
        coalesce(area_code, '') as area_text
    from ingest_text
),
edged as (
    select *, regexp_matches(incident_id || chr(0) || category, $white_edge) as white_edge
    from stripped
),
typed as materialized (
    select
        line,
        incident_id,
        -- the registration number as Python's str.strip leaves it, to find repeats
        case
            when white_edge then regexp_replace(incident_id, $white_ends, '', 'g')
            else incident_id
        end as id_key,
        category,
        ingest_date(date_text) as date,
        length(date_text) as date_width,
        ingest_date(date_end_text) as date_end,
        length(date_end_text) as date_end_width,
        list_contains($missing, date_end_text) as date_end_missing,
        ingest_number(x_text) as x,
        ingest_number(y_text) as y,
        -- Excel serial day numbers (5 digits) are judged over the whole column by
        -- etl/dates.py: a column with any of them is left to it entirely
        ingest_serial_like(date_text) or ingest_serial_like(date_end_text) as serial_like,
        not list_contains($missing, incident_id)
            and not list_contains($missing, category)
            and list_contains($missing, area_text)
            and not white_edge as texts_ok
    from edged
),
repeated as (
    select id_key from typed where not list_contains($missing, id_key)
    group by id_key having count(*) > 1
)
select
    line,
    incident_id,
    category,
    date,
    case when date_width in (10, 16, 19) then $iso_form else $compact_form end as date_form,
    case when not date_end_missing then date_end end as date_end,
    case
        when date_end_missing then null
        when date_end_width in (10, 16, 19) then $iso_form
        else $compact_form
    end as date_end_form,
    x,
    y,
    serial_like,
    texts_ok
    and date between $lo and $hi + interval 1 day
    and (date_end_missing or date_end between $lo and $hi + interval 1 day)
    and ingest_number_ok(x, $sentinel, $smallest, $largest)
    and ingest_number_ok(y, $sentinel, $smallest, $largest)
    and id_key not in (select id_key from repeated) as clean
from typed;
