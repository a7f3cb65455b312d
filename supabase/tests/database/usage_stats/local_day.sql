begin;
\ir ../helpers.psql
select plan(17);

-- The session's zone must not matter: the statistics use each user's own.
set local timezone = 'Asia/Kathmandu';
select tests.create_user('alice');
select tests.create_user('bob');
select tests.create_user('carol');
insert into public.user_settings (user_id, time_zone) values
(tests.get_user_id('alice'), 'Pacific/Auckland'),
(tests.get_user_id('bob'), 'America/Los_Angeles');
-- carol has no settings: UTC.

insert into public.ai_agents (id, name, vendor_id, user_id) values
('a0000000-0000-4000-8000-000000000001', 'Alice', 'anthropic', tests.get_user_id('alice')),
('b0000000-0000-4000-8000-000000000001', 'Bob', 'openai', tests.get_user_id('bob')),
('c0000000-0000-4000-8000-000000000001', 'Carol', 'google', tests.get_user_id('carol'));

insert into public.ai_interactions (agent_id, title, user_id, started_at, total_cost) values
-- Auckland in March is UTC+13 (NZDT): local midnight of 03-10 is 03-09 11:00 UTC.
('a0000000-0000-4000-8000-000000000001', 'a1', tests.get_user_id('alice'), '2026-03-09 10:59:59+00', 1),
('a0000000-0000-4000-8000-000000000001', 'a2', tests.get_user_id('alice'), '2026-03-09 11:00:00+00', 2),
('a0000000-0000-4000-8000-000000000001', 'a3', tests.get_user_id('alice'), '2026-03-10 10:59:59.999999+00', 4),
('a0000000-0000-4000-8000-000000000001', 'a4', tests.get_user_id('alice'), '2026-03-10 11:00:00+00', 8),
-- Auckland leaves daylight saving on 2026-04-05 (03:00 NZDT -> 02:00 NZST): a 25-hour day,
-- 04-04 11:00 UTC to 04-05 12:00 UTC.
('a0000000-0000-4000-8000-000000000001', 'a5', tests.get_user_id('alice'), '2026-04-04 10:59:59+00', 16),
('a0000000-0000-4000-8000-000000000001', 'a6', tests.get_user_id('alice'), '2026-04-04 11:00:00+00', 32),
('a0000000-0000-4000-8000-000000000001', 'a7', tests.get_user_id('alice'), '2026-04-05 11:59:59+00', 64),
('a0000000-0000-4000-8000-000000000001', 'a8', tests.get_user_id('alice'), '2026-04-05 12:00:00+00', 128),
-- Los Angeles enters daylight saving on 2026-03-08 (02:00 PST -> 03:00 PDT): a 23-hour day,
-- 03-08 08:00 UTC to 03-09 07:00 UTC.
('b0000000-0000-4000-8000-000000000001', 'b1', tests.get_user_id('bob'), '2026-03-08 07:59:59+00', 1),
('b0000000-0000-4000-8000-000000000001', 'b2', tests.get_user_id('bob'), '2026-03-08 08:00:00+00', 2),
('b0000000-0000-4000-8000-000000000001', 'b3', tests.get_user_id('bob'), '2026-03-09 06:59:59+00', 4),
('b0000000-0000-4000-8000-000000000001', 'b4', tests.get_user_id('bob'), '2026-03-09 07:00:00+00', 8),
-- Near midnight UTC, for the UTC user and for bob (16:00 / 17:00 local the day before).
('c0000000-0000-4000-8000-000000000001', 'c1', tests.get_user_id('carol'), '2026-03-09 23:59:59+00', 1),
('c0000000-0000-4000-8000-000000000001', 'c2', tests.get_user_id('carol'), '2026-03-10 00:00:00+00', 2),
('b0000000-0000-4000-8000-000000000001', 'b5', tests.get_user_id('bob'), '2026-03-10 00:00:00+00', 16);

-- Independent recomputation: each interaction's local date, by conversion, not by bounds.
create function tests.by_local_date(day date)
returns table (user_id uuid, total_interactions integer, total_cost numeric)
language sql stable as $$
  select i.user_id, count(*)::integer, sum(i.total_cost)
  from public.ai_interactions as i
  left join public.user_settings as s on s.user_id = i.user_id
  where (i.started_at at time zone coalesce(s.time_zone, 'UTC'))::date = day
  group by i.user_id
$$;

select tests.authenticate_as_service_role();
select public.update_daily_usage_stats(d::date)
from generate_series(date '2026-03-07', date '2026-03-11', interval '1 day') as d;
select public.update_daily_usage_stats(d::date)
from generate_series(date '2026-04-03', date '2026-04-06', interval '1 day') as d;
select tests.clear_authentication();

