begin;
\ir ../helpers.psql
select plan(38);

select tests.create_user('alice');
select tests.create_user('bob');

-- Fixtures, as the owner of the tables: a test service with two prices, changing at
-- 2025-06-01, and one service with no price.
insert into public.vendor_services (id, vendor_id, service_name, display_name)
values ('openai_pgtap_model', 'openai', 'pgtap-model', 'pgTAP model');
insert into public.service_prices (
  id, service_id, input_per_million, cached_input_per_million, output_per_million,
  reasoning_per_million, per_request, valid_from, valid_until
) values
('openai_pgtap_model_old', 'openai_pgtap_model', 2.5, 1.25, 10, null, null, '2025-01-01Z', '2025-06-01Z'),
('openai_pgtap_model_new', 'openai_pgtap_model', 0.075, 0.0375, 0.3, 0.3, 0.000125, '2025-06-01Z', null);
insert into public.ai_agents (id, name, vendor_id, service_id, user_id) values
('a0000000-0000-4000-8000-000000000001', 'Alice agent', 'openai', 'openai_pgtap_model', tests.get_user_id('alice')),
('a0000000-0000-4000-8000-000000000002', 'Alice other agent', 'anthropic', null, tests.get_user_id('alice')),
('b0000000-0000-4000-8000-000000000001', 'Bob agent', 'openai', 'openai_pgtap_model', tests.get_user_id('bob'));
insert into public.ai_interactions (id, agent_id, title, user_id, input_tokens, output_tokens, total_cost) values
('a1000000-0000-4000-8000-000000000001', 'a0000000-0000-4000-8000-000000000001', 'Session', tests.get_user_id('alice'), 9, 9, 9),
('a1000000-0000-4000-8000-000000000002', 'a0000000-0000-4000-8000-000000000001', 'No calls', tests.get_user_id('alice'), 40, 2, 0.5),
('b1000000-0000-4000-8000-000000000001', 'b0000000-0000-4000-8000-000000000001', 'Bob session', tests.get_user_id('bob'), 0, 0, null);

-- Structure.
select has_table('public', 'model_calls', 'model_calls exists');
select col_type_is('public', 'model_calls', 'cost', 'numeric(24,12)', 'a call''s cost is an exact decimal');
select has_function('public', 'record_model_call', 'record_model_call exists');
select has_function('public', 'record_model_calls', array['jsonb'], 'record_model_calls exists');

-- The owner records, priced at the price valid at the start.
select tests.authenticate_as('alice');
select is(
  (select r.cost from public.record_model_call(
    agent_id => 'a0000000-0000-4000-8000-000000000001', input_tokens => 1000,
    cached_input_tokens => 333, output_tokens => 77,
    interaction_id => 'a1000000-0000-4000-8000-000000000001',
    started_at => '2025-05-31 23:59:59.999999Z', idempotency_key => 'call-1'
  ) as r),
  0.00368625::numeric,
  'the old price applies until its last instant: (1000 * 2.5 + 333 * 1.25 + 77 * 10) / 10^6'
);
select is(
  (select r.cost from public.record_model_call(
    agent_id => 'a0000000-0000-4000-8000-000000000001', input_tokens => 1,
    cached_input_tokens => 1, output_tokens => 1, reasoning_tokens => 3,
    interaction_id => 'a1000000-0000-4000-8000-000000000001',
    started_at => '2025-06-01Z', idempotency_key => 'call-2'
  ) as r),
  0.0001263125::numeric,
  'the new price applies from its first instant, (0.075 + 0.0375 + 0.3 + 3 * 0.3) / 10^6 + 0.000125 per request'
);
select results_eq(
  $$select user_id, vendor_id, service_id, price_id, cost_supplied from public.model_calls
    where idempotency_key = 'call-2'$$,
  $$values (tests.get_user_id('alice'), 'openai'::text, 'openai_pgtap_model'::text,
    'openai_pgtap_model_new'::text, false)$$,
  'the call records its owner, the agent''s vendor and service at the time, and its price'
);
select is(
  (select r.id from public.record_model_call(
    agent_id => 'a0000000-0000-4000-8000-000000000001', input_tokens => 999999,
    interaction_id => 'a1000000-0000-4000-8000-000000000001',
    idempotency_key => 'call-1'
  ) as r),
  (
    select id from public.model_calls
    where idempotency_key = 'call-1'
  ),
  'recording the same key again returns the first record'
);
select is(
  (
    select count(*)::integer from public.model_calls
    where idempotency_key = 'call-1'
  ),
  1,
  '... and counts it once'
);
select is(
  (select r.cost from public.record_model_call(
    agent_id => 'a0000000-0000-4000-8000-000000000001', output_tokens => 5, cost => 0.123456789012,
    interaction_id => 'a1000000-0000-4000-8000-000000000001'
  ) as r),
  0.123456789012::numeric,
  'a supplied cost is kept as given'
);
select results_eq(
  $$select cost_supplied, price_id from public.model_calls where cost = 0.123456789012$$,
  $$values (true, null::text)$$,
  '... and marked supplied, with no price'
);
select results_eq(
  $$select input_tokens, output_tokens, total_cost from public.ai_interactions
    where id = 'a1000000-0000-4000-8000-000000000001'$$,
  $$select sum(input_tokens + cached_input_tokens + cache_write_tokens)::integer,
      sum(output_tokens + reasoning_tokens)::integer, round(sum(cost), 8)
    from public.model_calls where interaction_id = 'a1000000-0000-4000-8000-000000000001'$$,
  'the interaction''s totals are the sums of its calls (its own earlier totals replaced)'
);
select results_eq(
  $$select input_tokens, output_tokens, total_cost from public.ai_interactions
    where id = 'a1000000-0000-4000-8000-000000000002'$$,
  $$values (40, 2, 0.5::numeric)$$,
  'an interaction without calls keeps its own totals'
);

