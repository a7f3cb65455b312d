-- Reconciles two branches that both redefined private.job_definitions(): the usage rollups
-- (20261130190200 added agentsdb-usage-rollups, every minute) and message retention
-- (20261130210300 added agentsdb-daily-message-purge, written against the list without the
-- rollups job, so it dropped it). The list is every job agentsdb schedules.
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

-- Where pg_cron runs the jobs already, the rollups job comes back (cron.schedule replaces a
-- job of the same name).
do $migration$
begin
  if exists (select from pg_catalog.pg_extension where extname = 'pg_cron') then
    perform cron.schedule(d.job_name, d.schedule, d.command)
    from private.job_definitions() as d
    where d.job_name = 'agentsdb-usage-rollups';
  end if;
end
$migration$;