select is(
  (
    select total_cost from public.ai_usage_stats
    where user_id = tests.get_user_id('alice') and date = '2026-03-10'
  ),
  6.00000000::numeric(38, 8), 'Auckland: the day starts at 11:00 UTC the day before (a2 + a3)'
);
select is(
  (
    select total_cost from public.ai_usage_stats
    where user_id = tests.get_user_id('alice') and date = '2026-03-09'
  ),
  1.00000000::numeric(38, 8), 'Auckland: the last second of the local day before'
);
select is(
  (
    select total_cost from public.ai_usage_stats
    where user_id = tests.get_user_id('alice') and date = '2026-04-05'
  ),
  96.00000000::numeric(38, 8), 'Auckland leaving daylight saving: a 25-hour day (a6 + a7)'
);
select is(
  (
    select total_cost from public.ai_usage_stats
    where user_id = tests.get_user_id('bob') and date = '2026-03-08'
  ),
  6.00000000::numeric(38, 8), 'Los Angeles entering daylight saving: a 23-hour day (b2 + b3)'
);
select is(
  (
    select total_cost from public.ai_usage_stats
    where user_id = tests.get_user_id('bob') and date = '2026-03-09'
  ),
  24.00000000::numeric(38, 8), 'Los Angeles: midnight UTC is the afternoon before (b4 + b5)'
);
select is(
  (
    select total_cost from public.ai_usage_stats
    where user_id = tests.get_user_id('carol') and date = '2026-03-10'
  ),
  2.00000000::numeric(38, 8), 'a user without settings counts UTC days'
);
select is(
  (select sum(total_interactions)::integer from public.ai_usage_stats),
  (select count(*)::integer from public.ai_interactions),
  'every interaction is counted once over the days refreshed (no day counts it twice)'
);

select results_eq(
  $$select user_id, date, total_interactions, total_cost from public.ai_usage_stats
    order by user_id, date$$,
  $$select r.user_id, d::date, r.total_interactions, r.total_cost::numeric(38, 8)
    from (
      select generate_series(date '2026-03-07', date '2026-03-11', interval '1 day') as d
      union all
      select generate_series(date '2026-04-03', date '2026-04-06', interval '1 day')
    ) as days
    cross join lateral tests.by_local_date(d::date) as r
    order by 1, 2$$,
  'the statistics equal a recomputation by each user''s local date'
);

select tests.authenticate_as_service_role();
select is(
  (
    select sum(public.update_daily_usage_stats(d::date))::integer
    from generate_series(date '2026-03-07', date '2026-03-11', interval '1 day') as d
  ),
  0, 'a second refresh writes nothing'
);
select tests.clear_authentication();

-- A change of time zone: days already computed keep the old zone until refreshed again.
select tests.authenticate_as('alice');
select public.set_time_zone('UTC');
select tests.clear_authentication();
select is(
  (
    select total_cost from public.ai_usage_stats
    where user_id = tests.get_user_id('alice') and date = '2026-03-10'
  ),
  6.00000000::numeric(38, 8), 'a computed day keeps its zone until it is refreshed'
);
select tests.authenticate_as_service_role();
select public.update_daily_usage_stats('2026-03-10');
select tests.clear_authentication();
select is(
  (
    select total_cost from public.ai_usage_stats
    where user_id = tests.get_user_id('alice') and date = '2026-03-10'
  ),
  12.00000000::numeric(38, 8), 'refreshed, the day is counted in the new zone (a3 + a4)'
);

-- A user whose zone the server no longer knows (a tz database update) is skipped, the others
-- are refreshed, and the failure is recorded.
alter table public.user_settings disable trigger user_settings_check;
update public.user_settings set time_zone = 'Pacific/Gone'
where user_id = tests.get_user_id('bob');
alter table public.user_settings enable trigger user_settings_check;
delete from public.ai_usage_stats;
select tests.authenticate_as_service_role();
select public.update_daily_usage_stats('2026-03-10');
select tests.clear_authentication();
select is(
  (
    select count(*)::integer from public.ai_usage_stats
    where date = '2026-03-10'
  ),
  2, 'alice and carol are refreshed'
);
select is(
  (
    select sqlstate from private.job_failures
    where user_id = tests.get_user_id('bob')
  ),
  '22023', 'bob''s unknown zone is recorded as a failure'
);

-- Not offsets of the session, nor a function of the server's zone: the same with another.
set local timezone = 'Pacific/Kiritimati';
update public.user_settings set time_zone = 'America/Los_Angeles'
where user_id = tests.get_user_id('bob');
select tests.authenticate_as_service_role();
select public.update_daily_usage_stats('2026-03-09');
select tests.clear_authentication();
select is(
  (
    select total_cost from public.ai_usage_stats
    where user_id = tests.get_user_id('bob') and date = '2026-03-09'
  ),
  24.00000000::numeric(38, 8), 'the session''s time zone changes nothing'
);

-- Havana falls back from 01:00 CDT to 00:00 CST on 2026-11-01: midnight happens twice. An
-- interaction at the first 00:30 (04:30 UTC) is on 11-01 locally, not on 10-31.
update public.user_settings set time_zone = 'America/Havana'
where user_id = tests.get_user_id('bob');
insert into public.ai_interactions (agent_id, title, user_id, started_at, total_cost) values
('b0000000-0000-4000-8000-000000000001', 'h1', tests.get_user_id('bob'), '2026-11-01 04:30:00+00', 32);
select tests.authenticate_as_service_role();
select public.update_daily_usage_stats('2026-10-31');
select public.update_daily_usage_stats('2026-11-01');
select tests.clear_authentication();
select is(
  (
    select array_agg(s.date order by s.date) from public.ai_usage_stats as s
    where s.user_id = tests.get_user_id('bob') and s.date >= '2026-10-31'
  ),
  array['2026-11-01'::date], 'the first of two midnights starts the new day (America/Havana)'
);

-- The defaults and the signature are seed 002's.
select is(
  (select pg_get_function_arguments('public.update_daily_usage_stats(date)'::regprocedure)),
  'target_date date DEFAULT (((now() AT TIME ZONE ''UTC''::text))::date - 1)',
  'the signature and default are unchanged'
);
select is(
  (select pg_get_function_result('public.update_daily_usage_stats(date)'::regprocedure)),
  'integer', 'it still returns the number of rows written'
);

select * from finish();
rollback;
