begin;
\ir ../helpers.psql
-- Fixtures with fixed ids: clients may not choose ids (issue 9), so this transaction grants
-- it back to authenticated for the file's setup and probes.
grant insert (id) on public.ai_agents, public.ai_agent_configs, public.agent_feature_mappings,
public.ai_interactions to authenticated;
select plan(31);

select tests.create_user('alice');
select tests.create_user('bob');

select tests.authenticate_as('bob');
insert into public.ai_agents (id, name, vendor_id)
values ('bbbbbbbb-0000-4000-8000-000000000001', 'Bob private', 'openai');

select tests.authenticate_as('alice');
insert into public.ai_agents (id, name, vendor_id, is_public) values
('aaaaaaaa-0000-4000-8000-000000000001', 'Alice private', 'anthropic', false),
('aaaaaaaa-0000-4000-8000-000000000002', 'Alice shared', 'openai', true);

-- The owner maps features to their agent, one primary at most.
select lives_ok(
  $$insert into public.agent_feature_mappings (agent_id, feature_id, is_primary)
    values ('aaaaaaaa-0000-4000-8000-000000000001', 'coding', true)$$,
  'the owner maps a primary feature'
);
select is(
  (select user_id from public.agent_feature_mappings), tests.get_user_id('alice'),
  'user_id defaults to the caller'
);
select lives_ok(
  $$insert into public.agent_feature_mappings (agent_id, feature_id, user_id)
    values ('aaaaaaaa-0000-4000-8000-000000000001', 'analysis', auth.uid())$$,
  'the owner maps a second, non-primary feature'
);
select throws_ok(
  $$insert into public.agent_feature_mappings (agent_id, feature_id)
    values ('aaaaaaaa-0000-4000-8000-000000000001', 'coding')$$,
  '23505', null, 'the same feature cannot be mapped twice to an agent'
);
select throws_ok(
  $$insert into public.agent_feature_mappings (agent_id, feature_id, is_primary)
    values ('aaaaaaaa-0000-4000-8000-000000000001', 'writing', true)$$,
  '23505', null, 'a second primary feature is refused on insert'
);
select throws_ok(
  $$update public.agent_feature_mappings set is_primary = true where feature_id = 'analysis'$$,
  '23505', null, 'a second primary feature is refused on update'
);
-- The unique index is checked row by row, so the primary flag moves in two steps.
select lives_ok(
  $$update public.agent_feature_mappings set is_primary = false
    where agent_id = 'aaaaaaaa-0000-4000-8000-000000000001' and is_primary;
    update public.agent_feature_mappings set is_primary = true
    where agent_id = 'aaaaaaaa-0000-4000-8000-000000000001' and feature_id = 'analysis'$$,
  'the owner moves the primary flag: clear it, then set it'
);
select is(
  (
    select feature_id from public.agent_feature_mappings
    where is_primary
  ), 'analysis',
  'analysis is now the primary feature'
);
select lives_ok(
  $$insert into public.agent_feature_mappings (agent_id, feature_id, is_primary)
    values ('aaaaaaaa-0000-4000-8000-000000000002', 'coding', true)$$,
  'another agent of the same owner has its own primary feature'
);
select throws_ok(
  $$insert into public.agent_feature_mappings (agent_id, feature_id)
    values ('aaaaaaaa-0000-4000-8000-000000000001', 'no_such_feature')$$,
  '23503', null, 'an unknown feature is refused'
);
select throws_ok(
  $$update public.agent_feature_mappings set agent_id = 'aaaaaaaa-0000-4000-8000-000000000002'
    where feature_id = 'analysis'$$,
  '42501', null, 'a mapping cannot be moved to another agent'
);
select throws_ok(
  $$insert into public.agent_feature_mappings (agent_id, feature_id)
    values ('bbbbbbbb-0000-4000-8000-000000000001', 'coding')$$,
  '42501', null, 'a mapping on another user''s agent is refused (user_id defaulted)'
);
select throws_ok(
  format(
    $$insert into public.agent_feature_mappings (agent_id, feature_id, user_id)
      values ('bbbbbbbb-0000-4000-8000-000000000001', 'coding', %L)$$,
    tests.get_user_id('bob')
  ),
  '42501', null, 'a mapping on another user''s agent is refused (user_id of the agent''s owner)'
);

