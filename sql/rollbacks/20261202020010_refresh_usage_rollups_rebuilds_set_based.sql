-- Back to the per-day refresher as 20261130190400 defined it, without the set-based rebuild
-- and the agents' lifetime sums.
create or replace function private.refresh_usage_rollups()
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

  -- 1. Take the marks, in one statement. Marks committed after its snapshot stay. At most
  -- 1000 users per run, those marked longest ago first, so that one run stays short (a
  -- request's statement_timeout, a minute of pg_cron) after a backlog; the next run takes
  -- the rest, and readers stay exact meanwhile (marked days are read from the ledger).
  with taken as (
    delete from private.usage_rollup_marks as m
    where m.user_id in (
      select u.user_id from private.usage_rollup_marks as u
      group by u.user_id
      order by min(u.id)
      limit 1000
    )
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

  -- 3. The interactions' rollup by UTC date: every date within a day of a local day above.
  for pair in
    select distinct p.user_id, p.day + k.k as day
    from private.usage_mark_days(taken_users, taken_from, taken_to) as p
    cross join (values (-1), (0), (1)) as k (k)
    order by 2, 1
  loop
    begin
      rollup_rows := rollup_rows + private.refresh_agent_interactions_of(pair.day, pair.user_id);
    exception when others then
      get stacked diagnostics state = returned_sqlstate, detail = message_text;
      perform private.record_job_failure(
        'refresh_usage_rollups', pair.user_id, pair.day::text || ' UTC', state, detail
      );
      failed_days := failed_days + 1;
      insert into private.usage_rollup_marks (user_id, from_at, to_at)
      values (
        pair.user_id,
        pair.day::timestamp at time zone 'UTC',
        (pair.day::timestamp + interval '1 day' - interval '1 microsecond') at time zone 'UTC'
      );
    end;
  end loop;
  return next;
end;
$$;

-- usage_mark_days as 20261130190400 defined it, JIT off (20261201020200).
create or replace function private.usage_mark_days(users uuid [], from_ats timestamptz [], to_ats timestamptz [])
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
alter function private.usage_mark_days(uuid [], timestamptz [], timestamptz [])
set jit = off;
