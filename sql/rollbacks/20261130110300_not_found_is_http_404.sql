-- Restores get_agent_with_features and get_agent_usage_summary as their first migrations
-- (20261123120750, 20261123121700) left them: not found was P0002.
create or replace function public.get_agent_with_features(agent_id uuid)
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

create or replace function public.get_agent_usage_summary(agent_id uuid, days integer default 30)
returns table (
  period_start timestamptz,
  period_end timestamptz,
  interaction_count bigint,
  total_input_tokens bigint,
  total_output_tokens bigint,
  total_cost numeric,
  total_duration_minutes bigint,
  avg_satisfaction real,
  avg_usefulness real,
  first_used_at timestamptz,
  last_used_at timestamptz,
  active_days integer,
  interactions_by_type jsonb
)
language plpgsql
stable
security invoker
set search_path = ''
as $$
begin
  if get_agent_usage_summary.agent_id is null then
    raise exception using
      errcode = '22004',
      message = 'agent_id: must not be null',
      hint = 'Pass the id of one of your agents.';
  end if;
  if get_agent_usage_summary.days is null then
    raise exception using
      errcode = '22004',
      message = 'days: must not be null',
      hint = 'Pass a number of days from 1 to 3650, or omit it for 30.';
  end if;
  if get_agent_usage_summary.days not between 1 and 3650 then
    raise exception using
      errcode = '22023',
      message = format('days: must be between 1 and 3650, got %s', get_agent_usage_summary.days),
      hint = 'Pass a number of days from 1 to 3650, or omit it for 30.';
  end if;
  -- RLS shows signed-in users their own agents and public ones; only their own have
  -- interactions they can read, so anything else is "not found" rather than zeros.
  if not exists (
    select from public.ai_agents as a
    where
      a.id = get_agent_usage_summary.agent_id
      and (
        a.user_id = (select auth.uid())
        or current_setting('role') not in ('anon', 'authenticated')
      )
  ) then
    raise exception using
      errcode = 'P0002',
      message = 'agent_id: no such agent among yours',
      hint = 'Pass the id of an agent you own.';
  end if;

  return query
  with window_rows as (
    select i.*
    from public.ai_interactions as i
    where
      i.agent_id = get_agent_usage_summary.agent_id
      and i.started_at > now() - make_interval(days => get_agent_usage_summary.days)
      and i.started_at <= now()
  ),

  by_type as (
    select jsonb_object_agg(t.interaction_type_id, t.n) as counts
    from (
      select w.interaction_type_id, count(*) as n
      from window_rows as w
      where w.interaction_type_id is not null
      group by w.interaction_type_id
    ) as t
  )

  select
    now() - make_interval(days => get_agent_usage_summary.days),
    now(),
    count(*),
    coalesce(sum(w.input_tokens), 0)::bigint,
    coalesce(sum(w.output_tokens), 0)::bigint,
    coalesce(sum(w.total_cost), 0)::numeric(18, 8)::numeric,
    coalesce(sum(w.duration_minutes), 0)::bigint,
    avg(w.satisfaction_rating)::real,
    avg(w.usefulness_rating)::real,
    min(w.started_at),
    max(w.started_at),
    count(distinct (w.started_at at time zone 'UTC')::date)::integer,
    coalesce((select b.counts from by_type as b), '{}')
  from window_rows as w;
end;
$$;
comment on function public.get_agent_usage_summary(uuid, integer) is
'One row summing the agent''s interactions started in the last `days` days (1 to 3650, default 30) up to now: counts, tokens, exact total cost (unpriced count 0), duration, mean ratings (null when unrated), first and last start, distinct UTC days with use, and interactions_by_type {"<interaction_type_id>": n} (untyped interactions are counted in interaction_count only). Every status counts. The agent must be the caller''s own (otherwise P0002); service_role may ask about any agent.';
