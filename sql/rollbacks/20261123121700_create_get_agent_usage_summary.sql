drop function public.get_agent_usage_summary(uuid, integer);
