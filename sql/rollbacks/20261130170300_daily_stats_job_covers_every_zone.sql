-- Rollback of 20261130170300_daily_stats_job_covers_every_zone.sql: the job list of
-- 20261130120700, and the usage job's former command where pg_cron runs it.
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

do $migration$
begin
  if exists (select from pg_catalog.pg_extension where extname = 'pg_cron') then
    perform cron.schedule(d.job_name, d.schedule, d.command)
    from private.job_definitions() as d
    where d.job_name = 'agentsdb-daily-usage-stats';
  end if;
end
$migration$;
