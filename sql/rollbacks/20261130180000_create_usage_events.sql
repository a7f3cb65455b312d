-- Rollback of 20261130180000_create_usage_events.sql.
drop view private.usage_events;
