-- Rollback of 20261130180400_create_usage_corrections.sql (the corrections recorded are lost;
-- the corrected numbers stay).
drop function public.reprice_model_calls(text, timestamptz, timestamptz, text);
drop function private.reprice_model_calls(text, timestamptz, timestamptz, text);
drop function public.correct_interaction_usage(uuid, text, integer, integer, numeric, timestamptz, text, text);
drop function private.correct_interaction_usage(uuid, text, integer, integer, numeric, timestamptz, text, text);
drop table public.usage_corrections;
