-- Budgets (issue 11): a user caps what their usage may cost per calendar period. A budget
-- has a scope (all the user's usage, one agent, one vendor or one service), a period (day,
-- week from Monday, month, calendar-aligned in the user's time zone, or none: a lifetime
-- cap), a limit in exact money, alert thresholds in percent of the limit, and whether the
-- limit is hard (admit_model_call refuses calls that could overshoot it). Owners manage
-- their own budgets (RLS); service_role any. Scope and period are fixed once created: the
-- spend counters are kept per budget and period, so a budget that should count something
-- else is a new budget.

-- Thresholds are percents of the limit: at most 10, each above 0 and at most 1000 (a soft
-- budget may alert past its limit), no duplicates, no nulls.
create function private.budget_thresholds_valid(thresholds numeric [])
returns boolean
language sql
immutable
security invoker
set search_path = ''
as $$
  select
    budget_thresholds_valid.thresholds is null
    or (
      coalesce(array_ndims(budget_thresholds_valid.thresholds), 1) = 1
      and cardinality(budget_thresholds_valid.thresholds) <= 10
      and not exists (
        select from unnest(budget_thresholds_valid.thresholds) as t (v)
        where t.v is null or t.v = 'NaN' or t.v <= 0 or t.v > 1000 or pg_catalog.scale(t.v) > 4
      )
      and (
        select count(distinct t.v) from unnest(budget_thresholds_valid.thresholds) as t (v)
      ) = cardinality(budget_thresholds_valid.thresholds)
    )
$$;
comment on function private.budget_thresholds_valid(numeric []) is
'True when the alert thresholds of a budget are valid: a one-dimensional array of at most 10 distinct percents, each above 0 and at most 1000 with at most 4 decimals, no null. budgets_thresholds_valid calls it.';
revoke execute on function private.budget_thresholds_valid(numeric [])
from public, anon, authenticated, service_role;
-- A check constraint runs its function with the writer's privileges.
grant execute on function private.budget_thresholds_valid(numeric []) to authenticated, service_role;

create table public.budgets (
  id uuid primary key default gen_random_uuid(),
  user_id uuid not null default auth.uid() references auth.users (id) on delete cascade,
  name text not null,
  scope text not null default 'all',
  agent_id uuid,
  vendor_id text references public.vendors (id) on update cascade on delete restrict,
  service_id text references public.vendor_services (id) on update cascade on delete restrict,
  period text not null default 'month',
  limit_amount numeric not null,
  thresholds numeric [] not null default '{50,80,100}',
  is_hard boolean not null default false,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  constraint budgets_agent_owned_by_user foreign key (agent_id, user_id)
  references public.ai_agents (id, user_id) on update cascade on delete cascade,
  -- A name per user, so `agentsdb budgets set NAME` finds the budget again.
  constraint budgets_user_id_name_key unique (user_id, name),
  constraint budgets_name_not_blank check (name ~ '\S' and length(name) <= 200),
  constraint budgets_scope_valid check (scope in ('all', 'agent', 'vendor', 'service')),
  -- The scope names exactly the one id it needs.
  constraint budgets_scope_target check (
    case scope
      when 'all' then agent_id is null and vendor_id is null and service_id is null
      when 'agent' then agent_id is not null and vendor_id is null and service_id is null
      when 'vendor' then vendor_id is not null and agent_id is null and service_id is null
      when 'service' then service_id is not null and agent_id is null and vendor_id is null
      else false
    end
  ),
  constraint budgets_vendor_id_length check (length(vendor_id) <= 63),
  constraint budgets_service_id_length check (length(service_id) <= 128),
  constraint budgets_period_valid check (period in ('day', 'week', 'month', 'none')),
  -- Exact money: not NaN, not negative, at most 12 decimals (as model_calls.cost), below 10^12.
  constraint budgets_limit_amount_valid check (
    limit_amount >= 0 and limit_amount <> 'NaN' and limit_amount < 1000000000000
    and scale(limit_amount) <= 12
  ),
  constraint budgets_thresholds_valid check (private.budget_thresholds_valid(thresholds))
);

