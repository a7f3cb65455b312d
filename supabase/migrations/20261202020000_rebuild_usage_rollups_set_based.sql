-- A set-based rebuild of the usage rollups (issue 12). refresh_usage_rollups recomputed
-- each marked (user, local day) in its own statements: 22 ms per user-day, 13 minutes for
-- the 36k user-days the benchmark's medium history leaves marked (every insert marks its
-- user and day). private.rebuild_usage_rollups_of recomputes a whole set of (user, day)
-- pairs in a few statements, each reading the history once by the users' own
-- (user_id, started_at) ranges; refresh_usage_rollups (20261202020010) takes that path when
-- a run has many days to recompute (a backlog, a first refresh after deploying, a bulk import),
-- the per-day path otherwise, and the per-day path again should the set-based one fail
-- (each failing day then isolated and recorded, as before).
--
-- Race-free by the refresher's own rule (20261130190000): the marks are taken by one
-- DELETE ... RETURNING, and every recomputation runs in later statements, with newer
-- snapshots; a mark committed after the delete stays for the next run.
--
-- Also: private.agent_interaction_lifetime, each agent's sums over all its rows of
-- private.agent_interactions_daily, kept by the refresher in the same transaction as those
-- rows (both paths), so that agent_summary reads one row per agent instead of summing its
-- days (20261202020100).

create table private.agent_interaction_lifetime (
  user_id uuid not null references auth.users (id) on delete cascade,
  agent_id uuid not null,
  interactions bigint not null,
  input_tokens bigint not null,
  output_tokens bigint not null,
  total_cost numeric not null,
  satisfaction_sum bigint not null,
  satisfaction_count bigint not null,
  usefulness_sum bigint not null,
  usefulness_count bigint not null,
  constraint agent_interaction_lifetime_pkey primary key (user_id, agent_id)
);
comment on table private.agent_interaction_lifetime is
'Each agent''s sums over every row of private.agent_interactions_daily (interactions, tokens, cost, rating sums and counts), kept by refresh_usage_rollups in the same transaction as those rows, so it always equals their sum. agent_summary reads it for the agents of the caller, corrected by the raw rows of the UTC dates a mark names (private.agent_lifetime_totals).';

alter table private.agent_interaction_lifetime enable row level security;
revoke all on private.agent_interaction_lifetime from public, anon, authenticated, service_role;

insert into private.agent_interaction_lifetime (
  user_id, agent_id, interactions, input_tokens, output_tokens, total_cost, satisfaction_sum,
  satisfaction_count, usefulness_sum, usefulness_count
)
select
  d.user_id,
  d.agent_id,
  sum(d.interactions) as interactions,
  sum(d.input_tokens) as input_tokens,
  sum(d.output_tokens) as output_tokens,
  sum(d.total_cost) as total_cost,
  sum(d.satisfaction_sum) as satisfaction_sum,
  sum(d.satisfaction_count) as satisfaction_count,
  sum(d.usefulness_sum) as usefulness_sum,
  sum(d.usefulness_count) as usefulness_count
from private.agent_interactions_daily as d
group by d.user_id, d.agent_id;

-- The lifetime rows of some users, from their daily rows as they are now.
create function private.refresh_agent_interaction_lifetime(users uuid [])
returns integer
language plpgsql
volatile
security definer
set search_path = ''
as $$
declare
  written integer;
  n integer;
begin
  delete from private.agent_interaction_lifetime as l
  where l.user_id = any(refresh_agent_interaction_lifetime.users);
  get diagnostics written = row_count;
  insert into private.agent_interaction_lifetime (
    user_id, agent_id, interactions, input_tokens, output_tokens, total_cost, satisfaction_sum,
    satisfaction_count, usefulness_sum, usefulness_count
  )
  select
    d.user_id, d.agent_id, sum(d.interactions), sum(d.input_tokens), sum(d.output_tokens),
    sum(d.total_cost), sum(d.satisfaction_sum), sum(d.satisfaction_count),
    sum(d.usefulness_sum), sum(d.usefulness_count)
  from private.agent_interactions_daily as d
  where d.user_id = any(refresh_agent_interaction_lifetime.users)
  group by d.user_id, d.agent_id;
  get diagnostics n = row_count;
  return written + n;
end;
$$;
comment on function private.refresh_agent_interaction_lifetime(uuid []) is
'Recomputes private.agent_interaction_lifetime of the given users from their rows of private.agent_interactions_daily; returns the rows deleted and inserted. Called by private.refresh_usage_rollups after it changed those rows.';
revoke execute on function private.refresh_agent_interaction_lifetime(uuid [])
from public, anon, authenticated, service_role;

-- The set-based recomputation of (user, local day) pairs: the same figures as
-- refresh_daily_usage_stats_of, refresh_usage_rollups_of and refresh_agent_interactions_of
-- (the UTC dates within a day of each local day) called for each pair, in a few statements.
create function private.rebuild_usage_rollups_of(users uuid [], days date [])
returns table (usage_stats_rows integer, rollup_rows integer)
language plpgsql
volatile
security definer
set search_path = ''
set jit = off
as $$
declare
  the_day date;
  day_users uuid [];
  one_user uuid;
  zone text;
  first_day date;
  last_day date;
  all_users integer;
  n integer;
