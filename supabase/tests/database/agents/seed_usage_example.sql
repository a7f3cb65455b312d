begin;
\ir ../helpers.psql
select plan(5);

-- Seed 002, "Usage Examples", 1. Create AI Agent with Features: run as written by a
-- signed-in user, with the new agent's real id in place of `agent_id`.
select tests.create_user('alice');
select tests.authenticate_as('alice');

select lives_ok(
  $$INSERT INTO ai_agents (name, vendor_id, service_id, model_name, user_id)
    VALUES ('Claude Sonnet', 'anthropic', 'anthropic_claude3_sonnet', 'claude-3-sonnet', auth.uid())$$,
  'example 1: the agent is created'
);

-- Remember the new agent's id for the rest of the transaction.
select set_config('tests.agent_id', a.id::text, true)
from public.ai_agents as a
where a.name = 'Claude Sonnet';

select lives_ok(
  format(
    $$INSERT INTO agent_feature_mappings (agent_id, feature_id, is_primary, user_id)
      VALUES
        (%1$L, 'coding', true, auth.uid()),
        (%1$L, 'analysis', false, auth.uid())$$,
    current_setting('tests.agent_id')
  ),
  'example 1: its features are added'
);

select results_eq(
  $$select a.name, a.vendor_id, a.service_id, a.model_name, a.user_id = auth.uid()
    from public.ai_agents as a$$,
  $$values ('Claude Sonnet', 'anthropic', 'anthropic_claude3_sonnet', 'claude-3-sonnet', true)$$,
  'the agent is stored as given and owned by the caller'
);
select results_eq(
  $$select m.feature_id, m.is_primary, m.user_id = auth.uid()
    from public.agent_feature_mappings as m
    order by m.feature_id$$,
  $$values ('analysis', false, true), ('coding', true, true)$$,
  'coding (primary) and analysis are mapped, owned by the caller'
);
select is(
  (
    select count(*)::int from public.agent_feature_mappings
    where agent_id = current_setting('tests.agent_id')::uuid
  ),
  2,
  'both mappings point at the new agent'
);

select * from finish();
rollback;
