-- Templates (issue 13): a user starts an agent from a public agent or from one of their own.
-- The clone takes the template's settings (description, vendor, service, model, system prompt,
-- configuration, capabilities, tags) and, from what the caller may read of it, its features
-- and its configs not marked encrypted; never API keys (they belong to users, not agents),
-- encrypted configs, notes, usage counters, status history, interactions or sharing.
-- Security invoker: RLS decides what is read. Another user's public agent shares its row
-- only (issue 9: never its features or configs), so a clone of it has the row's settings;
-- a clone of one's own agent has its features and unencrypted configs too.
create function public.create_agent_from_template(template_agent_id uuid, name text)
returns setof public.ai_agents
language plpgsql
volatile
security invoker
set search_path = ''
as $$
declare
  me uuid := auth.uid();
  template public.ai_agents;
  created public.ai_agents;
begin
  if me is null then
    raise exception using
      errcode = '42501',
      message = 'create_agent_from_template: sign in as the user who will own the new agent';
  end if;
  if create_agent_from_template.template_agent_id is null then
    raise exception using errcode = '22004', message = 'template_agent_id: required';
  end if;
  if create_agent_from_template.name is null then
    raise exception using errcode = '22004', message = 'name: required';
  end if;
  -- Yours (any status), or another user's public agent that is not archived.
  select a.* into template from public.ai_agents as a
  where
    a.id = create_agent_from_template.template_agent_id
    and (a.user_id = me or (a.is_public and a.status <> 'archived'));
  if template.id is null then
    raise exception using
      errcode = 'PT404',
      message = 'template_agent_id: no agent with this id is visible to you';
  end if;

  insert into public.ai_agents as a (
    name, description, vendor_id, service_id, model_name, system_prompt, configuration,
    capabilities, tags
  ) values (
    create_agent_from_template.name, template.description, template.vendor_id,
    template.service_id, template.model_name, template.system_prompt, template.configuration,
    template.capabilities, template.tags
  )
  returning a.* into created;

  -- What the caller reads of the template: for another user's public agent, nothing (RLS).
  -- Features hidden from clients (deactivated) are left out.
  insert into public.agent_feature_mappings (agent_id, feature_id, is_primary)
  select created.id, m.feature_id, m.is_primary
  from public.agent_feature_mappings as m
  inner join public.agent_features as f on f.id = m.feature_id
  where m.agent_id = template.id and m.user_id = me;

  insert into public.ai_agent_configs (agent_id, config_key, config_value, config_type, description)
  select created.id, c.config_key, c.config_value, c.config_type, c.description
  from public.ai_agent_configs as c
  where c.agent_id = template.id and c.user_id = me and not c.is_encrypted;

  return next created;
end;
$$;
comment on function public.create_agent_from_template(uuid, text) is
'Creates an agent of yours named `name` from a template: one of your agents, or another user''s public agent that is not archived. Copies description, vendor, service, model, system prompt, configuration, capabilities and tags; from your own template also its features and its configs not marked encrypted (another user''s features and configs are never shared). Never copies keys, encrypted configs, notes, counters, status history, interactions or is_public/is_favorite. Returns the new agent (status active). PT404 when the template is not visible to you, 42501 when not signed in as a user, 23514 for a blank name.';
revoke execute on function public.create_agent_from_template(uuid, text)
from public, anon, authenticated, service_role;
grant execute on function public.create_agent_from_template(uuid, text) to authenticated;
