begin;
\ir ../helpers.psql
select plan(11);

-- The monthly breakdown (20261204010000): the table and its trigger functions are closed to
-- API roles; its rows are the sums of the daily rows whatever writes them; the cost
-- breakdown of a month reads it, less its stale days, plus their events.
select tests.create_user('alice');
select tests.create_user('bob');
insert into public.ai_agents (id, user_id, name, vendor_id, service_id) values
('00000000-0000-4000-8000-0000000000e1', tests.get_user_id('alice'), 'monthly', 'openai', 'openai_gpt4o');

select ok(
  (
    select c.relrowsecurity from pg_class as c
    where c.oid = 'private.usage_breakdown_monthly'::regclass
  ),
  'usage_breakdown_monthly has RLS enabled'
);
select ok(
  not exists (
    select from unnest(array['anon', 'authenticated', 'service_role']) as r (role)
    where
      has_table_privilege(
        r.role, 'private.usage_breakdown_monthly', 'select, insert, update, delete'
      )
      or has_function_privilege(r.role, 'private.usage_breakdown_daily_added()', 'execute')
      or has_function_privilege(r.role, 'private.usage_breakdown_daily_removed()', 'execute')
      or has_function_privilege(r.role, 'private.usage_breakdown_daily_emptied()', 'execute')
  ),
  'no API role may read or write the monthly rows, or call their trigger functions'
);

-- Two calls on two days of October 2026 and one on November 3rd, rolled up.
select tests.authenticate_as('alice');
select public.record_model_call(
  agent_id => '00000000-0000-4000-8000-0000000000e1', input_tokens => 100, cost => 1,
  started_at => '2026-10-05 12:00Z'
);
select public.record_model_call(
  agent_id => '00000000-0000-4000-8000-0000000000e1', input_tokens => 200, cost => 2,
  started_at => '2026-10-20 12:00Z'
);
select public.record_model_call(
  agent_id => '00000000-0000-4000-8000-0000000000e1', input_tokens => 400, cost => 4,
  started_at => '2026-11-03 12:00Z'
);
select tests.clear_authentication();
select tests.authenticate_as_service_role();
select public.refresh_usage_rollups();
select tests.clear_authentication();

select results_eq(
  $$
    select m.month, m.daily_rows, m.calls, m.input_tokens, m.cost
    from private.usage_breakdown_monthly as m
    where m.user_id = tests.get_user_id('alice')
    order by m.month
  $$,
  $$
    values
    ('2026-10-01'::date, 2::bigint, 2::bigint, 300::bigint, 3::numeric),
    ('2026-11-01'::date, 1::bigint, 1::bigint, 400::bigint, 4::numeric)
  $$,
  'each month sums its days'
);

-- The month as the user reads it, fresh, then with a day stale (the call of October 20th
-- deleted, not refreshed yet): the ledger replaces that day's rollup.
select tests.authenticate_as('alice');
select is(
  (
    select array[b.calls, b.input_tokens]::bigint [] || array[b.cost::bigint]
    from public.get_cost_breakdown('month', 'total', '2026-10-01', '2026-10-31') as b
  ),
  array[2, 300, 3]::bigint [],
  'October from its monthly row'
);
select tests.clear_authentication();
delete from public.model_calls
where user_id = tests.get_user_id('alice') and started_at = '2026-10-20 12:00Z';
select tests.authenticate_as('alice');
select is(
  (
    select array[b.calls, b.input_tokens]::bigint [] || array[b.cost::bigint]
    from public.get_cost_breakdown('month', 'total', '2026-10-01', '2026-10-31') as b
  ),
  array[1, 100, 1]::bigint [],
  'October less its stale day, plus that day''s events (none left)'
);
select is(
  (
    select count(*)::integer
    from public.get_cost_breakdown('month', 'model', '2026-10-01', '2026-10-31')
  ),
  1,
  'one group: the model still used on a fresh day'
);
select throws_ok(
  $$ select * from private.usage_breakdown_monthly $$,
  '42501', null,
  'the signed-in user cannot read the monthly rows'
);
select tests.clear_authentication();

select tests.authenticate_as('bob');
select is_empty(
  $$ select * from public.get_cost_breakdown('month', 'total', '2026-10-01', '2026-10-31') $$,
  'another user sees nothing of alice''s months'
);
select tests.clear_authentication();

-- The refresh writes the day again: the month follows, and a month left without days goes.
select tests.authenticate_as_service_role();
select public.refresh_usage_rollups();
select tests.clear_authentication();
select results_eq(
  $$
    select m.month, m.daily_rows, m.calls, m.cost
    from private.usage_breakdown_monthly as m
    where m.user_id = tests.get_user_id('alice')
    order by m.month
  $$,
  $$
    values
    ('2026-10-01'::date, 1::bigint, 1::bigint, 1::numeric),
    ('2026-11-01'::date, 1::bigint, 1::bigint, 4::numeric)
  $$,
  'the refresh subtracts the deleted day''s call'
);
delete from private.usage_breakdown_daily
where user_id = tests.get_user_id('alice') and day >= '2026-11-01';
select is(
  (
    select count(*)::integer from private.usage_breakdown_monthly
    where user_id = tests.get_user_id('alice') and month = '2026-11-01'
  ),
  0,
  'a month without daily rows has no row'
);
delete from auth.users
where id = tests.get_user_id('alice');
select is(
  (select count(*)::integer from private.usage_breakdown_monthly),
  0,
  'a deleted user''s months go with them'
);

select * from finish();
rollback;
