begin;
\ir ../helpers.psql
select plan(8);

select tests.create_user('alice');
select tests.create_user('bob');

-- alice keeps content 30 days, bob forever (no setting).
select tests.authenticate_as('alice');
insert into public.user_settings (message_retention_days) values (30);
select throws_ok(
  $$update public.user_settings set message_retention_days = 0$$, '23514', null,
  'a retention is at least one day'
);
insert into public.ai_agents (name, vendor_id) values ('a', 'openai');
insert into public.ai_interactions (agent_id, title) select
  id as agent_id,
  'x' as title
from public.ai_agents;
insert into public.interaction_messages (interaction_id, role, content, tokens)
select
  id as interaction_id,
  'user' as role,  -- noqa: RF04
  'old words' as content,  -- noqa: RF04
  7 as tokens  -- noqa: RF04
from public.ai_interactions;
insert into public.interaction_messages (interaction_id, role, content, tokens)
select
  id as interaction_id,
  'user' as role,  -- noqa: RF04
  'new words' as content,  -- noqa: RF04
  9 as tokens  -- noqa: RF04
from public.ai_interactions;
select tests.authenticate_as('bob');
insert into public.ai_agents (name, vendor_id) values ('b', 'openai');
insert into public.ai_interactions (agent_id, title) select
  id as agent_id,
  'y' as title
from public.ai_agents;
insert into public.interaction_messages (interaction_id, role, content, tokens)
select
  id as interaction_id,
  'user' as role,  -- noqa: RF04
  'bob old words' as content,  -- noqa: RF04
  5 as tokens  -- noqa: RF04
from public.ai_interactions;
select tests.clear_authentication();
update public.interaction_messages set created_at = now() - interval '31 days'
where content in ('old words', 'bob old words');

select is(private.purge_expired_message_content(), 1, 'the job purges one message');
select results_eq(
  $$select content, tokens, content_purged_at is not null from public.interaction_messages
    order by tokens$$,
  $$values ('bob old words'::text, 5, false), (null, 7, true), ('new words', 9, false)$$,
  'alice''s message past her retention lost its content and kept its tokens; bob keeps his'
);
select is(private.purge_expired_message_content(), 0, 'a second run purges nothing');

select is(
  (
    select command from private.job_definitions()
    where job_name = 'agentsdb-daily-message-purge'
  ),
  'select private.purge_expired_message_content()', 'the purge is among agentsdb''s jobs'
);
select is(
  tests.cron_job('agentsdb-daily-message-purge'),
  case
    when to_regclass('cron.job') is null then null
    else '40 0 * * * select private.purge_expired_message_content()'
  end,
  'pg_cron runs it daily where installed'
);
select tests.authenticate_as('alice');
select throws_ok(
  $$select private.purge_expired_message_content()$$, '42501', null, 'no client runs the job'
);
select tests.authenticate_as_service_role();
select throws_ok(
  $$select private.purge_expired_message_content()$$, '42501', null, 'nor service_role'
);

select * from finish();
rollback;
