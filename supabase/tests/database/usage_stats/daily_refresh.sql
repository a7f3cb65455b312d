begin;
\ir ../helpers.psql
select plan(33);

set local timezone = 'UTC';
select tests.create_user('alice');
select tests.create_user('bob');
select tests.create_user('carol');

-- Fixtures, as the owner of the tables. The day under test is 2026-03-10 (UTC).
insert into public.ai_agents (id, name, vendor_id, user_id) values
('a0000000-0000-4000-8000-000000000001', 'Alice Claude', 'anthropic', tests.get_user_id('alice')),
('a0000000-0000-4000-8000-000000000002', 'Alice GPT', 'openai', tests.get_user_id('alice')),
('b0000000-0000-4000-8000-000000000001', 'Bob Gemini', 'google', tests.get_user_id('bob'));
insert into public.agent_feature_mappings (agent_id, feature_id, is_primary, user_id) values
('a0000000-0000-4000-8000-000000000001', 'coding', true, tests.get_user_id('alice')),
('a0000000-0000-4000-8000-000000000001', 'analysis', false, tests.get_user_id('alice')),
('a0000000-0000-4000-8000-000000000002', 'writing', true, tests.get_user_id('alice'));
insert into public.ai_interactions (
  agent_id, title, user_id, started_at, ended_at, input_tokens, output_tokens, total_cost,
  satisfaction_rating, usefulness_rating, status
) values
(
  'a0000000-0000-4000-8000-000000000001', 'midnight', tests.get_user_id('alice'),
  '2026-03-10 00:00:00+00', '2026-03-10 00:10:00+00', 100, 50, 0.00000001, 5, 4, 'completed'
),
(
  'a0000000-0000-4000-8000-000000000001', 'noon', tests.get_user_id('alice'),
  '2026-03-10 12:00:00+00', null, 200, 100, 0.5, 3, null, 'active'
),
(
  'a0000000-0000-4000-8000-000000000002', 'last second', tests.get_user_id('alice'),
  '2026-03-10 23:59:59.999+00', '2026-03-11 00:04:59.999+00', 10, 0, null, null, null, 'deleted'
),
(
  'a0000000-0000-4000-8000-000000000001', 'next day', tests.get_user_id('alice'),
  '2026-03-11 00:00:00+00', null, 1000, 1000, 9, null, null, 'active'
),
(
  'a0000000-0000-4000-8000-000000000001', 'day before', tests.get_user_id('alice'),
  '2026-03-09 23:59:59+00', null, 1000, 1000, 9, null, null, 'active'
),
(
  'b0000000-0000-4000-8000-000000000001', 'bob', tests.get_user_id('bob'),
  '2026-03-10 08:00:00+00', null, 1, 1, 1, 1, 1, 'completed'
);
-- A row left over from earlier: carol has no interactions that day any more.
insert into public.ai_usage_stats (user_id, date, total_interactions, unique_agents_used)
values (tests.get_user_id('carol'), '2026-03-10', 2, 1);

-- What the statistics must equal, computed here independently from the raw rows.
create function tests.recomputed(day date)
returns table (
  user_id uuid, total_interactions integer, unique_agents_used integer,
  total_duration_minutes bigint, total_cost numeric, total_input_tokens bigint,
  total_output_tokens bigint, avg_satisfaction real, avg_usefulness real
)
language sql stable as $$
  select
    i.user_id,
    count(*)::integer,
    count(distinct i.agent_id)::integer,
    sum(coalesce(i.duration_minutes, 0))::bigint,
    sum(coalesce(i.total_cost, 0)),
    sum(i.input_tokens)::bigint,
    sum(i.output_tokens)::bigint,
    (sum(i.satisfaction_rating)::float8 / nullif(count(i.satisfaction_rating), 0))::real,
    (sum(i.usefulness_rating)::float8 / nullif(count(i.usefulness_rating), 0))::real
  from (
    select
      x.user_id, x.agent_id, x.duration_minutes, x.total_cost, x.input_tokens, x.output_tokens,
      x.satisfaction_rating, x.usefulness_rating, x.started_at
    from public.ai_interactions as x
    union all
    select
      d.user_id, d.agent_id, d.duration_minutes, d.total_cost, d.input_tokens, d.output_tokens,
      d.satisfaction_rating, d.usefulness_rating, d.started_at
    from private.deleted_interactions as d
  ) as i
  where (i.started_at at time zone 'UTC')::date = day
  group by i.user_id
$$;

