begin;
\ir ../helpers.psql
select plan(18);

-- The retention floor (20261203040000): the table and functions are closed to API roles;
-- drop_history_before records the floor; the refresher and update_daily_usage_stats keep
-- the days before it.
select tests.create_user('alice');
insert into public.ai_agents (id, user_id, name, vendor_id, service_id) values
('00000000-0000-4000-8000-0000000000f1', tests.get_user_id('alice'), 'floor', 'openai', 'openai_gpt4o');

select ok(
  (
    select c.relrowsecurity from pg_class as c
    where c.oid = 'private.history_floors'::regclass
  ),
  'history_floors has RLS enabled'
);
select ok(
  not exists (
    select from unnest(array['anon', 'authenticated', 'service_role']) as r (role)
    where
      has_table_privilege(r.role, 'private.history_floors', 'select, insert, update, delete')
      or has_function_privilege(r.role, 'private.history_floor()', 'execute')
      or has_function_privilege(r.role, 'private.history_first_open_day(text)', 'execute')
  ),
  'no API role may read or write the floor, or call its functions'
);
select is(private.history_floor(), null, 'no floor before anything is dropped');

-- A call in January 2020 and one now; the month of 2020-01 gets its partition, rolled up.
select tests.authenticate_as('alice');
select public.record_model_call(
  agent_id => '00000000-0000-4000-8000-0000000000f1', input_tokens => 1000, cost => 3,
  started_at => '2020-01-15 12:00Z'
);
select public.record_model_call(
  agent_id => '00000000-0000-4000-8000-0000000000f1', input_tokens => 1000, cost => 4
);
select tests.clear_authentication();
select private.ensure_history_partitions(3);
select tests.authenticate_as_service_role();
select public.refresh_usage_rollups();
select public.update_daily_usage_stats('2020-01-15');
select tests.clear_authentication();
create temporary table kept as
select
  d.day,
  d.calls,
  d.cost
from public.agent_usage_daily as d
where d.user_id = tests.get_user_id('alice') and d.day < '2020-02-01';

select is(
  (select array_agg(d) from private.drop_history_before('public.model_calls', '2020-02-01') as d),
  array['private.model_calls_p2020_01'], 'January 2020 is dropped'
);
select is(private.history_floor(), '2020-02-01 00:00Z'::timestamptz, 'the floor is its end');
select is(private.history_first_open_day('UTC'), '2020-02-02'::date, 'UTC reopens a day later');

-- A whole-user mark (a change of time zone) does not recompute the dropped day.
select tests.authenticate_as('alice');
select public.set_time_zone('Europe/Paris');
select tests.clear_authentication();
select tests.authenticate_as_service_role();
select public.refresh_usage_rollups();
select tests.clear_authentication();
select set_eq(
  $$select d.day, d.calls, d.cost from public.agent_usage_daily as d
    where d.user_id = tests.get_user_id('alice') and d.day < '2020-02-01'$$,
  $$select * from kept$$,
  'the dropped month''s rollups are kept after a change of time zone'
);
select ok((select count(*) from kept) = 1, 'and there was one');

select tests.authenticate_as_service_role();
select throws_ok(
  $$select public.update_daily_usage_stats('2020-01-15')$$, '22023', null,
  'update_daily_usage_stats refuses a day before the floor'
);
select lives_ok(
  $$select public.update_daily_usage_stats('2020-02-03')$$,
  'and computes a day after it'
);
select tests.clear_authentication();

select tests.authenticate_as('alice');
select throws_ok(
  $$select private.history_floor()$$, '42501', null, 'alice cannot call the floor''s functions'
);
select tests.clear_authentication();

-- Nothing is written before the floor (20261204020000..0300): alice is in Paris now, whose
-- first open day is 2020-02-03 (its day of 2020-02-02 began before the floor's day after).
select ok(
  not exists (
    select from unnest(array['anon', 'authenticated', 'service_role']) as r (role)
    where
      has_function_privilege(r.role, 'private.history_open_from(uuid)', 'execute')
      or has_function_privilege(r.role, 'private.daily_usage_stats_of_open_day(date)', 'execute')
  ),
  'no API role may call history_open_from or the daily job''s function'
);
select is(
  private.history_open_from(tests.get_user_id('alice')), '2020-02-02 23:00Z'::timestamptz,
  'alice''s usage counts from the start of 2020-02-03 in Paris'
);
select tests.authenticate_as('alice');
select throws_like(
  $$select public.record_model_call(
    agent_id => '00000000-0000-4000-8000-0000000000f1', input_tokens => 10,
    started_at => '2020-01-20 12:00Z'
  )$$,
  'started_at: must be at or after 2020-02-02 23:00:00+00, %',
  'record_model_call refuses a call before the floor'
);
select throws_like(
  $$select public.record_model_calls(
    '[{"agent_id": "00000000-0000-4000-8000-0000000000f1"},
      {"agent_id": "00000000-0000-4000-8000-0000000000f1", "started_at": "2020-02-02T12:00Z"}]'
  )$$,
  'calls[1].started_at: must be at or after %',
  'record_model_calls names the entry on a frozen day after the floor'
);
select throws_ok(
  $$insert into public.ai_interactions (agent_id, user_id, title, started_at)
    values ('00000000-0000-4000-8000-0000000000f1', tests.get_user_id('alice'), 'late',
            '2020-02-01 10:00Z')$$,
  '22023', null,
  'an interaction inserted on a frozen day is refused'
);
select lives_ok(
  $$select public.record_model_call(
    agent_id => '00000000-0000-4000-8000-0000000000f1', input_tokens => 10,
    started_at => '2020-02-02 23:00Z'
  )$$,
  'a call at the first open instant is recorded'
);
select tests.clear_authentication();
select is(
  private.daily_usage_stats_of_open_day('2020-01-15'), 0,
  'the daily job skips a frozen day quietly (0 rows)'
);

select * from finish();
rollback;
