begin;
\ir ../helpers.psql
select plan(22);

select has_table('public', 'ai_interactions', 'ai_interactions exists');
select columns_are('public', 'ai_interactions', array[
  'id', 'agent_id', 'title', 'description', 'interaction_type_id', 'external_link', 'external_id',
  'external_metadata', 'content_preview', 'full_content', 'input_tokens', 'output_tokens',
  'total_cost', 'tags', 'keywords', 'satisfaction_rating', 'usefulness_rating', 'feedback_notes',
  'started_at', 'ended_at', 'duration_minutes', 'status', 'user_id', 'created_at', 'updated_at',
  'vendor_id', 'service_id'
]);
select col_is_pk(
  'public', 'ai_interactions', array['id', 'started_at'],
  'id is the primary key, with started_at (partitioned by month: every key holds the partition key)'
);
select col_type_is(
  'public', 'ai_interactions', 'total_cost', 'numeric(16,8)',
  'total_cost is exact numeric(16,8), widened from the seed''s DECIMAL(10,4)'
);
select col_default_is(
  'public', 'ai_interactions', 'status', 'active'::text, 'status defaults to active'
);
select col_default_is(
  'public', 'ai_interactions', 'user_id', 'auth.uid()', 'user_id defaults to the caller'
);
select fk_ok(
  'public', 'ai_interactions', array['agent_id', 'user_id'],
  'public', 'ai_agents', array['id', 'user_id'],
  'the (agent_id, user_id) foreign key keeps user_id equal to the agent''s owner'
);
select fk_ok(
  'public', 'ai_interactions', 'interaction_type_id', 'public', 'interaction_types', 'id',
  'interaction_type_id references interaction_types'
);
select is(
  (
    select confdeltype from pg_constraint
    where conname = 'ai_interactions_agent_owned_by_user' and conrelid = 'public.ai_interactions'::regclass
  ), 'c',
  'deleting an agent deletes its interactions'
);

-- The index names seed 002 gives, and an index for every foreign key and GIN searches.
select indexes_are('public', 'ai_interactions', array[
  'ai_interactions_pkey', 'idx_ai_interactions_user_id', 'idx_ai_interactions_created_at',
  'idx_ai_interactions_cost', 'ai_interactions_agent_id_user_id_started_at_idx',
  'ai_interactions_started_at_idx', 'ai_interactions_interaction_type_id_idx',
  'ai_interactions_tags_idx', 'ai_interactions_keywords_idx', 'ai_interactions_external_metadata_idx',
  'ai_interactions_vendor_id_idx', 'ai_interactions_service_id_vendor_id_idx',
  'ai_interactions_id_user_id_key'
]);
select is(
  (
    select array_agg(a.amname::text order by c.relname::text)
    from pg_index as i
    inner join pg_class as c on i.indexrelid = c.oid
    inner join pg_am as a on c.relam = a.oid
    where c.relname in (
      'ai_interactions_tags_idx', 'ai_interactions_keywords_idx', 'ai_interactions_external_metadata_idx'
    )
  ),
  array['gin', 'gin', 'gin'],
  'tags, keywords and external_metadata have GIN indexes'
);

select ok(
  (
    select relrowsecurity from pg_class
    where oid = 'public.ai_interactions'::regclass
  ),
  'RLS is enabled'
);
select policies_are('public', 'ai_interactions', array[
  'ai_interactions_select_authenticated', 'ai_interactions_insert_authenticated',
  'ai_interactions_update_authenticated', 'ai_interactions_delete_authenticated',
  'ai_interactions_all_not_anonymous'
]);
select policy_roles_are(
  'public', 'ai_interactions', 'ai_interactions_insert_authenticated', array['authenticated'],
  'the insert policy is for authenticated only'
);

