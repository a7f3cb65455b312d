drop function public.get_agent_with_features(uuid);
