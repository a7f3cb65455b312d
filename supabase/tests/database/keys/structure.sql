begin;
\ir ../helpers.psql
select plan(38);

-- The table clients see.
select has_table('public', 'user_api_keys', 'user_api_keys exists');
select columns_are('public', 'user_api_keys', array[
  'id', 'user_id', 'vendor_id', 'service_id', 'encrypted_key', 'key_preview', 'display_name',
  'is_active', 'last_used_at', 'created_at', 'updated_at'
]);
select col_is_pk('public', 'user_api_keys', 'id', 'id is the primary key');
select col_not_null('public', 'user_api_keys', 'user_id', 'user_id is required');
select col_default_is('public', 'user_api_keys', 'user_id', 'auth.uid()', 'user_id defaults to the caller');
select col_type_is('public', 'user_api_keys', 'last_used_at', 'timestamp with time zone', 'last_used_at is timestamptz');
select fk_ok('public', 'user_api_keys', 'user_id', 'auth', 'users', 'id', 'user_id references auth.users');
select fk_ok('public', 'user_api_keys', 'vendor_id', 'public', 'vendors', 'id', 'vendor_id references vendors');
select fk_ok(
  'public', 'user_api_keys', array['service_id', 'vendor_id'],
  'public', 'vendor_services', array['id', 'vendor_id'],
  'service_id must be a service of vendor_id'
);
select has_index('public', 'user_api_keys', 'idx_user_api_keys_vendor', array['vendor_id'], 'the seed''s vendor index');
select has_index('public', 'user_api_keys', 'user_api_keys_user_id_idx', array['user_id'], 'user_id (policy column) is indexed');
select has_index(
  'public', 'user_api_keys', 'user_api_keys_service_id_vendor_id_idx', array['service_id', 'vendor_id'],
  'the service foreign key is indexed'
);
select index_is_unique(
  'public', 'user_api_keys', 'user_api_keys_one_active_per_service_idx',
  'one active key per (user, vendor, service) is a unique index'
);
select has_trigger('public', 'user_api_keys', 'user_api_keys_set_updated_at', 'updated_at is kept by a trigger');
select ok(
  (
    select relrowsecurity from pg_class
    where oid = 'public.user_api_keys'::regclass
  ),
  'RLS is enabled on user_api_keys'
);
select policies_are('public', 'user_api_keys', array[
  'user_api_keys_select_authenticated', 'user_api_keys_update_authenticated',
  'user_api_keys_delete_authenticated', 'user_api_keys_all_not_anonymous'
], 'user_api_keys has select, update and delete policies, no insert policy, and the restrictive one for anonymous sign-ins');
select policy_roles_are(
  'public', 'user_api_keys', 'user_api_keys_select_authenticated', array['authenticated'],
  'the select policy is for authenticated only'
);
select table_privs_are('public', 'user_api_keys', 'anon', array[]::text [], 'anon has no privilege on user_api_keys');
select table_privs_are(
  'public', 'user_api_keys', 'authenticated', array['DELETE'],
  'authenticated may delete, and select by column (no insert, no table-wide update)'
);
select is(
  array(
    select c.attname::text from pg_attribute as c
    where
      c.attrelid = 'public.user_api_keys'::regclass and c.attnum > 0 and not c.attisdropped
      and has_column_privilege('authenticated', c.attrelid, c.attnum, 'update')
    order by c.attname
  ),
  array['display_name', 'is_active'],
  'authenticated may update only display_name and is_active'
);
select ok(
  not has_table_privilege('service_role', 'public.user_api_keys', 'insert'),
  'service_role may not insert key rows directly either'
);

