-- Rollback of 20261130190200_create_refresh_usage_rollups.sql: the job list of
-- 20261130170300, without the rollups job (unscheduled where pg_cron runs it).
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
    ('agentsdb-daily-audit-purge', '30 0 * * *', 'select private.purge_audit_logs()')
$$;

do $migration$
begin
  if exists (select from pg_catalog.pg_extension where extname = 'pg_cron') then
    if exists (select from cron.job where jobname = 'agentsdb-usage-rollups') then
      perform cron.unschedule('agentsdb-usage-rollups');
    end if;
  end if;
end
$migration$;

drop function public.refresh_usage_rollups();
drop function private.refresh_usage_rollups();
drop function private.usage_mark_days(uuid [], timestamptz [], timestamptz []);
drop function private.refresh_usage_rollups_of(date, uuid);
