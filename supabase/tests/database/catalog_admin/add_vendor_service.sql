begin;
\ir ../helpers.psql
select plan(18);

select function_privs_are(
  'public', 'add_vendor_service', array['text', 'text', 'text', 'text', 'text', 'boolean'],
  'service_role', array['EXECUTE'], 'service_role may call add_vendor_service'
);
select is(
  array(
    select r.rolname::text from pg_roles as r
    where
      r.rolname in ('anon', 'authenticated')
      and has_function_privilege(
        r.oid, 'public.add_vendor_service(text, text, text, text, text, boolean)', 'execute'
      )
  ),
  '{}'::text [],
  'anon and authenticated may not call add_vendor_service'
);

-- The generated id and display_name.
select tests.authenticate_as_service_role();
select is(
  (
    select row(id, vendor_id, service_name, display_name, description, is_active)::text
    from public.add_vendor_service('openai', 'GPT-4.1--Nano.(Preview)')
  ),
  row(
    'openai_gpt_4_1_nano_preview', 'openai', 'GPT-4.1--Nano.(Preview)', 'GPT-4.1--Nano.(Preview)', null::text, true
  )::text,
  'id is vendor_id || _ || the lowercased service_name with runs of other characters as one _; display_name defaults to service_name'
);
select throws_ok(
  $$select public.add_vendor_service('openai', 'GPT-4.1 Nano')$$,
  '23514', null, 'a service_name with whitespace is still refused by the table'
);
select is(
  (select id from public.add_vendor_service('openai', '__o3-Pro!!'))::text,
  'openai_o3_pro',
  'leading and trailing underscores are trimmed from the generated part'
);
select is(
  (
    select id || '|' || display_name
    from public.add_vendor_service('anthropic', 'claude-haiku-9', 'Claude Haiku 9', id => 'anthropic_haiku9')
  ),
  'anthropic_haiku9|Claude Haiku 9',
  'an explicit id and display_name are used as given'
);

-- Upsert: a known (vendor_id, service_name) keeps its id; the row becomes what was asked.
select is(
  (
    select row(id, display_name, description, is_active)::text
    from public.add_vendor_service('openai', 'gpt-4o', 'GPT-4o (2025)', 'Updated.', is_active => false)
  ),
  row('openai_gpt4o', 'GPT-4o (2025)', 'Updated.', false)::text,
  'calling it for an existing service updates that service under its existing id'
);
select is(
  (
    select count(*)::int from public.vendor_services
    where vendor_id = 'openai' and service_name = 'gpt-4o'
  ),
  1,
  'no duplicate service was created'
);
create temporary table version_before on commit drop as
select ctid::text as row_version from public.vendor_services
where id = 'openai_gpt4o';
select is(
  (
    select v.ctid::text
    from public.add_vendor_service('openai', 'gpt-4o', 'GPT-4o (2025)', 'Updated.', is_active => false) as a
    inner join public.vendor_services as v on a.id = v.id
  ),
  (select row_version from version_before),
  'the same call again returns the service and writes nothing'
);
select is(
  (select service_name || '|' || display_name from public.add_vendor_service('anthropic', 'claude-haiku-9b', id => 'anthropic_haiku9')),
  'claude-haiku-9b|claude-haiku-9b',
  'upsert on an explicit id updates service_name and resets display_name to its default'
);

-- Bad input.
select throws_ok(
  $$select public.add_vendor_service('no_such_vendor', 'model-x')$$,
  '23503', 'vendor_id: no vendor with this id', 'an unknown vendor is refused'
);
select throws_ok(
  $$select public.add_vendor_service(null, 'model-x')$$,
  '22004', 'vendor_id: required', 'a null vendor_id is refused'
);
select throws_ok(
  $$select public.add_vendor_service('openai', null)$$,
  '22004', 'service_name: required', 'a null service_name is refused'
);
select throws_ok(
  $$select public.add_vendor_service('openai', '---')$$,
  '22023', 'service_name: has no letter or digit to make an id from',
  'a service_name that gives no id is refused'
);
select throws_ok(
  $$select public.add_vendor_service('openai', 'model-x', id => 'anthropic_haiku9')$$,
  '22023', 'id: names a service of another vendor',
  'an id of another vendor''s service is refused'
);
select throws_ok(
  $$select public.add_vendor_service('openai', 'model-x', id => 'acme_model_x')$$,
  '23514', null, 'a new id that does not start with the vendor id is refused by the table'
);

-- anon and authenticated are refused.
select tests.create_user('alice');
select tests.authenticate_as('alice');
select throws_ok(
  $$select public.add_vendor_service('openai', 'evil-model')$$,
  '42501', 'permission denied for function add_vendor_service',
  'authenticated cannot call add_vendor_service'
);
select tests.authenticate_as_anon();
select throws_ok(
  $$select public.add_vendor_service('openai', 'evil-model')$$,
  '42501', 'permission denied for function add_vendor_service', 'anon cannot call add_vendor_service'
);

select * from finish();
rollback;
