begin;
\ir ../helpers.psql
select plan(22);

select tests.create_user('alice');
select tests.create_user('bob');
insert into public.user_settings (user_id, time_zone)
values (tests.get_user_id('alice'), 'Asia/Tokyo');
insert into public.ai_agents (id, name, vendor_id, service_id, user_id) values
('a0000000-0000-4000-8000-0000000000a1', 'Alice agent', 'openai', 'openai_gpt4o', tests.get_user_id('alice')),
('b0000000-0000-4000-8000-0000000000b1', 'Bob agent', 'openai', 'openai_gpt4o', tests.get_user_id('bob'));

-- Structure.
select has_table('public', 'agent_usage_daily', 'agent_usage_daily exists');
select is(
  (
    select relrowsecurity from pg_class
    where oid = 'public.agent_usage_daily'::regclass
  ), true,
  'agent_usage_daily has RLS on'
);
select is_empty(
  $$select from pg_constraint where conrelid = 'public.agent_usage_daily'::regclass and contype = 'f'
    and confrelid = 'public.ai_agents'::regclass$$,
  'no foreign key to ai_agents: the figures outlive the agent'
);
select ok(
  not has_function_privilege('authenticated', 'public.refresh_usage_rollups()', 'execute'),
  'signed-in users cannot run the refresher'
);
select ok(
  not has_table_privilege('authenticated', 'private.usage_rollup_marks', 'select'),
  'clients cannot read the marks'
);

-- Recording leaves a mark per statement, in the writer's transaction.
select tests.authenticate_as_service_role();
select lives_ok(
  $$select public.refresh_usage_rollups()$$, 'service_role refreshes (the migration''s marks)'
);
select public.record_model_call(
  agent_id => 'a0000000-0000-4000-8000-0000000000a1', input_tokens => 1000000,
  started_at => '2026-04-01 14:30Z', latency_ms => 120, idempotency_key => 'r1'
);
select public.record_model_call(
  agent_id => 'a0000000-0000-4000-8000-0000000000a1', output_tokens => 1000000,
  started_at => '2026-04-01 15:30Z', status => 'failed', latency_ms => 80, idempotency_key => 'r2'
);
select tests.clear_authentication();
select is(
  (
    select count(*)::integer from private.usage_rollup_marks
    where user_id = tests.get_user_id('alice')
  ),
  2, 'each recording statement left one mark'
);

-- The breakdown is exact before any refresh: 14:30Z is 23:30 on the 1st in Tokyo,
-- 15:30Z is 00:30 on the 2nd.
select tests.authenticate_as('alice');
select results_eq(
  $$select period_start, calls, failed_calls, cost
    from public.get_cost_breakdown('day', 'total', '2026-04-01', '2026-04-02')$$,
  $$values ('2026-04-01'::date, 1::bigint, 0::bigint, 2.5::numeric),
           ('2026-04-02'::date, 1::bigint, 1::bigint, 10::numeric)$$,
  'the breakdown counts Tokyo days from the ledger before the refresh'
);
select is_empty($$select from public.agent_usage_daily$$, 'no per-agent figures before the refresh');

select tests.authenticate_as_service_role();
select is(
  (select days from public.refresh_usage_rollups()), 2, 'the refresh recomputes the two days'
);
select is(
  (select marks from public.refresh_usage_rollups()), 0, 'a second refresh finds no mark'
);
select tests.clear_authentication();
select is(
  (
    select count(*)::integer from private.usage_rollup_marks
    where user_id = tests.get_user_id('alice')
  ),
  0, 'the marks are consumed'
);

select tests.authenticate_as('alice');
select results_eq(
  $$select day, calls, failed_calls, cost, latency_p50_ms, latency_p95_ms
    from public.agent_usage_daily order by day$$,
  $$values ('2026-04-01'::date, 1::bigint, 0::bigint, 2.5::numeric, 120, 120),
           ('2026-04-02'::date, 1::bigint, 1::bigint, 10::numeric, 80, 80)$$,
  'alice reads her agent''s figures by Tokyo day'
);
select results_eq(
  $$select period_start, period_end, group_key, calls, cost
    from public.get_cost_breakdown('week', 'model', '2026-04-01', '2026-04-01')$$,
  $$values ('2026-03-30'::date, '2026-04-05'::date, null::text, 2::bigint, 12.5::numeric)$$,
  'an ISO week from Monday, the whole week'
);
select results_eq(
  $$select period_start, period_end, group_key
    from public.get_cost_breakdown('month', 'vendor', '2026-04-15', '2026-04-15')$$,
  $$values ('2026-04-01'::date, '2026-04-30'::date, 'openai'::text)$$,
  'a calendar month'
);
select throws_ok(
  $$select * from public.get_cost_breakdown('fortnight', 'total', '2026-04-01', '2026-04-02')$$,
  '22023', 'period: must be day, week or month', 'an unknown period is refused, naming it'
);
select throws_ok(
  $$select * from public.get_cost_breakdown('day', 'total', '2026-04-01', '2026-04-02',
    (select id from auth.users where email like 'bob%' limit 1))$$,
  '42501', null, 'another user''s id is refused'
);

-- Bob sees none of it.
select tests.authenticate_as('bob');
select is_empty($$select from public.agent_usage_daily$$, 'bob reads none of alice''s figures');
select is_empty(
  $$select from public.get_cost_breakdown('day', 'total', '2026-04-01', '2026-04-02')$$,
  'bob''s breakdown has none of alice''s usage'
);

-- Anonymous callers.
select tests.authenticate_as_anon();
select throws_ok(
  $$select from public.agent_usage_daily$$, '42501', null, 'anon cannot read agent_usage_daily'
);
select throws_ok(
  $$select * from public.get_cost_breakdown('day', 'total', '2026-04-01', '2026-04-02')$$,
  '42501', null, 'anon cannot call get_cost_breakdown'
);

-- A change of time zone marks every day of the user for a rebuild.
select tests.clear_authentication();
update public.user_settings set time_zone = 'UTC'
where user_id = tests.get_user_id('alice');
select is(
  (
    select count(*)::integer from private.usage_rollup_marks
    where user_id = tests.get_user_id('alice') and from_at is null
  ),
  1, 'a change of time zone leaves a mark of every day'
);

select * from finish();
rollback;
