do $rollback$
begin
  if exists (select from pg_catalog.pg_extension where extname = 'pg_cron') then
    if exists (select from cron.job where jobname = 'agentsdb-daily-activity-scores') then
      perform cron.unschedule('agentsdb-daily-activity-scores');
    end if;
  end if;
end
$rollback$;
drop function private.refresh_activity_scores();
