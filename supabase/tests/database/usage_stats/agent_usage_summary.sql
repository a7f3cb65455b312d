begin;
\ir ../helpers.psql
select plan(17);

select tests.create_user('alice');
select tests.create_user('bob');

insert into public.ai_agents (id, name, vendor_id, user_id, is_public) values
('a0000000-0000-4000-8000-000000000001', 'Alice public', 'anthropic', tests.get_user_id('alice'), true),
('a0000000-0000-4000-8000-000000000002', 'Alice unused', 'anthropic', tests.get_user_id('alice'), false),
('b0000000-0000-4000-8000-000000000001', 'Bob agent', 'openai', tests.get_user_id('bob'), false);
insert into public.ai_interactions (
  agent_id, title, user_id, started_at, ended_at, input_tokens, output_tokens, total_cost,
  satisfaction_rating, usefulness_rating, interaction_type_id
) values
(
  'a0000000-0000-4000-8000-000000000001', '1 day', tests.get_user_id('alice'),
  now() - interval '1 day', now() - interval '1 day' + interval '10 minutes', 100, 10, 0.001, 4, 5, 'coding'
),
(
  'a0000000-0000-4000-8000-000000000001', '2 days', tests.get_user_id('alice'),
  now() - interval '2 days', null, 1, 1, null, null, null, null
),
(
  'a0000000-0000-4000-8000-000000000001', '5 days', tests.get_user_id('alice'),
  now() - interval '5 days', null, 200, 20, 0.00000002, 2, null, 'coding'
),
(
  'a0000000-0000-4000-8000-000000000001', '6 days', tests.get_user_id('alice'),
  now() - interval '6 days', null, 0, 0, null, null, null, 'research'
),
(
  'a0000000-0000-4000-8000-000000000001', '45 days', tests.get_user_id('alice'),
  now() - interval '45 days', null, 1000, 1000, 5, null, null, 'coding'
),
(
  'a0000000-0000-4000-8000-000000000001', 'tomorrow', tests.get_user_id('alice'),
  now() + interval '1 day', null, 7, 7, 7, null, null, 'coding'
),
(
  'b0000000-0000-4000-8000-000000000001', 'bob', tests.get_user_id('bob'),
  now() - interval '1 day', null, 9, 9, 9, 1, 1, 'coding'
);

select tests.authenticate_as('alice');
select results_eq(
  $$select * from public.get_agent_usage_summary('a0000000-0000-4000-8000-000000000001')$$,
  $$values (
    now() - interval '30 days', now(), 4::bigint, 301::bigint, 31::bigint, 0.00100002::numeric,
    10::bigint, 3::real, 5::real, now() - interval '6 days', now() - interval '1 day', 4,
    '{"coding": 2, "research": 1}'::jsonb
  )$$,
  'the last 30 days: counts, tokens, exact cost, duration, mean ratings, first and last use, days, types'
);
select results_eq(
  $$select interaction_count, total_cost, first_used_at
    from public.get_agent_usage_summary('a0000000-0000-4000-8000-000000000001', 60)$$,
  $$values (5::bigint, 5.00100002::numeric, now() - interval '45 days')$$,
  'a longer window takes older interactions in'
);
select results_eq(
  $$select interaction_count, total_cost, avg_satisfaction, last_used_at, interactions_by_type
    from public.get_agent_usage_summary('a0000000-0000-4000-8000-000000000001', 1)$$,
  $$values (0::bigint, 0::numeric, null::real, null::timestamptz, '{}'::jsonb)$$,
  'an empty window gives one row of zeros'
);
select results_eq(
  $$select interaction_count, total_input_tokens from public.get_agent_usage_summary(
      agent_id => 'a0000000-0000-4000-8000-000000000002', days => 3650)$$,
  $$values (0::bigint, 0::bigint)$$,
  'an unused agent gives zeros (named arguments, as PostgREST passes them)'
);

-- Argument errors.
select throws_ok(
  $$select * from public.get_agent_usage_summary('a0000000-0000-4000-8000-000000000001', 0)$$,
  '22023', 'days: must be between 1 and 3650, got 0', 'days below 1 is refused'
);
select throws_ok(
  $$select * from public.get_agent_usage_summary('a0000000-0000-4000-8000-000000000001', 3651)$$,
  '22023', 'days: must be between 1 and 3650, got 3651', 'days above 3650 is refused'
);
select throws_ok(
  $$select * from public.get_agent_usage_summary('a0000000-0000-4000-8000-000000000001', null)$$,
  '22004', 'days: must not be null', 'null days is refused'
);
select throws_ok(
  $$select * from public.get_agent_usage_summary(null)$$,
  '22004', 'agent_id: must not be null', 'a null agent_id is refused'
);
select throws_ok(
  $$select * from public.get_agent_usage_summary(gen_random_uuid())$$,
  'PT404', 'agent_id: no such agent among yours', 'an unknown agent is not found'
);
select throws_ok(
  $$select * from public.get_agent_usage_summary('b0000000-0000-4000-8000-000000000001')$$,
  'PT404', 'agent_id: no such agent among yours', 'another user''s agent is not found'
);

-- The other user.
select tests.authenticate_as('bob');
select throws_ok(
  $$select * from public.get_agent_usage_summary('a0000000-0000-4000-8000-000000000001')$$,
  'PT404', 'agent_id: no such agent among yours',
  'another user''s public agent is not found (its interactions are not theirs to see)'
);
select results_eq(
  $$select interaction_count, total_cost
    from public.get_agent_usage_summary('b0000000-0000-4000-8000-000000000001')$$,
  $$values (1::bigint, 9::numeric)$$,
  'bob summarises his own agent'
);

-- anon and service_role.
select tests.authenticate_as_anon();
select throws_ok(
  $$select * from public.get_agent_usage_summary('a0000000-0000-4000-8000-000000000001')$$,
  '42501', null, 'anon cannot call it'
);
select tests.authenticate_as_service_role();
select results_eq(
  $$select interaction_count, total_cost
    from public.get_agent_usage_summary('a0000000-0000-4000-8000-000000000001')$$,
  $$values (4::bigint, 0.00100002::numeric)$$,
  'service_role summarises any agent'
);
select throws_ok(
  $$select * from public.get_agent_usage_summary(gen_random_uuid())$$,
  'PT404', null, 'service_role gets not found for an unknown agent'
);

-- Always exactly one row; starts in the future are left out.
select tests.authenticate_as('alice');
select is(
  (
    select count(*)::int
    from public.get_agent_usage_summary('a0000000-0000-4000-8000-000000000001')
  ),
  1,
  'the summary is exactly one row'
);
select is(
  (
    select interactions_by_type ->> 'coding'
    from public.get_agent_usage_summary('a0000000-0000-4000-8000-000000000001', 3650)
  ),
  '3',
  'interactions started in the future are left out'
);

select * from finish();
rollback;
