begin;
\ir ../helpers.psql
select plan(12);

-- Neither a stored API key nor its ciphertext ever reaches the audit trail: not when it is
-- stored, replaced, used, re-encrypted by a rotation, renamed or deleted.
select tests.create_user('alice');
select tests.authenticate_as('alice');
select public.store_user_api_key('openai', 'sk-alice-VERYSECRET-first-0001');
select public.store_user_api_key('openai', 'sk-alice-VERYSECRET-second-0002', null, 'Second');
select public.store_user_api_key('anthropic', 'sk-ant-alice-VERYSECRET-third-0003', 'anthropic_claude_sonnet_4_5');

-- The ciphertexts as stored (read as the owner of the private table).
select tests.clear_authentication();
create table tests.ciphertexts as
select s.ciphertext from private.user_api_key_secrets as s;

select tests.authenticate_as_service_role();
select public.update_api_key_last_used(tests.get_user_id('alice'), 'openai', null);
select public.rotate_api_key_encryption_key();
select tests.clear_authentication();
insert into tests.ciphertexts
select s.ciphertext from private.user_api_key_secrets as s;

select tests.authenticate_as('alice');
update public.user_api_keys set display_name = 'Old'
where key_preview = '0001';
delete from public.user_api_keys
where key_preview = '0001';

-- The whole trail as text, read as the table owner.
select tests.clear_authentication();
create table tests.trail as
select
  count(*)::integer as entries,
  string_agg(row_to_json(audit_logs.*)::text, ' ') as body
from public.audit_logs
where owner_id = tests.get_user_id('alice');

select is(
  (select entries from tests.trail),
  3 + 1 + 3 + 2,
  'the trail has the key entries: 3 stores, 1 deactivation, 3 rotations, rename, delete'
);
select is(
  (select count(*)::integer from tests.ciphertexts),
  6,
  'six ciphertexts were captured (three keys, before and after the rotation)'
);
select ok(
  (select body not like '%VERYSECRET%' from tests.trail),
  'no plaintext key (nor any part of it before the preview) appears in the trail'
);
select ok(
  (
    select bool_and(strpos(t.body, k.api_key) = 0)
    from tests.trail as t,
      unnest(array[
        'sk-alice-VERYSECRET-first-0001', 'sk-alice-VERYSECRET-second-0002',
        'sk-ant-alice-VERYSECRET-third-0003', 'sk-alice-VERYSECRET-first-', 'sk-ant-alice'
      ]) as k (api_key)
  ),
  'the full keys and their prefixes are absent'
);
select ok(
  (
    select bool_and(strpos(lower(t.body), encode(c.ciphertext, 'hex')) = 0)
    from tests.trail as t, tests.ciphertexts as c
  ),
  'no ciphertext appears in the trail as hex (bytea''s text form)'
);
select ok(
  (
    select bool_and(strpos(t.body, replace(encode(c.ciphertext, 'base64'), E'\n', '')) = 0)
    from tests.trail as t, tests.ciphertexts as c
  ),
  'no ciphertext appears in the trail as base64'
);
select ok(
  (
    select bool_and(strpos(lower(t.body), substr(encode(c.ciphertext, 'hex'), 41, 32)) = 0)
    from tests.trail as t, tests.ciphertexts as c
  ),
  'not even 16 bytes from the middle of a ciphertext appear'
);
select ok(
  (
    select bool_and(not (coalesce(a.old_row, '{}') || coalesce(a.new_row, '{}') ?| array['api_key', 'ciphertext']))
    from public.audit_logs as a
  ),
  'no entry has an api_key or ciphertext column'
);

-- The entries do describe the keys, by their preview and envelope label.
select bag_eq(
  $$select action, coalesce(new_row ->> 'key_preview', old_row ->> 'key_preview'), new_row ->> 'encrypted_key', actor_role
    from public.audit_logs
    where table_name = 'user_api_keys' and owner_id = tests.get_user_id('alice')$$,
  $$values
    ('insert', '0001', 'pgp-aes256:kek-v1', 'authenticated'),
    ('update', null, null, 'authenticated'),
    ('insert', '0002', 'pgp-aes256:kek-v1', 'authenticated'),
    ('insert', '0003', 'pgp-aes256:kek-v1', 'authenticated'),
    ('update', null, 'pgp-aes256:kek-v2', 'service_role'),
    ('update', null, 'pgp-aes256:kek-v2', 'service_role'),
    ('update', null, 'pgp-aes256:kek-v2', 'service_role'),
    ('update', null, null, 'authenticated'),
    ('delete', '0001', null, 'authenticated')$$,
  'stores, the deactivation, the rotation (by service_role), the rename and the delete are logged; using a key is not'
);
select ok(
  (
    select bool_and(a.actor_id is null and a.new_row = '{"encrypted_key": "pgp-aes256:kek-v2"}')
    from public.audit_logs as a
    where a.table_name = 'user_api_keys' and a.actor_role = 'service_role'
  ),
  'a rotation entry changes only the envelope label, with no user as actor'
);

-- A secret column in any audited table is redacted, by the function's own list or the
-- trigger's: a temporary table audited like user_api_keys shows it.
create table tests.keyring (id integer primary key, user_id uuid, api_key text, token text, label text);
create trigger keyring_audit
after insert or update or delete on tests.keyring
for each row execute function private.record_audit_log('{token}');
insert into tests.keyring values (1, tests.get_user_id('alice'), 'sk-keyring-VERYSECRET', 'tok-VERYSECRET', 'a');
update tests.keyring set api_key = 'sk-keyring-VERYSECRET-2', label = 'b';
select results_eq(
  $$select action, old_row -> 'api_key', old_row -> 'token', new_row
    from public.audit_logs where table_name = 'keyring' order by recorded_at$$,
  $$values
    ('insert', null::jsonb, null::jsonb,
      jsonb_build_object('id', 1, 'user_id', tests.get_user_id('alice'), 'api_key', '[redacted]', 'token', '[redacted]', 'label', 'a')),
    ('update', '"[redacted]"'::jsonb, null::jsonb, '{"api_key": "[redacted]", "label": "b"}'::jsonb)$$,
  'built-in (api_key) and per-table (token) secret columns read [redacted]; a changed secret shows only that it changed; an unchanged one is not in the update entry'
);
select ok(
  (select string_agg(row_to_json(audit_logs.*)::text, ' ') not like '%VERYSECRET%' from public.audit_logs),
  'no secret appears anywhere in the trail'
);

select * from finish();
rollback;
