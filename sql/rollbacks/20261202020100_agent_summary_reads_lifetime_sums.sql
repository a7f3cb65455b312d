-- agent_summary back to one private.agent_interaction_totals call per agent (20261130234000).
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
  a.updated_at,
  a.status
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
left join lateral private.agent_interaction_totals(a.id, null, null) as u on true
where a.status <> 'archived';

drop function private.agent_lifetime_totals();
