drop function public.update_agent_activity_score(uuid);
drop function private.compute_activity_score(uuid, uuid);
