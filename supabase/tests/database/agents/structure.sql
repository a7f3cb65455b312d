begin;
\ir ../helpers.psql
select plan(36);

-- ai_agents
select has_table('public', 'ai_agents', 'ai_agents exists');
select columns_are('public', 'ai_agents', array[
  'id', 'name', 'description', 'vendor_id', 'service_id', 'model_name', 'system_prompt',
  'configuration', 'capabilities', 'notes', 'tags', 'activity_score', 'last_used_at',
  'usage_count', 'is_active', 'is_favorite', 'is_public', 'user_id', 'created_at', 'updated_at',
  'status'
]);
select col_is_pk('public', 'ai_agents', 'id', 'ai_agents.id is the primary key');
select col_type_is('public', 'ai_agents', 'activity_score', 'real', 'activity_score is real');
select col_default_is(
  'public', 'ai_agents', 'user_id', 'auth.uid()', 'ai_agents.user_id defaults to the caller'
);
select fk_ok(
  'public', 'ai_agents', array['service_id', 'vendor_id'],
  'public', 'vendor_services', array['id', 'vendor_id'],
  'an agent''s service belongs to its vendor'
);
select has_index(
  'public', 'ai_agents', 'idx_ai_agents_user_id', 'the contract''s idx_ai_agents_user_id exists'
);
select has_index(
  'public', 'ai_agents', 'idx_ai_agents_activity_score',
  'the contract''s idx_ai_agents_activity_score exists'
);
select has_index(
  'public', 'ai_agents', 'idx_ai_agents_last_used', 'the contract''s idx_ai_agents_last_used exists'
);
select has_index(
  'public', 'ai_agents', 'idx_ai_agents_vendor', 'the contract''s idx_ai_agents_vendor exists'
);
select policies_are('public', 'ai_agents', array[
  'ai_agents_select_authenticated', 'ai_agents_insert_authenticated',
  'ai_agents_update_authenticated', 'ai_agents_delete_authenticated',
  'ai_agents_all_not_anonymous'
]);
select table_privs_are(
  'public', 'ai_agents', 'anon', '{}'::text [], 'anon has no privilege on ai_agents'
);
select table_privs_are(
  'public', 'ai_agents', 'authenticated', array['DELETE'],
  'authenticated: delete on the table; select (no system columns), insert and update by column'
);
select column_privs_are(
  'public', 'ai_agents', 'name', 'authenticated', array['SELECT', 'INSERT', 'UPDATE'],
  'authenticated inserts and updates name'
);
select column_privs_are(
  'public', 'ai_agents', 'user_id', 'authenticated', array['SELECT', 'INSERT'],
  'authenticated sets user_id on insert only'
);
select column_privs_are(
  'public', 'ai_agents', 'usage_count', 'authenticated', array['SELECT'],
  'authenticated only reads usage_count'
);
select column_privs_are(
  'public', 'ai_agents', 'activity_score', 'authenticated', array['SELECT'],
  'authenticated only reads activity_score'
);
select column_privs_are(
  'public', 'ai_agents', 'last_used_at', 'authenticated', array['SELECT'],
  'authenticated only reads last_used_at'
);
select column_privs_are(
  'public', 'ai_agents', 'activity_score', 'service_role', array['SELECT', 'UPDATE'],
  'service_role keeps activity_score'
);
select column_privs_are(
  'public', 'ai_agents', 'user_id', 'service_role', array['SELECT', 'INSERT'],
  'service_role sets user_id on insert only'
);

-- agent_feature_mappings
select has_table('public', 'agent_feature_mappings', 'agent_feature_mappings exists');
select columns_are('public', 'agent_feature_mappings', array[
  'id', 'agent_id', 'feature_id', 'is_primary', 'user_id', 'created_at'
]);
select fk_ok(
  'public', 'agent_feature_mappings', array['agent_id', 'user_id'],
  'public', 'ai_agents', array['id', 'user_id'],
  'a mapping''s user_id is its agent''s owner'
);
select has_index(
  'public', 'agent_feature_mappings', 'agent_feature_mappings_one_primary_per_agent_idx',
  'a partial unique index keeps one primary feature per agent'
);
select index_is_unique(
  'public', 'agent_feature_mappings', 'agent_feature_mappings_one_primary_per_agent_idx',
  'the primary feature index is unique'
);
select policies_are('public', 'agent_feature_mappings', array[
  'agent_feature_mappings_select_authenticated', 'agent_feature_mappings_insert_authenticated',
  'agent_feature_mappings_update_authenticated', 'agent_feature_mappings_delete_authenticated',
  'agent_feature_mappings_all_not_anonymous'
]);
select table_privs_are(
  'public', 'agent_feature_mappings', 'anon', '{}'::text [],
  'anon has no privilege on agent_feature_mappings'
);
select column_privs_are(
  'public', 'agent_feature_mappings', 'agent_id', 'authenticated', array['SELECT', 'INSERT'],
  'a mapping cannot be moved to another agent'
);

-- ai_agent_configs
select has_table('public', 'ai_agent_configs', 'ai_agent_configs exists');
select columns_are('public', 'ai_agent_configs', array[
  'id', 'agent_id', 'config_key', 'config_value', 'config_type', 'description', 'is_encrypted',
  'user_id', 'created_at', 'updated_at'
]);
select fk_ok(
  'public', 'ai_agent_configs', array['agent_id', 'user_id'],
  'public', 'ai_agents', array['id', 'user_id'],
  'a config''s user_id is its agent''s owner'
);
select col_is_unique(
  'public', 'ai_agent_configs', array['agent_id', 'config_key'], 'one config per agent and key'
);
select policies_are('public', 'ai_agent_configs', array[
  'ai_agent_configs_select_authenticated', 'ai_agent_configs_insert_authenticated',
  'ai_agent_configs_update_authenticated', 'ai_agent_configs_delete_authenticated',
  'ai_agent_configs_all_not_anonymous'
]);
select table_privs_are(
  'public', 'ai_agent_configs', 'anon', '{}'::text [], 'anon has no privilege on ai_agent_configs'
);
select column_privs_are(
  'public', 'ai_agent_configs', 'user_id', 'authenticated', array['SELECT', 'INSERT'],
  'a config cannot be moved to another owner'
);

-- The check constraints call private.is_valid_tag_array with the writer's privileges.
select ok(
  has_function_privilege('authenticated', 'private.is_valid_tag_array(text[])', 'execute')
  and has_function_privilege('service_role', 'private.is_valid_tag_array(text[])', 'execute')
  and not has_function_privilege('anon', 'private.is_valid_tag_array(text[])', 'execute'),
  'authenticated and service_role (not anon) may execute the tag predicate'
);

select * from finish();
rollback;
