-- The usage ledger's one input (issue 10, "usage is a financial record"): every rollup,
-- cost breakdown and budget reads what was spent from private.usage_events, never from
-- model_calls and ai_interactions directly, so the rule of what counts lives in one place.
-- One row per model call, plus one row per interaction recorded without calls (the seed-002
-- way: its own totals, its input tokens as input_tokens, status succeeded). Interactions
-- deleted without calls join it in a later migration of this series (their numbers are kept
-- in a private table). Not exposed: the view is in private and no API role may read it.
create view private.usage_events
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
  i.vendor_id,
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
where not exists (
  select from public.model_calls as c
  where c.interaction_id = i.id
);

comment on view private.usage_events is
'What was spent, one row per event: every model call (model_call_id set), and every interaction that has no calls (model_call_id null; its own totals, input tokens as input_tokens, status succeeded). cost null = unpriced, never 0. The one input of statistics, cost breakdowns and budgets. Not exposed to API roles.';
comment on column private.usage_events.model_call_id is
'The model call, or null for an interaction-level event (an interaction recorded without calls).';
comment on column private.usage_events.vendor_id is
'The vendor used at the time (the call''s, or the one recorded on the interaction; null only for an interaction recorded before vendors were recorded).';
comment on column private.usage_events.cost is 'USD, exact; null when unpriced.';
comment on column private.usage_events.status is
'The call''s status (succeeded, failed, cancelled); succeeded for an interaction-level event.';

revoke all on private.usage_events from public, anon, authenticated, service_role;
