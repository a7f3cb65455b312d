-- Audit the user tables: agents, their configs and feature mappings, and API keys. Deleting
-- an agent logs the cascaded deletes of its configs and mappings too (same transaction_id).
-- The usage counters the database keeps (ai_agents.usage_count, last_used_at,
-- activity_score; user_api_keys.last_used_at) are bookkeeping: the interaction log is their
-- record, and one audit entry per interaction would double the cost of recording usage.

create trigger ai_agents_audit
after insert or update or delete on public.ai_agents
for each row execute function private.record_audit_log(
  '{}', '{usage_count,last_used_at,activity_score}'
);

create trigger ai_agent_configs_audit
after insert or update or delete on public.ai_agent_configs
for each row execute function private.record_audit_log();

create trigger agent_feature_mappings_audit
after insert or update or delete on public.agent_feature_mappings
for each row execute function private.record_audit_log();

-- user_api_keys holds no key material (key_preview and the envelope label only); the
-- ciphertext is in private.user_api_key_secrets, which is never audited. Should a column
-- named api_key or ciphertext ever appear here, it is redacted: listed explicitly, although
-- the function redacts those names in every table anyway.
create trigger user_api_keys_audit
after insert or update or delete on public.user_api_keys
for each row execute function private.record_audit_log('{api_key,ciphertext}', '{last_used_at}');
