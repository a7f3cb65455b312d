-- The task queue's invariants (issue 13), kept by triggers for every role and path: status
-- changes only along the allowed transitions; a task that succeeds satisfies its dependents'
-- edges, one that ends otherwise blocks its pending dependents (transitively); a new edge is
-- refused when it would close a cycle, checked under a per-user lock.

-- Allowed status transitions (any role, any path).
create function private.check_agent_task_transition()
returns trigger
language plpgsql
volatile
security invoker
set search_path = ''
as $$
begin
  -- An unknown status is left to agent_tasks_status_valid (23514); this message then names
  -- only statuses of the list, never a value the caller wrote.
  if new.status <> old.status
    and new.status in ('pending', 'running', 'succeeded', 'failed', 'cancelled', 'blocked')
    and not (
      (old.status = 'pending' and new.status in ('running', 'cancelled', 'blocked'))
      or (old.status = 'running' and new.status in ('succeeded', 'failed', 'pending', 'cancelled'))
      or (old.status = 'blocked' and new.status = 'cancelled')
    ) then
    raise exception using
      errcode = 'PT409',
      message = format('status: a %s task cannot become %s', old.status, new.status),
      hint = 'pending -> running | cancelled | blocked; running -> succeeded | failed | pending | cancelled; blocked -> cancelled. succeeded, failed and cancelled are final.';
  end if;
  if new.status in ('succeeded', 'failed', 'cancelled', 'blocked') and new.status <> old.status then
    new.finished_at := coalesce(new.finished_at, now());
  end if;
  return new;
end;
$$;
comment on function private.check_agent_task_transition() is
'Trigger: refuses a status change outside pending -> running | cancelled | blocked, running -> succeeded | failed | pending | cancelled, blocked -> cancelled (PT409) and stamps finished_at on the final ones.';
revoke execute on function private.check_agent_task_transition() from public, anon, authenticated, service_role;

create trigger agent_tasks_check_transition
before update of status on public.agent_tasks
for each row execute function private.check_agent_task_transition();

create trigger agent_tasks_set_updated_at
before update on public.agent_tasks
for each row execute function private.set_updated_at();

-- When a task succeeds its dependents count one dependency less; when it ends otherwise its
-- pending dependents, direct and transitive, become blocked. Rows are locked in id order so
-- two workers ending tasks with common dependents cannot deadlock. Security definer:
-- pending_dependencies and the dependents' status are no API role's to write.
create function private.propagate_agent_task_outcome()
returns trigger
language plpgsql
volatile
security definer
set search_path = ''
as $$
begin
  if not exists (
    select 1 from public.agent_task_dependencies as d where d.depends_on = new.id
  ) then
    return null;
  end if;
  if new.status = 'succeeded' then
    perform 1 from public.agent_tasks as t
    where t.id in (
      select d.task_id from public.agent_task_dependencies as d
      where d.depends_on = new.id and not d.satisfied
    )
    order by t.id
    for update;
    with satisfied as (
      update public.agent_task_dependencies as d
      set satisfied = true
      where d.depends_on = new.id and not d.satisfied
      returning d.task_id
    )
    update public.agent_tasks as t
    set pending_dependencies = t.pending_dependencies - 1
    from satisfied as s
    where t.id = s.task_id;
  else
    perform 1 from public.agent_tasks as t
    where t.id in (
      with recursive dependents (id) as (
        select d.task_id from public.agent_task_dependencies as d where d.depends_on = new.id
        union
        select d.task_id from public.agent_task_dependencies as d
        join dependents as p on d.depends_on = p.id
      )
      select dependents.id from dependents
    )
    and t.status = 'pending'
    order by t.id
    for update;
    with recursive dependents (id) as (
      select d.task_id from public.agent_task_dependencies as d where d.depends_on = new.id
      union
      select d.task_id from public.agent_task_dependencies as d
      join dependents as p on d.depends_on = p.id
    )
    update public.agent_tasks as t
    set
      status = 'blocked',
      error = format('blocked: dependency %s is %s', new.id, new.status)
    from dependents
    where t.id = dependents.id and t.status = 'pending';
  end if;
  return null;
end;
$$;
comment on function private.propagate_agent_task_outcome() is
'Trigger: a task that succeeded satisfies its dependency edges (the dependents'' pending_dependencies drop); one that failed, was cancelled or blocked blocks every pending dependent, transitively.';
revoke execute on function private.propagate_agent_task_outcome() from public, anon, authenticated, service_role;

