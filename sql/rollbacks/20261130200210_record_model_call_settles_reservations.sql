-- Rollback of 20261130200210_record_model_call_settles_reservations.sql: record_model_call(s)
-- as defined by 20261130160200 (public wrappers without reservation_id).
drop function public.record_model_calls(jsonb);
create function public.record_model_calls(calls jsonb)
returns setof public.model_calls
language sql
volatile
security invoker
set search_path = ''
as $$
  select * from private.record_model_calls(record_model_calls.calls)
$$;
comment on function public.record_model_calls(jsonb) is
'Records a batch of model calls in one request and one transaction (all or nothing): a JSON array of at most 1000 objects whose keys are the arguments of record_model_call (absent token counts are 0, absent status succeeded). Returns the rows in order; a refusal names the entry (calls[2].input_tokens). The agents'' owner or service_role.';
revoke execute on function public.record_model_calls(jsonb)
from public, anon, authenticated, service_role;
grant execute on function public.record_model_calls(jsonb) to authenticated, service_role;

drop function public.record_model_call(
  uuid, integer, integer, integer, integer, integer, text, text, text, uuid, text, text, text,
  integer, integer, timestamptz, timestamptz, numeric, jsonb, text, uuid
);
create function public.record_model_call(
  agent_id uuid,
  input_tokens integer default 0,
  cached_input_tokens integer default 0,
  cache_write_tokens integer default 0,
  output_tokens integer default 0,
  reasoning_tokens integer default 0,
  service_id text default null,
  vendor_id text default null,
  model_name text default null,
  interaction_id uuid default null,
  status text default 'succeeded',
  error_code text default null,
  error_message text default null,
  latency_ms integer default null,
  time_to_first_token_ms integer default null,
  started_at timestamptz default null,
  ended_at timestamptz default null,
  cost numeric default null,
  metadata jsonb default null,
  idempotency_key text default null
)
returns public.model_calls
language sql
volatile
security invoker
set search_path = ''
as $$
  select * from private.record_model_call(
    record_model_call.agent_id, record_model_call.input_tokens,
    record_model_call.cached_input_tokens, record_model_call.cache_write_tokens,
    record_model_call.output_tokens, record_model_call.reasoning_tokens,
    record_model_call.service_id, record_model_call.vendor_id, record_model_call.model_name,
    record_model_call.interaction_id, record_model_call.status, record_model_call.error_code,
    record_model_call.error_message, record_model_call.latency_ms,
    record_model_call.time_to_first_token_ms, record_model_call.started_at,
    record_model_call.ended_at, record_model_call.cost, record_model_call.metadata,
    record_model_call.idempotency_key, ''
  )
$$;
comment on function public.record_model_call(
  uuid, integer, integer, integer, integer, integer, text, text, text, uuid, text, text, text,
  integer, integer, timestamptz, timestamptz, numeric, jsonb, text
) is
'Records one model call of an agent and returns its row. The five token kinds are disjoint (input at the full rate, cached input, cache writes, output, reasoning). service_id and vendor_id default to the agent''s. The cost is computed exactly at the price valid at started_at (default now); a cost given is kept and marked supplied; with no price the cost is null (unpriced). The same idempotency_key again returns the first record, counted once. With interaction_id, the interaction''s input_tokens, output_tokens and total_cost become the sums of its calls. The agent''s owner or service_role (any agent); anyone else''s or an unknown agent: PT404. Security invoker: the work is done by private.record_model_call.';
revoke execute on function public.record_model_call(
  uuid, integer, integer, integer, integer, integer, text, text, text, uuid, text, text, text,
  integer, integer, timestamptz, timestamptz, numeric, jsonb, text
) from public, anon, authenticated, service_role;
grant execute on function public.record_model_call(
  uuid, integer, integer, integer, integer, integer, text, text, text, uuid, text, text, text,
  integer, integer, timestamptz, timestamptz, numeric, jsonb, text
) to authenticated, service_role;

drop function private.settle_budget_reservations(uuid [], uuid [], boolean);
