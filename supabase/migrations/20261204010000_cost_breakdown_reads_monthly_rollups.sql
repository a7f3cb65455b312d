-- The cost breakdown of a month within 10 ms at the large scale (issue 12). The bench's
-- `large` run measured a month by model for the busiest user at 9.6 ms median, 16 ms p95:
-- about 9,000 rollup rows (300 agents, 30 days), each fetched from its own heap page, then
-- aggregated; and the user's marks read twice, through the dead rows the refresher leaves
-- in the marks table until autovacuum passes. 9,000 synthetic rows on the medium data:
-- 9.8 ms, of which the aggregation alone is 4 ms: fewer rows is the only way under 10 ms.
-- - private.usage_breakdown_monthly: the daily breakdown summed per calendar month of the
--   user's days, kept by statement triggers of the daily table (in the same transaction as
--   each change of a daily row, whoever makes it): always the sum of its daily rows.
-- - A month of get_cost_breakdown(period => 'month') reads the month's rows, less the
--   daily rows of its stale days, plus those days from the ledger: as exact as before,
--   about 30 times fewer rows.
-- - Both keys carry the figures (INCLUDE), so a user's range is read index-only. The
--   refresher deletes and inserts rollup rows, so no update is kept from being HOT.
-- - private.cost_breakdown reads the time zone and the marks once, into variables (the
--   stale days of the range as a sorted array), used by the read as parameters.
-- Signatures, results, errors and grants are unchanged.

-- The key is replaced in place, under the ACCESS EXCLUSIVE lock of the migration: the table
-- is private, written by the refresher alone (it waits), read by the cost breakdown and
-- the budgets (they wait for the index build: seconds at millions of rows). The new key
-- guarantees what the old one did.
alter table private.usage_breakdown_daily
-- squawk-ignore ban-drop-constraint
drop constraint usage_breakdown_daily_key,
-- squawk-ignore constraint-missing-not-valid,disallowed-unique-constraint
add constraint usage_breakdown_daily_key unique nulls not distinct (
  user_id, day, agent_id, vendor_id, service_id, model_name
) include (
  calls, unpriced_calls, failed_calls, input_tokens, cached_input_tokens,
  cache_write_tokens, output_tokens, reasoning_tokens, cost
);

create table private.usage_breakdown_monthly (
  id bigint generated always as identity primary key,
  user_id uuid not null references auth.users (id) on delete cascade,
  month date not null,
  agent_id uuid not null,
  vendor_id text,
  service_id text,
  model_name text,
  daily_rows bigint not null,
  calls bigint not null,
  unpriced_calls bigint not null,
  failed_calls bigint not null,
  input_tokens bigint not null,
  cached_input_tokens bigint not null,
  cache_write_tokens bigint not null,
  output_tokens bigint not null,
  reasoning_tokens bigint not null,
  cost numeric not null,
  constraint usage_breakdown_monthly_month_check check (
    month = date_trunc('month', month::timestamp)::date
  ),
  constraint usage_breakdown_monthly_key unique nulls not distinct (
    user_id, month, agent_id, vendor_id, service_id, model_name
  ) include (
    daily_rows, calls, unpriced_calls, failed_calls, input_tokens, cached_input_tokens,
    cache_write_tokens, output_tokens, reasoning_tokens, cost
  )
);
alter table private.usage_breakdown_monthly enable row level security;
revoke all on private.usage_breakdown_monthly from public, anon, authenticated, service_role;
comment on table private.usage_breakdown_monthly is
'private.usage_breakdown_daily summed per user, calendar month of the local days (month: its first day), agent, vendor, service and model. Kept by the statement triggers of private.usage_breakdown_daily (rows inserted added, rows deleted subtracted, in the same statement), so always the sum of those daily rows; read by get_cost_breakdown for monthly periods.';
comment on column private.usage_breakdown_monthly.daily_rows is
'The daily rows summed (a group of get_cost_breakdown is there when one of its days has a row).';

