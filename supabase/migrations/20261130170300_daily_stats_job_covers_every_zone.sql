-- The daily statistics job refreshes the day before yesterday (UTC) as well as yesterday.
-- Each user's day is now their local day (20261130170200): at 00:15 UTC yesterday is over
-- for users at UTC and east of it, but not for users west of it (Los Angeles' day ends at
-- 07:00 or 08:00 UTC, the westernmost at 12:00 UTC). The day before yesterday is over
-- everywhere, so every day is refreshed once when it may still be open for some users and
-- once when it is closed for all. update_daily_usage_stats keeps its signature and default.
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
