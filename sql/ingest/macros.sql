-- Readers of the common forms of a date and a number, for sql/ingest/*_checked.sql.
-- A value outside these forms gives NULL: etl/dates.py and etl/validate.py judge it.

-- The fixed-width forms etl/dates.py reads first (its EXACT), when the date exists and
-- is written in full: no second 60, no 24:00, no unpadded or signed parts.  The ISO
-- forms are checked digit by digit (a regular expression) and read by a cast, which
-- refuses a day that does not exist; the compact forms, rare, must read back to the same
-- text.
create or replace temp macro ingest_date(t) as
case length(t)
    when 10 then case when regexp_full_match(t, '[0-9]{4}-[0-9]{2}-[0-9]{2}')
        then try_cast(t as timestamp) end
    when 19 then case
        when regexp_full_match(
            t, '[0-9]{4}-[0-9]{2}-[0-9]{2}[ T]([01][0-9]|2[0-3]):[0-5][0-9]:[0-5][0-9]')
        then try_cast(t as timestamp) end
    when 16 then case
        when regexp_full_match(t, '[0-9]{4}-[0-9]{2}-[0-9]{2} ([01][0-9]|2[0-3]):[0-5][0-9]')
        then try_cast(t as timestamp) end
    when 8 then case when strftime(try_strptime(t, '%Y%m%d'), '%Y%m%d') = t
        then try_strptime(t, '%Y%m%d') end
    when 14 then case when strftime(try_strptime(t, '%Y%m%d%H%M%S'), '%Y%m%d%H%M%S') = t
        then try_strptime(t, '%Y%m%d%H%M%S') end
    when 12 then case when strftime(try_strptime(t, '%Y%m%d%H%M'), '%Y%m%d%H%M') = t
        then try_strptime(t, '%Y%m%d%H%M') end
end;

-- Digits with at most one decimal point and perhaps a leading minus.
create or replace temp macro ingest_number(t) as
case when regexp_full_match(t, '-?[0-9]+(\.[0-9]+)?') then try_cast(t as double) end;

-- A number etl/validate.py accepts: above the CBS sentinels, within the magnitudes
-- accepted (its SENTINEL_BELOW and NUMBER_RANGE).
create or replace temp macro ingest_number_ok(v, sentinel, smallest, largest) as
v > sentinel and abs(v) <= largest and (v = 0 or abs(v) >= smallest);

-- Five digits, perhaps with a fraction: what etl/dates.py may read as an Excel serial day.
create or replace temp macro ingest_serial_like(t) as
regexp_full_match(t, '[0-9]{5}(\.[0-9]+)?');

-- ASCII with a visible character at both ends (nearly every text): nothing to trim, no
-- white space at an edge, without a regular expression or a copy.
create or replace temp macro ingest_plain(t) as
strlen(t) = length(t) and t > ' ' and right(t, 1) > ' ';

-- trim(t) (spaces and no-break spaces at the ends), copying only a text that has any.
create or replace temp macro ingest_trim(t) as
case when ingest_plain(t) then t else trim(t) end;

-- White space (as Python's str.strip knows it) at either end of a text, by the regular
-- expression $edge where the text is not plain.
create or replace temp macro ingest_white_edge(t, edge) as
case when ingest_plain(t) then false else regexp_matches(t, edge) end;
