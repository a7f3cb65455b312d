-- The rollup get_agent_usage_summary and agent_summary read (20261130190500), so that
-- they read rollups, not the raw log (issue 10), and stay exact including today.
-- Both count an agent's interactions (live rows of ai_interactions, as before): tokens,
-- cost, duration, ratings, types, first and last start, active UTC dates. They are not the
-- ledger's figures by local day, so they get their own rollup: per agent and UTC date of
-- the interaction's start, kept by refresh_usage_rollups from the same marks (a changed
-- interaction marks its instants; the UTC dates recomputed are those within a day of every
-- marked local day, a superset of the marked instants' UTC dates). A reader sums the rows
-- of the UTC dates no mark names, and reads ai_interactions for the marked dates and for
-- the two partial days of a rolling window, in one statement.

create table private.agent_interactions_daily (
  user_id uuid not null references auth.users (id) on delete cascade,
  agent_id uuid not null,
  day date not null,
  interactions bigint not null,
  input_tokens bigint not null,
  output_tokens bigint not null,
  total_cost numeric not null,
  duration_minutes bigint not null,
  satisfaction_sum bigint not null,
  satisfaction_count bigint not null,
  usefulness_sum bigint not null,
  usefulness_count bigint not null,
  first_started_at timestamptz not null,
  last_started_at timestamptz not null,
  by_type jsonb not null,
  constraint agent_interactions_daily_pkey primary key (user_id, day, agent_id)
);
comment on table private.agent_interactions_daily is
'Each agent''s live interactions per UTC date of their start: counts, sums, rating sums and counts, first and last start, counts by interaction type. Kept by refresh_usage_rollups; read by private.agent_interaction_totals (get_agent_usage_summary, agent_summary) for the dates no mark names. Not exposed.';
create index agent_interactions_daily_agent_id_day_idx on private.agent_interactions_daily (
  agent_id, day
);
revoke all on private.agent_interactions_daily from public, anon, authenticated, service_role;

-- One user's one UTC date, from ai_interactions.
create function private.refresh_agent_interactions_of(target_date date, only_user uuid)
returns integer
language plpgsql
volatile
security invoker
set search_path = ''
as $$
declare
  day_start timestamptz := target_date::timestamp at time zone 'UTC';
  day_end timestamptz := (target_date + 1)::timestamp at time zone 'UTC';
  written integer;
  n integer;
begin
  delete from private.agent_interactions_daily as d
  where d.user_id = only_user and d.day = target_date;
  get diagnostics written = row_count;
  insert into private.agent_interactions_daily (
    user_id, agent_id, day, interactions, input_tokens, output_tokens, total_cost,
    duration_minutes, satisfaction_sum, satisfaction_count, usefulness_sum, usefulness_count,
    first_started_at, last_started_at, by_type
  )
  select
    i.user_id,
    i.agent_id,
    target_date,
    count(*),
    coalesce(sum(i.input_tokens), 0),
    coalesce(sum(i.output_tokens), 0),
    coalesce(sum(i.total_cost), 0),
    coalesce(sum(i.duration_minutes), 0),
    coalesce(sum(i.satisfaction_rating), 0),
    count(i.satisfaction_rating),
    coalesce(sum(i.usefulness_rating), 0),
    count(i.usefulness_rating),
    min(i.started_at),
    max(i.started_at),
    coalesce(
      (
        select jsonb_object_agg(t.interaction_type_id, t.n)
        from (
          select j.interaction_type_id, count(*) as n
          from public.ai_interactions as j
          where
            j.user_id = only_user and j.agent_id = i.agent_id
            and j.started_at >= day_start and j.started_at < day_end
            and j.interaction_type_id is not null
          group by j.interaction_type_id
        ) as t
      ),
      '{}'
    )
  from public.ai_interactions as i
  where i.user_id = only_user and i.started_at >= day_start and i.started_at < day_end
  group by i.user_id, i.agent_id;
  get diagnostics n = row_count;
  return written + n;
