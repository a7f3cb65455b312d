begin;
\ir ../helpers.psql
select plan(31);

select tests.create_user('alice');
select tests.create_user('bob');

select has_table('public', 'interaction_messages', 'interaction_messages exists');
select is(
  (
    select array_agg(tgname::text order by tgname) from pg_trigger
    where tgrelid = 'public.interaction_messages'::regclass and tgname like '%check_interaction%'
  ),
  array['interaction_messages_check_interaction_insert', 'interaction_messages_check_interaction_update'],
  'a message belongs to its interaction''s owner (checked per statement: messages/interaction_reference.sql)'
);
select ok(
  (
    select relrowsecurity from pg_class
    where oid = 'public.interaction_messages'::regclass
  ),
  'RLS is on'
);
select has_index(
  'public', 'interaction_messages', 'interaction_messages_content_search_idx',
  'the search vector has its GIN index'
);
select is(
  (
    select count(*)::integer from pg_publication_tables
    where pubname = 'supabase_realtime' and tablename = 'interaction_messages'
  ),
  (
    select count(*)::integer from pg_publication
    where pubname = 'supabase_realtime'
  ),
  'in the supabase_realtime publication exactly where it exists'
);

select tests.authenticate_as('alice');
insert into public.ai_agents (name, vendor_id) values ('chat', 'openai');
insert into public.ai_interactions (agent_id, title)
select
  id as agent_id,
  'bread' as title
from public.ai_agents;
insert into public.interaction_messages (interaction_id, role, content, tokens)
select
  id as interaction_id,
  'system' as role,  -- noqa: RF04
  'You are a baker.' as content,  -- noqa: RF04
  5 as tokens
from public.ai_interactions;
insert into public.interaction_messages (interaction_id, role, content, tokens)
select
  i.id as interaction_id,
  v.role,
  v.content,
  v.tokens
from public.ai_interactions as i
cross join (
  values ('user', 'How do I bake sourdough bread?', 8),
  ('assistant', 'Feed the starter, then mix flour and water.', 12)
) as v (role, content, tokens);
select results_eq(
  $$select position, role from public.interaction_messages order by position$$,
  $$values (0, 'system'::text), (1, 'user'), (2, 'assistant')$$,
  'messages take the next position, also within one statement'
);
select throws_ok(
  $$insert into public.interaction_messages (interaction_id, role, content, position)
    select id, 'user', 'again', 1 from public.ai_interactions$$,
  '23505', null, 'a position is used once per interaction'
);
select throws_ok(
  $$insert into public.interaction_messages (interaction_id, role, content)
    select id, 'robot', 'x' from public.ai_interactions$$,
  '23514', null, 'roles are system, user, assistant, tool'
);
select throws_ok(
  $$insert into public.interaction_messages (interaction_id, role, content)
    select id, 'user', repeat('x', 100001) from public.ai_interactions$$,
  '23514', null, 'content is bounded (100,000 characters)'
);
select throws_ok(
  $$insert into public.interaction_messages (interaction_id, role, content, tokens)
    select id, 'user', 'x', -1 from public.ai_interactions$$,
  '23514', null, 'tokens are not negative'
);
select throws_ok(
  $$insert into public.interaction_messages (interaction_id, role, metadata)
    select id, 'tool', jsonb_build_object('x', repeat('y', 20000)) from public.ai_interactions$$,
  '23514', null, 'metadata is bounded (16 KiB)'
);
select throws_ok(
  $$insert into public.interaction_messages (id, interaction_id, role, content)
    select gen_random_uuid(), id, 'user', 'x' from public.ai_interactions$$,
  '42501', null, 'clients do not choose ids'
);

-- Search: own messages only, words whole, best first.
select results_eq(
  $$select role, headline from public.search_messages('bread')$$,
  $$values ('user'::text, 'How do I bake sourdough <b>bread</b>?'::text)$$,
  'search_messages finds a word in the caller''s messages'
);
select results_eq(
  $$select count(*)::integer from public.search_messages('flour or baker')$$,
  $$values (2)$$, 'web search syntax: or'
);
select is_empty($$select from public.search_messages('"water flour"')$$, 'a phrase matches in order only');
select is(
  (select agent_id from public.search_messages('starter')),
  (
    select id from public.ai_agents
    where name = 'chat'
  ), 'results name the agent'
);
select throws_ok(
  $$select * from public.search_messages(null)$$, '22004', 'query: required', 'a null query'
);
select throws_ok(
  $$select * from public.search_messages(repeat('a', 1001))$$, '22023',
  'query: at most 1000 characters', 'a query too long'
);
select throws_ok(
  $$select * from public.search_messages('bread', 0)$$, '22023',
  'max_results: between 1 and 1000', 'max_results out of range'
);

-- Other users: nothing seen, nothing written.
select tests.authenticate_as('bob');
select is_empty($$select from public.interaction_messages$$, 'bob sees none of alice''s messages');
select is_empty($$select from public.search_messages('bread')$$, 'bob''s search finds none of them');
update public.interaction_messages set content = 'defaced';
delete from public.interaction_messages;
select tests.clear_authentication();
select is(
  (
    select count(*)::integer from public.interaction_messages
    where content <> 'defaced'
  ), 3,
  'bob''s update and delete changed nothing'
);
select tests.clear_authentication();
select set_config('tests.interaction', (select id::text from public.ai_interactions), true);
select tests.authenticate_as('bob');
select throws_ok(
  format(
    'insert into public.interaction_messages (interaction_id, role, content) values (%L, ''user'', ''x'')',
    current_setting('tests.interaction')
  ),
  '42501', null, 'bob cannot add a message to alice''s interaction'
);
select tests.authenticate_as_service_role();
select throws_ok(
  format(
    'insert into public.interaction_messages (interaction_id, user_id, role, content) values (%L, %L, ''user'', ''x'')',
    current_setting('tests.interaction'), tests.get_user_id('bob')
  ),
  '23503', null, 'service_role cannot file a message under another user than the interaction''s'
);
select tests.authenticate_as_anon();
select throws_ok($$select from public.interaction_messages$$, '42501', null, 'anon reads nothing');

-- Purge: content and metadata go, numbers stay; only what is older; only one's own.
select tests.clear_authentication();
update public.interaction_messages set created_at = now() - interval '40 days'
where position < 2;
select tests.authenticate_as('bob');
select is(public.purge_message_content(30), 0, 'bob purges none of alice''s messages');
select tests.authenticate_as('alice');
select is(public.purge_message_content(30), 2, 'alice purges her two messages older than 30 days');
select results_eq(
  $$select position, role, content, tokens, content_purged_at is not null
    from public.interaction_messages order by position$$,
  $$values (0, 'system'::text, null::text, 5, true), (1, 'user', null, 8, true),
    (2, 'assistant', 'Feed the starter, then mix flour and water.', 12, false)$$,
  'purged messages keep role, position and tokens; newer ones keep their content'
);
select is_empty($$select from public.search_messages('bread')$$, 'purged content is no longer found');
select throws_ok(
  $$select public.purge_message_content(-1)$$, '22023', 'older_than_days: between 0 and 36500',
  'a negative age is refused'
);
select tests.authenticate_as_service_role();
select is(public.purge_message_content(0), 1, 'service_role purges everyone''s');

select * from finish();
rollback;
