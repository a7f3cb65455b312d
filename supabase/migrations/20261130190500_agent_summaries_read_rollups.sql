-- get_agent_usage_summary and agent_summary read rollups, not the raw log (issue 10), and
-- stay exact including today, with their seed-002 signature, columns and results: their
-- figures come from private.agent_interaction_totals (20261130190400), which sums
-- private.agent_interactions_daily for the UTC dates no mark names and reads
-- ai_interactions for the others.

-- get_agent_usage_summary: the same checks and columns (20261130120500), the figures from
-- private.agent_interaction_totals over the window (now() - days, now()].
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
  select
    now() - make_interval(days => get_agent_usage_summary.days),
    now(),
    t.interaction_count,
    t.total_input_tokens,
    t.total_output_tokens,
    t.total_cost,
    t.total_duration_minutes,
    t.avg_satisfaction,
    t.avg_usefulness,
    t.first_used_at,
    t.last_used_at,
    t.active_days,
    t.interactions_by_type
  from private.agent_interaction_totals(
    get_agent_usage_summary.agent_id,
    now() - make_interval(days => get_agent_usage_summary.days),
    now()
  ) as t;
end;
$$;

-- agent_summary: the same columns, its usage totals from private.agent_interaction_totals
-- (the owner's and service_role's; zeros for other users' public agents, as before).
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
  u.total_cost::numeric(38, 8) as total_cost,
  u.last_used_at as last_interaction_at,
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
left join lateral private.agent_interaction_totals(a.id, null, null) as u on true;
