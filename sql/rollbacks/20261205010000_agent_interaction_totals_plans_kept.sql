-- Back to the SQL function of 20261201020100: planned at every call, the window's edge dates
-- read raw whole.

create or replace function private.agent_interaction_totals(
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

  -- The raw rows: every row of the agent when a mark has no instants; else only the rows of
  -- the marked and edge dates, each date one range of the (agent_id, user_id, started_at)
  -- index (none at all when no date is marked and the range is unbounded).
  raw_days as (
    select x.day from stale_days as x
    union
    select e.day from edges as e
  ),

  -- Consecutive dates as one range (a backlog of marks is one read, not one per date).
  raw_ranges as (
    select min(g.day) as first_day, max(g.day) as last_day
    from (
      select d.day, d.day - (row_number() over (order by d.day))::integer as island
      from raw_days as d
    ) as g
    group by g.island
  ),

  raw_rows as (
    select
      i.started_at, i.input_tokens, i.output_tokens, i.total_cost, i.duration_minutes,
      i.satisfaction_rating, i.usefulness_rating, i.interaction_type_id
    from public.ai_interactions as i
    where
      (select s.yes from everything_stale as s)
      and i.user_id in (select o.user_id from owner as o)
      and i.agent_id = agent_interaction_totals.agent_id
    union all
    select
      i.started_at, i.input_tokens, i.output_tokens, i.total_cost, i.duration_minutes,
      i.satisfaction_rating, i.usefulness_rating, i.interaction_type_id
    from raw_ranges as r
    cross join lateral (
      select
        j.started_at, j.input_tokens, j.output_tokens, j.total_cost, j.duration_minutes,
        j.satisfaction_rating, j.usefulness_rating, j.interaction_type_id
      from public.ai_interactions as j
      where
        j.user_id in (select o.user_id from owner as o)
        and j.agent_id = agent_interaction_totals.agent_id
        and j.started_at >= r.first_day::timestamp at time zone 'UTC'
        and j.started_at < (r.last_day + 1)::timestamp at time zone 'UTC'
    ) as i
    where not (select s.yes from everything_stale as s)
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
    from raw_rows as i
    where
      i.started_at > coalesce((select b.since from bounds as b), '-infinity')
      and i.started_at <= coalesce((select b.until from bounds as b), 'infinity')
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
