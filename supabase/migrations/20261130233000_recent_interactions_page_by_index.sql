-- recent_interactions read every row of the user to return a page (issue 12): measured at
-- 1M calls, 400k interactions, its first page as the busiest user took 123 ms (p95 268 ms)
-- against 1.7 ms for the owner's query with the user's filter written out. As a user, the
-- planner cannot see that every visible interaction's agent is visible too (the agent is
-- the interaction's own, by the (agent_id, user_id) foreign key, and the owner reads their
-- agents), so the inner join under the agents' policy (own or public) looked selective
-- enough to estimate fewer rows than the page: it joined all the user's agents to all their
-- interactions and sorted them. A left join keeps the interactions' row count, so the plan
-- reads the user's interactions newest first by idx_ai_interactions_user_id and stops after
-- the page (1.3 ms). Same rows, same columns, same order: an interaction's agent always
-- exists and is visible to whoever sees the interaction.
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
