begin;
\ir ../helpers.psql
select plan(31);

select tests.create_user('alice');

-- Storing a key returns its row, with the last 4 characters and no secret.
select tests.authenticate_as('alice');
create temporary table stored on commit drop as
select * from public.store_user_api_key(
  vendor_id => 'openai', api_key => 'sk-alice-vendor-key-0001', display_name => 'Work'
);
select is((select count(*)::int from stored), 1, 'store_user_api_key returns the stored row');
select is((select key_preview from stored), '0001', 'key_preview is the last 4 characters');
select matches(
  (select encrypted_key from stored), '^pgp-aes256:kek-v[1-9][0-9]*$',
  'encrypted_key is the envelope label, not the key'
);
select ok((select user_id from stored) = tests.get_user_id('alice'), 'the key belongs to the caller');
select ok((select is_active and service_id is null from stored), 'a vendor-level key, active');
select is((select display_name from stored), 'Work', 'display_name is kept');
select is(
  (
    select string_agg(row_to_json(user_api_keys.*)::text, ' ') not like '%alice-vendor-key%'
    from public.user_api_keys
  ),
  true,
  'no column of select * holds the key'
);

-- The secret row is there, AES-256 (OpenPGP: symmetric-key packet, version 4, algorithm 9).
select tests.clear_authentication();
select is(
  (
    select format('%s/%s/%s', get_byte(s.ciphertext, 0), get_byte(s.ciphertext, 2), get_byte(s.ciphertext, 3))
    from private.user_api_key_secrets as s
    where s.api_key_id = (select st.id from stored as st)
  ),
  '195/4/9',
  'the ciphertext is an OpenPGP message encrypted with AES-256'
);
select ok(
  (
    select position(convert_to('alice-vendor-key', 'UTF8') in s.ciphertext) = 0
    from private.user_api_key_secrets as s
    where s.api_key_id = (select st.id from stored as st)
  ),
  'the ciphertext does not contain the plaintext'
);

-- One active key per (user, vendor, service): storing again deactivates the previous one.
select tests.authenticate_as('alice');
select lives_ok(
  $$select public.store_user_api_key('openai', 'sk-alice-vendor-key-0002')$$,
  'storing a second key for the same vendor works'
);
select is(
  array(
    select key_preview || ':' || is_active from public.user_api_keys
    where vendor_id = 'openai' and service_id is null
    order by key_preview
  ),
  array['0001:false', '0002:true'],
  'the previous vendor-level key is deactivated, the new one is active'
);
select lives_ok(
  $$select public.store_user_api_key('openai', 'sk-alice-gpt4o-key-0003', 'openai_gpt4o')$$,
  'a key for one service of the vendor'
);
select is(
  (
    select count(*)::int from public.user_api_keys
    where vendor_id = 'openai' and is_active
  ),
  2,
  'a service key does not deactivate the vendor-level key'
);
select throws_ok(
  $$update public.user_api_keys set is_active = true where key_preview = '0001'$$,
  '23505', null,
  'reactivating an old key while another is active is refused'
);

