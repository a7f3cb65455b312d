begin;
\ir ../helpers.psql
-- Fixtures with fixed ids: clients may not choose ids (issue 9), so this transaction grants
-- it back to authenticated for the file's setup and probes.
grant insert (id) on public.ai_agents, public.ai_agent_configs, public.agent_feature_mappings,
public.ai_interactions to authenticated;
select plan(23);

select has_function(
  'public', 'get_agent_with_features', array['uuid'], 'get_agent_with_features(uuid) exists'
);
select function_returns(
  'public', 'get_agent_with_features', array['uuid'], 'setof record',
  'it returns typed rows (returns table)'
);
select isnt_definer(
  'public', 'get_agent_with_features', array['uuid'], 'it is security invoker: RLS decides'
);
select volatility_is(
  'public', 'get_agent_with_features', array['uuid'], 'stable', 'it is stable'
);
select function_privs_are(
  'public', 'get_agent_with_features', array['uuid'], 'anon', '{}'::text [],
  'anon cannot execute it'
);
select function_privs_are(
  'public', 'get_agent_with_features', array['uuid'], 'authenticated', array['EXECUTE'],
  'authenticated can execute it'
);
select function_privs_are(
  'public', 'get_agent_with_features', array['uuid'], 'service_role', array['EXECUTE'],
  'service_role can execute it'
);

select tests.create_user('alice');
select tests.create_user('bob');

select tests.authenticate_as('bob');
insert into public.ai_agents (id, name, vendor_id)
values ('bbbbbbbb-0000-4000-8000-000000000001', 'Bob private', 'openai');

select tests.authenticate_as('alice');
insert into public.ai_agents (id, name, vendor_id, service_id, model_name, is_public) values
(
  'aaaaaaaa-0000-4000-8000-000000000001', 'Alice private', 'anthropic',
  'anthropic_claude3_sonnet', 'claude-3-sonnet', false
),
('aaaaaaaa-0000-4000-8000-000000000002', 'Alice shared', 'openai', null, null, true),
('aaaaaaaa-0000-4000-8000-000000000003', 'Alice bare', 'google', null, null, false);
insert into public.agent_feature_mappings (agent_id, feature_id, is_primary) values
('aaaaaaaa-0000-4000-8000-000000000001', 'translation', false),
('aaaaaaaa-0000-4000-8000-000000000001', 'coding', true),
('aaaaaaaa-0000-4000-8000-000000000001', 'analysis', false),
('aaaaaaaa-0000-4000-8000-000000000001', 'brainstorming', false),
('aaaaaaaa-0000-4000-8000-000000000002', 'writing', true);

-- The owner gets the agent, its vendor, service and features, primary first.
select results_eq(
  $$select id, name, description, vendor_id, service_id, model_name, system_prompt,
      configuration, capabilities, notes, tags, activity_score, last_used_at, usage_count,
      is_active, is_favorite, is_public, user_id, created_at, updated_at
    from public.get_agent_with_features('aaaaaaaa-0000-4000-8000-000000000001')$$,
  $$select id, name, description, vendor_id, service_id, model_name, system_prompt,
      configuration, capabilities, notes, tags, activity_score, last_used_at, usage_count,
      is_active, is_favorite, is_public, user_id, created_at, updated_at
    from public.ai_agents where id = 'aaaaaaaa-0000-4000-8000-000000000001'$$,
  'the owner gets exactly the agent''s row'
);
select results_eq(
  $$select vendor_name, service_display_name, primary_feature_id
    from public.get_agent_with_features(agent_id => 'aaaaaaaa-0000-4000-8000-000000000001')$$,
  $$values ('Anthropic', 'Claude 3 Sonnet', 'coding')$$,
  'with the vendor name, the service display name and the primary feature (named argument)'
);
select is(
  (
    select features from public.get_agent_with_features('aaaaaaaa-0000-4000-8000-000000000001')
  ),
  '[
    {"id": "coding", "name": "Coding", "category": "technical", "icon": "code", "is_primary": true},
    {"id": "brainstorming", "name": "Brainstorming", "category": "creative", "icon": "lightbulb",
     "is_primary": false},
    {"id": "analysis", "name": "Analysis", "category": "technical", "icon": "chart-column",
     "is_primary": false},
    {"id": "translation", "name": "Translation", "category": "language", "icon": "languages",
     "is_primary": false}
  ]'::jsonb,
  'features: {id, name, category, icon, is_primary}, primary first, then by sort_order'
);
select results_eq(
  $$select name, service_display_name, features, primary_feature_id
    from public.get_agent_with_features('aaaaaaaa-0000-4000-8000-000000000003')$$,
  $$values ('Alice bare', null::text, '[]'::jsonb, null::text)$$,
  'an agent without service or features: null service name, empty features, no primary'
);
select throws_ok(
  $$select * from public.get_agent_with_features('00000000-0000-4000-8000-000000000000')$$,
  'PT404', 'agent_id: no agent with this id is visible to you', 'an unknown id is not found'
);
select throws_ok(
  $$select * from public.get_agent_with_features(null)$$,
  '22004', 'agent_id: is required', 'a null agent_id is refused'
);

