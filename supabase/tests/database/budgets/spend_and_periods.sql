begin;
\ir ../helpers.psql
select plan(23);

select tests.create_user('alice');
select tests.create_user('bob');
insert into public.ai_agents (id, user_id, name, vendor_id, service_id) values
('00000000-0000-4000-8000-0000000000a1', tests.get_user_id('alice'), 'a1', 'openai', 'openai_gpt4o'),
('00000000-0000-4000-8000-0000000000a2', tests.get_user_id('alice'), 'a2', 'anthropic', null),
('00000000-0000-4000-8000-0000000000b1', tests.get_user_id('bob'), 'b1', 'openai', 'openai_gpt4o');
insert into public.user_settings (user_id, time_zone) values
(tests.get_user_id('alice'), 'Pacific/Auckland'),
(tests.get_user_id('bob'), 'America/New_York');
insert into public.budgets (id, user_id, name, scope, agent_id, vendor_id, service_id, period, limit_amount)
values
('00000000-0000-4000-8000-00000000b001', tests.get_user_id('alice'), 'all monthly', 'all', null, null, null, 'month', 100),
('00000000-0000-4000-8000-00000000b002', tests.get_user_id('alice'), 'a1 daily', 'agent', '00000000-0000-4000-8000-0000000000a1', null, null, 'day', 100),
('00000000-0000-4000-8000-00000000b003', tests.get_user_id('alice'), 'openai weekly', 'vendor', null, 'openai', null, 'week', 100),
('00000000-0000-4000-8000-00000000b004', tests.get_user_id('alice'), 'gpt-4o lifetime', 'service', null, null, 'openai_gpt4o', 'none', 100),
('00000000-0000-4000-8000-00000000b005', tests.get_user_id('bob'), 'bob daily', 'all', null, null, null, 'day', 100);

create function tests.spent(budget uuid, first_day date)
returns numeric
language sql
security definer
set search_path = ''
as $$
  select coalesce(
    (select s.spent from private.budget_spend as s where s.budget_id = budget and s.period_start = first_day),
    0
  )
$$;

grant execute on function tests.spent(uuid, date) to authenticated;

-- Auckland (UTC+13 in November): 10:59:59Z on Oct 31 is 23:59:59 local, the last second of
-- October; 11:00Z is November 1st, 00:00.
select tests.authenticate_as('alice');
select public.record_model_call(
  agent_id => '00000000-0000-4000-8000-0000000000a1', cost => 1.000000000001,
  started_at => '2026-10-31 10:59:59.999999Z'
);
select public.record_model_call(
  agent_id => '00000000-0000-4000-8000-0000000000a1', cost => 2, started_at => '2026-10-31 11:00Z'
);
select is(
  tests.spent('00000000-0000-4000-8000-00000000b001', '2026-10-01'), 1.000000000001,
  'month: the last microsecond of October in Auckland counts in October, exactly'
);
select is(
  tests.spent('00000000-0000-4000-8000-00000000b001', '2026-11-01'), 2::numeric,
  'month: local midnight starts November in Auckland (11:00 UTC the day before)'
);
select is(
  tests.spent('00000000-0000-4000-8000-00000000b002', '2026-10-31'), 1.000000000001,
  'day: Oct 31 local'
);
select is(
  tests.spent('00000000-0000-4000-8000-00000000b003', '2026-10-26'), 3.000000000001,
  'week: Monday Oct 26 to Sunday Nov 1 local holds both'
);
select is(
  tests.spent('00000000-0000-4000-8000-00000000b004', '-infinity'), 3.000000000001,
  'lifetime: one period'
);

-- Scopes: a call of agent a2 (anthropic) counts in "all" only.
select public.record_model_calls(jsonb_build_array(
  jsonb_build_object('agent_id', '00000000-0000-4000-8000-0000000000a2', 'cost', 0.5, 'started_at', '2026-11-02 01:00Z'),
  jsonb_build_object('agent_id', '00000000-0000-4000-8000-0000000000a2', 'cost', 0.25, 'started_at', '2026-11-02 02:00Z'),
  jsonb_build_object('agent_id', '00000000-0000-4000-8000-0000000000a1', 'cost', 0.125, 'started_at', '2026-11-02 03:00Z', 'vendor_id', 'anthropic')
));
select is(
  tests.spent('00000000-0000-4000-8000-00000000b001', '2026-11-01'), 2.875,
  'a batch counts every call in "all"'
);
select is(
  tests.spent('00000000-0000-4000-8000-00000000b002', '2026-11-02'), 0.125,
  'the agent budget counts only its agent''s calls'
);
select is(
  tests.spent('00000000-0000-4000-8000-00000000b003', '2026-11-02'), 0::numeric,
  'the vendor budget counts the vendor actually called (a1 calling anthropic is not openai)'
);

