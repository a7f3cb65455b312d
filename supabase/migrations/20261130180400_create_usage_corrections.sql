-- Corrections of usage are explicit and recorded (issue 10, "usage is a financial record").
-- Nothing rewrites spend silently: an ended interaction's numbers are fixed for API roles
-- (20261130180300) and model calls are written only by the record functions. service_role
-- corrects through two RPCs, each leaving rows in usage_corrections (who, when, what, old
-- and new numbers, why), which the user whose spend changed can read:
-- - correct_interaction_usage: the tokens, cost, start, vendor or service of one interaction
--   (tokens and cost only of an interaction without model calls: the others are the sums of
--   their calls);
-- - reprice_model_calls: after a price correction, the computed (not supplied) costs of a
--   service's (or every service's) calls started in a time range, at the prices valid now at each call's start,
--   and the totals of their interactions; one row per user whose calls changed (all rows of
--   a run share run_id; a run that changes nothing leaves one row without a user).
-- The rollups' triggers on model_calls and ai_interactions see the corrections as ordinary
-- updates; update_daily_usage_stats recomputes the days from the ledger.
create table public.usage_corrections (
  id uuid primary key default gen_random_uuid(),
  run_id uuid not null,
  kind text not null,
  user_id uuid references auth.users (id) on delete cascade,
  interaction_id uuid,
  service_id text,
  range_from timestamptz,
  range_until timestamptz,
  rows_changed integer not null,
  old_input_tokens bigint,
  new_input_tokens bigint,
  old_output_tokens bigint,
  new_output_tokens bigint,
  old_cost numeric,
  new_cost numeric,
  old_unpriced integer,
  new_unpriced integer,
  old_started_at timestamptz,
  new_started_at timestamptz,
  old_vendor_id text,
  new_vendor_id text,
  old_service_id text,
  new_service_id text,
  reason text,
  corrected_by uuid,
  corrected_by_role text not null,
  corrected_at timestamptz not null default now(),
  constraint usage_corrections_kind_valid check (kind in ('interaction', 'reprice')),
  constraint usage_corrections_interaction_names_it check (
    kind <> 'interaction' or (interaction_id is not null and user_id is not null and reason is not null)
  ),
  constraint usage_corrections_reprice_names_range check (
    kind <> 'reprice' or range_from < range_until
  ),
  constraint usage_corrections_rows_changed_non_negative check (rows_changed >= 0),
  constraint usage_corrections_reason_length check (reason ~ '\S' and length(reason) <= 1000)
);
comment on table public.usage_corrections is
'Every correction of recorded usage, one row per corrected interaction (correct_interaction_usage) or per user and re-price run (reprice_model_calls): who, when, what, the old and new numbers, why. Written only by those two functions (service_role); the user whose spend changed reads their rows; never updated or deleted (deleting the user deletes them).';
comment on column public.usage_corrections.run_id is
'One call of a correcting function: the rows of one re-price run share it (one per user whose calls changed).';
comment on column public.usage_corrections.kind is 'interaction (correct_interaction_usage) or reprice (reprice_model_calls).';
comment on column public.usage_corrections.user_id is
'The user whose spend changed; null only for a re-price run that changed nothing (then the only row of its run).';
comment on column public.usage_corrections.interaction_id is 'The corrected interaction (kind interaction).';
comment on column public.usage_corrections.service_id is
'The re-priced vendor service (kind reprice; null: every service), or the corrected interaction''s service after the correction (kind interaction).';
comment on column public.usage_corrections.range_from is 'Re-price: calls started at or after this time.';
comment on column public.usage_corrections.range_until is 'Re-price: calls started before this time.';
comment on column public.usage_corrections.rows_changed is
'Re-price: the user''s calls whose cost or price changed; interaction: 1.';
comment on column public.usage_corrections.old_cost is
'USD before: the interaction''s total_cost, or the sum of the re-priced calls'' costs (unpriced ones count in old_unpriced, not here).';
comment on column public.usage_corrections.new_cost is 'USD after, like old_cost.';
comment on column public.usage_corrections.old_unpriced is 'Re-price: how many of the changed calls had no cost before.';
comment on column public.usage_corrections.new_unpriced is 'Re-price: how many of the changed calls have no cost after (no price valid now).';
comment on column public.usage_corrections.reason is 'Why (required for an interaction; optional for a re-price).';
comment on column public.usage_corrections.corrected_by is
'auth.uid() of the request, when the service acted for a signed-in user (an admin); null otherwise.';
comment on column public.usage_corrections.corrected_by_role is 'The database role that ran the correction (service_role, postgres).';

