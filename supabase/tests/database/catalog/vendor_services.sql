begin;
\ir ../helpers.psql
select plan(30);

select has_table('public', 'vendor_services', 'vendor_services exists');
select columns_are('public', 'vendor_services', array[
  'id', 'vendor_id', 'service_name', 'display_name', 'description', 'is_active', 'created_at',
  'updated_at'
]);
select col_is_pk('public', 'vendor_services', 'id', 'id is the primary key');
select col_is_fk('public', 'vendor_services', 'vendor_id', 'vendor_id references vendors');
select is(
  (
    select count(*)::int from public.vendor_services
    where id = 'anthropic_claude3_sonnet' and vendor_id = 'anthropic'
  ), 1,
  'the seed has anthropic_claude3_sonnet, the service of usage example 1'
);
select is(
  array(
    select s.id from public.vendor_services as s
    where not starts_with(s.id, s.vendor_id || '_')
  ),
  '{}'::text [],
  'every seeded service id starts with its vendor id'
);

-- service_role administers services: an inactive service, and an inactive vendor's service.
select tests.authenticate_as_service_role();
select lives_ok(
  $$insert into public.vendor_services (id, vendor_id, service_name, display_name, is_active)
    values ('openai_test_hidden', 'openai', 'test-hidden', 'Hidden', false)$$,
  'service_role inserts an inactive service'
);
select lives_ok(
  $$insert into public.vendors (id, name, is_active) values ('test_off', 'Off', false);
    insert into public.vendor_services (id, vendor_id, service_name, display_name)
    values ('test_off_model', 'test_off', 'model', 'Model of an inactive vendor')$$,
  'service_role inserts an active service of an inactive vendor'
);
select is(
  (
    select count(*)::int from public.vendor_services
    where id in ('openai_test_hidden', 'test_off_model')
  ), 2,
  'service_role sees inactive services and services of inactive vendors'
);
select throws_ok(
  $$insert into public.vendor_services (id, vendor_id, service_name, display_name)
    values ('anthropic_gpt9', 'openai', 'gpt-9', 'GPT-9')$$,
  '23514', null, 'a service id that does not start with its vendor id is refused'
);
select throws_ok(
  $$insert into public.vendor_services (id, vendor_id, service_name, display_name)
    values ('openaigpt9', 'openai', 'gpt-9', 'GPT-9')$$,
  '23514', null, 'the vendor id prefix must be followed by an underscore'
);
select throws_ok(
  $$insert into public.vendor_services (id, vendor_id, service_name, display_name)
    values ('OpenAI_GPT9', 'openai', 'gpt-9', 'GPT-9')$$,
  '23514', null, 'an id that is not lowercase letters, digits and underscores is refused'
);
select throws_ok(
  $$insert into public.vendor_services (id, vendor_id, service_name, display_name)
    values ('openai_gpt9', 'openai', 'gpt 9', 'GPT-9')$$,
  '23514', null, 'a service_name with whitespace is refused'
);
select throws_ok(
  $$insert into public.vendor_services (id, vendor_id, service_name, display_name)
    values ('openai_gpt9', 'openai', 'gpt-9', '  ')$$,
  '23514', null, 'a blank display_name is refused'
);
select throws_ok(
  $$insert into public.vendor_services (id, vendor_id, service_name, display_name, description)
    values ('openai_gpt9', 'openai', 'gpt-9', 'GPT-9', repeat('x', 4001))$$,
  '23514', null, 'a description over 4000 characters is refused'
);
select throws_ok(
  $$insert into public.vendor_services (id, vendor_id, service_name, display_name)
    values ('nobody_gpt9', 'nobody', 'gpt-9', 'GPT-9')$$,
  '23503', null, 'a service of an unknown vendor is refused'
);
select throws_ok(
  $$insert into public.vendor_services (id, vendor_id, service_name, display_name)
    values ('openai_gpt4o_again', 'openai', 'gpt-4o', 'GPT-4o again')$$,
  '23505', null, 'a vendor cannot list the same service_name twice'
);
select lives_ok(
  $$update public.vendor_services set display_name = 'GPT-4o (2024)' where id = 'openai_gpt4o'$$,
  'service_role updates a service'
);
select ok(
  (
    select updated_at = now() from public.vendor_services
    where id = 'openai_gpt4o'
  ),
  'updated_at is stamped by the trigger'
);

-- anon and authenticated read active services of active vendors only, and cannot write.
select tests.create_user('alice');
select tests.authenticate_as_anon();
select is(
  (
    select count(*)::int from public.vendor_services
    where id in ('openai_test_hidden', 'test_off_model')
  ), 0,
  'anon sees neither inactive services nor services of inactive vendors'
);
select is(
  (
    select count(*)::int from public.vendor_services
    where id = 'anthropic_claude3_sonnet'
  ), 1,
  'anon reads active services'
);
select throws_ok(
  $$insert into public.vendor_services (id, vendor_id, service_name, display_name)
    values ('openai_anon', 'openai', 'anon', 'Anon')$$,
  '42501', null, 'anon cannot insert services'
);
select throws_ok(
  $$delete from public.vendor_services where id = 'openai_gpt4o'$$,
  '42501', null, 'anon cannot delete services'
);

select tests.authenticate_as('alice');
select is(
  (
    select count(*)::int from public.vendor_services
    where id in ('openai_test_hidden', 'test_off_model')
  ), 0,
  'authenticated sees neither inactive services nor services of inactive vendors'
);
select is(
  (
    select count(*)::int from public.vendor_services
    where id = 'anthropic_claude3_sonnet'
  ), 1,
  'authenticated reads active services'
);
select throws_ok(
  $$insert into public.vendor_services (id, vendor_id, service_name, display_name)
    values ('openai_user', 'openai', 'user', 'User')$$,
  '42501', null, 'authenticated cannot insert services'
);
select throws_ok(
  $$update public.vendor_services set display_name = 'Hacked' where id = 'openai_gpt4o'$$,
  '42501', null, 'authenticated cannot update services'
);
select throws_ok(
  $$delete from public.vendor_services where id = 'openai_gpt4o'$$,
  '42501', null, 'authenticated cannot delete services'
);

select tests.clear_authentication();
select is(
  (
    select display_name from public.vendor_services
    where id = 'openai_gpt4o'
  ), 'GPT-4o (2024)',
  'the service is unchanged after the refused writes'
);

-- Re-activating the vendor shows its active service again.
select tests.authenticate_as_service_role();
update public.vendors set is_active = true
where id = 'test_off';
select tests.authenticate_as_anon();
select is(
  (
    select count(*)::int from public.vendor_services
    where id = 'test_off_model'
  ), 1,
  'an active service shows once its vendor is active'
);

select * from finish();
rollback;
