begin;
\ir ../helpers.psql
select plan(16);

select function_privs_are(
  'public', 'add_vendor', array['text', 'text', 'text', 'text', 'text', 'boolean'], 'service_role',
  array['EXECUTE'], 'service_role may call add_vendor'
);
select function_privs_are(
  'public', 'add_vendor', array['text', 'text', 'text', 'text', 'text', 'boolean'], 'authenticated',
  array[]::text [], 'authenticated may not call add_vendor'
);
select function_privs_are(
  'public', 'add_vendor', array['text', 'text', 'text', 'text', 'text', 'boolean'], 'anon',
  array[]::text [], 'anon may not call add_vendor'
);

-- Insert with the defaults.
select tests.authenticate_as_service_role();
create temporary table added on commit drop as
select * from public.add_vendor('acme_ai', 'Acme AI');
select is(
  (select row(id, name, description, auth_type, base_url, is_active)::text from added),
  row('acme_ai', 'Acme AI', null::text, 'api_key', null::text, true)::text,
  'add_vendor inserts a vendor with the defaults and returns it'
);
select is(
  (
    select count(*)::int from public.vendors
    where id = 'acme_ai'
  ),
  1,
  'the vendor is in the catalog'
);

-- Idempotent: the same call again changes nothing (the row version, ctid, stays).
create temporary table version_before on commit drop as
select ctid::text as row_version from public.vendors
where id = 'acme_ai';
select is(
  (select row(v.ctid::text, v.name)::text from public.add_vendor('acme_ai', 'Acme AI') as a inner join public.vendors as v on a.id = v.id),
  (select row(row_version, 'Acme AI')::text from version_before),
  'calling add_vendor again with the same values returns the vendor and writes nothing'
);
select is(
  (
    select count(*)::int from public.vendors
    where id = 'acme_ai'
  ),
  1,
  'still one vendor'
);

-- Upsert: the vendor becomes exactly what the arguments say.
select is(
  (
    select row(name, description, auth_type, base_url, is_active, updated_at = now())::text
    from public.add_vendor(
      id => 'acme_ai', name => 'Acme', description => 'Rockets.', auth_type => 'oauth',
      base_url => 'https://api.acme.example/v1', is_active => false
    )
  ),
  row('Acme', 'Rockets.', 'oauth', 'https://api.acme.example/v1', false, true)::text,
  'add_vendor updates an existing vendor (and stamps updated_at)'
);

-- Bad input.
select throws_ok(
  $$select public.add_vendor(null, 'Nameless')$$, '22004', 'id: required', 'a null id is refused'
);
select throws_ok(
  $$select public.add_vendor('nameless', null)$$, '22004', 'name: required', 'a null name is refused'
);
select throws_ok(
  $$select public.add_vendor('bad_auth', 'Bad', auth_type => 'password')$$,
  '23514', null, 'an unknown auth_type is refused by the table constraint'
);
select throws_ok(
  $$select public.add_vendor('Bad Id', 'Bad')$$,
  '23514', null, 'an id outside the format is refused'
);

-- anon and authenticated are refused, and nothing changes.
select tests.create_user('alice');
select tests.authenticate_as('alice');
select throws_ok(
  $$select public.add_vendor('openai', 'Hacked')$$,
  '42501', 'permission denied for function add_vendor', 'authenticated cannot call add_vendor'
);
select tests.authenticate_as_anon();
select throws_ok(
  $$select public.add_vendor('evil', 'Evil')$$,
  '42501', 'permission denied for function add_vendor', 'anon cannot call add_vendor'
);
select tests.clear_authentication();
select is((
  select name from public.vendors
  where id = 'openai'
), 'OpenAI', 'openai is unchanged');
select is((
  select count(*)::int from public.vendors
  where id = 'evil'
), 0, 'no vendor was added');

select * from finish();
rollback;
