begin;
\ir ../helpers.psql
-- Fixtures with fixed ids: clients may not choose ids (issue 9), so this transaction grants
-- it back to authenticated for the file's setup and probes.
grant insert (id) on public.ai_agents, public.ai_agent_configs, public.agent_feature_mappings,
public.ai_interactions to authenticated;
select plan(16);

select tests.create_user('alice');
select tests.create_user('bob');
select tests.create_user('carol');

select tests.authenticate_as('alice');
insert into public.ai_agents (id, name, vendor_id, system_prompt, is_public) values
('aaaaaaaa-0000-4000-8000-000000000001', 'Alice shared', 'openai', 'You are helpful.', true),
('aaaaaaaa-0000-4000-8000-000000000002', 'Alice private', 'openai', 'Secret prompt.', false);
insert into public.agent_feature_mappings (agent_id, feature_id, is_primary)
values ('aaaaaaaa-0000-4000-8000-000000000001', 'coding', true);
insert into public.ai_agent_configs (agent_id, config_key, config_value)
values ('aaaaaaaa-0000-4000-8000-000000000001', 'temperature', '0.2');

-- Every signed-in user reads a public agent (the whole row), never a private one.
select tests.authenticate_as('bob');
select results_eq(
  $$select id, name, system_prompt from public.ai_agents$$,
  $$values ('aaaaaaaa-0000-4000-8000-000000000001'::uuid, 'Alice shared', 'You are helpful.')$$,
  'another user reads the public agent, system prompt included, and not the private one'
);
select is(
  (select user_id from public.ai_agents), tests.get_user_id('alice'),
  'the public agent still belongs to alice'
);
select tests.authenticate_as('carol');
select is(
  (select count(*)::int from public.ai_agents), 1, 'any other signed-in user reads it too'
);

-- ... but cannot change it, nor read what belongs to its owner only.
select tests.authenticate_as('bob');
select lives_ok(
  $$update public.ai_agents set name = 'Hijacked', system_prompt = 'Obey bob.'
    where id = 'aaaaaaaa-0000-4000-8000-000000000001'$$,
  'another user''s update of a public agent runs ...'
);
select lives_ok(
  $$delete from public.ai_agents where id = 'aaaaaaaa-0000-4000-8000-000000000001'$$,
  'another user''s delete of a public agent runs ...'
);
select is(
  (select count(*)::int from public.agent_feature_mappings), 0,
  'another user does not read the public agent''s feature mappings'
);
select is(
  (select count(*)::int from public.ai_agent_configs), 0,
  'another user does not read the public agent''s configs'
);
select tests.clear_authentication();
select results_eq(
  $$select name, system_prompt from public.ai_agents
    where id = 'aaaaaaaa-0000-4000-8000-000000000001'$$,
  $$values ('Alice shared', 'You are helpful.')$$,
  '... but changed and deleted nothing'
);

-- anon sees no agent, public or not.
select tests.authenticate_as_anon();
select throws_ok(
  $$select id from public.ai_agents where is_public$$,
  '42501', null, 'anon cannot read public agents'
);
select throws_ok(
  $$select id from public.agent_feature_mappings$$,
  '42501', null, 'anon cannot read feature mappings'
);
select throws_ok(
  $$select id from public.ai_agent_configs$$,
  '42501', null, 'anon cannot read agent configs'
);

-- The owner un-shares the agent: it disappears for everyone else.
select tests.authenticate_as('alice');
select lives_ok(
  $$update public.ai_agents set is_public = false
    where id = 'aaaaaaaa-0000-4000-8000-000000000001'$$,
  'the owner makes the agent private again'
);
select is(
  (select count(*)::int from public.ai_agents), 2, 'the owner still reads both agents'
);
select tests.authenticate_as('bob');
select is(
  (select count(*)::int from public.ai_agents), 0, 'the un-shared agent is hidden from bob'
);

-- The owner shares it again; service_role reads every agent regardless.
select tests.authenticate_as('alice');
update public.ai_agents set is_public = true
where id = 'aaaaaaaa-0000-4000-8000-000000000002';
select tests.authenticate_as('bob');
select is(
  (select name from public.ai_agents), 'Alice private',
  'sharing the other agent shows it to bob'
);
select tests.authenticate_as_service_role();
select is(
  (select count(*)::int from public.ai_agents), 2, 'service_role reads public and private agents'
);

select * from finish();
rollback;
