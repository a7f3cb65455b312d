-- Agents that run (issue 13, lifecycle): ai_agents gains a lifecycle status whose allowed
-- transitions the database enforces (for every role, postgres included), and every change of
-- status is recorded in agent_status_history with who, when, from, to and a reason.
-- is_active (seed 002) stays the simple API and is kept consistent with the status both ways:
-- is_active is true exactly in the running states (initializing, active, idle, busy).

-- The allowed transitions, one place: the trigger, the tests and the docs read this.
create function private.agent_status_transitions()
returns table (from_status text, to_status text)
language sql
immutable
security invoker
set search_path = ''
as $$
  values
    ('initializing', 'active'), ('initializing', 'idle'), ('initializing', 'paused'),
    ('initializing', 'error'), ('initializing', 'maintenance'), ('initializing', 'stopped'),
    ('initializing', 'archived'),
    ('active', 'idle'), ('active', 'busy'), ('active', 'paused'), ('active', 'error'),
    ('active', 'maintenance'), ('active', 'stopped'), ('active', 'archived'),
    ('idle', 'active'), ('idle', 'busy'), ('idle', 'paused'), ('idle', 'error'),
    ('idle', 'maintenance'), ('idle', 'stopped'), ('idle', 'archived'),
    ('busy', 'active'), ('busy', 'idle'), ('busy', 'paused'), ('busy', 'error'),
    ('busy', 'stopped'),
    ('paused', 'active'), ('paused', 'idle'), ('paused', 'maintenance'), ('paused', 'stopped'),
    ('paused', 'archived'),
    ('error', 'initializing'), ('error', 'active'), ('error', 'idle'), ('error', 'paused'),
    ('error', 'maintenance'), ('error', 'stopped'), ('error', 'archived'),
    ('maintenance', 'initializing'), ('maintenance', 'active'), ('maintenance', 'idle'),
    ('maintenance', 'paused'), ('maintenance', 'error'), ('maintenance', 'stopped'),
    ('maintenance', 'archived'),
    ('stopped', 'initializing'), ('stopped', 'active'), ('stopped', 'idle'),
    ('stopped', 'maintenance'), ('stopped', 'archived'),
    ('archived', 'stopped')
$$;
comment on function private.agent_status_transitions() is
'The allowed changes of ai_agents.status (from_status, to_status); any other change is refused with PT409. A busy agent cannot be archived or put into maintenance (stop or pause it first); an archived agent only goes back to stopped (restore_agent). Staying in the same status is not a transition.';
revoke execute on function private.agent_status_transitions()
from public, anon, authenticated, service_role;

-- squawk-ignore adding-field-with-default
alter table public.ai_agents
add column status text not null default 'active';
-- squawk-ignore constraint-missing-not-valid
alter table public.ai_agents add constraint ai_agents_status_valid check (
  status in (
    'initializing', 'active', 'idle', 'busy', 'paused', 'error', 'maintenance', 'stopped',
    'archived'
  )
);
comment on column public.ai_agents.status is
'Lifecycle status: initializing, active, idle, busy, paused, error, maintenance, stopped or archived. Changes follow the allowed transitions (PT409 otherwise; see docs/decisions.md) and are recorded in agent_status_history. is_active is true exactly in initializing, active, idle and busy. An archived agent is left out of agent_summary; restore_agent brings it back (stopped).';
comment on column public.ai_agents.is_active is
'Whether the agent is enabled: true exactly when status is initializing, active, idle or busy. Setting it false pauses a running agent (status paused); setting it true activates a paused, stopped, error or maintenance agent (status active); an archived agent must be restored first (PT409).';

-- Existing agents: disabled ones become paused (their status default was active).
update public.ai_agents set status = 'paused' where not is_active;

-- No index on status: agent_summary reads a user's agents by idx_ai_agents_user_id and
-- filters the few archived ones, and every index on ai_agents costs each recorded
-- interaction (its counters update the row, never HOT).

create function private.is_running_agent_status(status text)
returns boolean
language sql
immutable
security invoker
set search_path = ''
as $$
  select is_running_agent_status.status in ('initializing', 'active', 'idle', 'busy')
$$;
comment on function private.is_running_agent_status(text) is
'True for the statuses in which ai_agents.is_active is true: initializing, active, idle, busy.';
revoke execute on function private.is_running_agent_status(text)
from public, anon, authenticated, service_role;

