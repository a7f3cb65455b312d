-- Back to the lifecycle's agent_summary (20261130210000), same columns.
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
) as u on true
where a.status <> 'archived';

comment on view public.agent_summary is
'Each agent visible to the caller, archived ones left out (read ai_agents where status = ''archived'' for those), with vendor name, service display name, features (primary first, then by the feature''s sort order) and usage totals over all its interactions (every status). RLS applies (security_invoker): other users'' public agents appear with the agent row (its usage_count, last_used_at and activity_score included) but without features or interaction totals.';