create index usage_corrections_user_id_corrected_at_idx on public.usage_corrections (
  user_id, corrected_at desc
);
create index usage_corrections_run_id_idx on public.usage_corrections (run_id);
create index usage_corrections_interaction_id_idx on public.usage_corrections (interaction_id)
where interaction_id is not null;

alter table public.usage_corrections enable row level security;

create policy usage_corrections_select_owner on public.usage_corrections
for select to authenticated
using (user_id = (select auth.uid()));

create policy usage_corrections_all_not_anonymous on public.usage_corrections
as restrictive
for all to authenticated
using (not (select private.is_anonymous()))
with check (not (select private.is_anonymous()));
comment on policy usage_corrections_all_not_anonymous on public.usage_corrections is
'Anonymous sign-ins (is_anonymous in the JWT) read no corrections.';

revoke all on public.usage_corrections from anon, authenticated, service_role;
grant select (
  id, run_id, kind, user_id, interaction_id, service_id, range_from, range_until, rows_changed,
  old_input_tokens, new_input_tokens, old_output_tokens, new_output_tokens, old_cost, new_cost,
  old_unpriced, new_unpriced, old_started_at, new_started_at, old_vendor_id, new_vendor_id,
  old_service_id, new_service_id, reason, corrected_by, corrected_by_role, corrected_at
) on public.usage_corrections to authenticated;
grant select on public.usage_corrections to service_role;

-- correct_interaction_usage ------------------------------------------------------------------

create function private.correct_interaction_usage(
  interaction_id uuid,
  reason text,
  input_tokens integer,
  output_tokens integer,
  total_cost numeric,
  started_at timestamptz,
  vendor_id text,
  service_id text
)
returns public.usage_corrections
language plpgsql
volatile
security definer
set search_path = ''
as $$
declare
  old_row public.ai_interactions;
  new_vendor text;
  new_service text;
  has_calls boolean;
  written public.usage_corrections;
