-- Seed 002 "Usage Examples" 2, 3 and 4, run as written (with a real agent uuid), as a
-- signed-in user.
begin;
\ir ../helpers.psql
-- Fixtures with fixed ids: clients may not choose ids (issue 9), so this transaction grants
-- it back to authenticated for the file's setup and probes.
grant insert (id) on public.ai_agents, public.ai_agent_configs, public.agent_feature_mappings,
public.ai_interactions to authenticated;
select plan(9);

set local timezone = 'UTC';
select tests.create_user('alice');
select tests.create_user('bob');

select tests.authenticate_as('alice');
insert into public.ai_agents (id, name, vendor_id, service_id, model_name)
values ('a0000000-0000-4000-8000-000000000001', 'Claude Sonnet', 'anthropic', 'anthropic_claude3_sonnet', 'claude-3-sonnet');
insert into public.agent_feature_mappings (agent_id, feature_id, is_primary) values
('a0000000-0000-4000-8000-000000000001', 'coding', true),
('a0000000-0000-4000-8000-000000000001', 'analysis', false);
insert into public.ai_agents (id, name, vendor_id) values ('a0000000-0000-4000-8000-000000000002', 'Quiet GPT', 'openai');
insert into public.ai_agents (name, vendor_id, is_active) values ('Retired', 'openai', false);
select tests.authenticate_as('bob');
insert into public.ai_agents (name, vendor_id, is_public) values ('Bob shared', 'google', true);

-- Example 2: record an interaction with cost tracking.
select tests.authenticate_as('alice');
select lives_ok(
  $example$INSERT INTO ai_interactions (
  agent_id, title, interaction_type_id, input_tokens, output_tokens, 
  total_cost, external_link, user_id
) VALUES (
  'a0000000-0000-4000-8000-000000000001', 'Code Review Session', 'coding', 1500, 800,
  0.0425, 'https://claude.ai/chat/xyz', auth.uid()
);$example$,
  'usage example 2 records an interaction'
);
select is(
  (
    select row(agent_id, input_tokens, output_tokens, total_cost, user_id)::text
    from ai_interactions
  ),
  row('a0000000-0000-4000-8000-000000000001'::uuid, 1500, 800, 0.0425::numeric(16, 8), auth.uid())::text,
  'example 2 stored the agent, tokens, exact cost and owner'
);
select is(
  (
    select usage_count from ai_agents
    where id = 'a0000000-0000-4000-8000-000000000001'
  ),
  1,
  'example 2 counted the use on the agent'
);

-- Example 3: the agent summary, most active first.
select is(update_agent_activity_score('a0000000-0000-4000-8000-000000000001') > 0, true, 'the used agent scores above 0');
select is(update_agent_activity_score('a0000000-0000-4000-8000-000000000002'), 0::real, 'the unused agent scores 0');
select results_eq(
  $example$SELECT * FROM agent_summary 
WHERE user_id = auth.uid() 
  AND is_active = true 
ORDER BY activity_score DESC;$example$,
  $$select * from agent_summary
    where id in ('a0000000-0000-4000-8000-000000000001', 'a0000000-0000-4000-8000-000000000002')
    order by id = 'a0000000-0000-4000-8000-000000000001' desc$$,
  'usage example 3 lists alice''s active agents, most active first'
);
select is(
  (
    select row(vendor_name, service_display_name, features, primary_feature, interaction_count, total_cost)::text
    from agent_summary
    where id = 'a0000000-0000-4000-8000-000000000001'
  ),
  row('Anthropic', 'Claude 3 Sonnet', array['coding', 'analysis'], 'coding', 1, 0.0425::numeric(18, 8))::text,
  'the summary carries vendor, service, features (primary first) and usage'
);

-- Example 4: usage analytics, after the server refreshed today's statistics.
select tests.authenticate_as_service_role();
select is(
  public.update_daily_usage_stats((now() at time zone 'UTC')::date),
  1,
  'the refresh writes alice''s row for today'
);
select tests.authenticate_as('alice');
select results_eq(
  $example$SELECT 
  date,
  total_interactions,
  total_cost,
  vendor_usage,
  feature_usage
FROM ai_usage_stats 
WHERE user_id = auth.uid() 
  AND date >= CURRENT_DATE - INTERVAL '30 days'
ORDER BY date DESC;$example$,
  $$values (
    (now() at time zone 'UTC')::date,
    1,
    0.0425::numeric(18, 8),
    '{"anthropic": {"interactions": 1, "cost": 0.0425, "input_tokens": 1500, "output_tokens": 800}}'::jsonb,
    '{"coding": 1, "analysis": 1}'::jsonb
  )$$,
  'usage example 4 shows today''s interactions, exact cost, vendor and feature usage'
);

select * from finish();
rollback;
