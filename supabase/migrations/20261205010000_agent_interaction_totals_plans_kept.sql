-- get_agent_usage_summary within 10 ms at large (issue 12). private.agent_interaction_totals
-- was a SQL function: its body (one statement of a dozen CTEs over every month partition of
-- ai_interactions) was planned again on every call, 3.8 of the 4.5 ms it took for the
-- busiest agent of the bench's medium data. And it read the two UTC dates at the window's
-- edges from the raw rows whole, then dropped the rows outside the window: about 1,100
-- interactions for the busiest agent at large.
-- Now, in PL/pgSQL (each statement's plan kept for the session):
-- - the owner and the marks are read first, into variables;
-- - an edge date no mark names is read from its daily row when the row's first and last
--   start both lie in the window (so is today, up to now, for a 30-day window), and from the
--   raw rows otherwise;
-- - the raw rows read are those of the window only (the date's range of the index, clipped
--   to the window), not the whole date.
-- Signature, results and checks are unchanged.

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
language plpgsql
stable
security definer
set search_path = ''
as $$
declare
  is_service boolean := pg_catalog.pg_has_role(
    coalesce(nullif(current_setting('role'), 'none'), session_user), 'service_role', 'member'
  );
  agent uuid := agent_interaction_totals.agent_id;
  -- The window, unbounded where null: started_at > window_from and started_at <= window_to.
  window_from timestamptz := coalesce(agent_interaction_totals.since, '-infinity');
  window_to timestamptz := coalesce(agent_interaction_totals.until, 'infinity');
  -- The UTC dates only partly inside the window (none where it is unbounded).
  edge_first date := (agent_interaction_totals.since at time zone 'UTC')::date;
  edge_last date := (agent_interaction_totals.until at time zone 'UTC')::date;
  owner_id uuid;
  all_stale boolean;
  stale_days date[];
  raw_days date[];
  -- The raw dates as runs of consecutive dates, each a range of instants: the first run,
  -- the last run, and the span of those between (read filtered to the raw dates). Scalars,
  -- so that each read is one range of the (agent_id, user_id, started_at) index in the
  -- statement's kept plan too.
  runs_from timestamptz[];
  runs_to timestamptz[];
  runs integer;
  first_from timestamptz;
  first_to timestamptz;
  last_from timestamptz;
  last_to timestamptz;
  middle_from timestamptz;
  middle_to timestamptz;
begin
  -- Anyone but the owner (not an anonymous sign-in) or service_role: owner_id stays null,
  -- every read below finds nothing, and the totals are those of nothing.
  select a.user_id into owner_id
  from public.ai_agents as a
  where
    a.id = agent
    and (is_service or (a.user_id = (select auth.uid()) and not (select private.is_anonymous())));

  -- The marks: a mark without instants (a change of time zone) makes every date stale; the
  -- others name the UTC dates they span.
  select
    coalesce(bool_or(m.from_at is null), false),
    coalesce(array_agg(distinct g.day::date) filter (where g.day is not null), '{}')
  into all_stale, stale_days
  from private.usage_rollup_marks as m
  left join lateral generate_series(
    (m.from_at at time zone 'UTC')::date::timestamp,
    (m.to_at at time zone 'UTC')::date::timestamp,
    interval '1 day'
  ) as g (day) on true
  where m.user_id = owner_id;

  -- The dates read raw: the stale ones, and each edge date whose daily row is not wholly
  -- inside the window but overlaps it.
  select coalesce(array_agg(x.day), '{}')
  into raw_days
  from (
    select s.day
    from unnest(stale_days) as s (day)
    where s.day >= coalesce(edge_first, '-infinity') and s.day <= coalesce(edge_last, 'infinity')
    union
    select d.day
    from private.agent_interactions_daily as d
    where
      d.agent_id = agent
      and d.user_id = owner_id
      and d.day in (edge_first, edge_last)
      and d.last_started_at > window_from
      and d.first_started_at <= window_to
      and not (d.first_started_at > window_from and d.last_started_at <= window_to)
  ) as x;

  select
    coalesce(array_agg(g.first_day::timestamp at time zone 'UTC' order by g.first_day), '{}'),
    coalesce(array_agg((g.last_day + 1)::timestamp at time zone 'UTC' order by g.first_day), '{}')
  into runs_from, runs_to
  from (
    select min(r.day) as first_day, max(r.day) as last_day
    from (
      select u.day, u.day - (row_number() over (order by u.day))::integer as run
      from unnest(raw_days) as u (day)
    ) as r
    group by r.run
  ) as g;
  runs := cardinality(runs_from);
  if runs >= 1 then
    first_from := runs_from[1];
    first_to := runs_to[1];
  end if;
  if runs >= 2 then
    last_from := runs_from[runs];
    last_to := runs_to[runs];
  end if;
  if runs >= 3 then
    middle_from := runs_from[2];
    middle_to := runs_to[runs - 1];
  end if;

  return query
  with rolled as (
    select
      d.day, d.interactions, d.input_tokens, d.output_tokens, d.total_cost,
      d.duration_minutes, d.satisfaction_sum, d.satisfaction_count, d.usefulness_sum,
      d.usefulness_count, d.first_started_at, d.last_started_at, d.by_type
    from private.agent_interactions_daily as d
    where
      not all_stale
      and d.agent_id = agent
      and d.user_id = owner_id
      and d.day >= coalesce(edge_first, '-infinity')
      and d.day <= coalesce(edge_last, 'infinity')
      and d.day <> all(raw_days)
      -- The raw dates (the stale ones among them) are left out; an edge date's row counts
      -- only when wholly inside the window.
      and (
        (d.day > coalesce(edge_first, '-infinity') and d.day < coalesce(edge_last, 'infinity'))
        or (d.first_started_at > window_from and d.last_started_at <= window_to)
      )
  ),

  -- Null bounds read nothing.
  raw_rows as (
    select
      i.started_at, i.input_tokens, i.output_tokens, i.total_cost, i.duration_minutes,
      i.satisfaction_rating, i.usefulness_rating, i.interaction_type_id
    from public.ai_interactions as i
    where
      all_stale
      and i.agent_id = agent
      and i.user_id = owner_id
      and i.started_at > window_from
      and i.started_at <= window_to
    union all
    select
      i.started_at, i.input_tokens, i.output_tokens, i.total_cost, i.duration_minutes,
      i.satisfaction_rating, i.usefulness_rating, i.interaction_type_id
    from public.ai_interactions as i
    where
      not all_stale
      and i.agent_id = agent
      and i.user_id = owner_id
      and i.started_at >= first_from
      and i.started_at < first_to
      and i.started_at > window_from
      and i.started_at <= window_to
    union all
    select
      i.started_at, i.input_tokens, i.output_tokens, i.total_cost, i.duration_minutes,
      i.satisfaction_rating, i.usefulness_rating, i.interaction_type_id
    from public.ai_interactions as i
    where
      not all_stale
      and i.agent_id = agent
      and i.user_id = owner_id
      and i.started_at >= last_from
      and i.started_at < last_to
      and i.started_at > window_from
      and i.started_at <= window_to
    union all
    select
      i.started_at, i.input_tokens, i.output_tokens, i.total_cost, i.duration_minutes,
      i.satisfaction_rating, i.usefulness_rating, i.interaction_type_id
    from public.ai_interactions as i
    where
      not all_stale
      and i.agent_id = agent
      and i.user_id = owner_id
      and i.started_at >= middle_from
      and i.started_at < middle_to
      and i.started_at > window_from
      and i.started_at <= window_to
      and (i.started_at at time zone 'UTC')::date = any(raw_days)
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
  ),

  days as (
    select
      r.day, r.interactions, r.input_tokens, r.output_tokens, r.total_cost,
      r.duration_minutes, r.satisfaction_sum, r.satisfaction_count, r.usefulness_sum,
      r.usefulness_count, r.first_started_at, r.last_started_at, r.by_type
    from rolled as r
    union all
    select
      w.day, w.interactions, w.input_tokens, w.output_tokens, w.total_cost,
      w.duration_minutes, w.satisfaction_sum, w.satisfaction_count, w.usefulness_sum,
      w.usefulness_count, w.first_started_at, w.last_started_at, w.by_type
    from raw as w
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
  from days as d;
end;
$$;
comment on function private.agent_interaction_totals(uuid, timestamptz, timestamptz) is
'An agent''s live interactions started after since and at or before until (null: unbounded): count, tokens, cost, duration, average ratings, first and last start, distinct UTC dates, counts by type; exact, from private.agent_interactions_daily for the UTC dates no mark names that lie wholly inside the window (an edge date too when its first and last start do), and from the window''s part of ai_interactions for the others. The agent''s owner (not an anonymous sign-in) or service_role; anyone else gets the totals of nothing. The body of get_agent_usage_summary and agent_summary''s usage columns. PL/pgSQL so that its plans are kept for the session.';
