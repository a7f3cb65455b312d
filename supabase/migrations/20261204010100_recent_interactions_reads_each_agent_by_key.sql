-- recent_interactions reads each row's agent by its key (issue 12). The `large` run
-- measured a month's first page as the busiest user at 0.87 ms against 0.31 ms for the
-- owner's query (2.8x). As a user, the agents' policy (own or public) made the planner
-- read every agent the user can see (about 300 of their own and the public ones),
-- materialize them and test each against each interaction of the page; the owner's plan
-- looks each agent up by its key. A lateral read of one agent by id (its primary key, the
-- policy applied to that row) gives the user that plan too. Medium data, busiest user,
-- 200 reads (median): as the user 0.44 -> 0.32 ms, as the owner 1.09 -> 0.28 ms (its plan
-- now reads the user's index too). Same rows, columns and order: the id is unique, and an agent
-- the caller cannot see leaves the same nulls as the left join did.
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
left join lateral (
  select
    g.name,
    g.vendor_id,
    g.service_id,
    g.model_name
  from public.ai_agents as g
  where g.id = i.agent_id
  limit 1
) as a on true
left join public.vendors as v on a.vendor_id = v.id
left join public.vendor_services as s on a.service_id = s.id
left join public.interaction_types as t on i.interaction_type_id = t.id
where i.status <> 'deleted'
order by i.started_at desc, i.id desc;
