do $rollback$
begin
  if exists (select from pg_catalog.pg_extension where extname = 'pg_cron') then
    if exists (select from cron.job where jobname = 'agentsdb-daily-usage-stats') then
      perform cron.unschedule('agentsdb-daily-usage-stats');
    end if;
  end if;
end
$rollback$;