-- BEFORE trigger: keeps status and is_active consistent and refuses illegal transitions.
-- Security definer only to read the private helpers; it touches nothing but NEW.
create function private.sync_agent_lifecycle()
returns trigger
language plpgsql
volatile
security definer
set search_path = ''
as $$
begin
  -- A value outside the nine is left to the check ai_agents_status_valid (23514).
  if new.status not in (
    'initializing', 'active', 'idle', 'busy', 'paused', 'error', 'maintenance', 'stopped',
    'archived'
  ) then
    return new;
  end if;
  if tg_op = 'INSERT' then
    if new.status not in ('initializing', 'active', 'idle', 'paused', 'stopped') then
      raise exception using
        errcode = '22023',
        message = 'status: a new agent starts as initializing, active, idle, paused or stopped',
        hint = 'Create the agent, then change its status with set_agent_status.';
    end if;
    -- Whichever of the two says "disabled" wins: is_active false makes a running status
    -- paused; a non-running status makes is_active false.
    if not new.is_active and private.is_running_agent_status(new.status) then
      new.status := 'paused';
    end if;
    new.is_active := private.is_running_agent_status(new.status);
    return new;
  end if;

  if new.status is distinct from old.status then
    -- An explicit status wins; is_active follows it.
    if not exists (
      select from private.agent_status_transitions() as t
      where t.from_status = old.status and t.to_status = new.status
    ) then
      raise exception using
        errcode = 'PT409',
        message = format('status: an agent cannot go from %s to %s', old.status, new.status),
        hint = 'See the allowed transitions in docs/decisions.md (agent lifecycle); an archived agent is restored with restore_agent.';
    end if;
  elsif new.is_active is distinct from old.is_active then
    if old.status = 'archived' then
      raise exception using
        errcode = 'PT409',
        message = 'is_active: the agent is archived',
        hint = 'Restore it with restore_agent first.';
    end if;
    if new.is_active and not private.is_running_agent_status(old.status) then
      new.status := 'active';
    elsif not new.is_active and private.is_running_agent_status(old.status) then
      new.status := 'paused';
    end if;
  end if;
  new.is_active := private.is_running_agent_status(new.status);
  return new;
end;
$$;
comment on function private.sync_agent_lifecycle() is
'BEFORE INSERT or UPDATE OF status, is_active trigger on ai_agents: refuses a status change that private.agent_status_transitions() does not list (PT409), maps is_active changes to statuses (false: paused; true: active) and sets is_active from the status. A new agent starts as initializing, active, idle, paused or stopped (22023 otherwise).';
revoke execute on function private.sync_agent_lifecycle()
from public, anon, authenticated, service_role;

create trigger ai_agents_a_sync_lifecycle
before insert or update of status, is_active on public.ai_agents
for each row execute function private.sync_agent_lifecycle();

create table public.agent_status_history (
  id uuid primary key default gen_random_uuid(),
  agent_id uuid not null,
  user_id uuid not null references auth.users (id) on delete cascade,
  from_status text,
  to_status text not null,
  reason text,
  changed_by uuid,
  changed_by_role text not null,
  changed_at timestamptz not null default clock_timestamp(),
  constraint agent_status_history_agent_owned_by_user foreign key (agent_id, user_id)
  references public.ai_agents (id, user_id) on update cascade on delete cascade,
  constraint agent_status_history_reason_length check (length(reason) <= 1000),
  constraint agent_status_history_changed_by_role_length check (length(changed_by_role) <= 63)
);
comment on table public.agent_status_history is
'Every change of an agent''s lifecycle status (and its creation, from_status null), newest last. Written only by the database (a trigger on ai_agents); the agent''s owner reads it; nobody edits it. Deleting the agent deletes its history (the delete itself is in audit_logs).';
comment on column public.agent_status_history.from_status is 'The status before; null for the agent''s creation.';
comment on column public.agent_status_history.to_status is 'The status after.';
comment on column public.agent_status_history.reason is
'Why, as given to set_agent_status, archive_agent or restore_agent (at most 1000 characters); null for plain updates.';
comment on column public.agent_status_history.changed_by is
'The signed-in user who made the change (auth.uid()); null for service_role and direct connections.';
comment on column public.agent_status_history.changed_by_role is
'The role that made the change: authenticated, service_role, or the session user of a direct connection.';
comment on column public.agent_status_history.changed_at is 'When (clock_timestamp(): orders the changes of one transaction).';

create index agent_status_history_agent_id_user_id_changed_at_idx
on public.agent_status_history (agent_id, user_id, changed_at);
create index agent_status_history_user_id_changed_at_idx
on public.agent_status_history (user_id, changed_at desc);

alter table public.agent_status_history enable row level security;

create policy agent_status_history_select_owner on public.agent_status_history
for select to authenticated
using (user_id = (select auth.uid()));
create policy agent_status_history_all_not_anonymous on public.agent_status_history
as restrictive
for all to authenticated
using (not (select private.is_anonymous()))
with check (not (select private.is_anonymous()));
comment on policy agent_status_history_all_not_anonymous on public.agent_status_history is
'Anonymous sign-ins (is_anonymous in the JWT) neither read nor write agent_status_history.';

