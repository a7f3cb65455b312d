begin;
\ir ../helpers.psql
-- Fixtures with fixed ids: clients may not choose ids (issue 9), so this transaction grants
-- it back to authenticated for the file's setup and probes.
grant insert (id) on public.ai_agents, public.ai_agent_configs, public.agent_feature_mappings,
public.ai_interactions to authenticated;
select plan(33);

-- A signed-in user's writes to every audited user table still work, and each row change
-- writes one entry with that user as actor and owner.
select tests.create_user('alice');
select tests.authenticate_as('alice');

-- Agents.
select lives_ok(
  $$insert into public.ai_agents (id, name, vendor_id)
    values ('aaaaaaaa-0000-4000-8000-000000000001', 'Helper', 'openai')$$,
  'alice creates an agent'
);
select lives_ok(
  $$update public.ai_agents set name = 'Helper 2', is_favorite = true
    where id = 'aaaaaaaa-0000-4000-8000-000000000001'$$,
  'alice updates her agent'
);
-- Changes nothing (updated_at is the same within a transaction): no entry.
update public.ai_agents set name = 'Helper 2'
where id = 'aaaaaaaa-0000-4000-8000-000000000001';

-- Configs.
select lives_ok(
  $$insert into public.ai_agent_configs (id, agent_id, config_key, config_value, config_type)
    values ('cccccccc-0000-4000-8000-000000000001', 'aaaaaaaa-0000-4000-8000-000000000001',
      'temperature', '0.7', 'number')$$,
  'alice adds a config'
);
select lives_ok(
  $$update public.ai_agent_configs set config_value = '0.2'
    where id = 'cccccccc-0000-4000-8000-000000000001'$$,
  'alice updates the config'
);
select lives_ok(
  $$delete from public.ai_agent_configs where id = 'cccccccc-0000-4000-8000-000000000001'$$,
  'alice deletes the config'
);

-- Feature mappings.
select lives_ok(
  $$insert into public.agent_feature_mappings (id, agent_id, feature_id, is_primary)
    values ('dddddddd-0000-4000-8000-000000000001', 'aaaaaaaa-0000-4000-8000-000000000001',
      'coding', true)$$,
  'alice maps a feature'
);
select lives_ok(
  $$update public.agent_feature_mappings set is_primary = false
    where id = 'dddddddd-0000-4000-8000-000000000001'$$,
  'alice updates the mapping'
);
select lives_ok(
  $$delete from public.agent_feature_mappings where id = 'dddddddd-0000-4000-8000-000000000001'$$,
  'alice deletes the mapping'
);

-- API keys: stored through the RPC, renamed, replaced, deleted.
select lives_ok(
  $$select public.store_user_api_key('openai', 'sk-alice-first-key-1111', null, 'My key')$$,
  'alice stores an API key'
);
select lives_ok(
  $$update public.user_api_keys set display_name = 'Renamed' where key_preview = '1111'$$,
  'alice renames the key'
);
select lives_ok(
  $$select public.store_user_api_key('openai', 'sk-alice-second-key-2222')$$,
  'alice stores a second key for the same vendor, deactivating the first'
);
select lives_ok(
  $$delete from public.user_api_keys where key_preview = '1111'$$,
  'alice deletes the old key'
);

-- Deleting the agent cascades to its remaining config and mapping: three deletes.
insert into public.ai_agent_configs (id, agent_id, config_key, config_value)
values ('cccccccc-0000-4000-8000-000000000002', 'aaaaaaaa-0000-4000-8000-000000000001', 'style', '"terse"');
insert into public.agent_feature_mappings (id, agent_id, feature_id)
values ('dddddddd-0000-4000-8000-000000000002', 'aaaaaaaa-0000-4000-8000-000000000001', 'research');
select lives_ok(
  $$delete from public.ai_agents where id = 'aaaaaaaa-0000-4000-8000-000000000001'$$,
  'alice deletes her agent'
);

-- What was written (read as the table owner).
select tests.clear_authentication();
create table tests.alice_entries as
select a.* from public.audit_logs as a
where a.owner_id = tests.get_user_id('alice');
grant select on tests.alice_entries to authenticated;

