-- The retention floor (issue 12): once retention has dropped whole months of the history,
-- nothing recomputes a day from raw rows that are gone. Before, a change of time zone (which
-- rebuilds every day of the user), a late mark, `update_daily_usage_stats` of an old day or
-- a budget counter created from the ledger would have replaced kept figures by the sums of
-- nothing. Now each table's floor is recorded when its months are dropped; the days before
-- it keep their rollups, which are their record:
-- - the refresher leaves out the days before the first open day (private.usage_mark_days);
-- - update_daily_usage_stats refuses a day before it (22023);
-- - a budget's spend is the rollups' cost for the days before it and the ledger's after it.
-- The first open day of a zone is the first local day that starts a whole day after the
-- floor, so the interactions' rollup by UTC date, which the refresher recomputes for the
-- dates either side of a local day, never reaches before the floor either.

create table private.history_floors (
  table_name text not null,
  floor_at timestamptz not null,
  constraint history_floors_pkey primary key (table_name)
);
alter table private.history_floors enable row level security;
comment on table private.history_floors is
'The retention floor of each partitioned history table: the instant before which private.drop_history_before dropped its rows (the end of the last month dropped). Written by drop_history_before only; read by private.history_floor.';

create function private.history_floor()
returns timestamptz
language sql
stable
security invoker
set search_path = ''
as $$
  select max(f.floor_at) from private.history_floors as f
$$;
comment on function private.history_floor() is
'The latest retention floor of the history tables (null when retention never dropped anything): usage before it may be missing from the raw rows.';
revoke execute on function private.history_floor() from public, anon, authenticated, service_role;

create function private.history_first_open_day(zone text)
returns date
language sql
stable
security invoker
set search_path = ''
as $$
  select case
    when private.local_day_start(d.day, zone) >= d.open_at then d.day
    else d.day + 1
  end
  from (
    select f.open_at, (f.open_at at time zone zone)::date as day
    from (select private.history_floor() + interval '1 day' as open_at) as f
  ) as d
  where d.open_at is not null
$$;
comment on function private.history_first_open_day(text) is
'The first local day (in zone) that starts at least a day after the retention floor (null without a floor): days before it are never recomputed from raw rows, and the UTC dates next to a day from it on are all after the floor.';
revoke execute on function private.history_first_open_day(text)
from public, anon, authenticated, service_role;

create or replace function private.drop_history_before(history regclass, before date)
returns setof text
language plpgsql
volatile
security invoker
set search_path = ''
as $$
declare
  cutoff timestamptz;
  part record;
  dropped text;
