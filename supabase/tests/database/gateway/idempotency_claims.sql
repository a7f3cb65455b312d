begin;
\ir ../helpers.psql
select plan(14);

select tests.create_user('alice');
select tests.create_user('bob');

-- The table: RLS on, nothing granted to any API role (only the definer functions write it).
select ok(
  (
    select c.relrowsecurity from pg_class as c
    where c.oid = 'private.idempotency_key_claims'::regclass
  ),
  'idempotency_key_claims has RLS enabled'
);
select ok(
  not exists (
    select from unnest(array['anon', 'authenticated', 'service_role']) as r (role)
    where has_table_privilege(r.role, 'private.idempotency_key_claims', 'select, insert, update, delete')
  ),
  'no API role holds any privilege on idempotency_key_claims'
);

select tests.authenticate_as('alice');
select is(public.claim_idempotency_key('k1'), true, 'alice claims k1');
select is(public.claim_idempotency_key('k1'), false, 'a second claim of k1 is refused while held');
select throws_ok(
  format($$select public.claim_idempotency_key('k2', user_id => %L)$$, tests.get_user_id('bob')),
  '42501', 'user_id: you may name only yourself', 'alice cannot claim bob''s keys'
);
select throws_ok(
  $$select public.claim_idempotency_key('k2', ttl_seconds => 0)$$,
  '22023', 'ttl_seconds: must be from 1 to 86400', 'a ttl out of range is refused naming the field'
);

select tests.authenticate_as('bob');
select is(public.claim_idempotency_key('k1'), true, 'bob''s k1 is another key');
select is(public.release_idempotency_key('k1'), true, 'bob releases his own k1');

select tests.authenticate_as('alice');
select is(public.release_idempotency_key('k1'), true, 'alice''s k1 was still held: bob released his own');
select is(public.claim_idempotency_key('k1'), true, 'released, k1 can be claimed again');

select tests.authenticate_as_anon();
select throws_ok(
  $$select public.claim_idempotency_key('k1')$$, '42501', null, 'anon cannot claim'
);

select tests.authenticate_as_service_role();
select throws_ok(
  $$select public.claim_idempotency_key('k3')$$,
  '22004', 'user_id: required with the service_role key', 'service_role must name the user'
);
select is(
  public.claim_idempotency_key('k3', user_id => tests.get_user_id('bob')), true,
  'service_role claims for bob'
);
select tests.clear_authentication();
select is(
  (
    select array_agg(idempotency_key order by idempotency_key)
    from private.idempotency_key_claims
    where user_id = tests.get_user_id('bob')
  ),
  array['k3'],
  'bob holds only the key service_role claimed for him'
);

select * from finish();
rollback;
