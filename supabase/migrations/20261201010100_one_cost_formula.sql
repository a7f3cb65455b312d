-- One cost formula (issue 10, "ingest at half a bare COPY"): the choice of a call's price and
-- the computation of its cost live in private.price_model_calls, which record_model_calls,
-- record_model_call and reprice_model_calls all use, so they cannot disagree. It prices a
-- whole array of typed rows in one statement (the record functions call it once per batch).
create function private.price_model_calls(calls public.model_calls [])
returns setof public.model_calls
language plpgsql
stable
security invoker
set search_path = ''
as $$
begin
  -- (plpgsql, not sql: its plan is kept for the session instead of made at every call.)
  return query
  select
    c.id, c.user_id, c.agent_id, c.interaction_id, c.vendor_id, c.service_id, c.model_name,
    c.input_tokens, c.cached_input_tokens, c.cache_write_tokens, c.output_tokens,
    c.reasoning_tokens,
    (
      case
        when c.cost_supplied then c.cost
        -- Multiplying by 0.000001 (not dividing) keeps every digit: prices have 6 decimals,
        -- so the cost has 12, exactly.
        when priced.id is not null then (
          c.input_tokens::numeric * coalesce(priced.input_per_million, 0)
          + c.cached_input_tokens::numeric * coalesce(priced.cached_input_per_million, 0)
          + c.cache_write_tokens::numeric * coalesce(priced.cache_write_per_million, 0)
          + c.output_tokens::numeric * coalesce(priced.output_per_million, 0)
          + c.reasoning_tokens::numeric * coalesce(priced.reasoning_per_million, 0)
        ) * 0.000001 + coalesce(priced.per_request, 0)
      end
    )::numeric(24, 12),
    case when not c.cost_supplied then priced.id end,
    c.cost_supplied, c.latency_ms, c.time_to_first_token_ms, c.status, c.error_code,
    c.error_message, c.started_at, c.ended_at, c.metadata, c.idempotency_key, c.created_at
  from unnest(price_model_calls.calls) with ordinality as c
  -- The price of the call's service valid at its start (prices of a service never overlap),
  -- if it prices every kind of token the call has: else the call stays unpriced (cost null),
  -- never a silent 0. (A plain join, not a lateral one: the planner may hash the few prices
  -- once per batch.)
  left join public.service_prices as priced
    on
      not c.cost_supplied
      and priced.service_id = c.service_id
      and priced.valid_during @> c.started_at
      and (c.input_tokens = 0 or priced.input_per_million is not null)
      and (c.cached_input_tokens = 0 or priced.cached_input_per_million is not null)
      and (c.cache_write_tokens = 0 or priced.cache_write_per_million is not null)
      and (c.output_tokens = 0 or priced.output_per_million is not null)
      and (c.reasoning_tokens = 0 or priced.reasoning_per_million is not null)
  order by c.ordinality;
end;
$$;
comment on function private.price_model_calls(public.model_calls []) is
'The one cost formula of the ledger: the calls of the array, in order, each with price_id and cost set: the price valid at its start for its service and the cost at that price (sum of tokens of each kind * its price per million / 10^6 + the per-request price), or null price and cost when no price covers every kind of token it has. A call whose cost_supplied is true keeps its cost and names no price. Used by record_model_calls, record_model_call and reprice_model_calls.';
revoke execute on function private.price_model_calls(public.model_calls [])
from public, anon, authenticated, service_role;

-- reprice_model_calls: the same run, priced by private.price_model_calls.
create or replace function private.reprice_model_calls(
  service_id text, since timestamptz, until timestamptz, reason text
)
returns setof public.usage_corrections
language plpgsql
volatile
security definer
set search_path = ''
as $$
declare
  run uuid := gen_random_uuid();
  actor uuid := auth.uid();
  actor_role text := coalesce(nullif(current_setting('role'), 'none'), session_user);
  over uuid;
