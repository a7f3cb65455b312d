drop table public.agent_feature_mappings;
