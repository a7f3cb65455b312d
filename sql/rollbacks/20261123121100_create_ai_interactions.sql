drop table public.ai_interactions;
drop function private.derive_interaction_duration();