begin
  if history is null then
    raise exception using errcode = '22004', message = 'history: required';
  end if;
  if before is null then
    raise exception using errcode = '22004', message = 'before: required';
  end if;
  if not exists (select from pg_catalog.pg_partitioned_table as p where p.partrelid = history) then
    raise exception using errcode = '22023', message = format('history: %s is not partitioned', history);
  end if;
  cutoff := date_trunc('month', before::timestamp) at time zone 'UTC';
  if cutoff > date_trunc('month', now() at time zone 'UTC') at time zone 'UTC' then
    raise exception using
      errcode = '22023', message = 'before: must not be after the first day of the current month (UTC)';
  end if;
  for part in
    select b.partition, b.lower_bound, b.upper_bound
    from pg_catalog.pg_inherits as i
    inner join pg_catalog.pg_class as c on i.inhrelid = c.oid
    cross join lateral (
      select
        i.inhrelid::regclass as partition,
        (regexp_match(pg_catalog.pg_get_expr(c.relpartbound, c.oid), 'FROM \(''([^'']*)''\)'))[1]::timestamptz as lower_bound,
        (regexp_match(pg_catalog.pg_get_expr(c.relpartbound, c.oid), 'TO \(''([^'']*)''\)'))[1]::timestamptz as upper_bound
    ) as b
    where i.inhparent = history and b.upper_bound <= cutoff
    order by b.upper_bound
  loop
    dropped := part.partition::text;
    execute format('alter table %s detach partition %s', history, dropped);
    if history = 'public.ai_interactions'::regclass then
      -- The messages of the interactions dropped (the former foreign key's cascade).
      execute format(
        'delete from public.interaction_messages as m where (m.interaction_id, m.user_id) in (select d.id, d.user_id from %s as d)',
        dropped
      );
    end if;
    execute format('drop table %s', dropped);
    if history = 'public.model_calls'::regclass then
      -- The idempotency keys of the calls dropped: a key is unique while its call is kept.
      delete from private.model_call_keys as k
      where k.started_at >= part.lower_bound and k.started_at < part.upper_bound;
    end if;
    -- What is before this instant is gone: the refresher and the recomputations stop there.
    insert into private.history_floors as f (table_name, floor_at)
    values (history::text, part.upper_bound)
    on conflict (table_name) do update
    set floor_at = greatest(f.floor_at, excluded.floor_at);
    return next dropped;
  end loop;
end;
$$;
comment on function private.drop_history_before(regclass, date) is
'Retention: detaches and drops every partition of history wholly before the month of before (UTC; at most the current month), with the idempotency keys of the calls dropped and the messages of the interactions dropped; never a DELETE of history rows, and no rollup, ledger total or budget counter changes (they live in their own tables). Raises the table''s retention floor (private.history_floors) to the end of the last month dropped. Returns the partitions dropped.';
revoke execute on function private.drop_history_before(regclass, date) from public;

create or replace function private.usage_mark_days(users uuid [], from_ats timestamptz [], to_ats timestamptz [])
returns table (user_id uuid, day date)
language sql
stable
security invoker
set search_path = ''
set jit = off
as $$
  with marks as (
    select m.user_id, m.from_at, m.to_at
    from unnest(users, from_ats, to_ats) as m (user_id, from_at, to_at)
  ),

  zones as (
    select u.user_id, coalesce(s.time_zone, 'UTC') as zone
    from (select distinct m.user_id from marks as m) as u
    left join public.user_settings as s on s.user_id = u.user_id
  ),

  -- Each user's first open day, once per user (not per row below: the function is not
  -- inlined, and a rebuilt user contributes a row per call).
  open_days as materialized (
    select z.user_id, coalesce(private.history_first_open_day(z.zone), '-infinity'::date) as day
    from zones as z
  ),

  rebuilt as (
    select distinct m.user_id from marks as m where m.from_at is null
  )

  select distinct x.user_id, x.day
  from (
    select m.user_id, g.day::date as day
    from marks as m
    inner join zones as z on z.user_id = m.user_id
    cross join lateral generate_series(
      (m.from_at at time zone z.zone)::date::timestamp,
      (m.to_at at time zone z.zone)::date::timestamp,
      interval '1 day'
    ) as g (day)
    where m.from_at is not null
    union all
    -- The ledger's days of a rebuilt user, read from its tables rather than through
    -- private.usage_events (whose per-interaction probe, planned for arrays of unknown
    -- content, ran over every interaction of the table for each such user: minutes with
    -- 140 users marked whole). Every call's day and every deleted interaction's day: a
    -- superset of the events' days (an interaction with calls is no event of its own; its
    -- day, recomputed, simply has no row).
    select c.user_id, (c.started_at at time zone z.zone)::date
    from public.model_calls as c
    inner join zones as z on z.user_id = c.user_id
    where c.user_id in (select r.user_id from rebuilt as r)
    union all
    select d.user_id, (d.started_at at time zone z.zone)::date
    from private.deleted_interactions as d
    inner join zones as z on z.user_id = d.user_id
    where d.user_id in (select r.user_id from rebuilt as r)
    union all
    select i.user_id, (i.started_at at time zone z.zone)::date
    from public.ai_interactions as i
    inner join zones as z on z.user_id = i.user_id
    where i.user_id in (select r.user_id from rebuilt as r)
    union all
    select c.user_id, c.day from private.agent_interactions_daily as c
    where c.user_id in (select r.user_id from rebuilt as r)
    union all
    select s.user_id, s.date from public.ai_usage_stats as s
    where s.user_id in (select r.user_id from rebuilt as r)
    union all
    select d.user_id, d.day from public.agent_usage_daily as d
    where d.user_id in (select r.user_id from rebuilt as r)
    union all
    select b.user_id, b.day from private.usage_breakdown_daily as b
    where b.user_id in (select r.user_id from rebuilt as r)
  ) as x
  inner join open_days as o on o.user_id = x.user_id
  -- Marks of users deleted since are dropped (their rows went with them), and so are the
  -- days before the retention floor: their raw rows are gone, their rollups are the record.
  where
    exists (select from auth.users as u where u.id = x.user_id)
    and x.day >= o.day
