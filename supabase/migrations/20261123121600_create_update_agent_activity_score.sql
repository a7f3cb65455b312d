-- update_agent_activity_score (seed 002, section 7): a recency-weighted activity score in
-- [0, 1], stored on the agent. Clients cannot write ai_agents.activity_score, so the
-- function is security definer and checks the caller itself: the agent's owner, or a
-- server-side caller (service_role, the owner of the function, pg_cron).

-- The formula, in one place for this RPC and the daily refresh of every agent.
create function private.compute_activity_score(agent_id uuid, owner_id uuid)
returns real
language sql
stable
security invoker
set search_path = ''
as $$
  -- Each interaction of the last 90 days weighs exp(-age / 14 days) (1 today, 0.5 after
  -- about 10 days; future starts count as today); the score is 1 - exp(-sum / 5).
  select (1 - exp(-coalesce(sum(exp(
    -greatest(extract(epoch from now() - i.started_at), 0)::double precision / 1209600
  )), 0) / 5))::real
  from public.ai_interactions as i
  where
    i.agent_id = compute_activity_score.agent_id
    and i.user_id = compute_activity_score.owner_id
    and i.started_at >= now() - interval '90 days'
$$;
comment on function private.compute_activity_score(uuid, uuid) is
'The activity score of an agent now: 1 - exp(-S / 5), S = sum over its interactions started in the last 90 days of exp(-age_in_days / 14). Used by update_agent_activity_score and private.refresh_activity_scores.';
revoke execute on function private.compute_activity_score(uuid, uuid)
from public, anon, authenticated, service_role;

create function public.update_agent_activity_score(agent_id uuid)
returns real
language plpgsql
volatile
security definer
set search_path = ''
as $$
declare
  owner_id uuid;
  score real;
begin
  if update_agent_activity_score.agent_id is null then
    raise exception using
      errcode = '22004',
      message = 'agent_id: must not be null',
      hint = 'Pass the id of one of your agents.';
  end if;

  select a.user_id into owner_id
  from public.ai_agents as a
  where a.id = update_agent_activity_score.agent_id;

  -- Inside a definer function current_user is the owner; the caller is the `role` setting
  -- (what PostgREST sets per request), else the session user. Besides the agent's owner,
  -- only members of service_role pass (service_role, postgres and its pg_cron jobs,
  -- superusers): an allow-list, so a custom role that inherits authenticated is refused too.
  if not found or (
    owner_id is distinct from (select auth.uid())
    and not pg_catalog.pg_has_role(
      coalesce(nullif(current_setting('role'), 'none'), session_user), 'service_role', 'member'
    )
  ) then
    raise exception using
      errcode = 'P0002',
      message = 'agent_id: no such agent among yours',
      hint = 'Pass the id of an agent you own.';
  end if;

  score := private.compute_activity_score(update_agent_activity_score.agent_id, owner_id);

  update public.ai_agents as a
  set activity_score = score
  where a.id = update_agent_activity_score.agent_id;

  return score;
end;
$$;
comment on function public.update_agent_activity_score(uuid) is
'Computes, stores on ai_agents.activity_score and returns the agent''s activity score: 1 - exp(-S / 5), S = sum over its interactions started in the last 90 days of exp(-age_in_days / 14). In [0, 1): 0 without recent use; one interaction today gives 0.18, five 0.63, twenty 0.98; every interaction raises it and it decays as they age. Every status counts. Callable by the agent''s owner (anyone else''s or an unknown agent: P0002) and by service_role.';
revoke execute on function public.update_agent_activity_score(uuid) from public, anon, authenticated, service_role;
grant execute on function public.update_agent_activity_score(uuid) to authenticated, service_role;
