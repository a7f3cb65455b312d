begin;
\ir ../helpers.psql
select plan(14);

select tests.create_user('alice');
select tests.create_user('bob');

-- bob's public template, with features, configs (one encrypted), usage and history.
select tests.authenticate_as('bob');
insert into public.ai_agents (
  name, description, vendor_id, service_id, model_name, system_prompt, configuration,
  capabilities, notes, tags, is_public, is_favorite
) values (
  'Researcher', 'Finds papers', 'openai', 'openai_gpt4o', 'gpt-4o', 'You research.',
  '{"temperature": 0.2}', '{"web": true}', 'bob''s private notes', '{research,papers}', true, true
);
insert into public.agent_feature_mappings (agent_id, feature_id, is_primary)
select
  id as agent_id,
  'research' as feature_id,
  true as is_primary
from public.ai_agents
where name = 'Researcher';
insert into public.ai_agent_configs (agent_id, config_key, config_value)
select
  id as agent_id,
  'style' as config_key,
  '"terse"' as config_value
from public.ai_agents
where name = 'Researcher';
insert into public.ai_agent_configs (agent_id, config_key, config_value, is_encrypted)
select
  id as agent_id,
  'webhook_secret' as config_key,
  '"ciphertext-of-bob"' as config_value,
  true as is_encrypted
from public.ai_agents
where name = 'Researcher';
insert into public.ai_interactions (agent_id, title, input_tokens)
select
  id as agent_id,
  'used' as title,
  10 as input_tokens
from public.ai_agents
where name = 'Researcher';
select public.set_agent_status((
  select id from public.ai_agents
  where name = 'Researcher'
), 'idle');
select public.store_user_api_key('openai', 'sk-template-probe-key-0001');
insert into public.ai_agents (name, vendor_id) values ('Private', 'openai');

-- alice clones it.
select tests.authenticate_as('alice');
select lives_ok(
  format(
    'create temporary table clone as select * from public.create_agent_from_template(%L, %L)',
    (
      select id from public.ai_agents
      where name = 'Researcher'
    ), 'My researcher'
  ),
  'alice clones bob''s public agent'
);
select results_eq(
  $$select name, description, vendor_id, service_id, model_name, system_prompt, configuration,
      capabilities, tags from clone$$,
  $$values ('My researcher'::text, 'Finds papers'::text, 'openai'::text, 'openai_gpt4o'::text,
      'gpt-4o'::text, 'You research.'::text, '{"temperature": 0.2}'::jsonb, '{"web": true}'::jsonb,
      '{research,papers}'::text [])$$,
  'the clone has the template''s settings under its new name'
);
select results_eq(
  $$select user_id, status, is_active, is_public, is_favorite, notes, usage_count, last_used_at,
      activity_score from clone$$,
  format(
    $$values (%L::uuid, 'active'::text, true, false, false, null::text, 0, null::timestamptz, 0::real)$$,
    tests.get_user_id('alice')
  ),
  'it is alice''s, active, private, with no notes and no usage'
);
select is_empty(
  $$select from public.agent_feature_mappings where agent_id = (select id from clone)$$,
  'another user''s features are not copied (sharing never shows them)'
);
select is_empty(
  $$select from public.ai_agent_configs where agent_id = (select id from clone)$$,
  'nor their configs'
);
select results_eq(
  $$select from_status, to_status from public.agent_status_history where agent_id = (select id from clone)$$,
  $$values (null::text, 'active'::text)$$,
  'its history starts at its own creation'
);
select is_empty(
  $$select from public.ai_interactions where agent_id = (select id from clone)$$,
  'no interactions come with it'
);
select is_empty($$select from public.user_api_keys$$, 'and no key');

-- Cloning one's own agent also copies its features and unencrypted configs.
select tests.authenticate_as('bob');
select lives_ok(
  format(
    'create temporary table own_clone as select * from public.create_agent_from_template(%L, %L)',
    (
      select id from public.ai_agents
      where name = 'Researcher'
    ), 'Researcher 2'
  ),
  'bob clones his own agent'
);
select results_eq(
  $$select feature_id, is_primary from public.agent_feature_mappings where agent_id = (select id from own_clone)$$,
  $$values ('research'::text, true)$$,
  'with its features'
);
select results_eq(
  $$select config_key, config_value from public.ai_agent_configs where agent_id = (select id from own_clone)$$,
  $$values ('style'::text, '"terse"'::jsonb)$$,
  'and its configs, never one marked encrypted'
);

-- Refusals.
select tests.authenticate_as('alice');
select throws_ok(
  $$select public.create_agent_from_template(null, 'x')$$,
  '22004', 'template_agent_id: required', 'a null template'
);
select tests.clear_authentication();
select set_config('tests.bob_private', (
  select id::text from public.ai_agents
  where name = 'Private'
), true);
select tests.authenticate_as('alice');
select throws_ok(
  format(
    'select public.create_agent_from_template(%L, ''x'')', current_setting('tests.bob_private')
  ),
  'PT404', 'template_agent_id: no agent with this id is visible to you',
  'another user''s private agent is no template'
);
select tests.authenticate_as('bob');
select public.archive_agent((
  select id from public.ai_agents
  where name = 'Researcher'
));
select tests.authenticate_as('alice');
select throws_ok(
  format(
    'select public.create_agent_from_template(%L, ''x'')',
    (
      select id from public.ai_agents
      where name = 'Researcher'
    )
  ),
  'PT404', null, 'an archived public agent is no template'
);

select * from finish();
rollback;
