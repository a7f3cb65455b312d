begin;
\ir ../helpers.psql
select plan(28);

select tests.create_user('alice');
select tests.create_user('bob');
insert into public.ai_agents (id, user_id, name, vendor_id, service_id) values
('00000000-0000-4000-8000-0000000000a1', tests.get_user_id('alice'), 'a1', 'openai', 'openai_gpt4o'),
('00000000-0000-4000-8000-0000000000a2', tests.get_user_id('alice'), 'a2', 'anthropic', 'anthropic_claude_sonnet_4_5'),
('00000000-0000-4000-8000-0000000000b1', tests.get_user_id('bob'), 'b1', 'openai', 'openai_gpt4o');
insert into public.budgets (id, user_id, name, scope, agent_id, vendor_id, period, limit_amount, is_hard)
values
('00000000-0000-4000-8000-00000000b001', tests.get_user_id('alice'), 'all daily', 'all', null, null, 'day', 10, true),
('00000000-0000-4000-8000-00000000b002', tests.get_user_id('alice'), 'a2 monthly', 'agent', '00000000-0000-4000-8000-0000000000a2', null, 'month', 1, true),
('00000000-0000-4000-8000-00000000b003', tests.get_user_id('alice'), 'openai soft', 'vendor', null, 'openai', 'month', 0.01, false);

select tests.authenticate_as('alice');
select is(
  (select estimated_cost from public.admit_model_call('00000000-0000-4000-8000-0000000000a1', 6)),
  6::numeric, 'admitted: 0 + 0 + 6 <= 10 (a soft budget passed long ago gates nothing)'
);
select is(
  (
    select row(vendor_id, service_id, settled_at, expires_at - now())::text
    from public.budget_reservations limit 1
  ),
  row('openai', 'openai_gpt4o', null::timestamptz, interval '300 seconds')::text,
  'the reservation names the agent''s vendor and service, open for 300 s by default'
);
select throws_ok(
  $$select public.admit_model_call('00000000-0000-4000-8000-0000000000a1', 4.000000000001)$$,
  'PT402',
  'budget 00000000-0000-4000-8000-00000000b001 (all daily): the estimated cost would exceed its limit',
  'refused with PT402 naming the budget: 0 + 6 + 4.000000000001 > 10'
);
select lives_ok(
  $$select public.admit_model_call('00000000-0000-4000-8000-0000000000a1', 4)$$,
  'exactly at the limit is admitted'
);
select throws_ok(
  $$select public.admit_model_call('00000000-0000-4000-8000-0000000000a1', 0.000000000001)$$,
  'PT402', null, 'nothing more fits'
);
select is(
  (select count(*)::integer from public.budget_reservations), 2, 'a refusal reserves nothing'
);

-- Several hard budgets: each must admit (a2 is under "all daily" and "a2 monthly").
select tests.clear_authentication();
update public.budget_reservations set settled_at = now(), model_call_id = gen_random_uuid(), actual_cost = 0
where user_id = tests.get_user_id('alice');
select tests.authenticate_as('alice');
select throws_ok(
  $$select public.admit_model_call('00000000-0000-4000-8000-0000000000a2', 1.5)$$,
  'PT402',
  'budget 00000000-0000-4000-8000-00000000b002 (a2 monthly): the estimated cost would exceed its limit',
  'the agent''s own budget refuses what "all" would admit'
);
select lives_ok(
  $$select public.admit_model_call('00000000-0000-4000-8000-0000000000a2', 1)$$,
  'within both'
);

-- Settling: the real cost counts, the reservation closes.
select tests.clear_authentication();
update public.budget_reservations set settled_at = now(), model_call_id = gen_random_uuid(), actual_cost = 0
where user_id = tests.get_user_id('alice') and settled_at is null;
select tests.authenticate_as('alice');
create temporary table r on commit drop as
select * from public.admit_model_call('00000000-0000-4000-8000-0000000000a1', 3);
grant select on r to authenticated;
create temporary table c on commit drop as
select * from public.record_model_call(
  agent_id => '00000000-0000-4000-8000-0000000000a1', cost => 3.5, reservation_id => (select id from r)
);
select results_eq(
  $$select settled_at is not null, actual_cost, model_call_id from public.budget_reservations where id = (select id from r)$$,
  $$select true, 3.5::numeric, id from c$$,
  'record_model_call settles the reservation with the real cost'
);
select results_eq(
  $$select spent, reserved, remaining from public.get_budget_status() where name = 'all daily'$$,
  $$values (3.5::numeric, 0::numeric, 6.5::numeric)$$,
  'the status: spent the real cost, nothing reserved'
);
select throws_ok(
  $$select public.record_model_call(agent_id => '00000000-0000-4000-8000-0000000000a1', cost => 1, reservation_id => (select id from r))$$,
  '22023', 'reservation_id: already settled by another model call',
  'a reservation settles one call'
);
select throws_ok(
  $$select public.record_model_call(agent_id => '00000000-0000-4000-8000-0000000000a2', cost => 1,
      reservation_id => (select id from public.admit_model_call('00000000-0000-4000-8000-0000000000a1', 0)))$$,
  '22023', 'reservation_id: was admitted for another agent', 'the call must be the admitted agent''s'
);
select throws_ok(
  $$select public.record_model_call(agent_id => '00000000-0000-4000-8000-0000000000a1', cost => 1,
      reservation_id => '00000000-0000-4000-8000-00000000dead')$$,
  'PT404', 'reservation_id: no reservation with this id is visible to you', 'an unknown reservation'
);
select throws_ok(
  $$select public.record_model_calls(jsonb_build_array(jsonb_build_object(
      'agent_id', '00000000-0000-4000-8000-0000000000a1', 'reservation_id', '00000000-0000-4000-8000-00000000dead')))$$,
  'PT404', 'calls[0].reservation_id: no reservation with this id is visible to you',
  'in a batch (of one too) the refusal names the entry'
);
select throws_ok(
  $$select public.record_model_calls('[{"agent_id": "00000000-0000-4000-8000-0000000000a1", "reservation_id": 5}]')$$,
  '22023', 'calls[0].reservation_id: must be a UUID', 'a batch checks the type of reservation_id'
);

