begin;
\ir ../helpers.psql
select plan(30);

select tests.create_user('alice');
insert into public.ai_agents (id, user_id, name, vendor_id, service_id) values
('00000000-0000-4000-8000-0000000000a1', tests.get_user_id('alice'), 'a1', 'openai', 'openai_gpt4o');
insert into public.budgets (id, user_id, name, scope, agent_id, vendor_id, service_id, period, limit_amount)
values
('00000000-0000-4000-8000-00000000b001', tests.get_user_id('alice'), 'lifetime', 'all', null, null, null, 'none', 1000),
('00000000-0000-4000-8000-00000000b002', tests.get_user_id('alice'), 'monthly', 'all', null, null, null, 'month', 1000);

-- Structure: a partitioned parent with the same API, partitions out of the API's reach.
select is(
  (
    select relkind::text from pg_class
    where oid = 'public.model_calls'::regclass
  ), 'p',
  'model_calls is partitioned'
);
select is(
  (select pg_get_partkeydef('public.model_calls'::regclass)), 'RANGE (started_at)',
  'by range of started_at'
);
select is(
  (
    select pg_get_constraintdef(oid) from pg_constraint
    where conname = 'model_calls_pkey'
  ),
  'PRIMARY KEY (id, started_at)', 'the primary key holds the partition key'
);
select is_empty(
  $$select from pg_constraint where conrelid = 'public.model_calls'::regclass and contype = 'u'$$,
  'no unique (user_id, idempotency_key) on the partitioned table: private.model_call_keys holds it'
);
select is(
  (
    select relrowsecurity from pg_class
    where oid = 'public.model_calls'::regclass
  ), true,
  'the parent keeps RLS'
);
select is(
  (
    select count(*)::integer from pg_policy
    where polrelid = 'public.model_calls'::regclass
  ), 2, 'and its two policies'
);
select is_empty(
  $$select c.oid::regclass from pg_inherits as i join pg_class as c on c.oid = i.inhrelid
    where i.inhparent = 'public.model_calls'::regclass
      and (c.relnamespace <> 'private'::regnamespace or not c.relrowsecurity)$$,
  'every partition is in private with RLS on'
);
select is_empty(
  $$select c.oid::regclass, r.role from pg_inherits as i join pg_class as c on c.oid = i.inhrelid
    cross join (values ('anon'), ('authenticated'), ('service_role')) as r (role)
    where i.inhparent = 'public.model_calls'::regclass
      and (has_table_privilege(r.role, c.oid, 'select, insert, update, delete, truncate, references, trigger')
           or has_any_column_privilege(r.role, c.oid, 'select, insert, update, references'))$$,
  'no API role holds any privilege on a partition'
);
select ok(
  not has_table_privilege('service_role', 'private.model_call_keys', 'select')
  and not has_table_privilege('authenticated', 'private.model_call_keys', 'select')
  and (
    select relrowsecurity from pg_class
    where oid = 'private.model_call_keys'::regclass
  ),
  'the idempotency keys: RLS on, no client privilege'
);
select ok(
  to_regclass('private.model_calls_default') is not null, 'a default partition exists'
);

-- Ahead of time: the current month and the next ones.
select lives_ok($$select private.ensure_history_partitions(5)$$, 'ensure five months ahead');
select is(
  (
    select count(*)::integer
    from generate_series(0, 5) as k
    where to_regclass(
      'private.model_calls_p'
      || to_char(date_trunc('month', now() at time zone 'UTC') + make_interval(months => k), 'YYYY_MM')
    ) is not null
  ), 6, 'the partitions of this month and the five next exist'
);
select is_empty(
  $$select private.ensure_history_partitions(5)$$, 'ensuring again creates nothing'
);
select throws_ok(
  $$select private.ensure_history_partitions(-1)$$, '22023', 'months_ahead: must be 0 to 120',
  'a negative months_ahead is refused'
);

