-- Rollback of 20261203040000_history_retention_floor: the functions as they were, without
-- the floor.

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
  total numeric;
begin
  select x.* into b from public.budgets as x where x.id = budget_spend_of.budget_id;
  if not found then
    return 0;
  end if;
  zone := private.user_time_zone(b.user_id);
  if b.period = 'none' then
    select coalesce(sum(e.cost), 0) into total
    from private.usage_events as e
    where
      e.user_id = b.user_id
      and (
        b.scope = 'all' or e.agent_id = b.agent_id or e.vendor_id = b.vendor_id
        or e.service_id = b.service_id
      );
    return total;
  end if;
  next_day := private.budget_period_next_day(b.period, budget_spend_of.first_day);
  -- Instants a day wider than the local days (the index range), then the exact local date.
  select coalesce(sum(e.cost), 0) into total
  from private.usage_events as e
  where
    e.user_id = b.user_id
    and (
      b.scope = 'all' or e.agent_id = b.agent_id or e.vendor_id = b.vendor_id
      or e.service_id = b.service_id
    )
    and e.started_at >= private.local_day_start(budget_spend_of.first_day, zone) - interval '1 day'
    and e.started_at < private.local_day_start(next_day, zone) + interval '1 day'
    and (e.started_at at time zone zone)::date >= budget_spend_of.first_day
    and (e.started_at at time zone zone)::date < next_day;
  return total;
end;
$$;
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
    return next dropped;
  end loop;
end;
$$;
comment on function private.drop_history_before(regclass, date) is
'Retention: detaches and drops every partition of history wholly before the month of before (UTC; at most the current month), with the idempotency keys of the calls dropped and the messages of the interactions dropped; never a DELETE of history rows, and no rollup, ledger total or budget counter changes (they live in their own tables). Returns the partitions dropped.';
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
  -- Marks of users deleted since are dropped (their rows went with them).
  where exists (select from auth.users as u where u.id = x.user_id)
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
'Recomputes ai_usage_stats for target_date (default: yesterday, UTC) for every user, each by their own local date (user_settings.time_zone, UTC without a row; 23 or 25 hours across a daylight-saving change; a repeated midnight counts both times on the new date), from the usage ledger: interactions live and deleted (counts, agents, duration, ratings) by their start, cost and tokens from private.usage_events (model calls, also of deleted agents and interactions, and interactions without calls) by each event''s start; unpriced events count in unpriced_events, not as 0. Upserts a row per user with usage and deletes the rows of users with none, so the table always equals a recomputation; a second run changes nothing. vendor_usage groups by the vendor recorded on each interaction and call; feature_usage by the current features of existing agents. A day computed before a change of time zone keeps the old zone until it is refreshed again. A user whose rows make the recomputation fail is skipped (WARNING, and a row in private.job_failures); every other user is still refreshed. Returns the number of rows inserted, updated or deleted. service_role (and pg_cron) only.';

comment on function private.budget_spend_of(uuid, date) is
'The cost of the usage events (private.usage_events) of the budget''s scope that started in the period beginning on first_day (local dates in the owner''s zone; every event for a lifetime budget). Unpriced events (cost null) count 0.';

drop function private.history_first_open_day(text);
drop function private.history_floor();
drop table private.history_floors;