comment on table public.budgets is
'Spending budgets: a scope (all, agent, vendor, service), a calendar period in the owner''s time zone (day, week from Monday, month, or none for a lifetime cap), a limit in exact USD, alert thresholds and whether the limit is hard. Spend comes from the usage ledger (private.usage_events), so deleting agents or interactions never lowers it. The owner manages their own; service_role any. Scope and period cannot change (create another budget). get_budget_status shows each budget''s current period.';
comment on column public.budgets.user_id is 'The owner (defaults to the caller).';
comment on column public.budgets.name is 'A name unique per user (1 to 200 characters, not blank).';
comment on column public.budgets.scope is
'What the budget counts: all (every usage of the owner), agent (agent_id), vendor (vendor_id) or service (service_id). Fixed once created.';
comment on column public.budgets.agent_id is
'The agent of an agent-scoped budget (the owner''s own); deleting the agent deletes the budget.';
comment on column public.budgets.vendor_id is 'The vendor of a vendor-scoped budget: usage recorded with this vendor.';
comment on column public.budgets.service_id is
'The vendor service of a service-scoped budget: usage recorded with this service.';
comment on column public.budgets.period is
'day, week (from Monday), month (calendar, in the owner''s user_settings.time_zone, UTC by default) or none (lifetime). Fixed once created.';
comment on column public.budgets.limit_amount is
'The limit in USD, exact (at most 12 decimals, below 10^12; 0 allowed: a hard budget of 0 admits nothing).';
comment on column public.budgets.thresholds is
'Alert thresholds in percent of the limit (default 50, 80, 100): at most 10 distinct values above 0 and at most 1000. Reaching one writes one budget_alerts row per period.';
comment on column public.budgets.is_hard is
'True: admit_model_call refuses (PT402) a call whose estimate would take spent + open reservations past the limit.';

-- The policies' column and the auth.users foreign key: served by budgets_user_id_name_key.
-- The (agent_id, user_id) foreign key.
create index budgets_agent_id_user_id_idx on public.budgets (agent_id, user_id)
where agent_id is not null;
create index budgets_vendor_id_idx on public.budgets (vendor_id) where vendor_id is not null;
create index budgets_service_id_idx on public.budgets (service_id) where service_id is not null;

-- A client names only catalog rows it can read (a deactivated vendor gets the answer of a
-- missing one, 20261130120100); named to fire first.
create trigger budgets_a_require_visible_references
before insert on public.budgets
for each row execute function private.require_visible_references(
  'vendor_id', 'vendors', '63', 'service_id', 'vendor_services', '128'
);

create trigger budgets_set_updated_at
before update on public.budgets
for each row execute function private.set_updated_at();

create trigger budgets_audit
after insert or update or delete on public.budgets
for each row execute function private.record_audit_log();

alter table public.budgets enable row level security;

create policy budgets_select_owner on public.budgets
for select to authenticated
using (user_id = (select auth.uid()));
-- A reference to someone else's agent is refused as a policy violation (42501), before the
-- composite foreign key would (23503).
create policy budgets_insert_owner on public.budgets
for insert to authenticated
with check (
  user_id = (select auth.uid())
  and (
    agent_id is null
    or agent_id in (
      select a.id from public.ai_agents as a
      where a.user_id = (select auth.uid())
    )
  )
);
create policy budgets_update_owner on public.budgets
for update to authenticated
using (user_id = (select auth.uid()))
with check (user_id = (select auth.uid()));
create policy budgets_delete_owner on public.budgets
for delete to authenticated
using (user_id = (select auth.uid()));
create policy budgets_all_not_anonymous on public.budgets
as restrictive
for all to authenticated
using (not (select private.is_anonymous()))
with check (not (select private.is_anonymous()));
comment on policy budgets_all_not_anonymous on public.budgets is
'Anonymous sign-ins (is_anonymous in the JWT) neither read nor write budgets.';

-- Clients: every column readable; what a budget counts given once; name, limit, thresholds
-- and hardness changeable; ids are the database's.
revoke all on public.budgets from anon, authenticated, service_role;
grant select (
  id, user_id, name, scope, agent_id, vendor_id, service_id, period, limit_amount, thresholds,
  is_hard, created_at, updated_at
) on public.budgets to authenticated;
grant insert (
  user_id, name, scope, agent_id, vendor_id, service_id, period, limit_amount, thresholds, is_hard
) on public.budgets to authenticated;
grant update (name, limit_amount, thresholds, is_hard) on public.budgets to authenticated;
grant delete on public.budgets to authenticated;
grant select, delete on public.budgets to service_role;
grant insert (
  id, user_id, name, scope, agent_id, vendor_id, service_id, period, limit_amount, thresholds,
  is_hard
) on public.budgets to service_role;
grant update (name, limit_amount, thresholds, is_hard) on public.budgets to service_role;

