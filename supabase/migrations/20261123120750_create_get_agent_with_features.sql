-- get_agent_with_features(agent_id) (seed 002, section 7): one agent with its vendor, its
-- service and its features. Security invoker: RLS decides what the caller sees. The owner
-- gets their agent with its features; any signed-in user gets a public agent, but its
-- feature mappings are the owner's alone (agent_feature_mappings RLS), so for another user
-- `features` is empty and `primary_feature_id` null. Catalog rows hidden from the caller
-- (an inactive vendor, service or feature) come back as null or are left out.
create function public.get_agent_with_features(agent_id uuid)
returns table (
  id uuid,
  name text,
  description text,
  vendor_id text,
  service_id text,
  model_name text,
  system_prompt text,
  configuration jsonb,
  capabilities jsonb,
  notes text,
  tags text [],
  activity_score real,
  last_used_at timestamptz,
  usage_count integer,
  is_active boolean,
  is_favorite boolean,
  is_public boolean,
  user_id uuid,
  created_at timestamptz,
  updated_at timestamptz,
  vendor_name text,
  service_display_name text,
  features jsonb,
  primary_feature_id text
)
language plpgsql
stable
security invoker
set search_path = ''
as $$
begin
  if get_agent_with_features.agent_id is null then
    raise exception using
      errcode = '22004',
      message = 'agent_id: is required',
      hint = 'Pass the id of one of your agents or of a public agent.';
  end if;

  return query
  select
    a.id, a.name, a.description, a.vendor_id, a.service_id, a.model_name, a.system_prompt,
    a.configuration, a.capabilities, a.notes, a.tags, a.activity_score, a.last_used_at,
    a.usage_count, a.is_active, a.is_favorite, a.is_public, a.user_id, a.created_at,
    a.updated_at,
    v.name,
    s.display_name,
    coalesce(f.features, '[]'::jsonb),
    f.primary_feature_id
  from public.ai_agents as a
  left join public.vendors as v on v.id = a.vendor_id
  left join public.vendor_services as s on s.id = a.service_id
  cross join lateral (
    select
      jsonb_agg(
        jsonb_build_object(
          'id', af.id,
          'name', af.name,
          'category', af.category,
          'icon', af.icon,
          'is_primary', m.is_primary
        )
        order by m.is_primary desc, af.sort_order, af.id
      ) as features,
      max(af.id) filter (where m.is_primary) as primary_feature_id
    from public.agent_feature_mappings as m
    inner join public.agent_features as af on af.id = m.feature_id
    where m.agent_id = a.id
  ) as f
  where a.id = get_agent_with_features.agent_id;

  if not found then
    raise exception using
      errcode = 'P0002',
      message = 'agent_id: no agent with this id is visible to you',
      hint = 'Pass the id of one of your agents or of a public agent.';
  end if;
end;
$$;

comment on function public.get_agent_with_features(uuid) is
'One agent (yours, or a public one) with vendor_name, service_display_name, features (a JSON array of {id, name, category, icon, is_primary}, primary first, then by sort_order) and primary_feature_id. Features are listed for the agent''s owner only (another user gets [] for a public agent). Errors: 22004 agent_id null; P0002 no such agent visible to the caller.';

revoke execute on function public.get_agent_with_features(uuid)
from public, anon, authenticated, service_role;
grant execute on function public.get_agent_with_features(uuid) to authenticated, service_role;
