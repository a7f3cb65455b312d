-- Agent schedules (issue 13): per agent, a time zone, active hours per weekday and an
-- optional cron expression; the database answers "is this agent active now" and "when does
-- it run next", and keeps next_run_at so runners find the due agents with one index scan.
--
-- Active hours are a validated jsonb object on the schedule row rather than a child table:
-- a schedule is read and written whole (one row, one request through PostgREST), and the
-- few intervals per day never need to be queried on their own.

create table public.agent_schedules (
  id uuid primary key default gen_random_uuid(),
  agent_id uuid not null,
  user_id uuid not null default auth.uid() references auth.users (id) on delete cascade,
  time_zone text not null,
  active_hours jsonb,
  cron text,
  is_enabled boolean not null default true,
  next_run_at timestamptz,
  last_run_at timestamptz,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  -- One schedule per agent (set_schedule and PostgREST upserts on it).
  constraint agent_schedules_agent_id_key unique (agent_id),
  constraint agent_schedules_agent_owned_by_user foreign key (agent_id, user_id)
  references public.ai_agents (id, user_id) on update cascade on delete cascade,
  -- Bounds checked before the trigger reads the values (the longest IANA name has 32
  -- characters; a week of 8 intervals a day is about 1 KiB).
  constraint agent_schedules_time_zone_length check (length(time_zone) between 1 and 64),
  constraint agent_schedules_active_hours_size check (octet_length(active_hours::text) <= 4096),
  constraint agent_schedules_cron_length check (length(cron) between 9 and 200)
);
comment on table public.agent_schedules is
'When an agent runs: one optional row per agent with its time zone, active hours per weekday and cron expression. The owner reads and writes it; service_role every row; runners take the due agents with due_agents().';
comment on column public.agent_schedules.id is 'The schedule''s id (the database''s).';
comment on column public.agent_schedules.agent_id is 'The agent (its owner''s); one schedule per agent.';
comment on column public.agent_schedules.user_id is 'The agent''s owner (defaults to the caller; foreign key on (agent_id, user_id)).';
comment on column public.agent_schedules.time_zone is
'The wall clock of the active hours and the cron expression: ''UTC'' or a canonical IANA name (22023 otherwise). Defaults to the owner''s user_settings.time_zone (UTC without one).';
comment on column public.agent_schedules.active_hours is
'Null: always active. Else {"mon": [["09:00", "17:00"]], ...}: per weekday (mon..sun) at most 8 local intervals, start inclusive, end exclusive (24:00 allowed); a weekday without a key is inactive. Cron fires outside them are skipped.';
comment on column public.agent_schedules.cron is
'Optional 5-field cron expression (minute hour day-of-month month day-of-week: numbers, a-b, lists, /steps; no names) in time_zone. Null: the agent runs on demand only.';
comment on column public.agent_schedules.is_enabled is 'False: the agent is never active and never due (paused schedule).';
comment on column public.agent_schedules.next_run_at is
'The next cron fire within the active hours, kept by the database (on every write and by due_agents); null when disabled or without cron.';
comment on column public.agent_schedules.last_run_at is 'When due_agents last handed the agent to a runner.';

-- The owner: the policies, the auth.users foreign key, listing; and the (agent_id, user_id)
-- foreign key.
create index agent_schedules_user_id_idx on public.agent_schedules (user_id);
create index agent_schedules_agent_id_user_id_idx on public.agent_schedules (agent_id, user_id);
-- Runners: the due agents, oldest fire first (disabled and cron-less schedules have none).
create index agent_schedules_next_run_at_idx on public.agent_schedules (next_run_at)
where next_run_at is not null;

-- Security definer: it reads private.is_reporting_time_zone and the owner's settings.
create function private.check_agent_schedule()
returns trigger
language plpgsql
volatile
security definer
set search_path = ''
as $$
begin
  if new.time_zone is null then
    new.time_zone := coalesce(
      (select s.time_zone from public.user_settings as s where s.user_id = new.user_id), 'UTC'
    );
  end if;
  -- Longer values are left to the length checks (23514).
  if length(new.time_zone) <= 64 and not private.is_reporting_time_zone(new.time_zone) then
    raise exception using
      errcode = '22023',
      message = 'time_zone: not a reporting time zone agentsdb accepts',
      hint = 'Use ''UTC'' or an IANA Area/Location name such as Europe/Paris.';
  end if;
  if octet_length(new.active_hours::text) <= 4096 then
    perform private.check_active_hours(new.active_hours);
  end if;
  if length(new.cron) <= 200 then
    perform private.parse_cron(new.cron);
  end if;
  if tg_op = 'INSERT'
    or new.cron is distinct from old.cron
    or new.time_zone is distinct from old.time_zone
    or new.active_hours is distinct from old.active_hours
    or new.is_enabled is distinct from old.is_enabled then
    new.next_run_at := case
      when new.is_enabled and length(new.cron) <= 200 and length(new.time_zone) <= 64
        then private.next_cron_run(new.cron, new.time_zone, new.active_hours, now())
    end;
  end if;
  return new;
