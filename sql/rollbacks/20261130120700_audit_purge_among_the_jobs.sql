-- Undoes 20261130120700_audit_purge_among_the_jobs: the list without the audit purge (the
-- job itself stays scheduled: 20261130120300 scheduled it).
create or replace function private.job_definitions()
returns table (job_name text, schedule text, command text)
language sql
immutable
security invoker
set search_path = ''
as $$
  values
    ('agentsdb-daily-usage-stats', '15 0 * * *', 'select public.update_daily_usage_stats()'),
    ('agentsdb-daily-activity-scores', '20 0 * * *', 'select private.refresh_activity_scores()')
$$;
