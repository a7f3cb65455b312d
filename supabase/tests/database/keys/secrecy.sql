begin;
\ir ../helpers.psql
select plan(22);

-- After a key is stored, no client role can read it back in any form.
select tests.create_user('alice');
select tests.authenticate_as('alice');
select public.store_user_api_key('openai', 'sk-alice-top-secret-9876');

-- The owner, through the table: only the preview.
select is(
  (
    select key_preview from public.user_api_keys
    where vendor_id = 'openai'
  ),
  '9876',
  'the owner reads key_preview'
);
select is(
  (
    select string_agg(row_to_json(user_api_keys.*)::text, ' ') not like '%top-secret%'
    from public.user_api_keys
  ),
  true,
  'select * gives the owner neither the key nor its ciphertext'
);

-- The owner, through the private table, the KEK helper and the decrypting functions.
select throws_ok(
  $$select ciphertext from private.user_api_key_secrets$$,
  '42501', null, 'authenticated cannot read the ciphertext table'
);
select throws_ok(
  $$select private.api_key_kek()$$,
  '42501', null, 'authenticated cannot call the KEK helper'
);
select throws_ok(
  $$select * from private.api_key_kek_version$$,
  '42501', null, 'authenticated cannot read the KEK version'
);
select throws_ok(
  $$select public.get_user_api_key(auth.uid(), 'openai', null)$$,
  '42501', null, 'authenticated cannot decrypt its own key'
);
select throws_ok(
  $$select public.update_api_key_last_used(auth.uid(), 'openai', null)$$,
  '42501', null, 'authenticated cannot call update_api_key_last_used'
);
select throws_ok(
  $$select public.rotate_api_key_encryption_key()$$,
  '42501', null, 'authenticated cannot rotate the KEK'
);
select throws_ok(
  $$select decrypted_secret from vault.decrypted_secrets$$,
  '42501', null, 'authenticated cannot read Vault'
);
select throws_ok(
  $$update public.user_api_keys set encrypted_key = 'pgp-aes256:kek-v9', key_preview = 'abcd'$$,
  '42501', null, 'authenticated cannot rewrite encrypted_key or key_preview'
);

-- anon: nothing at all.
select tests.authenticate_as_anon();
select throws_ok(
  $$select * from public.user_api_keys$$,
  '42501', null, 'anon cannot select user_api_keys'
);
select throws_ok(
  $$select ciphertext from private.user_api_key_secrets$$,
  '42501', null, 'anon cannot read the ciphertext table'
);
select throws_ok(
  $$select private.api_key_kek()$$,
  '42501', null, 'anon cannot call the KEK helper'
);
select throws_ok(
  $$select public.get_user_api_key(tests.get_user_id('alice'), 'openai', null)$$,
  '42501', null, 'anon cannot decrypt a key'
);
select throws_ok(
  $$select public.rotate_api_key_encryption_key()$$,
  '42501', null, 'anon cannot rotate the KEK'
);

-- service_role decrypts through get_user_api_key only: the tables and the KEK stay closed.
select tests.authenticate_as_service_role();
select throws_ok(
  $$select ciphertext from private.user_api_key_secrets$$,
  '42501', null, 'service_role cannot read the ciphertext table directly'
);
select throws_ok(
  $$select private.api_key_kek()$$,
  '42501', null, 'service_role cannot call the KEK helper directly'
);
select is(
  (
    select string_agg(row_to_json(user_api_keys.*)::text, ' ') not like '%top-secret%'
    from public.user_api_keys
  ),
  true,
  'select * gives service_role no key material either'
);

-- A mistaken EXECUTE grant still leaks nothing: the definer functions check their caller.
select tests.clear_authentication();
grant execute on function public.get_user_api_key(uuid, text, text) to authenticated, anon;
grant execute on function public.rotate_api_key_encryption_key() to authenticated;
select tests.authenticate_as('alice');
select throws_ok(
  $$select public.get_user_api_key(auth.uid(), 'openai', null)$$,
  '42501', 'get_user_api_key: only service_role may call this function',
  'get_user_api_key refuses authenticated even when granted EXECUTE'
);
select throws_ok(
  $$select public.rotate_api_key_encryption_key()$$,
  '42501', 'rotate_api_key_encryption_key: only service_role may call this function',
  'rotate_api_key_encryption_key refuses authenticated even when granted EXECUTE'
);
select tests.authenticate_as_anon();
select throws_ok(
  $$select public.get_user_api_key(tests.get_user_id('alice'), 'openai', null)$$,
  '42501', 'get_user_api_key: only service_role may call this function',
  'get_user_api_key refuses anon even when granted EXECUTE'
);
-- Forging the JWT role claim does not help: the check reads the database role.
select tests.authenticate_as('alice');
select set_config('request.jwt.claims', '{"role": "service_role"}', true);
select throws_ok(
  $$select public.get_user_api_key(tests.get_user_id('alice'), 'openai', null)$$,
  '42501', 'get_user_api_key: only service_role may call this function',
  'a service_role claim on the authenticated role is not service_role'
);

select * from finish();
rollback;
