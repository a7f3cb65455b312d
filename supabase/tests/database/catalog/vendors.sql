begin;
\ir ../helpers.psql
select plan(21);

select has_table('public', 'vendors', 'vendors exists');
select columns_are('public', 'vendors', array[
  'id', 'name', 'description', 'auth_type', 'base_url', 'is_active', 'created_at', 'updated_at'
]);
select col_is_pk('public', 'vendors', 'id', 'id is the primary key');
select ok(
  (select count(*) from public.vendors) >= 11, 'the seed lists at least the 11 vendors'
);

-- service_role administers the catalog.
select tests.authenticate_as_service_role();
select lives_ok(
  $$insert into public.vendors (id, name, auth_type, base_url, is_active)
    values ('test_hidden', 'Hidden Vendor', 'oauth', 'https://hidden.example', false)$$,
  'service_role inserts a vendor'
);
select is(
  (
    select count(*)::int from public.vendors
    where id = 'test_hidden'
  ), 1,
  'service_role sees inactive vendors'
);
select throws_ok(
  $$insert into public.vendors (id, name, auth_type) values ('test_bad', 'Bad', 'password')$$,
  '23514', null, 'auth_type outside api_key, oauth, bearer_token is refused'
);
select throws_ok(
  $$insert into public.vendors (id, name) values ('Bad Id', 'Bad')$$,
  '23514', null, 'an id that is not lowercase letters, digits and underscores is refused'
);
select throws_ok(
  $$insert into public.vendors (id, name) values ('test_blank', '   ')$$,
  '23514', null, 'a blank name is refused'
);
select throws_ok(
  $$insert into public.vendors (id, name) values ('test_ws', e'\t\r\n')$$,
  '23514', null, 'a name of other whitespace is blank too'
);
select throws_ok(
  $$insert into public.vendors (id, name, base_url) values ('test_url', 'Url', 'ftp://x')$$,
  '23514', null, 'a base_url that is not http(s) is refused'
);
select lives_ok(
  $$update public.vendors set description = 'changed' where id = 'openai'$$,
  'service_role updates a vendor'
);
select ok(
  (
    select updated_at = now() from public.vendors
    where id = 'openai'
  ),
  'updated_at is stamped by the trigger'
);

-- anon and authenticated read active vendors only, and cannot write.
select tests.create_user('alice');
select tests.authenticate_as_anon();
select is(
  (
    select count(*)::int from public.vendors
    where id = 'test_hidden'
  ), 0,
  'anon does not see inactive vendors'
);
select ok(
  (
    select count(*) from public.vendors
    where id = 'openai'
  ) = 1,
  'anon reads active vendors'
);
select throws_ok(
  $$insert into public.vendors (id, name) values ('test_anon', 'Anon')$$,
  '42501', null, 'anon cannot insert vendors'
);
select throws_ok(
  $$update public.vendors set name = 'Hacked' where id = 'openai'$$,
  '42501', null, 'anon cannot update vendors'
);

select tests.authenticate_as('alice');
select is(
  (
    select count(*)::int from public.vendors
    where id = 'test_hidden'
  ), 0,
  'authenticated does not see inactive vendors'
);
select throws_ok(
  $$insert into public.vendors (id, name) values ('test_user', 'User')$$,
  '42501', null, 'authenticated cannot insert vendors'
);
select throws_ok(
  $$delete from public.vendors where id = 'openai'$$,
  '42501', null, 'authenticated cannot delete vendors'
);

select tests.clear_authentication();
select is(
  (
    select name from public.vendors
    where id = 'openai'
  ), 'OpenAI',
  'the vendor is unchanged after the refused writes'
);

select * from finish();
rollback;
