drop trigger user_api_keys_audit on public.user_api_keys;
drop trigger agent_feature_mappings_audit on public.agent_feature_mappings;
drop trigger ai_agent_configs_audit on public.ai_agent_configs;
drop trigger ai_agents_audit on public.ai_agents;
