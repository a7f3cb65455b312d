-- Rollback of 20261130120600_public_agents_share_their_counters: the previous comments.
comment on column public.ai_agents.activity_score is
'Recency-weighted activity in [0, 1], kept by update_agent_activity_score; not writable by clients.';
comment on column public.ai_agents.last_used_at is
'Start of the newest interaction; kept by the database, not writable by clients.';
comment on column public.ai_agents.usage_count is
'Number of interactions recorded; kept by the database, not writable by clients.';
comment on column public.ai_agents.is_public is
'Shared with every signed-in user (read only). Sharing shares the whole row, system prompt and notes included.';
comment on view public.agent_summary is
'Each agent visible to the caller with vendor name, service display name, features (primary first, then by the feature''s sort order) and usage totals over all its interactions (every status). RLS applies (security_invoker): other users'' public agents appear without features or usage.';
