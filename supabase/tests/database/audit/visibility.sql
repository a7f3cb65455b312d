begin;
\ir ../helpers.psql
-- Fixtures with fixed ids: clients may not choose ids (issue 9), so this transaction grants
-- it back to authenticated for the file's setup and probes.
grant insert (id) on public.ai_agents, public.ai_agent_configs, public.agent_feature_mappings,
public.ai_interactions to authenticated;
select plan(21);

-- Who reads which entries: owners their own, other users none of them, anon nothing,
-- service_role everything, signed-in users no catalog entries.
select tests.create_user('alice');
select tests.create_user('bob');

select tests.authenticate_as('alice');
insert into public.ai_agents (id, name, vendor_id, is_public) values
('aaaaaaaa-0000-4000-8000-000000000001', 'Alice private', 'openai', false),
('aaaaaaaa-0000-4000-8000-000000000002', 'Alice shared', 'openai', true);
insert into public.ai_agent_configs (agent_id, config_key, config_value)
values ('aaaaaaaa-0000-4000-8000-000000000002', 'mode', '"fast"');
select public.store_user_api_key('openai', 'sk-alice-visibility-0001');

select tests.authenticate_as('bob');
insert into public.ai_agents (id, name, vendor_id)
values ('bbbbbbbb-0000-4000-8000-000000000001', 'Bob private', 'anthropic');
select public.store_user_api_key('anthropic', 'sk-bob-visibility-0002');

select tests.authenticate_as_service_role();
insert into public.agent_features (id, name) values ('visibility_probe', 'Visibility probe');
update public.ai_agents set description = 'Reviewed'
where id = 'aaaaaaaa-0000-4000-8000-000000000001';

-- What exists, counted by the table owner.
select tests.clear_authentication();
create table tests.expected as
select
  (
    select count(*) from public.audit_logs
    where owner_id = tests.get_user_id('alice')
  )::integer as alice,
  (
    select count(*) from public.audit_logs
    where owner_id = tests.get_user_id('bob')
  )::integer as bob,
  (
    select count(*) from public.audit_logs
    where owner_id is null
  )::integer as catalog_entries,
  (select count(*) from public.audit_logs)::integer as total,
  tests.get_user_id('bob') as bob_id;
grant select on tests.expected to authenticated, service_role;
select is(
  (select array[alice, bob] from tests.expected),
  array[5, 2],
  'alice has 5 entries (2 agents, a config, a key, service_role''s edit), bob 2'
);
select ok((select catalog_entries > 0 from tests.expected), 'there are catalog entries (the seed and the probe feature)');

-- alice: her own entries, including the one service_role wrote about her agent.
select tests.authenticate_as('alice');
select is(
  (select count(*)::integer from public.audit_logs),
  (select alice from tests.expected),
  'alice reads all her entries'
);
select is(
  (
    select count(*)::integer from public.audit_logs
    where owner_id is distinct from auth.uid()
  ),
  0,
  'alice reads no entry of anyone else, nor any catalog entry'
);
select is(
  (
    select jsonb_build_array(actor_id, actor_role, new_row) from public.audit_logs
    where actor_role = 'service_role'
  ),
  jsonb_build_array(null, 'service_role', '{"description": "Reviewed"}'::jsonb),
  'alice sees that service_role changed her agent'
);
select is_empty(
  $$select id from public.audit_logs where table_name = 'agent_features'$$,
  'alice does not see catalog changes'
);

-- bob: his own only; alice's shared agent is readable to him, its history is not.
select tests.authenticate_as('bob');
select is(
  (select count(*)::integer from public.audit_logs),
  (select bob from tests.expected),
  'bob reads all his entries'
);
select is(
  (
    select count(*)::integer from public.audit_logs
    where owner_id is distinct from auth.uid()
  ),
  0,
  'bob reads no entry of anyone else'
);
select isnt_empty(
  $$select id from public.ai_agents where id = 'aaaaaaaa-0000-4000-8000-000000000002'$$,
  'bob can read alice''s shared agent'
);
select is_empty(
  $$select id from public.audit_logs where record_id = 'aaaaaaaa-0000-4000-8000-000000000002'$$,
  'but not its audit entries'
);
select is_empty(
  $$select id from public.audit_logs where owner_id = tests.get_user_id('alice')$$,
  'bob sees none of alice''s entries even when filtering for them'
);

-- A signed-in user with no data sees nothing.
select tests.clear_authentication();
select tests.create_user('carol');
select tests.authenticate_as('carol');
select is_empty($$select id from public.audit_logs$$, 'carol, with no data, reads no entry');

-- anon: no privilege at all.
select tests.authenticate_as_anon();
select throws_ok(
  $$select id from public.audit_logs$$,
  '42501', 'permission denied for table audit_logs', 'anon cannot read audit_logs'
);
select throws_ok(
  $$select count(*) from public.audit_logs where owner_id is null$$,
  '42501', 'permission denied for table audit_logs', 'anon cannot read catalog entries either'
);

-- service_role: every entry.
select tests.authenticate_as_service_role();
select is(
  (select count(*)::integer from public.audit_logs),
  (select total from tests.expected),
  'service_role reads every entry'
);
select is(
  (
    select count(*)::integer from public.audit_logs
    where owner_id in (tests.get_user_id('alice'), tests.get_user_id('bob'))
  ),
  (select alice + bob from tests.expected),
  'service_role reads alice''s and bob''s entries'
);
select is(
  (
    select count(*)::integer from public.audit_logs
    where owner_id is null
  ),
  (select catalog_entries from tests.expected),
  'service_role reads the catalog entries'
);
select is(
  (
    select jsonb_build_array(actor_id, actor_role, owner_id, action) from public.audit_logs
    where table_name = 'agent_features' and record_id = 'visibility_probe'
  ),
  jsonb_build_array(null, 'service_role', null, 'insert'),
  'the catalog insert has no owner, no user actor, and service_role as role'
);

-- Reading as a user through the claims alone is not enough: the policy is for the
-- authenticated role (a session with bob's claims but the anon role reads nothing).
select tests.authenticate_as('bob');
select set_config('role', 'anon', true);
select throws_ok(
  $$select id from public.audit_logs$$,
  '42501', null, 'claims without the authenticated role give no access'
);

-- Deleting a user keeps the trail: entries are not tied to auth.users.
select tests.clear_authentication();
delete from auth.users
where id = tests.get_user_id('bob');
select bag_eq(
  $$select a.table_name, a.actor_role, a.actor_id from public.audit_logs as a
    where a.action = 'delete' and a.owner_id = (select bob_id from tests.expected)$$,
  $$values ('ai_agents', 'postgres', null::uuid), ('user_api_keys', 'postgres', null::uuid)$$,
  'deleting bob from auth.users logs the cascaded deletes of his agent and key'
);
select is(
  (
    select count(*)::integer from public.audit_logs
    where owner_id = (select e.bob_id from tests.expected as e)
  ),
  (select bob + 2 from tests.expected),
  'bob''s earlier entries outlive him'
);

select * from finish();
rollback;