revoke all on public.agent_status_history from anon, authenticated, service_role;
grant select (
  id, agent_id, user_id, from_status, to_status, reason, changed_by, changed_by_role, changed_at
) on public.agent_status_history to authenticated, service_role;

-- AFTER trigger: one history row per creation and per change of status. Security definer:
-- no API role may write the history.
create function private.record_agent_status_change()
returns trigger
language plpgsql
volatile
security definer
set search_path = ''
as $$
declare
  why text := nullif(current_setting('agentsdb.agent_status_reason', true), '');
begin
  insert into public.agent_status_history (
    agent_id, user_id, from_status, to_status, reason, changed_by, changed_by_role
  ) values (
    new.id,
    new.user_id,
    case when tg_op = 'UPDATE' then old.status end,
    new.status,
    left(why, 1000),
    auth.uid(),
    left(coalesce(nullif(current_setting('role'), 'none'), session_user), 63)
  );
  return null;
end;
$$;
comment on function private.record_agent_status_change() is
'AFTER INSERT, and AFTER UPDATE when the status changed, trigger on ai_agents: writes the agent_status_history row (the reason comes from the transaction-local setting agentsdb.agent_status_reason, which set_agent_status sets). Security definer: clients cannot write the history themselves.';
revoke execute on function private.record_agent_status_change()
from public, anon, authenticated, service_role;

create trigger ai_agents_record_status_insert
after insert on public.ai_agents
for each row execute function private.record_agent_status_change();
create trigger ai_agents_record_status_update
after update of status, is_active on public.ai_agents
for each row when (old.status is distinct from new.status)
execute function private.record_agent_status_change();

-- Existing agents get their creation in the history (at their creation time).
insert into public.agent_status_history (
  agent_id, user_id, from_status, to_status, reason, changed_by, changed_by_role, changed_at
)
select a.id, a.user_id, null, a.status, 'status introduced', null, session_user, a.created_at
from public.ai_agents as a;

grant insert (status), update (status) on public.ai_agents to authenticated, service_role;
-- Column SELECT grants (20261130120200): the new column too, so select * keeps working.
grant select (status) on public.ai_agents to authenticated;