-- Another user sees and changes none of them, even on a public agent.
select tests.authenticate_as('bob');
select is(
  (select count(*)::int from public.agent_feature_mappings), 0,
  'another user sees no mapping of alice''s agents'
);
select throws_ok(
  $$insert into public.agent_feature_mappings (agent_id, feature_id)
    values ('aaaaaaaa-0000-4000-8000-000000000002', 'writing')$$,
  '42501', null, 'a mapping on someone else''s public agent is refused (user_id defaulted)'
);
select throws_ok(
  format(
    $$insert into public.agent_feature_mappings (agent_id, feature_id, user_id)
      values ('aaaaaaaa-0000-4000-8000-000000000002', 'writing', %L)$$,
    tests.get_user_id('alice')
  ),
  '42501', null, 'a mapping on someone else''s public agent is refused (user_id of the owner)'
);
select throws_ok(
  format(
    $$insert into public.agent_feature_mappings (agent_id, feature_id, user_id)
      values ('aaaaaaaa-0000-4000-8000-000000000001', 'writing', %L)$$,
    tests.get_user_id('bob')
  ),
  '42501', null, 'a mapping on someone else''s private agent is refused (user_id of the caller)'
);
select lives_ok(
  $$update public.agent_feature_mappings set feature_id = 'writing'$$,
  'another user''s update runs ...'
);
select lives_ok(
  $$delete from public.agent_feature_mappings$$,
  'another user''s delete runs ...'
);
select tests.clear_authentication();
select results_eq(
  $$select agent_id, feature_id, is_primary from public.agent_feature_mappings
    order by agent_id, feature_id$$,
  $$values
    ('aaaaaaaa-0000-4000-8000-000000000001'::uuid, 'analysis', true),
    ('aaaaaaaa-0000-4000-8000-000000000001'::uuid, 'coding', false),
    ('aaaaaaaa-0000-4000-8000-000000000002'::uuid, 'coding', true)$$,
  '... but changed and deleted nothing'
);

-- anon has no access.
select tests.authenticate_as_anon();
select throws_ok(
  $$insert into public.agent_feature_mappings (agent_id, feature_id)
    values ('aaaaaaaa-0000-4000-8000-000000000001', 'writing')$$,
  '42501', null, 'anon cannot insert mappings'
);
select throws_ok(
  $$delete from public.agent_feature_mappings$$, '42501', null, 'anon cannot delete mappings'
);

-- service_role writes for any user, but only with the agent's owner as user_id.
select tests.authenticate_as_service_role();
select lives_ok(
  format(
    $$insert into public.agent_feature_mappings (agent_id, feature_id, user_id)
      values ('aaaaaaaa-0000-4000-8000-000000000001', 'research', %L)$$,
    tests.get_user_id('alice')
  ),
  'service_role maps a feature with the owner''s user_id'
);
select throws_ok(
  format(
    $$insert into public.agent_feature_mappings (agent_id, feature_id, user_id)
      values ('aaaaaaaa-0000-4000-8000-000000000001', 'writing', %L)$$,
    tests.get_user_id('bob')
  ),
  '23503', null, 'service_role cannot file a mapping under a user who does not own the agent'
);
select throws_ok(
  $$insert into public.agent_feature_mappings (agent_id, feature_id)
    values ('aaaaaaaa-0000-4000-8000-000000000001', 'writing')$$,
  '23502', null, 'service_role must give user_id'
);
select is(
  (select count(*)::int from public.agent_feature_mappings), 4, 'service_role reads every mapping'
);

-- The owner deletes a mapping; deleting the agent deletes the rest.
select tests.authenticate_as('alice');
select lives_ok(
  $$delete from public.agent_feature_mappings where feature_id = 'research'$$,
  'the owner deletes a mapping'
);
select is(
  (select count(*)::int from public.agent_feature_mappings), 3, 'the owner reads their 3 mappings'
);
select lives_ok(
  $$delete from public.ai_agents where id = 'aaaaaaaa-0000-4000-8000-000000000001'$$,
  'the owner deletes the agent'
);
select tests.clear_authentication();
select is(
  (
    select count(*)::int from public.agent_feature_mappings
    where agent_id = 'aaaaaaaa-0000-4000-8000-000000000001'
  ), 0,
  'the agent''s mappings are deleted with it'
);
select is(
  (select count(*)::int from public.agent_feature_mappings), 1,
  'the other agent''s mapping remains'
);

select * from finish();
rollback;
