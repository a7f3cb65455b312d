-- Rollback of 20261130160400_record_model_calls_set_based.sql: the previous definition.
create or replace function private.record_model_calls(calls jsonb)
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
