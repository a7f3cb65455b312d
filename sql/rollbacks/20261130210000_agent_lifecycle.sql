-- Rollback of 20261130210000_agent_lifecycle.sql.
drop function public.restore_agent(uuid, text);
drop function public.archive_agent(uuid, text);
drop function public.set_agent_status(uuid, text, text);
-- agent_summary as before: the rollups' body (20261130190500); a view cannot lose a column
-- in place.
drop view public.agent_summary;
create view public.agent_summary
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

comment on view public.agent_summary is
'Each agent visible to the caller with vendor name, service display name, features (primary first, then by the feature''s sort order) and usage totals over all its interactions (every status). RLS applies (security_invoker): other users'' public agents appear without features or usage.';
comment on column public.agent_summary.features is 'Feature ids, the primary one first.';
comment on column public.agent_summary.primary_feature is 'The primary feature id, or null.';
comment on column public.agent_summary.total_cost is
'Exact sum of the interactions'' total_cost (unpriced count 0); numeric(38,8), which no number of interactions can overflow.';
comment on column public.agent_summary.last_interaction_at is 'Newest started_at among the interactions the caller can see.';

revoke all on public.agent_summary from anon, authenticated, service_role;
grant select on public.agent_summary to authenticated, service_role;
comment on view public.agent_summary is
'Each agent visible to the caller with vendor name, service display name, features (primary first, then by the feature''s sort order) and usage totals over all its interactions (every status). RLS applies (security_invoker): other users'' public agents appear with the agent row (its usage_count, last_used_at and activity_score included) but without features or interaction totals.';
drop trigger ai_agents_record_status_update on public.ai_agents;
drop trigger ai_agents_record_status_insert on public.ai_agents;
drop function private.record_agent_status_change();
drop table public.agent_status_history;
drop trigger ai_agents_a_sync_lifecycle on public.ai_agents;
drop function private.sync_agent_lifecycle();
drop function private.is_running_agent_status(text);
alter table public.ai_agents drop column status;
comment on column public.ai_agents.is_active is null;
drop function private.agent_status_transitions();
