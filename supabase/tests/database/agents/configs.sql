begin;
\ir ../helpers.psql
-- Fixtures with fixed ids: clients may not choose ids (issue 9), so this transaction grants
-- it back to authenticated for the file's setup and probes.
grant insert (id) on public.ai_agents, public.ai_agent_configs, public.agent_feature_mappings,
public.ai_interactions to authenticated;
select plan(38);

select tests.create_user('alice');
select tests.create_user('bob');

select tests.authenticate_as('bob');
insert into public.ai_agents (id, name, vendor_id)
values ('bbbbbbbb-0000-4000-8000-000000000001', 'Bob private', 'openai');

select tests.authenticate_as('alice');
insert into public.ai_agents (id, name, vendor_id, is_public) values
('aaaaaaaa-0000-4000-8000-000000000001', 'Alice private', 'anthropic', false),
('aaaaaaaa-0000-4000-8000-000000000002', 'Alice shared', 'openai', true);

-- The owner stores typed configuration entries, one per key and agent.
select lives_ok(
  $$insert into public.ai_agent_configs (agent_id, config_key, config_value, config_type)
    values ('aaaaaaaa-0000-4000-8000-000000000001', 'temperature', '0.7', 'number')$$,
  'the owner stores a number'
);
select is(
  (select user_id from public.ai_agent_configs), tests.get_user_id('alice'),
  'user_id defaults to the caller'
);
select lives_ok(
  $$insert into public.ai_agent_configs (agent_id, config_key, config_value, config_type, user_id)
    values ('aaaaaaaa-0000-4000-8000-000000000001', 'persona', '"pirate"', 'string', auth.uid())$$,
  'the owner stores a string, giving their own user_id'
);
select lives_ok(
  $$insert into public.ai_agent_configs (agent_id, config_key, config_value, config_type)
    values ('aaaaaaaa-0000-4000-8000-000000000001', 'stream', 'true', 'boolean')$$,
  'the owner stores a boolean'
);
select lives_ok(
  $$insert into public.ai_agent_configs (agent_id, config_key, config_value)
    values ('aaaaaaaa-0000-4000-8000-000000000001', 'tools.search', '{"max_results": 5}')$$,
  'the owner stores any JSON (config_type defaults to json)'
);
select is(
  (
    select config_type from public.ai_agent_configs
    where config_key = 'tools.search'
  ), 'json',
  'config_type defaults to json'
);
select throws_ok(
  $$insert into public.ai_agent_configs (agent_id, config_key, config_value)
    values ('aaaaaaaa-0000-4000-8000-000000000001', 'temperature', '0.1')$$,
  '23505', null, 'a key appears once per agent'
);
select lives_ok(
  $$insert into public.ai_agent_configs (agent_id, config_key, config_value)
    values ('aaaaaaaa-0000-4000-8000-000000000002', 'temperature', '0.1')$$,
  'the same key on another agent is fine'
);

-- config_type and config_value agree.
select throws_ok(
  $$insert into public.ai_agent_configs (agent_id, config_key, config_value, config_type)
    values ('aaaaaaaa-0000-4000-8000-000000000001', 'k1', '1', 'integer')$$,
  '23514', null, 'a config_type outside string, number, boolean, json is refused'
);
select throws_ok(
  $$insert into public.ai_agent_configs (agent_id, config_key, config_value, config_type)
    values ('aaaaaaaa-0000-4000-8000-000000000001', 'k1', '"0.5"', 'number')$$,
  '23514', null, 'a number config holding a string is refused'
);
select throws_ok(
  $$insert into public.ai_agent_configs (agent_id, config_key, config_value, config_type)
    values ('aaaaaaaa-0000-4000-8000-000000000001', 'k1', '1', 'boolean')$$,
  '23514', null, 'a boolean config holding a number is refused'
);
select throws_ok(
  $$insert into public.ai_agent_configs (agent_id, config_key, config_value, config_type)
    values ('aaaaaaaa-0000-4000-8000-000000000001', 'k1', '{}', 'string')$$,
  '23514', null, 'a string config holding an object is refused'
);
select throws_ok(
  $$insert into public.ai_agent_configs (agent_id, config_key, config_value, is_encrypted)
    values ('aaaaaaaa-0000-4000-8000-000000000001', 'k1', '{"a": 1}', true)$$,
  '23514', null, 'an encrypted config must be a JSON string'
);
select lives_ok(
  $$insert into public.ai_agent_configs (agent_id, config_key, config_value, is_encrypted)
    values ('aaaaaaaa-0000-4000-8000-000000000001', 'webhook_secret', '"c2VjcmV0"', true)$$,
  'an encrypted config holding a string is accepted'
);
select throws_ok(
  $$insert into public.ai_agent_configs (agent_id, config_key, config_value)
    values ('aaaaaaaa-0000-4000-8000-000000000001', 'max tokens', '1')$$,
  '23514', null, 'a config_key with a space is refused'
);
select throws_ok(
  $$insert into public.ai_agent_configs (agent_id, config_key, config_value)
    values ('aaaaaaaa-0000-4000-8000-000000000001', repeat('k', 129), '1')$$,
  '23514', null, 'a config_key over 128 characters is refused'
);
select throws_ok(
  $$insert into public.ai_agent_configs (agent_id, config_key, config_value)
    values ('aaaaaaaa-0000-4000-8000-000000000001', 'k1', null)$$,
  '23502', null, 'a missing config_value is refused'
);
select throws_ok(
  $$insert into public.ai_agent_configs (agent_id, config_key, config_value)
    values ('aaaaaaaa-0000-4000-8000-000000000001', 'k1', to_jsonb(repeat('v', 70000)))$$,
  '23514', null, 'a config_value over 64 KiB is refused'
);
select lives_ok(
  $$update public.ai_agent_configs set config_value = '0.9' where config_key = 'temperature'
    and agent_id = 'aaaaaaaa-0000-4000-8000-000000000001'$$,
  'the owner updates a value'
);
select results_eq(
  $$select config_value, updated_at = now() from public.ai_agent_configs
    where config_key = 'temperature' and agent_id = 'aaaaaaaa-0000-4000-8000-000000000001'$$,
  $$values ('0.9'::jsonb, true)$$,
  'the value is stored and updated_at stamped'
);
select throws_ok(
  $$update public.ai_agent_configs set config_type = 'boolean' where config_key = 'temperature'$$,
  '23514', null, 'the type rule holds on update'
);
select throws_ok(
  $$insert into public.ai_agent_configs (agent_id, config_key, config_value)
    values ('bbbbbbbb-0000-4000-8000-000000000001', 'k1', '1')$$,
  '42501', null, 'a config on another user''s agent is refused (user_id defaulted)'
);
select throws_ok(
  format(
    $$insert into public.ai_agent_configs (agent_id, config_key, config_value, user_id)
      values ('bbbbbbbb-0000-4000-8000-000000000001', 'k1', '1', %L)$$,
    tests.get_user_id('bob')
  ),
  '42501', null, 'a config on another user''s agent is refused (user_id of the agent''s owner)'
);

