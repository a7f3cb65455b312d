-- Rollback of 20261201010100_one_cost_formula.sql: reprice_model_calls with its own copy of the
-- formula again, and no shared pricing function.
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

  -- 1. The calls, at the price valid now at each one's start: the formula and the choice of
  -- price of private.record_model_calls (20261130160400), which must stay the same.
  with repriced as (
    select
      m.id,
      m.user_id,
      m.cost as old_cost,
      (
        case
          when priced.id is not null then (
            m.input_tokens::numeric * coalesce(priced.input_per_million, 0)
            + m.cached_input_tokens::numeric * coalesce(priced.cached_input_per_million, 0)
            + m.cache_write_tokens::numeric * coalesce(priced.cache_write_per_million, 0)
            + m.output_tokens::numeric * coalesce(priced.output_per_million, 0)
            + m.reasoning_tokens::numeric * coalesce(priced.reasoning_per_million, 0)
          ) * 0.000001 + coalesce(priced.per_request, 0)
        end
      )::numeric(24, 12) as new_cost,
      priced.id as new_price_id
    from public.model_calls as m
    left join lateral (
      select p.*
      from public.service_prices as p
      where
        p.service_id = m.service_id
        and p.valid_during @> m.started_at
        and (m.input_tokens = 0 or p.input_per_million is not null)
        and (m.cached_input_tokens = 0 or p.cached_input_per_million is not null)
        and (m.cache_write_tokens = 0 or p.cache_write_per_million is not null)
        and (m.output_tokens = 0 or p.output_per_million is not null)
        and (m.reasoning_tokens = 0 or p.reasoning_per_million is not null)
    ) as priced on true
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
drop function private.price_model_calls(public.model_calls []);
