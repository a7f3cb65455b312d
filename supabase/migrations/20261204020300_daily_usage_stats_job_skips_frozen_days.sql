-- The daily statistics job skips a frozen day quietly (issue 12). An operator may drop the
-- history up to the first day of the current month (private.drop_history_before): the days
-- the job refreshes at 00:15 UTC (the day before yesterday and yesterday) are then before
-- the first day kept in every zone for up to three nights, and update_daily_usage_stats
-- refused them (22023), in cron's log every night, and the refused first day aborted the
-- second one, in the same statement. The job now calls private.daily_usage_stats_of_open_day,
-- which returns 0 (no row written: what update_daily_usage_stats returns when there is
-- nothing to do) for a frozen day and refreshes any other; an explicit
-- update_daily_usage_stats of a frozen day still refuses. (The retention job itself keeps at
-- least one whole month besides the current one, so it never freezes a day the job
-- refreshes: only a drop by hand does.)

create function private.daily_usage_stats_of_open_day(target_date date)
returns integer
language plpgsql
volatile
security invoker
set search_path = ''
as $$
begin
  -- The same bound as update_daily_usage_stats refuses below.
  if target_date < private.history_first_open_day('Etc/GMT-14') then
    return 0;
  end if;
  return public.update_daily_usage_stats(target_date);
end;
$$;
comment on function private.daily_usage_stats_of_open_day(date) is
'The daily job agentsdb-daily-usage-stats: public.update_daily_usage_stats(target_date), except for a day before the first day whose history retention kept in every time zone (frozen: its statistics are its record), which is skipped quietly (0 rows written) instead of refused. Not exposed; pg_cron runs it as the owner.';
revoke execute on function private.daily_usage_stats_of_open_day(date)
from public, anon, authenticated, service_role;

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
      'select private.daily_usage_stats_of_open_day((now() at time zone ''UTC'')::date - 2), private.daily_usage_stats_of_open_day((now() at time zone ''UTC'')::date - 1)'
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
