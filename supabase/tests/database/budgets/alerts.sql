begin;
\ir ../helpers.psql
select plan(15);

select tests.create_user('alice');
select tests.create_user('bob');
insert into public.ai_agents (id, user_id, name, vendor_id, service_id) values
('00000000-0000-4000-8000-0000000000a1', tests.get_user_id('alice'), 'a1', 'openai', 'openai_gpt4o');
insert into public.budgets (id, user_id, name, period, limit_amount, thresholds) values
('00000000-0000-4000-8000-00000000b001', tests.get_user_id('alice'), 'monthly', 'month', 10, '{50,80,100}'),
('00000000-0000-4000-8000-00000000b002', tests.get_user_id('alice'), 'lifetime', 'none', 100, '{1}');

select tests.authenticate_as('alice');
select public.record_model_call(agent_id => '00000000-0000-4000-8000-0000000000a1', cost => 4.999999999999);
select is_empty(
  $$select from public.budget_alerts where budget_id = '00000000-0000-4000-8000-00000000b001'$$,
  'just under 50%: no alert'
);
select public.record_model_call(agent_id => '00000000-0000-4000-8000-0000000000a1', cost => 0.000000000001);
select results_eq(
  $$select threshold, spent, limit_amount, period_start, acknowledged_at from public.budget_alerts
    where budget_id = '00000000-0000-4000-8000-00000000b001'$$,
  $$values (50::numeric, 5::numeric, 10::numeric, date_trunc('month', now())::date, null::timestamptz)$$,
  'exactly 50% writes the 50% alert with the spend that reached it, in the same transaction'
);
select results_eq(
  $$select threshold, period_start from public.budget_alerts
    where budget_id = '00000000-0000-4000-8000-00000000b002'$$,
  $$values (1::numeric, null::date)$$,
  'a lifetime budget''s alert has no period'
);
select public.record_model_call(agent_id => '00000000-0000-4000-8000-0000000000a1', cost => 1);
select is(
  (
    select count(*)::integer from public.budget_alerts
    where budget_id = '00000000-0000-4000-8000-00000000b001'
  ),
  1, 'more usage under the next threshold writes nothing again'
);
select public.record_model_calls(jsonb_build_array(
  jsonb_build_object('agent_id', '00000000-0000-4000-8000-0000000000a1', 'cost', 3),
  jsonb_build_object('agent_id', '00000000-0000-4000-8000-0000000000a1', 'cost', 3)
));
select results_eq(
  $$select threshold, spent from public.budget_alerts
    where budget_id = '00000000-0000-4000-8000-00000000b001' order by threshold$$,
  $$values (50::numeric, 5::numeric), (80::numeric, 12::numeric), (100::numeric, 12::numeric)$$,
  'a batch crossing two thresholds writes each once'
);
select tests.clear_authentication();
select throws_ok(
  $$insert into public.budget_alerts (budget_id, user_id, period_start, threshold, spent, limit_amount)
    values ('00000000-0000-4000-8000-00000000b001', tests.get_user_id('alice'), date_trunc('month', now())::date, 50, 1, 1)$$,
  '23505', null, 'the unique key holds one alert per budget, period and threshold'
);

-- A change of limit or thresholds checks the current period at once.
select tests.authenticate_as('alice');
update public.budgets set thresholds = '{50,80,100,110,120}'
where id = '00000000-0000-4000-8000-00000000b001';
select is(
  (
    select array_agg(threshold order by threshold) from public.budget_alerts
    where budget_id = '00000000-0000-4000-8000-00000000b001'
  ),
  '{50,80,100,110,120}'::numeric [], 'new thresholds already reached alert when set'
);
update public.budgets set limit_amount = 11
where id = '00000000-0000-4000-8000-00000000b001';
select is(
  (
    select count(*)::integer from public.budget_alerts
    where budget_id = '00000000-0000-4000-8000-00000000b001'
  ),
  5, 'each alert exists once whatever changes'
);

-- A new budget over a threshold alerts at once (its spend comes from the ledger).
insert into public.budgets (name, period, limit_amount, thresholds) values ('late', 'day', 20, '{50}');
select results_eq(
  $$select a.threshold, a.spent from public.budget_alerts as a
    inner join public.budgets as b on a.budget_id = b.id where b.name = 'late'$$,
  $$values (50::numeric, 12::numeric)$$,
  'a budget created after the usage counts it and alerts'
);

-- Acknowledging: the owner's own, once; nobody else's.
create temporary table a on commit drop as
select id from public.budget_alerts
where threshold = 50 and budget_id = '00000000-0000-4000-8000-00000000b001';
grant select on a to authenticated;
select isnt(
  (select acknowledged_at from public.acknowledge_budget_alert((select id from a))), null,
  'the owner acknowledges an alert'
);
select is(
  (select acknowledged_at from public.acknowledge_budget_alert((select id from a))),
  (
    select b.acknowledged_at from public.budget_alerts as b
    where b.id = (select a.id from a)
  ),
  'acknowledging again returns it unchanged'
);
select tests.authenticate_as('bob');
select throws_ok(
  $$select public.acknowledge_budget_alert((select id from a))$$,
  'PT404', 'alert_id: no budget alert with this id is visible to you',
  'another user''s alert is unknown'
);
update public.budget_alerts set acknowledged_at = null;
select tests.clear_authentication();
select is(
  (
    select count(*)::integer from public.budget_alerts
    where acknowledged_at is not null
  ), 1,
  'bob''s update changed nothing'
);
select tests.authenticate_as('alice');
select throws_ok(
  $$select public.acknowledge_budget_alert(null)$$, '22004', 'alert_id: required', 'a null id'
);

-- Realtime streams the alerts where Supabase's publication exists (nothing is created
-- elsewhere).
select ok(
  not exists (
    select from pg_publication
    where pubname = 'supabase_realtime'
  )
  or exists (
    select from pg_publication_tables
    where pubname = 'supabase_realtime' and schemaname = 'public' and tablename = 'budget_alerts'
  ),
  'budget_alerts is in supabase_realtime wherever that publication exists'
);

select * from finish();
rollback;
