-- Rollback of 20261130170000_create_user_settings.sql.
drop function public.set_time_zone(text);
drop table public.user_settings;
drop function private.check_user_settings();
drop function private.is_reporting_time_zone(text);
