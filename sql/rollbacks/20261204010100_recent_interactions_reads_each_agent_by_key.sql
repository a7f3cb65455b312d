-- Back to the left join of every visible agent (20261130233000).
create or replace view public.recent_interactions
with (security_invoker = true)
as
select
  i.id,
  i.agent_id,
  a.name as agent_name,
  a.vendor_id,
  v.name as vendor_name,
  a.service_id,
  s.display_name as service_display_name,
  a.model_name,
  i.title,
  i.description,
  i.interaction_type_id,
  t.name as interaction_type_name,
  t.icon as interaction_type_icon,
  t.color as interaction_type_color,
  i.content_preview,
  i.external_link,
  i.external_id,
  i.input_tokens,
  i.output_tokens,
  i.total_cost,
  i.tags,
  i.satisfaction_rating,
  i.usefulness_rating,
  i.started_at,
  i.ended_at,
  i.duration_minutes,
  i.status,
  i.user_id,
  i.created_at
from public.ai_interactions as i
left join public.ai_agents as a on i.agent_id = a.id
left join public.vendors as v on a.vendor_id = v.id
left join public.vendor_services as s on a.service_id = s.id
left join public.interaction_types as t on i.interaction_type_id = t.id
where i.status <> 'deleted'
order by i.started_at desc, i.id desc;
