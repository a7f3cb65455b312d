-- record_model_call and record_model_calls (issue 10): the one way to record model calls, for
-- a backend or a gateway (service_role, any user's agent) or a signed-in user (their own
-- agents). The database checks every argument (22004/22023 naming it, never echoing a value),
-- prices the call in exact numeric at the price valid at its start, keeps a supplied cost as
-- given, and keeps the interaction's totals equal to the sum of its calls under concurrency
-- (the interaction row is locked, then its totals are recomputed from its calls). The bodies
-- are security definer and live in private (clients hold no write privilege on model_calls);
-- public keeps security invoker wrappers, as for store_user_api_key.

create function private.record_model_call(
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
volatile
security definer
set search_path = ''
as $$
declare
  f text := coalesce(record_model_call.field, '');
  is_service boolean := pg_catalog.pg_has_role(
    coalesce(nullif(current_setting('role'), 'none'), session_user), 'service_role', 'member'
  );
  caller uuid := auth.uid();
  agent public.ai_agents;
  owner_id uuid;
  chosen_service text;
  chosen_vendor text;
  service_vendor text;
  interaction_user uuid;
  interaction_agent uuid;
  started timestamptz := coalesce(record_model_call.started_at, now());
  price public.service_prices;
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
    if private.is_anonymous() then
      raise exception using
        errcode = '42501',
        message = 'record_model_call: anonymous users may not record model calls',
        hint = 'Sign up (link an email or another identity) first.';
    end if;
  end if;

  if record_model_call.agent_id is null then
    raise exception using errcode = '22004', message = f || 'agent_id: required';
  end if;
  select a.* into agent from public.ai_agents as a where a.id = record_model_call.agent_id;
  if not found or (not is_service and agent.user_id is distinct from caller) then
    raise exception using
      errcode = 'PT404',
      message = f || 'agent_id: no agent with this id is visible to you',
      hint = 'Pass the id of an agent you own.';
  end if;
  owner_id := agent.user_id;

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
      when record_model_call.vendor_id is null or record_model_call.vendor_id = agent.vendor_id
        then agent.service_id
    end
  );
  if chosen_service is not null then
    select s.vendor_id into service_vendor
    from public.vendor_services as s
    inner join public.vendors as v on s.vendor_id = v.id
    where s.id = chosen_service and (is_service or (s.is_active and v.is_active));
    if not found then
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
    chosen_vendor := coalesce(record_model_call.vendor_id, agent.vendor_id);
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

  -- The price valid at the call's start. Every kind with tokens needs a price, or the call
  -- stays unpriced (cost null), never silently 0.
  if supplied then
    computed := record_model_call.cost;
  elsif chosen_service is not null then
    select p.* into price
    from public.service_prices as p
    where p.service_id = chosen_service and p.valid_during @> started;
    if found
      and (record_model_call.input_tokens = 0 or price.input_per_million is not null)
      and (record_model_call.cached_input_tokens = 0 or price.cached_input_per_million is not null)
      and (record_model_call.cache_write_tokens = 0 or price.cache_write_per_million is not null)
      and (record_model_call.output_tokens = 0 or price.output_per_million is not null)
      and (record_model_call.reasoning_tokens = 0 or price.reasoning_per_million is not null) then
      -- Multiplying by 0.000001 (not dividing) keeps every digit: prices have 6 decimals,
      -- so the cost has 12, exactly.
      computed := (
        record_model_call.input_tokens::numeric * coalesce(price.input_per_million, 0)
        + record_model_call.cached_input_tokens::numeric * coalesce(price.cached_input_per_million, 0)
        + record_model_call.cache_write_tokens::numeric * coalesce(price.cache_write_per_million, 0)
        + record_model_call.output_tokens::numeric * coalesce(price.output_per_million, 0)
        + record_model_call.reasoning_tokens::numeric * coalesce(price.reasoning_per_million, 0)
      ) * 0.000001 + coalesce(price.per_request, 0);
      chosen_price := price.id;
    end if;
  end if;

  insert into public.model_calls as m (
    user_id, agent_id, interaction_id, vendor_id, service_id, model_name, input_tokens,
    cached_input_tokens, cache_write_tokens, output_tokens, reasoning_tokens, cost, price_id,
    cost_supplied, latency_ms, time_to_first_token_ms, status, error_code, error_message,
    started_at, ended_at, metadata, idempotency_key
  ) values (
    owner_id, record_model_call.agent_id, record_model_call.interaction_id, chosen_vendor,
    chosen_service, record_model_call.model_name, record_model_call.input_tokens,
    record_model_call.cached_input_tokens, record_model_call.cache_write_tokens,
    record_model_call.output_tokens, record_model_call.reasoning_tokens, computed, chosen_price,
    supplied, record_model_call.latency_ms, record_model_call.time_to_first_token_ms,
    record_model_call.status, record_model_call.error_code, record_model_call.error_message,
    started, record_model_call.ended_at, coalesce(record_model_call.metadata, '{}'),
    record_model_call.idempotency_key
  )
  on conflict on constraint model_calls_user_id_idempotency_key_key do nothing
  returning m.* into recorded;

  if recorded.id is null then
    -- Recorded before under this key (a retry): the first record, counted once.
    select m.* into recorded
    from public.model_calls as m
    where m.user_id = owner_id and m.idempotency_key = record_model_call.idempotency_key;
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
comment on function private.record_model_call(
  uuid, integer, integer, integer, integer, integer, text, text, text, uuid, text, text, text,
  integer, integer, timestamptz, timestamptz, numeric, jsonb, text, text
) is
'The body of public.record_model_call and record_model_calls (security definer, outside the exposed schema): checks every argument (field names prefixed by `field`), prices the call at the price valid at its start, inserts it once per (user, idempotency_key) and recomputes its interaction''s totals under a row lock. The agent''s owner or a member of service_role.';
revoke execute on function private.record_model_call(
  uuid, integer, integer, integer, integer, integer, text, text, text, uuid, text, text, text,
  integer, integer, timestamptz, timestamptz, numeric, jsonb, text, text
) from public, anon, authenticated, service_role;
grant execute on function private.record_model_call(
  uuid, integer, integer, integer, integer, integer, text, text, text, uuid, text, text, text,
  integer, integer, timestamptz, timestamptz, numeric, jsonb, text, text
) to authenticated, service_role;

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

