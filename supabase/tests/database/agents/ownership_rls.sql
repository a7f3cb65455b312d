begin;
\ir ../helpers.psql
-- Fixtures with fixed ids: clients may not choose ids (issue 9), so this transaction grants
-- it back to authenticated for the file's setup and probes.
grant insert (id) on public.ai_agents, public.ai_agent_configs, public.agent_feature_mappings,
public.ai_interactions to authenticated;
select plan(35);

select tests.create_user('alice');
select tests.create_user('bob');

-- The owner creates, reads, updates and deletes their own agents.
select tests.authenticate_as('alice');
select lives_ok(
  $$insert into public.ai_agents (id, name, vendor_id, service_id, model_name)
    values ('aaaaaaaa-0000-4000-8000-000000000001', 'Alice private', 'anthropic',
            'anthropic_claude_sonnet_4_5', 'claude-sonnet-4-5')$$,
  'the owner inserts an agent without giving user_id'
);
select is(
  (
    select user_id from public.ai_agents
    where id = 'aaaaaaaa-0000-4000-8000-000000000001'
  ),
  tests.get_user_id('alice'),
  'user_id defaults to the caller'
);
select results_eq(
  $$select usage_count, activity_score, last_used_at, is_public from public.ai_agents$$,
  $$values (0, 0::real, null::timestamptz, false)$$,
  'a new agent is private, unused, with a zero activity score'
);
select lives_ok(
  $$insert into public.ai_agents (name, vendor_id, user_id)
    values ('Alice second', 'openai', auth.uid())$$,
  'the owner inserts an agent giving their own user_id'
);
select throws_ok(
  format(
    $$insert into public.ai_agents (name, vendor_id, user_id) values ('Planted', 'openai', %L)$$,
    tests.get_user_id('bob')
  ),
  '42501', null, 'inserting an agent for another user is refused'
);
select lives_ok(
  $$update public.ai_agents set name = 'Alice renamed', tags = '{work}'
    where id = 'aaaaaaaa-0000-4000-8000-000000000001'$$,
  'the owner updates their agent'
);
select results_eq(
  $$select name, tags, updated_at = now() from public.ai_agents
    where id = 'aaaaaaaa-0000-4000-8000-000000000001'$$,
  $$values ('Alice renamed', '{work}'::text [], true)$$,
  'the update is stored and updated_at stamped'
);

-- Usage columns are kept by the database: clients cannot write them (column privileges).
select throws_ok(
  $$insert into public.ai_agents (name, vendor_id, usage_count) values ('x', 'openai', 5)$$,
  '42501', null, 'a client cannot insert usage_count'
);
select throws_ok(
  $$insert into public.ai_agents (name, vendor_id, activity_score) values ('x', 'openai', 1)$$,
  '42501', null, 'a client cannot insert activity_score'
);
select throws_ok(
  $$insert into public.ai_agents (name, vendor_id, last_used_at) values ('x', 'openai', now())$$,
  '42501', null, 'a client cannot insert last_used_at'
);
select throws_ok(
  $$update public.ai_agents set usage_count = 1000$$,
  '42501', null, 'a client cannot update usage_count'
);
select throws_ok(
  $$update public.ai_agents set activity_score = 1$$,
  '42501', null, 'a client cannot update activity_score'
);
select throws_ok(
  $$update public.ai_agents set last_used_at = now()$$,
  '42501', null, 'a client cannot update last_used_at'
);
select throws_ok(
  format($$update public.ai_agents set user_id = %L$$, tests.get_user_id('bob')),
  '42501', null, 'a client cannot give an agent away (user_id is not updatable)'
);

-- The service must belong to the vendor.
select throws_ok(
  $$insert into public.ai_agents (name, vendor_id, service_id)
    values ('Mismatch', 'openai', 'anthropic_claude3_sonnet')$$,
  '23503', null, 'a service of another vendor is refused'
);
select throws_ok(
  $$update public.ai_agents set vendor_id = 'openai'
    where id = 'aaaaaaaa-0000-4000-8000-000000000001'$$,
  '23503', null, 'changing the vendor away from the agent''s service is refused'
);
select throws_ok(
  $$insert into public.ai_agents (name, vendor_id) values ('Nowhere', 'no_such_vendor')$$,
  '23503', null, 'an unknown vendor is refused'
);

