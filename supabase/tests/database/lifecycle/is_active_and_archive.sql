begin;
\ir ../helpers.psql
select plan(27);

select tests.create_user('alice');
select tests.create_user('bob');
select tests.authenticate_as('alice');

-- is_active on insert: the seed-002 API keeps working; "disabled" wins.
insert into public.ai_agents (name, vendor_id) values ('default', 'openai');
insert into public.ai_agents (name, vendor_id, is_active) values ('off', 'openai', false);
insert into public.ai_agents (name, vendor_id, status) values ('starting', 'openai', 'initializing');
insert into public.ai_agents (name, vendor_id, status, is_active) values ('halted', 'openai', 'stopped', true);
select results_eq(
  $$select name, status, is_active from public.ai_agents order by name$$,
  $$values ('default'::text, 'active'::text, true), ('halted', 'stopped', false),
    ('off', 'paused', false), ('starting', 'initializing', true)$$,
  'a new agent is active; is_active false makes it paused; a stopped one is not active'
);
select throws_ok(
  $$insert into public.ai_agents (name, vendor_id, status) values ('x', 'openai', 'busy')$$,
  '22023', 'status: a new agent starts as initializing, active, idle, paused or stopped',
  'a new agent cannot start busy'
);
select throws_ok(
  $$insert into public.ai_agents (name, vendor_id, status) values ('x', 'openai', 'archived')$$,
  '22023', null, 'nor archived'
);

-- is_active on update maps to a status, and the status sets is_active.
update public.ai_agents set is_active = false
where name = 'default';
select results_eq(
  $$select status, is_active from public.ai_agents where name = 'default'$$,
  $$values ('paused'::text, false)$$, 'is_active false pauses an active agent'
);
update public.ai_agents set is_active = true
where name = 'default';
select results_eq(
  $$select status, is_active from public.ai_agents where name = 'default'$$,
  $$values ('active'::text, true)$$, 'is_active true activates it again'
);
update public.ai_agents set is_active = true
where name = 'halted';
select results_eq(
  $$select status, is_active from public.ai_agents where name = 'halted'$$,
  $$values ('active'::text, true)$$, 'is_active true activates a stopped agent'
);
select public.set_agent_status((
  select id from public.ai_agents
  where name = 'halted'
), 'busy');
update public.ai_agents set is_active = false
where name = 'halted';
select results_eq(
  $$select status, is_active from public.ai_agents where name = 'halted'$$,
  $$values ('paused'::text, false)$$, 'is_active false pauses a busy agent'
);
select public.set_agent_status((
  select id from public.ai_agents
  where name = 'halted'
), 'maintenance');
select results_eq(
  $$select status, is_active from public.ai_agents where name = 'halted'$$,
  $$values ('maintenance'::text, false)$$, 'maintenance is not active'
);
update public.ai_agents set is_active = false
where name = 'halted';
select is(
  (
    select status from public.ai_agents
    where name = 'halted'
  ), 'maintenance',
  'is_active false on an agent already inactive keeps its status'
);
update public.ai_agents set status = 'error', is_active = true
where name = 'halted';
select results_eq(
  $$select status, is_active from public.ai_agents where name = 'halted'$$,
  $$values ('error'::text, false)$$, 'when both are set, the status wins and is_active follows'
);
select tests.clear_authentication();
select is(
  (
    select count(*)::integer from public.ai_agents
    where is_active <> (status in ('initializing', 'active', 'idle', 'busy'))
  ),
  0, 'is_active agrees with the status on every agent'
);

-- Archive: out of agent_summary, history and spend kept, restorable.
select tests.authenticate_as('alice');
insert into public.ai_agents (name, vendor_id, is_public) values ('old', 'openai', true);
insert into public.ai_interactions (agent_id, title, input_tokens, total_cost)
select
  id as agent_id,
  'past work' as title,
  100 as input_tokens,
  1.5 as total_cost
from public.ai_agents
where name = 'old';
select is(
  (select status from public.archive_agent((
    select id from public.ai_agents
    where name = 'old'
  ), 'retired')),
  'archived', 'archive_agent archives'
);
select is(
  (
    select is_active from public.ai_agents
    where name = 'old'
  ), false, 'an archived agent is not active'
);
select is_empty(
  $$select from public.agent_summary where name = 'old'$$, 'it leaves agent_summary'
);
select is(
  (select count(*)::integer from public.agent_summary), 4, 'the other agents stay listed'
);
select results_eq(
  $$select title, total_cost from public.recent_interactions where agent_name = 'old'$$,
  $$values ('past work'::text, 1.5::numeric(16, 8))$$,
  'its interactions and their cost are kept (recent_interactions lists interactions, not agents)'
);
select is(
  (
    select status from public.ai_agents
    where name = 'old'
  ), 'archived',
  'the table still holds it: read ai_agents where status = archived'
);
select throws_ok(
  $$update public.ai_agents set is_active = true where name = 'old'$$,
  'PT409', 'is_active: the agent is archived', 'an archived agent is not re-activated by is_active'
);
select is(
  (select status from public.archive_agent((
    select id from public.ai_agents
    where name = 'old'
  ))),
  'archived', 'archiving it again changes nothing'
);
select tests.authenticate_as('bob');
select is_empty(
  $$select from public.agent_summary where name = 'old'$$,
  'an archived public agent leaves other users'' lists too'
);
select tests.authenticate_as('alice');
select results_eq(
  $$select status, is_active from public.restore_agent((select id from public.ai_agents where name = 'old'), 'needed again')$$,
  $$values ('stopped'::text, false)$$, 'restore_agent brings it back stopped'
);
select results_eq(
  $$select name, interaction_count, total_cost from public.agent_summary where name = 'old'$$,
  $$values ('old'::text, 1::bigint, 1.5::numeric(38, 8))$$,
  'back in agent_summary with its spend'
);
select results_eq(
  $$select from_status, to_status, reason from public.agent_status_history as h
    join public.ai_agents as a on a.id = h.agent_id where a.name = 'old' order by h.changed_at$$,
  $$values (null::text, 'active'::text, null::text), ('active', 'archived', 'retired'),
    ('archived', 'stopped', 'needed again')$$,
  'archive and restore are in the history with their reasons'
);
select is(
  (select status from public.restore_agent((
    select id from public.ai_agents
    where name = 'default'
  ))),
  'active', 'restoring an agent that is not archived returns it unchanged'
);
select public.set_agent_status((
  select id from public.ai_agents
  where name = 'default'
), 'busy');
select throws_ok(
  $$select public.archive_agent((select id from public.ai_agents where name = 'default'))$$,
  'PT409', 'status: an agent cannot go from busy to archived', 'a busy agent cannot be archived'
);

-- Hard delete stays possible, and is audited.
delete from public.ai_agents
where name = 'old';
select is_empty($$select from public.ai_agents where name = 'old'$$, 'the owner can still delete');
select ok(
  exists (
    select from public.audit_logs
    where
      table_name = 'ai_agents' and action = 'delete' and old_row ->> 'name' = 'old'
      and old_row ->> 'status' = 'stopped' and actor_id = tests.get_user_id('alice')
  ),
  'the delete is in the audit log, with the status it had'
);

select * from finish();
rollback;
