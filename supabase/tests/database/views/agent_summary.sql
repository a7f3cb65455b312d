begin;
\ir ../helpers.psql
select plan(16);

select has_view('public', 'agent_summary', 'agent_summary exists');
select ok(
  (
    select reloptions @> '{security_invoker=true}' from pg_class
    where oid = 'public.agent_summary'::regclass
  ),
  'agent_summary is security_invoker, so RLS applies'
);
select columns_are('public', 'agent_summary', array[
  'id', 'name', 'description', 'vendor_id', 'vendor_name', 'service_id', 'service_display_name',
  'model_name', 'tags', 'features', 'primary_feature', 'is_active', 'is_favorite', 'is_public',
  'activity_score', 'usage_count', 'last_used_at', 'interaction_count', 'total_input_tokens',
  'total_output_tokens', 'total_cost', 'last_interaction_at', 'avg_satisfaction', 'avg_usefulness',
  'user_id', 'created_at', 'updated_at', 'status'
]);
select is(
  array(
    select r.rolname::text from pg_roles as r
    where
      r.rolname in ('anon', 'authenticated', 'service_role')
      and has_table_privilege(r.oid, 'public.agent_summary', 'select')
    order by r.rolname
  ),
  array['authenticated', 'service_role'],
  'authenticated and service_role read it, anon does not'
);

select tests.create_user('alice');
select tests.create_user('bob');
insert into public.ai_agents (id, name, vendor_id, service_id, user_id, is_public) values
(
  'a0000000-0000-4000-8000-000000000001', 'Alice writer', 'anthropic', 'anthropic_claude_sonnet_4_5',
  tests.get_user_id('alice'), false
),
('a0000000-0000-4000-8000-000000000002', 'Alice idle', 'cohere', null, tests.get_user_id('alice'), false),
('b0000000-0000-4000-8000-000000000001', 'Bob shared', 'openai', 'openai_gpt4o', tests.get_user_id('bob'), true),
('b0000000-0000-4000-8000-000000000002', 'Bob private', 'openai', null, tests.get_user_id('bob'), false);
insert into public.agent_feature_mappings (agent_id, feature_id, is_primary, user_id) values
('a0000000-0000-4000-8000-000000000001', 'research', false, tests.get_user_id('alice')),
('a0000000-0000-4000-8000-000000000001', 'coding', false, tests.get_user_id('alice')),
('a0000000-0000-4000-8000-000000000001', 'writing', true, tests.get_user_id('alice')),
('b0000000-0000-4000-8000-000000000001', 'coding', true, tests.get_user_id('bob'));
insert into public.ai_interactions (
  agent_id, title, user_id, started_at, input_tokens, output_tokens, total_cost,
  satisfaction_rating, usefulness_rating, status
) values
(
  'a0000000-0000-4000-8000-000000000001', 'a', tests.get_user_id('alice'), '2026-04-01 10:00+00',
  10, 1, 0.1, 5, null, 'completed'
),
(
  'a0000000-0000-4000-8000-000000000001', 'b', tests.get_user_id('alice'), '2026-04-02 10:00+00',
  20, 2, 0.2, 2, 3, 'deleted'
),
(
  'b0000000-0000-4000-8000-000000000001', 'c', tests.get_user_id('bob'), '2026-04-03 10:00+00',
  5, 5, 1, null, null, 'active'
);

-- The owner.
select tests.authenticate_as('alice');
select results_eq(
  $$select vendor_name, service_display_name, features, primary_feature, interaction_count,
      total_input_tokens, total_output_tokens, total_cost, last_interaction_at, avg_satisfaction,
      avg_usefulness, usage_count
    from public.agent_summary
    where id = 'a0000000-0000-4000-8000-000000000001'$$,
  $$values (
    'Anthropic', 'Claude Sonnet 4.5', array['writing', 'coding', 'research'], 'writing', 2::bigint,
    30::bigint, 3::bigint, 0.3::numeric, '2026-04-02 10:00+00'::timestamptz, 3.5::real, 3::real, 2
  )$$,
  'an agent with its vendor, service, features (primary first, then by sort order) and usage (every status)'
);
select results_eq(
  $$select features, primary_feature, interaction_count, total_cost, last_interaction_at, avg_satisfaction
    from public.agent_summary
    where id = 'a0000000-0000-4000-8000-000000000002'$$,
  $$values ('{}'::text [], null::text, 0::bigint, 0::numeric, null::timestamptz, null::real)$$,
  'an agent without features or use has empty features and zero usage'
);
select set_eq(
  'select name from public.agent_summary',
  array['Alice writer', 'Alice idle', 'Bob shared'],
  'alice sees her agents and bob''s public one, not bob''s private one'
);
select results_eq(
  $$select features, primary_feature, interaction_count, total_cost
    from public.agent_summary
    where id = 'b0000000-0000-4000-8000-000000000001'$$,
  $$values ('{}'::text [], null::text, 0::bigint, 0::numeric)$$,
  'another user''s public agent shows neither its features nor its usage'
);

-- An agent whose vendor was deactivated stays listed (the vendor's name is hidden).
select tests.clear_authentication();
update public.vendors set is_active = false
where id = 'cohere';
select tests.authenticate_as('alice');
select results_eq(
  $$select name, vendor_id, vendor_name from public.agent_summary
    where id = 'a0000000-0000-4000-8000-000000000002'$$,
  $$values ('Alice idle', 'cohere', null::text)$$,
  'an agent of an inactive vendor is still listed'
);

-- The other user.
select tests.authenticate_as('bob');
select set_eq(
  'select name from public.agent_summary',
  array['Bob shared', 'Bob private'],
  'bob sees only his own agents (alice has no public agent)'
);
select results_eq(
  $$select features, interaction_count, total_cost from public.agent_summary
    where id = 'b0000000-0000-4000-8000-000000000001'$$,
  $$values (array['coding'], 1::bigint, 1::numeric)$$,
  'bob sees his own agent''s features and usage'
);
select is_empty(
  $$select 1 from public.agent_summary where id = 'a0000000-0000-4000-8000-000000000001'$$,
  'bob cannot see alice''s private agent through the view'
);

-- anon and service_role.
select tests.authenticate_as_anon();
select throws_ok('select 1 from public.agent_summary', '42501', null, 'anon cannot read the view');
select tests.authenticate_as_service_role();
select is(
  (select count(*)::int from public.agent_summary),
  4,
  'service_role sees every agent'
);
select is(
  (
    select sum(interaction_count)::int from public.agent_summary
  ),
  3,
  'service_role sees every agent''s usage'
);
select is(
  (
    select string_agg(array_to_string(features, ','), ' ' order by id) from public.agent_summary
    where id in ('a0000000-0000-4000-8000-000000000001', 'b0000000-0000-4000-8000-000000000001')
  ),
  'writing,coding,research coding',
  'service_role sees every agent''s features'
);

select * from finish();
rollback;
