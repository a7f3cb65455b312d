-- refresh_usage_rollups takes the set-based path of 20261202020000 (issue 12) when a run has
-- at least 64 (user, day) pairs, the per-day path otherwise or should the set-based one fail,
-- and keeps each agent's lifetime sums; usage_mark_days reads the days of a user marked
-- whole without the ledger view's per-interaction probe.

-- The days a set of marks stands for, the rebuilt users' days read without the ledger
-- view's per-interaction probe (JIT off, as 20261201020200 set it).
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

-- The refresher: the same marks, pairs, locks and failure isolation; the set-based path for
-- runs of at least 64 (user, day) pairs; the lifetime rows of the users it touched.
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
  pair_users uuid [];
  pair_days date [];
  rebuilt boolean := false;
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
  -- 1000 users per run, those marked longest ago first, so that one run stays bounded after
  -- a backlog; the next run takes the rest, and readers stay exact meanwhile (marked days
  -- are read from the ledger).
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

  -- 2. The (user, local day) pairs, in later statements (newer snapshots than the delete's),
  -- days ascending as update_daily_usage_stats locks them.
  select
    coalesce(array_agg(p.user_id order by p.day, p.user_id), '{}'),
    coalesce(array_agg(p.day order by p.day, p.user_id), '{}')
  into pair_users, pair_days
  from private.usage_mark_days(taken_users, taken_from, taken_to) as p;

  -- 3. Many pairs: all at once, set-based. Should that fail, the per-day path below runs
  -- instead and isolates the failing days.
  if cardinality(pair_users) >= 64 then
    begin
      select r.usage_stats_rows, r.rollup_rows
      into usage_stats_rows, rollup_rows
      from private.rebuild_usage_rollups_of(pair_users, pair_days) as r;
      days := cardinality(pair_users);
      rebuilt := true;
    exception when others then
      get stacked diagnostics state = returned_sqlstate, detail = message_text;
      perform private.record_job_failure(
        'refresh_usage_rollups', null,
        format('set-based rebuild of %s days (the days were then refreshed one by one)',
          cardinality(pair_users)),
        state, detail
      );
    end;
  end if;

  -- 4. Otherwise each pair on its own. A pair that fails is recorded in
  -- private.job_failures and marked again; every other pair is still refreshed.
  if not rebuilt then
    for pair in
      select p.user_id, p.day from unnest(pair_users, pair_days) as p (user_id, day)
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
          (select s.time_zone from public.user_settings as s where s.user_id = pair.user_id),
          'UTC'
        );
        insert into private.usage_rollup_marks (user_id, from_at, to_at)
        values (
          pair.user_id,
          pair.day::timestamp at time zone zone,
          (pair.day::timestamp + interval '1 day' - interval '1 microsecond') at time zone zone
        );
      end;
    end loop;

    -- The interactions' rollup by UTC date: every date within a day of a local day above.
    for pair in
      select distinct p.user_id, p.day + k.k as day
      from unnest(pair_users, pair_days) as p (user_id, day)
      cross join (values (-1), (0), (1)) as k (k)
      order by 2, 1
    loop
      begin
        rollup_rows := rollup_rows
          + private.refresh_agent_interactions_of(pair.day, pair.user_id);
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
  end if;

  -- 5. The lifetime sums of the users whose daily interaction rows may have changed, from
  -- those rows as they are now (same transaction: the two always agree).
  rollup_rows := rollup_rows + private.refresh_agent_interaction_lifetime(
    array(select distinct u.user_id from unnest(pair_users) as u (user_id))
  );
  return next;
end;
$$;