-- Periods. A period is named by the local date it starts on (its first day, in the owner's
-- zone): a date is exact where instants are not (a local midnight can be skipped or repeated
-- by a daylight-saving change). A lifetime budget has one period, '-infinity'.
create function private.budget_period_first_day(period text, local_day date)
returns date
language sql
immutable
security invoker
set search_path = ''
as $$
  select case budget_period_first_day.period
    when 'day' then budget_period_first_day.local_day
    when 'week' then
      budget_period_first_day.local_day
      - (extract(isodow from budget_period_first_day.local_day)::integer - 1)
    when 'month' then date_trunc('month', budget_period_first_day.local_day::timestamp)::date
    when 'none' then '-infinity'::date
  end
$$;
comment on function private.budget_period_first_day(text, date) is
'The first local day of the period (day, week from Monday, month; -infinity for none) that contains local_day.';
revoke execute on function private.budget_period_first_day(text, date)
from public, anon, authenticated, service_role;

create function private.budget_period_next_day(period text, first_day date)
returns date
language sql
immutable
security invoker
set search_path = ''
as $$
  select case budget_period_next_day.period
    when 'day' then budget_period_next_day.first_day + 1
    when 'week' then budget_period_next_day.first_day + 7
    when 'month' then (budget_period_next_day.first_day::timestamp + interval '1 month')::date
  end
$$;
comment on function private.budget_period_next_day(text, date) is
'The first local day of the period after the one starting on first_day (null for none).';
revoke execute on function private.budget_period_next_day(text, date)
from public, anon, authenticated, service_role;

-- The first instant of a local day. PostgreSQL reads a local midnight that happens twice
-- (America/Havana falls back from 01:00 to 00:00) as the later one, so the hour before is
-- checked: if it is still on that day, the day began an hour earlier. A skipped midnight is
-- read as the first instant after the gap, which is right.
create function private.local_day_start(local_day date, time_zone text)
returns timestamptz
language sql
immutable
security invoker
set search_path = ''
as $$
  select case
    when ((c.t - interval '1 hour') at time zone local_day_start.time_zone)::date
      = local_day_start.local_day
      then c.t - interval '1 hour'
    else c.t
  end
  from (select local_day_start.local_day::timestamp at time zone local_day_start.time_zone as t) as c
$$;
comment on function private.local_day_start(date, text) is
'The first instant of local_day in time_zone (the earlier of two midnights when a daylight-saving change repeats midnight; the end of the gap when it skips it).';
revoke execute on function private.local_day_start(date, text)
from public, anon, authenticated, service_role;

create function private.user_time_zone(user_id uuid)
returns text
language sql
stable
security invoker
set search_path = ''
as $$
  select coalesce(
    (select s.time_zone from public.user_settings as s where s.user_id = user_time_zone.user_id),
    'UTC'
  )
$$;
comment on function private.user_time_zone(uuid) is
'The user''s time zone: user_settings.time_zone, UTC when the user has no row.';
revoke execute on function private.user_time_zone(uuid) from public, anon, authenticated, service_role;

-- What each budget has spent per period, kept exact in the same transaction as the usage
-- (triggers of 20261130200100). Not exposed: get_budget_status reads it.
create table private.budget_spend (
  budget_id uuid not null references public.budgets (id) on delete cascade,
  period_start date not null,
  spent numeric not null default 0,
  updated_at timestamptz not null default now(),
  constraint budget_spend_pkey primary key (budget_id, period_start),
  constraint budget_spend_spent_not_nan check (spent <> 'NaN')
);
comment on table private.budget_spend is
'The spend of each budget per period (its first local day; -infinity for a lifetime budget): the sum of the cost of the usage events of the budget''s scope that started in that period, in the owner''s time zone. A row is computed from private.usage_events when first needed, then moved by the usage triggers in the same transaction as the usage. Deleting agents or interactions never lowers it (the ledger keeps them).';
revoke all on private.budget_spend from public, anon, authenticated, service_role;

