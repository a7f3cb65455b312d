begin;
\ir ../helpers.psql
select plan(65);

select tests.create_user('alice');
select tests.create_user('bob');
insert into public.ai_agents (id, name, vendor_id, is_public, user_id) values
('a0000000-0000-4000-8000-000000000001', 'worker agent', 'openai', false, tests.get_user_id('alice')),
('a0000000-0000-4000-8000-000000000002', 'public agent', 'openai', true, tests.get_user_id('alice')),
('b0000000-0000-4000-8000-000000000001', 'bob''s agent', 'openai', false, tests.get_user_id('bob'));

-- Tasks are inserted as postgres with known ids (clients never choose ids); the rights of
-- clients are probed below and in the isolation matrix.
create function tests.task(name text)
returns uuid
language sql
immutable
as $$
  select ('c0000000-0000-4000-8000-' || lpad(name, 12, '0'))::uuid
$$;
create function tests.status(name text)
returns text
language sql
stable
as $$
  select t.status from public.agent_tasks as t where t.id = tests.task(name)
$$;
grant execute on all functions in schema tests to anon, authenticated, service_role;

insert into public.agent_tasks (id, user_id, agent_id, title, priority, max_attempts, backoff_seconds)
select
  tests.task(n::text) as id,
  tests.get_user_id('alice') as user_id,
  'a0000000-0000-4000-8000-000000000001'::uuid as agent_id,
  'task ' || n as title,
  0 as priority,
  2 as max_attempts,
  10 as backoff_seconds
from generate_series(1, 9) as n;

-- Owners: create, read, add edges; never change status, never delete.
select tests.authenticate_as('alice');
select lives_ok(
  $$insert into public.agent_tasks (agent_id, title, payload, priority)
    values ('a0000000-0000-4000-8000-000000000001', 'mine', '{"q": 1}', 5)$$,
  'the owner creates a task'
);
select is(
  (
    select status || ' ' || attempts from public.agent_tasks
    where title = 'mine'
  ), 'pending 0',
  'a new task is pending with no attempt'
);
select throws_ok(
  $$insert into public.agent_tasks (agent_id, title) values ('b0000000-0000-4000-8000-000000000001', 'x')$$,
  '42501', null, 'no task for another user''s agent'
);
select throws_ok(
  $$insert into public.agent_tasks (agent_id, status) values ('a0000000-0000-4000-8000-000000000001', 'succeeded')$$,
  '42501', null, 'status is not the client''s to set'
);
select throws_ok(
  $$update public.agent_tasks set priority = 1$$, '42501', null, 'owners do not update tasks'
);
select throws_ok($$delete from public.agent_tasks$$, '42501', null, 'owners do not delete tasks');
select throws_ok(
  $$insert into public.agent_tasks (agent_id, payload) values
    ('a0000000-0000-4000-8000-000000000001', jsonb_build_object('x', repeat('y', 70000)))$$,
  '23514', null, 'the payload is bounded'
);

-- Dependencies: 2 after 1, 3 after 2, 4 after 1 and 3; 5 after 2 (a diamond and a chain).
insert into public.agent_task_dependencies (task_id, depends_on) values
(tests.task('2'), tests.task('1')),
(tests.task('3'), tests.task('2')),
(tests.task('4'), tests.task('1')),
(tests.task('4'), tests.task('3')),
(tests.task('5'), tests.task('2'));
select is(
  (
    select pending_dependencies from public.agent_tasks
    where id = tests.task('4')
  ), 2,
  'a task counts its unfinished dependencies'
);
select throws_ok(
  format('insert into public.agent_task_dependencies (task_id, depends_on) values (%L, %L)', tests.task('1'), tests.task('4')),
  '23514', 'depends_on: the dependency would close a cycle (depends_on already depends on task_id)',
  'a cycle through three edges is refused'
);
select throws_ok(
  format('insert into public.agent_task_dependencies (task_id, depends_on) values (%L, %L)', tests.task('1'), tests.task('2')),
  '23514', null, 'a two-task cycle is refused'
);
select throws_ok(
  format('insert into public.agent_task_dependencies (task_id, depends_on) values (%L, %L)', tests.task('6'), tests.task('6')),
  '23514', null, 'a task cannot depend on itself'
);
select is(
  (select count(*)::integer from public.agent_task_dependencies), 5, 'refusals added no edge'
);

