-- Rollback of 20261130190500_agent_summaries_read_rollups.sql: agent_summary and
-- get_agent_usage_summary read ai_interactions again (20261130120000, 20261130120500).
create or replace view public.agent_summary
with (security_invoker = true)
as
select
  a.id,
  a.name,
  a.description,
  a.vendor_id,
  v.name as vendor_name,
  a.service_id,
  s.display_name as service_display_name,
  a.model_name,
  a.tags,
  f.features,
  f.primary_feature,
  a.is_active,
  a.is_favorite,
  a.is_public,
  a.activity_score,
  a.usage_count,
  a.last_used_at,
  u.interaction_count,
  u.total_input_tokens,
  u.total_output_tokens,
  u.total_cost,
  u.last_interaction_at,
  u.avg_satisfaction,
  u.avg_usefulness,
  a.user_id,
  a.created_at,
  a.updated_at
from public.ai_agents as a
left join public.vendors as v on a.vendor_id = v.id
left join public.vendor_services as s on a.service_id = s.id
left join lateral (
  select
    coalesce(
      array_agg(m.feature_id order by m.is_primary desc, af.sort_order asc, m.feature_id asc), '{}'
    ) as features,
    min(m.feature_id) filter (where m.is_primary) as primary_feature
  from public.agent_feature_mappings as m
  left join public.agent_features as af on m.feature_id = af.id
  where m.agent_id = a.id
) as f on true
left join lateral (
  select
    coalesce(sum(i.input_tokens), 0)::bigint as total_input_tokens,
    coalesce(sum(i.output_tokens), 0)::bigint as total_output_tokens,
    coalesce(sum(i.total_cost), 0)::numeric(38, 8) as total_cost,
    avg(i.satisfaction_rating)::real as avg_satisfaction,
    avg(i.usefulness_rating)::real as avg_usefulness,
    count(*) as interaction_count,
    max(i.started_at) as last_interaction_at
  from public.ai_interactions as i
  where i.agent_id = a.id and i.user_id = a.user_id
) as u on true;

create or replace function public.get_agent_usage_summary(agent_id uuid, days integer default 30)
returns table (
  period_start timestamptz,
  period_end timestamptz,
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
security invoker
set search_path = ''
as $$
begin
  if get_agent_usage_summary.agent_id is null then
    raise exception using
      errcode = '22004',
      message = 'agent_id: must not be null',
      hint = 'Pass the id of one of your agents.';
  end if;
  if get_agent_usage_summary.days is null then
    raise exception using
      errcode = '22004',
      message = 'days: must not be null',
      hint = 'Pass a number of days from 1 to 3650, or omit it for 30.';
  end if;
  if get_agent_usage_summary.days not between 1 and 3650 then
    raise exception using
      errcode = '22023',
      message = format('days: must be between 1 and 3650, got %s', get_agent_usage_summary.days),
      hint = 'Pass a number of days from 1 to 3650, or omit it for 30.';
  end if;
  -- RLS shows signed-in users their own agents and public ones; only their own have
  -- interactions they can read, so anything else is "not found" rather than zeros.
  if not exists (
    select from public.ai_agents as a
    where
      a.id = get_agent_usage_summary.agent_id
      and (
        a.user_id = (select auth.uid())
        or current_setting('role') not in ('anon', 'authenticated')
      )
  ) then
    raise exception using
      errcode = 'PT404',
      message = 'agent_id: no such agent among yours',
      hint = 'Pass the id of an agent you own.';
  end if;

  return query
  with window_rows as (
    select i.*
    from public.ai_interactions as i
    where
      i.agent_id = get_agent_usage_summary.agent_id
      and i.started_at > now() - make_interval(days => get_agent_usage_summary.days)
      and i.started_at <= now()
  ),

  by_type as (
    select jsonb_object_agg(t.interaction_type_id, t.n) as counts
    from (
      select w.interaction_type_id, count(*) as n
      from window_rows as w
      where w.interaction_type_id is not null
      group by w.interaction_type_id
    ) as t
  )

  select
    now() - make_interval(days => get_agent_usage_summary.days),
    now(),
    count(*),
    coalesce(sum(w.input_tokens), 0)::bigint,
    coalesce(sum(w.output_tokens), 0)::bigint,
    coalesce(sum(w.total_cost), 0)::numeric(38, 8)::numeric,
    coalesce(sum(w.duration_minutes), 0)::bigint,
    avg(w.satisfaction_rating)::real,
    avg(w.usefulness_rating)::real,
    min(w.started_at),
    max(w.started_at),
    count(distinct (w.started_at at time zone 'UTC')::date)::integer,
    coalesce((select b.counts from by_type as b), '{}')
  from window_rows as w;
end;
$$;
