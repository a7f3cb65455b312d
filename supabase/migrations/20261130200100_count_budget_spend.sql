-- Budget spend kept exact in the transaction of the usage (issue 11). Statement triggers on
-- model_calls and ai_interactions (transition tables: a batch of calls makes one update per
-- budget and period) add the cost of each usage event to private.budget_spend, keyed by the
-- budget and the first local day of the period the event started in, in the owner's zone.
-- A (budget, period) row is computed from the ledger (private.usage_events) the first time it
-- is needed, so a new budget counts what was spent before it, and a new period starts clean
-- without any job. Deletes lower nothing (the ledger keeps deleted usage). Reaching a
-- threshold writes its alert in the same statement (a trigger on budget_spend).
--
-- Locks, always in this order: a per-user advisory lock (shared by usage and admissions,
-- exclusive while the user's time zone changes and the counters are rebuilt), then the
-- budget_spend rows one at a time in (budget_id, period_start) order. Two writers touching
-- the same budgets therefore wait for each other and never deadlock.

-- The advisory lock of a user's budget counters (namespace 110011, issue 11).
create function private.lock_budget_users(user_ids uuid [], exclusive boolean default false)
returns void
language plpgsql
volatile
security invoker
set search_path = ''
as $$
begin
  if lock_budget_users.exclusive then
    perform pg_catalog.pg_advisory_xact_lock(110011, pg_catalog.hashtext(u.id::text))
    from (select distinct x.id from unnest(lock_budget_users.user_ids) as x (id)) as u
    order by pg_catalog.hashtext(u.id::text);
  else
    perform pg_catalog.pg_advisory_xact_lock_shared(110011, pg_catalog.hashtext(u.id::text))
    from (select distinct x.id from unnest(lock_budget_users.user_ids) as x (id)) as u
    order by pg_catalog.hashtext(u.id::text);
  end if;
end;
$$;
comment on function private.lock_budget_users(uuid [], boolean) is
'Takes the transaction-level advisory lock of each user''s budget counters, in hash order: shared for usage and admissions, exclusive to rebuild them after a change of time zone.';
revoke execute on function private.lock_budget_users(uuid [], boolean)
from public, anon, authenticated, service_role;

-- What a budget spent in a period, recomputed from the ledger.
create function private.budget_spend_of(budget_id uuid, first_day date)
returns numeric
language plpgsql
stable
security definer
set search_path = ''
as $$
declare
  b public.budgets;
  zone text;
  next_day date;
  total numeric;
begin
  select x.* into b from public.budgets as x where x.id = budget_spend_of.budget_id;
  if not found then
    return 0;
  end if;
  zone := private.user_time_zone(b.user_id);
  if b.period = 'none' then
    select coalesce(sum(e.cost), 0) into total
    from private.usage_events as e
    where
      e.user_id = b.user_id
      and (
        b.scope = 'all' or e.agent_id = b.agent_id or e.vendor_id = b.vendor_id
        or e.service_id = b.service_id
      );
    return total;
  end if;
  next_day := private.budget_period_next_day(b.period, budget_spend_of.first_day);
  -- Instants a day wider than the local days (the index range), then the exact local date.
  select coalesce(sum(e.cost), 0) into total
  from private.usage_events as e
  where
    e.user_id = b.user_id
    and (
      b.scope = 'all' or e.agent_id = b.agent_id or e.vendor_id = b.vendor_id
      or e.service_id = b.service_id
    )
    and e.started_at >= private.local_day_start(budget_spend_of.first_day, zone) - interval '1 day'
    and e.started_at < private.local_day_start(next_day, zone) + interval '1 day'
    and (e.started_at at time zone zone)::date >= budget_spend_of.first_day
    and (e.started_at at time zone zone)::date < next_day;
  return total;
end;
$$;
comment on function private.budget_spend_of(uuid, date) is
'The cost of the usage events (private.usage_events) of the budget''s scope that started in the period beginning on first_day (local dates in the owner''s zone; every event for a lifetime budget). Unpriced events (cost null) count 0.';
revoke execute on function private.budget_spend_of(uuid, date)
from public, anon, authenticated, service_role;

-- Adds a delta to one (budget, period), creating the row from the ledger when it is missing
-- (the ledger already holds this transaction's usage, so the delta is then included). The
-- ledger is read only when the row is missing: an existing row is updated first.
create function private.add_budget_spend(budget_id uuid, first_day date, delta numeric)
returns void
language plpgsql
volatile
security definer
set search_path = ''
as $$
begin
  update private.budget_spend as s
  set spent = s.spent + add_budget_spend.delta, updated_at = now()
  where s.budget_id = add_budget_spend.budget_id and s.period_start = add_budget_spend.first_day;
  if found then
    return;
  end if;
  insert into private.budget_spend as s (budget_id, period_start, spent)
  values (
    add_budget_spend.budget_id, add_budget_spend.first_day,
    private.budget_spend_of(add_budget_spend.budget_id, add_budget_spend.first_day)
  )
  on conflict on constraint budget_spend_pkey do nothing;
  if not found then
    -- Another transaction created the row meanwhile (its count excludes this usage).
    update private.budget_spend as s
    set spent = s.spent + add_budget_spend.delta, updated_at = now()
    where s.budget_id = add_budget_spend.budget_id and s.period_start = add_budget_spend.first_day;
  end if;
end;
$$;
comment on function private.add_budget_spend(uuid, date, numeric) is
'Adds delta to the spend of a budget in the period starting on first_day; a missing row is computed from the ledger instead (which already holds the usage being added). Takes the row''s lock.';
revoke execute on function private.add_budget_spend(uuid, date, numeric)
from public, anon, authenticated, service_role;

-- The usage of one statement, added to every budget it falls under. An event is the same
-- position in each array: whose, which agent, vendor and service, when it started, its cost
-- (negative to take a cost back, e.g. an interaction's own total when its first call is
-- recorded).
create function private.apply_budget_usage(
  user_ids uuid [],
  agent_ids uuid [],
  vendor_ids text [],
  service_ids text [],
  started timestamptz [],
  costs numeric []
)
returns void
language plpgsql
volatile
security definer
set search_path = ''
as $$
declare
  d record;
begin
  if not exists (select from unnest(apply_budget_usage.costs) as c (v) where c.v <> 0) then
    return;
  end if;
  perform private.lock_budget_users(apply_budget_usage.user_ids);
  for d in
    with e as (
      select x.*
      from unnest(
        apply_budget_usage.user_ids, apply_budget_usage.agent_ids, apply_budget_usage.vendor_ids,
        apply_budget_usage.service_ids, apply_budget_usage.started, apply_budget_usage.costs
      ) as x (user_id, agent_id, vendor_id, service_id, started_at, cost)
      where x.cost <> 0
    ),
    z as (
      select u.user_id, private.user_time_zone(u.user_id) as zone
      from (select distinct e.user_id from e) as u
    ),
    -- Events by local day first: a batch spans few days, so the period of each budget is
    -- computed a few times, not once per event.
    days as (
      select
        e.user_id, e.agent_id, e.vendor_id, e.service_id,
        (e.started_at at time zone z.zone)::date as local_day,
        sum(e.cost) as cost
      from e
      inner join z on e.user_id = z.user_id
      group by 1, 2, 3, 4, 5
    )
    select
      b.id as budget_id,
      private.budget_period_first_day(b.period, days.local_day) as first_day,
      sum(days.cost) as delta
    from days
    inner join public.budgets as b
      on
        days.user_id = b.user_id
        and (
          b.scope = 'all'
          or (b.scope = 'agent' and b.agent_id = days.agent_id)
          or (b.scope = 'vendor' and b.vendor_id = days.vendor_id)
          or (b.scope = 'service' and b.service_id = days.service_id)
        )
    group by 1, 2
    order by 1, 2
  loop
    perform private.add_budget_spend(d.budget_id, d.first_day, d.delta);
  end loop;
end;
$$;
comment on function private.apply_budget_usage(uuid [], uuid [], text [], text [], timestamptz [], numeric []) is
'Adds the cost of usage events (one per array position) to every budget of their owner whose scope covers them, per period (the first local day of the event''s start in the owner''s zone): one locked update per (budget, period), in key order, under the owners'' shared advisory locks.';
revoke execute on function private.apply_budget_usage(uuid [], uuid [], text [], text [], timestamptz [], numeric [])
from public, anon, authenticated, service_role;

-- Model calls: new calls add their cost; a call recorded on an interaction that had no call
-- before takes back the interaction's own total (private.usage_events counts an interaction
-- by its own totals only while it has no calls).
create function private.count_model_calls_in_budgets()
returns trigger
language plpgsql
security definer
set search_path = ''
as $$
-- @plpgsql_check_options: oldtable = old_rows, newtable = new_rows
declare
  user_ids uuid [];
  agent_ids uuid [];
  vendor_ids text [];
  service_ids text [];
  started timestamptz [];
  costs numeric [];
begin
  if tg_op = 'INSERT' then
    select
      array_agg(e.user_id), array_agg(e.agent_id), array_agg(e.vendor_id),
      array_agg(e.service_id), array_agg(e.started_at), array_agg(e.cost)
    into user_ids, agent_ids, vendor_ids, service_ids, started, costs
    from (
      select n.user_id, n.agent_id, n.vendor_id, n.service_id, n.started_at, n.cost
      from new_rows as n
      where n.cost is not null
      union all
      select i.user_id, i.agent_id, i.vendor_id, i.service_id, i.started_at, -i.total_cost
      from public.ai_interactions as i
      where
        i.id in (select n.interaction_id from new_rows as n where n.interaction_id is not null)
        and i.total_cost is not null
        and not exists (
          select from public.model_calls as c
          where c.interaction_id = i.id and c.id not in (select n.id from new_rows as n)
        )
    ) as e;
  else
    -- A correction: the old figures out, the new ones in.
    select
      array_agg(e.user_id), array_agg(e.agent_id), array_agg(e.vendor_id),
      array_agg(e.service_id), array_agg(e.started_at), array_agg(e.cost)
    into user_ids, agent_ids, vendor_ids, service_ids, started, costs
    from old_rows as o
    inner join new_rows as n on o.id = n.id
    cross join lateral (
      values
      (o.user_id, o.agent_id, o.vendor_id, o.service_id, o.started_at, -o.cost),
      (n.user_id, n.agent_id, n.vendor_id, n.service_id, n.started_at, n.cost)
    ) as e (user_id, agent_id, vendor_id, service_id, started_at, cost)
    where
      e.cost is not null
      and (o.cost, o.started_at, o.agent_id, o.vendor_id, o.service_id)
      is distinct from (n.cost, n.started_at, n.agent_id, n.vendor_id, n.service_id);
  end if;
  if costs is not null then
    perform private.apply_budget_usage(user_ids, agent_ids, vendor_ids, service_ids, started, costs);
  end if;
  return null;
end;
$$;
comment on function private.count_model_calls_in_budgets() is
'Statement trigger function on model_calls: adds inserted calls to their budgets (taking back the own total of an interaction that gets its first calls), and moves corrected calls. Deleting calls lowers nothing (the ledger rule).';
revoke execute on function private.count_model_calls_in_budgets()
from public, anon, authenticated, service_role;

create trigger model_calls_count_in_budgets_insert
after insert on public.model_calls
referencing new table as new_rows
for each statement execute function private.count_model_calls_in_budgets();

create trigger model_calls_count_in_budgets_update
after update on public.model_calls
referencing old table as old_rows new table as new_rows
for each statement execute function private.count_model_calls_in_budgets();

-- Interactions recorded without calls count by their own total_cost; an edit of that total,
-- of the start or of the recorded vendor moves it. Deleting one lowers nothing.
create function private.count_interactions_in_budgets()
returns trigger
language plpgsql
security definer
set search_path = ''
as $$
-- @plpgsql_check_options: oldtable = old_rows, newtable = new_rows
declare
  user_ids uuid [];
  agent_ids uuid [];
  vendor_ids text [];
  service_ids text [];
  started timestamptz [];
  costs numeric [];
begin
  if tg_op = 'INSERT' then
    select
      array_agg(n.user_id), array_agg(n.agent_id), array_agg(n.vendor_id),
      array_agg(n.service_id), array_agg(n.started_at), array_agg(n.total_cost)
    into user_ids, agent_ids, vendor_ids, service_ids, started, costs
    from new_rows as n
    where
      n.total_cost is not null
      and not exists (select from public.model_calls as c where c.interaction_id = n.id);
  else
    select
      array_agg(e.user_id), array_agg(e.agent_id), array_agg(e.vendor_id),
      array_agg(e.service_id), array_agg(e.started_at), array_agg(e.cost)
    into user_ids, agent_ids, vendor_ids, service_ids, started, costs
    from old_rows as o
    inner join new_rows as n on o.id = n.id
    cross join lateral (
      values
      (o.user_id, o.agent_id, o.vendor_id, o.service_id, o.started_at, -o.total_cost),
      (n.user_id, n.agent_id, n.vendor_id, n.service_id, n.started_at, n.total_cost)
    ) as e (user_id, agent_id, vendor_id, service_id, started_at, cost)
    where
      e.cost is not null
      and (o.total_cost, o.started_at, o.agent_id, o.vendor_id, o.service_id)
      is distinct from (n.total_cost, n.started_at, n.agent_id, n.vendor_id, n.service_id)
      and not exists (select from public.model_calls as c where c.interaction_id = n.id);
  end if;
  if costs is not null then
    perform private.apply_budget_usage(user_ids, agent_ids, vendor_ids, service_ids, started, costs);
  end if;
  return null;
end;
$$;
comment on function private.count_interactions_in_budgets() is
'Statement trigger function on ai_interactions: an interaction without calls counts in its budgets by its own total_cost (insert adds it, an edit of the total, start, agent, vendor or service moves it). Interactions with calls count through their calls. Deleting lowers nothing.';
revoke execute on function private.count_interactions_in_budgets()
from public, anon, authenticated, service_role;

create trigger ai_interactions_count_in_budgets_insert
after insert on public.ai_interactions
referencing new table as new_rows
for each statement execute function private.count_interactions_in_budgets();

create trigger ai_interactions_count_in_budgets_update
after update on public.ai_interactions
referencing old table as old_rows new table as new_rows
for each statement execute function private.count_interactions_in_budgets();
