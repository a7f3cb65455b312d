-- The task queue's functions (issue 13). Workers (service_role) claim the next ready task
-- with `for update skip locked`, then complete or fail it; a claim whose lease expires is
-- recorded as lost and the task is claimable again (or failed after its last attempt).
-- Owners cancel their own tasks. The claim skips the tasks of users whose hard budget is
-- reached (private.task_owner_over_hard_budget, over the budgets' hard_budget_reached).

-- The wait after the n-th attempt failed: backoff_seconds * 2^(n-1), at most a day.
create function private.task_retry_delay(backoff_seconds integer, attempts integer)
returns interval
language sql
immutable
security invoker
set search_path = ''
as $$
  select pg_catalog.make_interval(
    secs => least(
      86400::double precision,
      task_retry_delay.backoff_seconds * power(2::double precision, greatest(task_retry_delay.attempts, 1) - 1)
    )
  )
$$;
comment on function private.task_retry_delay(integer, integer) is
'The backoff before retrying a task whose attempt number `attempts` failed: backoff_seconds * 2^(attempts-1) seconds, at most 86400.';
revoke execute on function private.task_retry_delay(integer, integer)
from public, anon, authenticated, service_role;
grant execute on function private.task_retry_delay(integer, integer) to service_role;

-- The budget gate of claims (contract 3): the budgets migrations' hard_budget_reached, behind
-- a name of the queue's own so the claim does not change if the gate does.
create function private.task_owner_over_hard_budget(user_id uuid)
returns boolean
language sql
stable
security invoker
set search_path = ''
as $$
  select private.hard_budget_reached(task_owner_over_hard_budget.user_id)
$$;
comment on function private.task_owner_over_hard_budget(uuid) is
'True when the user has reached a hard budget (private.hard_budget_reached: any hard budget at or over its limit in its current period), so claim_next_task leaves their tasks pending.';
revoke execute on function private.task_owner_over_hard_budget(uuid)
from public, anon, authenticated, service_role;
grant execute on function private.task_owner_over_hard_budget(uuid) to service_role;

-- Expired claims: each attempt becomes lost, each task pending again after its backoff, or
-- failed when that was its last attempt. Bounded and skip locked, so every claim can afford
-- to run it first.
create function private.release_expired_task_claims(max_tasks integer)
returns integer
language plpgsql
volatile
security invoker
set search_path = ''
as $$
declare
  released integer;
begin
  with expired as (
    select t.id
    from public.agent_tasks as t
    where t.status = 'running' and t.claim_expires_at < now()
    order by t.claim_expires_at
    limit release_expired_task_claims.max_tasks
    for update skip locked
  ),
  lost as (
    update public.agent_task_attempts as a
    set outcome = 'lost', finished_at = now(), error = 'the claim expired before the worker ended it'
    from expired
    where a.task_id = expired.id and a.outcome = 'running'
    returning a.task_id
  ),
  requeued as (
    update public.agent_tasks as t
    set
      status = case when t.attempts >= t.max_attempts then 'failed' else 'pending' end,
      not_before = case
        when t.attempts >= t.max_attempts then t.not_before
        else now() + private.task_retry_delay(t.backoff_seconds, t.attempts)
      end,
      error = format('attempt %s lost: the claim of %s expired', t.attempts, t.claimed_by),
      claimed_by = null,
      claim_expires_at = null
    from expired
    where t.id = expired.id
    returning t.id
  )
  select count(*) into released from requeued;
  return released;
end;
$$;
comment on function private.release_expired_task_claims(integer) is
'Takes back up to max_tasks running tasks whose claim expired: the attempt is recorded as lost; the task becomes pending after its backoff, or failed when it was its last attempt. Returns how many.';
revoke execute on function private.release_expired_task_claims(integer)
from public, anon, authenticated, service_role;
grant execute on function private.release_expired_task_claims(integer) to service_role;

create function public.claim_next_task(
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
'service_role (workers): claims the next ready task (pending, not_before passed, every dependency succeeded; highest priority, then oldest not_before) for lease_seconds (1-86400, default 300), optionally of one agent, skipping tasks other workers hold and those of users over a hard budget. Returns the running task (attempts is this attempt''s number), or no row. Expired claims are taken back first.';
revoke execute on function public.claim_next_task(text, integer, uuid)
from public, anon, authenticated, service_role;
grant execute on function public.claim_next_task(text, integer, uuid) to service_role;

-- Why a worker cannot end a task: PT404 when it is missing, PT409 when it is not running or
-- is held by another worker (when the worker names itself). Returns the task, locked, when
-- none of these holds.
create function private.running_task(task_id uuid, worker text)
returns public.agent_tasks
language plpgsql
volatile
security invoker
set search_path = ''
as $$
declare
  found public.agent_tasks;
begin
  if running_task.task_id is null then
    raise exception using errcode = '22004', message = 'task_id: required';
  end if;
  select t.* into found from public.agent_tasks as t where t.id = running_task.task_id for update;
  if found.id is null then
    raise exception using errcode = 'PT404', message = 'task_id: no task with this id';
  end if;
  if found.status <> 'running' then
    raise exception using
      errcode = 'PT409',
      message = format('task_id: the task is %s, not running', found.status),
      hint = 'A claim that expired was taken back; claim the task again.';
  end if;
  if running_task.worker is not null and found.claimed_by <> running_task.worker then
    raise exception using
      errcode = 'PT409',
      message = 'worker: the task is claimed by another worker (this claim expired and was taken back)';
  end if;
  return found;
end;
$$;
comment on function private.running_task(uuid, text) is
'Locks and returns a running task for complete_task / fail_task: PT404 when it does not exist, PT409 when it is not running or, if worker is given, is held by another worker.';
revoke execute on function private.running_task(uuid, text) from public, anon, authenticated, service_role;
grant execute on function private.running_task(uuid, text) to service_role;

create function public.complete_task(task_id uuid, result jsonb default null, worker text default null)
returns setof public.agent_tasks
language plpgsql
volatile
security invoker
set search_path = ''
as $$
declare
  task public.agent_tasks;
begin
  if octet_length(complete_task.result::text) > 65536 then
    raise exception using errcode = '22023', message = 'result: at most 64 KiB of JSON';
  end if;
  update public.agent_tasks as t
  set status = 'succeeded', result = complete_task.result, claimed_by = null, claim_expires_at = null
  where t.id = complete_task.task_id
    and t.status = 'running'
    and (complete_task.worker is null or t.claimed_by = complete_task.worker)
  returning t.* into task;
  if task.id is null then
    -- Raises the reason (22004, PT404 or PT409).
    perform private.running_task(complete_task.task_id, complete_task.worker);
    raise exception using errcode = 'PT409', message = 'task_id: the task is not running';
  end if;
  update public.agent_task_attempts as a
  set outcome = 'succeeded', finished_at = now()
  where a.task_id = task.id and a.attempt = task.attempts and a.outcome = 'running';
  return next task;
end;
$$;
comment on function public.complete_task(uuid, jsonb, text) is
'service_role (workers): marks a running task succeeded with its result (any JSON, at most 64 KiB); its dependents count it as done. Give worker to refuse (PT409) when the claim was taken back from you. PT404 unknown task, PT409 not running.';
revoke execute on function public.complete_task(uuid, jsonb, text)
from public, anon, authenticated, service_role;
grant execute on function public.complete_task(uuid, jsonb, text) to service_role;

create function public.fail_task(
  task_id uuid, error text, worker text default null, retry boolean default true
)
returns setof public.agent_tasks
language plpgsql
volatile
security invoker
set search_path = ''
as $$
declare
  task public.agent_tasks;
begin
  if fail_task.error is null then
    raise exception using errcode = '22004', message = 'error: required';
  end if;
  if fail_task.error !~ '\S' or length(fail_task.error) > 4000 then
    raise exception using errcode = '22023', message = 'error: must be 1 to 4000 characters, not blank';
  end if;
  update public.agent_tasks as t
  set
    status = case
      when not coalesce(fail_task.retry, true) or t.attempts >= t.max_attempts then 'failed'
      else 'pending'
    end,
    not_before = case
      when not coalesce(fail_task.retry, true) or t.attempts >= t.max_attempts then t.not_before
      else now() + private.task_retry_delay(t.backoff_seconds, t.attempts)
    end,
    error = fail_task.error,
    claimed_by = null,
    claim_expires_at = null
  where t.id = fail_task.task_id
    and t.status = 'running'
    and (fail_task.worker is null or t.claimed_by = fail_task.worker)
  returning t.* into task;
  if task.id is null then
    -- Raises the reason (22004, PT404 or PT409).
    perform private.running_task(fail_task.task_id, fail_task.worker);
    raise exception using errcode = 'PT409', message = 'task_id: the task is not running';
  end if;
  update public.agent_task_attempts as a
  set outcome = 'failed', finished_at = now(), error = fail_task.error
  where a.task_id = task.id and a.attempt = task.attempts and a.outcome = 'running';
  return next task;
end;
$$;
comment on function public.fail_task(uuid, text, text, boolean) is
'service_role (workers): records a failed attempt. The task is retried (pending again, not before now + backoff_seconds * 2^(attempts-1), at most a day) until max_attempts; then, or with retry => false, it fails and its pending dependents become blocked. PT404 unknown task, PT409 not running or (with worker) claimed by another worker.';
revoke execute on function public.fail_task(uuid, text, text, boolean)
from public, anon, authenticated, service_role;
grant execute on function public.fail_task(uuid, text, text, boolean) to service_role;

-- Security definer: owners cancel without any UPDATE privilege on the queue's columns.
create function private.cancel_task(task_id uuid)
returns setof public.agent_tasks
language plpgsql
volatile
security definer
set search_path = ''
as $$
declare
  task public.agent_tasks;
begin
  if cancel_task.task_id is null then
    raise exception using errcode = '22004', message = 'task_id: required';
  end if;
  if (select auth.role()) is distinct from 'service_role'
    and ((select auth.uid()) is null or (select private.is_anonymous())) then
    raise exception using errcode = '42501', message = 'cancel_task: sign in as the task''s owner';
  end if;
  select t.* into task from public.agent_tasks as t
  where t.id = cancel_task.task_id
    and (t.user_id = (select auth.uid()) or (select auth.role()) = 'service_role')
  for update;
  if task.id is null then
    raise exception using errcode = 'PT404', message = 'task_id: no task with this id is visible to you';
  end if;
  if task.status in ('succeeded', 'failed', 'cancelled') then
    raise exception using
      errcode = 'PT409',
      message = format('task_id: the task is already %s', task.status);
  end if;
  update public.agent_task_attempts as a
  set outcome = 'cancelled', finished_at = now(), error = 'cancelled while running'
  where a.task_id = task.id and a.attempt = task.attempts and a.outcome = 'running';
  return query
  update public.agent_tasks as t
  set status = 'cancelled', claimed_by = null, claim_expires_at = null
  where t.id = task.id
  returning t.*;
end;
$$;
comment on function private.cancel_task(uuid) is
'The body of public.cancel_task (security definer: owners hold no UPDATE on agent_tasks).';
revoke execute on function private.cancel_task(uuid) from public, anon, authenticated, service_role;
grant execute on function private.cancel_task(uuid) to authenticated, service_role;

create function public.cancel_task(task_id uuid)
returns setof public.agent_tasks
language sql
volatile
security invoker
set search_path = ''
as $$
  select * from private.cancel_task(cancel_task.task_id)
$$;
comment on function public.cancel_task(uuid) is
'Cancels one of the caller''s tasks (service_role: anyone''s) that is pending, blocked or running (a running attempt is recorded as cancelled, and its worker''s complete_task is then refused); pending dependents become blocked. PT404 not the caller''s task, PT409 already succeeded, failed or cancelled.';
revoke execute on function public.cancel_task(uuid) from public, anon, authenticated, service_role;
grant execute on function public.cancel_task(uuid) to authenticated, service_role;

-- A task and its dependencies in one request (a plain insert of the task, then of each edge,
-- would leave the task behind when an edge is refused).
create function public.add_task(
  agent_id uuid,
  payload jsonb default '{}',
  title text default null,
  priority integer default 0,
  not_before timestamptz default null,
  max_attempts integer default 3,
  backoff_seconds integer default 30,
  depends_on uuid [] default '{}'
)
returns setof public.agent_tasks
language plpgsql
volatile
security invoker
set search_path = ''
as $$
declare
  agent public.ai_agents;
  created uuid;
begin
  if add_task.agent_id is null then
    raise exception using errcode = '22004', message = 'agent_id: required';
  end if;
  if cardinality(add_task.depends_on) > 100 then
    raise exception using errcode = '22023', message = 'depends_on: at most 100 tasks';
  end if;
  agent := private.own_agent(add_task.agent_id);
  insert into public.agent_tasks as t (
    user_id, agent_id, payload, title, priority, not_before, max_attempts, backoff_seconds
  )
  values (
    agent.user_id, agent.id, coalesce(add_task.payload, '{}'), add_task.title,
    coalesce(add_task.priority, 0), coalesce(add_task.not_before, now()),
    coalesce(add_task.max_attempts, 3), coalesce(add_task.backoff_seconds, 30)
  )
  returning t.id into created;
  insert into public.agent_task_dependencies (task_id, depends_on, user_id)
  select distinct created, d.id, agent.user_id
  from unnest(coalesce(add_task.depends_on, '{}')) as d (id)
  where d.id is not null;
  return query select t.* from public.agent_tasks as t where t.id = created;
end;
$$;
comment on function public.add_task(uuid, jsonb, text, integer, timestamptz, integer, integer, uuid []) is
'Creates a task for one of the caller''s agents (service_role: any agent, for its owner) with its dependencies (at most 100 of the same user''s tasks), all or nothing; returns it. PT404 an agent that is not the caller''s; 42501 (23503 for service_role) a dependency that is not the owner''s task; 23514 a dependency that would close a cycle, or a bound (agent_tasks_*).';
revoke execute on function public.add_task(uuid, jsonb, text, integer, timestamptz, integer, integer, uuid [])
from public, anon, authenticated, service_role;
grant execute on function public.add_task(uuid, jsonb, text, integer, timestamptz, integer, integer, uuid [])
to authenticated, service_role;