begin
  perform private.require_service_role('correct_interaction_usage');
  if correct_interaction_usage.interaction_id is null then
    raise exception using errcode = '22004', message = 'interaction_id: required';
  end if;
  if correct_interaction_usage.reason is null then
    raise exception using
      errcode = '22004', message = 'reason: required',
      hint = 'Say why the usage is corrected; the reason is kept in usage_corrections.';
  end if;
  if correct_interaction_usage.reason !~ '\S' or length(correct_interaction_usage.reason) > 1000 then
    raise exception using errcode = '22023', message = 'reason: must be 1 to 1000 characters, not blank';
  end if;
  if correct_interaction_usage.input_tokens < 0 then
    raise exception using errcode = '22023', message = 'input_tokens: must not be negative';
  end if;
  if correct_interaction_usage.output_tokens < 0 then
    raise exception using errcode = '22023', message = 'output_tokens: must not be negative';
  end if;
  if correct_interaction_usage.total_cost < 0 or correct_interaction_usage.total_cost = 'NaN' then
    raise exception using errcode = '22023', message = 'total_cost: must be a number, not negative';
  end if;
  if pg_catalog.scale(correct_interaction_usage.total_cost) > 8
    or correct_interaction_usage.total_cost >= 100000000 then
    raise exception using
      errcode = '22023', message = 'total_cost: at most 8 decimal places and less than 10^8 (it is kept exactly)';
  end if;
  if not isfinite(correct_interaction_usage.started_at)
    or correct_interaction_usage.started_at > now() + interval '1 day' then
    raise exception using
      errcode = '22023', message = 'started_at: must be a finite time at most one day ahead of the server clock';
  end if;

  -- Locked like record_model_calls locks it: a correction and a recording wait for each other.
  select i.* into old_row
  from public.ai_interactions as i
  where i.id = correct_interaction_usage.interaction_id
  for no key update;
  if old_row.id is null then
    raise exception using
      errcode = 'PT404', message = 'interaction_id: no interaction with this id is visible to you';
  end if;
  has_calls := exists (
    select from public.model_calls as m
    where m.interaction_id = old_row.id
  );
  if has_calls and coalesce(
    correct_interaction_usage.input_tokens is distinct from old_row.input_tokens
    and correct_interaction_usage.input_tokens is not null, false
  ) then
    raise exception using
      errcode = 'PT409', message = 'input_tokens: an interaction with model calls takes its totals from its calls',
      hint = 'Correct the calls'' costs with reprice_model_calls.';
  end if;
  if has_calls and coalesce(
    correct_interaction_usage.output_tokens is distinct from old_row.output_tokens
    and correct_interaction_usage.output_tokens is not null, false
  ) then
    raise exception using
      errcode = 'PT409', message = 'output_tokens: an interaction with model calls takes its totals from its calls',
      hint = 'Correct the calls'' costs with reprice_model_calls.';
  end if;
  if has_calls and coalesce(
    correct_interaction_usage.total_cost is distinct from old_row.total_cost
    and correct_interaction_usage.total_cost is not null, false
  ) then
    raise exception using
      errcode = 'PT409', message = 'total_cost: an interaction with model calls takes its totals from its calls',
      hint = 'Correct the calls'' costs with reprice_model_calls.';
  end if;
  if correct_interaction_usage.started_at > old_row.ended_at then
    raise exception using errcode = '22023', message = 'started_at: must not be after the interaction''s ended_at';
  end if;

  -- A new vendor takes the given service (or none); a service alone must be of the vendor.
  new_vendor := coalesce(correct_interaction_usage.vendor_id, old_row.vendor_id);
  new_service := case
    when correct_interaction_usage.service_id is not null then correct_interaction_usage.service_id
    when correct_interaction_usage.vendor_id is distinct from old_row.vendor_id
      and correct_interaction_usage.vendor_id is not null then null
    else old_row.service_id
  end;
  if correct_interaction_usage.vendor_id is not null and not exists (
    select from public.vendors as v
    where v.id = correct_interaction_usage.vendor_id
  ) then
    raise exception using errcode = '23503', message = 'vendor_id: no vendor with this id';
  end if;
  if correct_interaction_usage.service_id is not null and not exists (
    select from public.vendor_services as s
    where s.id = correct_interaction_usage.service_id and s.vendor_id = new_vendor
  ) then
    raise exception using errcode = '23503', message = 'service_id: no service of the interaction''s vendor with this id';
  end if;

  if (
    coalesce(correct_interaction_usage.input_tokens, old_row.input_tokens),
    coalesce(correct_interaction_usage.output_tokens, old_row.output_tokens),
    coalesce(correct_interaction_usage.total_cost, old_row.total_cost),
    coalesce(correct_interaction_usage.started_at, old_row.started_at),
    new_vendor, new_service
  ) is not distinct from (
    old_row.input_tokens, old_row.output_tokens, old_row.total_cost, old_row.started_at,
    old_row.vendor_id, old_row.service_id
  ) then
    raise exception using
      errcode = '22023', message = 'interaction_id: nothing to correct (every value given equals the current one)';
  end if;

  -- As the table's owner: the guard of ended interactions' numbers lets this through.
  update public.ai_interactions as i
  set
    input_tokens = coalesce(correct_interaction_usage.input_tokens, i.input_tokens),
    output_tokens = coalesce(correct_interaction_usage.output_tokens, i.output_tokens),
    total_cost = coalesce(correct_interaction_usage.total_cost, i.total_cost),
    started_at = coalesce(correct_interaction_usage.started_at, i.started_at),
    vendor_id = new_vendor,
    service_id = new_service
  where i.id = old_row.id;

  insert into public.usage_corrections as c (
    run_id, kind, user_id, interaction_id, service_id, rows_changed, old_input_tokens,
    new_input_tokens,
    old_output_tokens, new_output_tokens, old_cost, new_cost, old_started_at, new_started_at,
    old_vendor_id, new_vendor_id, old_service_id, new_service_id, reason, corrected_by,
    corrected_by_role
  )
  select
    gen_random_uuid(), 'interaction', i.user_id, i.id, i.service_id, 1, old_row.input_tokens,
    i.input_tokens,
    old_row.output_tokens, i.output_tokens, old_row.total_cost, i.total_cost, old_row.started_at,
    i.started_at, old_row.vendor_id, i.vendor_id, old_row.service_id, i.service_id,
    correct_interaction_usage.reason, auth.uid(),
    coalesce(nullif(current_setting('role'), 'none'), session_user)
  from public.ai_interactions as i
  where i.id = old_row.id
  returning c.* into written;
  return written;
