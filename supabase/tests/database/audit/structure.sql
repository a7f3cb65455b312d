begin;
\ir ../helpers.psql
select plan(33);

select has_table('public', 'audit_logs', 'audit_logs exists');
select columns_are('public', 'audit_logs', array[
  'id', 'occurred_at', 'transaction_id', 'actor_id', 'actor_role', 'table_name', 'record_id',
  'action', 'old_row', 'new_row', 'owner_id', 'recorded_at'
]);
select col_is_pk('public', 'audit_logs', 'id', 'id is the primary key');
select col_default_is(
  'public', 'audit_logs', 'id', 'gen_random_uuid()', 'id is random, not a global sequence'
);
select col_type_is('public', 'audit_logs', 'id', 'uuid', 'id is a uuid');
select col_type_is('public', 'audit_logs', 'occurred_at', 'timestamp with time zone', 'occurred_at is timestamptz');
select col_default_is('public', 'audit_logs', 'occurred_at', 'now()', 'occurred_at is the transaction''s time');
select col_type_is('public', 'audit_logs', 'old_row', 'jsonb', 'old_row is jsonb');
select col_type_is('public', 'audit_logs', 'new_row', 'jsonb', 'new_row is jsonb');
select col_type_is('public', 'audit_logs', 'owner_id', 'uuid', 'owner_id is a uuid');
select is(
  array(
    select c.conname::text from pg_constraint as c
    where c.conrelid = 'public.audit_logs'::regclass and c.contype = 'f'
  ),
  '{}'::text [],
  'no foreign key: entries outlive the users and rows they describe'
);
select is(
  array(
    select c.conname::text from pg_constraint as c
    where c.conrelid = 'public.audit_logs'::regclass and c.contype = 'c'
    order by c.conname
  ),
  array[
    'audit_logs_action_valid', 'audit_logs_new_row_is_object', 'audit_logs_old_row_is_object',
    'audit_logs_rows_match_action'
  ],
  'the named check constraints'
);
select has_index(
  'public', 'audit_logs', 'audit_logs_owner_id_occurred_at_id_idx',
  array['owner_id', 'occurred_at', 'id'], 'owner_id (the policy column) is indexed, newest first'
);
select has_index(
  'public', 'audit_logs', 'audit_logs_table_name_record_id_idx', array['table_name', 'record_id'],
  'a record''s history is indexed'
);
select is(
  (
    select am.amname::text from pg_class as c
    inner join pg_am as am on c.relam = am.oid
    where c.oid = 'public.audit_logs_occurred_at_idx'::regclass
  ),
  'brin',
  'occurred_at has a BRIN index'
);

-- Row level security and privileges.
select ok(
  (
    select relrowsecurity from pg_class
    where oid = 'public.audit_logs'::regclass
  ),
  'RLS is enabled on audit_logs'
);
select policies_are(
  'public', 'audit_logs', array['audit_logs_select_authenticated', 'audit_logs_all_not_anonymous'],
  'one select policy, and the restrictive one that shuts anonymous sign-ins out'
);
select policy_roles_are(
  'public', 'audit_logs', 'audit_logs_select_authenticated', array['authenticated'],
  'the select policy is for authenticated'
);
select table_privs_are('public', 'audit_logs', 'anon', array[]::text [], 'anon has no privilege');
select table_privs_are(
  'public', 'audit_logs', 'authenticated', array[]::text [],
  'authenticated may only select, by column (no system columns)'
);
select table_privs_are('public', 'audit_logs', 'service_role', array['SELECT'], 'service_role may only select');
select is(
  array(
    select r.rolname::text from pg_roles as r
    where
      r.rolname in ('anon', 'authenticated', 'service_role')
      and has_any_column_privilege(r.rolname, 'public.audit_logs', 'insert, update, references')
  ),
  '{}'::text [],
  'no API role has a column privilege to insert or update'
);
select is(
  (
    select count(*)::integer from pg_depend as d
    where
      d.refobjid = 'public.audit_logs'::regclass and d.classid = 'pg_class'::regclass
      and d.objid in (
        select c.oid from pg_class as c
        where c.relkind = 'S'
      )
  ),
  0,
  'audit_logs uses no sequence'
);

-- The trigger functions: definer with a pinned search_path, executable by nobody.
select ok(
  (
    select p.prosecdef and p.proconfig = array['search_path=""'] from pg_proc as p
    where p.oid = 'private.record_audit_log()'::regprocedure
  ),
  'record_audit_log is security definer with an empty search_path'
);
select is(
  array(
    select r.rolname::text from pg_roles as r
    where
      r.rolname in ('public', 'anon', 'authenticated', 'service_role')
      and has_function_privilege(r.rolname, 'private.record_audit_log()', 'execute')
  ),
  '{}'::text [],
  'no API role may execute record_audit_log'
);
select is(
  array(
    select r.rolname::text from pg_roles as r
    where
      r.rolname in ('anon', 'authenticated', 'service_role')
      and has_function_privilege(r.rolname, 'private.refuse_audit_log_change()', 'execute')
  ),
  '{}'::text [],
  'no API role may execute refuse_audit_log_change'
);
select ok(
  not exists (
    select from
      aclexplode((
        select p.proacl from pg_proc as p
        where p.oid = 'private.record_audit_log()'::regprocedure
      )) as a
    where a.grantee = 0
  ),
  'PUBLIC may not execute record_audit_log'
);

-- Which tables are audited, and how.
select is(
  array(
    select t.tgrelid::regclass::text as audited from pg_trigger as t
    where t.tgfoid = 'private.record_audit_log()'::regprocedure
    order by audited
  ),
  array[
    'agent_feature_mappings', 'agent_features', 'ai_agent_configs', 'ai_agents', 'budgets',
    'interaction_types', 'service_prices', 'user_api_keys', 'vendor_services', 'vendors'
  ],
  'the agents, configs, mappings, API keys, budgets and the five catalog tables (prices too) are audited'
);
select is(
  array(
    select t.tgname::text from pg_trigger as t
    where
      t.tgfoid = 'private.record_audit_log()'::regprocedure
      and not (
        -- AFTER (not BEFORE: bit 1), ROW (bit 0), INSERT (bit 2), DELETE (bit 3), UPDATE (bit 4)
        t.tgtype & 1 = 1 and t.tgtype & 2 = 0 and t.tgtype & 28 = 28
      )
  ),
  '{}'::text [],
  'every audit trigger is AFTER INSERT OR UPDATE OR DELETE FOR EACH ROW'
);
select is(
  (
    select count(*)::integer from pg_trigger as t
    where t.tgrelid = 'private.user_api_key_secrets'::regclass and not t.tgisinternal
  ),
  0,
  'the ciphertext table has no trigger: it is never audited'
);
select has_trigger('public', 'audit_logs', 'audit_logs_append_only', 'audit_logs refuses changes by trigger');
select ok(
  (
    select
      t.tgtype & 1 = 0 -- statement
      and t.tgtype & 2 = 2 -- before
      and t.tgtype & (8 | 16 | 32) = (8 | 16 | 32) -- delete, update, truncate
    from pg_trigger as t
    where t.tgrelid = 'public.audit_logs'::regclass and t.tgname = 'audit_logs_append_only'
  ),
  'the append-only trigger fires before every UPDATE, DELETE and TRUNCATE statement'
);
select is(
  (
    select t.tgenabled::text from pg_trigger as t
    where t.tgrelid = 'public.audit_logs'::regclass and t.tgname = 'audit_logs_append_only'
  ),
  'O',
  'the append-only trigger is enabled'
);

select * from finish();
rollback;
