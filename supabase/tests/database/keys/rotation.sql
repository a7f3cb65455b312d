begin;
\ir ../helpers.psql
select plan(16);

select tests.create_user('alice');
select tests.create_user('bob');
select tests.authenticate_as('alice');
select public.store_user_api_key('openai', 'sk-alice-rotate-0001');
select public.store_user_api_key('openai', 'sk-alice-old-inactive-0002', 'openai_gpt4o');
select public.store_user_api_key('openai', 'sk-alice-rotate-0003', 'openai_gpt4o');
select tests.authenticate_as('bob');
select public.store_user_api_key('anthropic', 'sk-ant-bob-rotate-0004');

-- Remember the state before the rotation (as the owner of the private tables).
select tests.clear_authentication();
create temporary table before_rotation on commit drop as
select
  s.api_key_id,
  s.ciphertext,
  s.kek_version,
  extensions.pgp_sym_decrypt(s.ciphertext, private.api_key_kek()) as plaintext
from private.user_api_key_secrets as s;
create temporary table kek_before on commit drop as
select
  s.decrypted_secret,
  v.version,
  'pgp-aes256:kek-v' || (v.version + 1) as next_label
from vault.decrypted_secrets as s cross join private.api_key_kek_version as v
where s.name = 'agentsdb_api_key_kek';
select is((select count(*)::int from before_rotation), 4, 'four keys are stored');
select is(
  (
    select count(*)::int from before_rotation as b
    where b.kek_version = (select k.version from kek_before as k)
  ),
  4,
  'every key is under the current KEK version'
);

-- Only service_role rotates.
select tests.authenticate_as('alice');
select throws_ok(
  $$select public.rotate_api_key_encryption_key()$$, '42501', null, 'authenticated cannot rotate'
);
select tests.authenticate_as_anon();
select throws_ok(
  $$select public.rotate_api_key_encryption_key()$$, '42501', null, 'anon cannot rotate'
);

select tests.authenticate_as_service_role();
select is(public.rotate_api_key_encryption_key(), 4, 'the rotation re-encrypts every key, inactive ones too');

select tests.clear_authentication();
select isnt(
  (
    select decrypted_secret from vault.decrypted_secrets
    where name = 'agentsdb_api_key_kek'
  ),
  (select decrypted_secret from kek_before),
  'the KEK in Vault is replaced'
);
select is(
  (
    select count(*)::int from vault.secrets
    where name = 'agentsdb_api_key_kek'
  ),
  1,
  'still exactly one KEK secret in Vault'
);
select is(
  (select version from private.api_key_kek_version),
  (select version + 1 from kek_before),
  'the KEK version is bumped'
);
select is(
  (
    select count(*)::int from private.user_api_key_secrets as s
    inner join before_rotation as b on s.api_key_id = b.api_key_id
    where s.ciphertext <> b.ciphertext and s.kek_version = (select k.version + 1 from kek_before as k)
  ),
  4,
  'every ciphertext changed and is under the new version'
);
select is(
  (
    select count(*)::int from private.user_api_key_secrets as s
    inner join before_rotation as b on s.api_key_id = b.api_key_id
    where extensions.pgp_sym_decrypt(s.ciphertext, private.api_key_kek()) = b.plaintext
  ),
  4,
  'every key decrypts to the same plaintext under the new KEK'
);
select throws_ok(
  $$select extensions.pgp_sym_decrypt(s.ciphertext, k.decrypted_secret)
    from private.user_api_key_secrets as s cross join kek_before as k limit 1$$,
  '39000', null, 'the old KEK no longer decrypts anything'
);
select is(
  array(select distinct encrypted_key from public.user_api_keys),
  array(select next_label from kek_before),
  'the envelope label of every key tells the new version'
);

-- The service still gets the same keys, and new keys go under the new KEK.
select tests.authenticate_as_service_role();
select is(
  public.get_user_api_key(tests.get_user_id('alice'), 'openai', 'openai_gpt4o'),
  'sk-alice-rotate-0003',
  'get_user_api_key returns the same plaintext after the rotation'
);
select is(
  public.get_user_api_key(tests.get_user_id('bob'), 'anthropic', null),
  'sk-ant-bob-rotate-0004',
  'and for every user'
);
select tests.authenticate_as('alice');
select public.store_user_api_key('google', 'sk-google-after-rotation');
select tests.clear_authentication();
select is(
  (
    select k.encrypted_key || '/' || s.kek_version
    from public.user_api_keys as k
    inner join private.user_api_key_secrets as s on k.id = s.api_key_id
    where k.vendor_id = 'google' and k.user_id = tests.get_user_id('alice')
  ),
  (select next_label || '/' || (version + 1) from kek_before),
  'a key stored after the rotation is under the new version'
);

-- A second rotation works the same way.
select tests.authenticate_as_service_role();
select ok(
  public.rotate_api_key_encryption_key() = 5
  and public.get_user_api_key(tests.get_user_id('alice'), 'google', null) = 'sk-google-after-rotation',
  'a second rotation re-encrypts all five keys and they still decrypt'
);

select * from finish();
rollback;
