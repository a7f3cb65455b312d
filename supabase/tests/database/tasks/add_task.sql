begin;
\ir ../helpers.psql
select plan(9);

select tests.create_user('alice');
select tests.create_user('bob');
insert into public.ai_agents (id, name, vendor_id, is_public, user_id) values
('a0000000-0000-4000-8000-000000000001', 'alice''s', 'openai', false, tests.get_user_id('alice')),
('b0000000-0000-4000-8000-000000000001', 'bob''s', 'openai', false, tests.get_user_id('bob')),
('b0000000-0000-4000-8000-000000000002', 'bob''s public', 'openai', true, tests.get_user_id('bob'));
insert into public.agent_tasks (id, user_id, agent_id) values
('c0000000-0000-4000-8000-000000000001', tests.get_user_id('alice'), 'a0000000-0000-4000-8000-000000000001'),
('c0000000-0000-4000-8000-000000000002', tests.get_user_id('alice'), 'a0000000-0000-4000-8000-000000000001'),
('d0000000-0000-4000-8000-000000000001', tests.get_user_id('bob'), 'b0000000-0000-4000-8000-000000000001');

select tests.authenticate_as('alice');
select is(
  (
    select pending_dependencies || ' ' || user_id::text || ' ' || payload::text
    from public.add_task(
      'a0000000-0000-4000-8000-000000000001', '{"q": "hello"}', 'with deps', 3, null, 2, 5,
      array[
        'c0000000-0000-4000-8000-000000000001', 'c0000000-0000-4000-8000-000000000002',
        'c0000000-0000-4000-8000-000000000001'
      ]::uuid []
    )
  ),
  '2 ' || tests.get_user_id('alice')::text || ' {"q": "hello"}',
  'add_task creates the task with its dependencies (duplicates once)'
);
select is(
  (select count(*)::integer from public.agent_task_dependencies), 2, 'two edges'
);
select throws_ok(
  $$select public.add_task('a0000000-0000-4000-8000-000000000001', depends_on => array['d0000000-0000-4000-8000-000000000001']::uuid [])$$,
  '42501', null, 'a dependency on another user''s task is refused'
);
select throws_ok(
  $$select public.add_task('a0000000-0000-4000-8000-000000000001', priority => 5000)$$,
  '23514', null, 'bounds are the table''s checks'
);
select is((select count(*)::integer from public.agent_tasks), 3, 'refusals left no task behind');
select throws_ok(
  $$select public.add_task('b0000000-0000-4000-8000-000000000002')$$,
  'PT404', 'agent_id: no agent with this id is visible to you', 'not on someone else''s public agent'
);
select throws_ok(
  $$select public.add_task(null)$$, '22004', 'agent_id: required', 'agent_id is required'
);
select tests.authenticate_as_service_role();
select is(
  (select user_id from public.add_task('b0000000-0000-4000-8000-000000000001')),
  tests.get_user_id('bob'), 'service_role adds a task for the agent''s owner'
);
select throws_ok(
  $$select public.add_task('b0000000-0000-4000-8000-000000000001', depends_on => array['c0000000-0000-4000-8000-000000000001']::uuid [])$$,
  '23503', null, 'service_role cannot mix users in a DAG either'
);

select * from finish();
rollback;
