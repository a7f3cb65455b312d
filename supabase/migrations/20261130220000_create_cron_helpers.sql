-- Cron expressions and active hours (issue 13), the computations behind agent schedules:
-- parse and validate a 5-field cron expression, validate active hours per weekday, and find
-- the next fire of a cron expression on a time zone's wall clock within active hours.
-- Pure functions in private; the schedule RPCs (next migration) run them as their caller.

-- One field of a cron expression: '*', 'n', 'a-b', any of them with '/step', and lists of
-- those separated by commas. Returns the sorted values; refuses anything else (22023,
-- naming the field). Day of week 7 is Sunday, like 0.
create function private.cron_field_values(field text, low integer, high integer, label text)
returns integer []
language plpgsql
immutable
security invoker
set search_path = ''
as $$
declare
  item text;
  parts text [];
  first_value integer;
  last_value integer;
  step integer;
  result integer [] := '{}'::integer [];
begin
  foreach item in array pg_catalog.string_to_array(field, ',') loop
    parts := pg_catalog.regexp_match(item, '^(\*|([0-9]{1,2})(-([0-9]{1,2}))?)(/([0-9]{1,2}))?$');
    if parts is null then
      raise exception using
        errcode = '22023',
        message = format('cron: the %s field is not a number, range, list or step', label),
        hint = 'Five fields: minute hour day-of-month month day-of-week, e.g. "*/15 9-17 * * 1-5". Names (MON, JAN) and @-macros are not supported.';
    end if;
    if parts[1] = '*' then
      first_value := low;
      last_value := high;
    else
      first_value := parts[2]::integer;
      -- 'n/step' runs from n to the end of the field, as in Vixie cron.
      last_value := coalesce(parts[4]::integer, case when parts[6] is null then first_value else high end);
    end if;
    step := coalesce(parts[6]::integer, 1);
    if first_value < low or last_value > high or first_value > last_value or step < 1 then
      raise exception using
        errcode = '22023',
        message = format('cron: the %s field must stay within %s-%s (ranges low to high, steps at least 1)', label, low, high);
    end if;
    result := result || array(select pg_catalog.generate_series(first_value, last_value, step));
  end loop;
  if label = 'day-of-week' then
    result := array(select case when v = 7 then 0 else v end from unnest(result) as v);
  end if;
  return array(select distinct v from unnest(result) as v order by v);
end;
$$;
comment on function private.cron_field_values(text, integer, integer, text) is
'The values one cron field stands for (sorted, distinct; day of week 7 becomes 0); 22023 naming the field for anything but *, n, a-b, lists and /steps within low-high.';
revoke execute on function private.cron_field_values(text, integer, integer, text)
from public, anon, authenticated, service_role;
-- Pure computations the invoker RPCs below run as their caller.
grant execute on function private.cron_field_values(text, integer, integer, text) to authenticated, service_role;