end;
$$;
comment on function private.correct_interaction_usage(uuid, text, integer, integer, numeric, timestamptz, text, text) is
'The body of public.correct_interaction_usage (security definer, outside the exposed schema).';
revoke execute on function private.correct_interaction_usage(uuid, text, integer, integer, numeric, timestamptz, text, text)
from public, anon, authenticated, service_role;
grant execute on function private.correct_interaction_usage(uuid, text, integer, integer, numeric, timestamptz, text, text)
to service_role;

create function public.correct_interaction_usage(
  interaction_id uuid,
  reason text,
  input_tokens integer default null,
  output_tokens integer default null,
  total_cost numeric default null,
  started_at timestamptz default null,
  vendor_id text default null,
  service_id text default null
)
returns public.usage_corrections
language sql
volatile
security invoker
set search_path = ''
as $$
  select * from private.correct_interaction_usage(
    correct_interaction_usage.interaction_id, correct_interaction_usage.reason,
    correct_interaction_usage.input_tokens, correct_interaction_usage.output_tokens,
    correct_interaction_usage.total_cost, correct_interaction_usage.started_at,
    correct_interaction_usage.vendor_id, correct_interaction_usage.service_id
  )
$$;
comment on function public.correct_interaction_usage(uuid, text, integer, integer, numeric, timestamptz, text, text) is
'Corrects the recorded usage of one interaction (service_role only) and records it in usage_corrections with the old and new numbers and the reason (required): input_tokens, output_tokens, total_cost (only of an interaction without model calls: PT409 otherwise), started_at, vendor_id, service_id; an argument left null keeps its value (so a cost cannot be corrected to unpriced). A new vendor without a service clears the service. Unknown interaction: PT404; nothing different: 22023. Returns the correction.';
revoke execute on function public.correct_interaction_usage(uuid, text, integer, integer, numeric, timestamptz, text, text)
from public, anon, authenticated, service_role;
grant execute on function public.correct_interaction_usage(uuid, text, integer, integer, numeric, timestamptz, text, text)
to service_role;

-- reprice_model_calls ------------------------------------------------------------------------

create function private.reprice_model_calls(
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
comment on function private.reprice_model_calls(text, timestamptz, timestamptz, text) is
'The body of public.reprice_model_calls (security definer, outside the exposed schema).';
revoke execute on function private.reprice_model_calls(text, timestamptz, timestamptz, text)
from public, anon, authenticated, service_role;
grant execute on function private.reprice_model_calls(text, timestamptz, timestamptz, text)
to service_role;

create function public.reprice_model_calls(
  service_id text, since timestamptz, until timestamptz, reason text default null
)
returns setof public.usage_corrections
language sql
volatile
security invoker
set search_path = ''
as $$
  select * from private.reprice_model_calls(
    reprice_model_calls.service_id, reprice_model_calls.since, reprice_model_calls.until,
    reprice_model_calls.reason
  )
$$;
comment on function public.reprice_model_calls(text, timestamptz, timestamptz, text) is
'After a price correction (service_role only): recomputes the cost of every call of service_id (null: of every service) started in [since, until) whose cost was computed (not supplied), at the price valid now at its start (no price valid now: unpriced, cost null), sets the totals of their interactions to the sums of their calls, and records the run in usage_corrections: one row per user whose calls changed (rows changed, old and new cost, unpriced calls before and after), or one row without a user when nothing changed. Returns those rows. The days concerned are recomputed by the statistics as usual (update_daily_usage_stats). Unknown service: PT404.';
revoke execute on function public.reprice_model_calls(text, timestamptz, timestamptz, text)
from public, anon, authenticated, service_role;
grant execute on function public.reprice_model_calls(text, timestamptz, timestamptz, text)
to service_role;