-- Another user neither sees nor changes a private agent.
select tests.authenticate_as('bob');
select is(
  (select count(*)::int from public.ai_agents), 0, 'another user sees none of alice''s private agents'
);
select lives_ok(
  $$update public.ai_agents set name = 'Hijacked', is_public = true
    where id = 'aaaaaaaa-0000-4000-8000-000000000001'$$,
  'another user''s update runs ...'
);
select lives_ok(
  $$delete from public.ai_agents where id = 'aaaaaaaa-0000-4000-8000-000000000001'$$,
  'another user''s delete runs ...'
);
select lives_ok(
  $$insert into public.ai_agents (id, name, vendor_id)
    values ('bbbbbbbb-0000-4000-8000-000000000001', 'Bob private', 'openai')$$,
  'bob inserts his own agent'
);
select tests.clear_authentication();
select results_eq(
  $$select name, is_public from public.ai_agents where id = 'aaaaaaaa-0000-4000-8000-000000000001'$$,
  $$values ('Alice renamed', false)$$,
  '... but changed and deleted nothing (RLS filtered the rows)'
);

-- anon has no access at all.
select tests.authenticate_as_anon();
select throws_ok(
  $$select * from public.ai_agents$$, '42501', null, 'anon cannot read agents'
);
select throws_ok(
  $$insert into public.ai_agents (name, vendor_id) values ('Anon', 'openai')$$,
  '42501', null, 'anon cannot insert agents'
);
select throws_ok(
  $$update public.ai_agents set name = 'Anon'$$, '42501', null, 'anon cannot update agents'
);
select throws_ok(
  $$delete from public.ai_agents$$, '42501', null, 'anon cannot delete agents'
);

-- service_role reads and writes every agent, including the usage columns.
select tests.authenticate_as_service_role();
select is(
  (select count(*)::int from public.ai_agents), 3, 'service_role reads every user''s agents'
);
select throws_ok(
  $$insert into public.ai_agents (name, vendor_id) values ('Nobody''s', 'openai')$$,
  '23502', null, 'service_role must name the owner (there is no caller to default to)'
);
select lives_ok(
  format(
    $$insert into public.ai_agents (id, name, vendor_id, user_id)
      values ('bbbbbbbb-0000-4000-8000-000000000002', 'Made for bob', 'openai', %L)$$,
    tests.get_user_id('bob')
  ),
  'service_role inserts an agent for a user'
);
select lives_ok(
  $$update public.ai_agents
    set usage_count = 3, activity_score = 0.75, last_used_at = '2026-11-20 10:00+00'
    where id = 'aaaaaaaa-0000-4000-8000-000000000001'$$,
  'service_role updates the usage columns'
);
select results_eq(
  $$select usage_count, activity_score, last_used_at from public.ai_agents
    where id = 'aaaaaaaa-0000-4000-8000-000000000001'$$,
  $$values (3, 0.75::real, '2026-11-20 10:00+00'::timestamptz)$$,
  'the usage columns are stored'
);
select lives_ok(
  $$delete from public.ai_agents where id = 'bbbbbbbb-0000-4000-8000-000000000002'$$,
  'service_role deletes an agent'
);

-- The owner deletes their agent.
select tests.authenticate_as('alice');
select lives_ok(
  $$delete from public.ai_agents where id = 'aaaaaaaa-0000-4000-8000-000000000001'$$,
  'the owner deletes their agent'
);
select tests.clear_authentication();
select is(
  (
    select count(*)::int from public.ai_agents
    where id in ('aaaaaaaa-0000-4000-8000-000000000001', 'bbbbbbbb-0000-4000-8000-000000000002')
  ), 0,
  'both deleted agents are gone'
);
select is(
  (
    select count(*)::int from public.ai_agents
    where id = 'bbbbbbbb-0000-4000-8000-000000000001'
  ), 1,
  'bob''s own agent is untouched'
);

select * from finish();
rollback;