select tests.authenticate_as('bob');
select is_empty($$select from public.agent_tasks$$, 'bob sees none of alice''s tasks');
select is_empty($$select from public.agent_task_dependencies$$, 'nor her edges');
select throws_ok(
  format(
    'insert into public.agent_task_dependencies (task_id, depends_on, user_id) values (%L, %L, %L)',
    tests.task('6'), tests.task('7'), tests.get_user_id('alice')
  ),
  '42501', null, 'bob cannot add edges between alice''s tasks'
);
select throws_ok(
  format('select public.cancel_task(%L)', tests.task('9')), 'PT404',
  'task_id: no task with this id is visible to you', 'bob cannot cancel alice''s task'
);
select throws_ok(
  $$select public.claim_next_task('bob')$$, '42501', null, 'clients are not workers'
);
select tests.authenticate_as_anon();
select throws_ok($$select from public.agent_tasks$$, '42501', null, 'anon reads no task');
select tests.clear_authentication();
update public.agent_tasks set not_before = now() + interval '1 hour'
where title = 'mine';
update public.agent_tasks set not_before = now() + interval '1 hour'
where id in (tests.task('8'), tests.task('9'));

-- Workers: highest priority first, dependencies first, not_before respected.
select tests.authenticate_as_service_role();
update public.agent_tasks set priority = 10
where id = tests.task('6');
select is(
  (select id from public.claim_next_task('w1', 60)), tests.task('6'),
  'the highest priority ready task is claimed first'
);
select is(
  (
    select status || ' ' || attempts || ' ' || claimed_by from public.agent_tasks
    where id = tests.task('6')
  ),
  'running 1 w1', 'the claim marks it running, attempt 1, held by w1'
);
select is(
  (
    select outcome || ' ' || worker from public.agent_task_attempts
    where task_id = tests.task('6')
  ),
  'running w1', 'the attempt is recorded'
);
select is(
  (select id from public.claim_next_task('w2', agent_id => 'a0000000-0000-4000-8000-000000000002')),
  null, 'claims for an agent with no ready task get nothing'
);
select is(
  array(
    select (public.claim_next_task('w2')).id
    union all
    select (public.claim_next_task('w2')).id
    order by id
  ),
  array[tests.task('1'), tests.task('7')],
  'then the ready ones (no dependency left, not_before passed): 1 and 7, never 2 to 5 or 9'
);
select is(
  (select count(*)::integer from public.claim_next_task('w3')), 0,
  'nothing else is ready: dependencies wait, future tasks wait'
);

-- Completing 1 releases 2 (its only dependency), not 4 (still waits for 3).
select is(
  (select status from public.complete_task(tests.task('1'), '{"answer": 42}', 'w2')), 'succeeded',
  'complete_task: succeeded'
);
select is(
  (
    select result from public.agent_tasks
    where id = tests.task('1')
  ), '{"answer": 42}'::jsonb,
  'with its result'
);
select is(
  array(
    select pending_dependencies from public.agent_tasks
    where id in (tests.task('2'), tests.task('4'))
    order by pending_dependencies
  ),
  array[0, 1], 'its dependents count it as done'
);
select is((select id from public.claim_next_task('w1')), tests.task('2'), 'so 2 is claimed next');
select throws_ok(
  format('select public.complete_task(%L, null, %L)', tests.task('2'), 'w9'), 'PT409',
  'worker: the task is claimed by another worker (this claim expired and was taken back)',
  'a worker cannot complete another worker''s claim'
);
select throws_ok(
  format('select public.complete_task(%L)', tests.task('1')), 'PT409',
  'task_id: the task is succeeded, not running', 'a finished task cannot be completed again'
);
select throws_ok(
  $$select public.complete_task('c0000000-0000-4000-8000-0000000000ff')$$, 'PT404',
  'task_id: no task with this id', 'an unknown task'
);
select throws_ok(
  format('update public.agent_tasks set status = %L where id = %L', 'pending', tests.task('1')),
  'PT409', 'status: a succeeded task cannot become pending', 'a final status stays final'
);
select throws_ok(
  format('update public.agent_tasks set status = %L where id = %L', 'succeeded', tests.task('3')),
  'PT409', null, 'pending cannot jump to succeeded'
);

