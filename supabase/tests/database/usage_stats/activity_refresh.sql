begin;
\ir ../helpers.psql
select plan(9);

select tests.create_user('alice');
insert into public.ai_agents (id, name, vendor_id, user_id) values
('b0000000-0000-4000-8000-000000000001', 'Busy', 'openai', tests.get_user_id('alice')),
('b0000000-0000-4000-8000-000000000002', 'Faded', 'openai', tests.get_user_id('alice')),
('b0000000-0000-4000-8000-000000000003', 'Idle', 'openai', tests.get_user_id('alice'));
insert into public.ai_interactions (agent_id, user_id, title, started_at)
select
  'b0000000-0000-4000-8000-000000000001'::uuid as agent_id,
  tests.get_user_id('alice') as user_id,
  'today' as title,
  now() - n * interval '1 hour' as started_at
from generate_series(1, 3) as n;
-- Faded was used 100 days ago and still carries an old score.
insert into public.ai_interactions (agent_id, user_id, title, started_at) values
(
  'b0000000-0000-4000-8000-000000000002', tests.get_user_id('alice'), 'long ago',
  now() - interval '100 days'
);
update public.ai_agents set activity_score = 0.5
where id = 'b0000000-0000-4000-8000-000000000002';

select is(private.refresh_activity_scores(), 2, 'the refresh rewrites the two scores that changed');
select is(
  (
    select activity_score from public.ai_agents
    where id = 'b0000000-0000-4000-8000-000000000001'
  ),
  private.compute_activity_score('b0000000-0000-4000-8000-000000000001', tests.get_user_id('alice')),
  'a used agent gets its score now'
);
select ok(
  (
    select activity_score > 0.4 from public.ai_agents
    where id = 'b0000000-0000-4000-8000-000000000001'
  ),
  'three interactions in the last hours give a score above 0.4'
);
select is(
  (
    select activity_score from public.ai_agents
    where id = 'b0000000-0000-4000-8000-000000000002'
  ),
  0::real,
  'a score decays to 0 once its interactions are older than 90 days'
);
select is(private.refresh_activity_scores(), 0, 'a second refresh writes nothing');
select is(
  public.update_agent_activity_score('b0000000-0000-4000-8000-000000000001'),
  (
    select activity_score from public.ai_agents
    where id = 'b0000000-0000-4000-8000-000000000001'
  ),
  'the RPC and the daily refresh compute the same score'
);

-- Server-side only: no API role reaches it.
select tests.authenticate_as('alice');
select throws_ok(
  $$select private.refresh_activity_scores()$$, '42501', null, 'authenticated cannot run it'
);
select tests.authenticate_as_service_role();
select throws_ok(
  $$select private.refresh_activity_scores()$$, '42501', null, 'service_role cannot run it'
);
select tests.clear_authentication();

select is(
  tests.cron_job('agentsdb-daily-activity-scores'),
  case
    when
      exists (
        select from pg_extension
        where extname = 'pg_cron'
      )
      then '20 0 * * * select private.refresh_activity_scores()'
  end,
  'pg_cron (where installed) refreshes every score at 00:20'
);

select * from finish();
rollback;