-- Alerts: one per budget, period and threshold, written in the transaction of the usage
-- that reached the threshold.
create table public.budget_alerts (
  id uuid primary key default gen_random_uuid(),
  budget_id uuid not null references public.budgets (id) on delete cascade,
  user_id uuid not null references auth.users (id) on delete cascade,
  period_start date,
  threshold numeric not null,
  spent numeric not null,
  limit_amount numeric not null,
  created_at timestamptz not null default now(),
  acknowledged_at timestamptz,
  -- Exactly once, also under parallel load (a lifetime budget's period is null: one row).
  constraint budget_alerts_budget_id_period_start_threshold_key unique nulls not distinct (
    budget_id, period_start, threshold
  ),
  constraint budget_alerts_acknowledged_after_created check (acknowledged_at >= created_at)
);
comment on table public.budget_alerts is
'One row per budget, period and threshold reached, written in the same transaction as the usage (or the budget change) that reached it, and announced with pg_notify(''agentsdb_budget_alerts'', json) and Supabase Realtime. The owner reads their own and acknowledges them (acknowledge_budget_alert); nobody else writes them.';
comment on column public.budget_alerts.period_start is
'The first local day of the period (in the owner''s time zone when the alert was written); null for a lifetime budget.';
comment on column public.budget_alerts.threshold is 'The threshold reached, in percent of the limit.';
comment on column public.budget_alerts.spent is 'What the budget had spent in the period when the threshold was reached.';
comment on column public.budget_alerts.limit_amount is 'The budget''s limit then.';
comment on column public.budget_alerts.acknowledged_at is 'When the owner acknowledged it; null until then.';

-- The policies' column, the auth.users foreign key, newest first.
create index budget_alerts_user_id_created_at_idx on public.budget_alerts (user_id, created_at desc);
-- The budget foreign key is served by the unique key (budget_id first).

alter table public.budget_alerts enable row level security;

create policy budget_alerts_select_owner on public.budget_alerts
for select to authenticated
using (user_id = (select auth.uid()));
create policy budget_alerts_update_owner on public.budget_alerts
for update to authenticated
using (user_id = (select auth.uid()))
with check (user_id = (select auth.uid()));
create policy budget_alerts_all_not_anonymous on public.budget_alerts
as restrictive
for all to authenticated
using (not (select private.is_anonymous()))
with check (not (select private.is_anonymous()));
comment on policy budget_alerts_all_not_anonymous on public.budget_alerts is
'Anonymous sign-ins (is_anonymous in the JWT) neither read nor acknowledge alerts.';

revoke all on public.budget_alerts from anon, authenticated, service_role;
grant select (
  id, budget_id, user_id, period_start, threshold, spent, limit_amount, created_at,
  acknowledged_at
) on public.budget_alerts to authenticated;
grant update (acknowledged_at) on public.budget_alerts to authenticated;
grant select on public.budget_alerts to service_role;
grant update (acknowledged_at) on public.budget_alerts to service_role;

-- Supabase Realtime streams the alerts where its publication exists (created by the
-- platform on Supabase); elsewhere nothing is created.
do $migration$
begin
  if exists (select from pg_catalog.pg_publication where pubname = 'supabase_realtime') then
    alter publication supabase_realtime add table public.budget_alerts;
  end if;
end;
$migration$;

create function public.acknowledge_budget_alert(alert_id uuid)
returns setof public.budget_alerts
language plpgsql
volatile
security invoker
set search_path = ''
as $$
begin
  if acknowledge_budget_alert.alert_id is null then
    raise exception using errcode = '22004', message = 'alert_id: required';
  end if;
  return query
  update public.budget_alerts as a
  set acknowledged_at = greatest(now(), a.created_at)
  where a.id = acknowledge_budget_alert.alert_id and a.acknowledged_at is null
  returning a.*;
  if not found then
    -- Acknowledged before: the row as it is; unknown or someone else's: 404.
    return query select a.* from public.budget_alerts as a where a.id = acknowledge_budget_alert.alert_id;
    if not found then
      raise exception using
        errcode = 'PT404',
        message = 'alert_id: no budget alert with this id is visible to you';
    end if;
  end if;
end;
$$;
comment on function public.acknowledge_budget_alert(uuid) is
'Marks one of the caller''s budget alerts acknowledged (now) and returns it; an alert acknowledged before is returned unchanged. Unknown or another user''s: PT404. Security invoker: RLS decides.';
revoke execute on function public.acknowledge_budget_alert(uuid)
from public, anon, authenticated, service_role;
grant execute on function public.acknowledge_budget_alert(uuid) to authenticated, service_role;