-- set_agent_status: the one RPC for lifecycle changes, with a reason. Security invoker: RLS
-- decides whose agent (the owner's; service_role any). Setting the status an agent already
-- has changes nothing and records nothing.
create function public.set_agent_status(agent_id uuid, status text, reason text default null)
returns setof public.ai_agents
language plpgsql
volatile
security invoker
set search_path = ''
as $$
declare
  changed public.ai_agents;
begin
  if set_agent_status.agent_id is null then
    raise exception using errcode = '22004', message = 'agent_id: required';
  end if;
  if set_agent_status.status is null then
    raise exception using errcode = '22004', message = 'status: required';
  end if;
  if set_agent_status.status not in (
    'initializing', 'active', 'idle', 'busy', 'paused', 'error', 'maintenance', 'stopped',
    'archived'
  ) then
    raise exception using
      errcode = '22023',
      message = 'status: not a lifecycle status',
      hint = 'One of initializing, active, idle, busy, paused, error, maintenance, stopped, archived.';
  end if;
  if length(set_agent_status.reason) > 1000 then
    raise exception using errcode = '22023', message = 'reason: at most 1000 characters';
  end if;
  -- FOR UPDATE applies the UPDATE policy: another user's (even public) agent is not found.
  select a.* into changed from public.ai_agents as a
  where a.id = set_agent_status.agent_id
  for update;
  if changed.id is null then
    raise exception using
      errcode = 'PT404',
      message = 'agent_id: no agent with this id is yours to change';
  end if;
  if changed.status = set_agent_status.status then
    return next changed;
    return;
  end if;
  perform set_config('agentsdb.agent_status_reason', coalesce(set_agent_status.reason, ''), true);
  update public.ai_agents as a
  set status = set_agent_status.status
  where a.id = set_agent_status.agent_id
  returning a.* into changed;
  perform set_config('agentsdb.agent_status_reason', '', true);
  return next changed;
end;
$$;
comment on function public.set_agent_status(uuid, text, text) is
'Changes the lifecycle status of one of your agents (service_role: any agent) and returns the agent; the change, with reason (at most 1000 characters), is recorded in agent_status_history. PT409 for a transition that is not allowed, 22023 for an unknown status, PT404 when the agent is not yours. The status the agent already has: nothing changes, nothing is recorded.';
revoke execute on function public.set_agent_status(uuid, text, text)
from public, anon, authenticated, service_role;
grant execute on function public.set_agent_status(uuid, text, text) to authenticated, service_role;

create function public.archive_agent(agent_id uuid, reason text default null)
returns setof public.ai_agents
language sql
volatile
security invoker
set search_path = ''
as $$
  select * from public.set_agent_status(archive_agent.agent_id, 'archived', archive_agent.reason)
$$;
comment on function public.archive_agent(uuid, text) is
'Archives one of your agents instead of deleting it: it leaves agent_summary, keeps its interactions, calls, spend and history, and restore_agent brings it back. Any status but busy may be archived (PT409 for a busy agent: stop or pause it first); archiving an archived agent changes nothing. PT404 when the agent is not yours.';
revoke execute on function public.archive_agent(uuid, text)
from public, anon, authenticated, service_role;
grant execute on function public.archive_agent(uuid, text) to authenticated, service_role;

create function public.restore_agent(agent_id uuid, reason text default null)
returns setof public.ai_agents
language plpgsql
volatile
security invoker
set search_path = ''
as $$
begin
  if restore_agent.agent_id is null then
    raise exception using errcode = '22004', message = 'agent_id: required';
  end if;
  -- A restored agent comes back stopped (it does not start running by itself); one that is
  -- not archived is returned as it is (set_agent_status to its own status changes nothing).
  return query
  select r.* from public.set_agent_status(
    restore_agent.agent_id,
    coalesce(
      (
        select case when a.status = 'archived' then 'stopped' else a.status end
        from public.ai_agents as a where a.id = restore_agent.agent_id
      ),
      'stopped'
    ),
    restore_agent.reason
  ) as r;
end;
$$;
comment on function public.restore_agent(uuid, text) is
'Brings an archived agent of yours back, as stopped (set it active, or is_active = true, to run it), and returns it; the change is recorded in agent_status_history. An agent that is not archived is returned unchanged. PT404 when the agent is not yours.';
revoke execute on function public.restore_agent(uuid, text)
from public, anon, authenticated, service_role;
grant execute on function public.restore_agent(uuid, text) to authenticated, service_role;

-- agent_summary lists agents that are not archived, and shows the status. The columns stay
-- as they were (status is added at the end), so create or replace keeps the view's grants.
create or replace view public.agent_summary
with (security_invoker = true)
as
select
  a.id,
  a.name,
  a.description,
  a.vendor_id,
  v.name as vendor_name,
  a.service_id,
  s.display_name as service_display_name,
  a.model_name,
  a.tags,
  f.features,
  f.primary_feature,
  a.is_active,
  a.is_favorite,
  a.is_public,
  a.activity_score,
  a.usage_count,
  a.last_used_at,
  u.interaction_count,
  u.total_input_tokens,
  u.total_output_tokens,
  u.total_cost,
  u.last_interaction_at,
  u.avg_satisfaction,
  u.avg_usefulness,
  a.user_id,
  a.created_at,
  a.updated_at,
  a.status
from public.ai_agents as a
left join public.vendors as v on a.vendor_id = v.id
left join public.vendor_services as s on a.service_id = s.id
left join lateral (
  select
    coalesce(
      array_agg(m.feature_id order by m.is_primary desc, af.sort_order asc, m.feature_id asc), '{}'
    ) as features,
    min(m.feature_id) filter (where m.is_primary) as primary_feature
  from public.agent_feature_mappings as m
  left join public.agent_features as af on m.feature_id = af.id
  where m.agent_id = a.id
) as f on true
left join lateral (
  select
    coalesce(sum(i.input_tokens), 0)::bigint as total_input_tokens,
    coalesce(sum(i.output_tokens), 0)::bigint as total_output_tokens,
    coalesce(sum(i.total_cost), 0)::numeric(38, 8) as total_cost,
    avg(i.satisfaction_rating)::real as avg_satisfaction,
    avg(i.usefulness_rating)::real as avg_usefulness,
    count(*) as interaction_count,
    max(i.started_at) as last_interaction_at
  from public.ai_interactions as i
  where i.agent_id = a.id and i.user_id = a.user_id
) as u on true
where a.status <> 'archived';

comment on view public.agent_summary is
'Each agent visible to the caller, archived ones left out (read ai_agents where status = ''archived'' for those), with vendor name, service display name, features (primary first, then by the feature''s sort order) and usage totals over all its interactions (every status). RLS applies (security_invoker): other users'' public agents appear with the agent row (its usage_count, last_used_at and activity_score included) but without features or interaction totals.';
comment on column public.agent_summary.status is 'The agent''s lifecycle status (never archived here).';
