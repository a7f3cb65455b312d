begin;
\ir ../helpers.psql
select plan(23);

select tests.create_user('alice');
select tests.create_user('bob');

-- Agents named after their use; interactions recorded by the table owner.
insert into public.ai_agents (id, name, vendor_id, user_id, is_public) values
('a0000000-0000-4000-8000-000000000001', 'idle', 'openai', tests.get_user_id('alice'), true),
('a0000000-0000-4000-8000-000000000002', 'one today', 'openai', tests.get_user_id('alice'), false),
('a0000000-0000-4000-8000-000000000003', 'five today', 'openai', tests.get_user_id('alice'), false),
('a0000000-0000-4000-8000-000000000004', 'one 10 days ago', 'openai', tests.get_user_id('alice'), false),
('a0000000-0000-4000-8000-000000000005', 'one 30 days ago', 'openai', tests.get_user_id('alice'), false),
('a0000000-0000-4000-8000-000000000006', 'one 100 days ago', 'openai', tests.get_user_id('alice'), false),
('a0000000-0000-4000-8000-000000000007', 'two hundred today', 'openai', tests.get_user_id('alice'), false),
('b0000000-0000-4000-8000-000000000001', 'bob''s', 'openai', tests.get_user_id('bob'), false);
insert into public.ai_interactions (agent_id, title, user_id, started_at)
with uses (name, age, n) as (
  values
  ('one today', interval '0', 1),
  ('five today', interval '0', 5),
  ('one 10 days ago', interval '10 days', 1),
  ('one 30 days ago', interval '30 days', 1),
  ('one 100 days ago', interval '100 days', 1),
  ('two hundred today', interval '0', 200),
  ('bob''s', interval '0', 1)
)

select
  a.id as agent_id,
  'use' as title,
  a.user_id,
  now() - u.age as started_at
from uses as u
inner join public.ai_agents as a on u.name = a.name
cross join generate_series(1, u.n);

-- The expected score: 1 - exp(-sum(exp(-age_days / 14)) / 5).
create function tests.expected_score(ages_in_days float8 [])
returns float8
language sql immutable as $$
  select 1 - exp(-coalesce(sum(exp(-a / 14)), 0) / 5) from unnest(ages_in_days) as a
$$;
grant execute on function tests.expected_score(float8 []) to authenticated, service_role;

select tests.authenticate_as('alice');
select is(
  public.update_agent_activity_score('a0000000-0000-4000-8000-000000000001'),
  0::real,
  'an agent never used scores 0'
);
select ok(
  abs(
    public.update_agent_activity_score('a0000000-0000-4000-8000-000000000002')
    - tests.expected_score(array[0])
  ) < 1e-6,
  'one interaction today scores 1 - exp(-1/5) (about 0.18)'
);
select ok(
  abs(
    public.update_agent_activity_score('a0000000-0000-4000-8000-000000000003')
    - tests.expected_score(array[0, 0, 0, 0, 0])
  ) < 1e-6,
  'five interactions today score 1 - exp(-1) (about 0.63)'
);
select ok(
  abs(
    public.update_agent_activity_score('a0000000-0000-4000-8000-000000000004')
    - tests.expected_score(array[10])
  ) < 1e-6,
  'an interaction 10 days ago weighs exp(-10/14)'
);
select ok(
  abs(
    public.update_agent_activity_score('a0000000-0000-4000-8000-000000000005')
    - tests.expected_score(array[30])
  ) < 1e-6,
  'an interaction 30 days ago weighs exp(-30/14)'
);
select is(
  public.update_agent_activity_score('a0000000-0000-4000-8000-000000000006'),
  0::real,
  'interactions older than 90 days do not count'
);
select ok(
  (public.update_agent_activity_score('a0000000-0000-4000-8000-000000000007') between 0.99 and 1),
  'heavy use approaches 1 and never passes it'
);

