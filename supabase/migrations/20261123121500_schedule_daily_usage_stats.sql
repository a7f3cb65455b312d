-- Refresh yesterday's statistics every day at 00:15 UTC, where pg_cron is installed (it is
-- on Supabase; a plain PostgreSQL without it skips this and applies cleanly). The job runs
-- as the role applying this migration, which owns update_daily_usage_stats.
do $migration$
begin
  if exists (select from pg_catalog.pg_extension where extname = 'pg_cron') then
    perform cron.schedule(
      'agentsdb-daily-usage-stats', '15 0 * * *', 'select public.update_daily_usage_stats()'
    );
  end if;
end
$migration$;
