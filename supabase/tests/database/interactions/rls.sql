begin;
\ir ../helpers.psql
select plan(24);

select tests.create_user('alice');
select tests.create_user('bob');

-- Fixtures, as the owner of the tables.
insert into public.ai_agents (id, name, vendor_id, user_id)
values ('a0000000-0000-4000-8000-000000000001', 'Alice agent', 'anthropic', tests.get_user_id('alice'));
insert into public.ai_agents (id, name, vendor_id, user_id)
values ('b0000000-0000-4000-8000-000000000001', 'Bob private', 'openai', tests.get_user_id('bob'));
insert into public.ai_agents (id, name, vendor_id, user_id, is_public)
values ('b0000000-0000-4000-8000-000000000002', 'Bob public', 'openai', tests.get_user_id('bob'), true);
insert into public.ai_interactions (id, agent_id, title, user_id, satisfaction_rating)
values ('b1000000-0000-4000-8000-000000000001', 'b0000000-0000-4000-8000-000000000001', 'Bob secret', tests.get_user_id('bob'), 4);

-- The owner.
select tests.authenticate_as('alice');
select lives_ok(
  format(
    $$insert into public.ai_interactions (agent_id, title, input_tokens) values (%L, 'Mine', 10)$$,
    'a0000000-0000-4000-8000-000000000001'
  ),
  'alice records an interaction on her own agent'
);
select is(
  (
    select user_id from public.ai_interactions
    where title = 'Mine'
  ),
  tests.get_user_id('alice'),
  'user_id defaults to the caller'
);
select is(
  array(select title from public.ai_interactions),
  array['Mine'],
  'alice sees her own interactions only'
);
select is_empty(
  format('select 1 from public.ai_interactions where id = %L', 'b1000000-0000-4000-8000-000000000001'),
  'alice cannot read bob''s interaction by id'
);
select throws_ok(
  format(
    $$insert into public.ai_interactions (agent_id, title) values (%L, 'On bob''s agent')$$,
    'b0000000-0000-4000-8000-000000000001'
  ),
  '42501', null, 'an interaction on another user''s private agent is refused'
);
select throws_ok(
  format(
    $$insert into public.ai_interactions (agent_id, title) values (%L, 'On a public agent')$$,
    'b0000000-0000-4000-8000-000000000002'
  ),
  '42501', null, 'an interaction on another user''s public agent is refused'
);
select throws_ok(
  format(
    $$insert into public.ai_interactions (agent_id, title, user_id) values (%L, 'As bob', %L)$$,
    'b0000000-0000-4000-8000-000000000001', tests.get_user_id('bob')
  ),
  '42501', null, 'an interaction in another user''s name is refused'
);
select lives_ok(
  format(
    $$update public.ai_interactions set title = 'Hacked', satisfaction_rating = 1 where id = %L$$,
    'b1000000-0000-4000-8000-000000000001'
  ),
  'an update of another user''s interaction runs (and filters it out)'
);
select lives_ok(
  format($$delete from public.ai_interactions where id = %L$$, 'b1000000-0000-4000-8000-000000000001'),
  'a delete of another user''s interaction runs (and filters it out)'
);
select lives_ok(
  $$update public.ai_interactions set satisfaction_rating = 5, status = 'completed' where title = 'Mine'$$,
  'alice rates and completes her interaction'
);
select throws_ok(
  format($$update public.ai_interactions set agent_id = %L where title = 'Mine'$$, 'b0000000-0000-4000-8000-000000000002'),
  '42501', null, 'agent_id cannot be changed by clients'
);
select throws_ok(
  format(
    $$update public.ai_interactions set user_id = %L where title = 'Mine'$$, tests.get_user_id('bob')
  ),
  '42501', null, 'user_id cannot be changed by clients'
);

-- The other user.
select tests.authenticate_as('bob');
select is(
  array(select title from public.ai_interactions),
  array['Bob secret'],
  'bob sees his own interaction only'
);
select lives_ok(
  $$delete from public.ai_interactions where title = 'Mine'$$,
  'a delete of alice''s interaction by bob runs (and filters it out)'
);

select tests.clear_authentication();
select is(
  (
    select title || ' ' || satisfaction_rating from public.ai_interactions
    where id = 'b1000000-0000-4000-8000-000000000001'
  ),
  'Bob secret 4',
  'bob''s interaction is unchanged after alice''s update and delete'
);
select is(
  (
    select satisfaction_rating || ' ' || status from public.ai_interactions
    where title = 'Mine'
  ),
  '5 completed',
  'alice''s interaction is still there, with her own update'
);

-- anon reads and writes nothing.
select tests.authenticate_as_anon();
select throws_ok(
  'select 1 from public.ai_interactions', '42501', null, 'anon cannot read interactions'
);
select throws_ok(
  format(
    $$insert into public.ai_interactions (agent_id, title, user_id) values (%L, 'Anon', %L)$$,
    'a0000000-0000-4000-8000-000000000001', tests.get_user_id('alice')
  ),
  '42501', null, 'anon cannot record interactions'
);

-- service_role records usage for any user, but only in the agent owner's name.
select tests.authenticate_as_service_role();
select is(
  (select count(*)::int from public.ai_interactions),
  2,
  'service_role reads every interaction'
);
select lives_ok(
  format(
    $$insert into public.ai_interactions (agent_id, title, user_id, total_cost)
      values (%L, 'Recorded by a runner', %L, 0.00000042)$$,
    'b0000000-0000-4000-8000-000000000002', tests.get_user_id('bob')
  ),
  'service_role records an interaction for bob'
);
select throws_ok(
  format(
    $$insert into public.ai_interactions (agent_id, title, user_id) values (%L, 'Crossed', %L)$$,
    'b0000000-0000-4000-8000-000000000002', tests.get_user_id('alice')
  ),
  '23503', null, 'service_role cannot file bob''s agent''s interaction under alice'
);
select throws_ok(
  $$insert into public.ai_interactions (agent_id, title, user_id)
    values (gen_random_uuid(), 'Ghost', gen_random_uuid())$$,
  '23503', null, 'an unknown agent is refused'
);
select lives_ok(
  format($$update public.ai_interactions set feedback_notes = 'ok' where id = %L$$, 'b1000000-0000-4000-8000-000000000001'),
  'service_role updates any interaction'
);

select tests.clear_authentication();
select is(
  (
    select total_cost from public.ai_interactions
    where title = 'Recorded by a runner'
  ),
  0.00000042::numeric,
  'a sub-cent cost is kept exactly'
);

select * from finish();
rollback;
