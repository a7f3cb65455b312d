drop table public.ai_agent_configs;
