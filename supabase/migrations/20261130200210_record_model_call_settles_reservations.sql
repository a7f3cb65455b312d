-- record_model_call and record_model_calls settle reservations (issue 11, contract 3): a new
-- optional reservation_id (per entry in a batch) closes the admission of that call with the
-- call's real cost, in the transaction that records the call. Only this branch redefines
-- these two functions; their bodies (private.record_model_call(s)) are unchanged.

-- Settling: the reservation takes the recorded call's cost and stops being open. A retried
-- call (same idempotency key, same first record) settles nothing twice.
create function private.settle_budget_reservations(
  reservation_ids uuid [], model_call_ids uuid [], in_batch boolean
)
returns void
language plpgsql
volatile
security definer
set search_path = ''
as $$
declare
  is_service boolean := pg_catalog.pg_has_role(
    coalesce(nullif(current_setting('role'), 'none'), session_user), 'service_role', 'member'
  );
  caller uuid := auth.uid();
  bad_entry bigint;
  problem text;
begin
  if cardinality(settle_budget_reservations.reservation_ids)
    is distinct from cardinality(settle_budget_reservations.model_call_ids) then
    raise exception using errcode = '22023', message = 'reservation_id: one per model call';
  end if;
  -- Locked in id order (parallel settlements of overlapping sets wait, never deadlock).
  perform
  from public.budget_reservations as r
  where r.id = any(settle_budget_reservations.reservation_ids)
  order by r.id
  for no key update;
  select k.ordinality - 1, p.problem into bad_entry, problem
  from unnest(settle_budget_reservations.reservation_ids, settle_budget_reservations.model_call_ids)
    with ordinality as k (reservation_id, model_call_id, ordinality)
  left join public.budget_reservations as r on k.reservation_id = r.id
  left join public.model_calls as m on k.model_call_id = m.id
  cross join lateral (
    select case
      when r.id is null or m.id is null or r.user_id <> m.user_id
        or (not is_service and r.user_id is distinct from caller)
        then 'PT404|reservation_id: no reservation with this id is visible to you'
      when r.agent_id <> m.agent_id then '22023|reservation_id: was admitted for another agent'
      when r.settled_at is not null and r.model_call_id <> m.id
        then '22023|reservation_id: already settled by another model call'
      when (
        select count(*) from unnest(settle_budget_reservations.reservation_ids) as x (id)
        where x.id = k.reservation_id
      ) > 1 and r.settled_at is null
        then '22023|reservation_id: appears more than once in the batch'
    end as problem
  ) as p
  where k.reservation_id is not null and p.problem is not null
  order by k.ordinality
  limit 1;
  if problem is not null then
    raise exception using
      errcode = split_part(problem, '|', 1),
      message = case when settle_budget_reservations.in_batch then format('calls[%s].', bad_entry) else '' end
      || split_part(problem, '|', 2);
  end if;
  update public.budget_reservations as r
  set settled_at = now(), actual_cost = m.cost, model_call_id = m.id
  from unnest(settle_budget_reservations.reservation_ids, settle_budget_reservations.model_call_ids)
    as k (reservation_id, model_call_id)
  inner join public.model_calls as m on k.model_call_id = m.id
  where r.id = k.reservation_id and r.settled_at is null;
end;
$$;
comment on function private.settle_budget_reservations(uuid [], uuid [], boolean) is
'Settles each reservation (null entries skipped) with the model call at the same position (in_batch: refusals name the entry, calls[i].reservation_id): its cost, its id, now. The reservation must be the call''s user''s and agent''s (PT404 / 22023) and not settled by another call (a retry settles nothing twice). Signed-in callers settle only their own.';
revoke execute on function private.settle_budget_reservations(uuid [], uuid [], boolean)
from public, anon, authenticated, service_role;
grant execute on function private.settle_budget_reservations(uuid [], uuid [], boolean)
to authenticated, service_role;

-- record_model_call gains reservation_id (contract 3): dropped and created again with the
-- new signature, its behaviour otherwise unchanged (the body stays private.record_model_call).
-- Callers that name their arguments (PostgREST, the client) are unaffected: the new argument
-- has a default.
-- squawk-ignore ban-drop-function
drop function public.record_model_call(
  uuid, integer, integer, integer, integer, integer, text, text, text, uuid, text, text, text,
  integer, integer, timestamptz, timestamptz, numeric, jsonb, text
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
  idempotency_key text default null,
  reservation_id uuid default null
)
returns public.model_calls
language plpgsql
volatile
security invoker
set search_path = ''
as $$
declare
  recorded public.model_calls;