end;
$$;
comment on function private.refresh_agent_interactions_of(date, uuid) is
'Recomputes private.agent_interactions_daily of one user''s UTC date from ai_interactions; returns the rows deleted and inserted. Called by private.refresh_usage_rollups.';
revoke execute on function private.refresh_agent_interactions_of(date, uuid)
from public, anon, authenticated, service_role;

-- An agent's interaction totals between two instants (null: unbounded): rollup rows of the
-- whole UTC dates inside the range that no mark names, ai_interactions for the rest.
-- Security definer (it reads private tables), so it checks the caller itself: the agent's
-- owner (not an anonymous sign-in) or service_role gets the totals; anyone else the totals
-- of nothing, as RLS gave them before.
create function private.agent_interaction_totals(
  agent_id uuid, since timestamptz, until timestamptz
)
returns table (
  interaction_count bigint,
  total_input_tokens bigint,
  total_output_tokens bigint,
  total_cost numeric,
  total_duration_minutes bigint,
  avg_satisfaction real,
  avg_usefulness real,
  first_used_at timestamptz,
  last_used_at timestamptz,
  active_days integer,
  interactions_by_type jsonb
)
language sql
stable
security definer
set search_path = ''
as $$
  with owner as (
    select a.user_id
    from public.ai_agents as a
    where
      a.id = agent_interaction_totals.agent_id
      and (
        pg_catalog.pg_has_role(
          coalesce(nullif(current_setting('role'), 'none'), session_user), 'service_role', 'member'
        )
        or (a.user_id = (select auth.uid()) and not (select private.is_anonymous()))
      )
  ),

  marks as (
    select m.from_at, m.to_at
    from private.usage_rollup_marks as m
    where m.user_id in (select o.user_id from owner as o)
  ),

  everything_stale as (
    select exists (select from marks as m where m.from_at is null) as yes
  ),

  stale_days as (
    select distinct g.day::date as day
    from marks as m
    cross join lateral generate_series(
      (m.from_at at time zone 'UTC')::date::timestamp,
      (m.to_at at time zone 'UTC')::date::timestamp,
      interval '1 day'
    ) as g (day)
    where m.from_at is not null
  ),

  -- The UTC dates only partly inside the range are read from the raw rows.
  bounds as (
    select
      agent_interaction_totals.since as since,
      agent_interaction_totals.until as until,
      (agent_interaction_totals.since at time zone 'UTC')::date as first_day,
      (agent_interaction_totals.until at time zone 'UTC')::date as last_day
  ),

  edges as (
    select b.first_day as day from bounds as b where b.first_day is not null
    union
    select b.last_day from bounds as b where b.last_day is not null
  ),

  rolled as (
    select
      d.day, d.interactions, d.input_tokens, d.output_tokens, d.total_cost,
      d.duration_minutes, d.satisfaction_sum, d.satisfaction_count, d.usefulness_sum,
      d.usefulness_count, d.first_started_at, d.last_started_at, d.by_type
    from private.agent_interactions_daily as d
    where
      d.user_id in (select o.user_id from owner as o)
      and d.agent_id = agent_interaction_totals.agent_id
      and d.day > coalesce((select b.first_day from bounds as b), '-infinity')
      and d.day < coalesce((select b.last_day from bounds as b), 'infinity')
      and not (select s.yes from everything_stale as s)
      and d.day not in (select x.day from stale_days as x)
  ),

  raw as (
    select
      (i.started_at at time zone 'UTC')::date as day,
      1::bigint as interactions,
      i.input_tokens::bigint as input_tokens,
      i.output_tokens::bigint as output_tokens,
      coalesce(i.total_cost, 0)::numeric as total_cost,
      coalesce(i.duration_minutes, 0)::bigint as duration_minutes,
      coalesce(i.satisfaction_rating, 0)::bigint as satisfaction_sum,
      (i.satisfaction_rating is not null)::integer::bigint as satisfaction_count,
      coalesce(i.usefulness_rating, 0)::bigint as usefulness_sum,
      (i.usefulness_rating is not null)::integer::bigint as usefulness_count,
      i.started_at as first_started_at,
      i.started_at as last_started_at,
      case
        when i.interaction_type_id is null then '{}'::jsonb
        else jsonb_build_object(i.interaction_type_id, 1)
      end as by_type
    from public.ai_interactions as i
    where
      i.user_id in (select o.user_id from owner as o)
      and i.agent_id = agent_interaction_totals.agent_id
      and i.started_at > coalesce((select b.since from bounds as b), '-infinity')
      and i.started_at <= coalesce((select b.until from bounds as b), 'infinity')
      and (
        (select s.yes from everything_stale as s)
        or (i.started_at at time zone 'UTC')::date in (select x.day from stale_days as x)
        or (i.started_at at time zone 'UTC')::date in (select e.day from edges as e)
      )
  ),

  days as (
    select * from rolled
    union all
    select * from raw
  )

  select
    coalesce(sum(d.interactions), 0)::bigint,
    coalesce(sum(d.input_tokens), 0)::bigint,
    coalesce(sum(d.output_tokens), 0)::bigint,
    coalesce(sum(d.total_cost), 0)::numeric(38, 8)::numeric,
    coalesce(sum(d.duration_minutes), 0)::bigint,
    (sum(d.satisfaction_sum)::numeric / nullif(sum(d.satisfaction_count), 0))::real,
    (sum(d.usefulness_sum)::numeric / nullif(sum(d.usefulness_count), 0))::real,
    min(d.first_started_at),
    max(d.last_started_at),
    count(distinct d.day)::integer,
    coalesce(
      (
        select jsonb_object_agg(t.key, t.n)
        from (
          select b.key, sum(b.value::bigint) as n
          from days as x
          cross join lateral jsonb_each_text(x.by_type) as b (key, value)
          group by b.key
        ) as t
      ),
      '{}'
    )
  from days as d