-- A start whose month has no partition lands in the default partition; the job moves it.
select tests.authenticate_as('alice');
select public.record_model_call(
  agent_id => '00000000-0000-4000-8000-0000000000a1', input_tokens => 1000, cost => 3,
  started_at => '2020-01-15 12:00Z', idempotency_key => 'old-1'
);
select public.record_model_call(
  agent_id => '00000000-0000-4000-8000-0000000000a1', input_tokens => 1000, cost => 4,
  idempotency_key => 'new-1'
);
select tests.clear_authentication();
select is(
  (select count(*)::integer from private.model_calls_default), 1, 'the default partition caught 2020-01'
);
select ok(
  'private.model_calls_p2020_01' in (select private.ensure_history_partitions(3)::text),
  'ensure creates the month the default caught'
);
select is(
  (select count(*)::integer from private.model_calls_default), 0, 'and empties the default partition'
);
select is(
  (
    select cost from private.model_calls_p2020_01
    where idempotency_key = 'old-1'
  ), 3.000000000000,
  'the row moved to its month, unchanged'
);

-- A key retried months later (started_at defaults to now) returns the first record.
select tests.authenticate_as('alice');
select is(
  (
    select (r).id from (
      select public.record_model_call(
        agent_id => '00000000-0000-4000-8000-0000000000a1', input_tokens => 5, idempotency_key => 'old-1'
      ) as r
    ) as x
  ),
  (
    select id from public.model_calls
    where idempotency_key = 'old-1'
  ),
  'a retry in another month returns the first record'
);
select is(
  (
    select array_agg(r.id order by r.idempotency_key)
    from public.record_model_calls('[
      {"agent_id": "00000000-0000-4000-8000-0000000000a1", "idempotency_key": "old-1"},
      {"agent_id": "00000000-0000-4000-8000-0000000000a1", "idempotency_key": "new-1"}
    ]') as r
  ),
  (select array_agg(id order by idempotency_key) from public.model_calls),
  'and so does a batch, for each key'
);
select is(
  (select count(*)::integer from public.model_calls), 2, 'no call was written twice'
);
select tests.clear_authentication();

-- Retention drops whole months and nothing derived from them.
select tests.authenticate_as_service_role();
select public.refresh_usage_rollups();
select public.update_daily_usage_stats('2020-01-15');
select tests.clear_authentication();
-- Every derived figure, as rows: rollups, breakdown, budget counters, daily statistics.
create function tests.history_figures()
returns table (what text, figure jsonb)
language sql
stable
as $$
  select 'rollup' as what, to_jsonb(d.*) - 'updated_at' - 'refreshed_at' as figure
  from public.agent_usage_daily as d
  union all
  select 'breakdown' as what, to_jsonb(b.*) - 'updated_at' - 'refreshed_at' as figure
  from private.usage_breakdown_daily as b
  union all
  select 'spend' as what, to_jsonb(s.*) - 'updated_at' as figure
  from private.budget_spend as s
  union all
  select 'stats' as what, to_jsonb(t.*) - 'updated_at' - 'created_at' - 'id' as figure
  from public.ai_usage_stats as t
$$;
create temporary table figures as
select
  f.what,
  f.figure
from tests.history_figures() as f;
create temporary table marks_before as select count(*) as n from private.usage_rollup_marks;

select throws_ok(
  $$select private.drop_history_before('public.model_calls', null)$$, '22004', 'before: required',
  'before is required'
);
select throws_ok(
  $$select private.drop_history_before('public.model_calls', (now() + interval '40 days')::date)$$,
  '22023', 'before: must not be after the first day of the current month (UTC)',
  'the current month is never dropped'
);
select is(
  (select array_agg(d) from private.drop_history_before('public.model_calls', '2020-02-01') as d),
  array['private.model_calls_p2020_01'], 'the months before February 2020 are dropped'
);
select ok(
  to_regclass('private.model_calls_p2020_01') is null, 'the partition is gone'
);
select is(
  (select array_agg(idempotency_key) from public.model_calls), array['new-1'],
  'its calls are gone, the others stay'
);
select is(
  (select array_agg(idempotency_key) from private.model_call_keys), array['new-1'],
  'and so are their idempotency keys'
);
select set_eq(
  $$select what, figure from figures$$,
  $$select what, figure from tests.history_figures()$$,
  'rollups, budget counters and daily statistics are untouched'
);
select is(
  (select count(*) from private.usage_rollup_marks), (select n from marks_before),
  'and nothing is marked for recomputation'
);
select is(
  (
    select spent from private.budget_spend
    where budget_id = '00000000-0000-4000-8000-00000000b001'
  ), 7::numeric,
  'the lifetime budget still counts the dropped month'
);

select * from finish();
rollback;