-- Stored on the agent; the ordering follows use and recency.
select is(
  (
    select array_agg(a.name order by a.activity_score desc, a.id asc) from public.ai_agents as a
    where a.user_id = auth.uid()
  ),
  array[
    'two hundred today', 'five today', 'one today', 'one 10 days ago', 'one 30 days ago',
    'idle', 'one 100 days ago'
  ],
  'more and more recent use ranks higher'
);
select ok(
  (
    select bool_and(a.activity_score between 0 and 1) from public.ai_agents as a
    where a.user_id = auth.uid()
  ),
  'every stored score is within [0, 1]'
);
select is(
  (
    select activity_score from public.ai_agents
    where id = 'a0000000-0000-4000-8000-000000000003'
  ),
  public.update_agent_activity_score('a0000000-0000-4000-8000-000000000003'),
  'the returned score is the stored one'
);

-- Another use raises the score.
select tests.clear_authentication();
insert into public.ai_interactions (agent_id, title, user_id)
values ('a0000000-0000-4000-8000-000000000002', 'again', tests.get_user_id('alice'));
select tests.authenticate_as('alice');
select ok(
  public.update_agent_activity_score('a0000000-0000-4000-8000-000000000002')
  > (
    select activity_score from public.ai_agents
    where id = 'a0000000-0000-4000-8000-000000000002'
  ),
  'a new interaction raises the score'
);
select ok(
  abs(
    (
      select activity_score from public.ai_agents
      where id = 'a0000000-0000-4000-8000-000000000002'
    )
    - tests.expected_score(array[0, 0])
  ) < 1e-6,
  'two interactions today score 1 - exp(-2/5)'
);

-- Errors.
select throws_ok(
  $$select public.update_agent_activity_score(null)$$,
  '22004', 'agent_id: must not be null', 'a null agent_id is refused'
);
select throws_ok(
  $$select public.update_agent_activity_score(gen_random_uuid())$$,
  'PT404', 'agent_id: no such agent among yours', 'an unknown agent is not found'
);
select throws_ok(
  $$select public.update_agent_activity_score('b0000000-0000-4000-8000-000000000001')$$,
  'PT404', 'agent_id: no such agent among yours', 'another user''s agent is not found'
);

select tests.authenticate_as('bob');
select throws_ok(
  $$select public.update_agent_activity_score('a0000000-0000-4000-8000-000000000001')$$,
  'PT404', 'agent_id: no such agent among yours', 'another user''s public agent is not found either'
);
select throws_ok(
  $$select public.update_agent_activity_score('a0000000-0000-4000-8000-000000000007')$$,
  'PT404', null, 'bob cannot refresh alice''s private agent'
);

-- Only the owner and members of service_role pass: a custom role that inherits
-- authenticated (PostgREST switches to any role a JWT names) is not a server-side caller.
select tests.clear_authentication();
create role agentsdb_tests_custom_role nologin;
grant authenticated to agentsdb_tests_custom_role;
grant agentsdb_tests_custom_role to postgres;
select tests.authenticate_as('bob');
select set_config('role', 'agentsdb_tests_custom_role', true);
select throws_ok(
  $$select public.update_agent_activity_score('a0000000-0000-4000-8000-000000000007')$$,
  'PT404', 'agent_id: no such agent among yours',
  'a custom role inheriting authenticated cannot refresh another user''s agent'
);
select tests.authenticate_as_anon();
select throws_ok(
  $$select public.update_agent_activity_score('a0000000-0000-4000-8000-000000000001')$$,
  '42501', null, 'anon cannot call it'
);

-- service_role refreshes any agent.
select tests.clear_authentication();
update public.ai_agents set activity_score = 0.5
where id = 'b0000000-0000-4000-8000-000000000001';
select tests.authenticate_as_service_role();
select ok(
  abs(
    public.update_agent_activity_score('b0000000-0000-4000-8000-000000000001')
    - tests.expected_score(array[0])
  ) < 1e-6,
  'service_role refreshes any user''s agent'
);
select tests.clear_authentication();
select is(
  (
    select activity_score from public.ai_agents
    where id = 'b0000000-0000-4000-8000-000000000001'
  ),
  (1 - exp(-0.2))::real,
  'the new score is stored'
);

-- What bob tried changed nothing of alice's.
select is(
  (
    select activity_score from public.ai_agents
    where id = 'a0000000-0000-4000-8000-000000000001'
  ),
  0::real,
  'alice''s idle agent still scores 0'
);
select ok(
  (
    select activity_score from public.ai_agents
    where id = 'a0000000-0000-4000-8000-000000000007'
  ) >= 0.99,
  'alice''s busy agent keeps its score'
);

select * from finish();
rollback;
