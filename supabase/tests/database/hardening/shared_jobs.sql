-- Issue 9, point 1: no value a client may write makes a shared job, a service_role read or
-- another user's read fail; a batch job skips (and reports) a failing tenant.
begin;
\ir ../helpers.psql
select plan(14);

select tests.create_user('mallory');
select tests.create_user('bob');
insert into public.ai_agents (id, name, vendor_id, user_id) values
('c0000000-0000-4000-8000-000000000001', 'Costly', 'openai', tests.get_user_id('mallory')),
('c0000000-0000-4000-8000-000000000002', 'Busy', 'openai', tests.get_user_id('mallory')),
('c0000000-0000-4000-8000-000000000003', 'Honest', 'openai', tests.get_user_id('bob'));

insert into public.ai_interactions (agent_id, user_id, title, total_cost, started_at)
select
  'c0000000-0000-4000-8000-000000000003'::uuid as agent_id,
  tests.get_user_id('bob') as user_id,
  'honest' as title,
  1.5 as total_cost,
  ((now() at time zone 'UTC')::date - 1)::timestamp at time zone 'UTC' + interval '1 hour' as started_at
from generate_series(1, 2);

-- mallory, as a client: 150 interactions at the largest cost the column takes.
select tests.authenticate_as('mallory');
insert into public.ai_interactions (agent_id, title, total_cost, started_at)
select
  'c0000000-0000-4000-8000-000000000001'::uuid as agent_id,
  'max cost' as title,
  99999999.99999999 as total_cost,
  ((now() at time zone 'UTC')::date - 1)::timestamp at time zone 'UTC' + interval '2 hours' as started_at
from generate_series(1, 150);
-- An honestly busy agent: 4000 calls in the last day.
insert into public.ai_interactions (agent_id, title, started_at)
select
  'c0000000-0000-4000-8000-000000000002'::uuid as agent_id,
  'busy' as title,
  now() - n * interval '20 seconds' as started_at
from generate_series(1, 4000) as n;

select throws_ok(
  $$insert into public.ai_interactions (agent_id, title, started_at)
    values ('c0000000-0000-4000-8000-000000000002', 'far future', now() + interval '25 hours')$$,
  '23514', null, 'started_at more than a day ahead is refused'
);
select lives_ok(
  $$insert into public.ai_interactions (agent_id, title, started_at)
    values ('c0000000-0000-4000-8000-000000000002', 'skewed clock', now() + interval '23 hours')$$,
  'started_at less than a day ahead (clock skew, time zones) is accepted'
);

select tests.authenticate_as_service_role();
select lives_ok(
  $$select public.update_daily_usage_stats(((now() at time zone 'UTC')::date - 1))$$,
  'the daily refresh survives 150 maximum-cost interactions'
);
select is(
  (
    select total_cost from public.ai_usage_stats
    where user_id = tests.get_user_id('bob')
  ),
  3.0::numeric,
  'bob''s day is exact'
);
select is(
  (
    select total_cost from public.ai_usage_stats
    where user_id = tests.get_user_id('mallory')
  ),
  150 * 99999999.99999999,
  'mallory''s day is exact too'
);
select lives_ok(
  $$select count(*) from public.agent_summary$$,
  'agent_summary over every agent works as service_role'
);
select tests.clear_authentication();

select lives_ok(
  $$select private.refresh_activity_scores()$$,
  'the activity refresh survives an agent with 4000 calls in a day'
);
select is(
  (
    select activity_score from public.ai_agents
    where id = 'c0000000-0000-4000-8000-000000000002'
  ),
  1::real,
  'a very busy agent scores 1'
);

-- A tenant whose rows make a job fail is skipped and reported; the others are refreshed.
create function tests.refuse_mallory()
returns trigger
language plpgsql
as $$
begin
  if new.user_id = tests.get_user_id('mallory') then
    raise exception using errcode = '22003', message = 'injected failure';
  end if;
  return new;
end;
$$;
delete from public.ai_usage_stats;
update public.ai_agents set activity_score = 0;
create trigger tests_refuse_mallory before insert or update on public.ai_usage_stats
for each row execute function tests.refuse_mallory();
create trigger tests_refuse_mallory before update on public.ai_agents
for each row execute function tests.refuse_mallory();

select tests.authenticate_as_service_role();
select is(
  public.update_daily_usage_stats(((now() at time zone 'UTC')::date - 1)),
  1,
  'the daily refresh writes bob''s row although mallory''s fails'
);
select tests.clear_authentication();
select is(
  (
    select count(*)::integer from public.ai_usage_stats
    where user_id = tests.get_user_id('bob')
  ),
  1,
  'bob''s statistics are there'
);
select is(
  (
    select array_agg(job || ' ' || target || ' ' || sqlstate order by job)
    from private.job_failures
    where user_id = tests.get_user_id('mallory')
  ),
  array['update_daily_usage_stats ' || ((now() at time zone 'UTC')::date - 1)::text || ' 22003'],
  'the skipped user is reported in private.job_failures'
);
select is(private.refresh_activity_scores(), 1, 'the activity refresh updates bob''s agent');
select ok(
  (
    select activity_score > 0 from public.ai_agents
    where id = 'c0000000-0000-4000-8000-000000000003'
  ),
  'bob''s score is refreshed although mallory''s agents fail'
);
select is(
  (
    select count(*)::integer from private.job_failures
    where job = 'refresh_activity_scores' and user_id = tests.get_user_id('mallory')
  ),
  2,
  'each of mallory''s agents is reported'
);

select * from finish();
rollback;
