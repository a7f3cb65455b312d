-- Rollback of 20261130210300_message_retention.sql: the job list of 20261130170300, the job
-- unscheduled where pg_cron runs it.
do $migration$
begin
  -- Nested: cron.job is only planned where pg_cron exists.
  if exists (select from pg_catalog.pg_extension where extname = 'pg_cron') then
    perform cron.unschedule(j.jobid) from cron.job as j
    where j.jobname = 'agentsdb-daily-message-purge';
  end if;
end
$migration$;

create or replace function private.job_definitions()
returns table (job_name text, schedule text, command text)
language sql
immutable
security invoker
set search_path = ''
as $$
  values
    (
      'agentsdb-daily-usage-stats', '15 0 * * *',
      'select public.update_daily_usage_stats((now() at time zone ''UTC'')::date - 2), public.update_daily_usage_stats()'
    ),
    ('agentsdb-daily-activity-scores', '20 0 * * *', 'select private.refresh_activity_scores()'),
    ('agentsdb-daily-audit-purge', '30 0 * * *', 'select private.purge_audit_logs()'),
    ('agentsdb-usage-rollups', '* * * * *', 'select public.refresh_usage_rollups()')
$$;

drop function private.purge_expired_message_content();
alter table public.user_settings drop column message_retention_days;
