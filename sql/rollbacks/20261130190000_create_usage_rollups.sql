-- Rollback of 20261130190000_create_usage_rollups.sql.
drop table private.usage_breakdown_daily;
drop table public.agent_usage_daily;
drop table private.usage_rollup_marks;