-- A retry (same idempotency key) returns the first record and settles nothing twice.
create temporary table r2 on commit drop as
select * from public.admit_model_call('00000000-0000-4000-8000-0000000000a1', 1);
grant select on r2 to authenticated;
select lives_ok(
  $$select public.record_model_calls(jsonb_build_array(jsonb_build_object(
      'agent_id', '00000000-0000-4000-8000-0000000000a1', 'cost', 0.5, 'idempotency_key', 'k1',
      'reservation_id', (select id from r2))))$$,
  'a batch entry settles its reservation'
);
select lives_ok(
  $$select public.record_model_call(agent_id => '00000000-0000-4000-8000-0000000000a1', cost => 0.5,
      idempotency_key => 'k1', reservation_id => (select id from r2))$$,
  'retrying the same call with the same reservation is a no-op'
);
select is(
  (
    select count(*)::integer from public.model_calls
    where idempotency_key = 'k1'
  ), 1,
  'the retry counted once'
);

-- Expiry: an open reservation past expires_at stops counting, with no job.
select results_eq(
  $$select spent, reserved from public.get_budget_status() where name = 'all daily'$$,
  $$values (4::numeric, 0::numeric)$$, 'before: spent 3.5 + 0.5'
);
create temporary table r3 on commit drop as
select * from public.admit_model_call('00000000-0000-4000-8000-0000000000a1', 6, ttl_seconds => 1);
select throws_ok(
  $$select public.admit_model_call('00000000-0000-4000-8000-0000000000a1', 0.1)$$,
  'PT402', null, 'while it is open, 4 + 6 leaves no room'
);
select tests.clear_authentication();
update public.budget_reservations
set created_at = now() - interval '2 minutes', expires_at = now() - interval '1 minute'
where id = (select id from r3);
select tests.authenticate_as('alice');
select lives_ok(
  $$select public.admit_model_call('00000000-0000-4000-8000-0000000000a1', 6)$$,
  'once expired it no longer counts'
);

-- Arguments and callers.
select throws_ok(
  $$select public.admit_model_call('00000000-0000-4000-8000-0000000000a1', -1)$$,
  '22023', 'estimated_cost: must be a number from 0 to less than 10^12', 'a negative estimate'
);
select throws_ok(
  $$select public.admit_model_call('00000000-0000-4000-8000-0000000000a1', null)$$,
  '22004', 'estimated_cost: required', 'a missing estimate'
);
select throws_ok(
  $$select public.admit_model_call('00000000-0000-4000-8000-0000000000a1', 1, ttl_seconds => 0)$$,
  '22023', 'ttl_seconds: must be from 1 to 86400', 'a zero ttl'
);
select throws_ok(
  $$select public.admit_model_call('00000000-0000-4000-8000-0000000000b1', 1)$$,
  'PT404', 'agent_id: no agent with this id is visible to you', 'another user''s agent is unknown'
);
select throws_ok(
  $$select private.hard_budget_reached(tests.get_user_id('bob'))$$,
  '42501', null, 'a client asks hard_budget_reached only about themselves'
);
select tests.clear_authentication();
select tests.authenticate_as_service_role();
select results_eq(
  $$select private.hard_budget_reached(tests.get_user_id('alice')), private.hard_budget_reached(tests.get_user_id('bob'))$$,
  $$values (false, false)$$, 'no hard budget is spent yet (reservations do not count)'
);
select public.record_model_call(agent_id => '00000000-0000-4000-8000-0000000000a1', cost => 6);
select is(
  private.hard_budget_reached(tests.get_user_id('alice')), true,
  'spent 10 of 10: reached (recording without a reservation still counts)'
);

select * from finish();
rollback;
