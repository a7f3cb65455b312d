-- Scheduled jobs on a hosted project: pg_cron is not enabled by default on Supabase, and the
-- migrations that schedule the daily jobs skip scheduling silently where it is missing, so
-- statistics would never refresh. One list of the jobs; an RPC that schedules them (for a
-- project that enabled pg_cron after deploying: idempotent, service_role only, the definer
-- body in private); and a status function that `agentsdb status` reads.

-- The jobs agentsdb runs, in one place (the first two migrations that scheduled them,
-- 20261123121500 and 20261123121650, used the same names, schedules and commands).
create function private.job_definitions()
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
comment on function private.job_definitions() is
'The pg_cron jobs agentsdb runs: name, schedule (UTC) and command. Read by private.schedule_jobs and private.job_status.';
revoke execute on function private.job_definitions()
from public, anon, authenticated, service_role;

-- Security definer so that the jobs belong to (and run as) the owner, postgres, whoever
-- asks: service_role has no rights on schema cron.
create function private.schedule_jobs()
returns table (job_name text, schedule text, command text)
language plpgsql
volatile
security definer
set search_path = ''
as $$
declare
  job record;
begin
  perform private.require_service_role('schedule_agentsdb_jobs');
  if not exists (select from pg_catalog.pg_extension as e where e.extname = 'pg_cron') then
    raise exception using
      errcode = '55000',
      message = 'pg_cron: the extension is not enabled in this database',
      hint = 'Enable pg_cron (Supabase Dashboard: Integrations, Cron), then call schedule_agentsdb_jobs() again.';
  end if;
  for job in select d.job_name, d.schedule, d.command from private.job_definitions() as d loop
    -- cron.schedule replaces a job of the same name: calling this again changes nothing.
    perform cron.schedule(job.job_name, job.schedule, job.command);
    job_name := job.job_name;
    schedule := job.schedule;
    command := job.command;
    return next;
  end loop;
end;
$$;
comment on function private.schedule_jobs() is
'The body of public.schedule_agentsdb_jobs (security definer, so the jobs belong to the owner): schedules every job of private.job_definitions with pg_cron, replacing jobs of the same name. service_role (or a member) only; 55000 where pg_cron is not enabled.';
revoke execute on function private.schedule_jobs()
from public, anon, authenticated, service_role;
grant execute on function private.schedule_jobs() to service_role;


create function public.schedule_agentsdb_jobs()
returns table (job_name text, schedule text, command text)
language sql
volatile
security invoker
set search_path = ''
as $$
  select s.job_name, s.schedule, s.command from private.schedule_jobs() as s
$$;
comment on function public.schedule_agentsdb_jobs() is
'Schedules agentsdb''s daily jobs with pg_cron (statistics at 00:15 UTC, activity scores at 00:20) and returns them. For a project where pg_cron was enabled after the migrations ran (they schedule the jobs only where it exists). Idempotent. service_role only; 55000 (HTTP 500) where pg_cron is not enabled.';
revoke execute on function public.schedule_agentsdb_jobs()
from public, anon, authenticated, service_role;
grant execute on function public.schedule_agentsdb_jobs() to service_role;

-- For `agentsdb status` (a direct connection as the owner): each job, whether pg_cron has it,
-- and its last run. Invoker: pg_cron shows a role its own jobs, and the jobs are the owner's.
create function private.job_status()
returns table (
  job_name text,
  schedule text,
  pg_cron_enabled boolean,
  scheduled boolean,
  last_run_at timestamptz,
  last_run_status text
)
language plpgsql
stable
security invoker
set search_path = ''
as $$
begin
  if not exists (select from pg_catalog.pg_extension as e where e.extname = 'pg_cron') then
    return query
    select d.job_name, d.schedule, false, false, null::timestamptz, null::text
    from private.job_definitions() as d;
    return;
  end if;
  return query
  select
    d.job_name, d.schedule, true, j.jobid is not null, r.start_time, r.status
  from private.job_definitions() as d
  left join cron.job as j on j.jobname = d.job_name
  left join lateral (
    select x.start_time, x.status from cron.job_run_details as x
    where x.jobid = j.jobid
    order by x.start_time desc nulls last
    limit 1
  ) as r on true;
end;
$$;
comment on function private.job_status() is
'agentsdb''s pg_cron jobs as the database has them: whether pg_cron is enabled, whether each job is scheduled (visible to the calling role), and its last run (start time and status). Read by `agentsdb status`.';
revoke execute on function private.job_status()
from public, anon, authenticated, service_role;
