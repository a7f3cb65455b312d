begin;
\ir ../helpers.psql
select plan(12);

-- Claims and due agents respect the agent lifecycle: only an active, idle or busy agent's
-- tasks are claimed and only such agents are due; the others hold their tasks pending until
-- they are active again.
select tests.create_user('alice');
insert into public.ai_agents (id, name, vendor_id, status, user_id) values
('a1000000-0000-4000-8000-000000000001', 'runs', 'openai', 'active', tests.get_user_id('alice')),
('a1000000-0000-4000-8000-000000000002', 'will pause', 'openai', 'active', tests.get_user_id('alice')),
('a1000000-0000-4000-8000-000000000003', 'will archive', 'openai', 'active', tests.get_user_id('alice')),
('a1000000-0000-4000-8000-000000000004', 'starting', 'openai', 'initializing', tests.get_user_id('alice'));
insert into public.agent_tasks (user_id, agent_id, title, priority)
values
(tests.get_user_id('alice'), 'a1000000-0000-4000-8000-000000000001', 'of the active agent', 0),
(tests.get_user_id('alice'), 'a1000000-0000-4000-8000-000000000002', 'of the paused agent', 9),
(tests.get_user_id('alice'), 'a1000000-0000-4000-8000-000000000003', 'of the archived agent', 8),
(tests.get_user_id('alice'), 'a1000000-0000-4000-8000-000000000004', 'of the initializing agent', 7);

select tests.authenticate_as('alice');
select public.set_agent_status('a1000000-0000-4000-8000-000000000002', 'paused', 'holiday');
select public.archive_agent('a1000000-0000-4000-8000-000000000003', 'done with it');
select tests.clear_authentication();

select tests.authenticate_as_service_role();
select is(
  (select title from public.claim_next_task('w1')), 'of the active agent',
  'the active agent''s task is claimed although the others rank higher'
);
select is(
  (select count(*)::integer from public.claim_next_task('w1')), 0,
  'a paused, an archived and an initializing agent''s ready tasks are not claimed'
);
select is(
  (select count(*)::integer from public.claim_next_task('w1', 300, 'a1000000-0000-4000-8000-000000000002')), 0,
  'not even when the worker asks for that agent'
);
select results_eq(
  $$select status from public.agent_tasks where title <> 'of the active agent' order by title$$,
  $$values ('pending'), ('pending'), ('pending')$$,
  'they stay pending, untouched'
);
select tests.clear_authentication();

-- Runnable again: pause ends, the archived agent is restored (stopped) then activated.
select tests.authenticate_as('alice');
select public.set_agent_status('a1000000-0000-4000-8000-000000000002', 'active', 'back');
select public.restore_agent('a1000000-0000-4000-8000-000000000003');
select tests.clear_authentication();
select tests.authenticate_as_service_role();
select is(
  (select title from public.claim_next_task('w1')), 'of the paused agent',
  'once active again, the paused agent''s task is claimed'
);
select is(
  (select count(*)::integer from public.claim_next_task('w1')), 0,
  'a restored agent is stopped: its task still waits'
);
select tests.clear_authentication();
select tests.authenticate_as('alice');
select public.set_agent_status('a1000000-0000-4000-8000-000000000003', 'idle', 'needed after all');
select public.set_agent_status('a1000000-0000-4000-8000-000000000004', 'active', 'ready');
select tests.clear_authentication();
select tests.authenticate_as_service_role();
select is(
  (select title from public.claim_next_task('w1')), 'of the archived agent',
  'restored and idle, the archived agent''s task is claimed'
);
select is(
  (select title from public.claim_next_task('w1')), 'of the initializing agent',
  'initialized, the last task is claimed'
);
select tests.clear_authentication();

-- due_agents: the same set. Fires of agents that are not runnable are consumed.
insert into public.ai_agents (id, name, vendor_id, status, user_id) values
('a1000000-0000-4000-8000-000000000005', 'starting too', 'openai', 'initializing', tests.get_user_id('alice'));
select tests.authenticate_as('alice');
select public.set_agent_status('a1000000-0000-4000-8000-000000000002', 'paused', 'again');
select tests.clear_authentication();
insert into public.agent_schedules (agent_id, user_id, cron)
select
  a.id,
  a.user_id,
  '0 * * * *' as cron
from public.ai_agents as a
where a.id::text like 'a1000000-%';
update public.agent_schedules set next_run_at = now() - interval '1 minute'
where agent_id::text like 'a1000000-%';
select is(
  (
    select is_active from public.ai_agents
    where id = 'a1000000-0000-4000-8000-000000000005'
  ), true,
  'an initializing agent is_active'
);
select tests.authenticate_as_service_role();
select results_eq(
  $$select agent_id from public.due_agents(10) order by agent_id$$,
  $$values
    ('a1000000-0000-4000-8000-000000000001'::uuid), ('a1000000-0000-4000-8000-000000000003'::uuid),
    ('a1000000-0000-4000-8000-000000000004'::uuid)$$,
  'due_agents returns the active and idle agents, not the paused or the initializing one'
);
select is_empty($$select * from public.due_agents(10)$$, 'the other fires were consumed');
select tests.clear_authentication();
select ok(
  (
    select bool_and(next_run_at > now()) from public.agent_schedules
    where agent_id::text like 'a1000000-%'
  ),
  'every fire moved on'
);

select * from finish();
rollback;
