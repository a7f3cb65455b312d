begin;
\ir ../helpers.psql
select plan(21);

-- The ledger's view: exactly the columns of the shared contract (rollups, budgets read it).
select has_view('private', 'usage_events', 'private.usage_events exists');
select columns_are('private', 'usage_events', array[
  'user_id', 'agent_id', 'interaction_id', 'model_call_id', 'vendor_id', 'service_id',
  'model_name', 'started_at', 'input_tokens', 'cached_input_tokens', 'cache_write_tokens',
  'output_tokens', 'reasoning_tokens', 'cost', 'status', 'latency_ms', 'time_to_first_token_ms'
], 'usage_events has the contract''s columns');
select results_eq(
  $$select a.attname::text collate "C", format_type(a.atttypid, a.atttypmod) collate "C"
    from pg_catalog.pg_attribute as a
    where a.attrelid = 'private.usage_events'::regclass and a.attnum > 0
    order by a.attnum$$,
  $$select n collate "C", t collate "C" from (values ('user_id', 'uuid'), ('agent_id', 'uuid'), ('interaction_id', 'uuid'),
    ('model_call_id', 'uuid'), ('vendor_id', 'text'), ('service_id', 'text'),
    ('model_name', 'text'), ('started_at', 'timestamp with time zone'),
    ('input_tokens', 'bigint'), ('cached_input_tokens', 'bigint'),
    ('cache_write_tokens', 'bigint'), ('output_tokens', 'bigint'),
    ('reasoning_tokens', 'bigint'), ('cost', 'numeric'), ('status', 'text'),
    ('latency_ms', 'integer'), ('time_to_first_token_ms', 'integer')) as v (n, t)$$,
  'usage_events has the contract''s column types, in order'
);
select is(
  (
    select reloptions from pg_catalog.pg_class
    where oid = 'private.usage_events'::regclass
  ),
  array['security_invoker=true'],
  'usage_events runs with its reader''s rights'
);
select ok(
  not has_table_privilege('authenticated', 'private.usage_events', 'select')
  and not has_table_privilege('service_role', 'private.usage_events', 'select')
  and not has_table_privilege('anon', 'private.usage_events', 'select'),
  'no API role reads usage_events'
);

-- Calls outlive agents and interactions; only the user's deletion removes them.
select trigger_is(
  'auth', 'users', 'agentsdb_delete_model_calls', 'private', 'delete_model_calls_of_deleted_users',
  'a user''s calls leave with the user (model_calls.user_id is checked per statement, not by a foreign key)'
);
select is(
  (
    select array_agg(conname::text order by conname) from pg_catalog.pg_constraint
    where
      conrelid = 'public.model_calls'::regclass and contype = 'f'
      and confrelid in ('public.ai_agents'::regclass, 'public.ai_interactions'::regclass)
  ),
  null,
  'no foreign key ties a call to its agent or interaction'
);

-- Deleted interactions keep their numbers, privately.
select has_table('private', 'deleted_interactions', 'private.deleted_interactions exists');
select hasnt_column('private', 'deleted_interactions', 'title', 'no content is kept');
select hasnt_column('private', 'deleted_interactions', 'full_content', 'no transcript is kept');
select fk_ok('private', 'deleted_interactions', 'user_id', 'auth', 'users', 'id');
select ok(
  not has_table_privilege('authenticated', 'private.deleted_interactions', 'select')
  and not has_table_privilege('service_role', 'private.deleted_interactions', 'select'),
  'no API role reads deleted_interactions'
);
select has_trigger('public', 'ai_interactions', 'ai_interactions_keep_deleted', 'the delete trigger exists');
select has_trigger(
  'public', 'ai_interactions', 'ai_interactions_a_guard_numbers', 'the numbers guard exists'
);

-- Corrections: read by owners and service_role, written by no API role.
select has_table('public', 'usage_corrections', 'usage_corrections exists');
select ok(
  (
    select relrowsecurity from pg_catalog.pg_class
    where oid = 'public.usage_corrections'::regclass
  ),
  'RLS is enabled on usage_corrections'
);
select policies_are(
  'public', 'usage_corrections',
  array['usage_corrections_select_owner', 'usage_corrections_all_not_anonymous']
);
select table_privs_are('public', 'usage_corrections', 'anon', array[]::text [], 'anon has no privileges');
select table_privs_are(
  'public', 'usage_corrections', 'service_role', array['SELECT'], 'service_role only reads'
);
select function_privs_are(
  'public', 'reprice_model_calls', array['text', 'timestamp with time zone', 'timestamp with time zone', 'text'],
  'authenticated', array[]::text [], 'authenticated may not re-price'
);
select function_privs_are(
  'public', 'correct_interaction_usage',
  array['uuid', 'text', 'integer', 'integer', 'numeric', 'timestamp with time zone', 'text', 'text'],
  'service_role', array['EXECUTE'], 'service_role corrects'
);

select * from finish();
rollback;
