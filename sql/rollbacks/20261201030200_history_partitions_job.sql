-- The list as 20261130234100 left it; a history job pg_cron runs is unscheduled.
do $migration$
begin
  if exists (select from pg_catalog.pg_extension where extname = 'pg_cron') then
    if exists (select from cron.job where jobname = 'agentsdb-history-partitions') then
      perform cron.unschedule('agentsdb-history-partitions');
    end if;
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
    ('agentsdb-usage-rollups', '* * * * *', 'select public.refresh_usage_rollups()'),
    (
      'agentsdb-daily-message-purge', '40 0 * * *',
      'select private.purge_expired_message_content()'
    )
$$;