select triggers_are('public', 'ai_interactions', array[
  'ai_interactions_derive_duration', 'ai_interactions_set_updated_at',
  'ai_interactions_count_agent_usage_insert', 'ai_interactions_count_agent_usage_delete',
  'ai_interactions_count_agent_usage_truncate', 'ai_interactions_recount_agent_usage_on_move',
  'ai_interactions_a_require_visible_references', 'ai_interactions_b_record_vendor',
  'ai_interactions_a_guard_numbers', 'ai_interactions_keep_deleted',
  'ai_interactions_mark_usage_insert', 'ai_interactions_mark_usage_update',
  'ai_interactions_mark_usage_delete', 'ai_interactions_mark_usage_truncate',
  'ai_interactions_count_in_budgets_insert', 'ai_interactions_count_in_budgets_update',
  'ai_interactions_delete_messages', 'ai_interactions_move_messages',
  'ai_interactions_delete_messages_truncate', 'ai_interactions_a_require_visible_references_insert'
]);

-- Table privileges: anon nothing; authenticated and service_role read and delete.
select table_privs_are('public', 'ai_interactions', 'anon', array[]::text [], 'anon has no privileges');
select table_privs_are(
  'public', 'ai_interactions', 'authenticated', array['DELETE'],
  'authenticated has table-wide delete only (select, insert and update are per column)'
);
select table_privs_are(
  'public', 'ai_interactions', 'service_role', array['SELECT', 'DELETE'],
  'service_role has table-wide select and delete only (insert and update are per column)'
);

-- Column grants.
select is(
  array(
    select a.attname::text from pg_attribute as a
    where
      a.attrelid = 'public.ai_interactions'::regclass and a.attnum > 0 and not a.attisdropped
      and has_column_privilege('authenticated', a.attrelid, a.attnum, 'INSERT')
    order by a.attname
  ),
  array[
    'agent_id', 'content_preview', 'description', 'duration_minutes', 'ended_at', 'external_id',
    'external_link', 'external_metadata', 'feedback_notes', 'full_content', 'input_tokens',
    'interaction_type_id', 'keywords', 'output_tokens', 'satisfaction_rating', 'started_at',
    'status', 'tags', 'title', 'total_cost', 'usefulness_rating', 'user_id'
  ],
  'authenticated inserts every column but the id and the timestamps the database keeps'
);
select is(
  array(
    select a.attname::text from pg_attribute as a
    where
      a.attrelid = 'public.ai_interactions'::regclass and a.attnum > 0 and not a.attisdropped
      and has_column_privilege('authenticated', a.attrelid, a.attnum, 'UPDATE')
    order by a.attname
  ),
  array[
    'content_preview', 'description', 'duration_minutes', 'ended_at', 'external_id',
    'external_link', 'external_metadata', 'feedback_notes', 'full_content', 'input_tokens',
    'interaction_type_id', 'keywords', 'output_tokens', 'satisfaction_rating', 'started_at',
    'status', 'tags', 'title', 'total_cost', 'usefulness_rating'
  ],
  'authenticated updates neither id, agent_id, user_id nor the timestamps'
);

-- The trigger functions are security definer where they must be, and nobody calls them.
select is(
  array(
    select p.oid::regprocedure::text || ':' || p.prosecdef::text from pg_proc as p
    where p.proname in ('derive_interaction_duration', 'count_agent_usage', 'recount_agent_usage_on_move')
    order by p.proname
  ),
  array[
    'private.count_agent_usage():true', 'private.derive_interaction_duration():false',
    'private.recount_agent_usage_on_move():true'
  ],
  'only the counter triggers are security definer'
);
select is(
  array(
    select p.oid::regprocedure::text from pg_proc as p
    where
      p.proname in ('derive_interaction_duration', 'count_agent_usage', 'recount_agent_usage_on_move')
      and (
        has_function_privilege('anon', p.oid, 'execute')
        or has_function_privilege('authenticated', p.oid, 'execute')
        or has_function_privilege('service_role', p.oid, 'execute')
      )
  ),
  '{}'::text [],
  'no API role may call the trigger functions'
);

select * from finish();
rollback;
