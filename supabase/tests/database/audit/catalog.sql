begin;
\ir ../helpers.psql
-- Fixtures with fixed ids: clients may not choose ids (issue 9), so this transaction grants
-- it back to authenticated for the file's setup and probes.
grant insert (id) on public.ai_agents to authenticated;
select plan(12);

-- Catalog changes by service_role are logged with no owner; the RPCs' no-op calls and the
-- database's usage bookkeeping write nothing.
select tests.clear_authentication();
create table tests.mark as select clock_timestamp() as last_at;
grant select on tests.mark to authenticated, service_role;

select tests.authenticate_as_service_role();
select lives_ok($$select public.add_vendor('acme', 'Acme AI')$$, 'service_role adds a vendor');
select lives_ok($$select public.add_vendor('acme', 'Acme AI')$$, 'and adds it again, unchanged');
select lives_ok($$select public.add_vendor('acme', 'Acme AI', 'Models.')$$, 'and describes it');
select lives_ok(
  $$select public.add_vendor_service('acme', 'acme-1', 'Acme One')$$, 'service_role adds a service'
);
insert into public.agent_features (id, name) values ('audit_probe', 'Probe');
update public.agent_features set sort_order = 99
where id = 'audit_probe';
delete from public.agent_features
where id = 'audit_probe';
insert into public.interaction_types (id, name, color) values ('audit_probe', 'Probe', '#00ff00');
update public.interaction_types set color = '#ff0000'
where id = 'audit_probe';
delete from public.interaction_types
where id = 'audit_probe';
delete from public.vendor_services
where id = 'acme_acme_1';
delete from public.vendors
where id = 'acme';

select results_eq(
  $$select table_name, record_id, action, new_row - array['created_at', 'updated_at'], old_row ->> 'name'
    from public.audit_logs where recorded_at > (select last_at from tests.mark) order by recorded_at$$,
  $$values
    ('vendors', 'acme', 'insert', '{"id": "acme", "name": "Acme AI", "description": null, "auth_type": "api_key",
      "base_url": null, "is_active": true}'::jsonb, null),
    ('vendors', 'acme', 'update', '{"description": "Models."}'::jsonb, null),
    ('vendor_services', 'acme_acme_1', 'insert', '{"id": "acme_acme_1", "vendor_id": "acme", "service_name": "acme-1",
      "display_name": "Acme One", "description": null, "is_active": true}'::jsonb, null),
    ('agent_features', 'audit_probe', 'insert', '{"id": "audit_probe", "name": "Probe", "description": null,
      "category": "general", "icon": null, "is_active": true, "sort_order": 0}'::jsonb, null),
    ('agent_features', 'audit_probe', 'update', '{"sort_order": 99}'::jsonb, null),
    ('agent_features', 'audit_probe', 'delete', null::jsonb, 'Probe'),
    ('interaction_types', 'audit_probe', 'insert', '{"id": "audit_probe", "name": "Probe", "description": null,
      "category": "general", "icon": null, "color": "#00ff00", "is_active": true, "sort_order": 0}'::jsonb, null),
    ('interaction_types', 'audit_probe', 'update', '{"color": "#ff0000"}'::jsonb, null),
    ('interaction_types', 'audit_probe', 'delete', null::jsonb, 'Probe'),
    ('vendor_services', 'acme_acme_1', 'delete', null::jsonb, null),
    ('vendors', 'acme', 'delete', null::jsonb, 'Acme AI')$$,
  'every catalog change is logged once; the unchanged add_vendor call writes nothing'
);
select is(
  (
    select count(*)::integer from public.audit_logs
    where
      recorded_at > (select m.last_at from tests.mark as m)
      and (owner_id is not null or actor_id is not null or actor_role <> 'service_role')
  ),
  0,
  'catalog entries have no owner, no user actor, and service_role as role'
);

-- A signed-in user does not see catalog entries.
select tests.clear_authentication();
select tests.create_user('alice');
select tests.authenticate_as('alice');
select is_empty(
  $$select id from public.audit_logs where recorded_at > (select last_at from tests.mark)$$,
  'alice does not see the catalog changes'
);

-- Bookkeeping: the usage counters of agents and keys are not audited on their own.
insert into public.ai_agents (id, name, vendor_id)
values ('aaaaaaaa-0000-4000-8000-000000000001', 'Alice''s', 'openai');
select public.store_user_api_key('openai', 'sk-alice-bookkeeping-0001');
select tests.clear_authentication();
truncate tests.mark;
insert into tests.mark select clock_timestamp();

select tests.authenticate_as_service_role();
select lives_ok(
  $$update public.ai_agents set usage_count = 3, last_used_at = now() - interval '1 hour', activity_score = 0.5
    where id = 'aaaaaaaa-0000-4000-8000-000000000001'$$,
  'service_role updates an agent''s usage counters'
);
select lives_ok(
  $$select public.update_api_key_last_used(tests.get_user_id('alice'), 'openai', null)$$,
  'service_role stamps a key''s last use'
);
select is_empty(
  $$select id from public.audit_logs where recorded_at > (select last_at from tests.mark)$$,
  'usage bookkeeping writes no entry'
);
select lives_ok(
  $$update public.ai_agents set usage_count = 4, is_active = false
    where id = 'aaaaaaaa-0000-4000-8000-000000000001'$$,
  'service_role deactivates the agent along with a counter'
);
select results_eq(
  $$select table_name, action, new_row, actor_role, owner_id from public.audit_logs
    where recorded_at > (select last_at from tests.mark) order by recorded_at$$,
  $$values ('ai_agents', 'update', '{"usage_count": 4, "is_active": false, "status": "paused"}'::jsonb, 'service_role', tests.get_user_id('alice'))$$,
  'a real change is logged with every changed column, counters included'
);

select * from finish();
rollback;