-- End users may not refresh.
select tests.authenticate_as('alice');
select throws_ok(
  $$select public.update_daily_usage_stats('2026-03-10')$$,
  '42501', null, 'authenticated cannot refresh statistics'
);
select tests.authenticate_as_anon();
select throws_ok(
  $$select public.update_daily_usage_stats('2026-03-10')$$,
  '42501', null, 'anon cannot refresh statistics'
);
-- Even if EXECUTE were granted by mistake, the function refuses end users itself.
select tests.clear_authentication();
grant execute on function public.update_daily_usage_stats(date) to authenticated;
select tests.authenticate_as('alice');
select throws_ok(
  $$select public.update_daily_usage_stats('2026-03-10')$$,
  '42501', 'update_daily_usage_stats: only service_role may call this function',
  'the function itself refuses a signed-in user'
);
-- A custom role inheriting authenticated (PostgREST switches to any role a JWT names) is no
-- server-side caller either: the check is an allow-list of service_role and its members.
select tests.clear_authentication();
create role agentsdb_tests_stats_role nologin;
grant authenticated to agentsdb_tests_stats_role;
grant agentsdb_tests_stats_role to postgres;
select set_config('role', 'agentsdb_tests_stats_role', true);
select throws_ok(
  $$select public.update_daily_usage_stats('2026-03-10')$$,
  '42501', 'update_daily_usage_stats: only service_role may call this function',
  'a custom role inheriting authenticated cannot refresh statistics'
);
select tests.clear_authentication();
revoke execute on function public.update_daily_usage_stats(date) from authenticated;

select tests.authenticate_as_service_role();
select throws_ok(
  $$select public.update_daily_usage_stats(null)$$,
  '22004', 'target_date: must not be null', 'a null date is refused'
);
select throws_ok(
  $$select public.update_daily_usage_stats('infinity')$$,
  '22023', 'target_date: must be a finite date', 'an infinite date is refused'
);
select is(
  public.update_daily_usage_stats('2026-03-10'),
  3,
  'the first refresh writes alice''s and bob''s rows and deletes carol''s'
);

select tests.clear_authentication();
select results_eq(
  $$select user_id, total_interactions, unique_agents_used, total_duration_minutes, total_cost,
      total_input_tokens, total_output_tokens, avg_satisfaction, avg_usefulness
    from public.ai_usage_stats
    where date = '2026-03-10'
    order by user_id$$,
  $$select * from tests.recomputed('2026-03-10') order by user_id$$,
  'the rows equal a recomputation from the raw interactions'
);
select results_eq(
  $$select total_interactions, unique_agents_used, total_duration_minutes, total_cost,
      total_input_tokens, total_output_tokens, avg_satisfaction, avg_usefulness
    from public.ai_usage_stats
    where user_id = tests.get_user_id('alice') and date = '2026-03-10'$$,
  $$values (3, 2, 15::bigint, 0.50000001::numeric, 310::bigint, 150::bigint, 4::real, 4::real)$$,
  'alice: the UTC day''s three interactions (the deleted one included), exact cost, mean ratings of rated ones'
);
select is(
  (
    select feature_usage from public.ai_usage_stats
    where user_id = tests.get_user_id('alice') and date = '2026-03-10'
  ),
  '{"coding": 2, "analysis": 2, "writing": 1}'::jsonb,
  'feature_usage counts each interaction under every feature of its agent'
);
select is(
  (
    select vendor_usage from public.ai_usage_stats
    where user_id = tests.get_user_id('alice') and date = '2026-03-10'
  ),
  '{"anthropic": {"interactions": 2, "cost": 0.50000001, "input_tokens": 300, "output_tokens": 150},
    "openai": {"interactions": 1, "cost": 0, "input_tokens": 10, "output_tokens": 0}}'::jsonb,
  'vendor_usage breaks the day down by the agents'' vendor'
);
select is(
  (
    select (vendor_usage -> 'anthropic' ->> 'cost') from public.ai_usage_stats
    where user_id = tests.get_user_id('alice') and date = '2026-03-10'
  ),
  '0.50000001',
  'the vendor cost is an exact JSON number'
);
select results_eq(
  $$select total_interactions, feature_usage, vendor_usage from public.ai_usage_stats
    where user_id = tests.get_user_id('bob')$$,
  $$values (1, '{}'::jsonb, '{"google": {"interactions": 1, "cost": 1, "input_tokens": 1, "output_tokens": 1}}'::jsonb)$$,
  'bob: an agent without features gives an empty feature_usage'
);
select is_empty(
  $$select 1 from public.ai_usage_stats where user_id = tests.get_user_id('carol')$$,
  'the stale row of a user without interactions that day is gone'
);

-- Idempotent: a second run changes nothing, not even updated_at.
create temporary table before_second_run on commit drop as
select * from public.ai_usage_stats;
select tests.authenticate_as_service_role();
select is(public.update_daily_usage_stats('2026-03-10'), 0, 'a second refresh writes nothing');
select tests.clear_authentication();
select set_eq(
  'select * from public.ai_usage_stats',
  'select * from before_second_run',
  'after a second refresh every row is identical'
);

