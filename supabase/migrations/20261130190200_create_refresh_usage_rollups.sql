-- The refresher of the usage rollups (issue 10, "nothing goes stale"): takes every mark of
-- private.usage_rollup_marks (DELETE ... RETURNING, one statement), turns them into
-- (user, local day) pairs in each user's current time zone, and recomputes each pair in
-- later statements: ai_usage_stats through private.refresh_daily_usage_stats_of (the daily
-- statistics' own body), agent_usage_daily and private.usage_breakdown_daily from
-- private.usage_events. Scheduled every minute where pg_cron runs (job
-- agentsdb-usage-rollups); elsewhere `agentsdb stats refresh-rollups` or the RPC
-- public.refresh_usage_rollups() run it.
--
-- Concurrency: one refresher at a time (a transaction advisory lock; a second waits, then
-- finds the marks left since). Each day's ai_usage_stats are recomputed under the same
-- per-day lock update_daily_usage_stats takes, days in ascending order like the daily job,
-- so neither can write a result computed from an older snapshot over the other's newer one,
-- and the two never deadlock. Why marks make recording and refreshing race-free: see
-- 20261130190000_create_usage_rollups.sql.

-- One user's one local day, from the ledger: the agent figures and the breakdown rows.
create function private.refresh_usage_rollups_of(target_date date, only_user uuid)
returns integer
language plpgsql
volatile
security invoker
set search_path = ''
as $$
declare
  -- Every local day lies within 16 hours of the UTC one (see refresh_daily_usage_stats_of).
  near_start timestamptz := (target_date::timestamp - interval '16 hours') at time zone 'UTC';
  near_end timestamptz := ((target_date + 1)::timestamp + interval '16 hours') at time zone 'UTC';
  zone text := coalesce(
    (select s.time_zone from public.user_settings as s where s.user_id = only_user), 'UTC'
  );
  written integer := 0;
  n integer;
begin
  delete from public.agent_usage_daily as d
  where d.user_id = only_user and d.day = target_date;
  get diagnostics n = row_count;
  written := written + n;
  delete from private.usage_breakdown_daily as b
  where b.user_id = only_user and b.day = target_date;
  get diagnostics n = row_count;
  written := written + n;

  insert into public.agent_usage_daily (
    user_id, agent_id, day, calls, interactions, input_tokens, cached_input_tokens,
    cache_write_tokens, output_tokens, reasoning_tokens, cost, unpriced_calls, failed_calls,
    cancelled_calls, latency_p50_ms, latency_p95_ms
  )
  select
    e.user_id,
    e.agent_id,
    target_date,
    count(e.model_call_id),
    count(distinct e.interaction_id),
    coalesce(sum(e.input_tokens), 0),
    coalesce(sum(e.cached_input_tokens), 0),
    coalesce(sum(e.cache_write_tokens), 0),
    coalesce(sum(e.output_tokens), 0),
    coalesce(sum(e.reasoning_tokens), 0),
    coalesce(sum(e.cost), 0),
    count(e.model_call_id) filter (where e.cost is null),
    count(e.model_call_id) filter (where e.status = 'failed'),
    count(e.model_call_id) filter (where e.status = 'cancelled'),
    percentile_disc(0.5) within group (order by e.latency_ms),
    percentile_disc(0.95) within group (order by e.latency_ms)
  from private.usage_events as e
  where
    e.user_id = only_user
    and e.started_at >= near_start and e.started_at < near_end
    and (e.started_at at time zone zone)::date = target_date
  group by e.user_id, e.agent_id;
  get diagnostics n = row_count;
  written := written + n;

  insert into private.usage_breakdown_daily (
    user_id, day, agent_id, vendor_id, service_id, model_name, calls, unpriced_calls,
    failed_calls, input_tokens, cached_input_tokens, cache_write_tokens, output_tokens,
    reasoning_tokens, cost
  )
  select
    e.user_id,
    target_date,
    e.agent_id,
    e.vendor_id,
    e.service_id,
    e.model_name,
    count(e.model_call_id),
    count(e.model_call_id) filter (where e.cost is null),
    count(e.model_call_id) filter (where e.status = 'failed'),
    coalesce(sum(e.input_tokens), 0),
    coalesce(sum(e.cached_input_tokens), 0),
    coalesce(sum(e.cache_write_tokens), 0),
    coalesce(sum(e.output_tokens), 0),
    coalesce(sum(e.reasoning_tokens), 0),
    coalesce(sum(e.cost), 0)
  from private.usage_events as e
  where
    e.user_id = only_user
    and e.started_at >= near_start and e.started_at < near_end
    and (e.started_at at time zone zone)::date = target_date
  group by e.user_id, e.agent_id, e.vendor_id, e.service_id, e.model_name;
  get diagnostics n = row_count;
  return written + n;
end;
$$;
comment on function private.refresh_usage_rollups_of(date, uuid) is
'Recomputes agent_usage_daily and private.usage_breakdown_daily of one user''s local date (their time zone now) from private.usage_events; returns the rows deleted and inserted. Called by private.refresh_usage_rollups.';
revoke execute on function private.refresh_usage_rollups_of(date, uuid)
from public, anon, authenticated, service_role;

-- The (user, local day) pairs a set of marks stands for, in each user's current time zone.
-- A mark without instants stands for every day of the user: the days of their usage now,
-- and the days their rollups have (which may have been computed in another zone).
create function private.usage_mark_days(users uuid [], from_ats timestamptz [], to_ats timestamptz [])
returns table (user_id uuid, day date)
language sql
stable
security invoker
set search_path = ''
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
    select e.user_id, (e.started_at at time zone z.zone)::date
    from private.usage_events as e
    inner join zones as z on z.user_id = e.user_id
    where e.user_id in (select r.user_id from rebuilt as r)
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
comment on function private.usage_mark_days(uuid [], timestamptz [], timestamptz []) is
'The (user, local day) pairs that marks (arrays of user_id, from_at, to_at) stand for, each user''s days in their time zone now; a mark with null instants stands for every day of the user''s usage and rollups. Users that no longer exist are left out.';
revoke execute on function private.usage_mark_days(uuid [], timestamptz [], timestamptz [])
from public, anon, authenticated, service_role;

create function private.refresh_usage_rollups()
returns table (
  marks integer,
  days integer,
  usage_stats_rows integer,
  rollup_rows integer,
  failed_days integer
)
language plpgsql
volatile
security definer
set search_path = ''
as $$
declare
  taken_users uuid [];
  taken_from timestamptz [];
  taken_to timestamptz [];
  pair record;
  zone text;
  state text;
  detail text;
begin
  perform private.require_service_role('refresh_usage_rollups');
  marks := 0;
  days := 0;
  usage_stats_rows := 0;
  rollup_rows := 0;
  failed_days := 0;

  -- One refresher at a time; a second one waits, then takes the marks left since.
  perform pg_catalog.pg_advisory_xact_lock(pg_catalog.hashtext('public.refresh_usage_rollups'));

  -- 1. Take the marks, in one statement. Marks committed after its snapshot stay.
  with taken as (
    delete from private.usage_rollup_marks as m
    where true
    returning m.user_id, m.from_at, m.to_at
  )
  select
    coalesce(array_agg(t.user_id), '{}'),
    coalesce(array_agg(t.from_at), '{}'),
    coalesce(array_agg(t.to_at), '{}'),
    count(*)::integer
  into taken_users, taken_from, taken_to, marks
  from taken as t;

  -- 2. Recompute, each pair in later statements (newer snapshots than the delete's), days
  -- ascending as update_daily_usage_stats locks them. A pair that fails is recorded in
  -- private.job_failures and marked again; every other pair is still refreshed.
  for pair in
    select p.user_id, p.day
    from private.usage_mark_days(taken_users, taken_from, taken_to) as p
    order by p.day, p.user_id
  loop
    begin
      perform pg_catalog.pg_advisory_xact_lock(
        pg_catalog.hashtext('public.update_daily_usage_stats'), pair.day - date '2000-01-01'
      );
      usage_stats_rows := usage_stats_rows
        + private.refresh_daily_usage_stats_of(pair.day, pair.user_id);
      rollup_rows := rollup_rows + private.refresh_usage_rollups_of(pair.day, pair.user_id);
      days := days + 1;
    exception when others then
      get stacked diagnostics state = returned_sqlstate, detail = message_text;
      perform private.record_job_failure(
        'refresh_usage_rollups', pair.user_id, pair.day::text, state, detail
      );
      failed_days := failed_days + 1;
      zone := coalesce(
        (select s.time_zone from public.user_settings as s where s.user_id = pair.user_id), 'UTC'
      );
      insert into private.usage_rollup_marks (user_id, from_at, to_at)
      values (
        pair.user_id,
        pair.day::timestamp at time zone zone,
        (pair.day::timestamp + interval '1 day' - interval '1 microsecond') at time zone zone
      );
    end;
  end loop;
  return next;
end;
$$;
comment on function private.refresh_usage_rollups() is
'The body of public.refresh_usage_rollups (security definer: it writes the rollups and the marks).';
revoke execute on function private.refresh_usage_rollups() from public, anon, authenticated, service_role;
grant execute on function private.refresh_usage_rollups() to service_role;

create function public.refresh_usage_rollups()
returns table (
  marks integer,
  days integer,
  usage_stats_rows integer,
  rollup_rows integer,
  failed_days integer
)
language sql
volatile
security invoker
set search_path = ''
as $$
  select r.marks, r.days, r.usage_stats_rows, r.rollup_rows, r.failed_days
  from private.refresh_usage_rollups() as r
$$;
comment on function public.refresh_usage_rollups() is
'Recomputes the usage rollups (ai_usage_stats, agent_usage_daily, the cost breakdown''s) of every (user, local day) whose usage changed since the last run: usage recorded, back-dated, edited, moved or deleted, and changes of time zone (which rebuild every day of the user). Returns the marks taken, the days recomputed, the ai_usage_stats rows and rollup rows written, and the days that failed (recorded in private.job_failures and marked again). Runs every minute where pg_cron runs (job agentsdb-usage-rollups); elsewhere run it yourself (`agentsdb stats refresh-rollups`). Safe to run at any time and concurrently (one run at a time; usage recorded meanwhile is never lost or counted twice). service_role only.';
revoke execute on function public.refresh_usage_rollups() from public, anon, authenticated, service_role;
grant execute on function public.refresh_usage_rollups() to service_role;

-- The jobs: every existing one, and the rollups every minute.
create or replace function private.job_definitions()
returns table (job_name text, schedule text, command text)
language sql
immutable
security invoker
set search_path = ''
as $$
  values
    (
      'agentsdb-daily-usage-stats', '15 0 * * *',
      'select public.update_daily_usage_stats((now() at time zone ''UTC'')::date - 2), public.update_daily_usage_stats()'
    ),
    ('agentsdb-daily-activity-scores', '20 0 * * *', 'select private.refresh_activity_scores()'),
    ('agentsdb-daily-audit-purge', '30 0 * * *', 'select private.purge_audit_logs()'),
    ('agentsdb-usage-rollups', '* * * * *', 'select public.refresh_usage_rollups()')
$$;

do $migration$
begin
  if exists (select from pg_catalog.pg_extension where extname = 'pg_cron') then
    perform cron.schedule(d.job_name, d.schedule, d.command)
    from private.job_definitions() as d
    where d.job_name = 'agentsdb-usage-rollups';
  end if;
end
$migration$;
