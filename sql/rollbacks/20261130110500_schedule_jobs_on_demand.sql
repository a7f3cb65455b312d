-- Undoes 20261130110500_schedule_jobs_on_demand (jobs it scheduled stay: the earlier
-- migrations schedule the same ones).
drop function private.job_status();
drop function public.schedule_agentsdb_jobs();
drop function private.schedule_jobs();
drop function private.job_definitions();
