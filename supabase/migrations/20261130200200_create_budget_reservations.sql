-- Hard limits without overshoot (issue 11): before a model call, a caller asks
-- admit_model_call for admission with an estimated cost. The database locks the current
-- period's spend of every hard budget covering the call, in budget order, and admits only if
-- spent + open reservations + estimate stays within each limit; the admission is a row of
-- budget_reservations, open until record_model_call settles it with the real cost or until
-- it expires (expires_at: no job is needed, an expired reservation simply stops counting).
-- A refusal is SQLSTATE PT402 (PostgREST: HTTP 402 Payment Required) naming the budget.
-- Recording usage without a reservation still counts (and alerts) as before.

create table public.budget_reservations (
  id uuid primary key default gen_random_uuid(),
  user_id uuid not null references auth.users (id) on delete cascade,
  agent_id uuid not null,
  vendor_id text not null,
  service_id text,
  estimated_cost numeric not null,
  expires_at timestamptz not null,
  settled_at timestamptz,
  actual_cost numeric,
  model_call_id uuid,
  created_at timestamptz not null default now(),
  constraint budget_reservations_agent_owned_by_user foreign key (agent_id, user_id)
  references public.ai_agents (id, user_id) on update cascade on delete cascade,
  constraint budget_reservations_estimated_cost_valid check (
    estimated_cost >= 0 and estimated_cost <> 'NaN' and estimated_cost < 1000000000000
  ),
  constraint budget_reservations_expires_after_created check (expires_at > created_at),
  -- Settled: by one call, with its cost (null when the call is unpriced).
  constraint budget_reservations_settlement check (
    (settled_at is null and actual_cost is null and model_call_id is null)
    or (settled_at is not null and model_call_id is not null)
  )
);
comment on table public.budget_reservations is
'Admissions of model calls (admit_model_call): the estimated cost held against every budget covering the call until record_model_call settles it (settled_at, actual_cost, model_call_id) or it expires (expires_at). Open = unsettled and unexpired; only open reservations count against hard limits. The owner reads their own; only the functions write.';
comment on column public.budget_reservations.vendor_id is 'The vendor the call is admitted for (the agent''s unless given).';
comment on column public.budget_reservations.service_id is 'The service the call is admitted for (the agent''s unless given), or null.';
comment on column public.budget_reservations.estimated_cost is 'The caller''s estimate in USD, exact, held until settled or expired.';
comment on column public.budget_reservations.expires_at is
'After this instant the reservation no longer counts (a call recorded later still counts in full as usage).';
comment on column public.budget_reservations.settled_at is 'When record_model_call settled it; null while open.';
comment on column public.budget_reservations.actual_cost is
'The recorded call''s cost (null when unpriced). Its difference to the estimate is the only way spend may pass a hard limit.';
comment on column public.budget_reservations.model_call_id is 'The model call that settled it (a ledger id).';

-- Open reservations of a user: what admissions and the status sum.
create index budget_reservations_user_id_expires_at_idx on public.budget_reservations (
  user_id, expires_at
)
where settled_at is null;
-- The policies' column and the auth.users foreign key, newest first.
create index budget_reservations_user_id_created_at_idx on public.budget_reservations (
  user_id, created_at desc
);
-- The (agent_id, user_id) foreign key.
create index budget_reservations_agent_id_user_id_idx on public.budget_reservations (
  agent_id, user_id
);

alter table public.budget_reservations enable row level security;

create policy budget_reservations_select_owner on public.budget_reservations
for select to authenticated
using (user_id = (select auth.uid()));
create policy budget_reservations_all_not_anonymous on public.budget_reservations
as restrictive
for all to authenticated
using (not (select private.is_anonymous()))
with check (not (select private.is_anonymous()));
comment on policy budget_reservations_all_not_anonymous on public.budget_reservations is
'Anonymous sign-ins (is_anonymous in the JWT) do not read reservations.';

revoke all on public.budget_reservations from anon, authenticated, service_role;
grant select (
  id, user_id, agent_id, vendor_id, service_id, estimated_cost, expires_at, settled_at,
  actual_cost, model_call_id, created_at
) on public.budget_reservations to authenticated;
grant select on public.budget_reservations to service_role;

-- Does a budget cover a call of this agent, vendor and service?
create function private.budget_covers(
  budget public.budgets, agent_id uuid, vendor_id text, service_id text
)
returns boolean
language sql
immutable
security invoker
set search_path = ''
as $$
  select case (budget_covers.budget).scope
    when 'all' then true
    when 'agent' then (budget_covers.budget).agent_id = budget_covers.agent_id
    when 'vendor' then (budget_covers.budget).vendor_id = budget_covers.vendor_id
    when 'service' then (budget_covers.budget).service_id = budget_covers.service_id
    else false
  end