begin
  if cardinality(rebuild_usage_rollups_of.users) is distinct from
    cardinality(rebuild_usage_rollups_of.days) then
    raise exception using
      errcode = '22023',
      message = 'days: must have as many elements as users';
  end if;
  usage_stats_rows := 0;
  rollup_rows := 0;

  -- 1. ai_usage_stats, days ascending under the per-day lock update_daily_usage_stats takes
  -- (as the per-day path): the daily statistics' own body, for the whole day when many of
  -- its users are marked (one read of the day), else for each marked user.
  select count(*)::integer into all_users from auth.users;
  for the_day, day_users in
    select p.day, array_agg(distinct p.user_id)
    from unnest(rebuild_usage_rollups_of.users, rebuild_usage_rollups_of.days) as p (user_id, day)
    group by p.day
    order by p.day
  loop
    perform pg_catalog.pg_advisory_xact_lock(
      pg_catalog.hashtext('public.update_daily_usage_stats'), the_day - date '2000-01-01'
    );
    if cardinality(day_users) * 10 >= all_users then
      usage_stats_rows := usage_stats_rows + private.refresh_daily_usage_stats_of(the_day, null);
    else
      foreach one_user in array day_users loop
        usage_stats_rows := usage_stats_rows
          + private.refresh_daily_usage_stats_of(the_day, one_user);
      end loop;
    end if;
  end loop;

  -- 2. agent_usage_daily and the breakdown: the pairs' rows go, then the events of every
  -- pair are read once (each run of consecutive days of a user is one range of instants
  -- read by (user_id, started_at), 16 hours wider on each side: every local day lies within
  -- them, the local date then keeps the run's days) and grouped both ways.
  delete from public.agent_usage_daily as d
  using unnest(rebuild_usage_rollups_of.users, rebuild_usage_rollups_of.days) as p (user_id, day)
  where d.user_id = p.user_id and d.day = p.day;
  get diagnostics n = row_count;
  rollup_rows := rollup_rows + n;
  delete from private.usage_breakdown_daily as b
  using unnest(rebuild_usage_rollups_of.users, rebuild_usage_rollups_of.days) as p (user_id, day)
  where b.user_id = p.user_id and b.day = p.day;
  get diagnostics n = row_count;
  rollup_rows := rollup_rows + n;

  for one_user, zone, first_day, last_day in
    with pairs as (
      select distinct p.user_id, p.day
      from unnest(rebuild_usage_rollups_of.users, rebuild_usage_rollups_of.days) as p (user_id, day)
    )

    select
      g.user_id,
      coalesce(
        (select s.time_zone from public.user_settings as s where s.user_id = g.user_id), 'UTC'
      ),
      min(g.day),
      max(g.day)
    from (
      select
        p.user_id,
        p.day,
        p.day - (row_number() over (partition by p.user_id order by p.day))::integer as island
      from pairs as p
    ) as g
    group by g.user_id, g.island
    order by 1, 3
  loop
    -- One statement per run of consecutive days of a user: the user and the instants are
    -- parameters, so the read goes through the ledger view's arms by (user_id, started_at)
    -- (a user taken from a join is not pushed into the view's arms: every interaction of
    -- the table was probed for each user).
    with events as materialized (
      select
        (v.started_at at time zone zone)::date as day,
        v.agent_id, v.interaction_id, v.model_call_id, v.vendor_id, v.service_id,
        v.model_name, v.input_tokens, v.cached_input_tokens, v.cache_write_tokens,
        v.output_tokens, v.reasoning_tokens, v.cost, v.status, v.latency_ms
      from private.usage_events as v
      where
        v.user_id = one_user
        and v.started_at >= (first_day::timestamp - interval '16 hours') at time zone 'UTC'
        and v.started_at < ((last_day + 1)::timestamp + interval '16 hours') at time zone 'UTC'
        and (v.started_at at time zone zone)::date between first_day and last_day
    ),

    agent_rows as (
      insert into public.agent_usage_daily (
        user_id, agent_id, day, calls, interactions, input_tokens, cached_input_tokens,
        cache_write_tokens, output_tokens, reasoning_tokens, cost, unpriced_calls,
        failed_calls, cancelled_calls, latency_p50_ms, latency_p95_ms
      )
      select
        one_user,
        e.agent_id,
        e.day,
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
      from events as e
      group by e.day, e.agent_id
      returning 1
    ),

    breakdown_rows as (
      insert into private.usage_breakdown_daily (
        user_id, day, agent_id, vendor_id, service_id, model_name, calls, unpriced_calls,
        failed_calls, input_tokens, cached_input_tokens, cache_write_tokens, output_tokens,
        reasoning_tokens, cost
      )
      select
        one_user,
        e.day,
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
      from events as e
      group by e.day, e.agent_id, e.vendor_id, e.service_id, e.model_name
      returning 1
    )

    select ((select count(*) from agent_rows) + (select count(*) from breakdown_rows))::integer
    into n;
    rollup_rows := rollup_rows + n;
  end loop;

  -- 3. The interactions' rollup by UTC date: every date within a day of a pair's local day
  -- (as the per-day path), each run of consecutive dates one range of (user_id, started_at).
  delete from private.agent_interactions_daily as d
  using (
    select distinct p.user_id, p.day + k.k as day
    from unnest(rebuild_usage_rollups_of.users, rebuild_usage_rollups_of.days) as p (user_id, day)
    cross join (values (-1), (0), (1)) as k (k)
  ) as p
  where d.user_id = p.user_id and d.day = p.day;
  get diagnostics n = row_count;
  rollup_rows := rollup_rows + n;

  with pairs as (
    select distinct p.user_id, p.day + k.k as day
    from unnest(rebuild_usage_rollups_of.users, rebuild_usage_rollups_of.days) as p (user_id, day)
    cross join (values (-1), (0), (1)) as k (k)
  ),

  ranges as (
    select
      g.user_id,
      min(g.day)::timestamp at time zone 'UTC' as lo,
      (max(g.day) + 1)::timestamp at time zone 'UTC' as hi
    from (
      select
        p.user_id,
        p.day,
        p.day - (row_number() over (partition by p.user_id order by p.day))::integer as island
      from pairs as p
    ) as g
    group by g.user_id, g.island
  ),

  day_rows as materialized (
    select
      r.user_id, i.agent_id, (i.started_at at time zone 'UTC')::date as day, i.started_at,
      i.input_tokens, i.output_tokens, i.total_cost, i.duration_minutes,
      i.satisfaction_rating, i.usefulness_rating, i.interaction_type_id
    from ranges as r
    cross join lateral (
      select
        j.agent_id, j.started_at, j.input_tokens, j.output_tokens, j.total_cost,
        j.duration_minutes, j.satisfaction_rating, j.usefulness_rating, j.interaction_type_id
      from public.ai_interactions as j
      where j.user_id = r.user_id and j.started_at >= r.lo and j.started_at < r.hi
    ) as i
  ),

  types as (
    select t.user_id, t.day, t.agent_id, jsonb_object_agg(t.interaction_type_id, t.n) as by_type
    from (
      select x.user_id, x.day, x.agent_id, x.interaction_type_id, count(*) as n
      from day_rows as x
      where x.interaction_type_id is not null
      group by x.user_id, x.day, x.agent_id, x.interaction_type_id
    ) as t
    group by t.user_id, t.day, t.agent_id
  ),

  sums as (
    select
      x.user_id,
      x.agent_id,
      x.day,
      count(*) as interactions,
      coalesce(sum(x.input_tokens), 0) as input_tokens,
      coalesce(sum(x.output_tokens), 0) as output_tokens,
      coalesce(sum(x.total_cost), 0) as total_cost,
      coalesce(sum(x.duration_minutes), 0) as duration_minutes,
      coalesce(sum(x.satisfaction_rating), 0) as satisfaction_sum,
      count(x.satisfaction_rating) as satisfaction_count,
      coalesce(sum(x.usefulness_rating), 0) as usefulness_sum,
      count(x.usefulness_rating) as usefulness_count,
      min(x.started_at) as first_started_at,
      max(x.started_at) as last_started_at
    from day_rows as x
    group by x.user_id, x.day, x.agent_id
  ),

  inserted as (
    insert into private.agent_interactions_daily (
      user_id, agent_id, day, interactions, input_tokens, output_tokens, total_cost,
      duration_minutes, satisfaction_sum, satisfaction_count, usefulness_sum,
      usefulness_count, first_started_at, last_started_at, by_type
    )
    select
      s.user_id, s.agent_id, s.day, s.interactions, s.input_tokens, s.output_tokens,
      s.total_cost, s.duration_minutes, s.satisfaction_sum, s.satisfaction_count,
      s.usefulness_sum, s.usefulness_count, s.first_started_at, s.last_started_at,
      coalesce(t.by_type, '{}')
    from sums as s
    left join types as t on s.user_id = t.user_id and s.day = t.day and s.agent_id = t.agent_id
    returning 1
  )

  select count(*)::integer into n from inserted;
  rollup_rows := rollup_rows + n;
  return next;
end;
$$;
comment on function private.rebuild_usage_rollups_of(uuid [], date []) is
'Recomputes, set-based, every rollup of the (user, local day) pairs given as two arrays of the same length: ai_usage_stats (days ascending, under update_daily_usage_stats'' per-day lock), agent_usage_daily and private.usage_breakdown_daily (one read of the pairs'' events), private.agent_interactions_daily (the UTC dates within a day of each pair). Equal to the per-day functions called for each pair. Returns the ai_usage_stats rows and rollup rows written (deleted and inserted). Called by private.refresh_usage_rollups when a run has many days.';
revoke execute on function private.rebuild_usage_rollups_of(uuid [], date [])
from public, anon, authenticated, service_role;
