-- update_daily_usage_stats reads each user's own day, not 56 hours of everyone's (issue 12).
-- Measured on the bench's medium data (1M calls, 400k interactions, 200 users in 8 zones),
-- refreshing the busiest day took 4.9 times a bare GROUP BY of the day's rows of
-- private.usage_events (86.5 ms against 17.7). The body (20261130180500) read every row
-- within 16 hours of the UTC day (2.3 times the day's rows), computed each row's local date
-- with its user's zone, read the interactions twice (once for their figures, once inside
-- usage_events, probing model_calls for each to find those without calls), and ON CONFLICT
-- locked every unchanged row of ai_usage_stats (a new xmax and a transaction id) before its
-- WHERE found nothing to change.
-- Now, per user (nested loop over auth.users, index ranges on (user_id, started_at)):
-- - the instants of their local day from their zone's UTC offsets around it, so each user's
--   range holds their day's rows (an hour more across a daylight-saving change); the local
--   date is computed only near an offset change;
-- - the interactions read once; the events are private.usage_events' rule, applied to the
--   rows read: calls, plus interactions without any call, found by a hash of the day's
--   calls first and the index probe only for the rest;
-- - rows that would not change are not written at all.
-- Same signature, results and locking (each day under update_daily_usage_stats' lock); a
-- refresh of one user (refresh_usage_rollups) reads only that user's rows.

create or replace function private.refresh_daily_usage_stats_of(target_date date, only_user uuid)
returns integer
language plpgsql
volatile
security invoker
set search_path = ''
as $$
declare
  written integer;
begin
  -- Every user (one with only_user), in their reporting zone.
  with users as materialized (
    select u.id as user_id, coalesce(s.time_zone, 'UTC') as zone
    from auth.users as u
    left join public.user_settings as s on u.id = s.user_id
    where only_user is null or u.id = only_user
  ),

  -- Each zone's UTC offsets during the instants that can fall on target_date anywhere (a
  -- local day lies within 16 hours of the UTC one), sampled every hour: an offset holds for
  -- months between changes, so every offset in force then is sampled.
  offsets as (
    select z.zone, min(o.utc_offset) as min_offset, max(o.utc_offset) as max_offset
    from (select distinct u.zone from users as u) as z
    cross join lateral (
      select (g.utc at time zone 'UTC' at time zone z.zone) - g.utc as utc_offset
      from generate_series(
        target_date::timestamp - interval '16 hours',
        (target_date + 1)::timestamp + interval '16 hours',
        interval '1 hour'
      ) as g (utc)
    ) as o
    group by z.zone
  ),

  -- Each user's instants: [lo, hi) holds every instant of their local target_date (a superset
  -- across an offset change); [sure_lo, sure_hi) only instants of it, so the local date is
  -- computed only for the hour or two around a change, never for an ordinary day's rows.
  -- Not bounds from local midnights: a repeated midnight (America/Havana) resolves to the
  -- later one (20261130170200).
  bounds as materialized (
    select
      u.user_id,
      u.zone,
      (target_date::timestamp - o.max_offset) at time zone 'UTC' as lo,
      ((target_date + 1)::timestamp - o.min_offset) at time zone 'UTC' as hi,
      (target_date::timestamp - o.min_offset) at time zone 'UTC' as sure_lo,
      ((target_date + 1)::timestamp - o.max_offset) at time zone 'UTC' as sure_hi
    from users as u
    inner join offsets as o on u.zone = o.zone
  ),

  -- The user's interactions of their day, live and deleted, each read by (user_id, started_at).
  day_interactions as materialized (
    select
      b.user_id, x.id, x.agent_id, x.vendor_id, x.duration_minutes, x.satisfaction_rating,
      x.usefulness_rating, x.input_tokens, x.output_tokens, x.cost
    from bounds as b
    cross join lateral (
      select
        i.id,
        i.agent_id,
        coalesce(
          i.vendor_id,
          (select a.vendor_id from public.ai_agents as a where a.id = i.agent_id),
          'unknown'
        ) as vendor_id,
        i.duration_minutes,
        i.satisfaction_rating,
        i.usefulness_rating,
        i.input_tokens::bigint as input_tokens,
        i.output_tokens::bigint as output_tokens,
        i.total_cost::numeric as cost
      from public.ai_interactions as i
      where
        i.user_id = b.user_id and i.started_at >= b.lo and i.started_at < b.hi
        and (
          (i.started_at >= b.sure_lo and i.started_at < b.sure_hi)
          or (i.started_at at time zone b.zone)::date = target_date
        )
      union all
      select
        d.id,
        d.agent_id,
        coalesce(d.vendor_id, 'unknown'),
        d.duration_minutes,
        d.satisfaction_rating,
        d.usefulness_rating,
        d.input_tokens::bigint,
        d.output_tokens::bigint,
        d.total_cost::numeric
      from private.deleted_interactions as d
      where
        d.user_id = b.user_id and d.started_at >= b.lo and d.started_at < b.hi
        and (
          (d.started_at >= b.sure_lo and d.started_at < b.sure_hi)
          or (d.started_at at time zone b.zone)::date = target_date
        )
    ) as x
  ),

  -- The user's model calls of their day. OFFSET 0 keeps the subquery a per-user index range
  -- (pulled up, the planner may hash every call of the table against the users).
  day_calls as materialized (
    select
      b.user_id,
      c.interaction_id,
      coalesce(c.vendor_id, 'unknown') as vendor_id,
      c.cost,
      c.input_tokens::bigint + c.cached_input_tokens + c.cache_write_tokens as input_tokens,
      c.output_tokens::bigint + c.reasoning_tokens as output_tokens
    from bounds as b
    cross join lateral (
      select
        m.interaction_id, m.vendor_id, m.cost, m.input_tokens, m.cached_input_tokens,
        m.cache_write_tokens, m.output_tokens, m.reasoning_tokens
      from public.model_calls as m
      where
        m.user_id = b.user_id and m.started_at >= b.lo and m.started_at < b.hi
        and (
          (m.started_at >= b.sure_lo and m.started_at < b.sure_hi)
          or (m.started_at at time zone b.zone)::date = target_date
        )
      offset 0
    ) as c
  ),

  -- private.usage_events of the day, read once: every call, and every interaction (live or
  -- deleted) without any call. An interaction with a call on that day is known from the
  -- calls just read (a hash); only the others probe model_calls_interaction_id_idx, since
  -- their calls may start on another day. The rule is the view's (20261130234200): change
  -- both together (tests/test_ledger.py and the property tests compare with the ledger).
  day_events as (
    select c.user_id, c.vendor_id, c.cost, c.input_tokens, c.output_tokens
    from day_calls as c
    union all
    select d.user_id, d.vendor_id, d.cost, d.input_tokens, d.output_tokens
    from day_interactions as d
    where
      case
        when d.id in (select c.interaction_id from day_calls as c) then false
        else (
          select true from public.model_calls as c
          where c.interaction_id = d.id
          limit 1
        ) is null
      end
  ),

  interaction_totals as (
    select
      d.user_id,
      count(*)::integer as total_interactions,
      count(distinct d.agent_id)::integer as unique_agents_used,
      coalesce(sum(d.duration_minutes), 0)::bigint as total_duration_minutes,
      avg(d.satisfaction_rating)::real as avg_satisfaction,
      avg(d.usefulness_rating)::real as avg_usefulness
    from day_interactions as d
    group by d.user_id
  ),

  -- Events by user and vendor once; the user totals sum them (unrounded).
  vendor_events as (
    select
      e.user_id,
      e.vendor_id,
      sum(e.cost) as cost,
      sum(e.input_tokens) as input_tokens,
      sum(e.output_tokens) as output_tokens,
      count(*) - count(e.cost) as unpriced_events
    from day_events as e
    group by e.user_id, e.vendor_id
  ),

  event_totals as (
    select
      e.user_id,
      coalesce(sum(e.cost), 0)::numeric(38, 8) as total_cost,
      sum(e.input_tokens)::bigint as total_input_tokens,
      sum(e.output_tokens)::bigint as total_output_tokens,
      sum(e.unpriced_events)::integer as unpriced_events
    from vendor_events as e
    group by e.user_id
  ),

  totals as (
    select
      coalesce(i.user_id, e.user_id) as user_id,
      coalesce(i.total_interactions, 0) as total_interactions,
      coalesce(i.unique_agents_used, 0) as unique_agents_used,
      coalesce(i.total_duration_minutes, 0) as total_duration_minutes,
      coalesce(e.total_cost, 0) as total_cost,
      coalesce(e.total_input_tokens, 0) as total_input_tokens,
      coalesce(e.total_output_tokens, 0) as total_output_tokens,
      coalesce(e.unpriced_events, 0) as unpriced_events,
      i.avg_satisfaction,
      i.avg_usefulness
    from interaction_totals as i
    full join event_totals as e on i.user_id = e.user_id
  ),

  features as (
    select
      f.user_id,
      jsonb_object_agg(f.feature_id, f.n) as feature_usage
    from (
      select d.user_id, m.feature_id, count(*) as n
      from day_interactions as d
      inner join public.agent_feature_mappings as m on d.agent_id = m.agent_id
      group by d.user_id, m.feature_id
    ) as f
    group by f.user_id
  ),

  vendors as (
    select
      coalesce(vi.user_id, ve.user_id) as user_id,
      jsonb_object_agg(coalesce(vi.vendor_id, ve.vendor_id), jsonb_build_object(
        'interactions', coalesce(vi.n, 0),
        'cost', coalesce(ve.cost, 0)::numeric(38, 8),
        'input_tokens', coalesce(ve.input_tokens, 0),
        'output_tokens', coalesce(ve.output_tokens, 0)
      )) as vendor_usage
    from (
      select d.user_id, d.vendor_id, count(*) as n
      from day_interactions as d
      group by d.user_id, d.vendor_id
    ) as vi
    full join (
      select
        e.user_id,
        e.vendor_id,
        e.cost::numeric(38, 8) as cost,
        e.input_tokens::bigint as input_tokens,
        e.output_tokens::bigint as output_tokens
      from vendor_events as e
    ) as ve on vi.user_id = ve.user_id and vi.vendor_id = ve.vendor_id
    group by coalesce(vi.user_id, ve.user_id)
  ),

  -- Rows of users without usage that day go.
  stale as (
    delete from public.ai_usage_stats as s
    where
      s.date = target_date
      and (only_user is null or s.user_id = only_user)
      and s.user_id not in (select t.user_id from totals as t)
    returning 1
  ),

  upserted as (
    insert into public.ai_usage_stats as s (
      user_id, date, total_interactions, unique_agents_used, total_duration_minutes,
      feature_usage, vendor_usage, total_cost, total_input_tokens, total_output_tokens,
      unpriced_events, avg_satisfaction, avg_usefulness
    )
    select
      t.user_id,
      target_date,
      t.total_interactions,
      t.unique_agents_used,
      t.total_duration_minutes,
      coalesce(f.feature_usage, '{}'),
      coalesce(v.vendor_usage, '{}'),
      t.total_cost,
      t.total_input_tokens,
      t.total_output_tokens,
      t.unpriced_events,
      t.avg_satisfaction,
      t.avg_usefulness
    from totals as t
    left join features as f on t.user_id = f.user_id
    left join vendors as v on t.user_id = v.user_id
    -- Rows that would not change are not written at all: no row lock, no new row version,
    -- no transaction id, so a second run writes nothing (and waits for nobody).
    where not exists (
      select from public.ai_usage_stats as o
      where
        o.user_id = t.user_id
        and o.date = target_date
        and (
          o.total_interactions, o.unique_agents_used, o.total_duration_minutes,
          o.feature_usage, o.vendor_usage, o.total_cost, o.total_input_tokens,
          o.total_output_tokens, o.unpriced_events, o.avg_satisfaction, o.avg_usefulness
        ) is not distinct from (
          t.total_interactions, t.unique_agents_used, t.total_duration_minutes,
          coalesce(f.feature_usage, '{}'), coalesce(v.vendor_usage, '{}'), t.total_cost,
          t.total_input_tokens, t.total_output_tokens, t.unpriced_events, t.avg_satisfaction,
          t.avg_usefulness
        )
    )
    on conflict (user_id, date) do update set
      total_interactions = excluded.total_interactions,
      unique_agents_used = excluded.unique_agents_used,
      total_duration_minutes = excluded.total_duration_minutes,
      feature_usage = excluded.feature_usage,
      vendor_usage = excluded.vendor_usage,
      total_cost = excluded.total_cost,
      total_input_tokens = excluded.total_input_tokens,
      total_output_tokens = excluded.total_output_tokens,
      unpriced_events = excluded.unpriced_events,
      avg_satisfaction = excluded.avg_satisfaction,
      avg_usefulness = excluded.avg_usefulness
    where (
      s.total_interactions, s.unique_agents_used, s.total_duration_minutes, s.feature_usage,
      s.vendor_usage, s.total_cost, s.total_input_tokens, s.total_output_tokens,
      s.unpriced_events, s.avg_satisfaction, s.avg_usefulness
    ) is distinct from (
      excluded.total_interactions, excluded.unique_agents_used, excluded.total_duration_minutes,
      excluded.feature_usage, excluded.vendor_usage, excluded.total_cost,
      excluded.total_input_tokens, excluded.total_output_tokens, excluded.unpriced_events,
      excluded.avg_satisfaction, excluded.avg_usefulness
    )
    returning 1
  )

  select (select count(*) from stale) + (select count(*) from upserted) into written;
  return written;
end;
$$;
comment on function private.refresh_daily_usage_stats_of(date, uuid) is
'The body of update_daily_usage_stats: recomputes ai_usage_stats of target_date, each user''s local date in their reporting time zone, from the ledger (interactions live and deleted; cost and tokens from the rule of private.usage_events), for every user (only_user null) or for one user, reading each user''s rows of their day by index; returns the rows inserted, updated or deleted (unchanged rows are not written).';