begin
  recorded := private.record_model_call(
    record_model_call.agent_id, record_model_call.input_tokens,
    record_model_call.cached_input_tokens, record_model_call.cache_write_tokens,
    record_model_call.output_tokens, record_model_call.reasoning_tokens,
    record_model_call.service_id, record_model_call.vendor_id, record_model_call.model_name,
    record_model_call.interaction_id, record_model_call.status, record_model_call.error_code,
    record_model_call.error_message, record_model_call.latency_ms,
    record_model_call.time_to_first_token_ms, record_model_call.started_at,
    record_model_call.ended_at, record_model_call.cost, record_model_call.metadata,
    record_model_call.idempotency_key, ''
  );
  if record_model_call.reservation_id is not null then
    perform private.settle_budget_reservations(
      array[record_model_call.reservation_id], array[recorded.id], false
    );
  end if;
  return recorded;
end;
$$;
comment on function public.record_model_call(
  uuid, integer, integer, integer, integer, integer, text, text, text, uuid, text, text, text,
  integer, integer, timestamptz, timestamptz, numeric, jsonb, text, uuid
) is
'Records one model call of an agent and returns its row. The five token kinds are disjoint (input at the full rate, cached input, cache writes, output, reasoning). service_id and vendor_id default to the agent''s. The cost is computed exactly at the price valid at started_at (default now); a cost given is kept and marked supplied; with no price the cost is null (unpriced). The same idempotency_key again returns the first record, counted once. With interaction_id, the interaction''s input_tokens, output_tokens and total_cost become the sums of its calls. With reservation_id (from admit_model_call), settles that reservation with the call''s real cost. The call counts in every budget covering it, in the same transaction. The agent''s owner or service_role (any agent); anyone else''s or an unknown agent: PT404. Security invoker: the work is done by private.record_model_call.';
revoke execute on function public.record_model_call(
  uuid, integer, integer, integer, integer, integer, text, text, text, uuid, text, text, text,
  integer, integer, timestamptz, timestamptz, numeric, jsonb, text, uuid
) from public, anon, authenticated, service_role;
grant execute on function public.record_model_call(
  uuid, integer, integer, integer, integer, integer, text, text, text, uuid, text, text, text,
  integer, integer, timestamptz, timestamptz, numeric, jsonb, text, uuid
) to authenticated, service_role;

-- record_model_calls: each entry may carry reservation_id. The entries go to
-- private.record_model_calls without it; the rows come back in order, so the reservation of
-- entry i is settled with row i.
-- squawk-ignore ban-drop-function
drop function public.record_model_calls(jsonb);

create function public.record_model_calls(calls jsonb)
returns setof public.model_calls
language plpgsql
volatile
security invoker
set search_path = ''
as $$
declare
  bad_entry bigint;
  reservations uuid [];
  recorded uuid [];
begin
  if jsonb_typeof(record_model_calls.calls) is distinct from 'array'
    or not exists (
      select from jsonb_array_elements(record_model_calls.calls) as e
      where jsonb_typeof(e.value) = 'object' and e.value ? 'reservation_id'
    ) then
    return query select * from private.record_model_calls(record_model_calls.calls);
    return;
  end if;
  select min(e.ordinality) - 1 into bad_entry
  from jsonb_array_elements(record_model_calls.calls) with ordinality as e
  where
    jsonb_typeof(e.value) = 'object'
    and case jsonb_typeof(e.value -> 'reservation_id')
      when 'string' then
        e.value ->> 'reservation_id'
        !~ '^[0-9a-fA-F]{8}-?([0-9a-fA-F]{4}-?){3}[0-9a-fA-F]{12}$'
      else coalesce(jsonb_typeof(e.value -> 'reservation_id'), 'null') <> 'null'
    end;
  if bad_entry is not null then
    raise exception using
      errcode = '22023', message = format('calls[%s].reservation_id: must be a UUID', bad_entry);
  end if;
  reservations := array(
    select (e.value ->> 'reservation_id')::uuid
    from jsonb_array_elements(record_model_calls.calls) with ordinality as e
    order by e.ordinality
  );
  recorded := array(
    select m.id
    from private.record_model_calls((
      select jsonb_agg(
        case when jsonb_typeof(e.value) = 'object' then e.value - 'reservation_id' else e.value end
        order by e.ordinality
      )
      from jsonb_array_elements(record_model_calls.calls) with ordinality as e
    )) with ordinality as m
    order by m.ordinality
  );
  perform private.settle_budget_reservations(reservations, recorded, true);
  return query
  select c.*
  from unnest(recorded) with ordinality as k (id, ordinality)
  inner join public.model_calls as c on k.id = c.id
  order by k.ordinality;
end;
$$;
comment on function public.record_model_calls(jsonb) is
'Records a batch of model calls in one request and one transaction (all or nothing): a JSON array of at most 1000 objects whose keys are the arguments of record_model_call (absent token counts are 0, absent status succeeded; reservation_id settles that admission with the call''s cost). Returns the rows in order; a refusal names the entry (calls[2].input_tokens). The agents'' owner or service_role.';
revoke execute on function public.record_model_calls(jsonb)
from public, anon, authenticated, service_role;
grant execute on function public.record_model_calls(jsonb) to authenticated, service_role;