$$;
comment on function private.budget_covers(public.budgets, uuid, text, text) is
'True when the budget''s scope covers usage of this agent, vendor and service.';
revoke execute on function private.budget_covers(public.budgets, uuid, text, text)
from public, anon, authenticated, service_role;

-- What open reservations hold against a budget now.
create function private.budget_reserved(budget public.budgets)
returns numeric
language sql
stable
security definer
set search_path = ''
as $$
  select coalesce(sum(r.estimated_cost), 0)
  from public.budget_reservations as r
  where
    r.user_id = (budget_reserved.budget).user_id
    and r.settled_at is null
    and r.expires_at > now()
    and private.budget_covers(budget_reserved.budget, r.agent_id, r.vendor_id, r.service_id)
$$;
comment on function private.budget_reserved(public.budgets) is
'The sum of the estimates of the open (unsettled, unexpired) reservations the budget covers.';
revoke execute on function private.budget_reserved(public.budgets)
from public, anon, authenticated, service_role;

-- The spend of a budget in its current period: the counter, or the ledger when no counter
-- row exists yet (read-only callers).
create function private.budget_current_spend(budget public.budgets, zone text)
returns table (first_day date, spent numeric)
language sql
stable
security definer
set search_path = ''
as $$
  select
    k.first_day,
    coalesce(
      (
        select s.spent from private.budget_spend as s
        where s.budget_id = (budget_current_spend.budget).id and s.period_start = k.first_day
      ),
      private.budget_spend_of((budget_current_spend.budget).id, k.first_day)
    )
  from (
    select private.budget_period_first_day(
      (budget_current_spend.budget).period, (now() at time zone budget_current_spend.zone)::date
    ) as first_day
  ) as k
$$;
comment on function private.budget_current_spend(public.budgets, text) is
'The first local day of the budget''s current period in zone, and what it spent in it (the counter row, else computed from the ledger).';
revoke execute on function private.budget_current_spend(public.budgets, text)
from public, anon, authenticated, service_role;

create function private.admit_model_call(
  agent_id uuid,
  estimated_cost numeric,
  vendor_id text,
  service_id text,
  ttl_seconds integer
)
returns public.budget_reservations
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
  agent public.ai_agents;
  chosen_service text;
  chosen_vendor text;
  service_vendor text;
  zone text;
  b public.budgets;
  first_day date;
  spent numeric;
  reserved numeric;
  admitted public.budget_reservations;
