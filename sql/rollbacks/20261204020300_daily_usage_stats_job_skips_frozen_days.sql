-- Rollback of 20261204020300_daily_usage_stats_job_skips_frozen_days: the job's command
-- as 20261201030200 left it (rescheduled where pg_cron runs it), without the function.

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
    ('agentsdb-usage-rollups', '* * * * *', 'select public.refresh_usage_rollups()'),
    (
      'agentsdb-daily-message-purge', '40 0 * * *',
      'select private.purge_expired_message_content()'
    ),
    (
      'agentsdb-history-partitions', '50 0 * * *',
      'select count(*) from private.maintain_history_partitions()'
    )
$$;

-- Where pg_cron runs the jobs already, the usage job takes the new command (cron.schedule
-- replaces a job of the same name).
do $migration$
begin
  if exists (select from pg_catalog.pg_extension where extname = 'pg_cron') then
    perform cron.schedule(d.job_name, d.schedule, d.command)
    from private.job_definitions() as d
    where d.job_name = 'agentsdb-daily-usage-stats';
  end if;
end
$migration$;

drop function private.daily_usage_stats_of_open_day(date);
