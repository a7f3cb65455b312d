begin;
\ir ../helpers.psql
-- Fixtures with fixed ids: clients may not choose ids (issue 9), so this transaction grants
-- it back to authenticated for the file's setup and probes.
grant insert (id) on public.ai_agents, public.ai_agent_configs, public.agent_feature_mappings,
public.ai_interactions to authenticated;
select plan(26);

-- Nobody changes the trail: no API role may insert, update, delete or truncate, and the
-- table owner is refused updates always and deletes unless a retention job allows them.
select tests.create_user('alice');
select tests.create_user('bob');
select tests.authenticate_as('alice');
insert into public.ai_agents (id, name, vendor_id)
values ('aaaaaaaa-0000-4000-8000-000000000001', 'Alice''s', 'openai');
select tests.authenticate_as_service_role();
insert into public.agent_features (id, name) values ('append_only_probe', 'Probe');

select tests.clear_authentication();
create table tests.before as select * from public.audit_logs;
select isnt_empty(
  $$select id from tests.before where owner_id = tests.get_user_id('alice')$$,
  'alice has an entry to tamper with'
);

-- alice, about her own entry.
select tests.authenticate_as('alice');
select throws_ok(
  $$update public.audit_logs set action = 'delete', new_row = null, old_row = '{}'$$,
  '42501', 'permission denied for table audit_logs', 'alice cannot update her entries'
);
select throws_ok(
  $$delete from public.audit_logs$$,
  '42501', 'permission denied for table audit_logs', 'alice cannot delete her entries'
);
select throws_ok(
  $$truncate public.audit_logs$$,
  '42501', 'permission denied for table audit_logs', 'alice cannot truncate the trail'
);
select throws_ok(
  $$insert into public.audit_logs (actor_role, table_name, record_id, action, new_row, owner_id)
    values ('authenticated', 'ai_agents', 'forged', 'insert', '{}', auth.uid())$$,
  '42501', 'permission denied for table audit_logs', 'alice cannot forge an entry'
);

-- bob, about alice's.
select tests.authenticate_as('bob');
select throws_ok(
  $$update public.audit_logs set actor_role = 'bob' where owner_id = tests.get_user_id('alice')$$,
  '42501', 'permission denied for table audit_logs', 'bob cannot update alice''s entries'
);
select throws_ok(
  $$delete from public.audit_logs where owner_id = tests.get_user_id('alice')$$,
  '42501', 'permission denied for table audit_logs', 'bob cannot delete alice''s entries'
);
select throws_ok(
  $$truncate public.audit_logs$$,
  '42501', 'permission denied for table audit_logs', 'bob cannot truncate the trail'
);

-- anon.
select tests.authenticate_as_anon();
select throws_ok(
  $$update public.audit_logs set actor_role = 'anon'$$,
  '42501', 'permission denied for table audit_logs', 'anon cannot update entries'
);
select throws_ok(
  $$delete from public.audit_logs$$,
  '42501', 'permission denied for table audit_logs', 'anon cannot delete entries'
);
select throws_ok(
  $$truncate public.audit_logs$$,
  '42501', 'permission denied for table audit_logs', 'anon cannot truncate the trail'
);

-- service_role reads everything and changes nothing.
select tests.authenticate_as_service_role();
select throws_ok(
  $$update public.audit_logs set actor_role = 'nobody'$$,
  '42501', 'permission denied for table audit_logs', 'service_role cannot update entries'
);
select throws_ok(
  $$delete from public.audit_logs where table_name = 'agent_features'$$,
  '42501', 'permission denied for table audit_logs', 'service_role cannot delete entries'
);
select throws_ok(
  $$truncate public.audit_logs$$,
  '42501', 'permission denied for table audit_logs', 'service_role cannot truncate the trail'
);
select throws_ok(
  $$insert into public.audit_logs (actor_role, table_name, record_id, action, new_row)
    values ('service_role', 'vendors', 'forged', 'insert', '{}')$$,
  '42501', 'permission denied for table audit_logs', 'service_role cannot forge an entry'
);

-- The table owner (the migration role) is refused by the append-only trigger.
select tests.clear_authentication();
select throws_ok(
  $$update public.audit_logs set actor_role = 'postgres'$$,
  '42501', 'audit_logs: entries are append-only and can never be updated',
  'the table owner cannot update entries'
);
select throws_ok(
  $$update public.audit_logs set actor_role = 'postgres' where false$$,
  '42501', 'audit_logs: entries are append-only and can never be updated',
  'an update is refused even when it matches no row'
);
select throws_ok(
  $$delete from public.audit_logs where table_name = 'ai_agents'$$,
  '42501', 'audit_logs: entries are append-only; delete is not allowed',
  'the table owner cannot delete entries'
);
select throws_ok(
  $$truncate public.audit_logs$$,
  '42501', 'audit_logs: entries are append-only; truncate is not allowed',
  'the table owner cannot truncate the trail'
);

-- Nothing changed.
select results_eq(
  $$select * from public.audit_logs order by id$$,
  $$select * from tests.before order by id$$,
  'every entry is exactly as it was'
);

-- Claims cannot unlock anything: the switch only matters to a role with DELETE privilege.
select tests.authenticate_as('alice');
select set_config('agentsdb.allow_audit_log_deletion', 'on', true);
select throws_ok(
  $$delete from public.audit_logs$$,
  '42501', 'permission denied for table audit_logs', 'the retention switch gives alice nothing'
);
select tests.authenticate_as_service_role();
select throws_ok(
  $$delete from public.audit_logs$$,
  '42501', 'permission denied for table audit_logs', 'nor service_role'
);

-- A retention job run by the table owner deletes once it allows itself to; updates stay refused.
select tests.clear_authentication();
select set_config('agentsdb.allow_audit_log_deletion', 'on', true);
select throws_ok(
  $$update public.audit_logs set actor_role = 'postgres'$$,
  '42501', 'audit_logs: entries are append-only and can never be updated',
  'the retention switch does not allow updates'
);
select lives_ok(
  $$delete from public.audit_logs where table_name = 'agent_features' and record_id = 'append_only_probe'$$,
  'with the retention switch on, the table owner deletes old entries'
);
select is(
  (select count(*)::integer from public.audit_logs),
  (select count(*)::integer - 1 from tests.before),
  'exactly the chosen entry is gone'
);
select set_config('agentsdb.allow_audit_log_deletion', '', true);
select throws_ok(
  $$delete from public.audit_logs$$,
  '42501', 'audit_logs: entries are append-only; delete is not allowed',
  'with the switch off again, deletes are refused'
);

select * from finish();
rollback;