-- The batch: one request, one transaction, all or nothing. JSON values are checked for their
-- type here, so a wrong one is refused naming its field (calls[2].input_tokens) and never
-- quoted back, as PostgreSQL's own cast errors would.
create function private.record_model_calls(calls jsonb)
returns setof public.model_calls
language plpgsql
volatile
security definer
set search_path = ''
as $$
declare
  is_service boolean := pg_catalog.pg_has_role(
    coalesce(nullif(current_setting('role'), 'none'), session_user), 'service_role', 'member'
  );
  item jsonb;
  entry integer := 0;
  prefix text;
  unknown text;
  value jsonb;
  key text;
  integers integer[];
  texts text[];
  times timestamptz[];
  uuids uuid[];
  supplied_cost numeric;
  uuid_pattern constant text := '^[0-9a-fA-F]{8}-?([0-9a-fA-F]{4}-?){3}[0-9a-fA-F]{12}$';
begin
  if record_model_calls.calls is null then
    raise exception using errcode = '22004', message = 'calls: required';
  end if;
  if jsonb_typeof(record_model_calls.calls) <> 'array' then
    raise exception using errcode = '22023', message = 'calls: must be a JSON array of objects';
  end if;
  if jsonb_array_length(record_model_calls.calls) > 1000 then
    raise exception using
      errcode = '22023', message = 'calls: at most 1000 calls per request',
      hint = 'Send larger batches in several requests.';
  end if;

  -- Lock every interaction of the batch first, in id order, so two batches touching the same
  -- interactions in different orders wait for each other instead of deadlocking.
  perform
  from public.ai_interactions as i
  where
    i.id in (
      select (e.value ->> 'interaction_id')::uuid
      from jsonb_array_elements(record_model_calls.calls) as e
      where
        jsonb_typeof(e.value) = 'object'
        and jsonb_typeof(e.value -> 'interaction_id') = 'string'
        and e.value ->> 'interaction_id' ~ uuid_pattern
    )
    and (is_service or i.user_id = (select auth.uid()))
  order by i.id
  for no key update;

  for item in select e.value from jsonb_array_elements(record_model_calls.calls) as e loop
    prefix := format('calls[%s].', entry);
    if jsonb_typeof(item) <> 'object' then
      raise exception using
        errcode = '22023', message = format('calls[%s]: must be a JSON object', entry);
    end if;
    select string_agg(k, ', ' order by k) into unknown
    from jsonb_object_keys(item) as k
    where k not in (
      'agent_id', 'input_tokens', 'cached_input_tokens', 'cache_write_tokens', 'output_tokens',
      'reasoning_tokens', 'service_id', 'vendor_id', 'model_name', 'interaction_id', 'status',
      'error_code', 'error_message', 'latency_ms', 'time_to_first_token_ms', 'started_at',
      'ended_at', 'cost', 'metadata', 'idempotency_key'
    );
    if unknown is not null then
      raise exception using
        errcode = '22023', message = format('%sunknown keys %s', prefix, unknown),
        hint = 'The keys are the arguments of record_model_call.';
    end if;

    integers := array[]::integer[];
    foreach key in array array[
      'input_tokens', 'cached_input_tokens', 'cache_write_tokens', 'output_tokens',
      'reasoning_tokens', 'latency_ms', 'time_to_first_token_ms'
    ] loop
      value := item -> key;
      if value is null or jsonb_typeof(value) = 'null' then
        integers := integers || case when key like '%tokens' then 0 end;
      elsif jsonb_typeof(value) <> 'number' or value::text::numeric <> trunc(value::text::numeric)
        or value::text::numeric not between -2147483648 and 2147483647 then
        raise exception using
          errcode = '22023', message = format('%s%s: must be an integer', prefix, key);
      else
        integers := integers || value::text::integer;
      end if;
    end loop;

    texts := array[]::text[];
    foreach key in array array[
      'service_id', 'vendor_id', 'model_name', 'status', 'error_code', 'error_message',
      'idempotency_key'
    ] loop
      value := item -> key;
      if value is null or jsonb_typeof(value) = 'null' then
        texts := texts || case when key = 'status' then 'succeeded' end;
      elsif jsonb_typeof(value) <> 'string' then
        raise exception using
          errcode = '22023', message = format('%s%s: must be a string', prefix, key);
      else
        texts := texts || (value #>> '{}');
      end if;
    end loop;

    uuids := array[]::uuid[];
    foreach key in array array['agent_id', 'interaction_id'] loop
      value := item -> key;
      if value is null or jsonb_typeof(value) = 'null' then
        uuids := uuids || null::uuid;
      elsif jsonb_typeof(value) <> 'string' or value #>> '{}' !~ uuid_pattern then
        raise exception using
          errcode = '22023', message = format('%s%s: must be a UUID', prefix, key);
      else
        uuids := uuids || (value #>> '{}')::uuid;
      end if;
    end loop;

    times := array[]::timestamptz[];
    foreach key in array array['started_at', 'ended_at'] loop
      value := item -> key;
      if value is null or jsonb_typeof(value) = 'null' then
        times := times || null::timestamptz;
      elsif jsonb_typeof(value) <> 'string' then
        raise exception using
          errcode = '22023', message = format('%s%s: must be an ISO 8601 time', prefix, key);
      else
        begin
          times := times || (value #>> '{}')::timestamptz;
        exception when others then
          raise exception using
            errcode = '22023', message = format('%s%s: must be an ISO 8601 time', prefix, key);
        end;
      end if;
    end loop;

    value := item -> 'cost';
    supplied_cost := null;
    if value is not null and jsonb_typeof(value) <> 'null' then
      begin
        if jsonb_typeof(value) not in ('number', 'string') then
          raise exception using errcode = '22023';
        end if;
        supplied_cost := (value #>> '{}')::numeric;
      exception when others then
        raise exception using
          errcode = '22023', message = format('%scost: must be a decimal number', prefix);
      end;
    end if;

    value := item -> 'metadata';
    if jsonb_typeof(value) = 'null' then
      value := null;
    end if;

    return next private.record_model_call(
      uuids[1], integers[1], integers[2], integers[3], integers[4], integers[5],
      texts[1], texts[2], texts[3], uuids[2], texts[4], texts[5], texts[6],
      integers[6], integers[7], times[1], times[2], supplied_cost, value, texts[7], prefix
    );
    entry := entry + 1;
  end loop;
end;
$$;
comment on function private.record_model_calls(jsonb) is
'The body of public.record_model_calls (security definer, outside the exposed schema): checks the JSON type of every value, locks the batch''s interactions in id order, then records each call through private.record_model_call, all or nothing.';
revoke execute on function private.record_model_calls(jsonb)
from public, anon, authenticated, service_role;
grant execute on function private.record_model_calls(jsonb) to authenticated, service_role;

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