-- Interactions without calls count by their own total; edits move it; the first call
-- replaces it; deleting lowers nothing.
-- (clients do not choose ids: the interaction with a known id is inserted as postgres)
select tests.clear_authentication();
insert into public.ai_interactions (id, user_id, agent_id, title, total_cost, started_at)
values ('00000000-0000-4000-8000-0000000001a1', tests.get_user_id('alice'), '00000000-0000-4000-8000-0000000000a1', 'seed way', 0.3, '2026-11-03 00:00Z');
select tests.authenticate_as('alice');
select is(
  tests.spent('00000000-0000-4000-8000-00000000b001', '2026-11-01'), 3.175,
  'an interaction recorded without calls counts by its total_cost'
);
update public.ai_interactions set total_cost = 0.4
where id = '00000000-0000-4000-8000-0000000001a1';
select is(
  tests.spent('00000000-0000-4000-8000-00000000b001', '2026-11-01'), 3.275,
  'editing its total moves the spend'
);
update public.ai_interactions set started_at = '2026-10-15 00:00Z'
where id = '00000000-0000-4000-8000-0000000001a1';
select results_eq(
  $$select tests.spent('00000000-0000-4000-8000-00000000b001', '2026-11-01'),
      tests.spent('00000000-0000-4000-8000-00000000b001', '2026-10-01')$$,
  $$values (2.875, 1.400000000001)$$,
  'moving its start moves its cost to the other period'
);
select public.record_model_call(
  agent_id => '00000000-0000-4000-8000-0000000000a1', cost => 0.01,
  interaction_id => '00000000-0000-4000-8000-0000000001a1', started_at => '2026-11-04 00:00Z'
);
select results_eq(
  $$select tests.spent('00000000-0000-4000-8000-00000000b001', '2026-11-01'),
      tests.spent('00000000-0000-4000-8000-00000000b001', '2026-10-01')$$,
  $$values (2.885, 1.000000000001)$$,
  'its first call replaces its own total (the ledger counts it by its calls from then on)'
);
select tests.clear_authentication();
select is(
  (
    select array_agg(s.spent = private.budget_spend_of(s.budget_id, s.period_start))
    from private.budget_spend as s
    inner join public.budgets as b on s.budget_id = b.id
    where b.user_id = tests.get_user_id('alice')
  ),
  array_fill(true, array[(
    select count(*)::integer from private.budget_spend as s
    inner join public.budgets as b on s.budget_id = b.id
    where b.user_id = tests.get_user_id('alice')
  )]),
  'every counter equals a recomputation from private.usage_events'
);
select tests.authenticate_as('alice');
delete from public.ai_interactions
where id = '00000000-0000-4000-8000-0000000001a1';
delete from public.ai_agents
where id = '00000000-0000-4000-8000-0000000000a2';
select results_eq(
  $$select tests.spent('00000000-0000-4000-8000-00000000b001', '2026-11-01'),
      tests.spent('00000000-0000-4000-8000-00000000b001', '2026-10-01')$$,
  $$values (2.885, 1.000000000001)$$,
  'deleting an interaction or an agent lowers nothing'
);

-- A new period starts clean, and the status reads the current one.
select public.record_model_call(agent_id => '00000000-0000-4000-8000-0000000000a1', cost => 7);
select results_eq(
  $$select spent, reserved, remaining from public.get_budget_status() where name = 'all monthly'$$,
  $$values (7::numeric, 0::numeric, 93::numeric)$$,
  'this month''s status counts this month only'
);
select is(
  (select time_zone from public.get_budget_status() limit 1), 'Pacific/Auckland',
  'the status names the zone its periods are in'
);
select ok(
  (
    select
      (period_start at time zone 'Pacific/Auckland')
      = date_trunc('month', now() at time zone 'Pacific/Auckland')
      and (period_end at time zone 'Pacific/Auckland')
      = date_trunc('month', now() at time zone 'Pacific/Auckland') + interval '1 month'
    from public.get_budget_status()
    where name = 'all monthly'
  ),
  'the period runs from the local first of the month to the next'
);

-- A change of zone rebuilds the periods in the new zone: in UTC, 11:00Z Oct 31 is October.
select public.set_time_zone('UTC');
select tests.clear_authentication();
select is(
  private.budget_spend_of('00000000-0000-4000-8000-00000000b001', '2026-10-01'), 3.000000000001,
  'in UTC both October calls are in October'
);
select is(
  (
    select count(*)::integer from private.budget_spend as s
    where s.budget_id = '00000000-0000-4000-8000-00000000b001' and s.period_start <> date_trunc('month', now())::date
  ),
  0, 'the counters of the old zone are gone (each is computed again when needed)'
);
select is(
  tests.spent('00000000-0000-4000-8000-00000000b001', date_trunc('month', now())::date),
  private.budget_spend_of('00000000-0000-4000-8000-00000000b001', date_trunc('month', now())::date),
  'the current period is computed again at once in the new zone'
);

-- New York, daylight saving starts on Sunday March 8 2026: a day of 23 hours.
select tests.authenticate_as('bob');
select public.record_model_calls(jsonb_build_array(
  jsonb_build_object('agent_id', '00000000-0000-4000-8000-0000000000b1', 'cost', 1, 'started_at', '2026-03-08 04:59:59Z'),
  jsonb_build_object('agent_id', '00000000-0000-4000-8000-0000000000b1', 'cost', 2, 'started_at', '2026-03-08 05:00Z'),
  jsonb_build_object('agent_id', '00000000-0000-4000-8000-0000000000b1', 'cost', 4, 'started_at', '2026-03-09 03:59:59Z'),
  jsonb_build_object('agent_id', '00000000-0000-4000-8000-0000000000b1', 'cost', 8, 'started_at', '2026-03-09 04:00Z')
));
select results_eq(
  $$select tests.spent('00000000-0000-4000-8000-00000000b005', '2026-03-07'),
      tests.spent('00000000-0000-4000-8000-00000000b005', '2026-03-08'),
      tests.spent('00000000-0000-4000-8000-00000000b005', '2026-03-09')$$,
  $$values (1::numeric, 6::numeric, 8::numeric)$$,
  'New York: March 8 runs from 05:00Z (EST) to 04:00Z the next day (EDT), 23 hours'
);
select tests.clear_authentication();
select is(
  private.local_day_start('2026-03-09', 'America/New_York') - private.local_day_start('2026-03-08', 'America/New_York'),
  interval '23 hours', 'the period of that day lasts 23 hours'
);
select is(
  private.local_day_start('2026-11-02', 'America/New_York') - private.local_day_start('2026-11-01', 'America/New_York'),
  interval '25 hours', 'and the day it ends lasts 25'
);

select * from finish();
rollback;
