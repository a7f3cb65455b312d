-- Rollback of 20261130180300_interaction_numbers_fixed_after_end.sql.
drop trigger ai_interactions_a_guard_numbers on public.ai_interactions;
drop function private.guard_interaction_numbers();
comment on column public.ai_interactions.input_tokens is null;
comment on column public.ai_interactions.output_tokens is null;
comment on column public.ai_interactions.total_cost is
'Cost in the vendor''s billing currency (USD), exact. Seed 002 says DECIMAL(10,4); widened to numeric(16,8) so the sub-cent costs of cheap models are kept exactly. Null when not priced.';
comment on column public.ai_interactions.started_at is
'When the interaction started (defaults to now). Its UTC day is the day the statistics count it on.';
comment on column public.ai_interactions.ended_at is 'When it ended; not before started_at.';