end;
$$;
comment on function private.check_agent_schedule() is
'Trigger: fills time_zone from the owner''s settings, refuses an unknown zone, malformed active hours or cron (22023 naming the field), and recomputes next_run_at when the rule changes.';
revoke execute on function private.check_agent_schedule() from public, anon, authenticated, service_role;

create trigger agent_schedules_check
before insert or update on public.agent_schedules
for each row execute function private.check_agent_schedule();

create trigger agent_schedules_set_updated_at
before update on public.agent_schedules
for each row execute function private.set_updated_at();

alter table public.agent_schedules enable row level security;

create policy agent_schedules_select_owner on public.agent_schedules
for select to authenticated
using (user_id = (select auth.uid()));
create policy agent_schedules_insert_owner on public.agent_schedules
for insert to authenticated
with check (
  user_id = (select auth.uid())
  and agent_id in (
    select a.id from public.ai_agents as a
    where a.user_id = (select auth.uid())
  )
);
create policy agent_schedules_update_owner on public.agent_schedules
for update to authenticated
using (user_id = (select auth.uid()))
with check (user_id = (select auth.uid()));
create policy agent_schedules_delete_owner on public.agent_schedules
for delete to authenticated
using (user_id = (select auth.uid()));
create policy agent_schedules_all_not_anonymous on public.agent_schedules
as restrictive
for all to authenticated
using (not (select private.is_anonymous()))
with check (not (select private.is_anonymous()));
comment on policy agent_schedules_all_not_anonymous on public.agent_schedules is
'Anonymous sign-ins (is_anonymous in the JWT) neither read nor write agent_schedules.';

-- Clients write the rule; the database keeps next_run_at and last_run_at.
revoke all on public.agent_schedules from anon, authenticated, service_role;
grant select (
  id, agent_id, user_id, time_zone, active_hours, cron, is_enabled, next_run_at, last_run_at,
  created_at, updated_at
) on public.agent_schedules to authenticated;
grant insert (agent_id, user_id, time_zone, active_hours, cron, is_enabled)
on public.agent_schedules to authenticated;
grant update (time_zone, active_hours, cron, is_enabled) on public.agent_schedules to authenticated;
grant delete on public.agent_schedules to authenticated;
grant select, delete on public.agent_schedules to service_role;
grant insert (id, agent_id, user_id, time_zone, active_hours, cron, is_enabled)
on public.agent_schedules to service_role;
grant update (time_zone, active_hours, cron, is_enabled, next_run_at, last_run_at)
on public.agent_schedules to service_role;

