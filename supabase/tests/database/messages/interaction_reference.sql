begin;
\ir ../helpers.psql
select plan(10);

-- The former foreign key interaction_messages (interaction_id, user_id) -> ai_interactions
-- (id, user_id) on update cascade on delete cascade, kept by statement triggers (ai_interactions
-- is partitioned by month, and a foreign key to it would have to name started_at).
select tests.create_user('alice');
select tests.create_user('bob');
select tests.authenticate_as('alice');
insert into public.ai_agents (name, vendor_id) values ('chat', 'openai');
insert into public.ai_interactions (agent_id, title)
select
  a.id,
  t.title
from public.ai_agents as a cross join (values ('one'), ('two')) as t (title);
insert into public.interaction_messages (interaction_id, role, content)
select
  i.id as interaction_id,
  'user' as role,  -- noqa: RF04
  i.title as content  -- noqa: RF04
from public.ai_interactions as i;
select is((select count(*)::integer from public.interaction_messages), 2, 'alice files a message in each');

select tests.authenticate_as_service_role();
select throws_ok(
  format(
    'insert into public.interaction_messages (interaction_id, user_id, role) values (%L, %L, ''user'')',
    gen_random_uuid(), tests.get_user_id('alice')
  ),
  '23503', 'interaction_messages.interaction_id: not present in ai_interactions for this user_id',
  'a message of no interaction is refused, naming the field'
);
select tests.clear_authentication();  -- no API role may change a message's user_id
select throws_ok(
  format(
    'update public.interaction_messages set user_id = %L where content = ''one''',
    tests.get_user_id('bob')
  ),
  '23503', null, 'a message moved to another user than the interaction''s is refused'
);
select lives_ok(
  $$update public.interaction_messages set content = 'one, edited' where content = 'one'$$,
  'an update that keeps the interaction is not checked against it'
);

-- Deleting an interaction deletes its messages, and only its own.
select tests.authenticate_as('alice');
delete from public.ai_interactions
where title = 'one';
select results_eq(
  $$select content from public.interaction_messages$$, $$values ('two'::text)$$,
  'deleting an interaction deletes its messages, and no other'
);

-- A changed user_id carries the messages along (the cascade from ai_agents (id, user_id));
-- a changed id of an interaction with messages is refused.
select tests.clear_authentication();
update public.ai_agents set user_id = tests.get_user_id('bob')
where name = 'chat';
select is(
  (select array_agg(distinct user_id) from public.interaction_messages),
  array[tests.get_user_id('bob')],
  'the messages follow their interaction to its new user'
);
select throws_ok(
  $$update public.ai_interactions set id = gen_random_uuid() where title = 'two'$$,
  '23503', 'ai_interactions.id: the interaction has messages, its id cannot change',
  'the id of an interaction with messages cannot change'
);

select is(
  (
    select count(*)::integer from pg_trigger
    where
      tgrelid = 'public.ai_interactions'::regclass
      and tgname in (
        'ai_interactions_delete_messages', 'ai_interactions_move_messages',
        'ai_interactions_delete_messages_truncate'
      )
  ),
  3, 'ai_interactions carries the delete and update cascades'
);
select is(
  (
    select count(*)::integer from pg_constraint
    where confrelid = 'public.ai_interactions'::regclass
  ),
  0, 'no foreign key references ai_interactions'
);

select tests.clear_authentication();
truncate public.ai_interactions;
select is((select count(*)::integer from public.interaction_messages), 0, 'truncating interactions truncates messages');

select * from finish();
rollback;