$$;
comment on function private.agent_interaction_totals(uuid, timestamptz, timestamptz) is
'An agent''s live interactions started after since and at or before until (null: unbounded): count, tokens, cost, duration, average ratings, first and last start, distinct UTC dates, counts by type; exact, from private.agent_interactions_daily for the UTC dates wholly inside the range that no mark names, and from ai_interactions for the others. The agent''s owner (not an anonymous sign-in) or service_role; anyone else gets the totals of nothing. The body of get_agent_usage_summary and agent_summary''s usage columns.';
revoke execute on function private.agent_interaction_totals(uuid, timestamptz, timestamptz)
from public, anon, authenticated, service_role;
grant execute on function private.agent_interaction_totals(uuid, timestamptz, timestamptz)
to authenticated, service_role;

-- The days a rebuild mark stands for include the days of the interactions (those with
-- calls are in the ledger through their calls only) and of their rollup.
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

-- The refresher again: the local days of the ledger's rollups, then the UTC dates of the
-- interactions' rollup within a day of each of them; at most 1000 users' marks per run.
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

comment on function public.refresh_usage_rollups() is
'Recomputes the usage rollups (ai_usage_stats, agent_usage_daily, the cost breakdown''s, the interactions'' behind get_agent_usage_summary and agent_summary) of every (user, day) whose usage changed since the last run: usage recorded, back-dated, edited, moved or deleted, and changes of time zone (which rebuild every day of the user). At most 1000 users'' marks per run (those marked longest ago first); run it again while it returns marks. Returns the marks taken, the days recomputed, the ai_usage_stats rows and rollup rows written, and the days that failed (recorded in private.job_failures and marked again). Runs every minute where pg_cron runs (job agentsdb-usage-rollups); elsewhere run it yourself (`agentsdb stats refresh-rollups`). Safe to run at any time and concurrently (one run at a time; usage recorded meanwhile is never lost or counted twice). Readers are exact whether or not it ran. service_role only.';