-- The ciphertext lives where no API role reaches.
select has_table('private', 'user_api_key_secrets', 'the ciphertext table exists in private');
select columns_are('private', 'user_api_key_secrets', array[
  'api_key_id', 'ciphertext', 'kek_version', 'encrypted_at'
]);
select col_type_is('private', 'user_api_key_secrets', 'ciphertext', 'bytea', 'ciphertext is bytea');
select fk_ok(
  'private', 'user_api_key_secrets', 'api_key_id', 'public', 'user_api_keys', 'id',
  'each secret belongs to a key row'
);
select ok(
  (
    select relrowsecurity from pg_class
    where oid = 'private.user_api_key_secrets'::regclass
  ),
  'RLS is enabled on the ciphertext table'
);
select policies_are('private', 'user_api_key_secrets', array[]::text [], 'the ciphertext table has no policy');
select is(
  array(
    select r.rolname::text from pg_roles as r
    where
      r.rolname in ('anon', 'authenticated', 'service_role')
      and (
        has_table_privilege(r.oid, 'private.user_api_key_secrets', 'select, insert, update, delete')
        or has_table_privilege(r.oid, 'private.api_key_kek_version', 'select, insert, update, delete')
      )
  ),
  '{}'::text [],
  'no API role has any privilege on the private key tables'
);

-- Who may execute what.
select function_privs_are(
  'public', 'store_user_api_key', array['text', 'text', 'text', 'text'], 'authenticated', array['EXECUTE'],
  'authenticated may store a key'
);
select is(
  array(
    select r.rolname::text from pg_roles as r
    where
      r.rolname in ('anon', 'service_role')
      and has_function_privilege(r.oid, 'public.store_user_api_key(text, text, text, text)', 'execute')
  ),
  '{}'::text [],
  'anon and service_role may not call store_user_api_key'
);
select function_privs_are(
  'public', 'get_user_api_key', array['uuid', 'text', 'text'], 'service_role', array['EXECUTE'],
  'service_role may decrypt a key'
);
select is(
  array(
    select fn.f || ' by ' || r.rolname from pg_roles as r
    cross join
      unnest(array[
        'public.get_user_api_key(uuid, text, text)',
        'public.update_api_key_last_used(uuid, text, text)',
        'public.rotate_api_key_encryption_key()',
        'private.api_key_kek()',
        'private.require_service_role(text)'
      ]) as fn (f)
    where r.rolname in ('anon', 'authenticated') and has_function_privilege(r.oid, fn.f, 'execute')
  ),
  '{}'::text [],
  'anon and authenticated may execute none of the decrypting, stamping, rotating or KEK functions'
);
select ok(
  has_function_privilege('service_role', 'public.update_api_key_last_used(uuid, text, text)', 'execute')
  and has_function_privilege('service_role', 'public.rotate_api_key_encryption_key()', 'execute'),
  'service_role may stamp last use and rotate the KEK'
);
select ok(
  not has_function_privilege('service_role', 'private.api_key_kek()', 'execute'),
  'not even service_role may read the KEK directly'
);
select is(
  (
    select count(*)::int from pg_proc as p
    where
      p.oid in (
        'private.store_user_api_key(text, text, text, text)'::regprocedure,
        'public.get_user_api_key(uuid, text, text)'::regprocedure,
        'public.rotate_api_key_encryption_key()'::regprocedure,
        'private.api_key_kek()'::regprocedure
      )
      and p.prosecdef
  ),
  4,
  'the functions that touch the key material are security definer (store_user_api_key''s body in private)'
);
select ok(
  not (
    select prosecdef from pg_proc
    where oid = 'public.update_api_key_last_used(uuid, text, text)'::regprocedure
  ),
  'update_api_key_last_used runs with the caller''s rights'
);

-- The KEK is in Vault, and the table tells how keys are encrypted.
select is(
  (
    select count(*)::int from vault.decrypted_secrets
    where name = 'agentsdb_api_key_kek' and decrypted_secret ~ '^[0-9a-f]{64}$'
  ),
  1,
  'the KEK is a 32-byte random secret in Vault'
);
select ok(
  obj_description('public.user_api_keys'::regclass, 'pg_class') ~ 'private.user_api_key_secrets'
  and col_description('public.user_api_keys'::regclass, 5) ~ 'envelope label',
  'the table and encrypted_key comments document where the ciphertext is'
);

select * from finish();
rollback;
