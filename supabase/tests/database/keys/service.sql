begin;
\ir ../helpers.psql
select plan(17);

select tests.create_user('alice');
select tests.create_user('bob');
select tests.authenticate_as('alice');
select public.store_user_api_key('openai', 'sk-alice-vendor-AAAA');
select public.store_user_api_key('openai', 'sk-alice-gpt4o-BBBB', 'openai_gpt4o');
select public.store_user_api_key('anthropic', 'sk-ant-alice-service-only', 'anthropic_claude_sonnet_4_5');
select tests.authenticate_as('bob');
select public.store_user_api_key('openai', 'sk-bob-vendor-CCCC');

-- get_user_api_key: the exact plaintext, for service_role.
select tests.authenticate_as_service_role();
select is(
  public.get_user_api_key(tests.get_user_id('alice'), 'openai', null),
  'sk-alice-vendor-AAAA',
  'the vendor-level key decrypts to the exact plaintext'
);
select is(
  public.get_user_api_key(tests.get_user_id('alice'), 'openai', 'openai_gpt4o'),
  'sk-alice-gpt4o-BBBB',
  'a service key wins over the vendor-level key'
);
select is(
  public.get_user_api_key(tests.get_user_id('alice'), 'openai', 'openai_gpt5'),
  'sk-alice-vendor-AAAA',
  'with no key for the service, the vendor-level key is the fallback'
);
select is(
  public.get_user_api_key(tests.get_user_id('bob'), 'openai', 'openai_gpt4o'),
  'sk-bob-vendor-CCCC',
  'each user gets their own key'
);
select throws_ok(
  $$select public.get_user_api_key(tests.get_user_id('alice'), 'anthropic', null)$$,
  'PT404', 'api_key: no active key of this user for this vendor and service',
  'a service-only key is not returned for a vendor-level request'
);
select throws_ok(
  $$select public.get_user_api_key(tests.get_user_id('bob'), 'google', 'google_gemini_2_5_pro')$$,
  'PT404', 'api_key: no active key of this user for this vendor and service',
  'no active key: PT404, naming no argument value'
);
select throws_ok(
  $$select public.get_user_api_key(null, 'openai', null)$$,
  '22004', 'user_id: required', 'a null user_id is refused'
);
select throws_ok(
  $$select public.get_user_api_key(tests.get_user_id('alice'), null, null)$$,
  '22004', 'vendor_id: required', 'a null vendor_id is refused'
);

-- A deactivated key is never returned.
select tests.authenticate_as('alice');
update public.user_api_keys set is_active = false
where service_id = 'openai_gpt4o';
select tests.authenticate_as_service_role();
select is(
  public.get_user_api_key(tests.get_user_id('alice'), 'openai', 'openai_gpt4o'),
  'sk-alice-vendor-AAAA',
  'a deactivated service key falls back to the vendor-level key'
);

-- update_api_key_last_used stamps the key get_user_api_key would return.
select is(
  public.update_api_key_last_used(tests.get_user_id('alice'), 'openai', 'openai_gpt5'),
  now(),
  'update_api_key_last_used returns the stamp'
);
select is(
  (
    select array_agg(coalesce(service_id, '-') || ':' || (last_used_at is not null) order by service_id nulls first)
    from public.user_api_keys
    where user_id = tests.get_user_id('alice') and vendor_id = 'openai'
  ),
  array['-:true', 'openai_gpt4o:false'],
  'the fallback (vendor-level) key is stamped, the inactive service key is not'
);
select is(
  public.update_api_key_last_used(tests.get_user_id('alice'), 'anthropic', 'anthropic_claude_sonnet_4_5'),
  now(),
  'a service key is stamped'
);
select throws_ok(
  $$select public.update_api_key_last_used(tests.get_user_id('bob'), 'anthropic', null)$$,
  'PT404', 'api_key: no active key of this user for this vendor and service',
  'update_api_key_last_used: PT404 when there is no active key'
);
select throws_ok(
  $$select public.update_api_key_last_used(null, 'openai', null)$$,
  '22004', 'user_id: required', 'update_api_key_last_used: a null user_id is refused'
);
select tests.clear_authentication();
select is(
  (
    select count(*)::int from public.user_api_keys
    where user_id = tests.get_user_id('bob') and last_used_at is not null
  ),
  0,
  'bob''s key was not stamped'
);

-- anon and authenticated cannot stamp.
select tests.authenticate_as('alice');
select throws_ok(
  $$select public.update_api_key_last_used(auth.uid(), 'openai', null)$$,
  '42501', null, 'authenticated cannot call update_api_key_last_used'
);
select tests.authenticate_as_anon();
select throws_ok(
  $$select public.update_api_key_last_used(tests.get_user_id('alice'), 'openai', null)$$,
  '42501', null, 'anon cannot call update_api_key_last_used'
);

select * from finish();
rollback;
