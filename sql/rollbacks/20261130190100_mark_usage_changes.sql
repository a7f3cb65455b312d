-- Rollback of 20261130190100_mark_usage_changes.sql.
drop trigger user_settings_mark_usage_update on public.user_settings;
drop trigger user_settings_mark_usage_delete on public.user_settings;
drop trigger user_settings_mark_usage_insert on public.user_settings;
drop trigger ai_interactions_mark_usage_truncate on public.ai_interactions;
drop trigger ai_interactions_mark_usage_update on public.ai_interactions;
drop trigger ai_interactions_mark_usage_delete on public.ai_interactions;
drop trigger ai_interactions_mark_usage_insert on public.ai_interactions;
drop trigger model_calls_mark_usage_truncate on public.model_calls;
drop trigger model_calls_mark_usage_update on public.model_calls;
drop trigger model_calls_mark_usage_delete on public.model_calls;
drop trigger model_calls_mark_usage_insert on public.model_calls;
drop function private.mark_time_zone_changed();
drop function private.mark_usage_truncated();
drop function private.mark_usage_moved();
drop function private.mark_usage_changed();
