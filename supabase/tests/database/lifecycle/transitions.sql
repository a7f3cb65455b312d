begin;
\ir ../helpers.psql
select plan(28);

select tests.create_user('alice');
select tests.create_user('bob');

-- The allowed transitions as docs/decisions.md states them (written out here on purpose:
-- the database's list must equal the documented one).
create table tests.allowed (from_status text, to_status text);
insert into tests.allowed values
('initializing', 'active'), ('initializing', 'idle'), ('initializing', 'paused'),
('initializing', 'error'), ('initializing', 'maintenance'), ('initializing', 'stopped'),
('initializing', 'archived'),
('active', 'idle'), ('active', 'busy'), ('active', 'paused'), ('active', 'error'),
('active', 'maintenance'), ('active', 'stopped'), ('active', 'archived'),
('idle', 'active'), ('idle', 'busy'), ('idle', 'paused'), ('idle', 'error'),
('idle', 'maintenance'), ('idle', 'stopped'), ('idle', 'archived'),
('busy', 'active'), ('busy', 'idle'), ('busy', 'paused'), ('busy', 'error'), ('busy', 'stopped'),
('paused', 'active'), ('paused', 'idle'), ('paused', 'maintenance'), ('paused', 'stopped'),
('paused', 'archived'),
('error', 'initializing'), ('error', 'active'), ('error', 'idle'), ('error', 'paused'),
('error', 'maintenance'), ('error', 'stopped'), ('error', 'archived'),
('maintenance', 'initializing'), ('maintenance', 'active'), ('maintenance', 'idle'),
('maintenance', 'paused'), ('maintenance', 'error'), ('maintenance', 'stopped'),
('maintenance', 'archived'),
('stopped', 'initializing'), ('stopped', 'active'), ('stopped', 'idle'),
('stopped', 'maintenance'), ('stopped', 'archived'),
('archived', 'stopped');
grant select on tests.allowed to authenticated, service_role;

select set_eq(
  'select from_status, to_status from private.agent_status_transitions()',
  'select from_status, to_status from tests.allowed',
  'the database allows exactly the documented transitions'
);
select is((select count(*)::integer from tests.allowed), 51, '51 allowed transitions of 72');

select tests.authenticate_as('alice');
insert into public.ai_agents (name, vendor_id) values ('worker', 'openai');
select tests.clear_authentication();

-- Every ordered pair of distinct statuses, as the owner through set_agent_status: an allowed
-- one changes the status, sets is_active from it and records one history row with the
-- reason; any other is refused with PT409 and changes and records nothing. The agent is put
-- into the starting status with the lifecycle triggers off.
create function tests.transition_problems()
returns text []
language plpgsql
as $$
declare
  statuses text [] := array[
    'initializing', 'active', 'idle', 'busy', 'paused', 'error', 'maintenance', 'stopped',
    'archived'
  ];
  agent uuid := (select id from public.ai_agents where name = 'worker');
  source text;
  target text;
  allowed boolean;
  state text;
  history_before integer;
  history_after integer;
  got record;
  problems text [] := '{}';
begin
  foreach source in array statuses loop
    foreach target in array statuses loop
      continue when source = target;
      allowed := exists (
        select from tests.allowed as t where t.from_status = source and t.to_status = target
      );
      alter table public.ai_agents disable trigger ai_agents_a_sync_lifecycle;
      alter table public.ai_agents disable trigger ai_agents_record_status_update;
      update public.ai_agents
      set status = source, is_active = source in ('initializing', 'active', 'idle', 'busy')
      where id = agent;
      alter table public.ai_agents enable trigger ai_agents_a_sync_lifecycle;
      alter table public.ai_agents enable trigger ai_agents_record_status_update;
      history_before := (select count(*) from public.agent_status_history where agent_id = agent);
      state := 'ok';
      begin
        perform tests.authenticate_as('alice');
        perform public.set_agent_status(agent, target, 'pair ' || source || '>' || target);
        perform tests.clear_authentication();
      exception when others then
        state := sqlstate;
        perform tests.clear_authentication();
      end;
      select a.status, a.is_active into got from public.ai_agents as a where a.id = agent;
      history_after := (select count(*) from public.agent_status_history where agent_id = agent);
      if allowed then
        if state <> 'ok' or got.status <> target
          or got.is_active <> (target in ('initializing', 'active', 'idle', 'busy'))
          or history_after <> history_before + 1
          or not exists (
            select from public.agent_status_history as h
            where h.agent_id = agent and h.from_status = source and h.to_status = target
              and h.reason = 'pair ' || source || '>' || target
          )
        then
          problems := problems || format('%s>%s allowed but got %s, %s', source, target, state, got.status);
        end if;
      elsif state <> 'PT409' or got.status <> source or history_after <> history_before then
        problems := problems || format('%s>%s refused but got %s, %s', source, target, state, got.status);
      end if;
    end loop;
  end loop;
  return problems;
end;
$$;
select is(tests.transition_problems(), '{}', 'all 72 pairs: allowed ones happen and are recorded, every other one is refused (PT409) and changes nothing');

-- The same rule for plain updates, service_role and postgres.
select tests.authenticate_as('alice');
insert into public.ai_agents (name, vendor_id) values ('plain', 'openai');
update public.ai_agents set status = 'busy'
where name = 'plain';
select throws_ok(
  $$update public.ai_agents set status = 'archived' where name = 'plain'$$,
  'PT409', 'status: an agent cannot go from busy to archived',
  'a plain update is held to the transitions (busy to archived refused)'
);
select tests.authenticate_as_service_role();
select throws_ok(
  $$update public.ai_agents set status = 'maintenance' where name = 'plain'$$,
  'PT409', null, 'service_role is held to them too'
);
select tests.clear_authentication();
select throws_ok(
  $$update public.ai_agents set status = 'initializing' where name = 'plain'$$,
  'PT409', null, 'and so is postgres'
);
select throws_ok(
  $$update public.ai_agents set status = 'sleeping' where name = 'plain'$$,
  '23514', null, 'an unknown status is refused by the check'
);

-- History: creation, plain updates (no reason), who.
select tests.authenticate_as('alice');
select results_eq(
  $$select from_status, to_status, reason, changed_by, changed_by_role
    from public.agent_status_history as h join public.ai_agents as a on a.id = h.agent_id
    where a.name = 'plain' order by h.changed_at$$,
  format(
    $$values (null::text, 'active'::text, null::text, %L::uuid, 'authenticated'::text),
      ('active', 'busy', null, %L::uuid, 'authenticated')$$,
    tests.get_user_id('alice'), tests.get_user_id('alice')
  ),
  'creation and each change are recorded with who and the role; refusals are not'
);
select tests.authenticate_as_service_role();
select is(
  (select status from public.set_agent_status(
    (
      select id from public.ai_agents
      where name = 'plain'
    ), 'idle', 'task done'
  )),
  'idle', 'service_role changes any agent''s status'
);
select tests.authenticate_as('alice');
select results_eq(
  $$select changed_by, changed_by_role, reason from public.agent_status_history as h
    join public.ai_agents as a on a.id = h.agent_id
    where a.name = 'plain' order by h.changed_at desc limit 1$$,
  $$values (null::uuid, 'service_role'::text, 'task done'::text)$$,
  'a service change is recorded without a user, as service_role, with its reason'
);
select ok(
  current_setting('agentsdb.agent_status_reason', true) = '',
  'the reason does not outlive the call'
);
select is(
  (select updated_at from public.set_agent_status(
    (
      select id from public.ai_agents
      where name = 'plain'
    ), 'idle', 'again'
  )),
  (
    select updated_at from public.ai_agents
    where name = 'plain'
  ),
  'setting the status it has returns the agent'
);
select is(
  (
    select count(*)::integer from public.agent_status_history as h
    inner join public.ai_agents as a on h.agent_id = a.id
    where a.name = 'plain'
  ),
  3, 'and records nothing'
);

-- Bad arguments: stable codes naming the field, nothing written.
select throws_ok(
  $$select public.set_agent_status((select id from public.ai_agents where name = 'plain'), 'sleeping')$$,
  '22023', 'status: not a lifecycle status', 'an unknown status'
);
select throws_ok(
  $$select public.set_agent_status((select id from public.ai_agents where name = 'plain'), null)$$,
  '22004', 'status: required', 'a null status'
);
select throws_ok(
  $$select public.set_agent_status(null, 'idle')$$, '22004', 'agent_id: required', 'a null agent'
);
select throws_ok(
  $$select public.set_agent_status((select id from public.ai_agents where name = 'plain'), 'busy', repeat('x', 1001))$$,
  '22023', 'reason: at most 1000 characters', 'a reason too long'
);
select throws_ok(
  $$select public.set_agent_status(gen_random_uuid(), 'idle')$$,
  'PT404', 'agent_id: no agent with this id is yours to change', 'an unknown agent'
);

-- Other users: neither change nor read.
insert into public.ai_agents (name, vendor_id, is_public) values ('shared', 'openai', true);
select tests.authenticate_as('bob');
select throws_ok(
  format('select public.set_agent_status(%L, ''paused'')', (
    select id from public.ai_agents
    where name = 'shared'
  )),
  'PT404', null, 'bob cannot change alice''s public agent'
);
select throws_ok(
  format('select public.archive_agent(%L)', (
    select id from public.ai_agents
    where name = 'shared'
  )),
  'PT404', null, 'nor archive it'
);
select is_empty($$select from public.agent_status_history$$, 'bob reads none of alice''s history');
update public.ai_agents set status = 'paused'
where name = 'shared';
select tests.clear_authentication();
select is((
  select status from public.ai_agents
  where name = 'shared'
), 'active', 'bob''s update changed nothing');

-- Nobody writes the history through the API.
select tests.authenticate_as('alice');
select throws_ok(
  format(
    'insert into public.agent_status_history (agent_id, user_id, to_status, changed_by_role) values (%L, %L, ''busy'', ''x'')',
    (
      select id from public.ai_agents
      where name = 'plain'
    ), tests.get_user_id('alice'
    )
  ),
  '42501', null, 'the owner cannot insert history'
);
select throws_ok(
  $$update public.agent_status_history set reason = 'rewritten'$$, '42501', null,
  'the owner cannot rewrite history'
);
select throws_ok(
  $$delete from public.agent_status_history$$, '42501', null, 'the owner cannot delete history'
);
select tests.authenticate_as_service_role();
select throws_ok(
  $$delete from public.agent_status_history$$, '42501', null, 'nor can service_role'
);
select tests.authenticate_as_anon();
select throws_ok(
  $$select * from public.agent_status_history$$, '42501', null, 'anon reads nothing'
);
select throws_ok(
  $$select public.set_agent_status(gen_random_uuid(), 'idle')$$, '42501', null,
  'anon cannot call set_agent_status'
);

select * from finish();
rollback;
