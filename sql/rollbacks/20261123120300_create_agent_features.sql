drop table public.agent_features;
