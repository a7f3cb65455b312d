-- The task queue (issue 13): tasks assigned to agents, with a payload, priority, not-before
-- time, retries with exponential backoff, and dependencies forming a DAG; every attempt is
-- kept in agent_task_attempts. Users create, read and cancel their own tasks; workers
-- (service_role) claim, complete and fail them through the functions of the next migration.
--
-- Status: pending -> running -> succeeded | failed | pending (retry, or its claim expired);
-- pending | running | blocked -> cancelled; pending -> blocked. "Ready" is not stored: a
-- pending task is ready when its not_before has passed and pending_dependencies, the number
-- of its dependencies that have not succeeded (kept by triggers), is 0, so the claim reads a
-- partial index instead of checking every dependency of every candidate.
--
-- The dependency rule: when a task ends without succeeding (failed after its last attempt,
-- cancelled, or blocked), every pending task that depends on it, directly or transitively,
-- becomes blocked, with an error naming the dependency. Blocked is final, like failed; a
-- blocked task can still be cancelled.

create table public.agent_tasks (
  id uuid primary key default gen_random_uuid(),
  user_id uuid not null default auth.uid() references auth.users (id) on delete cascade,
  agent_id uuid not null,
  title text,
  payload jsonb not null default '{}',
  priority integer not null default 0,
  not_before timestamptz not null default now(),
  status text not null default 'pending',
  attempts integer not null default 0,
  max_attempts integer not null default 3,
  backoff_seconds integer not null default 30,
  pending_dependencies integer not null default 0,
  claimed_by text,
  claimed_at timestamptz,
  claim_expires_at timestamptz,
  result jsonb,
  error text,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  started_at timestamptz,
  finished_at timestamptz,
  constraint agent_tasks_agent_owned_by_user foreign key (agent_id, user_id)
  references public.ai_agents (id, user_id) on update cascade on delete cascade,
  -- Target of the dependencies' and attempts' (task_id, user_id) foreign keys.
  constraint agent_tasks_id_user_id_key unique (id, user_id),
  constraint agent_tasks_title_length check (title ~ '\S' and length(title) <= 200),
  constraint agent_tasks_payload_size check (octet_length(payload::text) <= 65536),
  constraint agent_tasks_priority_range check (priority between -1000 and 1000),
  -- Finite and within what clients can hold (Python's datetime ends at year 9999).
  constraint agent_tasks_not_before_range check (
    not_before >= '2000-01-01 00:00+00' and not_before < '9999-01-01 00:00+00'
  ),
  constraint agent_tasks_status_valid check (
    status in ('pending', 'running', 'succeeded', 'failed', 'cancelled', 'blocked')
  ),
  constraint agent_tasks_max_attempts_range check (max_attempts between 1 and 100),
  constraint agent_tasks_attempts_range check (attempts between 0 and max_attempts),
  constraint agent_tasks_backoff_seconds_range check (backoff_seconds between 0 and 86400),
  constraint agent_tasks_pending_dependencies_non_negative check (pending_dependencies >= 0),
  -- A running task has a claim; no other task has one.
  constraint agent_tasks_claim_when_running check (
    (status = 'running') = (claimed_by is not null and claim_expires_at is not null)
  ),
  constraint agent_tasks_claimed_by_format check (claimed_by ~ '\S' and length(claimed_by) <= 200),
  constraint agent_tasks_result_size check (octet_length(result::text) <= 65536),
  constraint agent_tasks_error_length check (length(error) <= 4000)
);
comment on table public.agent_tasks is
'Tasks for agents, a queue: owners create, read and cancel (cancel_task) their own; workers (service_role) take them with claim_next_task and end them with complete_task / fail_task. A task is ready when pending, not_before has passed and every dependency succeeded. A dependency that ends without succeeding blocks its pending dependents (transitively).';
comment on column public.agent_tasks.user_id is 'The owner (defaults to the caller); the agent''s owner.';
comment on column public.agent_tasks.agent_id is 'The agent that runs the task (the owner''s).';
comment on column public.agent_tasks.title is 'Optional label (at most 200 characters).';
comment on column public.agent_tasks.payload is 'The input of the task: any JSON value, at most 64 KiB.';
comment on column public.agent_tasks.priority is 'Higher first (-1000 to 1000, default 0); then older not_before first.';
comment on column public.agent_tasks.not_before is 'Not claimed before this time; a retry moves it by the backoff.';
comment on column public.agent_tasks.status is
'pending, running, succeeded, failed, cancelled or blocked (a dependency ended without succeeding). Changed only along the allowed transitions (PT409 otherwise).';
comment on column public.agent_tasks.attempts is 'Claims so far (each one is a row of agent_task_attempts).';
comment on column public.agent_tasks.max_attempts is 'Claims allowed (1-100, default 3); a failure or a lost claim on the last one fails the task.';
comment on column public.agent_tasks.backoff_seconds is
'Base of the exponential backoff (0-86400, default 30): after attempt n fails, the task waits backoff_seconds * 2^(n-1), at most a day.';
comment on column public.agent_tasks.pending_dependencies is
'How many of the task''s dependencies have not succeeded yet; kept by the database.';
comment on column public.agent_tasks.claimed_by is 'The worker holding the running task.';
comment on column public.agent_tasks.claim_expires_at is
'End of the running claim''s lease: after it the task is claimable again and the attempt is recorded as lost.';
comment on column public.agent_tasks.result is 'The output complete_task stored (any JSON value, at most 64 KiB).';
comment on column public.agent_tasks.error is 'The last failure (fail_task, a lost claim, or the dependency that blocked it).';
comment on column public.agent_tasks.started_at is 'The first claim.';
comment on column public.agent_tasks.finished_at is 'When the task reached succeeded, failed, cancelled or blocked.';

create index agent_tasks_user_id_created_at_idx on public.agent_tasks (user_id, created_at desc);
create index agent_tasks_agent_id_user_id_idx on public.agent_tasks (agent_id, user_id);
-- The claim: ready candidates in claim order, overall and per agent.
create index agent_tasks_ready_idx on public.agent_tasks (priority desc, not_before, id)
where status = 'pending' and pending_dependencies = 0;
create index agent_tasks_agent_id_ready_idx on public.agent_tasks (
  agent_id, priority desc, not_before, id
)
where status = 'pending' and pending_dependencies = 0;
-- Expired claims.
create index agent_tasks_claim_expires_at_idx on public.agent_tasks (claim_expires_at)
where status = 'running';

create table public.agent_task_dependencies (
  id uuid primary key default gen_random_uuid(),
  task_id uuid not null,
  depends_on uuid not null,
  user_id uuid not null default auth.uid() references auth.users (id) on delete cascade,
  satisfied boolean not null default false,
  created_at timestamptz not null default now(),
  -- One edge per pair; led by the task's foreign key columns, so it serves that key too.
  constraint agent_task_dependencies_task_id_user_id_depends_on_key unique (
    task_id, user_id, depends_on
  ),
  -- Both tasks are the same user's.
  constraint agent_task_dependencies_task_owned_by_user foreign key (task_id, user_id)
  references public.agent_tasks (id, user_id) on update cascade on delete cascade,
  constraint agent_task_dependencies_depends_on_owned_by_user foreign key (depends_on, user_id)
  references public.agent_tasks (id, user_id) on update cascade on delete cascade,
  constraint agent_task_dependencies_not_self check (task_id <> depends_on)
);
comment on table public.agent_task_dependencies is
'Edges of the task DAG: task_id runs only after depends_on succeeded. Same user; added only while task_id is pending (PT409); an edge that would close a cycle is refused (23514, agent_task_dependencies_acyclic).';
comment on column public.agent_task_dependencies.satisfied is 'depends_on has succeeded; kept by the database.';

-- The unique key serves task_id; these serve depends_on (the dependents of a task) and the
-- owner (policies, the auth.users foreign key).
create index agent_task_dependencies_depends_on_user_id_idx on public.agent_task_dependencies (
  depends_on, user_id
);
create index agent_task_dependencies_user_id_idx on public.agent_task_dependencies (user_id);

create table public.agent_task_attempts (
  id uuid primary key default gen_random_uuid(),
  task_id uuid not null,
  user_id uuid not null references auth.users (id) on delete cascade,
  attempt integer not null,
  worker text not null,
  claimed_at timestamptz not null default now(),
  lease_expires_at timestamptz not null,
  finished_at timestamptz,
  outcome text not null default 'running',
  error text,
  constraint agent_task_attempts_task_owned_by_user foreign key (task_id, user_id)
  references public.agent_tasks (id, user_id) on update cascade on delete cascade,
  -- One row per attempt of a task; led by the foreign key's columns, so it serves it too.
  constraint agent_task_attempts_task_id_user_id_attempt_key unique (task_id, user_id, attempt),
  constraint agent_task_attempts_attempt_positive check (attempt >= 1),
  constraint agent_task_attempts_worker_format check (worker ~ '\S' and length(worker) <= 200),
  constraint agent_task_attempts_outcome_valid check (
    outcome in ('running', 'succeeded', 'failed', 'lost', 'cancelled')
  ),
  constraint agent_task_attempts_finished_unless_running check (
    (outcome = 'running') = (finished_at is null)
  ),
  constraint agent_task_attempts_error_length check (length(error) <= 4000)
);
comment on table public.agent_task_attempts is
'The execution history: one row per claim of a task, with its worker, lease and outcome (running, succeeded, failed, lost: the lease expired, cancelled). Written by the queue functions; the owner reads them.';

create index agent_task_attempts_user_id_claimed_at_idx on public.agent_task_attempts (
  user_id, claimed_at desc
);

alter table public.agent_tasks enable row level security;
alter table public.agent_task_dependencies enable row level security;
alter table public.agent_task_attempts enable row level security;

create policy agent_tasks_select_owner on public.agent_tasks
for select to authenticated
using (user_id = (select auth.uid()));
create policy agent_tasks_insert_owner on public.agent_tasks
for insert to authenticated
with check (
  user_id = (select auth.uid())
  and agent_id in (
    select a.id from public.ai_agents as a
    where a.user_id = (select auth.uid())
  )
);
create policy agent_tasks_all_not_anonymous on public.agent_tasks
as restrictive
for all to authenticated
using (not (select private.is_anonymous()))
with check (not (select private.is_anonymous()));
comment on policy agent_tasks_all_not_anonymous on public.agent_tasks is
'Anonymous sign-ins (is_anonymous in the JWT) neither read nor write agent_tasks.';

create policy agent_task_dependencies_select_owner on public.agent_task_dependencies
for select to authenticated
using (user_id = (select auth.uid()));
create policy agent_task_dependencies_insert_owner on public.agent_task_dependencies
for insert to authenticated
with check (
  user_id = (select auth.uid())
  and task_id in (
    select t.id from public.agent_tasks as t
    where t.user_id = (select auth.uid())
  )
  and depends_on in (
    select t.id from public.agent_tasks as t
    where t.user_id = (select auth.uid())
  )
);
create policy agent_task_dependencies_all_not_anonymous on public.agent_task_dependencies
as restrictive
for all to authenticated
using (not (select private.is_anonymous()))
with check (not (select private.is_anonymous()));
comment on policy agent_task_dependencies_all_not_anonymous on public.agent_task_dependencies is
'Anonymous sign-ins (is_anonymous in the JWT) neither read nor write agent_task_dependencies.';

create policy agent_task_attempts_select_owner on public.agent_task_attempts
for select to authenticated
using (user_id = (select auth.uid()));
create policy agent_task_attempts_all_not_anonymous on public.agent_task_attempts
as restrictive
for all to authenticated
using (not (select private.is_anonymous()))
with check (not (select private.is_anonymous()));
comment on policy agent_task_attempts_all_not_anonymous on public.agent_task_attempts is
'Anonymous sign-ins (is_anonymous in the JWT) neither read anything of agent_task_attempts.';

-- Clients create tasks and edges and read everything of theirs; they change a task only
-- through cancel_task. Workers (service_role) write the queue columns through the functions.
revoke all on public.agent_tasks from anon, authenticated, service_role;
revoke all on public.agent_task_dependencies from anon, authenticated, service_role;
revoke all on public.agent_task_attempts from anon, authenticated, service_role;
grant select (
  id, user_id, agent_id, title, payload, priority, not_before, status, attempts, max_attempts,
  backoff_seconds, pending_dependencies, claimed_by, claimed_at, claim_expires_at, result, error,
  created_at, updated_at, started_at, finished_at
) on public.agent_tasks to authenticated;
grant insert (
  agent_id, user_id, title, payload, priority, not_before, max_attempts, backoff_seconds
) on public.agent_tasks to authenticated;
grant select, delete on public.agent_tasks to service_role;
grant insert (
  agent_id, user_id, title, payload, priority, not_before, max_attempts, backoff_seconds
) on public.agent_tasks to service_role;
grant update (
  title, payload, priority, not_before, max_attempts, backoff_seconds, status, attempts,
  claimed_by, claimed_at, claim_expires_at, result, error, started_at, finished_at
) on public.agent_tasks to service_role;

grant select (id, task_id, depends_on, user_id, satisfied, created_at)
on public.agent_task_dependencies to authenticated;
grant insert (task_id, depends_on, user_id) on public.agent_task_dependencies to authenticated;
grant select, delete on public.agent_task_dependencies to service_role;
grant insert (id, task_id, depends_on, user_id) on public.agent_task_dependencies to service_role;

grant select (
  id, task_id, user_id, attempt, worker, claimed_at, lease_expires_at, finished_at, outcome, error
) on public.agent_task_attempts to authenticated;
grant select on public.agent_task_attempts to service_role;
grant insert (task_id, user_id, attempt, worker, claimed_at, lease_expires_at)
on public.agent_task_attempts to service_role;
grant update (finished_at, outcome, error) on public.agent_task_attempts to service_role;