-- Another user: a public agent yes (without its owner-only features), a private one no.
select tests.authenticate_as('bob');
select results_eq(
  $$select id, name, user_id = auth.uid(), vendor_name, features, primary_feature_id
    from public.get_agent_with_features('aaaaaaaa-0000-4000-8000-000000000002')$$,
  $$values ('aaaaaaaa-0000-4000-8000-000000000002'::uuid, 'Alice shared', false, 'OpenAI',
            '[]'::jsonb, null::text)$$,
  'another user gets a public agent, but not its feature mappings (they are the owner''s)'
);
select throws_ok(
  $$select * from public.get_agent_with_features('aaaaaaaa-0000-4000-8000-000000000001')$$,
  'PT404', 'agent_id: no agent with this id is visible to you',
  'another user''s private agent is not found'
);
select is(
  (
    select name from public.get_agent_with_features('bbbbbbbb-0000-4000-8000-000000000001')
  ), 'Bob private',
  'bob gets his own private agent'
);

-- The owner sees the public agent's features.
select tests.authenticate_as('alice');
select results_eq(
  $$select features -> 0 ->> 'id', primary_feature_id
    from public.get_agent_with_features('aaaaaaaa-0000-4000-8000-000000000002')$$,
  $$values ('writing', 'writing')$$,
  'the owner gets the features of their public agent'
);

-- anon cannot call it at all.
select tests.authenticate_as_anon();
select throws_ok(
  $$select * from public.get_agent_with_features('aaaaaaaa-0000-4000-8000-000000000002')$$,
  '42501', null, 'anon cannot execute it, even for a public agent'
);

-- service_role reads every agent with its features.
select tests.authenticate_as_service_role();
select results_eq(
  $$select name, jsonb_array_length(features), primary_feature_id
    from public.get_agent_with_features('aaaaaaaa-0000-4000-8000-000000000001')$$,
  $$values ('Alice private', 4, 'coding')$$,
  'service_role gets a private agent with all its features'
);
select is(
  (
    select name from public.get_agent_with_features('bbbbbbbb-0000-4000-8000-000000000001')
  ), 'Bob private',
  'service_role gets any user''s agent'
);
select throws_ok(
  $$select * from public.get_agent_with_features('00000000-0000-4000-8000-000000000000')$$,
  'PT404', 'agent_id: no agent with this id is visible to you',
  'an unknown id is not found for service_role either'
);

-- Catalog rows hidden from the caller stay hidden: an inactive feature is left out and an
-- inactive vendor's name is null for signed-in users (service_role still sees both).
update public.agent_features set is_active = false
where id = 'coding';
update public.vendors set is_active = false
where id = 'anthropic';
select is(
  (
    select jsonb_array_length(features)
    from public.get_agent_with_features('aaaaaaaa-0000-4000-8000-000000000001')
  ), 4,
  'service_role still gets inactive features'
);
select tests.authenticate_as('alice');
select results_eq(
  $$select vendor_id, vendor_name, service_display_name, features -> 0 ->> 'id', primary_feature_id
    from public.get_agent_with_features('aaaaaaaa-0000-4000-8000-000000000001')$$,
  $$values ('anthropic', null::text, null::text, 'brainstorming', null::text)$$,
  'for the owner, an inactive vendor, its services and an inactive feature are hidden'
);

select * from finish();
rollback;
