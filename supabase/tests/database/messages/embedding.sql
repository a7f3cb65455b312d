begin;
\ir ../helpers.psql
select plan(9);

-- Embedding through computed relationships (20261203030000, 20261203030100): the SQL
-- PostgREST runs for `parent?select=...,name(...)`, a LEFT JOIN LATERAL calling
-- public.<name>("<parent>"::public.<parent>), as each role.
select tests.create_user('alice');
select tests.create_user('bob');
select tests.authenticate_as('alice');
insert into public.ai_agents (name, vendor_id, service_id)
values ('alice chat', 'openai', 'openai_gpt4o');
insert into public.ai_interactions (agent_id, title)
select
  id as agent_id,
  'one' as title
from public.ai_agents
where name = 'alice chat';
insert into public.interaction_messages (interaction_id, role, content)
select
  i.id as interaction_id,
  m.role,
  m.content
from public.ai_interactions as i
cross join (values ('user', 'question'), ('assistant', 'answer')) as m (role, content);
select public.record_model_call(
  agent_id => (
    select id from public.ai_agents
    where name = 'alice chat'
  ), input_tokens => 1000,
  interaction_id => (
    select id from public.ai_interactions
    where title = 'one'
  )
);
select tests.authenticate_as('bob');
insert into public.ai_agents (name, vendor_id) values ('bob chat', 'openai');
insert into public.ai_interactions (agent_id, title)
select
  id as agent_id,
  'bob''s' as title
from public.ai_agents
where name = 'bob chat';
insert into public.interaction_messages (interaction_id, role, content)
select
  id as interaction_id,
  'user' as role,  -- noqa: RF04
  'bob''s question' as content  -- noqa: RF04
from public.ai_interactions;

-- ai_interactions?select=title,interaction_messages(content), as alice.
select tests.authenticate_as('alice');
select results_eq(
  $$
    select
      ai_interactions.title,
      array(select e ->> 'content' from jsonb_array_elements(em.em) as e) as contents
    from public.ai_interactions
    left join lateral (
      select json_agg(em)::jsonb as em
      from (
        select m.* from public.interaction_messages("ai_interactions"::public.ai_interactions) as m
      ) as em
    ) as em on true
  $$,
  $$values ('one'::text, array['question', 'answer'])$$,
  'alice embeds her interaction''s messages in order, and nobody else''s'
);

-- interaction_messages?select=content,ai_interactions(title): one object per message.
select results_eq(
  $$
    select interaction_messages.content, row_to_json(i.*)::jsonb ->> 'title'
    from public.interaction_messages
    left join lateral (
      select i.* from public.ai_interactions("interaction_messages"::public.interaction_messages) as i
    ) as i on true
    order by interaction_messages.position
  $$,
  $$values ('question'::text, 'one'::text), ('answer', 'one')$$,
  'each message embeds its interaction once (to-one)'
);

-- recent_interactions?select=title,interaction_messages(content).
select is(
  (
    select jsonb_array_length(em.em)
    from public.recent_interactions  -- noqa: ST11
    left join lateral (
      select json_agg(m)::jsonb as em
      from public.interaction_messages(recent_interactions::public.recent_interactions) as m
    ) as em on true
  ),
  2,
  'alice embeds the messages through recent_interactions'
);

-- model_calls?select=vendors(id),vendor_services(id),ai_agents(name),ai_interactions(title).
select results_eq(
  $$
    select v.id, s.id, a.name, i.title
    from public.model_calls
    left join lateral (select v.* from public.vendors("model_calls"::public.model_calls) as v) as v
      on true
    left join lateral (
      select s.* from public.vendor_services("model_calls"::public.model_calls) as s
    ) as s on true
    left join lateral (select a.* from public.ai_agents("model_calls"::public.model_calls) as a) as a
      on true
    left join lateral (
      select i.* from public.ai_interactions("model_calls"::public.model_calls) as i
    ) as i on true
  $$,
  $$values ('openai'::text, 'openai_gpt4o'::text, 'alice chat'::text, 'one'::text)$$,
  'a model call embeds its vendor, service, agent and interaction'
);

-- ai_interactions?select=title,model_calls(input_tokens).
select results_eq(
  $$
    select m.input_tokens
    from public.ai_interactions, public.model_calls("ai_interactions"::public.ai_interactions) as m
  $$,
  $$values (1000)$$,
  'an interaction embeds its model calls'
);

-- Bob, handed alice's rows outright (a function accepts any row value): RLS still decides.
select tests.clear_authentication();
create temporary table forged on commit drop as
select
  i as interaction,  -- noqa: RF02
  m as message  -- noqa: RF02
from public.ai_interactions as i
inner join public.interaction_messages as m on i.id = m.interaction_id
where i.user_id = tests.get_user_id('alice');
grant select on forged to authenticated, anon;
select tests.authenticate_as('bob');
select is(
  (select count(*)::integer from forged, public.interaction_messages(forged.interaction)),
  0,
  'bob embeds none of alice''s messages, even from her forged interaction row'
);
select is(
  (select count(*)::integer from forged, public.ai_interactions(forged.message)),
  0,
  'bob embeds none of alice''s interactions, even from her forged message row'
);

-- anon may execute none of them.
select tests.authenticate_as_anon();
select throws_ok(
  $$select count(*) from forged, public.interaction_messages(forged.interaction)$$,
  '42501', null, 'anon may not embed messages'
);
select tests.clear_authentication();
select is(
  array(
    select p.oid::regprocedure::text
    from pg_proc as p
    where
      p.pronamespace = 'public'::regnamespace
      and p.proname in (
        'interaction_messages', 'ai_interactions', 'recent_interactions', 'vendors',
        'vendor_services', 'service_prices', 'ai_agents', 'model_calls'
      )
      and has_function_privilege('anon', p.oid, 'execute')
  ),
  '{}'::text [],
  'no embedding function is executable by anon'
);

select * from finish();
rollback;
