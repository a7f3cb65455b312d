-- Rollback of 20261204020200_record_model_call_refuses_frozen_days: the function as
-- 20261203020100 left it.

create or replace function private.record_model_call(
  agent_id uuid,
  input_tokens integer,
  cached_input_tokens integer,
  cache_write_tokens integer,
  output_tokens integer,
  reasoning_tokens integer,
  service_id text,
  vendor_id text,
  model_name text,
  interaction_id uuid,
  status text,
  error_code text,
  error_message text,
  latency_ms integer,
  time_to_first_token_ms integer,
  started_at timestamptz,
  ended_at timestamptz,
  cost numeric,
  metadata jsonb,
  idempotency_key text,
  field text default ''
)
returns public.model_calls
language plpgsql
security definer
set search_path = ''
as $$
declare
  new_id uuid := gen_random_uuid();
  f text := coalesce(record_model_call.field, '');
  is_service boolean := pg_catalog.pg_has_role(
    coalesce(nullif(current_setting('role'), 'none'), session_user), 'service_role', 'member'
  );
  caller uuid := auth.uid();
  agent_vendor text;
  agent_service text;
  owner_id uuid;
  chosen_service text;
  chosen_vendor text;
  service_vendor text;
  interaction_user uuid;
  interaction_agent uuid;
  started timestamptz := coalesce(record_model_call.started_at, now());
  computed numeric;
  chosen_price text;
  supplied boolean := record_model_call.cost is not null;
  recorded public.model_calls;
  total_in bigint;
  total_out bigint;
  sum_cost numeric;
