-- Rollback of 20261130120400_anonymous_users_read_only_the_catalog.
drop trigger user_api_keys_refuse_anonymous on public.user_api_keys;
drop function private.refuse_anonymous();
drop policy ai_agents_all_not_anonymous on public.ai_agents;
drop policy agent_feature_mappings_all_not_anonymous on public.agent_feature_mappings;
drop policy ai_agent_configs_all_not_anonymous on public.ai_agent_configs;
drop policy ai_interactions_all_not_anonymous on public.ai_interactions;
drop policy user_api_keys_all_not_anonymous on public.user_api_keys;
drop policy ai_usage_stats_all_not_anonymous on public.ai_usage_stats;
drop policy audit_logs_all_not_anonymous on public.audit_logs;
drop function private.is_anonymous();
