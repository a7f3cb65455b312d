-- Back to reading 16 hours around the UTC day for every user (20261130180500).
create or replace function private.refresh_daily_usage_stats_of(target_date date, only_user uuid)
returns integer
language plpgsql
volatile
security invoker
set search_path = ''
as $$
declare
  -- Every local day lies within 16 hours of the UTC one (see 20261130170200).
  near_start timestamptz := (target_date::timestamp - interval '16 hours') at time zone 'UTC';
  near_end timestamptz := ((target_date + 1)::timestamp + interval '16 hours') at time zone 'UTC';
  written integer;
begin
  with near_interactions as (
    select
      i.user_id,
      i.agent_id,
      coalesce(i.vendor_id, a.vendor_id, 'unknown') as vendor_id,
      i.started_at,
      i.duration_minutes,
      i.satisfaction_rating,
      i.usefulness_rating
    from public.ai_interactions as i
    left join public.ai_agents as a on i.agent_id = a.id
    where
      i.started_at >= near_start and i.started_at < near_end
      and (only_user is null or i.user_id = only_user)
    union all
    select
      d.user_id,
      d.agent_id,
      coalesce(d.vendor_id, 'unknown'),
      d.started_at,
      d.duration_minutes,
      d.satisfaction_rating,
      d.usefulness_rating
    from private.deleted_interactions as d
    where
      d.started_at >= near_start and d.started_at < near_end
      and (only_user is null or d.user_id = only_user)
  ),

  -- The user's local date of each start (23 or 25 hours across a daylight-saving change; a
  -- repeated midnight counts on the new date): see 20261130170200.
  day_interactions as (
    select n.*
    from near_interactions as n
    left join public.user_settings as us on n.user_id = us.user_id
    where (n.started_at at time zone coalesce(us.time_zone, 'UTC'))::date = target_date
  ),

  day_events as (
    select
      e.user_id,
      coalesce(e.vendor_id, 'unknown') as vendor_id,
      e.cost,
      e.input_tokens + e.cached_input_tokens + e.cache_write_tokens as input_tokens,
      e.output_tokens + e.reasoning_tokens as output_tokens
    from private.usage_events as e
    left join public.user_settings as us on e.user_id = us.user_id
    where
      e.started_at >= near_start and e.started_at < near_end
      and (only_user is null or e.user_id = only_user)
      and (e.started_at at time zone coalesce(us.time_zone, 'UTC'))::date = target_date
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

  event_totals as (
    select
      e.user_id,
      coalesce(sum(e.cost), 0)::numeric(38, 8) as total_cost,
      sum(e.input_tokens)::bigint as total_input_tokens,
      sum(e.output_tokens)::bigint as total_output_tokens,
      (count(*) - count(e.cost))::integer as unpriced_events
    from day_events as e
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
        sum(e.cost)::numeric(38, 8) as cost,
        sum(e.input_tokens)::bigint as input_tokens,
        sum(e.output_tokens)::bigint as output_tokens
      from day_events as e
      group by e.user_id, e.vendor_id
    ) as ve on vi.user_id = ve.user_id and vi.vendor_id = ve.vendor_id
    group by coalesce(vi.user_id, ve.user_id)
  ),

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
    -- A user deleted meanwhile has no row to write (the refresh runs under read committed).
    where exists (select from auth.users as u where u.id = t.user_id)
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
    -- Unchanged rows are left alone (updated_at too): a second run writes nothing.
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
'The body of update_daily_usage_stats: recomputes ai_usage_stats of target_date, each user''s local date in their reporting time zone, from the ledger (interactions live and deleted; cost and tokens from private.usage_events), for every user (only_user null) or for one user; returns the rows inserted, updated or deleted.';