begin
  if not is_service then
    if caller is null then
      raise exception using
        errcode = '42501',
        message = 'admit_model_call: sign in, or call it with the service_role key';
    end if;
    if private.is_anonymous() then
      raise exception using
        errcode = '42501', message = 'admit_model_call: anonymous users may not make model calls';
    end if;
  end if;
  if admit_model_call.agent_id is null then
    raise exception using errcode = '22004', message = 'agent_id: required';
  end if;
  if admit_model_call.estimated_cost is null then
    raise exception using errcode = '22004', message = 'estimated_cost: required';
  elsif admit_model_call.estimated_cost < 0 or admit_model_call.estimated_cost = 'NaN'
    or admit_model_call.estimated_cost >= 1000000000000 then
    raise exception using
      errcode = '22023', message = 'estimated_cost: must be a number from 0 to less than 10^12';
  elsif pg_catalog.scale(admit_model_call.estimated_cost) > 12 then
    raise exception using errcode = '22023', message = 'estimated_cost: at most 12 decimal places';
  end if;
  if admit_model_call.ttl_seconds is null then
    raise exception using errcode = '22004', message = 'ttl_seconds: required';
  elsif admit_model_call.ttl_seconds not between 1 and 86400 then
    raise exception using errcode = '22023', message = 'ttl_seconds: must be from 1 to 86400';
  end if;
  if length(admit_model_call.vendor_id) > 63 then
    raise exception using errcode = '22023', message = 'vendor_id: at most 63 characters';
  end if;
  if length(admit_model_call.service_id) > 128 then
    raise exception using errcode = '22023', message = 'service_id: at most 128 characters';
  end if;

  select a.* into agent from public.ai_agents as a where a.id = admit_model_call.agent_id;
  if not found or (not is_service and agent.user_id is distinct from caller) then
    raise exception using
      errcode = 'PT404',
      message = 'agent_id: no agent with this id is visible to you',
      hint = 'Pass the id of an agent you own.';
  end if;

  -- The service and vendor to be called: as given, else the agent's (as record_model_call).
  chosen_service := coalesce(
    admit_model_call.service_id,
    case
      when admit_model_call.vendor_id is null or admit_model_call.vendor_id = agent.vendor_id
        then agent.service_id
    end
  );
  if chosen_service is not null then
    select s.vendor_id into service_vendor
    from public.vendor_services as s
    where s.id = chosen_service;
    if not found then
      raise exception using
        errcode = '23503', message = 'service_id: no vendor service with this id is visible to you';
    end if;
    if admit_model_call.vendor_id is not null and admit_model_call.vendor_id <> service_vendor then
      raise exception using errcode = '22023', message = 'vendor_id: is not the vendor of service_id';
    end if;
    chosen_vendor := service_vendor;
  else
    chosen_vendor := coalesce(admit_model_call.vendor_id, agent.vendor_id);
  end if;

  -- Every hard budget covering the call, in id order: its current period's row computed if
  -- missing and locked, then spent + open reservations + estimate against its limit. The
  -- lock makes parallel admissions and recordings of the same budget take turns; each
  -- statement below sees what the turns before it committed.
  perform private.lock_budget_users(array[agent.user_id]);
  zone := private.user_time_zone(agent.user_id);
  for b in
    select x.* from public.budgets as x
    where
      x.user_id = agent.user_id
      and x.is_hard
      and private.budget_covers(x, agent.id, chosen_vendor, chosen_service)
    order by x.id
  loop
    first_day := private.budget_period_first_day(b.period, (now() at time zone zone)::date);
    select s.spent into spent
    from private.budget_spend as s
    where s.budget_id = b.id and s.period_start = first_day
    for no key update;
    if not found then
      perform private.add_budget_spend(b.id, first_day, 0);
      select s.spent into strict spent
      from private.budget_spend as s
      where s.budget_id = b.id and s.period_start = first_day
      for no key update;
    end if;
    reserved := private.budget_reserved(b);
    if spent + reserved + admit_model_call.estimated_cost > b.limit_amount then
      raise exception using
        errcode = 'PT402',
        message = format(
          'budget %s (%s): the estimated cost would exceed its limit', b.id, b.name
        ),
        detail = format(
          'limit %s, spent %s, reserved %s, estimated %s',
          b.limit_amount, spent, reserved, admit_model_call.estimated_cost
        ),
        hint = 'Wait for the next period, raise the limit, or make the budget soft (is_hard false).';
    end if;
  end loop;

  insert into public.budget_reservations as r (
    user_id, agent_id, vendor_id, service_id, estimated_cost, expires_at
  ) values (
    agent.user_id, agent.id, chosen_vendor, chosen_service, admit_model_call.estimated_cost,
    now() + make_interval(secs => admit_model_call.ttl_seconds)
  )
  returning r.* into admitted;
  return admitted;
end;
$$;
comment on function private.admit_model_call(uuid, numeric, text, text, integer) is
'The body of public.admit_model_call (security definer, outside the exposed schema).';
revoke execute on function private.admit_model_call(uuid, numeric, text, text, integer)
from public, anon, authenticated, service_role;
grant execute on function private.admit_model_call(uuid, numeric, text, text, integer)
to authenticated, service_role;

create function public.admit_model_call(
  agent_id uuid,
  estimated_cost numeric,
  vendor_id text default null,
  service_id text default null,
  ttl_seconds integer default 300
)
returns public.budget_reservations
language sql
volatile
security invoker
set search_path = ''
as $$
  select * from private.admit_model_call(
    admit_model_call.agent_id, admit_model_call.estimated_cost, admit_model_call.vendor_id,
    admit_model_call.service_id, admit_model_call.ttl_seconds
  )
$$;
comment on function public.admit_model_call(uuid, numeric, text, text, integer) is
'Asks admission for a model call of an agent with an estimated cost (USD, exact). Admitted when, for every hard budget covering the call (all, the agent, its vendor or service; vendor and service default to the agent''s), spent in the current period + open reservations + the estimate <= the limit; returns the reservation (open for ttl_seconds, default 300), to pass as reservation_id to record_model_call. Refused: PT402 (HTTP 402) naming the budget id and name, the figures in the detail. The agent''s owner or service_role.';
revoke execute on function public.admit_model_call(uuid, numeric, text, text, integer)
from public, anon, authenticated, service_role;
grant execute on function public.admit_model_call(uuid, numeric, text, text, integer)
to authenticated, service_role;
