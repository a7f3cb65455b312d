begin;
\ir ../helpers.psql
select plan(17);

-- user_api_keys: complete isolation between users.
select tests.create_user('alice');
select tests.create_user('bob');
select tests.authenticate_as('alice');
select public.store_user_api_key('openai', 'sk-alice-isolated-1111', display_name => 'Alice key');
select public.store_user_api_key('anthropic', 'sk-ant-alice-2222');
select tests.authenticate_as('bob');
select public.store_user_api_key('openai', 'sk-bob-own-key-3333');

-- bob sees only his own key and cannot touch alice's.
select is(
  array(
    select key_preview from public.user_api_keys
    order by key_preview
  ),
  array['3333'],
  'bob sees only his own key'
);
select lives_ok(
  $$update public.user_api_keys set display_name = 'Stolen', is_active = false
    where user_id = tests.get_user_id('alice')$$,
  'bob''s update of alice''s keys runs (RLS filters it)'
);
select lives_ok(
  $$delete from public.user_api_keys where user_id = tests.get_user_id('alice')$$,
  'bob''s delete of alice''s keys runs (RLS filters it)'
);
select tests.clear_authentication();
select is(
  array(
    select coalesce(display_name, '-') || ':' || is_active from public.user_api_keys
    where user_id = tests.get_user_id('alice')
    order by key_preview
  ),
  array['Alice key:true', '-:true'],
  'alice''s keys are unchanged and still there'
);
select is(
  (
    select count(*)::int from private.user_api_key_secrets as s
    inner join public.user_api_keys as k on s.api_key_id = k.id
    where k.user_id = tests.get_user_id('alice')
  ),
  2,
  'alice''s ciphertexts are still there'
);

-- bob cannot move his key to alice, nor store one in her name.
select tests.authenticate_as('bob');
select throws_ok(
  $$update public.user_api_keys set user_id = tests.get_user_id('alice')$$,
  '42501', null, 'bob cannot give his key to alice (user_id is not updatable)'
);
select is(
  (select user_id from public.store_user_api_key('anthropic', 'sk-ant-bob-4444')),
  tests.get_user_id('bob'),
  'store_user_api_key always stores for the caller'
);
select tests.clear_authentication();
select is(
  (
    select count(*)::int from public.user_api_keys
    where user_id = tests.get_user_id('alice') and vendor_id = 'anthropic' and is_active
  ),
  1,
  'bob storing a key did not deactivate alice''s key for the same vendor'
);

-- The owner renames, deactivates and deletes her own keys, and nothing else.
select tests.authenticate_as('alice');
select lives_ok(
  $$update public.user_api_keys set display_name = 'Renamed', is_active = false
    where vendor_id = 'openai'$$,
  'alice renames and deactivates her key'
);
select is(
  (
    select display_name || ':' || is_active from public.user_api_keys
    where vendor_id = 'openai'
  ),
  'Renamed:false',
  'the owner''s update took effect'
);
select throws_ok(
  $$update public.user_api_keys set last_used_at = now()$$,
  '42501', null, 'the owner cannot set last_used_at'
);
select throws_ok(
  $$update public.user_api_keys set vendor_id = 'google'$$,
  '42501', null, 'the owner cannot move a key to another vendor'
);
select lives_ok(
  $$delete from public.user_api_keys where vendor_id = 'openai'$$,
  'alice deletes her key'
);
select tests.clear_authentication();
select is(
  (
    select count(*)::int from public.user_api_keys
    where user_id = tests.get_user_id('alice') and vendor_id = 'openai'
  ),
  0,
  'the key row is gone'
);
select is(
  (
    select count(*)::int from private.user_api_key_secrets as s
    where not exists (
      select from public.user_api_keys as k
      where k.id = s.api_key_id
    )
  ),
  0,
  'its ciphertext went with it (no orphan secrets)'
);

-- service_role sees every user's key rows (still no key material) and may delete them.
select tests.authenticate_as_service_role();
select is(
  array(
    select k.key_preview from public.user_api_keys as k
    where k.user_id in (tests.get_user_id('alice'), tests.get_user_id('bob'))
    order by k.key_preview
  ),
  array['2222', '3333', '4444'],
  'service_role reads the key rows of every user'
);
select throws_ok(
  $$insert into public.user_api_keys (user_id, vendor_id, encrypted_key, key_preview)
    values (tests.get_user_id('bob'), 'openai', 'pgp-aes256:kek-v1', 'abcd')$$,
  '42501', null, 'service_role cannot insert a key row without its ciphertext'
);

select * from finish();
rollback;
