begin;
\ir ../helpers.psql
select plan(11);

set local timezone = 'UTC';
select tests.create_user('alice');
insert into public.ai_agents (id, name, vendor_id, service_id, user_id) values (
  'a0000000-0000-4000-8000-000000000001', 'Alice', 'anthropic', 'anthropic_claude_sonnet_4_5',
  tests.get_user_id('alice')
);

-- Recorded by alice herself: the interaction takes the agent's vendor and service.
select tests.authenticate_as('alice');
insert into public.ai_interactions (agent_id, title, started_at, total_cost) values
('a0000000-0000-4000-8000-000000000001', 'before', '2026-03-10 09:00:00+00', 1.5);
select is(
  (
    select vendor_id || '/' || service_id from public.ai_interactions
    where title = 'before'
  ),
  'anthropic/anthropic_claude_sonnet_4_5', 'an interaction records the agent''s vendor and service'
);
select throws_ok(
  $$update public.ai_interactions set vendor_id = 'openai'$$, '42501', null,
  'a client cannot change the recorded vendor'
);
select throws_ok(
  $$insert into public.ai_interactions (agent_id, title, vendor_id)
    values ('a0000000-0000-4000-8000-000000000001', 'x', 'openai')$$,
  '42501', null, 'a client cannot choose the recorded vendor'
);
select tests.clear_authentication();

select tests.authenticate_as_service_role();
select public.update_daily_usage_stats('2026-03-10');
select tests.clear_authentication();
select is(
  (select vendor_usage -> 'anthropic' ->> 'cost' from public.ai_usage_stats),
  '1.50000000', 'the day counts the vendor used'
);

-- The agent moves to another vendor: history stays where it happened.
update public.ai_agents set vendor_id = 'openai', service_id = 'openai_gpt5'
where id = 'a0000000-0000-4000-8000-000000000001';
select is(
  (
    select vendor_id || '/' || service_id from public.ai_interactions
    where title = 'before'
  ),
  'anthropic/anthropic_claude_sonnet_4_5', 'changing the agent changes no recorded interaction'
);
select tests.authenticate_as_service_role();
select is(
  public.update_daily_usage_stats('2026-03-10'), 0,
  'a refresh after the change rewrites nothing'
);
select tests.clear_authentication();
select is(
  (select vendor_usage from public.ai_usage_stats),
  '{"anthropic": {"cost": 1.50000000, "interactions": 1, "input_tokens": 0, "output_tokens": 0}}'::jsonb,
  'the day still counts the vendor used then'
);

-- Later interactions count under the new vendor; service_role may record what was used.
insert into public.ai_interactions (agent_id, title, user_id, started_at, total_cost) values
('a0000000-0000-4000-8000-000000000001', 'after', tests.get_user_id('alice'), '2026-03-10 10:00:00+00', 2);
select tests.authenticate_as_service_role();
insert into public.ai_interactions (agent_id, title, user_id, started_at, vendor_id, service_id)
values (
  'a0000000-0000-4000-8000-000000000001', 'imported', tests.get_user_id('alice'),
  '2026-03-10 11:00:00+00', 'google', null
);
insert into public.ai_interactions (agent_id, title, user_id, started_at, service_id)
values (
  'a0000000-0000-4000-8000-000000000001', 'service only', tests.get_user_id('alice'),
  '2026-03-09 11:00:00+00', 'openai_gpt4o'
);
select is(
  (
    select vendor_id || '/' || service_id from public.ai_interactions
    where title = 'service only'
  ),
  'openai/openai_gpt4o', 'a service given without its vendor is kept, with the agent''s vendor'
);
select throws_ok(
  $$insert into public.ai_interactions (agent_id, title, user_id, service_id)
    select 'a0000000-0000-4000-8000-000000000001', 'mismatch', a.user_id, 'anthropic_claude_haiku_4_5'
    from public.ai_agents as a where a.id = 'a0000000-0000-4000-8000-000000000001'$$,
  '23503', null, 'a service of another vendor than the agent''s is refused'
);
select public.update_daily_usage_stats('2026-03-10');
select tests.clear_authentication();
select is(
  (
    select array_agg(v.k order by v.k)
    from public.ai_usage_stats as s
    cross join lateral jsonb_object_keys(s.vendor_usage) as v (k)
  ),
  array['anthropic', 'google', 'openai'], 'each interaction counts under the vendor it recorded'
);
select is(
  (
    select vendor_id || '/' || service_id from public.ai_interactions
    where title = 'after'
  ),
  'openai/openai_gpt5', 'a new interaction records the agent''s new vendor and service'
);

select * from finish();
rollback;