create trigger agent_tasks_propagate_outcome
after update of status on public.agent_tasks
for each row
when (
  old.status is distinct from new.status
  and new.status in ('succeeded', 'failed', 'cancelled', 'blocked')
)
execute function private.propagate_agent_task_outcome();

-- A new edge: under a per-user lock (so two concurrent inserts cannot close a cycle between
-- them), refuse it when depends_on already reaches task_id; count it on the dependent unless
-- depends_on has succeeded, and block the dependent when depends_on already ended otherwise.
-- The lock is taken before anything is read, and each statement of a plpgsql function takes
-- a new snapshot under READ COMMITTED (the isolation PostgREST and the client use), so the
-- reachability query sees every edge committed by the transaction that held the lock before.
create function private.check_agent_task_dependency()
returns trigger
language plpgsql
volatile
security definer
set search_path = ''
as $$
declare
  dependency_status text;
  task_status text;
begin
  perform pg_catalog.pg_advisory_xact_lock(
    pg_catalog.hashtext('agentsdb.agent_task_dependencies'), pg_catalog.hashtext(new.user_id::text)
  );
  -- Missing tasks, or tasks of another user, are left to the foreign keys (23503).
  select t.status into dependency_status from public.agent_tasks as t
  where t.id = new.depends_on and t.user_id = new.user_id
  for share;
  select t.status into task_status from public.agent_tasks as t
  where t.id = new.task_id and t.user_id = new.user_id
  for update;
  if dependency_status is null or task_status is null then
    return new;
  end if;
  if task_status <> 'pending' then
    raise exception using
      errcode = 'PT409',
      message = format('task_id: dependencies can be added only to a pending task (this one is %s)', task_status);
  end if;
  if new.task_id = new.depends_on or exists (
    with recursive reachable (id) as (
      select new.depends_on
      union
      select d.depends_on from public.agent_task_dependencies as d
      join reachable as r on d.task_id = r.id
    )
    select 1 from reachable where reachable.id = new.task_id
  ) then
    raise exception using
      errcode = '23514',
      constraint = 'agent_task_dependencies_acyclic',
      message = 'depends_on: the dependency would close a cycle (depends_on already depends on task_id)',
      hint = 'Task dependencies form a directed acyclic graph.';
  end if;
  new.satisfied := dependency_status = 'succeeded';
  if not new.satisfied then
    update public.agent_tasks as t
    set
      pending_dependencies = t.pending_dependencies + 1,
      status = case when dependency_status in ('failed', 'cancelled', 'blocked') then 'blocked' else t.status end,
      error = case
        when dependency_status in ('failed', 'cancelled', 'blocked')
          then format('blocked: dependency %s is %s', new.depends_on, dependency_status)
        else t.error
      end
    where t.id = new.task_id;
  end if;
  return new;
end;
$$;
comment on function private.check_agent_task_dependency() is
'Trigger: under a per-user advisory lock, refuses an edge to a task that is not pending (PT409) or one closing a cycle (23514, agent_task_dependencies_acyclic), and keeps the dependent''s pending_dependencies (blocking it if depends_on already failed, was cancelled or blocked).';
revoke execute on function private.check_agent_task_dependency() from public, anon, authenticated, service_role;

create trigger agent_task_dependencies_check
before insert on public.agent_task_dependencies
for each row execute function private.check_agent_task_dependency();

-- An edge removed (service_role deleting a task, or a cascade): its dependent no longer waits
-- for it.
create function private.release_agent_task_dependency()
returns trigger
language plpgsql
volatile
security definer
set search_path = ''
as $$
begin
  if not old.satisfied then
    update public.agent_tasks as t
    set pending_dependencies = t.pending_dependencies - 1
    where t.id = old.task_id and t.pending_dependencies > 0;
  end if;
  return null;
end;
$$;
comment on function private.release_agent_task_dependency() is
'Trigger: a deleted unsatisfied edge no longer counts in its dependent''s pending_dependencies.';
revoke execute on function private.release_agent_task_dependency() from public, anon, authenticated, service_role;

create trigger agent_task_dependencies_release
after delete on public.agent_task_dependencies
for each row execute function private.release_agent_task_dependency();