-- The agent, when the caller owns it or is service_role; PT404 otherwise (a public agent's
-- schedule and tasks are its owner's business). Used by the schedule and task RPCs.
create function private.own_agent(agent_id uuid)
returns public.ai_agents
language plpgsql
stable
security invoker
set search_path = ''
as $$
declare
  found public.ai_agents;
begin
  select a.* into found from public.ai_agents as a
  where a.id = own_agent.agent_id
    and (a.user_id = (select auth.uid()) or (select auth.role()) = 'service_role');
  if found.id is null then
    raise exception using
      errcode = 'PT404',
      message = 'agent_id: no agent with this id is visible to you';
  end if;
  return found;
end;
$$;
comment on function private.own_agent(uuid) is
'The agent row when the caller owns it or is service_role; PT404 otherwise (missing and invisible give the same answer).';
revoke execute on function private.own_agent(uuid) from public, anon, authenticated, service_role;
grant execute on function private.own_agent(uuid) to authenticated, service_role;

create function public.is_agent_active_now(agent_id uuid, at timestamptz default now())
returns boolean
language plpgsql
stable
security invoker
set search_path = ''
as $$
declare
  agent public.ai_agents;
  schedule public.agent_schedules;
begin
  if is_agent_active_now.agent_id is null or is_agent_active_now.at is null then
    raise exception using errcode = '22004',
      message = case when is_agent_active_now.agent_id is null then 'agent_id: required' else 'at: required' end;
  end if;
  if not isfinite(is_agent_active_now.at) then
    raise exception using errcode = '22023', message = 'at: must be a finite time';
  end if;
  agent := private.own_agent(is_agent_active_now.agent_id);
  select s.* into schedule from public.agent_schedules as s
  where s.agent_id = is_agent_active_now.agent_id;
  if schedule.agent_id is null then
    return agent.is_active;
  end if;
  return agent.is_active and schedule.is_enabled and private.within_active_hours(
    schedule.active_hours, is_agent_active_now.at at time zone schedule.time_zone
  );
end;
$$;
comment on function public.is_agent_active_now(uuid, timestamptz) is
'Whether the agent is active at `at` (default now): the agent is_active, its schedule enabled, and `at` within its active hours on the wall clock of the schedule''s time zone. An agent without a schedule is active when is_active. PT404 for an agent that is not the caller''s.';
revoke execute on function public.is_agent_active_now(uuid, timestamptz)
from public, anon, authenticated, service_role;
grant execute on function public.is_agent_active_now(uuid, timestamptz) to authenticated, service_role;

create function public.agent_next_run(agent_id uuid, after timestamptz default now())
returns timestamptz
language plpgsql
stable
security invoker
set search_path = ''
as $$
declare
  schedule public.agent_schedules;
begin
  if agent_next_run.agent_id is null or agent_next_run.after is null then
    raise exception using errcode = '22004',
      message = case when agent_next_run.agent_id is null then 'agent_id: required' else 'after: required' end;
  end if;
  if not isfinite(agent_next_run.after) then
    raise exception using errcode = '22023', message = 'after: must be a finite time';
  end if;
  perform private.own_agent(agent_next_run.agent_id);
  select s.* into schedule from public.agent_schedules as s
  where s.agent_id = agent_next_run.agent_id;
  if not coalesce(schedule.is_enabled, false) then
    return null;
  end if;
  return private.next_cron_run(
    schedule.cron, schedule.time_zone, schedule.active_hours, agent_next_run.after
  );
end;
$$;
comment on function public.agent_next_run(uuid, timestamptz) is
'The agent''s next cron fire strictly after `after` (default now), on the wall clock of its schedule''s time zone (DST-correct) and within its active hours; null without a schedule, cron, or when disabled. PT404 for an agent that is not the caller''s.';
revoke execute on function public.agent_next_run(uuid, timestamptz)
from public, anon, authenticated, service_role;
grant execute on function public.agent_next_run(uuid, timestamptz) to authenticated, service_role;

-- Runners (service_role): take up to max_agents due schedules (next_run_at <= now(), oldest
-- first, skipping rows another runner holds), move each to its next fire and return them.
-- A fire of an agent that is not is_active is consumed but not returned.
create function public.due_agents(max_agents integer default 100)
returns table (agent_id uuid, user_id uuid, due_at timestamptz, next_run_at timestamptz)
language plpgsql
volatile
security invoker
set search_path = ''
as $$
begin
  if due_agents.max_agents is null or due_agents.max_agents not between 1 and 1000 then
    raise exception using errcode = '22023', message = 'max_agents: must be between 1 and 1000';
  end if;
  return query
  with due as (
    select s.agent_id, s.next_run_at as due_at
    from public.agent_schedules as s
    where s.next_run_at <= now()
    order by s.next_run_at
    limit due_agents.max_agents
    for update skip locked
  ),
  moved as (
    update public.agent_schedules as s
    set
      last_run_at = now(),
      next_run_at = private.next_cron_run(s.cron, s.time_zone, s.active_hours, now())
    from due
    where s.agent_id = due.agent_id
    returning s.agent_id, s.user_id, due.due_at, s.next_run_at
  )
  select m.agent_id, m.user_id, m.due_at, m.next_run_at
  from moved as m
  join public.ai_agents as a on a.id = m.agent_id
  where a.is_active
  order by m.due_at;
end;
$$;
comment on function public.due_agents(integer) is
'service_role: takes up to max_agents (1-1000, default 100) agents whose next_run_at has come (index agent_schedules_next_run_at_idx, oldest first, skip locked so runners never share one), advances each to its next fire and returns them with the fire that was due. Fires of inactive agents are consumed, not returned.';
revoke execute on function public.due_agents(integer) from public, anon, authenticated, service_role;
grant execute on function public.due_agents(integer) to service_role;
