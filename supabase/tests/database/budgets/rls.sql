begin;
\ir ../helpers.psql
select plan(29);

select tests.create_user('alice');
select tests.create_user('bob');
insert into public.ai_agents (id, user_id, name, vendor_id, service_id) values
('00000000-0000-4000-8000-0000000000a1', tests.get_user_id('alice'), 'a', 'openai', 'openai_gpt4o'),
('00000000-0000-4000-8000-0000000000b1', tests.get_user_id('bob'), 'b', 'openai', 'openai_gpt4o');

-- The owner creates, reads, changes and deletes budgets; the defaults are the issue's.
select tests.authenticate_as('alice');
insert into public.budgets (name, limit_amount) values ('monthly', 10);
select results_eq(
  $$select scope, period, thresholds, is_hard, user_id from public.budgets$$,
  $$values ('all', 'month', '{50,80,100}'::numeric [], false, tests.get_user_id('alice'))$$,
  'a budget defaults to all usage, a month, 50/80/100 %, soft, the caller''s'
);
insert into public.budgets (name, scope, agent_id, period, limit_amount, is_hard)
values ('agent daily', 'agent', '00000000-0000-4000-8000-0000000000a1', 'day', 1, true);
update public.budgets set limit_amount = 12.5, thresholds = '{90}'
where name = 'monthly';
select is(
  (
    select limit_amount from public.budgets
    where name = 'monthly'
  ), 12.5::numeric,
  'the owner changes the limit'
);
select throws_ok(
  $$update public.budgets set period = 'day' where name = 'monthly'$$, '42501', null,
  'the period is fixed once created'
);
select throws_ok(
  $$update public.budgets set scope = 'vendor', vendor_id = 'openai' where name = 'monthly'$$,
  '42501', null, 'the scope is fixed once created'
);
select throws_ok(
  $$insert into public.budgets (name, scope, agent_id, limit_amount)
    values ('bob''s agent', 'agent', '00000000-0000-4000-8000-0000000000b1', 1)$$,
  '42501', null, 'a budget on another user''s agent is refused'
);
select throws_ok(
  format(
    'insert into public.budgets (user_id, name, limit_amount) values (%L, %L, 1)',
    tests.get_user_id('bob'), 'for bob'
  ),
  '42501', null, 'a budget for another user is refused'
);
select throws_ok(
  $$insert into public.budgets (id, name, limit_amount)
    values ('00000000-0000-4000-8000-00000000cafe', 'chosen id', 1)$$,
  '42501', null, 'clients do not choose ids'
);

-- Checks: named, with the field in their name.
select throws_ok(
  $$insert into public.budgets (name, scope, limit_amount) values ('x', 'agent', 1)$$,
  '23514', 'new row for relation "budgets" violates check constraint "budgets_scope_target"',
  'an agent scope needs its agent'
);
select throws_ok(
  $$insert into public.budgets (name, vendor_id, limit_amount) values ('x', 'openai', 1)$$,
  '23514', null, 'scope all names no vendor'
);
select throws_ok(
  $$insert into public.budgets (name, period, limit_amount) values ('x', 'year', 1)$$,
  '23514', 'new row for relation "budgets" violates check constraint "budgets_period_valid"',
  'an unknown period is refused'
);
select throws_ok(
  $$insert into public.budgets (name, limit_amount) values ('x', -1)$$,
  '23514', 'new row for relation "budgets" violates check constraint "budgets_limit_amount_valid"',
  'a negative limit is refused'
);
select throws_ok(
  $$insert into public.budgets (name, limit_amount) values ('x', 0.0000000000001)$$,
  '23514', null, 'a limit with more than 12 decimals is refused, not rounded'
);
select throws_ok(
  $$insert into public.budgets (name, limit_amount) values ('x', 'NaN')$$,
  '23514', null, 'NaN is refused'
);
select throws_ok(
  $$insert into public.budgets (name, limit_amount, thresholds) values ('x', 1, '{50,50}')$$,
  '23514', 'new row for relation "budgets" violates check constraint "budgets_thresholds_valid"',
  'duplicate thresholds are refused'
);
select throws_ok(
  $$insert into public.budgets (name, limit_amount, thresholds) values ('x', 1, '{0}')$$,
  '23514', null, 'a threshold of 0 is refused'
);
select throws_ok(
  $$insert into public.budgets (name, limit_amount, thresholds) values ('x', 1, '{50,null}')$$,
  '23514', null, 'a null threshold is refused'
);
select throws_ok(
  $$insert into public.budgets (name, limit_amount) values (' ', 1)$$,
  '23514', null, 'a blank name is refused'
);
select throws_ok(
  $$insert into public.budgets (name, limit_amount) values ('monthly', 1)$$,
  '23505', null, 'one name per user'
);
select lives_ok(
  $$insert into public.budgets (name, limit_amount, thresholds) values ('quiet', 1, '{}')$$,
  'no thresholds at all is allowed (no alerts)'
);

-- Another user sees and changes nothing of alice's.
select tests.authenticate_as('bob');
select is_empty($$select from public.budgets$$, 'bob does not see alice''s budgets');
update public.budgets set limit_amount = 0;
delete from public.budgets;
select tests.clear_authentication();
select is(
  (
    select count(*)::integer from public.budgets
    where limit_amount > 0
  ), 3,
  'bob''s update and delete changed nothing'
);

-- anon and anonymous sign-ins: nothing.
select tests.authenticate_as_anon();
select throws_ok($$select from public.budgets$$, '42501', null, 'anon reads no budgets');
select throws_ok($$select from public.budget_alerts$$, '42501', null, 'anon reads no alerts');
select throws_ok(
  $$select from public.budget_reservations$$, '42501', null, 'anon reads no reservations'
);
select tests.clear_authentication();
select set_config('role', 'authenticated', true);
select set_config('request.jwt.claims', json_build_object(
  'sub', tests.get_user_id('alice'), 'role', 'authenticated', 'is_anonymous', true
)::text, true);
select is_empty($$select from public.budgets$$, 'an anonymous sign-in reads no budget');
select tests.clear_authentication();

-- Reservations and alerts are written by functions only.
select tests.authenticate_as('alice');
select throws_ok(
  $$insert into public.budget_reservations (user_id, agent_id, vendor_id, estimated_cost, expires_at)
    values (auth.uid(), '00000000-0000-4000-8000-0000000000a1', 'openai', 0, now() + interval '1 hour')$$,
  '42501', null, 'clients cannot insert reservations'
);
select throws_ok(
  $$insert into public.budget_alerts (budget_id, user_id, threshold, spent, limit_amount)
    select id, user_id, 1, 1, 1 from public.budgets limit 1$$,
  '42501', null, 'clients cannot insert alerts'
);
select throws_ok(
  $$update public.budget_alerts set threshold = 1$$, '42501', null,
  'clients update only acknowledged_at of alerts'
);
select tests.clear_authentication();

-- service_role manages any user's budgets.
select tests.authenticate_as_service_role();
select lives_ok(
  format(
    'insert into public.budgets (user_id, name, limit_amount) values (%L, %L, 5)',
    tests.get_user_id('bob'), 'bob''s monthly'
  ),
  'service_role creates a budget for any user'
);

select * from finish();
rollback;
