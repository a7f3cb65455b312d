-- The key lookups as an app calls them through PostgREST: service_id may be left out
-- (PostgREST finds the function only when the missing argument has a default), "no key" is
-- PT404 (HTTP 404), and no error ever carries an argument's value (a key passed in the wrong
-- argument must not reach the error message or the server's log).
begin;
\ir ../helpers.psql
select plan(8);

select tests.create_user('alice');
select tests.authenticate_as('alice');
select public.store_user_api_key('openai', 'sk-alice-vendor-lookup-AAAA');

select tests.authenticate_as_service_role();
select is(
  public.get_user_api_key(user_id => tests.get_user_id('alice'), vendor_id => 'openai'),
  'sk-alice-vendor-lookup-AAAA',
  'get_user_api_key with only user_id and vendor_id returns the vendor-level key'
);
select isnt(
  public.update_api_key_last_used(user_id => tests.get_user_id('alice'), vendor_id => 'openai'),
  null,
  'update_api_key_last_used with only user_id and vendor_id stamps the key'
);
select is(
  (
    select count(*)::int from pg_proc
    where
      oid in (
        'public.get_user_api_key(uuid, text, text)'::regprocedure,
        'public.update_api_key_last_used(uuid, text, text)'::regprocedure
      )
      and pronargdefaults = 1
  ),
  2,
  'service_id is the one argument with a default in both'
);

-- A vendor key passed as vendor_id (or service_id): refused, and the key is nowhere in it.
select throws_ok(
  $$select public.get_user_api_key(tests.get_user_id('alice'), 'sk-live-Wr0ngArgument0Key')$$,
  'PT404', 'api_key: no active key of this user for this vendor and service',
  'get_user_api_key: no key is PT404, and the message does not echo vendor_id'
);
select throws_ok(
  $$select public.get_user_api_key(
    tests.get_user_id('alice'), 'anthropic', 'sk-live-Wr0ngArgument0Key'
  )$$,
  'PT404', 'api_key: no active key of this user for this vendor and service',
  'get_user_api_key: nor service_id'
);
select throws_ok(
  $$select public.update_api_key_last_used(tests.get_user_id('alice'), 'sk-live-Wr0ngArgument0Key')$$,
  'PT404', 'api_key: no active key of this user for this vendor and service',
  'update_api_key_last_used: no key is PT404, and the message does not echo vendor_id'
);
select throws_ok(
  $$select public.add_vendor_service('sk-live-Wr0ngArgument0Key', 'model')$$,
  '23503', 'vendor_id: no vendor with this id',
  'add_vendor_service does not echo vendor_id'
);

-- No function of ours formats an argument into an error: no raise of a message built by
-- format(... %L/%s ...) from a text argument remains in the api key and catalog RPCs.
select is(
  array(
    select p.proname::text from pg_proc as p
    where
      p.pronamespace = 'public'::regnamespace
      and p.proname in (
        'get_user_api_key', 'update_api_key_last_used', 'store_user_api_key',
        'rotate_api_key_encryption_key', 'add_vendor', 'add_vendor_service'
      )
      and p.prosrc ~ 'message\s*=\s*format\('
    order by 1
  ),
  '{}'::text [],
  'the key and catalog RPCs build no error message from argument values'
);

select * from finish();
rollback;
