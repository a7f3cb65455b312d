-- Rollback of 20261204020100_record_model_calls_refuse_frozen_days: the function as
-- 20261203010000 left it.

create or replace function private.record_model_calls(calls jsonb)
returns setof public.model_calls
language plpgsql
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
  type_problem text;
  time_key text;
  time_text text;
  -- The batch's rows, typed, in the order given (id, user, service and vendor resolved; cost
  -- as supplied, price not yet chosen).
  resolved public.model_calls [];
  has_interactions boolean;
  -- (a value the quick test lets through that the entry-by-entry pass may refuse: a UUID
  -- written in another form than the canonical one, an integer field with a fraction)
  unusual boolean;
  -- The rows of step 2, priced: what step 4 writes.
  priced public.model_calls [];
  written bigint;
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
  if not is_service then
    if caller is null then
      raise exception using
        errcode = '42501',
        message = 'record_model_calls: sign in, or call it with the service_role key',
        hint = 'Signed-in users record calls of their own agents; servers use service_role.';
    end if;
    if private.is_anonymous() then
      raise exception using
        errcode = '42501',
        message = 'record_model_calls: anonymous users may not record model calls',
        hint = 'Sign up (link an email or another identity) first.';
    end if;
  end if;

  -- 1. The JSON type of every value (before any cast, whose message would quote it). First a
  -- quick test of the whole batch, one row per entry: an object, no unknown key, each field's
  -- JSON type looked up by its name (an integer's fraction and range are tested by the
  -- parsing statement: it reads them as numbers; the UUIDs' text too, by a cast and a
  -- comparison with its canonical form). Only when something is wrong, here or there, does
  -- private.model_call_entries_type_problem name the first problem, entry by entry, so the
  -- messages and their order are those of the entry-by-entry pass.
  if exists (
    select
    from jsonb_array_elements(record_model_calls.calls) as e
    where
      case
        when jsonb_typeof(e.value) <> 'object' then true
        when e.value - array['agent_id', 'input_tokens', 'cached_input_tokens', 'cache_write_tokens', 'output_tokens', 'reasoning_tokens', 'service_id', 'vendor_id', 'model_name', 'interaction_id', 'status', 'error_code', 'error_message', 'latency_ms', 'time_to_first_token_ms', 'started_at', 'ended_at', 'cost', 'metadata', 'idempotency_key'] <> '{}' then true
        when jsonb_typeof(e.value -> 'agent_id') not in ('string', 'null') then true
        when jsonb_typeof(e.value -> 'input_tokens') not in ('number', 'null') then true
        when jsonb_typeof(e.value -> 'output_tokens') not in ('number', 'null') then true
        when jsonb_typeof(e.value -> 'latency_ms') not in ('number', 'null') then true
        when jsonb_typeof(e.value -> 'started_at') not in ('string', 'null') then true
        when jsonb_typeof(e.value -> 'idempotency_key') not in ('string', 'null') then true
        when jsonb_typeof(e.value -> 'cached_input_tokens') not in ('number', 'null') then true
        when jsonb_typeof(e.value -> 'cache_write_tokens') not in ('number', 'null') then true
        when jsonb_typeof(e.value -> 'reasoning_tokens') not in ('number', 'null') then true
        when jsonb_typeof(e.value -> 'time_to_first_token_ms') not in ('number', 'null') then true
        when jsonb_typeof(e.value -> 'service_id') not in ('string', 'null') then true
        when jsonb_typeof(e.value -> 'vendor_id') not in ('string', 'null') then true
        when jsonb_typeof(e.value -> 'model_name') not in ('string', 'null') then true
        when jsonb_typeof(e.value -> 'interaction_id') not in ('string', 'null') then true
        when jsonb_typeof(e.value -> 'status') not in ('string', 'null') then true
        when jsonb_typeof(e.value -> 'error_code') not in ('string', 'null') then true
        when jsonb_typeof(e.value -> 'error_message') not in ('string', 'null') then true
        when jsonb_typeof(e.value -> 'ended_at') not in ('string', 'null') then true
        when jsonb_typeof(e.value -> 'metadata') not in ('object', 'null') then true
        when jsonb_typeof(e.value -> 'cost') = 'string'
          then e.value ->> 'cost' !~ '^[-+]?([0-9]+[.]?[0-9]*|[.][0-9]+)([eE][-+]?[0-9]{1,6})?$'
        else jsonb_typeof(e.value -> 'cost') not in ('number', 'null')
      end
  ) then
    problem := private.model_call_entries_type_problem(record_model_calls.calls);
    if problem is not null then
      raise exception using errcode = '22023', message = problem;
    end if;
  end if;

  -- 2. One statement: the batch parsed into typed columns (absent token counts are 0, an
  -- absent status succeeded, a start now), every value checked, then the agent (the caller's
  -- own; any, for service_role), then the service and vendor actually called (as given, else
  -- the agent's at this moment): code|field: rule of the first failing entry. The same pass
  -- builds the typed rows to insert.
  begin
    select
      min(x.ordinality) filter (where x.problem is not null) - 1,
      (array_agg(x.problem order by x.ordinality) filter (where x.problem is not null))[1],
      bool_or(x.unusual),
      bool_or(x.interaction_id is not null),
      array_agg(
        row(
          gen_random_uuid(), x.user_id, x.agent_id, x.interaction_id, x.vendor_id, x.service_id,
          x.model_name, x.input_tokens, x.cached_input_tokens, x.cache_write_tokens,
          x.output_tokens, x.reasoning_tokens,
          -- (a refused batch builds no row: a cost beyond numeric(24, 12) is named, not cast)
          case when x.problem is null then x.cost end, null, x.cost_supplied, x.latency_ms,
          x.time_to_first_token_ms, x.status, x.error_code, x.error_message, x.started_at,
          x.ended_at, x.metadata, x.idempotency_key, now()
        )::public.model_calls
        order by x.ordinality
      )
    into bad_entry, problem, unusual, has_interactions, resolved
    from (
    -- (each entry's problem computed once: the aggregates above read it four times)
    select
      t.ordinality, a.user_id, t.agent_id, t.interaction_id,
      coalesce(service.vendor_id, t.vendor_id, a.vendor_id) as vendor_id,
      chosen.id as service_id, t.model_name, t.input_tokens, t.cached_input_tokens,
      t.cache_write_tokens, t.output_tokens, t.reasoning_tokens, t.cost, t.cost_supplied,
      t.latency_ms, t.time_to_first_token_ms, t.status, t.error_code, t.error_message,
      t.started_at, t.ended_at, t.metadata, t.idempotency_key, p.problem,
      -- (a UUID in another form than the canonical one, an integer with a fraction: the type
      -- pass decides)
      lower(t.agent_id_text) <> t.agent_id::text
      or lower(t.interaction_id_text) <> t.interaction_id::text
      or t.fractional as unusual
    from (
      select
        j.ordinality,
        j.agent_id::uuid as agent_id,
        j.agent_id as agent_id_text,
        j.interaction_id::uuid as interaction_id,
        j.interaction_id as interaction_id_text,
        j.vendor_id,
        j.service_id,
        j.model_name,
        coalesce(j.input_tokens::integer, 0) as input_tokens,
        coalesce(j.cached_input_tokens::integer, 0) as cached_input_tokens,
        coalesce(j.cache_write_tokens::integer, 0) as cache_write_tokens,
        coalesce(j.output_tokens::integer, 0) as output_tokens,
        coalesce(j.reasoning_tokens::integer, 0) as reasoning_tokens,
        j.cost,
        j.cost is not null as cost_supplied,
        j.latency_ms::integer as latency_ms,
        j.time_to_first_token_ms::integer as time_to_first_token_ms,
        coalesce(j.status, 'succeeded') as status,
        j.error_code,
        j.error_message,
        coalesce(j.started_at::timestamptz, now()) as started_at,
        j.ended_at::timestamptz as ended_at,
        coalesce(j.metadata, '{}') as metadata,
        j.idempotency_key,
        j.input_tokens <> trunc(j.input_tokens)
        or j.cached_input_tokens <> trunc(j.cached_input_tokens)
        or j.cache_write_tokens <> trunc(j.cache_write_tokens)
        or j.output_tokens <> trunc(j.output_tokens)
        or j.reasoning_tokens <> trunc(j.reasoning_tokens)
        or j.latency_ms <> trunc(j.latency_ms)
        or j.time_to_first_token_ms <> trunc(j.time_to_first_token_ms) as fractional
      from rows from (
        jsonb_to_recordset(record_model_calls.calls) as (
          agent_id text, interaction_id text, vendor_id text, service_id text, model_name text,
          input_tokens numeric, cached_input_tokens numeric, cache_write_tokens numeric,
          output_tokens numeric, reasoning_tokens numeric, cost numeric, latency_ms numeric,
          time_to_first_token_ms numeric, status text, error_code text, error_message text,
          started_at text, ended_at text, metadata jsonb, idempotency_key text
        )
      ) with ordinality as j
      -- (each value computed once: the checks below read them many times)
      offset 0
    ) as t
    left join public.ai_agents as a on t.agent_id = a.id
    cross join lateral (
      select coalesce(
        t.service_id,
        case when t.vendor_id is null or t.vendor_id = a.vendor_id then a.service_id end
      ) as id
    ) as chosen
    left join lateral (
      select s.vendor_id
      from public.vendor_services as s
      inner join public.vendors as v on s.vendor_id = v.id
      where s.id = chosen.id and (is_service or (s.is_active and v.is_active))
    ) as service on true
    cross join lateral (
      select
        case
        when t.agent_id is null then '22004|agent_id: required'
        when t.input_tokens < 0 then '22023|input_tokens: must not be negative'
        when t.cached_input_tokens < 0 then '22023|cached_input_tokens: must not be negative'
        when t.cache_write_tokens < 0 then '22023|cache_write_tokens: must not be negative'
        when t.output_tokens < 0 then '22023|output_tokens: must not be negative'
        when t.reasoning_tokens < 0 then '22023|reasoning_tokens: must not be negative'
        when t.status not in ('succeeded', 'failed', 'cancelled')
          then '22023|status: must be succeeded, failed or cancelled'
        when t.error_code !~ '\S' or length(t.error_code) > 200
          then '22023|error_code: must be 1 to 200 characters, not blank'
        when length(t.error_message) > 4000 then '22023|error_message: must be at most 4000 characters'
        when t.model_name !~ '^[^\s]{1,200}$'
          then '22023|model_name: must be 1 to 200 characters without whitespace'
        when t.latency_ms < 0 then '22023|latency_ms: must not be negative'
        when t.time_to_first_token_ms < 0 then '22023|time_to_first_token_ms: must not be negative'
        when t.time_to_first_token_ms > t.latency_ms
          then '22023|time_to_first_token_ms: must not exceed latency_ms'
        when not isfinite(t.started_at) then '22023|started_at: must be a finite time'
        when t.started_at > now() + interval '1 day'
          then '22023|started_at: must be at most one day ahead of the server clock'
        when not isfinite(t.ended_at) then '22023|ended_at: must be a finite time'
        when t.ended_at < t.started_at then '22023|ended_at: must not be before started_at'
        when t.cost < 0 or t.cost = 'NaN' then '22023|cost: must be a number, not negative'
        when pg_catalog.scale(t.cost) > 12
          then '22023|cost: at most 12 decimal places (it is kept exactly)'
        when t.cost >= 1000000000000 then '22023|cost: must be less than 10^12'
        when octet_length(t.metadata::text) > 16384
          then '22023|metadata: must be a JSON object of at most 16 KiB'
        when t.idempotency_key !~ '\S' or length(t.idempotency_key) > 200
          then '22023|idempotency_key: must be 1 to 200 characters, not blank'
        when a.id is null or (not is_service and a.user_id is distinct from caller)
          then 'PT404|agent_id: no agent with this id is visible to you'
        when chosen.id is not null and service.vendor_id is null
          then '23503|service_id: no vendor service with this id is visible to you'
        when chosen.id is not null and t.vendor_id <> service.vendor_id
          then '22023|vendor_id: is not the vendor of service_id'
        when chosen.id is null and not exists (
          select from public.vendors as v
          where v.id = coalesce(t.vendor_id, a.vendor_id) and (is_service or v.is_active)
        ) then '23503|vendor_id: no vendor with this id is visible to you'
      end as problem
    ) as p
    offset 0
    ) as x;
  exception when others then
    -- A UUID that is not one (the type pass names it), else a time that is not a time (the
    -- only other value the type pass lets through that a cast refuses): the first such entry
    -- is named, without quoting it. Any other error is raised as it is.
    problem := private.model_call_entries_type_problem(record_model_calls.calls);
    if problem is not null then
      raise exception using errcode = '22023', message = problem;
    end if;
    for bad_entry, time_key, time_text in
      select e.ordinality - 1, k.name, e.value ->> k.name
      from jsonb_array_elements(record_model_calls.calls) with ordinality as e
      cross join unnest(array['started_at', 'ended_at']) with ordinality as k (name, position)
      where jsonb_typeof(e.value -> k.name) = 'string'
      order by e.ordinality, k.position
    loop
      begin
        perform time_text::timestamptz;
      exception when others then
        raise exception using
          errcode = '22023', message = format('calls[%s].%s: must be an ISO 8601 time', bad_entry, time_key);
      end;
    end loop;
    raise;
  end;
  if unusual then
    -- (refusals keep their order: every JSON type, UUIDs and integers included, before any
    -- value)
    type_problem := private.model_call_entries_type_problem(record_model_calls.calls);
    if type_problem is not null then
      raise exception using errcode = '22023', message = type_problem;
    end if;
  end if;
  if problem is not null then
    raise exception using
      errcode = split_part(problem, '|', 1),
      message = format('calls[%s].%s', bad_entry, split_part(problem, '|', 2));
  end if;
  resolved := coalesce(resolved, '{}');

  if has_interactions then
    -- 3. The interactions: locked in id order (two batches naming them in opposite orders
    -- wait for each other instead of deadlocking), each of the entry's user and agent.
    perform
    from public.ai_interactions as i
    where
      i.id in (select r.interaction_id from unnest(resolved) as r)
      and (is_service or i.user_id = caller)
    order by i.id
    for no key update;
    select r.ordinality - 1, p.problem into bad_entry, problem
    from unnest(resolved) with ordinality as r
    left join public.ai_interactions as i on r.interaction_id = i.id
    cross join lateral (
      select
        case
          when i.id is null or i.user_id is distinct from r.user_id
            then 'PT404|interaction_id: no interaction with this id is visible to you'
          when i.agent_id <> r.agent_id then '22023|interaction_id: belongs to another agent'
        end as problem
    ) as p
    where r.interaction_id is not null and p.problem is not null
    order by r.ordinality
    limit 1;
    if problem is not null then
      raise exception using
        errcode = split_part(problem, '|', 1),
        message = format('calls[%s].%s', bad_entry, split_part(problem, '|', 2));
    end if;
  end if;

  -- 4. Every call, priced by private.price_model_calls at the price valid at its start (the
  -- catalog rows it names are checked and locked once for the statement by the trigger
  -- model_calls_check_references). The priced rows are the rows written (created_at
  -- is now(), the column's default, set in step 2).
  priced := array(select p from private.price_model_calls(resolved) as p);
  -- IDEMPOTENCY: the batch's keys are claimed in private.model_call_keys first, in entry
  -- order (the first entry of a key repeated in the batch claims it); an entry whose key is
  -- already recorded (an earlier request, an earlier entry, a concurrent retry once its first
  -- writer commits) claims nothing and writes no call, and step 6 returns the first record of
  -- that key instead.
  begin
    -- The usual case, no key recorded before: a plain insert claims every key (no arbiter
    -- probe and confirmation per key, as ON CONFLICT makes), then every call is written. A
    -- key recorded before, repeated in the batch, or committed meanwhile by a concurrent
    -- first writer (the insert waits for it, as the arbiter does) fails the insert with
    -- 23505: the block's writes are undone and the statement below claims key by key.
    insert into private.model_call_keys as k (user_id, idempotency_key, model_call_id, started_at)
    select r.user_id, r.idempotency_key, r.id, r.started_at
    from unnest(resolved) with ordinality as r
    where r.idempotency_key is not null
    order by r.ordinality;
    insert into public.model_calls as m (
      id, user_id, agent_id, interaction_id, vendor_id, service_id, model_name, input_tokens,
      cached_input_tokens, cache_write_tokens, output_tokens, reasoning_tokens, cost, price_id,
      cost_supplied, latency_ms, time_to_first_token_ms, status, error_code, error_message,
      started_at, ended_at, metadata, idempotency_key, created_at
    )
    select
      p.id, p.user_id, p.agent_id, p.interaction_id, p.vendor_id, p.service_id, p.model_name,
      p.input_tokens, p.cached_input_tokens, p.cache_write_tokens, p.output_tokens,
      p.reasoning_tokens, p.cost, p.price_id, p.cost_supplied, p.latency_ms,
      p.time_to_first_token_ms, p.status, p.error_code, p.error_message, p.started_at,
      p.ended_at, p.metadata, p.idempotency_key, p.created_at
    -- (in the order given: the function returns the calls in order, and unnest keeps it)
    from unnest(priced) as p;
    written := cardinality(priced);
  exception when unique_violation then
    -- (the keys claimed in the same statement as the calls are written)
    with claimed as (
      insert into private.model_call_keys as k (user_id, idempotency_key, model_call_id, started_at)
      select r.user_id, r.idempotency_key, r.id, r.started_at
      from unnest(resolved) with ordinality as r
      where r.idempotency_key is not null
      order by r.ordinality
      on conflict do nothing
      returning k.model_call_id
    ),
    inserted as (
      insert into public.model_calls as m (
        id, user_id, agent_id, interaction_id, vendor_id, service_id, model_name, input_tokens,
        cached_input_tokens, cache_write_tokens, output_tokens, reasoning_tokens, cost, price_id,
        cost_supplied, latency_ms, time_to_first_token_ms, status, error_code, error_message,
        started_at, ended_at, metadata, idempotency_key, created_at
      )
      select
        p.id, p.user_id, p.agent_id, p.interaction_id, p.vendor_id, p.service_id, p.model_name,
        p.input_tokens, p.cached_input_tokens, p.cache_write_tokens, p.output_tokens,
        p.reasoning_tokens, p.cost, p.price_id, p.cost_supplied, p.latency_ms,
        p.time_to_first_token_ms, p.status, p.error_code, p.error_message, p.started_at,
        p.ended_at, p.metadata, p.idempotency_key, p.created_at
      -- (in the order given: the function returns the calls in order, and unnest keeps it)
      from unnest(priced) as p
      where p.idempotency_key is null or p.id in (select c.model_call_id from claimed as c)
      returning 1
    )
    select count(*) into written from inserted;
  end;

  if has_interactions then
    -- 5. Each interaction's totals: the sums of its calls.
    select min(r.ordinality) - 1 into bad_entry
    from unnest(resolved) with ordinality as r
    inner join (
      select m.interaction_id
      from public.model_calls as m
      where m.interaction_id in (select x.interaction_id from unnest(resolved) as x)
      group by m.interaction_id
      having
        sum(m.input_tokens::bigint + m.cached_input_tokens + m.cache_write_tokens) > 2147483647
        or sum(m.output_tokens::bigint + m.reasoning_tokens) > 2147483647
        or round(sum(m.cost), 8) >= 100000000
    ) as over on r.interaction_id = over.interaction_id;
    if bad_entry is not null then
      raise exception using
        errcode = '22003',
        message = format(
          'calls[%s].interaction_id: the interaction''s totals would exceed its columns (tokens 2147483647, total_cost 10^8)',
          bad_entry
        );
    end if;
    update public.ai_interactions as i
    set input_tokens = s.total_in, output_tokens = s.total_out, total_cost = s.total_cost
    from (
      select
        m.interaction_id,
        sum(m.input_tokens::bigint + m.cached_input_tokens + m.cache_write_tokens)::integer as total_in,
        sum(m.output_tokens::bigint + m.reasoning_tokens)::integer as total_out,
        round(sum(m.cost), 8) as total_cost
      from public.model_calls as m
      where m.interaction_id in (select x.interaction_id from unnest(resolved) as x)
      group by m.interaction_id
    ) as s
    where
      i.id = s.interaction_id
      and (i.input_tokens, i.output_tokens, i.total_cost)
      is distinct from (s.total_in, s.total_out, s.total_cost);
  end if;

  -- 6. The rows in the order given. When every entry was written (no key retried): the priced
  -- rows themselves, as written.
  if written = cardinality(priced) then
    return query select * from unnest(priced);
    return;
  end if;
  -- Else each new one, or the first record of a retried key (read here: a statement after the
  -- claim, so that a concurrent first writer's record, committed meanwhile, is seen).
  return query
  select found.*
  from unnest(resolved) with ordinality as r
  cross join lateral (
    (select m.* from public.model_calls as m where m.id = r.id and m.started_at = r.started_at)
    union all
    (
      select m.* from private.model_call_keys as k
      inner join public.model_calls as m on k.model_call_id = m.id and k.started_at = m.started_at
      where
        r.idempotency_key is not null
        and k.user_id = r.user_id
        and k.idempotency_key = r.idempotency_key
        and k.model_call_id <> r.id
    )
    limit 1
  ) as found
  order by r.ordinality;
end;
$$;