-- Bad input: stable SQLSTATEs, messages that name the field and never contain the key.
select throws_ok(
  $$select public.store_user_api_key('openai', null)$$,
  '22004', 'api_key: required', 'a null api_key is refused'
);
select throws_ok(
  $$select public.store_user_api_key('openai', '     ')$$,
  '22023', 'api_key: must not be blank', 'a blank api_key is refused'
);
select throws_ok(
  $$select public.store_user_api_key('openai', 'sk-secret part-2')$$,
  '22023', 'api_key: must not contain whitespace', 'an api_key with whitespace is refused'
);
select throws_ok(
  $$select public.store_user_api_key('openai', 'sk-1234')$$,
  '22023', 'api_key: must be 8 to 4096 characters long', 'a 7-character api_key is refused'
);
select throws_ok(
  $$select public.store_user_api_key('openai', repeat('k', 4097))$$,
  '22023', 'api_key: must be 8 to 4096 characters long', 'a 4097-character api_key is refused'
);
select lives_ok(
  $$select public.store_user_api_key('anthropic', repeat('k', 4096))$$,
  'a 4096-character api_key is accepted'
);
select throws_ok(
  $$select public.store_user_api_key(null, 'sk-valid-key-1234')$$,
  '22004', 'vendor_id: required', 'a null vendor_id is refused'
);
select throws_ok(
  $$select public.store_user_api_key('no_such_vendor', 'sk-valid-key-1234')$$,
  '23503', 'vendor_id: no active vendor with this id', 'an unknown vendor is refused'
);
select throws_ok(
  $$select public.store_user_api_key('openai', 'sk-valid-key-1234', 'anthropic_claude_sonnet_4_5')$$,
  '23503', 'service_id: not an active service of this vendor',
  'a service of another vendor is refused'
);
select tests.clear_authentication();
update public.vendors set is_active = false
where id = 'cohere';
select tests.authenticate_as('alice');
select throws_ok(
  $$select public.store_user_api_key('cohere', 'sk-valid-key-1234')$$,
  '23503', 'vendor_id: no active vendor with this id', 'an inactive vendor is refused like an unknown one'
);
select throws_ok(
  $$select public.store_user_api_key('openai', 'sk-valid-key-1234', display_name => '  ')$$,
  '23514', null, 'a blank display_name is refused'
);

-- The key never appears in any error: collect every message, detail and hint.
create function pg_temp.error_text(statement text)
returns text
language plpgsql
as $$
declare
  m text;
  d text;
  h text;
begin
  execute statement;
  return null;
exception when others then
  get stacked diagnostics m = message_text, d = pg_exception_detail, h = pg_exception_hint;
  return concat_ws(' | ', m, d, h);
end;
$$;
select is(
  (
    select count(*)::int from
      unnest(array[
        pg_temp.error_text($$select public.store_user_api_key('openai', 'LEAKME secret')$$),
        pg_temp.error_text($$select public.store_user_api_key('openai', 'LEAKME')$$),
        pg_temp.error_text($$select public.store_user_api_key('nope', 'LEAKME-longer-key')$$),
        pg_temp.error_text($$select public.store_user_api_key('openai', 'LEAKME-longer-key', 'nope')$$),
        pg_temp.error_text($$select public.store_user_api_key('openai', 'LEAKME-longer-key', null, '')$$),
        pg_temp.error_text($$select public.store_user_api_key('LEAKME-swapped-key', 'openai')$$),
        pg_temp.error_text($$select public.store_user_api_key('openai', 'openai_gpt4o', 'LEAKME-swapped-key')$$)
      ]) as e (txt)
    where e.txt is null or e.txt like '%LEAKME%'
  ),
  0,
  'no error message, detail or hint contains the key, even passed in the wrong argument'
);

-- Who may store: signed-in users only, for themselves.
select tests.authenticate_as_anon();
select throws_ok(
  $$select public.store_user_api_key('openai', 'sk-anon-key-12345')$$,
  '42501', null, 'anon may not store a key'
);
select tests.authenticate_as_service_role();
select throws_ok(
  $$select public.store_user_api_key('openai', 'sk-service-key-12345')$$,
  '42501', null, 'service_role may not call store_user_api_key'
);
select tests.authenticate_as('alice');
select set_config('request.jwt.claims', '{"role": "authenticated"}', true);
select throws_ok(
  $$select public.store_user_api_key('openai', 'sk-no-subject-12345')$$,
  '42501', 'store_user_api_key: sign in to store an API key',
  'the authenticated role without a user (no sub claim) may not store a key'
);
select tests.authenticate_as('alice');
select throws_ok(
  $$insert into public.user_api_keys (vendor_id, encrypted_key, key_preview)
    values ('openai', 'pgp-aes256:kek-v1', 'abcd')$$,
  '42501', null, 'authenticated may not insert key rows directly'
);

select tests.clear_authentication();
select is(
  (
    select count(*)::int from public.user_api_keys as k
    where
      k.user_id = tests.get_user_id('alice')
      and not exists (
        select from private.user_api_key_secrets as s
        where s.api_key_id = k.id
      )
  ),
  0,
  'every stored key row has its ciphertext'
);

select * from finish();
rollback;
