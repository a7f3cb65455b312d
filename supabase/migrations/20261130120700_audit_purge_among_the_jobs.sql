-- The daily audit purge (20261130120300) joins the one list of agentsdb's pg_cron jobs, so
-- `schedule_agentsdb_jobs()` schedules it too where pg_cron was enabled after deploying, and
-- `agentsdb status` reports it.
create or replace function private.job_definitions()
returns table (job_name text, schedule text, command text)
language sql
immutable
security invoker
set search_path = ''
as $$
  values
    ('agentsdb-daily-usage-stats', '15 0 * * *', 'select public.update_daily_usage_stats()'),
    ('agentsdb-daily-activity-scores', '20 0 * * *', 'select private.refresh_activity_scores()'),
    ('agentsdb-daily-audit-purge', '30 0 * * *', 'select private.purge_audit_logs()')
$$;
