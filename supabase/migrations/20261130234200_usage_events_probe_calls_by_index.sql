-- private.usage_events looks up the calls of each interaction it reads by index. As NOT
-- EXISTS the planner may turn "an interaction without calls" into a hash anti join that reads
-- every model call of every user (tests/test_bench.py's plan check found it in the cost
-- breakdown); a correlated subquery with LIMIT cannot become a join, so it is one probe of
-- model_calls_interaction_id_idx per interaction the caller's filters (user, time) keep.
create or replace view private.usage_events
with (security_invoker = true)
as
select
  m.user_id,
  m.agent_id,
  m.interaction_id,
  m.id as model_call_id,
  m.vendor_id,
  m.service_id,
  m.model_name,
  m.started_at,
  m.input_tokens::bigint as input_tokens,
  m.cached_input_tokens::bigint as cached_input_tokens,
  m.cache_write_tokens::bigint as cache_write_tokens,
  m.output_tokens::bigint as output_tokens,
  m.reasoning_tokens::bigint as reasoning_tokens,
  -- numeric(24, 12) and the interactions' numeric(16, 8) meet as numeric.
  m.cost,
  m.status,
  m.latency_ms,
  m.time_to_first_token_ms
from public.model_calls as m
union all
select
  i.user_id,
  i.agent_id,
  i.id as interaction_id,
  null::uuid as model_call_id,
  coalesce(i.vendor_id, a.vendor_id) as vendor_id,
  i.service_id,
  null::text as model_name,
  i.started_at,
  i.input_tokens::bigint as input_tokens,
  0::bigint as cached_input_tokens,
  0::bigint as cache_write_tokens,
  i.output_tokens::bigint as output_tokens,
  0::bigint as reasoning_tokens,
  i.total_cost::numeric,
  'succeeded'::text as status,
  null::integer as latency_ms,
  null::integer as time_to_first_token_ms
from public.ai_interactions as i
left join public.ai_agents as a on i.agent_id = a.id
where
  (
    select c.id from public.model_calls as c
    where c.interaction_id = i.id
    limit 1
  ) is null
union all
select
  d.user_id,
  d.agent_id,
  d.id as interaction_id,
  null::uuid as model_call_id,
  d.vendor_id,
  d.service_id,
  null::text as model_name,
  d.started_at,
  d.input_tokens::bigint as input_tokens,
  0::bigint as cached_input_tokens,
  0::bigint as cache_write_tokens,
  d.output_tokens::bigint as output_tokens,
  0::bigint as reasoning_tokens,
  d.total_cost::numeric,
  'succeeded'::text as status,
  null::integer as latency_ms,
  null::integer as time_to_first_token_ms
from private.deleted_interactions as d
where
  (
    select c.id from public.model_calls as c
    where c.interaction_id = d.id
    limit 1
  ) is null;