-- A whole 5-field cron expression, parsed. day_of_month_any / day_of_week_any tell whether
-- the field starts with '*': when both day fields are restricted a day matches either of
-- them (Vixie cron's rule), otherwise it must match both.
create function private.parse_cron(
  cron text,
  out minutes integer [],
  out hours integer [],
  out days_of_month integer [],
  out months integer [],
  out days_of_week integer [],
  out day_of_month_any boolean,
  out day_of_week_any boolean
)
language plpgsql
immutable
security invoker
set search_path = ''
as $$
declare
  fields text [] := pg_catalog.regexp_split_to_array(pg_catalog.btrim(cron), '\s+');
begin
  if pg_catalog.array_length(fields, 1) is distinct from 5 then
    raise exception using
      errcode = '22023',
      message = 'cron: must have exactly 5 fields (minute hour day-of-month month day-of-week)',
      hint = 'For example "0 9 * * 1-5" runs at 09:00 on weekdays, in the schedule''s time zone.';
  end if;
  minutes := private.cron_field_values(fields[1], 0, 59, 'minute');
  hours := private.cron_field_values(fields[2], 0, 23, 'hour');
  days_of_month := private.cron_field_values(fields[3], 1, 31, 'day-of-month');
  months := private.cron_field_values(fields[4], 1, 12, 'month');
  days_of_week := private.cron_field_values(fields[5], 0, 7, 'day-of-week');
  day_of_month_any := fields[3] like '*%';
  day_of_week_any := fields[5] like '*%';
end;
$$;
comment on function private.parse_cron(text) is
'Parses a 5-field cron expression (minute hour day-of-month month day-of-week; numbers, ranges, lists, steps) into its value sets; 22023 "cron: ..." when it is not one.';
revoke execute on function private.parse_cron(text) from public, anon, authenticated, service_role;
-- Pure computations the invoker RPCs below run as their caller.
grant execute on function private.parse_cron(text) to authenticated, service_role;

-- Active hours: null (always active) or an object whose keys are mon..sun, each an array of
-- at most 8 ["HH:MM", "HH:MM"] intervals with start < end ("24:00" ends the day). A weekday
-- without a key is inactive all day. Raises 22023 naming the field.
create function private.check_active_hours(active_hours jsonb)
returns void
language plpgsql
immutable
security invoker
set search_path = ''
as $$
declare
  day_key text;
  intervals jsonb;
  item jsonb;
begin
  if active_hours is null then
    return;
  end if;
  if pg_catalog.jsonb_typeof(active_hours) <> 'object' then
    raise exception using errcode = '22023',
      message = 'active_hours: must be a JSON object keyed by weekday (mon..sun) or null';
  end if;
  for day_key, intervals in select e.key, e.value from pg_catalog.jsonb_each(active_hours) as e loop
    if day_key not in ('mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun') then
      raise exception using errcode = '22023',
        message = 'active_hours: keys must be weekdays mon, tue, wed, thu, fri, sat, sun';
    end if;
    if pg_catalog.jsonb_typeof(intervals) <> 'array' or pg_catalog.jsonb_array_length(intervals) > 8 then
      raise exception using errcode = '22023',
        message = format('active_hours.%s: must be an array of at most 8 ["HH:MM", "HH:MM"] intervals', day_key);
    end if;
    for item in select a.value from pg_catalog.jsonb_array_elements(intervals) as a loop
      if pg_catalog.jsonb_typeof(item) <> 'array' or pg_catalog.jsonb_array_length(item) <> 2
        or pg_catalog.jsonb_typeof(item -> 0) <> 'string' or pg_catalog.jsonb_typeof(item -> 1) <> 'string'
        or (item ->> 0) !~ '^([01][0-9]|2[0-3]):[0-5][0-9]$'
        or (item ->> 1) !~ '^(([01][0-9]|2[0-3]):[0-5][0-9]|24:00)$'
        or (item ->> 0)::time >= (item ->> 1)::time then
        raise exception using errcode = '22023',
          message = format('active_hours.%s: each interval is ["HH:MM", "HH:MM"] with start before end (end at most 24:00)', day_key),
          hint = 'An overnight span is two intervals, one on each day: {"mon": [["22:00", "24:00"]], "tue": [["00:00", "06:00"]]}.';
      end if;
    end loop;
  end loop;
end;
$$;
comment on function private.check_active_hours(jsonb) is
'Refuses (22023, naming the field) active hours that are not null or {"mon".."sun": [["HH:MM", "HH:MM"], ...]} with at most 8 intervals a day, each start before its end (24:00 allowed as an end).';
revoke execute on function private.check_active_hours(jsonb) from public, anon, authenticated, service_role;

-- True when the local time of day falls in one of the weekday's intervals (null hours: always).
create function private.within_active_hours(active_hours jsonb, local_time timestamp)
returns boolean
language sql
immutable
security invoker
set search_path = ''
as $$
  select
    within_active_hours.active_hours is null
    or exists (
      select 1
      from pg_catalog.jsonb_array_elements(
        within_active_hours.active_hours
        -> (array['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'])[
          extract(isodow from within_active_hours.local_time)::integer
        ]
      ) as i (span)
      where within_active_hours.local_time::time >= (i.span ->> 0)::time
        and within_active_hours.local_time::time < (i.span ->> 1)::time
    )
$$;
comment on function private.within_active_hours(jsonb, timestamp) is
'True when a local wall-clock time falls within the active hours of its weekday (start inclusive, end exclusive); always true for null active hours.';
revoke execute on function private.within_active_hours(jsonb, timestamp)
from public, anon, authenticated, service_role;
-- Pure computations the invoker RPCs below run as their caller.
grant execute on function private.within_active_hours(jsonb, timestamp) to authenticated, service_role;

-- The first fire of a cron expression strictly after `after`, counted on the wall clock of
-- time_zone and kept only within the active hours. DST: each matching local time fires once;
-- a local time the clock skips (spring forward) fires at the instant PostgreSQL gives it
-- (the offset before the jump, so 02:30 becomes 03:30); a repeated local time (fall back)
-- fires once. Looks up to 4 years ahead (a 29 February rule included); null when nothing
-- fires within that.
create function private.next_cron_run(
  cron text, time_zone text, active_hours jsonb, after timestamptz
)
returns timestamptz
language plpgsql
stable
security invoker
set search_path = ''
as $$
declare
  spec record;
  first_day date;
  day date;
  day_ok boolean;
  dom_ok boolean;
  dow_ok boolean;
  found timestamptz;
begin
  if cron is null or after is null then
    return null;
  end if;
  spec := private.parse_cron(cron);
  first_day := (after at time zone time_zone)::date;
  for i in 0..1462 loop
    day := first_day + i;
    if extract(month from day)::integer = any (spec.months) then
      dom_ok := extract(day from day)::integer = any (spec.days_of_month);
      dow_ok := extract(dow from day)::integer = any (spec.days_of_week);
      day_ok := case
        when spec.day_of_month_any or spec.day_of_week_any then dom_ok and dow_ok
        else dom_ok or dow_ok
      end;
      if day_ok and (
        active_hours is null
        or active_hours ? (array['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'])[
          extract(isodow from day)::integer
        ]
      ) then
        select min(c.fire) into found
        from (
          select
            (day + pg_catalog.make_interval(hours => h, mins => m)) at time zone time_zone as fire,
            day + pg_catalog.make_interval(hours => h, mins => m) as local_time
          from unnest(spec.hours) as h cross join unnest(spec.minutes) as m
        ) as c
        where c.fire > after and private.within_active_hours(active_hours, c.local_time);
        if found is not null then
          return found;
        end if;
      end if;
    end if;
  end loop;
  return null;
end;
$$;
comment on function private.next_cron_run(text, text, jsonb, timestamptz) is
'The first instant after `after` at which the cron expression fires on the wall clock of time_zone, within the active hours (null: any time). A skipped local time (spring forward) fires at the offset before the jump (02:30 becomes 03:30); a repeated one fires once. Null when no cron or no fire within 4 years.';
revoke execute on function private.next_cron_run(text, text, jsonb, timestamptz)
from public, anon, authenticated, service_role;
-- Pure computations the invoker RPCs below run as their caller.
grant execute on function private.next_cron_run(text, text, jsonb, timestamptz) to authenticated, service_role;
