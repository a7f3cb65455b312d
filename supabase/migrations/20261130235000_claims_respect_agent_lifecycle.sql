-- Claims and due agents respect the agent lifecycle (issue 13). A task is handed to a worker
-- only while its agent is runnable: status active, idle or busy. Initializing, paused, error,
-- maintenance, stopped and archived agents hold their tasks pending (nothing is failed or
-- cancelled): they are claimable again as soon as the agent is active (restore_agent then
-- set_agent_status, or is_active = true). due_agents returns the same set; before, it read
-- is_active, which is also true while an agent is initializing.
-- create or replace keeps each function's grants (service_role only).
create or replace function public.claim_next_task(
  worker text, lease_seconds integer default 300, agent_id uuid default null
)
returns setof public.agent_tasks
language plpgsql
volatile
security invoker
set search_path = ''
as $$
declare
  claimed public.agent_tasks;
begin
  if claim_next_task.worker is null then
    raise exception using errcode = '22004', message = 'worker: required';
  end if;
  if claim_next_task.worker !~ '\S' or length(claim_next_task.worker) > 200 then
    raise exception using errcode = '22023', message = 'worker: must be 1 to 200 characters, not blank';
  end if;
  if claim_next_task.lease_seconds is null or claim_next_task.lease_seconds not between 1 and 86400 then
    raise exception using errcode = '22023', message = 'lease_seconds: must be between 1 and 86400';
  end if;
  perform private.release_expired_task_claims(100);
  update public.agent_tasks as t
  set
    status = 'running',
    attempts = t.attempts + 1,
    claimed_by = claim_next_task.worker,
    -- The clock, not the transaction's start: read after the row was found ready, so a
    -- claim is always later than the end of every attempt and dependency it saw finished.
    claimed_at = clock_timestamp(),
    claim_expires_at = clock_timestamp() + pg_catalog.make_interval(secs => claim_next_task.lease_seconds),
    started_at = coalesce(t.started_at, clock_timestamp())
  where t.id = (
    select r.id
    from public.agent_tasks as r
    where r.status = 'pending'
      and r.pending_dependencies = 0
      and r.not_before <= now()
      and (claim_next_task.agent_id is null or r.agent_id = claim_next_task.agent_id)
      -- Only a runnable agent's tasks (the rule in docs/decisions.md, task queue): one probe
      -- of ai_agents_pkey per candidate.
      and exists (
        select 1
        from public.ai_agents as a
        where a.id = r.agent_id and a.status in ('active', 'idle', 'busy')
      )
      and not private.task_owner_over_hard_budget(r.user_id)
    order by r.priority desc, r.not_before, r.id
    limit 1
    for update skip locked
  )
  returning t.* into claimed;
  if claimed.id is null then
    return;
  end if;
  insert into public.agent_task_attempts (task_id, user_id, attempt, worker, claimed_at, lease_expires_at)
  values (
    claimed.id, claimed.user_id, claimed.attempts, claim_next_task.worker, claimed.claimed_at,
    claimed.claim_expires_at
  );
  return next claimed;
end;
$$;
comment on function public.claim_next_task(text, integer, uuid) is
'service_role (workers): claims the next ready task (pending, not_before passed, every dependency succeeded; highest priority, then oldest not_before) for lease_seconds (1-86400, default 300), optionally of one agent, skipping tasks other workers hold, those of users over a hard budget and those of agents that are not runnable (status other than active, idle or busy: initializing, paused, error, maintenance, stopped and archived agents keep their tasks pending until they are active again). Returns the running task (attempts is this attempt''s number), or no row. Expired claims are taken back first.';

create or replace function public.due_agents(max_agents integer default 100)
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
  where a.status in ('active', 'idle', 'busy')
  order by m.due_at;
end;
$$;
comment on function public.due_agents(integer) is
'service_role: takes up to max_agents (1-1000, default 100) agents whose next_run_at has come (index agent_schedules_next_run_at_idx, oldest first, skip locked so runners never share one), advances each to its next fire and returns them with the fire that was due. Only runnable agents (status active, idle or busy) are returned; the fires of the others (initializing, paused, error, maintenance, stopped, archived) are consumed, not returned.';
