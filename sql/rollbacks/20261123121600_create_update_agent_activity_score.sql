drop function public.update_agent_activity_score(uuid);