$$;

create or replace function public.update_daily_usage_stats(
  target_date date default ((now() at time zone 'UTC')::date - 1)
)
returns integer
language plpgsql
volatile
security definer
set search_path = ''
as $$
declare
  written integer := 0;
  open_day date;
  tenant uuid;
  state text;
  detail text;
begin
  -- EXECUTE is granted to service_role only; the function also checks its caller itself
  -- (an allow-list: service_role, its members such as postgres and pg_cron's jobs), so a
  -- mistaken grant, or a custom role that inherits authenticated, cannot refresh anything.
  perform private.require_service_role('update_daily_usage_stats');
  if target_date is null then
    raise exception using
      errcode = '22004',
      message = 'target_date: must not be null',
      hint = 'Pass a date, or omit it for yesterday (UTC).';
  end if;
  if not isfinite(target_date) then
    raise exception using
      errcode = '22023',
      message = 'target_date: must be a finite date',
      hint = 'Pass a calendar date such as 2026-01-31.';
  end if;
  -- The day's end must be a timestamp, whose range ends before the date type's.
  if target_date > date '294276-12-30' then
    raise exception using
      errcode = '22023',
      message = 'target_date: must be 294276-12-30 or earlier',
      hint = 'Pass a calendar date such as 2026-01-31.';
  end if;

  -- A day whose raw rows retention dropped, in some time zone, is not recomputed: its
  -- figures are the record (the earliest local day of all starts at UTC+14).
  open_day := private.history_first_open_day('Etc/GMT-14');
  if target_date < open_day then
    raise exception using
      errcode = '22023',
      message = format(
        'target_date: %s is before %s, the first day whose history is kept in every time zone',
        target_date, open_day
      ),
      detail = format('Retention dropped the history before %s.', private.history_floor()),
      hint = 'The statistics of earlier days are kept as they were computed.';
  end if;

  -- One refresh of a given day at a time: a second one waits, then recomputes from a newer
  -- snapshot, so an older result never overwrites a newer one.
  perform pg_catalog.pg_advisory_xact_lock(
    pg_catalog.hashtext('public.update_daily_usage_stats'), target_date - date '2000-01-01'
  );

  -- Every user in one statement; should any user's rows make it fail, every user again, one
  -- at a time, each in its own subtransaction, so one tenant cannot stop the others.
  begin
    return private.refresh_daily_usage_stats_of(target_date, null);
  exception when others then
    null;
  end;

  for tenant in
    -- Everyone with usage near the day (a superset of those with usage on it locally).
    select i.user_id from public.ai_interactions as i
    where
      i.started_at >= (target_date::timestamp - interval '16 hours') at time zone 'UTC'
      and i.started_at < ((target_date + 1)::timestamp + interval '16 hours') at time zone 'UTC'
    union
    select d.user_id from private.deleted_interactions as d
    where
      d.started_at >= (target_date::timestamp - interval '16 hours') at time zone 'UTC'
      and d.started_at < ((target_date + 1)::timestamp + interval '16 hours') at time zone 'UTC'
    union
    select m.user_id from public.model_calls as m
    where
      m.started_at >= (target_date::timestamp - interval '16 hours') at time zone 'UTC'
      and m.started_at < ((target_date + 1)::timestamp + interval '16 hours') at time zone 'UTC'
    union
    select s.user_id from public.ai_usage_stats as s
    where s.date = target_date
    order by 1
  loop
    begin
      written := written + private.refresh_daily_usage_stats_of(target_date, tenant);
    exception when others then
      get stacked diagnostics state = returned_sqlstate, detail = message_text;
      perform private.record_job_failure(
        'update_daily_usage_stats', tenant, target_date::text, state, detail
      );
    end;
  end loop;
  return written;
end;
$$;
comment on function public.update_daily_usage_stats(date) is
'Recomputes ai_usage_stats for target_date (default: yesterday, UTC) for every user, each by their own local date (user_settings.time_zone, UTC without a row; 23 or 25 hours across a daylight-saving change; a repeated midnight counts both times on the new date), from the usage ledger: interactions live and deleted (counts, agents, duration, ratings) by their start, cost and tokens from private.usage_events (model calls, also of deleted agents and interactions, and interactions without calls) by each event''s start; unpriced events count in unpriced_events, not as 0. Upserts a row per user with usage and deletes the rows of users with none, so the table always equals a recomputation; a second run changes nothing. vendor_usage groups by the vendor recorded on each interaction and call; feature_usage by the current features of existing agents. A day computed before a change of time zone keeps the old zone until it is refreshed again. A user whose rows make the recomputation fail is skipped (WARNING, and a row in private.job_failures); every other user is still refreshed. A day before the first day whose history retention kept in every time zone is refused (22023): its figures are the record. Returns the number of rows inserted, updated or deleted. service_role (and pg_cron) only.';

create or replace function private.budget_spend_of(budget_id uuid, first_day date)
returns numeric
language plpgsql
stable
security definer
set search_path = ''
as $$
declare
  b public.budgets;
  zone text;
  next_day date;
  open_day date;
  from_day date := budget_spend_of.first_day;
  kept numeric := 0;
  total numeric;
begin
  select x.* into b from public.budgets as x where x.id = budget_spend_of.budget_id;
  if not found then
    return 0;
  end if;
  zone := private.user_time_zone(b.user_id);
  open_day := private.history_first_open_day(zone);
  if b.period = 'none' then
    next_day := 'infinity';
  else
    next_day := private.budget_period_next_day(b.period, budget_spend_of.first_day);
  end if;
  -- Days before the retention floor: the cost the rollups kept (their record).
  if open_day is not null and (b.period = 'none' or budget_spend_of.first_day < open_day) then
    select coalesce(sum(r.cost), 0) into kept
    from private.usage_breakdown_daily as r
    where
      r.user_id = b.user_id
      and (
        b.scope = 'all' or r.agent_id = b.agent_id or r.vendor_id = b.vendor_id
        or r.service_id = b.service_id
      )
      and (b.period = 'none' or r.day >= budget_spend_of.first_day)
      and r.day < least(next_day, open_day);
    if next_day <= open_day then
      return kept;
    end if;
  end if;
  if b.period = 'none' then
    select coalesce(sum(e.cost), 0) into total
    from private.usage_events as e
    where
      e.user_id = b.user_id
      and (
        b.scope = 'all' or e.agent_id = b.agent_id or e.vendor_id = b.vendor_id
        or e.service_id = b.service_id
      )
      and (open_day is null or e.started_at >= private.local_day_start(open_day, zone));
    return kept + total;
  end if;
  if open_day is not null and from_day < open_day then
    from_day := open_day;
  end if;
  -- Instants a day wider than the local days (the index range), then the exact local date.
  select coalesce(sum(e.cost), 0) into total
  from private.usage_events as e
  where
    e.user_id = b.user_id
    and (
      b.scope = 'all' or e.agent_id = b.agent_id or e.vendor_id = b.vendor_id
      or e.service_id = b.service_id
    )
    and e.started_at >= private.local_day_start(from_day, zone) - interval '1 day'
    and e.started_at < private.local_day_start(next_day, zone) + interval '1 day'
    and (e.started_at at time zone zone)::date >= from_day
    and (e.started_at at time zone zone)::date < next_day;
  return kept + total;
end;
$$;
comment on function private.budget_spend_of(uuid, date) is
'The cost of the usage events (private.usage_events) of the budget''s scope that started in the period beginning on first_day (local dates in the owner''s zone; every event for a lifetime budget). Unpriced events count 0. Days before the retention floor''s first open day count the cost their rollups kept (private.usage_breakdown_daily), since their raw rows are gone.';