-- Other days are separate.
select tests.authenticate_as_service_role();
select is(public.update_daily_usage_stats('2026-03-09'), 1, 'the day before has its own row');
select is(public.update_daily_usage_stats('2026-03-08'), 0, 'a day without interactions writes nothing');
select tests.clear_authentication();
select results_eq(
  $$select date, total_interactions, total_cost from public.ai_usage_stats
    where user_id = tests.get_user_id('alice') order by date$$,
  $$values ('2026-03-09'::date, 1, 9::numeric), ('2026-03-10'::date, 3, 0.50000001::numeric)$$,
  'each day counts the interactions started on that UTC day only'
);

-- New and removed interactions: the refresh follows them.
insert into public.ai_interactions (agent_id, title, user_id, started_at, input_tokens)
values (
  'a0000000-0000-4000-8000-000000000002', 'late arrival', tests.get_user_id('alice'),
  '2026-03-10 18:00:00+00', 5
);
delete from public.ai_interactions
where title = 'bob';
select tests.authenticate_as_service_role();
select is(
  public.update_daily_usage_stats('2026-03-10'), 1,
  'a refresh after changes updates alice; bob''s deleted interaction still counts (the ledger keeps it)'
);
select tests.clear_authentication();
select results_eq(
  $$select user_id, total_interactions, unique_agents_used, total_duration_minutes, total_cost,
      total_input_tokens, total_output_tokens, avg_satisfaction, avg_usefulness
    from public.ai_usage_stats
    where date = '2026-03-10'
    order by user_id$$,
  $$select * from tests.recomputed('2026-03-10') order by user_id$$,
  'after the changes the rows still equal a recomputation'
);

-- Deleting an agent deletes its interactions, not their usage: recomputing keeps it.
delete from public.ai_agents
where id = 'a0000000-0000-4000-8000-000000000002';
select is(
  (
    select total_interactions from public.ai_usage_stats
    where user_id = tests.get_user_id('alice') and date = '2026-03-10'
  ),
  4,
  'statistics already computed stay when an agent is deleted'
);
select tests.authenticate_as_service_role();
select is(
  public.update_daily_usage_stats('2026-03-10'), 1,
  'recomputing the day rewrites only feature_usage (the deleted agent had features)'
);
select tests.clear_authentication();
select is(
  (
    select total_interactions || ' ' || vendor_usage::text from public.ai_usage_stats
    where user_id = tests.get_user_id('alice') and date = '2026-03-10'
  ),
  '4 {"openai": {"cost": 0.00000000, "input_tokens": 15, "interactions": 2, "output_tokens": 0}, "anthropic": {"cost": 0.50000001, "input_tokens": 300, "interactions": 2, "output_tokens": 150}}',
  'the recomputed day keeps the deleted agent''s interactions under the vendor they ran on'
);

-- The default date is yesterday (UTC).
insert into public.ai_interactions (agent_id, title, user_id, started_at)
values (
  'a0000000-0000-4000-8000-000000000001', 'yesterday', tests.get_user_id('alice'),
  ((now() at time zone 'UTC')::date - 1)::timestamp at time zone 'UTC' + interval '1 hour'
);
select tests.authenticate_as_service_role();
select is(public.update_daily_usage_stats(), 1, 'without a date, yesterday (UTC) is refreshed');
select tests.clear_authentication();
select is(
  (
    select total_interactions from public.ai_usage_stats
    where user_id = tests.get_user_id('alice') and date = (now() at time zone 'UTC')::date - 1
  ),
  1,
  'yesterday''s row is there'
);

-- Owners read their own statistics; nobody writes them directly.
select tests.authenticate_as('alice');
select is(
  (select count(distinct user_id)::int from public.ai_usage_stats),
  1,
  'alice reads her own statistics only'
);
select throws_ok(
  $$insert into public.ai_usage_stats (user_id, date) values (auth.uid(), '2026-01-01')$$,
  '42501', null, 'authenticated cannot insert statistics'
);
select throws_ok(
  $$update public.ai_usage_stats set total_cost = 0$$,
  '42501', null, 'authenticated cannot update statistics'
);
select throws_ok(
  $$delete from public.ai_usage_stats$$,
  '42501', null, 'authenticated cannot delete statistics'
);
select tests.authenticate_as('bob');
select is_empty(
  format('select 1 from public.ai_usage_stats where user_id = %L', tests.get_user_id('alice')),
  'bob sees none of alice''s statistics'
);
select tests.authenticate_as_anon();
select throws_ok('select 1 from public.ai_usage_stats', '42501', null, 'anon cannot read statistics');
select tests.authenticate_as_service_role();
select throws_ok(
  $$update public.ai_usage_stats set total_cost = 0$$,
  '42501', null, 'service_role does not write statistics directly either'
);

select * from finish();
rollback;