-- The monthly rows follow every change of the daily ones, whoever makes it (the set-based
-- and the per-day refresh delete and insert a day's rows): the rows inserted are added,
-- the rows deleted subtracted (an update is both), and a month's row goes when no daily
-- row is left in it.
-- Only the refresher writes daily rows (one at a time, under its advisory lock), and a
-- user's deletion cascades to both tables, so a subtraction never needs to insert.
create function private.usage_breakdown_daily_added()
returns trigger
language plpgsql
security definer
set search_path = ''
as $$
-- @plpgsql_check_options: newtable = added
begin
  insert into private.usage_breakdown_monthly as m (
    user_id, month, agent_id, vendor_id, service_id, model_name, daily_rows, calls,
    unpriced_calls, failed_calls, input_tokens, cached_input_tokens, cache_write_tokens,
    output_tokens, reasoning_tokens, cost
  )
  select
    a.user_id, date_trunc('month', a.day::timestamp)::date, a.agent_id, a.vendor_id,
    a.service_id, a.model_name, count(*), sum(a.calls), sum(a.unpriced_calls),
    sum(a.failed_calls), sum(a.input_tokens), sum(a.cached_input_tokens),
    sum(a.cache_write_tokens), sum(a.output_tokens), sum(a.reasoning_tokens), sum(a.cost)
  from added as a
  group by 1, 2, 3, 4, 5, 6
  order by 1, 2, 3, 4, 5, 6
  on conflict on constraint usage_breakdown_monthly_key do update set
    daily_rows = m.daily_rows + excluded.daily_rows,
    calls = m.calls + excluded.calls,
    unpriced_calls = m.unpriced_calls + excluded.unpriced_calls,
    failed_calls = m.failed_calls + excluded.failed_calls,
    input_tokens = m.input_tokens + excluded.input_tokens,
    cached_input_tokens = m.cached_input_tokens + excluded.cached_input_tokens,
    cache_write_tokens = m.cache_write_tokens + excluded.cache_write_tokens,
    output_tokens = m.output_tokens + excluded.output_tokens,
    reasoning_tokens = m.reasoning_tokens + excluded.reasoning_tokens,
    cost = m.cost + excluded.cost;
  return null;
end;
$$;
comment on function private.usage_breakdown_daily_added() is
'Statement trigger of private.usage_breakdown_daily (after insert, and after update with the new rows): adds the rows inserted to their months in private.usage_breakdown_monthly.';
revoke execute on function private.usage_breakdown_daily_added()
from public, anon, authenticated, service_role;

create function private.usage_breakdown_daily_removed()
returns trigger
language plpgsql
security definer
set search_path = ''
as $$
-- @plpgsql_check_options: oldtable = removed
begin
  with gone as (
    select
      r.user_id, date_trunc('month', r.day::timestamp)::date as month, r.agent_id,
      r.vendor_id, r.service_id, r.model_name, count(*) as daily_rows, sum(r.calls) as calls,
      sum(r.unpriced_calls) as unpriced_calls, sum(r.failed_calls) as failed_calls,
      sum(r.input_tokens) as input_tokens, sum(r.cached_input_tokens) as cached_input_tokens,
      sum(r.cache_write_tokens) as cache_write_tokens, sum(r.output_tokens) as output_tokens,
      sum(r.reasoning_tokens) as reasoning_tokens, sum(r.cost) as cost
    from removed as r
    group by 1, 2, 3, 4, 5, 6
  )

  update private.usage_breakdown_monthly as m set
    daily_rows = m.daily_rows - g.daily_rows,
    calls = m.calls - g.calls,
    unpriced_calls = m.unpriced_calls - g.unpriced_calls,
    failed_calls = m.failed_calls - g.failed_calls,
    input_tokens = m.input_tokens - g.input_tokens,
    cached_input_tokens = m.cached_input_tokens - g.cached_input_tokens,
    cache_write_tokens = m.cache_write_tokens - g.cache_write_tokens,
    output_tokens = m.output_tokens - g.output_tokens,
    reasoning_tokens = m.reasoning_tokens - g.reasoning_tokens,
    cost = m.cost - g.cost
  from gone as g
  where
    m.user_id = g.user_id
    and m.month = g.month
    and m.agent_id = g.agent_id
    and m.vendor_id is not distinct from g.vendor_id
    and m.service_id is not distinct from g.service_id
    and m.model_name is not distinct from g.model_name;

  delete from private.usage_breakdown_monthly as m
  using (
    select distinct r.user_id, date_trunc('month', r.day::timestamp)::date as month
    from removed as r
  ) as t
  where m.user_id = t.user_id and m.month = t.month and m.daily_rows = 0;
  return null;
end;
$$;
comment on function private.usage_breakdown_daily_removed() is
'Statement trigger of private.usage_breakdown_daily (after delete, and after update with the old rows): subtracts the rows deleted from their months in private.usage_breakdown_monthly, and deletes the months'' rows left without a daily row.';
revoke execute on function private.usage_breakdown_daily_removed()
from public, anon, authenticated, service_role;

create function private.usage_breakdown_daily_emptied()
returns trigger
language plpgsql
security definer
set search_path = ''
as $$
begin
  truncate private.usage_breakdown_monthly;
  return null;
end;
$$;
comment on function private.usage_breakdown_daily_emptied() is
'Statement trigger of private.usage_breakdown_daily (after truncate): empties private.usage_breakdown_monthly too.';
revoke execute on function private.usage_breakdown_daily_emptied()
from public, anon, authenticated, service_role;

create trigger usage_breakdown_daily_added
after insert on private.usage_breakdown_daily
referencing new table as added
for each statement execute function private.usage_breakdown_daily_added();
create trigger usage_breakdown_daily_removed
after delete on private.usage_breakdown_daily
referencing old table as removed
for each statement execute function private.usage_breakdown_daily_removed();
create trigger usage_breakdown_daily_updated_from
after update on private.usage_breakdown_daily
referencing old table as removed
for each statement execute function private.usage_breakdown_daily_removed();
create trigger usage_breakdown_daily_updated_to
after update on private.usage_breakdown_daily
referencing new table as added
for each statement execute function private.usage_breakdown_daily_added();
create trigger usage_breakdown_daily_emptied
after truncate on private.usage_breakdown_daily
for each statement execute function private.usage_breakdown_daily_emptied();

-- Every month there is so far.
insert into private.usage_breakdown_monthly (
  user_id, month, agent_id, vendor_id, service_id, model_name, daily_rows, calls,
  unpriced_calls,
  failed_calls, input_tokens, cached_input_tokens, cache_write_tokens, output_tokens,
  reasoning_tokens, cost
)
select
  d.user_id, date_trunc('month', d.day::timestamp)::date, d.agent_id, d.vendor_id,
  d.service_id, d.model_name, count(*), sum(d.calls), sum(d.unpriced_calls), sum(d.failed_calls),
  sum(d.input_tokens), sum(d.cached_input_tokens), sum(d.cache_write_tokens),
  sum(d.output_tokens), sum(d.reasoning_tokens), sum(d.cost)
from private.usage_breakdown_daily as d
group by 1, 2, 3, 4, 5, 6;

create or replace function private.cost_breakdown(
  period text, group_by text, from_date date, to_date date, user_id uuid
)
returns table (
  period_start date,
  period_end date,
  group_key text,
  calls bigint,
  unpriced_calls bigint,
  failed_calls bigint,
  input_tokens bigint,
  cached_input_tokens bigint,
  cache_write_tokens bigint,
  output_tokens bigint,
  reasoning_tokens bigint,
  cost numeric
)
language plpgsql
stable
security definer
set search_path = ''
as $$
declare
  is_service boolean := pg_catalog.pg_has_role(
    coalesce(nullif(current_setting('role'), 'none'), session_user), 'service_role', 'member'
  );
  who uuid := cost_breakdown.user_id;
  first_day date;
  last_day date;
  zone_name text;
  all_stale boolean;
  stale date[];
  ledger_from timestamptz;
  ledger_until timestamptz;
begin
  if not is_service then
    if auth.uid() is null or private.is_anonymous() then
      raise exception using
        errcode = '42501',
        message = 'get_cost_breakdown: sign in (not anonymously), or call it with the service_role key',
        hint = 'Signed-in users read their own costs; servers use service_role and pass user_id.';
    end if;
    if who is not null and who <> auth.uid() then
      raise exception using
        errcode = '42501',
        message = 'user_id: only service_role may read another user''s costs',
        hint = 'Omit user_id to read your own.';
    end if;
    who := auth.uid();
  elsif who is null then
    raise exception using
      errcode = '22004',
      message = 'user_id: required when called with the service_role key',
      hint = 'Pass the id of the user whose costs to read.';
  end if;
  if cost_breakdown.period is null then
    raise exception using errcode = '22004', message = 'period: must not be null',
      hint = 'Pass day, week or month.';
  end if;
  if cost_breakdown.period not in ('day', 'week', 'month') then
    raise exception using errcode = '22023', message = 'period: must be day, week or month',
      hint = 'Weeks are ISO weeks (from Monday), months calendar months, in the user''s time zone.';
  end if;
  if cost_breakdown.group_by is null then
    raise exception using errcode = '22004', message = 'group_by: must not be null',
      hint = 'Pass vendor, service, model, agent or total.';
  end if;
  if cost_breakdown.group_by not in ('vendor', 'service', 'model', 'agent', 'total') then
    raise exception using
      errcode = '22023', message = 'group_by: must be vendor, service, model, agent or total',
      hint = 'Pass vendor, service, model, agent or total.';
  end if;
  if cost_breakdown.from_date is null then
    raise exception using errcode = '22004', message = 'from_date: must not be null',
      hint = 'Pass the first local date, such as 2026-11-01.';
  end if;
  if cost_breakdown.to_date is null then
    raise exception using errcode = '22004', message = 'to_date: must not be null',
      hint = 'Pass the last local date (included), such as 2026-11-30.';
  end if;
  if not isfinite(cost_breakdown.from_date) or cost_breakdown.from_date < date '1900-01-01' then
    raise exception using errcode = '22023', message = 'from_date: must be 1900-01-01 or later',
      hint = 'Pass a calendar date such as 2026-11-01.';
  end if;
  if not isfinite(cost_breakdown.to_date) or cost_breakdown.to_date > date '9999-12-31' then
    raise exception using errcode = '22023', message = 'to_date: must be 9999-12-31 or earlier',
      hint = 'Pass a calendar date such as 2026-11-30.';
  end if;
  if cost_breakdown.to_date < cost_breakdown.from_date then
    raise exception using errcode = '22023', message = 'to_date: must not be before from_date',
      hint = 'from_date and to_date are both included.';
  end if;
  if cost_breakdown.to_date - cost_breakdown.from_date > 3660 then
    raise exception using errcode = '22023', message = 'to_date: at most 3661 days after from_date',
      hint = 'Ask for ten years or less at a time.';
  end if;

  -- Whole periods: the first and the last are widened to their calendar bounds.
  first_day := case cost_breakdown.period
    when 'day' then cost_breakdown.from_date
    else date_trunc(cost_breakdown.period, cost_breakdown.from_date::timestamp)::date
  end;
  last_day := case cost_breakdown.period
    when 'day' then cost_breakdown.to_date
    else (
      date_trunc(cost_breakdown.period, cost_breakdown.to_date::timestamp)
      + ('1 ' || cost_breakdown.period)::interval - interval '1 day'
    )::date
  end;

  -- The user's zone and marks, read once. The stale days are those of the range a mark
  -- covers (every day when a mark has no instants: a change of time zone); the ledger is
  -- read between the first and the last of them, a day wider each side (a local day lies
  -- within 16 hours of the UTC one), nothing when no day is stale. As variables, the read
  -- below is planned with them: a short range of the user's (user_id, started_at) index.
  zone_name := coalesce(
    (select s.time_zone from public.user_settings as s where s.user_id = who), 'UTC'
  );
  select
    coalesce(bool_or(m.from_at is null), false),
    coalesce(array_agg(distinct g.day::date) filter (where g.day is not null), '{}')
  into all_stale, stale
  from private.usage_rollup_marks as m
  left join lateral generate_series(
    greatest((m.from_at at time zone zone_name)::date, first_day)::timestamp,
    least((m.to_at at time zone zone_name)::date, last_day)::timestamp,
    interval '1 day'
  ) as g (day) on true
  where m.user_id = who;

  if all_stale then
    ledger_from := (first_day::timestamp - interval '16 hours') at time zone 'UTC';
    ledger_until := ((last_day + 1)::timestamp + interval '16 hours') at time zone 'UTC';
  elsif cardinality(stale) > 0 then
    ledger_from := (stale[1]::timestamp - interval '16 hours') at time zone 'UTC';
    ledger_until := ((stale[cardinality(stale)] + 1)::timestamp + interval '16 hours')
    at time zone 'UTC';
  end if;


  return query
  with days as (
    -- Monthly periods: the months' rollups, less the daily rows of their stale days (the
    -- ledger adds those days as they are now, below).
    select
      m.month as day, m.agent_id, m.vendor_id, m.service_id, m.model_name, m.daily_rows,
      m.calls, m.unpriced_calls, m.failed_calls, m.input_tokens, m.cached_input_tokens,
      m.cache_write_tokens, m.output_tokens, m.reasoning_tokens, m.cost
    from private.usage_breakdown_monthly as m
    where
      cost_breakdown.period = 'month'
      and not all_stale
      and m.user_id = who
      and m.month between first_day and last_day
    union all
    select
      b.day, b.agent_id, b.vendor_id, b.service_id, b.model_name, -1::bigint, -b.calls,
      -b.unpriced_calls, -b.failed_calls, -b.input_tokens, -b.cached_input_tokens,
      -b.cache_write_tokens, -b.output_tokens, -b.reasoning_tokens, -b.cost
    from private.usage_breakdown_daily as b
    where
      cost_breakdown.period = 'month'
      and not all_stale
      and b.user_id = who
      and b.day = any(stale)
    union all
    -- Days and weeks: the fresh days' rollups.
    select
      b.day, b.agent_id, b.vendor_id, b.service_id, b.model_name, 1::bigint, b.calls,
      b.unpriced_calls, b.failed_calls, b.input_tokens, b.cached_input_tokens, b.cache_write_tokens,
      b.output_tokens, b.reasoning_tokens, b.cost
    from private.usage_breakdown_daily as b
    where
      cost_breakdown.period <> 'month'
      and not all_stale
      and b.user_id = who
      and b.day between first_day and last_day
      and b.day <> all(stale)
    union all
    -- Stale days: the ledger, as it is now.
    select
      l.day,
      l.agent_id,
      l.vendor_id,
      l.service_id,
      l.model_name,
      1::bigint,
      (l.model_call_id is not null)::integer::bigint,
      (l.model_call_id is not null and l.cost is null)::integer::bigint,
      (l.model_call_id is not null and l.status = 'failed')::integer::bigint,
      l.input_tokens,
      l.cached_input_tokens,
      l.cache_write_tokens,
      l.output_tokens,
      l.reasoning_tokens,
      coalesce(l.cost, 0)
    from (
      select
        (e.started_at at time zone zone_name)::date as day,
        e.agent_id,
        e.vendor_id,
        e.service_id,
        e.model_name,
        e.model_call_id,
        e.cost,
        e.status,
        e.input_tokens,
        e.cached_input_tokens,
        e.cache_write_tokens,
        e.output_tokens,
        e.reasoning_tokens
      from private.usage_events as e
      where
        e.user_id = who
        and e.started_at >= ledger_from
        and e.started_at < ledger_until
    ) as l
    where
      l.day between first_day and last_day
      and (all_stale or l.day = any(stale))
  ),

  periods as (
    select
      case cost_breakdown.period
        when 'day' then d.day
        else date_trunc(cost_breakdown.period, d.day::timestamp)::date
      end as period_start,
      case cost_breakdown.group_by
        when 'vendor' then d.vendor_id
        when 'service' then d.service_id
        when 'model' then d.model_name
        when 'agent' then d.agent_id::text
      end as group_key,
      d.daily_rows,
      d.calls,
      d.unpriced_calls,
      d.failed_calls,
      d.input_tokens,
      d.cached_input_tokens,
      d.cache_write_tokens,
      d.output_tokens,
      d.reasoning_tokens,
      d.cost
    from days as d
  )

  select
    p.period_start,
    case cost_breakdown.period
      when 'day' then p.period_start
      else (
        p.period_start::timestamp + ('1 ' || cost_breakdown.period)::interval - interval '1 day'
      )::date
    end,
    p.group_key,
    sum(p.calls)::bigint,
    sum(p.unpriced_calls)::bigint,
    sum(p.failed_calls)::bigint,
    sum(p.input_tokens)::bigint,
    sum(p.cached_input_tokens)::bigint,
    sum(p.cache_write_tokens)::bigint,
    sum(p.output_tokens)::bigint,
    sum(p.reasoning_tokens)::bigint,
    sum(p.cost)
  from periods as p
  group by p.period_start, p.group_key
  -- A group is there when a fresh day's rollup row or a stale day's event is (daily_rows
  -- counts them: a month's rows, less its stale days' rows, plus their events).
  having sum(p.daily_rows) > 0
  order by p.period_start, p.group_key nulls last;
end;
$$;