begin
  perform private.require_service_role('reprice_model_calls');
  if reprice_model_calls.since is null then
    raise exception using errcode = '22004', message = 'since: required';
  end if;
  if reprice_model_calls.until is null then
    raise exception using errcode = '22004', message = 'until: required';
  end if;
  if not isfinite(reprice_model_calls.since) then
    raise exception using errcode = '22023', message = 'since: must be a finite time';
  end if;
  if not isfinite(reprice_model_calls.until) then
    raise exception using errcode = '22023', message = 'until: must be a finite time';
  end if;
  if reprice_model_calls.until <= reprice_model_calls.since then
    raise exception using errcode = '22023', message = 'until: must be after since';
  end if;
  if reprice_model_calls.reason !~ '\S' or length(reprice_model_calls.reason) > 1000 then
    raise exception using errcode = '22023', message = 'reason: must be 1 to 1000 characters, not blank';
  end if;
  if reprice_model_calls.service_id is not null and not exists (
    select from public.vendor_services as s
    where s.id = reprice_model_calls.service_id
  ) then
    raise exception using
      errcode = 'PT404', message = 'service_id: no vendor service with this id is visible to you';
  end if;

  -- One re-price at a time (two overlapping runs would lock the same calls in different
  -- orders); the interactions in id order, as record_model_calls locks them.
  perform pg_catalog.pg_advisory_xact_lock(pg_catalog.hashtext('public.reprice_model_calls'));
  perform
  from public.ai_interactions as i
  where i.id in (
    select m.interaction_id
    from public.model_calls as m
    where
      m.service_id = coalesce(reprice_model_calls.service_id, m.service_id)
      and m.started_at >= reprice_model_calls.since and m.started_at < reprice_model_calls.until
      and not m.cost_supplied
  )
  order by i.id
  for no key update;

  -- 1. The calls, at the price valid now at each one's start: priced by
  -- private.price_model_calls, as the record functions price them (one formula, one choice
  -- of price). Called once per call here (a re-price is rare; memory stays flat at any size).
  with repriced as (
    select
      m.id,
      m.user_id,
      m.cost as old_cost,
      priced.cost::numeric(24, 12) as new_cost,
      priced.price_id as new_price_id
    from public.model_calls as m
    cross join lateral private.price_model_calls(array[m]) as priced
    where
      m.service_id = coalesce(reprice_model_calls.service_id, m.service_id)
      and m.started_at >= reprice_model_calls.since and m.started_at < reprice_model_calls.until
      and not m.cost_supplied
  ),

  changed as (
    update public.model_calls as m
    set cost = r.new_cost, price_id = r.new_price_id
    from repriced as r
    where
      m.id = r.id
      and (m.cost, m.price_id) is distinct from (r.new_cost, r.new_price_id)
    returning m.user_id, r.old_cost, m.cost as new_cost
  )

  insert into public.usage_corrections (
    run_id, kind, user_id, service_id, range_from, range_until, rows_changed, old_cost, new_cost,
    old_unpriced, new_unpriced, reason, corrected_by, corrected_by_role
  )
  select
    run, 'reprice', c.user_id, reprice_model_calls.service_id, reprice_model_calls.since,
    reprice_model_calls.until, count(*)::integer, coalesce(sum(c.old_cost), 0),
    coalesce(sum(c.new_cost), 0), (count(*) - count(c.old_cost))::integer,
    (count(*) - count(c.new_cost))::integer, reprice_model_calls.reason, actor, actor_role
  from changed as c
  group by c.user_id;

  if not found then
    insert into public.usage_corrections (
      run_id, kind, service_id, range_from, range_until, rows_changed, reason, corrected_by,
      corrected_by_role
    )
    values (
      run, 'reprice', reprice_model_calls.service_id, reprice_model_calls.since,
      reprice_model_calls.until, 0, reprice_model_calls.reason, actor, actor_role
    );
  end if;

  -- 2. The totals of the interactions of those calls: the sums of their calls, as the record
  -- functions compute them. Locked first (again: a call committed since the first lock may
  -- belong to an interaction not locked then), so that the sums below, read by later
  -- statements, see every call committed by a recording that held the lock before us.
  perform
  from public.ai_interactions as i
  where i.id in (
    select c.interaction_id
    from public.model_calls as c
    where
      c.service_id = coalesce(reprice_model_calls.service_id, c.service_id)
      and c.started_at >= reprice_model_calls.since and c.started_at < reprice_model_calls.until
  )
  order by i.id
  for no key update;
  select s.interaction_id into over
  from (
    select m.interaction_id, round(sum(m.cost), 8) as total_cost
    from public.model_calls as m
    where m.interaction_id in (
      select c.interaction_id
      from public.model_calls as c
      where
        c.service_id = coalesce(reprice_model_calls.service_id, c.service_id)
        and c.started_at >= reprice_model_calls.since and c.started_at < reprice_model_calls.until
    )
    group by m.interaction_id
  ) as s
  where s.total_cost >= 100000000
  limit 1;
  if over is not null then
    raise exception using
      errcode = '22003',
      message = 'service_id: an interaction''s total_cost would reach 10^8 (its column''s limit); nothing was re-priced';
  end if;
  update public.ai_interactions as i
  set total_cost = s.total_cost
  from (
    select m.interaction_id, round(sum(m.cost), 8) as total_cost
    from public.model_calls as m
    where m.interaction_id in (
      select c.interaction_id
      from public.model_calls as c
      where
        c.service_id = coalesce(reprice_model_calls.service_id, c.service_id)
        and c.started_at >= reprice_model_calls.since and c.started_at < reprice_model_calls.until
    )
    group by m.interaction_id
  ) as s
  where i.id = s.interaction_id and i.total_cost is distinct from s.total_cost;

  return query
  select c.* from public.usage_corrections as c
  where c.run_id = run
  order by c.user_id;
end;
$$;
comment on function private.reprice_model_calls(text, timestamptz, timestamptz, text) is
'The body of public.reprice_model_calls (security definer, outside the exposed schema).';