-- Another user sees and changes none of them, even on a public agent.
select tests.authenticate_as('bob');
select is(
  (select count(*)::int from public.ai_agent_configs), 0,
  'another user sees no config of alice''s agents'
);
select throws_ok(
  $$insert into public.ai_agent_configs (agent_id, config_key, config_value)
    values ('aaaaaaaa-0000-4000-8000-000000000002', 'k1', '1')$$,
  '42501', null, 'a config on someone else''s public agent is refused (user_id defaulted)'
);
select throws_ok(
  format(
    $$insert into public.ai_agent_configs (agent_id, config_key, config_value, user_id)
      values ('aaaaaaaa-0000-4000-8000-000000000002', 'k1', '1', %L)$$,
    tests.get_user_id('alice')
  ),
  '42501', null, 'a config on someone else''s public agent is refused (user_id of the owner)'
);
select lives_ok(
  $$update public.ai_agent_configs set config_value = '2'$$, 'another user''s update runs ...'
);
select lives_ok(
  $$delete from public.ai_agent_configs$$, 'another user''s delete runs ...'
);
select tests.clear_authentication();
select results_eq(
  $$select config_key, config_value from public.ai_agent_configs
    where agent_id = 'aaaaaaaa-0000-4000-8000-000000000002'$$,
  $$values ('temperature', '0.1'::jsonb)$$,
  '... but changed and deleted nothing'
);

-- anon has no access.
select tests.authenticate_as_anon();
select throws_ok(
  $$insert into public.ai_agent_configs (agent_id, config_key, config_value)
    values ('aaaaaaaa-0000-4000-8000-000000000001', 'k1', '1')$$,
  '42501', null, 'anon cannot insert configs'
);
select throws_ok(
  $$update public.ai_agent_configs set config_value = '1'$$,
  '42501', null, 'anon cannot update configs'
);

-- service_role writes for any user, but only with the agent's owner as user_id.
select tests.authenticate_as_service_role();
select lives_ok(
  format(
    $$insert into public.ai_agent_configs (agent_id, config_key, config_value, user_id)
      values ('aaaaaaaa-0000-4000-8000-000000000001', 'max_tokens', '1024', %L)$$,
    tests.get_user_id('alice')
  ),
  'service_role stores a config with the owner''s user_id'
);
select throws_ok(
  format(
    $$insert into public.ai_agent_configs (agent_id, config_key, config_value, user_id)
      values ('aaaaaaaa-0000-4000-8000-000000000001', 'k1', '1', %L)$$,
    tests.get_user_id('bob')
  ),
  '23503', null, 'service_role cannot file a config under a user who does not own the agent'
);
select is(
  (select count(*)::int from public.ai_agent_configs), 7, 'service_role reads every config'
);

-- The owner deletes a config; deleting the agent deletes the rest.
select tests.authenticate_as('alice');
select lives_ok(
  $$delete from public.ai_agent_configs where config_key = 'max_tokens'$$,
  'the owner deletes a config'
);
select lives_ok(
  $$delete from public.ai_agents where id = 'aaaaaaaa-0000-4000-8000-000000000001'$$,
  'the owner deletes the agent'
);
select tests.clear_authentication();
select is(
  (
    select count(*)::int from public.ai_agent_configs
    where agent_id = 'aaaaaaaa-0000-4000-8000-000000000001'
  ), 0,
  'the agent''s configs are deleted with it'
);
select is(
  (select count(*)::int from public.ai_agent_configs), 1, 'the other agent''s config remains'
);

select * from finish();
rollback;