select is(
  (
    select count(*)::integer from tests.alice_entries as a
    where
      a.actor_id = tests.get_user_id('alice')
      and a.actor_role = 'authenticated'
      and a.transaction_id = private.audit_transaction_ref(pg_current_xact_id()::text::bigint)
      and a.occurred_at = now()
  ),
  (select count(*)::integer from tests.alice_entries),
  'every entry names alice as actor, authenticated as role, and this transaction'
);
select results_eq(
  $$select action, old_row is null, new_row ->> 'name', new_row -> 'is_favorite' from tests.alice_entries
    where table_name = 'ai_agents' order by recorded_at$$,
  $$values
    ('insert', true, 'Helper', 'false'::jsonb),
    ('update', false, 'Helper 2', 'true'::jsonb),
    ('delete', false, null, null)$$,
  'agent: insert, update, delete, and no entry for the update that changed nothing'
);
select is(
  (
    select u.new_row from tests.alice_entries as u
    where u.table_name = 'ai_agents' and u.action = 'update'
  ),
  '{"name": "Helper 2", "is_favorite": true}'::jsonb,
  'an update entry''s new_row holds only the changed columns'
);
select is(
  (
    select
      jsonb_build_array(
        u.old_row = (
          select jsonb_object_agg(c.k, i.new_row -> c.k) from jsonb_object_keys(u.new_row) as c (k)
        ),
        i.new_row || u.new_row = d.old_row
      )
    from tests.alice_entries as i, tests.alice_entries as u, tests.alice_entries as d
    where
      i.table_name = 'ai_agents' and i.action = 'insert'
      and u.table_name = 'ai_agents' and u.action = 'update'
      and d.table_name = 'ai_agents' and d.action = 'delete'
  ),
  '[true, true]'::jsonb,
  'old_row holds the changed columns before; the inserted row || new_row is the row after'
);
select is(
  (
    select
      a.new_row ->> 'id' = a.record_id
      and a.new_row ->> 'user_id' = tests.get_user_id('alice')::text
      and a.new_row ->> 'vendor_id' = 'openai'
      and a.record_id = 'aaaaaaaa-0000-4000-8000-000000000001'
    from tests.alice_entries as a
    where a.table_name = 'ai_agents' and a.action = 'insert'
  ),
  true,
  'the agent''s insert entry holds the whole new row under its id'
);
select results_eq(
  $$select action, old_row -> 'config_value', new_row from tests.alice_entries
    where table_name = 'ai_agent_configs' and record_id = 'cccccccc-0000-4000-8000-000000000001' order by recorded_at$$,
  $$values
    ('insert', null::jsonb, (select new_row from tests.alice_entries
      where table_name = 'ai_agent_configs' and action = 'insert' and record_id = 'cccccccc-0000-4000-8000-000000000001')),
    ('update', '0.7'::jsonb, '{"config_value": 0.2}'::jsonb),
    ('delete', '0.2'::jsonb, null::jsonb)$$,
  'config: insert, update of the value (0.7 to 0.2), delete'
);
select is(
  (
    select new_row ->> 'config_key' from tests.alice_entries
    where table_name = 'ai_agent_configs' and action = 'insert' and record_id = 'cccccccc-0000-4000-8000-000000000001'
  ),
  'temperature',
  'the config insert entry holds the new row'
);
select results_eq(
  $$select action, old_row ->> 'is_primary', new_row from tests.alice_entries
    where table_name = 'agent_feature_mappings' and record_id = 'dddddddd-0000-4000-8000-000000000001' order by recorded_at$$,
  $$values
    ('insert', null::text, (select new_row from tests.alice_entries
      where table_name = 'agent_feature_mappings' and action = 'insert' and record_id = 'dddddddd-0000-4000-8000-000000000001')),
    ('update', 'true', '{"is_primary": false}'::jsonb),
    ('delete', 'false', null::jsonb)$$,
  'mapping: insert, update of is_primary, delete'
);
select is(
  (
    select new_row ->> 'feature_id' from tests.alice_entries
    where table_name = 'agent_feature_mappings' and action = 'insert' and record_id = 'dddddddd-0000-4000-8000-000000000001'
  ),
  'coding',
  'the mapping insert entry holds the new row'
);
select results_eq(
  $$select action, coalesce(new_row ->> 'key_preview', old_row ->> 'key_preview'), new_row - array['id', 'user_id', 'created_at', 'updated_at']
    from tests.alice_entries where table_name = 'user_api_keys' order by recorded_at$$,
  $$values
    ('insert', '1111', '{"vendor_id": "openai", "service_id": null, "encrypted_key": "pgp-aes256:kek-v1", "key_preview": "1111",
      "display_name": "My key", "is_active": true, "last_used_at": null}'::jsonb),
    ('update', null, '{"display_name": "Renamed"}'::jsonb),
    ('update', null, '{"is_active": false}'::jsonb),
    ('insert', '2222', '{"vendor_id": "openai", "service_id": null, "encrypted_key": "pgp-aes256:kek-v1", "key_preview": "2222",
      "display_name": null, "is_active": true, "last_used_at": null}'::jsonb),
    ('delete', '1111', null::jsonb)$$,
  'API keys: store, rename, deactivation by the next store, the new key, delete (an update entry holds only what changed)'
);
select is(
  (
    select old_row ->> 'display_name' from tests.alice_entries
    where table_name = 'user_api_keys' and action = 'delete'
  ),
  'Renamed',
  'the key delete entry holds the old row'
);
select results_eq(
  $$select table_name, record_id from tests.alice_entries
    where action = 'delete' and recorded_at > (
      select a.recorded_at from tests.alice_entries as a where a.table_name = 'user_api_keys' and a.action = 'delete'
    )
    order by table_name$$,
  $$values
    ('agent_feature_mappings', 'dddddddd-0000-4000-8000-000000000002'),
    ('ai_agent_configs', 'cccccccc-0000-4000-8000-000000000002'),
    ('ai_agents', 'aaaaaaaa-0000-4000-8000-000000000001')$$,
  'deleting the agent logs its own delete and the cascaded deletes of its config and mapping'
);
select is(
  (select count(*)::integer from tests.alice_entries),
  3 + 3 + 2 + 3 + 2 + 5,
  'exactly one entry per row change: 3 agent, 5 config, 5 mapping, 5 key entries'
);