-- Unpriced calls: never a silent 0.
select is(
  (select r.cost from public.record_model_call(
    agent_id => 'a0000000-0000-4000-8000-000000000002', input_tokens => 10
  ) as r),
  null,
  'a call of an agent with no service (nothing to price) has a null cost'
);
select is(
  (select r.cost from public.record_model_call(
    agent_id => 'a0000000-0000-4000-8000-000000000001', input_tokens => 10,
    started_at => '2024-12-31Z'
  ) as r),
  null,
  'a call before any price of its service has a null cost'
);
select is(
  (select r.cost from public.record_model_call(
    agent_id => 'a0000000-0000-4000-8000-000000000001', reasoning_tokens => 10,
    started_at => '2025-02-01Z'
  ) as r),
  null,
  'tokens of a kind the price leaves unpriced make the call unpriced'
);

-- Refusals: stable codes naming the field, never the value, nothing written.
select throws_ok(
  $$select public.record_model_call(agent_id => 'b0000000-0000-4000-8000-000000000001')$$,
  'PT404', 'agent_id: no agent with this id is visible to you',
  'another user''s agent is not found'
);
select throws_ok(
  $$select public.record_model_call(agent_id => 'a0000000-0000-4000-8000-000000000001',
    interaction_id => 'b1000000-0000-4000-8000-000000000001')$$,
  'PT404', 'interaction_id: no interaction with this id is visible to you',
  'another user''s interaction is not found'
);
select throws_ok(
  $$select public.record_model_call(agent_id => 'a0000000-0000-4000-8000-000000000002',
    interaction_id => 'a1000000-0000-4000-8000-000000000001')$$,
  '22023', 'interaction_id: belongs to another agent',
  'an interaction of another agent is refused'
);
select throws_ok(
  $$select public.record_model_call(agent_id => 'a0000000-0000-4000-8000-000000000001', output_tokens => -1)$$,
  '22023', 'output_tokens: must not be negative',
  'negative tokens are refused, naming the field'
);
select throws_ok(
  $$select public.record_model_call(agent_id => 'a0000000-0000-4000-8000-000000000001', model_name => 'secret value')$$,
  '22023', 'model_name: must be 1 to 200 characters without whitespace',
  'the message never quotes the value'
);
select throws_ok(
  $$select public.record_model_call(agent_id => 'a0000000-0000-4000-8000-000000000001', started_at => now() + interval '2 days')$$,
  '22023', 'started_at: must be at most one day ahead of the server clock',
  'a start more than a day ahead is refused'
);
select throws_ok(
  $$select public.record_model_calls('[{"agent_id": "a0000000-0000-4000-8000-000000000001"},
    {"agent_id": "a0000000-0000-4000-8000-000000000001", "input_tokens": "many"}]')$$,
  '22023', 'calls[1].input_tokens: must be an integer',
  'a batch names the entry and field at fault'
);
select is(
  (select count(*)::integer from public.model_calls),
  6,
  'refused calls, and the whole refused batch, wrote nothing'
);
select is(
  (select count(*)::integer from public.record_model_calls(jsonb_build_array(
    jsonb_build_object(
      'agent_id', 'a0000000-0000-4000-8000-000000000001', 'input_tokens', 1,
      'interaction_id', 'a1000000-0000-4000-8000-000000000001'
    ),
    jsonb_build_object(
      'agent_id', 'a0000000-0000-4000-8000-000000000002', 'status', 'failed',
      'error_code', 'rate_limited'
    )
  ))),
  2,
  'a batch records every call'
);
select throws_ok(
  $$insert into public.model_calls (agent_id, user_id, vendor_id)
    values ('a0000000-0000-4000-8000-000000000001', auth.uid(), 'openai')$$,
  '42501', null, 'the owner cannot insert a call directly'
);
select throws_ok(
  $$update public.model_calls set cost = 0 where true$$,
  '42501', null, 'nor change one'
);
select throws_ok(
  $$delete from public.model_calls where true$$,
  '42501', null, 'nor delete one'
);

