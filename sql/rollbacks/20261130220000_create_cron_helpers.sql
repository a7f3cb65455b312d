-- Rollback of 20261130220000_create_cron_helpers.sql.
drop function private.next_cron_run(text, text, jsonb, timestamptz);
drop function private.within_active_hours(jsonb, timestamp);
drop function private.check_active_hours(jsonb);
drop function private.parse_cron(text);
drop function private.cron_field_values(text, integer, integer, text);