-- The owner reads her own entries through the API, all of them.
select tests.authenticate_as('alice');
select set_eq(
  $$select id from public.audit_logs$$,
  $$select id from tests.alice_entries$$,
  'alice reads exactly her entries'
);

-- Errors and refusals leave no entry: the entry is in the writer's transaction.
select tests.clear_authentication();
select tests.create_user('bob');
select tests.authenticate_as('bob');
insert into public.ai_agents (id, name, vendor_id)
values ('bbbbbbbb-0000-4000-8000-000000000001', 'Bob''s', 'openai');
select tests.authenticate_as('alice');
select throws_ok(
  $$insert into public.ai_agent_configs (agent_id, config_key, config_value)
    values ('bbbbbbbb-0000-4000-8000-000000000001', 'sneaky', '1')$$,
  '42501', null, 'alice cannot add a config to bob''s agent'
);
select throws_ok(
  $$insert into public.ai_agents (name, vendor_id) values (' ', 'openai')$$,
  '23514', null, 'a blank agent name is refused'
);
select is_empty(
  $$update public.ai_agents set name = 'Hijacked' where id = 'bbbbbbbb-0000-4000-8000-000000000001' returning id$$,
  'alice''s update of bob''s agent matches no row'
);
select tests.clear_authentication();
select is(
  (
    select count(*)::integer from public.audit_logs
    where owner_id in (tests.get_user_id('alice'), tests.get_user_id('bob'))
  ),
  (select count(*)::integer from tests.alice_entries) + 1,
  'the refused writes logged nothing (bob has only his agent''s insert)'
);
select is(
  (
    select count(*)::integer from public.audit_logs
    where table_name = 'ai_agents' and record_id = 'bbbbbbbb-0000-4000-8000-000000000001'
  ),
  1,
  'bob''s agent has one entry: its insert'
);
select is(
  (
    select jsonb_build_array(actor_id, actor_role, owner_id, action) from public.audit_logs
    where table_name = 'ai_agents' and record_id = 'bbbbbbbb-0000-4000-8000-000000000001'
  ),
  jsonb_build_array(tests.get_user_id('bob'), 'authenticated', tests.get_user_id('bob'), 'insert'),
  'bob''s insert names bob as actor and owner'
);

select * from finish();
rollback;
