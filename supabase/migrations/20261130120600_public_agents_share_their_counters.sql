-- What sharing an agent shows (issue 9, point 5): the whole agent row, the counters the
-- database keeps on it included, and nothing else of the owner's. The schema already does
-- this; the comments said otherwise in places, and now say it.
comment on column public.ai_agents.activity_score is
'Recency-weighted activity in [0, 1], kept by the database (daily refresh, update_agent_activity_score); not writable by clients. Part of the row: other users read it when is_public.';
comment on column public.ai_agents.last_used_at is
'Start of the newest interaction; kept by the database, not writable by clients. Part of the row: other users read it when is_public.';
comment on column public.ai_agents.usage_count is
'Number of interactions recorded; kept by the database, not writable by clients. Part of the row: other users read it when is_public.';
comment on column public.ai_agents.is_public is
'Shared with every signed-in user who has signed up (not anonymous sign-ins), read only. Sharing shares the whole row: system prompt, notes and the counters usage_count, last_used_at and activity_score; never its features, configs, interactions or statistics.';
comment on view public.agent_summary is
'Each agent visible to the caller with vendor name, service display name, features (primary first, then by the feature''s sort order) and usage totals over all its interactions (every status). RLS applies (security_invoker): other users'' public agents appear with the agent row (its usage_count, last_used_at and activity_score included) but without features or interaction totals.';