begin
  if not is_service then
    if caller is null then
      raise exception using
        errcode = '42501',
        message = 'record_model_call: sign in, or call it with the service_role key',
        hint = 'Signed-in users record calls of their own agents; servers use service_role.';
    end if;
    -- private.is_anonymous() written out: a SQL function with its own search_path is
    -- parsed and planned at every call, this expression once per session.
    if coalesce(auth.jwt() ->> 'is_anonymous', '') = 'true' then
      raise exception using
        errcode = '42501',
        message = 'record_model_call: anonymous users may not record model calls',
        hint = 'Sign up (link an email or another identity) first.';
    end if;
  end if;

  if record_model_call.agent_id is null then
    raise exception using errcode = '22004', message = f || 'agent_id: required';
  end if;
  -- The agent, and with it the vendor service the call names, else the agent's (checked
  -- below, in the same order as ever): one read instead of two.
  select a.user_id, a.vendor_id, a.service_id, s.vendor_id
  into owner_id, agent_vendor, agent_service, service_vendor
  from public.ai_agents as a
  left join (public.vendor_services as s inner join public.vendors as v on s.vendor_id = v.id)
    on
      s.id = coalesce(
        record_model_call.service_id,
        case
          when record_model_call.vendor_id is null or record_model_call.vendor_id = a.vendor_id
            then a.service_id
        end
      )
      and (is_service or (s.is_active and v.is_active))
  where a.id = record_model_call.agent_id;
  if not found or (not is_service and owner_id is distinct from caller) then
    raise exception using
      errcode = 'PT404',
      message = f || 'agent_id: no agent with this id is visible to you',
      hint = 'Pass the id of an agent you own.';
  end if;

  -- Token counts: required (0 when absent), never negative.
  if record_model_call.input_tokens is null then
    raise exception using errcode = '22004', message = f || 'input_tokens: required';
  elsif record_model_call.cached_input_tokens is null then
    raise exception using errcode = '22004', message = f || 'cached_input_tokens: required';
  elsif record_model_call.cache_write_tokens is null then
    raise exception using errcode = '22004', message = f || 'cache_write_tokens: required';
  elsif record_model_call.output_tokens is null then
    raise exception using errcode = '22004', message = f || 'output_tokens: required';
  elsif record_model_call.reasoning_tokens is null then
    raise exception using errcode = '22004', message = f || 'reasoning_tokens: required';
  elsif record_model_call.input_tokens < 0 then
    raise exception using errcode = '22023', message = f || 'input_tokens: must not be negative';
  elsif record_model_call.cached_input_tokens < 0 then
    raise exception using errcode = '22023', message = f || 'cached_input_tokens: must not be negative';
  elsif record_model_call.cache_write_tokens < 0 then
    raise exception using errcode = '22023', message = f || 'cache_write_tokens: must not be negative';
  elsif record_model_call.output_tokens < 0 then
    raise exception using errcode = '22023', message = f || 'output_tokens: must not be negative';
  elsif record_model_call.reasoning_tokens < 0 then
    raise exception using errcode = '22023', message = f || 'reasoning_tokens: must not be negative';
  end if;

  if record_model_call.status is null then
    raise exception using errcode = '22004', message = f || 'status: required';
  elsif record_model_call.status not in ('succeeded', 'failed', 'cancelled') then
    raise exception using
      errcode = '22023', message = f || 'status: must be succeeded, failed or cancelled';
  end if;
  if record_model_call.error_code !~ '\S' or length(record_model_call.error_code) > 200 then
    raise exception using
      errcode = '22023', message = f || 'error_code: must be 1 to 200 characters, not blank';
  end if;
  if length(record_model_call.error_message) > 4000 then
    raise exception using
      errcode = '22023', message = f || 'error_message: must be at most 4000 characters';
  end if;
  if record_model_call.model_name !~ '^[^\s]{1,200}$' then
    raise exception using
      errcode = '22023', message = f || 'model_name: must be 1 to 200 characters without whitespace';
  end if;
  if record_model_call.latency_ms < 0 then
    raise exception using errcode = '22023', message = f || 'latency_ms: must not be negative';
  end if;
  if record_model_call.time_to_first_token_ms < 0 then
    raise exception using
      errcode = '22023', message = f || 'time_to_first_token_ms: must not be negative';
  elsif record_model_call.time_to_first_token_ms > record_model_call.latency_ms then
    raise exception using
      errcode = '22023', message = f || 'time_to_first_token_ms: must not exceed latency_ms';
  end if;
  if not isfinite(started) then
    raise exception using errcode = '22023', message = f || 'started_at: must be a finite time';
  elsif started > now() + interval '1 day' then
    raise exception using
      errcode = '22023',
      message = f || 'started_at: must be at most one day ahead of the server clock',
      hint = 'Send times in UTC or with their offset.';
  end if;
  if not isfinite(record_model_call.ended_at) then
    raise exception using errcode = '22023', message = f || 'ended_at: must be a finite time';
  elsif record_model_call.ended_at < started then
    raise exception using errcode = '22023', message = f || 'ended_at: must not be before started_at';
  end if;
  if supplied and (record_model_call.cost < 0 or record_model_call.cost = 'NaN') then
    raise exception using errcode = '22023', message = f || 'cost: must be a number, not negative';
  elsif supplied and pg_catalog.scale(record_model_call.cost) > 12 then
    raise exception using
      errcode = '22023', message = f || 'cost: at most 12 decimal places (it is kept exactly)';
  elsif supplied and record_model_call.cost >= 1000000000000 then
    raise exception using errcode = '22023', message = f || 'cost: must be less than 10^12';
  end if;
  if record_model_call.metadata is not null and (
    jsonb_typeof(record_model_call.metadata) <> 'object'
    or octet_length(record_model_call.metadata::text) > 16384
  ) then
    raise exception using
      errcode = '22023', message = f || 'metadata: must be a JSON object of at most 16 KiB';
  end if;
  if record_model_call.idempotency_key !~ '\S' or length(record_model_call.idempotency_key) > 200 then
    raise exception using
      errcode = '22023', message = f || 'idempotency_key: must be 1 to 200 characters, not blank';
  end if;

  -- The service and vendor actually called: as given, else the agent's at this moment.
  chosen_service := coalesce(
    record_model_call.service_id,
    case
      when record_model_call.vendor_id is null or record_model_call.vendor_id = agent_vendor
        then agent_service
    end
  );
  if chosen_service is not null then
    if service_vendor is null then
      raise exception using
        errcode = '23503',
        message = f || 'service_id: no vendor service with this id is visible to you',
        hint = 'Pick an active row of vendor_services.';
    end if;
    if record_model_call.vendor_id is not null and record_model_call.vendor_id <> service_vendor then
      raise exception using
        errcode = '22023', message = f || 'vendor_id: is not the vendor of service_id';
    end if;
    chosen_vendor := service_vendor;
  else
    chosen_vendor := coalesce(record_model_call.vendor_id, agent_vendor);
    if not exists (
      select from public.vendors as v where v.id = chosen_vendor and (is_service or v.is_active)
    ) then
      raise exception using
        errcode = '23503',
        message = f || 'vendor_id: no vendor with this id is visible to you',
        hint = 'Pick an active row of vendors.';
    end if;
  end if;

  -- The interaction: the agent's, locked so that concurrent calls recompute its totals one
  -- after the other (each sees the calls committed before it).
  if record_model_call.interaction_id is not null then
    select i.user_id, i.agent_id into interaction_user, interaction_agent
    from public.ai_interactions as i
    where i.id = record_model_call.interaction_id
    for no key update;
    if not found or interaction_user is distinct from owner_id then
      raise exception using
        errcode = 'PT404',
        message = f || 'interaction_id: no interaction with this id is visible to you',
        hint = 'Pass the id of an interaction of the same agent.';
    end if;
    if interaction_agent <> record_model_call.agent_id then
      raise exception using
        errcode = '22023', message = f || 'interaction_id: belongs to another agent';
    end if;
  end if;

  -- The price valid at the call's start and the cost at that price: private.price_model_calls,
  -- the one formula of record_model_calls and reprice_model_calls. A supplied cost is kept.
  select priced.cost, priced.price_id into computed, chosen_price
  from private.price_model_calls(array[
    row(
      null, owner_id, record_model_call.agent_id, record_model_call.interaction_id, chosen_vendor,
      chosen_service, record_model_call.model_name, record_model_call.input_tokens,
      record_model_call.cached_input_tokens, record_model_call.cache_write_tokens,
      record_model_call.output_tokens, record_model_call.reasoning_tokens, record_model_call.cost,
      null, supplied, record_model_call.latency_ms, record_model_call.time_to_first_token_ms,
      record_model_call.status, record_model_call.error_code, record_model_call.error_message,
      started, record_model_call.ended_at, '{}', record_model_call.idempotency_key, null
    )::public.model_calls
  ]) as priced;

  -- IDEMPOTENCY: the key first, in the same statement: a retried key (or a concurrent one,
  -- once its first writer commits) claims nothing and writes no call.
  with claimed as (
    insert into private.model_call_keys as k (user_id, idempotency_key, model_call_id, started_at)
    select owner_id, record_model_call.idempotency_key, new_id, started
    where record_model_call.idempotency_key is not null
    on conflict do nothing
    returning k.model_call_id
  )
  insert into public.model_calls as m (
    id, user_id, agent_id, interaction_id, vendor_id, service_id, model_name, input_tokens,
    cached_input_tokens, cache_write_tokens, output_tokens, reasoning_tokens, cost, price_id,
    cost_supplied, latency_ms, time_to_first_token_ms, status, error_code, error_message,
    started_at, ended_at, metadata, idempotency_key
  )
  select
    new_id, owner_id, record_model_call.agent_id, record_model_call.interaction_id, chosen_vendor,
    chosen_service, record_model_call.model_name, record_model_call.input_tokens,
    record_model_call.cached_input_tokens, record_model_call.cache_write_tokens,
    record_model_call.output_tokens, record_model_call.reasoning_tokens, computed, chosen_price,
    supplied, record_model_call.latency_ms, record_model_call.time_to_first_token_ms,
    record_model_call.status, record_model_call.error_code, record_model_call.error_message,
    started, record_model_call.ended_at, coalesce(record_model_call.metadata, '{}'),
    record_model_call.idempotency_key
  where record_model_call.idempotency_key is null or exists (select from claimed)
  returning m.* into recorded;

  if recorded.id is null then
    -- Recorded before under this key (a retry): the first record, counted once.
    select m.* into recorded
    from private.model_call_keys as k
    inner join public.model_calls as m on k.model_call_id = m.id and k.started_at = m.started_at
    where k.user_id = owner_id and k.idempotency_key = record_model_call.idempotency_key;
    return recorded;
  end if;

  if record_model_call.interaction_id is not null then
    select
      coalesce(sum(m.input_tokens::bigint + m.cached_input_tokens + m.cache_write_tokens), 0),
      coalesce(sum(m.output_tokens::bigint + m.reasoning_tokens), 0),
      round(sum(m.cost), 8)
    into total_in, total_out, sum_cost
    from public.model_calls as m
    where m.interaction_id = record_model_call.interaction_id;
    if total_in > 2147483647 or total_out > 2147483647 then
      raise exception using
        errcode = '22003',
        message = f || 'interaction_id: the interaction''s token totals would exceed 2147483647';
    end if;
    if sum_cost >= 100000000 then
      raise exception using
        errcode = '22003',
        message = f || 'interaction_id: the interaction''s total_cost would reach 10^8';
    end if;
    update public.ai_interactions as i
    set input_tokens = total_in, output_tokens = total_out, total_cost = sum_cost
    where
      i.id = record_model_call.interaction_id
      and (i.input_tokens, i.output_tokens, i.total_cost)
      is distinct from (total_in, total_out, sum_cost);
  end if;
  return recorded;
end;
$$;