-- Failing with retries: exponential backoff, then failed; dependents blocked transitively.
select is(
  (select status || ' ' || (not_before = now() + interval '10 seconds')::text from public.fail_task(tests.task('2'), 'timeout', 'w1')),
  'pending true', 'a first failure retries after backoff_seconds'
);
select is(
  (
    select outcome || ' ' || error from public.agent_task_attempts
    where task_id = tests.task('2') and attempt = 1
  ),
  'failed timeout', 'the failed attempt is kept with its error'
);
update public.agent_tasks set not_before = now()
where id = tests.task('2');
select is((select attempts from public.claim_next_task('w1')), 2, 'claimed again: attempt 2');
select is(
  (select status from public.fail_task(tests.task('2'), 'timeout again')), 'failed',
  'the last attempt fails the task'
);
select is(
  array(select tests.status(n) from unnest(array['3', '4', '5']) as n),
  array['blocked', 'blocked', 'blocked'],
  'its dependents are blocked, transitively (3 and 5 directly, 4 through 3)'
);
select is(
  (
    select error from public.agent_tasks
    where id = tests.task('3')
  ),
  format('blocked: dependency %s is failed', tests.task('2')),
  'the error names the dependency'
);
select is(private.task_retry_delay(10, 3), interval '40 seconds', 'backoff doubles: 10, 20, 40 s');
select is(private.task_retry_delay(30, 40), interval '1 day', 'and stops at a day');

-- A worker that dies: its claim expires, the attempt is lost, the task is claimable again.
select tests.clear_authentication();
update public.agent_tasks set claim_expires_at = now() - interval '1 second'
where id = tests.task('7');
select tests.authenticate_as_service_role();
select is((select count(*)::integer from public.claim_next_task('w4')), 0, 'the expired claim is taken back (its retry waits for the backoff)');
select is(
  (
    select outcome from public.agent_task_attempts
    where task_id = tests.task('7')
  ), 'lost',
  'the dead worker''s attempt is recorded as lost'
);
select is(
  (
    select status || ' ' || (claimed_by is null)::text from public.agent_tasks
    where id = tests.task('7')
  ),
  'pending true', 'the task is pending again, unclaimed'
);
select throws_ok(
  format('select public.complete_task(%L, null, %L)', tests.task('7'), 'w2'), 'PT409', null,
  'the dead worker cannot complete it any more'
);
update public.agent_tasks set not_before = now()
where id = tests.task('7');
select is((select claimed_by || ' ' || attempts from public.claim_next_task('w4')), 'w4 2', 'another worker claims it: attempt 2');
select tests.clear_authentication();
update public.agent_tasks set claim_expires_at = now() - interval '1 second'
where id = tests.task('7');
select tests.authenticate_as_service_role();
select is((select count(*)::integer from public.claim_next_task('w5')), 0, 'nothing else ready');
select is(tests.status('7'), 'failed', 'a lost last attempt fails the task');

