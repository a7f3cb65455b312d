drop table public.ai_agents;
