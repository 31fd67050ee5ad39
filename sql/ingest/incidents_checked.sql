-- Incidents read as text (view ingest_text: the canonical columns, then every column of
-- the file as c0, c1, ...), typed, with `passed` for the rows that pass every check of
-- etl/validate.py in the forms that cover nearly all of a police extract, save the check
-- for repeated registration numbers (etl/ingest.py makes that one on `id_hash`).  The
-- other rows are left to that validator.  The table keeps the order of the file: rowid
-- + 2 is the line of a CSV (header = line 1), rowid + 1 the row of a Parquet file.  The typed values are kept for the passed rows
-- only; the cells of the file (`cells`) only for the rows the validator may judge:
-- those that did not pass, and points not in a cell of the grid that lies wholly inside
-- the municipality (near its border or outside it).
--
-- Dates and numbers are read by the macros of sql/ingest/macros.sql.
--
-- Parameters: $white_edge (a regular expression: white space, as Python's str.strip
-- knows it, at either end of a value), $white_ends (the same, to remove it), $missing (the
-- texts read as missing), $lo and $hi (the plausible dates; a date may fall on the day
-- $hi), $sentinel, $smallest, $largest (numbers refused), $x0, $y0, $width, $height,
-- $ny (the grid, in the coordinates of the file) and $first, $after (for each row of
-- cells the longest run of cells inside the municipality: geo/interior.py).
create or replace temp table ingest_checked as
with stripped as (
    -- spaces around a text are trimmed here; any other white space at either end of a
    -- text (a tab, a no-break space) is for Python's str.strip: such a row is not clean
    -- ($white_edge); dates, numbers and area codes with white space are not clean
    select
        ingest_trim(coalesce(incident_id, '')) as incident_id,
        ingest_trim(coalesce(category, '')) as category,
        coalesce(date, '') as date_text,
        coalesce(date_end, '') as date_end_text,
        coalesce(x, '') as x_text,
        coalesce(y, '') as y_text,
        coalesce(area_code, '') as area_text,
        columns('^c[0-9]+$')
    from ingest_text
),
edged as (
    select
        *,
        ingest_white_edge(incident_id, $white_edge)
            or ingest_white_edge(category, $white_edge) as white_edge
    from stripped
),
typed as (
    select
        incident_id,
        -- the registration number as Python's str.strip leaves it, to find repeats
        case
            when white_edge then regexp_replace(incident_id, $white_ends, '', 'g')
            else incident_id
        end as id_key,
        category,
        date_text,
        date_end_text,
        ingest_date(date_text) as date,
        length(date_text) as date_width,
        ingest_date(date_end_text) as date_end,
        length(date_end_text) as date_end_width,
        list_contains($missing, date_end_text) as date_end_missing,
        ingest_number(x_text) as x,
        ingest_number(y_text) as y,
        not list_contains($missing, incident_id)
            and not list_contains($missing, category)
            and list_contains($missing, area_text)
            and not white_edge as texts_ok,
        columns('^c[0-9]+$')
    from edged
),
judged as (
    select
        *,
        -- Excel serial day numbers (5 digits) are judged over the whole column by
        -- etl/dates.py: a column with any of them is left to it entirely (a date read
        -- in a form above is none)
        (date is null and ingest_serial_like(date_text))
            or (date_end is null and ingest_serial_like(date_end_text)) as serial_like,
        coalesce(
            texts_ok
            and date between $lo and $hi + interval 1 day
            and (date_end_missing or date_end between $lo and $hi + interval 1 day)
            and ingest_number_ok(x, $sentinel, $smallest, $largest)
            and ingest_number_ok(y, $sentinel, $smallest, $largest),
            false
        ) as passed
    from typed
)
select
    -- a registration number that occurs twice sends its rows to the validator; a hash
    -- that two numbers share (rare) sends them there too, which judges them the same
    case when not list_contains($missing, id_key) then hash(id_key) end as id_hash,
    serial_like,
    passed,
    case when passed then incident_id end as incident_id,
    case when passed then category end as category,
    case when passed then cast(date as date) end as date,
    -- the fixed-width ISO forms (10, 16, 19 characters), else the compact police forms
    case when passed then date_width in (10, 16, 19) end as date_iso,
    case when passed and not date_end_missing then cast(date_end as date) end as date_end,
    case when passed and not date_end_missing then date_end_width in (10, 16, 19) end
        as date_end_iso,
    case when passed then x end as x,
    case when passed then y end as y,
    case when kept then list_value(*columns('^c[0-9]+$')) end as cells
from (
    select
        *,
        not passed or not coalesce(
            iy >= 0 and iy < $ny
            and ix >= $first[iy::bigint + 1] and ix < $after[iy::bigint + 1],
            false
        ) as kept
    from (
        select *, floor((x - $x0) / $width) as ix, floor((y - $y0) / $height) as iy
        from judged
    )
);