-- Cancelling: the owner cancels; dependents are blocked; a running attempt is cancelled.
select tests.clear_authentication();
insert into public.agent_task_dependencies (task_id, depends_on, user_id)
values (tests.task('8'), tests.task('9'), tests.get_user_id('alice'));
select tests.authenticate_as('alice');
select is((select status from public.cancel_task(tests.task('9'))), 'cancelled', 'the owner cancels a pending task');
select is(tests.status('8'), 'blocked', 'its dependent is blocked');
select is((select status from public.cancel_task(tests.task('8'))), 'cancelled', 'a blocked task can be cancelled');
select throws_ok(
  format('select public.cancel_task(%L)', tests.task('8')), 'PT409', 'task_id: the task is already cancelled',
  'cancelling twice is a conflict'
);
select throws_ok(
  format('insert into public.agent_task_dependencies (task_id, depends_on) values (%L, %L)', tests.task('1'), tests.task('6')),
  'PT409', 'task_id: dependencies can be added only to a pending task (this one is succeeded)',
  'no edge on a task that is not pending'
);
select is((select status from public.cancel_task(tests.task('6'))), 'cancelled', 'a running task can be cancelled');
select is(
  (
    select outcome from public.agent_task_attempts
    where task_id = tests.task('6')
  ), 'cancelled',
  'its attempt is recorded as cancelled'
);
select is(
  (select count(*)::integer from public.agent_task_attempts), 6,
  'the owner reads her execution history'
);
select tests.authenticate_as_service_role();
select throws_ok(
  format('select public.complete_task(%L, null, %L)', tests.task('6'), 'w1'), 'PT409', null,
  'the worker of a cancelled task cannot complete it'
);

-- A new edge on a dependency that already failed blocks the task at once.
select tests.clear_authentication();
insert into public.agent_tasks (id, user_id, agent_id, title)
values (tests.task('10'), tests.get_user_id('alice'), 'a0000000-0000-4000-8000-000000000001', 'late');
insert into public.agent_task_dependencies (task_id, depends_on, user_id)
values (tests.task('10'), tests.task('7'), tests.get_user_id('alice'));
select is(tests.status('10'), 'blocked', 'depending on a failed task blocks at once');

-- The budget gate: users over a hard budget keep their tasks pending.
insert into public.agent_tasks (id, user_id, agent_id, title)
values (tests.task('11'), tests.get_user_id('bob'), 'b0000000-0000-4000-8000-000000000001', 'bob''s');
update public.agent_tasks set not_before = now()
where title = 'mine';
-- alice spends past a hard daily budget of 1 (a model call of cost 2).
insert into public.budgets (user_id, name, scope, period, limit_amount, is_hard)
values (tests.get_user_id('alice'), 'hard daily', 'all', 'day', 1, true);
select tests.authenticate_as('alice');
select public.record_model_call(agent_id => 'a0000000-0000-4000-8000-000000000001', cost => 2);
select tests.clear_authentication();
select tests.authenticate_as_service_role();
select is((select id from public.claim_next_task('w6')), tests.task('11'), 'bob, under budget, gets his task');
select is((select count(*)::integer from public.claim_next_task('w6')), 0, 'alice''s ready task is held back');
select is(
  (
    select status from public.agent_tasks
    where title = 'mine'
  ), 'pending', 'and stays pending'
);
select tests.clear_authentication();
update public.budgets set limit_amount = 100
where user_id = tests.get_user_id('alice');
select tests.authenticate_as_service_role();
select is(
  (select title from public.claim_next_task('w6')), 'mine', 'with the limit raised, it is claimed'
);
select throws_ok($$select public.claim_next_task('  ')$$, '22023', 'worker: must be 1 to 200 characters, not blank', 'a blank worker');
select throws_ok($$select public.claim_next_task('w', 0)$$, '22023', 'lease_seconds: must be between 1 and 86400', 'a zero lease');
select throws_ok(
  format('select public.fail_task(%L, null)', tests.task('11')), '22004', 'error: required', 'fail_task needs an error'
);

select * from finish();
rollback;