-- The batch: rows back in the order given; a key repeated in one batch is recorded once.
select results_eq(
  $$select r.input_tokens, r.idempotency_key from public.record_model_calls(jsonb_build_array(
      jsonb_build_object('agent_id', 'a0000000-0000-4000-8000-000000000001', 'input_tokens', 3,
        'idempotency_key', 'batch-b'),
      jsonb_build_object('agent_id', 'a0000000-0000-4000-8000-000000000001', 'input_tokens', 1,
        'idempotency_key', 'batch-a'),
      jsonb_build_object('agent_id', 'a0000000-0000-4000-8000-000000000001', 'input_tokens', 2,
        'idempotency_key', 'batch-b'))) as r$$,
  $$values (3, 'batch-b'::text), (1, 'batch-a'), (3, 'batch-b')$$,
  'a batch returns its rows in order, a repeated key as its first record'
);
select is(
  (
    select count(*)::integer from public.model_calls
    where idempotency_key like 'batch-%'
  ),
  2,
  '... recorded once per key'
);
select throws_ok(
  $$select public.record_model_calls(jsonb_build_array(
      jsonb_build_object('agent_id', 'a0000000-0000-4000-8000-000000000001'),
      jsonb_build_object('agent_id', 'b0000000-0000-4000-8000-000000000001')))$$,
  'PT404', 'calls[1].agent_id: no agent with this id is visible to you',
  'a batch naming another user''s agent is refused whole, naming the entry'
);
select is(
  (
    select count(*)::integer from public.model_calls
    where user_id in (tests.get_user_id('alice'), tests.get_user_id('bob'))
  ),
  10,
  'a refused batch writes nothing'
);

-- Other users, anon, anonymous sign-ins, service_role.
select tests.authenticate_as('bob');
select is_empty($$select from public.model_calls$$, 'bob sees none of alice''s calls');
select tests.authenticate_as_anon();
select throws_ok(
  $$select public.record_model_call(agent_id => 'a0000000-0000-4000-8000-000000000001')$$,
  '42501', null, 'anon records nothing'
);
select tests.clear_authentication();
select set_config('role', 'authenticated', true);
select set_config('request.jwt.claims', json_build_object(
  'sub', tests.get_user_id('alice'), 'role', 'authenticated', 'is_anonymous', true
)::text, true);
select throws_ok(
  $$select public.record_model_call(agent_id => 'a0000000-0000-4000-8000-000000000001')$$,
  '42501', 'record_model_call: anonymous users may not record model calls',
  'an anonymous sign-in records nothing'
);
select tests.clear_authentication();
update public.vendor_services set is_active = false
where id = 'openai_pgtap_model';
select tests.authenticate_as('alice');
select throws_ok(
  $$select public.record_model_call(agent_id => 'a0000000-0000-4000-8000-000000000001')$$,
  '23503', 'service_id: no vendor service with this id is visible to you',
  'a client cannot record a call of a deactivated service'
);
select tests.authenticate_as_service_role();
select is(
  (select r.user_id from public.record_model_call(
    agent_id => 'b0000000-0000-4000-8000-000000000001', input_tokens => 4,
    interaction_id => 'b1000000-0000-4000-8000-000000000001'
  ) as r),
  tests.get_user_id('bob'),
  'service_role records for any user''s agent (a deactivated service too), as its owner'
);
select is(
  (
    select count(*)::integer from public.model_calls
    where user_id in (tests.get_user_id('alice'), tests.get_user_id('bob'))
  ),
  11,
  'service_role reads every call, alice''s and bob''s'
);

select * from finish();
rollback;
